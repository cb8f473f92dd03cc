//! The registry of diagnostic codes.
//!
//! A code names one kind of problem for good: never reuse a code, never change what it means.
//! Retired codes stay in the table with `retired: true`. Ranges: `E1xx` syntax, `E2xx` paths and
//! contexts, `E3xx` types, `E4xx` functions and arguments, `W5xx` warnings. Every code has a
//! fixture `testdata/diagnostics/<code>_<slug>.ottl` (a test fails when one is missing).

use std::fmt;

/// A stable diagnostic code such as `E107`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

impl Code {
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The registry entry of this code.
    pub fn info(self) -> &'static CodeInfo {
        REGISTRY.iter().find(|info| info.code == self).expect("every Code constant is in REGISTRY")
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// What the registry knows about a code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    /// A short slug, used in fixture file names.
    pub slug: &'static str,
    /// One line saying what the code means.
    pub summary: &'static str,
    pub retired: bool,
}

macro_rules! codes {
    ($($(#[$retired:ident])? $name:ident $slug:literal $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: Code = Code(stringify!($name));
        )*
        /// Every code ever assigned, in order.
        pub static REGISTRY: &[CodeInfo] = &[
            $(CodeInfo { code: $name, slug: $slug, summary: $summary, retired: codes!(@retired $($retired)?) },)*
        ];
    };
    (@retired retired) => { true };
    (@retired) => { false };
}

codes! {
    E100 "invalid_character" "a character that no OTTL token accepts";
    E101 "unterminated_string" "a string literal without its closing quote";
    E102 "invalid_escape" "an escape sequence Go's string rules do not accept";
    E103 "odd_hex_digits" "a bytes literal with an odd number of hex digits";
    E104 "number_out_of_range" "an integer or float literal that does not fit 64 bits";
    E105 "unexpected_token" "a token the grammar does not allow at this place";
    E106 "unexpected_end" "the input ends where the grammar expects more";
    E107 "signed_number_after_value" "a signed number directly after a value (`1-1`)";
    E108 "assignment_as_comparison" "`=` used where a comparison needs `==`";
    E109 "value_as_condition" "a value where a condition is required (a bare path, a literal, math)";
    E110 "uppercase_in_path" "an uppercase letter in a path segment";
    E111 "converter_as_statement" "a statement that starts with a converter instead of an editor";
    E112 "editor_as_value" "a lowercase (editor) call used as a value";
    E113 "indexed_editor" "an editor call followed by `[key]`";
    E114 "single_quoted_string" "a string in single quotes";
    E115 "unbalanced_delimiter" "an opening bracket without its closing one, or the reverse";
    E116 "invalid_math_operand" "a value that cannot take part in `+ - * /`";
    E117 "invalid_operator" "an operator OTTL does not have (`<>`, `=<`, `&&`, `!`)";
    E118 "chained_comparison" "two comparisons in a row without `and`/`or`";
    E119 "condition_as_value" "a condition where a value is required";
    E120 "trailing_comma" "a trailing comma in a list or argument list";
    E121 "octal_literal" "an integer with a leading zero that is not valid octal";
    E122 "nil_path" "a path that starts with `nil`";
    E123 "empty_input" "nothing to parse";
    E124 "yaml_syntax" "a YAML file that does not parse";
    E200 "unknown_path" "a path segment the context does not have";
    E201 "missing_context_name" "a path without the context prefix that this group requires";
    E202 "invalid_context_prefix" "a path prefix that is not a context this context can reach";
    E203 "foreign_cache" "`cache` of another context";
    E204 "unused_path_segment" "a path segment after a field that has no sub-fields";
    E205 "unused_keys" "keys on a path segment that takes no keys";
    E206 "unknown_enum" "an enum symbol the context does not define";
    E207 "context_not_inferred" "a statement group whose context cannot be inferred from its paths";
    E208 "unknown_context" "a context name that does not exist";
    E209 "invalid_error_mode" "an `error_mode` other than ignore, silent or propagate";
    E300 "argument_kind" "an argument whose kind can never satisfy its parameter";
    E301 "arithmetic_kind" "an arithmetic operand whose kind can never take part";
    E302 "read_only_path" "a `set` of a path that cannot be written";
    // Retired: upstream loads such statements (its own tests use `Substring("", 0, 100)` to fail
    // on purpose), so refusing them refused configurations the Collector runs. Now W502.
    #[retired]
    E303 "argument_always_fails" "a literal argument the function refuses on every record at run time";
    E400 "unknown_function" "a function that does not exist";
    E401 "argument_count" "too many or too few arguments";
    E402 "unknown_argument_name" "a named argument the function does not have";
    E403 "positional_after_named" "a positional argument after a named one";
    E404 "literal_required" "a value where the parameter takes only a literal of one kind";
    E405 "path_required" "a value where the parameter must be a path";
    E406 "unknown_function_argument" "a function-name argument that names no converter";
    E407 "invalid_regex" "a regular expression that does not compile";
    E408 "invalid_option" "a mode or option string the function does not know";
    E409 "function_unavailable" "a function that exists but not in this context or component";
    E410 "invalid_literal_value" "a literal argument outside what the function accepts";
    W500 "comparison_always_false" "a comparison of kinds that are never equal";
    W501 "set_is_a_no_op" "a `set` that upstream silently ignores";
    W502 "literal_always_fails" "a literal argument the function refuses on every record at run time";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for info in REGISTRY {
            assert!(seen.insert(info.code), "{} is registered twice", info.code);
            let s = info.code.as_str();
            assert!(s.len() == 4 && (s.starts_with('E') || s.starts_with('W')), "{s}");
            assert!(s[1..].chars().all(|c| c.is_ascii_digit()), "{s}");
        }
    }
}
