//! `Duration(duration)`: Go's `time.ParseDuration` of a string.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    crate::go::parse_duration(&s).map(Value::Duration).map_err(Error)
}
