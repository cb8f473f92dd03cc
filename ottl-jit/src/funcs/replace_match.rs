//! `replace_match(target, pattern, replacement, function, format)`: a string target matching the
//! glob is replaced as a whole (by `function(replacement)` in `format` when a function is given).
//! A non-string target is left alone.

use std::borrow::Cow;

use crate::interp::{CCall, Error, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(path) = call.path(0) else { return Ok(()) };
    let Some(glob) = call.regex(1) else { return Ok(()) };
    let replacement = {
        let Value::Str(original) = path.get(rec)? else { return Ok(()) };
        if !glob.is_match(&original) {
            return Ok(());
        }
        replacement(call, 2, rec)?
    };
    set_path(path, rec, &Value::Str(replacement))
}

/// The replacement argument, passed through the optional function and format: borrowed from
/// the call when it is a literal used as it is, so that a replacement nothing needs costs
/// nothing.
pub(super) fn replacement<'c>(
    call: &'c CCall,
    index: usize,
    rec: &Record<'_>,
) -> Result<Cow<'c, str>, Error> {
    let Some((sig, f)) = call.function(index + 1) else {
        if let Some(Value::Str(literal)) = call.arg(index).literal() {
            return Ok(literal);
        }
        return Ok(Cow::Owned(call.string(index, rec)?.into_owned()));
    };
    let replacement = call.string(index, rec)?;
    let value = super::apply_function(*f, sig, &replacement)?;
    let format = if call.is_given(index + 2) { Some(call.string(index + 2, rec)?) } else { None };
    Ok(Cow::Owned(super::format_replacement(format.as_deref(), &value)))
}
