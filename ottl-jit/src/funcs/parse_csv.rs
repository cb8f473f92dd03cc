//! `ParseCSV(target, header, delimiter, headerDelimiter, mode)`: one CSV row to a map keyed by
//! the header's fields. `strict` follows Go's `encoding/csv` (quoted fields, `""` escapes, a
//! bare quote is an error); `lazyQuotes` lets quotes appear anywhere; `ignoreQuotes` splits on
//! the delimiter and nothing else. The field count must match the header's.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let source = call.string(0, rec)?;
    let header = call.string(1, rec)?;
    let delimiter = if call.is_given(2) { call.lit_str(2) } else { "," };
    let header_delimiter = if call.is_given(3) { call.lit_str(3) } else { delimiter };
    let mode = if call.is_given(4) { call.lit_str(4) } else { "strict" };
    let Some(delim) = delimiter.chars().next() else { return Err(Error::new("delimiter cannot be empty")) };
    let headers: Vec<&str> = header.split(header_delimiter).collect();
    let fields: Vec<String> = match mode {
        "ignoreQuotes" => source.split(delim).map(str::to_string).collect(),
        "lazyQuotes" => row(&source, delim, true)?,
        _ => row(&source, delim, false)?,
    };
    if fields.len() != headers.len() {
        return Err(Error(format!(
            "wrong number of fields: expected {}, found {}",
            headers.len(),
            fields.len()
        )));
    }
    let mut out: Vec<KeyValue> = Vec::with_capacity(headers.len());
    for (h, f) in headers.into_iter().zip(fields) {
        let value = Some(AnyValue { value: Some(any_value::Value::StringValue(f)) });
        match out.iter_mut().find(|kv| kv.key == h) {
            Some(kv) => kv.value = value,
            None => out.push(KeyValue { key: h.to_string(), value, ..KeyValue::default() }),
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}

/// The first record of `s`, as Go's `csv.Reader.Read` returns it.
fn row(s: &str, delim: char, lazy: bool) -> Result<Vec<String>, Error> {
    let mut fields = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') => match chars.peek() {
                        Some('"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some(&c) if c == delim => break,
                        Some('\n' | '\r') | None => break,
                        Some(_) if lazy => field.push('"'),
                        Some(_) => {
                            return Err(Error::new("parse error: extraneous or missing \" in quoted-field"));
                        }
                    },
                    Some(c) => field.push(c),
                    None if lazy => break,
                    None => return Err(Error::new("parse error: extraneous or missing \" in quoted-field")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == delim || c == '\n' || c == '\r' {
                    break;
                }
                if c == '"' && !lazy {
                    return Err(Error::new("parse error: bare \" in non-quoted-field"));
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        match chars.next() {
            Some(c) if c == delim => {}
            _ => return Ok(fields),
        }
    }
}
