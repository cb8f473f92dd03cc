//! `replace_all_patterns(target, mode, regex, replacement, function, format)`: the regex
//! replacement of `replace_pattern` on every top-level string value (`mode` = `value`) or on
//! every key (`mode` = `key`) of a map.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};

use super::replace_pattern::replace;
use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(re) = call.regex(2).cloned() else { return Ok(()) };
    let replacement = call.string(3, rec)?.into_owned();
    let format = if call.is_given(5) { Some(call.string(5, rec)?.into_owned()) } else { None };
    let by_key = call.lit_str(1) == "key";
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    if by_key {
        let mut renamed: Vec<KeyValue> = Vec::with_capacity(m.len());
        for kv in m.drain(..) {
            let key = match replace(&re, &kv.key, &replacement, call, format.as_deref())? {
                Cow::Borrowed(_) => kv.key,
                Cow::Owned(k) => k,
            };
            match renamed.iter_mut().find(|r| r.key == key) {
                Some(r) => r.value = kv.value,
                None => renamed.push(KeyValue { key, value: kv.value, ..KeyValue::default() }),
            }
        }
        *m = renamed;
        return Ok(());
    }
    for kv in m.iter_mut() {
        if let Some(any_value::Value::StringValue(s)) = kv.value.as_mut().and_then(|v| v.value.as_mut())
            && let Cow::Owned(new) = replace(&re, s, &replacement, call, format.as_deref())?
        {
            *s = new;
        }
    }
    Ok(())
}
