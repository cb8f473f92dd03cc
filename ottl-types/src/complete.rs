//! What editors and the REPL offer while typing: completion candidates at a cursor, the call a
//! cursor is in (for signature help), and descriptions of paths and enums (for hover). Shared by
//! `ottl repl` and the language server so both offer the same things.

use std::fmt::Write as _;

use ottl_syntax::lexer::{RawKind, lex};

use crate::context::{ContextId, Field, Settable};
use crate::functions::{self, SIGNATURES, Signature};

/// What a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    Editor,
    Converter,
    Field,
    Context,
    Enum,
    Key,
    Keyword,
}

#[derive(Clone, Debug)]
pub struct Candidate {
    /// What is inserted for the word being typed (functions end with `(`).
    pub text: String,
    pub kind: CandidateKind,
    /// A one-line description: a signature, a field's kind, an enum's value.
    pub detail: String,
    /// The function, for candidates that are calls.
    pub function: Option<&'static Signature>,
}

/// Where the word being typed starts in `line` (identifiers and dots; `:` for REPL commands).
fn word_start(line: &str) -> usize {
    line.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1)
}

fn field_candidate(prefix: &str, f: &Field) -> Candidate {
    let settable = match f.settable {
        Settable::Yes => "",
        Settable::No => ", read-only",
        Settable::Ignored => ", setting it does nothing",
    };
    Candidate {
        text: format!("{prefix}{}", f.name),
        kind: CandidateKind::Field,
        detail: format!("{}{settable}: {}", f.kind, f.doc),
        function: None,
    }
}

/// Keys, inside `["...` or right after `attributes[`.
fn key_candidates(before: &str, keys: &[String]) -> Option<(usize, Vec<Candidate>)> {
    // Inside `["...`: keys.
    if let Some(open) = before.rfind("[\"")
        && !before[open + 2..].contains('"')
    {
        let typed = &before[open + 2..];
        let out = keys
            .iter()
            .filter(|k| k.starts_with(typed))
            .map(|k| Candidate {
                text: format!("{k}\"]"),
                kind: CandidateKind::Key,
                detail: "a key used here".into(),
                function: None,
            })
            .collect();
        return Some((open + 2, out));
    }
    // Right after `attributes[`: keys, quoted.
    if before.ends_with('[')
        && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    {
        let out = keys
            .iter()
            .map(|k| Candidate {
                text: format!("\"{k}\"]"),
                kind: CandidateKind::Key,
                detail: "a key used here".into(),
                function: None,
            })
            .collect();
        return Some((before.len(), out));
    }
    None
}

/// The candidates for the word that ends `before` (the text of one statement or condition up to
/// the cursor), in `context`. `keys` are the attribute keys to offer inside `["`.
pub fn candidates(context: ContextId, before: &str, keys: &[String]) -> (usize, Vec<Candidate>) {
    if let Some(found) = key_candidates(before, keys) {
        return found;
    }
    let start = word_start(before);
    let word = &before[start..];
    let mut out = Vec::new();
    if let Some((head, last)) = word.rsplit_once('.') {
        let fields = match ContextId::from_name(head) {
            Some(c) if context.reachable().contains(&head) => c.fields(),
            _ => context.fields().iter().find(|f| f.name == head).map_or(&[][..], |f| f.children),
        };
        out.extend(
            fields
                .iter()
                .filter(|f| f.name.starts_with(last))
                .map(|f| field_candidate(&format!("{head}."), f)),
        );
        return (start, out);
    }
    let at_start = before[..start].trim().is_empty();
    for sig in SIGNATURES {
        if sig.name.starts_with(word) && sig.is_editor() == at_start {
            let kind = if sig.is_editor() { CandidateKind::Editor } else { CandidateKind::Converter };
            out.push(Candidate {
                text: format!("{}(", sig.name),
                kind,
                detail: sig.render(),
                function: Some(sig),
            });
        }
    }
    if !at_start {
        out.extend(
            context.fields().iter().filter(|f| f.name.starts_with(word)).map(|f| field_candidate("", f)),
        );
        out.extend(context.reachable().iter().filter(|c| c.starts_with(word)).map(|c| Candidate {
            text: format!("{c}."),
            kind: CandidateKind::Context,
            detail: format!("paths of the {c} context"),
            function: None,
        }));
        out.extend(context.enums().iter().filter(|(e, _)| e.starts_with(word)).map(|(e, v)| Candidate {
            text: (*e).to_string(),
            kind: CandidateKind::Enum,
            detail: format!("enum, {v}"),
            function: None,
        }));
        // Named arguments of the call the cursor is in (`limit(..., priority_keys = ...)`).
        if let Some((sig, _)) = open_call(before) {
            for p in sig.params {
                // `PriorityKeys` → `priority_keys`: upstream matches either spelling.
                let name = crate::check::snake(p.name);
                if name.starts_with(word) && !word.is_empty() {
                    out.push(Candidate {
                        text: format!("{name} = "),
                        kind: CandidateKind::Keyword,
                        detail: format!("named argument of {}: {}", sig.name, p.doc),
                        function: None,
                    });
                }
            }
        }
        let in_statement = before.contains(')') || before.contains(']');
        for kw in ["where", "and", "or", "not", "nil", "true", "false"] {
            if kw.starts_with(word) && !word.is_empty() && (kw != "where" || in_statement) {
                out.push(Candidate {
                    text: kw.into(),
                    kind: CandidateKind::Keyword,
                    detail: "keyword".into(),
                    function: None,
                });
            }
        }
    }
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out.dedup_by(|a, b| a.text == b.text);
    (start, out)
}

