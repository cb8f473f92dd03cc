//! `Double(target)`: a `FloatLike` value as a float; nil stays nil. A string that does not parse
//! is an error (upstream's code; its README says nil).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(call.float_like(0, rec)?.map_or(Value::Nil, Value::Float))
}
