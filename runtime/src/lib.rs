//! The embedded OTLP runtime: the Collector's configuration shape, OTLP receivers, batching,
//! transform/filter/routing running compiled OTTL, and exporters, with bounded queues end to
//! end. `ottl run` drives it.
//!
//! Data flow: a receiver decodes a request and offers it to the inlet of every pipeline of its
//! signal ([`pipeline::consume`]: all take it or none); each pipeline runs on its own thread and
//! hands what comes out to exporter queues or to a routing connector, which feeds other
//! pipelines. Every queue is bounded, so a slow exporter blocks its pipelines and the receivers
//! refuse new data instead of growing memory.

pub mod config;
pub mod exporter;
pub mod filter;
pub mod flatten;
pub mod gates;
mod grpc_export;
pub mod loadgen;
pub mod pipeline;
pub mod profiling;
pub mod receiver;
pub mod routing;
pub mod signal;
pub mod telemetry;
pub mod tls;
pub mod transform;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::config::{Config, Connector, Exporter, Extension, Processor, Receiver, Selector};
use crate::pipeline::{Inlet, MemoryLimiter, Pipeline, PipelineCounters, Sink, Stage};
use crate::routing::Router;
use crate::signal::Signal;
use crate::telemetry::{RateLimitedLog, Registry};

/// The processors and connectors of a configuration, compiled: everything that can fail
/// before a port is opened.
#[derive(Debug)]
pub struct Compiled {
    transforms: BTreeMap<String, Arc<transform::Transform>>,
    filters: BTreeMap<String, Arc<filter::Filter>>,
    routers: BTreeMap<String, Arc<Router>>,
}

impl Compiled {
    /// Compiles every processor and connector a pipeline uses (unused ones too: a broken
    /// statement anywhere in the file is an error, as in the Collector).
    pub fn new(config: &Config) -> Result<Compiled, String> {
        let mut c =
            Compiled { transforms: BTreeMap::new(), filters: BTreeMap::new(), routers: BTreeMap::new() };
        for (id, p) in &config.processors {
            match p {
                Processor::Transform(t) => {
                    let t =
                        transform::Transform::compile(t, id).map_err(|e| format!("processors.{id}: {e}"))?;
                    c.transforms.insert(id.clone(), Arc::new(t));
                }
                Processor::Filter(f) => {
                    let f = filter::Filter::compile(f).map_err(|e| format!("processors.{id}: {e}"))?;
                    c.filters.insert(id.clone(), Arc::new(f));
                }
                Processor::Batch(_) | Processor::MemoryLimiter(_) => {}
            }
        }
        for (id, Connector::Routing(r)) in &config.connectors {
            let router = Router::compile(r).map_err(|e| format!("connectors.{id}: {e}"))?;
            c.routers.insert(id.clone(), Arc::new(router));
        }
        check_cycles(config)?;
        Ok(c)
    }
}

/// Pipelines joined by connectors must not loop.
fn check_cycles(config: &Config) -> Result<(), String> {
    fn next<'c>(config: &'c Config, id: &str) -> Vec<&'c str> {
        let Some(p) = config.pipelines.get(id) else { return Vec::new() };
        let mut out = Vec::new();
        for e in &p.exporters {
            if let Some(Connector::Routing(r)) = config.connectors.get(e) {
                out.extend(
                    r.default_pipelines
                        .iter()
                        .chain(r.table.iter().flat_map(|t| &t.pipelines))
                        .map(String::as_str),
                );
            }
        }
        out
    }
    fn visit<'c>(config: &'c Config, id: &'c str, path: &mut Vec<&'c str>) -> Result<(), String> {
        if path.contains(&id) {
            path.push(id);
            return Err(format!("service.pipelines: connectors make a cycle: {}", path.join(" → ")));
        }
        path.push(id);
        for n in next(config, id) {
            visit(config, n, path)?;
        }
        path.pop();
        Ok(())
    }
    for id in config.pipelines.keys() {
        visit(config, id, &mut Vec::new())?;
    }
    Ok(())
}

