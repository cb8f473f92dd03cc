//! Diagnostics as data, and one constructor per syntax diagnostic (so every message is here).
//!
//! Messages are lowercase without a trailing period; code and identifiers go in backticks. The
//! primary label says *what* is wrong, a secondary label *why*, and `help` says how to fix it.

use crate::codes::{self, Code};
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A range with a message. The first label of a diagnostic is its primary one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

/// A machine-applicable fix.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    #[must_use]
    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label { range, message: message.into() });
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_fix(
        mut self,
        message: impl Into<String>,
        range: TextRange,
        replacement: impl Into<String>,
    ) -> Self {
        let edit = Edit { range, replacement: replacement.into() };
        self.fix = Some(Fix { message: message.into(), edits: vec![edit] });
        self
    }

    /// The range of the primary label (empty at 0 when there is none).
    pub fn range(&self) -> TextRange {
        self.labels.first().map_or(TextRange::empty(0), |l| l.range)
    }

    /// Shifts every range by `offset` (for text parsed out of a larger file).
    #[must_use]
    pub fn shifted(self, offset: u32) -> Self {
        self.map_ranges(|r| r.shifted(offset))
    }

    /// Maps every range (labels and fix edits) through `map`.
    #[must_use]
    pub fn map_ranges(mut self, map: impl Fn(TextRange) -> TextRange) -> Self {
        for label in &mut self.labels {
            label.range = map(label.range);
        }
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                edit.range = map(edit.range);
            }
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn snippet(text: &str, range: TextRange) -> &str {
    text.get(range.as_usize()).unwrap_or("")
}

pub(crate) fn invalid_character(text: &str, ch: char, range: TextRange) -> Diagnostic {
    let _ = text;
    let (msg, help): (String, Option<&str>) = match ch {
        '!' => (
            "`!` is not an operator in OTTL".into(),
            Some("negate a condition with `not`, or compare with `!=`"),
        ),
        '&' => ("`&` is not an operator in OTTL".into(), Some("combine conditions with `and`")),
        '|' => ("`|` is not an operator in OTTL".into(), Some("combine conditions with `or`")),
        '%' => ("OTTL has no `%` operator".into(), None),
        '#' => (
            "`#` is not allowed inside a statement".into(),
            Some("comments are only allowed in `.ottl` files, after the statement"),
        ),
        '`' => ("backquotes are not strings in OTTL".into(), Some("use double quotes: \"...\"")),
        ';' => ("`;` does not separate statements".into(), Some("write one statement per line")),
        '_' => (
            "an identifier cannot start with `_`".into(),
            Some("path segments and function names start with a letter"),
        ),
        c if c.is_whitespace() => (
            format!("`{}` is not whitespace OTTL accepts", c.escape_unicode()),
            Some("use spaces, tabs or newlines"),
        ),
        c => (format!("unexpected character `{c}`"), None),
    };
    let d = Diagnostic::error(codes::E100, msg).with_label(range, "no OTTL token starts with this character");
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

pub(crate) fn unterminated_string(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E101, "unterminated string")
        .with_label(TextRange::new(range.start, range.start + 1), "this string is never closed")
        .with_help("add the closing `\"`; a `\"` inside a string is written `\\\"`")
}

pub(crate) fn single_quoted_string(text: &str, range: TextRange) -> Diagnostic {
    let inner = snippet(text, range).trim_matches('\'');
    let fixed = format!("\"{}\"", inner.replace('"', "\\\""));
    Diagnostic::error(codes::E114, "strings are written in double quotes")
        .with_label(range, "single quotes do not make a string in OTTL")
        .with_help(format!("write {fixed}"))
        .with_fix("use double quotes", range, fixed)
}

pub(crate) fn invalid_escape(text: &str, range: TextRange, reason: &str) -> Diagnostic {
    let esc = snippet(text, range);
    let d = Diagnostic::error(codes::E102, format!("invalid escape sequence `{esc}`"))
        .with_label(range, reason.to_string());
    if esc.len() == 2 && esc.starts_with('\\') {
        let doubled = format!("\\{esc}");
        d.with_help(format!(
            "OTTL strings use Go's escapes (\\n \\t \\\\ \\\" \\xHH \\uHHHH); for a regex write `{doubled}`"
        ))
        .with_fix("double the backslash", range, doubled)
    } else {
        d.with_help("OTTL strings use Go's escapes: \\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\ooo \\xHH \\uHHHH \\UHHHHHHHH")
    }
}

