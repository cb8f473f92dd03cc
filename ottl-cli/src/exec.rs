//! `ottl transform`, `ottl eval` and `ottl test`: running statements on OTLP/JSON data.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ottl_jit::exec::{self, Hooks, Payload, Program};
use ottl_jit::interp::{CStatement, ErrorMode, Outcome, StatementError};
use ottl_jit::record::Record;
use ottl_jit::testfile::{self, Verdict};
use ottl_jit::value::Value;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

/// The execution backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// The reference interpreter.
    Interp,
    /// Native code compiled with Cranelift.
    Jit,
    /// A WASM module, compiled in memory and run by wasmtime.
    Wasm,
}

impl From<Backend> for exec::Backend {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Interp => exec::Backend::Interp,
            Backend::Jit => exec::Backend::Jit,
            Backend::Wasm => exec::Backend::Wasm,
        }
    }
}

/// The backends `ottl test` runs cases on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestBackend {
    Interp,
    Jit,
    Wasm,
    /// Every backend, each checked against the interpreter.
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Ignore,
    Silent,
    Propagate,
}

#[derive(Debug, Args)]
pub struct TransformArgs {
    /// The context the statements run in (log, span, spanevent, metric, datapoint, profile,
    /// resource, scope); a `--module` names its own.
    #[arg(long)]
    context: Option<String>,
    /// Run a module `ottl compile` wrote instead of statements (its statements, context, group
    /// conditions and error mode are its own).
    #[arg(long, conflicts_with_all = ["statements", "files", "conditions", "backend"])]
    module: Option<PathBuf>,
    /// A statement (repeatable; run in the order given, after the `-f` files' statements).
    #[arg(short = 's', long = "statement")]
    statements: Vec<String>,
    /// A `.ottl` file of statements (repeatable).
    #[arg(short = 'f', long = "file")]
    files: Vec<PathBuf>,
    /// A group condition (repeatable; ORed): records that match none are left alone.
    #[arg(long = "condition")]
    conditions: Vec<String>,
    #[arg(long, value_enum, default_value = "propagate")]
    error_mode: Mode,
    /// Where the statements run: native code (the default; it agrees with the interpreter on
    /// every fixture) or the reference interpreter.
    #[arg(long, value_enum, default_value = "jit")]
    backend: Backend,
    /// Print, per record and statement, whether the condition held and what changed.
    #[arg(long)]
    trace: bool,
    /// An OTLP/JSON export request, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The context the statements run in (default: the file's `# context:` line).
    #[arg(long)]
    context: Option<String>,
    /// A group condition (repeatable; any one that holds lets the statements run).
    #[arg(long = "condition")]
    conditions: Vec<String>,
    #[arg(long, value_enum, default_value = "propagate")]
    error_mode: Mode,
    /// Write `wasm` (the module) or `wat` (the module as text).
    #[arg(long, value_enum, default_value = "wasm")]
    emit: Emit,
    /// Where to write the module.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// In a Collector configuration: the statement group to compile, by its key
    /// (`processors.transform.log_statements[0]`); needed when the file has more than one.
    #[arg(long)]
    group: Option<String>,
    /// A `.ottl` file of statements, or a Collector configuration (`.yaml`/`.yml`) whose
    /// transform group (`--group`) is compiled with its own context, conditions and error mode.
    file: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    Wasm,
    Wat,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[arg(long)]
    context: String,
    #[arg(long, value_enum, default_value = "interp")]
    backend: Backend,
    /// An OTLP/JSON export request whose first record the expression reads (default: an empty
    /// record).
    #[arg(long)]
    input: Option<PathBuf>,
    /// The value expression.
    expression: String,
}

pub(crate) fn context(name: &str) -> Result<ContextId, String> {
    ContextId::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = ContextId::ALL.iter().map(|c| c.name()).collect();
        format!("unknown context `{name}`; expected one of {}", names.join(", "))
    })
}

fn read_input(input: &str) -> Result<String, String> {
    if input == "-" {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(buf)
    } else {
        std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))
    }
}

