//! Running compiled statement groups over OTLP payloads: which records a context visits, in
//! the order the transform processor visits them.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::Metric;
use opentelemetry_proto::tonic::resource::v1::Resource;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;
use ottl_types::syntax::{self, Diagnostic};

use crate::interp::{self, CBool, CStatement, ErrorMode, Group, Outcome, StatementError, Unsupported};
use crate::record::{Item, Record};

/// An OTLP export request, as the Collector's file exporter writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Logs(ExportLogsServiceRequest),
    Traces(ExportTraceServiceRequest),
    Metrics(ExportMetricsServiceRequest),
    Profiles(ExportProfilesServiceRequest),
}

impl Payload {
    /// Reads OTLP/JSON (`resourceLogs`, `resourceSpans`, `resourceMetrics` or `resourceProfiles`).
    pub fn from_json(text: &str) -> Result<Payload, String> {
        let (signal, decode, mut v) = json_tree(text)?;
        let invalid = |e: &dyn std::fmt::Display| format!("invalid OTLP {signal}: {e}");
        // NaN and the infinities are strings in OTLP/JSON; they are taken out for the typed
        // decoding and put back after it.
        let taken = crate::nonfinite::take(&mut v);
        let mut payload = match decode(v) {
            Ok(p) => p,
            // The error is the one the text as written gives (read again, on this cold path).
            Err(e) if !taken.is_empty() => {
                let again = json_tree(text).ok().and_then(|(_, decode, v)| decode(v).err());
                return Err(invalid(&again.unwrap_or(e)));
            }
            Err(e) => return Err(invalid(&e)),
        };
        crate::nonfinite::put(&mut payload, taken).map_err(|e| invalid(&e))?;
        Ok(payload)
    }

    /// The signal's name as the transform processor's config spells it (`logs`, `traces`,
    /// `metrics`, `profiles`).
    pub fn signal(&self) -> &'static str {
        match self {
            Payload::Logs(_) => "logs",
            Payload::Traces(_) => "traces",
            Payload::Metrics(_) => "metrics",
            Payload::Profiles(_) => "profiles",
        }
    }

    /// The request as OTLP protobuf bytes.
    pub fn to_protobuf(&self) -> Vec<u8> {
        use prost::Message;
        match self {
            Payload::Logs(r) => r.encode_to_vec(),
            Payload::Traces(r) => r.encode_to_vec(),
            Payload::Metrics(r) => r.encode_to_vec(),
            Payload::Profiles(r) => r.encode_to_vec(),
        }
    }

    /// Decodes OTLP protobuf bytes as a request of the same signal as `self`.
    pub fn decode_like(&self, bytes: &[u8]) -> Result<Payload, prost::DecodeError> {
        use prost::Message;
        Ok(match self {
            Payload::Logs(_) => Payload::Logs(Message::decode(bytes)?),
            Payload::Traces(_) => Payload::Traces(Message::decode(bytes)?),
            Payload::Metrics(_) => Payload::Metrics(Message::decode(bytes)?),
            Payload::Profiles(_) => Payload::Profiles(Message::decode(bytes)?),
        })
    }

    /// Writes OTLP/JSON, indented.
    pub fn to_json(&self) -> String {
        self.to_json_value().and_then(|v| serde_json::to_string_pretty(&v)).unwrap_or_default()
    }

    /// Writes OTLP/JSON on one line (the file exporter's format).
    pub fn to_json_line(&self) -> String {
        self.to_json_value().and_then(|v| serde_json::to_string(&v)).unwrap_or_default()
    }

    fn to_json_value(&self) -> serde_json::Result<serde_json::Value> {
        let mut v = match self {
            Payload::Logs(r) => serde_json::to_value(r),
            Payload::Traces(r) => serde_json::to_value(r),
            Payload::Metrics(r) => serde_json::to_value(r),
            Payload::Profiles(r) => serde_json::to_value(r),
        }?;
        crate::nonfinite::patch(self, &mut v);
        if let Payload::Profiles(_) = self {
            crate::profiles_json::encode(&mut v);
        }
        drop_nulls(&mut v);
        Ok(v)
    }
}

