//! `convert_gauge_to_sum(aggregation_temporality, is_monotonic)` (transform processor, metric
//! context): a gauge becomes a sum with the data points, temporality (`cumulative`/`delta`) and
//! monotonicity given; other metrics are left alone.

use opentelemetry_proto::tonic::metrics::v1::{AggregationTemporality, Sum, metric::Data};

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let temporality = match call.lit_str(0) {
        "cumulative" => AggregationTemporality::Cumulative,
        "delta" => AggregationTemporality::Delta,
        other => return Err(Error(format!("unknown aggregation temporality: {other}"))),
    };
    let is_monotonic = call.lit_bool(1).unwrap_or(false);
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    if let Some(Data::Gauge(gauge)) = &mut metric.data {
        let data_points = std::mem::take(&mut gauge.data_points);
        metric.data =
            Some(Data::Sum(Sum { data_points, aggregation_temporality: temporality as i32, is_monotonic }));
    }
    Ok(())
}
