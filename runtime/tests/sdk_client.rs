//! A client nobody here wrote: the OpenTelemetry Rust SDK's OTLP gRPC exporters send logs and
//! spans to the runtime, which writes them out unchanged.

mod common;

use std::time::Duration;

use common::{config, file_items, out_dir};
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_otlp::{WithExportConfig as _, WithTonicConfig as _};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_otel_rust_sdk_exports_logs_and_spans() {
    let out = out_dir("sdk");
    let rt =
        runtime::start(&config("sdk.yaml", &[("OUT", &out.display().to_string())])).await.expect("starts");
    let endpoint = format!("http://{}", rt.address("otlp", "grpc").expect("grpc"));
    // The SDK's simple processors export synchronously; run them where blocking is allowed,
    // inside this runtime's context (tonic needs it).
    tokio::task::spawn_blocking(move || {
        let logs = opentelemetry_otlp::LogExporter::builder()
            .with_tonic()
            .with_endpoint(&endpoint)
            .with_compression(opentelemetry_otlp::Compression::Gzip)
            .build()
            .expect("log exporter");
        let provider =
            opentelemetry_sdk::logs::SdkLoggerProvider::builder().with_simple_exporter(logs).build();
        let logger = provider.logger("sdk-test");
        for i in 0..5 {
            let mut record = logger.create_log_record();
            record.set_body(AnyValue::from(format!("hello {i}")));
            record.set_severity_number(Severity::Warn);
            logger.emit(record);
        }
        provider.shutdown().expect("log provider flushes");
        let spans = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(&endpoint)
            .build()
            .expect("span exporter");
        let provider =
            opentelemetry_sdk::trace::SdkTracerProvider::builder().with_simple_exporter(spans).build();
        let tracer = provider.tracer("sdk-test");
        for i in 0..3 {
            tracer.in_span(format!("op {i}"), |_| {});
        }
        provider.shutdown().expect("trace provider flushes");
    })
    .await
    .expect("the SDK ran");
    rt.shutdown(Duration::from_secs(10)).await.expect("stops");
    let logs = file_items(&out.join("sdk.jsonl"), "logs");
    assert_eq!(logs.len(), 5);
    for i in 0..5 {
        assert_eq!(logs.iter().filter(|l| l.contains(&format!("\"hello {i}\""))).count(), 1, "log {i} once");
    }
    assert!(logs.iter().all(|l| l.contains("\"severityNumber\":13")));
    let spans = file_items(&out.join("sdk.jsonl"), "traces");
    assert_eq!(spans.len(), 3);
    for i in 0..3 {
        assert_eq!(
            spans.iter().filter(|s| s.contains(&format!("\"name\":\"op {i}\""))).count(),
            1,
            "span {i} once"
        );
    }
}
