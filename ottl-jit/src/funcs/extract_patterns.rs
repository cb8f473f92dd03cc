//! `ExtractPatterns(target, pattern)`: the named capture groups of the first match, as a map of
//! strings (no match: an empty map).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let Some(re) = call.regex(1) else { return Ok(Value::Map(Cow::Owned(Vec::new()))) };
    let mut out = Vec::new();
    if let Some(caps) = re.captures(&s) {
        for name in re.capture_names().flatten() {
            let text = caps.name(name).map_or("", |m| m.as_str());
            out.push(KeyValue {
                key: name.to_string(),
                value: Some(AnyValue { value: Some(any_value::Value::StringValue(text.to_string())) }),
                ..KeyValue::default()
            });
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}
