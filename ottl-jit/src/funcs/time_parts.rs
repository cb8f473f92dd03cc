//! `UnixSeconds`, `UnixMilli`, `UnixMicro`, `UnixNano` and the calendar fields `Year`, `Month`,
//! `Day`, `Hour`, `Minute`, `Second`, `Nanosecond`, `Weekday` of a time (in its own zone).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::time::{Parts, parts};
use crate::value::Value;

fn unix<'a>(call: &'a CCall, rec: &'a Record<'_>, per_second: i64) -> Result<Value<'a>, Error> {
    let t = call.time(0, rec)?;
    // Go: seconds * per_second + nanos / (1e9 / per_second), wrapping.
    let sub = i64::from(t.nanos) / (1_000_000_000 / per_second);
    Ok(Value::Int(t.secs.wrapping_mul(per_second).wrapping_add(sub)))
}

pub fn unix_seconds<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    unix(call, rec, 1)
}

pub fn unix_milli<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    unix(call, rec, 1_000)
}

pub fn unix_micro<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    unix(call, rec, 1_000_000)
}

pub fn unix_nano<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    unix(call, rec, 1_000_000_000)
}

fn field<'a>(call: &'a CCall, rec: &'a Record<'_>, f: fn(Parts) -> i64) -> Result<Value<'a>, Error> {
    Ok(Value::Int(f(parts(call.time(0, rec)?))))
}

pub fn year<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.year)
}

pub fn month<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| i64::from(p.month))
}

pub fn day<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| i64::from(p.day))
}

pub fn hour<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.hour)
}

pub fn minute<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.minute)
}

pub fn second<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.second)
}

pub fn nanosecond<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.nanosecond)
}

pub fn weekday<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    field(call, rec, |p| p.weekday)
}
