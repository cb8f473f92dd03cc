//! Internal telemetry: counters and gauges registered once when the pipeline is built (the hot
//! path only touches an `AtomicU64`), served in the Prometheus text format, and error logs
//! limited to one line per second per source.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A monotonically increasing count, or a gauge when `set` is used.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn sub(&self, n: u64) {
        self.0.fetch_sub(n, Ordering::Relaxed);
    }

    pub fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Debug)]
struct Series {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    labels: String,
    value: Arc<Counter>,
}

/// Every metric of the runtime.
#[derive(Debug, Default)]
pub struct Registry {
    series: Mutex<Vec<Series>>,
}

impl Registry {
    /// Registers (or finds) a counter; `labels` are `(name, value)` pairs.
    pub fn counter(&self, name: &'static str, help: &'static str, labels: &[(&str, &str)]) -> Arc<Counter> {
        self.register(name, help, "counter", labels)
    }

    /// Registers (or finds) a gauge.
    pub fn gauge(&self, name: &'static str, help: &'static str, labels: &[(&str, &str)]) -> Arc<Counter> {
        self.register(name, help, "gauge", labels)
    }

    fn register(
        &self,
        name: &'static str,
        help: &'static str,
        kind: &'static str,
        labels: &[(&str, &str)],
    ) -> Arc<Counter> {
        let mut rendered = String::new();
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                rendered.push(',');
            }
            let v = v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
            let _ = write!(rendered, "{k}=\"{v}\"");
        }
        let mut series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = series.iter().find(|s| s.name == name && s.labels == rendered) {
            return s.value.clone();
        }
        let value = Arc::new(Counter::default());
        series.push(Series { name, help, kind, labels: rendered, value: value.clone() });
        value
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let mut series: Vec<(&str, &str, &str, String, u64)> = Vec::new();
        {
            let guard = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for s in guard.iter() {
                series.push((s.name, s.help, s.kind, s.labels.clone(), s.value.get()));
            }
        }
        series.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.3.cmp(&b.3)));
        let mut out = String::new();
        let mut last = "";
        for (name, help, kind, labels, value) in &series {
            if *name != last {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
                last = name;
            }
            if labels.is_empty() {
                let _ = writeln!(out, "{name} {value}");
            } else {
                let _ = writeln!(out, "{name}{{{labels}}} {value}");
            }
        }
        out
    }

    /// The value of one series, for tests: `labels` as rendered (`exporter="file"`).
    pub fn value(&self, name: &str, labels: &str) -> Option<u64> {
        let guard = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.iter().find(|s| s.name == name && s.labels == labels).map(|s| s.value.get())
    }
}

/// Error lines to stderr, at most one per second for each source; the lines left out are
/// counted and reported with the next one.
#[derive(Debug)]
pub struct RateLimitedLog {
    source: String,
    state: Mutex<(Option<Instant>, u64)>,
}

impl RateLimitedLog {
    pub fn new(source: impl Into<String>) -> Self {
        Self { source: source.into(), state: Mutex::new((None, 0)) }
    }

    pub fn error(&self, message: impl std::fmt::Display) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if state.0.is_some_and(|t| now.duration_since(t) < Duration::from_secs(1)) {
            state.1 += 1;
            return;
        }
        let suppressed = std::mem::take(&mut state.1);
        state.0 = Some(now);
        drop(state);
        let more =
            if suppressed > 0 { format!(" ({suppressed} similar errors not shown)") } else { String::new() };
        eprintln!("error\t{}\t{message}{more}", self.source);
    }
}

/// Logs a line of information to stderr.
pub fn info(source: &str, message: impl std::fmt::Display) {
    eprintln!("info\t{source}\t{message}");
}
