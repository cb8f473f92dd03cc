//! The three entry points: statement, condition, value expression.

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::{BoolExpr, Statement, Value};
use crate::diagnostics::{self, Diagnostic};
use crate::lexer;
use crate::shape::{self, CompareOp, Entry, Tok, Token};
use crate::text::TextRange;
use crate::{grammar, lower};

/// The result of parsing: the tree, when one could be built, and every diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    pub tree: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// True when there is a tree and no error.
    pub fn is_ok(&self) -> bool {
        self.tree.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses one statement: `editor(args) [where condition]`.
pub fn parse_statement(text: &str) -> Parsed<Statement> {
    parse(text, Entry::Statement, |text, errors, tokens| {
        grammar::StatementParser::new().parse(text, errors, tokens).map(|cst| lower::statement(text, cst))
    })
}

/// Parses one condition (a boolean expression), as in `where` clauses and filter conditions.
pub fn parse_condition(text: &str) -> Parsed<BoolExpr> {
    parse(text, Entry::Condition, |text, errors, tokens| {
        grammar::ExpressionParser::new().parse(text, errors, tokens).map(|cst| lower::condition(text, cst))
    })
}

/// Parses one value expression (upstream's `ParseValueExpression`).
pub fn parse_value(text: &str) -> Parsed<Value> {
    parse(text, Entry::Value, |text, errors, tokens| {
        grammar::ExpressionParser::new().parse(text, errors, tokens).map(|cst| lower::value(text, cst))
    })
}

/// The syntax diagnostics of `text` read as `entry`.
pub fn syntax_diagnostics(entry: Entry, text: &str) -> Vec<Diagnostic> {
    match entry {
        Entry::Statement => parse_statement(text).diagnostics,
        Entry::Condition => parse_condition(text).diagnostics,
        Entry::Value => parse_value(text).diagnostics,
    }
}

type Spanned = (u32, Tok, u32);
type Recovered = ErrorRecovery<u32, Tok, ()>;
type GrammarResult<T> = Result<(Option<T>, Vec<Diagnostic>), ParseError<u32, Tok, ()>>;

fn parse<T>(
    text: &str,
    entry: Entry,
    run: impl FnOnce(&str, &mut Vec<Recovered>, std::vec::IntoIter<Spanned>) -> GrammarResult<T>,
) -> Parsed<T> {
    let (raw, mut diagnostics) = lexer::lex(text);
    if raw.is_empty() && diagnostics.is_empty() {
        let what = match entry {
            Entry::Statement => "a statement",
            Entry::Condition => "a condition",
            Entry::Value => "a value",
        };
        let end = text.len() as u32;
        diagnostics.push(diagnostics::empty_input(TextRange::empty(end), what));
        return Parsed { tree: None, diagnostics };
    }
    // Parse errors after a lexer error are nearly always its echo; report the cause alone.
    if !diagnostics.is_empty() {
        return Parsed { tree: None, diagnostics };
    }
    let tokens = match shape::shape(text, &raw, entry) {
        Ok(tokens) => tokens,
        Err(d) => {
            diagnostics.push(d);
            return Parsed { tree: None, diagnostics };
        }
    };
    let spanned: Vec<Spanned> = tokens.iter().map(|t| (t.range.start, t.tok.clone(), t.range.end)).collect();
    let mut recovered = Vec::new();
    let result = run(text, &mut recovered, spanned.into_iter());
    let mut errors: Vec<ParseError<u32, Tok, ()>> = recovered.into_iter().map(|r| r.error).collect();
    let tree = match result {
        Ok((tree, more)) => {
            diagnostics.extend(more);
            tree
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    // Recovery skips tokens up to a `,` or `)`, which can pair a `)` with the wrong `(`; brackets are
    // known to balance, so an unexpected closing bracket after an earlier error is such an echo.
    for (i, e) in errors.into_iter().enumerate() {
        if i == 0 || !is_unexpected_closer(&e) {
            diagnostics.insert(i.min(diagnostics.len()), syntax_error(text, &tokens, e));
        }
    }
    diagnostics.sort_by_key(|d| d.range().start);
    Parsed { tree, diagnostics }
}

fn is_unexpected_closer(e: &ParseError<u32, Tok, ()>) -> bool {
    match e {
        ParseError::UnrecognizedToken { token: (_, tok, _), .. }
        | ParseError::ExtraToken { token: (_, tok, _) } => {
            matches!(tok, Tok::RParen | Tok::RBracket | Tok::RBrace)
        }
        _ => false,
    }
}

fn syntax_error(text: &str, tokens: &[Token], err: ParseError<u32, Tok, ()>) -> Diagnostic {
    match err {
        ParseError::UnrecognizedEof { location, expected } => {
            diagnostics::unexpected_end(TextRange::empty(location), &describe_expected(&expected))
        }
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            let range = TextRange::new(l, r);
            let index = tokens.iter().position(|t| t.range.start == l).unwrap_or(0);
            explain_unexpected(text, tokens, index, &tok, range).unwrap_or_else(|| {
                diagnostics::unexpected_token(range, tok.describe(), &describe_expected(&expected))
            })
        }
        ParseError::ExtraToken { token: (l, tok, r) } => {
            diagnostics::unexpected_token(TextRange::new(l, r), tok.describe(), "the end of the input")
        }
        ParseError::InvalidToken { location } => {
            diagnostics::unexpected_token(TextRange::empty(location), "input", "a token")
        }
        ParseError::User { error: () } => unreachable!("the grammar has no user errors"),
    }
}

/// Recognises the mistakes users make and says what they meant.
fn explain_unexpected(
    text: &str,
    tokens: &[Token],
    index: usize,
    tok: &Tok,
    range: TextRange,
) -> Option<Diagnostic> {
    let prev = index.checked_sub(1).map(|i| &tokens[i]);
    let adjacent = prev.is_some_and(|p| p.range.end == range.start);
    let source = &text[range.as_usize()];
    match tok {
        Tok::Int | Tok::Float
            if source.starts_with(['-', '+']) && prev.is_some_and(|p| ends_value(&p.tok)) =>
        {
            Some(diagnostics::signed_number_after_value(text, range))
        }
        Tok::Equal => Some(misused_equal(text, tokens, index)),
        Tok::ArgName(_) => {
            tokens.get(index + 1).filter(|t| t.tok == Tok::Equal)?;
            Some(misused_equal(text, tokens, index + 1))
        }
        Tok::ListOpen if prev.is_some_and(|p| matches!(p.tok, Tok::Ident | Tok::RParen | Tok::RBracket)) => {
            Some(diagnostics::invalid_key(range))
        }
        Tok::Cmp(_) if adjacent && matches!(prev.map(|p| &p.tok), Some(Tok::Cmp(_) | Tok::Equal)) => {
            let whole = prev.map_or(range, |p| p.range.cover(range));
            let written = &text[whole.as_usize()];
            let instead = match written {
                "<>" => "!=",
                "=<" => "<=",
                "=>" => ">=",
                _ => "==",
            };
            Some(diagnostics::invalid_operator(whole, written, instead))
        }
        Tok::Cmp(_) if prev.is_some_and(|p| ends_value(&p.tok)) && follows_comparison(tokens, index) => {
            Some(diagnostics::chained_comparison(range))
        }
        Tok::Enum | Tok::FuncName(_) if adjacent && matches!(prev.map(|p| &p.tok), Some(Tok::Ident)) => {
            let prev = prev.expect("adjacent implies prev");
            let whole = prev.range.cover(range);
            Some(diagnostics::uppercase_in_path(whole, &text[whole.as_usize()]))
        }
        Tok::Enum | Tok::FuncName(_) if matches!(prev.map(|p| &p.tok), Some(Tok::Dot)) => {
            let mut whole = range;
            for t in &tokens[index + 1..] {
                if t.range.start != whole.end || !matches!(t.tok, Tok::Ident | Tok::Enum | Tok::FuncName(_)) {
                    break;
                }
                whole = whole.cover(t.range);
            }
            Some(diagnostics::uppercase_in_path(whole, &text[whole.as_usize()]))
        }
        Tok::RParen | Tok::RBracket if matches!(prev.map(|p| &p.tok), Some(Tok::Comma)) => {
            let what = if *tok == Tok::RParen { "an argument list" } else { "a list" };
            Some(diagnostics::trailing_comma(prev.expect("matched").range, what))
        }
        _ => None,
    }
}

/// `=` where a comparison was meant: `=` alone, or `=<` / `=>` written for `<=` / `>=`.
fn misused_equal(text: &str, tokens: &[Token], index: usize) -> Diagnostic {
    let equal = tokens[index].range;
    let next = tokens.get(index + 1).filter(|t| t.range.start == equal.end);
    match next.map(|t| &t.tok) {
        Some(Tok::Cmp(op @ (CompareOp::Lt | CompareOp::Gt))) => {
            let whole = equal.cover(next.expect("matched").range);
            let instead = if *op == CompareOp::Lt { "<=" } else { ">=" };
            diagnostics::invalid_operator(whole, &text[whole.as_usize()], instead)
        }
        _ => diagnostics::assignment_as_comparison(equal),
    }
}

/// Whether a comparison operator stands earlier in the same operand of `and`/`or`.
fn follows_comparison(tokens: &[Token], index: usize) -> bool {
    let mut depth = 0i32;
    for t in tokens[..index].iter().rev() {
        match t.tok {
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth += 1,
            Tok::LParen | Tok::KeyOpen | Tok::ListOpen | Tok::LBrace => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Tok::And | Tok::Or | Tok::Not | Tok::Where | Tok::Comma if depth == 0 => return false,
            Tok::Cmp(_) if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn ends_value(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Ident
            | Tok::Int
            | Tok::Float
            | Tok::RParen
            | Tok::RBracket
            | Tok::Str
            | Tok::Enum
            | Tok::Nil
            | Tok::RBrace
    )
}

fn describe_expected(expected: &[String]) -> String {
    if expected.len() == 1 && expected[0] == "\"ident\"" {
        return "a path segment (lowercase letters, digits, `_`)".to_string();
    }
    let mut names: Vec<&str> = Vec::new();
    let mut value = false;
    let mut boolean = false;
    for e in expected {
        let name = match e.trim_matches('"') {
            "editor_name" if !expected.iter().any(|e| e == "\"ident\"") => {
                "an editor call such as `set(...)`"
            }
            "converter_name" if !expected.iter().any(|e| e == "\"ident\"") => continue,
            "bytes" | "float" | "int" | "string" | "nil" | "true" | "false" | "enum" | "ident" | "list["
            | "{" | "converter_name" | "func_name" | "editor_name" => {
                value = true;
                continue;
            }
            // The grammar reads conditions and values alike; saying `or` is expected inside an
            // argument list would mislead, so boolean operators are only named when nothing
            // else could follow.
            "not" | "or" | "and" | "cmp" => {
                boolean = true;
                continue;
            }
            "where" => "`where`",
            "+" | "-" | "*" | "/" => "an arithmetic operator",
            "=" => "`=`",
            "(" => "`(`",
            ")" => "`)`",
            "}" => "`}`",
            ":" => "`:`",
            "," => "`,`",
            "." => "`.`",
            "key[" => "`[`",
            "]" => "`]`",
            "arg_name" => "an argument",
            _ => continue,
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if value {
        names.insert(0, "a value");
    }
    if names.is_empty() && boolean {
        names.push("`and`, `or` or a comparison operator");
    }
    match names.as_slice() {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
