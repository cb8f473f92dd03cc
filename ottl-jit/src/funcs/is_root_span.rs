//! `IsRootSpan()`: whether the span has no parent (an empty `parent_span_id`).

use crate::interp::{CCall, Error};
use crate::record::{Field, Record};
use crate::value::Value;

#[expect(clippy::unnecessary_wraps, reason = "every converter has the `ConvertFn` signature")]
pub fn run<'a>(_: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Bool(matches!(rec.get(Field::SpanParentSpanId), Value::SpanId(id) if *id == [0; 8])))
}
