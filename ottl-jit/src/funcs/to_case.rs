//! `ToLowerCase`, `ToUpperCase`: Unicode case mapping of a string.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn lower<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(call.string(0, rec)?.to_lowercase())))
}

pub fn upper<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(call.string(0, rec)?.to_uppercase())))
}
