//! The transform, filter and routing sections of upstream's READMEs run unchanged
//! (`testdata/runtime/upstream_readmes.yaml`), with the effects the READMEs describe.

mod common;

use std::time::Duration;

use common::{config, file_items, kv, out_dir};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

fn log(severity: i32, body: &str) -> LogRecord {
    LogRecord {
        severity_number: severity,
        body: Some(AnyValue { value: Some(any_value::Value::StringValue(body.into())) }),
        attributes: vec![kv("http.route", &format!("/route/{body}"))],
        ..LogRecord::default()
    }
}

/// Starts a fixture whose exporters write under a fresh directory: the runtime, the
/// directory and the OTLP/gRPC receiver's URL.
async fn start(test: &str, fixture: &str) -> (runtime::Running, std::path::PathBuf, String) {
    let out = out_dir(test);
    let rt = runtime::start(&config(fixture, &[("OUT", &out.display().to_string())]))
        .await
        .unwrap_or_else(|e| panic!("{fixture} starts: {e}"));
    let grpc = format!("http://{}", rt.address("otlp", "grpc").expect("grpc"));
    (rt, out, grpc)
}

/// The string bodies of the log records a file exporter wrote, sorted (none when it wrote
/// no file).
fn bodies(path: &std::path::Path) -> Vec<String> {
    if !path.exists() {
        return Vec::new();
    }
    let mut bodies: Vec<String> = file_items(path, "logs")
        .iter()
        .map(|i| {
            let at = i.find("\"body\":{\"stringValue\":\"").expect("a string body") + 23;
            i[at..].split('"').next().unwrap_or_default().to_string()
        })
        .collect();
    bodies.sort();
    bodies
}

fn service(name: &str, records: Vec<LogRecord>) -> ResourceLogs {
    ResourceLogs {
        resource: Some(Resource { attributes: vec![kv("service.name", name)], ..Resource::default() }),
        scope_logs: vec![ScopeLogs { log_records: records, ..ScopeLogs::default() }],
        ..ResourceLogs::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_sections_run_unchanged() {
    let (rt, out, grpc) = start("readmes", "upstream_readmes.yaml").await;

    // Routing: low severity to cheap storage first, the remainder by service name; what no
    // route takes (service3's error) has no default pipeline and is dropped.
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![
            service("service1", vec![log(9, "s1-info"), log(17, "s1-error")]),
            service("service2", vec![log(21, "s2-fatal"), log(5, "s2-debug")]),
            service("service3", vec![log(17, "s3-error")]),
        ],
    };
    LogsServiceClient::connect(grpc.clone()).await.expect("connects").export(logs).await.expect("accepted");

    // Filter: the span called `app_3` and the event matching `.*grpc.*` are dropped.
    let span = |name: &str| Span {
        name: name.into(),
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        events: vec![
            opentelemetry_proto::tonic::trace::v1::span::Event {
                name: "grpc.call".into(),
                ..Default::default()
            },
            opentelemetry_proto::tonic::trace::v1::span::Event {
                name: "db.call".into(),
                ..Default::default()
            },
        ],
        attributes: vec![
            kv("process.command_line", "run --password=hunter2 --fast"),
            kv("other", "dropped by keep_keys"),
        ],
        ..Span::default()
    };
    let traces = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![span("app_1"), span("app_3")],
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    };
    TraceServiceClient::connect(grpc).await.expect("connects").export(traces).await.expect("accepted");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");

    let bodies = |file: &str| bodies(&out.join(file));
    // The transform's `set(log.body, log.attributes["http.route"])` ran before routing.
    assert_eq!(bodies("cheap.jsonl"), ["/route/s1-info", "/route/s2-debug"]);
    assert_eq!(bodies("service1.jsonl"), ["/route/s1-error"]);
    assert_eq!(bodies("service2.jsonl"), ["/route/s2-fatal"]);

    let spans = file_items(&out.join("traces.jsonl"), "traces");
    assert_eq!(spans.len(), 1, "{spans:?}");
    let s = &spans[0];
    assert!(s.contains("\"name\":\"app_1\""));
    // The README's pattern takes the space after the password too.
    assert!(s.contains("run --password=***--fast"), "replace_pattern ran: {s}");
    assert!(!s.contains("dropped by keep_keys"), "keep_keys ran");
    assert!(s.contains("db.call") && !s.contains("grpc.call"), "the grpc event was filtered: {s}");
}

/// The routing README's tenant example: low severity logs go to cheap storage whoever sent them;
/// the rest go by the `X-Tenant` of the request they came in — gRPC metadata, or HTTP headers on
/// a receiver with `include_metadata` — and, with no default pipelines, nowhere without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_routing_by_tenant() {
    use prost::Message as _;

    let (rt, out, grpc) = start("tenant", "upstream_routing_tenant.yaml").await;
    let http = format!("http://{}/v1/logs", rt.address("otlp", "http").expect("http"));
    let plain = format!("http://{}/v1/logs", rt.address("otlp/plain", "http").expect("http"));
    let request = |who: &str| ExportLogsServiceRequest {
        resource_logs: vec![service(
            who,
            vec![log(9, &format!("{who}-info")), log(17, &format!("{who}-error"))],
        )],
    };

    let mut client = LogsServiceClient::connect(grpc).await.expect("connects");
    for (tenant, who) in [(Some("acme"), "grpc-acme"), (Some("other"), "grpc-other"), (None, "grpc-none")] {
        let mut r = tonic::Request::new(request(who));
        if let Some(t) = tenant {
            r.metadata_mut().insert("x-tenant", t.parse().unwrap());
        }
        client.export(r).await.expect("accepted");
    }
    let http_client = reqwest::Client::new();
    for (url, who) in [(&http, "http-ecorp"), (&plain, "plain-ecorp")] {
        let status = http_client
            .post(url.as_str())
            .header("content-type", "application/x-protobuf")
            .header("X-Tenant", "ecorp")
            .body(request(who).encode_to_vec())
            .send()
            .await
            .expect("sent")
            .status();
        assert_eq!(status, 200, "{who}");
    }
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");

    let bodies = |file: &str| bodies(&out.join(file));
    let cheap: Vec<String> = ["grpc-acme", "grpc-none", "grpc-other", "http-ecorp", "plain-ecorp"]
        .iter()
        .map(|w| format!("{w}-info"))
        .collect();
    assert_eq!(bodies("cheap.log"), cheap);
    assert_eq!(bodies("acme.log"), ["grpc-acme-error"]);
    // `plain` has no `include_metadata`: its request's headers are not known, as in the Collector.
    assert_eq!(bodies("ecorp.log"), ["http-ecorp-error"]);
}

/// A `batch` before the connector: the batches carry no request, so the `request` route never
/// matches them (the default pipeline gets them), while the same requests routed without a
/// batch match.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batching_loses_the_request() {
    let (rt, out, grpc) = start("tenant-batch", "routing_request_batch.yaml").await;
    let mut client = LogsServiceClient::connect(grpc).await.expect("connects");
    let mut r = tonic::Request::new(ExportLogsServiceRequest {
        resource_logs: vec![service("acme", vec![log(9, "acme-info")])],
    });
    r.metadata_mut().insert("x-tenant", "acme".parse().unwrap());
    client.export(r).await.expect("accepted");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");

    assert_eq!(bodies(&out.join("direct_acme.log")), ["acme-info"]);
    assert_eq!(bodies(&out.join("batched_default.log")), ["acme-info"]);
    assert!(bodies(&out.join("batched_acme.log")).is_empty());
}
