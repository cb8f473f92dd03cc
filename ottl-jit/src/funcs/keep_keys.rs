//! `keep_keys(target, keys)`: keeps only the listed keys (an empty list clears the map).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::key_eq;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let keys = call.str_list(1);
    if let Some(m) = call.map_target(0, rec)? {
        m.retain(|kv| keys.iter().any(|k| key_eq(k, &kv.key)));
    }
    Ok(())
}
