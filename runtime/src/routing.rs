//! The routing connector. Routes are tried in table order, each on what the routes before it
//! left: the items (resources, spans, metrics, data points or log records, per the route's
//! context) for which the route's condition is true go to its pipelines and leave the payload;
//! what no route took goes to the default pipelines. So an item is routed once, and one table
//! may mix contexts ("low severity logs to cheap storage, the rest by service").

use ottl_jit::exec::{Payload, visit};
use ottl_jit::interp::{CBool, CStatement, ErrorMode, StatementError};
use ottl_jit::record::Record;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

use crate::config::{RoutingSettings, Selector};
use crate::filter::remove;
use crate::signal::{is_empty, signal_of};

/// What selects a route: a condition, or a statement whose editor runs on what it takes.
#[derive(Debug)]
enum Select {
    Condition(CBool),
    Statement(CStatement),
}

#[derive(Debug)]
struct Route {
    text: String,
    context: ContextId,
    select: Select,
    pipelines: Vec<String>,
}

/// A compiled routing table.
#[derive(Debug)]
pub struct Router {
    error_mode: ErrorMode,
    routes: Vec<Route>,
    pub default_pipelines: Vec<String>,
}

/// One item's answer to one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Take,
    Leave,
    /// The condition failed (`ignore`/`silent`): the item goes to the default pipelines.
    Failed,
}

impl Router {
    pub fn compile(s: &RoutingSettings) -> Result<Router, String> {
        let mut routes = Vec::new();
        for r in &s.table {
            let context = match r.context.as_str() {
                "resource" => ContextId::Resource,
                "span" => ContextId::Span,
                "metric" => ContextId::Metric,
                "datapoint" => ContextId::DataPoint,
                "log" => ContextId::Log,
                other => return Err(format!("{}: routing on the `{other}` context is not supported", r.key)),
            };
            let env = Env { context, mode: PathMode::Unprefixed, component: Component::Routing };
            let key = |e| format!("{}: {e}", r.key);
            let (text, select) = match &r.selector {
                Selector::Condition(c) => {
                    (c, Select::Condition(ottl_jit::exec::compile_condition(env, c).map_err(key)?))
                }
                Selector::Statement(s) => {
                    (s, Select::Statement(ottl_jit::exec::compile_statement(env, s).map_err(key)?))
                }
            };
            routes.push(Route { text: text.clone(), context, select, pipelines: r.pipelines.clone() });
        }
        Ok(Router { error_mode: s.error_mode, routes, default_pipelines: s.default_pipelines.clone() })
    }

    /// The pipelines every route can send to (route order, then the defaults).
    pub fn targets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.routes.iter().flat_map(|r| &r.pipelines).chain(&self.default_pipelines) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// Splits the payload: `(pipeline ids, part)` for every route that took items, then the
    /// default pipelines with the rest. Under `propagate` a failing condition fails the payload.
    pub fn route(
        &self,
        mut rest: Payload,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<Vec<(&[String], Payload)>, StatementError> {
        let mut out = Vec::new();
        let mut failed: Option<Payload> = None;
        for route in &self.routes {
            if is_empty(&rest) {
                break;
            }
            let mut answers = Vec::new();
            let mut decide = |rec: &mut Record<'_>| {
                answers.push(self.answer(route, rec, warn)?);
                Ok(())
            };
            visit(&mut rest, route.context, &mut decide)?;
            if let Some(taken) = take(&mut rest, route.context, &answers, Answer::Take) {
                out.push((route.pipelines.as_slice(), taken));
            }
            if let Some(f) = take(&mut rest, route.context, &answers, Answer::Failed) {
                match &mut failed {
                    Some(all) => crate::signal::append(all, f),
                    None => failed = Some(f),
                }
            }
        }
        if let Some(f) = failed {
            crate::signal::append(&mut rest, f);
        }
        if !is_empty(&rest) && !self.default_pipelines.is_empty() {
            out.push((self.default_pipelines.as_slice(), rest));
        }
        Ok(out)
    }

    fn answer(
        &self,
        route: &Route,
        rec: &mut Record<'_>,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<Answer, StatementError> {
        let taken = match &route.select {
            Select::Condition(c) => c.eval(rec),
            Select::Statement(s) => s.execute(rec),
        };
        match taken {
            Ok(true) => Ok(Answer::Take),
            Ok(false) => Ok(Answer::Leave),
            Err(error) => {
                let e = StatementError { statement: route.text.as_str().into(), error };
                match self.error_mode {
                    ErrorMode::Propagate => Err(e),
                    ErrorMode::Ignore => {
                        warn(&e);
                        Ok(Answer::Failed)
                    }
                    ErrorMode::Silent => Ok(Answer::Failed),
                }
            }
        }
    }
}

/// Moves the items answered `which` out of `rest` (`None` when there are none).
fn take(rest: &mut Payload, context: ContextId, answers: &[Answer], which: Answer) -> Option<Payload> {
    if !answers.contains(&which) {
        return None;
    }
    if answers.iter().all(|a| *a == which) {
        let empty = signal_of(rest).empty();
        return Some(std::mem::replace(rest, empty));
    }
    let mut taken = rest.clone();
    let not_this: Vec<bool> = answers.iter().map(|a| *a != which).collect();
    remove(&mut taken, context, &not_this);
    let this: Vec<bool> = answers.iter().map(|a| *a == which).collect();
    remove(rest, context, &this);
    Some(taken)
}
