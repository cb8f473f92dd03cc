//! `ParseKeyValue(target, delimiter, pair_delimiter)`: `k1=v1 k2="v 2"` to a map, as upstream's
//! `parseutils.SplitString` and `ParseKeyValuePairs` do it: pairs split on the pair delimiter
//! outside quotes, the quote characters that open and close a quoted run dropped wherever they
//! are (`c=d'='` is `c: "d="`), a backslash keeping the character after it from opening or
//! closing one (both kept: `"a \"b\""` is `a \"b\"`); each pair splits on its first
//! delimiter; keys and values are trimmed of spaces. Every pair that does not split is
//! reported. Upstream appends the text byte by byte as `string(byte)`, so each byte past ASCII
//! becomes the character of that number (`é` comes out as `Ã©`); so does this.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let source = call.string(0, rec)?;
    if source.is_empty() {
        return Err(Error::new("cannot parse from empty target"));
    }
    // Absent arguments are the defaults; empty ones are refused when the call is checked.
    let delimiter = match call.lit_str(1) {
        "" => "=",
        d => d,
    };
    let pair_delimiter = match call.lit_str(2) {
        "" => " ",
        d => d,
    };
    parse(&source, delimiter, pair_delimiter).map(|pairs| Value::Map(Cow::Owned(pairs)))
}

/// The pairs of `source`, each key once (the last value wins), in the order keys first appear.
fn parse(source: &str, delimiter: &str, pair_delimiter: &str) -> Result<Vec<KeyValue>, Error> {
    let mut out: Vec<KeyValue> = Vec::new();
    let mut errors = Vec::new();
    let pairs = split_quoted(source, pair_delimiter).map_err(|e| {
        Error(format!("splitting source {} into pairs failed: {}", crate::go::quote(source), e.0))
    })?;
    for pair in pairs {
        let mut kv = pair.splitn(2, delimiter);
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
            errors.push(format!("cannot split {} into 2 items, got 1 item(s)", crate::go::quote(&pair)));
            continue;
        };
        let key = k.trim().to_string();
        let value = AnyValue { value: Some(any_value::Value::StringValue(v.trim().to_string())) };
        match out.iter_mut().find(|e| e.key == key) {
            Some(e) => e.value = Some(value),
            None => out.push(KeyValue { key, value: Some(value), ..KeyValue::default() }),
        }
    }
    if !errors.is_empty() {
        return Err(Error(format!("failed to split pairs into key-values: {}", errors.join("; "))));
    }
    Ok(out)
}

/// Splits on `delimiter` outside `"` and `'` quotes, dropping the quote characters that open
/// and close quoted runs and the empty parts (upstream's `SplitString`, byte by byte).
fn split_quoted(s: &str, delimiter: &str) -> Result<Vec<String>, Error> {
    let (input, delim) = (s.as_bytes(), delimiter.as_bytes());
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut i = 0;
    while i < input.len() {
        if quote.is_none() && !delim.is_empty() && input[i..].starts_with(delim) {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            i += delim.len();
            continue;
        }
        let b = input[i];
        i += 1;
        if escaped {
            escaped = false;
        } else {
            match quote {
                None if b == b'"' || b == b'\'' => {
                    quote = Some(b);
                    continue;
                }
                Some(q) if b == q => {
                    quote = None;
                    continue;
                }
                _ => escaped = b == b'\\',
            }
        }
        // Go's `string(byte)`: the character numbered by the byte.
        current.push(char::from(b));
    }
    if quote.is_some() {
        return Err(Error::new("never reached the end of a quoted value"));
    }
    if !current.is_empty() {
        parts.push(current);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `testdata/conformance/parse_key_value.tsv`: what upstream's splitter and pair parser made
    /// of 1000 random targets (quotes, backslashes, bytes past ASCII, tabs, no-break spaces).
    #[test]
    fn agrees_with_upstreams_parser() {
        let table =
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/parse_key_value.tsv"));
        crate::conformance::check_rows(table, 1000, |line| {
            let [input, want] = crate::conformance::fields(line);
            let (input, want): (String, serde_json::Value) =
                (crate::conformance::json(input), crate::conformance::json(want));
            let got = match parse(&input, "=", " ") {
                Err(_) => serde_json::json!({ "error": true }),
                Ok(pairs) => pairs
                    .iter()
                    .map(|kv| {
                        let v = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                            Some(any_value::Value::StringValue(s)) => s.clone(),
                            _ => String::new(),
                        };
                        (kv.key.clone(), serde_json::Value::String(v))
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
            };
            if got == want { Ok(()) } else { Err(format!("{input:?}: upstream {want}, ours {got}")) }
        });
    }

    /// Random targets and delimiters over quotes, backslashes and bytes past ASCII never panic.
    #[test]
    fn no_parse_panics() {
        let chars: Vec<char> = "ab= '\"\\é\u{a0}!".chars().collect();
        let delimiters = ["=", " ", "!!", "é", "\"", "\\"];
        let mut next = crate::conformance::numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let source: String = (0..next() % 14).map(|_| chars[next() % chars.len()]).collect();
            let (d, p) = (delimiters[next() % delimiters.len()], delimiters[next() % delimiters.len()]);
            let _ = parse(&source, d, p);
        }
    }
}
