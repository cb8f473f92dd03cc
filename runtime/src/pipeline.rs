//! A pipeline: a bounded inlet, its processors in order, and where its data goes (exporters and
//! connectors). Each pipeline runs on a thread of its own, so OTTL work never stalls the
//! receivers' network I/O; the processors before the first `batch` run while the sender waits,
//! so a `propagate` error or a memory refusal reaches the client, as in the Collector.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ottl_jit::exec::Payload;
use ottl_jit::interp::StatementError;
use tokio::sync::{mpsc, oneshot};

use crate::config::{BatchSettings, MemoryLimiterSettings};
use crate::exporter::ExporterInlet;
use crate::filter::Filter;
use crate::routing::Router;
use crate::signal::{self, Signal, signal_of};
use crate::telemetry::{Counter, RateLimitedLog, Registry};
use crate::transform::Transform;

/// Why a pipeline did not take a payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The inlet is full: try again later (`RESOURCE_EXHAUSTED`, HTTP 429).
    Full,
    /// The memory limiter refuses data (`UNAVAILABLE`, HTTP 503).
    Memory,
    /// A processor failed the payload (`UNAVAILABLE`, HTTP 503, as the Collector answers).
    Failed(String),
    /// The pipeline is shutting down.
    Closed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Full => f.write_str("the pipeline is full; retry later"),
            Refusal::Memory => f.write_str("data refused due to high memory usage"),
            Refusal::Failed(e) => f.write_str(e),
            Refusal::Closed => f.write_str("the pipeline is shutting down"),
        }
    }
}

/// A payload, who waits for the pipeline's answer, and the metadata of the request it came in.
#[derive(Debug)]
pub struct Message {
    pub payload: Payload,
    pub ack: Option<oneshot::Sender<Result<(), Refusal>>>,
    pub request: Option<Arc<RequestMetadata>>,
}

/// The metadata of the request a payload came in: gRPC metadata, or HTTP headers when the
/// receiver has `include_metadata` (what the routing connector's `request` context reads).
/// Keys are lowercased once, here, so lookups (with a key lowercased when the configuration
/// loaded) compare exactly; a key sent several times has several entries. Like the Collector's
/// request context, it travels with the payload through processors and connectors until a
/// `batch` processor, whose batches belong to no single request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RequestMetadata(Vec<(String, String)>);

impl RequestMetadata {
    pub fn new(mut entries: Vec<(String, String)>) -> RequestMetadata {
        for (k, _) in &mut entries {
            k.make_ascii_lowercase();
        }
        RequestMetadata(entries)
    }

