//! The OTLP receiver: gRPC (tonic, the four export services, gzip and zstd) and HTTP (axum,
//! protobuf and JSON bodies, gzip and zstd), with size caps on the body as sent and once
//! decompressed, optional bearer-token auth, and the Collector's status codes.

use std::io::Read as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use ottl_jit::exec::Payload;
use prost::Message as _;

use crate::config::ServerSettings;
use crate::grpc_export::{self, ExportService};
use crate::pipeline::{Inlet, Refusal, RequestMetadata, consume};
use crate::signal::{self, Signal};
use crate::telemetry::{Counter, Registry};

/// What one receiver feeds: the inlets of its pipelines per signal, and its counters.
#[derive(Debug)]
pub struct Consumers {
    pub id: String,
    inlets: [Vec<Inlet>; 4],
    accepted: [[Arc<Counter>; 4]; 2],
    refused: [[Arc<Counter>; 4]; 2],
    malformed: [Arc<Counter>; 2],
    token: Option<String>,
    /// Whether each request's metadata travels with its payload: only when a routing
    /// connector reads it, so other configurations copy no headers.
    keep_metadata: bool,
}

#[derive(Clone, Copy, Debug)]
enum Transport {
    Grpc = 0,
    Http = 1,
}

fn index(signal: Signal) -> usize {
    Signal::ALL.iter().position(|s| *s == signal).unwrap_or(0)
}

impl Consumers {
    pub fn new(
        id: &str,
        inlets: [Vec<Inlet>; 4],
        token: Option<String>,
        keep_metadata: bool,
        registry: &Registry,
    ) -> Consumers {
        let counters = |name, help, transport| {
            Signal::ALL.map(|s| {
                registry.counter(
                    name,
                    help,
                    &[("receiver", id), ("transport", transport), ("signal", s.name())],
                )
            })
        };
        let accepted = "Items the receiver accepted into its pipelines.";
        let refused = "Items the receiver refused (full, over the memory limit, failed, or malformed).";
        Consumers {
            id: id.to_string(),
            inlets,
            accepted: [
                counters("otelcol_receiver_accepted_items", accepted, "grpc"),
                counters("otelcol_receiver_accepted_items", accepted, "http"),
            ],
            refused: [
                counters("otelcol_receiver_refused_items", refused, "grpc"),
                counters("otelcol_receiver_refused_items", refused, "http"),
            ],
            malformed: ["grpc", "http"].map(|t| {
                registry.counter(
                    "otelcol_receiver_malformed_requests",
                    "Requests refused because their body could not be read as OTLP.",
                    &[("receiver", id), ("transport", t)],
                )
            }),
            token,
            keep_metadata,
        }
    }

    fn authorized(&self, value: Option<&[u8]>) -> bool {
        let Some(token) = &self.token else { return true };
        value.and_then(|v| v.strip_prefix(b"Bearer ")).is_some_and(|v| v == token.as_bytes())
    }

    async fn accept(
        &self,
        transport: Transport,
        payload: Payload,
        request: Option<Arc<RequestMetadata>>,
    ) -> Result<(), Refusal> {
        let signal = signal::signal_of(&payload);
        let n = signal::items(&payload) as u64;
        let result = consume(&self.inlets[index(signal)], payload, request).await;
        let t = transport as usize;
        match &result {
            Ok(()) => self.accepted[t][index(signal)].add(n),
            Err(_) => self.refused[t][index(signal)].add(n),
        }
        result
    }

    fn malformed(&self, transport: Transport) {
        self.malformed[transport as usize].add(1);
    }

    fn has(&self, signal: Signal) -> bool {
        !self.inlets[index(signal)].is_empty()
    }
}

fn grpc_status(r: &Refusal) -> tonic::Status {
    match r {
        Refusal::Full => tonic::Status::resource_exhausted(r.to_string()),
        Refusal::Memory | Refusal::Failed(_) | Refusal::Closed => tonic::Status::unavailable(r.to_string()),
    }
}

/// The gRPC services of one receiver.
#[derive(Clone, Debug)]
struct Grpc(Arc<Consumers>);

impl Grpc {
    async fn export(&self, request: tonic::Request<Payload>) -> Result<(), tonic::Status> {
        let auth = request.metadata().get("authorization").map(tonic::metadata::MetadataValue::as_bytes);
        if !self.0.authorized(auth) {
            return Err(tonic::Status::unauthenticated("missing or invalid bearer token"));
        }
        let metadata = self.0.keep_metadata.then(|| {
            let entries = request.metadata().iter().filter_map(|entry| match entry {
                tonic::metadata::KeyAndValueRef::Ascii(k, v) => {
                    Some((k.as_str().to_string(), v.to_str().ok()?.to_string()))
                }
                tonic::metadata::KeyAndValueRef::Binary(k, v) => {
                    let v = v.to_bytes().ok()?;
                    Some((k.as_str().to_string(), String::from_utf8_lossy(&v).into_owned()))
                }
            });
            Arc::new(RequestMetadata::new(entries.collect()))
        });
        let payload = request.into_inner();
        if !self.0.has(signal::signal_of(&payload)) {
            return Err(tonic::Status::unimplemented(format!(
                "receiver {} is in no {} pipeline",
                self.0.id,
                signal::signal_of(&payload).name()
            )));
        }
        self.0.accept(Transport::Grpc, payload, metadata).await.map_err(|r| grpc_status(&r))
    }
}

