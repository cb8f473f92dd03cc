//! Token shaping: turns upstream's context-sensitive token rules into plain tokens for the LR
//! grammar.
//!
//! Upstream parses with participle, a PEG-style parser: alternatives are tried in order and the
//! first that matches wins, names are glued from several tokens, and some tokens mean different
//! things by position. An LR(1) grammar cannot express that directly, so this pass decides those
//! things first, with exactly upstream's rules:
//!
//! * **Glued names.** A run of identifier tokens followed by `(` is one function name
//!   (`Is Match(` is `IsMatch(`); followed by `=` it is one argument name. A run that starts with
//!   an uppercase token followed by a lowercase one (`Sha256`) is a bare function name.
//! * **`where`.** Only the first `where` after the statement's call, outside brackets, is the
//!   keyword; elsewhere it is an ordinary identifier.
//! * **`nil`.** Where a value starts, `nil` is the nil literal (even before `(`); after a `.` it
//!   is a path segment.
//! * **`[`.** After a path segment, a converter call or a key, upstream first tries to read a key
//!   (`[String]`, `[Int]` or `[math expression]`). When that fails the bracket starts a list (only
//!   a list's juxtaposed items, `[a [1, 2]]`, can make that parse).

use crate::diagnostics::{self, Diagnostic};
use crate::lexer::{RawKind, RawToken};
use crate::text::TextRange;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

/// The tokens the LR grammar reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Bytes,
    Float,
    Int,
    Str,
    Not,
    Or,
    And,
    True,
    False,
    Nil,
    Where,
    Cmp(CompareOp),
    Plus,
    Minus,
    Star,
    Slash,
    Equal,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Colon,
    Comma,
    Dot,
    /// `[` that starts a key.
    KeyOpen,
    /// `[` that starts a list.
    ListOpen,
    RBracket,
    /// A lowercase identifier: a path segment.
    Ident,
    /// An uppercase identifier not followed by a lowercase one: an enum symbol.
    Enum,
    /// A glued name followed by `(` that starts lowercase.
    EditorName(String),
    /// A glued name followed by `(` that starts uppercase.
    ConverterName(String),
    /// A glued lowercase name followed by `=`.
    ArgName(String),
    /// A glued name that starts uppercase-then-lowercase and is not called (`Sha256`).
    FuncName(String),
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Bytes => "a bytes literal",
            Self::Float => "a float",
            Self::Int => "an integer",
            Self::Str => "a string",
            Self::Not => "`not`",
            Self::Or => "`or`",
            Self::And => "`and`",
            Self::True | Self::False => "a boolean",
            Self::Nil => "`nil`",
            Self::Where => "`where`",
            Self::Cmp(_) => "a comparison operator",
            Self::Plus | Self::Minus | Self::Star | Self::Slash => "an arithmetic operator",
            Self::Equal => "`=`",
            Self::LParen => "`(`",
            Self::RParen => "`)`",
            Self::LBrace => "`{`",
            Self::RBrace => "`}`",
            Self::Colon => "`:`",
            Self::Comma => "`,`",
            Self::Dot => "`.`",
            Self::KeyOpen | Self::ListOpen => "`[`",
            Self::RBracket => "`]`",
            Self::Ident => "an identifier",
            Self::Enum => "an enum symbol",
            Self::EditorName(_) | Self::ConverterName(_) => "a function call",
            Self::ArgName(_) => "an argument name",
            Self::FuncName(_) => "a function name",
        }
    }
}

/// A shaped token with its byte range.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub range: TextRange,
}

/// Which grammar entry point the tokens are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Entry {
    Statement,
    Condition,
    Value,
}

/// Shapes `raw` (lexed from `text`). Returns `Err` with a diagnostic when brackets are unbalanced:
/// the LR parser could only say something vaguer.
pub fn shape(text: &str, raw: &[RawToken], entry: Entry) -> Result<Vec<Token>, Diagnostic> {
    check_balance(raw)?;
    let mut tokens = glue(text, raw, entry);
    classify_brackets(&mut tokens);
    Ok(tokens)
}

fn check_balance(raw: &[RawToken]) -> Result<(), Diagnostic> {
    let mut stack: Vec<RawToken> = Vec::new();
    for t in raw {
        match t.kind {
            RawKind::LParen | RawKind::LBracket | RawKind::LBrace => stack.push(*t),
            RawKind::RParen | RawKind::RBracket | RawKind::RBrace => {
                let want = match t.kind {
                    RawKind::RParen => RawKind::LParen,
                    RawKind::RBracket => RawKind::LBracket,
                    _ => RawKind::LBrace,
                };
                match stack.pop() {
                    Some(open) if open.kind == want => {}
                    Some(open) => {
                        let (o, c) = pair(open.kind);
                        return Err(diagnostics::unbalanced(open.range, o, c, true)
                            .with_label(t.range, "closed by this instead"));
                    }
                    None => {
                        let (o, c) = pair(want);
                        return Err(diagnostics::unbalanced(t.range, o, c, false));
                    }
                }
            }
            _ => {}
        }
    }
    match stack.pop() {
        Some(open) => {
            let (o, c) = pair(open.kind);
            Err(diagnostics::unbalanced(open.range, o, c, true))
        }
        None => Ok(()),
    }
}

