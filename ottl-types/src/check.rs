//! Resolution checks: everything upstream rejects when it binds a statement (paths, enums,
//! functions, arguments, literal arguments), reported as diagnostics with ranges.

use ottl_syntax::ast::{
    ArgValue, Argument, BoolExpr, BoolExprKind, Call, CompareOp, MathOp, Path, Statement, Value, ValueKind,
};
use ottl_syntax::visit::{self, Visitor};
use ottl_syntax::{Diagnostic, TextRange};

use crate::context::{ContextId, Settable};
use crate::diagnostics as diag;
use crate::functions::{self, Availability, ParamType, SIGNATURES, Signature};
use crate::kind::Kind;
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

/// Checks a value expression (`ottl eval`); returns every diagnostic found.
pub fn value(env: Env, v: &Value) -> Vec<Diagnostic> {
    let mut c = Checker { env, diags: Vec::new() };
    c.visit_value(v);
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
        match &v.kind {
            ValueKind::Enum(symbol) if self.env.context.enum_value(symbol).is_none() => {
                self.diags.push(diag::unknown_enum(self.env.context, symbol, v.range));
            }
            ValueKind::Math { lhs, op, rhs } => self.arithmetic(v.range, lhs, *op, rhs),
            _ => {}
        }
        visit::walk_value(self, v);
    }

    fn visit_bool_expr(&mut self, b: &'a BoolExpr) {
        if let BoolExprKind::Comparison { lhs, op, rhs } = &b.kind {
            let (l, r) = (self.kind_of(lhs), self.kind_of(rhs));
            if !comparable(l, r, *op) {
                self.diags.push(diag::comparison_always_false(b.range, op.as_str(), l, r));
            }
        }
        visit::walk_bool_expr(self, b);
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
        let (bound, diags) = bind(sig, call);
        self.diags.extend(diags);
        if sig.name == "set"
            && let (Some(target), Some(value)) = (bound[0], bound[1])
        {
            self.set(target, value);
        }
        let before = self.diags.len();
        self.constraints(sig, &bound);
        // A call upstream refuses at load never runs, so its run-time failures are moot.
        if self.diags.len() == before {
            self.always_fails(sig, &bound);
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
            t if !getter_accepts(t, self.kind_of(value)) && !IS_FUNCTIONS.contains(&sig.name) => {
                let (wants, literal) = (kind_name(t.wants()), value.kind.is_scalar_literal());
                let d = diag::argument_kind(range, sig.name, &name, wants, self.kind_of(value), literal);
                self.diags.push(d);
            }
            ParamType::GetterList | ParamType::StringLikeGetterList
                if !matches!(value.kind, ValueKind::List(_)) =>
            {
                self.diags.push(diag::literal_required(range, &name, "a list literal `[...]`", false, None));
            }
            _ => {}
        }
    }

    /// The static kind of a value (`Any` when only the record can tell).
    fn kind_of(&self, v: &Value) -> Kind {
        match &v.kind {
            ValueKind::Nil => Kind::Nil,
            ValueKind::Bool(_) => Kind::Bool,
            ValueKind::Int(_) | ValueKind::Enum(_) => Kind::Int,
            ValueKind::Float(_) => Kind::Float,
            ValueKind::String(_) => Kind::String,
            ValueKind::Bytes(_) => Kind::Bytes,
            ValueKind::List(_) => Kind::List,
            ValueKind::Map(_) => Kind::Map,
            ValueKind::Path(p) => {
                paths::resolve(self.env.context, self.env.mode, p).map_or(Kind::Any, |r| r.kind)
            }
            ValueKind::Converter(c) if c.keys.is_empty() => {
                functions::lookup(&c.name.name).filter(|s| !s.is_editor()).map_or(Kind::Any, |s| s.returns)
            }
            ValueKind::Math { lhs, op, rhs } => {
                math_kind(self.kind_of(lhs), *op, self.kind_of(rhs)).unwrap_or(Kind::Any)
            }
            ValueKind::Paren(inner) => self.kind_of(inner),
            ValueKind::Converter(_) | ValueKind::Error => Kind::Any,
        }
    }

    fn arithmetic(&mut self, range: TextRange, lhs: &Value, op: MathOp, rhs: &Value) {
        let (l, r) = (self.kind_of(lhs), self.kind_of(rhs));
        if let Some((bad, kind)) = [(lhs, l), (rhs, r)].into_iter().find(|(_, k)| !arithmetic_operand(*k)) {
            self.diags.push(diag::arithmetic_kind(bad.range, kind));
        } else if math_kind(l, op, r).is_none() {
            self.diags.push(diag::arithmetic_combination(range, op.as_str(), l, r));
        } else if op == MathOp::Div
            && matches!(l, Kind::Int | Kind::Float)
            && (matches!(rhs.kind, ValueKind::Int(0)) || matches!(rhs.kind, ValueKind::Float(f) if f == 0.0))
        {
            // A number over a literal zero: the message is the same for ints and floats.
            self.diags.push(diag::literal_always_fails(rhs.range, "attempted to divide by 0".into()));
        }
    }

    /// `set(target, value)`: upstream's setters ignore values of the wrong kind.
    fn set(&mut self, target: &Argument, value: &Argument) {
        let (ArgValue::Value(t), ArgValue::Value(v)) = (&target.value, &value.value) else { return };
        let ValueKind::Path(path) = &t.kind else { return };
        let Ok(resolved) = paths::resolve(self.env.context, self.env.mode, path) else { return };
        let value_kind = self.kind_of(v);
        let why = match resolved.settable {
            Settable::No => {
                let written = path.segments().map(|s| s.name.as_str()).collect::<Vec<_>>().join(".");
                self.diags.push(diag::read_only_path(t.range, &written));
                return;
            }
            Settable::Ignored => "setting this path does nothing upstream".to_string(),
            // `set(x, nil)` is upstream's documented way to do nothing; not worth a warning.
            Settable::Yes
                if resolved.keyed || value_kind == Kind::Nil || setter_accepts(resolved.kind, value_kind) =>
            {
                return;
            }
            Settable::Yes => format!("{} path ignores {}", resolved.kind.a(), value_kind.a()),
        };
        self.diags.push(diag::set_is_a_no_op(v.range, why));
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
        if functions::is_regex_param(sig.name, param) {
            match crate::goregex::parse(s) {
                Err(e) => self.diags.push(diag::invalid_regex(range, &e)),
                Ok(hir) if sig.name == "ExtractPatterns" && !has_named_group(&hir) => {
                    let msg = "`ExtractPatterns` needs at least one named group `(?P<name>...)`".to_string();
                    self.diags.push(diag::invalid_literal_value(range, msg));
                }
                Ok(_) => {}
            }
            return;
        }
        if functions::is_xpath_param(sig.name, param) {
            if !(s.is_empty() && functions::xpath_defaults_when_empty(sig.name))
                && let Err(e) = crate::xpath::compile(s)
            {
                self.diags.push(diag::invalid_xpath(range, &e.to_string()));
            }
            return;
        }
        if sig.name == "Decode"
            && param.eq_ignore_ascii_case("encoding")
            && let Err(msg) = crate::charset::Charset::lookup(s)
        {
            self.diags.push(diag::invalid_literal_value(range, msg));
            return;
        }
        if matches!((sig.name, param), ("Time" | "FormatTime", "format")) {
            if s.is_empty() {
                self.diags.push(diag::invalid_literal_value(range, "format cannot be nil".to_string()));
                return;
            }
            if let Some(d) = unsupported_time_directive(s) {
                let known: Vec<String> = TIME_DIRECTIVES.chars().map(|c| format!("%{c}")).collect();
                let msg =
                    format!("unsupported strptime directive %{d} (upstream's table has {})", known.join(" "));
                self.diags.push(diag::invalid_literal_value(range, msg));
                return;
            }
        }
        if matches!((sig.name, param), ("replace_match" | "replace_all_matches", "pattern"))
            && crate::glob::compile(s).is_none()
        {
            let msg = format!("`{s}` is not a valid glob pattern: a `[` or `{{` is never closed");
            self.diags.push(diag::invalid_literal_value(range, msg));
            return;
        }
        if sig.name == "ParseCSV"
            && matches!(param, "delimiter" | "header_delimiter")
            && s.chars().count() != 1
        {
            let msg = format!("invalid arguments: {param} must be a single character");
            self.diags.push(diag::invalid_literal_value(range, msg));
            return;
        }
        if (sig.name, param) == ("Time", "location")
            && !matches!(s, "" | "UTC" | "Local")
            && jiff::tz::TimeZone::get(s).is_err()
        {
            let msg = format!("unknown time zone {s:?}: use an IANA name such as \"America/New_York\"");
            self.diags.push(diag::invalid_literal_value(range, msg));
            return;
        }
        if (sig.name, param) == ("Time", "locale")
            && let Err(msg) = crate::locale::lookup(s)
        {
            self.diags.push(diag::invalid_literal_value(range, msg));
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
            // Upstream reads an empty distribution as `random`.
            ("convert_exponential_histogram_to_histogram", "distribution_fn") if !s.is_empty() => {
                &["upper", "midpoint", "uniform", "random"]
            }
            _ => &[],
        };
        if !options.is_empty() && !options.contains(&s) {
            self.diags.push(diag::invalid_option(range, param, s, options));
        }
    }

    /// Literal arguments upstream accepts at load and refuses on every record at run time
    /// (W502), with the run-time message.
    fn always_fails(&mut self, sig: &Signature, bound: &[Option<&Argument>]) {
        let literal = |i: usize| bound_value(bound, i);
        match sig.name {
            // Checked at run time, before the target is read, in this order.
            "Substring" => {
                let int = |i: usize| match literal(i) {
                    Some(Value { kind: ValueKind::Int(n), range }) => Some((*n, *range)),
                    _ => None,
                };
                let target = match literal(0) {
                    Some(Value { kind: ValueKind::String(s), range }) => Some((s.len(), *range)),
                    _ => None,
                };
                let failure = match (int(1), int(2), target) {
                    (Some((start, range)), _, _) if start < 0 => Some((
                        range,
                        format!("invalid start for substring function, {start} cannot be negative"),
                    )),
                    (_, Some((length, range)), _) if length <= 0 => Some((
                        range,
                        format!("invalid length for substring function, {length} cannot be negative or zero"),
                    )),
                    (Some((start, _)), Some((length, _)), Some((len, range)))
                        if i64::try_from(len).is_ok_and(|len| start.saturating_add(length) > len) =>
                    {
                        let end = start.saturating_add(length);
                        Some((
                            range,
                            format!(
                                "invalid range for substring function, {end} cannot be greater than the length of target string({len})"
                            ),
                        ))
                    }
                    _ => None,
                };
                if let Some((range, message)) = failure {
                    self.diags.push(diag::literal_always_fails(range, message));
                }
            }
            "IsValidLuhn" => {
                let refused = match literal(0) {
                    Some(Value { kind: ValueKind::String(s), range })
                        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        Some((*range, "invalid input: the string must contain only digits"))
                    }
                    Some(Value { kind: ValueKind::Nil, range }) => Some((*range, "invalid input: nil")),
                    _ => None,
                };
                if let Some((range, message)) = refused {
                    self.diags.push(diag::literal_always_fails(range, message.into()));
                }
            }
            "ParseKeyValue" => {
                if let Some(Value { kind: ValueKind::String(s), range }) = literal(0)
                    && s.is_empty()
                {
                    let msg = "cannot parse from empty target".to_string();
                    self.diags.push(diag::literal_always_fails(*range, msg));
                }
            }
            "Log" => {
                let non_positive = match literal(0) {
                    Some(Value { kind: ValueKind::Int(n), range }) => (*n <= 0).then_some(*range),
                    Some(Value { kind: ValueKind::Float(x), range }) => (*x <= 0.0).then_some(*range),
                    _ => None,
                };
                if let Some(range) = non_positive {
                    self.diags
                        .push(diag::literal_always_fails(range, "value must be greater than zero".into()));
                }
            }
            _ => {}
        }
    }

    /// Checks that involve two literal arguments (upstream's function factories).
    fn constraints(&mut self, sig: &Signature, bound: &[Option<&Argument>]) {
        let literal = |i: usize| bound_value(bound, i);
        match sig.name {
            "limit" => {
                if let (Some(Value { kind: ValueKind::Int(limit), .. }), Some(keys)) =
                    (literal(1), literal(2))
                    && let ValueKind::List(items) = &keys.kind
                    // A negative limit is refused first, as upstream's factory checks it first.
                    && *limit >= 0
                    && i64::try_from(items.len()).is_ok_and(|n| n > *limit)
                {
                    let msg = format!(
                        "{} priority keys cannot fit a limit of {limit}: list at most {limit}",
                        items.len()
                    );
                    self.diags.push(diag::invalid_literal_value(keys.range, msg));
                }
            }
            // Lists upstream's factories refuse when they are empty.
            "SliceToMap" | "convert_exponential_histogram_to_histogram" => {
                if let Some(list) = literal(1)
                    && matches!(&list.kind, ValueKind::List(items) if items.is_empty())
                {
                    let msg = match sig.name {
                        "SliceToMap" => "key path must contain at least one element",
                        _ => "explicit bounds cannot be empty",
                    };
                    self.diags.push(diag::invalid_literal_value(list.range, msg.to_string()));
                }
            }
            "ExtractGrokPatterns" => {
                if let Some(Value { kind: ValueKind::String(pattern), range, .. }) = literal(1) {
                    let named_only = matches!(literal(2).map(|v| &v.kind), Some(ValueKind::Bool(true)));
                    let defs: Vec<&str> = match literal(3).map(|v| &v.kind) {
                        Some(ValueKind::List(items)) => items
                            .iter()
                            .filter_map(|i| match &i.kind {
                                ValueKind::String(s) => Some(s.as_str()),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    self.grok(pattern, *range, named_only, &defs, literal(3).map(|v| v.range));
                }
            }
            "ParseKeyValue" | "ToKeyValueString" => {
                // Both refuse an empty delimiter, each with its own words.
                for (i, what) in [(1, "delimiter"), (2, "pair delimiter")] {
                    if let Some(v) = literal(i)
                        && matches!(&v.kind, ValueKind::String(s) if s.is_empty())
                    {
                        let msg = if sig.name == "ParseKeyValue" {
                            format!("{what} cannot be set to an empty string")
                        } else {
                            format!("the {what} cannot be an empty string")
                        };
                        self.diags.push(diag::invalid_literal_value(v.range, msg));
                    }
                }
                let text = |i: usize, default: &'static str| match literal(i).map(|v| &v.kind) {
                    Some(ValueKind::String(s)) if !s.is_empty() => s.clone(),
                    _ => default.to_string(),
                };
                let (delimiter, pair) = (text(1, "="), text(2, " "));
                if delimiter == pair {
                    let range = literal(2).or(literal(1)).map_or(TextRange::default(), |v| v.range);
                    let msg = format!("pair delimiter {pair:?} cannot be equal to delimiter {delimiter:?}");
                    self.diags.push(diag::invalid_literal_value(range, msg));
                }
            }
            _ => {}
        }
    }

    /// A literal grok pattern expands with the statement's definitions into a valid regex.
    fn grok(
        &mut self,
        pattern: &str,
        range: TextRange,
        named_only: bool,
        defs: &[&str],
        defs_range: Option<TextRange>,
    ) {
        let defs = match crate::grok::definitions(defs) {
            Ok(d) => d,
            Err(e) => {
                let msg = e.to_string();
                self.diags.push(diag::invalid_literal_value(defs_range.unwrap_or(range), msg));
                return;
            }
        };
        match crate::grok::expand(pattern, named_only, &defs) {
            Err(e) => self.diags.push(diag::invalid_literal_value(range, e.to_string())),
            Ok(g) => match crate::goregex::parse(&g.regex) {
                Err(e) => self.diags.push(diag::invalid_regex(range, &e)),
                Ok(hir) if named_only && !has_named_group(&hir) => {
                    let msg =
                        "at least 1 named capture group must be supplied in the given regex".to_string();
                    self.diags.push(diag::invalid_literal_value(range, msg));
                }
                Ok(_) => {}
            },
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

/// Binds a call's arguments to the signature's parameters as upstream's `newFunctionCall` does:
/// positional arguments in order, named ones by `strcase.ToCamel` of their name. Returns the
/// argument bound to each parameter and the binding errors.
pub(crate) fn bind<'c>(sig: &Signature, call: &'c Call) -> (Vec<Option<&'c Argument>>, Vec<Diagnostic>) {
    let mut bound: Vec<Option<&Argument>> = vec![None; sig.params.len()];
    let mut diags = Vec::new();
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
                    diags.push(diag::unknown_argument_name(name, &params));
                }
            }
            None if seen_named => diags.push(diag::positional_after_named(arg.range)),
            None if i < bound.len() => bound[i] = Some(arg),
            None => {}
        }
    }
    (bound, diags)
}

