//! Records: one telemetry item with the resource and scope around it, as OTLP protobuf types, and
//! get/set for every path the interpreter supports.
//!
//! A path is compiled once into a [`Field`] (a plain enum: no name lookup per record); reads
//! borrow from the record, writes follow upstream's setters (wrong types are silently ignored,
//! ids parse hex, times take `time.Time`).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::metrics::v1::Metric;
use opentelemetry_proto::tonic::profiles::v1development::Profile;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{Span, span};
use ottl_types::context::ContextId;
use ottl_types::hir::PathRef;

use crate::interp::args::hex;
use crate::record_metrics as metrics;
use crate::record_profiles as profiles;
use crate::value::{Id, Time, Value};

/// The item a statement runs against, with the resource and scope it belongs to.
#[derive(Debug)]
pub struct Record<'r> {
    pub resource: &'r mut Option<Resource>,
    pub resource_schema_url: &'r mut String,
    pub scope: &'r mut Option<InstrumentationScope>,
    pub scope_schema_url: &'r mut String,
    pub item: Item<'r>,
    /// The per-record `cache` map (empty when the record's statements start; its buffer is the
    /// walk's, reused from record to record).
    pub cache: &'r mut Vec<KeyValue>,
    /// Metrics a statement added to this record's scope (`copy_metric`, `extract_sum_metric`):
    /// appended to the scope's metric list once the record is done, so later iterations visit
    /// them, as upstream's loop over a growing slice does.
    pub appended: &'r mut Vec<Metric>,
}

