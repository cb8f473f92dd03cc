//! `ottl repl`: statements and expressions tried against one record, with the change shown as a
//! diff. The session ([`Session`]) is plain data and text; the terminal side ([`Helper`]:
//! completion, highlighting, signature hints, multi-line input) is rustyline's.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use ottl_jit::exec::{self, Hooks, Payload, Program};
use ottl_jit::interp::{self, ErrorMode, Outcome};
use ottl_jit::value::Value;
use ottl_syntax::lexer::{RawKind, lex};
use ottl_types::check::{Component, Env};
use ottl_types::complete;
use ottl_types::context::ContextId;
use ottl_types::functions::{self, SIGNATURES};
use ottl_types::paths::PathMode;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};

use crate::exec::{Backend, check_payload_context, context, empty_payload};

#[derive(Debug, Args)]
pub struct ReplArgs {
    /// An OTLP/JSON export request to take records from (`:load` does the same).
    #[arg(long)]
    input: Option<PathBuf>,
    /// The context statements run in (`:context` switches).
    #[arg(long, default_value = "log")]
    context: String,
    /// Where statements run (`:backend` switches).
    #[arg(long, value_enum, default_value = "interp")]
    backend: Backend,
}

const BANNER: &str = "\
ottl repl: try OTTL against one record and see what changes.
  :load FILE      load an OTLP/JSON request (or start with --input FILE); :record N picks a record
  :context NAME   switch context (an empty record when nothing loaded fits)
  a statement     runs on the record and shows the diff:  set(attributes[\"env\"], \"prod\")
  an expression   shows its value and kind:                Concat([\"a\", \"b\"], \"-\")
  :help           all commands; :help NAME documents a function; Tab completes
  :quit or Ctrl-D quits";

const COMMANDS: &[(&str, &str)] = &[
    (":load FILE", "load an OTLP/JSON export request and take its first record of the context"),
    (":record N", "take record N (from 0) of the loaded request"),
    (":context NAME", "switch context: resource, scope, span, spanevent, metric, datapoint, log, profile"),
    (":show", "print the record as OTLP/JSON"),
    (":type EXPR", "the static kind of an expression, without running it"),
    (":undo", "take back the last statement's change"),
    (":reset", "back to the record as loaded, and forget the statements typed"),
    (":backend NAME", "run statements on interp, jit or wasm"),
    (":trace on|off", "say for each statement whether it ran, was skipped or failed"),
    (":save FILE", "write the statements that ran as a .ottl file"),
    (":help [NAME]", "this list, or a function's signature, docs and example"),
    (":quit", "leave (Ctrl-D too)"),
];

/// A REPL session: the record, its history and the settings.
#[derive(Debug)]
pub struct Session {
    context: ContextId,
    /// The request loaded, if any, and which of its records is current.
    loaded: Option<(PathBuf, Payload)>,
    index: usize,
    /// The current record, alone in a request with its resource and scope.
    record: Payload,
    undo: Vec<Payload>,
    statements: Vec<String>,
    backend: Backend,
    trace: bool,
    color: bool,
}

/// What one line of input did.
#[derive(Debug, Default)]
pub struct Reply {
    pub text: String,
    pub quit: bool,
}

impl Reply {
    fn text(text: impl Into<String>) -> Reply {
        Reply { text: text.into(), quit: false }
    }
}

/// The `visit` order of the records of `ctx` in a request.
fn record_count(p: &mut Payload, ctx: ContextId) -> usize {
    let mut n = 0;
    let _ = exec::visit(p, ctx, &mut |_| {
        n += 1;
        Ok(())
    });
    n
}

/// A copy of `p` holding only its record `n` of `ctx` (with its resource and scope).
fn isolate(p: &Payload, ctx: ContextId, n: usize) -> Option<Payload> {
    let mut p = p.clone();
    let count = record_count(&mut p, ctx);
    if n >= count {
        return None;
    }
    let drop: Vec<bool> = (0..count).map(|i| i != n).collect();
    runtime::filter::remove(&mut p, ctx, &drop);
    Some(p)
}

/// The natural item context of a request.
fn item_context(p: &Payload) -> ContextId {
    match p {
        Payload::Logs(_) => ContextId::Log,
        Payload::Traces(_) => ContextId::Span,
        Payload::Metrics(_) => ContextId::Metric,
        Payload::Profiles(_) => ContextId::Profile,
    }
}

/// `statement` when the input starts with an editor call (`name(`); an expression otherwise.
fn is_statement(text: &str) -> bool {
    let t = text.trim_start();
    let name_end =
        t.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')).unwrap_or(t.len());
    name_end > 0 && t[name_end..].trim_start().starts_with('(')
}

impl Session {
    pub fn new(context: ContextId, backend: Backend, color: bool) -> Result<Session, String> {
        Ok(Session {
            context,
            loaded: None,
            index: 0,
            record: empty_payload(context)?,
            undo: Vec::new(),
            statements: Vec::new(),
            backend,
            trace: false,
            color,
        })
    }

    pub fn prompt(&self) -> String {
        match &self.loaded {
            Some(_) => format!("{}[{}]> ", self.context.name(), self.index),
            None => format!("{}> ", self.context.name()),
        }
    }

    fn env(&self) -> Env {
        Env { context: self.context, mode: PathMode::Unprefixed, component: Component::TransformStatements }
    }

    /// Handles one line (or several, when brackets were open). Never fails: errors are text.
    pub fn handle(&mut self, input: &str) -> Reply {
        let input = input.trim();
        if input.is_empty() {
            return Reply::default();
        }
        if let Some(command) = input.strip_prefix(':') {
            let (name, arg) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
            return self.command(name, arg.trim());
        }
        if is_statement(input) { self.statement(input) } else { self.expression(input) }
    }

    fn command(&mut self, name: &str, arg: &str) -> Reply {
        let result = match name {
            "q" | "quit" | "exit" => return Reply { text: String::new(), quit: true },
            "h" | "help" => Ok(help(arg)),
            "load" => self.load(arg),
            "record" => arg
                .parse()
                .map_err(|_| format!("`:record` wants a number, got `{arg}`"))
                .and_then(|n| self.pick(n)),
            "context" => self.switch(arg),
            "show" => Ok(self.record.to_json()),
            "type" => self.kind_of(arg),
            "undo" => match self.undo.pop() {
                Some(previous) => {
                    self.record = previous;
                    self.statements.pop();
                    Ok("undone".into())
                }
                None => Err("nothing to undo".into()),
            },
            "reset" => self.pick(self.index).map(|_| "back to the record as loaded".into()),
            "backend" => match arg {
                "interp" => Ok(Backend::Interp),
                "jit" => Ok(Backend::Jit),
                "wasm" => Ok(Backend::Wasm),
                other => Err(format!("unknown backend `{other}`; use interp, jit or wasm")),
            }
            .map(|b| {
                self.backend = b;
                format!("statements run on {arg}")
            }),
            "trace" => match arg {
                "on" | "off" => {
                    self.trace = arg == "on";
                    Ok(format!("trace {arg}"))
                }
                other => Err(format!("`:trace` wants on or off, got `{other}`")),
            },
            "save" => self.save(arg),
            other => {
                let names: Vec<&str> =
                    COMMANDS.iter().filter_map(|(c, _)| c.split(' ').next()?.strip_prefix(':')).collect();
                let hint = ottl_types::suggest::closest(other, names.iter().copied())
                    .map(|s| format!("; did you mean `:{s}`?"))
                    .unwrap_or_default();
                Err(format!("unknown command `:{other}`{hint} (`:help` lists them)"))
            }
        };
        match result {
            Ok(text) => Reply::text(text),
            Err(e) => Reply::text(format!("error: {e}")),
        }
    }

    fn load(&mut self, path: &str) -> Result<String, String> {
        if path.is_empty() {
            return Err("`:load` wants a file".into());
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let mut payload = Payload::from_json(&text)?;
        if check_payload_context(&payload, self.context).is_err() {
            self.context = item_context(&payload);
        }
        let count = record_count(&mut payload, self.context);
        self.loaded = Some((PathBuf::from(path), payload));
        self.pick(0)
            .map(|_| format!("loaded {path}: {count} {} record(s); this is record 0", self.context.name()))
    }

    /// Makes record `n` of the loaded request current (or a fresh empty record).
    fn pick(&mut self, n: usize) -> Result<String, String> {
        let record = match &self.loaded {
            Some((_, p)) => isolate(p, self.context, n)
                .ok_or_else(|| format!("there is no {} record {n}", self.context.name()))?,
            None if n == 0 => empty_payload(self.context)?,
            None => return Err("nothing is loaded: `:load FILE` first".into()),
        };
        self.record = record;
        self.index = n;
        self.undo.clear();
        self.statements.clear();
        Ok(format!("record {n}"))
    }

    fn switch(&mut self, name: &str) -> Result<String, String> {
        let ctx = context(name)?;
        self.context = ctx;
        let fits = self.loaded.as_ref().is_some_and(|(_, p)| check_payload_context(p, ctx).is_ok());
        if !fits {
            self.loaded = None;
        }
        self.pick(0)?;
        Ok(if fits {
            format!("context {name}: record 0 of the loaded request")
        } else {
            format!("context {name}: an empty record")
        })
    }

    fn save(&self, path: &str) -> Result<String, String> {
        if path.is_empty() {
            return Err("`:save` wants a file".into());
        }
        let mut text = format!("# context: {}\n", self.context.name());
        for s in &self.statements {
            text.push_str(s);
            text.push('\n');
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
        Ok(format!("wrote {} statement(s) to {path}", self.statements.len()))
    }

    fn diagnostics(&self, text: &str, diagnostics: &[ottl_syntax::Diagnostic]) -> String {
        diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| crate::render::human("input", text, d, self.color))
            .collect()
    }

    fn statement(&mut self, text: &str) -> Reply {
        let statements = [text.to_string()];
        let compiled =
            exec::compile_group(self.context, &statements, &[], ErrorMode::Propagate, self.backend.into());
        let group = match compiled {
            Ok(g) => g,
            Err(exec::CompileError::Diagnostics { text, diagnostics }) => {
                return Reply::text(self.diagnostics(&text, &diagnostics));
            }
            Err(e) => return Reply::text(format!("error: {e}")),
        };
        let program = Program { context: self.context, groups: vec![group] };
        let before = self.record.clone();
        let mut trace_lines = String::new();
        let mut trace =
            |_: usize, s: &interp::CStatement, o: Outcome<'_>, _: &ottl_jit::record::Record<'_>| {
                let what = match o {
                    Outcome::Executed => "ran".to_string(),
                    Outcome::Skipped => "skipped: its condition is false".to_string(),
                    Outcome::Failed(e) => format!("failed: {e}"),
                };
                let _ = writeln!(trace_lines, "trace: {} {what}", s.text);
            };
        let mut hooks = Hooks::default();
        if self.trace {
            hooks.trace = Some(&mut trace);
        }
        let result = program.run(&mut self.record, &mut hooks);
        let mut out = trace_lines;
        if let Err(e) = &result {
            let _ = writeln!(out, "error: {e}");
        }
        let diff = diff(&before.to_json(), &self.record.to_json());
        if diff.is_empty() {
            if result.is_ok() {
                out.push_str("(no change)");
            }
        } else {
            out.push_str(&diff);
            self.undo.push(before);
            self.statements.push(text.to_string());
        }
        Reply::text(out.trim_end().to_string())
    }

    fn typed(&self, text: &str) -> Result<ottl_types::hir::Expr, String> {
        let parsed = ottl_syntax::parse_value(text);
        match parsed.tree {
            Some(t) if parsed.diagnostics.iter().all(|d| !d.is_error()) => {
                ottl_types::hir::value(self.env(), &t).map_err(|d| self.diagnostics(text, &d))
            }
            _ => Err(self.diagnostics(text, &parsed.diagnostics)),
        }
    }

    fn kind_of(&self, text: &str) -> Result<String, String> {
        if text.is_empty() {
            return Err("`:type` wants an expression".into());
        }
        self.typed(text).map(|h| h.kind.to_string())
    }

    fn expression(&mut self, text: &str) -> Reply {
        let hir = match self.typed(text) {
            Ok(h) => h,
            Err(e) => return Reply::text(e),
        };
        let expr = match interp::expr(&hir) {
            Ok(e) => e,
            Err(u) => return Reply::text(format!("error: {}", u.0)),
        };
        let shown = exec::first_record(&mut self.record, self.context, &mut |rec| match expr.eval(rec) {
            Ok(v) => Ok((show(&v), v.go_type())),
            Err(e) => Err(e.to_string()),
        });
        match shown {
            Some(Ok((value, go_type))) => Reply::text(format!("{value}\n  : {} ({go_type})", hir.kind)),
            Some(Err(e)) => Reply::text(format!("error: {e}")),
            None => Reply::text("error: there is no record"),
        }
    }

    /// Attribute keys present in the record (for completion).
    fn keys(&self) -> Vec<String> {
        let json = self.record.to_json();
        let mut keys: Vec<String> = json
            .match_indices("\"key\": \"")
            .filter_map(|(at, m)| json[at + m.len()..].split('"').next().map(str::to_string))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// A value as the REPL prints it: OTLP/JSON for what has an `AnyValue` form, Go's text otherwise.
fn show(v: &Value<'_>) -> String {
    match (v, v.to_any()) {
        (Value::Nil, _) => "nil".into(),
        (_, Some(any)) => serde_json::to_string(&any).unwrap_or_default(),
        (other, None) => other.go_text(),
    }
}

/// The changed lines of two renderings, `-` before and `+` after.
fn diff(before: &str, after: &str) -> String {
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(before, after).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => continue,
        };
        let _ = writeln!(out, "{sign} {}", change.value().trim_end());
    }
    out
}

fn help(name: &str) -> String {
    if name.is_empty() {
        let mut out = String::from("commands:\n");
        for (c, what) in COMMANDS {
            let _ = writeln!(out, "  {c:<16}{what}");
        }
        out.push_str("anything else is a statement (it runs) or an expression (its value is shown)");
        return out;
    }
    let Some(sig) = functions::lookup(name) else {
        let hint = ottl_types::suggest::closest(name, SIGNATURES.iter().map(|s| s.name))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return format!("error: no function `{name}`{hint}");
    };
    let mut out = format!("{}\n  {}\n", sig.render(), sig.summary);
    for p in sig.params {
        let _ = writeln!(out, "  {}: {}", p.name, p.doc);
    }
    let _ = write!(out, "example: {}", sig.example);
    out
}

/// The terminal side: completion, highlighting, hints and multi-line input.
#[derive(Debug)]
struct Helper {
    context: ContextId,
    keys: Vec<String>,
    color: bool,
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if let Some(command) = before.strip_prefix(':') {
            let pairs = COMMANDS
                .iter()
                .filter_map(|(c, _)| c.split(' ').next())
                .filter(|c| c[1..].starts_with(command))
                .map(|c| Pair { display: c.to_string(), replacement: c.to_string() })
                .collect();
            return Ok((0, pairs));
        }
        let (start, candidates) = complete::candidates(self.context, before, &self.keys);
        let pairs =
            candidates.into_iter().map(|c| Pair { display: c.text.clone(), replacement: c.text }).collect();
        Ok((start, pairs))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> Option<String> {
        if pos < line.len() || line.starts_with(':') {
            return None;
        }
        let (sig, _) = complete::open_call(line)?;
        Some(format!("   {}", sig.render()))
    }
}

fn paint(out: &mut String, text: &str, code: &str) {
    let _ = write!(out, "\x1b[{code}m{text}\x1b[0m");
}

impl Highlighter for Helper {
    fn highlight<'l>(&self, line: &'l str, _: usize) -> Cow<'l, str> {
        if !self.color || line.starts_with(':') {
            return Cow::Borrowed(line);
        }
        let (tokens, _) = lex(line);
        let mut out = String::with_capacity(line.len() * 2);
        let mut at = 0;
        for (i, t) in tokens.iter().enumerate() {
            let r = t.range.as_usize();
            out.push_str(&line[at..r.start]);
            let text = &line[r.clone()];
            let called = tokens.get(i + 1).is_some_and(|n| n.kind == RawKind::LParen);
            let code = match t.kind {
                RawKind::String | RawKind::Bytes => Some("32"),
                RawKind::Int | RawKind::Float | RawKind::True | RawKind::False => Some("36"),
                RawKind::Not | RawKind::Or | RawKind::And => Some("35"),
                RawKind::Lower if text == "where" || text == "nil" => Some("35"),
                RawKind::Lower if called => Some("1;34"),
                RawKind::Upper => Some("33"),
                _ => None,
            };
            match code {
                Some(c) => paint(&mut out, text, c),
                None => out.push_str(text),
            }
            at = r.end;
        }
        out.push_str(&line[at..]);
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color { Cow::Owned(format!("\x1b[2m{hint}\x1b[0m")) } else { Cow::Borrowed(hint) }
    }

    fn highlight_char(&self, _: &str, _: usize, _: CmdKind) -> bool {
        self.color
    }
}

/// Whether brackets or a string are still open at the end of `text`.
fn incomplete(text: &str) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    in_string || depth > 0
}

impl Validator for Helper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let text = ctx.input();
        Ok(if !text.starts_with(':') && incomplete(text) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl rustyline::Helper for Helper {}

fn history_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")))?;
    let dir = base.join("ottl");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("repl_history"))
}

pub fn run(args: &ReplArgs) -> Result<ExitCode, String> {
    let color =
        std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    let mut session = Session::new(context(&args.context)?, args.backend, color)?;
    println!("{BANNER}");
    if let Some(input) = &args.input {
        println!("{}", session.handle(&format!(":load {}", input.display())).text);
    }
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(true)
        .build();
    let mut editor: rustyline::Editor<Helper, rustyline::history::FileHistory> =
        rustyline::Editor::with_config(config).map_err(|e| format!("cannot start the line editor: {e}"))?;
    let history = history_file();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    loop {
        editor.set_helper(Some(Helper { context: session.context, keys: session.keys(), color }));
        match editor.readline(&session.prompt()) {
            Ok(line) => {
                let reply = session.handle(&line);
                if !reply.text.is_empty() {
                    println!("{}", reply.text);
                }
                if reply.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => println!("(Ctrl-C: input cleared; :quit or Ctrl-D leaves)"),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(format!("the terminal failed: {e}")),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}
