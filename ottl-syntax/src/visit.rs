//! Walking the tree: a visitor with a default traversal, overridden where a pass needs to look.

use crate::ast::{ArgValue, BoolExpr, BoolExprKind, Call, Key, KeyKind, Path, Statement, Value, ValueKind};

/// Each method's default visits the node's children; override to look at a node (call the
/// matching `walk_*` function to keep descending).
pub trait Visitor<'a> {
    fn visit_statement(&mut self, s: &'a Statement) {
        walk_statement(self, s);
    }
    fn visit_bool_expr(&mut self, b: &'a BoolExpr) {
        walk_bool_expr(self, b);
    }
    fn visit_value(&mut self, v: &'a Value) {
        walk_value(self, v);
    }
    /// A call: the statement's editor, or a converter in a value or condition.
    fn visit_call(&mut self, c: &'a Call) {
        walk_call(self, c);
    }
    fn visit_path(&mut self, p: &'a Path) {
        walk_path(self, p);
    }
    fn visit_key(&mut self, k: &'a Key) {
        if let KeyKind::Expr(v) = &k.kind {
            self.visit_value(v);
        }
    }
}

pub fn walk_statement<'a, V: Visitor<'a> + ?Sized>(v: &mut V, s: &'a Statement) {
    v.visit_call(&s.editor);
    if let Some(c) = &s.condition {
        v.visit_bool_expr(c);
    }
}

pub fn walk_bool_expr<'a, V: Visitor<'a> + ?Sized>(v: &mut V, b: &'a BoolExpr) {
    match &b.kind {
        BoolExprKind::Or(l, r) | BoolExprKind::And(l, r) => {
            v.visit_bool_expr(l);
            v.visit_bool_expr(r);
        }
        BoolExprKind::Not(inner) | BoolExprKind::Paren(inner) => v.visit_bool_expr(inner),
        BoolExprKind::Comparison { lhs, rhs, .. } => {
            v.visit_value(lhs);
            v.visit_value(rhs);
        }
        BoolExprKind::Converter(c) => v.visit_call(c),
        BoolExprKind::Literal(_) | BoolExprKind::Error => {}
    }
}

pub fn walk_value<'a, V: Visitor<'a> + ?Sized>(v: &mut V, value: &'a Value) {
    match &value.kind {
        ValueKind::Path(p) => v.visit_path(p),
        ValueKind::Converter(c) => v.visit_call(c),
        ValueKind::List(items) => items.iter().for_each(|i| v.visit_value(i)),
        ValueKind::Map(items) => items.iter().for_each(|i| v.visit_value(&i.value)),
        ValueKind::Math { lhs, rhs, .. } => {
            v.visit_value(lhs);
            v.visit_value(rhs);
        }
        ValueKind::Paren(inner) => v.visit_value(inner),
        ValueKind::Nil
        | ValueKind::Bool(_)
        | ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::String(_)
        | ValueKind::Bytes(_)
        | ValueKind::Enum(_)
        | ValueKind::Error => {}
    }
}

pub fn walk_call<'a, V: Visitor<'a> + ?Sized>(v: &mut V, c: &'a Call) {
    for arg in &c.args {
        if let ArgValue::Value(value) = &arg.value {
            v.visit_value(value);
        }
    }
    c.keys.iter().for_each(|k| v.visit_key(k));
}

pub fn walk_path<'a, V: Visitor<'a> + ?Sized>(v: &mut V, p: &'a Path) {
    for f in &p.fields {
        f.keys.iter().for_each(|k| v.visit_key(k));
    }
}
