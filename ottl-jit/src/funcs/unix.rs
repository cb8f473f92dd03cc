//! `Unix(seconds, nanoseconds)`: Go's `time.Unix`, in UTC.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Time, Value};

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let secs = call.int(0, rec)?;
    let nanos = if call.is_given(1) { call.int(1, rec)? } else { 0 };
    Ok(Value::Time(Time { secs, nanos: 0, ..Time::from_unix_nanos(0) }.add_duration(nanos)))
}
