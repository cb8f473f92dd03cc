//! Exporters: a bounded sending queue per exporter, drained by its consumers, each export
//! retried with exponential backoff while the error is retryable. A full queue blocks the
//! pipelines feeding it, which in turn makes the receivers refuse: backpressure, never loss.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use opentelemetry_proto::tonic::collector::profiles::v1development::profiles_service_client::ProfilesServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use ottl_jit::exec::Payload;
use tokio::sync::{Mutex, mpsc};
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;

use crate::config::{Compression, Exporter, OtlpExporter, RetrySettings, Verbosity};
use crate::signal::{self, Signal, signal_of};
use crate::telemetry::{Counter, RateLimitedLog, Registry};

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// Worth trying again, after at least the delay the server asked for.
    Retryable(String, Option<Duration>),
    /// Trying again cannot help (the data is dropped and counted as failed).
    Permanent(String),
}

/// The sending side of an exporter's queue, held by the pipelines that export to it.
#[derive(Clone, Debug)]
pub struct ExporterInlet {
    pub id: String,
    tx: mpsc::Sender<Payload>,
    queue_size: Arc<Counter>,
}

impl ExporterInlet {
    /// Queues a payload, waiting while the queue is full.
    pub async fn send(&self, p: Payload) -> Result<(), String> {
        self.queue_size.add(1);
        self.tx.send(p).await.map_err(|_| {
            self.queue_size.sub(1);
            format!("exporter {} has stopped", self.id)
        })
    }
}

/// A started exporter: its inlet and the tasks draining its queue.
#[derive(Debug)]
pub struct Started {
    pub inlet: ExporterInlet,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Where an exporter sends.
#[derive(Debug)]
enum Target {
    Grpc { channel: Channel, settings: OtlpExporter },
    Http { client: reqwest::Client, settings: OtlpExporter },
    File(std::sync::Mutex<std::io::BufWriter<std::fs::File>>),
    Debug(Verbosity),
}

#[derive(Debug)]
struct Counters {
    sent: [Arc<Counter>; 4],
    failed: [Arc<Counter>; 4],
    queue_size: Arc<Counter>,
}

fn per_signal(registry: &Registry, name: &'static str, help: &'static str, id: &str) -> [Arc<Counter>; 4] {
    Signal::ALL.map(|s| registry.counter(name, help, &[("exporter", id), ("signal", s.name())]))
}

/// Starts an exporter on the current tokio runtime.
pub fn start(id: &str, config: &Exporter, registry: &Registry) -> Result<Started, String> {
    let (target, queue, consumers, retry) = match config {
        Exporter::Otlp(s) => {
            let channel = Channel::from_shared(s.endpoint.clone())
                .map_err(|e| format!("exporters.{id}.endpoint: {e}"))?
                .timeout(s.timeout)
                .connect_lazy();
            (Target::Grpc { channel, settings: s.clone() }, s.queue_size, s.num_consumers, s.retry)
        }
        Exporter::OtlpHttp(s) => {
            let client = reqwest::Client::builder()
                .timeout(s.timeout)
                .build()
                .map_err(|e| format!("exporters.{id}: {e}"))?;
            (Target::Http { client, settings: s.clone() }, s.queue_size, s.num_consumers, s.retry)
        }
        Exporter::File { path } => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("exporters.{id}.path: cannot open {}: {e}", path.display()))?;
            let no_retry = RetrySettings {
                enabled: false,
                initial_interval: Duration::ZERO,
                max_interval: Duration::ZERO,
                max_elapsed_time: Duration::ZERO,
            };
            (Target::File(std::sync::Mutex::new(std::io::BufWriter::new(file))), 64, 1, no_retry)
        }
        Exporter::Debug { verbosity } => {
            let no_retry = RetrySettings {
                enabled: false,
                initial_interval: Duration::ZERO,
                max_interval: Duration::ZERO,
                max_elapsed_time: Duration::ZERO,
            };
            (Target::Debug(*verbosity), 64, 1, no_retry)
        }
    };
    let counters = Arc::new(Counters {
        sent: per_signal(registry, "otelcol_exporter_sent_items", "Items sent to the destination.", id),
        failed: per_signal(
            registry,
            "otelcol_exporter_send_failed_items",
            "Items that could not be sent (after retries).",
            id,
        ),
        queue_size: registry.gauge(
            "otelcol_exporter_queue_size",
            "Payloads waiting in the sending queue.",
            &[("exporter", id)],
        ),
    });
    let (tx, rx) = mpsc::channel(queue);
    let rx = Arc::new(Mutex::new(rx));
    let target = Arc::new(target);
    let log = Arc::new(RateLimitedLog::new(format!("exporters.{id}")));
    let tasks = (0..consumers)
        .map(|_| {
            let (rx, target, counters, log) = (rx.clone(), target.clone(), counters.clone(), log.clone());
            tokio::spawn(async move {
                loop {
                    let next = rx.lock().await.recv().await;
                    let Some(p) = next else { return };
                    counters.queue_size.sub(1);
                    let signal = signal_of(&p);
                    let n = signal::items(&p) as u64;
                    let i = Signal::ALL.iter().position(|s| *s == signal).unwrap_or(0);
                    match export_with_retry(&target, &p, retry).await {
                        Ok(()) => counters.sent[i].add(n),
                        Err(e) => {
                            counters.failed[i].add(n);
                            log.error(format_args!("dropped {n} {}: {e}", signal.item_name()));
                        }
                    }
                }
            })
        })
        .collect();
    let inlet = ExporterInlet { id: id.to_string(), tx, queue_size: counters.queue_size.clone() };
    Ok(Started { inlet, tasks })
}