pub(crate) fn odd_hex_digits(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E103, "a bytes literal needs an even number of hex digits")
        .with_label(range, "odd number of hex digits")
        .with_help(
            "each byte is two hex digits; add a leading `0` to the first byte (`0x0abc` instead of `0xabc`)",
        )
}

pub(crate) fn number_out_of_range(range: TextRange, what: &str) -> Diagnostic {
    Diagnostic::error(codes::E104, format!("{what} literal out of range"))
        .with_label(range, "does not fit in 64 bits")
        .with_help("integers are signed 64-bit (±9223372036854775807); floats must be finite")
}

pub(crate) fn octal_literal(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E121, "integer with a leading zero must be valid octal")
        .with_label(range, "a leading `0` makes this an octal number, and it has an 8 or 9")
        .with_help("remove the leading zeros (OTTL reads `010` as octal 8)")
}

pub(crate) fn unexpected_token(range: TextRange, found: &str, expected: &str) -> Diagnostic {
    Diagnostic::error(codes::E105, format!("expected {expected}, found {found}"))
        .with_label(range, format!("unexpected {}", found.trim_start_matches("an ").trim_start_matches("a ")))
}

pub(crate) fn unexpected_end(range: TextRange, expected: &str) -> Diagnostic {
    Diagnostic::error(codes::E106, format!("expected {expected}, found the end of the input"))
        .with_label(range, "the input ends here")
}

pub(crate) fn signed_number_after_value(text: &str, range: TextRange) -> Diagnostic {
    let num = snippet(text, range);
    let (sign, digits) = num.split_at(1);
    let fixed = format!("{sign} {digits}");
    Diagnostic::error(
        codes::E107,
        format!("`{num}` reads as the number `{num}`, not as `{sign}` and `{digits}`"),
    )
    .with_label(range, "a sign directly before a digit belongs to the number")
    .with_help(format!("put spaces around the operator: `{fixed}`"))
    .with_fix("separate the operator", range, fixed)
}

pub(crate) fn invalid_key(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E105, "expected a key, found a bracket that cannot start one")
        .with_label(range, "this cannot be read as a key")
        .with_help(
            "a key is `[\"string\"]`, `[integer]`, or an expression such as `[Len(x) - 1]`; \
             one that starts with a literal must be only that literal, so write `[(1 + 2)]`",
        )
}

pub(crate) fn assignment_as_comparison(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E108, "`=` is not a comparison")
        .with_label(range, "`=` only names an argument (`name = value`)")
        .with_help("compare with `==`")
        .with_fix("use `==`", range, "==")
}

pub(crate) fn value_as_condition(range: TextRange, what: &str) -> Diagnostic {
    Diagnostic::error(codes::E109, format!("{what} is not a condition"))
        .with_label(
            range,
            "a condition must be a comparison, `true`/`false`, or a converter returning a bool",
        )
        .with_help("compare it, e.g. `... == true` or `... != nil`")
}

pub(crate) fn uppercase_in_path(range: TextRange, segment: &str) -> Diagnostic {
    let lower = segment.to_ascii_lowercase();
    Diagnostic::error(codes::E110, format!("path segment `{segment}` contains an uppercase letter"))
        .with_label(range, "path segments are lowercase letters, digits and `_`")
        .with_help(format!(
            "for a key with uppercase letters use brackets: `[\"{segment}\"]`; the field may be `{lower}`"
        ))
}

pub(crate) fn converter_as_statement(range: TextRange, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::E111,
        format!("editor names must start with a lowercase letter but got `{name}`"),
    )
    .with_label(range, "a statement must call an editor (lowercase), this is a converter")
    .with_help("a statement changes data with an editor such as `set(...)`; converters only compute values")
}

pub(crate) fn editor_as_value(range: TextRange, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::E112,
        format!("converter names must start with an uppercase letter but got `{name}`"),
    )
    .with_label(range, "an editor cannot be used as a value")
    .with_help("only converters (`Concat`, `IsMatch`, ...) compute values; editors run as whole statements")
}

pub(crate) fn indexed_editor(range: TextRange, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::E113,
        format!("only paths and converters may be indexed, not editors, but got `{name}`"),
    )
    .with_label(range, "this key indexes an editor call")
    .with_help("remove the key; editors do not return values to index")
}

