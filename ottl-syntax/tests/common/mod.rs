//! Helpers shared by the data-driven tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ottl_syntax::{Diagnostic, Entry, dump, parse_condition, parse_statement, parse_value};
use proptest::prelude::*;

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// Every file under `dir` with extension `ext`, sorted.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().and_then(|e| e.to_str()) == Some(ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The result of parsing one snippet: its dump (if a tree was built) and its diagnostics, plus
/// the tree as JSON for range checks.
#[derive(Debug)]
pub struct Outcome {
    pub dump: Option<String>,
    pub json: Option<serde_json::Value>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(entry: Entry, text: &str) -> Outcome {
    match entry {
        Entry::Statement => {
            let p = parse_statement(text);
            let t = p.tree.as_ref();
            Outcome {
                dump: t.map(dump::statement),
                json: t.map(|t| serde_json::to_value(t).expect("serializes")),
                diagnostics: p.diagnostics,
            }
        }
        Entry::Condition => {
            let p = parse_condition(text);
            let t = p.tree.as_ref();
            Outcome {
                dump: t.map(dump::condition),
                json: t.map(|t| serde_json::to_value(t).expect("serializes")),
                diagnostics: p.diagnostics,
            }
        }
        Entry::Value => {
            let p = parse_value(text);
            let t = p.tree.as_ref();
            Outcome {
                dump: t.map(dump::value),
                json: t.map(|t| serde_json::to_value(t).expect("serializes")),
                diagnostics: p.diagnostics,
            }
        }
    }
}

impl Outcome {
    pub fn has_error(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks that every range in the tree is in bounds and nested inside its parent's.
pub fn check_ranges(json: &serde_json::Value, len: u32) -> Result<(), String> {
    walk(json, 0, len)
}

fn as_range(v: &serde_json::Value) -> Option<(u32, u32)> {
    let o = v.as_object()?;
    if o.len() != 2 {
        return None;
    }
    Some((o.get("start")?.as_u64()? as u32, o.get("end")?.as_u64()? as u32))
}

fn walk(v: &serde_json::Value, lo: u32, hi: u32) -> Result<(), String> {
    match v {
        serde_json::Value::Object(o) => {
            let (lo, hi) = match o.get("range").and_then(as_range) {
                Some((s, e)) => {
                    if s > e || s < lo || e > hi {
                        return Err(format!("range {s}..{e} is outside its parent {lo}..{hi}"));
                    }
                    (s, e)
                }
                None => (lo, hi),
            };
            for (k, child) in o {
                if let Some((s, e)) = as_range(child) {
                    if s > e || s < lo || e > hi {
                        return Err(format!("{k} {s}..{e} is outside its node {lo}..{hi}"));
                    }
                } else {
                    walk(child, lo, hi)?;
                }
            }
            Ok(())
        }
        serde_json::Value::Array(items) => items.iter().try_for_each(|i| walk(i, lo, hi)),
        _ => Ok(()),
    }
}

/// Tokens for generated soups: every kind of token, including those upstream's quirks hinge on
/// (signs, glued names, keywords, `nil`, `where`, octal and odd-hex literals, bad escapes).
const SOUP_TOKENS: &[&str] = &[
    "set",
    "Concat",
    "Is",
    "Match",
    "not",
    "and",
    "or",
    "where",
    "nil",
    "true",
    "x",
    "attributes",
    "FOO",
    "Sha",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "=",
    "==",
    "<",
    "-",
    "+",
    "*",
    "/",
    "-1",
    "1",
    "01",
    "1.5",
    "\"s\"",
    "\"\\d\"",
    "0xab",
    "0xa",
];

/// Up to `max_len` tokens from [`SOUP_TOKENS`], each followed by a space or not.
pub fn token_soup(max_len: usize) -> impl Strategy<Value = String> {
    let token = prop::sample::select(SOUP_TOKENS);
    (prop::collection::vec(token, 1..max_len), prop::collection::vec(prop::bool::ANY, max_len)).prop_map(
        |(toks, spaces)| {
            let mut s = String::new();
            for (t, space) in toks.iter().zip(spaces) {
                s.push_str(t);
                if space {
                    s.push(' ');
                }
            }
            s
        },
    )
}

/// `default_cases` in CI; `PROPTEST_CASES` raises it for a longer local run.
pub fn proptest_config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}