fn pair(open: RawKind) -> (char, char) {
    match open {
        RawKind::LParen => ('(', ')'),
        RawKind::LBracket => ('[', ']'),
        _ => ('{', '}'),
    }
}

fn glue(text: &str, raw: &[RawToken], entry: Entry) -> Vec<Token> {
    let slice = |t: &RawToken| &text[t.range.as_usize()];
    let mut out = Vec::with_capacity(raw.len());
    let mut depth = 0usize;
    let mut call_closed = false;
    let mut where_seen = entry != Entry::Statement;
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i];
        let after_dot = i > 0 && raw[i - 1].kind == RawKind::Dot;
        if !t.kind.is_ident() {
            let tok = simple(t.kind);
            match t.kind {
                RawKind::LParen | RawKind::LBracket | RawKind::LBrace => depth += 1,
                RawKind::RParen | RawKind::RBracket | RawKind::RBrace => {
                    depth = depth.saturating_sub(1);
                    call_closed |= depth == 0 && t.kind == RawKind::RParen;
                }
                _ => {}
            }
            out.push(Token { tok, range: t.range });
            i += 1;
            continue;
        }
        if after_dot {
            let tok = if t.kind == RawKind::Lower { Tok::Ident } else { Tok::Enum };
            out.push(Token { tok, range: t.range });
            i += 1;
            continue;
        }
        if !where_seen && call_closed && depth == 0 && slice(&t) == "where" {
            where_seen = true;
            out.push(Token { tok: Tok::Where, range: t.range });
            i += 1;
            continue;
        }
        let end = raw[i..].iter().take_while(|r| r.kind.is_ident()).count() + i;
        let glued = || raw[i..end].iter().map(slice).collect::<String>();
        let whole = TextRange::new(t.range.start, raw[end - 1].range.end);
        let follower = raw.get(end).map(|r| r.kind);
        let statement_start = entry == Entry::Statement && i == 0;
        let is_nil = t.kind == RawKind::Lower && slice(&t) == "nil";
        let (tok, next) = match follower {
            Some(RawKind::LParen) if !is_nil || statement_start => {
                if t.kind == RawKind::Lower {
                    (Tok::EditorName(glued()), end)
                } else {
                    (Tok::ConverterName(glued()), end)
                }
            }
            Some(RawKind::Equal) if t.kind == RawKind::Lower => (Tok::ArgName(glued()), end),
            _ => match t.kind {
                RawKind::Lower if is_nil => (Tok::Nil, i + 1),
                RawKind::Lower => (Tok::Ident, i + 1),
                _ if end > i + 1 && raw[i + 1].kind == RawKind::Lower => (Tok::FuncName(glued()), end),
                _ => (Tok::Enum, i + 1),
            },
        };
        let range = if next == end { whole } else { t.range };
        out.push(Token { tok, range });
        i = next;
    }
    out
}

fn simple(kind: RawKind) -> Tok {
    match kind {
        RawKind::Bytes => Tok::Bytes,
        RawKind::Float => Tok::Float,
        RawKind::Int => Tok::Int,
        RawKind::String => Tok::Str,
        RawKind::EqEq => Tok::Cmp(CompareOp::Eq),
        RawKind::NotEq => Tok::Cmp(CompareOp::Ne),
        RawKind::GtEq => Tok::Cmp(CompareOp::Ge),
        RawKind::LtEq => Tok::Cmp(CompareOp::Le),
        RawKind::Gt => Tok::Cmp(CompareOp::Gt),
        RawKind::Lt => Tok::Cmp(CompareOp::Lt),
        RawKind::Plus => Tok::Plus,
        RawKind::Minus => Tok::Minus,
        RawKind::Star => Tok::Star,
        RawKind::Slash => Tok::Slash,
        RawKind::Equal => Tok::Equal,
        RawKind::LParen => Tok::LParen,
        RawKind::RParen => Tok::RParen,
        RawKind::LBrace => Tok::LBrace,
        RawKind::RBrace => Tok::RBrace,
        RawKind::Colon => Tok::Colon,
        RawKind::Comma => Tok::Comma,
        RawKind::Dot => Tok::Dot,
        RawKind::LBracket => Tok::ListOpen,
        RawKind::RBracket => Tok::RBracket,
        RawKind::Not => Tok::Not,
        RawKind::Or => Tok::Or,
        RawKind::And => Tok::And,
        RawKind::True => Tok::True,
        RawKind::False => Tok::False,
        RawKind::Upper | RawKind::Lower => unreachable!("identifiers are glued, not mapped"),
    }
}

