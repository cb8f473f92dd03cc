//! `extract_sum_metric(monotonic)` and `extract_count_metric(monotonic)` (transform processor,
//! metric context): from a histogram, exponential histogram or summary, a new sum metric named
//! `<name>_sum` (double points from each point's sum; histogram points without a sum are
//! skipped) or `<name>_count` (int points from each count, unit `1`), with the source's
//! attributes, timestamps, description, unit and temporality (a summary's is cumulative).
//! Appended to the scope only when it has points.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Metric, NumberDataPoint, Sum, metric::Data, number_data_point,
};

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};

pub fn sum(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    extract(call, rec, "extract_sum_metric", "_sum", true)
}

pub fn count(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    extract(call, rec, "extract_count_metric", "_count", false)
}

struct Source<'a> {
    attributes: &'a [KeyValue],
    start: u64,
    time: u64,
    count: u64,
    sum: Option<f64>,
}

fn extract(
    call: &CCall,
    rec: &mut Record<'_>,
    function: &str,
    suffix: &str,
    sums: bool,
) -> Result<(), Error> {
    let monotonic = call.lit_bool(0).unwrap_or(false);
    let Item::Metric(metric) = &rec.item else { return Ok(()) };
    // The three point kinds share these fields under the same names.
    macro_rules! sources {
        ($points:expr, |$p:ident| $sum:expr) => {
            $points
                .iter()
                .map(|$p| Source {
                    attributes: &$p.attributes,
                    start: $p.start_time_unix_nano,
                    time: $p.time_unix_nano,
                    count: $p.count,
                    sum: $sum,
                })
                .collect()
        };
    }
    let (temporality, points): (i32, Vec<Source<'_>>) = match &metric.data {
        Some(Data::Histogram(h)) => (h.aggregation_temporality, sources!(h.data_points, |p| p.sum)),
        Some(Data::ExponentialHistogram(e)) => {
            (e.aggregation_temporality, sources!(e.data_points, |p| p.sum))
        }
        Some(Data::Summary(s)) => {
            (AggregationTemporality::Cumulative as i32, sources!(s.data_points, |p| Some(p.sum)))
        }
        _ => {
            return Err(Error(format!(
                "{function} requires an input metric of type Histogram, ExponentialHistogram or Summary, got {}",
                type_name(metric)
            )));
        }
    };
    let data_points: Vec<NumberDataPoint> = points
        .iter()
        .filter_map(|p| {
            let value = if sums {
                number_data_point::Value::AsDouble(p.sum?)
            } else {
                number_data_point::Value::AsInt(p.count.cast_signed())
            };
            Some(NumberDataPoint {
                attributes: p.attributes.to_vec(),
                start_time_unix_nano: p.start,
                time_unix_nano: p.time,
                value: Some(value),
                ..NumberDataPoint::default()
            })
        })
        .collect();
    if data_points.is_empty() {
        return Ok(());
    }
    let new = Metric {
        name: format!("{}{suffix}", metric.name),
        description: metric.description.clone(),
        // A count has no unit of its own: upstream sets "1".
        unit: if sums { metric.unit.clone() } else { "1".to_string() },
        data: Some(Data::Sum(Sum {
            data_points,
            aggregation_temporality: temporality,
            is_monotonic: monotonic,
        })),
        ..Metric::default()
    };
    rec.appended.push(new);
    Ok(())
}

fn type_name(m: &Metric) -> &'static str {
    match m.data {
        Some(Data::Gauge(_)) => "Gauge",
        Some(Data::Sum(_)) => "Sum",
        Some(Data::Histogram(_)) => "Histogram",
        Some(Data::ExponentialHistogram(_)) => "ExponentialHistogram",
        Some(Data::Summary(_)) => "Summary",
        None => "Empty",
    }
}
