//! `delete_key(target, key)`: `Map.Remove(key)`, which removes the first pair with that key by
//! moving the map's last pair into its place (pdata keeps no order on removal).

use opentelemetry_proto::tonic::common::v1::KeyValue;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::key_eq;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    if let Some(m) = call.map_target(0, rec)? {
        remove(m, call.lit_str(1));
    }
    Ok(())
}

/// `Map.Remove(key)` on a map.
pub(crate) fn remove(m: &mut Vec<KeyValue>, key: &str) {
    if let Some(i) = m.iter().position(|kv| key_eq(&kv.key, key)) {
        m.swap_remove(i);
    }
}
