//! Statement test files (`ottl test`, `testdata/exec/`): YAML with a context, statements, an
//! OTLP/JSON input and either the expected output or the expected error.
//!
//! ```yaml
//! context: log
//! error_mode: propagate          # optional: ignore | silent | propagate
//! conditions: []                 # optional group conditions
//! statements:
//!   - set(attributes["env"], "prod")
//! input: { resourceLogs: [...] }
//! expected: { resourceLogs: [...] }   # or:
//! error: "failed to execute statement: ..."
//! ```
//!
//! Many cases can share one input: `cases:` is a list of `{name, input, context, statements |
//! groups | expression, conditions, error_mode, expected | expected_attributes |
//! changed_attributes | unchanged | error | value, value_type}`.
//!
//! - `expected_attributes` is the first record's attributes as a plain map (YAML `1` is an int,
//!   `1.0` a double), the rest of the payload unchanged; `changed_attributes` lists only the
//!   attributes set (new keys are appended, as `pcommon.Map.Put` does); `unchanged: true` expects
//!   the input back.
//! - A case's own `input` and `context` replace the file's.
//! - `groups: [{context, error_mode, conditions, statements}]` runs several statement groups in
//!   order, each resolved as the transform processor resolves a group (`context` inserted into
//!   unprefixed paths, or inferred when absent; `error_mode` in place of the case's).
//! - `expression` evaluates a value expression against the first record instead of running
//!   statements; `value` and `value_type` say what it must give.

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};
use serde::Deserialize;

use ottl_types::check::{Component, Env};
use ottl_types::paths::PathMode;

use crate::exec::{self, Backend, Hooks, Payload, Program};
use crate::interp::{ErrorMode, StatementError};
use crate::value::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    context: String,
    #[serde(default)]
    input: Option<serde_json::Value>,
    /// Where the cases come from (an upstream test, a README example).
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for readers of the fixture")]
    source: Option<String>,
    #[serde(default)]
    error_mode: Option<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    statements: Vec<String>,
    #[serde(default)]
    expected: Option<serde_json::Value>,
    #[serde(default)]
    expected_attributes: Option<serde_json::Value>,
    #[serde(default)]
    changed_attributes: Option<serde_json::Value>,
    #[serde(default)]
    unchanged: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    name: Option<String>,
    /// This case's own input, in place of the file's.
    #[serde(default)]
    input: Option<serde_json::Value>,
    /// This case's context, in place of the file's.
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    error_mode: Option<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    statements: Vec<String>,
    /// Several statement groups, each with its context, run one after the other over the whole
    /// payload (the transform processor's `trace_statements` list), in place of `statements`.
    #[serde(default)]
    groups: Vec<GroupSpec>,
    /// A value expression evaluated against the first record of the context (on the
    /// interpreter), in place of statements; `value` and `value_type` say what it gives.
    #[serde(default)]
    expression: Option<String>,
    /// The value as OTLP/JSON `AnyValue`, or as Go prints the types that have no `AnyValue`
    /// form (ids as hex, times in RFC 3339, durations as `1h2m3s`).
    #[serde(default)]
    value: Option<serde_json::Value>,
    /// The value's Go type as upstream names it (`int64`, `pcommon.Map`, `pcommon.TraceID`, ...).
    #[serde(default)]
    value_type: Option<String>,
    #[serde(default)]
    expected: Option<serde_json::Value>,
    #[serde(default)]
    expected_attributes: Option<serde_json::Value>,
    #[serde(default)]
    changed_attributes: Option<serde_json::Value>,
    #[serde(default)]
    unchanged: bool,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    /// Without a context, the group's context is inferred from its paths, as the transform
    /// processor does for a group without `context:` (every path must then name its context).
    #[serde(default)]
    context: Option<String>,
    /// This group's error mode, in place of the case's (the processor-wide one).
    #[serde(default)]
    error_mode: Option<String>,
    #[serde(default)]
    conditions: Vec<String>,
    statements: Vec<String>,
}

/// The result of one case.
#[derive(Debug)]
pub enum Verdict {
    Pass,
    /// What differs, for the report.
    Fail(String),
}

/// Runs every case of a test file's text on the interpreter: `(case name, verdict)`.
pub fn run(text: &str) -> Vec<(String, Verdict)> {
    run_on(text, &[Backend::Interp])
}

