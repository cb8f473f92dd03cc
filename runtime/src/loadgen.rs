//! `ottl loadgen`: synthetic traces, logs or metrics sent over OTLP gRPC or HTTP by a number of
//! workers, at a rate or flat out, for a duration; reports what was sent and accepted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use ottl_jit::exec::Payload;
use tonic::transport::Channel;

use crate::signal::{self, Signal};

/// How to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Grpc,
    Http,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub signal: Signal,
    pub protocol: Protocol,
    /// `host:port` or a URL.
    pub endpoint: String,
    /// Items per second over all workers; `None` sends flat out.
    pub rate: Option<f64>,
    pub workers: usize,
    pub duration: Duration,
    /// Items per request.
    pub batch: usize,
    pub gzip: bool,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub requests: u64,
    pub accepted_requests: u64,
    pub refused_requests: u64,
    pub failed_requests: u64,
    pub items_sent: u64,
    pub items_accepted: u64,
    pub elapsed: Duration,
    /// The first error seen, if any.
    pub first_error: Option<String>,
}

#[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        write!(
            f,
            "sent {} items in {} requests over {:.2}s: {} accepted ({:.0}/s), {} requests refused, {} failed",
            self.items_sent,
            self.requests,
            secs,
            self.items_accepted,
            self.items_accepted as f64 / secs,
            self.refused_requests,
            self.failed_requests
        )?;
        if let Some(e) = &self.first_error {
            write!(f, "\nfirst error: {e}")?;
        }
        Ok(())
    }
}

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..KeyValue::default()
    }
}

fn resource(worker: usize) -> Resource {
    Resource {
        attributes: vec![
            kv("service.name", "loadgen"),
            kv("service.instance.id", &format!("worker-{worker}")),
        ],
        ..Resource::default()
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope {
        name: "ottl-loadgen".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    }
}

/// A request of `n` synthetic items.
pub fn synthetic(signal: Signal, n: usize, worker: usize) -> Payload {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    match signal {
        Signal::Logs | Signal::Profiles => Payload::Logs(ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: Some(resource(worker)),
                scope_logs: vec![ScopeLogs {
                    scope: Some(scope()),
                    log_records: (0..n)
                        .map(|i| LogRecord {
                            time_unix_nano: now + i as u64,
                            observed_time_unix_nano: now + i as u64,
                            severity_number: 9,
                            severity_text: "INFO".into(),
                            body: Some(AnyValue {
                                value: Some(any_value::Value::StringValue(format!(
                                    "GET /api/v1/items/{i} 200 user=alice@example.com"
                                ))),
                            }),
                            attributes: vec![
                                kv("http.method", "GET"),
                                kv("http.route", "/api/v1/items/{id}"),
                                kv("user.email", "alice@example.com"),
                            ],
                            ..LogRecord::default()
                        })
                        .collect(),
                    ..ScopeLogs::default()
                }],
                ..ResourceLogs::default()
            }],
        }),
        Signal::Traces => Payload::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(resource(worker)),
                scope_spans: vec![ScopeSpans {
                    scope: Some(scope()),
                    spans: (0..n)
                        .map(|i| Span {
                            trace_id: (i as u128 + 1).to_be_bytes().to_vec(),
                            span_id: (i as u64 + 1).to_be_bytes().to_vec(),
                            name: "GET /api/v1/items".into(),
                            kind: 2,
                            start_time_unix_nano: now,
                            end_time_unix_nano: now + 1_000_000,
                            attributes: vec![
                                kv("http.method", "GET"),
                                kv("http.route", "/api/v1/items/{id}"),
                            ],
                            ..Span::default()
                        })
                        .collect(),
                    ..ScopeSpans::default()
                }],
                ..ResourceSpans::default()
            }],
        }),
        Signal::Metrics => Payload::Metrics(ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: Some(resource(worker)),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(scope()),
                    metrics: vec![Metric {
                        name: "loadgen.value".into(),
                        unit: "1".into(),
                        data: Some(metric::Data::Gauge(Gauge {
                            data_points: (0..n)
                                .map(|i| NumberDataPoint {
                                    time_unix_nano: now,
                                    attributes: vec![kv("series", &i.to_string())],
                                    value: Some(number_data_point::Value::AsInt(
                                        i64::try_from(i).unwrap_or(i64::MAX),
                                    )),
                                    ..NumberDataPoint::default()
                                })
                                .collect(),
                        })),
                        ..Metric::default()
                    }],
                    ..ScopeMetrics::default()
                }],
                ..ResourceMetrics::default()
            }],
        }),
    }
}

#[derive(Debug, Default)]
struct Tally {
    requests: AtomicU64,
    accepted: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
    items_sent: AtomicU64,
    items_accepted: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
}

enum Outcome {
    Accepted,
    Refused(String),
    Failed(String),
}

fn url(endpoint: &str) -> String {
    if endpoint.contains("://") { endpoint.to_string() } else { format!("http://{endpoint}") }
}

