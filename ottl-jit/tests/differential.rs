//! Generated programs and records give the same output and errors on every backend
//! (`ottl_jit::differential`). CI runs 512 cases; `PROPTEST_CASES=100000 cargo test --release -p
//! ottl-jit --test differential` runs more, and the `differential` fuzz target runs without end.

use ottl_jit::differential::{check, compiles, generate};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn backends_agree_on_generated_programs(bytes in proptest::collection::vec(any::<u8>(), 0..160)) {
        if let Err(why) = check(&generate(&bytes)) {
            return Err(TestCaseError::fail(why));
        }
    }
}

/// The property above means something only if most generated programs compile.
#[test]
fn most_generated_programs_compile() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state.to_le_bytes()
    };
    let total = 400;
    let compiled = (0..total)
        .filter(|_| {
            let bytes: Vec<u8> = (0..16).flat_map(|_| next()).collect();
            compiles(&generate(&bytes))
        })
        .count();
    assert!(compiled * 10 >= total * 6, "only {compiled} of {total} generated programs compile");
}
