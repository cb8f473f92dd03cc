//! Differential testing of the backends: programs and records generated from a byte string
//! (so a property test and a fuzzer can drive the same generator), run on every backend, and
//! compared: the output request and the error must be identical to the interpreter's.
//!
//! The generator writes OTTL text a user could write: `set`/`delete_key` statements with
//! `where` clauses of comparisons (every operator, paths of every kind against literals of every
//! kind, nil included), `and`/`or`/`not`, and converters that fail on some inputs, in groups with
//! group conditions and each error mode, and integer fields combined with `+ - *` at the edges of
//! their ranges; the record's attributes take values of every kind,
//! with extreme ints and floats, empty strings and missing keys among them. (NaN and the
//! infinities are missing: OTLP/JSON's string forms of them are not read yet.)

use ottl_types::context::ContextId;

use crate::exec::{self, Backend, Hooks, Payload, Program};
use crate::interp::ErrorMode;

/// A generated case: statements, group conditions and an error mode over one log request.
#[derive(Debug, Clone)]
pub struct Case {
    pub statements: Vec<String>,
    pub conditions: Vec<String>,
    pub error_mode: ErrorMode,
    pub input: String,
}

/// Reads choices from bytes; once they run out every choice is the first option. Also knows
/// the generated record's attribute values, to write literals near them.
struct Choices<'a> {
    bytes: &'a [u8],
    /// Each key's value (an index into [`VALUES`]), if the record has the key.
    values: [Option<usize>; KEYS],
}

impl Choices<'_> {
    fn pick(&mut self, n: usize) -> usize {
        match self.bytes.split_first() {
            Some((b, rest)) => {
                self.bytes = rest;
                usize::from(*b) % n.max(1)
            }
            None => 0,
        }
    }

    fn one<'s>(&mut self, options: &[&'s str]) -> &'s str {
        options[self.pick(options.len())]
    }
}

const KEYS: usize = 5;

/// Attribute values of every kind, as OTLP/JSON.
const VALUES: &[&str] = &[
    r#"{"intValue":"42"}"#,
    r#"{"doubleValue":42.0}"#,
    r#"{"boolValue":true}"#,
    r#"{"stringValue":"GET"}"#,
    r#"{"intValue":"0"}"#,
    r#"{"intValue":"42"}"#,
    r#"{"intValue":"-7"}"#,
    r#"{"intValue":"9223372036854775807"}"#,
    r#"{"intValue":"-9223372036854775808"}"#,
    r#"{"doubleValue":0.0}"#,
    r#"{"doubleValue":-0.0}"#,
    r#"{"doubleValue":42.0}"#,
    r#"{"doubleValue":1.5}"#,
    r#"{"doubleValue":1e308}"#,
    r#"{"doubleValue":-1e308}"#,
    r#"{"doubleValue":9223372036854775807.0}"#,
    r#"{"boolValue":true}"#,
    r#"{"boolValue":false}"#,
    r#"{"stringValue":""}"#,
    r#"{"stringValue":"GET"}"#,
    r#"{"stringValue":"get"}"#,
    r#"{"stringValue":"GETS"}"#,
    r#"{"stringValue":"42"}"#,
    r#"{"stringValue":"é"}"#,
    r#"{"bytesValue":"AQID"}"#,
    r#"{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}}]}}"#,
    r#"{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"}]}}"#,
    "{}",
];

/// Literals of every kind.
const LITERALS: &[&str] = &[
    "0",
    "42",
    "-7",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0",
    "42.0",
    "1.5",
    "-0.5",
    "true",
    "false",
    "\"\"",
    "\"GET\"",
    "\"get\"",
    "\"GETS\"",
    "\"42\"",
    "\"é\"",
    "nil",
    "SEVERITY_NUMBER_INFO",
];

/// Literals that equal, or nearly equal, common attribute values: comparisons at the edges
/// (`<` against `<=`, ints against floats) need them often.
const NEAR: &[&str] = &["42", "42.0", "41.5", "true", "false", "\"GET\"", "\"GETS\"", "\"\"", "0", "-0.0"];

const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];

/// Values of the record's `uint64` time and `uint32` fields: zero, small, and at the edges of
/// the signed and unsigned ranges (a time past `i64::MAX` reads as a negative int).
const U64S: &[&str] =
    &["0", "1", "1700000000000000000", "9223372036854775807", "9223372036854775808", "18446744073709551615"];
const U32S: &[&str] = &["0", "1", "2147483648", "4294967295"];

/// The record's integer fields (native loads in the JIT) and int literals to combine them with.
const INT_FIELDS: &[&str] = &["time_unix_nano", "flags", "dropped_attributes_count", "severity_number"];
const INT_LITERALS: &[&str] =
    &["0", "1", "-1", "2", "4294967295", "9223372036854775807", "-9223372036854775808"];

