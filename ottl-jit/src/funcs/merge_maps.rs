//! `merge_maps(target, source, strategy)`: `insert` adds new keys, `update` changes existing
//! ones, `upsert` does both. Values are copied.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::key_eq;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let source = call.pmap(1, rec)?.into_owned();
    let strategy = call.lit_str(2);
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    for kv in source {
        match (m.iter_mut().find(|t| key_eq(&t.key, &kv.key)), strategy) {
            (Some(t), "update" | "upsert") => t.value = kv.value,
            (None, "insert" | "upsert") => m.push(kv),
            _ => {}
        }
    }
    Ok(())
}
