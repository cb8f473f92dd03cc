//! End to end over loopback: every signal in over gRPC and HTTP (protobuf and JSON, gzip),
//! through transform, filter, batch and routing, out to files and to a second runtime over
//! OTLP gRPC. The output must be exactly the transformed input: nothing lost, nothing twice.
//! The expected output comes from the reference interpreter run on the inputs directly.

mod common;

use std::time::Duration;

use common::{config, file_items, gzip, items, kv, out_dir, sorted};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use ottl_jit::exec::{Backend, Payload, compile_group, visit};
use ottl_jit::interp::ErrorMode;
use ottl_types::context::ContextId;
use prost::Message as _;

/// Logs from `n` resources (every other one `env=prod`), with severities on both sides of INFO.
fn logs(batch: usize, n: usize) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: (0..n)
            .map(|r| ResourceLogs {
                resource: Some(Resource {
                    attributes: vec![
                        kv("service.name", &format!("svc-{batch}-{r}")),
                        kv("env", if r % 2 == 0 { "prod" } else { "dev" }),
                    ],
                    ..Resource::default()
                }),
                scope_logs: vec![ScopeLogs {
                    log_records: (0..7)
                        .map(|i| LogRecord {
                            severity_number: [5, 9, 13, 17, 9, 1, 21][i],
                            body: Some(opentelemetry_proto::tonic::common::v1::AnyValue {
                                value: Some(
                                    opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(
                                        format!("line {batch}/{r}/{i}"),
                                    ),
                                ),
                            }),
                            attributes: vec![kv("user.email", &format!("u{i}@example.com"))],
                            ..LogRecord::default()
                        })
                        .collect(),
                    ..ScopeLogs::default()
                }],
                ..ResourceLogs::default()
            })
            .collect(),
    }
}

fn traces(batch: usize) -> ExportTraceServiceRequest {
    match runtime::loadgen::synthetic(runtime::signal::Signal::Traces, 25, batch) {
        Payload::Traces(t) => t,
        _ => unreachable!(),
    }
}

fn metrics(batch: usize) -> ExportMetricsServiceRequest {
    match runtime::loadgen::synthetic(runtime::signal::Signal::Metrics, 10, batch) {
        Payload::Metrics(m) => m,
        _ => unreachable!(),
    }
}

