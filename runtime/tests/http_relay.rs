//! The `otlphttp` exporter (zstd) to a runtime that receives over HTTP only, fed by a gRPC
//! client that compresses with zstd: logs, traces and profiles arrive unchanged, once.

mod common;

use std::time::Duration;

use common::{config, file_items, items, out_dir, sorted};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::profiles::v1development::profiles_service_client::ProfilesServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use ottl_jit::exec::Payload;
use runtime::signal::Signal;
use tonic::codec::CompressionEncoding::Zstd;

const PROFILES: &str = r#"{"resourceProfiles": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]}, "scopeProfiles": [{"scope": {"name": "ebpf"}, "profiles": [{"timeUnixNano": "1700000000123456789", "period": "10000000", "profileId": "0102030405060708090a0b0c0d0e0f10", "originalPayloadFormat": "pprof"}]}]}], "dictionary": {"stringTable": ["", "cpu"]}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otlphttp_exporter_to_an_http_receiver() {
    let out = out_dir("http-relay");
    let sink = runtime::start(&config("http_sink.yaml", &[("OUT", &out.display().to_string())]))
        .await
        .expect("sink starts");
    let sink_addr = sink.address("otlp", "http").expect("http").to_string();
    let relay = runtime::start(&config("http_relay.yaml", &[("DOWNSTREAM", &sink_addr)]))
        .await
        .expect("relay starts");
    let grpc = format!("http://{}", relay.address("otlp", "grpc").expect("grpc"));

    let (mut logs, mut spans) = (Vec::new(), Vec::new());
    let mut log_client =
        LogsServiceClient::connect(grpc.clone()).await.expect("connects").send_compressed(Zstd);
    let mut trace_client =
        TraceServiceClient::connect(grpc.clone()).await.expect("connects").send_compressed(Zstd);
    for w in 0..3 {
        let Payload::Logs(l) = runtime::loadgen::synthetic(Signal::Logs, 20, w) else { unreachable!() };
        logs.extend(items(&Payload::Logs(l.clone())));
        log_client.export(l).await.expect("logs accepted");
        let Payload::Traces(t) = runtime::loadgen::synthetic(Signal::Traces, 20, w) else { unreachable!() };
        spans.extend(items(&Payload::Traces(t.clone())));
        trace_client.export(t).await.expect("traces accepted");
    }
    let Payload::Profiles(profiles) = Payload::from_json(PROFILES).expect("profiles") else { unreachable!() };
    ProfilesServiceClient::connect(grpc)
        .await
        .expect("connects")
        .send_compressed(Zstd)
        .export(profiles.clone())
        .await
        .expect("profiles accepted");

    relay.shutdown(Duration::from_secs(10)).await.expect("relay drains");
    sink.shutdown(Duration::from_secs(10)).await.expect("sink drains");
    let path = out.join("http_sink.jsonl");
    assert_eq!(file_items(&path, "logs"), sorted(logs));
    assert_eq!(file_items(&path, "traces"), sorted(spans));
    let text = std::fs::read_to_string(&path).expect("output");
    let got: Vec<Payload> = text
        .lines()
        .map(|l| Payload::from_json(l).expect("OTLP/JSON"))
        .filter(|p| runtime::signal::signal_of(p) == Signal::Profiles)
        .collect();
    assert_eq!(got, vec![Payload::Profiles(profiles)], "the profiles request, dictionary and all");
}
