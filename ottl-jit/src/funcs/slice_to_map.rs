//! `SliceToMap(target, keyPath, valuePath)`: a slice of maps to a map keyed by the string at
//! `keyPath` in each element; the value is the element, or the value at `valuePath`.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Value, map_get};

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let items: Vec<AnyValue> = match call.value(0, rec)? {
        Value::Slice(s) => s.into_owned(),
        Value::List(l) => l.iter().map(|v| v.to_any().unwrap_or_default()).collect(),
        Value::Nil => return Ok(Value::Nil),
        other => {
            return Err(Error(format!(
                "unsupported type provided to SliceToMap function: {}",
                other.go_type()
            )));
        }
    };
    let key_path = call.str_list(1);
    let value_path = call.str_list(2);
    let mut out: Vec<KeyValue> = Vec::with_capacity(items.len());
    for item in items {
        let Some(any_value::Value::KvlistValue(m)) = &item.value else {
            return Err(Error::new("could not cast element to map"));
        };
        let key = match lookup(&m.values, key_path).and_then(|v| v.value.as_ref()) {
            Some(any_value::Value::StringValue(s)) => s.clone(),
            Some(_) => return Err(Error::new("provided key path must point to a string value")),
            None => return Err(Error(format!("could not find key at path {key_path:?}"))),
        };
        let value = if value_path.is_empty() {
            item.clone()
        } else {
            lookup(&m.values, value_path)
                .cloned()
                .ok_or_else(|| Error(format!("could not find value at path {value_path:?}")))?
        };
        match out.iter_mut().find(|kv| kv.key == key) {
            Some(kv) => kv.value = Some(value),
            None => out.push(KeyValue { key, value: Some(value), ..KeyValue::default() }),
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}

fn lookup<'m>(m: &'m [KeyValue], path: &[std::sync::Arc<str>]) -> Option<&'m AnyValue> {
    let (first, rest) = path.split_first()?;
    let v = map_get(m, first)?;
    if rest.is_empty() {
        return Some(v);
    }
    match &v.value {
        Some(any_value::Value::KvlistValue(inner)) => lookup(&inner.values, rest),
        _ => None,
    }
}
