//! `UserAgent(user_agent)`: a User-Agent header parsed as uap-go parses it, with uap-core's
//! regexes: `user_agent.name` (the browser family, `Other` when nothing matched),
//! `user_agent.version` (major[.minor[.patch]], possibly empty), `user_agent.original`,
//! `os.name` and, when known, `os.version`.
//!
//! The rules are tried in file order; the first whose regex matches *and* whose family expands
//! to a non-empty string wins. Replacements use `$n` templates (uap-go's defaults are `$1` for
//! the family and `$2`.. for the version parts) expanded as Go's `Regexp.ExpandString` does.
//! The regexes are compiled once per process, the first time a statement uses `UserAgent`.
//!
//! A miss runs hundreds of regexes (tens of microseconds), so, like uap-go (which keeps the last
//! 1024 user agents and OSes it parsed), the results are kept: per thread, see [`Cache`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use regex::Regex;
use serde::Deserialize;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

mod data {
    include!(concat!(env!("OUT_DIR"), "/uap.rs"));
}

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let original = call.string(0, rec)?;
    let parser = parser().map_err(|e| Error(e.to_string()))?;
    let Agent { ua, os } = CACHE.with_borrow_mut(|cache| cache.get(parser, &original));
    let mut out = Vec::with_capacity(5);
    let mut put = |k: &str, v: String| {
        out.push(KeyValue {
            key: k.to_string(),
            value: Some(AnyValue { value: Some(any_value::Value::StringValue(v)) }),
            ..KeyValue::default()
        });
    };
    put("os.name", os.family);
    let os_version = version_string(&os.versions);
    if !os_version.is_empty() {
        put("os.version", os_version);
    }
    put("user_agent.name", ua.family);
    put("user_agent.original", original.into_owned());
    put("user_agent.version", version_string(&ua.versions));
    Ok(Value::Map(Cow::Owned(out)))
}

/// The compiled rules, or why they are unavailable. Statement compilation calls this so that a
/// missing or broken regex file is reported before any record is processed.
pub fn parser() -> Result<&'static Parser, &'static str> {
    static PARSER: OnceLock<Result<Parser, String>> = OnceLock::new();
    PARSER
        .get_or_init(|| {
            let yaml = data::REGEXES.ok_or_else(|| {
                "`UserAgent` is unavailable: this build has no uap-core regexes (install Debian's \
                 `uap-core` package or set OTTL_UAP_REGEXES to a regexes.yaml, then rebuild)"
                    .to_string()
            })?;
            Parser::from_yaml(yaml)
        })
        .as_ref()
        .map_err(String::as_str)
}

/// uap-core's user-agent and OS rules, compiled.
pub struct Parser {
    user_agents: Vec<Rule<3>>,
    oses: Vec<Rule<4>>,
}

/// One rule: a regex, the family template and `N` version-part templates.
struct Rule<const N: usize> {
    regex: Regex,
    family: String,
    versions: [String; N],
}

/// What a rule set yields: a family and up to `N` version parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<const N: usize> {
    pub family: String,
    pub versions: [String; N],
}

#[derive(Deserialize)]
struct File {
    user_agent_parsers: Vec<UaEntry>,
    os_parsers: Vec<OsEntry>,
}

#[derive(Deserialize)]
struct UaEntry {
    regex: String,
    regex_flag: Option<String>,
    family_replacement: Option<String>,
    v1_replacement: Option<String>,
    v2_replacement: Option<String>,
    v3_replacement: Option<String>,
}

#[derive(Deserialize)]
struct OsEntry {
    regex: String,
    regex_flag: Option<String>,
    os_replacement: Option<String>,
    os_v1_replacement: Option<String>,
    os_v2_replacement: Option<String>,
    os_v3_replacement: Option<String>,
    os_v4_replacement: Option<String>,
}

