//! `Concat(vals, delimiter)`: joins `StringLike` values; nil is written as `<nil>`.

use std::borrow::Cow;

use crate::interp::args::string_like;
use crate::interp::{CArg, CCall, CExpr, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let delimiter = call.lit_str(1);
    let CArg::Value(CExpr::List(items)) = call.arg(0) else {
        return Ok(Value::Str(Cow::Borrowed("")));
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(delimiter);
        }
        match string_like(item.eval(rec)?) {
            Some(s) => out.push_str(&s),
            None => out.push_str("<nil>"),
        }
    }
    Ok(Value::Str(Cow::Owned(out)))
}
