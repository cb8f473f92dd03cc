//! `Substring(target, start, length)`: byte offsets; out of range is an error.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let start = call.int(1, rec)?;
    let length = call.int(2, rec)?;
    if start < 0 {
        return Err(Error(format!("invalid start for substring function, {start} cannot be negative")));
    }
    if length <= 0 {
        return Err(Error(format!(
            "invalid length for substring function, {length} cannot be negative or zero"
        )));
    }
    let s = call.string(0, rec)?;
    let end = start.saturating_add(length);
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    if end > len {
        return Err(Error(format!(
            "invalid range for substring function, {end} cannot be greater than the length of target string({len})"
        )));
    }
    let (start, end) = (usize::try_from(start).unwrap_or(0), usize::try_from(end).unwrap_or(0));
    let bytes = &s.as_bytes()[start..end];
    Ok(Value::Str(Cow::Owned(crate::go::lossy(bytes))))
}
