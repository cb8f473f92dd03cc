//! `Time(..., locale)`: the value's localized day, month and day-period names are translated to
//! English before it is parsed, as upstream's parser does (elastic/lunes `Translate`).
//!
//! The translation walks the layout as Go writes it (each strptime directive as its Go layout
//! element) and the value side by side, byte by byte: a month or day name (`Jan`, `January`,
//! `Mon`, `Monday`) or a day period (`PM`, `pm`) in the layout takes the longest of the locale's
//! names that the value has there, compared case-insensitively after any spaces, and writes
//! its English name; `_2` copies the next word of up to two bytes; every other layout byte
//! copies one byte of the value. What the walk leaves of the value is appended. The result is
//! parsed with the layout as an English value would be.

use ottl_types::locale::Locale;

use crate::strptime::{DAYS as LONG_DAYS, MONTHS as LONG_MONTHS};

const SHORT_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SHORT_MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The Go layout element upstream's table writes for a strptime directive.
pub fn go_element(directive: char) -> &'static str {
    match directive {
        'Y' => "2006",
        'y' => "06",
        'm' => "01",
        'o' => "_1",
        'q' => "1",
        'b' | 'h' => "Jan",
        'B' => "January",
        'd' => "02",
        'e' => "_2",
        'g' => "2",
        'a' => "Mon",
        'A' => "Monday",
        'H' => "15",
        'l' => "3",
        'I' => "03",
        'p' => "PM",
        'P' => "pm",
        'M' => "04",
        'S' => "05",
        'L' => "999",
        'f' => "999999",
        's' => "99999999",
        'Z' => "MST",
        'z' => "Z0700",
        'w' => "-070000",
        'i' => "-07",
        'j' => "-07:00",
        'k' => "-07:00:00",
        'D' | 'x' => "01/02/2006",
        _ => "%",
    }
}

/// Go's `unicode.IsSpace` of a single byte read as a rune (so the UTF-8 continuation bytes
/// 0x85 and 0xA0 count, as they do upstream).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0)
}

/// Go's `strings.EqualFold` (simple case folding, one rune at a time; bytes that are not UTF-8
/// read as U+FFFD each).
fn equal_fold(a: &[u8], b: &str) -> bool {
    match std::str::from_utf8(a) {
        Ok(a) => equal_fold_str(a, b),
        Err(_) => equal_fold_str(&crate::go::lossy(a), b),
    }
}

fn equal_fold_str(left: &str, right: &str) -> bool {
    let mut right_chars = right.chars();
    for l in left.chars() {
        match right_chars.next() {
            Some(r) if same_folded(l, r) => {}
            _ => return false,
        }
    }
    right_chars.next().is_none()
}

/// Two runes in one case-folding orbit: equal, or equal once lowercased or uppercased (each a
/// single rune, as Go's simple folding has it).
fn same_folded(l: char, r: char) -> bool {
    fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
        let c = it.next();
        if it.next().is_some() { None } else { c }
    }
    l == r
        || single(l.to_lowercase()).is_some_and(|x| single(r.to_lowercase()) == Some(x))
        || single(l.to_uppercase()).is_some_and(|x| single(r.to_uppercase()) == Some(x))
}

struct Walk<'v> {
    value: &'v [u8],
    at: usize,
    out: Vec<u8>,
}

impl Walk<'_> {
    fn spaces(&self) -> usize {
        self.value.get(self.at..).map_or(0, |rest| rest.iter().take_while(|b| is_space(**b)).count())
    }

    /// The longest of `names` at the value's next word; its English counterpart is written.
    fn name(&mut self, element: &str, names: &[&str], english: &[&str], whole: &str) -> Result<(), String> {
        let skipped = self.spaces();
        let start = self.at + skipped;
        let mut found: Option<(usize, usize)> = None;
        for (i, name) in names.iter().enumerate() {
            if found.is_some_and(|(_, len)| name.len() <= len) {
                continue;
            }
            let Some(candidate) = self.value.get(start..start + name.len()) else { continue };
            if equal_fold(candidate, name) {
                found = Some((i, name.len()));
            }
        }
        let Some((i, len)) = found else {
            return Err(format!("value \"{whole}\" does not match the layout element \"{element}\""));
        };
        self.out.extend(std::iter::repeat_n(b' ', skipped));
        self.out.extend_from_slice(english.get(i).copied().unwrap_or_default().as_bytes());
        self.at = start + len;
        Ok(())
    }

    /// `_2`'s word: spaces, then up to `max` bytes that are not spaces.
    fn word(&mut self, max: usize) {
        let skipped = self.spaces();
        let start = self.at + skipped;
        let len = self.value[start..].iter().take(max).take_while(|b| !is_space(**b)).count();
        self.out.extend(std::iter::repeat_n(b' ', skipped));
        self.out.extend_from_slice(&self.value[start..start + len]);
        self.at = start + len;
    }
}

