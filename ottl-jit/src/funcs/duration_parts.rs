//! `Hours`, `Minutes`, `Seconds` (floats) and `Milliseconds`, `Microseconds`, `Nanoseconds`
//! (ints) of a duration, as Go's `time.Duration` methods.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

#[expect(clippy::cast_precision_loss, reason = "Go splits whole and fractional parts the same way")]
fn float_of(d: i64, unit: i64) -> f64 {
    (d / unit) as f64 + (d % unit) as f64 / unit as f64
}

pub fn hours<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Float(float_of(call.duration(0, rec)?, 3_600_000_000_000)))
}

pub fn minutes<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Float(float_of(call.duration(0, rec)?, 60_000_000_000)))
}

pub fn seconds<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Float(float_of(call.duration(0, rec)?, 1_000_000_000)))
}

pub fn milliseconds<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Int(call.duration(0, rec)? / 1_000_000))
}

pub fn microseconds<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Int(call.duration(0, rec)? / 1_000))
}

pub fn nanoseconds<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Int(call.duration(0, rec)?))
}
