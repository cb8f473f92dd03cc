//! A second, independent reading of upstream's grammar, for differential tests only.
//!
//! Upstream parses with participle: ordered choice (the first alternative that matches wins and
//! is never revisited), greedy repetition, zero-width lookahead, identifier tokens glued by
//! capture, and captures converted after the parse (so a bad literal fails the whole parse but
//! does not change which alternative was taken). This module transcribes `pkg/ottl/grammar.go`
//! node by node in that style, directly over the lexer's tokens, without any of the main parser's
//! machinery (no token shaping, no LR grammar, no lowering). Where the two disagree on whether
//! an input is accepted, one of them is wrong.
#![allow(dead_code)]

use ottl_syntax::Entry;
use ottl_syntax::lexer::{self, RawKind, RawToken};

/// Whether upstream accepts `text` at `entry` (syntax and post-parse checks, no resolution).
pub fn accepts(entry: Entry, text: &str) -> bool {
    let (tokens, diags) = lexer::lex(text);
    if !diags.is_empty() {
        return false;
    }
    let p = Peg { text, toks: &tokens };
    let result = match entry {
        Entry::Statement => p.statement(0),
        Entry::Condition => p.bool_expr(0),
        Entry::Value => p.value(0),
    };
    matches!(result, Some((end, flags)) if end == tokens.len() && !flags.bad())
}

/// What the post-parse checks and the capture conversions found on the successful path.
#[derive(Clone, Copy, Default)]
struct Flags {
    /// A converter as the statement, an editor as a value, or an indexed editor.
    custom_error: bool,
    /// A literal whose conversion fails (int/float range, odd hex, bad escape).
    bad_literal: bool,
}

impl Flags {
    fn bad(self) -> bool {
        self.custom_error || self.bad_literal
    }

    fn or(self, other: Self) -> Self {
        Self {
            custom_error: self.custom_error || other.custom_error,
            bad_literal: self.bad_literal || other.bad_literal,
        }
    }
}

type R = Option<(usize, Flags)>;

struct Peg<'a> {
    text: &'a str,
    toks: &'a [RawToken],
}

#[expect(clippy::unnecessary_wraps, reason = "the shape every grammar function returns")]
fn ok(pos: usize) -> R {
    Some((pos, Flags::default()))
}

