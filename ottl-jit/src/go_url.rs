//! Go's `net/url`: `Parse`, `URL.String`, `Hostname`/`Port`, `Userinfo` and `ParseQuery`, with
//! Go's error messages. Components are bytes, as Go's strings are: an escape may decode to a
//! byte that is not UTF-8, and `String` escapes it back.

use std::fmt::Write as _;

use crate::go::quote;

/// A parsed URL, Go's `url.URL`.
#[derive(Debug, Default, PartialEq)]
pub struct Url {
    pub scheme: String,
    /// A rootless path after the scheme (`mailto:joe@example.com`).
    pub opaque: String,
    pub user: Option<Userinfo>,
    /// `host` or `host:port`, unescaped.
    pub host: Vec<u8>,
    /// The path, unescaped.
    pub path: Vec<u8>,
    /// The path as written, when escaping `path` would not give it back.
    raw_path: String,
    /// Whether the URL had an empty host (`unix:/path`).
    omit_host: bool,
    /// A `?` with nothing after it.
    force_query: bool,
    pub raw_query: String,
    /// The fragment, unescaped.
    pub fragment: Vec<u8>,
    raw_fragment: String,
}

/// Go's `url.Userinfo`.
#[derive(Debug, PartialEq)]
pub struct Userinfo {
    pub username: Vec<u8>,
    pub password: Option<Vec<u8>>,
}

/// Where a string sits in a URL, which decides what is escaped (Go's `encoding`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

/// `url.Parse`; the error reads as Go's `*url.Error` (`parse "x": ...`).
pub fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').map_or((raw, None), |(u, f)| (u, Some(f)));
    let wrap = |url: &str, e: String| format!("parse {}: {e}", quote(url));
    let mut url = parse_no_fragment(u).map_err(|e| wrap(u, e))?;
    if let Some(frag) = frag.filter(|f| !f.is_empty()) {
        url.fragment = unescape(frag, Mode::Fragment).map_err(|e| wrap(raw, e))?;
        url.raw_fragment =
            if escape(&url.fragment, Mode::Fragment) == frag { String::new() } else { frag.to_string() };
    }
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = b"*".to_vec();
        return Ok(url);
    }
    let (scheme, mut rest) = scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((before, query)) = rest.split_once('?') {
        url.raw_query = query.to_string();
        rest = before;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // A rootless path after a scheme is opaque.
            url.opaque = rest.to_string();
            return Ok(url);
        }
        // A relative path's first segment cannot hold a colon (it would read as a scheme).
        if rest.split('/').next().is_some_and(|segment| segment.contains(':')) {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if let Some(after) =
        rest.strip_prefix("//").filter(|_| !url.scheme.is_empty() || !rest.starts_with("///"))
    {
        let (authority, path) = after.find('/').map_or((after, ""), |i| after.split_at(i));
        (url.user, url.host) = authority_parts(authority)?;
        rest = path;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path)?;
    if escape(&url.path, Mode::Path) != rest {
        url.raw_path = rest.to_string();
    }
    Ok(url)
}

