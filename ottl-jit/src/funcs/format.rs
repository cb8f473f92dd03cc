//! `Format(format, vals)`: Go's `fmt.Sprintf` over the values. Supported verbs: `%s %v %d %f
//! %F %e %g %x %X %q %t %%` with flags `-`, `0`, `+`, ` ` and width/precision; a verb that does
//! not fit its value prints Go's `%!d(string=x)` text, a missing value `%!d(MISSING)`, extra
//! values `%!(EXTRA type=value, ...)` — never an error, as upstream.

use std::borrow::Cow;
use std::fmt::Write;

use crate::interp::{CArg, CCall, CExpr, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let format = call.lit_str(0);
    let values: Vec<Value<'_>> = match call.arg(1) {
        CArg::Value(CExpr::List(items)) => items.iter().map(|i| i.eval(rec)).collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(Value::Str(Cow::Owned(sprintf(format, &values))))
}

/// A verb's flags, width and precision (Go's `fmt` flags are independent booleans).
#[derive(Default)]
#[expect(clippy::struct_excessive_bools, reason = "each flag is independent, as in Go's fmt")]
struct Spec {
    minus: bool,
    zero: bool,
    plus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Go's `fmt.Sprintf` for the supported verbs.
pub fn sprintf(format: &str, values: &[Value<'_>]) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '0' => spec.zero = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        // Go gives up on a width or precision past a million, and on the rest of the format.
        let Ok(width) = number(&mut chars) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        spec.width = width;
        if chars.peek() == Some(&'.') {
            chars.next();
            let Ok(precision) = number(&mut chars) else {
                out.push_str("%!(NOVERB)");
                break;
            };
            spec.precision = Some(precision.unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = values.get(next) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next += 1;
        let Some(body) = verb_text(verb, &spec, v) else {
            let _ = write!(out, "%!{verb}({}={})", type_name(v), plain(v));
            continue;
        };
        pad(&mut out, &body, &spec, matches!(verb, 'd' | 'f' | 'F' | 'e' | 'g' | 'x' | 'X') && is_number(v));
    }
    if next < values.len() {
        out.push_str("%!(EXTRA ");
        for (i, v) in values[next..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}={}", type_name(v), plain(v));
        }
        out.push(')');
    }
    out
}

/// Go's `parsenum`: the digits of a width or precision; `Err` when the number grows past a
/// million before its last digit (Go then consumes the rest of the format).
fn number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<Option<usize>, ()> {
    const TOO_LARGE: usize = 1_000_000;
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        if n.is_some_and(|n| n > TOO_LARGE) {
            chars.for_each(drop);
            return Err(());
        }
        n = Some(n.unwrap_or(0) * 10 + d as usize);
        chars.next();
    }
    Ok(n)
}

fn is_number(v: &Value<'_>) -> bool {
    matches!(v, Value::Int(_) | Value::Float(_))
}

fn pad(out: &mut String, body: &str, spec: &Spec, numeric: bool) {
    let len = body.chars().count();
    let fill = spec.width.unwrap_or(0).saturating_sub(len);
    if spec.minus {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if spec.zero && numeric {
        let (sign, digits) = match body.strip_prefix(['-', '+']) {
            Some(rest) => (&body[..1], rest),
            None => ("", body),
        };
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(digits);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

fn signed(s: String, spec: &Spec, negative: bool) -> String {
    if negative {
        s
    } else if spec.plus {
        format!("+{s}")
    } else if spec.space {
        format!(" {s}")
    } else {
        s
    }
}

fn verb_text(verb: char, spec: &Spec, v: &Value<'_>) -> Option<String> {
    Some(match (verb, v) {
        ('s' | 'v', Value::Str(s)) => match spec.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        },
        ('v' | 'd', Value::Int(i)) => signed(i.to_string(), spec, *i < 0),
        ('v' | 't', Value::Bool(b)) => b.to_string(),
        ('v' | 'g', Value::Float(f)) => signed(go_g(*f), spec, *f < 0.0),
        ('f' | 'F', Value::Float(f)) => {
            signed(format!("{:.*}", spec.precision.unwrap_or(6), f), spec, *f < 0.0)
        }
        ('e', Value::Float(f)) => signed(go_e(*f, spec.precision.unwrap_or(6)), spec, *f < 0.0),
        ('x', Value::Int(i)) => {
            signed(if *i < 0 { format!("-{:x}", i.unsigned_abs()) } else { format!("{i:x}") }, spec, *i < 0)
        }
        ('X', Value::Int(i)) => {
            signed(if *i < 0 { format!("-{:X}", i.unsigned_abs()) } else { format!("{i:X}") }, spec, *i < 0)
        }
        ('x', Value::Str(s)) => crate::interp::args::hex(s.as_bytes()),
        ('x', Value::Bytes(b)) => crate::interp::args::hex(b),
        ('X', Value::Str(s)) => crate::interp::args::hex(s.as_bytes()).to_uppercase(),
        ('q', Value::Str(s)) => crate::go::quote(s),
        ('v', Value::Nil) => "<nil>".into(),
        _ => return None,
    })
}

/// `%v` of a value in a bad-verb message.
fn plain(v: &Value<'_>) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => go_g(*f),
        Value::Bool(b) => b.to_string(),
        Value::Nil => "<nil>".into(),
        other => crate::json::marshal(other),
    }
}

fn type_name(v: &Value<'_>) -> &'static str {
    if matches!(v, Value::Nil) { "<nil>" } else { v.go_type() }
}

/// Go's `%g`/`%v` for a float64: shortest digits, exponent form with at least two exponent
/// digits when the exponent is < -4 or >= 21.
fn go_g(f: f64) -> String {
    crate::json::shortest(f, 1e-4, 2)
}

/// Go's `%e` with a precision: `1.500000e+00`.
fn go_e(f: f64, precision: usize) -> String {
    let s = format!("{f:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
    format!("{mantissa}e{sign}{digits:0>2}")
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::sprintf;
    use crate::value::Value;

    #[test]
    fn formats_like_go() {
        let s = |t: &str| Value::Str(Cow::Owned(t.to_string()));
        assert_eq!(sprintf("%s-%d", &[s("a"), Value::Int(5)]), "a-5");
        assert_eq!(sprintf("%05d|%-4s|%4s", &[Value::Int(-42), s("ab"), s("cd")]), "-0042|ab  |  cd");
        assert_eq!(
            sprintf("%.2f %v %v", &[Value::Float(1.23456), Value::Float(1.5), Value::Float(1e21)]),
            "1.23 1.5 1e+21"
        );
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[s("x")]), "x %!s(MISSING)");
        assert_eq!(sprintf("%s", &[s("x"), Value::Int(1)]), "x%!(EXTRA int64=1)");
        assert_eq!(
            sprintf("100%% %x %q %t", &[Value::Int(255), s("a\"b"), Value::Bool(true)]),
            "100% ff \"a\\\"b\" true"
        );
        assert_eq!(sprintf("%e", &[Value::Float(1500.0)]), "1.500000e+03");
    }
}
