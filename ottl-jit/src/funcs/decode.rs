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

/// Go's `base64.{Std,URL,RawStd,RawURL}Encoding.DecodeString`, as text (`go::lossy`).
pub(crate) fn base64(input: &[u8], url: bool, padded: bool) -> Result<String, Error> {
    base64_bytes(input, url, padded).map(|b| crate::go::lossy(&b))
}

/// Go's `base64.{Std,URL,RawStd,RawURL}Encoding.DecodeString`: four digits at a time, `\r` and
/// `\n` skipped anywhere, padding checked, and an error naming the offending input byte.
pub(crate) fn base64_bytes(input: &[u8], url: bool, padded: bool) -> Result<Vec<u8>, Error> {
    let corrupt = |at: usize| Error(format!("illegal base64 data at input byte {at}"));
    let digit = |c: u8| -> Option<u8> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' if !url => 62,
            b'/' if !url => 63,
            b'-' if url => 62,
            b'_' if url => 63,
            _ => return None,
        })
    };
    let newline = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut si = 0;
    loop {
        // One quantum: up to four digits, Go's `decodeQuantum`.
        let mut quad = [0u8; 4];
        let mut len = 4;
        let mut trailing = None;
        let mut j = 0;
        while j < 4 {
            let Some(&c) = input.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                if j == 1 || padded {
                    return Err(corrupt(si - j));
                }
                len = j;
                break;
            };
            si += 1;
            if let Some(v) = digit(c) {
                quad[j] = v;
                j += 1;
                continue;
            }
            if newline(c) {
                continue;
            }
            if c != b'=' || !padded {
                return Err(corrupt(si - 1));
            }
            // Padding: it ends the input.
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    // "==" is needed; the first "=" is read.
                    while input.get(si).copied().is_some_and(newline) {
                        si += 1;
                    }
                    match input.get(si) {
                        None => return Err(corrupt(input.len())),
                        Some(&b'=') => si += 1,
                        Some(_) => return Err(corrupt(si - 1)),
                    }
                }
                _ => {}
            }
            while input.get(si).copied().is_some_and(newline) {
                si += 1;
            }
            if si < input.len() {
                trailing = Some(si);
            }
            len = j;
            break;
        }
        let v = u32::from(quad[0]) << 18
            | u32::from(quad[1]) << 12
            | u32::from(quad[2]) << 6
            | u32::from(quad[3]);
        let bytes = v.to_be_bytes();
        out.extend_from_slice(&bytes[1..len]);
        if let Some(at) = trailing {
            return Err(corrupt(at));
        }
        if len < 4 {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base64_bytes;

    /// Inputs and what Go's `base64.StdEncoding` / `RawStdEncoding` `DecodeString` return
    /// (printed by Go 1.19); `Err(n)` is "illegal base64 data at input byte n".
    #[test]
    fn decodes_as_go() {
        type Want = Result<&'static [u8], usize>;
        let cases: &[(&str, Want, Want)] = &[
            ("aGVs\nbG8=", Ok(b"hello"), Err(8)),
            ("aGVsbG8", Err(4), Ok(b"hello")),
            ("aGVsbG8=\n", Ok(b"hello"), Err(7)),
            ("aGVs bG8=", Err(4), Err(4)),
            ("aGVsbG8=aGk=", Err(8), Err(7)),
            ("aGk=\r\n", Ok(b"hi"), Err(3)),
            ("", Ok(b""), Ok(b"")),
            ("=", Err(0), Err(0)),
            ("a", Err(0), Err(0)),
            ("ab", Err(0), Ok(b"i")),
            ("ab==", Ok(b"i"), Err(2)),
            ("ab=", Err(3), Err(2)),
            ("ab=\n=", Ok(b"i"), Err(2)),
            ("a===", Err(1), Err(1)),
            ("aGk=\nx", Err(5), Err(3)),
        ];
        let show = |r: Result<Vec<u8>, crate::interp::Error>| {
            r.map_err(|e| {
                e.0.trim_start_matches("illegal base64 data at input byte ").parse::<usize>().unwrap_or(999)
            })
        };
        for (input, std, raw) in cases {
            assert_eq!(
                show(base64_bytes(input.as_bytes(), false, true)),
                std.map(<[u8]>::to_vec),
                "std {input:?}"
            );
            assert_eq!(
                show(base64_bytes(input.as_bytes(), false, false)),
                raw.map(<[u8]>::to_vec),
                "raw {input:?}"
            );
        }
    }
}
