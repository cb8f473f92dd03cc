//! `convert_summary_sum_val_to_sum(aggregation_temporality, is_monotonic)` and
//! `convert_summary_count_val_to_sum(...)` (transform processor, datapoint context): for a
//! summary, appends a sum metric `<name>_sum` (double sums) or `<name>_count` (int counts) built
//! from **all** the summary's points. Upstream runs this once per data point, so a summary with
//! N points gets N such metrics; that is kept.

use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Metric, NumberDataPoint, Sum, metric::Data, number_data_point,
};

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};

pub fn sum(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    convert(call, rec, "_sum", |p| number_data_point::Value::AsDouble(p.sum))
}

pub fn count(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    convert(call, rec, "_count", |p| number_data_point::Value::AsInt(p.count.cast_signed()))
}

fn convert(
    call: &CCall,
    rec: &mut Record<'_>,
    suffix: &str,
    value: fn(&opentelemetry_proto::tonic::metrics::v1::SummaryDataPoint) -> number_data_point::Value,
) -> Result<(), Error> {
    let temporality = match call.lit_str(0) {
        "cumulative" => AggregationTemporality::Cumulative,
        "delta" => AggregationTemporality::Delta,
        other => return Err(Error(format!("unknown aggregation temporality: {other}"))),
    };
    let is_monotonic = call.lit_bool(1).unwrap_or(false);
    let (Item::DataPoint { metric, .. } | Item::Metric(metric)) = &rec.item else { return Ok(()) };
    let Some(Data::Summary(summary)) = &metric.data else { return Ok(()) };
    let data_points = summary
        .data_points
        .iter()
        .map(|p| NumberDataPoint {
            attributes: p.attributes.clone(),
            start_time_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            value: Some(value(p)),
            ..NumberDataPoint::default()
        })
        .collect();
    let new = Metric {
        name: format!("{}{suffix}", metric.name),
        description: metric.description.clone(),
        unit: metric.unit.clone(),
        data: Some(Data::Sum(Sum { data_points, aggregation_temporality: temporality as i32, is_monotonic })),
        ..Metric::default()
    };
    rec.appended.push(new);
    Ok(())
}
