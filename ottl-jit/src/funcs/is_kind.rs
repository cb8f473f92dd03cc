//! `IsBool`, `IsDouble`, `IsInt`, `IsString`, `IsMap`, `IsList`: whether the value has the kind
//! (a typed getter's type error is `false`, not an error).

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::Value;

fn check<'a>(call: &'a CCall, rec: &'a Record<'_>, test: fn(&Value<'_>) -> bool) -> Result<Value<'a>, Error> {
    Ok(Value::Bool(test(&call.value(0, rec)?)))
}

pub fn is_bool<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    check(call, rec, |v| matches!(v, Value::Bool(_)))
}

pub fn is_double<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    check(call, rec, |v| matches!(v, Value::Float(_)))
}

pub fn is_int<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    check(call, rec, |v| matches!(v, Value::Int(_)))
}

pub fn is_string<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    check(call, rec, |v| matches!(v, Value::Str(_)))
}

pub fn is_map<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    check(call, rec, |v| matches!(v, Value::Map(_)))
}

pub fn is_list<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    // A pdata list is one, where the record has it (upstream's getter reads nil where not).
    if let CArg::PdataList(list) = call.arg(0) {
        return Ok(Value::Bool(list.len(rec).is_some()));
    }
    check(call, rec, |v| matches!(v, Value::Slice(_) | Value::List(_)))
}
