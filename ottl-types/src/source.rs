//! Checking whole sources: a `.ottl` file or a Collector configuration. This decides, for every
//! statement and condition, the context, the path mode and the component, as the Collector does,
//! then runs the syntax and resolution checks.

use ottl_syntax::ast::{BoolExpr, Statement};
use ottl_syntax::source::{OttlFile, Snippet};
use ottl_syntax::yaml::{self, YamlSnippet};
use ottl_syntax::{Diagnostic, Entry, TextRange, parse_condition, parse_statement, parse_value};

use crate::check::{self, Component, Env};
use crate::context::ContextId;
use crate::diagnostics as diag;
use crate::functions;
use crate::infer::{self, Hints};
use crate::paths::PathMode;

/// A statement or condition, parsed.
enum Parsed {
    Statement(Statement),
    Condition(BoolExpr),
    Other,
}

fn parse(entry: Entry, text: &str) -> (Parsed, Vec<Diagnostic>) {
    match entry {
        Entry::Statement => {
            let p = parse_statement(text);
            let ok = p.is_ok();
            (p.tree.filter(|_| ok).map_or(Parsed::Other, Parsed::Statement), p.diagnostics)
        }
        Entry::Condition => {
            let p = parse_condition(text);
            let ok = p.is_ok();
            (p.tree.filter(|_| ok).map_or(Parsed::Other, Parsed::Condition), p.diagnostics)
        }
        Entry::Value => (Parsed::Other, parse_value(text).diagnostics),
    }
}

fn check_parsed(env: Env, parsed: &Parsed) -> Vec<Diagnostic> {
    match parsed {
        Parsed::Statement(s) => check::statement(env, s),
        Parsed::Condition(c) => check::condition(env, c),
        Parsed::Other => Vec::new(),
    }
}

fn hints(parsed: &[&Parsed]) -> Hints {
    let mut h = Hints::default();
    for p in parsed {
        match p {
            Parsed::Statement(s) => h.add_statement(s),
            Parsed::Condition(c) => h.add_condition(c),
            Parsed::Other => {}
        }
    }
    h
}

/// Whether the transform processor offers `function` in context `ctx` (for inference).
fn transform_has(ctx: ContextId, function: &str) -> bool {
    let env = Env { context: ctx, mode: PathMode::Unprefixed, component: Component::TransformStatements };
    functions::lookup(function).is_some_and(|s| env.has(s))
}

/// Every diagnostic of a `.ottl` file: its `# context:` (or the context inferred from its
/// prefixes) applies to every line, as for one transform processor statement group.
pub fn check_ottl_file(file: &OttlFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let parsed: Vec<(&Snippet, Parsed)> = file
        .snippets()
        .map(|s| {
            let (p, d) = parse(file.entry, &s.text);
            out.extend(d.into_iter().map(|d| d.shifted(s.range.start)));
            (s, p)
        })
        .collect();
    let component = match file.entry {
        Entry::Statement => Component::TransformStatements,
        _ => Component::Filter,
    };
    let (context, mode) = if let Some((name, range)) = &file.context {
        if let Some(c) = ContextId::from_name(name) {
            (c, PathMode::InsertedPrefix)
        } else {
            out.push(diag::unknown_context(name, *range));
            return out;
        }
    } else {
        let all: Vec<&Parsed> = parsed.iter().map(|(_, p)| p).collect();
        let h = hints(&all);
        if h.path_contexts.is_empty() && h.functions.is_empty() {
            return out;
        }
        if let Some(c) = infer::infer(&h, &ContextId::ALL, transform_has) {
            (c, PathMode::ContextNamesRequired)
        } else if parsed.iter().any(|(_, p)| matches!(p, Parsed::Other)) {
            // A statement that did not parse gives no hints; its own error is the cause.
            return out;
        } else {
            let first = parsed.first().map_or(TextRange::empty(0), |(s, _)| s.range);
            out.push(diag::context_not_inferred(first));
            out.sort_by_key(|d| d.range().start);
            return out;
        }
    };
    let env = Env { context, mode, component };
    for (s, p) in &parsed {
        out.extend(check_parsed(env, p).into_iter().map(|d| d.shifted(s.range.start)));
    }
    out.sort_by_key(|d| d.range().start);
    out
}