/// Leaves out the fields the typed encoding writes as `null` (absent messages such as a record
/// without a body, or a request without a resource), as the Collector's OTLP/JSON does; in the
/// protobuf JSON mapping `null` and an absent field read alike.
fn drop_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(fields) => {
            fields.retain(|_, f| !f.is_null());
            fields.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Decodes a JSON tree into the typed request of one signal.
type Decode = fn(serde_json::Value) -> serde_json::Result<Payload>;

/// An OTLP/JSON request as a JSON tree ready for its signal's typed decoding, with the signal's
/// name and decoder.
fn json_tree(text: &str) -> Result<(&'static str, Decode, serde_json::Value), String> {
    let mut v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    empty_lists_have_values(&mut v);
    let obj = v.as_object().ok_or("an OTLP/JSON payload is an object")?;
    let (signal, decode): (_, Decode) = if obj.contains_key("resourceLogs") {
        ("logs", |v| serde_json::from_value(v).map(Payload::Logs))
    } else if obj.contains_key("resourceSpans") {
        ("traces", |v| serde_json::from_value(v).map(Payload::Traces))
    } else if obj.contains_key("resourceMetrics") {
        ("metrics", |v| serde_json::from_value(v).map(Payload::Metrics))
    } else if obj.contains_key("resourceProfiles") {
        crate::profiles_json::decode(&mut v).map_err(|e| format!("invalid OTLP profiles: {e}"))?;
        ("profiles", |v| serde_json::from_value(v).map(Payload::Profiles))
    } else {
        return Err("expected an OTLP/JSON export request with `resourceLogs`, `resourceSpans`, `resourceMetrics` or `resourceProfiles`".into());
    };
    Ok((signal, decode, v))
}

/// OTLP/JSON leaves an empty list out (`{"arrayValue": {}}`); the generated deserializer wants
/// `values` present. A `doubleValue` written as a numeric string becomes a number (`"NaN"` and
/// the infinities are left to [`crate::nonfinite`]).
fn empty_lists_have_values(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                // proto3 JSON allows a double as a string; a finite one becomes a number here.
                if key == "doubleValue"
                    && let serde_json::Value::String(text) = value
                    && let Some(n) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
                {
                    *value = serde_json::Value::Number(n);
                }
                if matches!(key.as_str(), "arrayValue" | "kvlistValue")
                    && let serde_json::Value::Object(list) = value
                    && !list.contains_key("values")
                {
                    list.insert("values".into(), serde_json::Value::Array(Vec::new()));
                }
                empty_lists_have_values(value);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(empty_lists_have_values),
        _ => {}
    }
}

/// Statement groups for one context.
#[derive(Debug)]
pub struct Program {
    pub context: ContextId,
    pub groups: Vec<Compiled>,
}

/// Where statements run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Backend {
    /// The reference interpreter.
    #[default]
    Interp,
    /// Native code from Cranelift.
    Jit,
    /// A WASM module run by wasmtime.
    Wasm,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Interp, Backend::Jit, Backend::Wasm];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Interp => "interp",
            Backend::Jit => "jit",
            Backend::Wasm => "wasm",
        }
    }
}

/// A statement group compiled for one backend.
#[derive(Debug)]
pub enum Compiled {
    Interp(Group),
    Jit(Box<crate::jit::JitGroup>),
    Wasm(Box<crate::wasm::WasmGroup>),
}

impl Compiled {
    /// Compiles an interpreter group for `backend` (the WASM backend compiles from source:
    /// see [`compile_group`]).
    pub fn new(group: Group, backend: Backend) -> Result<Compiled, Unsupported> {
        Ok(match backend {
            Backend::Interp => Compiled::Interp(group),
            Backend::Jit => Compiled::Jit(Box::new(crate::jit::JitGroup::compile(group)?)),
            Backend::Wasm => {
                return Err(Unsupported("a WASM module is compiled from the statements' text".into()));
            }
        })
    }

    /// Runs the group on one record (see `interp::Group::execute`); `tracing` says whether
    /// `trace` wants to hear about every statement.
    #[inline]
    pub fn execute(
        &self,
        rec: &mut Record<'_>,
        trace: &mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
        warn: &mut dyn FnMut(&StatementError),
        tracing: bool,
    ) -> Result<(), StatementError> {
        match self {
            Compiled::Interp(g) => g.execute(rec, trace, warn),
            Compiled::Jit(g) => g.execute(rec, trace, warn, tracing),
            Compiled::Wasm(g) => g.execute(rec, trace, warn, tracing),
        }
    }
}

/// Why statements could not be compiled.
#[derive(Debug)]
pub enum CompileError {
    /// Syntax, resolution or kind errors, with the statement's text.
    Diagnostics { text: String, diagnostics: Vec<Diagnostic> },
    /// A function or path this backend does not run yet.
    Unsupported { text: String, reason: String },
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Diagnostics { text, diagnostics } => {
                for d in diagnostics.iter().filter(|d| d.is_error()) {
                    writeln!(f, "{}", syntax::diagnostics::render_plain(text, d))?;
                }
                Ok(())
            }
            CompileError::Unsupported { text, reason } => write!(f, "{text}: {reason}"),
        }
    }
}