/// A little randomness for backoff jitter (no need for a generator crate).
fn jitter(d: Duration) -> Duration {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |t| t.subsec_nanos());
    // Within ±50% of `d`, as the Collector's default randomization factor.
    let factor = 0.5 + f64::from(nanos % 1000) / 1000.0;
    d.mul_f64(factor)
}

async fn export_with_retry(target: &Target, p: &Payload, retry: RetrySettings) -> Result<(), String> {
    let start = Instant::now();
    let mut interval = retry.initial_interval;
    loop {
        match export(target, p).await {
            Ok(()) => return Ok(()),
            Err(ExportError::Permanent(e)) => return Err(format!("permanent error: {e}")),
            Err(ExportError::Retryable(e, after)) => {
                if !retry.enabled {
                    return Err(format!("{e} (retries are disabled)"));
                }
                let wait = jitter(interval).max(after.unwrap_or_default());
                if !retry.max_elapsed_time.is_zero() && start.elapsed() + wait > retry.max_elapsed_time {
                    return Err(format!("{e} (gave up after {:?})", start.elapsed()));
                }
                tokio::time::sleep(wait).await;
                interval = interval.mul_f64(1.5).min(retry.max_interval);
            }
        }
    }
}

async fn export(target: &Target, p: &Payload) -> Result<(), ExportError> {
    match target {
        Target::Grpc { channel, settings } => export_grpc(channel, settings, p).await,
        Target::Http { client, settings } => export_http(client, settings, p).await,
        Target::File(file) => {
            let line = p.to_json_line();
            let mut f = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            writeln!(f, "{line}")
                .and_then(|()| f.flush())
                .map_err(|e| ExportError::Permanent(format!("cannot write: {e}")))
        }
        Target::Debug(verbosity) => {
            let signal = signal_of(p);
            let resources = match p {
                Payload::Logs(r) => r.resource_logs.len(),
                Payload::Traces(r) => r.resource_spans.len(),
                Payload::Metrics(r) => r.resource_metrics.len(),
                Payload::Profiles(r) => r.resource_profiles.len(),
            };
            let mut out = format!(
                "debug\t{}\tresources: {resources}, {}: {}",
                signal.name(),
                signal.item_name(),
                signal::items(p)
            );
            if *verbosity != Verbosity::Basic {
                out.push('\n');
                out.push_str(&if *verbosity == Verbosity::Detailed { p.to_json() } else { p.to_json_line() });
            }
            eprintln!("{out}");
            Ok(())
        }
    }
}

