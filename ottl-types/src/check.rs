//! Resolution checks: everything upstream rejects when it binds a statement (paths, enums,
//! functions, arguments, literal arguments), reported as diagnostics with ranges.

use ottl_syntax::ast::{ArgValue, Argument, BoolExpr, Call, Path, Statement, Value, ValueKind};
use ottl_syntax::visit::{self, Visitor};
use ottl_syntax::{Diagnostic, TextRange};

use crate::context::ContextId;
use crate::diagnostics as diag;
use crate::functions::{self, Availability, ParamType, SIGNATURES, Signature};
use crate::paths::{self, PathMode};

/// Which component runs the OTTL: it decides which functions exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    /// Transform processor statements.
    TransformStatements,
    /// Transform processor group `conditions` (converters only).
    TransformConditions,
    /// Filter processor conditions.
    Filter,
    /// Routing connector table entries.
    Routing,
}

/// Where a statement or condition is checked.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    pub context: ContextId,
    pub mode: PathMode,
    pub component: Component,
}

impl Env {
    /// Whether `sig` can be called here.
    pub fn has(self, sig: &Signature) -> bool {
        match sig.availability {
            Availability::StandardConverter => true,
            Availability::StandardEditor => {
                matches!(self.component, Component::TransformStatements)
                    || (self.component == Component::Routing
                        && matches!(sig.name, "delete_key" | "delete_matching_keys"))
            }
            Availability::Transform(contexts) => {
                matches!(self.component, Component::TransformStatements | Component::TransformConditions)
                    && contexts.contains(&self.context)
            }
            Availability::FilterMetric => {
                self.component == Component::Filter && self.context == ContextId::Metric
            }
            Availability::Routing => self.component == Component::Routing,
        }
    }

    fn available_names(self) -> Vec<&'static str> {
        SIGNATURES.iter().filter(|s| self.has(s)).map(|s| s.name).collect()
    }
}

/// Checks a statement; returns every diagnostic found.
pub fn statement(env: Env, s: &Statement) -> Vec<Diagnostic> {
    let mut c = Checker { env, diags: Vec::new() };
    c.visit_statement(s);
    c.diags
}

/// Checks a condition; returns every diagnostic found.
pub fn condition(env: Env, b: &BoolExpr) -> Vec<Diagnostic> {
    let mut c = Checker { env, diags: Vec::new() };
    c.visit_bool_expr(b);
    c.diags
}

struct Checker {
    env: Env,
    diags: Vec<Diagnostic>,
}

impl<'a> Visitor<'a> for Checker {
    fn visit_path(&mut self, p: &'a Path) {
        if let Err(d) = paths::resolve(self.env.context, self.env.mode, p) {
            self.diags.push(d);
        }
        visit::walk_path(self, p);
    }

    fn visit_value(&mut self, v: &'a Value) {
        if let ValueKind::Enum(symbol) = &v.kind
            && self.env.context.enum_value(symbol).is_none()
        {
            self.diags.push(diag::unknown_enum(self.env.context, symbol, v.range));
        }
        visit::walk_value(self, v);
    }

    fn visit_call(&mut self, call: &'a Call) {
        match functions::lookup(&call.name.name) {
            None => self.diags.push(diag::unknown_function(&call.name, &self.env.available_names())),
            Some(sig) if !self.env.has(sig) => {
                let where_ = match self.env.component {
                    Component::TransformConditions => "in group conditions (converters only)".to_string(),
                    Component::Filter => "in filter conditions".to_string(),
                    Component::Routing => "in the routing connector".to_string(),
                    Component::TransformStatements => format!("in the {} context", self.env.context.name()),
                };
                self.diags.push(diag::function_unavailable(&call.name, &where_));
            }
            Some(sig) => self.arguments(call, sig),
        }
        // An enum-looking argument bound to a function parameter names a function (checked
        // above); every other argument is a value.
        let sig = functions::lookup(&call.name.name).filter(|s| self.env.has(s));
        for (i, arg) in call.args.iter().enumerate() {
            let ArgValue::Value(v) = &arg.value else { continue };
            let is_function =
                sig.and_then(|s| param_of(s, i, arg)).is_some_and(|t| t == ParamType::FunctionGetter);
            if !(is_function && matches!(v.kind, ValueKind::Enum(_))) {
                self.visit_value(v);
            }
        }
        call.keys.iter().for_each(|k| self.visit_key(k));
    }
}