/// The telemetry item itself (none for the resource and scope contexts).
#[derive(Debug)]
pub enum Item<'r> {
    None,
    Log(&'r mut LogRecord),
    Span(&'r mut Span),
    SpanEvent { span: &'r mut Span, index: usize },
    Metric(&'r mut Metric),
    DataPoint { metric: &'r mut Metric, index: usize },
    Profile(&'r mut Profile),
}

/// A path, compiled: which field of which part of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Cache,
    ResourceAttributes,
    ResourceDroppedAttributesCount,
    ResourceSchemaUrl,
    ScopeName,
    ScopeVersion,
    ScopeAttributes,
    ScopeDroppedAttributesCount,
    ScopeSchemaUrl,
    LogTimeUnixNano,
    LogObservedTimeUnixNano,
    LogTime,
    LogObservedTime,
    LogSeverityNumber,
    LogSeverityText,
    LogBody,
    LogBodyString,
    LogAttributes,
    LogDroppedAttributesCount,
    LogFlags,
    LogTraceId,
    LogTraceIdString,
    LogSpanId,
    LogSpanIdString,
    SpanTraceId,
    SpanTraceIdString,
    SpanSpanId,
    SpanSpanIdString,
    SpanParentSpanId,
    SpanParentSpanIdString,
    SpanTraceState,
    SpanName,
    SpanKind,
    SpanKindString,
    SpanKindDeprecatedString,
    SpanStartTimeUnixNano,
    SpanEndTimeUnixNano,
    SpanStartTime,
    SpanEndTime,
    SpanAttributes,
    SpanDroppedAttributesCount,
    SpanDroppedEventsCount,
    SpanDroppedLinksCount,
    SpanStatusCode,
    SpanStatusMessage,
    EventName,
    EventTimeUnixNano,
    EventTime,
    EventAttributes,
    EventDroppedAttributesCount,
    EventIndex,
    MetricName,
    MetricDescription,
    MetricUnit,
    MetricType,
    MetricAggregationTemporality,
    MetricIsMonotonic,
    DpAttributes,
    DpStartTimeUnixNano,
    DpTimeUnixNano,
    DpStartTime,
    DpTime,
    DpValueDouble,
    DpValueInt,
    DpFlags,
    DpCount,
    DpSum,
    DpBucketCounts,
    DpExplicitBounds,
    DpScale,
    DpZeroCount,
    DpPositiveOffset,
    DpPositiveBucketCounts,
    DpNegativeOffset,
    DpNegativeBucketCounts,
    ProfileTimeUnixNano,
    ProfileTime,
    ProfileDurationUnixNano,
    ProfileDuration,
    ProfilePeriod,
    ProfileId,
    ProfileIdString,
    ProfileDroppedAttributesCount,
    ProfileOriginalPayloadFormat,
    ProfileOriginalPayload,
    ProfileAttributeIndices,
}

impl Field {
    /// The record's own maps, which [`Record::map_mut`] changes in place and whose value is
    /// always a map (the body's map is a value of the body, not one of them).
    pub fn is_record_map(self) -> bool {
        matches!(
            self,
            Field::LogAttributes
                | Field::SpanAttributes
                | Field::EventAttributes
                | Field::DpAttributes
                | Field::ResourceAttributes
                | Field::ScopeAttributes
                | Field::Cache
        )
    }

    /// Compiles a bound path; `Err` names a path this backend does not execute yet.
    pub fn compile(p: &PathRef) -> Result<Field, String> {
        if p.cache {
            return Ok(Field::Cache);
        }
        let names: Vec<&str> = p.fields.iter().map(|f| f.name).collect();
        let field = match (p.context, names.as_slice()) {
            (ContextId::Resource, ["attributes"]) => Field::ResourceAttributes,
            (ContextId::Resource, ["dropped_attributes_count"]) => Field::ResourceDroppedAttributesCount,
            (ContextId::Resource, ["schema_url"]) => Field::ResourceSchemaUrl,
            (ContextId::Scope, ["name"]) => Field::ScopeName,
            (ContextId::Scope, ["version"]) => Field::ScopeVersion,
            (ContextId::Scope, ["attributes"]) => Field::ScopeAttributes,
            (ContextId::Scope, ["dropped_attributes_count"]) => Field::ScopeDroppedAttributesCount,
            (ContextId::Scope, ["schema_url"]) => Field::ScopeSchemaUrl,
            (ContextId::Log, ["time_unix_nano"]) => Field::LogTimeUnixNano,
            (ContextId::Log, ["observed_time_unix_nano"]) => Field::LogObservedTimeUnixNano,
            (ContextId::Log, ["time"]) => Field::LogTime,
            (ContextId::Log, ["observed_time"]) => Field::LogObservedTime,
            (ContextId::Log, ["severity_number"]) => Field::LogSeverityNumber,
            (ContextId::Log, ["severity_text"]) => Field::LogSeverityText,
            (ContextId::Log, ["body"]) => Field::LogBody,
            (ContextId::Log, ["body", "string"]) => Field::LogBodyString,
            (ContextId::Log, ["attributes"]) => Field::LogAttributes,
            (ContextId::Log, ["dropped_attributes_count"]) => Field::LogDroppedAttributesCount,
            (ContextId::Log, ["flags"]) => Field::LogFlags,
            (ContextId::Log, ["trace_id"]) => Field::LogTraceId,
            (ContextId::Log, ["trace_id", "string"]) => Field::LogTraceIdString,
            (ContextId::Log, ["span_id"]) => Field::LogSpanId,
            (ContextId::Log, ["span_id", "string"]) => Field::LogSpanIdString,
            (ContextId::Span, ["trace_id"]) => Field::SpanTraceId,
            (ContextId::Span, ["trace_id", "string"]) => Field::SpanTraceIdString,
            (ContextId::Span, ["span_id"]) => Field::SpanSpanId,
            (ContextId::Span, ["span_id", "string"]) => Field::SpanSpanIdString,
            (ContextId::Span, ["parent_span_id"]) => Field::SpanParentSpanId,
            (ContextId::Span, ["parent_span_id", "string"]) => Field::SpanParentSpanIdString,
            (ContextId::Span, ["trace_state"]) => Field::SpanTraceState,
            (ContextId::Span, ["name"]) => Field::SpanName,
            (ContextId::Span, ["kind"]) => Field::SpanKind,
            (ContextId::Span, ["kind", "string"]) => Field::SpanKindString,
            (ContextId::Span, ["kind", "deprecated_string"]) => Field::SpanKindDeprecatedString,
            (ContextId::Span, ["start_time_unix_nano"]) => Field::SpanStartTimeUnixNano,
            (ContextId::Span, ["end_time_unix_nano"]) => Field::SpanEndTimeUnixNano,
            (ContextId::Span, ["start_time"]) => Field::SpanStartTime,
            (ContextId::Span, ["end_time"]) => Field::SpanEndTime,
            (ContextId::Span, ["attributes"]) => Field::SpanAttributes,
            (ContextId::Span, ["dropped_attributes_count"]) => Field::SpanDroppedAttributesCount,
            (ContextId::Span, ["dropped_events_count"]) => Field::SpanDroppedEventsCount,
            (ContextId::Span, ["dropped_links_count"]) => Field::SpanDroppedLinksCount,
            (ContextId::Span, ["status", "code"]) => Field::SpanStatusCode,
            (ContextId::Span, ["status", "message"]) => Field::SpanStatusMessage,
            (ContextId::SpanEvent, ["name"]) => Field::EventName,
            (ContextId::SpanEvent, ["time_unix_nano"]) => Field::EventTimeUnixNano,
            (ContextId::SpanEvent, ["time"]) => Field::EventTime,
            (ContextId::SpanEvent, ["attributes"]) => Field::EventAttributes,
            (ContextId::SpanEvent, ["dropped_attributes_count"]) => Field::EventDroppedAttributesCount,
            (ContextId::SpanEvent, ["event_index"]) => Field::EventIndex,
            (ContextId::Metric, ["name"]) => Field::MetricName,
            (ContextId::Metric, ["description"]) => Field::MetricDescription,
            (ContextId::Metric, ["unit"]) => Field::MetricUnit,
            (ContextId::Metric, ["type"]) => Field::MetricType,
            (ContextId::Metric, ["aggregation_temporality"]) => Field::MetricAggregationTemporality,
            (ContextId::Metric, ["is_monotonic"]) => Field::MetricIsMonotonic,
            (ContextId::DataPoint, ["attributes"]) => Field::DpAttributes,
            (ContextId::DataPoint, ["start_time_unix_nano"]) => Field::DpStartTimeUnixNano,
            (ContextId::DataPoint, ["time_unix_nano"]) => Field::DpTimeUnixNano,
            (ContextId::DataPoint, ["start_time"]) => Field::DpStartTime,
            (ContextId::DataPoint, ["time"]) => Field::DpTime,
            (ContextId::DataPoint, ["value_double"]) => Field::DpValueDouble,
            (ContextId::DataPoint, ["value_int"]) => Field::DpValueInt,
            (ContextId::DataPoint, ["flags"]) => Field::DpFlags,
            (ContextId::DataPoint, ["count"]) => Field::DpCount,
            (ContextId::DataPoint, ["sum"]) => Field::DpSum,
            (ContextId::DataPoint, ["bucket_counts"]) => Field::DpBucketCounts,
            (ContextId::DataPoint, ["explicit_bounds"]) => Field::DpExplicitBounds,
            (ContextId::DataPoint, ["scale"]) => Field::DpScale,
            (ContextId::DataPoint, ["zero_count"]) => Field::DpZeroCount,
            (ContextId::DataPoint, ["positive", "offset"]) => Field::DpPositiveOffset,
            (ContextId::DataPoint, ["positive", "bucket_counts"]) => Field::DpPositiveBucketCounts,
            (ContextId::DataPoint, ["negative", "offset"]) => Field::DpNegativeOffset,
            (ContextId::DataPoint, ["negative", "bucket_counts"]) => Field::DpNegativeBucketCounts,
            (ContextId::Profile, ["time_unix_nano"]) => Field::ProfileTimeUnixNano,
            (ContextId::Profile, ["time"]) => Field::ProfileTime,
            (ContextId::Profile, ["duration_unix_nano"]) => Field::ProfileDurationUnixNano,
            (ContextId::Profile, ["duration"]) => Field::ProfileDuration,
            (ContextId::Profile, ["period"]) => Field::ProfilePeriod,
            (ContextId::Profile, ["profile_id"]) => Field::ProfileId,
            (ContextId::Profile, ["profile_id", "string"]) => Field::ProfileIdString,
            (ContextId::Profile, ["dropped_attributes_count"]) => Field::ProfileDroppedAttributesCount,
            (ContextId::Profile, ["original_payload_format"]) => Field::ProfileOriginalPayloadFormat,
            (ContextId::Profile, ["original_payload"]) => Field::ProfileOriginalPayload,
            (ContextId::Profile, ["attribute_indices"]) => Field::ProfileAttributeIndices,
            (ctx, names) => return Err(not_executed(ctx, names)),
        };
        Ok(field)
    }

    /// Whether the field belongs to a data point.
    pub fn is_data_point(self) -> bool {
        matches!(
            self,
            Field::DpAttributes
                | Field::DpStartTimeUnixNano
                | Field::DpTimeUnixNano
                | Field::DpStartTime
                | Field::DpTime
                | Field::DpValueDouble
                | Field::DpValueInt
                | Field::DpFlags
                | Field::DpCount
                | Field::DpSum
                | Field::DpBucketCounts
                | Field::DpExplicitBounds
                | Field::DpScale
                | Field::DpZeroCount
                | Field::DpPositiveOffset
                | Field::DpPositiveBucketCounts
                | Field::DpNegativeOffset
                | Field::DpNegativeBucketCounts
        )
    }

    /// Whether the field belongs to a profile.
    pub fn is_profile(self) -> bool {
        matches!(
            self,
            Field::ProfileTimeUnixNano
                | Field::ProfileTime
                | Field::ProfileDurationUnixNano
                | Field::ProfileDuration
                | Field::ProfilePeriod
                | Field::ProfileId
                | Field::ProfileIdString
                | Field::ProfileDroppedAttributesCount
                | Field::ProfileOriginalPayloadFormat
                | Field::ProfileOriginalPayload
                | Field::ProfileAttributeIndices
        )
    }

    /// Whether the field is a map (or `body`) that keys index.
    pub fn is_indexable(self) -> bool {
        matches!(
            self,
            Field::Cache
                | Field::ResourceAttributes
                | Field::ScopeAttributes
                | Field::LogAttributes
                | Field::LogBody
                | Field::SpanAttributes
                | Field::EventAttributes
                | Field::DpAttributes
        )
    }
}

/// Why a path could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError(pub String);

const EMPTY_MAP: &[KeyValue] = &[];

fn time(nanos: u64) -> Value<'static> {
    Value::Time(Time::from_unix_nanos(nanos.cast_signed()))
}

fn id16(b: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    if b.len() == 16 {
        out.copy_from_slice(b);
    }
    out
}

fn id8(b: &[u8]) -> [u8; 8] {
    let mut out = [0; 8];
    if b.len() == 8 {
        out.copy_from_slice(b);
    }
    out
}

/// Parses an id's hex form as upstream's `ParseTraceID`/`ParseSpanID`: the length is checked
/// first (`what` names the id in that message), then each byte, with Go's `encoding/hex` error.
pub(crate) fn parse_hex<const N: usize>(s: &str, what: &str) -> Result<[u8; N], PathError> {
    if s.len() / 2 != N {
        return Err(PathError(format!("{what} ids must be {} hex characters", N * 2)));
    }
    let mut out = [0; N];
    let bytes = s.as_bytes();
    for (i, o) in out.iter_mut().enumerate() {
        let digit = |b: u8| {
            (b as char).to_digit(16).map(|d| d as u8).ok_or_else(|| {
                PathError(format!(
                    "encoding/hex: invalid byte: U+{:04X} {}",
                    b,
                    crate::go::quote_rune(b as char)
                ))
            })
        };
        *o = digit(bytes[i * 2])? << 4 | digit(bytes[i * 2 + 1])?;
    }
    if s.len() % 2 == 1 {
        return Err(PathError("encoding/hex: odd length hex string".into()));
    }
    Ok(out)
}

/// The hex form of an id as upstream prints it: the fixed-size array, so an empty id is zeros.
fn id_hex<const N: usize>(b: &[u8]) -> String {
    let mut out = [0u8; N];
    if b.len() == N {
        out.copy_from_slice(b);
    }
    hex(&out)
}

const KIND_NAMES: [&str; 6] = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
const KIND_DEPRECATED: [&str; 6] = [
    "SPAN_KIND_UNSPECIFIED",
    "SPAN_KIND_INTERNAL",
    "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",
    "SPAN_KIND_PRODUCER",
    "SPAN_KIND_CONSUMER",
];

fn kind_name(kind: i32, names: &[&'static str; 6]) -> &'static str {
    usize::try_from(kind).ok().and_then(|k| names.get(k)).copied().unwrap_or("")
}

fn u32_of(i: i64) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "Go's uint32(int64) conversion"
    )]
    let v = i as u32;
    v
}

/// Why the interpreter cannot compile the path of these field names.
fn not_executed(ctx: ContextId, names: &[&str]) -> String {
    let path = names.join(".");
    let name = ctx.name();
    if PdataList::named(ctx, names).is_some() {
        format!(
            "the path `{path}` of the {name} context is a pdata list, which the interpreter runs only as the \
             argument of `Len` or `IsList`"
        )
    } else {
        format!("the interpreter does not execute the path `{path}` of the {name} context yet")
    }
}

/// A pdata list a path names (`events`, `data_points`, ...): upstream hands it out as its own
/// pdata type (`ptrace.SpanEventSlice`, ...), which no OTTL value converts to or from, so what a
/// statement can do with one is count it (`Len`) or ask whether it is a list (`IsList`). The
/// interpreter compiles such a path only as the argument of those two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdataList {
    SpanEvents,
    SpanLinks,
    DataPoints,
    Exemplars,
    QuantileValues,
}

impl PdataList {
    /// The list a path names, if it names one (without keys: indexing a pdata list is not
    /// something upstream does either).
    pub fn compile(p: &PathRef) -> Option<PdataList> {
        if p.cache || !p.keys.is_empty() {
            return None;
        }
        let names: Vec<&str> = p.fields.iter().map(|f| f.name).collect();
        Self::named(p.context, &names)
    }

    /// The list the path of these field names in this context is.
    fn named(context: ContextId, names: &[&str]) -> Option<PdataList> {
        Some(match (context, names) {
            (ContextId::Span, ["events"]) => PdataList::SpanEvents,
            (ContextId::Span, ["links"]) => PdataList::SpanLinks,
            (ContextId::Metric, ["data_points"]) => PdataList::DataPoints,
            (ContextId::DataPoint, ["exemplars"]) => PdataList::Exemplars,
            (ContextId::DataPoint, ["quantile_values"]) => PdataList::QuantileValues,
            _ => return None,
        })
    }

    /// The list's length; `None` where upstream's getter reads nil (a metric without data, a
    /// summary point's exemplars, another point's quantile values).
    pub fn len(self, rec: &Record<'_>) -> Option<usize> {
        let (metric, index) = match &rec.item {
            Item::Span(s) | Item::SpanEvent { span: s, .. } => {
                return match self {
                    PdataList::SpanEvents => Some(s.events.len()),
                    PdataList::SpanLinks => Some(s.links.len()),
                    _ => None,
                };
            }
            Item::Metric(m) => (&**m, None),
            Item::DataPoint { metric, index } => (&**metric, Some(*index)),
            _ => return None,
        };
        match (self, index) {
            (PdataList::DataPoints, _) => metric.data.is_some().then(|| metrics::data_point_count(metric)),
            (PdataList::Exemplars, Some(i)) => metrics::exemplar_count(metric, i),
            (PdataList::QuantileValues, Some(i)) => metrics::quantile_count(metric, i),
            _ => None,
        }
    }
}

impl Record<'_> {
    fn log(&self) -> Option<&LogRecord> {
        match &self.item {
            Item::Log(l) => Some(l),
            _ => None,
        }
    }

    fn span(&self) -> Option<&Span> {
        match &self.item {
            Item::Span(s) | Item::SpanEvent { span: s, .. } => Some(s),
            _ => None,
        }
    }

    fn event(&self) -> Option<(&span::Event, usize)> {
        match &self.item {
            Item::SpanEvent { span, index } => span.events.get(*index).map(|e| (e, *index)),
            _ => None,
        }
    }

    /// The record as OTLP/JSON (resource, scope, item and `cache`), for tracing what a
    /// statement changed. Not for the hot path: it serializes everything.
    pub fn snapshot(&self) -> serde_json::Value {
        use serde_json::{Value as J, json, to_value};
        let item = match &self.item {
            Item::None => J::Null,
            Item::Log(l) => to_value(&**l).unwrap_or(J::Null),
            Item::Span(s) => to_value(&**s).unwrap_or(J::Null),
            Item::SpanEvent { span, index } => {
                span.events.get(*index).and_then(|e| to_value(e).ok()).unwrap_or(J::Null)
            }
            Item::Metric(m) | Item::DataPoint { metric: m, .. } => to_value(&**m).unwrap_or(J::Null),
            Item::Profile(p) => to_value(&**p).unwrap_or(J::Null),
        };
        json!({
            "resource": to_value(&*self.resource).unwrap_or(J::Null),
            "scope": to_value(&*self.scope).unwrap_or(J::Null),
            "item": item,
            "cache": to_value(&*self.cache).unwrap_or(J::Null),
        })
    }

    /// The value of a field, before keys.
    pub fn get(&self, field: Field) -> Value<'_> {
        let none = || Value::Nil;
        let resource = self.resource.as_ref();
        let scope = self.scope.as_ref();
        match field {
            Field::Cache => Value::Map(Cow::Borrowed(self.cache.as_slice())),
            Field::ResourceAttributes => {
                Value::Map(Cow::Borrowed(resource.map_or(EMPTY_MAP, |r| r.attributes.as_slice())))
            }
            Field::ResourceDroppedAttributesCount => {
                Value::Int(resource.map_or(0, |r| i64::from(r.dropped_attributes_count)))
            }
            Field::ResourceSchemaUrl => Value::Str(Cow::Borrowed(self.resource_schema_url)),
            Field::ScopeName => Value::Str(Cow::Borrowed(scope.map_or("", |s| s.name.as_str()))),
            Field::ScopeVersion => Value::Str(Cow::Borrowed(scope.map_or("", |s| s.version.as_str()))),
            Field::ScopeAttributes => {
                Value::Map(Cow::Borrowed(scope.map_or(EMPTY_MAP, |s| s.attributes.as_slice())))
            }
            Field::ScopeDroppedAttributesCount => {
                Value::Int(scope.map_or(0, |s| i64::from(s.dropped_attributes_count)))
            }
            Field::ScopeSchemaUrl => Value::Str(Cow::Borrowed(self.scope_schema_url)),
            Field::LogTimeUnixNano
            | Field::LogObservedTimeUnixNano
            | Field::LogTime
            | Field::LogObservedTime
            | Field::LogSeverityNumber
            | Field::LogSeverityText
            | Field::LogBody
            | Field::LogBodyString
            | Field::LogAttributes
            | Field::LogDroppedAttributesCount
            | Field::LogFlags
            | Field::LogTraceId
            | Field::LogTraceIdString
            | Field::LogSpanId
            | Field::LogSpanIdString => self.log().map_or_else(none, |l| log_get(l, field)),
            Field::EventName
            | Field::EventTimeUnixNano
            | Field::EventTime
            | Field::EventAttributes
            | Field::EventDroppedAttributesCount
            | Field::EventIndex => self.event().map_or_else(none, |(e, i)| event_get(e, i, field)),
            Field::MetricName
            | Field::MetricDescription
            | Field::MetricUnit
            | Field::MetricType
            | Field::MetricAggregationTemporality
            | Field::MetricIsMonotonic => match &self.item {
                Item::Metric(m) | Item::DataPoint { metric: m, .. } => metrics::metric_get(m, field),
                _ => Value::Nil,
            },
            _ if field.is_data_point() => match &self.item {
                Item::DataPoint { metric, index } => metrics::dp_get(metric, *index, field),
                _ => Value::Nil,
            },
            _ if field.is_profile() => match &self.item {
                Item::Profile(p) => profiles::get(p, field),
                _ => Value::Nil,
            },
            _ => self.span().map_or_else(none, |s| span_get(s, field)),
        }
    }

    /// Sets a field (before keys) with upstream's setter rules.
    pub fn set(&mut self, field: Field, v: &Value<'_>) -> Result<(), PathError> {
        match field {
            Field::Cache => {
                if let Some(m) = as_map(v) {
                    *self.cache = m;
                }
            }
            Field::ResourceAttributes => {
                if let Some(m) = as_map(v) {
                    self.resource.get_or_insert_default().attributes = m;
                }
            }
            Field::ResourceDroppedAttributesCount => {
                if let Value::Int(i) = v {
                    self.resource.get_or_insert_default().dropped_attributes_count = u32_of(*i);
                }
            }
            Field::ResourceSchemaUrl => {
                if let Value::Str(s) = v {
                    *self.resource_schema_url = s.to_string();
                }
            }
            Field::ScopeName | Field::ScopeVersion | Field::ScopeSchemaUrl => {
                if let Value::Str(s) = v {
                    let s = s.to_string();
                    match field {
                        Field::ScopeName => self.scope.get_or_insert_default().name = s,
                        Field::ScopeVersion => self.scope.get_or_insert_default().version = s,
                        _ => *self.scope_schema_url = s,
                    }
                }
            }
            Field::ScopeAttributes => {
                if let Some(m) = as_map(v) {
                    self.scope.get_or_insert_default().attributes = m;
                }
            }
            Field::ScopeDroppedAttributesCount => {
                if let Value::Int(i) = v {
                    self.scope.get_or_insert_default().dropped_attributes_count = u32_of(*i);
                }
            }
            _ => match &mut self.item {
                Item::Log(l) => log_set(l, field, v)?,
                Item::Span(s) => span_set(s, field, v)?,
                Item::SpanEvent { span, index } => {
                    if field == Field::EventIndex {
                        return Err(PathError("cannot set event_index".into()));
                    }
                    match span.events.get_mut(*index) {
                        Some(e) if is_event_field(field) => event_set(e, field, v),
                        _ => span_set(span, field, v)?,
                    }
                }
                Item::Metric(m) => metrics::metric_set(m, field, v),
                Item::DataPoint { metric, index } if field.is_data_point() => {
                    metrics::dp_set(metric, *index, field, v);
                }
                Item::DataPoint { metric, .. } => metrics::metric_set(metric, field, v),
                Item::Profile(p) => profiles::set(p, field, v)?,
                Item::None => {}
            },
        }
        Ok(())
    }

    /// The pairs of one of the record's own maps ([`Field::is_record_map`]), read without
    /// building a value; an absent resource or scope reads as an empty map, as [`Record::get`]
    /// does. `None` for any other field, or a record without that map.
    pub fn map(&self, field: Field) -> Option<&[KeyValue]> {
        match field {
            Field::Cache => Some(self.cache.as_slice()),
            Field::ResourceAttributes => Some(self.resource.as_ref().map_or(EMPTY_MAP, |r| &r.attributes)),
            Field::ScopeAttributes => Some(self.scope.as_ref().map_or(EMPTY_MAP, |s| &s.attributes)),
            Field::LogAttributes => self.log().map(|l| l.attributes.as_slice()),
            Field::SpanAttributes => self.span().map(|s| s.attributes.as_slice()),
            Field::EventAttributes => self.event().map(|(e, _)| e.attributes.as_slice()),
            Field::DpAttributes => match &self.item {
                Item::DataPoint { metric, index } => metrics::attributes(metric, *index),
                _ => None,
            },
            _ => None,
        }
    }

    /// The map at a map field, for editors that change it in place (`delete_key`, `keep_keys`).
    pub fn map_mut(&mut self, field: Field) -> Option<&mut Vec<KeyValue>> {
        match field {
            Field::Cache => return Some(&mut *self.cache),
            Field::ResourceAttributes => return Some(&mut self.resource.get_or_insert_default().attributes),
            Field::ScopeAttributes => return Some(&mut self.scope.get_or_insert_default().attributes),
            _ => {}
        }
        match (&mut self.item, field) {
            (Item::Log(l), Field::LogAttributes) => Some(&mut l.attributes),
            (Item::Log(l), Field::LogBody) => match &mut l.body {
                Some(AnyValue { value: Some(any_value::Value::KvlistValue(m)) }) => Some(&mut m.values),
                _ => None,
            },
            (Item::Span(s) | Item::SpanEvent { span: s, .. }, Field::SpanAttributes) => {
                Some(&mut s.attributes)
            }
            (Item::SpanEvent { span, index }, Field::EventAttributes) => {
                Some(&mut span.events.get_mut(*index)?.attributes)
            }
            (Item::DataPoint { metric, index }, Field::DpAttributes) => {
                metrics::attributes_mut(metric, *index)
            }
            _ => None,
        }
    }

    /// The value slot at a keyed field's root, for setting through keys: a map field is wrapped
    /// as the first key's container; `body` is the slot itself.
    pub fn body_mut(&mut self) -> Option<&mut AnyValue> {
        match &mut self.item {
            Item::Log(l) => Some(l.body.get_or_insert_default()),
            _ => None,
        }
    }
}

