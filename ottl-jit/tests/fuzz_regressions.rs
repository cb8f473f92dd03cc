//! Replays `testdata/fuzz-regressions/exec/*`, inputs the exec fuzz target once crashed on,
//! through the same code (`run_any_statements`), so a fixed crash stays fixed.

#[test]
fn exec_fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz-regressions/exec");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("folder exists") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("readable");
        n += 1;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            ottl_jit::differential::run_any_statements(text);
        }
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}
