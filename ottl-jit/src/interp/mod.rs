//! The reference interpreter: a tree walk over the compiled form of the typed IR. It defines the
//! semantics every other backend is held to.
//!
//! Compiling ([`compile`]) binds each path to a record [`Field`] and each call to its
//! implementation once; running a statement does no name lookup, parsing or regex compiling.

pub mod args;
mod keys;

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use ottl_types::functions::Signature;
use ottl_types::hir;
use ottl_types::syntax::ast::{CompareOp, MathOp};

use crate::funcs::{self, Implementation};
use crate::record::{Field, Record};
use crate::value::Value;
use crate::{compare, math};

pub use args::{CArg, CCall};
pub use keys::{set_keyed, set_map_key, set_path};

/// A run-time error: the reason a statement or condition failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(msg: impl Into<String>) -> Self {
        Error(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A compiled path.
#[derive(Debug)]
pub struct CPath {
    pub field: Field,
    pub keys: Vec<CKey>,
}

#[derive(Debug)]
pub enum CKey {
    Str(Arc<str>),
    Int(i64),
    Expr(CExpr),
}

/// A compiled value expression.
#[derive(Debug)]
pub enum CExpr {
    Lit(Value<'static>),
    Path(CPath),
    Call(Box<CCall>),
    List(Vec<CExpr>),
    Map(Vec<(Arc<str>, CExpr)>),
    Math { op: MathOp, lhs: Box<CExpr>, rhs: Box<CExpr> },
}

/// A compiled condition.
#[derive(Debug)]
pub enum CBool {
    Or(Box<CBool>, Box<CBool>),
    And(Box<CBool>, Box<CBool>),
    Not(Box<CBool>),
    Compare { lhs: CExpr, op: CompareOp, rhs: CExpr },
    Const(bool),
    Call(Box<CCall>),
}

/// A compiled statement.
#[derive(Debug)]
pub struct CStatement {
    pub editor: CCall,
    pub condition: Option<CBool>,
    pub text: Arc<str>,
}

/// A construct this backend cannot run (yet): the function or path it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Compiles a statement of the typed IR.
pub fn compile(s: &hir::Statement) -> Result<CStatement, Unsupported> {
    Ok(CStatement {
        editor: call(&s.editor)?,
        condition: s.condition.as_ref().map(condition).transpose()?,
        text: s.text.clone(),
    })
}

/// Compiles a condition of the typed IR.
pub fn condition(b: &hir::Bool) -> Result<CBool, Unsupported> {
    Ok(match b {
        hir::Bool::Or(l, r) => CBool::Or(Box::new(condition(l)?), Box::new(condition(r)?)),
        hir::Bool::And(l, r) => CBool::And(Box::new(condition(l)?), Box::new(condition(r)?)),
        hir::Bool::Not(i) => CBool::Not(Box::new(condition(i)?)),
        hir::Bool::Compare { lhs, op, rhs } => CBool::Compare { lhs: expr(lhs)?, op: *op, rhs: expr(rhs)? },
        hir::Bool::Const(b) => CBool::Const(*b),
        hir::Bool::Call(c) => CBool::Call(Box::new(call(c)?)),
    })
}

/// Compiles a value expression of the typed IR.
pub fn expr(e: &hir::Expr) -> Result<CExpr, Unsupported> {
    Ok(match &e.node {
        hir::Node::Nil => CExpr::Lit(Value::Nil),
        hir::Node::Bool(b) => CExpr::Lit(Value::Bool(*b)),
        hir::Node::Int(i) => CExpr::Lit(Value::Int(*i)),
        hir::Node::Float(f) => CExpr::Lit(Value::Float(*f)),
        hir::Node::Str(s) => CExpr::Lit(Value::Str(Cow::Owned(s.to_string()))),
        hir::Node::Bytes(b) => CExpr::Lit(Value::Bytes(Cow::Owned(b.to_vec()))),
        hir::Node::Path(p) => CExpr::Path(path(p)?),
        hir::Node::Call(c) => CExpr::Call(Box::new(call(c)?)),
        hir::Node::List(items) => CExpr::List(items.iter().map(expr).collect::<Result<_, _>>()?),
        hir::Node::Map(items) => {
            CExpr::Map(items.iter().map(|(k, v)| Ok((k.clone(), expr(v)?))).collect::<Result<_, _>>()?)
        }
        hir::Node::Math { op, lhs, rhs } => {
            CExpr::Math { op: *op, lhs: Box::new(expr(lhs)?), rhs: Box::new(expr(rhs)?) }
        }
    })
}

fn path(p: &hir::PathRef) -> Result<CPath, Unsupported> {
    let field = Field::compile(p).map_err(Unsupported)?;
    Ok(CPath { field, keys: p.keys.iter().map(key).collect::<Result<_, _>>()? })
}

fn key(k: &hir::Key) -> Result<CKey, Unsupported> {
    Ok(match k {
        hir::Key::Str(s) => CKey::Str(s.clone()),
        hir::Key::Int(i) => CKey::Int(*i),
        hir::Key::Expr(e) => CKey::Expr(expr(e)?),
    })
}

fn call(c: &hir::Call) -> Result<CCall, Unsupported> {
    let implementation = funcs::lookup(c.sig.name).ok_or_else(|| {
        Unsupported(format!("the interpreter does not implement the function `{}` yet", c.sig.name))
    })?;
    // A pdata list (`events`, `data_points`, ...) can be counted or asked whether it is a list;
    // nothing else in OTTL takes one.
    if matches!(c.sig.name, "Len" | "IsList")
        && let [hir::Arg::Value(hir::Expr { node: hir::Node::Path(p), .. }) | hir::Arg::Path(p)] =
            c.args.as_slice()
        && let Some(list) = crate::record::PdataList::compile(p)
    {
        let keys = c.keys.iter().map(key).collect::<Result<_, _>>()?;
        return Ok(CCall { sig: c.sig, implementation, args: vec![CArg::PdataList(list)], keys });
    }
    let mut args: Vec<CArg> = c.args.iter().map(arg).collect::<Result<_, _>>()?;
    // Glob patterns compile once, here, like regular expressions do in lowering.
    if matches!(c.sig.name, "replace_match" | "replace_all_matches")
        && let Some(CArg::Str(glob)) = args.get(1)
    {
        let re = ottl_types::glob::compile(glob)
            .ok_or_else(|| Unsupported(format!("invalid glob pattern {glob:?} for {}", c.sig.name)))?;
        args[1] = CArg::Regex(Arc::new(ottl_types::pattern::Pattern::new(re)));
    }
    if c.sig.name == "Format"
        && let Some(CArg::Str(format)) = args.first()
    {
        args[0] = CArg::Format(Arc::new(funcs::format::Compiled::new(format)));
    }
    if matches!(c.sig.name, "Time" | "FormatTime") {
        if let Some(CArg::Str(layout)) = args.get(1) {
            args[1] = CArg::Layout(Arc::new(crate::strptime::compile(layout).map_err(Unsupported)?));
        }
        if c.sig.name == "Time" {
            if let Some(CArg::Str(location)) = args.get(2) {
                args[2] = match location.as_ref() {
                    "" | "UTC" => CArg::Absent,
                    name => CArg::TimeZone(Arc::new(jiff::tz::TimeZone::get(name).map_err(|_| {
                        Unsupported(format!(
                            "unknown time zone {name:?}: use an IANA name such as \"America/New_York\""
                        ))
                    })?)),
                };
            }
            if let Some(CArg::Str(locale)) = args.get(3) {
                args[3] = CArg::Locale(ottl_types::locale::lookup(locale).map_err(Unsupported)?);
            }
        }
    }
    if c.sig.name == "ExtractGrokPatterns"
        && let Some(CArg::Str(pattern)) = args.get(1)
    {
        let named_only = matches!(args.get(2), Some(CArg::Bool(true)));
        let definitions: &[Arc<str>] = match args.get(3) {
            Some(CArg::StrList(l)) => l,
            _ => &[],
        };
        let compiled = funcs::extract_grok_patterns::Compiled::new(pattern, named_only, definitions)
            .map_err(Unsupported)?;
        args[1] = CArg::Grok(Arc::new(compiled));
    }
    if c.sig.name == "UserAgent" {
        // Compiles uap-core's regexes once, now, so a build without them fails here.
        funcs::user_agent::parser().map_err(|e| Unsupported(e.to_string()))?;
    }
    if c.sig.name == "Decode"
        && let Some(CArg::Str(encoding)) = args.get(1)
    {
        args[1] = CArg::Charset(funcs::decode::Charset::lookup(encoding).map_err(Unsupported)?);
    }
    let keys = c.keys.iter().map(key).collect::<Result<_, _>>()?;
    Ok(CCall { sig: c.sig, implementation, args, keys })
}

fn arg(a: &hir::Arg) -> Result<CArg, Unsupported> {
    Ok(match a {
        hir::Arg::Absent => CArg::Absent,
        hir::Arg::Value(e) => CArg::Value(expr(e)?),
        hir::Arg::Path(p) => CArg::Path(path(p)?),
        hir::Arg::Str(s) => CArg::Str(s.clone()),
        hir::Arg::Int(i) => CArg::Int(*i),
        hir::Arg::Float(f) => CArg::Float(*f),
        hir::Arg::Bool(b) => CArg::Bool(*b),
        hir::Arg::Bytes(b) => CArg::Bytes(b.clone()),
        hir::Arg::StrList(l) => CArg::StrList(l.clone()),
        hir::Arg::FloatList(l) => CArg::FloatList(l.clone()),
        hir::Arg::Regex(r) => CArg::Regex(r.clone()),
        hir::Arg::XPath(x) => CArg::XPath(x.clone()),
        hir::Arg::Function(sig) => CArg::Function(function(sig)?),
    })
}

fn function(sig: &'static Signature) -> Result<(&'static Signature, Implementation), Unsupported> {
    funcs::lookup(sig.name).map(|i| (sig, i)).ok_or_else(|| {
        Unsupported(format!("the interpreter does not implement the function `{}` yet", sig.name))
    })
}

impl CExpr {
    /// Evaluates the expression against a record.
    pub fn eval<'a>(&'a self, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
        match self {
            CExpr::Lit(v) => Ok(v.reborrow()),
            CExpr::Path(p) => p.get(rec),
            CExpr::Call(c) => c.convert(rec),
            CExpr::List(items) => {
                Ok(Value::List(items.iter().map(|i| i.eval(rec)).collect::<Result<_, _>>()?))
            }
            CExpr::Map(items) => {
                let mut m = Vec::with_capacity(items.len());
                for (k, v) in items {
                    let v = v.eval(rec)?;
                    upsert(&mut m, k, &v);
                }
                Ok(Value::Map(Cow::Owned(m)))
            }
            CExpr::Math { op, lhs, rhs } => {
                let (l, r) = (lhs.eval(rec)?, rhs.eval(rec)?);
                math::apply(&l, *op, &r).map_err(|e| Error(e.0))
            }
        }
    }
}

/// `pcommon.Map.PutX`: replaces the key's value or appends the key.
pub fn upsert(m: &mut Vec<KeyValue>, key: &str, v: &Value<'_>) {
    *keys::map_slot(m, key) = v.to_any().unwrap_or_default();
}

impl CPath {
    /// `m["k"]` of one of the record's own maps (`attributes["k"]`, the common shape) read in
    /// place, no value built: `Some(None)` for a missing key; `None` for any other path.
    pub fn record_map_value<'a>(&self, rec: &'a Record<'_>) -> Option<Option<&'a AnyValue>> {
        let [CKey::Str(k)] = self.keys.as_slice() else { return None };
        rec.map(self.field).map(|m| crate::value::map_get(m, k))
    }

    /// Reads the path: missing map keys are nil.
    pub fn get<'a>(&'a self, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
        // The common shape, `attributes["k"]`: one literal key into a map of the record.
        if let Some(found) = self.record_map_value(rec) {
            return Ok(found.map_or(Value::Nil, Value::from_any));
        }
        // Another field whose value is a map (a kvlist `body`): the same lookup.
        if let [CKey::Str(k)] = self.keys.as_slice()
            && let Value::Map(Cow::Borrowed(m)) = rec.get(self.field)
        {
            return Ok(crate::value::map_get(m, k).map_or(Value::Nil, Value::from_any));
        }
        let mut v = rec.get(self.field);
        for k in &self.keys {
            v = keys::index_path(v, k, rec)?;
        }
        Ok(v)
    }
}

