//! `Pattern::is_match` answers as the `regex` it wraps does, for generated patterns anchored at
//! the start (the ones that get a DFA) over generated texts, with a bounded case count.

use ottl_types::goregex;
use ottl_types::pattern::Pattern;
use proptest::prelude::*;

/// A piece of a pattern: literals (one of them multi-byte), classes, Go's ASCII Perl classes,
/// assertions, groups and scoped flags (a flag group that reached the second alternative could
/// make its `^` multi-line, so not anchored).
fn atom() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "é",
        ".",
        "[a-c]",
        "[^a]",
        r"\d",
        r"\w",
        r"\s",
        r"\b",
        r"\B",
        "$",
        "(?i:a)",
        "(a|bc)",
        "(?:x|)",
        r"\pL",
        "[[:alpha:]]",
        r"\.",
        "(?s:.)",
        "(?m:$)",
    ])
    .prop_map(str::to_string)
}

fn piece() -> impl Strategy<Value = String> {
    (atom(), prop::sample::select(vec!["", "", "*", "+", "?", "{2}", "{1,3}", "*?"])).prop_map(|(a, q)| {
        if q.is_empty() || a.starts_with("(?") && a.ends_with(')') && !a.contains(':') {
            a
        } else {
            format!("(?:{a}){q}")
        }
    })
}

fn anchored_pattern() -> impl Strategy<Value = String> {
    (prop::collection::vec(piece(), 0..5), prop::collection::vec(piece(), 0..3), any::<bool>()).prop_map(
        |(first, second, alternate)| {
            let first = first.concat();
            if alternate { format!("^{first}|^{}", second.concat()) } else { format!("^{first}") }
        },
    )
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!['a', 'b', 'c', 'é', '1', ' ', '_', '\n', 'x', 'A', '.']),
        0..8,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn anchored_patterns_answer_as_the_regex(pattern in anchored_pattern(), texts in prop::collection::vec(text(), 1..12)) {
        let Ok(re) = goregex::compile(&pattern) else { return Ok(()) };
        let compiled = Pattern::new(re.clone());
        prop_assert!(compiled.has_dfa() || pattern.contains(r"\pL"), "{pattern:?} has no DFA");
        for text in &texts {
            prop_assert_eq!(compiled.is_match(text), re.is_match(text), "{:?} on {:?}", pattern, text);
        }
    }
}
