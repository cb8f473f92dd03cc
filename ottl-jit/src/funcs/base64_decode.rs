//! `Base64Decode(target)`: standard base64 with padding, decoded to a string.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    super::decode::base64(s.as_bytes(), false, true).map(|d| Value::Str(Cow::Owned(d)))
}