/// A running runtime.
#[derive(Debug)]
pub struct Running {
    /// The bound address of each receiver protocol: `("otlp", "grpc") → 127.0.0.1:4317`.
    pub addresses: BTreeMap<(String, String), SocketAddr>,
    /// Where Prometheus metrics are served.
    pub metrics_address: Option<SocketAddr>,
    pub registry: Arc<Registry>,
    stop: watch::Sender<bool>,
    servers: Vec<tokio::task::JoinHandle<Result<(), String>>>,
    pipelines: Vec<std::thread::JoinHandle<()>>,
    exporters: Vec<tokio::task::JoinHandle<()>>,
    profilers: BTreeMap<String, profiling::Receiver>,
}

/// Starts every component of `config` on the current tokio runtime.
pub async fn start(config: &Config) -> Result<Running, String> {
    let compiled = Compiled::new(config)?;
    let registry = Arc::new(Registry::default());
    let (exporters, exporter_tasks) = start_exporters(config, &registry)?;
    // Every pipeline's inlet. The senders live only in receivers and connectors, so a pipeline
    // ends when everything upstream of it has.
    let mut inlets: BTreeMap<String, (Inlet, mpsc::Receiver<pipeline::Message>)> =
        config.pipelines.keys().map(|id| (id.clone(), mpsc::channel(pipeline::INLET_CAPACITY))).collect();
    // Listeners before any thread starts, so a taken port fails the start cleanly.
    let (listeners, mut addresses) = bind_receivers(config, &inlets, &registry).await?;
    let mut admin = Vec::new();
    for (id, e) in &config.extensions {
        if let Extension::Admin { endpoint, token } = e {
            let (listener, addr) = receiver::bind(&format!("extensions.{id}.endpoint"), endpoint).await?;
            addresses.insert((id.clone(), "http".to_string()), addr);
            admin.push((listener, token.clone()));
        }
    }
    let metrics_listener = match &config.telemetry.metrics_address {
        Some(a) => Some(receiver::bind("service.telemetry.metrics.address", a).await?),
        None => None,
    };
    let profilers = start_profilers(config, &inlets, &registry)?;
    let built = build_pipelines(config, &compiled, &registry, &exporters, &mut inlets);
    drop(inlets);
    drop(exporters);
    let mut pipelines = Vec::new();
    for (pipeline, rx) in built {
        let name = format!("pipeline {}", pipeline.id);
        let handle = std::thread::Builder::new()
            .name(name)
            .spawn(move || pipeline.run(rx))
            .map_err(|e| format!("cannot start a pipeline thread: {e}"))?;
        pipelines.push(handle);
    }
    let (stop, stop_rx) = watch::channel(false);
    let mut servers = serve_receivers(listeners, &stop_rx);
    for (listener, token) in admin {
        servers.push(serve_admin(listener, &token, compiled.transforms.clone(), stop_rx.clone()));
    }
    let mut metrics_address = None;
    if let Some((listener, addr)) = metrics_listener {
        metrics_address = Some(addr);
        servers.push(serve_metrics(listener, registry.clone(), stop_rx));
    }
    Ok(Running {
        addresses,
        metrics_address,
        registry,
        stop,
        servers,
        pipelines,
        exporters: exporter_tasks,
        profilers,
    })
}

/// The inlets of the pipelines of `signal` that name receiver `id`.
fn inlets_of(config: &Config, inlets: &Inlets, id: &str, signal: Signal) -> Vec<Inlet> {
    config
        .pipelines
        .iter()
        .filter(|(_, p)| p.signal == signal && p.receivers.contains(&id.to_string()))
        .filter_map(|(pid, _)| inlets.get(pid).map(|(tx, _)| tx.clone()))
        .collect()
}

