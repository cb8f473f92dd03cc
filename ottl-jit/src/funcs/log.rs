//! `Log(target)`: the natural logarithm of a `FloatLike` value; zero, negatives and nil are errors.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let Some(x) = call.float_like(0, rec)? else {
        return Err(Error::new("invalid value type for Log: nil"));
    };
    if x <= 0.0 {
        return Err(Error::new("value must be greater than zero"));
    }
    Ok(Value::Float(x.ln()))
}
