//! One constructor per resolution and type diagnostic (codes are registered in
//! `ottl_syntax::codes`).

use ottl_syntax::ast::{Ident, Path};
use ottl_syntax::codes;
use ottl_syntax::{Diagnostic, TextRange};

use crate::context::{ContextId, Field};
use crate::suggest;

pub(crate) fn unknown_field(ctx: ContextId, seg: &Ident, schema: &[Field]) -> Diagnostic {
    let names: Vec<&str> = schema.iter().map(|f| f.name).chain(["cache"]).collect();
    let d =
        Diagnostic::error(codes::E200, format!("`{}` is not a path of the {} context", seg.name, ctx.name()))
            .with_label(seg.range, "unknown path segment");
    if seg.name == "scope" && ctx != ContextId::Scope && ctx != ContextId::Resource {
        return d.with_help(format!(
            "below the scope its prefix is `instrumentation_scope`; here `scope` reads as a field of the {} context",
            ctx.name()
        ));
    }
    match suggest::closest(&seg.name, names.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(format!("use `{s}`"), seg.range, s),
        None => d.with_help(format!(
            "the {} context has: {}; see {}",
            ctx.name(),
            names.join(", "),
            ctx.doc_url()
        )),
    }
}

pub(crate) fn context_without_field(seg: &Ident, range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E200, format!("`{}` names a context, not a value", seg.name))
        .with_label(range, "a context prefix needs a field after it")
        .with_help(format!("write a field of the context, e.g. `{}.attributes`", seg.name))
}

pub(crate) fn missing_context_name(ctx: ContextId, path: &Path) -> Diagnostic {
    let head = crate::paths::head_range(path);
    let options: Vec<String> = ctx.prefixes().iter().map(|p| format!("`{p}.…`")).collect();
    Diagnostic::error(codes::E201, "this path needs a context prefix")
        .with_label(head, format!("possibly `{}.` goes here", ctx.name()))
        .with_help(format!(
            "the group's context is inferred, so every path names its context: {}; or set `context:` on the group",
            options.join(", ")
        ))
        .with_fix(format!("prefix with `{}.`", ctx.name()), TextRange::empty(head.start), format!("{}.", ctx.name()))
}

pub(crate) fn invalid_context_prefix(ctx: ContextId, prefix: &Ident) -> Diagnostic {
    let options: Vec<String> = ctx.prefixes().iter().map(|p| format!("`{p}`")).collect();
    let d = Diagnostic::error(
        codes::E202,
        format!("`{}` is not a context the {} context can reach", prefix.name, ctx.name()),
    )
    .with_label(prefix.range, "invalid context prefix");
    let help = if prefix.name == "scope" {
        "below the scope, the scope is written `instrumentation_scope`".to_string()
    } else {
        format!("use one of {}", options.join(", "))
    };
    d.with_help(help)
}

pub(crate) fn foreign_cache(ctx: ContextId, target: ContextId, range: TextRange) -> Diagnostic {
    Diagnostic::error(
        codes::E203,
        format!("`cache` belongs to the {} context here, not the {}", ctx.name(), target.name()),
    )
    .with_label(range, "cache of another context")
    .with_help(format!("each record has one cache, in its own context: write `{}.cache[...]`", ctx.name()))
}

pub(crate) fn unused_segment(seg: &Ident, parent: &str) -> Diagnostic {
    Diagnostic::error(codes::E204, format!("`{parent}` has no field `{}`", seg.name))
        .with_label(seg.range, "this path segment is not used")
        .with_help(format!("for a key write `{parent}[\"{}\"]`", seg.name))
}

pub(crate) fn unused_keys(seg: &Ident, keys: TextRange, why: &str) -> Diagnostic {
    Diagnostic::error(codes::E205, format!("the keys indexing `{}` are not used", seg.name))
        .with_label(keys, why.to_string())
        .with_help("remove the keys")
}

pub(crate) fn unknown_enum(ctx: ContextId, symbol: &str, range: TextRange) -> Diagnostic {
    let d =
        Diagnostic::error(codes::E206, format!("`{symbol}` is not an enum of the {} context", ctx.name()))
            .with_label(range, "unknown enum symbol");
    let names = ctx.enums().iter().map(|(s, _)| *s);
    match suggest::closest(symbol, names) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(format!("use `{s}`"), range, s),
        None if ctx.enums().is_empty() => d.with_help(format!("the {} context has no enums", ctx.name())),
        None => d.with_help(format!("see {}", ctx.doc_url())),
    }
}