/// Starts every `profiling` receiver a pipeline uses: each opens its sampler now, so a
/// machine that cannot sample fails the start with the reason.
fn start_profilers(
    config: &Config,
    inlets: &Inlets,
    registry: &Registry,
) -> Result<BTreeMap<String, profiling::Receiver>, String> {
    let mut started = BTreeMap::new();
    for (id, r) in &config.receivers {
        let Receiver::Profiling(settings) = r else { continue };
        let targets = inlets_of(config, inlets, id, Signal::Profiles);
        if targets.is_empty() {
            continue;
        }
        let receiver =
            profiling::Receiver::start(id, settings, targets, registry, tokio::runtime::Handle::current());
        match receiver {
            Ok(r) => {
                started.insert(id.clone(), r);
            }
            Err(e) => {
                for (_, r) in started {
                    profiling::Receiver::stop(r);
                }
                return Err(e);
            }
        }
    }
    Ok(started)
}

type ExporterTasks = Vec<tokio::task::JoinHandle<()>>;

/// Starts the exporters some pipeline uses.
fn start_exporters(
    config: &Config,
    registry: &Registry,
) -> Result<(BTreeMap<String, exporter::ExporterInlet>, ExporterTasks), String> {
    let mut exporters = BTreeMap::new();
    let mut tasks = Vec::new();
    for (id, e) in &config.exporters {
        if config.pipelines.values().any(|p| p.exporters.contains(id)) {
            let started = exporter::start(id, e, registry)?;
            tasks.extend(started.tasks);
            exporters.insert(id.clone(), started.inlet);
        }
    }
    Ok((exporters, tasks))
}

/// A bound receiver endpoint, ready to serve.
struct Endpoint {
    protocol: &'static str,
    socket: tokio::net::TcpListener,
    consumers: Arc<receiver::Consumers>,
    settings: config::ServerSettings,
}

type Inlets = BTreeMap<String, (Inlet, mpsc::Receiver<pipeline::Message>)>;
type Addresses = BTreeMap<(String, String), SocketAddr>;

/// Binds every receiver endpoint that feeds a pipeline.
async fn bind_receivers(
    config: &Config,
    inlets: &Inlets,
    registry: &Registry,
) -> Result<(Vec<Endpoint>, Addresses), String> {
    let mut listeners = Vec::new();
    let mut addresses = BTreeMap::new();
    let reads_request = config.connectors.values().any(|c| match c {
        Connector::Routing(r) => {
            r.table.iter().any(|route| matches!(route.selector, Selector::Request { .. }))
        }
    });
    for (id, r) in &config.receivers {
        let Receiver::Otlp(r) = r else { continue };
        let per_signal = Signal::ALL.map(|s| inlets_of(config, inlets, id, s));
        if per_signal.iter().all(Vec::is_empty) {
            continue;
        }
        for (protocol, settings) in [("grpc", &r.grpc), ("http", &r.http)] {
            let Some(settings) = settings else { continue };
            let token = settings.auth.as_ref().and_then(|a| config.extensions.get(a)).and_then(|e| match e {
                Extension::BearerToken { token } => Some(token.clone()),
                Extension::Admin { .. } => None,
            });
            // The Collector's gRPC context always carries the request's metadata; HTTP headers
            // only with `include_metadata`.
            let keep_metadata = reads_request && (protocol == "grpc" || settings.include_metadata);
            let consumers =
                Arc::new(receiver::Consumers::new(id, per_signal.clone(), token, keep_metadata, registry));
            let key = format!("receivers.{id}.protocols.{protocol}.endpoint");
            let (listener, addr) = receiver::bind(&key, &settings.endpoint).await?;
            addresses.insert((id.clone(), protocol.to_string()), addr);
            listeners.push(Endpoint { protocol, socket: listener, consumers, settings: settings.clone() });
        }
    }
    Ok((listeners, addresses))
}

