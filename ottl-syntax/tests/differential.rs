//! The parser against an independent transcription of upstream's PEG grammar (`tests/peg`):
//! on every fixture, every conformance case and a stream of generated token soups, both must
//! accept or both must reject.

mod common;
mod peg;

use ottl_syntax::{Entry, source};
use proptest::prelude::*;

fn ours(entry: Entry, text: &str) -> bool {
    !ottl_syntax::syntax_diagnostics(entry, text).iter().any(ottl_syntax::Diagnostic::is_error)
}

fn agree(entry: Entry, text: &str) -> Result<(), String> {
    let (a, b) = (ours(entry, text), peg::accepts(entry, text));
    if a == b {
        Ok(())
    } else {
        Err(format!("{entry:?} `{text}`: the parser {} it, upstream's grammar {} it", verdict(a), verdict(b)))
    }
}

fn verdict(accepts: bool) -> &'static str {
    if accepts { "accepts" } else { "rejects" }
}

#[test]
fn fixtures_and_conformance_cases_agree() {
    let mut failures = Vec::new();
    for path in common::files(&common::testdata().join("syntax"), "ottl") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let file = source::split(&text);
        for s in file.snippets() {
            failures.extend(agree(file.entry, &s.text).err());
        }
    }
    for (name, entry) in [
        ("parser_statements.tsv", Entry::Statement),
        ("parser_conditions.tsv", Entry::Condition),
        ("parser_values.tsv", Entry::Value),
        ("e2e_statements.tsv", Entry::Statement),
    ] {
        let text =
            std::fs::read_to_string(common::testdata().join("conformance").join(name)).expect("readable");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, case) = line.split_once('\t').expect("tab");
            failures.extend(agree(entry, case).err());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Soups biased towards shapes that parse: a statement frame around soup.
fn framed() -> impl Strategy<Value = String> {
    (common::token_soup(16), common::token_soup(16), prop::bool::ANY)
        .prop_map(|(a, b, w)| if w { format!("set(x, {a}) where {b}") } else { format!("set({a})") })
}

proptest! {
    #![proptest_config(common::proptest_config(2048))]

    #[test]
    fn token_soup_agrees_with_upstream_grammar(text in common::token_soup(16)) {
        for entry in [Entry::Statement, Entry::Condition, Entry::Value] {
            agree(entry, &text).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn framed_soup_agrees_with_upstream_grammar(text in framed()) {
        agree(Entry::Statement, &text).map_err(TestCaseError::fail)?;
    }
}
