//! `Len(target)`: the length of a string (in bytes, Go's `len`), bytes, map, slice or list.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let n = match call.value(0, rec)? {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::Map(m) => m.len(),
        Value::Slice(s) => s.len(),
        Value::List(l) => l.len(),
        other => return Err(Error(format!("unsupported type: {}", other.go_type()))),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}
