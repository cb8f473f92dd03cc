//! The static kinds of OTTL values: what a path, literal or converter can produce.

use std::fmt;

/// A kind in the lattice `Nil | Bool | Int | Float | String | Bytes | Map | List | Time | Duration
/// | TraceId | SpanId | Pdata(..)` with `Any` on top. Enums are `Int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Kind {
    Nil,
    Bool,
    Int,
    Float,
    String,
    Bytes,
    Map,
    List,
    Time,
    Duration,
    TraceId,
    SpanId,
    /// A pdata value with no OTTL literal form (`span.events`, `datapoint.exemplars`, ...).
    Pdata(&'static str),
    /// Unknown until run time (attribute values, `body`, converter results that vary).
    Any,
}

impl Kind {
    /// Whether a value of kind `self` may be `other` at run time.
    pub fn may_be(self, other: Kind) -> bool {
        self == other || self == Kind::Any || other == Kind::Any
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Kind::Nil => "nil",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::String => "string",
            Kind::Bytes => "bytes",
            Kind::Map => "map",
            Kind::List => "list",
            Kind::Time => "time",
            Kind::Duration => "duration",
            Kind::TraceId => "trace id",
            Kind::SpanId => "span id",
            Kind::Pdata(name) => name,
            Kind::Any => "any",
        };
        f.write_str(s)
    }
}

impl Kind {
    /// The kind with its article, for messages: "an int", "a string", "bytes".
    pub fn a(self) -> String {
        match self {
            Kind::Int | Kind::Any => format!("an {self}"),
            Kind::Bytes => "bytes".to_string(),
            _ => format!("a {self}"),
        }
    }
}
