//! XPath 1.0 over `Doc`, as `antchfx/xpath` evaluates it over xmlquery's navigator: compiled once
//! (the functions take the expression as a literal), evaluated per document.
//!
//! Node types follow xmlquery's navigator: the document and declarations are root nodes, text,
//! CDATA and directives are text nodes. A name test compares the local name and the prefix as
//! written. Supported: every axis but `namespace`, every node test, predicates, unions,
//! arithmetic, comparisons and the core function library (plus `ends-with`, `lower-case`,
//! `upper-case`).

use std::fmt;

use super::{Doc, Id, Kind, ROOT};
use crate::go;

/// Nesting deeper than this is refused when compiling (the evaluator recurses).
const MAX_NESTING: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr(E);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    Child,
    Descendant,
    DescendantOrSelf,
    Parent,
    Ancestor,
    AncestorOrSelf,
    FollowingSibling,
    PrecedingSibling,
    Following,
    Preceding,
    Attribute,
    Current,
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Name { prefix: String, local: String },
    AnyName,
    PrefixAny(String),
    Node,
    Text,
    Comment,
    ProcessingInstruction,
}

#[derive(Debug, Clone, PartialEq)]
struct Step {
    axis: Axis,
    test: Test,
    predicates: Vec<E>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, PartialEq)]