/// Generates a case from bytes.
pub fn generate(bytes: &[u8]) -> Case {
    let mut c = Choices { bytes, values: [None; KEYS] };
    let mut attributes = Vec::new();
    for k in 0..KEYS {
        let i = c.pick(VALUES.len());
        if c.pick(6) > 0 {
            c.values[k] = Some(i);
            attributes.push(format!(r#"{{"key":"k{k}","value":{}}}"#, VALUES[i]));
        }
    }
    let body = VALUES[c.pick(VALUES.len())];
    let (time, flags, dropped) = (c.one(U64S), c.one(U32S), c.one(U32S));
    let input = format!(
        r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"timeUnixNano":"{time}","flags":{flags},"droppedAttributesCount":{dropped},"severityNumber":{},"body":{body},"attributes":[{}]}}]}}]}}]}}"#,
        c.pick(25),
        attributes.join(",")
    );
    let mut statements: Vec<String> = (0..=c.pick(3)).map(|_| statement(&mut c)).collect();
    if c.pick(3) == 0 {
        // The rename pair the JIT runs as one move.
        let (src, dst) = (c.pick(KEYS), c.pick(KEYS + 1));
        let dst = if dst == KEYS { "out".to_string() } else { format!("k{dst}") };
        let at = c.pick(statements.len() + 1);
        statements.insert(at, format!("delete_key(attributes, \"k{src}\")"));
        statements.insert(at, format!("set(attributes[\"{dst}\"], attributes[\"k{src}\"])"));
    }
    let conditions = (0..c.pick(3)).map(|_| condition(&mut c, 2)).collect();
    let error_mode = [ErrorMode::Ignore, ErrorMode::Silent, ErrorMode::Propagate][c.pick(3)];
    Case { statements, conditions, error_mode, input }
}

