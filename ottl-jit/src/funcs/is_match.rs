//! `IsMatch(target, pattern)`: whether the regular expression matches the `StringLike` target
//! (nil is `false`).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let Some(re) = call.regex(1) else { return Ok(Value::Bool(false)) };
    Ok(Value::Bool(call.string_like(0, rec)?.is_some_and(|s| re.is_match(&s))))
}
