//! Go's regular expressions (package `regexp`, RE2 syntax) on Rust's `regex` crate.
//!
//! The two engines share RE2's syntax and leftmost-first semantics, but not every meaning.
//! Upstream compiles every OTTL pattern with Go, so a pattern is translated once, here, before
//! Rust compiles it:
//!
//! - `\d`, `\w`, `\s` and their negations are ASCII in Go (`\s` is `[\t\n\f\r ]`, without `\v`);
//!   in Rust they are Unicode-aware. They become explicit ASCII classes (nested classes inside
//!   a bracket).
//! - `\b` and `\B` look at ASCII word characters in Go: `(?-u:\b)`, `(?-u:\B)`.
//! - Go takes `\<` and `\>` as the literal characters; Rust as word-start and word-end.
//! - Go reads `\Q...\E` as literal text and `\0`, `\12`, `\123` as octal character codes;
//!   Rust knows neither.
//! - Inside a bracket, Go's `[` (unless it opens `[:alpha:]`), `&&`, `--` and `~~` are plain
//!   characters; Rust reads nested classes and set operations there.
//!
//! - Go knows the flags `i`, `m`, `s` and `U`; Rust's `x`, `u` and `R` are errors, as in Go.
//!
//! What is left is the same language: a translated pattern Rust rejects was invalid in Go too.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Go's `\d`, `\w`, `\s`, `\D`, `\W`, `\S` as ASCII classes.
fn perl_class(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        's' => "[\\t\\n\\f\\r ]",
        'S' => "[^\\t\\n\\f\\r ]",
        _ => return None,
    })
}

/// The pattern Rust's `regex` must compile to mean what Go's `regexp` means by `pattern`, or
/// why Go refuses it where Rust would not.
pub fn translate(pattern: &str) -> Result<Cow<'_, str>, String> {
    // Only a backslash, a bracket or a flag group can need a change.
    if !pattern.contains(['\\', '[', '?']) {
        return Ok(Cow::Borrowed(pattern));
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.char_indices().peekable();
    // Inside a bracket: the last character written, to tell `--` apart.
    let mut class: Option<char> = None;
    while let Some((at, c)) = chars.next() {
        match (c, class) {
            ('\\', _) => {
                let Some((_, e)) = chars.next() else {
                    out.push('\\'); // a trailing backslash: let Rust report it
                    break;
                };
                if let Some(ascii) = perl_class(e) {
                    out.push_str(ascii);
                } else if matches!(e, '0'..='7') {
                    // Go: `\0` and `\1`..`\7` followed by an octal digit start an octal code
                    // of up to three digits; a lone `\1`..`\7` is a backreference (an error).
                    let rest = &pattern[at + 2..];
                    let more = rest.bytes().take(2).take_while(|b| matches!(b, b'0'..=b'7')).count();
                    if e == '0' || more > 0 {
                        let digits = &pattern[at + 1..at + 2 + more];
                        let code = u32::from_str_radix(digits, 8).unwrap_or(0);
                        let _ = write!(out, "\\x{{{code:x}}}");
                        for _ in 0..more {
                            chars.next();
                        }
                    } else {
                        out.push('\\');
                        out.push(e);
                    }
                } else if class.is_none() && matches!(e, 'b' | 'B') {
                    out.push_str(if e == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
                } else if matches!(e, '<' | '>') {
                    out.push(e);
                } else if class.is_none() && e == 'Q' {
                    let rest = &pattern[at + 2..];
                    let (literal, after) = rest.split_once("\\E").unwrap_or((rest, ""));
                    out.push_str(&regex_syntax::escape(literal));
                    // Skip what the literal and its `\E` took.
                    let skip = rest.len() - after.len();
                    while chars.peek().is_some_and(|&(i, _)| i < at + 2 + skip) {
                        chars.next();
                    }
                } else {
                    out.push('\\');
                    out.push(e);
                }
                if class.is_some() {
                    class = Some('\\');
                }
            }
            ('[', None) => {
                out.push('[');
                if chars.peek().is_some_and(|&(_, n)| n == '^') {
                    chars.next();
                    out.push('^');
                }
                // A `]` first in a bracket is a member in both engines.
                if chars.peek().is_some_and(|&(_, n)| n == ']') {
                    chars.next();
                    out.push_str("\\]");
                }
                class = Some('[');
            }
            ('[', Some(_)) => {
                if chars.peek().is_some_and(|&(_, n)| n == ':') {
                    // `[:alpha:]`: ASCII classes in both engines; copy through `:]`.
                    let rest = &pattern[at..];
                    let len = rest.find(":]").map_or(1, |i| i + 2);
                    out.push_str(&rest[..len]);
                    while chars.peek().is_some_and(|&(i, _)| i < at + len) {
                        chars.next();
                    }
                } else {
                    out.push_str("\\[");
                }
                class = Some('[');
            }
            (']', Some(_)) => {
                out.push(']');
                class = None;
            }
            ('&' | '~', Some(_)) => {
                out.push('\\');
                out.push(c);
                class = Some(c);
            }
            ('-', Some('-')) => {
                out.push_str("\\-");
                class = Some('\\');
            }
            (_, Some(_)) => {
                out.push(c);
                class = Some(c);
            }
            ('(', None) if pattern[at..].starts_with("(?") => {
                check_flags(&pattern[at + 2..])?;
                out.push(c);
            }
            (_, None) => out.push(c),
        }
    }
    Ok(Cow::Owned(out))
}

/// After `(?`: a flag group (`(?i)`, `(?-s:...)`) may hold only the flags Go knows.
fn check_flags(rest: &str) -> Result<(), String> {
    if rest.starts_with(['P', '<']) {
        return Ok(()); // a named group
    }
    let flags: String = rest.chars().take_while(|&c| c != ')' && c != ':').collect();
    match flags.chars().find(|&c| !matches!(c, 'i' | 'm' | 's' | 'U' | '-')) {
        Some(bad) => {
            Err(format!("invalid or unsupported Perl syntax: `(?{flags}`: Go knows no flag `{bad}`"))
        }
        None => Ok(()),
    }
}

/// Compiles a Go pattern.
pub fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&translate(pattern).map_err(regex::Error::Syntax)?)
}