impl Checker {
    /// Binds arguments to parameters as upstream's `newFunctionCall` does, then checks each.
    fn arguments(&mut self, call: &Call, sig: &'static Signature) {
        let total = sig.params.len();
        if call.args.len() > total || call.args.len() < sig.required() {
            let named = call.args.iter().any(|a| a.name.is_some());
            if !named || call.args.len() > total {
                self.diags.push(diag::argument_count(call, &sig.render(), sig.required(), total));
                return;
            }
        }
        let mut bound: Vec<Option<&Argument>> = vec![None; total];
        let mut seen_named = false;
        for (i, arg) in call.args.iter().enumerate() {
            match &arg.name {
                Some(name) => {
                    seen_named = true;
                    let field = functions::to_camel(&name.name);
                    if let Some(j) = sig.params.iter().position(|p| p.name == field) {
                        bound[j] = Some(arg);
                    } else {
                        let params: Vec<&str> = sig.params.iter().map(|p| p.name).collect();
                        self.diags.push(diag::unknown_argument_name(name, &params));
                    }
                }
                None if seen_named => self.diags.push(diag::positional_after_named(arg.range)),
                None => bound[i] = Some(arg),
            }
        }
        for (param, arg) in sig.params.iter().zip(&bound) {
            match arg {
                Some(arg) => self.argument(sig, param.name, param.ty, arg),
                None if !param.optional => {
                    self.diags.push(diag::missing_argument(call, &snake(param.name), &sig.render()));
                }
                None => {}
            }
        }
    }

    fn argument(&mut self, sig: &Signature, param: &str, ty: ParamType, arg: &Argument) {
        let range = arg.value.range();
        let name = snake(param);
        let value = match &arg.value {
            ArgValue::FunctionName(f) => {
                if ty == ParamType::FunctionGetter {
                    self.function_argument(&f.name, f.range);
                } else {
                    let d = diag::literal_required(range, &name, "a value, not a function name", false, None);
                    self.diags.push(d);
                }
                return;
            }
            ArgValue::Value(v) => v,
        };
        match ty {
            ParamType::Setter | ParamType::GetSetter if !matches!(value.kind, ValueKind::Path(_)) => {
                self.diags.push(diag::path_required(range, &name));
            }
            ParamType::FunctionGetter => {
                if let ValueKind::Enum(e) = &value.kind {
                    self.function_argument(e, range);
                } else {
                    let d = diag::literal_required(
                        range,
                        &name,
                        "a converter name such as `SHA256`",
                        false,
                        None,
                    );
                    self.diags.push(d);
                }
            }
            t if t.literal_only() => self.literal(sig, &name, t, value),
            ParamType::GetterList | ParamType::StringLikeGetterList
                if !matches!(value.kind, ValueKind::List(_)) =>
            {
                self.diags.push(diag::literal_required(range, &name, "a list literal `[...]`", false, None));
            }
            _ => {}
        }
    }

    fn function_argument(&mut self, name: &str, range: TextRange) {
        let is_converter = functions::lookup(name).is_some_and(|s| !s.is_editor() && self.env.has(s));
        if !is_converter {
            let converters: Vec<&str> =
                SIGNATURES.iter().filter(|s| !s.is_editor() && self.env.has(s)).map(|s| s.name).collect();
            self.diags.push(diag::unknown_function_argument(name, range, &converters));
        }
    }

    /// Literal-only parameters, and the values upstream validates when it builds the function.
    fn literal(&mut self, sig: &Signature, name: &str, ty: ParamType, value: &Value) {
        let range = value.range;
        let ok = match (ty, &value.kind) {
            (ParamType::String, ValueKind::String(s)) => {
                self.string_option(sig, name, s, range);
                true
            }
            (ParamType::Int, ValueKind::Int(i)) => {
                self.int_option(sig, name, *i, range);
                true
            }
            (ParamType::Float, ValueKind::Float(_))
            | (ParamType::Bool, ValueKind::Bool(_))
            | (ParamType::Bytes, ValueKind::Bytes(_)) => true,
            (ParamType::StringList, ValueKind::List(items)) => {
                items.iter().all(|i| matches!(i.kind, ValueKind::String(_)))
            }
            (ParamType::FloatList, ValueKind::List(items)) => {
                items.iter().all(|i| matches!(i.kind, ValueKind::Float(_)))
            }
            _ => false,
        };
        if let (ParamType::Bytes, ValueKind::Bytes(b)) = (ty, &value.kind) {
            let want = match sig.name {
                "SpanID" => 8,
                "TraceID" => 16,
                _ => b.len(),
            };
            if b.len() != want {
                let msg = format!("`{}` needs exactly {want} bytes, got {}", sig.name, b.len());
                self.diags.push(diag::invalid_literal_value(range, msg));
            }
        }
        if !ok {
            let (wants, fix) = match (ty, &value.kind) {
                (ParamType::Float, ValueKind::Int(i)) => ("a float literal", Some(format!("{i}.0"))),
                (ParamType::String, _) => ("a string literal", None),
                (ParamType::Int, _) => ("an integer literal", None),
                (ParamType::Float, _) => ("a float literal", None),
                (ParamType::Bool, _) => ("`true` or `false`", None),
                (ParamType::Bytes, _) => ("a bytes literal (`0x...`)", None),
                (ParamType::StringList, _) => ("a list of string literals", None),
                _ => ("a list of float literals", None),
            };
            let is_literal = matches!(
                value.kind,
                ValueKind::Int(_)
                    | ValueKind::Float(_)
                    | ValueKind::String(_)
                    | ValueKind::Bool(_)
                    | ValueKind::Bytes(_)
                    | ValueKind::List(_)
                    | ValueKind::Nil
            );
            self.diags.push(diag::literal_required(range, name, wants, is_literal, fix));
        }
    }

