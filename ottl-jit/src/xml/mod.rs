//! XML documents as the XML functions see them (upstream: `antchfx/xmlquery` over Go's
//! `encoding/xml`): a tree built the way xmlquery builds it, serialized the way it serializes, and
//! queried with XPath 1.0 (`xpath`).
//!
//! xmlquery's shape, kept here because the functions' outputs depend on it:
//!
//! - a document without an `<?xml ...?>` declaration gets one (`<?xml version="1.0"?>`) before its
//!   first element, which the functions then remove again (`parse_nodes`);
//! - anything before the first element or declaration (comments, whitespace) is outside the
//!   document and is dropped;
//! - text is written trimmed (unless `xml:space="preserve"`) and HTML-escaped; empty elements
//!   are written `<b></b>`.

mod parse;
pub mod xpath;

pub use parse::{ParseError, parse, parse_elements};

/// A node's index in its document.
pub type Id = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Document,
    /// `<?target ...?>`: the XML declaration and other processing instructions.
    Declaration,
    Element,
    Text,
    CData,
    Comment,
    /// `<!DOCTYPE ...>` and other directives.
    Notation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The prefix as written (`xmlns` for namespace declarations), or "".
    pub space: String,
    pub local: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    /// The tag or target name, or the text.
    pub data: String,
    pub prefix: String,
    pub attrs: Vec<Attr>,
    pub parent: Option<Id>,
    pub children: Vec<Id>,
    /// xmlquery's tree-building level.
    level: usize,
}

/// A document: node 0 is the document node.
#[derive(Debug, Clone)]
pub struct Doc {
    pub nodes: Vec<Node>,
}

pub const ROOT: Id = 0;

impl Doc {
    pub fn new() -> Self {
        Doc { nodes: vec![Node::new(Kind::Document, String::new(), 0)] }
    }

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id]
    }

    pub fn add(&mut self, node: Node) -> Id {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// `xmlquery.AddChild`: appends `child` (detached first) to `parent`'s children.
    pub fn add_child(&mut self, parent: Id, child: Id) {
        self.detach(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    /// `xmlquery.RemoveFromTree`.
    pub fn detach(&mut self, id: Id) {
        if let Some(p) = self.nodes[id].parent.take() {
            self.nodes[p].children.retain(|c| *c != id);
        }
    }

    /// Copies the subtree of another document's node into this one, detached.
    pub fn import(&mut self, from: &Doc, id: Id) -> Id {
        let source = from.node(id);
        let mut copy = source.clone();
        copy.parent = None;
        copy.children = Vec::new();
        let new = self.add(copy);
        for &c in &source.children {
            let child = self.import(from, c);
            self.add_child(new, child);
        }
        new
    }

    /// `Node.InnerText`: the text and CDATA below a node, comments excluded.
    pub fn inner_text(&self, id: Id) -> String {
        let mut out = String::new();
        self.inner_text_into(id, &mut out);
        out
    }

    fn inner_text_into(&self, id: Id, out: &mut String) {
        let n = self.node(id);
        match n.kind {
            Kind::Text | Kind::CData => out.push_str(&n.data),
            Kind::Comment => {}
            _ => n.children.iter().for_each(|&c| self.inner_text_into(c, out)),
        }
    }

    /// `Node.OutputXML(false)` on the document: its children, serialized.
    pub fn output(&self) -> String {
        let mut out = String::new();
        let preserve = self.preserve_spaces(ROOT, false);
        for &c in &self.node(ROOT).children {
            self.output_node(c, preserve, &mut out);
        }
        out
    }

    /// `Node.OutputXML(true)`: the node itself, serialized.
    pub fn output_node_xml(&self, id: Id, out: &mut String) {
        let preserve = self.preserve_spaces(id, false);
        self.output_node(id, preserve, out);
    }

    fn preserve_spaces(&self, id: Id, inherited: bool) -> bool {
        let n = self.node(id);
        match n.attrs.iter().find(|a| a.space == "xml" && a.local == "space").map(|a| a.value.as_str()) {
            Some("preserve") => true,
            Some("default") => false,
            _ => inherited,
        }
    }

    fn output_node(&self, id: Id, inherited: bool, out: &mut String) {
        let n = self.node(id);
        let preserve = self.preserve_spaces(id, inherited);
        match n.kind {
            Kind::Text => {
                escape_into(if preserve { &n.data } else { n.data.trim() }, out);
                return;
            }
            Kind::CData => {
                out.push_str("<![CDATA[");
                out.push_str(&n.data);
                out.push_str("]]>");
                return;
            }
            Kind::Comment => {
                out.push_str("<!--");
                out.push_str(&n.data);
                out.push_str("-->");
                return;
            }
            Kind::Notation => {
                out.push_str("<!");
                out.push_str(&n.data);
                out.push('>');
                return;
            }
            Kind::Declaration => {
                out.push_str("<?");
                out.push_str(&n.data);
            }
            Kind::Element | Kind::Document => {
                out.push('<');
                push_name(&n.prefix, &n.data, out);
            }
        }
        for a in &n.attrs {
            out.push(' ');
            push_name(&a.space, &a.local, out);
            out.push_str("=\"");
            escape_into(&a.value, out);
            out.push('"');
        }
        out.push_str(if n.kind == Kind::Declaration { "?>" } else { ">" });
        for &c in &n.children {
            self.output_node(c, preserve, out);
        }
        if n.kind != Kind::Declaration {
            out.push_str("</");
            push_name(&n.prefix, &n.data, out);
            out.push('>');
        }
    }
}

impl Default for Doc {
    fn default() -> Self {
        Self::new()
    }
}

impl Node {
    pub fn new(kind: Kind, data: String, level: usize) -> Self {
        Node {
            kind,
            data,
            prefix: String::new(),
            attrs: Vec::new(),
            parent: None,
            children: Vec::new(),
            level,
        }
    }
}

fn push_name(prefix: &str, local: &str, out: &mut String) {
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(':');
    }
    out.push_str(local);
}

/// Go's `html.EscapeString`.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
}

