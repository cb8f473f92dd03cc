//! `Trim(target, replacement)`: Go's `strings.Trim` with the characters of `replacement`
//! (default a space) removed from both ends.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let cutset = if call.is_given(1) { call.lit_str(1) } else { " " };
    let s = call.string(0, rec)?;
    let trimmed = s.trim_matches(|c| cutset.contains(c));
    Ok(Value::Str(Cow::Owned(trimmed.to_string())))
}
