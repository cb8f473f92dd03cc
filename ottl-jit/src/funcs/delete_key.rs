//! `delete_key(target, key)`: `Map.Remove(key)`, which removes the first pair with that key by
//! moving the map's last pair into its place (pdata keeps no order on removal).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::key_eq;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let key = call.lit_str(1);
    if let Some(m) = call.map_target(0, rec)?
        && let Some(i) = m.iter().position(|kv| key_eq(&kv.key, key))
    {
        m.swap_remove(i);
    }
    Ok(())
}