/// The value with the locale's names in English, for `layout` (a Go layout).
pub fn translate(layout: &str, value: &str, locale: &Locale) -> Result<String, String> {
    let lay = layout.as_bytes();
    let mut w = Walk { value: value.as_bytes(), at: 0, out: Vec::with_capacity(value.len() + 16) };
    let unsupported = |element: &str| {
        format!("layout element \"{element}\" is not support by the language \"{}\"", locale.tag)
    };
    let mut i = 0;
    while i < lay.len() {
        let rest = &lay[i..];
        let next_lower = |n: usize| lay.get(i + n).is_some_and(u8::is_ascii_lowercase);
        // A name element: what the layout writes, how long it is, the locale's names and
        // their English counterparts.
        let element: Option<(&str, &[&str], &[&str])> = match lay[i] {
            b'J' if rest.starts_with(b"January") => Some(("January", &locale.long_months, &LONG_MONTHS)),
            b'J' if rest.starts_with(b"Jan") && !next_lower(3) => {
                Some(("Jan", &locale.short_months, &SHORT_MONTHS))
            }
            b'M' if rest.starts_with(b"Monday") => Some(("Monday", &locale.long_days, &LONG_DAYS)),
            b'M' if rest.starts_with(b"Mon") && !next_lower(3) => {
                Some(("Mon", &locale.short_days, &SHORT_DAYS))
            }
            b'p' if lay.get(i + 1).is_some_and(|m| m.eq_ignore_ascii_case(&b'm')) => {
                Some(("pm", &locale.day_periods, &["am", "pm"]))
            }
            b'P' if lay.get(i + 1).is_some_and(|m| m.eq_ignore_ascii_case(&b'm')) => {
                Some(("PM", &locale.day_periods, &["AM", "PM"]))
            }
            _ => None,
        };
        if let Some((element, names, english)) = element {
            if names.is_empty() {
                return Err(unsupported(element));
            }
            w.name(element, names, english, value)?;
            i += element.len();
            continue;
        }
        let mut written = false;
        if lay[i] == b'_' {
            if lay.get(i + 1) == Some(&b'2') {
                let size = if rest.get(1..5) == Some(&b"2006"[..]) {
                    if value.len() >= w.at + 5 { 5 } else { 0 }
                } else if value.len() >= w.at + 2 {
                    2
                } else {
                    0
                };
                if size > 0 {
                    i += size;
                    w.word(size);
                    written = true;
                }
            }
            // Upstream looks for `__2` after that, at the layout position it has reached.
            if lay.get(i + 1) == Some(&b'_') && lay.get(i + 2) == Some(&b'2') && value.len() >= w.at + 3 {
                i += 3;
                w.word(3);
                written = true;
            }
        }
        if !written {
            // One byte of the value, written as the rune of that byte's number (a byte past
            // ASCII becomes two, and the walk moves on by two).
            if let Some(&b) = w.value.get(w.at) {
                let mut buf = [0; 4];
                let encoded = char::from(b).encode_utf8(&mut buf);
                w.out.extend_from_slice(encoded.as_bytes());
                w.at += encoded.len();
            }
            i += 1;
        }
    }
    if let Some(rest) = w.value.get(w.at..) {
        w.out.extend_from_slice(rest);
    }
    Ok(String::from_utf8(w.out).unwrap_or_else(|e| crate::go::lossy(e.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> &'static Locale {
        ottl_types::locale::lookup(tag).expect("locale")
    }

    #[test]
    fn names_become_english() {
        let es = locale("es-ES");
        assert_eq!(
            translate("January 02 Monday, 2006, 03:04:05 pm", "Febrero 25 lunes, 2002, 02:03:04 p.m.", es),
            Ok("February 25 Monday, 2002, 02:03:04 pm".to_string())
        );
        assert_eq!(
            translate("Monday Jan _2 2006", "mercoledì set 4 2024", locale("it")),
            Ok("Wednesday Sep 4 2024".to_string())
        );
    }

    #[test]
    fn mismatches_and_missing_names_are_upstreams_errors() {
        assert_eq!(
            translate("January 2006", "Brumaire 2024", locale("fr")),
            Err("value \"Brumaire 2024\" does not match the layout element \"January\"".to_string())
        );
        // Arabic has no abbreviated day names in CLDR 45's own data.
        assert_eq!(
            translate("Mon 2006", "x 2024", locale("ar")),
            Err("layout element \"Mon\" is not support by the language \"ar\"".to_string())
        );
    }

    /// `testdata/conformance/lunes_translate.tsv`: what upstream's translation (elastic/lunes)
    /// made of random layouts and values, with the same names.
    #[test]
    fn agrees_with_upstreams_translation() {
        let table =
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/lunes_translate.tsv"));
        crate::conformance::check_rows(table, 1500, |line| {
            let [tag, layout, value, want] = crate::conformance::fields(line);
            let (layout, value): (String, String) =
                (crate::conformance::json(layout), crate::conformance::json(value));
            let want: serde_json::Value = crate::conformance::json(want);
            let got = match translate(&layout, &value, locale(tag)) {
                Ok(s) => serde_json::json!({ "ok": s }),
                Err(e) => serde_json::json!({ "error": e }),
            };
            if got == want {
                Ok(())
            } else {
                Err(format!("{tag} {layout:?} {value:?}: upstream {want}, ours {got}"))
            }
        });
    }

    /// Random layouts and values over the bytes the walk looks at never panic, in locales
    /// with and without names of each kind.
    #[test]
    fn no_translate_panics() {
        let layout_parts = [
            "January", "Jan", "Janx", "Monday", "Mon", "PM", "pm", "pM", "_2", "__2", "_2006", "02", " ", "é",
        ];
        let value_chars: Vec<char> = " \t\u{a0}\u{85}éÃ2_aAmpPMx.\u{202f}".chars().collect();
        let locales = [locale("es-ES"), locale("ar"), locale("et"), locale("el-polyton"), locale("und")];
        let mut next = crate::conformance::numbers(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let layout: String = (0..next() % 5).map(|_| layout_parts[next() % layout_parts.len()]).collect();
            let value: String = (0..next() % 12).map(|_| value_chars[next() % value_chars.len()]).collect();
            let _ = translate(&layout, &value, locales[next() % locales.len()]);
        }
    }
}
