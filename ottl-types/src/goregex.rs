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
//! - A `{` that does not open `{n}`, `{n,}` or `{n,m}` is a literal brace in Go; Go refuses a
//!   repetition right after another (`a**`, `a{2}{3}`) and counts past 1000, which Rust takes.
//! - A repetition right after a flag group (`a(?i)*`) repeats what came before the group in
//!   Go, with the greediness the group sets; Rust finds nothing to repeat, so the repetition
//!   moves in front of the group (its `?` toggled where the group changed `U`).
//!
//! `testdata/conformance/go_regexp.jsonl` (written by `ottl-jit/tools/gen_regexp.go`) holds
//! what Go makes of 1200 random patterns over these features, matched against 15 inputs; the
//! tests hold this module to it.
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
    // Only a backslash, a bracket, a flag group or a repetition can need a change.
    if !pattern.contains(['\\', '[', '?', '{', '*', '+']) {
        return Ok(Cow::Borrowed(pattern));
    }
    let mut t = Translator {
        pattern,
        out: String::with_capacity(pattern.len() + 16),
        chars: pattern.char_indices().peekable(),
        class: None,
        ungreedy: false,
        saved: Vec::new(),
    };
    // Whether the previous token was a repetition: Go refuses another right after (`a**`).
    let mut last_repeat = false;
    // A flag group just written (`(?i)`), by where it starts in `out`, and the `U` state before
    // it: Go applies a repetition right after it to what came before it, with the greediness the
    // group sets, so that repetition is moved in front of it (its `?` toggled where the group
    // changed `U`).
    let mut last_flags: Option<(usize, bool)> = None;
    while let Some((at, c)) = t.chars.next() {
        let after_repeat = std::mem::take(&mut last_repeat);
        let flags = last_flags.take();
        let is_repeat = t.class.is_none()
            && (matches!(c, '*' | '+' | '?') || (c == '{' && go_repeat(&pattern[at..]).is_some()));
        let (moved, toggle) = match flags {
            Some((start, before)) if is_repeat => (Some(t.out.split_off(start)), before != t.ungreedy),
            _ => (None, false),
        };
        match (c, t.class) {
            ('\\', _) => {
                if !t.escape(at)? {
                    break;
                }
            }
            ('[', None) => t.open_class(),
            (_, Some(_)) => t.class_char(at, c),
            ('(', None) if pattern[at..].starts_with("(?") => {
                check_flags(&pattern[at + 2..])?;
                let rest = &pattern[at + 2..];
                let end = rest.find([')', ':']);
                let standalone =
                    !rest.starts_with(['P', '<']) && end.is_some_and(|e| rest[e..].starts_with(')'));
                let flags = &rest[..end.unwrap_or(0)];
                if standalone {
                    let len = flags.len() + 3;
                    last_flags = Some((t.out.len(), t.ungreedy));
                    t.ungreedy = ungreedy_after(flags, t.ungreedy);
                    t.out.push_str(&pattern[at..at + len]);
                    t.skip_to(at + len);
                } else {
                    // A group: its flags (`(?U:`) hold until its `)`.
                    t.saved.push(t.ungreedy);
                    if !rest.starts_with(['P', '<']) {
                        t.ungreedy = ungreedy_after(flags, t.ungreedy);
                    }
                    t.out.push_str("(?");
                    t.chars.next();
                }
            }
            ('(', None) => {
                t.saved.push(t.ungreedy);
                t.out.push('(');
            }
            (')', None) => {
                t.ungreedy = t.saved.pop().unwrap_or(t.ungreedy);
                t.out.push(')');
            }
            ('*' | '+' | '?', None) => {
                if after_repeat {
                    return Err(format!("invalid nested repetition operator: `{}`", &pattern[at..=at]));
                }
                t.out.push(c);
                t.non_greedy(toggle);
                last_repeat = true;
            }
            // Go reads `{` as a repetition only in the forms `{n}`, `{n,}` and `{n,m}`; anything
            // else is a literal brace (Rust would refuse it).
            ('{', None) => match go_repeat(&pattern[at..]) {
                None => t.out.push_str("\\{"),
                Some((len, min, max)) => {
                    let text = &pattern[at..at + len];
                    if after_repeat {
                        return Err(format!("invalid nested repetition operator: `{text}`"));
                    }
                    if min > 1000 || max.is_some_and(|m| m > 1000 || min > m) {
                        return Err(format!("invalid repeat count: `{text}`"));
                    }
                    t.out.push_str(text);
                    t.skip_to(at + len);
                    t.non_greedy(toggle);
                    last_repeat = true;
                }
            },
            (_, None) => t.out.push(c),
        }
        if let Some(group) = moved {
            t.out.push_str(&group);
        }
    }
    Ok(Cow::Owned(t.out))
}

