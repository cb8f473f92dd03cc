//! `Base64Decode(target)`: standard base64 with padding, decoded to a string.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let bytes = decode(&s).ok_or_else(|| Error::new("illegal base64 data"))?;
    Ok(Value::Str(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())))
}

/// Go's `base64.StdEncoding.DecodeString` (padding required, `\r`/`\n` ignored).
fn decode(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !digits.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() / 4 * 3);
    for (i, chunk) in digits.chunks(4).enumerate() {
        let last = i == digits.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            n = (n << 6) | u32::from(v);
        }
        n <<= 6 * pad;
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Some(out)
}