pub(crate) fn context_not_inferred(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E207, "cannot infer the context of this statement group")
        .with_label(range, "no path here names a context that supports every function and enum used")
        .with_help("prefix paths with their context (`log.attributes`) or set `context:` on the group")
}

pub(crate) fn unknown_context(name: &str, range: TextRange) -> Diagnostic {
    let names = ContextId::ALL.map(ContextId::name);
    let d = Diagnostic::error(codes::E208, format!("`{name}` is not an OTTL context"))
        .with_label(range, "unknown context");
    match suggest::closest(name, names) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("contexts are: {}", names.join(", "))),
    }
}

pub(crate) fn unknown_function(name: &ottl_syntax::ast::Ident, available: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(codes::E400, format!("undefined function `{}`", name.name))
        .with_label(name.range, "no function has this name");
    match suggest::closest(&name.name, available.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(format!("use `{s}`"), name.range, s),
        None => {
            d.with_help("function names are case-sensitive; see `ottl-types/src/functions.rs` for the list")
        }
    }
}

pub(crate) fn function_unavailable(name: &ottl_syntax::ast::Ident, where_: &str) -> Diagnostic {
    Diagnostic::error(codes::E409, format!("`{}` is not available {where_}", name.name))
        .with_label(name.range, "this function exists, but not here")
}

pub(crate) fn argument_count(
    call: &ottl_syntax::ast::Call,
    sig: &str,
    required: usize,
    total: usize,
) -> Diagnostic {
    let expected = if required == total { format!("{total}") } else { format!("{required} to {total}") };
    Diagnostic::error(
        codes::E401,
        format!(
            "incorrect number of arguments: `{}` takes {expected}, got {}",
            call.name.name,
            call.args.len()
        ),
    )
    .with_label(call.range, format!("{} argument(s)", call.args.len()))
    .with_help(format!("the signature is `{sig}`"))
}

pub(crate) fn missing_argument(call: &ottl_syntax::ast::Call, param: &str, sig: &str) -> Diagnostic {
    Diagnostic::error(codes::E401, format!("`{}` is missing its `{param}` argument", call.name.name))
        .with_label(call.range, "required argument not given")
        .with_help(format!("the signature is `{sig}`"))
}

pub(crate) fn unknown_argument_name(name: &ottl_syntax::ast::Ident, params: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(codes::E402, format!("no such parameter: `{}`", name.name))
        .with_label(name.range, "unknown argument name");
    let snake: Vec<String> = params.iter().map(|p| snake_case(p)).collect();
    match suggest::closest(&name.name, snake.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("the parameters are: {}", snake.join(", "))),
    }
}

pub(crate) fn positional_after_named(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E403, "unnamed argument used after named argument")
        .with_label(range, "positional argument")
        .with_help("put positional arguments first, or name this one too")
}

pub(crate) fn literal_required(
    range: TextRange,
    param: &str,
    wants: &str,
    is_literal: bool,
    fix: Option<String>,
) -> Diagnostic {
    let why = if is_literal {
        "a literal of another kind"
    } else {
        "a value computed at run time; this parameter takes only a literal"
    };
    let d = Diagnostic::error(codes::E404, format!("`{param}` must be {wants}")).with_label(range, why);
    match fix {
        Some(f) => d.with_help(format!("write `{f}`")).with_fix(format!("write `{f}`"), range, f),
        None => d.with_help("write the literal in the statement"),
    }
}

pub(crate) fn path_required(range: TextRange, param: &str) -> Diagnostic {
    Diagnostic::error(codes::E405, format!("`{param}` must be a path"))
        .with_label(range, "the function writes to this argument")
        .with_help("pass the path to change, e.g. `attributes[\"key\"]`")
}

pub(crate) fn unknown_function_argument(name: &str, range: TextRange, converters: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(codes::E406, format!("`{name}` is not a converter"))
        .with_label(range, "a function name is expected here");
    match suggest::closest(name, converters.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("pass a converter's name, e.g. `SHA256`"),
    }
}

pub(crate) fn invalid_regex(range: TextRange, error: &str) -> Diagnostic {
    Diagnostic::error(codes::E407, "invalid regular expression")
        .with_label(range, error.to_string())
        .with_help("OTTL uses Go's RE2 syntax; inside an OTTL string write `\\\\` for one backslash")
}

