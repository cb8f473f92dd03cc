//! `.ottl` source files.
//!
//! One statement per line; a statement continues onto the next lines while a bracket or a string
//! is open. `#` starts a comment outside strings. Header comments may set the context and what the
//! lines are:
//!
//! ```text
//! # context: log
//! # kind: condition        (statement is the default; value is the third)
//! ```
//!
//! An unclosed bracket would otherwise swallow the rest of the file, so a line that starts in
//! column 0 with a lowercase letter always starts a new statement: one broken statement never
//! hides the next.

use crate::diagnostics::Diagnostic;
use crate::format;
use crate::shape::Entry;
use crate::text::TextRange;

/// One statement (or condition, or value) of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Where the snippet is in the file, from its first to its last character.
    pub range: TextRange,
    /// The snippet's text with any comments inside it blanked out (same length as `range`).
    pub text: String,
    /// A comment on the snippet's last line.
    pub trailing_comment: Option<TextRange>,
    /// True when a comment stands between the snippet's lines.
    pub has_inner_comments: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Snippet(Snippet),
    /// A whole-line comment.
    Comment(TextRange),
    /// An empty line between items.
    Blank,
}

/// A parsed `.ottl` file layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OttlFile {
    pub context: Option<(String, TextRange)>,
    pub entry: Entry,
    pub items: Vec<Item>,
}

impl OttlFile {
    pub fn snippets(&self) -> impl Iterator<Item = &Snippet> {
        self.items.iter().filter_map(|i| match i {
            Item::Snippet(s) => Some(s),
            _ => None,
        })
    }
}

/// Splits `text` into items and reads the header.
pub fn split(text: &str) -> OttlFile {
    let mut file = OttlFile { context: None, entry: Entry::Statement, items: Vec::new() };
    let lines = line_ranges(text);
    let mut header = true;
    let mut i = 0;
    while i < lines.len() {
        let (start, end) = lines[i];
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            file.items.push(Item::Blank);
            i += 1;
            continue;
        }
        let first = start + (line.len() - trimmed.len());
        if trimmed.starts_with('#') {
            if header {
                read_pragma(&mut file, trimmed, first);
            }
            file.items.push(Item::Comment(TextRange::new(first as u32, end as u32)));
            i += 1;
            continue;
        }
        header = false;
        let (snippet, next) = scan_snippet(text, &lines, i, first);
        file.items.push(Item::Snippet(snippet));
        i = next;
    }
    file
}

fn read_pragma(file: &mut OttlFile, comment: &str, at: usize) {
    let body = comment.trim_start_matches('#').trim();
    let Some((key, value)) = body.split_once(':') else { return };
    let value = value.trim();
    match key.trim() {
        "context" => {
            let offset = comment.find(value).map_or(at, |o| at + o);
            let range = TextRange::new(offset as u32, (offset + value.len()) as u32);
            file.context = Some((value.to_string(), range));
        }
        "kind" => {
            file.entry = match value {
                "condition" => Entry::Condition,
                "value" => Entry::Value,
                _ => Entry::Statement,
            };
        }
        _ => {}
    }
}

/// Each line's start and end, without its line break. Carriage returns at a line's end count as
/// part of the break (a lone `\r` is whitespace to OTTL), so CRLF files split like LF files.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let trimmed_end = |start: usize, end: usize| start + text[start..end].trim_end_matches('\r').len();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, trimmed_end(start, i)));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, trimmed_end(start, text.len())));
    }
    out
}

/// Scans one snippet starting at `first` on line `line`; returns it and the next line index.
fn scan_snippet(text: &str, lines: &[(usize, usize)], mut line: usize, first: usize) -> (Snippet, usize) {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut comments: Vec<(usize, usize)> = Vec::new();
    let mut pos = first;
    let mut last_code_end;
    loop {
        let (_, end) = lines[line];
        let mut comment_at = None;
        let mut escaped = false;
        while pos < end {
            let b = bytes[pos];
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    b'#' => {
                        comment_at = Some(pos);
                        break;
                    }
                    _ => {}
                }
            }
            pos += 1;
        }
        let code_end = comment_at.unwrap_or(end);
        last_code_end = first.max(lines[line].0 + text[lines[line].0..code_end].trim_end().len());
        if let Some(c) = comment_at {
            comments.push((c, end));
        }
        let next = line + 1;
        let continues = next < lines.len()
            && (in_string || (depth > 0 && !starts_statement(&text[lines[next].0..lines[next].1])));
        if !continues {
            let trailing = comments.last().filter(|(c, _)| *c >= lines[line].0).copied();
            let inner = comments.len() > usize::from(trailing.is_some());
            let end = if in_string { lines[line].1 } else { last_code_end };
            let mut snippet_text = text[first..end].to_string();
            for &(c, e) in &comments {
                if c < end {
                    let e = e.min(end);
                    snippet_text.replace_range(c - first..e - first, &" ".repeat(e - c));
                }
            }
            let snippet = Snippet {
                range: TextRange::new(first as u32, end as u32),
                text: snippet_text,
                trailing_comment: trailing.map(|(c, e)| TextRange::new(c as u32, e as u32)),
                has_inner_comments: inner,
            };
            return (snippet, next);
        }
        line = next;
        pos = lines[line].0;
    }
}

fn starts_statement(line: &str) -> bool {
    line.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// Diagnostics of every snippet, with ranges in file coordinates.
pub fn check(file: &OttlFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in file.snippets() {
        let diags = crate::syntax_diagnostics(file.entry, &s.text);
        out.extend(diags.into_iter().map(|d| d.shifted(s.range.start)));
    }
    out
}

/// Formats one snippet; `None` when it does not parse cleanly (it is then left as written).
pub fn format_snippet(entry: Entry, text: &str) -> Option<String> {
    format::canonical(entry, text)
}

/// The canonical form of a whole `.ottl` file: comments kept, runs of blank lines folded to one,
/// snippets formatted (a snippet with comments between its lines, or with errors, is kept as is).
pub fn format_file(text: &str) -> String {
    let file = split(text);
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for item in &file.items {
        match item {
            Item::Blank => {
                blank_pending = !out.is_empty();
                continue;
            }
            _ if blank_pending => {
                out.push('\n');
                blank_pending = false;
            }
            _ => {}
        }
        match item {
            Item::Comment(r) => out.push_str(text[r.as_usize()].trim_end()),
            Item::Snippet(s) => {
                let written = &text[s.range.as_usize()];
                let formatted = if s.has_inner_comments { None } else { format_snippet(file.entry, &s.text) };
                out.push_str(formatted.as_deref().unwrap_or(written));
                if let Some(c) = s.trailing_comment {
                    out.push_str("  ");
                    out.push_str(text[c.as_usize()].trim_end());
                }
            }
            Item::Blank => unreachable!(),
        }
        out.push('\n');
    }
    out
}