fn is_event_field(f: Field) -> bool {
    matches!(
        f,
        Field::EventName
            | Field::EventTimeUnixNano
            | Field::EventTime
            | Field::EventAttributes
            | Field::EventDroppedAttributesCount
    )
}

fn as_map(v: &Value<'_>) -> Option<Vec<KeyValue>> {
    match v {
        Value::Map(m) => Some(m.to_vec()),
        _ => None,
    }
}

fn log_get(l: &LogRecord, field: Field) -> Value<'_> {
    match field {
        Field::LogTimeUnixNano => Value::Int(l.time_unix_nano.cast_signed()),
        Field::LogObservedTimeUnixNano => Value::Int(l.observed_time_unix_nano.cast_signed()),
        Field::LogTime => time(l.time_unix_nano),
        Field::LogObservedTime => time(l.observed_time_unix_nano),
        Field::LogSeverityNumber => Value::Int(i64::from(l.severity_number)),
        Field::LogSeverityText => Value::Str(Cow::Borrowed(&l.severity_text)),
        Field::LogBody => l.body.as_ref().map_or(Value::Nil, Value::from_any),
        Field::LogBodyString => {
            Value::Str(l.body.as_ref().map_or(Cow::Borrowed(""), crate::json::any_as_string))
        }
        Field::LogAttributes => Value::Map(Cow::Borrowed(&l.attributes)),
        Field::LogDroppedAttributesCount => Value::Int(i64::from(l.dropped_attributes_count)),
        Field::LogFlags => Value::Int(i64::from(l.flags)),
        Field::LogTraceId => Value::TraceId(Id(id16(&l.trace_id))),
        Field::LogTraceIdString => Value::Str(Cow::Owned(id_hex::<16>(&l.trace_id))),
        Field::LogSpanId => Value::SpanId(Id(id8(&l.span_id))),
        Field::LogSpanIdString => Value::Str(Cow::Owned(id_hex::<8>(&l.span_id))),
        _ => Value::Nil,
    }
}