/// Upstream's `parseNodesXML`: parses, and drops the declaration xmlquery added unless the text
/// started with one. The empty text is the empty document.
pub fn parse_nodes(text: &str) -> Result<Doc, String> {
    if text.is_empty() {
        return Ok(Doc::new());
    }
    let mut doc = parse(text).map_err(|e| format!("parse xml: {e}"))?;
    if !text.starts_with("<?xml")
        && let Some(&first) = doc.node(ROOT).children.first()
    {
        doc.detach(first);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        parse_nodes(text).map_or_else(|e| format!("error: {e}"), |d| d.output())
    }

    #[test]
    fn serializes_like_xmlquery() {
        assert_eq!(round_trip("<a><b/></a>"), "<a><b></b></a>");
        assert_eq!(
            round_trip(r#"<?xml version="1.0" encoding="UTF-8"?><a></a>"#),
            r#"<?xml version="1.0" encoding="UTF-8"?><a></a>"#
        );
        assert_eq!(round_trip("<!-- c --><a></a><!-- d -->"), "<a></a><!-- d -->");
        assert_eq!(round_trip("<a>  x &amp; y  </a>"), "<a>x &amp; y</a>");
        assert_eq!(
            round_trip(r#"<a xml:space="preserve">  x  </a>"#),
            r#"<a xml:space="preserve">  x  </a>"#
        );
        assert_eq!(round_trip("<a><![CDATA[<b>]]></a>"), "<a><![CDATA[<b>]]></a>");
        assert_eq!(round_trip(r#"<a q="it's"/>"#), r#"<a q="it&#39;s"></a>"#);
        assert_eq!(
            round_trip(r#"<p:a xmlns:p="urn:x"><p:b/></p:a>"#),
            r#"<p:a xmlns:p="urn:x"><p:b></p:b></p:a>"#
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in ["<a>", "<a></b>", "<a b></a>", "text only", "<a>&nope;</a>", "<p:a/>", "<a x='1></a>"] {
            assert!(round_trip(bad).starts_with("error: parse xml: "), "{bad:?} parsed: {}", round_trip(bad));
        }
    }
}
