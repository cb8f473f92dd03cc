//! go-grok's own pattern set (`IP`, `URI`, `ELB_URI`, ...), read from go-grok's Go source when
//! the build embedded it (`build.rs`, `OTTL_GROK_SOURCE`).
//!
//! `ExtractGrokPatterns` builds its parser with `grok.NewComplete()`: the pattern maps that
//! function's body lists are loaded in order (a later map's name replaces an earlier one's), and
//! a name none of them holds is looked up in `patterns.Default`. The statement's own
//! `patternDefinitions` come first of all. The maps are read from the Go source as it is, once,
//! when a pattern is first expanded, so the set is always the one of the go-grok version given.

use std::collections::HashMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/go_grok.rs"));

/// go-grok's files as the build embedded them.
#[derive(Debug)]
pub struct GoGrokSource {
    /// The module root the files came from.
    pub root: &'static str,
    /// `grok.go`, whose `NewComplete` says which maps make the complete set.
    pub grok_go: &'static str,
    /// The files of `patterns/`, by name.
    pub patterns: &'static [(&'static str, &'static str)],
}

/// go-grok's pattern set.
#[derive(Debug)]
pub struct Library {
    /// Where the source was read from.
    pub origin: &'static str,
    /// The maps `NewComplete` loads, merged in its order.
    complete: HashMap<String, String>,
    /// `patterns.Default`, looked up last.
    default: HashMap<String, String>,
}

impl Library {
    /// The definition of a pattern name, as go-grok's `lookupPattern` finds it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.complete.get(name).or_else(|| self.default.get(name)).map(String::as_str)
    }

    /// How many names the set defines.
    pub fn len(&self) -> usize {
        self.complete.len() + self.default.keys().filter(|k| !self.complete.contains_key(*k)).count()
    }

    /// Whether the set defines no name.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the set from go-grok's source.
    pub fn read(source: &GoGrokSource) -> Result<Library, String> {
        let order = complete_maps(source.grok_go).map_err(|e| format!("grok.go: {e}"))?;
        let mut maps: HashMap<String, Pairs> = HashMap::new();
        for (file, text) in source.patterns {
            maps.extend(go_maps(text).map_err(|e| format!("patterns/{file}: {e}"))?);
        }
        let mut complete = HashMap::new();
        for name in &order {
            let entries = maps.get(name).ok_or_else(|| {
                format!("grok.go's NewComplete loads patterns.{name}, which no file of patterns/ defines")
            })?;
            complete.extend(entries.iter().cloned());
        }
        let default =
            maps.remove("Default").ok_or("patterns/ defines no `Default` map")?.into_iter().collect();
        Ok(Library { origin: source.root, complete, default })
    }
}

/// The pattern set this build embeds: `Ok(None)` when the build was not given go-grok's
/// source, `Err` (why) when the source it was given cannot be read.
pub fn library() -> Result<Option<&'static Library>, &'static str> {
    static LIBRARY: OnceLock<Result<Option<Library>, String>> = OnceLock::new();
    match LIBRARY.get_or_init(|| GO_GROK.as_ref().map(Library::read).transpose()) {
        Ok(library) => Ok(library.as_ref()),
        Err(why) => Err(why),
    }
}