fn set_time(slot: &mut u64, v: &Value<'_>) {
    if let Value::Time(t) = v {
        *slot = t.unix_nanos().cast_unsigned();
    }
}

fn set_u64(slot: &mut u64, v: &Value<'_>) {
    if let Value::Int(i) = v {
        *slot = i.cast_unsigned();
    }
}

fn set_u32(slot: &mut u32, v: &Value<'_>) {
    if let Value::Int(i) = v {
        *slot = u32_of(*i);
    }
}

fn set_string(slot: &mut String, v: &Value<'_>) {
    if let Value::Str(s) = v {
        s.as_ref().clone_into(slot);
    }
}

fn set_trace_id(slot: &mut Vec<u8>, v: &Value<'_>) {
    if let Value::TraceId(id) = v {
        *slot = id.to_vec();
    }
}

fn set_span_id(slot: &mut Vec<u8>, v: &Value<'_>) {
    if let Value::SpanId(id) = v {
        *slot = id.to_vec();
    }
}

fn set_trace_id_string(slot: &mut Vec<u8>, v: &Value<'_>) -> Result<(), PathError> {
    if let Value::Str(s) = v {
        let id = parse_hex::<16>(s, "trace")?;
        *slot = id.to_vec();
    }
    Ok(())
}

fn set_span_id_string(slot: &mut Vec<u8>, v: &Value<'_>) -> Result<(), PathError> {
    if let Value::Str(s) = v {
        let id = parse_hex::<8>(s, "span")?;
        *slot = id.to_vec();
    }
    Ok(())
}

