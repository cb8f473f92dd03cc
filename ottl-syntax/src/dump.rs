//! A readable, stable text dump of the syntax tree, for snapshots and `ottl parse`.

use std::fmt::Write;

use crate::ast::{ArgValue, BoolExpr, BoolExprKind, Call, Key, KeyKind, Path, Statement, Value, ValueKind};

/// Dumps a statement, one node per line, children indented.
pub fn statement(s: &Statement) -> String {
    Dumper::new(true).run(|d| d.statement(s))
}

pub fn condition(c: &BoolExpr) -> String {
    Dumper::new(true).run(|d| d.bool_expr(c))
}

pub fn value(v: &Value) -> String {
    Dumper::new(true).run(|d| d.value(v))
}

/// The tree's shape: the dump without byte ranges, equal for texts that parse to the same tree.
pub fn statement_shape(s: &Statement) -> String {
    Dumper::new(false).run(|d| d.statement(s))
}

pub fn condition_shape(c: &BoolExpr) -> String {
    Dumper::new(false).run(|d| d.bool_expr(c))
}

pub fn value_shape(v: &Value) -> String {
    Dumper::new(false).run(|d| d.value(v))
}

struct Dumper {
    out: String,
    depth: usize,
    ranges: bool,
}

impl Dumper {
    fn new(ranges: bool) -> Self {
        Self { out: String::new(), depth: 0, ranges }
    }

    fn run(mut self, f: impl FnOnce(&mut Self)) -> String {
        f(&mut self);
        self.out
    }

    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        let start = self.out.len();
        self.out.write_fmt(text).expect("writing to a String");
        if !self.ranges {
            // Every line ends with its range (` 12..34`); drop it.
            if let Some(space) = self.out[start..].rfind(' ') {
                let cut = start + space;
                if self.out[cut + 1..].contains("..") {
                    self.out.truncate(cut);
                }
            }
        }
        self.out.push('\n');
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn statement(&mut self, s: &Statement) {
        self.line(format_args!("Statement {:?}", s.range));
        self.nested(|d| {
            d.call("Editor", &s.editor);
            if let Some(c) = &s.condition {
                d.line(format_args!("Where"));
                d.nested(|d| d.bool_expr(c));
            }
        });
    }

    fn call(&mut self, what: &str, c: &Call) {
        self.line(format_args!("{what} {} {:?}", c.name.name, c.range));
        self.nested(|d| {
            for arg in &c.args {
                match &arg.name {
                    Some(name) => d.line(format_args!("Arg {} = {:?}", name.name, arg.range)),
                    None => d.line(format_args!("Arg {:?}", arg.range)),
                }
                d.nested(|d| match &arg.value {
                    ArgValue::Value(v) => d.value(v),
                    ArgValue::FunctionName(f) => {
                        d.line(format_args!("FunctionName {} {:?}", f.name, f.range));
                    }
                });
            }
            d.keys(&c.keys);
        });
    }

    fn keys(&mut self, keys: &[Key]) {
        for key in keys {
            match &key.kind {
                KeyKind::String(s) => self.line(format_args!("Key {s:?} {:?}", key.range)),
                KeyKind::Int(i) => self.line(format_args!("Key {i} {:?}", key.range)),
                KeyKind::Expr(v) => {
                    self.line(format_args!("Key {:?}", key.range));
                    self.nested(|d| d.value(v));
                }
            }
        }
    }

    fn bool_expr(&mut self, b: &BoolExpr) {
        let r = b.range;
        match &b.kind {
            BoolExprKind::Or(l, rhs) | BoolExprKind::And(l, rhs) => {
                let op = if matches!(b.kind, BoolExprKind::Or(..)) { "Or" } else { "And" };
                self.line(format_args!("{op} {r:?}"));
                self.nested(|d| {
                    d.bool_expr(l);
                    d.bool_expr(rhs);
                });
            }
            BoolExprKind::Not(inner) => {
                self.line(format_args!("Not {r:?}"));
                self.nested(|d| d.bool_expr(inner));
            }
            BoolExprKind::Paren(inner) => {
                self.line(format_args!("Paren {r:?}"));
                self.nested(|d| d.bool_expr(inner));
            }
            BoolExprKind::Comparison { lhs, op, rhs } => {
                self.line(format_args!("Comparison {} {r:?}", op.as_str()));
                self.nested(|d| {
                    d.value(lhs);
                    d.value(rhs);
                });
            }
            BoolExprKind::Literal(v) => self.line(format_args!("Bool {v} {r:?}")),
            BoolExprKind::Converter(c) => self.call("Converter", c),
            BoolExprKind::Error => self.line(format_args!("Error {r:?}")),
        }
    }

    fn value(&mut self, v: &Value) {
        let r = v.range;
        match &v.kind {
            ValueKind::Nil => self.line(format_args!("Nil {r:?}")),
            ValueKind::Error => self.line(format_args!("Error {r:?}")),
            ValueKind::Bool(b) => self.line(format_args!("Bool {b} {r:?}")),
            ValueKind::Int(i) => self.line(format_args!("Int {i} {r:?}")),
            ValueKind::Float(f) => self.line(format_args!("Float {f:?} {r:?}")),
            ValueKind::String(s) => self.line(format_args!("String {s:?} {r:?}")),
            ValueKind::Bytes(b) => {
                let hex = b.iter().fold(String::new(), |mut s, x| {
                    let _ = write!(s, "{x:02x}");
                    s
                });
                self.line(format_args!("Bytes 0x{hex} {r:?}"));
            }
            ValueKind::Enum(e) => self.line(format_args!("Enum {e} {r:?}")),
            ValueKind::Path(p) => self.path(p),
            ValueKind::Converter(c) => self.call("Converter", c),
            ValueKind::List(items) => {
                self.line(format_args!("List {r:?}"));
                self.nested(|d| items.iter().for_each(|i| d.value(i)));
            }
            ValueKind::Map(items) => {
                self.line(format_args!("Map {r:?}"));
                self.nested(|d| {
                    for item in items {
                        d.line(format_args!("Entry {:?} {:?}", item.key, item.key_range));
                        d.nested(|d| d.value(&item.value));
                    }
                });
            }
            ValueKind::Math { lhs, op, rhs } => {
                self.line(format_args!("Math {} {r:?}", op.as_str()));
                self.nested(|d| {
                    d.value(lhs);
                    d.value(rhs);
                });
            }
            ValueKind::Paren(inner) => {
                self.line(format_args!("Paren {r:?}"));
                self.nested(|d| d.value(inner));
            }
        }
    }

    fn path(&mut self, p: &Path) {
        match &p.context {
            Some(c) => self.line(format_args!("Path context={} {:?}", c.name, p.range)),
            None => self.line(format_args!("Path {:?}", p.range)),
        }
        self.nested(|d| {
            for f in &p.fields {
                d.line(format_args!("Field {} {:?}", f.name.name, f.range));
                d.nested(|d| d.keys(&f.keys));
            }
        });
    }
}
