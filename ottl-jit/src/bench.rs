//! Measuring backends: the workloads of `ottl bench --suite` (`testdata/bench/suite.yaml`), the
//! generated records they run on, and the timing loop `ottl bench` and the criterion benches
//! share.
//!
//! A measurement runs a compiled program over a request holding `records` copies of a record,
//! several times, each time on a fresh copy decoded from the request's protobuf encoding outside
//! the timed region (so records are laid out as receivers hand them over), and reports the
//! median time per record the context visits.

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric,
    number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, span, status};
use ottl_types::context::ContextId;
use serde::Deserialize;

use crate::exec::{self, Backend, Hooks, Payload, Program};
use crate::interp::ErrorMode;

/// A workload: statements in a context over a kind of generated record.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    pub name: String,
    pub context: String,
    /// `log`, `span` or `metric`: which generated record the statements run on.
    pub record: String,
    pub statements: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Suite {
    workloads: Vec<Workload>,
}

/// Reads a suite file's workloads.
pub fn suite(text: &str) -> Result<Vec<Workload>, String> {
    serde_yaml_ng::from_str::<Suite>(text)
        .map(|s| s.workloads)
        .map_err(|e| format!("invalid bench suite: {e}"))
}

/// A generated record of a kind (`log`, `span`, `metric`) as a one-record request.
pub fn record(kind: &str) -> Result<Payload, String> {
    match kind {
        "log" => Ok(Payload::Logs(ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: Some(resource()),
                scope_logs: vec![ScopeLogs {
                    scope: Some(scope()),
                    log_records: vec![log()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        })),
        "span" => Ok(Payload::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(resource()),
                scope_spans: vec![ScopeSpans {
                    scope: Some(scope()),
                    spans: vec![span()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        })),
        "metric" => Ok(Payload::Metrics(ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: Some(resource()),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(scope()),
                    metrics: vec![metric()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        })),
        other => Err(format!("unknown record kind `{other}`: expected log, span or metric")),
    }
}

/// The request with its first item (log record, span or metric) copied `n` times, in place of
/// the items of its first scope.
pub fn replicate(p: &Payload, n: usize) -> Result<Payload, String> {
    fn fill<T: Clone>(items: &mut Vec<T>, n: usize) -> Result<(), String> {
        let first = items.first().cloned().ok_or("the input has no record to copy")?;
        *items = vec![first; n];
        Ok(())
    }
    let mut p = p.clone();
    let missing = || "the input has no resource and scope to copy records into".to_string();
    match &mut p {
        Payload::Logs(r) => {
            let rl = r.resource_logs.first_mut().ok_or_else(missing)?;
            rl.scope_logs.truncate(1);
            fill(&mut rl.scope_logs.first_mut().ok_or_else(missing)?.log_records, n)?;
            r.resource_logs.truncate(1);
        }
        Payload::Traces(r) => {
            let rs = r.resource_spans.first_mut().ok_or_else(missing)?;
            rs.scope_spans.truncate(1);
            fill(&mut rs.scope_spans.first_mut().ok_or_else(missing)?.spans, n)?;
            r.resource_spans.truncate(1);
        }
        Payload::Metrics(r) => {
            let rm = r.resource_metrics.first_mut().ok_or_else(missing)?;
            rm.scope_metrics.truncate(1);
            fill(&mut rm.scope_metrics.first_mut().ok_or_else(missing)?.metrics, n)?;
            r.resource_metrics.truncate(1);
        }
        Payload::Profiles(r) => {
            let rp = r.resource_profiles.first_mut().ok_or_else(missing)?;
            rp.scope_profiles.truncate(1);
            fill(&mut rp.scope_profiles.first_mut().ok_or_else(missing)?.profiles, n)?;
            r.resource_profiles.truncate(1);
        }
    }
    Ok(p)
}

/// How many records a context visits in the request.
pub fn count(p: &mut Payload, context: ContextId) -> usize {
    let mut n = 0;
    let _ = exec::visit(p, context, &mut |_| {
        n += 1;
        Ok(())
    });
    n
}

/// Compiles a workload's statements for a backend (error mode `ignore`, as a Collector runs).
pub fn compile(context: ContextId, statements: &[String], backend: Backend) -> Result<Program, String> {
    let group = exec::compile_group(context, statements, &[], ErrorMode::Ignore, backend)
        .map_err(|e| e.to_string())?;
    Ok(Program { context, groups: vec![group] })
}

/// The median time per visited record of `runs` runs of `program` over fresh copies of `input`.
pub fn measure(program: &Program, input: &Payload, runs: usize) -> Duration {
    measure_each(&[program], input, runs)[0]
}

/// [`measure`] for several programs at once, their runs interleaved (a, b, a, b, ...) so that
/// the machine's drift during the measurement weighs on each alike.
///
/// Each run's copy is decoded from the input's protobuf encoding, outside the timed region, so
/// the records are laid out as the runtime's receivers hand them over (a clone would leave every
/// list exactly full, and the first item a statement adds would move the whole list).
pub fn measure_each(programs: &[&Program], input: &Payload, runs: usize) -> Vec<Duration> {
    let bytes = input.to_protobuf();
    let fresh = || input.decode_like(&bytes).unwrap_or_else(|_| input.clone());
    let records: Vec<u32> = programs
        .iter()
        .map(|program| u32::try_from(count(&mut input.clone(), program.context).max(1)).unwrap_or(u32::MAX))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs.max(1)); programs.len()];
    for _ in 0..runs.max(1) {
        for ((program, times), &records) in programs.iter().zip(&mut times).zip(&records) {
            let mut p = fresh();
            let mut warn = |_: &crate::interp::StatementError| {};
            let mut hooks = Hooks { warn: Some(&mut warn), ..Hooks::default() };
            let start = Instant::now();
            let _ = program.run(&mut p, &mut hooks);
            times.push(start.elapsed() / records);
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort_unstable();
            t[t.len() / 2]
        })
        .collect()
}

fn str_kv(k: &str, v: &str) -> KeyValue {
    kv(k, any_value::Value::StringValue(v.to_string()))
}

fn kv(k: &str, v: any_value::Value) -> KeyValue {
    KeyValue { key: k.to_string(), value: Some(AnyValue { value: Some(v) }), ..KeyValue::default() }
}

fn resource() -> Resource {
    Resource {
        attributes: vec![
            str_kv("service.name", "checkout"),
            str_kv("service.namespace", "shop"),
            str_kv("host.name", "ip-10-0-0-12"),
            str_kv("cloud.region", "eu-west-1"),
        ],
        ..Resource::default()
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope {
        name: "io.opentelemetry.app".into(),
        version: "1.4.2".into(),
        ..Default::default()
    }
}

/// A log record with fifteen attributes and a JSON body.
fn log() -> LogRecord {
    use any_value::Value::{DoubleValue, IntValue};
    LogRecord {
        time_unix_nano: 1_700_000_000_000_000_000,
        observed_time_unix_nano: 1_700_000_000_100_000_000,
        severity_number: 9,
        severity_text: "INFO".into(),
        body: Some(AnyValue {
            value: Some(any_value::Value::StringValue(
                r#"{"user":"alice","action":"login","latency_ms":123,"ok":true}"#.into(),
            )),
        }),
        attributes: vec![
            str_kv("src", "203.0.113.7"),
            str_kv("http.method", "GET"),
            str_kv("http.route", "/api/v1/users/12345/orders"),
            kv("http.status_code", IntValue(200)),
            str_kv("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"),
            str_kv("client.address", "203.0.113.7"),
            str_kv("session", "5f2b9c1e-7d3a-4e8b-9c1d-2a3b4c5d6e7f"),
            str_kv("db.statement", "SELECT * FROM orders WHERE user_id = 12345 AND status = 'open'"),
            kv("retry", IntValue(0)),
            str_kv("service.version", "2.7.1"),
            str_kv("k8s.pod.name", "checkout-7d9f8b6c5-x2x9q"),
            str_kv("k8s.namespace.name", "prod"),
            kv("thread.id", IntValue(42)),
            str_kv("code.function", "OrderController.list"),
            kv("duration_ms", DoubleValue(12.5)),
        ],
        trace_id: (1..=16).collect(),
        span_id: (1..=8).collect(),
        ..LogRecord::default()
    }
}

/// A server span with eight attributes and three events.
fn span() -> Span {
    use any_value::Value::IntValue;
    let event = |name: &str, t: u64| span::Event {
        time_unix_nano: t,
        name: name.into(),
        attributes: vec![str_kv("exception.type", "TimeoutError"), kv("retry", IntValue(1))],
        ..Default::default()
    };
    Span {
        trace_id: (1..=16).collect(),
        span_id: (1..=8).collect(),
        parent_span_id: (9..=16).collect(),
        name: "GET /api/v1/users/{id}/orders".into(),
        kind: span::SpanKind::Server as i32,
        start_time_unix_nano: 1_700_000_000_000_000_000,
        end_time_unix_nano: 1_700_000_000_250_000_000,
        attributes: vec![
            str_kv("http.request.method", "GET"),
            str_kv("http.route", "/api/v1/users/{id}/orders"),
            kv("http.response.status_code", IntValue(503)),
            str_kv("url.path", "/api/v1/users/12345/orders"),
            str_kv("server.address", "checkout.shop.svc"),
            kv("server.port", IntValue(8080)),
            str_kv("client.address", "203.0.113.7"),
            str_kv("user_agent.original", "curl/8.5.0"),
        ],
        events: vec![
            event("retry", 1_700_000_000_050_000_000),
            event("retry", 1_700_000_000_150_000_000),
            event("timeout", 1_700_000_000_240_000_000),
        ],
        status: Some(Status { code: status::StatusCode::Unset as i32, message: String::new() }),
        ..Span::default()
    }
}

/// A cumulative sum with four data points of three attributes each.
fn metric() -> Metric {
    let point = |route: &str, code: i64, v: i64| NumberDataPoint {
        attributes: vec![
            str_kv("http.route", route),
            kv("http.response.status_code", any_value::Value::IntValue(code)),
            str_kv("http.request.method", "GET"),
        ],
        start_time_unix_nano: 1_700_000_000_000_000_000,
        time_unix_nano: 1_700_000_060_000_000_000,
        value: Some(number_data_point::Value::AsInt(v)),
        ..Default::default()
    };
    Metric {
        name: "http.server.request.count".into(),
        description: "Requests served".into(),
        unit: "{request}".into(),
        data: Some(metric::Data::Sum(Sum {
            data_points: vec![
                point("/api/v1/users/{id}/orders", 200, 1200),
                point("/api/v1/users/{id}/orders", 503, 7),
                point("/api/v1/cart", 200, 860),
                point("/healthz", 200, 4000),
            ],
            aggregation_temporality: AggregationTemporality::Cumulative as i32,
            is_monotonic: true,
        })),
        ..Metric::default()
    }
}
