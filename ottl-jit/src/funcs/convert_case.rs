//! `ConvertCase(target, toCase)`, `ToSnakeCase`, `ToCamelCase`: the `strcase` (v0.3.0)
//! conventions upstream uses, byte by byte. Camel: words split at `_`, ` `, `-`, `.` and after
//! digits, each capitalized (`foo_bar` → `FooBar`), a capital after a capital lowered (`ID` →
//! `Id`), every byte that is not an ASCII letter or digit dropped. Snake: `_` inserted where the
//! case changes (`fooBar` → `foo_bar`, `JSONData` → `json_data`), separators become `_`, letters
//! lowercase, other bytes kept.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    let out = match call.lit_str(1) {
        "lower" => crate::go::to_lower(&s),
        "upper" => crate::go::to_upper(&s),
        "snake" => snake(&s),
        "camel" => camel(&s),
        other => {
            return Err(Error(format!(
                "invalid case: {other}, allowed cases are: lower, upper, snake, camel"
            )));
        }
    };
    Ok(Value::Str(Cow::Owned(out)))
}

pub fn to_snake<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(snake(&call.string(0, rec)?))))
}

pub fn to_camel<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    Ok(Value::Str(Cow::Owned(camel(&call.string(0, rec)?))))
}

fn is_separator(b: u8) -> bool {
    matches!(b, b'_' | b' ' | b'-' | b'.')
}

/// Upper camel case, byte by byte as `strcase` v0.3.0 walks it: letters and digits are kept,
/// every other byte is dropped (so are characters past ASCII: `héllo` is `Hllo`).
fn camel(s: &str) -> String {
    let s = s.trim();
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut cap_next = true;
    let mut prev_cap = false;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let (is_cap, is_low) = (b.is_ascii_uppercase(), b.is_ascii_lowercase());
        let c = if cap_next {
            b.to_ascii_uppercase()
        } else if (i == 0 || prev_cap) && is_cap {
            b.to_ascii_lowercase()
        } else {
            b
        };
        prev_cap = is_cap;
        if is_cap || is_low {
            out.push(c);
            cap_next = false;
        } else if b.is_ascii_digit() {
            out.push(c);
            cap_next = true;
        } else {
            // Every other byte is dropped, those of characters past ASCII too.
            cap_next = is_separator(b);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Snake case, byte-wise on ASCII.
fn snake(s: &str) -> String {
    let s = s.trim();
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + 2);
    for (i, &b) in bytes.iter().enumerate() {
        let (is_cap, is_low, is_num) = (b.is_ascii_uppercase(), b.is_ascii_lowercase(), b.is_ascii_digit());
        let c = b.to_ascii_lowercase();
        if let Some(&next) = bytes.get(i + 1) {
            let (n_cap, n_low, n_num) =
                (next.is_ascii_uppercase(), next.is_ascii_lowercase(), next.is_ascii_digit());
            if (is_cap && (n_low || n_num)) || (is_low && (n_cap || n_num)) || (is_num && (n_cap || n_low)) {
                if is_cap && n_low && i > 0 && bytes[i - 1].is_ascii_uppercase() {
                    out.push(b'_');
                }
                out.push(c);
                if is_low || is_num || n_num {
                    out.push(b'_');
                }
                continue;
            }
        }
        out.push(if is_separator(b) { b'_' } else { c });
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{camel, snake};

    #[test]
    fn cases_follow_strcase() {
        assert_eq!(camel("foo_bar"), "FooBar");
        assert_eq!(camel("hello world-x.y"), "HelloWorldXY");
        assert_eq!(camel("v2beta"), "V2Beta");
        assert_eq!(snake("fooBar"), "foo_bar");
        assert_eq!(snake("JSONData"), "json_data");
        assert_eq!(snake("some-name here"), "some_name_here");
        assert_eq!(snake("v2Beta"), "v_2_beta");
        assert_eq!(camel("héllo wörld"), "HlloWrld");
    }

    /// `testdata/conformance/strcase.tsv`: what upstream's `strcase` made of 2000 random targets.
    #[test]
    fn agrees_with_strcase() {
        let table = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/strcase.tsv"));
        crate::conformance::check_rows(table, 2000, |line| {
            let [input, want_camel, want_snake] = crate::conformance::fields(line);
            let input: String = crate::conformance::json(input);
            let want: (String, String) =
                (crate::conformance::json(want_camel), crate::conformance::json(want_snake));
            let got = (camel(&input), snake(&input));
            if got == want { Ok(()) } else { Err(format!("{input:?}: upstream {want:?}, ours {got:?}")) }
        });
    }
}