impl grpc_export::Handler for Grpc {
    fn export(&self, request: tonic::Request<Payload>) -> tonic::codegen::BoxFuture<(), tonic::Status> {
        let grpc = self.clone();
        Box::pin(async move { Grpc::export(&grpc, request).await })
    }

    fn malformed(&self) {
        self.0.malformed(Transport::Grpc);
    }
}

/// Serves the gRPC receiver on `listener` until `shutdown` resolves.
pub async fn serve_grpc(
    listener: tokio::net::TcpListener,
    consumers: Arc<Consumers>,
    settings: &ServerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let g = Grpc(consumers);
    let limit = settings.max_decompressed_size;
    macro_rules! service {
        ($request:ty) => {
            ExportService::<$request, Grpc>::new(g.clone(), limit)
        };
    }
    let incoming = tokio_stream_listener(listener);
    let mut server = tonic::transport::Server::builder();
    if let Some(tls) = &settings.tls {
        server =
            server.tls_config(crate::tls::grpc_server(tls)).map_err(|e| format!("gRPC server TLS: {e}"))?;
    }
    server
        .add_service(service!(ExportLogsServiceRequest))
        .add_service(service!(ExportTraceServiceRequest))
        .add_service(service!(ExportMetricsServiceRequest))
        .add_service(service!(ExportProfilesServiceRequest))
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
        .map_err(|e| format!("gRPC server: {e}"))
}

/// The accepted connections of a listener as the stream tonic serves.
fn tokio_stream_listener(listener: tokio::net::TcpListener) -> tonic::transport::server::TcpIncoming {
    tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// The HTTP receiver's shared state.
#[derive(Clone, Debug)]
struct Http {
    consumers: Arc<Consumers>,
    /// The largest request body read (`max_request_body_size`).
    max_request: usize,
    max_decompressed: usize,
}

/// Why a request body was not read whole.
#[derive(Debug)]
enum Unread {
    /// Longer than the limit (the rest was read and dropped, up to a bound).
    TooLarge,
    /// The client stopped sending, or sent a broken body.
    Broken(String),
}

impl Unread {
    /// The answer to a request whose body was not read whole.
    fn refusal(self, state: &Http, kind: Body) -> Response {
        let (status, code, message) = match self {
            Unread::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                tonic::Code::ResourceExhausted,
                format!("the request body is larger than {} bytes", state.max_request),
            ),
            Unread::Broken(e) => {
                state.consumers.malformed(Transport::Http);
                (StatusCode::BAD_REQUEST, tonic::Code::InvalidArgument, format!("reading the body: {e}"))
            }
        };
        error_response(status, code, message, kind, false)
    }
}

/// Reads a request body of at most `limit` bytes. A longer one is still read on, and dropped,
/// up to a bound: answering before the client has sent its body makes the connection close under
/// the client while it writes, and the client then sees a reset instead of our 413.
async fn read_capped(body: axum::body::Body, limit: usize) -> Result<Bytes, Unread> {
    use axum::body::HttpBody as _;
    let drain_bound = limit.saturating_mul(4).saturating_add(8 << 20);
    let mut body = std::pin::pin!(body);
    let mut buf = bytes::BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| Unread::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else { continue };
        total = total.saturating_add(data.len());
        if total <= limit {
            buf.extend_from_slice(&data);
        } else if total > drain_bound {
            break;
        }
    }
    if total > limit { Err(Unread::TooLarge) } else { Ok(buf.freeze()) }
}

/// A `google.rpc.Status`, the body of OTLP/HTTP errors.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    Protobuf,
    Json,
}

fn error_response(
    status: StatusCode,
    code: tonic::Code,
    message: String,
    body: Body,
    retry_after: bool,
) -> Response {
    let s = RpcStatus { code: code as i32, message };
    let (content_type, bytes) = match body {
        Body::Protobuf => ("application/x-protobuf", s.encode_to_vec()),
        Body::Json => (
            "application/json",
            serde_json::json!({"code": s.code, "message": s.message}).to_string().into_bytes(),
        ),
    };
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response();
    if retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    response
}

/// Reads at most `limit` bytes of a decompressed body.
fn decompress(encoding: &str, body: &[u8], limit: usize) -> Result<Vec<u8>, (StatusCode, String)> {
    let mut out = Vec::new();
    let read = match encoding {
        "gzip" => flate2::read::MultiGzDecoder::new(body).take(limit as u64 + 1).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(body).take(limit as u64 + 1).read_to_end(&mut out),
        "zstd" => zstd::stream::read::Decoder::new(body)
            .and_then(|d| d.take(limit as u64 + 1).read_to_end(&mut out)),
        other => {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported content encoding `{other}`"),
            ));
        }
    };
    read.map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid {encoding} body: {e}")))?;
    if out.len() > limit {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the decompressed body is larger than {limit} bytes"),
        ));
    }
    Ok(out)
}

