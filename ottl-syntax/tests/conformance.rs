//! `testdata/conformance/`: upstream's own lexer and parser cases. Every case must agree with
//! upstream; the scoreboard snapshot records the count and the diagnostic of every rejected case.

mod common;

use std::fmt::Write;

use ottl_syntax::{Entry, lexer};

fn cases(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::testdata().join("conformance").join(name)).expect("readable");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (a, b) = l.split_once('\t').unwrap_or_else(|| panic!("{name}: no tab in `{l}`"));
            (a.to_string(), b.to_string())
        })
        .collect()
}

#[test]
fn lexer_matches_upstream() {
    let mut failures = Vec::new();
    for (input, expected) in cases("lexer.tsv") {
        let (tokens, diags) = lexer::lex(&input);
        let got = if diags.is_empty() {
            tokens
                .iter()
                .map(|t| format!("{}:{}", t.kind.upstream_name(), &input[t.range.as_usize()]))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            "error".to_string()
        };
        if got != expected {
            failures.push(format!("`{input}`: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parser_matches_upstream() {
    let mut board = String::new();
    let mut failures = Vec::new();
    for (file, entry) in [
        ("parser_statements.tsv", Entry::Statement),
        ("parser_conditions.tsv", Entry::Condition),
        ("parser_values.tsv", Entry::Value),
        ("e2e_statements.tsv", Entry::Statement),
        ("transform_processor_statements.tsv", Entry::Statement),
    ] {
        let rows = cases(file);
        let mut agree = 0;
        let mut rejected = String::new();
        for (expect, text) in &rows {
            let out = common::parse(entry, text);
            let codes: Vec<&str> =
                out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.as_str()).collect();
            let ok = match expect.split_once(':') {
                None if expect == "ok" => codes.is_empty(),
                None => !codes.is_empty(),
                Some((_, want)) => want.split(',').all(|c| codes.contains(&c)),
            };
            if ok {
                agree += 1;
            } else {
                failures.push(format!("{file}: `{text}` expected {expect}, got {codes:?}"));
            }
            if let Some(d) = out.diagnostics.first() {
                writeln!(rejected, "  {text}\n    {}: {}", d.code, d.message).ok();
            }
        }
        writeln!(board, "{file}: {agree}/{} agree with upstream\n{rejected}", rows.len()).ok();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::testdata().join("conformance"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("conformance", board));
}
