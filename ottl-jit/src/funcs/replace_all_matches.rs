//! `replace_all_matches(target, pattern, replacement, function, format)`: every top-level string
//! value of the map that matches the glob is replaced as a whole.

use opentelemetry_proto::tonic::common::v1::any_value;

use super::replace_match::replacement;
use crate::interp::{CCall, Error};
use crate::record::Record;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(glob) = call.regex(1) else { return Ok(()) };
    let replacement = replacement(call, 2, rec)?;
    let Some(m) = call.map_target(0, rec)? else { return Ok(()) };
    for kv in m.iter_mut() {
        if let Some(any_value::Value::StringValue(s)) = kv.value.as_mut().and_then(|v| v.value.as_mut())
            && glob.is_match(s)
        {
            replacement.as_ref().clone_into(s);
        }
    }
    Ok(())
}