/// Builds every pipeline with its stages and sinks, taking its inlet's receiving end.
fn build_pipelines(
    config: &Config,
    compiled: &Compiled,
    registry: &Registry,
    exporters: &BTreeMap<String, exporter::ExporterInlet>,
    inlets: &mut Inlets,
) -> Vec<(Pipeline, mpsc::Receiver<pipeline::Message>)> {
    let mut limiters: BTreeMap<String, Arc<MemoryLimiter>> = BTreeMap::new();
    let mut built = Vec::new();
    for (id, p) in &config.pipelines {
        let mut stages = Vec::new();
        let mut statement_errors = Vec::new();
        for pid in &p.processors {
            let stage = match &config.processors[pid] {
                Processor::Batch(b) => Stage::batch(*b, pid, id, registry),
                Processor::Transform(_) => Stage::Transform(compiled.transforms[pid].clone()),
                Processor::Filter(_) => Stage::Filter(compiled.filters[pid].clone()),
                Processor::MemoryLimiter(m) => Stage::MemoryLimiter(
                    limiters.entry(pid.clone()).or_insert_with(|| MemoryLimiter::start(*m, pid)).clone(),
                ),
            };
            statement_errors.push(registry.counter(
                "otelcol_processor_statement_errors",
                "OTTL statements and conditions that failed.",
                &[("processor", pid), ("pipeline", id)],
            ));
            stages.push((pid.clone(), stage));
        }
        let mut sinks = Vec::new();
        for e in &p.exporters {
            if let Some(inlet) = exporters.get(e) {
                sinks.push(Sink::Exporter(inlet.clone()));
            } else if let Some(router) = compiled.routers.get(e) {
                let targets = router
                    .targets()
                    .into_iter()
                    .filter_map(|t| inlets.get(&t).map(|(tx, _)| (t, tx.clone())))
                    .collect();
                sinks.push(Sink::Routing { id: e.clone(), router: router.clone(), targets });
            }
        }
        let counters = PipelineCounters {
            statement_errors,
            dropped: registry.counter(
                "otelcol_processor_filter_dropped_items",
                "Items the filter processors dropped.",
                &[("pipeline", id)],
            ),
        };
        let log = RateLimitedLog::new(format!("pipelines.{id}"));
        built.push((Pipeline { id: id.clone(), stages, sinks, counters, log }, id.clone()));
    }
    built.into_iter().filter_map(|(p, id)| inlets.remove(&id).map(|(_, rx)| (p, rx))).collect()
}

type ServerTask = tokio::task::JoinHandle<Result<(), String>>;

/// Serves every bound receiver until `stop` turns true.
fn serve_receivers(listeners: Vec<Endpoint>, stop: &watch::Receiver<bool>) -> Vec<ServerTask> {
    listeners
        .into_iter()
        .map(|l| {
            let mut rx = stop.clone();
            let shutdown = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            tokio::spawn(async move {
                if l.protocol == "grpc" {
                    receiver::serve_grpc(l.socket, l.consumers, &l.settings, shutdown).await
                } else {
                    receiver::serve_http(l.socket, l.consumers, &l.settings, shutdown).await
                }
            })
        })
        .collect()
}

/// Serves the `ottl_admin` extension until `stop` turns true: `PUT /v1/module?processor=ID`
/// with a module as the body compiles it (off the pipelines' threads) and swaps it in.
fn serve_admin(
    listener: tokio::net::TcpListener,
    token: &str,
    transforms: BTreeMap<String, Arc<transform::Transform>>,
    mut stop: watch::Receiver<bool>,
) -> ServerTask {
    use axum::http::{HeaderMap, StatusCode, Uri, header};
    let transforms = Arc::new(transforms);
    let expected = Arc::new(format!("Bearer {token}"));
    let handler = move |uri: Uri, headers: HeaderMap, body: bytes::Bytes| {
        let (transforms, expected) = (transforms.clone(), expected.clone());
        async move {
            if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
                return (StatusCode::UNAUTHORIZED, "missing or invalid bearer token".to_string());
            }
            let id = uri
                .query()
                .unwrap_or("")
                .split('&')
                .find_map(|kv| kv.strip_prefix("processor="))
                .unwrap_or("");
            let id = id.replace("%2F", "/").replace("%2f", "/");
            let Some(t) = transforms.get(&id).cloned() else {
                return (StatusCode::NOT_FOUND, format!("no transform processor `{id}`"));
            };
            match tokio::task::spawn_blocking(move || t.install(&body)).await {
                Ok(Ok(())) => {
                    telemetry::info(
                        &format!("processors.{id}"),
                        "module replaced through the admin endpoint",
                    );
                    (StatusCode::OK, format!("processors.{id}: module swapped in"))
                }
                Ok(Err(e)) => {
                    (StatusCode::BAD_REQUEST, format!("processors.{id}: kept the running module: {e}"))
                }
                Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
    };
    tokio::spawn(async move {
        let app = axum::Router::new()
            .route("/v1/module", axum::routing::put(handler))
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20));
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
            .map_err(|e| format!("admin server: {e}"))
    })
}

