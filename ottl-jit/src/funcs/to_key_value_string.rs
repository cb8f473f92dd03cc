//! `ToKeyValueString(target, delimiter, pair_delimiter, sort_output)`: `k1=v1 k2=v2`; a key or
//! value containing a delimiter is double-quoted with inner quotes escaped.

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
    let mut pairs: Vec<(String, String)> = m
        .iter()
        .map(|kv| {
            let v = kv.value.as_ref().map_or(Cow::Borrowed(""), any_as_string);
            (quote(&kv.key, delimiter, pair_delimiter), quote(&v, delimiter, pair_delimiter))
        })
        .collect();
    if sort {
        pairs.sort();
    }
    let out: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}{delimiter}{v}")).collect();
    Ok(Value::Str(Cow::Owned(out.join(pair_delimiter))))
}

fn quote(s: &str, delimiter: &str, pair_delimiter: &str) -> String {
    if s.contains(delimiter) || s.contains(pair_delimiter) {
        format!("\"{}\"", s.replace('"', "\\\""))
    } else {
        s.to_string()
    }
}
