//! Checks the concrete tree against upstream's grammar and builds the AST.
//!
//! The LR grammar accepts a superset of OTTL (see `grammar/ottl.lalrpop`); each function here
//! accepts exactly what upstream's grammar accepts at that position, reports the rest, and also
//! performs upstream's post-parse checks (`checkForCustomError`): a converter as a statement, an
//! editor as a value, an indexed editor.

use crate::ast::{
    ArgValue, Argument, BoolExpr, BoolExprKind, Call, Field, Ident, Key, KeyKind, MapItem, Path, Statement,
    Value, ValueKind,
};
use crate::cst::{self, Expr, ExprKind};
use crate::diagnostics::{self, Diagnostic};
use crate::lexer;
use crate::text::TextRange;

type Lowered<T> = (Option<T>, Vec<Diagnostic>);

pub(crate) fn statement(text: &str, cst: cst::Statement) -> Lowered<Statement> {
    let mut l = Lower { text, diags: Vec::new() };
    let tree = l.statement(cst);
    (tree, l.diags)
}

pub(crate) fn condition(text: &str, cst: Expr) -> Lowered<BoolExpr> {
    let mut l = Lower { text, diags: Vec::new() };
    let tree = l.bool_expr(cst);
    (tree, l.diags)
}

pub(crate) fn value(text: &str, cst: Expr) -> Lowered<Value> {
    let mut l = Lower { text, diags: Vec::new() };
    let tree = l.value(cst);
    (tree, l.diags)
}

/// Where a value stands, which changes what `nil` means (upstream tries the `nil` literal first
/// only where a whole value starts; inside keys and after an operator `nil` is a path segment).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    ValueStart,
    InMath,
}