/// Compiles one group as the transform processor would for a group with `context:` set.
pub fn compile_group(
    context: ContextId,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
    backend: Backend,
) -> Result<Compiled, CompileError> {
    if backend == Backend::Wasm {
        let group = crate::wasm::WasmGroup::compile(context, statements, conditions, error_mode)?;
        return Ok(Compiled::Wasm(Box::new(group)));
    }
    let group = interp_group(context, statements, conditions, error_mode)?;
    Compiled::new(group, backend)
        .map_err(|u| CompileError::Unsupported { text: statements.join("\n"), reason: u.0 })
}

/// Compiles one group resolved in the given environments (as `ottl_types::source` resolves a
/// transform group, its context given or inferred) for any backend. A WASM module records only
/// its context and source, and reads the source unprefixed, so it gets the text the Collector
/// parses (the context's prefix inserted where the group sets `context:`).
pub fn compile_group_in(
    env: Env,
    cond_env: Env,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
    backend: Backend,
) -> Result<Compiled, CompileError> {
    let group = interp_group_in(env, cond_env, statements, conditions, error_mode)?;
    if backend == Backend::Wasm {
        let texts: Vec<String> = group.statements.iter().map(|s| s.text.to_string()).collect();
        return compile_group(env.context, &texts, conditions, error_mode, backend);
    }
    Compiled::new(group, backend)
        .map_err(|u| CompileError::Unsupported { text: statements.join("\n"), reason: u.0 })
}

/// Compiles one group for the interpreter (the form every backend starts from), with the
/// statements and conditions resolved as for a transform group with `context:` given.
pub fn interp_group(
    context: ContextId,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
) -> Result<Group, CompileError> {
    let env = Env { context, mode: PathMode::Unprefixed, component: Component::TransformStatements };
    let cond_env = Env { component: Component::TransformConditions, ..env };
    interp_group_in(env, cond_env, statements, conditions, error_mode)
}

/// Compiles one group for the interpreter, resolving statements in `env` and the group's
/// conditions in `cond_env` (the Collector's modes differ between the two; see
/// `ottl_types::source`).
pub fn interp_group_in(
    env: Env,
    cond_env: Env,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
) -> Result<Group, CompileError> {
    let mut group = Group { error_mode, ..Group::default() };
    for text in conditions {
        group.conditions.push(compile_condition(cond_env, text)?);
    }
    for text in statements {
        group.statements.push(compile_statement(env, text)?);
    }
    Ok(group)
}

/// Parses, checks, lowers and compiles one condition.
pub fn compile_condition(env: Env, text: &str) -> Result<CBool, CompileError> {
    compile_text(
        text,
        syntax::parse_condition(text),
        |t| ottl_types::hir::condition(env, t),
        interp::condition,
    )
}

/// Parses, checks, lowers and compiles one value expression (`ottl eval`; the expression cases of
/// test files), for the interpreter: a value expression is not a statement group.
pub fn compile_value(env: Env, text: &str) -> Result<interp::CExpr, CompileError> {
    compile_text(text, syntax::parse_value(text), |t| ottl_types::hir::value(env, t), interp::expr)
}

/// Parses, checks, lowers and compiles one statement.
pub fn compile_statement(env: Env, text: &str) -> Result<CStatement, CompileError> {
    compile_text(
        text,
        syntax::parse_statement(text),
        |t| ottl_types::hir::statement(env, t, text),
        interp::compile,
    )
}

/// The steps every kind of text goes through: a tree without syntax errors, checked and lowered
/// to the typed IR, then compiled for the interpreter.
fn compile_text<T, H, C>(
    text: &str,
    parsed: syntax::Parsed<T>,
    lower: impl FnOnce(&T) -> Result<H, Vec<Diagnostic>>,
    compile: impl FnOnce(&H) -> Result<C, Unsupported>,
) -> Result<C, CompileError> {
    let diags = |diagnostics| CompileError::Diagnostics { text: text.to_string(), diagnostics };
    let tree = match parsed.tree {
        Some(t) if parsed.diagnostics.iter().all(|d| !d.is_error()) => t,
        _ => return Err(diags(parsed.diagnostics)),
    };
    let hir = lower(&tree).map_err(diags)?;
    compile(&hir).map_err(|u| CompileError::Unsupported { text: text.to_string(), reason: u.0 })
}