/// Parses a Go pattern for checking (named groups, errors), as [`compile`] will read it; an
/// error is one line.
pub fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::Parser::new().parse(&translate(pattern)?).map_err(|e| {
        // The library's message spans several lines with a caret drawing; keep its last line.
        let text = e.to_string();
        let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("syntax error");
        last.trim().trim_start_matches("error: ").to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(pattern: &str, text: &str) -> bool {
        compile(pattern).expect("compiles").is_match(text)
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert!(!is_match(r"^\w", "é"));
        assert!(is_match(r"^\W", "é"));
        assert!(!is_match(r"\d", "٣"));
        assert!(!is_match(r"\s", "\u{a0}"));
        assert!(!is_match(r"\s", "\u{b}"), "Go's \\s has no vertical tab");
        assert!(is_match(r"^[\w-]+$", "a-b_c"));
        assert!(!is_match(r"^[\w-]+$", "a-é"));
        assert!(is_match(r"^[^\d]+$", "é"));
    }

    #[test]
    fn case_folding_reaches_past_ascii_as_in_go() {
        assert!(is_match(r"(?i)k", "\u{212a}"), "the Kelvin sign folds to k");
        assert!(is_match(r"(?i)\w", "\u{17f}"), "the long s folds to s");
    }

    #[test]
    fn word_boundaries_are_ascii() {
        assert!(is_match(r"\bx\b", "éxé"));
        assert!(!is_match(r"\Bx", "éx"));
    }

    #[test]
    fn escapes_rust_reads_otherwise() {
        assert!(is_match(r"^a\<b\>$", "a<b>"));
        assert!(is_match(r"^\Qa.b*\E$", "a.b*"));
        assert!(!is_match(r"^\Qa.b\E$", "axb"));
        assert!(is_match(r"^\Q(x\Ey$", "(xy"));
        assert!(is_match(r"^\101\0$", "A\0"));
        assert!(compile(r"\1").is_err(), "a backreference is an error in Go too");
    }

    #[test]
    fn brackets_hold_go_literals() {
        assert!(is_match(r"^[a[]+$", "a[a"));
        assert!(is_match(r"^[a&&b]+$", "&a&b"));
        assert!(is_match(r"^[~~]$", "~"));
        assert!(is_match(r"^[+--]+$", "+,-"));
        assert!(is_match(r"^[]a]+$", "]a"));
        assert!(is_match(r"^[[:alpha:]]+$", "ab"));
        assert!(!is_match(r"^[[:alpha:]]+$", "é"));
    }

    #[test]
    fn only_go_flags() {
        assert!(is_match(r"(?i)A(?-i:b)(?sU:.+)", "ab\n"));
        assert!(is_match(r"(?P<a>x)(?<b>y)", "xy"));
        for bad in [r"(?x) a", r"(?u)a", r"a(?R:b)", r"(?i-x)a"] {
            assert!(compile(bad).is_err(), "{bad}");
            assert!(parse(bad).unwrap_err().contains("Go knows no flag"), "{bad}");
        }
        assert!(is_match(r"[(?x)]", "x"), "in brackets it is no group");
        assert!(is_match(r"\(?x", "x"), "an escaped parenthesis is no group");
    }

    #[test]
    fn no_input_panics() {
        // Every string over the characters the translation looks at (one of them multi-byte):
        // parsed up to length 4, also compiled up to length 3.
        let alphabet: Vec<char> = "\\[]()?:^-&~QEdbx0<P>é".chars().collect();
        let mut stack = vec![String::new()];
        while let Some(p) = stack.pop() {
            let len = p.chars().count();
            if len <= 3 {
                let _ = compile(&p);
            }
            let _ = parse(&p);
            if len < 4 {
                stack.extend(alphabet.iter().map(|c| format!("{p}{c}")));
            }
        }
    }

    #[test]
    fn plain_patterns_are_borrowed() {
        assert!(matches!(translate("a.b(c)"), Ok(Cow::Borrowed(_))));
        assert_eq!(translate(r"\d+\.\w").unwrap(), r"[0-9]+\.[0-9A-Za-z_]");
    }
}