struct Lower<'a> {
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Lower<'_> {
    fn statement(&mut self, cst: cst::Statement) -> Option<Statement> {
        if !cst.call.lowercase {
            self.diags.push(diagnostics::converter_as_statement(cst.call.name.range, &cst.call.name.name));
        }
        if let Some(key) = cst.call.keys.first() {
            let range = key.range.cover(cst.call.keys.last().map_or(key.range, |k| k.range));
            self.diags.push(diagnostics::indexed_editor(range, &cst.call.name.name));
        }
        let editor = self.call(cst.call);
        let condition = match cst.condition {
            Some(c) => Some(self.bool_expr(c)?),
            None => None,
        };
        Some(Statement { editor: editor?, condition, range: cst.range })
    }

    fn call(&mut self, call: cst::Call) -> Option<Call> {
        let mut args = Vec::with_capacity(call.args.len());
        let mut ok = true;
        for arg in call.args {
            let value = match arg.value.kind {
                ExprKind::FuncName(name) => {
                    Some(ArgValue::FunctionName(Ident { name, range: arg.value.range }))
                }
                _ => self.value(arg.value).map(ArgValue::Value),
            };
            match value {
                Some(value) => args.push(Argument { name: arg.name, value, range: arg.range }),
                None => ok = false,
            }
        }
        let keys = self.keys(call.keys)?;
        ok.then_some(Call { name: call.name, args, keys, range: call.range })
    }

    /// A call inside a value or condition: upstream reports a lowercase name, and keys on it.
    fn converter(&mut self, call: cst::Call) -> Option<Call> {
        if call.lowercase {
            self.diags.push(diagnostics::editor_as_value(call.name.range, &call.name.name));
            if let (Some(first), Some(last)) = (call.keys.first(), call.keys.last()) {
                self.diags.push(diagnostics::indexed_editor(first.range.cover(last.range), &call.name.name));
            }
        }
        self.call(call)
    }

    fn keys(&mut self, keys: Vec<cst::Key>) -> Option<Vec<Key>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let kind = match key.inner.kind {
                ExprKind::Str => KeyKind::String(self.string(key.inner.range)?),
                ExprKind::Int => KeyKind::Int(self.int(key.inner.range)?),
                _ => KeyKind::Expr(self.math_operand(key.inner, Position::InMath)?),
            };
            out.push(Key { kind, range: key.range });
        }
        Some(out)
    }

    fn bool_expr(&mut self, e: Expr) -> Option<BoolExpr> {
        let range = e.range;
        let kind = match e.kind {
            ExprKind::Or(l, r) => {
                let (l, r) = (self.bool_expr(*l), self.bool_expr(*r));
                BoolExprKind::Or(Box::new(l?), Box::new(r?))
            }
            ExprKind::And(l, r) => {
                let (l, r) = (self.bool_expr(*l), self.bool_expr(*r));
                BoolExprKind::And(Box::new(l?), Box::new(r?))
            }
            ExprKind::Not(inner) => BoolExprKind::Not(Box::new(self.bool_expr(*inner)?)),
            ExprKind::Compare { lhs, op, rhs } => {
                let (lhs, rhs) = (self.value(*lhs), self.value(*rhs));
                BoolExprKind::Comparison { lhs: lhs?, op, rhs: rhs? }
            }
            ExprKind::Paren(inner) => BoolExprKind::Paren(Box::new(self.bool_expr(*inner)?)),
            ExprKind::Bool(b) => BoolExprKind::Literal(b),
            ExprKind::Error => BoolExprKind::Error,
            ExprKind::Call(call) => BoolExprKind::Converter(self.converter(call)?),
            other => {
                let what = describe(&other);
                self.diags.push(diagnostics::value_as_condition(range, what));
                return None;
            }
        };
        Some(BoolExpr { kind, range })
    }

    fn value(&mut self, e: Expr) -> Option<Value> {
        let range = e.range;
        let kind = match e.kind {
            ExprKind::Or(..) | ExprKind::And(..) | ExprKind::Not(_) | ExprKind::Compare { .. } => {
                self.diags.push(diagnostics::condition_as_value(range));
                return None;
            }
            ExprKind::Nil => ValueKind::Nil,
            ExprKind::Error => ValueKind::Error,
            ExprKind::Bool(b) => ValueKind::Bool(b),
            ExprKind::Str => ValueKind::String(self.string(range)?),
            ExprKind::Bytes => ValueKind::Bytes(self.bytes(range)?),
            ExprKind::Enum => ValueKind::Enum(self.text[range.as_usize()].to_string()),
            ExprKind::FuncName(_) => {
                let d = diagnostics::unexpected_token(range, "a function name", "a value")
                    .with_help("a bare function name is only allowed as a function argument");
                self.diags.push(d);
                return None;
            }
            ExprKind::List(items) => {
                let items: Vec<Option<Value>> = items.into_iter().map(|v| self.value(v)).collect();
                ValueKind::List(items.into_iter().collect::<Option<_>>()?)
            }
            ExprKind::Map(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (key_range, v) in items {
                    match (self.string(key_range), self.value(v)) {
                        (Some(key), Some(value)) => out.push(MapItem { key, key_range, value }),
                        _ => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                ValueKind::Map(out)
            }
            ExprKind::Math { .. }
            | ExprKind::Paren(_)
            | ExprKind::Int
            | ExprKind::Float
            | ExprKind::Path(_)
            | ExprKind::Call(_) => {
                return self.math_operand(e, Position::ValueStart);
            }
        };
        Some(Value { kind, range })
    }

    /// A math expression or one of its operands: a literal number, a path, a converter, or a
    /// parenthesised math expression.
    fn math_operand(&mut self, e: Expr, pos: Position) -> Option<Value> {
        let range = e.range;
        let kind = match e.kind {
            ExprKind::Math { lhs, op, rhs } => {
                let (lhs, rhs) = (self.math_operand(*lhs, pos), self.math_operand(*rhs, Position::InMath));
                ValueKind::Math { lhs: Box::new(lhs?), op, rhs: Box::new(rhs?) }
            }
            ExprKind::Paren(inner) => {
                ValueKind::Paren(Box::new(self.math_operand(*inner, Position::InMath)?))
            }
            ExprKind::Int => ValueKind::Int(self.int(range)?),
            ExprKind::Float => ValueKind::Float(self.float(range)?),
            ExprKind::Path(segments) => {
                let nil_head =
                    segments[0].name.name == "nil" && (segments.len() > 1 || !segments[0].keys.is_empty());
                if pos == Position::ValueStart && nil_head {
                    self.diags.push(diagnostics::nil_path(segments[0].name.range));
                    return None;
                }
                ValueKind::Path(self.path(segments, range)?)
            }
            ExprKind::Nil if pos == Position::InMath => {
                let name = Ident { name: "nil".into(), range };
                let field = Field { name, keys: Vec::new(), range };
                ValueKind::Path(Path { context: None, fields: vec![field], range })
            }
            ExprKind::Call(call) => ValueKind::Converter(self.converter(call)?),
            ExprKind::Error => ValueKind::Error,
            ExprKind::Or(..) | ExprKind::And(..) | ExprKind::Not(_) | ExprKind::Compare { .. } => {
                self.diags.push(diagnostics::condition_as_value(range));
                return None;
            }
            other => {
                self.diags.push(diagnostics::invalid_math_operand(range, describe(&other)));
                return None;
            }
        };
        Some(Value { kind, range })
    }

    fn path(&mut self, segments: Vec<cst::Segment>, range: TextRange) -> Option<Path> {
        let mut fields = Vec::with_capacity(segments.len());
        for seg in segments {
            let keys = self.keys(seg.keys)?;
            fields.push(Field { name: seg.name, keys, range: seg.range });
        }
        // Upstream's `(@Lowercase '.')?`: a first segment without keys, followed by more.
        let context =
            if fields.len() > 1 && fields[0].keys.is_empty() { Some(fields.remove(0).name) } else { None };
        Some(Path { context, fields, range })
    }

    fn string(&mut self, range: TextRange) -> Option<String> {
        match lexer::unquote(&self.text[range.as_usize()]) {
            Ok(s) => Some(s),
            Err((bad, reason)) => {
                let bad = bad.shifted(range.start);
                self.diags.push(diagnostics::invalid_escape(self.text, bad, reason));
                None
            }
        }
    }

    fn int(&mut self, range: TextRange) -> Option<i64> {
        match parse_go_int(&self.text[range.as_usize()]) {
            Ok(v) => Some(v),
            Err(IntError::Octal) => {
                self.diags.push(diagnostics::octal_literal(range));
                None
            }
            Err(IntError::Range) => {
                self.diags.push(diagnostics::number_out_of_range(range, "integer"));
                None
            }
        }
    }

    fn float(&mut self, range: TextRange) -> Option<f64> {
        match self.text[range.as_usize()].parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.diags.push(diagnostics::number_out_of_range(range, "float"));
                None
            }
        }
    }

    fn bytes(&mut self, range: TextRange) -> Option<Vec<u8>> {
        let hex = &self.text[range.start as usize + 2..range.end as usize];
        if hex.len() % 2 == 1 {
            self.diags.push(diagnostics::odd_hex_digits(range));
            return None;
        }
        let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        hex.as_bytes().chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
    }
}

