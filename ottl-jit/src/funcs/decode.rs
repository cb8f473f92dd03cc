//! `Decode(target, encoding)`: base64 in its four Go variants (`base64`, `base64-raw`,
//! `base64-url`, `base64-raw-url`), or a charset looked up as upstream's
//! `textutils.LookupEncoding` does: `utf-8`, `utf8`, `ascii`, `us-ascii` and `""` are UTF-8
//! (so `us-ascii` passes multi-byte characters through), `utf-16`/`utf16` is little-endian
//! without BOM handling, `nop` passes the bytes through, and any other name is an IANA charset
//! (`ISO-8859-1` as Go's charmap; the rest through `encoding_rs`, whose tables follow the WHATWG
//! encoding standard). Bytes that do not decode become U+FFFD. The name is looked up once, when
//! the call compiles; an unknown one is refused there.

use std::borrow::Cow;

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub use ottl_types::charset::Charset;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let bytes: Cow<'_, [u8]> = match call.value(0, rec)? {
        Value::Str(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
        Value::Str(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
        Value::Bytes(b) => b,
        other => {
            let ty = if matches!(other, Value::Nil) { "<nil>" } else { other.go_type() };
            return Err(Error(format!("unsupported type provided to Decode function: {ty}")));
        }
    };
    let CArg::Charset(charset) = call.arg(1) else {
        return Err(Error(format!("unsupported encoding '{}'", call.lit_str(1))));
    };
    let out = match *charset {
        Charset::Base64 { url, padded } => base64(&bytes, url, padded)?,
        Charset::Utf8 | Charset::Nop => String::from_utf8_lossy(&bytes).into_owned(),
        Charset::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        Charset::Utf16Le => encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes).0.into_owned(),
        Charset::Other(e) => e.decode_without_bom_handling(&bytes).0.into_owned(),
    };
    Ok(Value::Str(Cow::Owned(out)))
}

/// Go's `base64.{Std,URL,RawStd,RawURL}Encoding.DecodeString`, as a (lossy UTF-8) string.
pub(crate) fn base64(input: &[u8], url: bool, padded: bool) -> Result<String, Error> {
    base64_bytes(input, url, padded).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Go's `base64.{Std,URL,RawStd,RawURL}Encoding.DecodeString`.
pub(crate) fn base64_bytes(input: &[u8], url: bool, padded: bool) -> Result<Vec<u8>, Error> {
    let digits: Vec<u8> = input.iter().copied().filter(|b| *b != b'\r' && *b != b'\n').collect();
    let body = if padded {
        if !digits.len().is_multiple_of(4) {
            return Err(Error(format!("illegal base64 data at input byte {}", digits.len() / 4 * 4)));
        }
        let pad = digits.iter().rev().take_while(|b| **b == b'=').count().min(2);
        &digits[..digits.len() - pad]
    } else {
        &digits[..]
    };
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, &c) in body.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' if !url => 62,
            b'/' if !url => 63,
            b'-' if url => 62,
            b'_' if url => 63,
            _ => return Err(Error(format!("illegal base64 data at input byte {i}"))),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
        }
    }
    if body.len() % 4 == 1 {
        return Err(Error(format!("illegal base64 data at input byte {}", body.len() - 1)));
    }
    Ok(out)
}