impl CBool {
    /// Evaluates the condition: `and`/`or` short-circuit; an error stops evaluation.
    pub fn eval(&self, rec: &Record<'_>) -> Result<bool, Error> {
        match self {
            CBool::Or(l, r) => Ok(l.eval(rec)? || r.eval(rec)?),
            CBool::And(l, r) => Ok(l.eval(rec)? && r.eval(rec)?),
            CBool::Not(i) => Ok(!i.eval(rec)?),
            CBool::Compare { lhs, op, rhs } => Ok(compare::compare(&lhs.eval(rec)?, &rhs.eval(rec)?, *op)),
            CBool::Const(b) => Ok(*b),
            CBool::Call(c) => c.condition(rec),
        }
    }
}

/// What happens when a statement or condition fails (`error_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ErrorMode {
    /// Log the error and continue with the next statement.
    Ignore,
    /// Continue without logging.
    Silent,
    /// Stop: the error fails the whole payload.
    #[default]
    Propagate,
}

impl ErrorMode {
    /// Parses `error_mode` as the Collector does (case-insensitive).
    pub fn parse(s: &str) -> Option<ErrorMode> {
        match s.to_ascii_lowercase().as_str() {
            "ignore" => Some(ErrorMode::Ignore),
            "silent" => Some(ErrorMode::Silent),
            "propagate" => Some(ErrorMode::Propagate),
            _ => None,
        }
    }
}

