//! OTTL inside Collector YAML: the `transform` and `filter` processors and the `routing`
//! connector.
//!
//! Every statement and condition found keeps a map from each byte of its (decoded) text back to
//! the byte in the YAML file it came from, for plain, single-quoted, double-quoted and block
//! scalars, so that diagnostics point into the YAML file.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::codes;
use crate::diagnostics::Diagnostic;
use crate::shape::Entry;
use crate::text::TextRange;

/// A statement or condition found in a YAML file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlSnippet {
    /// The decoded scalar: the OTTL text.
    pub text: String,
    pub entry: Entry,
    /// Where it was found, as a dotted key path (`processors.transform/pii.log_statements[0]`).
    pub key_path: String,
    /// The component id (`transform/pii`, `filter`, `routing`).
    pub component: String,
    /// The signal: `traces`, `metrics`, `logs` or `profiles` (routing: from its table context).
    pub signal: Option<String>,
    /// The group's or table entry's `context:`, if given, and where.
    pub context: Option<(String, TextRange)>,
    /// The `error_mode` in force (the group's, else the component's), if given, and where.
    pub error_mode: Option<(String, TextRange)>,
    /// The index of the statement group within its list (transform only).
    pub group: Option<usize>,
    /// For each byte of `text` and one past its end: the byte offset in the YAML file.
    offsets: Vec<u32>,
}

impl YamlSnippet {
    /// Maps a range in `text` to a range in the YAML file.
    pub fn map_range(&self, r: TextRange) -> TextRange {
        let at = |i: u32| self.offsets[(i as usize).min(self.offsets.len() - 1)];
        let start = at(r.start);
        let end = if r.is_empty() { start } else { at(r.end - 1) + 1 };
        TextRange::new(start, end.max(start))
    }

    /// The offset in `text` of a byte offset of the YAML file, when it falls within this
    /// scalar's content (its end included).
    pub fn local_offset(&self, yaml_offset: u32) -> Option<u32> {
        let (first, last) = (*self.offsets.first()?, *self.offsets.last()?);
        if yaml_offset < first || yaml_offset > last {
            return None;
        }
        self.offsets.iter().position(|&o| o >= yaml_offset).map(|i| i as u32)
    }

    /// The range of the whole scalar's content in the YAML file.
    pub fn range(&self) -> TextRange {
        self.map_range(TextRange::new(0, self.text.len() as u32))
    }
}

/// The syntax diagnostics of every statement and condition in a Collector configuration, with
/// ranges in the YAML file.
pub fn check(text: &str) -> Vec<Diagnostic> {
    match extract(text) {
        Ok(snippets) => snippets
            .iter()
            .flat_map(|s| {
                crate::syntax_diagnostics(s.entry, &s.text)
                    .into_iter()
                    .map(|d| d.map_ranges(|r| s.map_range(r)))
            })
            .collect(),
        Err(d) => vec![d],
    }
}

/// A YAML node with byte ranges (aliases and other events are `Other`).
#[derive(Clone, Debug)]
pub enum Node {
    Scalar { value: String, style: ScalarStyle, range: TextRange },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Other,
}

impl Node {
    /// The value of a mapping's key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries().find(|(k, _)| k == &key).map(|(_, v)| v)
    }

    /// A mapping's entries whose keys are scalars, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        let entries: &[(Node, Node)] = match self {
            Node::Map(e) => e,
            _ => &[],
        };
        entries.iter().filter_map(|(k, v)| match k {
            Node::Scalar { value, .. } => Some((value.as_str(), v)),
            _ => None,
        })
    }

    /// A sequence's items.
    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// A scalar's decoded value and where it is.
    pub fn scalar(&self) -> Option<(String, TextRange)> {
        match self {
            Node::Scalar { value, range, .. } => Some((value.clone(), *range)),
            _ => None,
        }
    }
}

/// Finds every OTTL statement and condition in a Collector configuration.
pub fn extract(text: &str) -> Result<Vec<YamlSnippet>, Diagnostic> {
    let root = parse_tree(text)?;
    let mut out = Vec::new();
    let mut x = Extractor { text, out: &mut out };
    for (id, proc) in root.get("processors").map(Node::entries).into_iter().flatten() {
        let kind = id.split('/').next().unwrap_or(id);
        let path = format!("processors.{id}");
        match kind {
            "transform" => x.transform(id, &path, proc),
            "filter" => x.filter(id, &path, proc),
            _ => {}
        }
    }
    for (id, conn) in root.get("connectors").map(Node::entries).into_iter().flatten() {
        if id.split('/').next() == Some("routing") {
            x.routing(id, &format!("connectors.{id}"), conn);
        }
    }
    Ok(out)
}

