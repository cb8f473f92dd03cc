//! Metric and data point paths: upstream's `ctxmetric` and `ctxdatapoint` getters and setters.
//! A field that does not apply to the data point's kind (`count` on a gauge point) reads as nil
//! and ignores sets, as upstream's type switches do.

use std::borrow::Cow;

use opentelemetry_proto::tonic::metrics::v1::{
    ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint, SummaryDataPoint,
    exponential_histogram_data_point::Buckets, metric::Data, number_data_point,
};

use crate::record::Field;
use crate::value::{Time, Value};

/// One data point of a metric, by kind.
enum Dp<'a> {
    Number(&'a NumberDataPoint),
    Histogram(&'a HistogramDataPoint),
    Exponential(&'a ExponentialHistogramDataPoint),
    Summary(&'a SummaryDataPoint),
}

enum DpMut<'a> {
    Number(&'a mut NumberDataPoint),
    Histogram(&'a mut HistogramDataPoint),
    Exponential(&'a mut ExponentialHistogramDataPoint),
    Summary(&'a mut SummaryDataPoint),
}

fn dp(metric: &Metric, i: usize) -> Option<Dp<'_>> {
    Some(match metric.data.as_ref()? {
        Data::Gauge(g) => Dp::Number(g.data_points.get(i)?),
        Data::Sum(s) => Dp::Number(s.data_points.get(i)?),
        Data::Histogram(h) => Dp::Histogram(h.data_points.get(i)?),
        Data::ExponentialHistogram(e) => Dp::Exponential(e.data_points.get(i)?),
        Data::Summary(s) => Dp::Summary(s.data_points.get(i)?),
    })
}

fn dp_mut(metric: &mut Metric, i: usize) -> Option<DpMut<'_>> {
    Some(match metric.data.as_mut()? {
        Data::Gauge(g) => DpMut::Number(g.data_points.get_mut(i)?),
        Data::Sum(s) => DpMut::Number(s.data_points.get_mut(i)?),
        Data::Histogram(h) => DpMut::Histogram(h.data_points.get_mut(i)?),
        Data::ExponentialHistogram(e) => DpMut::Exponential(e.data_points.get_mut(i)?),
        Data::Summary(s) => DpMut::Summary(s.data_points.get_mut(i)?),
    })
}

/// The number of data points of a metric.
pub fn data_point_count(metric: &Metric) -> usize {
    match &metric.data {
        Some(Data::Gauge(g)) => g.data_points.len(),
        Some(Data::Sum(s)) => s.data_points.len(),
        Some(Data::Histogram(h)) => h.data_points.len(),
        Some(Data::ExponentialHistogram(e)) => e.data_points.len(),
        Some(Data::Summary(s)) => s.data_points.len(),
        None => 0,
    }
}

/// How many exemplars the metric's data point `i` has; `None` for a summary point, which has
/// none to count (upstream's `exemplars` reads nil there).
pub fn exemplar_count(metric: &Metric, i: usize) -> Option<usize> {
    match dp(metric, i)? {
        Dp::Number(p) => Some(p.exemplars.len()),
        Dp::Histogram(p) => Some(p.exemplars.len()),
        Dp::Exponential(p) => Some(p.exemplars.len()),
        Dp::Summary(_) => None,
    }
}

/// How many quantile values the metric's data point `i` has; `None` unless it is a summary
/// point.
pub fn quantile_count(metric: &Metric, i: usize) -> Option<usize> {
    match dp(metric, i)? {
        Dp::Summary(p) => Some(p.quantile_values.len()),
        _ => None,
    }
}

fn time(nanos: u64) -> Value<'static> {
    Value::Time(Time::from_unix_nanos(nanos.cast_signed()))
}

fn u64_int(n: u64) -> Value<'static> {
    Value::Int(n.cast_signed())
}

fn counts(c: &[u64]) -> Value<'static> {
    Value::List(c.iter().map(|n| u64_int(*n)).collect())
}

/// A metric field.
pub fn metric_get(m: &Metric, field: Field) -> Value<'_> {
    match field {
        Field::MetricName => Value::Str(Cow::Borrowed(&m.name)),
        Field::MetricDescription => Value::Str(Cow::Borrowed(&m.description)),
        Field::MetricUnit => Value::Str(Cow::Borrowed(&m.unit)),
        Field::MetricType => Value::Int(match &m.data {
            None => 0,
            Some(Data::Gauge(_)) => 1,
            Some(Data::Sum(_)) => 2,
            Some(Data::Histogram(_)) => 3,
            Some(Data::ExponentialHistogram(_)) => 4,
            Some(Data::Summary(_)) => 5,
        }),
        Field::MetricAggregationTemporality => match &m.data {
            Some(Data::Sum(s)) => Value::Int(i64::from(s.aggregation_temporality)),
            Some(Data::Histogram(h)) => Value::Int(i64::from(h.aggregation_temporality)),
            Some(Data::ExponentialHistogram(e)) => Value::Int(i64::from(e.aggregation_temporality)),
            _ => Value::Nil,
        },
        Field::MetricIsMonotonic => match &m.data {
            Some(Data::Sum(s)) => Value::Bool(s.is_monotonic),
            _ => Value::Nil,
        },
        _ => Value::Nil,
    }
}

