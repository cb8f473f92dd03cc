//! The routing connector. Routes are tried in table order, each on what the routes before it
//! left: the items (resources, spans, metrics, data points or log records, per the route's
//! context) for which the route's condition is true go to its pipelines and leave the payload;
//! what no route took goes to the default pipelines. So an item is routed once, and one table
//! may mix contexts ("low severity logs to cheap storage, the rest by service"). A `request`
//! route compares one header of the request the payload came in and, when it matches, takes
//! everything left.

use ottl_jit::exec::{Payload, visit};
use ottl_jit::interp::{CBool, CStatement, ErrorMode, StatementError};
use ottl_jit::record::Record;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

use crate::config::{RoutingSettings, Selector};
use crate::filter::remove;
use crate::pipeline::RequestMetadata;
use crate::signal::{is_empty, signal_of};

/// What selects a route: OTTL run on the items of a context, or a comparison of the
/// request's metadata.
#[derive(Debug)]
enum Select {
    Items(ContextId, Ottl),
    Request(RequestCondition),
}

/// A route's OTTL: a condition, or a statement whose editor runs on what it takes.
#[derive(Debug)]
enum Ottl {
    Condition(CBool),
    Statement(CStatement),
}

#[derive(Debug)]
struct Route {
    text: String,
    select: Select,
    pipelines: Vec<String>,
}

/// A `request` route's condition, which upstream reads with a grammar of its own (not OTTL):
/// exactly `request["<name>"] == "<value>"` or `!=`. It holds when any value sent under the
/// name (case-insensitively) compares as asked; a request without the name never matches,
/// not even `!=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestCondition {
    /// Lowercase, as [`RequestMetadata`] keys are.
    name: String,
    value: String,
    equal: bool,
}

impl RequestCondition {
    /// Reads a condition as upstream's routing connector does, with its error messages.
    pub fn parse(condition: &str) -> Result<RequestCondition, String> {
        if condition.is_empty() {
            return Err("condition is empty".into());
        }
        // Upstream looks for `==|!=` (leftmost, not overlapping) and wants exactly one.
        let bytes = condition.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while i + 1 < bytes.len() && found.len() < 2 {
            if matches!(bytes[i], b'=' | b'!') && bytes[i + 1] == b'=' {
                found.push(&condition[i..i + 2]);
                i += 2;
            } else {
                i += 1;
            }
        }
        let comparator = match found[..] {
            [] => return Err("condition does not contain a valid comparator".into()),
            [c] => c,
            _ => return Err("condition contains multiple comparators".into()),
        };
        let parts: Vec<&str> = condition.split(comparator).map(str::trim).collect();
        if parts.len() > 2 {
            return Err("condition contains multiple comparators".into());
        }
        let (field, value) = (parts[0], parts[1]);
        // Upstream matches `request\[".*"\]` and `".*"` anywhere in each side, line by line.
        let field_ok =
            field.split('\n').any(|l| l.find("request[\"").is_some_and(|i| l[i + 9..].contains("\"]")));
        if !field_ok {
            return Err(r#"condition must have format 'request["<name>"] <comparator> <value>'"#.into());
        }
        if !value.split('\n').any(|l| l.matches('"').count() >= 2) {
            return Err(r#"condition must have format 'request["<name>"] <comparator> "<value>"'"#.into());
        }
        let name = field.strip_prefix("request[\"").unwrap_or(field);
        let name = name.strip_suffix("\"]").unwrap_or(name);
        let v = value.strip_prefix('"').unwrap_or(value);
        let v = v.strip_suffix('"').unwrap_or(v);
        Ok(RequestCondition {
            name: name.to_ascii_lowercase(),
            value: v.to_string(),
            equal: comparator == "==",
        })
    }

    fn matches(&self, request: &RequestMetadata) -> bool {
        request.get(&self.name).any(|v| (v == self.value) == self.equal)
    }
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
            let (text, select) = match &r.selector {
                Selector::Request { text, condition } => (text.clone(), Select::Request(condition.clone())),
                Selector::Condition(text) | Selector::Statement(text) => {
                    let context = match r.context.as_str() {
                        "resource" => ContextId::Resource,
                        "span" => ContextId::Span,
                        "metric" => ContextId::Metric,
                        "datapoint" => ContextId::DataPoint,
                        "log" => ContextId::Log,
                        other => {
                            return Err(format!(
                                "{}: routing on the `{other}` context is not supported",
                                r.key
                            ));
                        }
                    };
                    let env = Env { context, mode: PathMode::Unprefixed, component: Component::Routing };
                    let key = |e| format!("{}: {e}", r.key);
                    let ottl = if matches!(r.selector, Selector::Condition(_)) {
                        Ottl::Condition(ottl_jit::exec::compile_condition(env, text).map_err(key)?)
                    } else {
                        Ottl::Statement(ottl_jit::exec::compile_statement(env, text).map_err(key)?)
                    };
                    (text.clone(), Select::Items(context, ottl))
                }
            };
            routes.push(Route { text, select, pipelines: r.pipelines.clone() });
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
    /// default pipelines with the rest. `request` is the metadata of the request the payload
    /// came in, when it is known. Under `propagate` a failing condition fails the payload.
    pub fn route(
        &self,
        mut rest: Payload,
        request: Option<&RequestMetadata>,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<Vec<(&[String], Payload)>, StatementError> {
        let mut out = Vec::new();
        let mut failed: Option<Payload> = None;
        for route in &self.routes {
            if is_empty(&rest) {
                break;
            }
            let (context, ottl) = match &route.select {
                Select::Items(context, ottl) => (*context, ottl),
                Select::Request(condition) => {
                    if request.is_some_and(|r| condition.matches(r)) {
                        let empty = signal_of(&rest).empty();
                        out.push((route.pipelines.as_slice(), std::mem::replace(&mut rest, empty)));
                    }
                    continue;
                }
            };
            let mut answers = Vec::new();
            let mut decide = |rec: &mut Record<'_>| {
                answers.push(self.answer(route, ottl, rec, warn)?);
                Ok(())
            };
            visit(&mut rest, context, &mut decide)?;
            if let Some(taken) = take(&mut rest, context, &answers, Answer::Take) {
                out.push((route.pipelines.as_slice(), taken));
            }
            if let Some(f) = take(&mut rest, context, &answers, Answer::Failed) {
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
        ottl: &Ottl,
        rec: &mut Record<'_>,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<Answer, StatementError> {
        let taken = match ottl {
            Ottl::Condition(c) => c.eval(rec),
            Ottl::Statement(s) => s.execute(rec),
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
