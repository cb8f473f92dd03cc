//! `flatten(target, prefix, depth)`: nested maps become dotted keys (`a.b`), slices indexed keys
//! (`list.0`). Maps below `depth` stay maps; slices are always expanded; `depth=0` changes
//! nothing. A later key overwrites an earlier one in place. (`resolveConflicts` is rejected at
//! compile time until it is implemented.)

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let depth = call.lit_int(2).unwrap_or(i64::MAX);
    if depth == 0 {
        return Ok(());
    }
    let prefix = call.lit_str(1).to_string();
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    let mut out: Vec<KeyValue> = Vec::with_capacity(m.len());
    let prefix = if prefix.is_empty() { prefix } else { prefix + "." };
    for kv in m.drain(..) {
        let value = kv.value.unwrap_or_default();
        flatten_value(&mut out, &format!("{prefix}{}", kv.key), value, 0, depth);
    }
    *m = out;
    Ok(())
}

fn flatten_value(out: &mut Vec<KeyValue>, key: &str, v: AnyValue, current: i64, depth: i64) {
    match v.value {
        Some(any_value::Value::KvlistValue(m)) if current < depth => {
            for kv in m.values {
                let child = kv.value.unwrap_or_default();
                flatten_value(out, &format!("{key}.{}", kv.key), child, current + 1, depth);
            }
        }
        Some(any_value::Value::ArrayValue(a)) => {
            for (i, item) in a.values.into_iter().enumerate() {
                flatten_value(out, &format!("{key}.{i}"), item, current + 1, depth);
            }
        }
        value => put(out, key, AnyValue { value }),
    }
}

fn put(out: &mut Vec<KeyValue>, key: &str, v: AnyValue) {
    match out.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(v),
        None => out.push(KeyValue { key: key.to_string(), value: Some(v), ..KeyValue::default() }),
    }
}