/// A failed statement, as upstream reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementError {
    pub statement: Arc<str>,
    pub error: Error,
}

impl std::fmt::Display for StatementError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed to execute statement: {}, {}", self.statement, self.error)
    }
}

/// What happened to one statement on one record, for `--trace`.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// The condition was false.
    Skipped,
    Executed,
    Failed(&'a Error),
}

impl CStatement {
    /// Runs the statement: the editor runs if the condition holds.
    pub fn execute(&self, rec: &mut Record<'_>) -> Result<bool, Error> {
        if let Some(c) = &self.condition
            && !c.eval(rec)?
        {
            return Ok(false);
        }
        (self.editor.edit_fn())(&self.editor, rec)?;
        Ok(true)
    }
}

/// A statement group: statements in order, guarded by OR-ed group conditions.
#[derive(Debug, Default)]
pub struct Group {
    pub conditions: Vec<CBool>,
    pub statements: Vec<CStatement>,
    pub error_mode: ErrorMode,
}

impl Group {
    /// Runs the group on one record. `trace` sees every statement's outcome and the record
    /// after it; `warn` gets the errors `ignore` mode logs.
    pub fn execute(
        &self,
        rec: &mut Record<'_>,
        trace: &mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<(), StatementError> {
        if !self.conditions.is_empty() {
            let mut any = false;
            for c in &self.conditions {
                match c.eval(rec) {
                    Ok(true) => {
                        any = true;
                        break;
                    }
                    Ok(false) => {}
                    Err(error) if self.error_mode == ErrorMode::Propagate => {
                        return Err(StatementError { statement: "group condition".into(), error });
                    }
                    Err(_) => {}
                }
            }
            if !any {
                return Ok(());
            }
        }
        for s in &self.statements {
            match s.execute(rec) {
                Ok(true) => trace(s, Outcome::Executed, rec),
                Ok(false) => trace(s, Outcome::Skipped, rec),
                Err(error) => {
                    trace(s, Outcome::Failed(&error), rec);
                    let e = StatementError { statement: s.text.clone(), error };
                    match self.error_mode {
                        ErrorMode::Propagate => return Err(e),
                        ErrorMode::Ignore => warn(&e),
                        ErrorMode::Silent => {}
                    }
                }
            }
        }
        Ok(())
    }
}