/// The pattern maps `NewComplete` loads, in its order: each `patterns.X` its body names.
fn complete_maps(grok_go: &str) -> Result<Vec<String>, String> {
    let tokens = tokens(grok_go)?;
    let start = tokens
        .windows(2)
        .position(|w| w[0] == Token::Ident("func".into()) && w[1] == Token::Ident("NewComplete".into()))
        .ok_or("no `func NewComplete`")?;
    let body = &tokens[start + 2..];
    let end = body.iter().position(|t| *t == Token::Ident("func".into())).unwrap_or(body.len());
    let names: Vec<String> = body[..end]
        .windows(3)
        .filter_map(|w| match w {
            [Token::Ident(pkg), Token::Punct('.'), Token::Ident(name)] if pkg == "patterns" => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    if names.is_empty() {
        return Err("NewComplete names no `patterns.X` map".into());
    }
    Ok(names)
}

/// A Go file's package-level `var X map[string]string = map[string]string{"K": "V", ...}`
/// literals, by variable name, pairs in source order. A value may be several string literals
/// joined with `+`.
fn go_maps(src: &str) -> Result<Vec<(String, Pairs)>, String> {
    let t = tokens(src)?;
    let mut maps = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let (Token::Ident(var), Some(Token::Ident(name))) = (&t[i], t.get(i + 1)) else {
            i += 1;
            continue;
        };
        if var != "var" {
            i += 1;
            continue;
        }
        // The declaration's type and `=` run up to the literal's `{`.
        let Some(open) = t[i + 2..].iter().position(|t| *t == Token::Punct('{')).map(|p| p + i + 2) else {
            break;
        };
        if !t[i + 2..open].contains(&Token::Ident("map".into())) {
            i = open;
            continue;
        }
        let mut entries = Vec::new();
        let mut j = open + 1;
        loop {
            match t.get(j) {
                Some(Token::Punct('}')) => break,
                Some(Token::Str(key)) => {
                    if t.get(j + 1) != Some(&Token::Punct(':')) {
                        return Err(format!("map {name}: no `:` after the key {key:?}"));
                    }
                    j += 2;
                    let mut value = String::new();
                    loop {
                        let Some(Token::Str(part)) = t.get(j) else {
                            return Err(format!("map {name}: the value of {key:?} is not a string literal"));
                        };
                        value.push_str(part);
                        j += 1;
                        if t.get(j) != Some(&Token::Punct('+')) {
                            break;
                        }
                        j += 1;
                    }
                    entries.push((key.clone(), value));
                    if t.get(j) == Some(&Token::Punct(',')) {
                        j += 1;
                    }
                }
                Some(other) => return Err(format!("map {name}: unexpected {other:?}")),
                None => return Err(format!("map {name}: no closing `}}`")),
            }
        }
        maps.push((name.clone(), entries));
        i = j + 1;
    }
    Ok(maps)
}

/// A Go map literal's pairs, in source order.
type Pairs = Vec<(String, String)>;

/// What the Go reader sees: names, string literals (their values) and single characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    Punct(char),
}

/// Go's tokens, as far as pattern files need: comments are skipped, raw and interpreted string
/// literals are decoded (Go's escapes), a number or rune literal is one `Punct('0')`.
fn tokens(src: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            _ if c.is_whitespace() => rest = after,
            '/' if after.starts_with('/') => rest = after.find('\n').map_or("", |n| &after[n..]),
            '/' if after.starts_with('*') => {
                let end = after.find("*/").ok_or("a comment that does not end")?;
                rest = &after[end + 2..];
            }
            '`' => {
                let end = after.find('`').ok_or("a raw string that does not end")?;
                // Go drops carriage returns from raw strings.
                out.push(Token::Str(after[..end].replace('\r', "")));
                rest = &after[end + 1..];
            }
            '"' => {
                let (value, len) = interpreted(after)?;
                out.push(Token::Str(value));
                rest = &after[len..];
            }
            '\'' => {
                let mut escaped = false;
                let end = after
                    .char_indices()
                    .find(|&(_, ch)| {
                        let closes = ch == '\'' && !escaped;
                        escaped = ch == '\\' && !escaped;
                        closes
                    })
                    .ok_or("a rune literal that does not end")?
                    .0;
                out.push(Token::Punct('0'));
                rest = &after[end + 1..];
            }
            _ if c.is_alphabetic() || c == '_' => {
                let len = rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_')).unwrap_or(rest.len());
                out.push(Token::Ident(rest[..len].to_string()));
                rest = &rest[len..];
            }
            _ if c.is_ascii_digit() => {
                let len = rest
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '_'))
                    .unwrap_or(rest.len());
                out.push(Token::Punct('0'));
                rest = &rest[len..];
            }
            _ => {
                out.push(Token::Punct(c));
                rest = after;
            }
        }
    }
    Ok(out)
}

