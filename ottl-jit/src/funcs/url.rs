//! `URL(url_string)`: a URL split into semantic-convention attributes as upstream's
//! `parseutils.ParseURI` does with Go's `net/url` (`crate::go_url`): `url.original` (the URL
//! as `URL.String` writes it back), `url.scheme`, `url.domain`, `url.path` always; `url.port`
//! (an int), `url.query`, `url.fragment`, `url.extension` (after the path's last `.`),
//! `url.user_info`, `url.username` and `url.password` when present. A string that starts with
//! `?` is a query alone: `{"query": {key: [values...]}}` (keys in the order they first appear;
//! upstream's come from a Go map, in no fixed order).

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

use crate::go_url;
use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

fn text(bytes: &[u8]) -> any_value::Value {
    any_value::Value::StringValue(crate::go::lossy(bytes))
}

fn kv(key: impl Into<String>, value: any_value::Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let original = call.string(0, rec)?;
    if let Some(query) = original.strip_prefix('?') {
        return query_only(query);
    }
    let u = go_url::parse(&original).map_err(Error)?;
    let mut out: Vec<KeyValue> = Vec::new();
    let (host, port) = u.host_port();
    out.push(kv("url.original", any_value::Value::StringValue(u.to_go_string())));
    out.push(kv("url.scheme", any_value::Value::StringValue(u.scheme.clone())));
    out.push(kv("url.domain", text(host)));
    out.push(kv("url.path", text(&u.path)));
    if !port.is_empty() {
        // `strconv.Atoi` of digits: only too many of them fail.
        let digits = String::from_utf8_lossy(port);
        let n = digits.parse::<i64>().map_err(|_| {
            Error(format!("strconv.Atoi: parsing {}: value out of range", crate::go::quote(&digits)))
        })?;
        out.push(kv("url.port", any_value::Value::IntValue(n)));
    }
    if !u.raw_query.is_empty() {
        out.push(kv("url.query", any_value::Value::StringValue(u.raw_query.clone())));
    }
    if !u.fragment.is_empty() {
        out.push(kv("url.fragment", text(&u.fragment)));
    }
    if let Some(dot) = u.path.iter().rposition(|&c| c == b'.')
        && dot + 1 < u.path.len()
    {
        out.push(kv("url.extension", text(&u.path[dot + 1..])));
    }
    if let Some(user) = &u.user {
        out.push(kv("url.user_info", any_value::Value::StringValue(user.to_go_string())));
        if !user.username.is_empty() {
            out.push(kv("url.username", text(&user.username)));
        }
        if let Some(password) = &user.password {
            out.push(kv("url.password", text(password)));
        }
    }
    Ok(Value::Map(Cow::Owned(out)))
}

/// `?a=1&b=2&a=3` → `{"query": {"a": ["1", "3"], "b": ["2"]}}`; no pair, no `query` key.
fn query_only<'a>(query: &str) -> Result<Value<'a>, Error> {
    let pairs = go_url::parse_query(query).map_err(Error)?;
    if pairs.is_empty() {
        return Ok(Value::Map(Cow::Owned(Vec::new())));
    }
    let params = pairs
        .into_iter()
        .map(|(key, values)| {
            let values = values.iter().map(|v| AnyValue { value: Some(text(v)) }).collect();
            kv(crate::go::lossy(&key), any_value::Value::ArrayValue(ArrayValue { values }))
        })
        .collect();
    let params = any_value::Value::KvlistValue(KeyValueList { values: params });
    Ok(Value::Map(Cow::Owned(vec![kv("query", params)])))
}
