//! `aggregate_on_attributes(aggregation_function, attributes)` and
//! `aggregate_on_attribute_value(aggregation_function, attribute, values, new_value)` (transform
//! processor, metric context), with upstream's `aggregateutil` semantics:
//!
//! - data points group by their attribute set (compared as Go's `json.Marshal` of the map, so the
//!   int `1` and the double `1.0` agree), their timestamp, and for delta sums and histograms their
//!   start time; histograms also by bounds, `min`/`max` presence and flags, exponential
//!   histograms by scale, flags and bucket offsets;
//! - each group becomes its first point, with the value merged by `sum`, `mean`, `min`, `max`,
//!   `median` or `count` (number points) or summed (histograms, whatever the function), and the
//!   earliest start time;
//! - the metric is rebuilt from its name, description, unit and kind, so its metadata is dropped
//!   and a summary loses its data points (`aggregate_on_attribute_value`; `aggregate_on_attributes`
//!   refuses summaries).
//!
//! Upstream emits the groups in Go's map order, which is random; here they come in the order
//! their first point appeared, one of the orders upstream can produce.
//!
//! Quirks kept from upstream: `count` sets a value only when a group has two or more points; an
//! int `sum`/`mean` adds a double point as 0; histogram merging skips points whose count is 0 and
//! sets `sum` (and `min`/`max` when present) even where the first point had none.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram,
    HistogramDataPoint, Metric, NumberDataPoint, Sum, Summary, exponential_histogram_data_point,
    metric::Data, number_data_point,
};

use crate::interp::{CCall, Error};
use crate::json;
use crate::record::{Item, Record};
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregation {
    Sum,
    Mean,
    Min,
    Max,
    Median,
    Count,
}

impl Aggregation {
    fn parse(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "sum" => Self::Sum,
            "mean" => Self::Mean,
            "min" => Self::Min,
            "max" => Self::Max,
            "median" => Self::Median,
            "count" => Self::Count,
            other => {
                return Err(Error(format!(
                    "invalid aggregation function: 'unsupported function: '{other}'', valid options: sum, mean, min, max, median, count"
                )));
            }
        })
    }
}

pub fn on_attributes(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let aggregation = Aggregation::parse(call.lit_str(0))?;
    let keep = call.is_given(1).then(|| call.str_list(1));
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    if matches!(metric.data, Some(Data::Summary(_))) {
        return Err(Error::new("aggregate_on_attributes does not support aggregating Summary metrics"));
    }
    if let Some(keep) = keep {
        for_each_attributes(metric, |attrs| attrs.retain(|kv| keep.iter().any(|k| **k == kv.key)));
    }
    aggregate(metric, aggregation);
    Ok(())
}

pub fn on_attribute_value(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let aggregation = Aggregation::parse(call.lit_str(0))?;
    let (attribute, values, new_value) = (call.lit_str(1), call.str_list(2), call.lit_str(3));
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    for_each_attributes(metric, |attrs| {
        let Some(value) = attrs.iter_mut().find(|kv| kv.key == attribute) else { return };
        // `Value.Str()` is "" for every non-string value, so "" in the list matches those too.
        let current = match &value.value {
            Some(AnyValue { value: Some(any_value::Value::StringValue(s)) }) => s.as_str(),
            _ => "",
        };
        if values.iter().any(|v| **v == *current) {
            value.value =
                Some(AnyValue { value: Some(any_value::Value::StringValue(new_value.to_string())) });
        }
    });
    aggregate(metric, aggregation);
    Ok(())
}

/// `RangeDataPointAttributes`: every data point's attributes, summaries included.
fn for_each_attributes(metric: &mut Metric, mut f: impl FnMut(&mut Vec<KeyValue>)) {
    match &mut metric.data {
        Some(Data::Gauge(g)) => g.data_points.iter_mut().for_each(|p| f(&mut p.attributes)),
        Some(Data::Sum(s)) => s.data_points.iter_mut().for_each(|p| f(&mut p.attributes)),
        Some(Data::Histogram(h)) => h.data_points.iter_mut().for_each(|p| f(&mut p.attributes)),
        Some(Data::ExponentialHistogram(h)) => {
            h.data_points.iter_mut().for_each(|p| f(&mut p.attributes));
        }
        Some(Data::Summary(s)) => s.data_points.iter_mut().for_each(|p| f(&mut p.attributes)),
        None => {}
    }
}

