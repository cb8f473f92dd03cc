//! Small pieces of Go's standard library whose exact behaviour shows in outputs and messages.

/// `strconv.ParseFloat(s, 64)`, with Go's error message (`strconv.ParseFloat: parsing "x":
/// invalid syntax` or `value out of range`). Go's syntax: an optional sign; `inf`, `infinity`
/// or (unsigned) `nan` in any case; decimal digits with an optional `.` and `e` exponent; or
/// `0x` hex digits with an optional `.` and a required `p` exponent; `_` only between digits.
/// A value past the largest float is a range error; one below the smallest rounds to zero.
pub fn parse_float(s: &str) -> Result<f64, String> {
    let error = |why: &str| format!("strconv.ParseFloat: parsing {}: {why}", quote(s));
    if let Some(f) = special_float(s) {
        return Ok(f);
    }
    let f = scan_float(s).ok_or_else(|| error("invalid syntax"))?;
    if f.is_infinite() { Err(error("value out of range")) } else { Ok(f) }
}

/// Go's `special`: `[+-]inf`, `[+-]infinity`, `nan`, in any case, and nothing after.
fn special_float(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ if s.eq_ignore_ascii_case("nan") => return Some(f64::NAN),
        _ => (1.0, s),
    };
    (rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity"))
        .then_some(sign * f64::INFINITY)
}

/// Go's `readFloat` and conversion: the value (infinite when out of range), or `None` when `s`
/// is not a number in Go's syntax.
fn scan_float(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let hex = bytes.len() >= i + 2 && bytes[i] == b'0' && bytes[i + 1].eq_ignore_ascii_case(&b'x');
    if hex {
        i += 2;
    }
    let is_digit = |c: u8| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit());
    let (mut saw_dot, mut saw_digits, mut underscores) = (false, false, false);
    // Hex: the mantissa's bits (the first 16 digits), whether any later digit was non-zero,
    // and the binary exponent the digits imply.
    let (mut mantissa, mut sticky, mut exp2, mut mant_digits) = (0u64, false, 0i64, 0);
    while let Some(&c) = bytes.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if saw_dot => break,
            b'.' => saw_dot = true,
            c if is_digit(c) => {
                saw_digits = true;
                if hex {
                    let d = u64::from((c as char).to_digit(16).unwrap_or(0));
                    if mant_digits < 16 {
                        if mantissa != 0 || d != 0 {
                            mant_digits += 1;
                        }
                        mantissa = mantissa << 4 | d;
                        if saw_dot {
                            exp2 -= 4;
                        }
                    } else {
                        sticky |= d != 0;
                        if !saw_dot {
                            exp2 += 4;
                        }
                    }
                }
            }
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    if bytes.get(i).is_some_and(|c| c.eq_ignore_ascii_case(&exp_char)) {
        i += 1;
        let mut esign = 1i64;
        match bytes.get(i) {
            Some(b'+') => i += 1,
            Some(b'-') => {
                i += 1;
                esign = -1;
            }
            _ => {}
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut exponent = 0i64;
        while let Some(&c) = bytes.get(i) {
            match c {
                b'_' => underscores = true,
                c if c.is_ascii_digit() => exponent = (exponent * 10 + i64::from(c - b'0')).min(100_000),
                _ => break,
            }
            i += 1;
        }
        exp2 += esign * exponent;
    } else if hex {
        return None; // a hex float needs its exponent
    }
    if i != bytes.len() || (underscores && !underscores_ok(s)) {
        return None;
    }
    if hex {
        return Some(hex_float(negative, mantissa, sticky, exp2));
    }
    let digits: Cow<'_, str> = if underscores { Cow::Owned(s.replace('_', "")) } else { Cow::Borrowed(s) };
    digits.parse::<f64>().ok()
}

/// Go's `underscoreOK`: each `_` sits between digits (or after the base prefix).
fn underscores_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let hex = b.len() >= 2 && b[0] == b'0' && b[1].eq_ignore_ascii_case(&b'x');
    let (mut saw, start) = if hex { (b'0', 2) } else { (b'^', 0) };
    for &c in &b[start..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else if saw == b'_' {
            return false;
        } else {
            saw = b'!';
        }
    }
    saw != b'_'
}