pub(crate) fn check_payload_context(payload: &Payload, ctx: ContextId) -> Result<(), String> {
    let ok = match payload {
        Payload::Logs(_) => matches!(ctx, ContextId::Log | ContextId::Resource | ContextId::Scope),
        Payload::Traces(_) => {
            matches!(ctx, ContextId::Span | ContextId::SpanEvent | ContextId::Resource | ContextId::Scope)
        }
        Payload::Metrics(_) => {
            matches!(ctx, ContextId::Metric | ContextId::DataPoint | ContextId::Resource | ContextId::Scope)
        }
        Payload::Profiles(_) => matches!(ctx, ContextId::Profile | ContextId::Resource | ContextId::Scope),
    };
    if ok { Ok(()) } else { Err(format!("the {} context does not apply to this payload", ctx.name())) }
}

pub fn transform(args: &TransformArgs) -> Result<ExitCode, String> {
    let (ctx, group) = match &args.module {
        Some(path) => load_module(path, args.context.as_deref())?,
        None => match compile_statements(args)? {
            Ok(compiled) => compiled,
            Err(code) => return Ok(code),
        },
    };
    let mut payload = Payload::from_json(&read_input(&args.input)?)?;
    check_payload_context(&payload, ctx)?;
    Ok(run_transform(args, ctx, group, &mut payload))
}

/// A module file as a group, and the context it runs in.
fn load_module(path: &Path, context: Option<&str>) -> Result<(ContextId, exec::Compiled), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let group = ottl_jit::wasm::WasmGroup::load(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest = ottl_jit::wasm::Manifest::read(&bytes)?;
    let ctx = self::context(&manifest.context)?;
    if let Some(c) = context
        && self::context(c)? != ctx
    {
        return Err(format!("{} runs in the {} context, not {c}", path.display(), ctx.name()));
    }
    Ok((ctx, exec::Compiled::Wasm(Box::new(group))))
}

/// The statements of `-f`/`-s` compiled for the chosen backend; `Err` is the exit code after
/// the diagnostics were printed.
fn compile_statements(args: &TransformArgs) -> Result<Result<(ContextId, exec::Compiled), ExitCode>, String> {
    let ctx = context(args.context.as_deref().ok_or("give `--context` (or `--module`)")?)?;
    let mut statements = Vec::new();
    for f in &args.files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        statements.extend(ottl_syntax::source::split(&text).snippets().map(|s| s.text.clone()));
    }
    statements.extend(args.statements.iter().cloned());
    if statements.is_empty() {
        return Err("no statements: give `-s STATEMENT` or `-f FILE`".into());
    }
    let error_mode = match args.error_mode {
        Mode::Ignore => ErrorMode::Ignore,
        Mode::Silent => ErrorMode::Silent,
        Mode::Propagate => ErrorMode::Propagate,
    };
    Ok(match exec::compile_group(ctx, &statements, &args.conditions, error_mode, args.backend.into()) {
        Ok(g) => Ok((ctx, g)),
        Err(e) => {
            eprint!("{e}");
            Err(ExitCode::from(1))
        }
    })
}