/// Groups and merges the data points, then rebuilds the metric around them.
fn aggregate(metric: &mut Metric, aggregation: Aggregation) {
    let delta = AggregationTemporality::Delta as i32;
    let data = match metric.data.take() {
        Some(Data::Gauge(g)) => Some(Data::Gauge(Gauge {
            data_points: merge_numbers(group(g.data_points, |p| number_key(p, false)), aggregation),
        })),
        Some(Data::Sum(s)) => {
            let by_start = s.aggregation_temporality == delta;
            let groups = group(s.data_points, |p| number_key(p, by_start));
            Some(Data::Sum(Sum {
                data_points: merge_numbers(groups, aggregation),
                aggregation_temporality: s.aggregation_temporality,
                is_monotonic: s.is_monotonic,
            }))
        }
        Some(Data::Histogram(h)) => {
            let by_start = h.aggregation_temporality == delta;
            let groups = group(h.data_points, |p| histogram_key(p, by_start));
            Some(Data::Histogram(Histogram {
                data_points: groups.into_iter().map(merge_histogram).collect(),
                aggregation_temporality: h.aggregation_temporality,
            }))
        }
        Some(Data::ExponentialHistogram(h)) => {
            let by_start = h.aggregation_temporality == delta;
            let groups = group(h.data_points, |p| exponential_key(p, by_start));
            Some(Data::ExponentialHistogram(ExponentialHistogram {
                data_points: groups.into_iter().map(merge_exponential).collect(),
                aggregation_temporality: h.aggregation_temporality,
            }))
        }
        Some(Data::Summary(_)) => Some(Data::Summary(Summary { data_points: Vec::new() })),
        None => None,
    };
    *metric = Metric {
        name: std::mem::take(&mut metric.name),
        description: std::mem::take(&mut metric.description),
        unit: std::mem::take(&mut metric.unit),
        metadata: Vec::new(),
        data,
    };
}

/// Splits points into groups of equal keys, in the order each key first appears.
fn group<P>(points: Vec<P>, key: impl Fn(&P) -> String) -> Vec<Vec<P>> {
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<P>> = Vec::new();
    for p in points {
        let next = groups.len();
        let i = *index.entry(key(&p)).or_insert(next);
        if i == next {
            groups.push(Vec::new());
        }
        groups[i].push(p);
    }
    groups
}

/// `dataPointHashKey`: the attributes as Go marshals them, the timestamp, and the other parts.
fn key(attributes: &[KeyValue], time: u64, other: &[String]) -> String {
    let mut k = json::marshal(&Value::Map(Cow::Borrowed(attributes)));
    k.push('|');
    k.push_str(&time.to_string());
    for part in other {
        k.push('|');
        k.push_str(part);
    }
    k
}

fn number_key(p: &NumberDataPoint, by_start: bool) -> String {
    let start = if by_start { vec![p.start_time_unix_nano.to_string()] } else { Vec::new() };
    key(&p.attributes, p.time_unix_nano, &start)
}

fn histogram_key(p: &HistogramDataPoint, by_start: bool) -> String {
    let mut parts: Vec<String> = p.explicit_bounds.iter().map(|b| json::float(*b)).collect();
    if by_start {
        parts.push(p.start_time_unix_nano.to_string());
    }
    parts.extend([p.min.is_some().to_string(), p.max.is_some().to_string(), p.flags.to_string()]);
    key(&p.attributes, p.time_unix_nano, &parts)
}

fn exponential_key(p: &ExponentialHistogramDataPoint, by_start: bool) -> String {
    let offset = |b: &Option<exponential_histogram_data_point::Buckets>| {
        b.as_ref().map_or(0, |b| b.offset).to_string()
    };
    let mut parts = vec![
        p.scale.to_string(),
        p.min.is_some().to_string(),
        p.max.is_some().to_string(),
        p.flags.to_string(),
        offset(&p.negative),
        offset(&p.positive),
    ];
    if by_start {
        parts.push(p.start_time_unix_nano.to_string());
    }
    key(&p.attributes, p.time_unix_nano, &parts)
}

fn merge_numbers(groups: Vec<Vec<NumberDataPoint>>, aggregation: Aggregation) -> Vec<NumberDataPoint> {
    groups.into_iter().map(|g| merge_number_group(g, aggregation)).collect()
}

