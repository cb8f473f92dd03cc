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

/// Infers the context of a statement group from its hints, among `candidates` (the contexts the
/// component offers for the signal). `supports` says whether a context has a function.
///
/// The path context with the best priority wins (`log, datapoint, metric, spanevent, span, scope,
/// instrumentation_scope, resource`, others last); if it lacks a function or enum used, the
/// contexts below it are tried in priority order.
pub fn infer(
    hints: &Hints,
    candidates: &[ContextId],
    supports: impl Fn(ContextId, &str) -> bool,
) -> Option<ContextId> {
    let mut best: Option<&str> = None;
    for name in &hints.path_contexts {
        let better =
            best.is_none_or(|b| ContextId::inference_priority(name) < ContextId::inference_priority(b));
        if better {
            best = Some(name);
        }
    }
    let chosen = ContextId::from_name(best?).filter(|c| candidates.contains(c))?;
    let fits = |ctx: ContextId| {
        hints.functions.iter().all(|f| supports(ctx, f))
            && hints.enums.iter().all(|e| ctx.enum_value(e).is_some())
    };
    if hints.functions.is_empty() && hints.enums.is_empty() || fits(chosen) {
        return Some(chosen);
    }
    let mut lower: Vec<ContextId> = chosen.lower().into_iter().filter(|c| candidates.contains(c)).collect();
    lower.sort_by_key(|c| ContextId::inference_priority(c.name()));
    lower.into_iter().find(|c| fits(*c))
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
#[derive(Default)]
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