    /// The values sent under `key`, which must be lowercase.
    pub fn get<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The sending side of a pipeline.
pub type Inlet = mpsc::Sender<Message>;

/// Hands a payload to every pipeline of `inlets` (a receiver's fan-out): all of them take it
/// or none does, and the answer is the first refusal of any of them.
pub async fn consume(
    inlets: &[Inlet],
    payload: Payload,
    request: Option<Arc<RequestMetadata>>,
) -> Result<(), Refusal> {
    let mut permits = Vec::with_capacity(inlets.len());
    for inlet in inlets {
        match inlet.try_reserve() {
            Ok(permit) => permits.push(permit),
            Err(mpsc::error::TrySendError::Full(())) => return Err(Refusal::Full),
            Err(mpsc::error::TrySendError::Closed(())) => return Err(Refusal::Closed),
        }
    }
    let mut answers = Vec::with_capacity(permits.len());
    let mut payload = Some(payload);
    let last = permits.len().saturating_sub(1);
    for (i, permit) in permits.into_iter().enumerate() {
        let p = if i == last { payload.take() } else { payload.clone() };
        let Some(p) = p else { break };
        let (tx, rx) = oneshot::channel();
        permit.send(Message { payload: p, ack: Some(tx), request: request.clone() });
        answers.push(rx);
    }
    for rx in answers {
        rx.await.unwrap_or(Err(Refusal::Closed))?;
    }
    Ok(())
}

/// The memory limiter: a watcher thread compares the process's resident memory with the soft
/// limit (`limit - spike`); while above it, payloads are refused.
#[derive(Debug)]
pub struct MemoryLimiter {
    over: AtomicBool,
    stop: AtomicBool,
}

/// Resident memory of this process in bytes (Linux), if known.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

impl MemoryLimiter {
    pub fn start(s: MemoryLimiterSettings, id: &str) -> Arc<MemoryLimiter> {
        let m = Arc::new(MemoryLimiter { over: AtomicBool::new(false), stop: AtomicBool::new(false) });
        let watched = Arc::downgrade(&m);
        let soft = s.limit_bytes - s.spike_limit_bytes;
        let log = RateLimitedLog::new(format!("processors.{id}"));
        let spawned = std::thread::Builder::new().name(format!("watch {id}")).spawn(move || {
            loop {
                let Some(m) = watched.upgrade() else { return };
                if m.stop.load(Ordering::Relaxed) {
                    return;
                }
                let used = resident_bytes().unwrap_or(0);
                let over = used > soft;
                if over && !m.over.load(Ordering::Relaxed) {
                    log.error(format_args!(
                        "memory usage {} MiB is above the soft limit {} MiB; refusing data",
                        used >> 20,
                        soft >> 20
                    ));
                }
                m.over.store(over, Ordering::Relaxed);
                drop(m);
                std::thread::sleep(s.check_interval);
            }
        });
        if let Err(e) = spawned {
            crate::telemetry::info(id, format_args!("cannot watch memory: {e}"));
        }
        m
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The batch processor's buffer.
#[derive(Debug)]
pub struct Batcher {
    settings: BatchSettings,
    buffer: Option<Payload>,
    count: usize,
    deadline: Option<Instant>,
    sizes: Arc<Counter>,
    batches: Arc<Counter>,
}

impl Batcher {
    fn add(&mut self, p: Payload) -> Vec<Payload> {
        if signal_of(&p) == Signal::Profiles {
            return vec![p];
        }
        self.count += signal::items(&p);
        if let Some(b) = &mut self.buffer {
            signal::append(b, p);
        } else {
            self.buffer = Some(p);
            self.deadline = Some(Instant::now() + self.settings.timeout);
        }
        let mut out = Vec::new();
        let max = self.settings.send_batch_max_size;
        while self.count >= self.settings.send_batch_size.max(1) || self.settings.timeout.is_zero() {
            let Some(b) = &mut self.buffer else { break };
            if max > 0 && self.count > max {
                let part = signal::split_front(b, max);
                self.count -= signal::items(&part);
                self.sent(&part);
                out.push(part);
            } else {
                out.extend(self.take());
                break;
            }
        }
        out
    }

    fn take(&mut self) -> Option<Payload> {
        self.count = 0;
        self.deadline = None;
        let b = self.buffer.take()?;
        self.sent(&b);
        Some(b)
    }

    fn sent(&self, p: &Payload) {
        self.sizes.add(signal::items(p) as u64);
        self.batches.add(1);
    }
}

/// One processor of a pipeline.
#[derive(Debug)]
pub enum Stage {
    MemoryLimiter(Arc<MemoryLimiter>),
    Transform(Arc<Transform>),
    Filter(Arc<Filter>),
    Batch(Box<Batcher>),
}

impl Stage {
    pub fn batch(settings: BatchSettings, id: &str, pipeline: &str, registry: &Registry) -> Stage {
        let labels = [("processor", id), ("pipeline", pipeline)];
        Stage::Batch(Box::new(Batcher {
            settings,
            buffer: None,
            count: 0,
            deadline: None,
            sizes: registry.counter(
                "otelcol_processor_batch_batch_send_size_sum",
                "Items in the batches sent.",
                &labels,
            ),
            batches: registry.counter(
                "otelcol_processor_batch_batch_send_size_count",
                "Batches sent.",
                &labels,
            ),
        }))
    }
}

/// Where a pipeline's data goes.
#[derive(Debug)]
pub enum Sink {
    Exporter(ExporterInlet),
    /// A routing connector and the inlets of the pipelines it routes to.
    Routing {
        id: String,
        router: Arc<Router>,
        targets: Vec<(String, Inlet)>,
    },
}

/// A pipeline's counters.
#[derive(Debug)]
pub struct PipelineCounters {
    pub statement_errors: Vec<Arc<Counter>>,
    pub dropped: Arc<Counter>,
}

/// A pipeline, run by [`Pipeline::run`] on its own thread.
#[derive(Debug)]
pub struct Pipeline {
    pub id: String,
    pub stages: Vec<(String, Stage)>,
    pub sinks: Vec<Sink>,
    pub counters: PipelineCounters,
    pub log: RateLimitedLog,
}

impl Pipeline {
    /// Runs until every sender of `rx` is gone, then flushes its batches and returns.
    pub fn run(mut self, mut rx: mpsc::Receiver<Message>) {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_time().build() {
            Ok(rt) => rt,
            Err(e) => {
                self.log.error(format_args!("cannot start: {e}"));
                return;
            }
        };
        rt.block_on(async {
            loop {
                let deadline = self.next_deadline();
                let message = match deadline {
                    Some(d) => tokio::select! {
                        m = rx.recv() => m,
                        () = tokio::time::sleep_until(d.into()) => {
                            self.flush_due(false).await;
                            continue;
                        }
                    },
                    None => rx.recv().await,
                };
                let Some(Message { payload, ack, request }) = message else { break };
                let answer = self.push(0, payload, request).await;
                if let Some(ack) = ack {
                    let _ = ack.send(answer);
                } else if let Err(e) = answer {
                    self.log.error(e);
                }
            }
            self.flush_due(true).await;
        });
        for (_, stage) in &self.stages {
            if let Stage::MemoryLimiter(m) = stage {
                m.stop();
            }
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.stages
            .iter()
            .filter_map(|(_, s)| match s {
                Stage::Batch(b) => b.deadline,
                _ => None,
            })
            .min()
    }

    /// Sends on the batches whose timeout passed (all of them when `all`).
    async fn flush_due(&mut self, all: bool) {
        let now = Instant::now();
        for i in 0..self.stages.len() {
            let due = match &mut self.stages[i].1 {
                Stage::Batch(b) if all || b.deadline.is_some_and(|d| d <= now) => b.take(),
                _ => None,
            };
            if let Some(p) = due
                && let Err(e) = self.push(i + 1, p, None).await
            {
                self.log.error(e);
            }
        }
    }

    /// Runs `p` through the stages from `start`. The answer is about `p` itself: what happens
    /// to the batches it completes is logged, not returned.
    async fn push(
        &mut self,
        start: usize,
        p: Payload,
        request: Option<Arc<RequestMetadata>>,
    ) -> Result<(), Refusal> {
        let mut work = VecDeque::from([(start, p, true)]);
        while let Some((mut i, mut p, own)) = work.pop_front() {
            // A batch a stage completed carries no request's metadata.
            let request = if own { request.clone() } else { None };
            let mut outcome = Ok(true);
            while i < self.stages.len() {
                outcome = self.stage(i, &mut p, &mut work);
                if !matches!(outcome, Ok(true)) {
                    break;
                }
                i += 1;
            }
            match outcome {
                Ok(true) => self.emit(p, request).await,
                Ok(false) => {}
                Err(e) if own => return Err(e),
                Err(e) => self.log.error(e),
            }
        }
        Ok(())
    }

    /// Runs stage `i`: `Ok(true)` to go on, `Ok(false)` when the payload stops here (buffered
    /// or filtered out).
    fn stage(
        &mut self,
        i: usize,
        p: &mut Payload,
        work: &mut VecDeque<(usize, Payload, bool)>,
    ) -> Result<bool, Refusal> {
        let (id, stage) = &mut self.stages[i];
        match stage {
            Stage::MemoryLimiter(m) => {
                if m.over.load(Ordering::Relaxed) {
                    return Err(Refusal::Memory);
                }
            }
            Stage::Transform(t) => {
                let errors = &self.counters.statement_errors[i];
                let log = &self.log;
                let mut warn = |e: &StatementError| {
                    errors.add(1);
                    log.error(format_args!("processors.{id}: {e}"));
                };
                t.apply(p, &mut warn).map_err(|e| {
                    errors.add(1);
                    Refusal::Failed(e.to_string())
                })?;
            }
            Stage::Filter(f) => {
                let filtered = f.apply(p).map_err(|e| {
                    self.counters.statement_errors[i].add(1);
                    Refusal::Failed(e.to_string())
                })?;
                for w in &filtered.warnings {
                    self.counters.statement_errors[i].add(1);
                    self.log.error(format_args!("processors.{id}: {w}"));
                }
                self.counters.dropped.add(filtered.dropped as u64);
                if signal::is_empty(p) {
                    return Ok(false);
                }
            }
            Stage::Batch(b) => {
                let taken = std::mem::replace(p, signal_of(p).empty());
                for full in b.add(taken) {
                    work.push_back((i + 1, full, false));
                }
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Sends a payload on to every sink (copies for all but the last).
    async fn emit(&mut self, p: Payload, request: Option<Arc<RequestMetadata>>) {
        if signal::is_empty(&p) {
            return;
        }
        let mut p = Some(p);
        let n = self.sinks.len();
        for i in 0..n {
            let Some(payload) = (if i + 1 == n { p.take() } else { p.clone() }) else { return };
            match &self.sinks[i] {
                Sink::Exporter(e) => {
                    if let Err(err) = e.send(payload).await {
                        self.log.error(err);
                    }
                }
                Sink::Routing { id, router, targets } => {
                    let log = &self.log;
                    let mut warn = |e: &StatementError| log.error(format_args!("connectors.{id}: {e}"));
                    let parts = match router.route(payload, request.as_deref(), &mut warn) {
                        Ok(parts) => parts,
                        Err(e) => {
                            self.log.error(format_args!("connectors.{id}: {e}"));
                            continue;
                        }
                    };
                    for (pipelines, part) in parts {
                        let mut part = Some(part);
                        for (k, pid) in pipelines.iter().enumerate() {
                            let Some(data) =
                                (if k + 1 == pipelines.len() { part.take() } else { part.clone() })
                            else {
                                break;
                            };
                            if let Some((_, inlet)) = targets.iter().find(|(t, _)| t == pid)
                                && inlet
                                    .send(Message { payload: data, ack: None, request: request.clone() })
                                    .await
                                    .is_err()
                            {
                                self.log.error(format_args!("connectors.{id}: pipeline {pid} has stopped"));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How long a pipeline inlet may hold payloads before receivers are refused.
pub const INLET_CAPACITY: usize = 64;

/// The time the pipeline threads get to drain at shutdown before their data counts as lost.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
