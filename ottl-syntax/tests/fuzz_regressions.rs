//! Replays `testdata/fuzz-regressions/*` through the fuzz target's checks.

mod common;

use ottl_syntax::{Entry, format, source, yaml};

#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = common::testdata().join("fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("folder exists") {
        let path = entry.expect("entry").path();
        // `exec/` holds the exec fuzz target's inputs (`ottl-jit/tests/fuzz_regressions.rs`).
        if path.is_dir() || path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        n += 1;
        let bytes = std::fs::read(&path).expect("readable");
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        for entry in [Entry::Statement, Entry::Condition, Entry::Value] {
            format::verify(entry, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let _ = source::check(&source::split(text));
        let once = source::format_file(text);
        assert_eq!(source::format_file(&once), once, "{}: file formatting is not idempotent", path.display());
        let _ = yaml::check(text);
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}