fn path(c: &mut Choices<'_>) -> String {
    match c.pick(9) {
        0 => "body".into(),
        1 => "severity_number".into(),
        8 => c.one(INT_FIELDS).into(),
        2 => format!(r#"attributes["k{}"]["a"]"#, c.pick(KEYS)),
        3 => "attributes[\"out\"]".into(),
        _ => format!(r#"attributes["k{}"]"#, c.pick(KEYS)),
    }
}

fn operand(c: &mut Choices<'_>) -> String {
    match c.pick(7) {
        0..=2 => path(c),
        3 => format!("Len({})", path(c)),
        _ => c.one(LITERALS).to_string(),
    }
}

/// An int field or literal, or (at `depth` > 0) a sum, difference or product of two of them.
fn int_operand(c: &mut Choices<'_>, depth: u32) -> String {
    match c.pick(if depth == 0 { 2 } else { 3 }) {
        0 => c.one(INT_FIELDS).into(),
        1 => c.one(INT_LITERALS).into(),
        _ => format!(
            "({} {} {})",
            int_operand(c, depth - 1),
            c.one(&["+", "-", "*"]),
            int_operand(c, depth - 1)
        ),
    }
}

fn condition(c: &mut Choices<'_>, depth: u32) -> String {
    let choice = if depth == 0 { 3 + c.pick(8) } else { c.pick(11) };
    match choice {
        10 => format!("{} {} {}", int_operand(c, 2), c.one(OPS), int_operand(c, 2)),
        0 => format!("({} and {})", condition(c, depth - 1), condition(c, depth - 1)),
        1 => format!("({} or {})", condition(c, depth - 1), condition(c, depth - 1)),
        2 => format!("not {}", condition(c, depth - 1)),
        3 => c.one(&["true", "false"]).to_string(),
        4 => format!("IsMatch({}, \"^G\")", path(c)),
        5 => format!("{} {} {}", c.one(LITERALS), c.one(OPS), path(c)),
        6 | 7 => {
            // An attribute against a literal equal to, just below or just above its value.
            let k = c.pick(KEYS);
            let near = c.values[k].map(|i| near(VALUES[i])).unwrap_or_default();
            let lit =
                if near.is_empty() { c.one(NEAR).to_string() } else { near[c.pick(near.len())].clone() };
            format!(r#"attributes["k{k}"] {} {lit}"#, c.one(OPS))
        }
        _ => format!("{} {} {}", path(c), c.one(OPS), operand(c)),
    }
}

/// Literals at and around an attribute value (given as OTLP/JSON), of its kind and the other
/// numeric kind.
fn near(value: &str) -> Vec<String> {
    let field = |name: &str| {
        let rest = value.strip_prefix(&format!(r#"{{"{name}":"#))?.strip_suffix('}')?;
        Some(rest.trim_matches('"').to_string())
    };
    if let Some(n) = field("intValue").and_then(|s| s.parse::<i64>().ok()) {
        let mut out = vec![n.to_string(), format!("{n}.0"), format!("{}.5", n.saturating_sub(1))];
        out.extend(n.checked_sub(1).map(|m| m.to_string()));
        out.extend(n.checked_add(1).map(|m| m.to_string()));
        return out;
    }
    if let Some(x) = field("doubleValue").and_then(|s| s.parse::<f64>().ok()) {
        let mut out = vec![format!("{x:?}"), format!("{:?}", x + 0.5), format!("{:?}", x - 0.5)];
        if x.fract() == 0.0 && x.abs() < 1e15 {
            #[allow(clippy::cast_possible_truncation)] // integral and small, checked above
            out.push(format!("{}", x as i64));
        }
        return out;
    }
    if field("boolValue").is_some() {
        return vec!["true".into(), "false".into()];
    }
    if let Some(s) = field("stringValue") {
        let shorter: String = s.chars().take(s.chars().count().saturating_sub(1)).collect();
        return vec![
            format!("{s:?}"),
            format!("\"{s}S\""),
            format!("{shorter:?}"),
            format!("{:?}", s.to_lowercase()),
        ];
    }
    Vec::new()
}

fn statement(c: &mut Choices<'_>) -> String {
    let editor = match c.pick(4) {
        0 => format!("delete_key(attributes, \"k{}\")", c.pick(KEYS)),
        1 => format!("set(attributes[\"k{}\"], {})", c.pick(KEYS), c.one(LITERALS)),
        _ => format!("set(attributes[\"out\"], {})", operand(c)),
    };
    match c.pick(4) {
        0 => editor,
        _ => format!("{editor} where {}", condition(c, 2)),
    }
}

/// Whether the interpreter compiles the case (the generator's hit rate is tested).
pub fn compiles(case: &Case) -> bool {
    exec::interp_group(ContextId::Log, &case.statements, &case.conditions, case.error_mode).is_ok()
}

/// Runs the case on every backend; `Err` says how a backend differed from the interpreter.
/// Cases that do not compile on the interpreter are skipped (`Ok`), as the checker is allowed
/// to refuse what the generator writes.
pub fn check(case: &Case) -> Result<(), String> {
    let run =
        |backend: Backend| outcome(backend, &case.statements, &case.conditions, case.error_mode, &case.input);
    let Some(expected) = run(Backend::Interp) else { return Ok(()) };
    for backend in Backend::ALL.into_iter().filter(|b| *b != Backend::Interp) {
        let got = run(backend).unwrap_or_default();
        if got != expected {
            return Err(format!(
                "{} differs from the interpreter on\n  statements: {:?}\n  conditions: {:?}\n  error mode: {:?}\n  input: {}\n--- interp\n{expected}\n--- {}\n{got}",
                backend.name(),
                case.statements,
                case.conditions,
                case.error_mode,
                case.input,
                backend.name()
            ));
        }
    }
    Ok(())
}

/// What one backend leaves after running log statements on an OTLP/JSON request: the error,
/// the warnings and the request, as text to compare. `None` when the interpreter does not
/// compile them; another backend's compile error is an outcome (it must compile what the
/// interpreter compiles).
fn outcome(
    backend: Backend,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
    input: &str,
) -> Option<String> {
    let group = match exec::compile_group(ContextId::Log, statements, conditions, error_mode, backend) {
        Ok(group) => group,
        Err(_) if backend == Backend::Interp => return None,
        Err(e) => return Some(format!("compile error: {e}")),
    };
    let mut payload = Payload::from_json(input).expect("the input is OTLP/JSON");
    let program = Program { context: ContextId::Log, groups: vec![group] };
    let mut warnings = Vec::new();
    let mut warn = |e: &crate::interp::StatementError| warnings.push(e.to_string());
    let result = program.run(&mut payload, &mut Hooks { warn: Some(&mut warn), ..Hooks::default() });
    let error = result.err().map(|e| e.to_string()).unwrap_or_default();
    Some(format!("error: {error}\nwarnings: {warnings:?}\n{}", payload.to_json()))
}

/// A realistic log record for `run_any_statements`: nested body, a string past ASCII, the
/// smallest int, bytes, a map holding an empty value.
const ANY_RECORD: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"host","value":{"stringValue":"h"}}]},
 "scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1","severityNumber":9,"body":{"kvlistValue":{"values":[
 {"key":"k","value":{"stringValue":"v"}},{"key":"l","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":2.5}]}}}]}},
 "attributes":[{"key":"a","value":{"stringValue":"héllo wörld"}},{"key":"n","value":{"intValue":"-9223372036854775808"}},
 {"key":"b","value":{"bytesValue":"AAE="}},{"key":"m","value":{"kvlistValue":{"values":[{"key":"x","value":{}}]}}}]}]}]}]}"#;

/// Any text as log statements (one a line, error mode `ignore`), run by the interpreter on a
/// realistic record: compiling may reject it and running may fail, but nothing may panic. What
/// the interpreter compiles must compile on the JIT and leave the same record and warnings there (unless it asks
/// for the clock or randomness, `Now`/`UUID`); a difference panics, with both outcomes. The
/// exec fuzz target, and the replay of the inputs it once crashed on
/// (`testdata/fuzz-regressions/exec/`).
pub fn run_any_statements(text: &str) {
    let statements: Vec<String> = text.lines().map(str::to_string).collect();
    let run = |backend: Backend| outcome(backend, &statements, &[], ErrorMode::Ignore, ANY_RECORD);
    let Some(expected) = run(Backend::Interp) else { return };
    if text.contains("Now") || text.contains("UUID") {
        return;
    }
    let got = run(Backend::Jit).unwrap_or_default();
    assert!(
        got == expected,
        "the JIT differs from the interpreter on {statements:?}\n--- interp\n{expected}\n--- jit\n{got}"
    );
}