fn run_transform(
    args: &TransformArgs,
    ctx: ContextId,
    group: exec::Compiled,
    payload: &mut Payload,
) -> ExitCode {
    let program = Program { context: ctx, groups: vec![group] };
    let tracing = args.trace;
    // The record as it was before the last executed statement (shared by the two hooks).
    let last: std::cell::RefCell<Option<serde_json::Value>> = std::cell::RefCell::new(None);
    let mut before = |_: usize, rec: &Record<'_>| *last.borrow_mut() = Some(rec.snapshot());
    let mut trace = |record: usize, s: &CStatement, o: Outcome<'_>, rec: &Record<'_>| {
        let what = match o {
            Outcome::Skipped => "condition false, skipped".to_string(),
            Outcome::Executed => "executed".to_string(),
            Outcome::Failed(e) => format!("failed: {e}"),
        };
        eprintln!("record {record}: {}: {what}", s.text);
        if matches!(o, Outcome::Executed) {
            let now = rec.snapshot();
            if let Some(prev) = last.borrow_mut().replace(now.clone()) {
                eprint!("{}", changes(&prev, &now));
            }
        }
    };
    let mut warn = |e: &StatementError| eprintln!("warning: {e}");
    let mut hooks = Hooks { warn: Some(&mut warn), ..Hooks::default() };
    if tracing {
        hooks.before = Some(&mut before);
        hooks.trace = Some(&mut trace);
    }
    match program.run(payload, &mut hooks) {
        Ok(()) => {
            print_stdout(&payload.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn eval(args: &EvalArgs) -> Result<ExitCode, String> {
    let ctx = context(&args.context)?;
    let env = Env { context: ctx, mode: PathMode::Unprefixed, component: Component::TransformStatements };
    if args.backend != Backend::Interp {
        return Err("`eval` runs on the interpreter only: a value expression is not a statement group".into());
    }
    let expr = match exec::compile_value(env, &args.expression) {
        Ok(e) => e,
        Err(exec::CompileError::Diagnostics { diagnostics, .. }) => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprint!(
                    "{}",
                    crate::render::human("<expression>", &args.expression, d, crate::commands::color())
                );
            }
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.to_string()),
    };
    let mut payload = match &args.input {
        Some(p) => Payload::from_json(&read_input(&p.display().to_string())?)?,
        None => empty_payload(ctx)?,
    };
    check_payload_context(&payload, ctx)?;
    let value = exec::first_record(&mut payload, ctx, &mut |rec| match expr.eval(rec) {
        // Times, durations and ids have no AnyValue form: show them as their string form.
        Ok(v) => Ok(match (&v, v.to_any()) {
            (Value::Nil, _) => Ok(None),
            (_, Some(any)) => Ok(Some(any)),
            (other, None) => Err((other.go_type(), other.go_text())),
        }),
        Err(e) => Err(e.to_string()),
    })
    .ok_or("the input has no record for this context")??;
    let any = match value {
        Ok(any) => any.unwrap_or_default(),
        Err((go_type, text)) => {
            eprintln!("note: a {go_type} has no OTLP AnyValue form; printed as its string form");
            opentelemetry_proto::tonic::common::v1::AnyValue {
                value: Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(text)),
            }
        }
    };
    let json = serde_json::to_string_pretty(&any).map_err(|e| e.to_string())?;
    print_stdout(&json);
    Ok(ExitCode::SUCCESS)
}

/// A payload with one empty record of the context's kind.
pub(crate) fn empty_payload(ctx: ContextId) -> Result<Payload, String> {
    let json = match ctx {
        ContextId::Span => r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]}"#,
        ContextId::SpanEvent => r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"events":[{}]}]}]}]}"#,
        ContextId::Metric | ContextId::DataPoint => {
            r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{}]}}]}]}]}"#
        }
        _ => r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}"#,
    };
    Payload::from_json(json)
}

/// The statement group of a Collector configuration `ottl compile` was asked for: its context,
/// statements, conditions and error mode.
fn config_group(args: &CompileArgs) -> Result<(ContextId, Vec<String>, Vec<String>, ErrorMode), String> {
    // Every gate on: only the statements are read here; the processor that loads the module
    // decides how its data is shaped around them.
    let gates = runtime::gates::FeatureGates::all();
    let config = runtime::config::Config::load_with(&args.file, &gates).map_err(|e| e.to_string())?;
    for w in &config.warnings {
        eprintln!("warning: {w}");
    }
    let mut groups = Vec::new();
    for p in config.processors.values() {
        if let runtime::config::Processor::Transform(t) = p {
            for (signal, list) in &t.groups {
                groups.extend(list.iter().map(|g| (*signal, g)));
            }
        }
    }
    let keys = || groups.iter().map(|(_, g)| g.key.as_str()).collect::<Vec<_>>().join(", ");
    let (signal, group) = match &args.group {
        Some(key) => *groups
            .iter()
            .find(|(_, g)| &g.key == key)
            .ok_or_else(|| format!("no statement group `{key}`; the groups are: {}", keys()))?,
        None if groups.len() == 1 => groups[0],
        None if groups.is_empty() => return Err(format!("{}: no transform statements", args.file.display())),
        None => return Err(format!("give `--group`: the file has {} groups: {}", groups.len(), keys())),
    };
    let (env, _) = ottl_types::source::transform_group_envs(
        signal.name(),
        group.context,
        &group.statements,
        &group.conditions,
    )
    .ok_or_else(|| format!("{}: the context of the statements cannot be inferred", group.key))?;
    // The module keeps the text the Collector parses: with the context's prefix inserted where
    // the group sets `context:`, so its errors name the statement as the Collector does.
    let statements = group.statements.iter().map(|s| ottl_types::hir::statement_text(env, s)).collect();
    Ok((env.context, statements, group.conditions.clone(), group.error_mode))
}

