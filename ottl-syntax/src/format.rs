//! The canonical form of OTTL: one space around binary operators and after commas, glued names,
//! and statements longer than [`MAX_WIDTH`] with their arguments one per line.
//!
//! Literals are printed as written (`.5`, `0x0A`, string escapes), so formatting never changes a
//! value. The output parses to the same tree as the input, and formatting it again changes
//! nothing.

use crate::ast::{
    ArgValue, Argument, BoolExpr, BoolExprKind, Call, Key, KeyKind, Path, Statement, Value, ValueKind,
};
use crate::text::TextRange;

/// Statements longer than this are wrapped, one argument per line.
pub const MAX_WIDTH: usize = 100;
const INDENT: &str = "    ";

/// The canonical text of `statement`, which was parsed from `text`.
pub fn statement(text: &str, statement: &Statement) -> String {
    let p = Printer { text };
    let condition = statement.condition.as_ref().map(|c| format!(" where {}", p.bool_expr(c)));
    let condition = condition.unwrap_or_default();
    let flat = format!("{}{condition}", p.call(&statement.editor));
    if flat.len() <= MAX_WIDTH || statement.editor.args.is_empty() {
        return flat;
    }
    let mut out = format!("{}(\n", statement.editor.name.name);
    let args: Vec<String> = statement.editor.args.iter().map(|a| p.argument(a)).collect();
    out.push_str(&args.iter().map(|a| format!("{INDENT}{a}")).collect::<Vec<_>>().join(",\n"));
    out.push_str("\n)");
    out.push_str(&p.keys(&statement.editor.keys));
    out.push_str(&condition);
    out
}

/// The canonical text of a condition parsed from `text`.
pub fn condition(text: &str, condition: &BoolExpr) -> String {
    Printer { text }.bool_expr(condition)
}

/// The canonical text of a value expression parsed from `text`.
pub fn value(text: &str, value: &Value) -> String {
    Printer { text }.value(value)
}

/// A path whose last segment is spelled like a keyword (`false`) exists only when an uppercase
/// identifier follows it directly (`[falseN]` is the path `false` and the enum `N`, juxtaposed in
/// a list); any separator would turn it into the keyword. The printer keeps the two glued.
fn ends_in_keyword_segment(value: &Value) -> bool {
    let ValueKind::Path(p) = &value.kind else { return false };
    p.fields.last().is_some_and(|f| matches!(f.name.name.as_str(), "true" | "false" | "not" | "and" | "or"))
}

struct Printer<'a> {
    text: &'a str,
}

