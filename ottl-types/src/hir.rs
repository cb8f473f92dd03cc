//! The typed IR: what every backend executes.
//!
//! Lowering runs after the checks and only on statements without errors. Paths are bound to
//! their context's schema fields, calls to their signatures with arguments in parameter order,
//! enums are folded to ints, arithmetic on literals is folded (with upstream's wrapping and its
//! run-time division-by-zero error left in place), regular expressions are compiled, and every
//! expression carries its static kind. Nothing here is looked up by name again at run time.

use std::sync::Arc;

use ottl_syntax::ast::{self, ArgValue, BoolExprKind, CompareOp, KeyKind, MathOp, ValueKind};
use ottl_syntax::{Diagnostic, TextRange};

use crate::check::{self, Env};
use crate::context::{ContextId, Field, Settable};
use crate::functions::{self, ParamType, Signature};
use crate::kind::Kind;
use crate::paths;

/// A statement: its editor call and optional `where` condition.
#[derive(Debug, Clone)]
pub struct Statement {
    pub editor: Call,
    pub condition: Option<Bool>,
    /// The statement as written, for error messages (`failed to execute statement: ...`).
    pub text: Arc<str>,
}

/// A bound function call.
#[derive(Debug, Clone)]
pub struct Call {
    pub sig: &'static Signature,
    /// One entry per parameter, in the signature's order.
    pub args: Vec<Arg>,
    /// Keys indexing a converter's result (only literal keys work at run time, as upstream).
    pub keys: Vec<Key>,
}