    fn string_option(&mut self, sig: &Signature, param: &str, s: &str, range: TextRange) {
        let regex = matches!(
            (sig.name, param),
            ("delete_matching_keys" | "keep_matching_keys" | "IsMatch", "pattern")
                | ("replace_all_patterns" | "replace_pattern", "regex_pattern")
        );
        if regex || (sig.name == "ExtractPatterns" && param == "pattern") {
            match regex_syntax::Parser::new().parse(s) {
                Err(e) => self.diags.push(diag::invalid_regex(range, &regex_error(&e))),
                Ok(hir) if sig.name == "ExtractPatterns" && !has_named_group(&hir) => {
                    let msg = "`ExtractPatterns` needs at least one named group `(?P<name>...)`".to_string();
                    self.diags.push(diag::invalid_literal_value(range, msg));
                }
                Ok(_) => {}
            }
            return;
        }
        let options: &[&str] = match (sig.name, param) {
            ("ConvertCase", "to_case") => &["lower", "upper", "snake", "camel"],
            ("merge_maps", "strategy") => &["insert", "update", "upsert"],
            ("replace_all_patterns", "mode") => &["key", "value"],
            ("Sort", "order") => &["asc", "desc"],
            ("ParseCSV", "mode") => &["strict", "lazyQuotes", "ignoreQuotes"],
            (
                "convert_gauge_to_sum"
                | "convert_summary_sum_val_to_sum"
                | "convert_summary_count_val_to_sum",
                _,
            ) => &["cumulative", "delta"],
            ("aggregate_on_attributes" | "aggregate_on_attribute_value", "aggregation_function") => {
                &["sum", "mean", "min", "max", "count", "median"]
            }
            ("convert_exponential_histogram_to_histogram", "distribution_fn") => {
                &["upper", "midpoint", "uniform", "random"]
            }
            _ => &[],
        };
        if !options.is_empty() && !options.contains(&s) {
            self.diags.push(diag::invalid_option(range, param, s, options));
        }
    }

    fn int_option(&mut self, sig: &Signature, param: &str, i: i64, range: TextRange) {
        let msg = match (sig.name, param) {
            ("flatten", "depth") if i < 0 => {
                format!("invalid depth {i} for flatten: it must not be negative")
            }
            ("limit" | "truncate_all", "limit") if i < 0 => {
                format!("invalid limit {i}: it must not be negative")
            }
            _ => return,
        };
        self.diags.push(diag::invalid_literal_value(range, msg));
    }
}

/// The type of the parameter argument `i` binds to (by name, or by position).
fn param_of(sig: &Signature, i: usize, arg: &Argument) -> Option<ParamType> {
    match &arg.name {
        Some(name) => {
            let field = functions::to_camel(&name.name);
            sig.params.iter().find(|p| p.name == field).map(|p| p.ty)
        }
        None => sig.params.get(i).map(|p| p.ty),
    }
}

fn has_named_group(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => c.name.is_some() || has_named_group(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(has_named_group),
        HirKind::Repetition(r) => has_named_group(&r.sub),
        _ => false,
    }
}

fn regex_error(e: &regex_syntax::Error) -> String {
    // The library's message spans several lines with a caret drawing; keep its last line.
    let last =
        e.to_string().lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("syntax error").to_string();
    last.trim().trim_start_matches("error: ").to_string()
}

/// `ResolveConflicts` → `resolve_conflicts`, how users write argument names.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
