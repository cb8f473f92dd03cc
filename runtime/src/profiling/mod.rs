//! The `profiling` receiver: samples on-CPU stacks system-wide and emits them as the OTLP
//! profiles signal into the pipelines that name it.
//!
//! Sampling has two backends behind one interface ([`Sampler`]): a BPF program on the
//! software `cpu-clock` event that aggregates stacks in the kernel ([`ebpf`]), and plain
//! `perf_event_open` sampling with call chains read from ring buffers ([`perf`]). Every
//! `report_interval` the receiver drains what was counted, symbolizes it ([`symbolize`]) and
//! builds one request with one resource per process ([`otlp`]).
//!
//! The receiver runs on its own thread: sampling state (maps, ring buffers, the symbolizer's
//! caches) never crosses threads, and a slow pipeline never blocks the kernel side, which keeps
//! counting until the next drain.

pub mod ebpf;
pub mod otlp;
pub mod perf;
pub mod pprof;
pub mod symbolize;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant, SystemTime};

use crate::pipeline::{self, Inlet, Refusal};
use crate::telemetry::{self, Counter, RateLimitedLog, Registry};

/// Which sampler the receiver uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// eBPF when it loads, else `perf_event_open`.
    Auto,
    Ebpf,
    Perf,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "auto" => Some(Mode::Auto),
            "ebpf" => Some(Mode::Ebpf),
            "perf" => Some(Mode::Perf),
            _ => None,
        }
    }
}

/// `receivers.profiling`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Samples per second per CPU.
    pub frequency: u64,
    pub report_interval: Duration,
    pub mode: Mode,
    /// Only these processes, when not empty.
    pub pids: Vec<u32>,
    /// Frames kept per stack (user and kernel each), counted from the leaf.
    pub max_stack_depth: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            frequency: 19,
            report_interval: Duration::from_secs(10),
            mode: Mode::Auto,
            pids: Vec::new(),
            max_stack_depth: 127,
        }
    }
}

/// Whether this build carries the BPF program (clang was found when it was built).
pub const EBPF_BUILT: bool = cfg!(ottl_bpf);

/// The deepest stack either sampler can record (the kernel's default `perf_event_max_stack`).
pub const MAX_STACK_DEPTH: usize = 127;

/// One sampled stack of one thread: the aggregation key of both samplers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StackKey {
    pub pid: u32,
    pub tid: u32,
    /// The thread's name (`comm`) when the sampler knows it.
    pub comm: Option<String>,
    /// Kernel frames, leaf first (empty when the thread ran in user space).
    pub kernel: Vec<u64>,
    /// User frames, leaf first.
    pub user: Vec<u64>,
}

/// Samples per stack since the last drain.
pub type Counts = HashMap<StackKey, u64>;

/// A source of stack samples.
pub trait Sampler {
    /// `ebpf` or `perf`: what the receiver reports it runs.
    fn name(&self) -> &'static str;
    /// Called often (every [`POLL`]): moves what is buffered into `counts` before buffers fill,
    /// and adds to `pids` the processes sampled since the last poll (at least the new ones), so
    /// their mappings are read while they still run.
    fn poll(&mut self, counts: &mut Counts, pids: &mut HashSet<u32>) -> Result<(), String>;
    /// Called at each report: moves everything counted so far into `counts`.
    fn drain(&mut self, counts: &mut Counts) -> Result<(), String>;
    /// Samples the kernel could not record since the last call (full buffers, map collisions).
    fn lost(&mut self) -> u64;
}

/// How often a sampler's buffers are emptied between reports.
pub const POLL: Duration = Duration::from_millis(100);

/// Opens the sampler `settings.mode` asks for, or says why none could be opened and what to
/// install or enable.
pub fn open_sampler(settings: &Settings) -> Result<Box<dyn Sampler>, String> {
    match settings.mode {
        Mode::Ebpf => Ok(Box::new(ebpf::EbpfSampler::open(settings)?)),
        Mode::Perf => Ok(Box::new(perf::PerfSampler::open(settings)?)),
        Mode::Auto => match ebpf::EbpfSampler::open(settings) {
            Ok(s) => Ok(Box::new(s)),
            Err(bpf) => match perf::PerfSampler::open(settings) {
                Ok(s) => {
                    telemetry::info(
                        "profiling",
                        format_args!("eBPF unavailable ({bpf}); sampling with perf_event_open"),
                    );
                    Ok(Box::new(s))
                }
                Err(perf) => {
                    Err(format!("no sampler could start.\n  eBPF: {bpf}\n  perf_event_open: {perf}"))
                }
            },
        },
    }
}

