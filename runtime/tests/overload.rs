//! Overload, alone in its process so that its memory measurement sees only itself: the
//! exporter never answers, so queues fill and the receiver must refuse rather than buffer.

mod common;

use std::time::Duration;

use common::{config, free_port};
use ottl_jit::exec::Payload;
use prost::Message as _;
use runtime::signal::Signal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_refused_with_retry_after_and_memory_stays_bounded() {
    // The exporter's endpoint never answers, and its queue holds 2 batches: the pipeline
    // blocks, its inlet fills, and the receiver must refuse rather than buffer.
    let relay = runtime::start(&config("relay.yaml", &[("DOWNSTREAM", &free_port()), ("QUEUE", "2")]))
        .await
        .expect("starts");
    let http = format!("http://{}/v1/logs", relay.address("otlp", "http").expect("http"));
    let Payload::Logs(req) = runtime::loadgen::synthetic(Signal::Logs, 500, 0) else { unreachable!() };
    let body = req.encode_to_vec();
    let client = reqwest::Client::new();
    let before = runtime::pipeline::resident_bytes().unwrap_or(0);
    // All at once, as many clients would: the ones the pipeline holds time out, the rest are
    // refused at once.
    let requests: Vec<_> = (0..400)
        .map(|_| {
            let request = client
                .post(&http)
                .header("content-type", "application/x-protobuf")
                .body(body.clone())
                .timeout(Duration::from_secs(2))
                .send();
            tokio::spawn(request)
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for r in requests {
        match r.await.expect("joined") {
            Ok(r) if r.status() == 200 => ok += 1,
            Ok(r) => {
                assert_eq!(r.status(), 429, "a full pipeline answers 429");
                assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
                refused += 1;
            }
            // A request held while the pipeline is blocked: the client gives up, no crash.
            Err(e) => assert!(e.is_timeout(), "{e}"),
        }
    }
    assert!(refused > 300, "most requests are refused once the queues are full ({ok} ok, {refused} refused)");
    let after = runtime::pipeline::resident_bytes().unwrap_or(0);
    assert!(after.saturating_sub(before) < 256 << 20, "memory grew by {} MiB", (after - before) >> 20);
    // Still serving: the metrics count the refusals.
    assert!(relay.registry.render().contains("otelcol_receiver_refused_items"));
    let stopped = relay.shutdown(Duration::from_millis(300)).await;
    assert!(stopped.is_err(), "a shutdown that cannot flush says so");
}
