//! `ExtractGrokPatterns(target, pattern, namedCapturesOnly?, patternDefinitions?)`: the captures
//! of a grok pattern's first match, as elastic/go-grok's `ParseTypedString` returns them.
//!
//! The pattern expands once, when the statement compiles (`ottl_types::grok`). Per record: no
//! match is an empty map; groups that did not take part or captured nothing are left out; typed
//! captures (`%{NUM:n:int}`) convert as Go's `strconv` does, and a failed conversion is an error.
//! Keys keep the order of their first group; a later group of the same name replaces the value.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use ottl_types::grok::{self, Conversion};
use regex::Regex;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

/// A grok pattern compiled for matching: the regex and, in group order, the fields it fills.
#[derive(Debug)]
pub struct Compiled {
    regex: Regex,
    /// (group index, field name, conversion)
    fields: Vec<(usize, String, Conversion)>,
}

impl Compiled {
    /// Expands and compiles a pattern; the error reads as upstream's factory error.
    pub fn new(
        pattern: &str,
        named_captures_only: bool,
        definitions: &[impl AsRef<str>],
    ) -> Result<Self, String> {
        let invalid = |e: &dyn std::fmt::Display| {
            format!(
                "the regex pattern supplied to ExtractGrokPatterns '{}' is not a valid pattern: {e}",
                crate::go::quote(pattern)
            )
        };
        let defs = grok::definitions(definitions).map_err(|e| e.to_string())?;
        let expanded = grok::expand(pattern, named_captures_only, &defs).map_err(|e| invalid(&e))?;
        let regex = ottl_types::goregex::compile(&expanded.regex).map_err(|e| invalid(&e))?;
        let fields: Vec<_> = regex
            .capture_names()
            .enumerate()
            .filter_map(|(i, name)| name.map(|n| (i, expanded.field(n))))
            .map(|(i, (name, conversion))| (i, name, conversion))
            .collect();
        if named_captures_only && fields.is_empty() {
            return Err("at least 1 named capture group must be supplied in the given regex".into());
        }
        Ok(Compiled { regex, fields })
    }
}

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let target = call.string(0, rec)?;
    let Some(compiled) = call.grok(1) else {
        return Err(Error::new("ExtractGrokPatterns: the pattern was not compiled"));
    };
    let mut out: Vec<KeyValue> = Vec::new();
    let Some(caps) = compiled.regex.captures(&target) else { return Ok(Value::Map(Cow::Owned(out))) };
    for (index, name, conversion) in &compiled.fields {
        let Some(m) = caps.get(*index).filter(|m| !m.is_empty()) else { continue };
        let text = m.as_str();
        let value = match conversion {
            Conversion::String => any_value::Value::StringValue(text.to_string()),
            Conversion::Int => any_value::Value::IntValue(atoi(text)?),
            Conversion::Float => any_value::Value::DoubleValue(crate::go::parse_float(text).map_err(Error)?),
            Conversion::Bool => any_value::Value::BoolValue(parse_bool(text)?),
            Conversion::Invalid => {
                return Err(Error(format!(
                    "invalid type for {}: type not specified",
                    name.replace('.', "___")
                )));
            }
        };
        let value = Some(AnyValue { value: Some(value) });
        match out.iter_mut().find(|kv| &kv.key == name) {
            Some(kv) => kv.value = value,
            None => out.push(KeyValue { key: name.clone(), value, ..KeyValue::default() }),
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}

/// `strconv.Atoi`: an optional sign and decimal digits that fit an int64.
fn atoi(s: &str) -> Result<i64, Error> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error(format!("strconv.Atoi: parsing {}: invalid syntax", crate::go::quote(s))));
    }
    let t = s.strip_prefix('+').unwrap_or(s);
    t.parse::<i64>()
        .map_err(|_| Error(format!("strconv.Atoi: parsing {}: value out of range", crate::go::quote(s))))
}

/// `strconv.ParseBool`.
fn parse_bool(s: &str) -> Result<bool, Error> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(Error(format!("strconv.ParseBool: parsing {}: invalid syntax", crate::go::quote(s)))),
    }
}
