//! `Concat(vals, delimiter)`: joins `StringLike` values; nil is written as `<nil>`.

use std::borrow::Cow;

use crate::interp::args::string_like;
use crate::interp::{CArg, CCall, CExpr, Error};
use crate::record::Record;
use crate::value::Value;

/// How many parts are gathered on the stack before the joined string is sized and written once.
const INLINE: usize = 4;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let delimiter = call.lit_str(1);
    let CArg::Value(CExpr::List(items)) = call.arg(0) else {
        return Ok(Value::Str(Cow::Borrowed("")));
    };
    let part = |item: &'a CExpr| -> Result<Cow<'a, str>, Error> {
        Ok(string_like(item.eval(rec)?).unwrap_or(Cow::Borrowed("<nil>")))
    };
    if items.len() <= INLINE {
        let mut parts: [Cow<'a, str>; INLINE] = Default::default();
        for (slot, item) in parts.iter_mut().zip(items) {
            *slot = part(item)?;
        }
        return Ok(Value::Str(Cow::Owned(join(&parts[..items.len()], delimiter))));
    }
    let parts = items.iter().map(part).collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Str(Cow::Owned(join(&parts, delimiter))))
}

/// `strings.Join`, with the result allocated once at its final size.
fn join(parts: &[Cow<'_, str>], delimiter: &str) -> String {
    let len = parts.iter().map(|p| p.len()).sum::<usize>() + delimiter.len() * parts.len().saturating_sub(1);
    let mut out = String::with_capacity(len);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(delimiter);
        }
        out.push_str(p);
    }
    out
}
