//! The filter processor's `HasAttrKeyOnDatapoint(key)` and `HasAttrOnDatapoint(key, value)`:
//! whether any data point of the metric has the attribute (with that string value).

use opentelemetry_proto::tonic::common::v1::any_value;

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};
use crate::value::Value;

fn any_point(
    rec: &Record<'_>,
    test: &dyn Fn(&[opentelemetry_proto::tonic::common::v1::KeyValue]) -> bool,
) -> bool {
    match &rec.item {
        Item::Metric(m) | Item::DataPoint { metric: m, .. } => crate::record_metrics::any_attributes(m, test),
        _ => false,
    }
}

#[expect(clippy::unnecessary_wraps, reason = "every converter has the `ConvertFn` signature")]
pub fn key<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let key = call.lit_str(0);
    Ok(Value::Bool(any_point(rec, &|attrs| attrs.iter().any(|kv| kv.key == key))))
}

#[expect(clippy::unnecessary_wraps, reason = "every converter has the `ConvertFn` signature")]
pub fn key_value<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let (key, expected) = (call.lit_str(0), call.lit_str(1));
    Ok(Value::Bool(any_point(rec, &|attrs| {
        attrs.iter().any(|kv| {
            kv.key == key
                && matches!(kv.value.as_ref().and_then(|v| v.value.as_ref()),
                    Some(any_value::Value::StringValue(s)) if s == expected)
        })
    })))
}
