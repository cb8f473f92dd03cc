//! Context inference (upstream `context_inferrer.go`) and context-prefix insertion (upstream
//! `ParserCollection`'s `prependContextToStatementPaths`).

use std::collections::BTreeSet;

use ottl_syntax::ast::{BoolExpr, Call, Path, Statement, Value, ValueKind};
use ottl_syntax::visit::{self, Visitor};

use crate::context::ContextId;

/// What inference looks at: the grammar-level context of every path, and every function and
/// enum symbol used.
#[derive(Debug, Default)]
pub struct Hints {
    /// Each path's grammar context (`""` when the path has none), in order of appearance.
    pub path_contexts: Vec<String>,
    pub functions: BTreeSet<String>,
    pub enums: BTreeSet<String>,
}

impl Visitor<'_> for Hints {
    fn visit_path(&mut self, p: &Path) {
        self.path_contexts.push(p.context.as_ref().map(|c| c.name.clone()).unwrap_or_default());
        visit::walk_path(self, p);
    }

    fn visit_call(&mut self, c: &Call) {
        self.functions.insert(c.name.name.clone());
        visit::walk_call(self, c);
    }

    fn visit_value(&mut self, v: &Value) {
        if let ValueKind::Enum(e) = &v.kind {
            self.enums.insert(e.clone());
        }
        visit::walk_value(self, v);
    }
}

impl Hints {
    pub fn add_statement(&mut self, s: &Statement) {
        self.visit_statement(s);
    }

    pub fn add_condition(&mut self, c: &BoolExpr) {
        self.visit_bool_expr(c);
    }
}

/// Upstream's default inference priority: lower index wins; unlisted contexts rank last.
pub const DEFAULT_PRIORITY: &[&str] = &[
    "log",
    "datapoint",
    "metric",
    "spanevent",
    "span",
    "profile",
    "scope",
    "instrumentation_scope",
    "resource",
];

/// What inference asks of a context it considers (upstream's `priorityContextInferrerCandidate`).
pub trait Candidate {
    fn has_function(&self, name: &str) -> bool;
    fn has_enum(&self, symbol: &str) -> bool;
    /// The contexts to fall back to, in any order (they are tried by priority).
    fn lower_contexts(&self) -> Vec<String>;
}

/// Upstream's priority context inference over context names. Returns `""` when nothing fits.
///
/// The path context with the best priority wins (ties keep the first seen; a path without a
/// context never wins over one with). If functions or enums are used, the winner must be a
/// candidate supporting all of them; otherwise its lower contexts are tried in priority order.
pub fn infer_name<'c, C: Candidate + 'c>(
    hints: &Hints,
    priority: &[&str],
    candidate: impl Fn(&str) -> Option<&'c C>,
) -> String {
    let rank = |name: &str| priority.iter().position(|p| *p == name).unwrap_or(usize::MAX);
    let mut inferred = "";
    for name in &hints.path_contexts {
        if inferred.is_empty() || rank(name) < rank(inferred) {
            inferred = name;
        }
    }
    if inferred.is_empty() || (hints.functions.is_empty() && hints.enums.is_empty()) {
        return inferred.to_string();
    }
    let fits = |name: &str| {
        candidate(name).is_some_and(|c| {
            hints.functions.iter().all(|f| c.has_function(f)) && hints.enums.iter().all(|e| c.has_enum(e))
        })
    };
    if fits(inferred) {
        return inferred.to_string();
    }
    let Some(c) = candidate(inferred) else { return String::new() };
    let mut lower = c.lower_contexts();
    lower.sort_by_key(|l| rank(l));
    lower.into_iter().find(|l| fits(l)).unwrap_or_default()
}

/// A context offered by a component for a signal.
struct Offered {
    context: ContextId,
    all: Vec<ContextId>,
    supports: fn(ContextId, &str) -> bool,
}

impl Candidate for Offered {
    fn has_function(&self, name: &str) -> bool {
        (self.supports)(self.context, name)
    }

    fn has_enum(&self, symbol: &str) -> bool {
        self.context.enum_value(symbol).is_some()
    }

    fn lower_contexts(&self) -> Vec<String> {
        let name = self.context.name();
        self.all
            .iter()
            .filter(|c| **c != self.context && c.prefixes().contains(&name))
            .map(|c| c.name().to_string())
            .collect()
    }
}

/// Infers the context of a statement group among the contexts a component offers (`candidates`);
/// `supports` says whether a context has a function.
pub fn infer(
    hints: &Hints,
    candidates: &[ContextId],
    supports: fn(ContextId, &str) -> bool,
) -> Option<ContextId> {
    let offered: Vec<Offered> =
        candidates.iter().map(|c| Offered { context: *c, all: candidates.to_vec(), supports }).collect();
    // `instrumentation_scope` is the scope's legacy name.
    let lookup = |name: &str| {
        let context = ContextId::from_name(name)?;
        offered.iter().find(|o| o.context == context)
    };
    let name = infer_name(hints, DEFAULT_PRIORITY, lookup);
    ContextId::from_name(&name).filter(|c| candidates.contains(c))
}

/// Inserts `<context>.` before every path whose grammar context is not one of `names` (what the
/// transform processor does when a group sets `context:`), at each path's byte offset.
pub fn prefix_paths(text: &str, paths: &[&Path], context: &str, names: &[&str]) -> String {
    let mut starts: Vec<usize> = paths
        .iter()
        .filter(|p| p.context.as_ref().is_none_or(|c| !names.contains(&c.name.as_str())))
        .map(|p| p.range.start as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut out = String::with_capacity(text.len() + starts.len() * (context.len() + 1));
    let mut last = 0;
    for s in starts {
        out.push_str(&text[last..s]);
        out.push_str(context);
        out.push('.');
        last = s;
    }
    out.push_str(&text[last..]);
    out
}

/// Every path in a statement or condition, including those inside keys and arguments.
#[derive(Debug, Default)]
pub struct PathCollector<'a> {
    pub paths: Vec<&'a Path>,
}

impl<'a> Visitor<'a> for PathCollector<'a> {
    fn visit_path(&mut self, p: &'a Path) {
        self.paths.push(p);
        visit::walk_path(self, p);
    }
}

impl<'a> PathCollector<'a> {
    pub fn statement(s: &'a Statement) -> Vec<&'a Path> {
        let mut c = Self::default();
        c.visit_statement(s);
        c.paths
    }

    pub fn condition(b: &'a BoolExpr) -> Vec<&'a Path> {
        let mut c = Self::default();
        c.visit_bool_expr(b);
        c.paths
    }
}
