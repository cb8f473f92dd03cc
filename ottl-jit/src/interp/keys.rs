//! Indexing (`ottl-reference.md` §4.4): keys on paths (a missing key is nil) and on converter
//! results (a missing key is an error), and setting through keys (maps and slices are created
//! on the way, as upstream's `ctxutil.SetIndexableValue`).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

use super::{CKey, CPath, Error};
use crate::record::{Field, Record};
use crate::value::{Value, key_eq, map_get};

/// The largest slice setting through an int key creates (`set(x[999999], ...)` on an empty value).
const MAX_NEW_SLICE: usize = 1 << 20;

/// A key, resolved.
enum Resolved<'a> {
    Str(Cow<'a, str>),
    Int(i64),
}

fn resolve<'a>(k: &'a CKey, rec: &'a Record<'_>) -> Result<Resolved<'a>, Error> {
    Ok(match k {
        CKey::Str(s) => Resolved::Str(Cow::Borrowed(s)),
        CKey::Int(i) => Resolved::Int(*i),
        CKey::Expr(e) => match e.eval(rec)? {
            Value::Str(s) => Resolved::Str(s),
            Value::Int(i) => Resolved::Int(i),
            other => {
                return Err(Error(format!(
                    "could not resolve key for map/slice, expecting 'string' or 'int64' but got '{}'",
                    other.go_type()
                )));
            }
        },
    })
}

/// The `pcommon.ValueType` name upstream prints for a value that cannot be indexed.
fn value_type(v: &Value<'_>) -> &'static str {
    match v {
        Value::Str(_) => "Str",
        Value::Int(_) => "Int",
        Value::Float(_) => "Double",
        Value::Bool(_) => "Bool",
        Value::Bytes(_) => "Bytes",
        _ => "Empty",
    }
}

fn index_in<'a>(v: Value<'a>, key: Resolved<'_>) -> Result<Value<'a>, Error> {
    match (v, key) {
        (Value::Map(Cow::Borrowed(m)), Resolved::Str(k)) => {
            Ok(map_get(m, &k).map_or(Value::Nil, Value::from_any))
        }
        (Value::Map(Cow::Owned(m)), Resolved::Str(k)) => {
            Ok(map_get(&m, &k).map_or(Value::Nil, |a| Value::from_any(a).into_owned()))
        }
        (Value::Map(_), Resolved::Int(_)) => {
            Err(Error::new("unable to resolve a string index in map: invalid key type"))
        }
        (Value::Slice(s), Resolved::Int(i)) => {
            let idx = usize::try_from(i).ok().filter(|&i| i < s.len());
            match (idx, s) {
                (Some(i), Cow::Borrowed(s)) => Ok(Value::from_any(&s[i])),
                (Some(i), Cow::Owned(s)) => Ok(Value::from_any(&s[i]).into_owned()),
                (None, _) => Err(Error(format!("index {i} out of bounds"))),
            }
        }
        (Value::List(mut items), Resolved::Int(i)) => {
            match usize::try_from(i).ok().filter(|&i| i < items.len()) {
                Some(i) => Ok(items.swap_remove(i)),
                None => Err(Error(format!("index {i} out of bounds"))),
            }
        }
        (Value::Slice(_) | Value::List(_), Resolved::Str(_)) => {
            Err(Error::new("unable to resolve an integer index in slice: invalid key type"))
        }
        (Value::Nil, _) => Ok(Value::Nil),
        (other, Resolved::Str(_)) => {
            Err(Error(format!("type {} does not support string indexing", value_type(&other))))
        }
        (other, Resolved::Int(_)) => {
            Err(Error(format!("type {} does not support int indexing", value_type(&other))))
        }
    }
}

/// One key on a path's value: a missing map key is nil.
pub(super) fn index_path<'a>(v: Value<'a>, k: &'a CKey, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    index_in(v, resolve(k, rec)?)
}

/// One key on a converter's result: only literal keys; a missing map key is an error.
pub(super) fn index_result<'a>(v: Value<'a>, k: &CKey) -> Result<Value<'a>, Error> {
    let key = match k {
        CKey::Str(s) => Resolved::Str(Cow::Borrowed(s)),
        CKey::Int(i) => Resolved::Int(*i),
        CKey::Expr(_) => {
            return Err(Error::new("neither map nor slice index were set; this is an error in OTTL"));
        }
    };
    if let (Value::Map(m), Resolved::Str(s)) = (&v, &key)
        && map_get(m, s).is_none()
    {
        return Err(Error::new("key not found in map"));
    }
    index_in(v, key)
}

/// Owned keys, resolved before the record is borrowed mutably.
/// Literal keys borrow from the compiled path (which outlives the record borrow); expression
/// keys are evaluated and owned.
/// Resolved keys: paths rarely have more than four, so they stay on the stack.
type Keys<'p> = smallvec::SmallVec<[Resolved<'p>; 4]>;

fn resolve_all<'p>(keys: &'p [CKey], rec: &Record<'_>) -> Result<Keys<'p>, Error> {
    keys.iter()
        .map(|k| {
            Ok(match k {
                CKey::Str(s) => Resolved::Str(Cow::Borrowed(s)),
                CKey::Int(i) => Resolved::Int(*i),
                CKey::Expr(_) => match resolve(k, rec)? {
                    Resolved::Str(s) => Resolved::Str(Cow::Owned(s.into_owned())),
                    Resolved::Int(i) => Resolved::Int(i),
                },
            })
        })
        .collect()
}

