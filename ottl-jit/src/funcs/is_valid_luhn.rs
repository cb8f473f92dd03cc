//! `IsValidLuhn(target)`: the Luhn checksum of a string of digits (ints are converted first).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let Some(s) = call.string_like(0, rec)? else { return Err(Error::new("invalid input: nil")) };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new("invalid input: the string must contain only digits"));
    }
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    Ok(Value::Bool(sum.is_multiple_of(10)))
}
