//! The routing connector: each item (by default each resource) goes to the pipelines of the
//! first route whose condition is true, or to the default pipelines.

use ottl_jit::exec::{Payload, visit};
use ottl_jit::interp::{CBool, CStatement, ErrorMode, StatementError};
use ottl_jit::record::Record;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

use crate::config::{RoutingSettings, Selector};

/// What selects a route: a condition, or a statement whose editor runs on what it takes.
#[derive(Debug)]
enum Select {
    Condition(CBool),
    Statement(CStatement),
}

/// A compiled routing table.
#[derive(Debug)]
pub struct Router {
    error_mode: ErrorMode,
    context: ContextId,
    /// `(selector text, selector, pipeline ids)`.
    routes: Vec<(String, Select, Vec<String>)>,
    pub default_pipelines: Vec<String>,
}

impl Router {
    pub fn compile(s: &RoutingSettings) -> Result<Router, String> {
        let mut context = None;
        let mut routes = Vec::new();
        for r in &s.table {
            let c = match r.context.as_str() {
                "resource" => ContextId::Resource,
                "span" => ContextId::Span,
                "metric" => ContextId::Metric,
                "log" => ContextId::Log,
                other => return Err(format!("{}: routing on the `{other}` context is not supported", r.key)),
            };
            if context.is_some_and(|prev| prev != c) {
                return Err(format!("{}: every route of one table must use the same context", r.key));
            }
            context = Some(c);
            let env = Env { context: c, mode: PathMode::Unprefixed, component: Component::Routing };
            let key = |e| format!("{}: {e}", r.key);
            let (text, select) = match &r.selector {
                Selector::Condition(c) => {
                    (c, Select::Condition(ottl_jit::exec::compile_condition(env, c).map_err(key)?))
                }
                Selector::Statement(s) => {
                    (s, Select::Statement(ottl_jit::exec::compile_statement(env, s).map_err(key)?))
                }
            };
            routes.push((text.clone(), select, r.pipelines.clone()));
        }
        Ok(Router {
            error_mode: s.error_mode,
            context: context.unwrap_or(ContextId::Resource),
            routes,
            default_pipelines: s.default_pipelines.clone(),
        })
    }

    /// The pipelines every route can send to (route order, then the defaults).
    pub fn targets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.routes.iter().flat_map(|r| &r.2).chain(&self.default_pipelines) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// Splits the payload: `(pipeline ids, part)` for every route that got items.
    pub fn route(
        &self,
        mut p: Payload,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<Vec<(&[String], Payload)>, StatementError> {
        // Per item: the index of its route, or `routes.len()` for the default pipelines.
        let mut chosen = Vec::new();
        let mut decide = |rec: &mut Record<'_>| {
            chosen.push(self.choose(rec, warn)?);
            Ok(())
        };
        visit(&mut p, self.context, &mut decide)?;
        let default = self.routes.len();
        let target = |i: usize| -> &[String] {
            if i == default { &self.default_pipelines } else { &self.routes[i].2 }
        };
        let mut classes: Vec<usize> = chosen.clone();
        classes.sort_unstable();
        classes.dedup();
        let mut out = Vec::with_capacity(classes.len());
        for (n, &class) in classes.iter().enumerate() {
            let part = if n + 1 == classes.len() {
                let empty = crate::signal::signal_of(&p).empty();
                let mut last = std::mem::replace(&mut p, empty);
                if classes.len() > 1 {
                    let drop: Vec<bool> = chosen.iter().map(|c| *c != class).collect();
                    crate::filter::remove(&mut last, self.context, &drop);
                }
                last
            } else {
                let mut copy = p.clone();
                let drop: Vec<bool> = chosen.iter().map(|c| *c != class).collect();
                crate::filter::remove(&mut copy, self.context, &drop);
                copy
            };
            if !target(class).is_empty() {
                out.push((target(class), part));
            }
        }
        Ok(out)
    }

    fn choose(
        &self,
        rec: &mut Record<'_>,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<usize, StatementError> {
        for (i, (text, select, _)) in self.routes.iter().enumerate() {
            let taken = match select {
                Select::Condition(c) => c.eval(rec),
                Select::Statement(s) => s.execute(rec),
            };
            match taken {
                Ok(true) => return Ok(i),
                Ok(false) => {}
                Err(error) => {
                    let e = StatementError { statement: text.as_str().into(), error };
                    match self.error_mode {
                        ErrorMode::Propagate => return Err(e),
                        ErrorMode::Ignore => warn(&e),
                        ErrorMode::Silent => {}
                    }
                    return Ok(self.routes.len());
                }
            }
        }
        Ok(self.routes.len())
    }
}
