//! `Int(target)`: an `IntLike` value as an int; nil when it cannot convert.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(call.int_like(0, rec)?.map_or(Value::Nil, Value::Int))
}