fn log_set(l: &mut LogRecord, field: Field, v: &Value<'_>) -> Result<(), PathError> {
    match field {
        Field::LogTimeUnixNano => set_u64(&mut l.time_unix_nano, v),
        Field::LogObservedTimeUnixNano => set_u64(&mut l.observed_time_unix_nano, v),
        Field::LogTime => set_time(&mut l.time_unix_nano, v),
        Field::LogObservedTime => set_time(&mut l.observed_time_unix_nano, v),
        Field::LogSeverityNumber => {
            if let Value::Int(i) = v {
                #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64) conversion")]
                let n = *i as i32;
                l.severity_number = n;
            }
        }
        Field::LogSeverityText => set_string(&mut l.severity_text, v),
        Field::LogBody => {
            if let Some(any) = v.to_any() {
                l.body = Some(any);
            }
        }
        Field::LogBodyString => {
            if let Value::Str(s) = v {
                l.body = Some(AnyValue { value: Some(any_value::Value::StringValue(s.to_string())) });
            }
        }
        Field::LogAttributes => {
            if let Some(m) = as_map(v) {
                l.attributes = m;
            }
        }
        Field::LogDroppedAttributesCount => set_u32(&mut l.dropped_attributes_count, v),
        Field::LogFlags => set_u32(&mut l.flags, v),
        Field::LogTraceId => set_trace_id(&mut l.trace_id, v),
        Field::LogTraceIdString => set_trace_id_string(&mut l.trace_id, v)?,
        Field::LogSpanId => set_span_id(&mut l.span_id, v),
        Field::LogSpanIdString => set_span_id_string(&mut l.span_id, v)?,
        _ => {}
    }
    Ok(())
}