/// A running `profiling` receiver.
#[derive(Debug)]
pub struct Receiver {
    /// `ebpf` or `perf`.
    pub sampler: &'static str,
    stop: Option<std_mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Opens the sampler (failing the start when none works) and starts the receiver's thread,
    /// which reports into `inlets` every `report_interval` and once more when stopped.
    pub fn start(
        id: &str,
        settings: &Settings,
        inlets: Vec<Inlet>,
        registry: &Registry,
        runtime: tokio::runtime::Handle,
    ) -> Result<Receiver, String> {
        let (opened_tx, opened_rx) = std_mpsc::channel();
        let (stop_tx, stop_rx) = std_mpsc::channel::<()>();
        let counters = ReceiverCounters::new(registry, id);
        let (settings, key) = (settings.clone(), format!("receivers.{id}"));
        let thread = std::thread::Builder::new()
            .name(format!("profiling {id}"))
            .spawn(move || {
                // The sampler is made on this thread and stays here (ring buffers are raw memory).
                let sampler = match open_sampler(&settings) {
                    Ok(s) => {
                        let _ = opened_tx.send(Ok(s.name()));
                        s
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                let mut report = Reporter {
                    sampler,
                    settings,
                    symbols: symbolize::Symbols::new(),
                    inlets,
                    runtime,
                    counters,
                    log: RateLimitedLog::new(key),
                };
                report.run(&stop_rx);
            })
            .map_err(|e| format!("receivers.{id}: cannot start a thread: {e}"))?;
        match opened_rx.recv() {
            Ok(Ok(sampler)) => Ok(Receiver { sampler, stop: Some(stop_tx), thread: Some(thread) }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(format!("receivers.{id}: {e}"))
            }
            Err(_) => {
                let _ = thread.join();
                Err(format!("receivers.{id}: the sampler thread died while starting"))
            }
        }
    }

    /// Stops sampling, sends what was counted since the last report, and waits for the thread.
    pub fn stop(mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Debug)]
struct ReceiverCounters {
    accepted: Arc<Counter>,
    refused: Arc<Counter>,
    samples: Arc<Counter>,
    lost: Arc<Counter>,
}

impl ReceiverCounters {
    fn new(registry: &Registry, id: &str) -> ReceiverCounters {
        let labels = [("receiver", id), ("transport", "profiling"), ("signal", "profiles")];
        ReceiverCounters {
            accepted: registry.counter(
                "otelcol_receiver_accepted_items",
                "Items the receiver accepted into its pipelines.",
                &labels,
            ),
            refused: registry.counter(
                "otelcol_receiver_refused_items",
                "Items the receiver refused (full, over the memory limit, failed, or malformed).",
                &labels,
            ),
            samples: registry.counter(
                "ottl_profiling_samples",
                "Stack samples the profiling receiver counted.",
                &[("receiver", id)],
            ),
            lost: registry.counter(
                "ottl_profiling_lost_samples",
                "Samples the kernel could not record (full buffers or stack-map collisions).",
                &[("receiver", id)],
            ),
        }
    }
}

/// The receiver's thread: drains, symbolizes and sends.
struct Reporter {
    sampler: Box<dyn Sampler>,
    settings: Settings,
    symbols: symbolize::Symbols,
    inlets: Vec<Inlet>,
    runtime: tokio::runtime::Handle,
    counters: ReceiverCounters,
    log: RateLimitedLog,
}

impl Reporter {
    fn run(&mut self, stop: &std_mpsc::Receiver<()>) {
        let mut counts = Counts::new();
        let mut pids = HashSet::new();
        let mut since = SystemTime::now();
        let mut next = Instant::now() + self.settings.report_interval;
        loop {
            let wait = POLL.min(next.saturating_duration_since(Instant::now()));
            let stopping = !matches!(stop.recv_timeout(wait), Err(std_mpsc::RecvTimeoutError::Timeout));
            if let Err(e) = self.sampler.poll(&mut counts, &mut pids) {
                self.log.error(e);
            }
            for pid in pids.drain() {
                self.symbols.note(pid);
            }
            if stopping || Instant::now() >= next {
                if let Err(e) = self.sampler.drain(&mut counts) {
                    self.log.error(e);
                }
                let now = SystemTime::now();
                self.report(&mut counts, since, now);
                since = now;
                next = Instant::now() + self.settings.report_interval;
            }
            if stopping {
                return;
            }
        }
    }

    fn report(&mut self, counts: &mut Counts, start: SystemTime, end: SystemTime) {
        let lost = self.sampler.lost();
        self.counters.lost.add(lost);
        if counts.is_empty() {
            return;
        }
        let samples: u64 = counts.values().sum();
        self.counters.samples.add(samples);
        let request = otlp::build(&mut self.symbols, &self.settings, counts, start, end);
        counts.clear();
        let profiles = request.resource_profiles.len() as u64;
        let payload = ottl_jit::exec::Payload::Profiles(request);
        match self.runtime.block_on(pipeline::consume(&self.inlets, payload, None)) {
            Ok(()) => self.counters.accepted.add(profiles),
            Err(Refusal::Closed) => {}
            Err(e) => {
                self.counters.refused.add(profiles);
                self.log.error(format_args!("dropped {profiles} profiles ({samples} samples): {e}"));
            }
        }
    }
}