/// `mantissa * 2^exp2` (plus a little when `sticky`) rounded to the nearest float, ties to
/// even; infinite past the largest float, zero below the smallest.
fn hex_float(negative: bool, mantissa: u64, sticky: bool, exp2: i64) -> f64 {
    let sign = if negative { -1.0 } else { 1.0 };
    if mantissa == 0 {
        return sign * 0.0;
    }
    let lz = mantissa.leading_zeros();
    let m = mantissa << lz;
    // The value is m / 2^63 * 2^e, with m's top bit set.
    let e = exp2 + 63 - i64::from(lz);
    if e > 1023 {
        return sign * f64::INFINITY;
    }
    // Significand bits a float keeps at this exponent: 53, fewer for subnormals.
    let keep = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep < 0 {
        return sign * 0.0;
    }
    let drop = u32::try_from(64 - keep).unwrap_or(64);
    let (kept, rest) = if drop >= 64 { (0, m) } else { (m >> drop, m & ((1u64 << drop) - 1)) };
    let half = 1u64 << (drop - 1);
    let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let mut kept = kept + u64::from(up);
    let mut e = e;
    if keep == 53 && kept == 1 << 53 {
        kept >>= 1;
        e += 1;
        if e > 1023 {
            return sign * f64::INFINITY;
        }
    }
    let bits = if e >= -1022 {
        let biased = u64::try_from(e + 1023).unwrap_or(0);
        biased << 52 | (kept & ((1u64 << 52) - 1))
    } else {
        kept // a subnormal; one that rounded up to 2^52 is the smallest normal, as encoded
    };
    sign * f64::from_bits(bits)
}

use std::borrow::Cow;
use std::fmt::Write;

/// Go's `int64(f)` as the Collector's usual amd64 build computes it (`CVTTSD2SQ`): toward
/// zero, and `math.MinInt64` for NaN and for anything outside the int64 range (Rust saturates
/// instead; so does Go on arm64).
pub fn float_to_int(f: f64) -> i64 {
    // 2^63: the first float past i64::MAX.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        return i64::MIN;
    }
    #[expect(clippy::cast_possible_truncation, reason = "in range: truncation toward zero, as Go's")]
    let n = f as i64;
    n
}

/// The shortest decimal digits that read back as `f` (finite, sign ignored), as Go's strconv
/// chooses them: on a tie between two shortest candidates, the one nearer the exact value and
/// then the even one (Ryū; Rust's own formatting breaks such ties the other way). Returns the
/// digits without trailing zeros and the decimal point's position: `f = 0.digits × 10^dp`;
/// zero is `("", 0)`.
pub fn shortest_digits(f: f64) -> (String, i64) {
    if f == 0.0 || !f.is_finite() {
        return (String::new(), 0);
    }
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(f.abs());
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_string();
    let dp = i64::try_from(int.len()).unwrap_or(0) - i64::try_from(lead).unwrap_or(0) + exp;
    (digits, dp)
}

/// `strconv.FormatFloat(f, 'f', -1, 64)` for a finite `f`: the shortest digits, never an
/// exponent (`1e21` is `1000000000000000000000`, `-0` is `-0`).
pub fn format_float_plain(f: f64) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let d = Digits::shortest(f);
    format!("{sign}{}", d.fixed(minus_dp(d.nd(), d.dp)))
}

/// `max(n - dp, 0)`.
pub(crate) fn minus_dp(n: usize, dp: i64) -> usize {
    usize::try_from(i64::try_from(n).unwrap_or(i64::MAX).saturating_sub(dp)).unwrap_or(0)
}

/// Decimal digits of a non-negative float, Go's `decimalSlice`: `digits` without trailing
/// zeros, the value being `0.digits × 10^dp`.
pub(crate) struct Digits {
    pub digits: String,
    pub dp: i64,
}

impl Digits {
    /// The shortest digits that read back as `a` ([`shortest_digits`]).
    pub(crate) fn shortest(a: f64) -> Digits {
        let (digits, dp) = shortest_digits(a);
        Digits { digits, dp }
    }

    /// Rounded to `n` significant digits (ties to even, on the exact value).
    pub(crate) fn rounded(a: f64, n: usize) -> Digits {
        Digits::parse(&format!("{a:.*e}", n.max(1) - 1))
    }

    /// From Rust's `d.ddde±x`.
    pub(crate) fn parse(s: &str) -> Digits {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        while digits.ends_with('0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Digits { digits, dp: 0 };
        }
        Digits { digits, dp: exp.parse::<i64>().unwrap_or(0) + 1 }
    }

    pub(crate) fn nd(&self) -> usize {
        self.digits.len()
    }

    pub(crate) fn digit(&self, i: i64) -> char {
        usize::try_from(i).ok().and_then(|i| self.digits.as_bytes().get(i)).map_or('0', |&b| char::from(b))
    }