/// Serves `/metrics` until `stop` turns true.
fn serve_metrics(
    listener: tokio::net::TcpListener,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) -> ServerTask {
    tokio::spawn(async move {
        let app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let registry = registry.clone();
                async move { ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], registry.render()) }
            }),
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
            .map_err(|e| format!("metrics server: {e}"))
    })
}

impl Running {
    /// The address a receiver's protocol (`grpc`, `http`) listens on.
    pub fn address(&self, receiver: &str, protocol: &str) -> Option<SocketAddr> {
        self.addresses.get(&(receiver.to_string(), protocol.to_string())).copied()
    }

    /// The sampler (`ebpf` or `perf`) a `profiling` receiver runs.
    pub fn sampler(&self, receiver: &str) -> Option<&'static str> {
        self.profilers.get(receiver).map(|p| p.sampler)
    }

    /// Stops accepting, lets every pipeline drain and flush its batches, and waits for the
    /// exporters to send what is queued (up to `timeout` in all). Profiling receivers send
    /// what they counted since their last report first.
    pub async fn shutdown(self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let _ = self.stop.send(true);
        for s in self.servers {
            match s.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => telemetry::info("service", e),
                Err(e) => telemetry::info("service", format_args!("a server task failed: {e}")),
            }
        }
        let profilers = self.profilers;
        let _ =
            tokio::task::spawn_blocking(move || profilers.into_values().for_each(profiling::Receiver::stop))
                .await;
        let pipelines = self.pipelines;
        let joined = tokio::task::spawn_blocking(move || {
            for p in pipelines {
                let _ = p.join();
            }
        });
        let left = deadline.saturating_duration_since(Instant::now());
        if tokio::time::timeout(left, joined).await.is_err() {
            return Err(format!("pipelines did not drain within {timeout:?}"));
        }
        for e in self.exporters {
            let left = deadline.saturating_duration_since(Instant::now());
            if tokio::time::timeout(left, e).await.is_err() {
                return Err(format!(
                    "exporters did not finish within {timeout:?}; what they still held is lost (see otelcol_exporter_queue_size)"
                ));
            }
        }
        Ok(())
    }
}

/// Describes what a configuration would run (`ottl run --dry-run`).
pub fn describe(config: &Config) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (id, p) in &config.pipelines {
        let _ = writeln!(
            out,
            "pipeline {id}: {} → {} → {}",
            p.receivers.join(", "),
            if p.processors.is_empty() { "(no processors)".to_string() } else { p.processors.join(" → ") },
            p.exporters.join(", ")
        );
    }
    for (id, e) in &config.exporters {
        let what = match e {
            Exporter::Otlp(o) => format!("otlp {}", o.endpoint),
            Exporter::OtlpHttp(o) => format!("otlphttp {}", o.endpoint),
            Exporter::File { path } => format!("file {}", path.display()),
            Exporter::Debug { .. } => "debug".into(),
            Exporter::Pprof { directory } => format!("pprof {}", directory.display()),
        };
        let _ = writeln!(out, "exporter {id}: {what}");
    }
    out
}
