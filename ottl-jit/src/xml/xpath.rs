//! XPath 1.0 over `Doc`, as `antchfx/xpath` evaluates it over xmlquery's navigator. The
//! expressions are parsed (once) by `ottl_types::xpath`.
//!
//! Node types follow xmlquery's navigator: the document and declarations are root nodes, text,
//! CDATA and directives are text nodes. A name test compares the local name and the prefix as
//! written.

use ottl_types::xpath::{Axis, E, Func, Op, Step, Test};
pub use ottl_types::xpath::{Error, Expr, compile};

use super::{Doc, Id, Kind, ROOT};
use crate::go;

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

/// The nodes an expression selects, in document order. An expression that does not select
/// nodes is an error.
pub fn select(expr: &Expr, doc: &Doc) -> Result<Vec<NodeRef>, Error> {
    let ev = Eval::new(doc);
    match ev.eval(&expr.root, Ctx { node: NodeRef::node(ROOT), position: 1, size: 1 })? {
        V::Nodes(n) => Ok(n),
        _ => Err(Error("xpath expression must evaluate to a node-set".into())),
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
            Func::LowerCase => V::Str(crate::go::to_lower(&s(0)?)),
            Func::UpperCase => V::Str(crate::go::to_upper(&s(0)?)),
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
        crate::go::format_float_plain(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_nodes;

    fn selected(doc: &str, xpath: &str) -> Vec<String> {
        let d = parse_nodes(doc).expect("valid xml");
        let ev = Eval::new(&d);
        compile(xpath)
            .map(|e| super::select(&e, &d))
            .expect("valid xpath")
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
        assert_eq!(selected(doc, "/a//x[@env='prod']"), ["x=1", "x=3"]);
        assert!(selected(doc, "//x[2]").is_empty());
        assert_eq!(selected(doc, "(//x)[2]"), ["x=2"]);
        assert_eq!(selected(doc, "//x[last()]/@env"), ["env=prod", "env=dev", "env=prod"]);
        assert_eq!(selected(doc, "/a/*[not(self::x)]"), ["b=2", "d=3"]);
        assert_eq!(selected(doc, "//x[. > 1 and . < 3]"), ["x=2"]);
        assert_eq!(selected(doc, "//x[contains(@env, 'ro')] | //b"), ["x=1", "b=2", "x=3"]);
        assert_eq!(selected(doc, "//f/ancestor::*[2]"), ["d=3"]);
        assert_eq!(selected(doc, "//b/following-sibling::*"), ["d=3"]);
        assert_eq!(selected(doc, "//b/preceding::x"), ["x=1"]);
    }

    #[test]
    fn a_value_is_not_a_selection() {
        let d = parse_nodes("<a/>").expect("valid xml");
        assert!(super::select(&compile("count(//a)").expect("valid xpath"), &d).is_err());
    }
}