enum E {
    Binary(Op, Box<E>, Box<E>),
    Neg(Box<E>),
    Union(Box<E>, Box<E>),
    /// A location path from the root (`/a`), or from the context node (`a/b`).
    Path {
        absolute: bool,
        steps: Vec<Step>,
    },
    /// A primary expression, its predicates, and a path from its nodes.
    Filter {
        primary: Box<E>,
        predicates: Vec<E>,
        steps: Vec<Step>,
    },
    Str(String),
    Num(f64),
    Call(Func, Vec<E>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Last,
    Position,
    Count,
    LocalName,
    Name,
    NamespaceUri,
    String,
    Concat,
    StartsWith,
    EndsWith,
    Contains,
    SubstringBefore,
    SubstringAfter,
    Substring,
    StringLength,
    NormalizeSpace,
    Translate,
    LowerCase,
    UpperCase,
    Boolean,
    Not,
    True,
    False,
    Number,
    Sum,
    Floor,
    Ceiling,
    Round,
}

impl Func {
    fn lookup(name: &str) -> Option<(Func, usize, usize)> {
        use Func as F;
        Some(match name {
            "last" => (F::Last, 0, 0),
            "position" => (F::Position, 0, 0),
            "count" => (F::Count, 1, 1),
            "local-name" => (F::LocalName, 0, 1),
            "name" => (F::Name, 0, 1),
            "namespace-uri" => (F::NamespaceUri, 0, 1),
            "string" => (F::String, 0, 1),
            "concat" => (F::Concat, 2, usize::MAX),
            "starts-with" => (F::StartsWith, 2, 2),
            "ends-with" => (F::EndsWith, 2, 2),
            "contains" => (F::Contains, 2, 2),
            "substring-before" => (F::SubstringBefore, 2, 2),
            "substring-after" => (F::SubstringAfter, 2, 2),
            "substring" => (F::Substring, 2, 3),
            "string-length" => (F::StringLength, 0, 1),
            "normalize-space" => (F::NormalizeSpace, 0, 1),
            "translate" => (F::Translate, 3, 3),
            "lower-case" => (F::LowerCase, 1, 1),
            "upper-case" => (F::UpperCase, 1, 1),
            "boolean" => (F::Boolean, 1, 1),
            "not" => (F::Not, 1, 1),
            "true" => (F::True, 0, 0),
            "false" => (F::False, 0, 0),
            "number" => (F::Number, 0, 1),
            "sum" => (F::Sum, 1, 1),
            "floor" => (F::Floor, 1, 1),
            "ceiling" => (F::Ceiling, 1, 1),
            "round" => (F::Round, 1, 1),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(f64),
    /// Punctuation and operators: `/ // ( ) [ ] . .. @ , :: | + - = != < <= > >= *`, and the
    /// operator names `and or div mod` (where XPath reads them as operators).
    Sym(&'static str),
    /// `*` as a name test.
    Star,
}

/// XPath 1.0 §3.7: `*` and names are operators when there is a preceding token that is not
/// `@ :: ( [ ,` or an operator.
fn operator_position(out: &[Tok]) -> bool {
    match out.last() {
        None => false,
        Some(Tok::Sym(sym)) => matches!(*sym, ")" | "]" | "." | ".."),
        Some(_) => true,
    }
}

fn symbol(text: &str) -> Option<(&'static str, usize)> {
    const SYMBOLS: [&str; 19] =
        ["//", "..", "::", "!=", "<=", ">=", "/", "(", ")", "[", "]", "@", ",", "|", "+", "-", "=", "<", ">"];
    SYMBOLS.iter().find(|sym| text.starts_with(**sym)).map(|sym| (*sym, sym.len()))
}

/// The length of the name (XML `NCName`) at the start of `text` (0: none).
fn ncname_length(text: &str) -> usize {
    let mut len = 0;
    for (at, ch) in text.char_indices() {
        let ok = if at == 0 {
            ch.is_alphabetic() || ch == '_'
        } else {
            ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.')
        };
        if !ok {
            break;
        }
        len = at + ch.len_utf8();
    }
    len
}

fn lex(src: &str) -> Result<Vec<Tok>, Error> {
    let mut out: Vec<Tok> = Vec::new();
    let mut pos = 0;
    while pos < src.len() {
        let rest = &src[pos..];
        let Some(first) = rest.chars().next() else { break };
        if first.is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        if let Some((sym, len)) = symbol(rest) {
            out.push(Tok::Sym(sym));
            pos += len;
            continue;
        }
        match first {
            '*' => {
                out.push(if operator_position(&out) { Tok::Sym("*") } else { Tok::Star });
                pos += 1;
            }
            '\'' | '"' => {
                let end =
                    rest[1..].find(first).ok_or_else(|| Error(format!("{src} has an unclosed string")))?;
                out.push(Tok::Str(rest[1..=end].to_string()));
                pos += end + 2;
            }
            '.' if !rest[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                out.push(Tok::Sym("."));
                pos += 1;
            }
            '0'..='9' | '.' => {
                let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
                let n = rest[..len].parse().map_err(|_| Error(format!("{src} has an invalid number")))?;
                out.push(Tok::Num(n));
                pos += len;
            }
            '$' => return Err(Error(format!("{src}: variables are not supported"))),
            _ => {
                let (name, len) = qname(rest).ok_or_else(|| Error(format!("{src} has an invalid token")))?;
                pos += len;
                let op = ["and", "or", "div", "mod"].into_iter().find(|op| *op == name);
                match op {
                    Some(op) if operator_position(&out) => out.push(Tok::Sym(op)),
                    _ => out.push(Tok::Name(name)),
                }
            }
        }
    }
    Ok(out)
}

/// A name, `prefix:local` or `prefix:*` (not the axis separator `::`), and its length.
fn qname(text: &str) -> Option<(String, usize)> {
    let len = ncname_length(text);
    if len == 0 {
        return None;
    }
    let after = &text[len..];
    if let Some(local) = after.strip_prefix(':').filter(|_| !after.starts_with("::")) {
        if local.starts_with('*') {
            return Some((format!("{}:*", &text[..len]), len + 2));
        }
        let local_len = ncname_length(local);
        if local_len > 0 {
            return Some((text[..len + 1 + local_len].to_string(), len + 1 + local_len));
        }
    }
    Some((text[..len].to_string(), len))
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Compiles an XPath expression.
pub fn compile(s: &str) -> Result<Expr, Error> {
    let tokens = lex(s)?;
    let mut p = Parser { toks: tokens, pos: 0, src: s, depth: 0 };
    if p.toks.is_empty() {
        return Err(Error("empty xpath".into()));
    }
    let e = p.expr()?;
    if p.pos != p.toks.len() {
        return Err(Error(format!("{s} has an invalid token")));
    }
    Ok(Expr(e))
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    src: &'a str,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n)
    }

    fn eat(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn err(&self) -> Error {
        Error(format!("{} has an invalid token", self.src))
    }

    fn expect(&mut self, sym: &str) -> Result<(), Error> {
        if self.eat(sym) { Ok(()) } else { Err(self.err()) }
    }

    fn expr(&mut self) -> Result<E, Error> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Error(format!("{} nests too deeply", self.src)));
        }
        let e = self.binary(0);
        self.depth -= 1;
        e
    }

    /// Binary operators by precedence level: or, and, equality, relational, additive,
    /// multiplicative.
    fn binary(&mut self, level: usize) -> Result<E, Error> {
        const LEVELS: [&[(&str, Op)]; 6] = [
            &[("or", Op::Or)],
            &[("and", Op::And)],
            &[("=", Op::Eq), ("!=", Op::Ne)],
            &[("<", Op::Lt), ("<=", Op::Le), (">", Op::Gt), (">=", Op::Ge)],
            &[("+", Op::Add), ("-", Op::Sub)],
            &[("*", Op::Mul), ("div", Op::Div), ("mod", Op::Mod)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut lhs = self.binary(level + 1)?;
        'outer: loop {
            for (sym, op) in LEVELS[level] {
                if self.eat(sym) {
                    let rhs = self.binary(level + 1)?;
                    lhs = E::Binary(*op, Box::new(lhs), Box::new(rhs));
                    continue 'outer;
                }
            }
            return Ok(lhs);
        }
    }

    fn unary(&mut self) -> Result<E, Error> {
        if self.eat("-") {
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(Error(format!("{} nests too deeply", self.src)));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(E::Neg(Box::new(inner)));
        }
        let mut lhs = self.path_expr()?;
        while self.eat("|") {
            let rhs = self.path_expr()?;
            lhs = E::Union(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn path_expr(&mut self) -> Result<E, Error> {
        let primary = match self.peek() {
            Some(Tok::Str(s)) => Some(E::Str(s.clone())),
            Some(Tok::Num(n)) => Some(E::Num(*n)),
            Some(Tok::Sym("(")) => None,
            Some(Tok::Name(n))
                if matches!(self.peek_at(1), Some(Tok::Sym("(")))
                    && !matches!(n.as_str(), "node" | "text" | "comment" | "processing-instruction") =>
            {
                None
            }
            _ => return self.location_path(),
        };
        let primary = match primary {
            Some(p) => {
                self.pos += 1;
                p
            }
            None if self.eat("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                e
            }
            None => self.call()?,
        };
        let predicates = self.predicates()?;
        let mut steps = Vec::new();
        if self.eat("//") {
            steps.push(Step { axis: Axis::DescendantOrSelf, test: Test::Node, predicates: Vec::new() });
            self.relative(&mut steps)?;
        } else if self.eat("/") {
            self.relative(&mut steps)?;
        }
        if predicates.is_empty() && steps.is_empty() {
            return Ok(primary);
        }
        Ok(E::Filter { primary: Box::new(primary), predicates, steps })
    }

    fn call(&mut self) -> Result<E, Error> {
        let Some(Tok::Name(name)) = self.peek().cloned() else { return Err(self.err()) };
        self.pos += 1;
        self.expect("(")?;
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.expr()?);
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
        }
        let (f, min, max) =
            Func::lookup(&name).ok_or_else(|| Error(format!("{}: unknown function {name}()", self.src)))?;
        if args.len() < min || args.len() > max {
            return Err(Error(format!("{}: {name}() has the wrong number of arguments", self.src)));
        }
        Ok(E::Call(f, args))
    }

    fn predicates(&mut self) -> Result<Vec<E>, Error> {
        let mut out = Vec::new();
        while self.eat("[") {
            out.push(self.expr()?);
            self.expect("]")?;
        }
        Ok(out)
    }

    fn location_path(&mut self) -> Result<E, Error> {
        let mut steps = Vec::new();
        if self.eat("/") {
            // `/` alone is the root; a step may follow.
            if self.starts_step() {
                self.relative(&mut steps)?;
            }
            return Ok(E::Path { absolute: true, steps });
        }
        if self.eat("//") {
            steps.push(Step { axis: Axis::DescendantOrSelf, test: Test::Node, predicates: Vec::new() });
            self.relative(&mut steps)?;
            return Ok(E::Path { absolute: true, steps });
        }
        self.relative(&mut steps)?;
        Ok(E::Path { absolute: false, steps })
    }

    fn starts_step(&self) -> bool {
        matches!(self.peek(), Some(Tok::Name(_) | Tok::Star | Tok::Sym("." | ".." | "@")))
    }

    fn relative(&mut self, steps: &mut Vec<Step>) -> Result<(), Error> {
        loop {
            steps.push(self.step()?);
            if self.eat("//") {
                steps.push(Step { axis: Axis::DescendantOrSelf, test: Test::Node, predicates: Vec::new() });
            } else if !self.eat("/") {
                return Ok(());
            }
        }
    }

    fn step(&mut self) -> Result<Step, Error> {
        if self.eat(".") {
            return Ok(Step { axis: Axis::Current, test: Test::Node, predicates: Vec::new() });
        }
        if self.eat("..") {
            return Ok(Step { axis: Axis::Parent, test: Test::Node, predicates: Vec::new() });
        }
        let mut axis = Axis::Child;
        if self.eat("@") {
            axis = Axis::Attribute;
        } else if let (Some(Tok::Name(name)), Some(Tok::Sym("::"))) = (self.peek(), self.peek_at(1)) {
            axis = match name.as_str() {
                "child" => Axis::Child,
                "descendant" => Axis::Descendant,
                "descendant-or-self" => Axis::DescendantOrSelf,
                "parent" => Axis::Parent,
                "ancestor" => Axis::Ancestor,
                "ancestor-or-self" => Axis::AncestorOrSelf,
                "following-sibling" => Axis::FollowingSibling,
                "preceding-sibling" => Axis::PrecedingSibling,
                "following" => Axis::Following,
                "preceding" => Axis::Preceding,
                "attribute" => Axis::Attribute,
                "self" => Axis::Current,
                other => return Err(Error(format!("{}: unsupported axis {other}", self.src))),
            };
            self.pos += 2;
        }
        let test = match self.peek().cloned() {
            Some(Tok::Star) => {
                self.pos += 1;
                Test::AnyName
            }
            Some(Tok::Name(name)) => {
                self.pos += 1;
                if self.eat("(") {
                    let test = match name.as_str() {
                        "node" => Test::Node,
                        "text" => Test::Text,
                        "comment" => Test::Comment,
                        "processing-instruction" => {
                            if let Some(Tok::Str(_)) = self.peek() {
                                self.pos += 1;
                            }
                            Test::ProcessingInstruction
                        }
                        _ => return Err(self.err()),
                    };
                    self.expect(")")?;
                    test
                } else if let Some(prefix) = name.strip_suffix(":*") {
                    Test::PrefixAny(prefix.to_string())
                } else {
                    match name.split_once(':') {
                        Some((p, l)) => Test::Name { prefix: p.to_string(), local: l.to_string() },
                        None => Test::Name { prefix: String::new(), local: name },
                    }
                }
            }
            _ => return Err(self.err()),
        };
        let predicates = self.predicates()?;
        Ok(Step { axis, test, predicates })
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A node: a tree node, or one of an element's attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeRef {
    pub id: Id,
    pub attr: Option<usize>,
}

impl NodeRef {
    fn node(id: Id) -> Self {
        NodeRef { id, attr: None }
    }
}

#[derive(Debug, Clone)]
enum V {
    Nodes(Vec<NodeRef>),
    Str(String),
    Num(f64),
    Bool(bool),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeType {
    Root,
    Element,
    Attribute,
    Text,
    Comment,
}

struct Eval<'d> {
    doc: &'d Doc,
    /// Document order of every tree node.
    order: Vec<usize>,
}

#[derive(Clone, Copy)]
struct Ctx {
    node: NodeRef,
    position: usize,
    size: usize,
}

impl Expr {
    /// The nodes the expression selects, in document order. An expression that does not select
    /// nodes is an error.
    pub fn select(&self, doc: &Doc) -> Result<Vec<NodeRef>, Error> {
        let ev = Eval::new(doc);
        match ev.eval(&self.0, Ctx { node: NodeRef::node(ROOT), position: 1, size: 1 })? {
            V::Nodes(n) => Ok(n),
            _ => Err(Error("xpath expression must evaluate to a node-set".into())),
        }
    }
}

impl<'d> Eval<'d> {
    fn new(doc: &'d Doc) -> Self {
        let mut order = vec![0; doc.nodes.len()];
        let (mut next, mut stack) = (0, vec![ROOT]);
        while let Some(id) = stack.pop() {
            order[id] = next;
            next += 1;
            stack.extend(doc.node(id).children.iter().rev());
        }
        Eval { doc, order }
    }

    fn key(&self, n: NodeRef) -> (usize, usize) {
        (self.order[n.id], n.attr.map_or(0, |a| a + 1))
    }

    fn sort(&self, nodes: &mut Vec<NodeRef>) {
        nodes.sort_by_key(|n| self.key(*n));
        nodes.dedup();
    }

    fn node_type(&self, n: NodeRef) -> NodeType {
        if n.attr.is_some() {
            return NodeType::Attribute;
        }
        match self.doc.node(n.id).kind {
            Kind::Document | Kind::Declaration => NodeType::Root,
            Kind::Element => NodeType::Element,
            Kind::Text | Kind::CData | Kind::Notation => NodeType::Text,
            Kind::Comment => NodeType::Comment,
        }
    }

    /// `(prefix, local name)` of a node.
    fn name(&self, n: NodeRef) -> (&'d str, &'d str) {
        let node = self.doc.node(n.id);
        match n.attr {
            Some(a) => (node.attrs[a].space.as_str(), node.attrs[a].local.as_str()),
            None if node.kind == Kind::Element => (node.prefix.as_str(), node.data.as_str()),
            None => ("", ""),
        }
    }

    /// The string-value of a node.
    pub fn string_value(&self, n: NodeRef) -> String {
        let node = self.doc.node(n.id);
        match (n.attr, node.kind) {
            (Some(a), _) => node.attrs[a].value.clone(),
            (None, Kind::Text | Kind::CData | Kind::Comment) => node.data.clone(),
            (None, _) => self.doc.inner_text(n.id),
        }
    }

    fn matches(&self, n: NodeRef, axis: Axis, test: &Test) -> bool {
        let principal = if axis == Axis::Attribute { NodeType::Attribute } else { NodeType::Element };
        let ty = self.node_type(n);
        match test {
            Test::Node => true,
            Test::Text => ty == NodeType::Text,
            Test::Comment => ty == NodeType::Comment,
            Test::ProcessingInstruction => false,
            Test::AnyName => ty == principal,
            Test::PrefixAny(p) => ty == principal && self.name(n).0 == p,
            Test::Name { prefix, local } => {
                ty == principal && self.name(n) == (prefix.as_str(), local.as_str())
            }
        }
    }

    fn descendants(&self, id: Id, out: &mut Vec<NodeRef>) {
        let mut stack: Vec<Id> = self.doc.node(id).children.iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            out.push(NodeRef::node(c));
            stack.extend(self.doc.node(c).children.iter().rev());
        }
    }

    /// The nodes on an axis, in axis order (reverse axes nearest first).
    fn axis(&self, n: NodeRef, axis: Axis) -> Vec<NodeRef> {
        let mut out = Vec::new();
        let parent = match n.attr {
            Some(_) => Some(n.id),
            None => self.doc.node(n.id).parent,
        };
        match axis {
            Axis::Current => out.push(n),
            Axis::Child if n.attr.is_none() => {
                out.extend(self.doc.node(n.id).children.iter().map(|&c| NodeRef::node(c)));
            }
            Axis::Descendant | Axis::DescendantOrSelf => {
                if axis == Axis::DescendantOrSelf {
                    out.push(n);
                }
                if n.attr.is_none() {
                    self.descendants(n.id, &mut out);
                }
            }
            Axis::Parent => out.extend(parent.map(NodeRef::node)),
            Axis::Ancestor | Axis::AncestorOrSelf => {
                if axis == Axis::AncestorOrSelf {
                    out.push(n);
                }
                let mut p = parent;
                while let Some(id) = p {
                    out.push(NodeRef::node(id));
                    p = self.doc.node(id).parent;
                }
            }
            Axis::FollowingSibling | Axis::PrecedingSibling if n.attr.is_none() => {
                if let Some(p) = parent {
                    let siblings = &self.doc.node(p).children;
                    let at = siblings.iter().position(|&c| c == n.id).unwrap_or(0);
                    if axis == Axis::FollowingSibling {
                        out.extend(siblings[at + 1..].iter().map(|&c| NodeRef::node(c)));
                    } else {
                        out.extend(siblings[..at].iter().rev().map(|&c| NodeRef::node(c)));
                    }
                }
            }
            Axis::Following | Axis::Preceding => {
                let mut all = vec![NodeRef::node(ROOT)];
                self.descendants(ROOT, &mut all);
                let me = self.key(n);
                let mut ancestors = Vec::new();
                let mut p = parent;
                while let Some(id) = p {
                    ancestors.push(id);
                    p = self.doc.node(id).parent;
                }
                if axis == Axis::Following {
                    let mut own = Vec::new();
                    if n.attr.is_none() {
                        self.descendants(n.id, &mut own);
                    }
                    out.extend(all.into_iter().filter(|m| self.key(*m) > me && !own.contains(m)));
                } else {
                    out.extend(
                        all.into_iter().rev().filter(|m| self.key(*m) < me && !ancestors.contains(&m.id)),
                    );
                }
            }
            Axis::Attribute if n.attr.is_none() => {
                let node = self.doc.node(n.id);
                if node.kind == Kind::Element {
                    out.extend((0..node.attrs.len()).map(|a| NodeRef { id: n.id, attr: Some(a) }));
                }
            }
            _ => {}
        }
        out
    }

    fn steps(&self, mut nodes: Vec<NodeRef>, steps: &[Step]) -> Result<Vec<NodeRef>, Error> {
        for step in steps {
            let mut next = Vec::new();
            for n in &nodes {
                let mut candidates: Vec<NodeRef> = self
                    .axis(*n, step.axis)
                    .into_iter()
                    .filter(|m| self.matches(*m, step.axis, &step.test))
                    .collect();
                for p in &step.predicates {
                    candidates = self.filter(candidates, p)?;
                }
                next.extend(candidates);
            }
            self.sort(&mut next);
            nodes = next;
        }
        Ok(nodes)
    }

    /// Applies a predicate; positions count in the order given.
    fn filter(&self, nodes: Vec<NodeRef>, predicate: &E) -> Result<Vec<NodeRef>, Error> {
        let size = nodes.len();
        let mut out = Vec::with_capacity(size);
        for (i, n) in nodes.into_iter().enumerate() {
            let ctx = Ctx { node: n, position: i + 1, size };
            #[expect(
                clippy::cast_precision_loss,
                clippy::float_cmp,
                reason = "a position is a small integer"
            )]
            let keep = match self.eval(predicate, ctx)? {
                V::Num(want) => want == ctx.position as f64,
                v => Self::boolean(&v),
            };
            if keep {
                out.push(n);
            }
        }
        Ok(out)
    }

    fn eval(&self, e: &E, ctx: Ctx) -> Result<V, Error> {
        Ok(match e {
            E::Str(s) => V::Str(s.clone()),
            E::Num(n) => V::Num(*n),
            E::Neg(e) => V::Num(-self.number(&self.eval(e, ctx)?)),
            E::Path { absolute, steps } => {
                let start = if *absolute { NodeRef::node(ROOT) } else { ctx.node };
                V::Nodes(self.steps(vec![start], steps)?)
            }
            E::Filter { primary, predicates, steps } => {
                let V::Nodes(mut nodes) = self.eval(primary, ctx)? else {
                    if predicates.is_empty() && steps.is_empty() {
                        return self.eval(primary, ctx);
                    }
                    return Err(Error("predicates and paths apply only to node-sets".into()));
                };
                for p in predicates {
                    nodes = self.filter(nodes, p)?;
                }
                V::Nodes(self.steps(nodes, steps)?)
            }
            E::Union(a, b) => match (self.eval(a, ctx)?, self.eval(b, ctx)?) {
                (V::Nodes(mut a), V::Nodes(b)) => {
                    a.extend(b);
                    self.sort(&mut a);
                    V::Nodes(a)
                }
                _ => return Err(Error("| applies only to node-sets".into())),
            },
            E::Binary(op, a, b) => self.binary(*op, a, b, ctx)?,
            E::Call(f, args) => self.call(*f, args, ctx)?,
        })
    }

    fn binary(&self, op: Op, lhs: &E, rhs: &E, ctx: Ctx) -> Result<V, Error> {
        if op == Op::Or {
            return Ok(V::Bool(Self::boolean(&self.eval(lhs, ctx)?) || Self::boolean(&self.eval(rhs, ctx)?)));
        }
        if op == Op::And {
            return Ok(V::Bool(Self::boolean(&self.eval(lhs, ctx)?) && Self::boolean(&self.eval(rhs, ctx)?)));
        }
        let (left, right) = (self.eval(lhs, ctx)?, self.eval(rhs, ctx)?);
        Ok(match op {
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => {
                let (x, y) = (self.number(&left), self.number(&right));
                V::Num(match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => x / y,
                    _ => x % y,
                })
            }
            _ => V::Bool(self.compare(op, &left, &right)),
        })
    }

    /// XPath 1.0 §3.4: comparisons, existential over node-sets.
    fn compare(&self, op: Op, lhs: &V, rhs: &V) -> bool {
        let text = |n: &NodeRef| V::Str(self.string_value(*n));
        match (lhs, rhs) {
            (V::Nodes(left), V::Nodes(right)) => {
                left.iter().any(|l| right.iter().any(|r| self.compare_atoms(op, &text(l), &text(r))))
            }
            (V::Nodes(nodes), V::Bool(_)) | (V::Bool(_), V::Nodes(nodes))
                if matches!(op, Op::Eq | Op::Ne) =>
            {
                let exists = V::Bool(!nodes.is_empty());
                if matches!(lhs, V::Nodes(_)) {
                    self.compare_atoms(op, &exists, rhs)
                } else {
                    self.compare_atoms(op, lhs, &exists)
                }
            }
            (V::Nodes(nodes), other) => nodes.iter().any(|n| self.compare_atoms(op, &text(n), other)),
            (other, V::Nodes(nodes)) => nodes.iter().any(|n| self.compare_atoms(op, other, &text(n))),
            _ => self.compare_atoms(op, lhs, rhs),
        }
    }

    fn compare_atoms(&self, op: Op, l: &V, r: &V) -> bool {
        if matches!(op, Op::Eq | Op::Ne) {
            let equal = match (l, r) {
                (V::Bool(_), _) | (_, V::Bool(_)) => Self::boolean(l) == Self::boolean(r),
                #[expect(clippy::float_cmp, reason = "XPath compares numbers exactly")]
                (V::Num(_), _) | (_, V::Num(_)) => self.number(l) == self.number(r),
                _ => self.string(l) == self.string(r),
            };
            return equal == (op == Op::Eq);
        }
        let (x, y) = (self.number(l), self.number(r));
        match op {
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            _ => x >= y,
        }
    }

    fn boolean(v: &V) -> bool {
        match v {
            V::Nodes(n) => !n.is_empty(),
            V::Str(s) => !s.is_empty(),
            V::Num(n) => *n != 0.0 && !n.is_nan(),
            V::Bool(b) => *b,
        }
    }

    fn number(&self, v: &V) -> f64 {
        match v {
            V::Num(n) => *n,
            V::Bool(b) => f64::from(u8::from(*b)),
            V::Str(_) | V::Nodes(_) => go::parse_float(self.string(v).trim()).unwrap_or(f64::NAN),
        }
    }

    fn string(&self, v: &V) -> String {
        match v {
            V::Str(s) => s.clone(),
            V::Nodes(n) => n.first().map(|n| self.string_value(*n)).unwrap_or_default(),
            V::Bool(b) => b.to_string(),
            V::Num(n) => number_string(*n),
        }
    }

    fn nodes_arg(&self, args: &[E], ctx: Ctx) -> Result<Option<NodeRef>, Error> {
        match args.first() {
            None => Ok(Some(ctx.node)),
            Some(e) => match self.eval(e, ctx)? {
                V::Nodes(n) => Ok(n.first().copied()),
                _ => Err(Error("the argument must be a node-set".into())),
            },
        }
    }

    fn string_arg(&self, args: &[E], i: usize, ctx: Ctx) -> Result<String, Error> {
        match args.get(i) {
            Some(e) => Ok(self.string(&self.eval(e, ctx)?)),
            None => Ok(self.string_value(ctx.node)),
        }
    }

    fn number_arg(&self, args: &[E], i: usize, ctx: Ctx) -> Result<f64, Error> {
        match args.get(i) {
            Some(e) => Ok(self.number(&self.eval(e, ctx)?)),
            None => Ok(self.number(&V::Str(self.string_value(ctx.node)))),
        }
    }

    #[expect(clippy::cast_precision_loss, reason = "counts and lengths are small")]
    fn call(&self, f: Func, args: &[E], ctx: Ctx) -> Result<V, Error> {
        let s = |i: usize| self.string_arg(args, i, ctx);
        Ok(match f {
            Func::Last => V::Num(ctx.size as f64),
            Func::Position => V::Num(ctx.position as f64),
            Func::Count => match self.eval(&args[0], ctx)? {
                V::Nodes(n) => V::Num(n.len() as f64),
                _ => return Err(Error("count() needs a node-set".into())),
            },
            Func::LocalName | Func::Name | Func::NamespaceUri => {
                let Some(n) = self.nodes_arg(args, ctx)? else { return Ok(V::Str(String::new())) };
                let (prefix, local) = self.name(n);
                V::Str(match f {
                    Func::LocalName => local.to_string(),
                    Func::Name if prefix.is_empty() => local.to_string(),
                    Func::Name => format!("{prefix}:{local}"),
                    _ => String::new(),
                })
            }
            Func::String => V::Str(s(0)?),
            Func::Concat => {
                let mut out = String::new();
                for i in 0..args.len() {
                    out.push_str(&s(i)?);
                }
                V::Str(out)
            }
            Func::StartsWith => V::Bool(s(0)?.starts_with(&s(1)?)),
            Func::EndsWith => V::Bool(s(0)?.ends_with(&s(1)?)),
            Func::Contains => V::Bool(s(0)?.contains(&s(1)?)),
            Func::SubstringBefore => {
                let (hay, needle) = (s(0)?, s(1)?);
                V::Str(hay.find(&needle).map(|i| hay[..i].to_string()).unwrap_or_default())
            }
            Func::SubstringAfter => {
                let (hay, needle) = (s(0)?, s(1)?);
                V::Str(hay.find(&needle).map(|i| hay[i + needle.len()..].to_string()).unwrap_or_default())
            }
            Func::Substring => {
                let text = s(0)?;
                let start = self.number_arg(args, 1, ctx)?.round();
                let end = if args.len() > 2 {
                    start + self.number_arg(args, 2, ctx)?.round()
                } else {
                    f64::INFINITY
                };
                V::Str(
                    text.chars()
                        .enumerate()
                        .filter(|(i, _)| {
                            let p = (*i + 1) as f64;
                            p >= start && p < end
                        })
                        .map(|(_, c)| c)
                        .collect(),
                )
            }
            Func::StringLength => V::Num(s(0)?.chars().count() as f64),
            Func::NormalizeSpace => V::Str(s(0)?.split_whitespace().collect::<Vec<_>>().join(" ")),
            Func::Translate => {
                let (text, from, to) = (s(0)?, s(1)?, s(2)?);
                let (from, to): (Vec<char>, Vec<char>) = (from.chars().collect(), to.chars().collect());
                V::Str(
                    text.chars()
                        .filter_map(|c| match from.iter().position(|f| *f == c) {
                            Some(i) => to.get(i).copied(),
                            None => Some(c),
                        })
                        .collect(),
                )
            }
            Func::LowerCase => V::Str(s(0)?.to_lowercase()),
            Func::UpperCase => V::Str(s(0)?.to_uppercase()),
            Func::Boolean => V::Bool(Self::boolean(&self.eval(&args[0], ctx)?)),
            Func::Not => V::Bool(!Self::boolean(&self.eval(&args[0], ctx)?)),
            Func::True => V::Bool(true),
            Func::False => V::Bool(false),
            Func::Number => V::Num(self.number_arg(args, 0, ctx)?),
            Func::Sum => match self.eval(&args[0], ctx)? {
                V::Nodes(n) => V::Num(n.iter().map(|n| self.number(&V::Str(self.string_value(*n)))).sum()),
                _ => return Err(Error("sum() needs a node-set".into())),
            },
            Func::Floor => V::Num(self.number_arg(args, 0, ctx)?.floor()),
            Func::Ceiling => V::Num(self.number_arg(args, 0, ctx)?.ceil()),
            Func::Round => V::Num((self.number_arg(args, 0, ctx)? + 0.5).floor()),
        })
    }
}

/// A number as a string (Go's `FormatFloat(f, 'f', -1, 64)`).
fn number_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_nodes;

