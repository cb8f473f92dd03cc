//! The eight OTTL contexts: names, reachable contexts, path schemas and enums.
//!
//! Sources: upstream `pkg/ottl/contexts/ottl*/README.md` and `contexts/internal/ctx*/*.go`, as
//! summarised in `ottl-reference.md` §5.

use crate::kind::Kind;

/// A transform context: which record a statement runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextId {
    Resource,
    Scope,
    Span,
    SpanEvent,
    Metric,
    DataPoint,
    Log,
    Profile,
}

impl ContextId {
    pub const ALL: [ContextId; 8] = [
        Self::Resource,
        Self::Scope,
        Self::Span,
        Self::SpanEvent,
        Self::Metric,
        Self::DataPoint,
        Self::Log,
        Self::Profile,
    ];

    /// The context's name, as written in `context:` and as a path prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::Resource => "resource",
            Self::Scope => "scope",
            Self::Span => "span",
            Self::SpanEvent => "spanevent",
            Self::Metric => "metric",
            Self::DataPoint => "datapoint",
            Self::Log => "log",
            Self::Profile => "profile",
        }
    }

    /// Parses a context name (`instrumentation_scope` is the scope's legacy name).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "resource" => Self::Resource,
            "scope" | "instrumentation_scope" => Self::Scope,
            "span" => Self::Span,
            "spanevent" => Self::SpanEvent,
            "metric" => Self::Metric,
            "datapoint" => Self::DataPoint,
            "log" => Self::Log,
            "profile" => Self::Profile,
            _ => return None,
        })
    }

    /// Names that select a context as the first segment of an unprefixed path (upstream's
    /// `contextParsers`): the context itself and the contexts above it, `scope` included.
    pub fn reachable(self) -> &'static [&'static str] {
        const SCOPE: &[&str] = &["scope", "instrumentation_scope", "resource"];
        match self {
            Self::Resource => &["resource"],
            Self::Scope => SCOPE,
            Self::Span => &["span", "scope", "instrumentation_scope", "resource"],
            Self::SpanEvent => &["spanevent", "span", "scope", "instrumentation_scope", "resource"],
            Self::Metric => &["metric", "scope", "instrumentation_scope", "resource"],
            Self::DataPoint => &["datapoint", "metric", "scope", "instrumentation_scope", "resource"],
            Self::Log => &["log", "scope", "instrumentation_scope", "resource"],
            Self::Profile => &["profile", "scope", "instrumentation_scope", "resource"],
        }
    }

    /// Path prefixes accepted when context names are required (`EnablePathContextNames`). Note:
    /// below the scope, only the legacy `instrumentation_scope` is accepted, not `scope`.
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            Self::Resource => &["resource"],
            Self::Scope => &["scope", "resource"],
            Self::Span => &["span", "resource", "instrumentation_scope"],
            Self::SpanEvent => &["spanevent", "span", "resource", "instrumentation_scope"],
            Self::Metric => &["metric", "instrumentation_scope", "resource"],
            Self::DataPoint => &["datapoint", "metric", "resource", "instrumentation_scope"],
            Self::Log => &["log", "instrumentation_scope", "resource"],
            Self::Profile => &["profile", "instrumentation_scope", "resource"],
        }
    }

    /// The fields of this context's own data (paths through other contexts resolve there).
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::Resource => RESOURCE,
            Self::Scope => SCOPE,
            Self::Span => SPAN,
            Self::SpanEvent => SPAN_EVENT,
            Self::Metric => METRIC,
            Self::DataPoint => DATA_POINT,
            Self::Log => LOG,
            Self::Profile => PROFILE,
        }
    }

    /// The enum symbols this context's parser knows.
    pub fn enums(self) -> &'static [(&'static str, i64)] {
        match self {
            Self::Span | Self::SpanEvent => SPAN_ENUMS,
            Self::Metric => METRIC_ENUMS,
            Self::DataPoint => DATA_POINT_ENUMS,
            Self::Log => SEVERITY_ENUMS,
            Self::Resource | Self::Scope | Self::Profile => &[],
        }
    }

    pub fn enum_value(self, symbol: &str) -> Option<i64> {
        self.enums().iter().find(|(s, _)| *s == symbol).map(|(_, v)| *v)
    }

    /// The upstream documentation page of the context.
    pub fn doc_url(self) -> String {
        format!(
            "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/pkg/ottl/contexts/ottl{}/README.md",
            self.name()
        )
    }
}