/// Sets the value at a path, keys included (upstream's setters; `set` has already skipped nil).
pub fn set_path(p: &CPath, rec: &mut Record<'_>, v: &Value<'_>) -> Result<(), Error> {
    if p.keys.is_empty() {
        return rec.set(p.field, v).map_err(|e| Error(e.0));
    }
    set_keyed(p, rec, v.to_any().unwrap_or_default())
}

/// Sets the value at a path with keys (`attributes["a"]["b"]`), the value already converted.
pub fn set_keyed(p: &CPath, rec: &mut Record<'_>, any: AnyValue) -> Result<(), Error> {
    // The common shape, `attributes["k"]`: one literal key into a map, nothing to resolve.
    if let [CKey::Str(k)] = p.keys.as_slice()
        && p.field != Field::LogBody
    {
        set_map_key(rec, p.field, k, any);
        return Ok(());
    }
    let keys = resolve_all(&p.keys, rec)?;
    if p.field == Field::LogBody {
        return match rec.body_mut() {
            Some(body) => set_in_value(body, &keys, any),
            None => Ok(()),
        };
    }
    match rec.map_mut(p.field) {
        Some(m) => set_in_map(m, &keys, any),
        None => Ok(()),
    }
}

/// `m["k"] = any` on one of the record's maps (not the body, whose keys index a value):
/// the first pair with the key changes, or a pair is appended.
pub fn set_map_key(rec: &mut Record<'_>, field: Field, k: &str, any: AnyValue) {
    if let Some(m) = rec.map_mut(field) {
        *map_slot(m, k) = any;
    }
}

fn set_in_map(m: &mut Vec<KeyValue>, keys: &[Resolved<'_>], v: AnyValue) -> Result<(), Error> {
    let Some((first, rest)) = keys.split_first() else { return Ok(()) };
    let Resolved::Str(k) = first else {
        return Err(Error::new("unable to resolve a string index in map: invalid key type"));
    };
    set_in_value(map_slot(m, k), rest, v)
}

/// The value of the map's first pair with key `k`, appended empty when there is none
/// (`Map.GetOrPutEmpty`).
pub(super) fn map_slot<'m>(m: &'m mut Vec<KeyValue>, k: &str) -> &'m mut AnyValue {
    let pos = if let Some(p) = m.iter().position(|kv| key_eq(&kv.key, k)) {
        p
    } else {
        m.push(KeyValue { key: k.to_string(), value: Some(AnyValue::default()), ..KeyValue::default() });
        m.len() - 1
    };
    m[pos].value.get_or_insert_default()
}

fn set_in_value(slot: &mut AnyValue, keys: &[Resolved<'_>], v: AnyValue) -> Result<(), Error> {
    let Some((first, rest)) = keys.split_first() else {
        *slot = v;
        return Ok(());
    };
    match (first, &mut slot.value) {
        (Resolved::Str(_), Some(any_value::Value::KvlistValue(m))) => set_in_map(&mut m.values, keys, v),
        (Resolved::Str(_), None) => {
            slot.value = Some(any_value::Value::KvlistValue(KeyValueList::default()));
            let Some(any_value::Value::KvlistValue(m)) = &mut slot.value else { return Ok(()) };
            set_in_map(&mut m.values, keys, v)
        }
        (Resolved::Int(i), Some(any_value::Value::ArrayValue(a))) => {
            match usize::try_from(*i).ok().and_then(|i| a.values.get_mut(i)) {
                Some(item) => set_in_value(item, rest, v),
                None => Err(Error(format!("index {i} out of bounds"))),
            }
        }
        (Resolved::Int(i), None) => {
            // Upstream pads a new slice with empty values up to the index; an index past
            // `MAX_NEW_SLICE` would exhaust memory there, here it is an error.
            let Some(n) = usize::try_from(*i).ok().filter(|n| *n < MAX_NEW_SLICE) else {
                return Err(Error(format!("index {i} out of bounds")));
            };
            let mut values = vec![AnyValue::default(); n + 1];
            set_in_value(&mut values[n], rest, v)?;
            slot.value = Some(any_value::Value::ArrayValue(ArrayValue { values }));
            Ok(())
        }
        (Resolved::Str(_), other) => {
            Err(Error(format!("type {} does not support string indexing", any_type(other.as_ref()))))
        }
        (Resolved::Int(_), other) => {
            Err(Error(format!("type {} does not support int indexing", any_type(other.as_ref()))))
        }
    }
}

fn any_type(v: Option<&any_value::Value>) -> &'static str {
    match v {
        Some(any_value::Value::StringValue(_)) => "Str",
        Some(any_value::Value::IntValue(_)) => "Int",
        Some(any_value::Value::DoubleValue(_)) => "Double",
        Some(any_value::Value::BoolValue(_)) => "Bool",
        Some(any_value::Value::BytesValue(_)) => "Bytes",
        Some(any_value::Value::ArrayValue(_)) => "Slice",
        Some(any_value::Value::KvlistValue(_)) => "Map",
        _ => "Empty",
    }
}

/// The live map a path (keys included) points at, for editors that change maps in place.
pub fn map_mut<'r>(p: &CPath, rec: &'r mut Record<'_>) -> Result<Option<&'r mut Vec<KeyValue>>, Error> {
    let keys = resolve_all(&p.keys, rec)?;
    let Some(mut m) = rec.map_mut(p.field) else { return Ok(None) };
    for k in &keys {
        let Resolved::Str(k) = k else { return Ok(None) };
        let Some(kv) = m.iter_mut().find(|kv| key_eq(&kv.key, k)) else { return Ok(None) };
        match &mut kv.value {
            Some(AnyValue { value: Some(any_value::Value::KvlistValue(inner)) }) => m = &mut inner.values,
            _ => return Ok(None),
        }
    }
    Ok(Some(m))
}
