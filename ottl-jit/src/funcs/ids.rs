//! `TraceID(bytes)`, `SpanID(bytes)`: an id from a 16- or 8-byte literal.

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::{Id, Value};

fn bytes<const N: usize>(call: &CCall, what: &str) -> Result<[u8; N], Error> {
    let CArg::Bytes(b) = call.arg(0) else { return Err(Error(format!("{what} needs a bytes literal"))) };
    <[u8; N]>::try_from(b.as_ref()).map_err(|_| Error(format!("{what} must be {N} bytes")))
}

pub fn trace_id<'a>(call: &'a CCall, _: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::TraceId(Id(bytes::<16>(call, "traces ids")?)))
}

pub fn span_id<'a>(call: &'a CCall, _: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::SpanId(Id(bytes::<8>(call, "span ids")?)))
}