fn span_get(s: &Span, field: Field) -> Value<'_> {
    match field {
        Field::SpanTraceId => Value::TraceId(Id(id16(&s.trace_id))),
        Field::SpanTraceIdString => Value::Str(Cow::Owned(id_hex::<16>(&s.trace_id))),
        Field::SpanSpanId => Value::SpanId(Id(id8(&s.span_id))),
        Field::SpanSpanIdString => Value::Str(Cow::Owned(id_hex::<8>(&s.span_id))),
        Field::SpanParentSpanId => Value::SpanId(Id(id8(&s.parent_span_id))),
        Field::SpanParentSpanIdString => Value::Str(Cow::Owned(id_hex::<8>(&s.parent_span_id))),
        Field::SpanTraceState => Value::Str(Cow::Borrowed(&s.trace_state)),
        Field::SpanName => Value::Str(Cow::Borrowed(&s.name)),
        Field::SpanKind => Value::Int(i64::from(s.kind)),
        Field::SpanKindString => Value::Str(Cow::Borrowed(kind_name(s.kind, &KIND_NAMES))),
        Field::SpanKindDeprecatedString => Value::Str(Cow::Borrowed(kind_name(s.kind, &KIND_DEPRECATED))),
        Field::SpanStartTimeUnixNano => Value::Int(s.start_time_unix_nano.cast_signed()),
        Field::SpanEndTimeUnixNano => Value::Int(s.end_time_unix_nano.cast_signed()),
        Field::SpanStartTime => time(s.start_time_unix_nano),
        Field::SpanEndTime => time(s.end_time_unix_nano),
        Field::SpanAttributes => Value::Map(Cow::Borrowed(&s.attributes)),
        Field::SpanDroppedAttributesCount => Value::Int(i64::from(s.dropped_attributes_count)),
        Field::SpanDroppedEventsCount => Value::Int(i64::from(s.dropped_events_count)),
        Field::SpanDroppedLinksCount => Value::Int(i64::from(s.dropped_links_count)),
        Field::SpanStatusCode => Value::Int(s.status.as_ref().map_or(0, |st| i64::from(st.code))),
        Field::SpanStatusMessage => {
            Value::Str(Cow::Borrowed(s.status.as_ref().map_or("", |st| st.message.as_str())))
        }
        _ => Value::Nil,
    }
}

