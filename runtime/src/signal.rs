//! The four OTLP signals and what the pipeline does with whole payloads: count items, merge
//! and split them for batching, encode and decode them.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use ottl_jit::exec::Payload;

/// A pipeline's data type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
    Profiles,
}

impl Signal {
    pub const ALL: [Signal; 4] = [Signal::Traces, Signal::Metrics, Signal::Logs, Signal::Profiles];

    /// The name in pipeline ids and telemetry (`traces`, `metrics`, `logs`, `profiles`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Profiles => "profiles",
        }
    }

    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|sig| sig.name() == s)
    }

    /// What one item is called in telemetry (`spans`, `metric_points`, `log_records`, `profiles`).
    pub fn item_name(self) -> &'static str {
        match self {
            Signal::Traces => "spans",
            Signal::Metrics => "metric_points",
            Signal::Logs => "log_records",
            Signal::Profiles => "profiles",
        }
    }

    /// The OTLP/HTTP path of the signal.
    pub fn http_path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/traces",
            Signal::Metrics => "/v1/metrics",
            Signal::Logs => "/v1/logs",
            Signal::Profiles => "/v1development/profiles",
        }
    }

    /// An empty request of this signal.
    pub fn empty(self) -> Payload {
        match self {
            Signal::Traces => Payload::Traces(ExportTraceServiceRequest::default()),
            Signal::Metrics => Payload::Metrics(ExportMetricsServiceRequest::default()),
            Signal::Logs => Payload::Logs(ExportLogsServiceRequest::default()),
            Signal::Profiles => Payload::Profiles(ExportProfilesServiceRequest::default()),
        }
    }

    /// Decodes an OTLP protobuf request of this signal.
    pub fn decode(self, bytes: &[u8]) -> Result<Payload, prost::DecodeError> {
        self.empty().decode_like(bytes)
    }

    /// Decodes an OTLP/JSON request of this signal (`{}` is an empty request).
    pub fn decode_json(self, bytes: &[u8]) -> Result<Payload, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("invalid JSON: {e}"))?;
        let p = match Payload::from_json(text) {
            Ok(p) => p,
            // `{}` (or only empty lists) names no signal; it is an empty request.
            Err(e) => {
                let empty = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
                    .is_ok_and(|m| m.values().all(|v| v.as_array().is_some_and(Vec::is_empty)));
                return if empty { Ok(self.empty()) } else { Err(e) };
            }
        };
        if signal_of(&p) == self {
            Ok(p)
        } else {
            Err(format!("expected OTLP/JSON {}, got {}", self.name(), signal_of(&p).name()))
        }
    }
}

pub fn signal_of(p: &Payload) -> Signal {
    match p {
        Payload::Traces(_) => Signal::Traces,
        Payload::Metrics(_) => Signal::Metrics,
        Payload::Logs(_) => Signal::Logs,
        Payload::Profiles(_) => Signal::Profiles,
    }
}

/// The number of items: spans, data points, log records or profiles (as the Collector counts).
pub fn items(p: &Payload) -> usize {
    match p {
        Payload::Traces(r) => r.resource_spans.iter().map(resource_spans_items).sum(),
        Payload::Metrics(r) => r.resource_metrics.iter().map(resource_metrics_items).sum(),
        Payload::Logs(r) => r.resource_logs.iter().map(resource_logs_items).sum(),
        Payload::Profiles(r) => {
            r.resource_profiles.iter().flat_map(|rp| &rp.scope_profiles).map(|sp| sp.profiles.len()).sum()
        }
    }
}

fn resource_logs_items(r: &ResourceLogs) -> usize {
    r.scope_logs.iter().map(|s| s.log_records.len()).sum()
}

fn resource_spans_items(r: &ResourceSpans) -> usize {
    r.scope_spans.iter().map(|s| s.spans.len()).sum()
}

fn resource_metrics_items(r: &ResourceMetrics) -> usize {
    r.scope_metrics.iter().flat_map(|s| &s.metrics).map(ottl_jit::data_point_count).sum()
}

