//! Go's string forms of values: `pcommon.Value.AsString` and `encoding/json.Marshal` (sorted map
//! keys, HTML-safe escaping, ES6-style floats), which `StringLike` getters and `String()` produce.

use std::borrow::Cow;
use std::fmt::Write;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::value::Value;

/// `pcommon.Value.AsString()`.
pub fn any_as_string(v: &AnyValue) -> Cow<'_, str> {
    match &v.value {
        None => Cow::Borrowed(""),
        Some(any_value::Value::StringValue(s)) => Cow::Borrowed(s),
        Some(any_value::Value::BoolValue(b)) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Some(any_value::Value::IntValue(i)) => Cow::Owned(i.to_string()),
        Some(any_value::Value::DoubleValue(f)) => Cow::Owned(float(*f)),
        Some(any_value::Value::BytesValue(b)) => Cow::Owned(base64(b)),
        Some(any_value::Value::ArrayValue(_) | any_value::Value::KvlistValue(_)) => {
            let mut out = String::new();
            any(&mut out, v);
            Cow::Owned(out)
        }
        Some(any_value::Value::StringValueStrindex(_)) => Cow::Borrowed(""),
    }
}

/// `json.Marshal` of a value as upstream holds it (`[]byte` as base64, ids as arrays of numbers).
pub fn marshal(v: &Value<'_>) -> String {
    let mut out = String::new();
    value(&mut out, v);
    out
}

fn value(out: &mut String, v: &Value<'_>) {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Duration(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float(*f)),
        Value::Str(s) => string(out, s),
        Value::Bytes(b) => string(out, &base64(b)),
        Value::Map(m) => map(out, m),
        Value::Slice(s) => {
            out.push('[');
            for (i, item) in s.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                any(out, item);
            }
            out.push(']');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(out, item);
            }
            out.push(']');
        }
        Value::Time(t) => string(out, &crate::time::rfc3339_nano(*t)),
        Value::TraceId(id) => numbers(out, &id.0),
        Value::SpanId(id) => numbers(out, &id.0),
    }
}

fn numbers(out: &mut String, bytes: &[u8]) {
    out.push('[');
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{b}");
    }
    out.push(']');
}

fn map(out: &mut String, m: &[KeyValue]) {
    // Go marshals `map[string]any` with sorted keys; a repeated key keeps its first value, the
    // one `pcommon.Map.Get` reads.
    let mut entries: Vec<&KeyValue> = Vec::with_capacity(m.len());
    for kv in m {
        if !entries.iter().any(|e| e.key == kv.key) {
            entries.push(kv);
        }
    }
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    out.push('{');
    for (i, kv) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, &kv.key);
        out.push(':');
        match &kv.value {
            Some(v) => any(out, v),
            None => out.push_str("null"),
        }
    }
    out.push('}');
}

fn any(out: &mut String, v: &AnyValue) {
    match &v.value {
        None | Some(any_value::Value::StringValueStrindex(_)) => out.push_str("null"),
        Some(any_value::Value::StringValue(s)) => string(out, s),
        Some(any_value::Value::BoolValue(b)) => out.push_str(if *b { "true" } else { "false" }),
        Some(any_value::Value::IntValue(i)) => {
            let _ = write!(out, "{i}");
        }
        Some(any_value::Value::DoubleValue(f)) => out.push_str(&float(*f)),
        Some(any_value::Value::BytesValue(b)) => string(out, &base64(b)),
        Some(any_value::Value::ArrayValue(a)) => {
            out.push('[');
            for (i, item) in a.values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                any(out, item);
            }
            out.push(']');
        }
        Some(any_value::Value::KvlistValue(m)) => map(out, &m.values),
    }
}

/// A JSON string with Go's escaping: `<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's float formatting for JSON and `AsString`: shortest digits (as Go picks them), exponent
/// form outside `[1e-6, 1e21)` with the exponent's leading zeros dropped (`1e-7`, `1e+21`).
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 || (1e-6..1e21).contains(&f.abs()) {
        return crate::go::format_float_plain(f);
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, dp) = crate::go::shortest_digits(f);
    let exp = dp - 1;
    let (head, tail) = digits.split_at(1);
    let point = if tail.is_empty() { "" } else { "." };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{head}{point}{tail}e{esign}{}", exp.unsigned_abs())
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_like_go() {
        for (f, want) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.000_001, "0.000001"),
            (0.0, "0"),
        ] {
            assert_eq!(float(f), want, "{f}");
        }
    }

    #[test]
    fn base64_pads_like_go() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn maps_marshal_sorted_and_html_escaped() {
        let kv = |k: &str, v: &str| KeyValue {
            key: k.into(),
            value: Some(AnyValue { value: Some(any_value::Value::StringValue(v.into())) }),
            ..KeyValue::default()
        };
        let m = vec![kv("b", "<x>"), kv("a", "1")];
        assert_eq!(marshal(&Value::Map(m.into())), r#"{"a":"1","b":"\u003cx\u003e"}"#);
    }
}
