//! `delete_key(target, key)`: `Map.Remove(key)`.

use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let key = call.lit_str(1);
    if let Some(m) = call.map_target(0, rec)? {
        m.retain(|kv| kv.key != key);
    }
    Ok(())
}