impl Parser {
    fn from_yaml(yaml: &str) -> Result<Parser, String> {
        let file: File = serde_yaml_ng::from_str(yaml).map_err(|e| format!("uap-core regexes: {e}"))?;
        let user_agents = file
            .user_agent_parsers
            .into_iter()
            .map(|e| {
                Rule::new(
                    &e.regex,
                    e.regex_flag.as_deref(),
                    e.family_replacement,
                    [e.v1_replacement, e.v2_replacement, e.v3_replacement],
                )
            })
            .collect::<Result<_, _>>()?;
        let oses = file
            .os_parsers
            .into_iter()
            .map(|e| {
                Rule::new(
                    &e.regex,
                    e.regex_flag.as_deref(),
                    e.os_replacement,
                    [e.os_v1_replacement, e.os_v2_replacement, e.os_v3_replacement, e.os_v4_replacement],
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Parser { user_agents, oses })
    }

    /// uap-go's `ParseUserAgent`.
    pub fn user_agent(&self, line: &str) -> Parsed<3> {
        first_match(&self.user_agents, line)
    }

    /// uap-go's `ParseOs`.
    pub fn os(&self, line: &str) -> Parsed<4> {
        first_match(&self.oses, line)
    }
}

impl<const N: usize> Rule<N> {
    fn new(
        regex: &str,
        flags: Option<&str>,
        family: Option<String>,
        versions: [Option<String>; N],
    ) -> Result<Self, String> {
        let source = match flags {
            Some(f) if !f.is_empty() => format!("(?{f}){regex}"),
            _ => regex.to_string(),
        };
        let regex =
            ottl_types::goregex::compile(&source).map_err(|e| format!("uap-core regex {regex:?}: {e}"))?;
        // uap-go's defaults: `$1` names the family, `$2`.. the version parts.
        let or_group =
            |t: Option<String>, group: usize| t.filter(|t| !t.is_empty()).unwrap_or(format!("${group}"));
        let mut group = 1;
        let versions = versions.map(|t| {
            group += 1;
            or_group(t, group)
        });
        Ok(Rule { regex, family: or_group(family, 1), versions })
    }
}

/// The first rule that matches with a non-empty family. As in uap-go, a rule that matches with
/// an empty family still leaves its version parts behind when no later rule matches.
fn first_match<const N: usize>(rules: &[Rule<N>], line: &str) -> Parsed<N> {
    let mut parsed = Parsed { family: String::new(), versions: std::array::from_fn(|_| String::new()) };
    for rule in rules {
        let Some(caps) = rule.regex.captures(line) else { continue };
        parsed.family.clear();
        caps.expand(&rule.family, &mut parsed.family);
        for (out, template) in parsed.versions.iter_mut().zip(&rule.versions) {
            out.clear();
            caps.expand(template, out);
        }
        if !parsed.family.is_empty() {
            return parsed;
        }
    }
    parsed.family = "Other".to_string();
    parsed
}

/// What one User-Agent line parses to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Agent {
    ua: Parsed<3>,
    os: Parsed<4>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The lines parsed last on this thread and what they parsed to, in two generations of at most
/// [`Cache::GENERATION`] lines: a hit in the older one moves to the newer, and when the newer is
/// full it becomes the older (the oldest lines are dropped). So the lines in use stay, at most
/// twice `GENERATION` are kept, and no lock is taken. A line longer than [`Cache::LONGEST`]
/// bytes is parsed every time, so the cache stays small whatever the input.
#[derive(Debug, Default)]
struct Cache {
    newer: HashMap<Box<str>, Agent>,
    older: HashMap<Box<str>, Agent>,
}

impl Cache {
    const GENERATION: usize = 512;
    const LONGEST: usize = 1024;

    fn get(&mut self, parser: &Parser, line: &str) -> Agent {
        let parse = || Agent { ua: parser.user_agent(line), os: parser.os(line) };
        if line.len() > Self::LONGEST {
            return parse();
        }
        if let Some(agent) = self.newer.get(line) {
            return agent.clone();
        }
        let agent = self.older.remove(line).unwrap_or_else(parse);
        if self.newer.len() >= Self::GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(line.into(), agent.clone());
        agent
    }
}

/// uap-go's `ToVersionString`: the non-empty parts joined by dots, the first without one.
fn version_string(parts: &[String]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        if i > 0 {
            out.push('.');
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines past the cache's capacity, looked up again in and out of order, get what a fresh
    /// parse gets; the cache never holds more than two generations, nor an overlong line.
    #[test]
    fn the_cache_answers_as_the_parser_does() {
        let Ok(parser) = parser() else {
            eprintln!("skipped: this build has no uap-core regexes");
            return;
        };
        let line = |i: usize| format!("Mozilla/5.0 (X11; Linux x86_64) Firefox/{i}.0");
        let mut cache = Cache::default();
        let lines = 3 * Cache::GENERATION;
        for i in (0..lines).chain((0..lines).rev()).chain([7, 7, lines - 1, 0]) {
            let line = line(i);
            let fresh = Agent { ua: parser.user_agent(&line), os: parser.os(&line) };
            assert_eq!(fresh.ua.versions[0], i.to_string(), "the line is parsed");
            assert_eq!(cache.get(parser, &line), fresh, "{line}");
            assert!(cache.newer.len() + cache.older.len() <= 2 * Cache::GENERATION);
        }
        let long = format!("{} Chrome/1.2.3", "x".repeat(Cache::LONGEST));
        assert_eq!(cache.get(parser, &long).ua.family, "Chrome");
        assert!(!cache.newer.contains_key(long.as_str()), "an overlong line is not kept");
    }
}
