//! Arithmetic (`pkg/ottl/math.go`): ints wrap, ints and floats mix as floats, division by zero is
//! an error for both, and times and durations combine as Go's `time` package does.

use ottl_types::syntax::ast::MathOp;

use crate::value::{Time, Value};

/// An arithmetic error, with upstream's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MathError(pub String);

/// `lhs op rhs`.
pub fn apply(lhs: &Value<'_>, op: MathOp, rhs: &Value<'_>) -> Result<Value<'static>, MathError> {
    match lhs {
        Value::Int(x) => numeric_int(*x, op, rhs),
        Value::Float(x) => numeric_float(*x, op, rhs),
        Value::Time(t) => time(*t, op, rhs),
        Value::Duration(d) => duration(*d, op, rhs),
        other => {
            Err(MathError(format!("{} must be int64, float64, time.Time or time.Duration", display(other))))
        }
    }
}

fn numeric_int(x: i64, op: MathOp, rhs: &Value<'_>) -> Result<Value<'static>, MathError> {
    match rhs {
        Value::Int(y) => {
            if op == MathOp::Div && *y == 0 {
                return Err(divide_by_zero());
            }
            Ok(Value::Int(match op {
                MathOp::Add => x.wrapping_add(*y),
                MathOp::Sub => x.wrapping_sub(*y),
                MathOp::Mul => x.wrapping_mul(*y),
                MathOp::Div => x.wrapping_div(*y),
            }))
        }
        #[expect(clippy::cast_precision_loss, reason = "Go's float64(int64)")]
        Value::Float(y) => float(x as f64, op, *y),
        other => Err(MathError(format!("{} must be int64 or float64", display(other)))),
    }
}

fn numeric_float(x: f64, op: MathOp, rhs: &Value<'_>) -> Result<Value<'static>, MathError> {
    match rhs {
        #[expect(clippy::cast_precision_loss, reason = "Go's float64(int64)")]
        Value::Int(y) => float(x, op, *y as f64),
        Value::Float(y) => float(x, op, *y),
        other => Err(MathError(format!("{} must be int64 or float64", display(other)))),
    }
}

fn float(x: f64, op: MathOp, y: f64) -> Result<Value<'static>, MathError> {
    if op == MathOp::Div && y == 0.0 {
        return Err(divide_by_zero());
    }
    Ok(Value::Float(match op {
        MathOp::Add => x + y,
        MathOp::Sub => x - y,
        MathOp::Mul => x * y,
        MathOp::Div => x / y,
    }))
}

fn time(t: Time, op: MathOp, rhs: &Value<'_>) -> Result<Value<'static>, MathError> {
    match (op, rhs) {
        (MathOp::Sub, Value::Time(u)) => Ok(Value::Duration(t.since(*u))),
        (MathOp::Add, Value::Duration(d)) => Ok(Value::Time(t.add_duration(*d))),
        (MathOp::Sub, Value::Duration(d)) => Ok(Value::Time(t.add_duration(d.wrapping_neg()))),
        (MathOp::Add | MathOp::Sub, other) => Err(MathError(format!(
            "time.Time and {} are not compatible for this operation",
            type_name(other)
        ))),
        _ => Err(MathError("only addition and subtraction are supported with time.Time".into())),
    }
}

fn duration(d: i64, op: MathOp, rhs: &Value<'_>) -> Result<Value<'static>, MathError> {
    match (op, rhs) {
        (MathOp::Add, Value::Duration(e)) => Ok(Value::Duration(d.wrapping_add(*e))),
        (MathOp::Sub, Value::Duration(e)) => Ok(Value::Duration(d.wrapping_sub(*e))),
        (MathOp::Add, Value::Time(t)) => Ok(Value::Time(t.add_duration(d))),
        (MathOp::Add | MathOp::Sub, other) => Err(MathError(format!(
            "time.Duration and {} are not compatible for this operation",
            type_name(other)
        ))),
        _ => Err(MathError("only addition and subtraction are supported with time.Duration".into())),
    }
}

fn divide_by_zero() -> MathError {
    MathError("attempted to divide by 0".into())
}

/// How Go's `%T` prints an operand's type (`<nil>` for nil).
fn type_name(v: &Value<'_>) -> &'static str {
    if matches!(v, Value::Nil) { "<nil>" } else { v.go_type() }
}

/// How Go's `%v` prints an operand in these messages.
fn display(v: &Value<'_>) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Str(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.go_type().to_string(),
    }
}
