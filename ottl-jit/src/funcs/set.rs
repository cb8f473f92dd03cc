//! `set(target, value)`: sets the path unless the value is nil.

use crate::interp::{CCall, Error, set_keyed, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let v = call.value(1, rec)?;
    if matches!(v, Value::Nil) {
        return Ok(());
    }
    match call.path(0) {
        // At most one copy: a borrowed value is copied into the map's new value, an owned one
        // (a converter's result) moves there.
        Some(p) if !p.keys.is_empty() => {
            let any = v.into_any().unwrap_or_default();
            set_keyed(p, rec, any)
        }
        Some(p) => {
            let v = v.into_owned();
            set_path(p, rec, &v)
        }
        None => Ok(()),
    }
}
