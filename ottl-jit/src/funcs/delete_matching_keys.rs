//! `delete_matching_keys(target, pattern)`: removes the keys the regular expression matches.

use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(re) = call.regex(1) else { return Ok(()) };
    if let Some(m) = call.map_target(0, rec)? {
        m.retain(|kv| !re.is_match(&kv.key));
    }
    Ok(())
}