/// An argument, shaped by its parameter type.
#[derive(Debug, Clone)]
pub enum Arg {
    /// An optional parameter not given.
    Absent,
    /// A getter: evaluated per record.
    Value(Expr),
    /// A `Setter`/`GetSetter`: the path written.
    Path(PathRef),
    Str(Arc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Bytes(Arc<[u8]>),
    StrList(Vec<Arc<str>>),
    FloatList(Vec<f64>),
    /// A regular-expression parameter, compiled once.
    Regex(Arc<crate::pattern::Pattern>),
    /// An XPath (the XML functions), parsed once.
    XPath(Arc<crate::xpath::Expr>),
    /// A `FunctionGetter`: the converter named.
    Function(&'static Signature),
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: Kind,
    pub node: Node,
    pub range: TextRange,
}

#[derive(Debug, Clone)]
pub enum Node {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
    Path(PathRef),
    Call(Box<Call>),
    List(Vec<Expr>),
    Map(Vec<(Arc<str>, Expr)>),
    Math { op: MathOp, lhs: Box<Expr>, rhs: Box<Expr> },
}

/// A path bound to a context's schema.
#[derive(Debug, Clone)]
pub struct PathRef {
    /// Whose data: `Resource` for `resource.attributes` read from a log.
    pub context: ContextId,
    /// The schema fields along the path (empty for `cache`).
    pub fields: Vec<&'static Field>,
    pub cache: bool,
    /// Keys on the last segment.
    pub keys: Vec<Key>,
    pub kind: Kind,
    pub settable: Settable,
}

#[derive(Debug, Clone)]
pub enum Key {
    Str(Arc<str>),
    Int(i64),
    Expr(Box<Expr>),
}

#[derive(Debug, Clone)]
pub enum Bool {
    Or(Box<Bool>, Box<Bool>),
    And(Box<Bool>, Box<Bool>),
    Not(Box<Bool>),
    Compare {
        lhs: Box<Expr>,
        op: CompareOp,
        rhs: Box<Expr>,
    },
    Const(bool),
    /// A converter that must return a bool at run time.
    Call(Box<Call>),
}

/// Checks and lowers a statement; any error diagnostic (warnings do not count) is returned instead.
pub fn statement(env: Env, s: &ast::Statement, text: &str) -> Result<Statement, Vec<Diagnostic>> {
    let diagnostics = check::statement(env, s);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let l = Lower { env };
    let lowered = l.call(&s.editor).and_then(|editor| {
        let condition = match &s.condition {
            Some(c) => Some(l.bool(c)?),
            None => None,
        };
        Some(Statement { editor, condition, text: written_as(env, s, text) })
    });
    lowered.ok_or_else(|| vec![internal(s.range)])
}

/// The statement's text as the Collector reports it: a transform group with `context:` parses
/// the text with the context's prefix inserted into every unprefixed path, so that is the text
/// its errors name.
fn written_as(env: Env, s: &ast::Statement, text: &str) -> Arc<str> {
    if env.mode != paths::PathMode::InsertedPrefix {
        return text.into();
    }
    let paths = crate::infer::PathCollector::statement(s);
    crate::infer::prefix_paths(text, &paths, env.context.name(), env.context.prefixes()).into()
}

/// [`written_as`] for a statement's text: what a backend that keeps only the source (a WASM
/// module) must read, unprefixed, to name the statement as the Collector does. A text that does
/// not parse is returned as it is.
pub fn statement_text(env: Env, text: &str) -> String {
    match ottl_syntax::parse_statement(text).tree {
        Some(s) if env.mode == paths::PathMode::InsertedPrefix => written_as(env, &s, text).to_string(),
        _ => text.to_string(),
    }
}

/// Checks and lowers a condition.
pub fn condition(env: Env, c: &ast::BoolExpr) -> Result<Bool, Vec<Diagnostic>> {
    let diagnostics = check::condition(env, c);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Lower { env }.bool(c).ok_or_else(|| vec![internal(c.range)])
}

/// Checks and lowers a value expression.
pub fn value(env: Env, v: &ast::Value) -> Result<Expr, Vec<Diagnostic>> {
    let diagnostics = check::value(env, v);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Lower { env }.expr(v).ok_or_else(|| vec![internal(v.range)])
}

/// A tree the checks accepted but lowering cannot represent: a bug here, reported, never a panic.
fn internal(range: TextRange) -> Diagnostic {
    Diagnostic::error(ottl_syntax::codes::E105, "internal error: this statement could not be compiled")
        .with_label(range, "please report this statement")
}

struct Lower {
    env: Env,
}

impl Lower {
    fn call(&self, call: &ast::Call) -> Option<Call> {
        let sig = functions::lookup(&call.name.name)?;
        let (bound, _) = check::bind(sig, call);
        let args = sig
            .params
            .iter()
            .zip(bound)
            .map(|(p, a)| match a {
                None => Some(Arg::Absent),
                Some(a) => self.arg(sig, p.name, p.ty, &a.value),
            })
            .collect::<Option<Vec<_>>>()?;
        let keys = self.keys(&call.keys)?;
        Some(Call { sig, args, keys })
    }

    fn arg(&self, sig: &Signature, param: &str, ty: ParamType, value: &ArgValue) -> Option<Arg> {
        let v = match value {
            ArgValue::FunctionName(f) => return functions::lookup(&f.name).map(Arg::Function),
            ArgValue::Value(v) => v,
        };
        Some(match (ty, &v.kind) {
            (ParamType::Setter | ParamType::GetSetter, ValueKind::Path(p)) => Arg::Path(self.path(p)?),
            (ParamType::FunctionGetter, ValueKind::Enum(name)) => Arg::Function(functions::lookup(name)?),
            (ParamType::String, ValueKind::String(s))
                if functions::is_regex_param(sig.name, &check::snake(param)) =>
            {
                Arg::Regex(Arc::new(crate::pattern::Pattern::new(crate::goregex::compile(s).ok()?)))
            }
            (ParamType::String, ValueKind::String(s))
                if functions::is_xpath_param(sig.name, &check::snake(param))
                    && !(s.is_empty() && functions::xpath_defaults_when_empty(sig.name)) =>
            {
                Arg::XPath(Arc::new(crate::xpath::compile(s).ok()?))
            }
            (ParamType::String, ValueKind::String(s)) => Arg::Str(s.as_str().into()),
            (ParamType::Int, ValueKind::Int(i)) => Arg::Int(*i),
            (ParamType::Float, ValueKind::Float(f)) => Arg::Float(*f),
            (ParamType::Bool, ValueKind::Bool(b)) => Arg::Bool(*b),
            (ParamType::Bytes, ValueKind::Bytes(b)) => Arg::Bytes(b.as_slice().into()),
            (ParamType::StringList, ValueKind::List(items)) => Arg::StrList(
                items
                    .iter()
                    .map(|i| match &i.kind {
                        ValueKind::String(s) => Some(s.as_str().into()),
                        _ => None,
                    })
                    .collect::<Option<_>>()?,
            ),
            (ParamType::FloatList, ValueKind::List(items)) => Arg::FloatList(
                items
                    .iter()
                    .map(|i| match i.kind {
                        ValueKind::Float(f) => Some(f),
                        _ => None,
                    })
                    .collect::<Option<_>>()?,
            ),
            _ => Arg::Value(self.expr(v)?),
        })
    }

    fn keys(&self, keys: &[ast::Key]) -> Option<Vec<Key>> {
        keys.iter()
            .map(|k| {
                Some(match &k.kind {
                    KeyKind::String(s) => Key::Str(s.as_str().into()),
                    KeyKind::Int(i) => Key::Int(*i),
                    KeyKind::Expr(e) => Key::Expr(Box::new(self.expr(e)?)),
                })
            })
            .collect()
    }

    fn path(&self, p: &ast::Path) -> Option<PathRef> {
        let r = paths::resolve(self.env.context, self.env.mode, p).ok()?;
        let keys = self.keys(&p.fields.last()?.keys)?;
        Some(PathRef {
            context: r.context,
            fields: r.fields,
            cache: r.cache,
            keys,
            kind: r.kind,
            settable: r.settable,
        })
    }

    fn expr(&self, v: &ast::Value) -> Option<Expr> {
        let (kind, node) = match &v.kind {
            ValueKind::Nil => (Kind::Nil, Node::Nil),
            ValueKind::Bool(b) => (Kind::Bool, Node::Bool(*b)),
            ValueKind::Int(i) => (Kind::Int, Node::Int(*i)),
            ValueKind::Float(f) => (Kind::Float, Node::Float(*f)),
            ValueKind::String(s) => (Kind::String, Node::Str(s.as_str().into())),
            ValueKind::Bytes(b) => (Kind::Bytes, Node::Bytes(b.as_slice().into())),
            ValueKind::Enum(e) => (Kind::Int, Node::Int(self.env.context.enum_value(e)?)),
            ValueKind::Path(p) => {
                let p = self.path(p)?;
                (p.kind, Node::Path(p))
            }
            ValueKind::Converter(c) => {
                let call = self.call(c)?;
                let kind = if call.keys.is_empty() { call.sig.returns } else { Kind::Any };
                (kind, Node::Call(Box::new(call)))
            }
            ValueKind::List(items) => {
                (Kind::List, Node::List(items.iter().map(|i| self.expr(i)).collect::<Option<_>>()?))
            }
            ValueKind::Map(items) => (
                Kind::Map,
                Node::Map(
                    items
                        .iter()
                        .map(|i| Some((i.key.as_str().into(), self.expr(&i.value)?)))
                        .collect::<Option<_>>()?,
                ),
            ),
            ValueKind::Math { lhs, op, rhs } => {
                return Some(fold(*op, self.expr(lhs)?, self.expr(rhs)?, v.range));
            }
            ValueKind::Paren(inner) => return self.expr(inner),
            ValueKind::Error => return None,
        };
        Some(Expr { kind, node, range: v.range })
    }

    fn bool(&self, b: &ast::BoolExpr) -> Option<Bool> {
        Some(match &b.kind {
            BoolExprKind::Or(l, r) => Bool::Or(Box::new(self.bool(l)?), Box::new(self.bool(r)?)),
            BoolExprKind::And(l, r) => Bool::And(Box::new(self.bool(l)?), Box::new(self.bool(r)?)),
            BoolExprKind::Not(i) => Bool::Not(Box::new(self.bool(i)?)),
            BoolExprKind::Paren(i) => self.bool(i)?,
            BoolExprKind::Comparison { lhs, op, rhs } => {
                Bool::Compare { lhs: Box::new(self.expr(lhs)?), op: *op, rhs: Box::new(self.expr(rhs)?) }
            }
            BoolExprKind::Literal(v) => Bool::Const(*v),
            BoolExprKind::Converter(c) => Bool::Call(Box::new(self.call(c)?)),
            BoolExprKind::Error => return None,
        })
    }
}

#[expect(clippy::cast_precision_loss, reason = "Go's float64(int64) rounds the same way")]
/// Arithmetic, folded when both sides are numeric literals (`pkg/ottl/math.go` semantics: ints
/// wrap, int and float mix as floats; a division by zero is left for run time, where it errors).
fn fold(op: MathOp, lhs: Expr, rhs: Expr, range: TextRange) -> Expr {
    let folded = match (&lhs.node, &rhs.node) {
        (_, Node::Int(0)) if op == MathOp::Div => None,
        (_, Node::Float(f)) if op == MathOp::Div && *f == 0.0 => None,
        (Node::Int(a), Node::Int(b)) => Some(Node::Int(match op {
            MathOp::Add => a.wrapping_add(*b),
            MathOp::Sub => a.wrapping_sub(*b),
            MathOp::Mul => a.wrapping_mul(*b),
            MathOp::Div => a.wrapping_div(*b),
        })),
        (Node::Int(_) | Node::Float(_), Node::Int(_) | Node::Float(_)) => {
            let f = |n: &Node| match n {
                Node::Int(i) => *i as f64,
                Node::Float(f) => *f,
                _ => unreachable!("matched numeric literals"),
            };
            let (a, b) = (f(&lhs.node), f(&rhs.node));
            Some(Node::Float(match op {
                MathOp::Add => a + b,
                MathOp::Sub => a - b,
                MathOp::Mul => a * b,
                MathOp::Div => a / b,
            }))
        }
        _ => None,
    };
    if let Some(node) = folded {
        let kind = if matches!(node, Node::Int(_)) { Kind::Int } else { Kind::Float };
        return Expr { kind, node, range };
    }
    let kind = match (lhs.kind, rhs.kind) {
        (Kind::Int, Kind::Int) => Kind::Int,
        (Kind::Int | Kind::Float, Kind::Int | Kind::Float) => Kind::Float,
        (Kind::Time, Kind::Time) | (Kind::Duration, Kind::Duration) => Kind::Duration,
        (Kind::Time, Kind::Duration) | (Kind::Duration, Kind::Time) => Kind::Time,
        _ => Kind::Any,
    };
    Expr { kind, node: Node::Math { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, range }
}

/// A compact one-line rendering: `set(log.attributes["a"]:any, (+ 1 2):int)`.
pub fn render(s: &Statement) -> String {
    let mut out = render_call(&s.editor);
    if let Some(c) = &s.condition {
        out.push_str(" where ");
        out.push_str(&render_bool(c));
    }
    out
}

fn render_call(c: &Call) -> String {
    let args: Vec<String> = c
        .sig
        .params
        .iter()
        .zip(&c.args)
        .filter(|(_, a)| !matches!(a, Arg::Absent))
        .map(|(p, a)| format!("{}={}", p.name, render_arg(a)))
        .collect();
    format!("{}({}){}", c.sig.name, args.join(", "), render_keys(&c.keys))
}

fn render_arg(a: &Arg) -> String {
    match a {
        Arg::Absent => "-".into(),
        Arg::Value(e) => render_expr(e),
        Arg::Path(p) => format!("&{}", render_path(p)),
        Arg::Str(s) => format!("{s:?}"),
        Arg::Int(i) => i.to_string(),
        Arg::Float(f) => format!("{f:?}"),
        Arg::Bool(b) => b.to_string(),
        Arg::Bytes(b) => format!("0x{}", hex(b)),
        Arg::StrList(l) => format!("{l:?}"),
        Arg::FloatList(l) => format!("{l:?}"),
        Arg::Regex(r) => format!("/{}/", r.as_str()),
        Arg::XPath(x) => format!("xpath {:?}", x.source),
        Arg::Function(f) => format!("fn {}", f.name),
    }
}

fn render_expr(e: &Expr) -> String {
    let body = match &e.node {
        Node::Nil => "nil".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => format!("{f:?}"),
        Node::Str(s) => format!("{s:?}"),
        Node::Bytes(b) => format!("0x{}", hex(b)),
        Node::Path(p) => render_path(p),
        Node::Call(c) => render_call(c),
        Node::List(items) => format!("[{}]", items.iter().map(render_expr).collect::<Vec<_>>().join(", ")),
        Node::Map(items) => {
            let items: Vec<String> =
                items.iter().map(|(k, v)| format!("{k:?}: {}", render_expr(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Node::Math { op, lhs, rhs } => format!("({} {} {})", op.as_str(), render_expr(lhs), render_expr(rhs)),
    };
    format!("{body}:{}", e.kind)
}

fn render_path(p: &PathRef) -> String {
    let fields: Vec<&str> = if p.cache { vec!["cache"] } else { p.fields.iter().map(|f| f.name).collect() };
    format!("{}.{}{}", p.context.name(), fields.join("."), render_keys(&p.keys))
}

fn render_keys(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| match k {
            Key::Str(s) => format!("[{s:?}]"),
            Key::Int(i) => format!("[{i}]"),
            Key::Expr(e) => format!("[{}]", render_expr(e)),
        })
        .collect()
}

fn render_bool(b: &Bool) -> String {
    match b {
        Bool::Or(l, r) => format!("({} or {})", render_bool(l), render_bool(r)),
        Bool::And(l, r) => format!("({} and {})", render_bool(l), render_bool(r)),
        Bool::Not(i) => format!("not {}", render_bool(i)),
        Bool::Compare { lhs, op, rhs } => {
            format!("{} {} {}", render_expr(lhs), op.as_str(), render_expr(rhs))
        }
        Bool::Const(v) => v.to_string(),
        Bool::Call(c) => render_call(c),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
