//! `replace_pattern(target, regex, replacement, function, format)`: replaces every match in a
//! string target, with `$1`/`${name}` expansion. With `function`, each match is replaced by the
//! function of the expanded replacement (placed into `format`). A non-string target is left alone.

use std::borrow::Cow;

use crate::interp::{CCall, Error, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let Some(path) = call.path(0) else { return Ok(()) };
    let Some(re) = call.regex(1) else { return Ok(()) };
    let updated = {
        let Value::Str(original) = path.get(rec)? else { return Ok(()) };
        let replacement = call.string(2, rec)?;
        let format = if call.is_given(4) { Some(call.string(4, rec)?) } else { None };
        match replace(re, &original, &replacement, call, format.as_deref())? {
            Cow::Borrowed(_) => return Ok(()),
            Cow::Owned(s) => s,
        }
    };
    set_path(path, rec, &Value::Str(Cow::Owned(updated)))
}

/// Replaces every match of `re` in `s`; `Cow::Borrowed` when nothing matched.
pub(super) fn replace<'s>(
    re: &regex::Regex,
    s: &'s str,
    replacement: &str,
    call: &CCall,
    format: Option<&str>,
) -> Result<Cow<'s, str>, Error> {
    let Some((sig, f)) = call.function(3) else {
        return Ok(re.replace_all(s, replacement));
    };
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut any = false;
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        any = true;
        let mut expanded = String::new();
        caps.expand(replacement, &mut expanded);
        let value = super::apply_function(*f, sig, &expanded)?;
        out.push_str(&s[last..m.start()]);
        out.push_str(&super::format_replacement(format, &value));
        last = m.end();
    }
    if !any {
        return Ok(Cow::Borrowed(s));
    }
    out.push_str(&s[last..]);
    Ok(Cow::Owned(out))
}
