//! `String(target)`: a `StringLike` value as a string; nil stays nil.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(call.string_like(0, rec)?.map_or(Value::Nil, Value::Str))
}
