//! `Split(target, delimiter)`: Go's `strings.Split` (an empty delimiter splits into UTF-8
//! characters; an empty target is `[""]`).

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let delimiter = call.lit_str(1);
    let parts: Vec<Value<'a>> = if delimiter.is_empty() {
        s.chars().map(|c| Value::Str(Cow::Owned(c.to_string()))).collect()
    } else {
        s.split(delimiter).map(|p| Value::Str(Cow::Owned(p.to_string()))).collect()
    };
    Ok(Value::List(parts))
}
