//! The subcommands. Exit codes: 0 success, 1 the input was rejected (or would be reformatted),
//! 2 usage or I/O errors.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ottl_syntax::source;
use ottl_syntax::{Diagnostic, LineIndex, dump};

use crate::render;

#[derive(Debug, Parser)]
#[command(
    name = "ottl",
    version,
    about = "The OTTL toolchain: parse, format and check OpenTelemetry Transformation Language"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse one statement, condition or value expression (syntax only) and print its tree.
    Parse {
        /// What the text is.
        #[arg(long, value_enum, default_value = "statement")]
        kind: Kind,
        /// Print the tree as JSON.
        #[arg(long)]
        json: bool,
        /// The OTTL text, or `-` to read standard input.
        text: String,
    },
    /// Format `.ottl` files in place (with `--check`, only report the ones that would change).
    Fmt {
        #[arg(long)]
        check: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Check `.ottl` files and Collector YAML configurations and report every problem found.
    Check {
        /// The context of `.ottl` files that have no `# context:` line (a transform group's
        /// `context:`); YAML files name their own contexts.
        #[arg(long)]
        context: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 on warnings too (statements the Collector loads that are likely mistakes).
        #[arg(long)]
        deny_warnings: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run statements over an OTLP/JSON export request and print the result as OTLP/JSON.
    Transform(crate::exec::TransformArgs),
    /// Evaluate a value expression against the first record and print the value as OTLP/JSON.
    Eval(crate::exec::EvalArgs),
    /// Measure statements per record on each backend (`--suite`: the built-in workloads).
    Bench(crate::bench::BenchArgs),
    /// Compile a `.ottl` file's statements (one group) to a WASM module.
    Compile(crate::exec::CompileArgs),
    /// Print what a compiled module says about itself: source, context, versions, hash.
    Inspect { module: PathBuf },
    /// Serve the language server protocol over standard input and output (for editors).
    Lsp,
    /// Try statements and expressions against one record, interactively.
    Repl(crate::repl::ReplArgs),
    /// Run the embedded OTLP runtime (a Collector configuration, or the default pipeline).
    Run(crate::run::RunArgs),
    /// Send synthetic OTLP load and report what was accepted.
    Loadgen(crate::run::LoadgenArgs),
    /// Run statement test files (see README) and report `N passed, N failed`.
    Test {
        /// Where the statements run; `all` runs each case on every backend and also fails it
        /// when a backend's output differs from the interpreter's.
        #[arg(long, value_enum, default_value = "all")]
        backend: crate::exec::TestBackend,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
    Statement,
    Condition,
    Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Parse { kind, json, text } => parse(kind, json, &text),
        Command::Fmt { check, files } => fmt(check, &files),
        Command::Check { context, format, deny_warnings, files } => {
            check(context.as_deref(), format, deny_warnings, &files)
        }
        Command::Transform(args) => crate::exec::transform(&args),
        Command::Eval(args) => crate::exec::eval(&args),
        Command::Bench(args) => crate::bench::run(&args),
        Command::Compile(args) => crate::exec::compile(&args),
        Command::Inspect { module } => crate::exec::inspect(&module),
        Command::Test { backend, files } => crate::exec::test(backend, &files),
        Command::Run(args) => crate::run::run(&args),
        Command::Repl(args) => crate::repl::run(&args),
        Command::Lsp => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start tokio: {e}"))?;
            rt.block_on(ottl_lsp::serve_stdio());
            // The reader of standard input may still be blocked in a read: do not wait for it.
            rt.shutdown_background();
            Ok(ExitCode::SUCCESS)
        }
        Command::Loadgen(args) => crate::run::loadgen_cmd(&args),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn parse(kind: Kind, json: bool, text: &str) -> Result<ExitCode, String> {
    let text = if text == "-" {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        buf
    } else {
        text.to_string()
    };
    let (out, diagnostics) = match kind {
        Kind::Statement => {
            let p = ottl_syntax::parse_statement(&text);
            (p.tree.as_ref().map(|t| if json { to_json(t) } else { dump::statement(t) }), p.diagnostics)
        }
        Kind::Condition => {
            let p = ottl_syntax::parse_condition(&text);
            (p.tree.as_ref().map(|t| if json { to_json(t) } else { dump::condition(t) }), p.diagnostics)
        }
        Kind::Value => {
            let p = ottl_syntax::parse_value(&text);
            (p.tree.as_ref().map(|t| if json { to_json(t) } else { dump::value(t) }), p.diagnostics)
        }
    };
    for d in &diagnostics {
        eprint!("{}", render::human("<input>", &text, d, color()));
    }
    let rejected = diagnostics.iter().any(Diagnostic::is_error);
    if let (Some(out), false) = (out, rejected) {
        print!("{out}");
        if json {
            println!();
        }
    }
    Ok(if rejected { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn to_json<T: serde::Serialize>(tree: &T) -> String {
    serde_json::to_string_pretty(tree).expect("the AST serializes")
}

fn fmt(check: bool, files: &[PathBuf]) -> Result<ExitCode, String> {
    let mut changed = false;
    for path in files {
        if is_yaml(path) {
            return Err(format!(
                "{}: `ottl fmt` formats .ottl files; statements inside YAML are formatted by the language server",
                path.display()
            ));
        }
        let text = read(path)?;
        let formatted = source::format_file(&text);
        if formatted == text {
            continue;
        }
        changed = true;
        if check {
            println!("would reformat {}", path.display());
        } else {
            std::fs::write(path, formatted).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("formatted {}", path.display());
        }
    }
    Ok(if check && changed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn check(
    context: Option<&str>,
    format: Format,
    deny_warnings: bool,
    files: &[PathBuf],
) -> Result<ExitCode, String> {
    if let Some(c) = context
        && ottl_types::context::ContextId::from_name(c).is_none()
    {
        return Err(format!(
            "unknown context `{c}` (one of: {})",
            ottl_types::context::ContextId::ALL.map(ottl_types::context::ContextId::name).join(", ")
        ));
    }
    let (mut errors, mut warnings) = (0usize, 0usize);
    let mut json_out = Vec::new();
    for path in files {
        let text = read(path)?;
        let name = path.display().to_string();
        let diagnostics = if is_yaml(path) {
            ottl_types::source::check_yaml(&text)
        } else {
            let mut file = source::split(&text);
            if file.context.is_none() {
                file.context = context.map(|c| (c.to_string(), ottl_syntax::TextRange::empty(0)));
            }
            ottl_types::source::check_ottl_file(&file)
        };
        errors += diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += diagnostics.iter().filter(|d| !d.is_error()).count();
        match format {
            Format::Human => {
                for d in &diagnostics {
                    eprint!("{}", render::human(&name, &text, d, color()));
                }
            }
            Format::Json => {
                let index = LineIndex::new(&text);
                let rows: Vec<_> =
                    diagnostics.iter().map(|d| render::json(&name, &text, &index, d)).collect();
                json_out.push(serde_json::to_value(rows).expect("diagnostics serialize"));
            }
        }
    }
    if format == Format::Json {
        let all: Vec<serde_json::Value> =
            json_out.into_iter().flat_map(|v| v.as_array().cloned().unwrap_or_default()).collect();
        println!("{}", serde_json::to_string_pretty(&all).expect("JSON"));
    } else if errors == 0 && warnings == 0 {
        eprintln!("{} file(s) checked, no errors", files.len());
    } else {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
    let failed = errors > 0 || deny_warnings && warnings > 0;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
