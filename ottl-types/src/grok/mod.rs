//! Grok patterns as `ExtractGrokPatterns` reads them (elastic/go-grok's rules): `%{SYNTAX}`,
//! `%{SYNTAX:ID}` and `%{SYNTAX:ID:TYPE}` references expand, round after round, into the regular
//! expressions their definitions name, until none is left.
//!
//! A reference becomes a capture group named after its ID (or its SYNTAX when it has none);
//! with `namedCapturesOnly`, references without an ID become non-capturing groups instead.
//! Dots in IDs (`%{INT:http.status}`) are legal here though no regex engine allows them in a
//! group name, so each generated group gets an internal name and [`Grok::field`] maps it back.
//!
//! A name is looked up in the definitions the statement supplies (`patternDefinitions`), then
//! in go-grok's own pattern set (`IP`, `WORD`, `URI`, ...) when the build embedded go-grok's
//! source ([`library`]); a reference to a name neither has is an error that says so.

mod library;

use std::collections::HashMap;
use std::fmt::{self, Write as _};

pub use library::{GoGrokSource, Library, library};

/// How many rounds of expansion go-grok allows before it stops (a guard against cycles).
const MAX_ROUNDS: usize = 1000;
/// go-grok writes dots in capture names as this, and turns it back into dots in field names.
const DOT_SEP: &str = "___";
/// The prefix of the capture groups expansion generates.
const GROUP_PREFIX: &str = "__ottl_grok_";

/// A grok pattern, expanded into a regular expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Grok {
    /// The expanded regular expression.
    pub regex: String,
    /// The ID of each generated group, by its number in [`GROUP_PREFIX`]`N`.
    generated: Vec<String>,
    /// Type hints by ID (dots written as `___`); the last hint given for an ID wins.
    hints: HashMap<String, String>,
}

/// What a captured text is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    String,
    Float,
    Int,
    Bool,
    /// A type hint go-grok does not know: converting a capture fails.
    Invalid,
}

/// Why a grok pattern or a definition was refused, worded as upstream words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrokError {
    /// A definition without `=`.
    BadDefinition { index: usize, definition: String },
    /// A definition whose name contains `:`.
    ColonInName(String),
    /// A reference to a name no definition gives.
    Unknown(String),
}

impl fmt::Display for GrokError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrokError::BadDefinition { index, definition } => {
                // Upstream keeps messages short: long definitions are cut to 17 bytes and "...".
                let shown = match definition.get(..17) {
                    Some(head) if definition.len() > 20 => format!("{head}..."),
                    _ => definition.clone(),
                };
                write!(
                    f,
                    "pattern {shown:?} supplied to ExtractGrokPatterns at index {index} has incorrect format, \
                     expecting PATTERNNAME=pattern definition"
                )
            }
            GrokError::ColonInName(name) => write!(f, "pattern ID {name:?} should not contain ':'"),
            GrokError::Unknown(name) => {
                write!(f, "pattern definition {name:?} unknown: parsing failed")?;
                match library() {
                    Ok(Some(_)) => Ok(()),
                    Ok(None) => write!(
                        f,
                        " (this build bundles no default grok patterns: build with OTTL_GROK_SOURCE \
                         naming go-grok's source, or define {name} in patternDefinitions as \
                         \"{name}=<regex>\")"
                    ),
                    Err(why) => {
                        write!(f, " (go-grok's patterns embedded at build time cannot be read: {why})")
                    }
                }
            }
        }
    }
}

impl std::error::Error for GrokError {}

/// The pattern definitions a statement supplies, by name.
#[derive(Debug, Clone, Default)]
pub struct Definitions(HashMap<String, String>);

/// Parses `patternDefinitions` (`NAME=regex` each; later ones replace earlier ones).
pub fn definitions<S: AsRef<str>>(defs: &[S]) -> Result<Definitions, GrokError> {
    let mut out = HashMap::with_capacity(defs.len());
    for (index, def) in defs.iter().enumerate() {
        let def = def.as_ref();
        let Some((name, pattern)) = def.split_once('=') else {
            return Err(GrokError::BadDefinition { index, definition: def.to_string() });
        };
        if name.contains(':') {
            return Err(GrokError::ColonInName(name.to_string()));
        }
        out.insert(name.to_string(), pattern.to_string());
    }
    Ok(Definitions(out))
}

/// Expands `pattern` with the given definitions.
pub fn expand(pattern: &str, named_captures_only: bool, defs: &Definitions) -> Result<Grok, GrokError> {
    let mut grok = Grok { regex: pattern.to_string(), generated: Vec::new(), hints: HashMap::new() };
    for _ in 0..MAX_ROUNDS {
        let mut rest = grok.regex.as_str();
        let Some(first) = find_reference(rest) else { break };
        let mut out = String::with_capacity(rest.len());
        let mut next = Some(first);
        while let Some(r) = next {
            let known = defs
                .0
                .get(r.syntax)
                .map(String::as_str)
                .or_else(|| library().ok().flatten().and_then(|l| l.get(r.syntax)))
                .ok_or_else(|| GrokError::Unknown(r.syntax.to_string()))?;
            let target = r.id.map_or_else(|| r.syntax.to_string(), |id| id.replace('.', DOT_SEP));
            if let Some(hint) = r.hint {
                grok.hints.insert(target.clone(), hint.to_string());
            }
            out.push_str(&rest[..r.start]);
            if named_captures_only && r.id.is_none() {
                out.push_str("(?:");
            } else {
                let _ = write!(out, "(?P<{GROUP_PREFIX}{}>", grok.generated.len());
                grok.generated.push(target);
            }
            out.push_str(known);
            out.push(')');
            rest = &rest[r.end..];
            next = find_reference(rest);
        }
        out.push_str(rest);
        grok.regex = out;
    }
    Ok(grok)
}