/// An interpreted string literal's value, from just after its opening quote; also how many
/// bytes the rest of the literal (closing quote included) takes.
fn interpreted(s: &str) -> Result<(String, usize), String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    let digits = |from: usize, n: usize, radix: u32| -> Result<u32, String> {
        s.get(from..from + n)
            .and_then(|d| u32::from_str_radix(d, radix).ok())
            .ok_or_else(|| format!("a bad escape in {:?}", &s[..s.len().min(from + n)]))
    };
    loop {
        match b.get(i) {
            None | Some(b'\n') => return Err("a string literal that does not end".into()),
            Some(b'"') => break,
            Some(b'\\') => {
                let simple = match b.get(i + 1) {
                    Some(b'a') => Some(0x07),
                    Some(b'b') => Some(0x08),
                    Some(b'f') => Some(0x0c),
                    Some(b'n') => Some(b'\n'),
                    Some(b'r') => Some(b'\r'),
                    Some(b't') => Some(b'\t'),
                    Some(b'v') => Some(0x0b),
                    Some(b'\\') => Some(b'\\'),
                    Some(b'"') => Some(b'"'),
                    _ => None,
                };
                if let Some(byte) = simple {
                    out.push(byte);
                    i += 2;
                    continue;
                }
                let (value, len, is_byte) = match b.get(i + 1) {
                    Some(b'x') => (digits(i + 2, 2, 16)?, 4, true),
                    Some(b'0'..=b'7') => (digits(i + 1, 3, 8)?, 4, true),
                    Some(b'u') => (digits(i + 2, 4, 16)?, 6, false),
                    Some(b'U') => (digits(i + 2, 8, 16)?, 10, false),
                    _ => return Err(format!("an unknown escape in {:?}", &s[..s.len().min(i + 2)])),
                };
                if is_byte {
                    out.push(u8::try_from(value).map_err(|_| "an octal escape above 255")?);
                } else {
                    let c = char::from_u32(value).ok_or("an escape that is not a character")?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                i += len;
            }
            Some(&byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    let value = String::from_utf8(out).map_err(|_| "a string literal that is not UTF-8")?;
    Ok((value, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern package in go-grok's shape, written for this test.
    const PATTERNS: &str = r#"
package patterns

// Numbers.
var Default map[string]string = map[string]string{
	"DIGITS": `[0-9]+`, // trailing comment
	"PAIR":   `%{DIGITS}-%{DIGITS}`,
	/* a block
	   comment */
	"QUOTED": "\"[^\"]*\"\t\x41\u00e9",
	"JOINED": `a` + "b" +
		`c`,
	"WORD": `\w+`,
}

var Extra = map[string]string{
	"WORD":  `[a-z]+`,
	"EXTRA": `x`,
}

var Later map[string]string = map[string]string{
	"EXTRA": `y`,
}

var notAMap = []string{"a", "b"}
"#;

    const GROK_GO: &str = r"
package grok

func New() *Grok { return nil }

// NewComplete creates a grok parser with full set of patterns
func NewComplete(additionalPatterns ...map[string]string) (*Grok, error) {
	g, err := NewWithPatterns(
		patterns.Extra,
		patterns.Later,
	)
	return g, err
}

func (g *Grok) Other() { _ = patterns.Unused }
";

    fn source(patterns: &'static str) -> GoGrokSource {
        GoGrokSource { root: "test", grok_go: GROK_GO, patterns: Box::leak(Box::new([("p.go", patterns)])) }
    }

    #[test]
    fn maps_are_read_with_go_string_rules() {
        let maps = go_maps(PATTERNS).expect("reads");
        let names: Vec<&str> = maps.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Default", "Extra", "Later"]);
        let default: HashMap<_, _> = maps[0].1.iter().cloned().collect();
        assert_eq!(default["DIGITS"], "[0-9]+");
        assert_eq!(default["QUOTED"], "\"[^\"]*\"\tAé");
        assert_eq!(default["JOINED"], "abc");
        assert_eq!(default["WORD"], r"\w+");
    }

    #[test]
    fn new_complete_order_then_default() {
        assert_eq!(complete_maps(GROK_GO).expect("reads"), ["Extra", "Later"]);
        let library = Library::read(&source(PATTERNS)).expect("reads");
        // A later map replaces an earlier one's name; the complete set comes before Default.
        assert_eq!(library.get("EXTRA"), Some("y"));
        assert_eq!(library.get("WORD"), Some("[a-z]+"));
        assert_eq!(library.get("DIGITS"), Some("[0-9]+"));
        assert_eq!(library.get("NOPE"), None);
        assert_eq!(library.len(), 6);
    }

    #[test]
    fn a_source_that_cannot_be_read_says_where() {
        let missing = Library::read(&source("package patterns\nvar Default = map[string]string{}\n"));
        assert_eq!(
            missing.unwrap_err(),
            "grok.go's NewComplete loads patterns.Extra, which no file of patterns/ defines"
        );
        let bad = Library::read(&source("package patterns\nvar Default = map[string]string{\"A\": 1}\n"));
        assert_eq!(
            bad.unwrap_err(),
            "patterns/p.go: map Default: the value of \"A\" is not a string literal"
        );
        let open = Library::read(&source("package patterns\nvar Default = map[string]string{\"A\": \"x}\n"));
        assert_eq!(open.unwrap_err(), "patterns/p.go: a string literal that does not end");
    }
}
