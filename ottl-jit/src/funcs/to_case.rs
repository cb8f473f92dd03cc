//! `ToLowerCase`, `ToUpperCase`: `strings.ToLower` / `strings.ToUpper` (simple case mapping).

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn lower<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(crate::go::to_lower(&call.string(0, rec)?))))
}

pub fn upper<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(crate::go::to_upper(&call.string(0, rec)?))))
}