/// Decides, innermost first, whether each `[` opens a key or a list.
fn classify_brackets(tokens: &mut [Token]) {
    // For each `(`: does it open a call's argument list? For each `[`: is it a key?
    let mut calls = vec![false; tokens.len()];
    let mut stack: Vec<usize> = Vec::new();
    // `indexable_end[i]`: token i ends something a key may follow (a call's `)`, a key's `]`).
    let mut indexable_end = vec![false; tokens.len()];
    for i in 0..tokens.len() {
        match tokens[i].tok {
            Tok::LParen => {
                calls[i] = i > 0 && matches!(tokens[i - 1].tok, Tok::EditorName(_) | Tok::ConverterName(_));
                stack.push(i);
            }
            Tok::LBrace | Tok::ListOpen => stack.push(i),
            Tok::RParen => {
                let open = stack.pop().expect("balanced");
                indexable_end[i] = calls[open];
            }
            Tok::RBrace => {
                stack.pop();
            }
            Tok::RBracket => {
                let open = stack.pop().expect("balanced");
                let follows_indexable = open > 0
                    && (tokens[open - 1].tok == Tok::Ident
                        || indexable_end[open - 1]
                        || (tokens[open - 1].tok == Tok::Nil && nil_is_path(tokens, open - 1)));
                if follows_indexable && is_key(&tokens[open + 1..i]) {
                    tokens[open].tok = Tok::KeyOpen;
                    indexable_end[i] = true;
                }
            }
            _ => {}
        }
    }
}

/// Whether the `nil` at `at` heads a path rather than being the nil literal: upstream tries the
/// literal only where a whole value starts, so after an arithmetic operator, or first in what may
/// be a key (a `[` right after something indexable), `nil` is a path segment.
fn nil_is_path(tokens: &[Token], at: usize) -> bool {
    match at.checked_sub(1).map(|i| &tokens[i].tok) {
        Some(Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash) => true,
        Some(Tok::ListOpen | Tok::KeyOpen) => {
            at >= 2 && matches!(tokens[at - 2].tok, Tok::Ident | Tok::RParen | Tok::RBracket)
        }
        _ => false,
    }
}

/// Whether `content` (between `[` and `]`) reads as upstream's key: `String`, `Int`, or a math
/// expression. The first alternative that starts matching wins, so `[1 + 2]` is not a key.
fn is_key(content: &[Token]) -> bool {
    match content.first().map(|t| &t.tok) {
        None => false,
        Some(Tok::Str | Tok::Int) => content.len() == 1,
        Some(_) => {
            let mut pos = 0;
            math(content, &mut pos) && pos == content.len()
        }
    }
}

fn math(ts: &[Token], pos: &mut usize) -> bool {
    if !term(ts, pos) {
        return false;
    }
    while matches!(ts.get(*pos).map(|t| &t.tok), Some(Tok::Plus | Tok::Minus)) {
        *pos += 1;
        if !term(ts, pos) {
            return false;
        }
    }
    true
}

fn term(ts: &[Token], pos: &mut usize) -> bool {
    if !math_value(ts, pos) {
        return false;
    }
    while matches!(ts.get(*pos).map(|t| &t.tok), Some(Tok::Star | Tok::Slash)) {
        *pos += 1;
        if !math_value(ts, pos) {
            return false;
        }
    }
    true
}

fn math_value(ts: &[Token], pos: &mut usize) -> bool {
    let Some(t) = ts.get(*pos) else { return false };
    match t.tok {
        Tok::LParen => {
            *pos += 1;
            math(ts, pos) && eat(ts, pos, &Tok::RParen)
        }
        Tok::EditorName(_) | Tok::ConverterName(_) => {
            *pos += 1;
            skip_group(ts, pos) && keys(ts, pos)
        }
        Tok::Float | Tok::Int => {
            *pos += 1;
            true
        }
        Tok::Ident | Tok::Nil => {
            *pos += 1;
            if !keys(ts, pos) {
                return false;
            }
            while ts.get(*pos).map(|t| &t.tok) == Some(&Tok::Dot) {
                *pos += 1;
                if !eat(ts, pos, &Tok::Ident) || !keys(ts, pos) {
                    return false;
                }
            }
            true
        }
        _ => false,
    }
}

fn keys(ts: &[Token], pos: &mut usize) -> bool {
    while ts.get(*pos).map(|t| &t.tok) == Some(&Tok::KeyOpen) {
        if !skip_group(ts, pos) {
            return false;
        }
    }
    true
}

fn eat(ts: &[Token], pos: &mut usize, tok: &Tok) -> bool {
    let ok = ts.get(*pos).map(|t| &t.tok) == Some(tok);
    *pos += usize::from(ok);
    ok
}

/// Skips a balanced group starting at an opening bracket.
fn skip_group(ts: &[Token], pos: &mut usize) -> bool {
    let mut depth = 0usize;
    while let Some(t) = ts.get(*pos) {
        *pos += 1;
        match t.tok {
            Tok::LParen | Tok::KeyOpen | Tok::ListOpen | Tok::LBrace => depth += 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            _ if depth == 0 => return false,
            _ => {}
        }
    }
    false
}
