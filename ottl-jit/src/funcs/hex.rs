//! `Hex(target)`: lowercase hex of a `ByteSliceLike` value (ints and floats as 8 big-endian bytes).

use std::borrow::Cow;

use crate::interp::args::hex;
use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let bytes = call.byte_slice_like(0, rec)?.unwrap_or_default();
    Ok(Value::Str(Cow::Owned(hex(&bytes))))
}