/// The state of [`translate`]: where it is in the pattern and what it wrote.
struct Translator<'p> {
    pattern: &'p str,
    out: String,
    chars: std::iter::Peekable<std::str::CharIndices<'p>>,
    /// Inside a bracket: the last character written, to tell `--` apart.
    class: Option<char>,
    /// Whether the `U` flag is on here, and its state outside each open group.
    ungreedy: bool,
    saved: Vec<bool>,
}

/// The `U` state after a flag string such as `i-sU` (flags after `-` are cleared).
fn ungreedy_after(flags: &str, mut ungreedy: bool) -> bool {
    let mut on = true;
    for c in flags.chars() {
        match c {
            '-' => on = false,
            'U' => ungreedy = on,
            _ => {}
        }
    }
    ungreedy
}

impl Translator<'_> {
    /// Skips the characters before byte offset `end`.
    fn skip_to(&mut self, end: usize) {
        while self.chars.peek().is_some_and(|&(i, _)| i < end) {
            self.chars.next();
        }
    }

    /// A `?` after a repetition flips its greediness; `toggle` flips it once more (for a
    /// repetition moved out from under the flag group that changed `U`).
    fn non_greedy(&mut self, toggle: bool) {
        let marked = self.chars.peek().is_some_and(|&(_, n)| n == '?');
        if marked {
            self.chars.next();
        }
        if marked != toggle {
            self.out.push('?');
        }
    }

    /// The escape whose backslash is at `at`; `Ok(false)` at a trailing backslash.
    fn escape(&mut self, at: usize) -> Result<bool, String> {
        let Some((_, e)) = self.chars.next() else {
            self.out.push('\\'); // let Rust report it
            return Ok(false);
        };
        let outside = self.class.is_none();
        if let Some(ascii) = perl_class(e) {
            if self.class == Some('-') {
                // `[a-\d]`: a class cannot end a range.
                return Err(format!("invalid character class range: `{}`", &self.pattern[at..at + 2]));
            }
            self.out.push_str(ascii);
        } else if matches!(e, '0'..='7') {
            // Go: `\0`, and `\1`..`\7` followed by an octal digit, start an octal code of up to
            // three digits; a lone `\1`..`\7` is a backreference (an error in both).
            let rest = &self.pattern[at + 2..];
            let more = rest.bytes().take(2).take_while(|b| matches!(b, b'0'..=b'7')).count();
            if e == '0' || more > 0 {
                let code = u32::from_str_radix(&self.pattern[at + 1..at + 2 + more], 8).unwrap_or(0);
                let _ = write!(self.out, "\\x{{{code:x}}}");
                self.skip_to(at + 2 + more);
            } else {
                self.out.push('\\');
                self.out.push(e);
            }
        } else if outside && matches!(e, 'b' | 'B') {
            self.out.push_str(if e == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
        } else if matches!(e, '<' | '>') {
            self.out.push(e);
        } else if matches!(e, 'p' | 'P' | 'x') && self.pattern[at + 2..].starts_with('{') {
            // `\p{Greek}`, `\x{e9}`: the braces belong to the escape.
            let len = self.pattern[at..].find('}').map_or(self.pattern.len() - at, |i| i + 1);
            self.out.push_str(&self.pattern[at..at + len]);
            self.skip_to(at + len);
        } else if outside && e == 'Q' {
            let rest = &self.pattern[at + 2..];
            let (literal, after) = rest.split_once("\\E").unwrap_or((rest, ""));
            self.out.push_str(&regex_syntax::escape(literal));
            self.skip_to(self.pattern.len() - after.len());
        } else {
            self.out.push('\\');
            self.out.push(e);
        }
        if !outside {
            self.class = Some('\\');
        }
        Ok(true)
    }

    /// A `[` outside a bracket: `^` and a first `]` belong to it.
    fn open_class(&mut self) {
        self.out.push('[');
        if self.chars.peek().is_some_and(|&(_, n)| n == '^') {
            self.chars.next();
            self.out.push('^');
        }
        // A `]` first in a bracket is a member in both engines.
        if self.chars.peek().is_some_and(|&(_, n)| n == ']') {
            self.chars.next();
            self.out.push_str("\\]");
        }
        self.class = Some('[');
    }

    /// A character inside a bracket (other than an escape).
    fn class_char(&mut self, at: usize, c: char) {
        match (c, self.class) {
            ('[', _) if self.chars.peek().is_some_and(|&(_, n)| n == ':') => {
                // `[:alpha:]`: ASCII classes in both engines; copy through `:]`.
                let rest = &self.pattern[at..];
                let len = rest.find(":]").map_or(1, |i| i + 2);
                self.out.push_str(&rest[..len]);
                self.skip_to(at + len);
                self.class = Some('[');
            }
            ('[', _) => {
                self.out.push_str("\\[");
                self.class = Some('[');
            }
            (']', _) => {
                self.out.push(']');
                self.class = None;
            }
            ('&' | '~', _) => {
                self.out.push('\\');
                self.out.push(c);
                self.class = Some(c);
            }
            // A dash first in a bracket is a member; Rust must see it escaped, or a `--` after
            // it would read as a set difference.
            ('-', Some('[')) => {
                self.out.push_str("\\-");
                self.class = Some('\\');
            }
            ('-', Some('-')) => {
                self.out.push_str("\\-");
                self.class = Some('\\');
            }
            _ => {
                self.out.push(c);
                self.class = Some(c);
            }
        }
    }
}

