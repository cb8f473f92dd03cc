//! `append(target, value, values)`: appends to the slice at `target`; a missing target becomes a
//! new slice and a scalar target becomes `[old, new...]`.

use opentelemetry_proto::tonic::common::v1::AnyValue;

use crate::interp::{CCall, CExpr, Error, set_path};
use crate::record::Record;
use crate::value::Value;

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    if !call.is_given(1) && !call.is_given(2) {
        return Err(Error::new(
            "at least one of the optional arguments ('value' or 'values') must be provided",
        ));
    }
    let mut new: Vec<AnyValue> = Vec::new();
    if call.is_given(1) {
        new.push(call.value(1, rec)?.to_any().unwrap_or_default());
    }
    if let crate::interp::CArg::Value(CExpr::List(items)) = call.arg(2) {
        for item in items {
            new.push(item.eval(rec)?.to_any().unwrap_or_default());
        }
    }
    let Some(path) = call.path(0) else { return Ok(()) };
    let mut values: Vec<AnyValue> = match path.get(rec)? {
        Value::Nil => Vec::new(),
        Value::Slice(s) => s.into_owned(),
        Value::List(items) => items.iter().map(|i| i.to_any().unwrap_or_default()).collect(),
        other => vec![other.to_any().unwrap_or_default()],
    };
    values.extend(new);
    let slice = Value::Slice(values.into());
    set_path(path, rec, &slice)?;
    Ok(())
}