    fn select(doc: &str, xpath: &str) -> Vec<String> {
        let d = parse_nodes(doc).expect("valid xml");
        let ev = Eval::new(&d);
        compile(xpath)
            .expect("valid xpath")
            .select(&d)
            .expect("selects nodes")
            .into_iter()
            .map(|n| {
                let (_, name) = ev.name(n);
                if name.is_empty() { ev.string_value(n) } else { format!("{name}={}", ev.string_value(n)) }
            })
            .collect()
    }

    #[test]
    fn selects_like_xpath_1() {
        let doc =
            r#"<a><x env="prod">1</x><b><x env="dev">2</x></b><d><e><f><x env="prod">3</x></f></e></d></a>"#;
        assert_eq!(select(doc, "/a//x[@env='prod']"), ["x=1", "x=3"]);
        assert!(select(doc, "//x[2]").is_empty());
        assert_eq!(select(doc, "(//x)[2]"), ["x=2"]);
        assert_eq!(select(doc, "//x[last()]/@env"), ["env=prod", "env=dev", "env=prod"]);
        assert_eq!(select(doc, "/a/*[not(self::x)]"), ["b=2", "d=3"]);
        assert_eq!(select(doc, "//x[. > 1 and . < 3]"), ["x=2"]);
        assert_eq!(select(doc, "//x[contains(@env, 'ro')] | //b"), ["x=1", "b=2", "x=3"]);
        assert_eq!(select(doc, "//f/ancestor::*[2]"), ["d=3"]);
        assert_eq!(select(doc, "//b/following-sibling::*"), ["d=3"]);
        assert_eq!(select(doc, "//b/preceding::x"), ["x=1"]);
    }

    #[test]
    fn a_value_is_not_a_selection() {
        let d = parse_nodes("<a/>").expect("valid xml");
        assert!(compile("count(//a)").expect("valid xpath").select(&d).is_err());
    }

    #[test]
    fn rejects_what_is_not_xpath() {
        let deep = format!("{}1", "-".repeat(100_000));
        let nested = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        for bad in ["!", "", "/a[", "a/", "foo(1)", "//*[@", "$x", "a::b", &deep, &nested] {
            assert!(compile(bad).is_err(), "{bad:?} compiled");
        }
    }
}
