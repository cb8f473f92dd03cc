//! The parser never panics on any input, and whatever parses cleanly round-trips through the
//! formatter (same tree, idempotent). Run with `cargo fuzz run parse` from `ottl-syntax/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ottl_syntax::{Entry, format, source, yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for entry in [Entry::Statement, Entry::Condition, Entry::Value] {
        if let Err(e) = format::verify(entry, text) {
            panic!("formatter broke its promise on {text:?}: {e}");
        }
    }
    // Whole files: the `.ottl` splitter, its formatter, and the YAML extractor.
    let _ = source::check(&source::split(text));
    let formatted = source::format_file(text);
    assert_eq!(source::format_file(&formatted), formatted, "file formatting is not idempotent");
    let _ = yaml::check(text);
});
