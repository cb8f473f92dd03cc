//! `Sort(target, order)`: sorts a slice. All ints, all doubles or a mix of both sort
//! numerically; all strings sort as strings; any other mix of scalars sorts by string form with
//! the original types kept. Maps, slices and other kinds inside are an error, and so is a target
//! that is not a list (nil included). The sort is stable.

use std::cmp::Ordering;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let descending = call.is_given(1) && call.lit_str(1) == "desc";
    let mut items: Vec<Value<'a>> = match call.value(0, rec)? {
        Value::Slice(s) => match s {
            std::borrow::Cow::Borrowed(s) => s.iter().map(Value::from_any).collect(),
            std::borrow::Cow::Owned(s) => s.iter().map(|a| Value::from_any(a).into_owned()).collect(),
        },
        Value::List(items) => items,
        other => {
            let ty = if matches!(other, Value::Nil) { "<nil>" } else { other.go_type() };
            return Err(Error(format!("sort with unsupported type: '{ty}'. Target is not a list")));
        }
    };
    let all = |f: fn(&Value<'_>) -> bool| items.iter().all(f);
    let numeric = all(|v| matches!(v, Value::Int(_) | Value::Float(_)));
    let scalars = all(|v| matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_)));
    if !scalars {
        let odd = items
            .iter()
            .find(|v| !matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_)));
        let ty = odd.map_or("<nil>", |v| if matches!(v, Value::Nil) { "<nil>" } else { v.go_type() });
        return Err(Error(format!("sort with unsupported type: '{ty}'")));
    }
    // Strings, and any other mix of scalars, sort by their string form.
    let cmp = |a: &Value<'_>, b: &Value<'_>| -> Ordering {
        if numeric { number(a).total_cmp(&number(b)) } else { text(a).cmp(&text(b)) }
    };
    items.sort_by(|a, b| if descending { cmp(b, a) } else { cmp(a, b) });
    Ok(Value::List(items))
}

#[expect(clippy::cast_precision_loss, reason = "upstream compares int and double as float64")]
fn number(v: &Value<'_>) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

/// The string form Go's `fmt` gives a scalar (`%v`).
fn text(v: &Value<'_>) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::json::float(*f),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
