//! `ParseJSON(target)`: a JSON object to a map or an array to a slice, keys in document order,
//! every number a float64 (as upstream's decoder).

use std::borrow::Cow;
use std::fmt;

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Value, key_eq};

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let Json(v) = serde_json::from_str(&s).map_err(|e| Error(format!("ParseJSON: {e}")))?;
    match v.value {
        Some(any_value::Value::KvlistValue(m)) => Ok(Value::Map(Cow::Owned(m.values))),
        Some(any_value::Value::ArrayValue(a)) => Ok(Value::Slice(Cow::Owned(a.values))),
        _ => Err(Error::new("could not convert parsed value of type to JSON object")),
    }
}

/// A JSON document as a `pcommon.Value`.
struct Json(AnyValue);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

fn any(v: any_value::Value) -> Json {
    Json(AnyValue { value: Some(v) })
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json, E> {
        Ok(any(any_value::Value::BoolValue(b)))
    }

    #[expect(clippy::cast_precision_loss, reason = "JSON numbers decode as float64 upstream")]
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Json, E> {
        Ok(any(any_value::Value::DoubleValue(n as f64)))
    }

    #[expect(clippy::cast_precision_loss, reason = "JSON numbers decode as float64 upstream")]
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Json, E> {
        Ok(any(any_value::Value::DoubleValue(n as f64)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Json, E> {
        Ok(any(any_value::Value::DoubleValue(n)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(any(any_value::Value::StringValue(s.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json(AnyValue::default()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut values = Vec::new();
        while let Some(Json(v)) = seq.next_element()? {
            values.push(v);
        }
        Ok(any(any_value::Value::ArrayValue(ArrayValue { values })))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut values: Vec<KeyValue> = Vec::new();
        while let Some((key, Json(v))) = map.next_entry::<String, Json>()? {
            match values.iter_mut().find(|kv| key_eq(&kv.key, &key)) {
                Some(kv) => kv.value = Some(v),
                None => values.push(KeyValue { key, value: Some(v), ..KeyValue::default() }),
            }
        }
        Ok(any(any_value::Value::KvlistValue(KeyValueList { values })))
    }
}
