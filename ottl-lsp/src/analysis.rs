//! What the server knows about one document, in byte offsets: its diagnostics, the statement
//! under a cursor (with its context), completion, hover, signature help, formatting, semantic
//! tokens. No LSP types here; `server.rs` converts.

use ottl_syntax::diagnostics::Edit;
use ottl_syntax::lexer::{RawKind, lex};
use ottl_syntax::source::{self, OttlFile};
use ottl_syntax::yaml::{self, YamlSnippet};
use ottl_syntax::{Diagnostic, Entry, TextRange};
use ottl_types::complete::{self, Candidate};
use ottl_types::context::ContextId;
use ottl_types::functions::Signature;

/// What kind of file a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ottl,
    Yaml,
}

impl Kind {
    /// By the file's extension; anything not `.ottl` is read as a Collector configuration.
    pub fn of(path: &str) -> Kind {
        let ottl = std::path::Path::new(path).extension().is_some_and(|e| e.eq_ignore_ascii_case("ottl"));
        if ottl { Kind::Ottl } else { Kind::Yaml }
    }
}

/// A statement or condition of the document.
#[derive(Debug)]
pub struct Snippet {
    pub text: String,
    pub entry: Entry,
    pub context: ContextId,
    map: Map,
}

#[derive(Debug)]
enum Map {
    /// Text offsets plus a start (`.ottl` files hold statements verbatim).
    Shift(u32),
    /// A YAML scalar, with its own offset map.
    Yaml(Box<YamlSnippet>),
}

impl Snippet {
    /// A range in the snippet's text as a range in the document.
    pub fn to_doc(&self, r: TextRange) -> TextRange {
        match &self.map {
            Map::Shift(start) => r.shifted(*start),
            Map::Yaml(s) => s.map_range(r),
        }
    }

    fn local(&self, offset: u32) -> Option<usize> {
        match &self.map {
            Map::Shift(start) => {
                offset.checked_sub(*start).map(|o| o as usize).filter(|&o| o <= self.text.len())
            }
            Map::Yaml(s) => s.local_offset(offset).map(|o| o as usize),
        }
    }
}

/// An analysed document: its snippets and diagnostics, computed once per version.
#[derive(Debug)]
pub struct Analysis {
    pub kind: Kind,
    pub snippets: Vec<Snippet>,
    pub diagnostics: Vec<Diagnostic>,
    /// Attribute keys written anywhere in the document (`["key"]`), for completion.
    pub keys: Vec<String>,
}

/// The context the statements of a YAML snippet run in, for completion and hover: the group's
/// or section's `context:`, else the signal's item context.
fn yaml_context(s: &YamlSnippet) -> ContextId {
    if let Some((name, _)) = &s.context
        && let Some(c) = ContextId::from_name(&name.to_ascii_lowercase())
    {
        return c;
    }
    match s.signal.as_deref() {
        Some("traces") => ContextId::Span,
        Some("metrics") => ContextId::Metric,
        Some("profiles") => ContextId::Profile,
        Some("logs") => ContextId::Log,
        _ if s.component.starts_with("routing") => ContextId::Resource,
        _ => ContextId::Log,
    }
}