pub(crate) fn unbalanced(range: TextRange, open: char, close: char, opened: bool) -> Diagnostic {
    if opened {
        Diagnostic::error(codes::E115, format!("unclosed `{open}`"))
            .with_label(range, format!("this `{open}` is never closed"))
            .with_help(format!("add the matching `{close}`"))
    } else {
        Diagnostic::error(codes::E115, format!("unmatched `{close}`"))
            .with_label(range, format!("there is no `{open}` for this `{close}`"))
            .with_help(format!("remove it, or add the `{open}` it closes"))
    }
}

pub(crate) fn invalid_math_operand(range: TextRange, what: &str) -> Diagnostic {
    let d = Diagnostic::error(codes::E116, format!("{what} cannot be used in arithmetic"))
        .with_label(range, "`+ - * /` take numbers, times and durations: literals, paths and converters");
    if what.starts_with("a string") {
        d.with_help("join strings with `Concat([a, b], \"\")`")
    } else {
        d.with_help("compute the operand with a converter, or move it out of the arithmetic")
    }
}

pub(crate) fn invalid_operator(range: TextRange, op: &str, instead: &str) -> Diagnostic {
    Diagnostic::error(codes::E117, format!("`{op}` is not an OTTL operator"))
        .with_label(range, "unknown operator")
        .with_help(format!("write `{instead}`"))
        .with_fix(format!("use `{instead}`"), range, instead)
}

pub(crate) fn chained_comparison(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E118, "comparisons cannot be chained")
        .with_label(range, "a second comparison operator")
        .with_help("join the comparisons with `and`: `a < b and b < c`")
}

pub(crate) fn condition_as_value(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E119, "a condition cannot be used as a value")
        .with_label(range, "comparisons and `and`/`or`/`not` only appear in `where` clauses and conditions")
        .with_help("OTTL has no boolean expressions as values; test the condition in `where` instead")
}

pub(crate) fn trailing_comma(range: TextRange, in_what: &str) -> Diagnostic {
    Diagnostic::error(codes::E120, format!("trailing comma in {in_what}"))
        .with_label(range, "nothing follows this comma")
        .with_help("remove the comma")
        .with_fix("remove the comma", range, "")
}

pub(crate) fn nil_path(range: TextRange) -> Diagnostic {
    Diagnostic::error(codes::E122, "`nil` here is the nil value, not a path")
        .with_label(range, "a value that starts with `nil` is the literal `nil`")
        .with_help("a field named `nil` cannot be written in OTTL")
}

pub(crate) fn empty_input(range: TextRange, what: &str) -> Diagnostic {
    Diagnostic::error(codes::E123, format!("expected {what}, found nothing"))
        .with_label(range, format!("expected {what}"))
}

/// Renders a diagnostic as plain text, rustc-style, for snapshots and logs:
///
/// ```text
/// error[E108]: `=` is not a comparison
///  --> 1:13
///   |
/// 1 | a where b = c
///   |           ^ `=` only names an argument (`name = value`)
///   = help: compare with `==`
/// ```
pub fn render_plain(text: &str, diag: &Diagnostic) -> String {
    use std::fmt::Write;
    let index = crate::text::LineIndex::new(text);
    let severity = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{severity}[{}]: {}\n", diag.code, diag.message);
    for (i, label) in diag.labels.iter().enumerate() {
        let start = index.line_col(text, label.range.start);
        let line_text = text.lines().nth(start.line as usize - 1).unwrap_or("");
        let gutter = start.line.to_string().len();
        let pad = " ".repeat(gutter);
        if i == 0 {
            writeln!(out, "{pad}--> {}:{}", start.line, start.column).ok();
        }
        writeln!(out, "{pad} |").ok();
        writeln!(out, "{} | {line_text}", start.line).ok();
        let end = index.line_col(text, label.range.end);
        let width = if end.line == start.line { (end.column - start.column).max(1) } else { 1 };
        let marker = if i == 0 { "^" } else { "-" };
        writeln!(
            out,
            "{pad} | {}{} {}",
            " ".repeat(start.column as usize - 1),
            marker.repeat(width as usize),
            label.message
        )
        .ok();
    }
    if let Some(help) = &diag.help {
        writeln!(
            out,
            "{} = help: {help}",
            " ".repeat(
                diag.labels
                    .first()
                    .map_or(1, |l| { index.line_col(text, l.range.start).line.to_string().len() })
            )
        )
        .ok();
    }
    out
}
