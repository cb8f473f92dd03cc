//! `SliceToMap(target, keyPath, valuePath)`: a slice of maps to a map keyed by the string at
//! `keyPath` in each element; the value is the element, or the value at `valuePath`. An element
//! that is not a map, a missing path or a key that is not a string is an error (upstream's
//! wording, with the element in Go's `%v` form).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Value, map_get};

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let items: Vec<AnyValue> = match call.value(0, rec)? {
        Value::Slice(s) => s.into_owned(),
        Value::List(l) => l.iter().map(|v| v.to_any().unwrap_or_default()).collect(),
        other => {
            let ty = if matches!(other, Value::Nil) { "<nil>" } else { other.go_type() };
            return Err(Error(format!("unsupported type provided to SliceToMap function: {ty}")));
        }
    };
    let key_path = call.str_list(1);
    let value_path = call.str_list(2);
    let mut out: Vec<KeyValue> = Vec::with_capacity(items.len());
    for item in items {
        let Some(any_value::Value::KvlistValue(m)) = &item.value else {
            return Err(Error(format!("could not cast element '{}' to map[string]any", go_v(&item))));
        };
        let key = match lookup(&m.values, key_path).map(|v| v.value.as_ref()) {
            Some(Some(any_value::Value::StringValue(s))) => s.clone(),
            Some(_) => return Err(Error::new("extracted key attribute is not of type string")),
            None => {
                return Err(Error(format!(
                    "could not extract key from element: provided object does not contain the path {}",
                    go_list(key_path)
                )));
            }
        };
        let value = if value_path.is_empty() {
            item.clone()
        } else {
            lookup(&m.values, value_path).cloned().ok_or_else(|| {
                Error(format!(
                    "could not extract value from element: provided object does not contain the path {}",
                    go_list(value_path)
                ))
            })?
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

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_list(path: &[std::sync::Arc<str>]) -> String {
    let items: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    format!("[{}]", items.join(" "))
}

/// Go's `%v` of a raw value (`AsRaw`): strings bare, lists `[a b]`, maps `map[k:v]` by key.
fn go_v(v: &AnyValue) -> String {
    match &v.value {
        None | Some(any_value::Value::StringValueStrindex(_)) => "<nil>".into(),
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(f)) => crate::json::float(*f),
        Some(any_value::Value::BytesValue(b)) => {
            format!("[{}]", b.iter().map(u8::to_string).collect::<Vec<_>>().join(" "))
        }
        Some(any_value::Value::ArrayValue(a)) => {
            format!("[{}]", a.values.iter().map(go_v).collect::<Vec<_>>().join(" "))
        }
        Some(any_value::Value::KvlistValue(m)) => {
            let mut entries: Vec<(&str, String)> = m
                .values
                .iter()
                .map(|kv| (kv.key.as_str(), kv.value.as_ref().map_or_else(|| "<nil>".into(), go_v)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let body: Vec<String> = entries.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", body.join(" "))
        }
    }
}
