//! The interpreter on typical statements over a realistic log record. Compilation happens once,
//! outside the measurement; each iteration runs one statement on a fresh copy of the record
//! (the copy is made in the setup, not measured).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ottl_jit::exec::{self, Hooks, Payload, Program};
use ottl_jit::interp::ErrorMode;
use ottl_types::context::ContextId;

const RECORD: &str = r#"{"resourceLogs":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name","value":{"stringValue":"ip-10-0-0-12"}}]},
  "scopeLogs":[{"scope":{"name":"app"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,
  "severityText":"INFO","body":{"stringValue":"{\"user\":\"alice\",\"action\":\"login\",\"latency_ms\":123,\"ok\":true}"},
  "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
  "attributes":[
    {"key":"http.method","value":{"stringValue":"GET"}},
    {"key":"http.route","value":{"stringValue":"/api/v1/users/12345/orders"}},
    {"key":"http.status_code","value":{"intValue":"200"}},
    {"key":"user_agent","value":{"stringValue":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"}},
    {"key":"client.address","value":{"stringValue":"203.0.113.7"}},
    {"key":"session","value":{"stringValue":"5f2b9c1e-7d3a-4e8b-9c1d-2a3b4c5d6e7f"}},
    {"key":"db.statement","value":{"stringValue":"SELECT * FROM orders WHERE user_id = 12345 AND status = 'open'"}},
    {"key":"retry","value":{"intValue":"0"}}]}]}]}]}"#;

const STATEMENTS: &[(&str, &str)] = &[
    ("rename", r#"set(attributes["client.ip"], attributes["client.address"])"#),
    ("set_literal", r#"set(attributes["env"], "prod")"#),
    (
        "where_3_terms",
        r#"set(attributes["slow"], true) where attributes["http.method"] == "GET" and attributes["http.status_code"] >= 200 and severity_number < SEVERITY_NUMBER_WARN"#,
    ),
    ("replace_pattern", r#"replace_pattern(attributes["http.route"], "/users/\\d+", "/users/{id}")"#),
    ("parse_json", r#"set(attributes["parsed"], ParseJSON(body))"#),
    ("keep_keys", r#"keep_keys(attributes, ["http.method", "http.route", "http.status_code"])"#),
    ("truncate_all", "truncate_all(attributes, 16)"),
    (
        "concat",
        r#"set(attributes["key"], Concat([attributes["http.method"], attributes["http.route"]], " "))"#,
    ),
    ("is_match", r#"set(attributes["api"], true) where IsMatch(attributes["http.route"], "^/api/v[0-9]+/")"#),
    ("sha256", r#"set(attributes["session"], SHA256(attributes["session"]))"#),
];

fn bench(c: &mut Criterion) {
    let payload = Payload::from_json(RECORD).expect("the benchmark record is OTLP/JSON");
    let mut group = c.benchmark_group("interp");
    for (name, text) in STATEMENTS {
        let compiled = exec::compile_group(
            ContextId::Log,
            &[(*text).to_string()],
            &[],
            ErrorMode::Propagate,
            exec::Backend::Interp,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let program = Program { context: ContextId::Log, groups: vec![compiled] };
        group.bench_function(*name, |b| {
            b.iter_batched_ref(
                || payload.clone(),
                |p| program.run(p, &mut Hooks::default()),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