/// Calls `f` on the first record of the context in the payload (`None` when it has none).
pub fn first_record<R>(
    payload: &mut Payload,
    ctx: ContextId,
    f: &mut dyn FnMut(&Record<'_>) -> R,
) -> Option<R> {
    let mut out = None;
    let _ = visit(payload, ctx, &mut |rec| {
        if out.is_none() {
            out = Some(f(rec));
        }
        Ok(())
    });
    out
}

/// Observers of a run (all optional): `before` sees each record before a group runs on it,
/// `trace` each statement's outcome and the record after it, `warn` the errors `ignore` mode
/// logs. Records are numbered in visiting order.
#[derive(Default)]
pub struct Hooks<'h> {
    pub before: Option<&'h mut BeforeHook<'h>>,
    pub trace: Option<&'h mut TraceHook<'h>>,
    pub warn: Option<&'h mut dyn FnMut(&StatementError)>,
}

/// Called with a record's number and the record before a group runs on it.
pub type BeforeHook<'h> = dyn FnMut(usize, &Record<'_>) + 'h;
/// Called with a record's number, a statement, its outcome and the record after it.
pub type TraceHook<'h> = dyn FnMut(usize, &CStatement, Outcome<'_>, &Record<'_>) + 'h;

impl std::fmt::Debug for Hooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}

impl Program {
    /// Runs every group over the payload, group after group, each over every record of the
    /// context. Under `propagate` the first error stops the run.
    pub fn run(&self, payload: &mut Payload, hooks: &mut Hooks<'_>) -> Result<(), StatementError> {
        let tracing = hooks.trace.is_some();
        let Hooks { before, trace: trace_hook, warn: warn_hook } = hooks;
        for group in &self.groups {
            // The hooks' adapters are made once per group; only the record number changes.
            let index = std::cell::Cell::new(0);
            let mut trace = |s: &CStatement, o: Outcome<'_>, r: &Record<'_>| {
                if let Some(t) = trace_hook.as_mut() {
                    t(index.get(), s, o, r);
                }
            };
            let mut warn = |e: &StatementError| {
                if let Some(w) = warn_hook.as_mut() {
                    w(e);
                }
            };
            let mut each = |rec: &mut Record<'_>| {
                if let Some(before) = before.as_mut() {
                    before(index.get(), rec);
                }
                let done = group.execute(rec, &mut trace, &mut warn, tracing);
                index.set(index.get() + 1);
                done
            };
            visit(payload, self.context, &mut each)?;
        }
        Ok(())
    }
}

/// A function run on each record; an error stops the walk.
pub type Visit<'v> = dyn FnMut(&mut Record<'_>) -> Result<(), StatementError> + 'v;

/// Calls `f` on every record of the context, in payload order (resources, then scopes, then
/// items; span events in span order).
pub fn visit<F>(payload: &mut Payload, ctx: ContextId, f: &mut F) -> Result<(), StatementError>
where
    F: FnMut(&mut Record<'_>) -> Result<(), StatementError> + ?Sized,
{
    match payload {
        Payload::Logs(req) => visit_logs(ctx, req, f),
        Payload::Traces(req) => visit_traces(ctx, req, f),
        Payload::Metrics(req) => visit_metrics(ctx, req, f),
        Payload::Profiles(req) => visit_profiles(ctx, req, f),
    }
}

/// What the records of one walk share: the buffer of the per-record `cache` map (emptied for
/// each record, so it is allocated once per walk rather than once per record) and the metrics
/// statements append to the scope (`copy_metric`, ...), which the metric walk moves there.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    cache: Vec<KeyValue>,
    appended: Vec<Metric>,
}

impl Scratch {
    /// A record of an item with its resource and scope, and an empty cache.
    pub(crate) fn record<'r>(
        &'r mut self,
        resource: &'r mut Option<Resource>,
        resource_schema_url: &'r mut String,
        scope: &'r mut Option<InstrumentationScope>,
        scope_schema_url: &'r mut String,
        item: Item<'r>,
    ) -> Record<'r> {
        self.cache.clear();
        Record {
            resource,
            resource_schema_url,
            scope,
            scope_schema_url,
            item,
            cache: &mut self.cache,
            appended: &mut self.appended,
        }
    }
}