async fn handle(state: &Http, signal: Signal, headers: &HeaderMap, body: Result<Bytes, Unread>) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let kind = match content_type.split(';').next().unwrap_or("").trim() {
        "application/x-protobuf" | "application/protobuf" => Body::Protobuf,
        "application/json" => Body::Json,
        other => {
            return error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                tonic::Code::InvalidArgument,
                format!("unsupported content type `{other}`; use application/x-protobuf or application/json"),
                Body::Json,
                false,
            );
        }
    };
    let fail = |status, code, message| error_response(status, code, message, kind, false);
    let c = &state.consumers;
    if !c.authorized(headers.get(header::AUTHORIZATION).map(header::HeaderValue::as_bytes)) {
        return fail(
            StatusCode::UNAUTHORIZED,
            tonic::Code::Unauthenticated,
            "missing or invalid bearer token".into(),
        );
    }
    if !c.has(signal) {
        return fail(
            StatusCode::NOT_FOUND,
            tonic::Code::Unimplemented,
            format!("receiver {} is in no {} pipeline", c.id, signal.name()),
        );
    }
    let body = &match body {
        Ok(body) => body,
        Err(unread) => return unread.refusal(state, kind),
    };
    let encoding = headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("").trim();
    let decoded;
    let bytes: &[u8] = if encoding.is_empty() || encoding == "identity" {
        if body.len() > state.max_decompressed {
            return fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                tonic::Code::ResourceExhausted,
                "the body is too large".into(),
            );
        }
        body
    } else {
        match decompress(encoding, body, state.max_decompressed) {
            Ok(d) => {
                decoded = d;
                &decoded
            }
            Err((status, message)) => {
                c.malformed(Transport::Http);
                return fail(status, tonic::Code::InvalidArgument, message);
            }
        }
    };
    let payload = match kind {
        Body::Protobuf => signal.decode(bytes).map_err(|e| format!("invalid OTLP protobuf: {e}")),
        Body::Json => signal.decode_json(bytes),
    };
    let payload = match payload {
        Ok(p) => p,
        Err(message) => {
            c.malformed(Transport::Http);
            return fail(StatusCode::BAD_REQUEST, tonic::Code::InvalidArgument, message);
        }
    };
    let metadata = c.keep_metadata.then(|| {
        let entries =
            headers.iter().filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())));
        Arc::new(RequestMetadata::new(entries.collect()))
    });
    match c.accept(Transport::Http, payload, metadata).await {
        Ok(()) => {
            let (content_type, body) = match kind {
                Body::Protobuf => ("application/x-protobuf", Vec::new()),
                Body::Json => ("application/json", b"{}".to_vec()),
            };
            (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Err(r @ Refusal::Full) => error_response(
            StatusCode::TOO_MANY_REQUESTS,
            tonic::Code::ResourceExhausted,
            r.to_string(),
            kind,
            true,
        ),
        Err(r) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            tonic::Code::Unavailable,
            r.to_string(),
            kind,
            true,
        ),
    }
}

/// Serves the HTTP receiver on `listener` until `shutdown` resolves.
pub async fn serve_http(
    listener: tokio::net::TcpListener,
    consumers: Arc<Consumers>,
    settings: &ServerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    use axum::routing::post;
    let state = Http {
        consumers,
        max_request: settings.max_request_size,
        max_decompressed: settings.max_decompressed_size,
    };
    let route = |signal: Signal| {
        post(move |State(s): State<Http>, headers: HeaderMap, body: axum::body::Body| async move {
            let body = read_capped(body, s.max_request).await;
            handle(&s, signal, &headers, body).await
        })
    };
    let app = axum::Router::new()
        .route(Signal::Traces.http_path(), route(Signal::Traces))
        .route(Signal::Metrics.http_path(), route(Signal::Metrics))
        .route(Signal::Logs.http_path(), route(Signal::Logs))
        .route(Signal::Profiles.http_path(), route(Signal::Profiles))
        // `read_capped` enforces the limit, reading an oversized body to its end.
        .layer(DefaultBodyLimit::disable())
        .with_state(state);
    let served = match &settings.tls {
        Some(tls) => {
            let config = crate::tls::server_config(tls, &[b"http/1.1"])?;
            let listener =
                crate::tls::TlsListener::new(listener, config).map_err(|e| format!("HTTP server: {e}"))?;
            axum::serve(listener, app).with_graceful_shutdown(shutdown).await
        }
        None => axum::serve(listener, app).with_graceful_shutdown(shutdown).await,
    };
    served.map_err(|e| format!("HTTP server: {e}"))
}

/// Binds a listener, with an error that names the endpoint.
pub async fn bind(key: &str, endpoint: &str) -> Result<(tokio::net::TcpListener, SocketAddr), String> {
    let listener = tokio::net::TcpListener::bind(endpoint)
        .await
        .map_err(|e| format!("{key}: cannot listen on {endpoint}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("{key}: {e}"))?;
    Ok((listener, addr))
}
