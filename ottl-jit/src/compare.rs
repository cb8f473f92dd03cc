//! Comparisons (`pkg/ottl/compare.go`). A comparison never fails: kinds that do not compare are
//! "invalid", false for every operator except `!=`.

use std::cmp::Ordering;

use ottl_types::syntax::ast::CompareOp;

use crate::value::Value;

/// `a op b` with upstream's rules.
pub fn compare(a: &Value<'_>, b: &Value<'_>, op: CompareOp) -> bool {
    match ordering(a, b) {
        Cmp::Ordered(o) => holds(o, op),
        Cmp::EqualityOnly(eq) => match op {
            CompareOp::Eq => eq,
            CompareOp::Ne => !eq,
            _ => false,
        },
        Cmp::Invalid => op == CompareOp::Ne,
    }
}

enum Cmp {
    Ordered(Ordering),
    /// Kinds with `==`/`!=` only (maps, slices, ids); ordering operators are false.
    EqualityOnly(bool),
    Invalid,
}

fn holds(o: Ordering, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
    }
}

fn ordering(a: &Value<'_>, b: &Value<'_>) -> Cmp {
    use Value as V;
    match (a, b) {
        (V::Nil, V::Nil) => Cmp::Ordered(Ordering::Equal),
        // A nil left operand swaps the sides; every left kind then rejects a nil right one.
        (V::Nil, _) | (_, V::Nil) => Cmp::Invalid,
        (V::Bool(x), V::Bool(y)) => Cmp::Ordered(x.cmp(y)),
        (V::Int(x), V::Int(y)) => Cmp::Ordered(x.cmp(y)),
        #[expect(clippy::cast_precision_loss, reason = "Go compares float64(int64) the same way")]
        (V::Int(x), V::Float(y)) => float(*x as f64, *y),
        #[expect(clippy::cast_precision_loss, reason = "Go compares float64(int64) the same way")]
        (V::Float(x), V::Int(y)) => float(*x, *y as f64),
        (V::Float(x), V::Float(y)) => float(*x, *y),
        (V::Str(x), V::Str(y)) => Cmp::Ordered(x.as_bytes().cmp(y.as_bytes())),
        (V::Bytes(x), V::Bytes(y)) => Cmp::Ordered(x.as_ref().cmp(y.as_ref())),
        (V::Time(x), V::Time(y)) => Cmp::Ordered(x.instant().cmp(&y.instant())),
        (V::Duration(x), V::Duration(y)) => Cmp::Ordered(x.cmp(y)),
        (V::Map(x), V::Map(y)) => Cmp::EqualityOnly(maps_equal(x, y)),
        (V::TraceId(x), V::TraceId(y)) => Cmp::EqualityOnly(x == y),
        (V::SpanId(x), V::SpanId(y)) => Cmp::EqualityOnly(x == y),
        // Go `==` on interface values holding slices compares storage identity; two slices read
        // from different places are never the same storage.
        (V::Slice(x), V::Slice(y)) => {
            Cmp::EqualityOnly(std::ptr::eq(x.as_ptr(), y.as_ptr()) && x.len() == y.len())
        }
        _ => Cmp::Invalid,
    }
}

/// IEEE ordering: NaN compares false for everything but `!=`.
fn float(x: f64, y: f64) -> Cmp {
    match x.partial_cmp(&y) {
        Some(o) => Cmp::Ordered(o),
        None => Cmp::Invalid,
    }
}

/// `pcommon.Map.Equal`: the same keys with equal values, in any order.
fn maps_equal(
    x: &[opentelemetry_proto::tonic::common::v1::KeyValue],
    y: &[opentelemetry_proto::tonic::common::v1::KeyValue],
) -> bool {
    x.len() == y.len()
        && x.iter().all(|kv| y.iter().any(|other| other.key == kv.key && other.value == kv.value))
}
