//! Generated programs and records (`ottl_jit::differential`) must give the same output and
//! errors on every backend; a difference aborts with both results.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let case = ottl_jit::differential::generate(data);
    if let Err(why) = ottl_jit::differential::check(&case) {
        panic!("{why}");
    }
});
