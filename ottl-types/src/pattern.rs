//! A compiled pattern argument (a regular expression or a glob): Rust's `regex::Regex`, and,
//! for a pattern anchored at the start of the text, a dense DFA that answers `is_match`.
//!
//! `IsMatch`, `keep_matching_keys`, `replace_match` and the like ask only whether a pattern
//! matches. The `regex` crate's answer goes through its meta engine, which picks a strategy,
//! takes a cache from a pool and runs a lazy DFA: for a short attribute value that costs a few
//! hundred instructions. A pattern that starts with `^` cannot use the literal prefilters that
//! make that engine fast on unanchored patterns, so for it a DFA built once, at compile time,
//! with its start state found then, is a loop of one table lookup per byte that stops at the
//! first match or when no match can follow.
//!
//! Both are built from the same pattern text with the same syntax options, so they accept the
//! same strings; `tests::agrees_with_go_regexp` holds the DFA to Go's answers on the
//! conformance table. Where a DFA would be large (or cannot be built, e.g. for a Unicode word
//! boundary), there is none and the `regex` answers.

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::Look;

/// The largest DFA kept (its transition table); past it, the `regex` answers alone.
const DFA_LIMIT: usize = 64 * 1024;

/// A compiled pattern. It dereferences to the `regex::Regex` for everything but `is_match`.
#[derive(Debug)]
pub struct Pattern {
    re: regex::Regex,
    dfa: Option<StartDfa>,
}

impl Pattern {
    /// Wraps a compiled regex (its `as_str()` is the pattern Rust compiled), with a DFA when
    /// the pattern is anchored at the start of the text.
    pub fn new(re: regex::Regex) -> Self {
        let dfa = anchored_at_start(re.as_str())
            .then(|| StartDfa::build(re.as_str(), Anchored::Yes, DFA_LIMIT))
            .flatten();
        Self { re, dfa }
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.dfa {
            Some(dfa) => dfa.is_match(text.as_bytes()),
            None => self.re.is_match(text),
        }
    }

    /// Whether [`Pattern::is_match`] has a DFA to answer it.
    pub fn has_dfa(&self) -> bool {
        self.dfa.is_some()
    }
}

impl std::ops::Deref for Pattern {
    type Target = regex::Regex;

    fn deref(&self) -> &regex::Regex {
        &self.re
    }
}

/// Whether every match of `pattern` must begin at the start of the text (`^` outside
/// multi-line mode, or `\A`).
fn anchored_at_start(pattern: &str) -> bool {
    regex_syntax::Parser::new()
        .parse(pattern)
        .is_ok_and(|hir| hir.properties().look_set_prefix().contains(Look::Start))
}

/// A dense DFA and its start state for a search from the beginning of the text.
#[derive(Debug)]
struct StartDfa {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
}

impl StartDfa {
    /// The DFA for `pattern`, unless its table would pass `limit` bytes (its construction may
    /// use 16 times that).
    fn build(pattern: &str, anchored: Anchored, limit: usize) -> Option<Self> {
        let config = dense::Config::new()
            .match_kind(MatchKind::All)
            .start_kind(if anchored == Anchored::No { StartKind::Unanchored } else { StartKind::Anchored })
            .accelerate(false)
            .minimize(false)
            .dfa_size_limit(Some(limit))
            .determinize_size_limit(Some(16 * limit));
        let dfa = dense::Builder::new().configure(config).build(pattern).ok()?;
        // Every search starts at offset 0, where nothing lies behind: one start state serves.
        let start = dfa.start_state(&start::Config::new().anchored(anchored)).ok()?;
        Some(Self { dfa, start })
    }

    /// Runs the text through the DFA. Its match states lag one byte behind (a match is seen
    /// after the byte that follows it, or at the end of the text), and its dead state means no
    /// match can follow. No quit bytes are configured, so there is no quit state.
    fn is_match(&self, text: &[u8]) -> bool {
        let dfa = &self.dfa;
        let mut state = self.start;
        for &byte in text {
            state = dfa.next_state(state, byte);
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    return true;
                }
                if dfa.is_dead_state(state) {
                    return false;
                }
            }
        }
        dfa.is_match_state(dfa.next_eoi_state(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> Pattern {
        Pattern::new(crate::goregex::compile(p).expect("compiles"))
    }

    #[test]
    fn anchored_patterns_get_a_dfa() {
        for p in ["^/api/", r"^/api/v[0-9]+/", r"\Ax", "^a|^b", "(?i)^get$"] {
            assert!(pattern(p).has_dfa(), "{p}");
        }
        for p in ["/api/", "(?m)^x", "^a|b", "x^"] {
            assert!(!pattern(p).has_dfa(), "{p}");
        }
        let glob = Pattern::new(crate::glob::compile("*/*").expect("a glob"));
        assert!(glob.has_dfa(), "a glob is anchored at both ends");
    }

    #[test]
    fn answers_as_the_regex_does() {
        let cases = [
            ("^/api/v[0-9]+/", "/api/v12/users", true),
            ("^/api/v[0-9]+/", "/api/v/users", false),
            ("^/api/v[0-9]+/", "x/api/v1/", false),
            ("^$", "", true),
            ("^", "", true),
            ("^a*$", "aaab", false),
            ("^é.$", "éα", true),
            (r"^\bx", "x", true),
            ("^(?i)get$", "GeT", true),
            ("^abc$", "abc\n", false),
        ];
        for (p, text, want) in cases {
            let compiled = pattern(p);
            assert!(compiled.has_dfa(), "{p}");
            assert_eq!(compiled.is_match(text), want, "{p} on {text:?}");
            assert_eq!(compiled.re.is_match(text), want, "the regex: {p} on {text:?}");
        }
    }

    /// The DFA, forced onto every pattern of the Go conformance table (unanchored where the
    /// pattern is), finds a match on exactly the inputs where Go's `regexp` did.
    #[test]
    fn agrees_with_go_regexp() {
        let (inputs, cases) = crate::goregex::tests::conformance_table();
        let (mut checked, mut failures) = (0, Vec::new());
        for case in cases {
            let (Some(want), Ok(re)) =
                (case.get("m"), crate::goregex::compile(case["p"].as_str().expect("p")))
            else {
                continue;
            };
            let anchored = if anchored_at_start(re.as_str()) { Anchored::Yes } else { Anchored::No };
            // Past the production size limit too (`\pL` alone needs more), to check the most.
            let Some(dfa) = StartDfa::build(re.as_str(), anchored, 64 * DFA_LIMIT) else { continue };
            checked += 1;
            for (input, want) in inputs.iter().zip(want.as_array().expect("matches")) {
                let want = !want.as_array().expect("offsets").is_empty();
                if dfa.is_match(input.as_bytes()) != want {
                    failures.push(format!("{:?} on {input:?}: Go {want}", re.as_str()));
                }
            }
        }
        assert!(checked >= 690, "a DFA was built for only {checked} of the 696 patterns Go compiles");
        assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
    }
}
