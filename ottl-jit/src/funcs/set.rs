//! `set(target, value)`: sets the path unless the value is nil.

use crate::interp::{CCall, Error, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let v = call.value(1, rec)?;
    if matches!(v, Value::Nil) {
        return Ok(());
    }
    let v = v.into_owned();
    match call.path(0) {
        Some(p) => set_path(p, rec, &v),
        None => Ok(()),
    }
}