/// The `Is*` inspectors turn a getter's type error into `false`, so any kind is fine there.
const IS_FUNCTIONS: &[&str] = &["IsBool", "IsDouble", "IsInt", "IsString", "IsMap"];

/// Whether a typed getter can ever accept a value of kind `k` (`pkg/ottl/expression.go`).
fn getter_accepts(ty: ParamType, k: Kind) -> bool {
    if k == Kind::Any {
        return true;
    }
    match ty {
        ParamType::StringGetter => k == Kind::String,
        ParamType::IntGetter => k == Kind::Int,
        ParamType::FloatGetter => k == Kind::Float,
        ParamType::BoolGetter => k == Kind::Bool,
        ParamType::PMapGetter => k == Kind::Map,
        ParamType::TimeGetter => k == Kind::Time,
        ParamType::DurationGetter => k == Kind::Duration,
        ParamType::IntLikeGetter | ParamType::FloatLikeGetter => {
            matches!(k, Kind::Int | Kind::Float | Kind::String | Kind::Bool | Kind::Nil)
        }
        // Ids are fixed-size arrays, which upstream may or may not convert: give them the benefit
        // of the doubt rather than reject a statement that works.
        ParamType::ByteSliceLikeGetter => !matches!(k, Kind::Map | Kind::List | Kind::Time | Kind::Duration),
        _ => true,
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::String => "a string",
        Kind::Int => "an int",
        Kind::Float => "a float",
        Kind::Bool => "a bool",
        Kind::Map => "a map",
        Kind::Time => "a time",
        Kind::Duration => "a duration",
        Kind::Bytes => "bytes",
        Kind::List => "a list",
        _ => "a value",
    }
}

