//! `replace_all_patterns(target, mode, regex, replacement, function, format)`: the regex
//! replacement of `replace_pattern` on every top-level string value (`mode` = `value`) or on
//! every key (`mode` = `key`) of a map.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};

use super::replace_pattern::replace;
use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(re) = call.regex(2) else { return Ok(()) };
    let replacement = call.string(3, rec)?.into_owned();
    let format = if call.is_given(5) { Some(call.string(5, rec)?.into_owned()) } else { None };
    let by_key = call.lit_str(1) == "key";
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    // Every replacement is computed before the map changes: upstream builds a new map and
    // moves it in only when all succeeded, so a failure leaves the map as it was.
    if by_key {
        let keys = m
            .iter()
            .map(|kv| Ok(changed(replace(re, &kv.key, &replacement, call, format.as_deref())?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let mut renamed: Vec<KeyValue> = Vec::with_capacity(m.len());
        for (kv, new_key) in m.drain(..).zip(keys) {
            let key = new_key.unwrap_or(kv.key);
            match renamed.iter_mut().find(|r| r.key == key) {
                Some(r) => r.value = kv.value,
                None => renamed.push(KeyValue { key, value: kv.value, ..KeyValue::default() }),
            }
        }
        *m = renamed;
        return Ok(());
    }
    let values = m
        .iter()
        .map(|kv| match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
            Some(any_value::Value::StringValue(s)) => {
                Ok(changed(replace(re, s, &replacement, call, format.as_deref())?))
            }
            _ => Ok(None),
        })
        .collect::<Result<Vec<_>, Error>>()?;
    for (kv, new) in m.iter_mut().zip(values) {
        if let (Some(new), Some(any_value::Value::StringValue(s))) =
            (new, kv.value.as_mut().and_then(|v| v.value.as_mut()))
        {
            *s = new;
        }
    }
    Ok(())
}

/// A replacement's result: the new text, or `None` when nothing matched.
fn changed(text: Cow<'_, str>) -> Option<String> {
    match text {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}
