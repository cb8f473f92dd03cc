//! `ToKeyValueString(target, delimiter, pair_delimiter, sort_output)`: `k1=v1 k2=v2`. Quotes in
//! keys and values are always escaped (`\"`); a key or value containing a delimiter is then
//! double-quoted. `sort_output` sorts by the keys as they are.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::json::any_as_string;
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let delimiter = if call.is_given(1) { call.lit_str(1) } else { "=" };
    let pair_delimiter = if call.is_given(2) { call.lit_str(2) } else { " " };
    let sort = call.lit_bool(3).unwrap_or(false);
    let m = call.pmap(0, rec)?;
    let mut entries: Vec<&_> = m.iter().collect();
    if sort {
        entries.sort_by(|a, b| a.key.cmp(&b.key));
    }
    let mut out = String::new();
    for (i, kv) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push_str(pair_delimiter);
        }
        push_quoted(&mut out, &kv.key, delimiter, pair_delimiter);
        out.push_str(delimiter);
        let v = kv.value.as_ref().map_or(Cow::Borrowed(""), any_as_string);
        push_quoted(&mut out, &v, delimiter, pair_delimiter);
    }
    Ok(Value::Str(Cow::Owned(out)))
}

/// `escapeAndQuoteKV`, written onto `out`.
fn push_quoted(out: &mut String, s: &str, delimiter: &str, pair_delimiter: &str) {
    let s = if s.contains('"') { Cow::Owned(s.replace('"', "\\\"")) } else { Cow::Borrowed(s) };
    if s.contains(delimiter) || s.contains(pair_delimiter) {
        out.push('"');
        out.push_str(&s);
        out.push('"');
    } else {
        out.push_str(&s);
    }
}