/// The function whose argument list `before` ends in, and the index of the argument there.
pub fn open_call(before: &str) -> Option<(&'static Signature, usize)> {
    let (tokens, _) = lex(before);
    // For each open bracket: the call's name token (if a call) and the commas seen.
    let mut stack: Vec<(Option<usize>, usize)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            RawKind::LParen => stack.push((i.checked_sub(1).filter(|&p| tokens[p].kind.is_ident()), 0)),
            RawKind::LBracket | RawKind::LBrace => stack.push((None, 0)),
            RawKind::RParen | RawKind::RBracket | RawKind::RBrace => {
                stack.pop();
            }
            RawKind::Comma => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
            }
            _ => {}
        }
    }
    let (name, arg) = stack.into_iter().rev().find_map(|(n, a)| n.map(|n| (n, a)))?;
    Some((functions::lookup(&before[tokens[name].range.as_usize()])?, arg))
}

/// A description of the path, function or enum at `offset` of `text` (for hover).
pub fn describe(context: ContextId, text: &str, offset: usize) -> Option<String> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start =
        text[..offset.min(text.len())].rfind(|c: char| !(is_word(c) || c == '.')).map_or(0, |i| i + 1);
    let end = text[offset.min(text.len())..].find(|c: char| !is_word(c)).map_or(text.len(), |i| offset + i);
    let word = text.get(start..end)?;
    if word.is_empty() {
        return None;
    }
    if text[end..].trim_start().starts_with('(') {
        let sig = functions::lookup(word.rsplit('.').next()?)?;
        let mut out = format!("```\n{}\n```\n{}\n", sig.render(), sig.summary);
        for p in sig.params {
            let _ = writeln!(out, "- `{}`: {}", p.name, p.doc);
        }
        let _ = write!(out, "\nExample: `{}`", sig.example);
        return Some(out);
    }
    if let Some(v) = context.enum_value(word) {
        return Some(format!("`{word}`: enum of the {} context, value {v}", context.name()));
    }
    // A path: walk its segments through the context's fields.
    let mut segments = word.split('.').peekable();
    let mut ctx = context;
    if let Some(first) = segments.peek()
        && context.reachable().contains(first)
        && let Some(c) = ContextId::from_name(first)
    {
        ctx = c;
        segments.next();
    }
    let mut fields = ctx.fields();
    let mut found = None;
    for s in segments {
        let f = fields.iter().find(|f| f.name == s)?;
        fields = f.children;
        found = Some(f);
    }
    let f = found?;
    let settable = match f.settable {
        Settable::Yes => "settable",
        Settable::No => "read-only",
        Settable::Ignored => "setting it does nothing",
    };
    Some(format!("`{word}`: {}, {settable} ({} context)\n\n{}", f.kind, ctx.name(), f.doc))
}
