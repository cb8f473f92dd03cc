//! The function signatures are complete and documented, and every documented example checks
//! clean where the function is available.

use ottl_syntax::{parse_condition, parse_statement};
use ottl_types::check::{self, Component, Env};
use ottl_types::context::ContextId;
use ottl_types::functions::{Availability, SIGNATURES, lookup};
use ottl_types::paths::PathMode;

/// Upstream's `StandardFuncs` (14 editors and 77 converters), the transform processor's extra
/// functions, the filter processor's datapoint functions and the routing connector's `route`.
const UPSTREAM: &[&str] = &[
    "append",
    "delete_key",
    "delete_matching_keys",
    "keep_matching_keys",
    "flatten",
    "keep_keys",
    "limit",
    "merge_maps",
    "replace_all_matches",
    "replace_all_patterns",
    "replace_match",
    "replace_pattern",
    "set",
    "truncate_all",
    "Base64Decode",
    "Decode",
    "FNV",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA512",
    "Murmur3Hash",
    "Murmur3Hash128",
    "Hex",
    "SpanID",
    "TraceID",
    "UUID",
    "IsValidLuhn",
    "Double",
    "Int",
    "String",
    "IsBool",
    "IsDouble",
    "IsInt",
    "IsString",
    "IsMap",
    "IsList",
    "IsMatch",
    "Len",
    "Concat",
    "ConvertCase",
    "ToLowerCase",
    "ToUpperCase",
    "ToSnakeCase",
    "ToCamelCase",
    "Format",
    "Split",
    "Substring",
    "Trim",
    "ExtractPatterns",
    "ExtractGrokPatterns",
    "ParseJSON",
    "ParseKeyValue",
    "ParseCSV",
    "ToKeyValueString",
    "URL",
    "UserAgent",
    "SliceToMap",
    "Sort",
    "ParseXML",
    "ParseSimplifiedXML",
    "GetXML",
    "InsertXML",
    "RemoveXML",
    "ConvertAttributesToElementsXML",
    "ConvertTextToElementsXML",
    "Now",
    "Time",
    "FormatTime",
    "Unix",
    "UnixSeconds",
    "UnixMilli",
    "UnixMicro",
    "UnixNano",
    "Year",
    "Month",
    "Day",
    "Hour",
    "Minute",
    "Second",
    "Nanosecond",
    "Weekday",
    "TruncateTime",
    "Duration",
    "Hours",
    "Minutes",
    "Seconds",
    "Milliseconds",
    "Microseconds",
    "Nanoseconds",
    "Log",
    "IsRootSpan",
    "convert_sum_to_gauge",
    "convert_gauge_to_sum",
    "extract_sum_metric",
    "extract_count_metric",
    "copy_metric",
    "scale_metric",
    "aggregate_on_attributes",
    "aggregate_on_attribute_value",
    "convert_exponential_histogram_to_histogram",
    "convert_summary_sum_val_to_sum",
    "convert_summary_count_val_to_sum",
    "HasAttrKeyOnDatapoint",
    "HasAttrOnDatapoint",
    "route",
];

#[test]
fn every_upstream_function_has_a_signature_and_nothing_else_does() {
    let missing: Vec<&str> = UPSTREAM.iter().copied().filter(|n| lookup(n).is_none()).collect();
    assert!(missing.is_empty(), "no signature for {missing:?}");
    let extra: Vec<&str> = SIGNATURES.iter().map(|s| s.name).filter(|n| !UPSTREAM.contains(n)).collect();
    assert!(extra.is_empty(), "signatures upstream does not have: {extra:?}");
    let standard = SIGNATURES
        .iter()
        .filter(|s| matches!(s.availability, Availability::StandardEditor | Availability::StandardConverter))
        .count();
    assert_eq!(standard, 91, "StandardFuncs registers 91 functions");
}

#[test]
fn every_signature_is_documented() {
    for sig in SIGNATURES {
        assert!(!sig.summary.is_empty() && sig.summary.ends_with('.'), "{}: summary", sig.name);
        assert!(sig.example.contains(sig.name), "{}: the example must use the function", sig.name);
        for p in sig.params {
            assert!(!p.doc.is_empty(), "{}.{}: parameter doc", sig.name, p.name);
        }
        let optional_then_required = sig.params.windows(2).any(|w| w[0].optional && !w[1].optional);
        assert!(!optional_then_required, "{}: optional parameters come last", sig.name);
    }
}

/// The contexts and component where an example of a function with `availability` can run.
fn envs_for(availability: Availability) -> Vec<Env> {
    let env = |context, component| Env { context, mode: PathMode::Unprefixed, component };
    match availability {
        Availability::Transform(contexts) => vec![env(contexts[0], Component::TransformStatements)],
        Availability::FilterMetric => vec![env(ContextId::Metric, Component::Filter)],
        Availability::Routing => vec![env(ContextId::Resource, Component::Routing)],
        _ => [ContextId::Log, ContextId::Span, ContextId::Metric]
            .into_iter()
            .map(|c| env(c, Component::TransformStatements))
            .collect(),
    }
}

fn example_diagnostics(sig: &ottl_types::functions::Signature, env: Env) -> Vec<String> {
    let diagnostics = if sig.is_editor() {
        let p = parse_statement(sig.example);
        let mut d = p.diagnostics;
        d.extend(p.tree.iter().flat_map(|t| check::statement(env, t)));
        d
    } else if sig.returns == ottl_types::Kind::Bool {
        let p = parse_condition(sig.example);
        let mut d = p.diagnostics;
        d.extend(p.tree.iter().flat_map(|t| check::condition(env, t)));
        d
    } else {
        let text = format!("set(attributes[\"x\"], {})", sig.example);
        let p = parse_statement(&text);
        let mut d = p.diagnostics;
        d.extend(p.tree.iter().flat_map(|t| check::statement(env, t)));
        d
    };
    diagnostics.iter().map(|d| format!("{} {} ({})", d.code, d.message, env.context.name())).collect()
}

#[test]
fn every_example_checks_clean_somewhere_it_is_available() {
    let mut failures = Vec::new();
    for sig in SIGNATURES {
        let attempts: Vec<Vec<String>> =
            envs_for(sig.availability).iter().map(|e| example_diagnostics(sig, *e)).collect();
        if attempts.iter().all(|d| !d.is_empty()) {
            failures.push(format!("{}: `{}`: {}", sig.name, sig.example, attempts.concat().join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
