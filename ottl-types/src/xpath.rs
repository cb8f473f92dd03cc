//! XPath 1.0 expressions (the XML functions' `xpath` literals), parsed once when a statement is
//! checked: a bad XPath is a diagnostic, and backends evaluate the tree (`ottl-jit`'s `xml`).
//! The grammar and core function library of XPath 1.0 (plus `ends-with`, `lower-case`,
//! `upper-case`), as `antchfx/xpath` accepts them; no variables, no `namespace` axis.

use std::fmt;

/// Nesting deeper than this is refused when compiling (the evaluator recurses).
const MAX_NESTING: usize = 128;

#[derive(Debug, Clone, PartialEq)]
/// A parsed XPath and its source text.
pub struct Expr {
    pub root: E,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
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
pub enum Test {
    Name { prefix: String, local: String },
    AnyName,
    PrefixAny(String),
    Node,
    Text,
    Comment,
    ProcessingInstruction,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub axis: Axis,
    pub test: Test,
    pub predicates: Vec<E>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
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

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum E {
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

/// A core library function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
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
pub struct Error(pub String);

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
    let root = p.expr()?;
    if p.pos != p.toks.len() {
        return Err(Error(format!("{s} has an invalid token")));
    }
    Ok(Expr { root, source: s.to_string() })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_xpath() {
        let deep = format!("{}1", "-".repeat(100_000));
        let nested = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        for bad in ["!", "", "/a[", "a/", "foo(1)", "//*[@", "$x", "a::b", &deep, &nested] {
            assert!(compile(bad).is_err(), "{bad:?} compiled");
        }
    }

    #[test]
    fn reads_operators_and_names_by_position() {
        let e = compile("div div div").expect("valid xpath");
        assert!(matches!(e.root, E::Binary(Op::Div, _, _)), "{e:?}");
        assert!(compile("//a[@b and c or d mod 2 = 1]/text() | //p:*").is_ok());
    }
}
