//! A transform processor running a compiled WASM module picks up a new module when the file
//! changes, between payloads: every record is transformed by exactly one version, in order,
//! and none is lost. A module that does not load leaves the running one in place.

mod common;

use std::time::Duration;

use common::{config, out_dir};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use ottl_jit::exec::Payload;
use ottl_jit::interp::ErrorMode;
use ottl_types::context::ContextId;
use runtime::signal::Signal;

fn module(version: &str) -> Vec<u8> {
    let statements = [format!("set(attributes[\"version\"], \"{version}\")")];
    ottl_jit::wasm::compile_module(ContextId::Log, &statements, &[], ErrorMode::Propagate).expect("compiles")
}

/// Replaces the module file in one step, as a deploy would.
fn install(path: &std::path::Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_module_is_swapped_in_without_losing_a_record() {
    let out = out_dir("wasm");
    let path = out.join("rules.wasm");
    install(&path, &module("1"));
    let rt = runtime::start(&config(
        "wasm_executor.yaml",
        &[("OUT", &out.display().to_string()), ("MODULE", &path.display().to_string())],
    ))
    .await
    .expect("starts with the module");
    let mut client =
        LogsServiceClient::connect(format!("http://{}", rt.address("otlp", "grpc").expect("grpc")))
            .await
            .expect("connects");
    let send = async |client: &mut LogsServiceClient<tonic::transport::Channel>, w| {
        let Payload::Logs(req) = runtime::loadgen::synthetic(Signal::Logs, 10, w) else { unreachable!() };
        client.export(req).await.expect("accepted");
    };
    for w in 0..5 {
        send(&mut client, w).await;
    }
    // Not a module: reported, and version 1 keeps running.
    install(&path, b"not wasm");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for w in 5..10 {
        send(&mut client, w).await;
    }
    install(&path, &module("2"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    for w in 10..15 {
        send(&mut client, w).await;
    }
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");

    let text = std::fs::read_to_string(out.join("wasm.jsonl")).expect("output");
    let mut versions = Vec::new();
    for line in text.lines() {
        let Payload::Logs(req) = Payload::from_json(line).expect("OTLP/JSON") else { panic!("logs") };
        for lr in req.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let v: Vec<_> = lr.attributes.iter().filter(|kv| kv.key == "version").collect();
            assert_eq!(v.len(), 1, "exactly one version ran on each record");
            versions.push(format!("{:?}", v[0].value));
        }
    }
    assert_eq!(versions.len(), 150, "no record lost");
    let first_two = versions.iter().position(|v| v.contains("\"2\"")).expect("version 2 ran");
    assert_eq!(first_two, 100, "version 1 ran until the new module was installed");
    assert!(versions[..100].iter().all(|v| v.contains("\"1\"")));
    assert!(versions[100..].iter().all(|v| v.contains("\"2\"")));
}
