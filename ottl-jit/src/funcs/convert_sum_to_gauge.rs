//! `convert_sum_to_gauge()` (transform processor, metric context): a sum becomes a gauge with
//! the same data points; other metrics are left alone.

use opentelemetry_proto::tonic::metrics::v1::{Gauge, metric::Data};

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};

#[expect(clippy::unnecessary_wraps, reason = "every editor has the `EditFn` signature")]
pub fn run(_: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    if let Some(Data::Sum(sum)) = &mut metric.data {
        let data_points = std::mem::take(&mut sum.data_points);
        metric.data = Some(Data::Gauge(Gauge { data_points }));
    }
    Ok(())
}