struct Extractor<'a> {
    text: &'a str,
    out: &'a mut Vec<YamlSnippet>,
}

struct Meta<'m> {
    component: &'m str,
    signal: Option<&'m str>,
    context: Option<(String, TextRange)>,
    error_mode: Option<(String, TextRange)>,
    group: Option<usize>,
}

impl Extractor<'_> {
    fn transform(&mut self, id: &str, path: &str, proc: &Node) {
        let error_mode = proc.get("error_mode").and_then(Node::scalar);
        for (key, signal) in [
            ("trace_statements", "traces"),
            ("metric_statements", "metrics"),
            ("log_statements", "logs"),
            ("profile_statements", "profiles"),
        ] {
            let Some(list) = proc.get(key) else { continue };
            for (gi, item) in list.items().iter().enumerate() {
                let item_path = format!("{path}.{key}[{gi}]");
                match item {
                    // Basic style: the whole list is one group with an inferred context.
                    Node::Scalar { .. } => {
                        let meta = Meta {
                            component: id,
                            signal: Some(signal),
                            context: None,
                            error_mode: error_mode.clone(),
                            group: Some(0),
                        };
                        self.push(item, Entry::Statement, item_path, &meta);
                    }
                    Node::Map(_) => {
                        let meta = Meta {
                            component: id,
                            signal: Some(signal),
                            context: item.get("context").and_then(Node::scalar),
                            error_mode: item
                                .get("error_mode")
                                .and_then(Node::scalar)
                                .or_else(|| error_mode.clone()),
                            group: Some(gi),
                        };
                        for (field, entry) in
                            [("conditions", Entry::Condition), ("statements", Entry::Statement)]
                        {
                            for (i, s) in
                                item.get(field).map(Node::items).unwrap_or_default().iter().enumerate()
                            {
                                self.push(s, entry, format!("{item_path}.{field}[{i}]"), &meta);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn filter(&mut self, id: &str, path: &str, proc: &Node) {
        let error_mode = proc.get("error_mode").and_then(Node::scalar);
        for (signal, contexts) in [
            ("traces", &["span", "spanevent"][..]),
            ("metrics", &["metric", "datapoint"][..]),
            ("logs", &["log_record"][..]),
            ("profiles", &["profile"][..]),
        ] {
            let Some(section) = proc.get(signal) else { continue };
            for &ctx in contexts {
                let Some(list) = section.get(ctx) else { continue };
                let context =
                    Some((if ctx == "log_record" { "log" } else { ctx }.to_string(), TextRange::default()));
                let meta = Meta {
                    component: id,
                    signal: Some(signal),
                    context,
                    error_mode: error_mode.clone(),
                    group: None,
                };
                for (i, c) in list.items().iter().enumerate() {
                    self.push(c, Entry::Condition, format!("{path}.{signal}.{ctx}[{i}]"), &meta);
                }
            }
        }
    }

    fn routing(&mut self, id: &str, path: &str, conn: &Node) {
        let error_mode = conn.get("error_mode").and_then(Node::scalar);
        for (i, route) in conn.get("table").map(Node::items).unwrap_or_default().iter().enumerate() {
            let meta = Meta {
                component: id,
                signal: None,
                context: route.get("context").and_then(Node::scalar),
                error_mode: error_mode.clone(),
                group: None,
            };
            if let Some(c) = route.get("condition") {
                self.push(c, Entry::Condition, format!("{path}.table[{i}].condition"), &meta);
            }
            if let Some(s) = route.get("statement") {
                self.push(s, Entry::Statement, format!("{path}.table[{i}].statement"), &meta);
            }
        }
    }

    fn push(&mut self, node: &Node, entry: Entry, key_path: String, meta: &Meta<'_>) {
        let Node::Scalar { value, style, range } = node else { return };
        let offsets = map_scalar(self.text, value, *style, *range);
        self.out.push(YamlSnippet {
            text: value.clone(),
            entry,
            key_path,
            component: meta.component.to_string(),
            signal: meta.signal.map(str::to_string),
            context: meta.context.clone(),
            error_mode: meta.error_mode.clone(),
            group: meta.group,
            offsets,
        });
    }
}

/// Parses a YAML document into a tree with byte ranges.
pub fn parse_tree(text: &str) -> Result<Node, Diagnostic> {
    let char_to_byte = CharIndex::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut root = None;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let at = char_to_byte.byte(e.marker().index());
            Diagnostic::error(codes::E124, format!("invalid YAML: {}", e.info()))
                .with_label(TextRange::empty(at), "the YAML parser stopped here")
        })?;
        let node = match event {
            Event::Scalar(value, style, ..) => {
                Node::Scalar { value: value.into_owned(), style, range: char_to_byte.span(span) }
            }
            Event::SequenceStart(..) => {
                stack.push((Node::Seq(Vec::new()), None));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push((Node::Map(Vec::new()), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop().map_or(Node::Other, |(n, _)| n),
            Event::Alias(_) => Node::Other,
            _ => continue,
        };
        match stack.last_mut() {
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            _ => root = root.or(Some(node)),
        }
    }
    Ok(root.unwrap_or(Node::Other))
}

/// saphyr reports positions in characters; this maps them to bytes.
struct CharIndex {
    bytes: Vec<u32>,
}

impl CharIndex {
    fn new(text: &str) -> Self {
        let mut bytes: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
        bytes.push(text.len() as u32);
        Self { bytes }
    }

    fn byte(&self, char_index: usize) -> u32 {
        self.bytes[char_index.min(self.bytes.len() - 1)]
    }

    fn span(&self, span: Span) -> TextRange {
        TextRange::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// Aligns the decoded `value` with its source text starting at `range.start`, returning for every
/// byte of `value` (and one past the end) the byte offset in `text`.
fn map_scalar(text: &str, value: &str, style: ScalarStyle, range: TextRange) -> Vec<u32> {
    let src = text.as_bytes();
    let mut p = range.start as usize;
    // Skip the opening quote or the block header (`|`, `>-`, ... up to the end of its line).
    match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if matches!(src.get(p), Some(b'\'' | b'"')) => {
            p += 1;
        }
        ScalarStyle::Literal | ScalarStyle::Folded if matches!(src.get(p), Some(b'|' | b'>')) => {
            while p < src.len() && src[p] != b'\n' {
                p += 1;
            }
        }
        _ => {}
    }
    let mut out = Vec::with_capacity(value.len() + 1);
    for ch in value.chars() {
        let here = align_char(src, &mut p, ch, style);
        out.extend(std::iter::repeat_n(here as u32, ch.len_utf8()));
    }
    // One past the end: right after the last mapped character.
    let end = out.last().map_or(p, |&last| {
        let last = last as usize;
        last + text[last..].chars().next().map_or(1, char::len_utf8)
    });
    out.push(end as u32);
    out
}

/// Finds where the decoded character `ch` came from, at or after `*p`, and moves past it.
fn align_char(src: &[u8], p: &mut usize, ch: char, style: ScalarStyle) -> usize {
    let start = *p;
    if style == ScalarStyle::DoubleQuoted && src.get(*p) == Some(&b'\\') {
        let here = *p;
        *p += escape_len(src, *p);
        if ch != '\n' || !matches!(src.get(here + 1), Some(b'\n' | b'\r')) {
            return here;
        }
    }
    let mut buf = [0u8; 4];
    let want = ch.encode_utf8(&mut buf).as_bytes();
    while *p < src.len() {
        if src[*p..].starts_with(want) {
            let here = *p;
            *p += want.len();
            // A single-quoted `''` decodes to one `'`.
            if style == ScalarStyle::SingleQuoted && ch == '\'' && src.get(*p) == Some(&b'\'') {
                *p += 1;
            }
            return here;
        }
        // Folded line breaks decode to a space or fewer newlines: map them to the break.
        if (ch == ' ' || ch == '\n') && matches!(src[*p], b'\n' | b'\r') {
            let here = *p;
            *p += 1;
            while *p < src.len() && matches!(src[*p], b' ' | b'\t') {
                *p += 1;
            }
            return here;
        }
        *p += 1;
    }
    start.min(src.len().saturating_sub(1))
}

fn escape_len(src: &[u8], p: usize) -> usize {
    match src.get(p + 1) {
        Some(b'x') => 4,
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(b'\r') if src.get(p + 2) == Some(&b'\n') => 3,
        Some(_) => 2,
        None => 1,
    }
}