/// Go's `getScheme`: letters, then letters, digits, `+`, `-`, `.`, up to a `:`.
fn scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `parseAuthority`: `[userinfo@]host[:port]`.
fn authority_parts(authority: &str) -> Result<(Option<Userinfo>, Vec<u8>), String> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let host = parse_host(host)?;
    let Some(userinfo) = userinfo else { return Ok((None, host)) };
    if !userinfo.chars().all(|c| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c)) {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match userinfo.split_once(':') {
        None => Userinfo { username: unescape(userinfo, Mode::UserPassword)?, password: None },
        Some((name, password)) => Userinfo {
            username: unescape(name, Mode::UserPassword)?,
            password: Some(unescape(password, Mode::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

/// Go's `parseHost`: `host[:port]` or `[ipv6%25zone]:port`, unescaped.
fn parse_host(host: &str) -> Result<Vec<u8>, String> {
    if host.starts_with('[') {
        let Some(close) = host.rfind(']') else { return Err("missing ']' in host".into()) };
        let port = &host[close + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
        // An IPv6 zone (after `%25`) may escape any byte a host name could hold.
        if let Some(zone) = host[..close].find("%25") {
            let mut out = unescape(&host[..zone], Mode::Host)?;
            out.extend(unescape(&host[zone..close], Mode::Zone)?);
            out.extend(unescape(&host[close..], Mode::Host)?);
            return Ok(out);
        }
    } else if let Some(colon) = host.rfind(':') {
        let port = &host[colon..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

/// `""` or `:` and digits.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || port.strip_prefix(':').is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Go's `unescape`: `%XX` decoded (and `+` as space in query components), with Go's checks
/// for hosts and zones.
fn unescape(s: &str, mode: Mode) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len() || !b[i + 1].is_ascii_hexdigit() || !b[i + 2].is_ascii_hexdigit() {
                    let bad = &b[i..(i + 3).min(b.len())];
                    return Err(format!("invalid URL escape {}", crate::go::quote_bytes(bad)));
                }
                let escape = &s[i..i + 3];
                // A host may escape only non-ASCII bytes (and `%25`, the zone's start).
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && escape != "%25" {
                    return Err(format!("invalid URL escape {}", quote(escape)));
                }
                if mode == Mode::Zone {
                    let v = unhex(b[i + 1]) << 4 | unhex(b[i + 2]);
                    if escape != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(format!("invalid URL escape {}", quote(escape)));
                    }
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    let bad = char::from(c).to_string();
                    return Err(format!("invalid character {} in host name", quote(&bad)));
                }
                i += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push(unhex(b[i + 1]) << 4 | unhex(b[i + 2]));
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::QueryComponent => true,
            Mode::Fragment => false,
            Mode::Host | Mode::Zone => true,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

/// Go's `escape`: `%XX` (uppercase) for each byte `mode` escapes, `+` for a query space.
fn escape(s: &[u8], mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c == b' ' && mode == Mode::QueryComponent {
            out.push('+');
        } else if should_escape(c, mode) {
            let _ = write!(out, "%{c:02X}");
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `validEncoded`: whether a raw path or fragment needs no escaping beyond its own.
fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| {
        matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@')
            || matches!(c, b'[' | b']' | b'%')
            || !should_escape(c, mode)
    })
}

impl Url {
    /// `URL.EscapedPath`: the raw path when it is a valid encoding of the path.
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Mode::Path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == b"*" {
            return "*".into();
        }
        escape(&self.path, Mode::Path)
    }

    /// `URL.EscapedFragment`.
    fn escaped_fragment(&self) -> String {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Mode::Fragment)
            && unescape(&self.raw_fragment, Mode::Fragment).is_ok_and(|f| f == self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Mode::Fragment)
    }

    /// `URL.String`: the URL reassembled, each part escaped as Go escapes it.
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if self.opaque.is_empty() {
            let no_authority = self.host.is_empty() && self.user.is_none();
            if !(no_authority && (self.scheme.is_empty() || self.omit_host)) {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    out.push_str("//");
                }
                if let Some(user) = &self.user {
                    out.push_str(&user.to_go_string());
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().is_some_and(|segment| segment.contains(':')) {
                out.push_str("./");
            }
            out.push_str(&path);
        } else {
            out.push_str(&self.opaque);
        }
        if self.force_query || !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&self.escaped_fragment());
        }
        out
    }

    /// `URL.Hostname` and `URL.Port`: the host without its port and brackets, and the port.
    pub fn host_port(&self) -> (&[u8], &[u8]) {
        let mut host: &[u8] = &self.host;
        let mut port: &[u8] = b"";
        if let Some(colon) = host.iter().rposition(|&c| c == b':')
            && host[colon + 1..].iter().all(u8::is_ascii_digit)
        {
            (host, port) = (&self.host[..colon], &self.host[colon + 1..]);
        }
        if host.len() >= 2 && host.starts_with(b"[") && host.ends_with(b"]") {
            host = &host[1..host.len() - 1];
        }
        (host, port)
    }
}

impl Userinfo {
    /// `Userinfo.String`: escaped again, `name[:password]`.
    pub fn to_go_string(&self) -> String {
        let mut s = escape(&self.username, Mode::UserPassword);
        if let Some(p) = &self.password {
            s.push(':');
            s.push_str(&escape(p, Mode::UserPassword));
        }
        s
    }
}

/// A query parameter's key and its values, unescaped.
pub type QueryParam = (Vec<u8>, Vec<Vec<u8>>);

/// `url.ParseQuery`: each `key=value` pair (split at `&`) unescaped, values gathered by key in
/// order; the first error is returned, after every pair was read.
pub fn parse_query(query: &str) -> Result<Vec<QueryParam>, String> {
    let mut out: Vec<QueryParam> = Vec::new();
    let mut error = None;
    for pair in query.split('&') {
        if pair.contains(';') {
            error = Some("invalid semicolon separator in query".to_string());
            continue;
        }
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = match (unescape(key, Mode::QueryComponent), unescape(value, Mode::QueryComponent))
        {
            (Ok(k), Ok(v)) => (k, v),
            (Err(e), _) | (_, Err(e)) => {
                error.get_or_insert(e);
                continue;
            }
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => out.push((key, vec![value])),
        }
    }
    match error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What this module makes of an input, in the shape `tools/gen_url.go` writes Go's.
    fn describe(input: &str) -> serde_json::Value {
        use serde_json::json;
        let lossy = crate::go::lossy;
        if let Some(query) = input.strip_prefix('?') {
            return match parse_query(query) {
                Err(e) => json!({ "error": e }),
                Ok(pairs) => {
                    let map: serde_json::Map<String, serde_json::Value> = pairs
                        .iter()
                        .map(|(k, vs)| (lossy(k), vs.iter().map(|v| lossy(v)).collect::<Vec<_>>().into()))
                        .collect();
                    json!({ "query": map })
                }
            };
        }
        match parse(input) {
            Err(e) => json!({ "error": e }),
            Ok(u) => {
                let (host, port) = u.host_port();
                let mut d = json!({
                    "string": u.to_go_string(), "scheme": u.scheme, "opaque": u.opaque,
                    "hostname": lossy(host), "port": lossy(port), "path": lossy(&u.path),
                    "raw_query": u.raw_query, "fragment": lossy(&u.fragment),
                });
                if let Some(user) = &u.user {
                    let mut info =
                        json!({ "string": user.to_go_string(), "username": lossy(&user.username) });
                    if let Some(p) = &user.password {
                        info["password"] = lossy(p).into();
                    }
                    d["user"] = info;
                }
                d
            }
        }
    }

    /// Random strings over the characters the parser looks at never panic.
    #[test]
    fn no_parse_panics() {
        let alphabet: Vec<char> = ":/?#[]@%25aZ9.-+!$&'()*,;=é :\u{1}".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..50_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = usize::try_from(seed >> 59).unwrap_or(0);
            let input: String = (0..len)
                .map(|i| alphabet[usize::try_from((seed >> (i % 16 * 4)) & 31).unwrap_or(0) % alphabet.len()])
                .collect();
            if let Ok(u) = parse(&input) {
                let _ = (u.to_go_string(), u.host_port());
            }
            let _ = parse_query(&input);
        }
    }

    /// Every input of `testdata/conformance/go_url.tsv` against what Go's `net/url` made of it.
    #[test]
    fn agrees_with_go_net_url() {
        let table = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/go_url.tsv"));
        crate::conformance::check_rows(table, 400, |line| {
            let [input, want] = crate::conformance::fields(line);
            let (input, want): (String, serde_json::Value) =
                (crate::conformance::json(input), crate::conformance::json(want));
            let got = describe(&input);
            if got == want { Ok(()) } else { Err(format!("{input:?}:\n  Go   {want}\n  ours {got}")) }
        });
    }

    /// `url.Parse(input).String()`, or its error, as Go 1.19 prints them.
    #[test]
    fn parses_and_prints_as_go() {
        let cases = [
            ("unix:/path", "unix:/path"),
            ("http:x", "http:x"),
            ("./a:b", "./a:b"),
            ("http://host/a%2fb", "http://host/a%2fb"),
            ("http://h/%41", "http://h/%41"),
            ("http://[::1", "ERR parse \"http://[::1\": missing ']' in host"),
            ("http://h\u{1}", "ERR parse \"http://h\\x01\": net/url: invalid control character in URL"),
            ("http://user name@h/", "ERR parse \"http://user name@h/\": net/url: invalid userinfo"),
            ("http://us%40er@h", "http://us%40er@h"),
            ("http://h:8080:9090/", "http://h:8080:9090/"),
            ("http://[::1]x/", "ERR parse \"http://[::1]x/\": invalid port \"x\" after host"),
            ("http://%30/", "ERR parse \"http://%30/\": invalid URL escape \"%30\""),
            ("http://%25/", "http://%25/"),
            ("http://h%C3%BC/", "http://h%C3%BC/"),
            ("*", "*"),
            ("http://h/a?b?c", "http://h/a?b?c"),
            ("http://h/a??", "http://h/a??"),
            ("http://h/?", "http://h/?"),
            ("HTTP+X.y://h", "http+x.y://h"),
            ("1http://h", "ERR parse \"1http://h\": first path segment in URL cannot contain colon"),
            ("http://h/#a%20b", "http://h/#a%20b"),
            ("http://h/#a%zz", "ERR parse \"http://h/#a%zz\": invalid URL escape \"%zz\""),
            ("http://h/#a b", "http://h/#a%20b"),
            ("http://[fe80::1%25%65n0]/", "http://[fe80::1%25en0]/"),
            (
                "http://[fe80::1%25en%0A]/",
                "ERR parse \"http://[fe80::1%25en%0A]/\": invalid URL escape \"%0A\"",
            ),
        ];
        for (input, want) in cases {
            let got = match parse(input) {
                Ok(u) => u.to_go_string(),
                Err(e) => format!("ERR {e}"),
            };
            assert_eq!(got, want, "{input:?}");
        }
    }
}