impl Peg<'_> {
    fn kind(&self, pos: usize) -> Option<RawKind> {
        self.toks.get(pos).map(|t| t.kind)
    }

    fn src(&self, pos: usize) -> &str {
        &self.text[self.toks[pos].range.as_usize()]
    }

    fn is(&self, pos: usize, kind: RawKind) -> bool {
        self.kind(pos) == Some(kind)
    }

    fn punct(&self, pos: usize, kind: RawKind) -> Option<usize> {
        self.is(pos, kind).then_some(pos + 1)
    }

    /// `Lowercase` token whose text is `word` (upstream's `'where'` / `'nil'`).
    fn word(&self, pos: usize, word: &str) -> Option<usize> {
        (self.is(pos, RawKind::Lower) && self.src(pos) == word).then_some(pos + 1)
    }

    /// `@(First (Uppercase | Lowercase)*)`: a greedy run of identifier tokens.
    fn name(&self, pos: usize, first: RawKind) -> Option<usize> {
        if !self.is(pos, first) {
            return None;
        }
        let mut p = pos + 1;
        while self.kind(p).is_some_and(RawKind::is_ident) {
            p += 1;
        }
        Some(p)
    }

    // ---- statement ----

    fn statement(&self, pos: usize) -> R {
        let converter_as_statement = Flags { custom_error: true, ..Flags::default() };
        let (p, flags) = self
            .editor(pos)
            .or_else(|| self.converter(pos).map(|(p, f)| (p, f.or(converter_as_statement))))?;
        match self.word(p, "where").and_then(|after| self.bool_expr(after)) {
            Some((q, f)) => Some((q, flags.or(f))),
            None => Some((p, flags)),
        }
    }

    fn editor(&self, pos: usize) -> R {
        let (p, mut flags) = self.call(pos, RawKind::Lower)?;
        let (p, keys) = self.keys(p, &mut flags);
        flags.custom_error |= keys > 0;
        Some((p, flags))
    }

    fn converter(&self, pos: usize) -> R {
        let (p, mut flags) = self.call(pos, RawKind::Upper)?;
        let (p, _) = self.keys(p, &mut flags);
        Some((p, flags))
    }

    /// `Name '(' ( arg ( ',' arg )* )? ')'`.
    fn call(&self, pos: usize, first: RawKind) -> R {
        let p = self.name(pos, first)?;
        let mut p = self.punct(p, RawKind::LParen)?;
        let mut flags = Flags::default();
        if let Some((q, f)) = self.argument(p) {
            p = q;
            flags = flags.or(f);
            while let Some(q) = self.punct(p, RawKind::Comma) {
                let (q, f) = self.argument(q)?;
                p = q;
                flags = flags.or(f);
            }
        }
        Some((self.punct(p, RawKind::RParen)?, flags))
    }

    fn argument(&self, pos: usize) -> R {
        let p = self.name(pos, RawKind::Lower).and_then(|q| self.punct(q, RawKind::Equal)).unwrap_or(pos);
        self.value(p).or_else(|| self.name(p, RawKind::Upper).map(|q| (q, Flags::default())))
    }

    fn keys(&self, mut pos: usize, flags: &mut Flags) -> (usize, usize) {
        let mut n = 0;
        while let Some((p, f)) = self.key(pos) {
            pos = p;
            *flags = flags.or(f);
            n += 1;
        }
        (pos, n)
    }

    /// `'[' ( String | Int | mathExpression | mathExprLiteral ) ']'`.
    fn key(&self, pos: usize) -> R {
        let p = self.punct(pos, RawKind::LBracket)?;
        let (p, flags) = if matches!(self.kind(p), Some(RawKind::String | RawKind::Int)) {
            (p + 1, self.literal_flags(p))
        } else {
            self.math_expression(p).or_else(|| self.math_expr_literal(p))?
        };
        Some((self.punct(p, RawKind::RBracket)?, flags))
    }

    // ---- values ----

    fn value(&self, pos: usize) -> R {
        if let Some(p) = self.word(pos, "nil") {
            return ok(p);
        }
        let operator =
            |p| matches!(self.kind(p), Some(RawKind::Plus | RawKind::Minus | RawKind::Star | RawKind::Slash));
        if let Some(r) = self.math_expr_literal(pos).filter(|&(p, _)| !operator(p)) {
            return Some(r);
        }
        if let Some(r) = self.math_expression(pos) {
            return Some(r);
        }
        match self.kind(pos)? {
            RawKind::Bytes | RawKind::String => return Some((pos + 1, self.literal_flags(pos))),
            RawKind::True | RawKind::False => return ok(pos + 1),
            RawKind::Upper if !self.is(pos + 1, RawKind::Lower) => return ok(pos + 1),
            _ => {}
        }
        self.map(pos).or_else(|| self.list(pos))
    }

    fn math_expr_literal(&self, pos: usize) -> R {
        if let Some((p, mut f)) = self.editor(pos) {
            f.custom_error = true;
            return Some((p, f));
        }
        if let Some(r) = self.converter(pos) {
            return Some(r);
        }
        if matches!(self.kind(pos), Some(RawKind::Float | RawKind::Int)) {
            return Some((pos + 1, self.literal_flags(pos)));
        }
        self.path(pos)
    }

    /// `(Lowercase '.')? field ('.' field)*`.
    fn path(&self, pos: usize) -> R {
        let start = match self.punct(pos + 1, RawKind::Dot) {
            Some(p) if self.is(pos, RawKind::Lower) => p,
            _ => pos,
        };
        let (mut p, mut flags) = self.field(start)?;
        while let Some(q) = self.punct(p, RawKind::Dot) {
            let Some((q, f)) = self.field(q) else { break };
            p = q;
            flags = flags.or(f);
        }
        Some((p, flags))
    }

    fn field(&self, pos: usize) -> R {
        if !self.is(pos, RawKind::Lower) {
            return None;
        }
        let mut flags = Flags::default();
        let (p, _) = self.keys(pos + 1, &mut flags);
        Some((p, flags))
    }

    fn math_expression(&self, pos: usize) -> R {
        self.binary(pos, &[RawKind::Plus, RawKind::Minus], &|p| self.add_sub_term(p))
    }

    fn add_sub_term(&self, pos: usize) -> R {
        self.binary(pos, &[RawKind::Star, RawKind::Slash], &|p| self.math_value(p))
    }

    /// `operand (op operand)*`; a repetition stops at the first failing iteration.
    fn binary(&self, pos: usize, ops: &[RawKind], operand: &dyn Fn(usize) -> R) -> R {
        let (mut p, mut flags) = operand(pos)?;
        while self.kind(p).is_some_and(|k| ops.contains(&k)) {
            let Some((q, f)) = operand(p + 1) else { break };
            p = q;
            flags = flags.or(f);
        }
        Some((p, flags))
    }

    fn math_value(&self, pos: usize) -> R {
        self.math_expr_literal(pos).or_else(|| {
            let p = self.punct(pos, RawKind::LParen)?;
            let (p, f) = self.math_expression(p)?;
            Some((self.punct(p, RawKind::RParen)?, f))
        })
    }

    /// `'[' (value)* (',' value)* ']'`.
    fn list(&self, pos: usize) -> R {
        let mut p = self.punct(pos, RawKind::LBracket)?;
        let mut flags = Flags::default();
        while let Some((q, f)) = self.value(p) {
            p = q;
            flags = flags.or(f);
        }
        while let Some(q) = self.punct(p, RawKind::Comma) {
            let Some((q, f)) = self.value(q) else { break };
            p = q;
            flags = flags.or(f);
        }
        Some((self.punct(p, RawKind::RBracket)?, flags))
    }

    /// `'{' (String ':' value ','?)* '}'`.
    fn map(&self, pos: usize) -> R {
        let mut p = self.punct(pos, RawKind::LBrace)?;
        let mut flags = Flags::default();
        loop {
            let item =
                self.is(p, RawKind::String).then_some(p + 1).and_then(|q| self.punct(q, RawKind::Colon));
            let Some((q, f)) = item.and_then(|q| self.value(q)) else { break };
            flags = flags.or(f).or(self.literal_flags(p));
            p = self.punct(q, RawKind::Comma).unwrap_or(q);
        }
        Some((self.punct(p, RawKind::RBrace)?, flags))
    }

    // ---- conditions ----

    fn bool_expr(&self, pos: usize) -> R {
        self.chain(pos, RawKind::Or, &|p| self.term(p))
    }

    fn term(&self, pos: usize) -> R {
        self.chain(pos, RawKind::And, &|p| self.boolean_value(p))
    }

    fn chain(&self, pos: usize, op: RawKind, operand: &dyn Fn(usize) -> R) -> R {
        let (mut p, mut flags) = operand(pos)?;
        while self.is(p, op) {
            let Some((q, f)) = operand(p + 1) else { break };
            p = q;
            flags = flags.or(f);
        }
        Some((p, flags))
    }

    fn boolean_value(&self, pos: usize) -> R {
        let p = if self.is(pos, RawKind::Not) { pos + 1 } else { pos };
        self.comparison(p)
            .or_else(|| {
                if matches!(self.kind(p), Some(RawKind::True | RawKind::False)) {
                    return ok(p + 1);
                }
                self.converter(p)
            })
            .or_else(|| {
                let q = self.punct(p, RawKind::LParen)?;
                let (q, f) = self.bool_expr(q)?;
                Some((self.punct(q, RawKind::RParen)?, f))
            })
    }

    fn comparison(&self, pos: usize) -> R {
        let (p, f) = self.value(pos)?;
        let cmp = matches!(
            self.kind(p),
            Some(RawKind::EqEq | RawKind::NotEq | RawKind::Lt | RawKind::LtEq | RawKind::Gt | RawKind::GtEq)
        );
        if !cmp {
            return None;
        }
        let (q, g) = self.value(p + 1)?;
        Some((q, f.or(g)))
    }

    // ---- captures ----

    /// Upstream converts a captured literal after the parse; a failure fails the parse.
    fn literal_flags(&self, pos: usize) -> Flags {
        let s = self.src(pos);
        let bad = match self.kind(pos) {
            Some(RawKind::Int) => go_parse_int(s).is_none(),
            Some(RawKind::Float) => !s.parse::<f64>().is_ok_and(f64::is_finite),
            Some(RawKind::Bytes) => (s.len() - 2) % 2 == 1,
            Some(RawKind::String) => lexer::unquote(s).is_err(),
            _ => false,
        };
        Flags { bad_literal: bad, ..Flags::default() }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` for `[-+]?\d+`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let radix = if digits.len() > 1 && digits.starts_with('0') { 8 } else { 10 };
    let m = i128::from_str_radix(digits, radix).ok()?;
    i64::try_from(if neg { -m } else { m }).ok()
}
