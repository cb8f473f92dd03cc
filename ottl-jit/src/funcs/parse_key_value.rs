//! `ParseKeyValue(target, delimiter, pair_delimiter)`: `k1=v1 k2="v 2"` to a map, as upstream's
//! `parseutils.SplitString` and `ParseKeyValuePairs`: pairs split on the pair delimiter outside
//! quotes, the quote characters themselves dropped wherever they are (`c=d'='` is `c: "d="`);
//! each pair splits on its first delimiter; keys and values are trimmed of spaces. An empty
//! delimiter means the default. Every pair that does not split is reported.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let source = call.string(0, rec)?;
    if source.is_empty() {
        return Err(Error::new("cannot parse from empty string"));
    }
    let delimiter = match call.lit_str(1) {
        "" => "=",
        d => d,
    };
    let pair_delimiter = match call.lit_str(2) {
        "" => " ",
        d => d,
    };
    let mut out: Vec<KeyValue> = Vec::new();
    let mut errors = Vec::new();
    for pair in split_quoted(&source, pair_delimiter)? {
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
        return Err(Error(errors.join("; ")));
    }
    Ok(Value::Map(Cow::Owned(out)))
}

/// Splits on `delimiter` outside `"` and `'` quotes, dropping the quote characters and empty
/// parts.
fn split_quoted(s: &str, delimiter: &str) -> Result<Vec<String>, Error> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if quote.is_none() && !delimiter.is_empty() && rest.starts_with(delimiter) {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            rest = &rest[delimiter.len()..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => current.push(c),
        }
    }
    if quote.is_some() {
        return Err(Error::new("never reached the end of a quoted value"));
    }
    if !current.is_empty() {
        parts.push(current);
    }
    Ok(parts)
}
