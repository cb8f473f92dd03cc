//! Any text as log statements (one per line) run by the interpreter on a realistic record:
//! compiling may reject it, running may fail, nothing may panic
//! (`ottl_jit::differential::run_any_statements`). An input it crashes on goes into
//! `testdata/fuzz-regressions/exec/`, which the tests replay.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        ottl_jit::differential::run_any_statements(text);
    }
});
