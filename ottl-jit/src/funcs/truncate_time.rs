//! `TruncateTime(time, duration)`: Go's `time.Time.Truncate`.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let t = call.time(0, rec)?;
    let d = call.duration(1, rec)?;
    Ok(Value::Time(crate::time::truncate(t, d)))
}