pub(crate) fn invalid_xpath(range: TextRange, error: &str) -> Diagnostic {
    Diagnostic::error(codes::E410, "invalid XPath").with_label(range, error.to_string()).with_help(
        "XPath 1.0: paths (`/a//b`, `@attr`, `text()`), predicates (`[@env='prod']`) and the core functions",
    )
}

pub(crate) fn invalid_option(range: TextRange, param: &str, value: &str, options: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(codes::E408, format!("invalid {param} `{value}`"))
        .with_label(range, "unknown option");
    match suggest::closest(value, options.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`? options: {}", options.join(", "))),
        None => d.with_help(format!("options: {}", options.join(", "))),
    }
}

pub(crate) fn invalid_literal_value(range: TextRange, message: String) -> Diagnostic {
    Diagnostic::error(codes::E410, message).with_label(range, "rejected when the statement is loaded")
}

pub(crate) use crate::check::snake as snake_case;

pub(crate) fn invalid_error_mode(value: &str, range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E209, format!("invalid error_mode `{value}`"))
        .with_label(range, "unknown error mode")
        .with_help("use `ignore`, `silent` or `propagate` (the default)")
}

/// An argument whose kind can never satisfy its parameter. A value computed from the record is
/// an error (E300); a literal is a warning (W502), because upstream loads the statement and its
/// own tests write such literals (`ParseJSON(1)`) to make a statement fail on purpose.
pub(crate) fn argument_kind(
    range: TextRange,
    func: &str,
    param: &str,
    wants: &str,
    got: crate::Kind,
    literal: bool,
) -> Diagnostic {
    let message = format!("`{func}` needs {wants} for `{param}`, but this is always {}", got.a());
    if literal {
        return literal_always_fails(range, message);
    }
    Diagnostic::error(codes::E300, message).with_label(range, got.a()).with_help(
        "upstream accepts the statement and fails on every record at run time; convert the value first",
    )
}

/// A literal argument the function refuses on every record (W502), with the run-time message.
/// Upstream loads such a statement and fails it on every record; the Collector runs it, so this
/// is not a reason to refuse the configuration.
pub(crate) fn literal_always_fails(range: TextRange, message: String) -> Diagnostic {
    Diagnostic::warning(codes::W502, message)
        .with_label(range, "refused on every record")
        .with_help("upstream loads the statement and fails it on every record at run time")
}

pub(crate) fn arithmetic_kind(range: TextRange, got: crate::Kind) -> Diagnostic {
    Diagnostic::error(codes::E301, format!("{} cannot take part in arithmetic", got.a()))
        .with_label(range, format!("always {}", got.a()))
        .with_help("`+ - * /` work on ints, floats, times and durations; this fails on every record")
}

pub(crate) fn arithmetic_combination(
    range: TextRange,
    op: &str,
    lhs: crate::Kind,
    rhs: crate::Kind,
) -> Diagnostic {
    Diagnostic::error(codes::E301, format!("`{lhs} {op} {rhs}` is not defined"))
        .with_label(range, "this fails on every record")
        .with_help("time - time is a duration; time ± duration is a time; duration ± duration is a duration")
}

pub(crate) fn read_only_path(range: TextRange, path: &str) -> Diagnostic {
    Diagnostic::error(codes::E302, format!("`{path}` cannot be set"))
        .with_label(range, "read-only path")
        .with_help("upstream fails this statement on every record")
}

pub(crate) fn comparison_always_false(
    range: TextRange,
    op: &str,
    lhs: crate::Kind,
    rhs: crate::Kind,
) -> Diagnostic {
    let always = if op == "!=" { "true" } else { "false" };
    let d = Diagnostic::warning(
        codes::W500,
        format!("comparing {} with {} is always {always}", lhs.a(), rhs.a()),
    )
    .with_label(range, "OTTL compares without converting kinds");
    if lhs == crate::Kind::Int && rhs == crate::Kind::String
        || lhs == crate::Kind::String && rhs == crate::Kind::Int
    {
        d.with_help("enums are ints: compare with the enum symbol (`METRIC_DATA_TYPE_SUM`), or convert with `Int(...)`/`String(...)`")
    } else {
        d.with_help("convert one side, e.g. with `String(...)`, `Int(...)` or `Double(...)`")
    }
}

pub(crate) fn set_is_a_no_op(range: TextRange, why: String) -> Diagnostic {
    Diagnostic::warning(codes::W501, "this `set` does nothing").with_label(range, why).with_help(
        "upstream's setters ignore values of the wrong kind without an error; convert the value to the path's kind",
    )
}