fn keys_of(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = text
        .match_indices("[\"")
        .filter_map(|(at, _)| text[at + 2..].split('"').next())
        .filter(|k| !k.is_empty() && !k.contains('\n'))
        .map(str::to_string)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

impl Analysis {
    pub fn new(kind: Kind, text: &str) -> Analysis {
        let (snippets, diagnostics) = match kind {
            Kind::Ottl => {
                let file = source::split(text);
                let context = file
                    .context
                    .as_ref()
                    .and_then(|(c, _)| ContextId::from_name(c))
                    .unwrap_or_else(|| inferred(&file).unwrap_or(ContextId::Log));
                let snippets = file
                    .snippets()
                    .map(|s| Snippet {
                        text: s.text.clone(),
                        entry: file.entry,
                        context,
                        map: Map::Shift(s.range.start),
                    })
                    .collect();
                let diagnostics = ottl_types::source::check_ottl_file(&file);
                (snippets, diagnostics)
            }
            Kind::Yaml => {
                let found = yaml::extract(text);
                let snippets = found
                    .as_ref()
                    .map(|all| {
                        all.iter()
                            .map(|s| Snippet {
                                text: s.text.clone(),
                                entry: s.entry,
                                context: yaml_context(s),
                                map: Map::Yaml(Box::new(s.clone())),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let diagnostics = ottl_types::source::check_yaml(text);
                (snippets, diagnostics)
            }
        };
        Analysis { kind, snippets, diagnostics, keys: keys_of(text) }
    }

    /// The snippet holding document offset `offset`, and the offset within it.
    pub fn at(&self, offset: u32) -> Option<(&Snippet, usize)> {
        self.snippets.iter().find_map(|s| s.local(offset).map(|l| (s, l)))
    }

    /// Completion at `offset`: the document range the candidates replace, and the candidates.
    pub fn complete(&self, offset: u32) -> Option<(TextRange, Vec<Candidate>)> {
        let (s, local) = self.at(offset)?;
        let before = s.text.get(..local)?;
        let (start, candidates) = complete::candidates(s.context, before, &self.keys);
        Some((s.to_doc(TextRange::new(start as u32, local as u32)), candidates))
    }

    pub fn hover(&self, offset: u32) -> Option<String> {
        let (s, local) = self.at(offset)?;
        complete::describe(s.context, &s.text, local)
    }

    pub fn signature(&self, offset: u32) -> Option<(&'static Signature, usize)> {
        let (s, local) = self.at(offset)?;
        complete::open_call(s.text.get(..local)?)
    }

    /// Semantic tokens: `(document range, token type index)` in document order; the indices are
    /// those of [`TOKEN_TYPES`].
    pub fn tokens(&self) -> Vec<(TextRange, u32)> {
        let mut out = Vec::new();
        for s in &self.snippets {
            let (tokens, _) = lex(&s.text);
            for (i, t) in tokens.iter().enumerate() {
                let text = &s.text[t.range.as_usize()];
                let called = tokens.get(i + 1).is_some_and(|n| n.kind == RawKind::LParen);
                let ty = match t.kind {
                    RawKind::String | RawKind::Bytes => 3,
                    RawKind::Int | RawKind::Float => 4,
                    RawKind::True | RawKind::False | RawKind::Not | RawKind::Or | RawKind::And => 5,
                    RawKind::Lower if text == "where" || text == "nil" => 5,
                    RawKind::Lower | RawKind::Upper if called => 0,
                    RawKind::Upper => 2,
                    RawKind::Lower => 1,
                    _ => continue,
                };
                out.push((s.to_doc(t.range), ty));
            }
        }
        out.sort_by_key(|(r, _)| r.start);
        out
    }
}

/// The semantic token types the server declares, in index order.
pub const TOKEN_TYPES: [&str; 6] = ["function", "property", "enumMember", "string", "number", "keyword"];

/// The context of a `.ottl` file without a `# context:` line: the first prefix written.
fn inferred(file: &OttlFile) -> Option<ContextId> {
    file.snippets().find_map(|s| {
        let t = s.text.trim_start();
        let word_end = t.find(|c: char| !(c.is_ascii_lowercase() || c == '_')).unwrap_or(t.len());
        // `set(log.body, ...)`: the first path after the editor's parenthesis.
        let after = t.get(word_end..)?.trim_start().strip_prefix('(')?;
        let prefix = after.split('.').next()?;
        ContextId::from_name(prefix.trim())
    })
}

/// Formatting edits: a `.ottl` file as a whole; in YAML, each statement whose canonical form
/// differs and can be written back in the same scalar without changing what YAML decodes.
pub fn format(kind: Kind, text: &str) -> Vec<Edit> {
    match kind {
        Kind::Ottl => {
            let formatted = source::format_file(text);
            if formatted == text {
                Vec::new()
            } else {
                vec![Edit { range: TextRange::new(0, text.len() as u32), replacement: formatted }]
            }
        }
        Kind::Yaml => {
            let Ok(snippets) = yaml::extract(text) else { return Vec::new() };
            let mut edits = Vec::new();
            for (i, s) in snippets.iter().enumerate() {
                let Some(formatted) = source::format_snippet(s.entry, &s.text) else { continue };
                if formatted == s.text {
                    continue;
                }
                let range = s.range();
                // Only scalars whose source is their text byte for byte (no escapes, one line)
                // are rewritten, and only when the YAML still decodes to the formatted text.
                if text.get(range.as_usize()) != Some(s.text.as_str()) {
                    continue;
                }
                let mut candidate = text.to_string();
                candidate.replace_range(range.as_usize(), &formatted);
                let still =
                    yaml::extract(&candidate).ok().and_then(|all| all.get(i).map(|t| t.text == formatted));
                if still == Some(true) {
                    edits.push(Edit { range, replacement: formatted });
                }
            }
            edits
        }
    }
}