    /// strconv's `fmtF`: the integer part, then `decimals` fraction digits.
    pub(crate) fn fixed(&self, decimals: usize) -> String {
        let mut out = String::new();
        if self.dp > 0 {
            for i in 0..self.dp {
                out.push(self.digit(i));
            }
        } else {
            out.push('0');
        }
        if decimals > 0 {
            out.push('.');
            for i in 1..=i64::try_from(decimals).unwrap_or(0) {
                out.push(self.digit(self.dp + i - 1));
            }
        }
        out
    }

    /// strconv's `fmtE`: `d.ddde±dd` with `prec` fraction digits.
    pub(crate) fn exponent(&self, prec: usize, upper: bool) -> String {
        let mut out = String::new();
        out.push(self.digit(0));
        if prec > 0 {
            out.push('.');
            for i in 1..=i64::try_from(prec).unwrap_or(0) {
                out.push(self.digit(i));
            }
        }
        out.push(if upper { 'E' } else { 'e' });
        let exp = if self.digits.is_empty() { 0 } else { self.dp - 1 };
        let _ = write!(out, "{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
        out
    }
}

/// A Go string's bytes as text: each byte that is not part of valid UTF-8 becomes one U+FFFD,
/// as Go's `encoding/json` (and pdata's JSON) writes such a string. (`String::from_utf8_lossy`
/// writes one U+FFFD per maximal invalid sequence instead: one for the three bytes of a cut
/// four-byte character, where Go writes three.)
pub fn lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('\u{fffd}', chunk.invalid().len()));
    }
    out
}

/// `strconv.Quote`, as `%q` prints a string.
pub fn quote(s: &str) -> String {
    quote_with(s.as_bytes(), '"', false)
}

/// `strconv.Quote` of bytes that may not be UTF-8 (a Go string): each invalid byte as `\xNN`.
pub fn quote_bytes(b: &[u8]) -> String {
    quote_with(b, '"', false)
}

/// `strconv.QuoteRune`, as `%q` prints a rune: `'x'`.
pub fn quote_rune(c: char) -> String {
    quote_with(c.encode_utf8(&mut [0; 4]).as_bytes(), '\'', false)
}

/// Go's `appendQuotedWith`: `quote` around the bytes, each rune escaped as
/// [`escape_rune`] does (with `ascii`, every non-ASCII rune too: `QuoteToASCII`), each byte
/// that is not UTF-8 as `\xNN`.
pub fn quote_with(b: &[u8], quote: char, ascii: bool) -> String {
    let mut out = String::with_capacity(b.len() + 2);
    out.push(quote);
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_rune(&mut out, c, quote, ascii);
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push(quote);
    out
}

/// Go's `appendEscapedRune`: the quote and `\\` backslashed, printable runes (`unicode.IsPrint`;
/// with `ascii`, printable ASCII only) as they are, `\a \b \f \n \r \t \v` by name, other
/// runes as `\xNN` (below space, and DEL), `\uNNNN` or `\UNNNNNNNN`.
fn escape_rune(out: &mut String, c: char, quote: char, ascii: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) && (c.is_ascii() || !ascii) {
        out.push(c);
        return;
    }
    let named = match c {
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{b}' => "\\v",
        _ => "",
    };
    let code = u32::from(c);
    let _ = match code {
        _ if !named.is_empty() => write!(out, "{named}"),
        0..0x20 | 0x7f => write!(out, "\\x{code:02x}"),
        0..0x1_0000 => write!(out, "\\u{code:04x}"),
        _ => write!(out, "\\U{code:08x}"),
    };
}