fn i32_of(i: i64) -> i32 {
    #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64) conversion")]
    let v = i as i32;
    v
}

/// Sets a metric field (`type` is ignored, as upstream).
pub fn metric_set(m: &mut Metric, field: Field, v: &Value<'_>) {
    match (field, v) {
        (Field::MetricName, Value::Str(s)) => s.as_ref().clone_into(&mut m.name),
        (Field::MetricDescription, Value::Str(s)) => s.as_ref().clone_into(&mut m.description),
        (Field::MetricUnit, Value::Str(s)) => s.as_ref().clone_into(&mut m.unit),
        (Field::MetricAggregationTemporality, Value::Int(i)) => match &mut m.data {
            Some(Data::Sum(s)) => s.aggregation_temporality = i32_of(*i),
            Some(Data::Histogram(h)) => h.aggregation_temporality = i32_of(*i),
            Some(Data::ExponentialHistogram(e)) => e.aggregation_temporality = i32_of(*i),
            _ => {}
        },
        (Field::MetricIsMonotonic, Value::Bool(b)) => {
            if let Some(Data::Sum(s)) = &mut m.data {
                s.is_monotonic = *b;
            }
        }
        _ => {}
    }
}

/// A data point's attributes.
pub fn attributes(m: &Metric, i: usize) -> Option<&[opentelemetry_proto::tonic::common::v1::KeyValue]> {
    Some(match dp(m, i)? {
        Dp::Number(d) => &d.attributes,
        Dp::Histogram(d) => &d.attributes,
        Dp::Exponential(d) => &d.attributes,
        Dp::Summary(d) => &d.attributes,
    })
}

/// The attributes of a data point.
pub fn attributes_mut(
    m: &mut Metric,
    i: usize,
) -> Option<&mut Vec<opentelemetry_proto::tonic::common::v1::KeyValue>> {
    Some(match dp_mut(m, i)? {
        DpMut::Number(d) => &mut d.attributes,
        DpMut::Histogram(d) => &mut d.attributes,
        DpMut::Exponential(d) => &mut d.attributes,
        DpMut::Summary(d) => &mut d.attributes,
    })
}

