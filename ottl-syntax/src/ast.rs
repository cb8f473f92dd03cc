//! The OTTL syntax tree. Every node carries the byte range it was parsed from.
//!
//! The shapes follow upstream's grammar (`pkg/ottl/grammar.go`) so that later stages can follow
//! upstream's rules one to one: a statement is one editor call with an optional `where` condition;
//! a path keeps upstream's "context" capture (the first segment, when it has no keys and a `.`
//! follows); converter results may be indexed.

pub use crate::shape::CompareOp;
use crate::text::TextRange;

/// A name as written (glued names such as `Is Match` hold their glued text, `IsMatch`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Ident {
    pub name: String,
    pub range: TextRange,
}

/// `editor(args) [where condition]`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Statement {
    pub editor: Call,
    pub condition: Option<BoolExpr>,
    pub range: TextRange,
}

/// A function call: an editor at the top of a statement, or a converter inside values.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Argument>,
    /// Keys indexing the call's result (`Split(x, ",")[0]`).
    pub keys: Vec<Key>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Argument {
    /// `name = ` of a named argument.
    pub name: Option<Ident>,
    pub value: ArgValue,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum ArgValue {
    Value(Value),
    /// A bare function name such as `Sha256` (an all-caps one such as `SHA256` parses as an enum).
    FunctionName(Ident),
}

impl ArgValue {
    pub fn range(&self) -> TextRange {
        match self {
            Self::Value(v) => v.range,
            Self::FunctionName(i) => i.range,
        }
    }
}

/// A condition: `where` clauses, filter conditions, routing conditions.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BoolExpr {
    pub kind: BoolExprKind,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum BoolExprKind {
    Or(Box<BoolExpr>, Box<BoolExpr>),
    And(Box<BoolExpr>, Box<BoolExpr>),
    Not(Box<BoolExpr>),
    Comparison {
        lhs: Value,
        op: CompareOp,
        rhs: Value,
    },
    Literal(bool),
    /// A converter whose result must be a bool at run time.
    Converter(Call),
    Paren(Box<BoolExpr>),
    /// A condition that did not parse (its diagnostic is reported separately).
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum MathOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl MathOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Value {
    pub kind: ValueKind,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum ValueKind {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    Enum(String),
    Path(Path),
    Converter(Call),
    List(Vec<Value>),
    Map(Vec<MapItem>),
    Math {
        lhs: Box<Value>,
        op: MathOp,
        rhs: Box<Value>,
    },
    /// A parenthesised math expression.
    Paren(Box<Value>),
    /// A value that did not parse (its diagnostic is reported separately).
    Error,
}

impl ValueKind {
    /// A literal written in the statement: nil, a bool, a number, a string, bytes or an enum.
    pub fn is_scalar_literal(&self) -> bool {
        matches!(
            self,
            ValueKind::Nil
                | ValueKind::Bool(_)
                | ValueKind::Int(_)
                | ValueKind::Float(_)
                | ValueKind::String(_)
                | ValueKind::Bytes(_)
                | ValueKind::Enum(_)
        )
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MapItem {
    pub key: String,
    pub key_range: TextRange,
    pub value: Value,
}

/// `[context.]field[key]...(.field[key]...)*`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Path {
    /// Upstream's grammar-level context: the first segment when it has no keys and is followed by
    /// `.` (`resource` in `resource.attributes`, but also `body` in `body.string`).
    pub context: Option<Ident>,
    pub fields: Vec<Field>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Field {
    pub name: Ident,
    pub keys: Vec<Key>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Key {
    pub kind: KeyKind,
    /// From `[` to `]`.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum KeyKind {
    String(String),
    Int(i64),
    /// A path, converter or math expression (evaluated at run time).
    Expr(Value),
}

impl Path {
    /// Every segment, context first, as written.
    pub fn segments(&self) -> impl Iterator<Item = &Ident> {
        self.context.iter().chain(self.fields.iter().map(|f| &f.name))
    }
}
