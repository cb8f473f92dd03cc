//! The locales of `Time(..., locale)`: for each CLDR 45 locale, the names of the week days,
//! the months and the day periods that upstream's parser (elastic/lunes) translates to English
//! before it parses. The table is data, `data/locales.tsv`, written by
//! `ottl-jit/tools/gen_locales.py` from CLDR's XML (its header says which names a locale gets);
//! it is read once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/locales.tsv");

/// One locale's names, each list empty when the locale has none of that kind.
#[derive(Debug, PartialEq, Eq)]
pub struct Locale {
    /// The canonical tag (`es-ES`), as errors name it.
    pub tag: &'static str,
    /// Sunday first.
    pub short_days: Vec<&'static str>,
    pub long_days: Vec<&'static str>,
    /// January first.
    pub short_months: Vec<&'static str>,
    pub long_months: Vec<&'static str>,
    /// AM, then PM.
    pub day_periods: Vec<&'static str>,
}

fn table() -> &'static HashMap<&'static str, Locale> {
    static TABLE: OnceLock<HashMap<&'static str, Locale>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        let mut same_as: Vec<(&'static str, &'static str)> = Vec::new();
        for line in DATA.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut fields = line.split('\t');
            let tag = fields.next().unwrap_or_default();
            let rest: Vec<&'static str> = fields.collect();
            match rest.as_slice() {
                [parent] if parent.starts_with('=') => same_as.push((tag, &parent[1..])),
                _ => {
                    rows.insert(tag, rest);
                }
            }
        }
        let list = |field: Option<&&'static str>| -> Vec<&'static str> {
            match field {
                Some(s) if !s.is_empty() => s.split('|').collect(),
                _ => Vec::new(),
            }
        };
        let build = |tag: &'static str, fields: &[&'static str]| Locale {
            tag,
            short_days: list(fields.first()),
            long_days: list(fields.get(1)),
            short_months: list(fields.get(2)),
            long_months: list(fields.get(3)),
            day_periods: list(fields.get(4)),
        };
        // A row equal to its parent's names the parent, which may come later in the file or
        // name its own parent.
        while !same_as.is_empty() {
            let before = same_as.len();
            same_as.retain(|(tag, parent)| match rows.get(parent).cloned() {
                Some(fields) => {
                    rows.insert(tag, fields);
                    false
                }
                None => true,
            });
            assert!(same_as.len() < before, "locales.tsv names a parent it does not have: {same_as:?}");
        }
        let table: HashMap<&'static str, Locale> =
            rows.iter().map(|(tag, fields)| (*tag, build(tag, fields))).collect();
        table
    })
}

/// The canonical form of a BCP 47 tag: `_` read as `-`, the language lowercase, a script
/// titlecase, a region uppercase (`ES_es` is `es-ES`).
pub fn canonical(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    for (i, sub) in tag.split(['-', '_']).enumerate() {
        if i > 0 {
            out.push('-');
        }
        let is_script = i > 0 && sub.len() == 4 && sub.bytes().all(|b| b.is_ascii_alphabetic());
        let is_region = i > 0
            && (sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_alphabetic())
                || sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit()));
        if is_script {
            out.push_str(&sub[..1].to_ascii_uppercase());
            out.push_str(&sub[1..].to_ascii_lowercase());
        } else if is_region {
            out.push_str(&sub.to_ascii_uppercase());
        } else {
            out.push_str(&sub.to_ascii_lowercase());
        }
    }
    out
}

/// BCP 47's syntax: subtags of one to eight letters or digits, the first of two to eight
/// letters.
fn well_formed(tag: &str) -> bool {
    let mut subtags = tag.split(['-', '_']);
    let first = subtags.next().unwrap_or_default();
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The locale a tag names, or upstream's load-time error.
pub fn lookup(tag: &str) -> Result<&'static Locale, String> {
    if !well_formed(tag) {
        return Err(format!("invalid locale '{tag}': language: tag is not well-formed"));
    }
    table()
        .get(canonical(tag).as_str())
        .ok_or_else(|| format!("unsupported locale '{tag}', value must be a supported BCP 47 language tag"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_complete_lists() {
        let sizes = |l: &Locale| {
            [
                l.short_days.len(),
                l.long_days.len(),
                l.short_months.len(),
                l.long_months.len(),
                l.day_periods.len(),
            ]
        };
        assert!(table().len() > 900, "{}", table().len());
        for l in table().values() {
            let [sd, ld, sm, lm, p] = sizes(l);
            assert!(matches!(sd, 0 | 7) && matches!(ld, 0 | 7), "{}", l.tag);
            assert!(matches!(sm, 0 | 12) && matches!(lm, 0 | 12), "{}", l.tag);
            assert!(matches!(p, 0 | 2), "{}", l.tag);
        }
    }

    #[test]
    fn tags_are_read_case_insensitively_with_either_separator() {
        let es = lookup("es-ES").expect("es-ES");
        assert_eq!(es.tag, "es-ES");
        assert_eq!(es.long_months[1], "febrero");
        assert_eq!(es.day_periods, ["a.m.", "p.m."]);
        assert_eq!(lookup("ES_es").expect("ES_es").tag, "es-ES");
        assert_eq!(lookup("zh_hant_tw").expect("zh-Hant-TW").tag, "zh-Hant-TW");
        // A sub-locale without names of its own has its parent's.
        assert_eq!(lookup("es-MX").expect("es-MX").short_months[8], "sep");
        assert_eq!(
            lookup("foo-bar").unwrap_err(),
            "unsupported locale 'foo-bar', value must be a supported BCP 47 language tag"
        );
        assert_eq!(lookup("").unwrap_err(), "invalid locale '': language: tag is not well-formed");
    }
}