/// What the pipeline should make of `inputs`: the reference interpreter runs the same
/// statements; the filter's rule is applied by hand.
fn expected(inputs: &[Payload]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let texts = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let log_group = compile_group(
        ContextId::Log,
        &texts(&[
            "set(attributes[\"user\"], attributes[\"user.email\"])",
            "delete_key(attributes, \"user.email\")",
        ]),
        &[],
        ErrorMode::Ignore,
        Backend::Interp,
    )
    .expect("compiles");
    let span_group = compile_group(
        ContextId::Span,
        &texts(&["set(attributes[\"seen\"], true)", "set(name, Concat([name, \"!\"], \"\"))"]),
        &[],
        ErrorMode::Ignore,
        Backend::Interp,
    )
    .expect("compiles");
    let point_group = compile_group(
        ContextId::DataPoint,
        &texts(&["set(attributes[\"unit\"], metric.unit)"]),
        &[],
        ErrorMode::Ignore,
        Backend::Interp,
    )
    .expect("compiles");
    let (mut logs, mut spans, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
    for p in inputs {
        let mut p = p.clone();
        let (group, ctx) = match &p {
            Payload::Logs(_) => (&log_group, ContextId::Log),
            Payload::Traces(_) => (&span_group, ContextId::Span),
            _ => (&point_group, ContextId::DataPoint),
        };
        visit(&mut p, ctx, &mut |rec| group.execute(rec, &mut |_, _, _| {}, &mut |_| {}, false))
            .expect("runs");
        if let Payload::Logs(req) = &mut p {
            for rl in &mut req.resource_logs {
                for sl in &mut rl.scope_logs {
                    sl.log_records.retain(|lr| lr.severity_number >= 9);
                }
            }
        }
        match &p {
            Payload::Logs(_) => logs.extend(items(&p)),
            Payload::Traces(_) => spans.extend(items(&p)),
            _ => metrics.extend(items(&p)),
        }
    }
    (sorted(logs), sorted(spans), sorted(metrics))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_signal_through_every_component_exactly_once() {
    let out = out_dir("e2e");
    let out_s = out.display().to_string();
    let downstream = runtime::start(&config("downstream.yaml", &[("GRPC", "127.0.0.1:0"), ("OUT", &out_s)]))
        .await
        .expect("downstream starts");
    let down_addr = downstream.address("otlp", "grpc").expect("bound").to_string();
    let up = runtime::start(&config("pipeline.yaml", &[("OUT", &out_s), ("DOWNSTREAM", &down_addr)]))
        .await
        .expect("pipeline starts");
    let grpc = format!("http://{}", up.address("otlp", "grpc").expect("grpc"));
    let http = format!("http://{}", up.address("otlp", "http").expect("http"));
    let client = reqwest::Client::new();
    let mut inputs = Vec::new();

    // Logs: gRPC with gzip (tonic client), HTTP protobuf, HTTP JSON gzip.
    let mut logs_client = LogsServiceClient::connect(grpc.clone())
        .await
        .expect("connects")
        .send_compressed(tonic::codec::CompressionEncoding::Gzip);
    for b in 0..6 {
        let req = logs(b, 3);
        inputs.push(Payload::Logs(req.clone()));
        match b % 3 {
            0 => {
                logs_client.export(req).await.expect("gRPC logs accepted");
            }
            1 => {
                let r = client
                    .post(format!("{http}/v1/logs"))
                    .header("content-type", "application/x-protobuf")
                    .body(req.encode_to_vec())
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(r.status(), 200, "HTTP protobuf logs accepted");
            }
            _ => {
                let json = Payload::Logs(req).to_json_line();
                let r = client
                    .post(format!("{http}/v1/logs"))
                    .header("content-type", "application/json")
                    .header("content-encoding", "gzip")
                    .body(gzip(json.as_bytes()))
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(r.status(), 200, "HTTP JSON gzip logs accepted: {:?}", r.text().await);
            }
        }
    }
    // Traces over HTTP protobuf with gzip; metrics over HTTP JSON.
    for b in 0..3 {
        let req = traces(b);
        inputs.push(Payload::Traces(req.clone()));
        let r = client
            .post(format!("{http}/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .header("content-encoding", "gzip")
            .body(gzip(&req.encode_to_vec()))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), 200);
        let req = metrics(b);
        inputs.push(Payload::Metrics(req.clone()));
        let r = client
            .post(format!("{http}/v1/metrics"))
            .header("content-type", "application/json")
            .body(Payload::Metrics(req).to_json_line())
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), 200);
    }

    // Internal telemetry, scraped as Prometheus would.
    let metrics_url = format!("http://{}/metrics", up.metrics_address.expect("metrics served"));
    let scraped = client.get(metrics_url).send().await.expect("scraped").text().await.expect("text");
    let accepted_logs: u64 = scraped
        .lines()
        .filter(|l| l.starts_with("otelcol_receiver_accepted_items{") && l.contains("signal=\"logs\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(accepted_logs, 6 * 3 * 7, "every log record counted once: {scraped}");
    assert!(scraped.contains("# TYPE otelcol_exporter_queue_size gauge"), "{scraped}");

    up.shutdown(Duration::from_secs(20)).await.expect("the pipeline drains");
    downstream.shutdown(Duration::from_secs(20)).await.expect("the downstream drains");

    let (logs_expected, traces_expected, metrics_expected) = expected(&inputs);
    assert_eq!(logs_expected.len(), 6 * 3 * 5, "the filter keeps 5 of 7 records");
    for file in ["all.jsonl", "downstream.jsonl"] {
        let path = out.join(file);
        assert_eq!(file_items(&path, "logs"), logs_expected, "logs in {file}");
        assert_eq!(file_items(&path, "traces"), traces_expected, "traces in {file}");
        assert_eq!(file_items(&path, "metrics"), metrics_expected, "metrics in {file}");
    }
    let prod: Vec<String> =
        logs_expected.iter().filter(|l| l.contains(r#""stringValue":"prod""#)).cloned().collect();
    let other: Vec<String> =
        logs_expected.iter().filter(|l| !l.contains(r#""stringValue":"prod""#)).cloned().collect();
    assert!(!prod.is_empty() && !other.is_empty());
    assert_eq!(file_items(&out.join("prod.jsonl"), "logs"), prod, "routing: env=prod");
    assert_eq!(file_items(&out.join("other.jsonl"), "logs"), other, "routing: the default pipeline");
}
