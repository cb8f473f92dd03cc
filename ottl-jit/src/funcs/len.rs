//! `Len(target)`: the length of a string (in bytes, Go's `len`), bytes, map, slice or list, or
//! of a pdata list (`events`, `data_points`, ...).

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::Value;

/// Upstream's error for anything else (nil included).
const TYPE_ERROR: &str = "target arg must be of type string, []any, map[string]any, pcommon.Map, pcommon.Slice, \
                          pcommon.Value (of type String, Map, Slice) or a supported slice type from the plog, \
                          pmetric or ptrace packages";

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let n = if let CArg::PdataList(list) = call.arg(0) {
        list.len(rec).ok_or_else(|| Error::new(TYPE_ERROR))?
    } else {
        match call.value(0, rec)? {
            Value::Str(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::Map(m) => m.len(),
            Value::Slice(s) => s.len(),
            Value::List(l) => l.len(),
            _ => return Err(Error::new(TYPE_ERROR)),
        }
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}
