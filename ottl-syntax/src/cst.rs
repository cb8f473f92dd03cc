//! The concrete tree the LR grammar builds: a permissive superset of OTTL.
//!
//! The grammar reads conditions and values with one expression grammar (an LR parser cannot
//! decide early whether `(` opens a condition or arithmetic); [`crate::lower`] then checks each
//! node against upstream's rules and builds the [`crate::ast`].

use crate::ast::{CompareOp, Ident, MathOp};
use crate::text::TextRange;

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        lhs: Box<Expr>,
        op: CompareOp,
        rhs: Box<Expr>,
    },
    Math {
        lhs: Box<Expr>,
        op: MathOp,
        rhs: Box<Expr>,
    },
    Paren(Box<Expr>),
    Nil,
    Bool(bool),
    Int,
    Float,
    Str,
    Bytes,
    Enum,
    FuncName(String),
    /// Segments; the first may be `nil` (a path only inside keys and after math operators).
    Path(Vec<Segment>),
    Call(Call),
    List(Vec<Expr>),
    Map(Vec<(TextRange, Expr)>),
    /// What error recovery skipped; its diagnostic is already recorded.
    Error,
}

#[derive(Clone, Debug)]
pub struct Segment {
    pub name: Ident,
    pub keys: Vec<Key>,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Call {
    pub name: Ident,
    pub lowercase: bool,
    pub args: Vec<Arg>,
    pub keys: Vec<Key>,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Key {
    pub inner: Expr,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub call: Call,
    pub condition: Option<Expr>,
    pub range: TextRange,
}

pub fn expr(kind: ExprKind, l: u32, r: u32) -> Expr {
    Expr { kind, range: TextRange::new(l, r) }
}

pub fn boxed(kind: fn(Box<Expr>, Box<Expr>) -> ExprKind, lhs: Expr, rhs: Expr) -> Expr {
    let range = lhs.range.cover(rhs.range);
    Expr { kind: kind(Box::new(lhs), Box::new(rhs)), range }
}

pub fn math(lhs: Expr, op: MathOp, rhs: Expr) -> Expr {
    let range = lhs.range.cover(rhs.range);
    Expr { kind: ExprKind::Math { lhs: Box::new(lhs), op, rhs: Box::new(rhs) }, range }
}

pub fn ident(text: &str, l: u32, r: u32) -> Ident {
    Ident { name: text[l as usize..r as usize].to_string(), range: TextRange::new(l, r) }
}
