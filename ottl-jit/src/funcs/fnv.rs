//! `FNV(target)`: the 64-bit FNV-1a hash of a string, as an int.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let hash =
        s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    Ok(Value::Int(hash.cast_signed()))
}
