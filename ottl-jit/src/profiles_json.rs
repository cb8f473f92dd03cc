//! OTLP/JSON for profiles. The generated serde code for the (development) profiles messages
//! reads 64-bit integers only as JSON numbers, bytes only as arrays, and wants every repeated
//! and scalar field present, where OTLP/JSON writes integers as strings and bytes as base64 and
//! leaves defaults out. These passes translate between the two forms: by field name for
//! integers and bytes, and against a template of the messages for the missing fields.

use serde_json::Value as J;

/// Fields holding 64-bit integers (or lists of them), written as decimal strings.
const INTEGERS: &[&str] = &[
    "timeUnixNano",
    "durationNano",
    "period",
    "memoryStart",
    "memoryLimit",
    "fileOffset",
    "address",
    "line",
    "column",
    "startLine",
    "values",
    "timestampsUnixNano",
];

/// Fields holding bytes, written as base64.
const BYTES: &[&str] = &["originalPayload"];

/// A request with one of everything, serialized: where each message's fields are.
fn template() -> J {
    use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
    use opentelemetry_proto::tonic::profiles::v1development as p;
    let profile = p::Profile {
        sample_type: Some(p::ValueType::default()),
        samples: vec![p::Sample::default()],
        period_type: Some(p::ValueType::default()),
        ..p::Profile::default()
    };
    let request = ExportProfilesServiceRequest {
        resource_profiles: vec![p::ResourceProfiles {
            resource: None,
            scope_profiles: vec![p::ScopeProfiles {
                scope: None,
                profiles: vec![profile],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
        dictionary: Some(p::ProfilesDictionary {
            mapping_table: vec![p::Mapping::default()],
            location_table: vec![p::Location { lines: vec![p::Line::default()], ..p::Location::default() }],
            function_table: vec![p::Function::default()],
            link_table: vec![p::Link::default()],
            string_table: Vec::new(),
            attribute_table: vec![p::KeyValueAndUnit::default()],
            stack_table: vec![p::Stack::default()],
        }),
    };
    serde_json::to_value(&request).unwrap_or(J::Null)
}

/// Adds the fields the template has and the input leaves out, with their default values.
/// Missing messages stay missing (they read as `None`).
fn fill_defaults(v: &mut J, template: &J) {
    match (v, template) {
        (J::Object(map), J::Object(fields)) => {
            for (key, t) in fields {
                if let Some(value) = map.get_mut(key) {
                    fill_defaults(value, t);
                    continue;
                }
                let default = match t {
                    J::Array(_) => J::Array(Vec::new()),
                    J::Number(_) => J::from(0),
                    J::String(_) => J::String(String::new()),
                    J::Bool(_) => J::Bool(false),
                    J::Object(_) | J::Null => continue,
                };
                map.insert(key.clone(), default);
            }
        }
        (J::Array(items), J::Array(t)) => {
            if let Some(t) = t.first() {
                for item in items {
                    fill_defaults(item, t);
                }
            }
        }
        _ => {}
    }
}

/// OTLP/JSON → what the generated deserializer reads.
pub fn decode(v: &mut J) -> Result<(), String> {
    fill_defaults(v, &template());
    walk(v, &mut |key, value| {
        if INTEGERS.contains(&key) {
            for_each_scalar(value, &mut |s| {
                if let J::String(text) = s {
                    let n: serde_json::Number = text
                        .parse::<i64>()
                        .map(Into::into)
                        .or_else(|_| text.parse::<u64>().map(Into::into))
                        .map_err(|_| format!("`{key}` must be an integer, got {text:?}"))?;
                    *s = J::Number(n);
                }
                Ok(())
            })?;
        } else if BYTES.contains(&key)
            && let J::String(text) = value
        {
            let bytes = crate::funcs::decode::base64_bytes(text.as_bytes(), false, true)
                .map_err(|e| format!("`{key}` must be base64: {e}"))?;
            *value = J::Array(bytes.into_iter().map(Into::into).collect());
        }
        Ok(())
    })
}

/// What the generated serializer writes → OTLP/JSON.
pub fn encode(v: &mut J) {
    let _ = walk(v, &mut |key, value| {
        if INTEGERS.contains(&key) {
            let _ = for_each_scalar(value, &mut |s| {
                if let J::Number(n) = s {
                    *s = J::String(n.to_string());
                }
                Ok(())
            });
        } else if BYTES.contains(&key)
            && let J::Array(items) = value
        {
            let bytes: Vec<u8> =
                items.iter().filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect();
            *value = J::String(crate::json::base64(&bytes));
        }
        Ok(())
    });
}

fn for_each_scalar(v: &mut J, f: &mut dyn FnMut(&mut J) -> Result<(), String>) -> Result<(), String> {
    match v {
        J::Array(items) => items.iter_mut().filter(|i| !i.is_object()).try_for_each(f),
        J::Object(_) => Ok(()),
        scalar => f(scalar),
    }
}

fn walk(v: &mut J, f: &mut dyn FnMut(&str, &mut J) -> Result<(), String>) -> Result<(), String> {
    match v {
        J::Object(map) => {
            for (key, value) in map.iter_mut() {
                f(key, value)?;
                walk(value, f)?;
            }
            Ok(())
        }
        J::Array(items) => items.iter_mut().try_for_each(|i| walk(i, f)),
        _ => Ok(()),
    }
}