/// `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub fn is_print(c: char) -> bool {
    let code = u32::from(c);
    if code < 0x80 {
        return (0x20..0x7f).contains(&code);
    }
    let table = crate::go_printable::PRINTABLE;
    let i = table.partition_point(|&(_, end)| end < code);
    table.get(i).is_some_and(|&(start, _)| start <= code)
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
    const LIMIT: u64 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", time_quote(s));
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
    while let Some(&first) = rest.as_bytes().first() {
        if first != b'.' && !first.is_ascii_digit() {
            return Err(invalid());
        }
        // The integer: an overflow is an invalid duration at once.
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut v: u64 = 0;
        for d in rest[..int_len].bytes() {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(d - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        rest = &rest[int_len..];
        // The fraction: digits past what fits are read and dropped.
        let (mut frac, mut scale, mut frac_len) = (0u64, 1f64, None);
        if let Some(after) = rest.strip_prefix('.') {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for d in after[..n].bytes() {
                if overflow || frac > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = frac * 10 + u64::from(d - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                frac = y;
                scale *= 10.0;
            }
            frac_len = Some(n);
            rest = &after[n..];
        }
        if int_len == 0 && frac_len.is_none_or(|n| n == 0) {
            return Err(invalid()); // no digits, as in ".s"
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let (unit, next) = rest.split_at(unit_len);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", time_quote(s)));
        }
        let unit: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!("time: unknown unit {} in duration {}", time_quote(unit), time_quote(s)));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if frac > 0 {
            // Go: v += uint64(float64(f) * (float64(unit) / scale)).
            #[expect(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let part = (frac as f64 * (unit as f64 / scale)) as u64;
            v += part;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
        rest = next;
    }
    if neg { Ok(0i64.wrapping_sub_unsigned(total)) } else { i64::try_from(total).map_err(|_| invalid()) }
}

/// The `time` package's own `quote` (in its error messages): `"` and `\\` backslashed, and every
/// byte of a non-ASCII or control character written as `\xNN`.
pub fn time_quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        if c < ' ' || !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
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

#[cfg(test)]
mod parse_float_tests {
    use super::*;

    /// Inputs and what Go's `strconv.ParseFloat(s, 64)` gives (`FormatFloat(f, 'g', -1, 64)`).
    const GO: &[(&str, &str)] = &[
        ("0x1p-2", "0.25"),
        ("1_000", "1000"),
        ("0x_1p0", "1"),
        ("0x1_0p0", "16"),
        ("0x1__0p0", "syntax"),
        ("0x_p0", "syntax"),
        ("infinity", "+Inf"),
        ("+Inf", "+Inf"),
        ("-inf", "-Inf"),
        ("+nan", "syntax"),
        ("nan", "NaN"),
        ("NaN", "NaN"),
        ("-NaN", "syntax"),
        ("infi", "syntax"),
        ("INFINITY", "+Inf"),
        (".5", "0.5"),
        ("5.", "5"),
        (".", "syntax"),
        ("1e", "syntax"),
        (" 1", "syntax"),
        ("1e400", "range"),
        ("-1e400", "range"),
        ("-0", "-0"),
        ("4e-400", "0"),
        ("0x1.8p1", "3"),
        ("0x1.8", "syntax"),
        ("0X1P+3", "8"),
        ("0x.8p0", "0.5"),
        ("0xp1", "syntax"),
        ("1e-320", "1e-320"),
        ("1E5", "100000"),
        ("1e+5", "100000"),
        ("+.5e-1", "0.05"),
        ("0x1p1024", "range"),
        ("0x1p-1080", "0"),
        ("1.7976931348623159e308", "range"),
        ("1.7976931348623158e308", "1.7976931348623157e+308"),
        ("00012", "12"),
        ("1.5.", "syntax"),
        ("--1", "syntax"),
        ("0b101", "syntax"),
        ("0o17", "syntax"),
        ("1_0", "10"),
        ("_1", "syntax"),
        ("0x1.fffffffffffff8p1023", "range"),
        ("0x1.fffffffffffff7p1023", "1.7976931348623157e+308"),
        ("0x1p-1074", "5e-324"),
        ("0x1p-1075", "0"),
        ("0x1.1p-1075", "5e-324"),
        ("0x123456789abcdef01p0", "2.0988295479420645e+19"),
        ("0x1.00000000000008p0", "1"),
        ("0x1.00000000000018p0", "1.0000000000000004"),
        ("0x1.000000000000081p0", "1.0000000000000002"),
        ("0x.0000000000000000000001p0", "3.2311742677852644e-27"),
        ("0x1p-1022", "2.2250738585072014e-308"),
        ("0x0.fffffffffffff8p-1022", "2.2250738585072014e-308"),
        ("1_000.5e1_0", "1.0005e+13"),
        ("1e_5", "syntax"),
        ("1._5", "syntax"),
    ];

    #[test]
    fn agrees_with_go() {
        for (input, want) in GO {
            let got = match parse_float(input) {
                Ok(f) if f.is_nan() => "NaN".to_string(),
                Ok(f) if f == f64::INFINITY => "+Inf".to_string(),
                Ok(f) if f == f64::NEG_INFINITY => "-Inf".to_string(),
                Ok(f) if f == 0.0 && f.is_sign_negative() => "-0".to_string(),
                Ok(f) => format!("{f:?}"),
                Err(e) if e.ends_with("invalid syntax") => "syntax".to_string(),
                Err(e) if e.ends_with("value out of range") => "range".to_string(),
                Err(e) => e,
            };
            let want_num = want.parse::<f64>().ok();
            let same = got == *want || (want_num.is_some() && got.parse::<f64>().ok() == want_num);
            assert!(same, "{input}: Go gives {want}, we give {got}");
        }
    }
}

#[cfg(test)]
mod quote_tests {
    use super::*;

    #[test]
    fn quotes_as_go() {
        // Expected strings printed by Go's strconv.Quote / strconv.QuoteRune.
        let cases = [
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}\u{0}\u{7f}", r#""\a\b\f\n\r\t\v\x00\x7f""#),
            ("\u{85}\u{a0}\u{ad}\u{200b}\u{2028}\u{feff}", r#""\u0085\u00a0\u00ad\u200b\u2028\ufeff""#),
            ("é日本\u{1F600}", "\"é日本\u{1F600}\""),
            ("\u{E000}\u{10FFFF}\u{E0001}", r#""\ue000\U0010ffff\U000e0001""#),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want, "{input:?}");
        }
        assert_eq!(quote_rune('\''), r"'\''");
        assert_eq!(quote_rune('"'), r#"'"'"#);
        assert_eq!(quote_rune('\u{a0}'), r"'\u00a0'");
    }
}

#[cfg(test)]
mod float_to_int_tests {
    use super::float_to_int;

    #[test]
    fn converts_as_go_on_amd64() {
        // Values printed by Go 1.19 on amd64 for int64(f).
        assert_eq!(float_to_int(f64::NAN), i64::MIN);
        assert_eq!(float_to_int(f64::INFINITY), i64::MIN);
        assert_eq!(float_to_int(f64::NEG_INFINITY), i64::MIN);
        assert_eq!(float_to_int(1e20), i64::MIN);
        assert_eq!(float_to_int(-1e20), i64::MIN);
        assert_eq!(float_to_int(9.223_372_036_854_776e18), i64::MIN);
        assert_eq!(float_to_int(-9.223_372_036_854_776e18), i64::MIN);
        assert_eq!(float_to_int(1.5), 1);
        assert_eq!(float_to_int(-1.5), -1);
    }
}

#[cfg(test)]
mod shortest_tests {
    use super::shortest_digits;

    #[test]
    fn ties_break_as_go() {
        // Values whose two shortest candidates are equally near; Go prints the first.
        assert_eq!(
            shortest_digits(f64::from_bits(0x4302_2b35_b73d_651a)),
            ("6392574110383712".to_string(), 15)
        );
        assert_eq!(shortest_digits(-1_867_018_247_591_998.2), ("18670182475919982".to_string(), 16));
        assert_eq!(shortest_digits(1.5), ("15".to_string(), 1));
        assert_eq!(shortest_digits(1e-7), ("1".to_string(), -6));
        assert_eq!(shortest_digits(1e21), ("1".to_string(), 22));
        assert_eq!(shortest_digits(0.0), (String::new(), 0));
    }
}

#[cfg(test)]
mod parse_duration_tests {
    use super::parse_duration;

    /// Inputs and what Go 1.19's `time.ParseDuration` returns.
    #[test]
    fn parses_as_go() {
        let cases: &[(&str, Result<i64, &str>)] = &[
            ("5ns", Ok(5)),
            ("47m", Ok(2_820_000_000_000)),
            ("216.854775807s", Ok(216_854_775_807)),
            ("1.5us", Ok(1500)),
            ("90µs2µs", Ok(92_000)),
            ("-9223372036854775808ns", Ok(i64::MIN)),
            (
                "922337203685477580747m9223372036854775807",
                Err(r#"time: invalid duration "922337203685477580747m9223372036854775807""#),
            ),
            ("92233720368547758072", Err(r#"time: invalid duration "92233720368547758072""#)),
            ("47m h", Err(r#"time: unknown unit "m h" in duration "47m h""#)),
            ("μs", Err(r#"time: invalid duration "\xce\xbcs""#)),
            ("21", Err(r#"time: missing unit in duration "21""#)),
            ("9223372036854775808ns", Err(r#"time: invalid duration "9223372036854775808ns""#)),
        ];
        for (input, want) in cases {
            assert_eq!(parse_duration(input), want.map_err(str::to_string), "{input:?}");
        }
    }
}

#[cfg(test)]
mod lossy_tests {
    #[test]
    fn one_replacement_per_invalid_byte() {
        // What Go's json.Marshal writes for these bytes.
        assert_eq!(super::lossy(b"a\xf0\x9f\x98b"), "a\u{fffd}\u{fffd}\u{fffd}b");
        assert_eq!(super::lossy(b"\xff\xfe"), "\u{fffd}\u{fffd}");
        assert_eq!(super::lossy("é😀".as_bytes()), "é😀");
    }
}