fn span_set(s: &mut Span, field: Field, v: &Value<'_>) -> Result<(), PathError> {
    match field {
        Field::SpanTraceId => set_trace_id(&mut s.trace_id, v),
        Field::SpanTraceIdString => set_trace_id_string(&mut s.trace_id, v)?,
        Field::SpanSpanId => set_span_id(&mut s.span_id, v),
        Field::SpanSpanIdString => set_span_id_string(&mut s.span_id, v)?,
        Field::SpanParentSpanId => set_span_id(&mut s.parent_span_id, v),
        Field::SpanParentSpanIdString => set_span_id_string(&mut s.parent_span_id, v)?,
        Field::SpanTraceState => set_string(&mut s.trace_state, v),
        Field::SpanName => set_string(&mut s.name, v),
        Field::SpanKind => {
            if let Value::Int(i) = v {
                #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64) conversion")]
                let k = *i as i32;
                s.kind = k;
            }
        }
        Field::SpanKindString | Field::SpanKindDeprecatedString => {
            if let Value::Str(name) = v {
                let names = if field == Field::SpanKindString { &KIND_NAMES } else { &KIND_DEPRECATED };
                let k = names
                    .iter()
                    .position(|n| *n == name.as_ref())
                    .ok_or_else(|| PathError(format!("unknown span kind string, {name}")))?;
                s.kind = i32::try_from(k).unwrap_or_default();
            }
        }
        Field::SpanStartTimeUnixNano => set_u64(&mut s.start_time_unix_nano, v),
        Field::SpanEndTimeUnixNano => set_u64(&mut s.end_time_unix_nano, v),
        Field::SpanStartTime => set_time(&mut s.start_time_unix_nano, v),
        Field::SpanEndTime => set_time(&mut s.end_time_unix_nano, v),
        Field::SpanAttributes => {
            if let Some(m) = as_map(v) {
                s.attributes = m;
            }
        }
        Field::SpanDroppedAttributesCount => set_u32(&mut s.dropped_attributes_count, v),
        Field::SpanDroppedEventsCount => set_u32(&mut s.dropped_events_count, v),
        Field::SpanDroppedLinksCount => set_u32(&mut s.dropped_links_count, v),
        Field::SpanStatusCode => {
            if let Value::Int(i) = v {
                #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64) conversion")]
                let c = *i as i32;
                s.status.get_or_insert_default().code = c;
            }
        }
        Field::SpanStatusMessage => {
            if let Value::Str(m) = v {
                s.status.get_or_insert_default().message = m.to_string();
            }
        }
        _ => {}
    }
    Ok(())
}

fn event_get(e: &span::Event, index: usize, field: Field) -> Value<'_> {
    match field {
        Field::EventName => Value::Str(Cow::Borrowed(&e.name)),
        Field::EventTimeUnixNano => Value::Int(e.time_unix_nano.cast_signed()),
        Field::EventTime => time(e.time_unix_nano),
        Field::EventAttributes => Value::Map(Cow::Borrowed(&e.attributes)),
        Field::EventDroppedAttributesCount => Value::Int(i64::from(e.dropped_attributes_count)),
        Field::EventIndex => Value::Int(i64::try_from(index).unwrap_or(i64::MAX)),
        _ => Value::Nil,
    }
}

fn event_set(e: &mut span::Event, field: Field, v: &Value<'_>) {
    match field {
        Field::EventName => set_string(&mut e.name, v),
        Field::EventTimeUnixNano => set_u64(&mut e.time_unix_nano, v),
        Field::EventTime => set_time(&mut e.time_unix_nano, v),
        Field::EventAttributes => {
            if let Some(m) = as_map(v) {
                e.attributes = m;
            }
        }
        Field::EventDroppedAttributesCount => set_u32(&mut e.dropped_attributes_count, v),
        _ => {}
    }
}