fn describe(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Or(..) | ExprKind::And(..) | ExprKind::Not(_) | ExprKind::Compare { .. } => "a condition",
        ExprKind::Math { .. } => "an arithmetic expression",
        ExprKind::Paren(_) => "a parenthesised value",
        ExprKind::Nil => "`nil`",
        ExprKind::Bool(_) => "a boolean",
        ExprKind::Int => "an integer",
        ExprKind::Float => "a float",
        ExprKind::Str => "a string",
        ExprKind::Bytes => "a bytes literal",
        ExprKind::Enum => "an enum symbol",
        ExprKind::FuncName(_) => "a function name",
        ExprKind::Path(_) => "a path",
        ExprKind::Call(_) => "a function call",
        ExprKind::List(_) => "a list",
        ExprKind::Map(_) => "a map",
        ExprKind::Error => "an unreadable expression",
    }
}

enum IntError {
    Octal,
    Range,
}

/// Go's `strconv.ParseInt(s, 0, 64)` for the lexer's `[-+]?\d+`: a leading `0` means octal.
fn parse_go_int(s: &str) -> Result<i64, IntError> {
    let (negative, digits) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let radix = if digits.len() > 1 && digits.starts_with('0') { 8 } else { 10 };
    let magnitude = u64::from_str_radix(digits, radix).map_err(|e| match e.kind() {
        std::num::IntErrorKind::InvalidDigit => IntError::Octal,
        _ => IntError::Range,
    })?;
    if negative {
        0i64.checked_sub_unsigned(magnitude).ok_or(IntError::Range)
    } else {
        i64::try_from(magnitude).map_err(|_| IntError::Range)
    }
}
