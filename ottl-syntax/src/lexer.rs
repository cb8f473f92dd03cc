//! The lexer: upstream's token rules (`pkg/ottl/grammar.go: buildLexer`) on top of logos.
//!
//! Upstream tries its rules in a fixed order and takes the first that matches; logos takes the
//! longest match. For OTTL's rules the two agree except for the keyword rules (`\b(not)\b` ...),
//! which only match when the keyword is *not* followed by a word character. [`lex`] applies that
//! check after logos has produced a lowercase identifier.

use logos::Logos;

use crate::diagnostics::{self, Diagnostic};
use crate::text::TextRange;

/// A raw token kind, as upstream's lexer defines them (punctuation split out for readability).
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\n\r\x0C]+")]
pub enum RawKind {
    #[regex(r"0x[a-fA-F0-9]+")]
    Bytes,
    #[regex(r"[-+]?[0-9]*\.[0-9]+([eE][-+]?[0-9]+)?")]
    Float,
    #[regex(r"[-+]?[0-9]+")]
    Int,
    #[regex(r#""([^"\\]|\\[^\n])*""#)]
    String,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token(">=")]
    GtEq,
    #[token("<=")]
    LtEq,
    #[token(">")]
    Gt,
    #[token("<")]
    Lt,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("=")]
    Equal,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[regex(r"[A-Z][A-Z0-9_]*")]
    Upper,
    #[regex(r"[a-z][a-z0-9_]*")]
    Lower,
    /// Not produced by logos: a `Lower` that is one of upstream's keyword tokens.
    Not,
    Or,
    And,
    True,
    False,
}

impl RawKind {
    /// True for tokens that may be glued into a function or argument name (upstream captures
    /// `Lowercase (Uppercase | Lowercase)*` and concatenates the tokens, across whitespace).
    pub fn is_ident(self) -> bool {
        matches!(self, Self::Upper | Self::Lower)
    }

    /// Upstream's name for the token type (`buildLexer` in `pkg/ottl/grammar.go`).
    pub fn upstream_name(self) -> &'static str {
        match self {
            Self::Bytes => "Bytes",
            Self::Float => "Float",
            Self::Int => "Int",
            Self::String => "String",
            Self::Not => "OpNot",
            Self::Or => "OpOr",
            Self::And => "OpAnd",
            Self::EqEq | Self::NotEq | Self::GtEq | Self::LtEq | Self::Gt | Self::Lt => "OpComparison",
            Self::Plus | Self::Minus => "OpAddSub",
            Self::Star | Self::Slash => "OpMultDiv",
            Self::True | Self::False => "Boolean",
            Self::Equal => "Equal",
            Self::LParen => "LParen",
            Self::RParen => "RParen",
            Self::LBrace => "LBrace",
            Self::RBrace => "RBrace",
            Self::Colon => "Colon",
            Self::Comma | Self::Dot | Self::LBracket | Self::RBracket => "Punct",
            Self::Upper => "Uppercase",
            Self::Lower => "Lowercase",
        }
    }
}

/// One token of the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawToken {
    pub kind: RawKind,
    pub range: TextRange,
}

/// Splits `text` into tokens. Never fails: characters no rule accepts become diagnostics and are
/// skipped (an unterminated string ends the token stream).
pub fn lex(text: &str) -> (Vec<RawToken>, Vec<Diagnostic>) {
    let mut tokens = Vec::new();
    let mut diags = Vec::new();
    let mut lexer = RawKind::lexer(text);
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        let range = TextRange::from(span.clone());
        match result {
            Ok(RawKind::Lower) => {
                let kind = keyword(lexer.slice(), lexer.remainder()).unwrap_or(RawKind::Lower);
                tokens.push(RawToken { kind, range });
            }
            Ok(kind) => tokens.push(RawToken { kind, range }),
            Err(()) => match text.as_bytes()[span.start] {
                b'"' => {
                    diags.push(diagnostics::unterminated_string(TextRange::new(
                        range.start,
                        text.len() as u32,
                    )));
                    break;
                }
                b'\'' => {
                    // Recover as if it were a string, so the rest of the statement still parses.
                    let rest = &text[span.start + 1..];
                    let end = rest.find(['\'', '\n']).map_or(text.len(), |i| span.start + 1 + i + 1);
                    let range = TextRange::new(range.start, end as u32);
                    diags.push(diagnostics::single_quoted_string(text, range));
                    tokens.push(RawToken { kind: RawKind::String, range });
                    lexer.bump(end - span.end);
                }
                c @ (b'&' | b'|') if text.as_bytes().get(span.start + 1) == Some(&c) => {
                    let range = TextRange::new(range.start, range.start + 2);
                    let instead = if c == b'&' { "and" } else { "or" };
                    diags.push(diagnostics::invalid_operator(range, &text[range.as_usize()], instead));
                    lexer.bump(2 - span.len());
                }
                _ => {
                    let ch = text[span.start..].chars().next().unwrap_or('?');
                    let range = TextRange::new(range.start, range.start + ch.len_utf8() as u32);
                    diags.push(diagnostics::invalid_character(text, ch, range));
                    let extra = ch.len_utf8().saturating_sub(span.len());
                    lexer.bump(extra);
                }
            },
        }
    }
    (tokens, diags)
}

