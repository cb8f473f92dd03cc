//! The transform processor's `flatten_data` (behind the `transform.flatten.logs` gate): before
//! the statements run, every log record moves onto a resource and scope of its own, so that a
//! statement in the log context that changes `resource.*` or `instrumentation_scope.*` changes
//! them for that record only; afterwards records are grouped again by equal resource and scope.
//!
//! As upstream (`internal/pdatautil`): the copies carry the resource's attributes and the
//! scope's name, version, attributes and schema URL, and nothing else (the resources' schema URL
//! and the dropped-attribute counts are not copied); regrouping merges resources with equal
//! attributes, in any order, into the first of them, then scopes with equal schema URL, name,
//! version and attributes, keeping the order in which each first appears.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// Moves every log record onto a resource and scope of its own, in order.
pub fn flatten_logs(req: &mut ExportLogsServiceRequest) {
    let grouped = std::mem::take(&mut req.resource_logs);
    for rl in grouped {
        let attributes = rl.resource.map(|r| r.attributes);
        for sl in rl.scope_logs {
            let scope = sl.scope.map(|s| InstrumentationScope {
                name: s.name,
                version: s.version,
                attributes: s.attributes,
                dropped_attributes_count: 0,
            });
            for record in sl.log_records {
                req.resource_logs.push(ResourceLogs {
                    resource: attributes
                        .clone()
                        .map(|attributes| Resource { attributes, ..Resource::default() }),
                    scope_logs: vec![ScopeLogs {
                        scope: scope.clone(),
                        log_records: vec![record],
                        schema_url: sl.schema_url.clone(),
                    }],
                    schema_url: String::new(),
                });
            }
        }
    }
}

/// Groups scopes by equal resource, then records by equal scope within each resource.
pub fn group_logs(req: &mut ExportLogsServiceRequest) {
    let mut grouped: Vec<ResourceLogs> = Vec::new();
    for rl in std::mem::take(&mut req.resource_logs) {
        match grouped.iter_mut().find(|g| same_map(resource_attributes(g), resource_attributes(&rl))) {
            Some(g) => g.scope_logs.extend(rl.scope_logs),
            None => grouped.push(rl),
        }
    }
    for rl in &mut grouped {
        let mut scopes: Vec<ScopeLogs> = Vec::new();
        for sl in std::mem::take(&mut rl.scope_logs) {
            match scopes.iter_mut().find(|s| same_scope(s, &sl)) {
                Some(s) => s.log_records.extend(sl.log_records),
                None => scopes.push(sl),
            }
        }
        rl.scope_logs = scopes;
    }
    req.resource_logs = grouped;
}

fn resource_attributes(r: &ResourceLogs) -> &[KeyValue] {
    r.resource.as_ref().map_or(&[][..], |r| &r.attributes[..])
}

/// A scope's identity: name, version and attributes (an absent scope is an empty one).
fn scope_parts(s: &ScopeLogs) -> (&str, &str, &[KeyValue]) {
    match &s.scope {
        Some(scope) => (scope.name.as_str(), scope.version.as_str(), &scope.attributes[..]),
        None => ("", "", &[][..]),
    }
}

fn same_scope(a: &ScopeLogs, b: &ScopeLogs) -> bool {
    let ((an, av, aa), (bn, bv, ba)) = (scope_parts(a), scope_parts(b));
    a.schema_url == b.schema_url && an == bn && av == bv && same_map(aa, ba)
}

fn sorted_by_key(m: &[KeyValue]) -> Vec<&KeyValue> {
    let mut v: Vec<&KeyValue> = m.iter().collect();
    v.sort_by(|x, y| x.key.cmp(&y.key));
    v
}

/// Whether two maps hold the same pairs in any order (upstream compares `pdatautil.MapHash`es,
/// which sort the keys).
fn same_map(a: &[KeyValue], b: &[KeyValue]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    sorted_by_key(a)
        .iter()
        .zip(sorted_by_key(b))
        .all(|(x, y)| x.key == y.key && same_value(x.value.as_ref(), y.value.as_ref()))
}

fn same_value(a: Option<&AnyValue>, b: Option<&AnyValue>) -> bool {
    use any_value::Value as V;
    match (a.and_then(|v| v.value.as_ref()), b.and_then(|v| v.value.as_ref())) {
        (Some(V::KvlistValue(x)), Some(V::KvlistValue(y))) => same_map(&x.values, &y.values),
        (Some(V::ArrayValue(x)), Some(V::ArrayValue(y))) => {
            x.values.len() == y.values.len()
                && x.values.iter().zip(&y.values).all(|(p, q)| same_value(Some(p), Some(q)))
        }
        // The hash reads a double's bits, so NaN equals itself.
        (Some(V::DoubleValue(x)), Some(V::DoubleValue(y))) => x.to_bits() == y.to_bits(),
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: &str, v: &str) -> KeyValue {
        KeyValue {
            key: k.into(),
            value: Some(AnyValue { value: Some(any_value::Value::StringValue(v.into())) }),
            ..KeyValue::default()
        }
    }

    #[test]
    fn maps_compare_in_any_order_and_by_kind() {
        assert!(same_map(&[kv("a", "1"), kv("b", "2")], &[kv("b", "2"), kv("a", "1")]));
        assert!(!same_map(&[kv("a", "1")], &[kv("a", "2")]));
        let int = KeyValue {
            key: "a".into(),
            value: Some(AnyValue { value: Some(any_value::Value::IntValue(1)) }),
            ..KeyValue::default()
        };
        assert!(!same_map(&[kv("a", "1")], &[int]));
    }
}
