//! `truncate_all(target, limit)`: truncates top-level string values to at most `limit` bytes,
//! backing off to a UTF-8 boundary (newer upstream checks `utf8` so a character is never split).

use opentelemetry_proto::tonic::common::v1::any_value;

use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let limit = call.lit_int(1).unwrap_or(0);
    if limit < 0 {
        return Err(Error(format!("invalid limit for truncate_all function, {limit} cannot be negative")));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if let Some(m) = call.map_target(0, rec)? {
        for kv in m.iter_mut() {
            if let Some(any_value::Value::StringValue(s)) = kv.value.as_mut().and_then(|v| v.value.as_mut())
                && s.len() > limit
            {
                let mut cut = limit;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s.truncate(cut);
            }
        }
    }
    Ok(())
}