/// Every diagnostic of a Collector configuration, with ranges in the YAML file.
pub fn check_yaml(text: &str) -> Vec<Diagnostic> {
    let snippets = match yaml::extract(text) {
        Ok(s) => s,
        Err(d) => return vec![d],
    };
    let mut out = Vec::new();
    // A routing route on the `request` context is not OTTL: upstream reads it with a grammar
    // of its own (`request["name"] == "value"`), which the runtime checks.
    let is_request_route = |s: &YamlSnippet| {
        s.component.split('/').next() == Some("routing")
            && s.context.as_ref().is_some_and(|(c, _)| c == "request")
    };
    let parsed: Vec<(Parsed, &YamlSnippet)> = snippets
        .iter()
        .filter(|s| !is_request_route(s))
        .map(|s| {
            let (p, d) = parse(s.entry, &s.text);
            out.extend(d.into_iter().map(|d| d.map_ranges(|r| s.map_range(r))));
            (p, s)
        })
        .collect();
    let mut error_modes_seen = Vec::new();
    for s in &snippets {
        if let Some((mode, range)) = &s.error_mode
            && !error_modes_seen.contains(range)
        {
            error_modes_seen.push(*range);
            if !["ignore", "silent", "propagate"].contains(&mode.to_ascii_lowercase().as_str()) {
                out.push(diag::invalid_error_mode(mode, *range));
            }
        }
    }
    // Statement groups: the transform processor's groups, and each filter and routing snippet alone.
    let mut i = 0;
    while i < parsed.len() {
        let s = parsed[i].1;
        let same_group = |o: &YamlSnippet| {
            s.component == o.component && s.signal == o.signal && s.group.is_some() && s.group == o.group
        };
        let end = i + parsed[i..].iter().take_while(|(_, o)| same_group(o)).count().max(1);
        out.extend(check_group(&parsed[i..end]));
        i = end;
    }
    out.sort_by_key(|d| d.range().start);
    out
}

fn check_group(group: &[(Parsed, &YamlSnippet)]) -> Vec<Diagnostic> {
    let first = group[0].1;
    let kind = first.component.split('/').next().unwrap_or_default();
    let map = |d: Diagnostic, s: &YamlSnippet| d.map_ranges(|r| s.map_range(r));
    let mut out = Vec::new();
    let given = match &first.context {
        Some((name, range)) => {
            let Some(c) = ContextId::from_name(name) else {
                out.push(diag::unknown_context(name, *range));
                return out;
            };
            Some(c)
        }
        None if kind == "routing" => Some(ContextId::Resource),
        None => None,
    };
    let (context, statement_mode) = match given {
        Some(c) if kind == "transform" => (c, PathMode::InsertedPrefix),
        Some(c) => (c, PathMode::Unprefixed),
        None => {
            let candidates = signal_contexts(first.signal.as_deref());
            let parsed: Vec<&Parsed> = group.iter().map(|(p, _)| p).collect();
            if let Some(c) = infer::infer(&hints(&parsed), candidates, transform_has) {
                (c, PathMode::ContextNamesRequired)
            } else if parsed.iter().any(|p| matches!(p, Parsed::Other)) {
                return out;
            } else {
                out.push(diag::context_not_inferred(first.range()));
                return out;
            }
        }
    };
    for (parsed, s) in group {
        let (component, mode) = match (kind, s.entry) {
            ("transform", Entry::Condition) if given.is_some() => {
                (Component::TransformConditions, PathMode::Unprefixed)
            }
            ("transform", Entry::Condition) => (Component::TransformConditions, statement_mode),
            ("transform", _) => (Component::TransformStatements, statement_mode),
            ("filter", _) => (Component::Filter, PathMode::Unprefixed),
            _ => (Component::Routing, PathMode::Unprefixed),
        };
        let env = Env { context, mode, component };
        out.extend(check_parsed(env, parsed).into_iter().map(|d| map(d, s)));
    }
    out
}

/// The contexts the transform processor offers for a signal.
fn signal_contexts(signal: Option<&str>) -> &'static [ContextId] {
    use ContextId as C;
    match signal {
        Some("traces") => &[C::Span, C::SpanEvent, C::Scope, C::Resource],
        Some("metrics") => &[C::Metric, C::DataPoint, C::Scope, C::Resource],
        Some("logs") => &[C::Log, C::Scope, C::Resource],
        Some("profiles") => &[C::Profile, C::Scope, C::Resource],
        _ => &ContextId::ALL,
    }
}

/// How the transform processor resolves one statement group of `signal` (`traces`, `metrics`,
/// `logs`, `profiles`): with `context` given, statements get the context's prefix inserted and
/// conditions are read unprefixed; without it, the context is inferred from the prefixes and
/// functions of the statements and conditions, which must all be prefixed. Returns the
/// environments for the statements and for the conditions, or `None` when no context can be
/// inferred (`ottl check` reports why).
pub fn transform_group_envs(
    signal: &str,
    context: Option<ContextId>,
    statements: &[String],
    conditions: &[String],
) -> Option<(Env, Env)> {
    let env = |context, mode, component| Env { context, mode, component };
    if let Some(c) = context {
        return Some((
            env(c, PathMode::InsertedPrefix, Component::TransformStatements),
            env(c, PathMode::Unprefixed, Component::TransformConditions),
        ));
    }
    let mut parsed: Vec<Parsed> = statements.iter().map(|s| parse(Entry::Statement, s).0).collect();
    parsed.extend(conditions.iter().map(|c| parse(Entry::Condition, c).0));
    let c = infer::infer(
        &hints(&parsed.iter().collect::<Vec<_>>()),
        signal_contexts(Some(signal)),
        transform_has,
    )?;
    Some((
        env(c, PathMode::ContextNamesRequired, Component::TransformStatements),
        env(c, PathMode::ContextNamesRequired, Component::TransformConditions),
    ))
}
