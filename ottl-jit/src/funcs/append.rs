//! `append(target, value, values)`: appends to the slice at `target`; a missing target becomes a
//! new slice and a scalar target becomes `[old, new...]`.
//!
//! Upstream builds the result with `pcommon.Slice.FromRaw`, which takes Go values but not pdata
//! ones: a map target, or a map or slice value read from a path or returned by a converter, is
//! an error (`<Invalid value type pcommon.Map>`); map and list literals are fine.

use opentelemetry_proto::tonic::common::v1::AnyValue;

use crate::interp::{CArg, CCall, CExpr, Error, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    if !call.is_given(1) && !call.is_given(2) {
        return Err(Error::new(
            "at least one of the optional arguments ('value' or 'values') must be provided",
        ));
    }
    let Some(path) = call.path(0) else { return Ok(()) };
    let mut values: Vec<AnyValue> = match path.get(rec)? {
        Value::Nil => Vec::new(),
        Value::Slice(s) => s.into_owned(),
        Value::List(items) => items.iter().map(|i| i.to_any().unwrap_or_default()).collect(),
        Value::Map(_) => return Err(Error::new("<Invalid value type pcommon.Map>")),
        other => vec![other.to_any().unwrap_or_default()],
    };
    let mut new: Vec<AnyValue> = Vec::new();
    if call.is_given(1) {
        let literal = matches!(call.arg(1), CArg::Value(CExpr::Map(_) | CExpr::List(_)));
        new.push(raw(call.value(1, rec)?, literal)?);
    }
    if let CArg::Value(CExpr::List(items)) = call.arg(2) {
        for item in items {
            let literal = matches!(item, CExpr::Map(_) | CExpr::List(_));
            new.push(raw(item.eval(rec)?, literal)?);
        }
    }
    values.extend(new);
    let slice = Value::Slice(values.into());
    set_path(path, rec, &slice)?;
    Ok(())
}

/// A value as `FromRaw` takes it: pdata maps and slices (from paths and converters) are refused.
fn raw(v: Value<'_>, literal: bool) -> Result<AnyValue, Error> {
    match v {
        Value::Map(_) if !literal => Err(Error::new("<Invalid value type pcommon.Map>")),
        Value::Slice(_) if !literal => Err(Error::new("<Invalid value type pcommon.Slice>")),
        v => Ok(v.to_any().unwrap_or_default()),
    }
}