/// `ottl compile`: a `.ottl` file (or one transform group of a Collector configuration) to a
/// WASM module file.
pub fn compile(args: &CompileArgs) -> Result<ExitCode, String> {
    let is_yaml = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if is_yaml {
        let (ctx, statements, conditions, error_mode) = config_group(args)?;
        return write_module(args, ctx, &statements, &conditions, error_mode);
    }
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let file = ottl_syntax::source::split(&text);
    let context_name = match (&args.context, &file.context) {
        (Some(c), _) => c.clone(),
        (None, Some((c, _))) => c.clone(),
        (None, None) => {
            return Err(format!("{}: give `--context` or a `# context:` line", args.file.display()));
        }
    };
    let ctx = context(&context_name)?;
    let statements: Vec<String> = file.snippets().map(|s| s.text.clone()).collect();
    let error_mode = match args.error_mode {
        Mode::Ignore => ErrorMode::Ignore,
        Mode::Silent => ErrorMode::Silent,
        Mode::Propagate => ErrorMode::Propagate,
    };
    write_module(args, ctx, &statements, &args.conditions, error_mode)
}

fn write_module(
    args: &CompileArgs,
    ctx: ContextId,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
) -> Result<ExitCode, String> {
    let wasm = match ottl_jit::wasm::compile_module(ctx, statements, conditions, error_mode) {
        Ok(w) => w,
        Err(e) => {
            eprint!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let out = match args.emit {
        Emit::Wasm => wasm,
        Emit::Wat => ottl_jit::wasm::to_wat(&wasm)?.into_bytes(),
    };
    std::fs::write(&args.output, out).map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// `ottl inspect`: a module's manifest.
pub fn inspect(path: &Path) -> Result<ExitCode, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let m = ottl_jit::wasm::Manifest::read(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("context:    {}", m.context);
    println!("error mode: {}", m.error_mode);
    println!("abi:        {} (this host runs {})", m.abi, ottl_jit::wasm::ABI_VERSION);
    println!("compiler:   ottl {}", m.compiler);
    println!("hash:       {}", m.hash);
    for c in &m.conditions {
        println!("condition:  {c}");
    }
    for s in &m.statements {
        println!("statement:  {s}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn test(backend: TestBackend, files: &[PathBuf]) -> Result<ExitCode, String> {
    let backends: &[exec::Backend] = match backend {
        TestBackend::Interp => &[exec::Backend::Interp],
        TestBackend::Jit => &[exec::Backend::Jit],
        TestBackend::Wasm => &[exec::Backend::Wasm],
        TestBackend::All => &exec::Backend::ALL,
    };
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let text = read(path)?;
        for (name, verdict) in testfile::run_on(&text, backends) {
            match verdict {
                Verdict::Pass => passed += 1,
                Verdict::Fail(why) => {
                    failed += 1;
                    println!("FAIL {}: {name}\n{why}\n", path.display());
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The lines of the record's JSON a statement changed, indented under its trace line.
fn changes(before: &serde_json::Value, after: &serde_json::Value) -> String {
    let (a, b) = (
        serde_json::to_string_pretty(before).unwrap_or_default(),
        serde_json::to_string_pretty(after).unwrap_or_default(),
    );
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(&a, &b).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => continue,
        };
        out.push_str("    ");
        out.push(sign);
        out.push(' ');
        out.push_str(change.value().trim_start());
    }
    if out.is_empty() { "    (no change)\n".to_string() } else { out }
}

/// Prints a result; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