/// Upstream's `\b(not)\b`-style rules: the keyword must not be followed by a word character.
/// (The leading `\b` always holds: upstream matches each rule against the rest of the input.)
fn keyword(slice: &str, rest: &str) -> Option<RawKind> {
    if rest.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some(match slice {
        "not" => RawKind::Not,
        "or" => RawKind::Or,
        "and" => RawKind::And,
        "true" => RawKind::True,
        "false" => RawKind::False,
        _ => return None,
    })
}

/// Decodes the body of a string literal with Go's `strconv.UnquoteChar` rules (the quote is `"`).
///
/// `raw` is the literal including its quotes. Errors carry the range of the bad escape relative
/// to the start of `raw`.
pub fn unquote(raw: &str) -> Result<String, (TextRange, &'static str)> {
    let body = &raw[1..raw.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let start = i as u32 + 1;
        let Some((_, e)) = chars.next() else {
            return Err((TextRange::new(start, start + 1), "a string cannot end with a lone `\\`"));
        };
        let simple = match e {
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0C'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0B'),
            '\\' => Some('\\'),
            '"' => Some('"'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let (digits, radix, max) = match e {
            'x' => (2, 16, 0xFF),
            'u' => (4, 16, 0x10_FFFF),
            'U' => (8, 16, 0x10_FFFF),
            '0'..='7' => (2, 8, 0xFF),
            _ => {
                let end = start + 1 + e.len_utf8() as u32;
                return Err((TextRange::new(start, end), "unknown escape sequence"));
            }
        };
        let mut value = if radix == 8 { e.to_digit(8).unwrap_or(0) } else { 0 };
        let mut len = 2;
        for _ in 0..digits {
            let digit = chars.next().and_then(|(_, d)| d.to_digit(radix));
            let Some(d) = digit else {
                return Err((TextRange::new(start, start + len), "incomplete escape sequence"));
            };
            value = value * radix + d;
            len += 1;
        }
        let range = TextRange::new(start, start + len);
        if value > max {
            return Err((range, "escape sequence value out of range"));
        }
        // Go's participle appends `string(rune)`: `\xff` becomes U+00FF, not the byte 0xFF.
        match char::from_u32(value) {
            Some(ch) => out.push(ch),
            None => return Err((range, "escape sequence is not a valid Unicode scalar value")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<RawKind> {
        let (tokens, diags) = lex(text);
        assert!(diags.is_empty(), "{diags:?}");
        tokens.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn signed_numbers_bind_in_the_lexer() {
        use RawKind::*;
        assert_eq!(kinds("1-1"), [Int, Int]);
        assert_eq!(kinds("1 - 1"), [Int, Minus, Int]);
        assert_eq!(kinds("1.5e+"), [Float, Lower, Plus]);
        assert_eq!(kinds("1e5"), [Int, Lower]);
        assert_eq!(kinds("1."), [Int, Dot]);
        assert_eq!(kinds(".5"), [Float]);
        assert_eq!(kinds("0x"), [Int, Lower]);
        assert_eq!(kinds("0xAbc"), [Bytes]);
    }

    #[test]
    fn keywords_need_a_boundary_after_them() {
        use RawKind::*;
        assert_eq!(kinds("not notX nota"), [Not, Lower, Upper, Lower]);
        // Upstream matches each rule against the rest of the input, so `\b` before a keyword always
        // holds: the `or` of `Xor` is the operator.
        assert_eq!(kinds("Xor or("), [Upper, Or, Or, LParen]);
        assert_eq!(kinds("true_ false"), [Lower, False]);
    }

    #[test]
    fn go_escapes() {
        assert_eq!(unquote(r#""a\tb\x41\u00e9\101""#).unwrap(), "a\tbAéA");
        assert_eq!(unquote(r#""\xff""#).unwrap(), "\u{ff}");
        assert!(unquote(r#""\d""#).is_err());
        assert!(unquote(r#""\'""#).is_err());
        assert!(unquote(r#""\400""#).is_err());
        assert!(unquote(r#""\ud800""#).is_err());
    }
}
