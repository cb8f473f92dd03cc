//! Faults: a downstream that is down for a while, overload, bad requests, auth, and statement
//! errors that must reach the client. The runtime keeps serving through all of them.

mod common;

use std::time::Duration;

use common::{config, file_items, free_port, gzip, items, kv, out_dir};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use ottl_jit::exec::Payload;
use prost::Message as _;
use runtime::signal::Signal;

fn synthetic_logs(n: usize, worker: usize) -> ExportLogsServiceRequest {
    match runtime::loadgen::synthetic(Signal::Logs, n, worker) {
        Payload::Logs(l) => l,
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downstream_that_comes_back_gets_everything_once() {
    let out = out_dir("down-up");
    let port = free_port();
    let relay = runtime::start(&config("relay.yaml", &[("DOWNSTREAM", &port), ("QUEUE", "100")]))
        .await
        .expect("starts");
    let mut client =
        LogsServiceClient::connect(format!("http://{}", relay.address("otlp", "grpc").expect("grpc")))
            .await
            .expect("connects");
    let mut sent = Vec::new();
    for w in 0..20 {
        let req = synthetic_logs(50, w);
        sent.extend(items(&Payload::Logs(req.clone())));
        client.export(req).await.expect("accepted while the downstream is down");
    }
    // The downstream comes up after the relay has been retrying for a while.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let out_s = out.display().to_string();
    let downstream = runtime::start(&config("downstream.yaml", &[("GRPC", &port), ("OUT", &out_s)]))
        .await
        .expect("the downstream starts on the reserved port");
    relay.shutdown(Duration::from_secs(20)).await.expect("the relay flushes");
    downstream.shutdown(Duration::from_secs(20)).await.expect("the downstream flushes");
    sent.sort();
    assert_eq!(file_items(&out.join("downstream.jsonl"), "logs"), sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors_and_the_receiver_keeps_serving() {
    let out = out_dir("limits");
    let rt =
        runtime::start(&config("limits.yaml", &[("OUT", &out.display().to_string())])).await.expect("starts");
    let http = format!("http://{}", rt.address("otlp", "http").expect("http"));
    let client = reqwest::Client::new();
    let post = |path: &str, content_type: &str, encoding: Option<&str>, body: Vec<u8>, token: bool| {
        let mut r = client.post(format!("{http}{path}")).header("content-type", content_type).body(body);
        if let Some(e) = encoding {
            r = r.header("content-encoding", e);
        }
        if token {
            r = r.header("authorization", "Bearer s3cret");
        }
        r.send()
    };
    let good = synthetic_logs(3, 0).encode_to_vec();
    let proto = "application/x-protobuf";
    let cases: Vec<(&str, u16, &str, reqwest::Response)> = vec![
        (
            "no token",
            401,
            "bearer token",
            post("/v1/logs", proto, None, good.clone(), false).await.expect("sent"),
        ),
        (
            "malformed protobuf",
            400,
            "invalid OTLP protobuf",
            post("/v1/logs", proto, None, vec![0xff, 0xff, 0x01], true).await.expect("sent"),
        ),
        (
            "malformed JSON",
            400,
            "invalid JSON",
            post("/v1/logs", "application/json", None, b"{\"resourceLogs\": [".to_vec(), true)
                .await
                .expect("sent"),
        ),
        (
            "gzip bomb",
            413,
            "decompressed body is larger",
            post("/v1/logs", proto, Some("gzip"), gzip(&vec![0u8; 64 << 20]), true).await.expect("sent"),
        ),
        ("oversized", 413, "", post("/v1/logs", proto, None, vec![0u8; 2 << 20], true).await.expect("sent")),
        (
            "content type",
            415,
            "unsupported content type",
            post("/v1/logs", "text/plain", None, good.clone(), true).await.expect("sent"),
        ),
        (
            "no pipeline",
            404,
            "no metrics pipeline",
            post("/v1/metrics", proto, None, Vec::new(), true).await.expect("sent"),
        ),
    ];
    for (what, status, message, response) in cases {
        assert_eq!(response.status().as_u16(), status, "{what}");
        let text = response.text().await.unwrap_or_default();
        assert!(text.contains(message), "{what}: {text}");
    }

    // After all that, good data still goes through.
    let r = post("/v1/logs", proto, None, good, true).await.expect("sent");
    assert_eq!(r.status(), 200, "still serving HTTP");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");
    assert_eq!(file_items(&out.join("limits.jsonl"), "logs").len(), 3, "only the good request was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_refusals_reach_the_client_and_the_receiver_keeps_serving() {
    let out = out_dir("limits-grpc");
    let rt =
        runtime::start(&config("limits.yaml", &[("OUT", &out.display().to_string())])).await.expect("starts");
    // gRPC: auth, a gzip bomb, and a statement error under `propagate` reach the client.
    let grpc = format!("http://{}", rt.address("otlp", "grpc").expect("grpc"));
    let mut c = LogsServiceClient::connect(grpc)
        .await
        .expect("connects")
        .send_compressed(tonic::codec::CompressionEncoding::Gzip);
    let with_token = |req: ExportLogsServiceRequest| {
        let mut r = tonic::Request::new(req);
        r.metadata_mut().insert("authorization", "Bearer s3cret".parse().expect("ascii"));
        r
    };
    let e = c.export(synthetic_logs(1, 0)).await.expect_err("no token");
    assert_eq!(e.code(), tonic::Code::Unauthenticated);
    let mut bomb = synthetic_logs(1, 0);
    bomb.resource_logs[0].scope_logs[0].log_records[0].body =
        Some(AnyValue { value: Some(any_value::Value::StringValue("0".repeat(32 << 20))) });
    let e = c.export(with_token(bomb)).await.expect_err("a gzip bomb is refused");
    assert!(matches!(e.code(), tonic::Code::OutOfRange | tonic::Code::ResourceExhausted), "{e:?}");
    let bad_json = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    body: Some(AnyValue { value: Some(any_value::Value::StringValue("{not json".into())) }),
                    attributes: vec![opentelemetry_proto::tonic::common::v1::KeyValue {
                        key: "json".into(),
                        value: Some(AnyValue { value: Some(any_value::Value::BoolValue(true)) }),
                        ..Default::default()
                    }],
                    ..LogRecord::default()
                }],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    };
    let e = c.export(with_token(bad_json)).await.expect_err("propagate fails the request");
    assert_eq!(e.code(), tonic::Code::Unavailable);
    assert!(
        e.message().starts_with("failed to execute statement: set(log.attributes[\"parsed\"]"),
        "{}",
        e.message()
    );

    // After all that, good data still goes through.
    c.export(with_token(synthetic_logs(4, 1))).await.expect("still serving gRPC");
    let mut tagged = synthetic_logs(1, 2);
    tagged.resource_logs[0].resource.as_mut().expect("resource").attributes.push(kv("k", "v"));
    c.export(with_token(tagged)).await.expect("accepted");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");
    assert_eq!(
        file_items(&out.join("limits.jsonl"), "logs").len(),
        4 + 1,
        "only the good requests were written"
    );
}

/// Sends `body` as it is (the exporter's codec for bytes already encoded) as the request of the
/// gRPC method at `path`.
async fn raw_grpc(endpoint: &str, path: &'static str, body: Vec<u8>) -> Result<bytes::Bytes, tonic::Status> {
    let channel = tonic::transport::Endpoint::from_shared(endpoint.to_string())
        .expect("an endpoint")
        .connect()
        .await
        .expect("connects");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let mut request = tonic::Request::new(bytes::Bytes::from(body));
    request.metadata_mut().insert("authorization", "Bearer s3cret".parse().expect("ascii"));
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    grpc.unary(request, path, runtime::exporter::Encoded).await.map(tonic::Response::into_inner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_requests_that_are_not_otlp_are_refused_counted_and_the_receiver_keeps_serving() {
    let out = out_dir("malformed-grpc");
    let rt =
        runtime::start(&config("limits.yaml", &[("OUT", &out.display().to_string())])).await.expect("starts");
    let grpc = format!("http://{}", rt.address("otlp", "grpc").expect("grpc"));
    let logs = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    let e = raw_grpc(&grpc, logs, vec![0xff, 0xff, 0x01]).await.expect_err("not protobuf");
    assert_eq!(e.code(), tonic::Code::Internal, "{e:?}");
    assert!(!e.message().is_empty(), "the decoder says why");
    let e = raw_grpc(&grpc, "/opentelemetry.proto.collector.logs.v1.LogsService/Nope", Vec::new())
        .await
        .expect_err("no such method");
    assert_eq!(e.code(), tonic::Code::Unimplemented, "{e:?}");

    // A well-formed request on the same path is accepted, and its response decodes.
    let good = raw_grpc(&grpc, logs, synthetic_logs(2, 0).encode_to_vec()).await.expect("accepted");
    assert!(
        opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse::decode(&good[..]).is_ok(),
        "an export response"
    );

    let metrics = format!("http://{}/metrics", rt.metrics_address.expect("metrics served"));
    let scraped = reqwest::get(metrics).await.expect("scraped").text().await.expect("text");
    let malformed = scraped
        .lines()
        .find(|l| l.starts_with("otelcol_receiver_malformed_requests{") && l.contains("transport=\"grpc\""))
        .and_then(|l| l.rsplit(' ').next()?.parse::<u64>().ok());
    assert_eq!(malformed, Some(1), "one malformed gRPC request counted: {scraped}");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");
    assert_eq!(file_items(&out.join("limits.jsonl"), "logs").len(), 2, "only the good request was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_memory_limit_data_is_refused_with_503() {
    let rt = runtime::start(&config("memory_limited.yaml", &[])).await.expect("starts");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = reqwest::Client::new()
        .post(format!("http://{}/v1/logs", rt.address("otlp", "http").expect("http")))
        .header("content-type", "application/json")
        .body(Payload::Logs(synthetic_logs(2, 0)).to_json_line())
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap_or_default().contains("data refused due to high memory usage"));
    rt.shutdown(Duration::from_secs(5)).await.expect("stops");
}