fn arithmetic_operand(k: Kind) -> bool {
    matches!(k, Kind::Int | Kind::Float | Kind::Time | Kind::Duration | Kind::Any)
}

/// The value bound to parameter `i`, when one was given as a value (not a function name).
fn bound_value<'a>(bound: &[Option<&'a Argument>], i: usize) -> Option<&'a Value> {
    match bound.get(i).copied().flatten().map(|a| &a.value) {
        Some(ArgValue::Value(v)) => Some(v),
        _ => None,
    }
}

/// The kind of `l op r` (`pkg/ottl/math.go`), `None` when upstream always fails.
fn math_kind(l: Kind, op: MathOp, r: Kind) -> Option<Kind> {
    use Kind::{Any, Duration, Float, Int, Time};
    let additive = matches!(op, MathOp::Add | MathOp::Sub);
    Some(match (l, r) {
        (Any, _) | (_, Any) => Any,
        (Int, Int) => Int,
        (Int | Float, Int | Float) => Float,
        (Time, Time) if op == MathOp::Sub => Duration,
        (Time, Duration) if additive => Time,
        (Duration, Time) if op == MathOp::Add => Time,
        (Duration, Duration) if additive => Duration,
        _ => return None,
    })
}

/// Whether `l op r` can ever be true (`pkg/ottl/compare.go`): kinds compare only with their own
/// kind (ints and floats with each other); maps, lists and ids have no order.
fn comparable(l: Kind, r: Kind, op: CompareOp) -> bool {
    let numeric = |k| matches!(k, Kind::Int | Kind::Float);
    let unknown = |k| matches!(k, Kind::Any | Kind::Pdata(_));
    if unknown(l) || unknown(r) {
        return true;
    }
    let same = l == r || (numeric(l) && numeric(r));
    let ordered = !matches!(l, Kind::Map | Kind::List | Kind::TraceId | Kind::SpanId | Kind::Nil);
    same && (ordered || matches!(op, CompareOp::Eq | CompareOp::Ne))
}

/// Whether a setter of a field of kind `field` stores a value of kind `value`.
fn setter_accepts(field: Kind, value: Kind) -> bool {
    match field {
        Kind::Any | Kind::List | Kind::Pdata(_) | Kind::Bytes => true,
        _ => value == Kind::Any || value == field,
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

/// The strptime directives upstream's `timeutils` table maps to Go layout elements (the
/// interpreter's `strptime` implements each; a test there holds the two to this list).
pub const TIME_DIRECTIVES: &str = "YymoqdegHIlMSfLspPbhBaAzjwikZDxFTXrRcnt%";

/// The first `%x` of a `Time`/`FormatTime` layout that upstream's table does not have.
fn unsupported_time_directive(layout: &str) -> Option<char> {
    let mut chars = layout.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some(d) if TIME_DIRECTIVES.contains(d) => {}
                Some(d) => return Some(d),
                None => return Some('%'),
            }
        }
    }
    None
}