impl Grok {
    /// The field a named capture group fills, and its conversion: generated groups map back to
    /// their IDs; groups the pattern names itself (`(?P<a>...)`) keep their names.
    pub fn field(&self, group: &str) -> (String, Conversion) {
        let id = group
            .strip_prefix(GROUP_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.generated.get(n))
            .map_or(group, String::as_str);
        let conversion = match self.hints.get(id).map(String::as_str) {
            None | Some("" | "string") => Conversion::String,
            Some("double" | "float") => Conversion::Float,
            Some("int" | "long") => Conversion::Int,
            Some("bool" | "boolean") => Conversion::Bool,
            Some(_) => Conversion::Invalid,
        };
        (id.replace(DOT_SEP, "."), conversion)
    }
}

/// One `%{SYNTAX[:ID[:TYPE]]}` reference, by byte range.
struct Reference<'a> {
    start: usize,
    end: usize,
    syntax: &'a str,
    id: Option<&'a str>,
    hint: Option<&'a str>,
}

/// The first reference in `s`: go-grok's `%{(\w+(?::[\w+.]+(?::\w+)?)?)}` with ASCII `\w`.
fn find_reference(s: &str) -> Option<Reference<'_>> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(at) = s[from..].find("%{").map(|i| i + from) {
        from = at + 2;
        let run = |start: usize, ok: &dyn Fn(u8) -> bool| {
            start + bytes[start..].iter().take_while(|&&c| ok(c)).count()
        };
        let syntax_end = run(at + 2, &word);
        if syntax_end == at + 2 {
            continue;
        }
        let (mut id, mut hint, mut end) = (None, None, syntax_end);
        if bytes.get(end) == Some(&b':') {
            let id_end = run(end + 1, &|c| word(c) || c == b'+' || c == b'.');
            if id_end > end + 1 {
                id = Some(&s[end + 1..id_end]);
                end = id_end;
                if bytes.get(end) == Some(&b':') {
                    let hint_end = run(end + 1, &word);
                    if hint_end > end + 1 {
                        hint = Some(&s[end + 1..hint_end]);
                        end = hint_end;
                    }
                }
            }
        }
        if bytes.get(end) == Some(&b'}') {
            return Some(Reference { start: at, end: end + 1, syntax: &s[at + 2..syntax_end], id, hint });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(list: &[&str]) -> Definitions {
        definitions(list).expect("valid definitions")
    }

    #[test]
    fn nested_references_expand_round_by_round() {
        let d = defs(&[r"NUM=\d+", "PAIR=%{NUM:a}-%{NUM:b:int}"]);
        let g = expand("%{PAIR}", true, &d).expect("expands");
        assert_eq!(g.regex, r"(?:(?P<__ottl_grok_0>\d+)-(?P<__ottl_grok_1>\d+))");
        assert_eq!(g.field("__ottl_grok_1"), ("b".to_string(), Conversion::Int));
        assert_eq!(g.field("user"), ("user".to_string(), Conversion::String));
    }

    #[test]
    fn ids_with_dots_and_unknown_hints() {
        let g = expand("%{W:http.method:INT}", false, &defs(&["W=[A-Z]+"])).expect("expands");
        assert_eq!(g.field("__ottl_grok_0"), ("http.method".to_string(), Conversion::Invalid));
    }

    #[test]
    fn malformed_references_stay_literal() {
        let g = expand("%{} %{:x} %{W:}", false, &defs(&["W=w"])).expect("expands");
        assert_eq!(g.regex, "%{} %{:x} %{W:}");
    }

    #[test]
    fn errors_read_as_upstream() {
        let long = "THIS_IS_A_VERY_LONG_DEFINITION";
        assert_eq!(
            definitions(&[long]).unwrap_err().to_string(),
            "pattern \"THIS_IS_A_VERY_LO...\" supplied to ExtractGrokPatterns at index 0 has incorrect \
             format, expecting PATTERNNAME=pattern definition"
        );
        assert_eq!(definitions(&["PAT:TERN=x"]).unwrap_err(), GrokError::ColonInName("PAT:TERN".into()));
        assert_eq!(
            expand("%{NO_SUCH_PATTERN}", false, &Definitions::default()).unwrap_err(),
            GrokError::Unknown("NO_SUCH_PATTERN".into())
        );
    }

    #[test]
    fn a_cycle_stops_after_the_round_limit() {
        let g = expand("%{A}", true, &defs(&["A=%{A}"])).expect("expands");
        assert!(g.regex.starts_with("(?:(?:"), "{}", g.regex);
        assert!(g.regex.contains("%{A}"));
    }
}
