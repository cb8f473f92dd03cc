//! Tokenizing as Go's strict `encoding/xml` decoder does, and building the tree as xmlquery's
//! parser does (its level bookkeeping included, quirks and all).

use std::fmt;

use super::{Attr, Doc, Id, Kind, Node, ROOT};

/// Deeper documents are refused: everything that walks a tree recurses.
pub const MAX_DEPTH: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the decoder hands out.
#[derive(Debug)]
pub(super) enum Token {
    Start { prefix: String, local: String, attrs: Vec<Attr> },
    End,
    Text(String),
    CData(String),
    Comment(String),
    ProcInst { target: String, inst: String },
    Directive(String),
}

pub(super) struct Tokenizer<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
    /// Open elements, for matching end tags.
    stack: Vec<(String, String)>,
    /// A self-closing tag's end, handed out after its start.
    pending_end: bool,
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Tokenizer { s, pos: 0, line: 1, stack: Vec::new(), pending_end: false }
    }

    pub(super) fn depth(&self) -> usize {
        self.stack.len()
    }

    fn err(&self, msg: impl fmt::Display) -> ParseError {
        ParseError(format!("XML syntax error on line {}: {msg}", self.line))
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn bump(&mut self, n: usize) -> &'a str {
        let taken = &self.s[self.pos..self.pos + n];
        self.line += taken.matches('\n').count();
        self.pos += n;
        taken
    }

    fn eof(&self) -> ParseError {
        self.err("unexpected EOF")
    }

    /// The next token, `None` at the end of the input.
    pub(super) fn next(&mut self) -> Result<Option<Token>, ParseError> {
        if std::mem::take(&mut self.pending_end) {
            return Ok(Some(Token::End));
        }
        let rest = self.rest();
        if rest.is_empty() {
            return if self.stack.is_empty() { Ok(None) } else { Err(self.eof()) };
        }
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = self.bump(end);
            return Ok(Some(Token::Text(self.unescape(raw)?)));
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or_else(|| self.eof())?;
            let text = body[..end].to_string();
            self.bump(4 + end + 3);
            return Ok(Some(Token::Comment(text)));
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").ok_or_else(|| self.eof())?;
            let text = normalize_newlines(&body[..end]);
            self.bump(9 + end + 3);
            return Ok(Some(Token::CData(text)));
        }
        if rest.starts_with("<!") {
            return self.directive().map(Some);
        }
        if let Some(body) = rest.strip_prefix("<?") {
            let end = body.find("?>").ok_or_else(|| self.eof())?;
            let inner = &body[..end];
            let name_len = name_length(inner);
            if name_len == 0 {
                return Err(self.err("expected target name after <?"));
            }
            let target = inner[..name_len].to_string();
            let inst = inner[name_len..].trim_start().to_string();
            self.bump(2 + end + 2);
            return Ok(Some(Token::ProcInst { target, inst }));
        }
        if rest.starts_with("</") {
            self.bump(2);
            let (prefix, local) = self.name().ok_or_else(|| self.err("expected element name after </"))?;
            self.skip_space();
            if !self.rest().starts_with('>') {
                return Err(self.err(format!("invalid characters between </{} and >", join(&prefix, &local))));
            }
            self.bump(1);
            return match self.stack.pop() {
                None => Err(self.err(format!("unexpected end element </{}>", join(&prefix, &local)))),
                Some(open) if open != (prefix.clone(), local.clone()) => Err(self.err(format!(
                    "element <{}> closed by </{}>",
                    join(&open.0, &open.1),
                    join(&prefix, &local)
                ))),
                Some(_) => Ok(Some(Token::End)),
            };
        }
        self.start().map(Some)
    }

    fn directive(&mut self) -> Result<Token, ParseError> {
        // `<!DOCTYPE x [ <!ENTITY ...> ]>`: nested angle brackets and quotes are skipped over.
        let body = &self.rest()[2..];
        let (mut depth, mut quote, mut end) = (1usize, None, None);
        for (i, c) in body.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '<') => depth += 1,
                (None, '>') => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| self.eof())?;
        let text = body[..end].to_string();
        self.bump(2 + end + 1);
        Ok(Token::Directive(text))
    }

    fn start(&mut self) -> Result<Token, ParseError> {
        self.bump(1);
        let (prefix, local) = self.name().ok_or_else(|| self.err("expected element name after <"))?;
        let mut attrs = Vec::new();
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.is_empty() {
                return Err(self.eof());
            }
            if rest.starts_with("/>") {
                self.bump(2);
                self.pending_end = true;
                return Ok(Token::Start { prefix, local, attrs });
            }
            if rest.starts_with('>') {
                self.bump(1);
                self.stack.push((prefix.clone(), local.clone()));
                return Ok(Token::Start { prefix, local, attrs });
            }
            let (space, name) = self.name().ok_or_else(|| self.err("expected attribute name in element"))?;
            self.skip_space();
            if !self.rest().starts_with('=') {
                return Err(self.err("attribute name without = in element"));
            }
            self.bump(1);
            self.skip_space();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                Some(_) => return Err(self.err("unquoted or missing attribute value in element")),
                None => return Err(self.eof()),
            };
            self.bump(1);
            let end = self.rest().find(quote).ok_or_else(|| self.eof())?;
            let raw = self.bump(end);
            if raw.contains('<') {
                return Err(self.err("unescaped < inside quoted string"));
            }
            let value = self.unescape(raw)?;
            self.bump(1);
            attrs.push(Attr { space, local: name, value });
        }
    }

    fn skip_space(&mut self) {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\t', '\r', '\n']).len();
        self.bump(n);
    }

    /// A name, split at its first colon.
    fn name(&mut self) -> Option<(String, String)> {
        let n = name_length(self.rest());
        if n == 0 {
            return None;
        }
        let name = self.bump(n);
        Some(match name.split_once(':') {
            Some((p, l)) if !p.is_empty() && !l.is_empty() => (p.to_string(), l.to_string()),
            _ => (String::new(), name.to_string()),
        })
    }

    /// Entity and character references, and `\r\n` → `\n`.
    fn unescape(&self, raw: &str) -> Result<String, ParseError> {
        let raw = normalize_newlines(raw);
        if !raw.contains('&') {
            return Ok(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw.as_str();
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            let end = rest.find(';').filter(|&e| e <= 12);
            let Some(end) = end else {
                return Err(self.err(format!("invalid character entity &{}", entity_preview(rest))));
            };
            let name = &rest[..end];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "apos" => Some('\''),
                "quot" => Some('"'),
                _ => name.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            match c {
                Some(c) => out.push(c),
                None => return Err(self.err(format!("invalid character entity &{name};"))),
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn entity_preview(s: &str) -> &str {
    let end = s.char_indices().nth(8).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn join(prefix: &str, local: &str) -> String {
    if prefix.is_empty() { local.to_string() } else { format!("{prefix}:{local}") }
}

/// The length in bytes of the XML name at the start of `s` (0: none).
fn name_length(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = if i == 0 {
            c.is_alphabetic() || c == '_' || c == ':'
        } else {
            c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.' | '\u{B7}')
        };
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// xmlquery's `Parse`.
pub fn parse(text: &str) -> Result<Doc, ParseError> {
    let mut b =
        Builder { doc: Doc::new(), level: 0, prev: ROOT, outside: Vec::new(), namespaces: Vec::new() };
    let mut tokens = Tokenizer::new(text);
    while let Some(tok) = tokens.next()? {
        if tokens.depth() > MAX_DEPTH {
            return Err(ParseError("exceeded maximum XML nesting depth".into()));
        }
        b.token(tok).map_err(|e| ParseError(e.0))?;
    }
    // The document must hold at least one element (xmlquery looks at the document node and the
    // nodes that ended up beside it).
    let has_element = std::iter::once(ROOT)
        .chain(b.outside.iter().copied())
        .any(|n| b.doc.node(n).children.iter().any(|&c| b.doc.node(c).kind == Kind::Element));
    if !has_element {
        return Err(ParseError("xmlquery: invalid XML document".into()));
    }
    Ok(b.doc)
}

struct Builder {
    doc: Doc,
    level: usize,
    prev: Id,
    /// Nodes that xmlquery attaches beside the document node (before the first element): they
    /// are not part of the output.
    outside: Vec<Id>,
    /// In-scope namespace declarations: (prefix, depth declared at).
    namespaces: Vec<(String, usize)>,
}

impl Builder {
    fn token(&mut self, tok: Token) -> Result<(), ParseError> {
        match tok {
            Token::Start { prefix, local, attrs } => {
                if self.level == 0 {
                    let mut decl = Node::new(Kind::Declaration, "xml".into(), 1);
                    decl.attrs.push(Attr {
                        space: String::new(),
                        local: "version".into(),
                        value: "1.0".into(),
                    });
                    let decl = self.doc.add(decl);
                    self.doc.add_child(self.prev, decl);
                    self.level = 1;
                    self.prev = decl;
                }
                for a in &attrs {
                    if a.space == "xmlns" {
                        self.namespaces.push((a.local.clone(), self.level));
                    }
                }
                let bound =
                    |p: &str| p == "xml" || p == "xmlns" || self.namespaces.iter().any(|(n, _)| n == p);
                if !prefix.is_empty() && !bound(&prefix) {
                    return Err(ParseError(format!(
                        "xmlquery: invalid XML document, namespace {prefix} is missing"
                    )));
                }
                let mut node = Node::new(Kind::Element, local, self.level);
                node.prefix = prefix;
                node.attrs = attrs;
                let id = self.doc.add(node);
                self.attach(id);
                self.prev = id;
                self.level += 1;
            }
            Token::End => {
                self.level = self.level.saturating_sub(1);
                let level = self.level;
                self.namespaces.retain(|(_, at)| *at < level);
            }
            Token::Text(t) => self.leaf(Kind::Text, t),
            Token::CData(t) => self.leaf(Kind::CData, t),
            Token::Comment(t) => self.leaf(Kind::Comment, t),
            Token::Directive(t) => self.leaf(Kind::Notation, t),
            Token::ProcInst { target, inst } => {
                if self.doc.node(self.prev).kind != Kind::Declaration {
                    self.level += 1;
                }
                let mut node = Node::new(Kind::Declaration, target, self.level);
                for pair in inst.split(' ') {
                    let pair = pair.trim();
                    if let Some(i) = pair.find('=').filter(|&i| i > 0) {
                        let (key, value) = (&pair[..i], pair[i + 1..].trim_matches(['"', '\'']));
                        let (space, local) = match key.find(':').filter(|&c| c > 0) {
                            Some(c) => (key[..c].to_string(), key[c + 1..].to_string()),
                            None => (String::new(), key.to_string()),
                        };
                        node.attrs.push(Attr { space, local, value: value.to_string() });
                    }
                }
                let id = self.doc.add(node);
                self.attach(id);
                self.prev = id;
            }
        }
        Ok(())
    }

    fn leaf(&mut self, kind: Kind, data: String) {
        let id = self.doc.add(Node::new(kind, data, self.level));
        self.attach(id);
    }

    /// xmlquery's placement by level: beside the previous node, below it, or beside one of its
    /// ancestors.
    fn attach(&mut self, id: Id) {
        let prev_level = self.doc.node(self.prev).level;
        if self.level > prev_level {
            self.doc.add_child(self.prev, id);
            return;
        }
        if self.level < prev_level {
            for _ in 0..(prev_level - self.level).saturating_sub(1) {
                if let Some(p) = self.doc.node(self.prev).parent {
                    self.prev = p;
                }
            }
            match self.doc.node(self.prev).parent {
                Some(p) => self.add_sibling(p, id),
                None => self.outside.push(id),
            }
            return;
        }
        self.add_sibling(self.prev, id);
    }

    fn add_sibling(&mut self, sibling: Id, id: Id) {
        match self.doc.node(sibling).parent {
            Some(p) => self.doc.add_child(p, id),
            // Beside the document node: outside the document.
            None => self.outside.push(id),
        }
    }
}

/// `ParseXML`'s reading, straight from the decoder (not xmlquery's tree): the first element as
/// `{attributes, children, content, tag}`. Errors carry upstream's wording.
pub fn parse_elements(text: &str) -> Result<opentelemetry_proto::tonic::common::v1::AnyValue, String> {
    use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

    struct Partial {
        tag: String,
        attributes: Vec<KeyValue>,
        content: String,
        children: Vec<AnyValue>,
    }
    let kv = |key: &str, value: any_value::Value| KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    };
    let finish = |p: Partial| {
        let mut m = Vec::with_capacity(4);
        if !p.attributes.is_empty() {
            m.push(kv("attributes", any_value::Value::KvlistValue(KeyValueList { values: p.attributes })));
        }
        if !p.children.is_empty() {
            m.push(kv("children", any_value::Value::ArrayValue(ArrayValue { values: p.children })));
        }
        if !p.content.is_empty() {
            m.push(kv("content", any_value::Value::StringValue(p.content)));
        }
        m.push(kv("tag", any_value::Value::StringValue(p.tag)));
        AnyValue { value: Some(any_value::Value::KvlistValue(KeyValueList { values: m })) }
    };

    let mut tokens = Tokenizer::new(text);
    let mut stack: Vec<Partial> = Vec::new();
    let root = loop {
        let tok = tokens.next().map_err(|e| {
            if stack.is_empty() {
                format!("unmarshal xml: {e}")
            } else {
                format!("unmarshal xml: decode next token: {e}")
            }
        })?;
        let Some(tok) = tok else { return Err("unmarshal xml: EOF".into()) };
        if stack.len() > MAX_DEPTH {
            return Err("exceeded maximum XML nesting depth".into());
        }
        match tok {
            Token::Start { local, attrs, .. } => {
                let mut attributes: Vec<KeyValue> = Vec::new();
                for a in attrs {
                    // A map: a repeated name keeps the last value (Go's map assignment).
                    attributes.retain(|kv| kv.key != a.local);
                    attributes.push(kv(&a.local, any_value::Value::StringValue(a.value)));
                }
                attributes.sort_by(|a, b| a.key.cmp(&b.key));
                stack.push(Partial { tag: local, attributes, content: String::new(), children: Vec::new() });
            }
            Token::End => {
                let Some(done) = stack.pop() else { continue };
                let value = finish(done);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(value),
                    None => break value,
                }
            }
            Token::Text(t) | Token::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.content.push_str(t.trim());
                }
            }
            Token::Comment(_) | Token::ProcInst { .. } | Token::Directive(_) => {}
        }
    };
    loop {
        match tokens.next() {
            Ok(None) => return Ok(root),
            Ok(Some(Token::Text(t))) if t.trim().is_empty() => {}
            Ok(Some(Token::Comment(_) | Token::ProcInst { .. } | Token::Directive(_))) => {}
            _ => return Err("trailing bytes after parsing xml".into()),
        }
    }
}
