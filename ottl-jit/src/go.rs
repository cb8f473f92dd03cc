//! Small pieces of Go's standard library whose exact behaviour shows in outputs and messages.

/// `strconv.ParseFloat(s, 64)`: decimal and special forms (`inf`, `NaN`, signs).
pub fn parse_float(s: &str) -> Option<f64> {
    if s.is_empty() || s.contains('_') {
        return None;
    }
    s.parse::<f64>().ok()
}

use std::fmt::Write;

/// `strconv.Quote`, as `%q` prints a string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%q` of a rune: `'x'`.
pub fn quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", u32::from(c)),
        c => format!("'{c}'"),
    }
}

/// `strings.ToUpper`: each rune's simple (one-rune) uppercase, as `unicode.ToUpper` maps it.
/// Rust's `to_uppercase` applies full mappings instead (`ß` → `SS`, `ﬁ` → `FI`).
pub fn to_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(upper_rune).collect()
}

/// `strings.ToLower`: each rune's simple lowercase. Rust's `to_lowercase` maps `İ` to two runes
/// and writes a word-final `Σ` as `ς`; Go writes `i` and `σ`.
pub fn to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(lower_rune).collect()
}

fn upper_rune(c: char) -> char {
    let mut up = c.to_uppercase();
    if let (Some(u), None) = (up.next(), up.next()) {
        return u;
    }
    // A full mapping of several runes: the simple mapping keeps the rune, except for the Greek
    // letters with ypogegrammeni, which map to their titlecase forms.
    let shift = match u32::from(c) {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => 8,
        0x1FB3 | 0x1FC3 | 0x1FF3 => 9,
        _ => 0,
    };
    char::from_u32(u32::from(c) + shift).unwrap_or(c)
}

fn lower_rune(c: char) -> char {
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

/// `time.ParseDuration`: a signed sequence of decimal numbers with units (`ns`, `us`, `µs`, `ms`,
/// `s`, `m`, `h`), in nanoseconds. Errors carry Go's messages.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                (Some(&f[..n]), &f[n..])
            }
            None => (None, after),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        let unit_len = after.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", quote(s)));
        }
        let scale: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {} in duration {}", quote(unit), quote(s))),
        };
        let whole: u64 = if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| invalid())? };
        let mut v = whole.checked_mul(scale).ok_or_else(invalid)?;
        if let Some(frac) = frac_part {
            // Go keeps at most the digits that fit, then scales: value * scale / 10^digits.
            let mut f: u64 = 0;
            let mut div: f64 = 1.0;
            for d in frac.bytes() {
                if f > (1 << 62) / 10 {
                    break;
                }
                f = f * 10 + u64::from(d - b'0');
                div *= 10.0;
            }
            #[expect(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let part = (f as f64 * (scale as f64 / div)) as u64;
            v = v.checked_add(part).ok_or_else(invalid)?;
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        rest = next;
    }
    if neg {
        if total > 1 << 63 {
            return Err(invalid());
        }
        Ok(0i64.wrapping_sub_unsigned(total))
    } else {
        i64::try_from(total).map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        for (s, want) in [
            ("0", Ok(0)),
            ("1h30m", Ok(5_400_000_000_000)),
            ("90m", Ok(5_400_000_000_000)),
            ("1.5s", Ok(1_500_000_000)),
            ("-1.5h", Ok(-5_400_000_000_000)),
            ("300ms", Ok(300_000_000)),
            ("1us", Ok(1000)),
            ("1\u{b5}s", Ok(1000)),
            (".5s", Ok(500_000_000)),
            ("", Err("time: invalid duration \"\"".to_string())),
            ("1", Err("time: missing unit in duration \"1\"".to_string())),
            ("1d", Err("time: unknown unit \"d\" in duration \"1d\"".to_string())),
            ("x", Err("time: invalid duration \"x\"".to_string())),
        ] {
            assert_eq!(parse_duration(s), want, "{s}");
        }
    }
}

#[cfg(test)]
mod case_tests {
    use super::*;

    #[test]
    fn simple_case_mappings_as_go() {
        // Expected strings printed by Go's strings.ToUpper / strings.ToLower.
        assert_eq!(to_upper("straße ﬁ ᾳ ŉ ǅ"), "STRAßE ﬁ ᾼ ŉ Ǆ");
        assert_eq!(to_lower("İSTANBUL ΟΔΟΣ ǅ"), "istanbul οδοσ ǆ");
        assert_eq!(to_upper("ᾀ ᾐ ᾠ ῃ ῳ"), "ᾈ ᾘ ᾨ ῌ ῼ");
        assert_eq!(to_upper("plain"), "PLAIN");
    }
}
