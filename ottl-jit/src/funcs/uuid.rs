//! `UUID()`: a random version 4 UUID, lowercase and hyphenated.
//!
//! The random bytes come from the operating system, as upstream's (`crypto/rand`), but a call
//! for every UUID costs more than the rest of the function: each thread draws [`POOL`] bytes at
//! a time and hands them out sixteen at a time (google/uuid's `EnableRandPool` does the same).
//! Bytes are never handed out twice. A forked child would share the parent's undrawn bytes; this
//! process forks only to `exec` at once.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::interp::args::hex;
use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

/// How many random bytes a thread draws at a time (32 UUIDs).
const POOL: usize = 512;

thread_local! {
    static RANDOM: RefCell<Random> = const { RefCell::new(Random { bytes: [0; POOL], next: POOL }) };
}

/// Random bytes drawn from the OS; those before `next` were handed out.
struct Random {
    bytes: [u8; POOL],
    next: usize,
}

impl Random {
    fn take16(&mut self) -> Result<[u8; 16], getrandom::Error> {
        if self.next + 16 > POOL {
            getrandom::fill(&mut self.bytes)?;
            self.next = 0;
        }
        let mut out = [0; 16];
        out.copy_from_slice(&self.bytes[self.next..self.next + 16]);
        // What was handed out does not stay behind.
        self.bytes[self.next..self.next + 16].fill(0);
        self.next += 16;
        Ok(out)
    }
}

pub fn run<'a>(_: &'a CCall, _: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let b = RANDOM
        .with_borrow_mut(Random::take16)
        .map_err(|e| Error(format!("UUID: no randomness available: {e}")))?;
    Ok(Value::Str(Cow::Owned(version4(b))))
}

/// Sixteen random bytes as a version 4 (variant 10) UUID's text.
fn version4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    let mut out = String::with_capacity(36);
    for (i, part) in [&h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]].into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every UUID of several pool refills is version 4, variant 10, well formed and new.
    #[test]
    fn uuids_are_version_4_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..(3 * POOL / 16 + 5) {
            let b = RANDOM.with_borrow_mut(Random::take16).expect("randomness");
            assert!(seen.insert(b), "a UUID's bytes came twice");
        }
        for b in seen {
            let s = version4(b);
            let groups: Vec<&str> = s.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{s}");
            assert!(s.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{s}");
            assert_eq!(&s[14..15], "4", "version 4: {s}");
            assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "variant 10: {s}");
        }
    }
}
