//! `scale_metric(multiplier, unit)` (transform processor, metric context): multiplies gauge and
//! sum values (ints through float64, truncated back) and a histogram's sum, min, max and bounds;
//! sets the unit when given. Other metric kinds are an error.

use opentelemetry_proto::tonic::metrics::v1::{NumberDataPoint, metric::Data, number_data_point};

use crate::interp::{CArg, CCall, Error};
use crate::record::{Item, Record};

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let factor = match call.arg(0) {
        CArg::Float(f) => *f,
        _ => return Ok(()),
    };
    let unit = if call.is_given(1) { Some(call.string(1, rec)?.into_owned()) } else { None };
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    match &mut metric.data {
        Some(Data::Gauge(g)) => scale_numbers(&mut g.data_points, factor),
        Some(Data::Sum(s)) => scale_numbers(&mut s.data_points, factor),
        Some(Data::Histogram(h)) => {
            for dp in &mut h.data_points {
                dp.sum = dp.sum.map(|s| s * factor);
                dp.min = dp.min.map(|m| m * factor);
                dp.max = dp.max.map(|m| m * factor);
                for b in &mut dp.explicit_bounds {
                    *b *= factor;
                }
            }
        }
        Some(Data::ExponentialHistogram(_)) => {
            return Err(Error::new("unsupported metric type: ExponentialHistogram"));
        }
        Some(Data::Summary(_)) => return Err(Error::new("unsupported metric type: Summary")),
        None => return Err(Error::new("unsupported metric type: Empty")),
    }
    if let Some(unit) = unit {
        metric.unit = unit;
    }
    Ok(())
}

fn scale_numbers(points: &mut [NumberDataPoint], factor: f64) {
    for dp in points {
        dp.value = match dp.value {
            #[expect(clippy::cast_precision_loss, reason = "Go's int64(float64(v) * f)")]
            Some(number_data_point::Value::AsInt(i)) => {
                Some(number_data_point::Value::AsInt(crate::go::float_to_int(i as f64 * factor)))
            }
            Some(number_data_point::Value::AsDouble(d)) => {
                Some(number_data_point::Value::AsDouble(d * factor))
            }
            None => None,
        };
    }
}