/// Go's `parseRepeat` at a `{`: the length of `{n}`, `{n,}` or `{n,m}` (decimal numbers
/// without leading zeros) and its bounds, `None` for the maximum of `{n,}`; `None` when it is
/// none of these, and the brace is a literal.
fn go_repeat(s: &str) -> Option<(usize, u64, Option<u64>)> {
    fn number(s: &str) -> Option<(u64, &str)> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || (digits > 1 && s.starts_with('0')) {
            return None;
        }
        // Past eight digits Go's count is "too big", an invalid repeat count anyway.
        let n = s[..digits.min(8)].parse::<u64>().ok()? + u64::from(digits > 8) * 100_000_000;
        Some((n, &s[digits..]))
    }
    let (min, rest) = number(s.strip_prefix('{')?)?;
    let (max, rest) = match rest.strip_prefix(',') {
        None => (Some(min), rest),
        Some(r) if r.starts_with('}') => (None, r),
        Some(r) => {
            let (m, r) = number(r)?;
            (Some(m), r)
        }
    };
    let rest = rest.strip_prefix('}')?;
    Some((s.len() - rest.len(), min, max))
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
pub(crate) mod tests {
    use super::*;

    /// `testdata/conformance/go_regexp.jsonl`: the inputs, and a case per pattern (`p`, and
    /// Go's matches `m` on each input or, for a pattern Go refused, `err`).
    pub(crate) fn conformance_table() -> (Vec<String>, impl Iterator<Item = serde_json::Value>) {
        let table =
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/go_regexp.jsonl"));
        let mut lines = table.lines();
        let head: serde_json::Value = serde_json::from_str(lines.next().expect("a header")).expect("JSON");
        let inputs = head["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .map(|v| v.as_str().expect("a string").to_string())
            .collect();
        (inputs, lines.map(|line| serde_json::from_str(line).expect("JSON")))
    }

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
        assert!(is_match(r"^[--/]+$", "-./"), "a first dash is a member that may start a range");
        assert!(is_match(r"^[-\s]+$", "- "));
        assert!(compile(r"[\[-\s]").is_err(), "a class cannot end a range, in Go");
        // A repetition right after a flag group repeats what came before the group.
        assert!(is_match(r"^xa(?i)+B$", "xaaB"));
        assert!(is_match(r"^xa(?i){2}b$", "xaaB"));
        assert!(is_match(r"^x(?i)A+$", "xaA"));
        // ... with the greediness the group sets: `(?U)` makes the `+` before it lazy.
        let lazy = compile(r"a(?U)+").expect("compiles");
        assert_eq!(lazy.find("aaa").map(|m| m.as_str()), Some("a"));
        let greedy = compile(r"(?U)a(?-U)+").expect("compiles");
        assert_eq!(greedy.find("aaa").map(|m| m.as_str()), Some("aaa"));
        let scoped = compile(r"(?:(?U)x)a(?i)+").expect("compiles");
        assert_eq!(scoped.find("xaaa").map(|m| m.as_str()), Some("xaaa"), "the (?U) ended with its group");
        assert!(is_match(r"^\p{Greek}\x{e9}$", "αé"));
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
    fn braces_and_repetitions_as_go() {
        // Literal braces where Go sees no repetition (Go 1.19 compiles each).
        for (pattern, text) in [
            ("a{", "a{"),
            ("{", "{"),
            ("a{x}", "a{x}"),
            ("a{1", "a{1"),
            ("a{,2}", "a{,2}"),
            ("a{01}", "a{01}"),
        ] {
            assert!(
                is_match(&format!("^{}$", regex_syntax::escape(pattern).replace("\\{", "{")), text),
                "{pattern}"
            );
        }
        assert!(is_match("^a{2}$", "aa"));
        assert!(is_match("^a{2,}?$", "aaa"));
        assert!(is_match("^a*?b+?c??$", "bc"));
        // What Go refuses: stacked repetitions and counts past 1000.
        for bad in ["x{2}{3}", "a**", "a++", "a?+", "a*??", "a{1001}", "a{2,1}", "a{1,1001}"] {
            assert!(compile(bad).is_err(), "{bad}");
        }
        assert!(compile("a{1000}").is_ok());
        assert!(compile("(a*)*").is_ok());
    }

    /// Every pattern of `testdata/conformance/go_regexp.jsonl` compiles here exactly when Go
    /// compiled it, and finds the same matches and groups on every input.
    #[test]
    fn agrees_with_go_regexp() {
        let (inputs, lines) = conformance_table();
        let offset = |n: usize| i64::try_from(n).unwrap_or(-2);
        let (mut cases, mut failures) = (0, Vec::new());
        for case in lines {
            let pattern = case["p"].as_str().expect("a pattern");
            cases += 1;
            let failure = match (compile(pattern), case.get("m")) {
                (Err(_), None) => None,
                (Ok(_), None) => Some(format!("{pattern:?}: Go refuses it, we accept it")),
                (Err(e), Some(_)) => Some(format!("{pattern:?}: Go accepts it, we refuse it: {e}")),
                (Ok(re), Some(want)) => {
                    inputs.iter().zip(want.as_array().expect("matches")).find_map(|(input, want)| {
                        let mut got: Vec<i64> = Vec::new();
                        for caps in re.captures_iter(input) {
                            for group in caps.iter() {
                                got.extend(group.map_or([-1, -1], |m| [offset(m.start()), offset(m.end())]));
                            }
                            got.push(-9);
                        }
                        let want: Vec<i64> = want
                            .as_array()
                            .expect("offsets")
                            .iter()
                            .filter_map(serde_json::Value::as_i64)
                            .collect();
                        (got != want).then(|| format!("{pattern:?} on {input:?}: Go {want:?}, ours {got:?}"))
                    })
                }
            };
            failures.extend(failure);
        }
        assert!(cases >= 1200, "the table has {cases} patterns");
        assert!(failures.is_empty(), "{} of {cases} differ:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn plain_patterns_are_borrowed() {
        assert!(matches!(translate("a.b(c)"), Ok(Cow::Borrowed(_))));
        assert_eq!(translate(r"\d+\.\w").unwrap(), r"[0-9]+\.[0-9A-Za-z_]");
    }
}