fn merge_number_group(mut points: Vec<NumberDataPoint>, aggregation: Aggregation) -> NumberDataPoint {
    use number_data_point::Value::{AsDouble, AsInt};
    let rest = points.split_off(1);
    let mut dp = points.pop().unwrap_or_default();
    let n = rest.len() + 1;
    #[expect(clippy::cast_precision_loss, reason = "Go's float64(len)")]
    let n_float = n as f64;
    match dp.value {
        Some(AsDouble(first)) => {
            let mut v = first;
            let mut median = vec![first];
            for p in &rest {
                let other = double_val(p);
                match aggregation {
                    Aggregation::Sum | Aggregation::Mean => v += other,
                    Aggregation::Max => v = go_max(v, other),
                    Aggregation::Min => v = go_min(v, other),
                    Aggregation::Median => median.push(other),
                    Aggregation::Count => v = n_float,
                }
                dp.start_time_unix_nano = dp.start_time_unix_nano.min(p.start_time_unix_nano);
            }
            if aggregation == Aggregation::Mean {
                v /= n_float;
            }
            if aggregation == Aggregation::Median {
                // sort.Float64s orders NaN first.
                median.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Less,
                    (false, true) => std::cmp::Ordering::Greater,
                    _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
                });
                let m = median.len() / 2;
                v = if median.len() % 2 == 1 { median[m] } else { f64::midpoint(median[m - 1], median[m]) };
            }
            dp.value = Some(AsDouble(v));
        }
        Some(AsInt(first)) => {
            let mut v = first;
            let mut median = vec![first];
            for p in &rest {
                match aggregation {
                    Aggregation::Sum | Aggregation::Mean => {
                        let other = if let Some(AsInt(i)) = p.value { i } else { 0 };
                        v = v.wrapping_add(other);
                    }
                    Aggregation::Max => v = v.max(int_val(p)),
                    Aggregation::Min => v = v.min(int_val(p)),
                    Aggregation::Median => median.push(int_val(p)),
                    Aggregation::Count => v = i64::try_from(n).unwrap_or(i64::MAX),
                }
                dp.start_time_unix_nano = dp.start_time_unix_nano.min(p.start_time_unix_nano);
            }
            if aggregation == Aggregation::Median {
                median.sort_unstable();
                let m = median.len() / 2;
                v = if median.len() % 2 == 1 { median[m] } else { median[m - 1].wrapping_add(median[m]) / 2 };
            }
            if aggregation == Aggregation::Mean {
                v /= i64::try_from(n).unwrap_or(i64::MAX);
            }
            dp.value = Some(AsInt(v));
        }
        None => {}
    }
    dp
}

fn double_val(p: &NumberDataPoint) -> f64 {
    match p.value {
        Some(number_data_point::Value::AsDouble(d)) => d,
        #[expect(clippy::cast_precision_loss, reason = "Go's float64(int64)")]
        Some(number_data_point::Value::AsInt(i)) => i as f64,
        None => 0.0,
    }
}

fn int_val(p: &NumberDataPoint) -> i64 {
    match p.value {
        Some(number_data_point::Value::AsDouble(d)) => crate::go::float_to_int(d),
        Some(number_data_point::Value::AsInt(i)) => i,
        None => 0,
    }
}

/// Go's `math.Max`: NaN wins.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) }
}

/// Go's `math.Min`: NaN wins.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) }
}

/// Adds `other`'s counts bucket by bucket (upstream indexes past the end and panics where the
/// other point has more buckets; here the extra buckets are dropped).
fn add_counts(into: &mut [u64], other: &[u64]) {
    for (a, b) in into.iter_mut().zip(other) {
        *a = a.wrapping_add(*b);
    }
}

fn merge_histogram(mut points: Vec<HistogramDataPoint>) -> HistogramDataPoint {
    let rest = points.split_off(1);
    let mut dp = points.pop().unwrap_or_default();
    for mut p in rest {
        if p.count == 0 {
            continue;
        }
        dp.count = dp.count.wrapping_add(p.count);
        dp.sum = Some(dp.sum.unwrap_or(0.0) + p.sum.unwrap_or(0.0));
        if dp.min.is_some_and(|m| m > p.min.unwrap_or(0.0)) {
            dp.min = Some(p.min.unwrap_or(0.0));
        }
        if dp.max.is_some_and(|m| m < p.max.unwrap_or(0.0)) {
            dp.max = Some(p.max.unwrap_or(0.0));
        }
        add_counts(&mut dp.bucket_counts, &p.bucket_counts);
        dp.exemplars.append(&mut p.exemplars);
        dp.start_time_unix_nano = dp.start_time_unix_nano.min(p.start_time_unix_nano);
    }
    dp
}

fn merge_exponential(mut points: Vec<ExponentialHistogramDataPoint>) -> ExponentialHistogramDataPoint {
    let rest = points.split_off(1);
    let mut dp = points.pop().unwrap_or_default();
    for mut p in rest {
        if p.count == 0 {
            continue;
        }
        dp.count = dp.count.wrapping_add(p.count);
        dp.sum = Some(dp.sum.unwrap_or(0.0) + p.sum.unwrap_or(0.0));
        if dp.min.is_some_and(|m| m > p.min.unwrap_or(0.0)) {
            dp.min = Some(p.min.unwrap_or(0.0));
        }
        if dp.max.is_some_and(|m| m < p.max.unwrap_or(0.0)) {
            dp.max = Some(p.max.unwrap_or(0.0));
        }
        for (into, from) in [(&mut dp.negative, &p.negative), (&mut dp.positive, &p.positive)] {
            if let (Some(into), Some(from)) = (into.as_mut(), from.as_ref()) {
                add_counts(&mut into.bucket_counts, &from.bucket_counts);
            }
        }
        dp.exemplars.append(&mut p.exemplars);
        dp.start_time_unix_nano = dp.start_time_unix_nano.min(p.start_time_unix_nano);
    }
    dp
}