/// A data point field.
pub fn dp_get(metric: &Metric, index: usize, field: Field) -> Value<'_> {
    let Some(point) = dp(metric, index) else { return Value::Nil };
    let (attributes, start, at, flags) = match &point {
        Dp::Number(p) => (&p.attributes, p.start_time_unix_nano, p.time_unix_nano, p.flags),
        Dp::Histogram(p) => (&p.attributes, p.start_time_unix_nano, p.time_unix_nano, p.flags),
        Dp::Exponential(p) => (&p.attributes, p.start_time_unix_nano, p.time_unix_nano, p.flags),
        Dp::Summary(p) => (&p.attributes, p.start_time_unix_nano, p.time_unix_nano, p.flags),
    };
    match (field, &point) {
        (Field::DpAttributes, _) => Value::Map(Cow::Borrowed(attributes)),
        (Field::DpStartTimeUnixNano, _) => u64_int(start),
        (Field::DpTimeUnixNano, _) => u64_int(at),
        (Field::DpStartTime, _) => time(start),
        (Field::DpTime, _) => time(at),
        (Field::DpFlags, _) => Value::Int(i64::from(flags)),
        (Field::DpValueDouble, Dp::Number(n)) => Value::Float(match n.value {
            Some(number_data_point::Value::AsDouble(f)) => f,
            _ => 0.0,
        }),
        (Field::DpValueInt, Dp::Number(n)) => Value::Int(match n.value {
            Some(number_data_point::Value::AsInt(i)) => i,
            _ => 0,
        }),
        (Field::DpCount, Dp::Histogram(h)) => u64_int(h.count),
        (Field::DpCount, Dp::Exponential(e)) => u64_int(e.count),
        (Field::DpCount, Dp::Summary(s)) => u64_int(s.count),
        (Field::DpSum, Dp::Histogram(h)) => Value::Float(h.sum.unwrap_or_default()),
        (Field::DpSum, Dp::Exponential(e)) => Value::Float(e.sum.unwrap_or_default()),
        (Field::DpSum, Dp::Summary(s)) => Value::Float(s.sum),
        (Field::DpBucketCounts, Dp::Histogram(h)) => counts(&h.bucket_counts),
        (Field::DpExplicitBounds, Dp::Histogram(h)) => {
            Value::List(h.explicit_bounds.iter().map(|f| Value::Float(*f)).collect())
        }
        (Field::DpScale, Dp::Exponential(e)) => Value::Int(i64::from(e.scale)),
        (Field::DpZeroCount, Dp::Exponential(e)) => u64_int(e.zero_count),
        (Field::DpPositiveOffset, Dp::Exponential(e)) => {
            Value::Int(i64::from(e.positive.as_ref().map_or(0, |b| b.offset)))
        }
        (Field::DpPositiveBucketCounts, Dp::Exponential(e)) => {
            counts(e.positive.as_ref().map_or(&[][..], |b| b.bucket_counts.as_slice()))
        }
        (Field::DpNegativeOffset, Dp::Exponential(e)) => {
            Value::Int(i64::from(e.negative.as_ref().map_or(0, |b| b.offset)))
        }
        (Field::DpNegativeBucketCounts, Dp::Exponential(e)) => {
            counts(e.negative.as_ref().map_or(&[][..], |b| b.bucket_counts.as_slice()))
        }
        _ => Value::Nil,
    }
}

/// Sets a data point field with upstream's rules (wrong kinds and types are ignored).
pub fn dp_set(metric: &mut Metric, index: usize, field: Field, v: &Value<'_>) {
    let Some(mut point) = dp_mut(metric, index) else { return };
    let (start, at, flags) = match &mut point {
        DpMut::Number(p) => (&mut p.start_time_unix_nano, &mut p.time_unix_nano, &mut p.flags),
        DpMut::Histogram(p) => (&mut p.start_time_unix_nano, &mut p.time_unix_nano, &mut p.flags),
        DpMut::Exponential(p) => (&mut p.start_time_unix_nano, &mut p.time_unix_nano, &mut p.flags),
        DpMut::Summary(p) => (&mut p.start_time_unix_nano, &mut p.time_unix_nano, &mut p.flags),
    };
    match (field, v) {
        (Field::DpStartTimeUnixNano, Value::Int(n)) => *start = n.cast_unsigned(),
        (Field::DpTimeUnixNano, Value::Int(n)) => *at = n.cast_unsigned(),
        (Field::DpStartTime, Value::Time(x)) => *start = x.unix_nanos().cast_unsigned(),
        (Field::DpTime, Value::Time(x)) => *at = x.unix_nanos().cast_unsigned(),
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "Go's uint32(int64)")]
        (Field::DpFlags, Value::Int(n)) => *flags = *n as u32,
        _ => set_kind_field(point, field, v),
    }
}