/// How a path may be written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Settable {
    /// Set; a value of the wrong kind is silently ignored (upstream's setters).
    Yes,
    /// Setting is an error (`spanevent.event_index`).
    No,
    /// The setter exists and does nothing (`metric.type`).
    Ignored,
}

/// Which keys a path segment takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Keys {
    None,
    /// Any chain of string (map) and int (slice) keys.
    Any,
    /// Exactly one string key (`span.trace_state["k"]`).
    One,
}

/// One path segment of a context's schema.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub settable: Settable,
    pub keys: Keys,
    /// Further segments after a `.` (`body.string`, `status.code`).
    pub children: &'static [Field],
    pub doc: &'static str,
}

const fn f(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field { name, kind, settable: Settable::Yes, keys: Keys::None, children: &[], doc }
}

const fn keyed(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field { name, kind, settable: Settable::Yes, keys: Keys::Any, children: &[], doc }
}

const fn with(name: &'static str, kind: Kind, children: &'static [Field], doc: &'static str) -> Field {
    Field { name, kind, settable: Settable::Yes, keys: Keys::None, children, doc }
}

const HEX_STRING: &[Field] = &[f("string", Kind::String, "the id as lowercase hex; setting parses hex")];

const RESOURCE: &[Field] = &[
    keyed("attributes", Kind::Map, "the resource attributes"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped resource attributes"),
    f("schema_url", Kind::String, "the schema URL of the ResourceSpans/Logs/Metrics/Profiles"),
];

const SCOPE: &[Field] = &[
    f("name", Kind::String, "the instrumentation scope name"),
    f("version", Kind::String, "the instrumentation scope version"),
    keyed("attributes", Kind::Map, "the instrumentation scope attributes"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped scope attributes"),
    f("schema_url", Kind::String, "the schema URL of the ScopeSpans/Logs/Metrics/Profiles"),
];

const SPAN: &[Field] = &[
    with("trace_id", Kind::TraceId, HEX_STRING, "the trace id; set with `TraceID(0x...)`"),
    with("span_id", Kind::SpanId, HEX_STRING, "the span id; set with `SpanID(0x...)`"),
    with("parent_span_id", Kind::SpanId, HEX_STRING, "the parent span id"),
    Field {
        keys: Keys::One,
        ..f("trace_state", Kind::String, "the W3C tracestate; `[\"k\"]` reads one member")
    },
    f("name", Kind::String, "the span name"),
    with(
        "kind",
        Kind::Int,
        &[
            f(
                "string",
                Kind::String,
                "the kind as `Unspecified`, `Internal`, `Server`, `Client`, `Producer` or `Consumer`",
            ),
            f("deprecated_string", Kind::String, "the kind as `SPAN_KIND_SERVER` and the like"),
        ],
        "the span kind; compare with `SPAN_KIND_*`",
    ),
    f("start_time_unix_nano", Kind::Int, "the start time in nanoseconds since the epoch"),
    f("end_time_unix_nano", Kind::Int, "the end time in nanoseconds since the epoch"),
    f("start_time", Kind::Time, "the start time"),
    f("end_time", Kind::Time, "the end time"),
    keyed("attributes", Kind::Map, "the span attributes"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped span attributes"),
    f("events", Kind::Pdata("span event list"), "the span events"),
    f("dropped_events_count", Kind::Int, "the number of dropped events"),
    f("links", Kind::Pdata("span link list"), "the span links"),
    f("dropped_links_count", Kind::Int, "the number of dropped links"),
    with(
        "status",
        Kind::Pdata("span status"),
        &[
            f("code", Kind::Int, "the status code; compare with `STATUS_CODE_*`"),
            f("message", Kind::String, "the status message"),
        ],
        "the span status",
    ),
];

const SPAN_EVENT: &[Field] = &[
    f("name", Kind::String, "the event name"),
    f("time_unix_nano", Kind::Int, "the event time in nanoseconds since the epoch"),
    f("time", Kind::Time, "the event time"),
    keyed("attributes", Kind::Map, "the event attributes"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped event attributes"),
    Field {
        settable: Settable::No,
        ..f("event_index", Kind::Int, "the index of the event in its span (read-only)")
    },
];

const METRIC: &[Field] = &[
    f("name", Kind::String, "the metric name"),
    f("description", Kind::String, "the metric description"),
    f("unit", Kind::String, "the metric unit"),
    Field {
        settable: Settable::Ignored,
        ..f("type", Kind::Int, "the metric type; compare with `METRIC_DATA_TYPE_*` (setting it does nothing)")
    },
    f("aggregation_temporality", Kind::Int, "sum, histogram and exponential histogram temporality"),
    f("is_monotonic", Kind::Bool, "whether a sum is monotonic"),
    f("data_points", Kind::Pdata("data point list"), "the metric's data points"),
];

const BUCKETS: &[Field] =
    &[f("offset", Kind::Int, "the bucket offset"), f("bucket_counts", Kind::List, "the bucket counts")];

const DATA_POINT: &[Field] = &[
    keyed("attributes", Kind::Map, "the data point attributes"),
    f("start_time_unix_nano", Kind::Int, "the start time in nanoseconds since the epoch"),
    f("time_unix_nano", Kind::Int, "the time in nanoseconds since the epoch"),
    f("start_time", Kind::Time, "the start time"),
    f("time", Kind::Time, "the time"),
    f("value_double", Kind::Float, "the value of a double number data point"),
    f("value_int", Kind::Int, "the value of an int number data point"),
    f("exemplars", Kind::Pdata("exemplar list"), "the exemplars"),
    f("flags", Kind::Int, "the data point flags; compare with `FLAG_*`"),
    f("count", Kind::Int, "histogram, exponential histogram and summary count"),
    f("sum", Kind::Float, "histogram, exponential histogram and summary sum"),
    f("bucket_counts", Kind::List, "histogram bucket counts"),
    f("explicit_bounds", Kind::List, "histogram explicit bounds"),
    f("scale", Kind::Int, "exponential histogram scale"),
    f("zero_count", Kind::Int, "exponential histogram zero count"),
    with("positive", Kind::Pdata("buckets"), BUCKETS, "exponential histogram positive buckets"),
    with("negative", Kind::Pdata("buckets"), BUCKETS, "exponential histogram negative buckets"),
    f("quantile_values", Kind::Pdata("quantile list"), "summary quantile values"),
];

const LOG: &[Field] = &[
    f("time_unix_nano", Kind::Int, "the time in nanoseconds since the epoch"),
    f("observed_time_unix_nano", Kind::Int, "the observed time in nanoseconds since the epoch"),
    f("time", Kind::Time, "the time"),
    f("observed_time", Kind::Time, "the observed time"),
    f("severity_number", Kind::Int, "the severity number; compare with `SEVERITY_NUMBER_*`"),
    f("severity_text", Kind::String, "the severity text"),
    Field {
        keys: Keys::Any,
        children: &[f("string", Kind::String, "the body as a string; setting needs a string")],
        ..f("body", Kind::Any, "the log body; `[key]` indexes a map or slice body")
    },
    keyed("attributes", Kind::Map, "the log attributes"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped attributes"),
    f("flags", Kind::Int, "the log flags"),
    with("trace_id", Kind::TraceId, HEX_STRING, "the trace id; set with `TraceID(0x...)`"),
    with("span_id", Kind::SpanId, HEX_STRING, "the span id; set with `SpanID(0x...)`"),
];

const PROFILE: &[Field] = &[
    f("sample_type", Kind::Pdata("value type list"), "the sample types"),
    f("sample", Kind::Pdata("sample list"), "the samples"),
    f("mapping_table", Kind::Pdata("mapping list"), "the mapping table"),
    f("location_table", Kind::Pdata("location list"), "the location table"),
    f("location_indices", Kind::List, "the location indices"),
    f("function_table", Kind::Pdata("function list"), "the function table"),
    f("attribute_table", Kind::Pdata("attribute list"), "the attribute table"),
    f("attribute_units", Kind::Pdata("attribute unit list"), "the attribute units"),
    f("link_table", Kind::Pdata("link list"), "the link table"),
    f("string_table", Kind::List, "the string table"),
    f("time_unix_nano", Kind::Int, "the time in nanoseconds since the epoch"),
    f("time", Kind::Time, "the time"),
    f("duration_unix_nano", Kind::Int, "the duration in nanoseconds"),
    f("duration", Kind::Duration, "the duration"),
    f("period_type", Kind::Pdata("value type"), "the period type"),
    f("period", Kind::Int, "the sampling period"),
    f("comment_string_indices", Kind::List, "the comment string indices"),
    f("default_sample_type_string_index", Kind::Int, "the default sample type string index"),
    with("profile_id", Kind::Bytes, HEX_STRING, "the profile id"),
    f("attribute_indices", Kind::List, "the attribute indices"),
    f("dropped_attributes_count", Kind::Int, "the number of dropped attributes"),
    f("original_payload_format", Kind::String, "the original payload format"),
    f("original_payload", Kind::Bytes, "the original payload"),
];

const SPAN_ENUMS: &[(&str, i64)] = &[
    ("SPAN_KIND_UNSPECIFIED", 0),
    ("SPAN_KIND_INTERNAL", 1),
    ("SPAN_KIND_SERVER", 2),
    ("SPAN_KIND_CLIENT", 3),
    ("SPAN_KIND_PRODUCER", 4),
    ("SPAN_KIND_CONSUMER", 5),
    ("STATUS_CODE_UNSET", 0),
    ("STATUS_CODE_OK", 1),
    ("STATUS_CODE_ERROR", 2),
];

const METRIC_ENUMS: &[(&str, i64)] = &[
    ("AGGREGATION_TEMPORALITY_UNSPECIFIED", 0),
    ("AGGREGATION_TEMPORALITY_DELTA", 1),
    ("AGGREGATION_TEMPORALITY_CUMULATIVE", 2),
    ("METRIC_DATA_TYPE_NONE", 0),
    ("METRIC_DATA_TYPE_GAUGE", 1),
    ("METRIC_DATA_TYPE_SUM", 2),
    ("METRIC_DATA_TYPE_HISTOGRAM", 3),
    ("METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM", 4),
    ("METRIC_DATA_TYPE_SUMMARY", 5),
];

const DATA_POINT_ENUMS: &[(&str, i64)] = &[
    ("AGGREGATION_TEMPORALITY_UNSPECIFIED", 0),
    ("AGGREGATION_TEMPORALITY_DELTA", 1),
    ("AGGREGATION_TEMPORALITY_CUMULATIVE", 2),
    ("METRIC_DATA_TYPE_NONE", 0),
    ("METRIC_DATA_TYPE_GAUGE", 1),
    ("METRIC_DATA_TYPE_SUM", 2),
    ("METRIC_DATA_TYPE_HISTOGRAM", 3),
    ("METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM", 4),
    ("METRIC_DATA_TYPE_SUMMARY", 5),
    ("FLAG_NONE", 0),
    ("FLAG_NO_RECORDED_VALUE", 1),
];

const SEVERITY_ENUMS: &[(&str, i64)] = &[
    ("SEVERITY_NUMBER_UNSPECIFIED", 0),
    ("SEVERITY_NUMBER_TRACE", 1),
    ("SEVERITY_NUMBER_TRACE2", 2),
    ("SEVERITY_NUMBER_TRACE3", 3),
    ("SEVERITY_NUMBER_TRACE4", 4),
    ("SEVERITY_NUMBER_DEBUG", 5),
    ("SEVERITY_NUMBER_DEBUG2", 6),
    ("SEVERITY_NUMBER_DEBUG3", 7),
    ("SEVERITY_NUMBER_DEBUG4", 8),
    ("SEVERITY_NUMBER_INFO", 9),
    ("SEVERITY_NUMBER_INFO2", 10),
    ("SEVERITY_NUMBER_INFO3", 11),
    ("SEVERITY_NUMBER_INFO4", 12),
    ("SEVERITY_NUMBER_WARN", 13),
    ("SEVERITY_NUMBER_WARN2", 14),
    ("SEVERITY_NUMBER_WARN3", 15),
    ("SEVERITY_NUMBER_WARN4", 16),
    ("SEVERITY_NUMBER_ERROR", 17),
    ("SEVERITY_NUMBER_ERROR2", 18),
    ("SEVERITY_NUMBER_ERROR3", 19),
    ("SEVERITY_NUMBER_ERROR4", 20),
    ("SEVERITY_NUMBER_FATAL", 21),
    ("SEVERITY_NUMBER_FATAL2", 22),
    ("SEVERITY_NUMBER_FATAL3", 23),
    ("SEVERITY_NUMBER_FATAL4", 24),
];