async fn send_grpc(channel: &Channel, p: &Payload, gzip: bool) -> Outcome {
    use tonic::codec::CompressionEncoding::Gzip;
    macro_rules! call {
        ($client:ty, $req:expr) => {{
            let mut c = <$client>::new(channel.clone());
            if gzip {
                c = c.send_compressed(Gzip);
            }
            c.export($req.clone()).await.map(|_| ())
        }};
    }
    let result = match p {
        Payload::Logs(r) => call!(LogsServiceClient<Channel>, r),
        Payload::Traces(r) => call!(TraceServiceClient<Channel>, r),
        Payload::Metrics(r) => call!(MetricsServiceClient<Channel>, r),
        Payload::Profiles(_) => return Outcome::Failed("loadgen does not send profiles".into()),
    };
    match result {
        Ok(()) => Outcome::Accepted,
        Err(s) if matches!(s.code(), tonic::Code::ResourceExhausted | tonic::Code::Unavailable) => {
            Outcome::Refused(format!("{:?}: {}", s.code(), s.message()))
        }
        Err(s) => Outcome::Failed(format!("{:?}: {}", s.code(), s.message())),
    }
}

async fn send_http(client: &reqwest::Client, url: &str, body: &bytes::Bytes, gzip: bool) -> Outcome {
    let mut request = client.post(url).header("content-type", "application/x-protobuf");
    if gzip {
        request = request.header("content-encoding", "gzip");
    }
    match request.body(body.clone()).send().await {
        Ok(r) if r.status().is_success() => Outcome::Accepted,
        Ok(r) if matches!(r.status().as_u16(), 429 | 503) => Outcome::Refused(format!("HTTP {}", r.status())),
        Ok(r) => Outcome::Failed(format!("HTTP {}", r.status())),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// Runs the load and reports.
#[expect(clippy::cast_precision_loss, reason = "request counts and sizes are small")]
pub async fn run(o: &Options) -> Result<Report, String> {
    let tally = Arc::new(Tally::default());
    let start = Instant::now();
    let end = start + o.duration;
    let base = url(&o.endpoint);
    let channel = match o.protocol {
        Protocol::Grpc => Some(
            Channel::from_shared(base.clone())
                .map_err(|e| format!("invalid endpoint {}: {e}", o.endpoint))?
                .connect_lazy(),
        ),
        Protocol::Http => None,
    };
    let client = reqwest::Client::new();
    let workers = o.workers.max(1);
    // Requests per second per worker, when rate-limited.
    let interval = o.rate.map(|r| Duration::from_secs_f64(o.batch as f64 * workers as f64 / r.max(1e-9)));
    let mut tasks = Vec::new();
    for w in 0..workers {
        let payload = synthetic(o.signal, o.batch.max(1), w);
        let items = signal::items(&payload) as u64;
        let body = {
            let raw = payload.to_protobuf();
            if o.gzip {
                use std::io::Write as _;
                let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                enc.write_all(&raw).and_then(|()| enc.finish()).map_err(|e| e.to_string())?
            } else {
                raw
            }
        };
        let body = bytes::Bytes::from(body);
        let url = format!("{}{}", base.trim_end_matches('/'), o.signal.http_path());
        let (tally, channel, client, gzip, protocol) =
            (tally.clone(), channel.clone(), client.clone(), o.gzip, o.protocol);
        tasks.push(tokio::spawn(async move {
            let mut next = Instant::now();
            while Instant::now() < end {
                if let Some(i) = interval {
                    tokio::time::sleep_until(next.into()).await;
                    next += i;
                }
                let outcome = match (&channel, protocol) {
                    (Some(c), Protocol::Grpc) => send_grpc(c, &payload, gzip).await,
                    _ => send_http(&client, &url, &body, gzip).await,
                };
                tally.requests.fetch_add(1, Ordering::Relaxed);
                tally.items_sent.fetch_add(items, Ordering::Relaxed);
                let error = match outcome {
                    Outcome::Accepted => {
                        tally.accepted.fetch_add(1, Ordering::Relaxed);
                        tally.items_accepted.fetch_add(items, Ordering::Relaxed);
                        None
                    }
                    Outcome::Refused(e) => {
                        tally.refused.fetch_add(1, Ordering::Relaxed);
                        // Back off a little, as a real client would.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        Some(e)
                    }
                    Outcome::Failed(e) => {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some(e)
                    }
                };
                if let Some(e) = error {
                    let mut first =
                        tally.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    first.get_or_insert(e);
                }
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| format!("a worker failed: {e}"))?;
    }
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    Ok(Report {
        requests: get(&tally.requests),
        accepted_requests: get(&tally.accepted),
        refused_requests: get(&tally.refused),
        failed_requests: get(&tally.failed),
        items_sent: get(&tally.items_sent),
        items_accepted: get(&tally.items_accepted),
        elapsed: start.elapsed(),
        first_error: tally.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
    })
}

/// Items per second of bare protobuf decode + encode of the requests loadgen sends, on this
/// thread: the floor cost any OTLP pass-through pays.
#[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
pub fn codec_baseline(signal: Signal, batch: usize, duration: Duration) -> f64 {
    let bytes = synthetic(signal, batch.max(1), 0).to_protobuf();
    let start = Instant::now();
    let mut items = 0u64;
    while start.elapsed() < duration {
        for _ in 0..16 {
            if let Ok(p) = signal.decode(&bytes) {
                items += signal::items(&p) as u64;
                std::hint::black_box(p.to_protobuf());
            }
        }
    }
    items as f64 / start.elapsed().as_secs_f64()
}
