//! Exporters: a bounded sending queue per exporter, drained by its consumers, each export
//! retried with exponential backoff while the error is retryable. A full queue blocks the
//! pipelines feeding it, which in turn makes the receivers refuse: backpressure, never loss.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    Pprof { directory: std::path::PathBuf, written: std::sync::atomic::AtomicU64 },
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

/// Local targets: a failed write is not retried.
const NO_RETRY: RetrySettings = RetrySettings {
    enabled: false,
    initial_interval: Duration::ZERO,
    max_interval: Duration::ZERO,
    max_elapsed_time: Duration::ZERO,
};

/// Starts an exporter on the current tokio runtime.
pub fn start(id: &str, config: &Exporter, registry: &Registry) -> Result<Started, String> {
    let (target, queue, consumers, retry) = match config {
        Exporter::Otlp(s) => {
            let mut endpoint = Channel::from_shared(s.endpoint.clone())
                .map_err(|e| format!("exporters.{id}.endpoint: {e}"))?
                .timeout(s.timeout);
            if let Some(tls) = &s.tls {
                endpoint = endpoint
                    .tls_config(crate::tls::grpc_client(tls))
                    .map_err(|e| format!("exporters.{id}.tls: {e}"))?;
            }
            let channel = endpoint.connect_lazy();
            (Target::Grpc { channel, settings: s.clone() }, s.queue_size, s.num_consumers, s.retry)
        }
        Exporter::OtlpHttp(s) => {
            let mut builder = reqwest::Client::builder().timeout(s.timeout);
            if let Some(tls) = &s.tls {
                builder =
                    crate::tls::http_client(builder, tls).map_err(|e| format!("exporters.{id}.tls: {e}"))?;
            }
            let client = builder.build().map_err(|e| format!("exporters.{id}: {e}"))?;
            (Target::Http { client, settings: s.clone() }, s.queue_size, s.num_consumers, s.retry)
        }
        Exporter::File { path } => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("exporters.{id}.path: cannot open {}: {e}", path.display()))?;
            (Target::File(std::sync::Mutex::new(std::io::BufWriter::new(file))), 64, 1, NO_RETRY)
        }
        Exporter::Debug { verbosity } => (Target::Debug(*verbosity), 64, 1, NO_RETRY),
        Exporter::Pprof { directory } => {
            std::fs::create_dir_all(directory).map_err(|e| {
                format!("exporters.{id}.directory: cannot create {}: {e}", directory.display())
            })?;
            let target =
                Target::Pprof { directory: directory.clone(), written: std::sync::atomic::AtomicU64::new(0) };
            (target, 64, 1, NO_RETRY)
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
    // Network exporters send the encoded payload: encoded once, whatever the retries.
    let encoded = match target {
        Target::Grpc { .. } | Target::Http { .. } => Some(bytes::Bytes::from(p.to_protobuf())),
        Target::File(_) | Target::Debug(_) | Target::Pprof { .. } => None,
    };
    loop {
        match export(target, p, encoded.as_ref()).await {
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

async fn export(target: &Target, p: &Payload, encoded: Option<&bytes::Bytes>) -> Result<(), ExportError> {
    let encoded = || encoded.cloned().unwrap_or_else(|| bytes::Bytes::from(p.to_protobuf()));
    match target {
        Target::Grpc { channel, settings } => export_grpc(channel, settings, signal_of(p), encoded()).await,
        Target::Http { client, settings } => export_http(client, settings, signal_of(p), &encoded()).await,
        Target::File(file) => {
            let line = p.to_json_line();
            let mut f = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            writeln!(f, "{line}")
                .and_then(|()| f.flush())
                .map_err(|e| ExportError::Permanent(format!("cannot write: {e}")))
        }
        Target::Pprof { directory, written } => {
            let Payload::Profiles(request) = p else {
                return Err(ExportError::Permanent(format!(
                    "pprof writes profiles, not {}",
                    signal_of(p).name()
                )));
            };
            write_pprof(directory, written, request)
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

/// Writes `profile-<unix nanos>-<n>.pb.gz` into `directory`, under a temporary name first so a
/// reader never sees half a file.
fn write_pprof(
    directory: &std::path::Path,
    written: &std::sync::atomic::AtomicU64,
    request: &opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest,
) -> std::io::Result<()> {
    let bytes = crate::profiling::pprof::encode_gzip(request)?;
    let n = written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let name = format!("profile-{nanos}-{n}.pb.gz");
    let tmp = directory.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, directory.join(name))
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

/// A gRPC codec for bytes already encoded: a payload is encoded once per export, however
/// often it is retried, and never copied as a message. (Tests also send bytes no encoder would
/// with it.)
#[derive(Clone, Copy, Debug, Default)]
pub struct Encoded;

impl tonic::codec::Codec for Encoded {
    type Encode = bytes::Bytes;
    type Decode = bytes::Bytes;
    type Encoder = Encoded;
    type Decoder = Encoded;

    fn encoder(&mut self) -> Encoded {
        Encoded
    }

    fn decoder(&mut self) -> Encoded {
        Encoded
    }
}

impl tonic::codec::Encoder for Encoded {
    type Item = bytes::Bytes;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: bytes::Bytes,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), tonic::Status> {
        bytes::BufMut::put(dst, item);
        Ok(())
    }
}

impl tonic::codec::Decoder for Encoded {
    type Item = bytes::Bytes;
    type Error = tonic::Status;

    fn decode(
        &mut self,
        src: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<bytes::Bytes>, tonic::Status> {
        let n = bytes::Buf::remaining(src);
        Ok(Some(bytes::Buf::copy_to_bytes(src, n)))
    }
}

/// The export method of a signal's service.
fn grpc_path(signal: Signal) -> http::uri::PathAndQuery {
    http::uri::PathAndQuery::from_static(match signal {
        Signal::Traces => "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        Signal::Metrics => "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        Signal::Logs => "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
        Signal::Profiles => "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",
    })
}

/// Items the server said it rejected, from an export response.
fn rejected(signal: Signal, response: &[u8]) -> Option<(i64, String)> {
    use opentelemetry_proto::tonic::collector::{logs, metrics, profiles, trace};
    use prost::Message as _;
    match signal {
        Signal::Logs => logs::v1::ExportLogsServiceResponse::decode(response)
            .ok()?
            .partial_success
            .map(|p| (p.rejected_log_records, p.error_message)),
        Signal::Traces => trace::v1::ExportTraceServiceResponse::decode(response)
            .ok()?
            .partial_success
            .map(|p| (p.rejected_spans, p.error_message)),
        Signal::Metrics => metrics::v1::ExportMetricsServiceResponse::decode(response)
            .ok()?
            .partial_success
            .map(|p| (p.rejected_data_points, p.error_message)),
        Signal::Profiles => profiles::v1development::ExportProfilesServiceResponse::decode(response)
            .ok()?
            .partial_success
            .map(|p| (p.rejected_profiles, p.error_message)),
    }
}

async fn export_grpc(
    channel: &Channel,
    s: &OtlpExporter,
    signal: Signal,
    body: bytes::Bytes,
) -> Result<(), ExportError> {
    let mut grpc = tonic::client::Grpc::new(channel.clone()).max_decoding_message_size(64 << 20);
    grpc = match s.compression {
        Compression::Gzip => grpc.send_compressed(CompressionEncoding::Gzip),
        Compression::Zstd => grpc.send_compressed(CompressionEncoding::Zstd),
        Compression::None => grpc,
    };
    grpc.ready().await.map_err(|e| ExportError::Retryable(format!("{}: {e}", s.endpoint), None))?;
    let mut request = tonic::Request::new(body);
    for (k, v) in &s.headers {
        if let (Ok(k), Ok(v)) = (
            k.to_ascii_lowercase().parse::<tonic::metadata::MetadataKey<tonic::metadata::Ascii>>(),
            v.parse(),
        ) {
            request.metadata_mut().insert(k, v);
        }
    }
    let response = grpc.unary(request, grpc_path(signal), Encoded).await.map_err(|s| grpc_error(&s))?;
    match rejected(signal, response.get_ref()) {
        Some((n, message)) if n > 0 => {
            Err(ExportError::Permanent(format!("the server rejected {n} items: {message}")))
        }
        _ => Ok(()),
    }
}

async fn export_http(
    client: &reqwest::Client,
    s: &OtlpExporter,
    signal: Signal,
    body: &[u8],
) -> Result<(), ExportError> {
    let url = format!("{}{}", s.endpoint.trim_end_matches('/'), signal.http_path());
    let mut request = client.post(&url).header("content-type", "application/x-protobuf");
    let body = match s.compression {
        Compression::Gzip => {
            request = request.header("content-encoding", "gzip");
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(body)
                .and_then(|()| enc.finish())
                .map_err(|e| ExportError::Permanent(e.to_string()))?
        }
        Compression::Zstd => {
            request = request.header("content-encoding", "zstd");
            zstd::encode_all(body, 1).map_err(|e| ExportError::Permanent(e.to_string()))?
        }
        Compression::None => body.to_vec(),
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
