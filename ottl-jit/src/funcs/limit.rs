//! `limit(target, limit, priority_keys)`: keeps at most `limit` entries, priority keys first,
//! then the others in map order.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::key_eq;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let limit = usize::try_from(call.lit_int(1).unwrap_or(0)).unwrap_or(0);
    let priority = call.str_list(2);
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    if m.len() <= limit {
        return Ok(());
    }
    let kept_priority = m.iter().filter(|kv| priority.iter().any(|k| key_eq(k, &kv.key))).count().min(limit);
    let mut others = limit - kept_priority;
    let mut priority_left = kept_priority;
    m.retain(|kv| {
        if priority.iter().any(|k| key_eq(k, &kv.key)) {
            if priority_left > 0 {
                priority_left -= 1;
                return true;
            }
            return false;
        }
        if others > 0 {
            others -= 1;
            return true;
        }
        false
    });
    Ok(())
}