/// Runs every case on each backend: a case passes when it meets its expectation on the first
/// backend and every other backend produces the same output record or the same error.
pub fn run_on(text: &str, backends: &[Backend]) -> Vec<(String, Verdict)> {
    let t: TestFile = match serde_yaml_ng::from_str(text) {
        Ok(t) => t,
        Err(e) => return vec![("<file>".into(), Verdict::Fail(format!("invalid test file: {e}")))],
    };
    let mut cases = t.cases;
    if !t.statements.is_empty() {
        cases.insert(
            0,
            Case {
                name: None,
                input: None,
                context: None,
                groups: Vec::new(),
                expression: None,
                value: None,
                value_type: None,
                error_mode: t.error_mode.clone(),
                conditions: t.conditions.clone(),
                statements: t.statements,
                expected: t.expected,
                expected_attributes: t.expected_attributes,
                changed_attributes: t.changed_attributes,
                unchanged: t.unchanged,
                error: t.error,
            },
        );
    }
    cases
        .into_iter()
        .map(|mut c| {
            if c.error_mode.is_none() {
                c.error_mode.clone_from(&t.error_mode);
            }
            if c.conditions.is_empty() {
                c.conditions.clone_from(&t.conditions);
            }
            let name = c.name.clone().unwrap_or_else(|| {
                let groups = c.groups.iter().map(|g| {
                    format!("{}: {}", g.context.as_deref().unwrap_or("inferred"), g.statements.join("; "))
                });
                c.statements
                    .iter()
                    .cloned()
                    .chain(groups)
                    .chain(c.expression.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            let verdict = match c.input.as_ref().or(t.input.as_ref()) {
                None => Verdict::Fail("the case has no `input`, and neither has the file".into()),
                Some(input) if c.expression.is_some() => {
                    match run_expression(c.context.as_deref().unwrap_or(&t.context), input, &c) {
                        Ok(()) => Verdict::Pass,
                        Err(why) => Verdict::Fail(why),
                    }
                }
                Some(input) => {
                    match run_case(c.context.as_deref().unwrap_or(&t.context), input, &c, backends) {
                        Ok(()) => Verdict::Pass,
                        Err(why) => Verdict::Fail(why),
                    }
                }
            };
            (name, verdict)
        })
        .collect()
}

fn payload(v: &serde_json::Value, what: &str) -> Result<Payload, String> {
    Payload::from_json(&v.to_string()).map_err(|e| format!("{what}: {e}"))
}

fn context_id(name: &str) -> Result<ottl_types::context::ContextId, String> {
    ottl_types::context::ContextId::from_name(name).ok_or_else(|| format!("unknown context `{name}`"))
}

/// What running a case produced on one backend.
struct Run {
    result: Result<(), StatementError>,
    data: Payload,
}

/// Compiles and runs a case's statements on one backend.
fn execute(context: &str, input: &serde_json::Value, c: &Case, backend: Backend) -> Result<Run, String> {
    let error_mode = match &c.error_mode {
        Some(m) => error_mode_of(m)?,
        None => ErrorMode::Propagate,
    };
    let mut data = payload(input, "input")?;
    let mut programs = Vec::new();
    if c.groups.is_empty() {
        let context = context_id(context)?;
        let group = exec::compile_group(context, &c.statements, &c.conditions, error_mode, backend)
            .map_err(|e| e.to_string())?;
        programs.push(Program { context, groups: vec![group] });
    }
    for g in &c.groups {
        let error_mode = g.error_mode.as_deref().map_or(Ok(error_mode), error_mode_of)?;
        let context = g.context.as_deref().map(context_id).transpose()?;
        let (env, cond_env) =
            ottl_types::source::transform_group_envs(data.signal(), context, &g.statements, &g.conditions)
                .ok_or("the context of the group's statements cannot be inferred")?;
        let group = exec::compile_group_in(env, cond_env, &g.statements, &g.conditions, error_mode, backend)
            .map_err(|e| e.to_string())?;
        programs.push(Program { context: env.context, groups: vec![group] });
    }
    let result = programs.iter().try_for_each(|p| p.run(&mut data, &mut Hooks::default()));
    Ok(Run { result, data })
}

fn error_mode_of(name: &str) -> Result<ErrorMode, String> {
    ErrorMode::parse(name).ok_or_else(|| format!("unknown error_mode `{name}`"))
}

/// Evaluates an expression case on the first record of its context and compares the value.
fn run_expression(context: &str, input: &serde_json::Value, c: &Case) -> Result<(), String> {
    let text = c.expression.as_deref().unwrap_or_default();
    let context = context_id(context)?;
    let env = Env { context, mode: PathMode::Unprefixed, component: Component::TransformStatements };
    let expr = exec::compile_value(env, text).map_err(|e| e.to_string())?;
    let mut data = payload(input, "input")?;
    let (go_type, value) = exec::first_record(&mut data, context, &mut |rec| {
        let v = expr.eval(rec).map_err(|e| e.to_string())?;
        Ok::<_, String>((v.go_type(), value_form(&v)?))
    })
    .ok_or("the input has no record for the context")??;
    if let Some(want) = &c.value_type
        && want != go_type
    {
        return Err(format!("expected a value of type {want}, got {go_type}"));
    }
    match &c.value {
        Some(want) if *want != value => Err(format!("expected the value\n  {want}\nbut got\n  {value}")),
        None if c.value_type.is_none() => Err("an expression case needs `value` or `value_type`".into()),
        _ => Ok(()),
    }
}

/// A value as an expression case writes it: OTLP/JSON `AnyValue` where the value has that form,
/// else as Go prints it (ids as hex, times in RFC 3339, durations as `1h2m3s`).
fn value_form(v: &Value<'_>) -> Result<serde_json::Value, String> {
    Ok(match (v, v.to_any()) {
        (Value::Nil, _) => serde_json::Value::Null,
        (_, Some(any)) => serde_json::to_value(any).map_err(|e| e.to_string())?,
        (other, None) => other.go_text().into(),
    })
}

fn run_case(context: &str, input: &serde_json::Value, c: &Case, backends: &[Backend]) -> Result<(), String> {
    let (first, others) = backends.split_first().ok_or("no backend to run on")?;
    let Run { result, data } = execute(context, input, c, *first)?;
    for other in others {
        let theirs = execute(context, input, c, *other)
            .map_err(|e| format!("{} cannot compile what {} runs: {e}", other.name(), first.name()))?;
        let (ours, their) = (describe(&result, &data), describe(&theirs.result, &theirs.data));
        if ours != their {
            return Err(format!("{} and {} disagree:\n{}", first.name(), other.name(), diff(&ours, &their)));
        }
    }
    let expected = if let Some(e) = &c.expected {
        Some(payload(e, "expected")?)
    } else if let Some(attrs) = &c.expected_attributes {
        let mut p = payload(input, "input")?;
        *first_attributes(&mut p).ok_or("the input has no record for `expected_attributes`")? =
            plain_map(attrs)?;
        Some(p)
    } else if let Some(changes) = &c.changed_attributes {
        let mut p = payload(input, "input")?;
        let attrs = first_attributes(&mut p).ok_or("the input has no record for `changed_attributes`")?;
        for kv in plain_map(changes)? {
            match attrs.iter_mut().find(|a| a.key == kv.key) {
                Some(a) => a.value = kv.value,
                None => attrs.push(kv),
            }
        }
        Some(p)
    } else if c.unchanged {
        Some(payload(input, "input")?)
    } else {
        None
    };
    match (result, &c.error, expected) {
        (Err(e), Some(want), _) if e.to_string() == *want => Ok(()),
        (Err(e), Some(want), _) => Err(format!("expected the error\n  {want}\nbut got\n  {e}")),
        (Err(e), None, _) => Err(format!("unexpected error: {e}")),
        (Ok(()), Some(want), _) => Err(format!("expected the error\n  {want}\nbut the statements succeeded")),
        (Ok(()), None, None) => Err(
            "a case needs `expected`, `expected_attributes`, `changed_attributes`, `unchanged` or `error`"
                .into(),
        ),
        // NaN is not equal to itself, so payloads holding one compare as OTLP/JSON.
        (Ok(()), None, Some(expected)) if data == expected || data.to_json() == expected.to_json() => Ok(()),
        (Ok(()), None, Some(expected)) => Err(diff(&expected.to_json(), &data.to_json())),
    }
}

/// A run's outcome as text, for comparing backends: the error, if any, and the request as the
/// statements left it.
fn describe(result: &Result<(), StatementError>, data: &Payload) -> String {
    match result {
        Err(e) => format!("error: {e}\n{}", data.to_json()),
        Ok(()) => data.to_json(),
    }
}

/// The attributes of the payload's first log record, span or data point.
fn first_attributes(p: &mut Payload) -> Option<&mut Vec<KeyValue>> {
    match p {
        Payload::Logs(r) => Some(
            &mut r.resource_logs.first_mut()?.scope_logs.first_mut()?.log_records.first_mut()?.attributes,
        ),
        Payload::Traces(r) => {
            Some(&mut r.resource_spans.first_mut()?.scope_spans.first_mut()?.spans.first_mut()?.attributes)
        }
        Payload::Metrics(r) => {
            let metric = r.resource_metrics.first_mut()?.scope_metrics.first_mut()?.metrics.first_mut()?;
            crate::record_metrics::attributes_mut(metric, 0)
        }
        // A profile's attributes live in the request's dictionary.
        Payload::Profiles(_) => None,
    }
}

fn plain_map(v: &serde_json::Value) -> Result<Vec<KeyValue>, String> {
    let obj = v.as_object().ok_or("`expected_attributes` must be a map")?;
    Ok(obj
        .iter()
        .map(|(k, v)| KeyValue { key: k.clone(), value: Some(plain(v)), ..KeyValue::default() })
        .collect())
}

fn plain(v: &serde_json::Value) -> AnyValue {
    let value = match v {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(any_value::Value::BoolValue(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Some(any_value::Value::IntValue(i)),
            _ => Some(any_value::Value::DoubleValue(n.as_f64().unwrap_or_default())),
        },
        serde_json::Value::String(s) => Some(any_value::Value::StringValue(s.clone())),
        serde_json::Value::Array(items) => {
            Some(any_value::Value::ArrayValue(ArrayValue { values: items.iter().map(plain).collect() }))
        }
        serde_json::Value::Object(_) => {
            Some(any_value::Value::KvlistValue(KeyValueList { values: plain_map(v).unwrap_or_default() }))
        }
    };
    AnyValue { value }
}

/// A unified diff of expected and actual OTLP/JSON.
fn diff(expected: &str, actual: &str) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual);
    format!("output differs:\n{}", diff.unified_diff().context_radius(3).header("expected", "actual"))
}
