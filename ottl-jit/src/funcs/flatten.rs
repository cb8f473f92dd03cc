//! `flatten(target, prefix, depth, resolveConflicts)`: nested maps become dotted keys (`a.b`)
//! down to `depth` levels (`depth=0` changes nothing); slices become indexed keys (`list.0`)
//! at any depth, their items copied as they are.
//!
//! Without `resolveConflicts` a later key overwrites an earlier one in place. With it, a key
//! written a second time gets `.1`, `.2`, ... appended (slice items are not renumbered).
//! This follows upstream's `flattenHelper`/`handleConflict` of the version whose end-to-end
//! cases `testdata/exec/e2e` reproduces (slices expanded whatever the depth).

use std::collections::HashMap;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let depth = call.lit_int(2).unwrap_or(i64::MAX);
    let prefix = call.lit_str(1);
    let conflicts = call.lit_bool(3).unwrap_or(false);
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    let mut walk = Walk { out: Vec::with_capacity(m.len()), seen: HashMap::new(), conflicts, depth };
    walk.map(std::mem::take(m), prefix, 0);
    *m = walk.out;
    Ok(())
}

struct Walk {
    out: Vec<KeyValue>,
    /// `existingKeys`: for each key written through `resolve`, the next suffix.
    seen: HashMap<String, usize>,
    conflicts: bool,
    depth: i64,
}

impl Walk {
    fn map(&mut self, m: Vec<KeyValue>, prefix: &str, current: i64) {
        let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}.") };
        for kv in m {
            let key = format!("{prefix}{}", kv.key);
            match kv.value.unwrap_or_default().value {
                Some(any_value::Value::KvlistValue(m)) if current < self.depth => {
                    self.map(m.values, &key, current + 1);
                }
                Some(any_value::Value::ArrayValue(a)) => {
                    for (i, item) in a.values.into_iter().enumerate() {
                        put(&mut self.out, &format!("{key}.{i}"), item);
                    }
                }
                value if self.conflicts => self.resolve(&key, AnyValue { value }),
                value => put(&mut self.out, &key, AnyValue { value }),
            }
        }
    }

    /// `handleConflict`: the first write keeps the key; later ones get `.1`, `.2`, ...
    fn resolve(&mut self, key: &str, v: AnyValue) {
        if let Some(n) = self.seen.get_mut(key) {
            let new_key = format!("{key}.{n}");
            *n += 1;
            put(&mut self.out, &new_key, v);
        } else {
            self.seen.insert(key.to_string(), 1);
            put(&mut self.out, key, v);
        }
    }
}

fn put(out: &mut Vec<KeyValue>, key: &str, v: AnyValue) {
    match out.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(v),
        None => out.push(KeyValue { key: key.to_string(), value: Some(v), ..KeyValue::default() }),
    }
}
