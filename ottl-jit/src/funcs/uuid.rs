//! `UUID()`: a random version 4 UUID, lowercase and hyphenated.

use std::borrow::Cow;

use crate::interp::args::hex;
use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(_: &'a CCall, _: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error(format!("UUID: no randomness available: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(Value::Str(Cow::Owned(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))))
}
