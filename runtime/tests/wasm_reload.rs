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

/// Starts `fixture` with version 1 of the module installed in `out/rules.wasm`.
async fn start(fixture: &str, out: &std::path::Path) -> (runtime::Running, std::path::PathBuf) {
    let path = out.join("rules.wasm");
    install(&path, &module("1"));
    let rt = runtime::start(&config(
        fixture,
        &[("OUT", &out.display().to_string()), ("MODULE", &path.display().to_string())],
    ))
    .await
    .expect("starts with the module");
    (rt, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_module_is_swapped_in_without_losing_a_record() {
    let out = out_dir("wasm");
    let (rt, path) = start("wasm_executor.yaml", &out).await;
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

    let versions = versions(&out.join("wasm.jsonl"));
    assert_eq!(versions.len(), 150, "no record lost");
    let first_two = versions.iter().position(|v| v.contains("\"2\"")).expect("version 2 ran");
    assert_eq!(first_two, 100, "version 1 ran until the new module was installed");
    assert!(versions[..100].iter().all(|v| v.contains("\"1\"")));
    assert!(versions[100..].iter().all(|v| v.contains("\"2\"")));
}

/// The versions written on the records of an output file, in order.
fn versions(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("output");
    let mut out = Vec::new();
    for line in text.lines() {
        let Payload::Logs(req) = Payload::from_json(line).expect("OTLP/JSON") else { panic!("logs") };
        for lr in req.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let v: Vec<_> = lr.attributes.iter().filter(|kv| kv.key == "version").collect();
            assert_eq!(v.len(), 1, "exactly one version ran on each record");
            out.push(format!("{:?}", v[0].value));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modules_swapped_through_the_admin_endpoint_while_records_stream() {
    let out = out_dir("wasm-admin");
    let (rt, _) = start("wasm_admin.yaml", &out).await;
    let grpc = format!("http://{}", rt.address("otlp", "grpc").expect("grpc"));
    let admin = format!(
        "http://{}/v1/module?processor=transform/wasm",
        rt.address("ottl_admin", "http").expect("admin")
    );

    // Records stream from another task while the module is swapped.
    let sender = tokio::spawn(async move {
        let mut client = LogsServiceClient::connect(grpc).await.expect("connects");
        for w in 0..40 {
            let Payload::Logs(req) = runtime::loadgen::synthetic(Signal::Logs, 10, w) else { unreachable!() };
            client.export(req).await.expect("accepted");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let http = reqwest::Client::new();
    let put = |body: Vec<u8>, token: &str| http.put(&admin).bearer_auth(token).body(body).send();
    let r = put(module("2"), "wrong").await.expect("sent");
    assert_eq!(r.status(), 401, "the token is checked");
    let r = put(b"not a module".to_vec(), "let-me-in").await.expect("sent");
    assert_eq!(r.status(), 400, "a bad module is refused");
    assert!(r.text().await.unwrap_or_default().contains("kept the running module"));
    let r = put(module("2"), "let-me-in").await.expect("sent");
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    sender.await.expect("the sender finished");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");

    let seen = versions(&out.join("admin.jsonl"));
    assert_eq!(seen.len(), 400, "every record once, none lost");
    let first_two = seen.iter().position(|v| v.contains("\"2\"")).expect("version 2 ran");
    assert!(first_two > 0, "version 1 ran first");
    assert!(seen[..first_two].iter().all(|v| v.contains("\"1\"")));
    assert!(seen[first_two..].iter().all(|v| v.contains("\"2\"")), "no record went back to the old module");
}