fn grpc_error(status: &tonic::Status) -> ExportError {
    use tonic::Code;
    let message = format!("{:?}: {}", status.code(), status.message());
    match status.code() {
        Code::Unavailable
        | Code::ResourceExhausted
        | Code::DeadlineExceeded
        | Code::Aborted
        | Code::Cancelled
        | Code::OutOfRange
        | Code::DataLoss
        | Code::Unknown => ExportError::Retryable(message, None),
        _ => ExportError::Permanent(message),
    }
}

macro_rules! grpc_call {
    ($client:ty, $channel:expr, $settings:expr, $req:expr) => {{
        let mut client = <$client>::new($channel.clone()).max_decoding_message_size(64 << 20);
        client = match $settings.compression {
            Compression::Gzip => client.send_compressed(CompressionEncoding::Gzip),
            Compression::Zstd => client.send_compressed(CompressionEncoding::Zstd),
            Compression::None => client,
        };
        let mut request = tonic::Request::new($req.clone());
        for (k, v) in &$settings.headers {
            if let (Ok(k), Ok(v)) = (
                k.to_ascii_lowercase().parse::<tonic::metadata::MetadataKey<tonic::metadata::Ascii>>(),
                v.parse(),
            ) {
                request.metadata_mut().insert(k, v);
            }
        }
        client.export(request).await.map(|r| r.into_inner().partial_success).map_err(|s| grpc_error(&s))
    }};
}

async fn export_grpc(channel: &Channel, s: &OtlpExporter, p: &Payload) -> Result<(), ExportError> {
    let rejected = match p {
        Payload::Logs(r) => grpc_call!(LogsServiceClient<Channel>, channel, s, r)?
            .map(|ps| (ps.rejected_log_records, ps.error_message)),
        Payload::Traces(r) => grpc_call!(TraceServiceClient<Channel>, channel, s, r)?
            .map(|ps| (ps.rejected_spans, ps.error_message)),
        Payload::Metrics(r) => grpc_call!(MetricsServiceClient<Channel>, channel, s, r)?
            .map(|ps| (ps.rejected_data_points, ps.error_message)),
        Payload::Profiles(r) => grpc_call!(ProfilesServiceClient<Channel>, channel, s, r)?
            .map(|ps| (ps.rejected_profiles, ps.error_message)),
    };
    match rejected {
        Some((n, message)) if n > 0 => {
            Err(ExportError::Permanent(format!("the server rejected {n} items: {message}")))
        }
        _ => Ok(()),
    }
}

async fn export_http(client: &reqwest::Client, s: &OtlpExporter, p: &Payload) -> Result<(), ExportError> {
    let body = signal::encode(p);
    let url = format!("{}{}", s.endpoint.trim_end_matches('/'), signal_of(p).http_path());
    let mut request = client.post(&url).header("content-type", "application/x-protobuf");
    let body = match s.compression {
        Compression::Gzip => {
            request = request.header("content-encoding", "gzip");
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&body)
                .and_then(|()| enc.finish())
                .map_err(|e| ExportError::Permanent(e.to_string()))?
        }
        Compression::Zstd => {
            request = request.header("content-encoding", "zstd");
            zstd::encode_all(&body[..], 1).map_err(|e| ExportError::Permanent(e.to_string()))?
        }
        Compression::None => body,
    };
    for (k, v) in &s.headers {
        request = request.header(k, v);
    }
    let response =
        request.body(body).send().await.map_err(|e| ExportError::Retryable(format!("{url}: {e}"), None))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let message = format!("{url}: HTTP {status}");
    if matches!(status, 429 | 502 | 503 | 504) {
        Err(ExportError::Retryable(message, retry_after))
    } else {
        Err(ExportError::Permanent(message))
    }
}
