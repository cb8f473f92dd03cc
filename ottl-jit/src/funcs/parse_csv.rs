//! `ParseCSV(target, header, delimiter, headerDelimiter, mode)`: one CSV row to a map keyed by
//! the header's fields (the header is split on its delimiter, quotes and all).
//!
//! `strict` and `lazyQuotes` read the row as upstream's `parseutils.ReadCSVRow` does with Go's
//! `encoding/csv`: newlines separate records and empty lines are skipped, then every record after
//! the first continues the previous one's last field (`a\nb,c` is `["a\nb", "c"]`); a record
//! cut short by a parse error keeps the fields before it (the error shows only when there are
//! none). `ignoreQuotes` splits on the delimiter and nothing else. The field count must match
//! the header's.

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
    if header.is_empty() {
        return Err(Error::new("headers must not be an empty string"));
    }
    let headers: Vec<&str> = header.split(header_delimiter).collect();
    let fields: Vec<String> = match mode {
        "ignoreQuotes" => source.split(delim).map(str::to_string).collect(),
        "lazyQuotes" => read_row(&source, delim, true)?,
        _ => read_row(&source, delim, false)?,
    };
    if fields.len() != headers.len() {
        return Err(Error(format!(
            "map csv headers: wrong number of fields: expected {}, found {}",
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

/// `ReadCSVRow`: every record of the text, the later ones continuing the first.
fn read_row(s: &str, delim: char, lazy: bool) -> Result<Vec<String>, Error> {
    let mut reader = Reader { rest: s, line: 0, delim, lazy };
    let mut records: Vec<Vec<String>> = Vec::new();
    while let Some((fields, err)) = reader.read() {
        if fields.is_empty() {
            let err = err.unwrap_or_default();
            return Err(Error(format!("read csv line: {err}")));
        }
        records.push(fields);
    }
    let mut records = records.into_iter();
    let Some(mut joined) = records.next() else { return Err(Error::new("no csv lines found")) };
    for next in records {
        let mut next = next.into_iter();
        if let (Some(last), Some(first)) = (joined.last_mut(), next.next()) {
            last.push('\n');
            last.push_str(&first);
        }
        joined.extend(next);
    }
    Ok(joined)
}

/// Go's `csv.Reader` (`FieldsPerRecord = -1`, no comments, no space trimming).
struct Reader<'s> {
    rest: &'s str,
    /// Lines read so far (1-based once reading starts).
    line: usize,
    delim: char,
    lazy: bool,
}

impl Reader<'_> {
    /// The next line with its newline (`\r\n` read as `\n`); `None` at the end.
    fn read_line(&mut self) -> Option<String> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        let mut line = self.rest[..end].to_string();
        self.rest = &self.rest[end..];
        self.line += 1;
        if line.ends_with("\r\n") {
            line.truncate(line.len() - 2);
            line.push('\n');
        } else if !line.ends_with('\n') && line.ends_with('\r') {
            line.pop();
        }
        Some(line)
    }

    fn error(start: usize, line: usize, col: usize, what: &str) -> String {
        if start == line {
            format!("parse error on line {line}, column {col}: {what}")
        } else {
            format!("record on line {start}; parse error on line {line}, column {col}: {what}")
        }
    }

    /// `Read`: the next record's fields and the error that cut it short; `None` at the end.
    fn read(&mut self) -> Option<(Vec<String>, Option<String>)> {
        const BARE: &str = "bare \" in non-quoted-field";
        const QUOTE: &str = "extraneous or missing \" in quoted-field";
        let nl = |l: &str| usize::from(l.ends_with('\n'));
        let mut line = loop {
            let line = self.read_line()?;
            if line.len() != nl(&line) {
                break line;
            }
        };
        let start = self.line;
        let mut col = 1;
        let mut fields = Vec::new();
        let delim_len = self.delim.len_utf8();
        loop {
            if !line.starts_with('"') {
                let i = line.find(self.delim);
                let field = match i {
                    Some(i) => &line[..i],
                    None => &line[..line.len() - nl(&line)],
                };
                if !self.lazy
                    && let Some(j) = field.find('"')
                {
                    let err = Self::error(start, self.line, col + j, BARE);
                    return Some((fields, Some(err)));
                }
                fields.push(field.to_string());
                match i {
                    Some(i) => {
                        line = line[i + delim_len..].to_string();
                        col += i + delim_len;
                    }
                    None => return Some((fields, None)),
                }
                continue;
            }
            // A quoted field, perhaps over several lines.
            let mut field = String::new();
            line.remove(0);
            col += 1;
            loop {
                if let Some(i) = line.find('"') {
                    field.push_str(&line[..i]);
                    line = line[i + 1..].to_string();
                    col += i + 1;
                    match line.chars().next() {
                        Some('"') => {
                            field.push('"');
                            line.remove(0);
                            col += 1;
                        }
                        Some(c) if c == self.delim => {
                            line = line[delim_len..].to_string();
                            col += delim_len;
                            fields.push(field);
                            break;
                        }
                        _ if nl(&line) == line.len() => {
                            fields.push(field);
                            return Some((fields, None));
                        }
                        _ if self.lazy => field.push('"'),
                        _ => {
                            let err = Self::error(start, self.line, col - 1, QUOTE);
                            return Some((fields, Some(err)));
                        }
                    }
                } else if !line.is_empty() {
                    field.push_str(&line);
                    col += line.len();
                    match self.read_line() {
                        Some(next) => {
                            line = next;
                            col = 1;
                        }
                        None => line.clear(),
                    }
                } else {
                    if !self.lazy {
                        let err = Self::error(start, self.line, col, QUOTE);
                        return Some((fields, Some(err)));
                    }
                    fields.push(field);
                    return Some((fields, None));
                }
            }
        }
    }
}