fn visit_logs<F>(ctx: ContextId, req: &mut ExportLogsServiceRequest, f: &mut F) -> Result<(), StatementError>
where
    F: FnMut(&mut Record<'_>) -> Result<(), StatementError> + ?Sized,
{
    let mut scratch = Scratch::default();
    for rl in &mut req.resource_logs {
        let (resource, rurl) = (&mut rl.resource, &mut rl.schema_url);
        if ctx == ContextId::Resource {
            let (mut scope, mut surl) = (None, String::new());
            f(&mut scratch.record(resource, rurl, &mut scope, &mut surl, Item::None))?;
            continue;
        }
        for sl in &mut rl.scope_logs {
            let (scope, surl) = (&mut sl.scope, &mut sl.schema_url);
            if ctx == ContextId::Scope {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::None))?;
                continue;
            }
            for lr in &mut sl.log_records {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::Log(lr)))?;
            }
        }
    }
    Ok(())
}

fn visit_traces<F>(
    ctx: ContextId,
    req: &mut ExportTraceServiceRequest,
    f: &mut F,
) -> Result<(), StatementError>
where
    F: FnMut(&mut Record<'_>) -> Result<(), StatementError> + ?Sized,
{
    let mut scratch = Scratch::default();
    for rs in &mut req.resource_spans {
        let (resource, rurl) = (&mut rs.resource, &mut rs.schema_url);
        if ctx == ContextId::Resource {
            let (mut scope, mut surl) = (None, String::new());
            f(&mut scratch.record(resource, rurl, &mut scope, &mut surl, Item::None))?;
            continue;
        }
        for ss in &mut rs.scope_spans {
            let (scope, surl) = (&mut ss.scope, &mut ss.schema_url);
            if ctx == ContextId::Scope {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::None))?;
                continue;
            }
            for span in &mut ss.spans {
                if ctx == ContextId::SpanEvent {
                    for index in 0..span.events.len() {
                        f(&mut scratch.record(resource, rurl, scope, surl, Item::SpanEvent { span, index }))?;
                    }
                } else {
                    f(&mut scratch.record(resource, rurl, scope, surl, Item::Span(span)))?;
                }
            }
        }
    }
    Ok(())
}

fn visit_metrics<F>(
    ctx: ContextId,
    req: &mut ExportMetricsServiceRequest,
    f: &mut F,
) -> Result<(), StatementError>
where
    F: FnMut(&mut Record<'_>) -> Result<(), StatementError> + ?Sized,
{
    let mut scratch = Scratch::default();
    for rm in &mut req.resource_metrics {
        let (resource, rurl) = (&mut rm.resource, &mut rm.schema_url);
        if ctx == ContextId::Resource {
            let (mut scope, mut surl) = (None, String::new());
            f(&mut scratch.record(resource, rurl, &mut scope, &mut surl, Item::None))?;
            continue;
        }
        for sm in &mut rm.scope_metrics {
            let (scope, surl) = (&mut sm.scope, &mut sm.schema_url);
            if ctx == ContextId::Scope {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::None))?;
                continue;
            }
            // Indexed, because statements may append metrics that this loop then visits too.
            let mut i = 0;
            while i < sm.metrics.len() {
                let metric = &mut sm.metrics[i];
                if ctx == ContextId::DataPoint {
                    for index in 0..crate::record_metrics::data_point_count(metric) {
                        f(&mut scratch.record(
                            resource,
                            rurl,
                            scope,
                            surl,
                            Item::DataPoint { metric, index },
                        ))?;
                    }
                } else {
                    f(&mut scratch.record(resource, rurl, scope, surl, Item::Metric(metric)))?;
                }
                sm.metrics.append(&mut scratch.appended);
                i += 1;
            }
        }
    }
    Ok(())
}

fn visit_profiles<F>(
    ctx: ContextId,
    req: &mut ExportProfilesServiceRequest,
    f: &mut F,
) -> Result<(), StatementError>
where
    F: FnMut(&mut Record<'_>) -> Result<(), StatementError> + ?Sized,
{
    let mut scratch = Scratch::default();
    for rp in &mut req.resource_profiles {
        let (resource, rurl) = (&mut rp.resource, &mut rp.schema_url);
        if ctx == ContextId::Resource {
            let (mut scope, mut surl) = (None, String::new());
            f(&mut scratch.record(resource, rurl, &mut scope, &mut surl, Item::None))?;
            continue;
        }
        for sp in &mut rp.scope_profiles {
            let (scope, surl) = (&mut sp.scope, &mut sp.schema_url);
            if ctx == ContextId::Scope {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::None))?;
                continue;
            }
            for profile in &mut sp.profiles {
                f(&mut scratch.record(resource, rurl, scope, surl, Item::Profile(profile)))?;
            }
        }
    }
    Ok(())
}

// Compiled programs are shared by the runtime's worker threads.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Program>();
};
