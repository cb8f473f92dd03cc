//! `Unix(seconds, nanoseconds)`: Go's `time.Unix`, in UTC.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Time, Value};

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let secs = call.int(0, rec)?;
    let nanos = if call.is_given(1) { call.int(1, rec)? } else { 0 };
    let unix_nanos = secs.wrapping_mul(1_000_000_000).wrapping_add(nanos);
    Ok(Value::Time(Time { unix_nanos, offset_secs: 0 }))
}
