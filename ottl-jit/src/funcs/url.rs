//! `URL(url_string)`: a URL split into semantic-convention attributes, as Go's `net/url`
//! parses it: `url.original`, `url.scheme`, `url.domain`, `url.path` always; `url.port` (an
//! int), `url.query`, `url.fragment`, `url.extension`, `url.user_info`, `url.username` and
//! `url.password` when present.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let original = call.string(0, rec)?;
    let u = parse(&original).map_err(|e| Error(format!("parse {}: {e}", crate::go::quote(&original))))?;
    let mut out: Vec<KeyValue> = Vec::new();
    let mut put = |k: &str, v: any_value::Value| {
        out.push(KeyValue {
            key: k.to_string(),
            value: Some(AnyValue { value: Some(v) }),
            ..KeyValue::default()
        });
    };
    let s = |v: &str| any_value::Value::StringValue(v.to_string());
    put("url.original", s(&original));
    put("url.scheme", s(&u.scheme));
    put("url.domain", s(&u.host));
    put("url.path", s(&u.path));
    if let Some(port) = u.port.as_deref().and_then(|p| p.parse::<i64>().ok()) {
        put("url.port", any_value::Value::IntValue(port));
    }
    if !u.query.is_empty() {
        put("url.query", s(&u.query));
    }
    if !u.fragment.is_empty() {
        put("url.fragment", s(&u.fragment));
    }
    let last = u.path.rsplit('/').next().unwrap_or("");
    if let Some((_, ext)) = last.rsplit_once('.')
        && !ext.is_empty()
    {
        put("url.extension", s(ext));
    }
    if let Some(user) = &u.user {
        put("url.user_info", s(user));
        let (name, password) = user.split_once(':').map_or((user.as_str(), None), |(n, p)| (n, Some(p)));
        put("url.username", s(&unescape(name)?));
        if let Some(p) = password {
            put("url.password", s(&unescape(p)?));
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}

#[derive(Default)]
struct Url {
    scheme: String,
    user: Option<String>,
    host: String,
    port: Option<String>,
    path: String,
    query: String,
    fragment: String,
}

fn parse(raw: &str) -> Result<Url, Error> {
    let mut u = Url::default();
    let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    u.fragment = unescape(fragment)?;
    let mut rest = rest;
    if let Some(colon) = rest.find(':') {
        let candidate = &rest[..colon];
        let valid = candidate.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && candidate.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            u.scheme = candidate.to_ascii_lowercase();
            rest = &rest[colon + 1..];
        } else if colon == 0 {
            return Err(Error::new("missing protocol scheme"));
        }
    }
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    u.query = query.to_string();
    let mut rest = rest;
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        rest = &after[end..];
        let host_port = match authority.rsplit_once('@') {
            Some((user, host)) => {
                u.user = Some(user.to_string());
                host
            }
            None => authority,
        };
        match host_port.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host_port.starts_with('[') => {
                if !port.chars().all(|c| c.is_ascii_digit()) {
                    return Err(Error(format!(
                        "invalid port {} after host",
                        crate::go::quote(&format!(":{port}"))
                    )));
                }
                u.host = host.trim_start_matches('[').trim_end_matches(']').to_string();
                if !port.is_empty() {
                    u.port = Some(port.to_string());
                }
            }
            _ => u.host = host_port.trim_start_matches('[').trim_end_matches(']').to_string(),
        }
    }
    u.path = unescape(rest)?;
    Ok(u)
}

/// Percent-decoding; a bad escape is an error.
fn unescape(s: &str) -> Result<String, Error> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                let bad: String = s[i..].chars().take(3).collect();
                return Err(Error(format!("invalid URL escape {}", crate::go::quote(&bad))));
            };
            out.push(u8::from_str_radix(hex, 16).map_err(|e| Error(e.to_string()))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