fn set_kind_field(d: DpMut<'_>, field: Field, v: &Value<'_>) {
    match (field, d, v) {
        (Field::DpAttributes, DpMut::Number(d), Value::Map(m)) => d.attributes = m.to_vec(),
        (Field::DpAttributes, DpMut::Histogram(d), Value::Map(m)) => d.attributes = m.to_vec(),
        (Field::DpAttributes, DpMut::Exponential(d), Value::Map(m)) => d.attributes = m.to_vec(),
        (Field::DpAttributes, DpMut::Summary(d), Value::Map(m)) => d.attributes = m.to_vec(),
        (Field::DpValueDouble, DpMut::Number(n), Value::Float(f)) => {
            n.value = Some(number_data_point::Value::AsDouble(*f));
        }
        (Field::DpValueInt, DpMut::Number(n), Value::Int(i)) => {
            n.value = Some(number_data_point::Value::AsInt(*i));
        }
        (Field::DpCount, DpMut::Histogram(h), Value::Int(c)) => h.count = c.cast_unsigned(),
        (Field::DpCount, DpMut::Exponential(e), Value::Int(c)) => e.count = c.cast_unsigned(),
        (Field::DpCount, DpMut::Summary(s), Value::Int(c)) => s.count = c.cast_unsigned(),
        (Field::DpSum, DpMut::Histogram(h), Value::Float(f)) => h.sum = Some(*f),
        (Field::DpSum, DpMut::Exponential(e), Value::Float(f)) => e.sum = Some(*f),
        (Field::DpSum, DpMut::Summary(s), Value::Float(f)) => s.sum = *f,
        // `bucket_counts`, `explicit_bounds` and the exponential buckets' counts take only Go
        // `[]uint64`/`[]float64` upstream, which no OTTL literal or converter produces: a list
        // literal is `[]any`, so these sets are ignored (reading one of these paths and setting
        // it back is the only way upstream changes them; that case is not modelled yet).
        #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64)")]
        (Field::DpScale, DpMut::Exponential(e), Value::Int(s)) => e.scale = *s as i32,
        (Field::DpZeroCount, DpMut::Exponential(e), Value::Int(z)) => e.zero_count = z.cast_unsigned(),
        #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64)")]
        (Field::DpPositiveOffset, DpMut::Exponential(e), Value::Int(o)) => {
            e.positive.get_or_insert_with(Buckets::default).offset = *o as i32;
        }
        #[expect(clippy::cast_possible_truncation, reason = "Go's int32(int64)")]
        (Field::DpNegativeOffset, DpMut::Exponential(e), Value::Int(o)) => {
            e.negative.get_or_insert_with(Buckets::default).offset = *o as i32;
        }
        _ => {}
    }
}

/// Whether `test` holds for the attributes of any data point of the metric.
pub fn any_attributes(
    metric: &Metric,
    test: &dyn Fn(&[opentelemetry_proto::tonic::common::v1::KeyValue]) -> bool,
) -> bool {
    (0..data_point_count(metric)).any(|i| match dp(metric, i) {
        Some(Dp::Number(p)) => test(&p.attributes),
        Some(Dp::Histogram(p)) => test(&p.attributes),
        Some(Dp::Exponential(p)) => test(&p.attributes),
        Some(Dp::Summary(p)) => test(&p.attributes),
        None => false,
    })
}