impl Printer<'_> {
    fn raw(&self, range: TextRange) -> &str {
        &self.text[range.as_usize()]
    }

    fn call(&self, call: &Call) -> String {
        let args: Vec<String> = call.args.iter().map(|a| self.argument(a)).collect();
        format!("{}({}){}", call.name.name, args.join(", "), self.keys(&call.keys))
    }

    fn argument(&self, arg: &Argument) -> String {
        let value = match &arg.value {
            ArgValue::Value(v) => self.value(v),
            ArgValue::FunctionName(f) => f.name.clone(),
        };
        match &arg.name {
            Some(name) => format!("{} = {value}", name.name),
            None => value,
        }
    }

    fn keys(&self, keys: &[Key]) -> String {
        keys.iter()
            .map(|k| match &k.kind {
                KeyKind::String(_) | KeyKind::Int(_) => {
                    // The literal as written, without the brackets' inner spacing.
                    let inner = self.raw(TextRange::new(k.range.start + 1, k.range.end - 1));
                    format!("[{}]", inner.trim())
                }
                KeyKind::Expr(v) => format!("[{}]", self.value(v)),
            })
            .collect()
    }

    fn bool_expr(&self, b: &BoolExpr) -> String {
        match &b.kind {
            BoolExprKind::Or(l, r) => format!("{} or {}", self.bool_expr(l), self.bool_expr(r)),
            BoolExprKind::And(l, r) => format!("{} and {}", self.bool_expr(l), self.bool_expr(r)),
            BoolExprKind::Not(inner) => format!("not {}", self.bool_expr(inner)),
            BoolExprKind::Comparison { lhs, op, rhs } => {
                format!("{} {} {}", self.value(lhs), op.as_str(), self.value(rhs))
            }
            BoolExprKind::Literal(v) => v.to_string(),
            BoolExprKind::Converter(c) => self.call(c),
            BoolExprKind::Paren(inner) => format!("({})", self.bool_expr(inner)),
            // Trees with errors are not formatted; print what was written.
            BoolExprKind::Error => self.raw(b.range).to_string(),
        }
    }

    fn value(&self, v: &Value) -> String {
        match &v.kind {
            ValueKind::Nil => "nil".to_string(),
            ValueKind::Error => self.raw(v.range).to_string(),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::String(_) | ValueKind::Bytes(_) => {
                self.raw(v.range).to_string()
            }
            ValueKind::Enum(e) => e.clone(),
            ValueKind::Path(p) => self.path(p),
            ValueKind::Converter(c) => self.call(c),
            ValueKind::List(items) => {
                let mut out = String::from("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 && !ends_in_keyword_segment(&items[i - 1]) {
                        out.push_str(", ");
                    }
                    out.push_str(&self.value(item));
                }
                out.push(']');
                out
            }
            ValueKind::Map(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| format!("{}: {}", self.raw(i.key_range), self.value(&i.value)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            ValueKind::Math { lhs, op, rhs } => {
                format!("{} {} {}", self.value(lhs), op.as_str(), self.value(rhs))
            }
            ValueKind::Paren(inner) => format!("({})", self.value(inner)),
        }
    }

    fn path(&self, p: &Path) -> String {
        let mut out = String::new();
        if let Some(c) = &p.context {
            out.push_str(&c.name);
            out.push('.');
        }
        for (i, f) in p.fields.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&f.name.name);
            out.push_str(&self.keys(&f.keys));
        }
        out
    }
}

/// The canonical form of `text` read as `entry`, or `None` when it does not parse cleanly.
///
/// The printed form is used only when it reads back as the same tree. Otherwise (a path spelled
/// like a keyword juxtaposed deep in a list literal, `[a b trueZ]`, has no canonical spelling)
/// the text is kept as written, which is trivially a fixed point.
pub fn canonical(entry: crate::Entry, text: &str) -> Option<String> {
    let (shape, printed) = shape_and_format(entry, text)?;
    let reads_back = shape_and_format(entry, &printed).is_some_and(|(again, _)| again == shape);
    Some(if reads_back { printed } else { text.trim().to_string() })
}

/// Checks the formatter's promises on `text`: its canonical form parses to the same tree, and
/// formatting that again changes nothing. Returns the canonical text, `Ok(None)` when `text` does
/// not parse cleanly, and `Err` describing a broken promise. Tests and the fuzz target use it.
pub fn verify(entry: crate::Entry, text: &str) -> Result<Option<String>, String> {
    let Some(formatted) = canonical(entry, text) else { return Ok(None) };
    let (Some((shape, _)), Some((again_shape, _))) =
        (shape_and_format(entry, text), shape_and_format(entry, &formatted))
    else {
        return Err(format!("the canonical form does not parse: {formatted}"));
    };
    if again_shape != shape {
        return Err(format!("formatting changed the tree:\n{shape}\n---\n{again_shape}"));
    }
    match canonical(entry, &formatted) {
        Some(again) if again == formatted => Ok(Some(formatted)),
        again => Err(format!("formatting is not idempotent:\n{formatted}\n---\n{again:?}")),
    }
}

fn shape_and_format(entry: crate::Entry, text: &str) -> Option<(String, String)> {
    use crate::{dump, parse_condition, parse_statement, parse_value};
    match entry {
        crate::Entry::Statement => {
            let p = parse_statement(text);
            let t = p.tree.as_ref().filter(|_| p.is_ok())?;
            Some((dump::statement_shape(t), statement(text, t)))
        }
        crate::Entry::Condition => {
            let p = parse_condition(text);
            let t = p.tree.as_ref().filter(|_| p.is_ok())?;
            Some((dump::condition_shape(t), condition(text, t)))
        }
        crate::Entry::Value => {
            let p = parse_value(text);
            let t = p.tree.as_ref().filter(|_| p.is_ok())?;
            Some((dump::value_shape(t), value(text, t)))
        }
    }
}