/// Appends `from`'s resources to `into` (same signal; anything else is ignored). Profiles are
/// not merged: their requests carry a shared dictionary.
pub fn append(into: &mut Payload, from: Payload) {
    match (into, from) {
        (Payload::Traces(a), Payload::Traces(b)) => a.resource_spans.extend(b.resource_spans),
        (Payload::Metrics(a), Payload::Metrics(b)) => a.resource_metrics.extend(b.resource_metrics),
        (Payload::Logs(a), Payload::Logs(b)) => a.resource_logs.extend(b.resource_logs),
        _ => {}
    }
}

/// Moves resources (split at scope and item boundaries) holding at most `n` items from the
/// front of `rest` into a new vector. Resources and scopes that are split are copied.
macro_rules! take_front {
    ($name:ident, $res:ty, $scope:ty, $scopes:ident, $items:ident, $weight:expr) => {
        fn $name(rest: &mut Vec<$res>, mut n: usize) -> Vec<$res> {
            let weight = $weight;
            let mut out = Vec::new();
            let mut whole = 0;
            for r in rest.iter() {
                let w: usize = r.$scopes.iter().flat_map(|s| &s.$items).map(weight).sum();
                if w > n {
                    break;
                }
                n -= w;
                whole += 1;
            }
            out.extend(rest.drain(..whole));
            let Some(r) = rest.first_mut() else { return out };
            if n == 0 {
                return out;
            }
            let mut part = <$res>::default();
            part.resource.clone_from(&r.resource);
            part.schema_url.clone_from(&r.schema_url);
            while n > 0 && !r.$scopes.is_empty() {
                let s = &mut r.$scopes[0];
                let w: usize = s.$items.iter().map(weight).sum();
                if w <= n {
                    n -= w;
                    part.$scopes.push(r.$scopes.remove(0));
                    continue;
                }
                let mut k = 0;
                while k < s.$items.len() && weight(&s.$items[k]) <= n {
                    n -= weight(&s.$items[k]);
                    k += 1;
                }
                // An item heavier than a whole batch goes alone rather than never.
                if k == 0 && part.$scopes.is_empty() && out.is_empty() {
                    k = 1;
                }
                if k > 0 {
                    let mut sp = <$scope>::default();
                    sp.scope.clone_from(&s.scope);
                    sp.schema_url.clone_from(&s.schema_url);
                    sp.$items = s.$items.drain(..k).collect();
                    part.$scopes.push(sp);
                }
                break;
            }
            if !part.$scopes.is_empty() {
                out.push(part);
            }
            out
        }
    };
}

take_front!(take_logs, ResourceLogs, ScopeLogs, scope_logs, log_records, |_: &_| 1usize);
take_front!(take_spans, ResourceSpans, ScopeSpans, scope_spans, spans, |_: &_| 1usize);
take_front!(take_metrics, ResourceMetrics, ScopeMetrics, scope_metrics, metrics, ottl_jit::data_point_count);

/// Splits off at most `n` items from the front of `p` (at resource, scope and item
/// boundaries; a metric's data points are not split). Profiles are never split.
pub fn split_front(p: &mut Payload, n: usize) -> Payload {
    match p {
        Payload::Traces(r) => Payload::Traces(ExportTraceServiceRequest {
            resource_spans: take_spans(&mut r.resource_spans, n),
        }),
        Payload::Metrics(r) => Payload::Metrics(ExportMetricsServiceRequest {
            resource_metrics: take_metrics(&mut r.resource_metrics, n),
        }),
        Payload::Logs(r) => {
            Payload::Logs(ExportLogsServiceRequest { resource_logs: take_logs(&mut r.resource_logs, n) })
        }
        Payload::Profiles(r) => Payload::Profiles(std::mem::take(r)),
    }
}

/// Whether the payload holds no resources at all.
pub fn is_empty(p: &Payload) -> bool {
    match p {
        Payload::Traces(r) => r.resource_spans.is_empty(),
        Payload::Metrics(r) => r.resource_metrics.is_empty(),
        Payload::Logs(r) => r.resource_logs.is_empty(),
        Payload::Profiles(r) => r.resource_profiles.is_empty(),
    }
}
