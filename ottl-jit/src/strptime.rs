//! The strptime directives of `Time()` and `FormatTime()` (upstream's `timeutils`, which maps
//! each directive to a Go layout element and parses or formats with Go's `time` package). This
//! covers the directives whose Go semantics are plain: `%Y %y %m %d %e %H %I %M %S %f %p %b %h
//! %B %a %A %j %z %Z %D %F %T %R %%`. Fields a layout leaves out take Go's defaults: year 0,
//! January 1, midnight, UTC.

use crate::value::Time;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Expands the composite directives into simple ones.
fn expand(layout: &str) -> String {
    layout
        .replace("%D", "%m/%d/%y")
        .replace("%F", "%Y-%m-%d")
        .replace("%T", "%H:%M:%S")
        .replace("%R", "%H:%M")
}

/// A strptime layout, compiled once: literal characters and directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout(Vec<Piece>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Literal(char),
    Directive(char),
}

/// Compiles a layout; an unsupported directive is an error (reported when the call compiles).
pub fn compile(layout: &str) -> Result<Layout, String> {
    let expanded = expand(layout);
    let mut pieces = Vec::with_capacity(expanded.len());
    let mut chars = expanded.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            pieces.push(Piece::Literal(c));
            continue;
        }
        match chars.next() {
            Some(
                d @ ('Y' | 'y' | 'm' | 'd' | 'e' | 'H' | 'I' | 'M' | 'S' | 'f' | 'p' | 'b' | 'h' | 'B' | 'a'
                | 'A' | 'j' | 'z' | 'Z'),
            ) => pieces.push(Piece::Directive(d)),
            Some('%') => pieces.push(Piece::Literal('%')),
            Some(d) => return Err(format!("the interpreter does not support the time directive %{d} yet")),
            None => return Err("a time layout cannot end with %".into()),
        }
    }
    Ok(Layout(pieces))
}

struct Parser<'a> {
    s: &'a str,
    value: &'a str,
}

impl Parser<'_> {
    fn fail(&self) -> String {
        format!(
            "parsing time {}: cannot parse {} with the layout",
            crate::go::quote(self.s),
            crate::go::quote(self.value)
        )
    }

    /// Exactly `n` digits (`fixed`) or 1..=n digits.
    fn num(&mut self, n: usize, fixed: bool) -> Result<i64, String> {
        let len = self.value.bytes().take(n).take_while(u8::is_ascii_digit).count();
        if len == 0 || (fixed && len != n) {
            return Err(self.fail());
        }
        let (digits, rest) = self.value.split_at(len);
        self.value = rest;
        digits.parse().map_err(|_| self.fail())
    }

    fn word(&mut self, names: &[&str], abbreviated: bool) -> Result<usize, String> {
        for (i, name) in names.iter().enumerate() {
            let w = if abbreviated { &name[..3] } else { name };
            if self.value.len() >= w.len() && self.value[..w.len()].eq_ignore_ascii_case(w) {
                self.value = &self.value[w.len()..];
                return Ok(i);
            }
        }
        Err(self.fail())
    }
}

/// The fields a layout sets, with Go's defaults for the rest.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: i64,
    offset: i64,
    /// Whether the text carried its own offset (`%z`).
    has_offset: bool,
    pm: Option<bool>,
    yday: Option<i64>,
}

/// Parses `value` with a compiled layout, in UTC unless the text has an offset.
#[cfg(test)]
fn parse(layout: &Layout, value: &str) -> Result<Time, String> {
    parse_in(layout, value, None)
}

/// Parses `value` with a compiled layout; a wall clock without an offset is read in `zone`
/// (Go's `time.ParseInLocation`: a skipped time moves forward, a repeated one takes the first).
pub fn parse_in(layout: &Layout, value: &str, zone: Option<&jiff::tz::TimeZone>) -> Result<Time, String> {
    let mut p = Parser { s: value, value };
    let mut f = Fields {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
        has_offset: false,
        pm: None,
        yday: None,
    };
    for piece in &layout.0 {
        match *piece {
            Piece::Directive(d) => directive(d, &mut p, &mut f)?,
            Piece::Literal(c) => p.value = p.value.strip_prefix(c).ok_or_else(|| p.fail())?,
        }
    }
    if !p.value.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            crate::go::quote(value),
            crate::go::quote(p.value)
        ));
    }
    if let Some(zone) = zone
        && !f.has_offset
    {
        f.offset = zone_offset(zone, &f).ok_or_else(|| {
            format!("parsing time {}: cannot place it in the time zone", crate::go::quote(value))
        })?;
    }
    finish(value, &f)
}

/// The zone's offset at the parsed wall clock (before `finish` validates it: an invalid date
/// has no offset and gets the error `finish` gives).
fn zone_offset(zone: &jiff::tz::TimeZone, f: &Fields) -> Option<i64> {
    let hour = match (f.pm, f.hour) {
        (Some(true), h) if h < 12 => h + 12,
        (Some(false), 12) => 0,
        (_, h) => h,
    };
    let date = match f.yday {
        Some(yd) => jiff::civil::Date::new(i16::try_from(f.year).ok()?, 1, 1)
            .ok()?
            .checked_add(jiff::Span::new().days(yd - 1))
            .ok()?,
        None => jiff::civil::Date::new(
            i16::try_from(f.year).ok()?,
            i8::try_from(f.month).ok()?,
            i8::try_from(f.day).ok()?,
        )
        .ok()?,
    };
    let time = jiff::civil::Time::new(
        i8::try_from(hour).ok()?,
        i8::try_from(f.minute).ok()?,
        i8::try_from(f.second).ok()?,
        0,
    )
    .ok()?;
    let zoned = zone.to_ambiguous_zoned(date.to_datetime(time)).compatible().ok()?;
    Some(i64::from(zoned.offset().seconds()))
}

fn directive(d: char, p: &mut Parser<'_>, f: &mut Fields) -> Result<(), String> {
    match d {
        'Y' => f.year = p.num(4, true)?,
        'y' => {
            let y = p.num(2, true)?;
            f.year = if y >= 69 { 1900 + y } else { 2000 + y };
        }
        'm' => f.month = p.num(2, true)?,
        'd' => f.day = p.num(2, true)?,
        'e' => {
            if let Some(rest) = p.value.strip_prefix(' ') {
                p.value = rest;
            }
            f.day = p.num(2, false)?;
        }
        'H' => f.hour = p.num(2, false)?,
        'I' => f.hour = p.num(2, true)?,
        'M' => f.minute = p.num(2, true)?,
        'S' => f.second = p.num(2, true)?,
        'f' => {
            let len = p.value.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return Err(p.fail());
            }
            let digits = &p.value[..len.min(9)];
            let scale = 10i64.pow(9 - u32::try_from(digits.len()).unwrap_or(9));
            f.nanos = digits.parse::<i64>().map_err(|_| p.fail())? * scale;
            p.value = &p.value[len..];
        }
        'p' => {
            f.pm = match p.value.get(..2).map(str::to_ascii_uppercase).as_deref() {
                Some("AM") => Some(false),
                Some("PM") => Some(true),
                _ => return Err(p.fail()),
            };
            p.value = &p.value[2..];
        }
        'b' | 'h' => f.month = i64::try_from(p.word(&MONTHS, true)?).unwrap_or(0) + 1,
        'B' => f.month = i64::try_from(p.word(&MONTHS, false)?).unwrap_or(0) + 1,
        'a' => {
            p.word(&DAYS, true)?;
        }
        'A' => {
            p.word(&DAYS, false)?;
        }
        'j' => f.yday = Some(p.num(3, true)?),
        'z' => {
            if let Some(rest) = p.value.strip_prefix('Z') {
                p.value = rest;
                f.has_offset = true;
            } else {
                let sign = match p.value.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(p.fail()),
                };
                p.value = &p.value[1..];
                let hh = p.num(2, true)?;
                let mm = p.num(2, true)?;
                f.offset = sign * (hh * 3600 + mm * 60);
                f.has_offset = true;
            }
        }
        'Z' => {
            let len = p.value.bytes().take_while(u8::is_ascii_uppercase).count();
            if len < 3 {
                return Err(p.fail());
            }
            p.value = &p.value[len..];
        }
        _ => p.value = p.value.strip_prefix('%').ok_or_else(|| p.fail())?,
    }
    Ok(())
}

fn finish(value: &str, f: &Fields) -> Result<Time, String> {
    let out_of_range = |what: &str| format!("parsing time {}: {what} out of range", crate::go::quote(value));
    let mut hour = f.hour;
    if let Some(pm) = f.pm {
        if hour > 12 {
            return Err(out_of_range("hour"));
        }
        hour = match (pm, hour) {
            (true, h) if h < 12 => h + 12,
            (false, 12) => 0,
            (_, h) => h,
        };
    }
    if !(1..=12).contains(&f.month) {
        return Err(out_of_range("month"));
    }
    if f.day < 1 || f.day > days_in(f.month, f.year) || hour > 23 || f.minute > 59 || f.second > 59 {
        return Err(out_of_range("day"));
    }
    let days = match f.yday {
        Some(yd) => days_from_civil(f.year, 1, 1) + yd - 1,
        None => days_from_civil(f.year, f.month, f.day),
    };
    let local = days * 86_400 + hour * 3600 + f.minute * 60 + f.second;
    Ok(Time {
        secs: local - f.offset,
        nanos: u32::try_from(f.nanos).unwrap_or(0),
        offset_secs: i32::try_from(f.offset).unwrap_or(0),
    })
}

/// Formats a time with a compiled layout, in the time's own zone.
pub fn format(layout: &Layout, t: Time) -> String {
    let p = crate::time::parts(t);
    let mut out = String::new();
    for piece in &layout.0 {
        let d = match *piece {
            Piece::Literal(c) => {
                out.push(c);
                continue;
            }
            Piece::Directive(d) => d,
        };
        let month = usize::try_from(p.month).unwrap_or(1).clamp(1, 12) - 1;
        let weekday = usize::try_from(p.weekday).unwrap_or(0) % 7;
        let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
        let piece = match d {
            'Y' => format!("{:04}", p.year),
            'y' => format!("{:02}", p.year.rem_euclid(100)),
            'm' => format!("{:02}", p.month),
            'd' => format!("{:02}", p.day),
            'e' => format!("{:>2}", p.day),
            'H' => format!("{:02}", p.hour),
            'I' => format!("{h12:02}"),
            'M' => format!("{:02}", p.minute),
            'S' => format!("{:02}", p.second),
            'f' => format!("{:06}", p.nanosecond / 1000),
            'p' => (if p.hour < 12 { "AM" } else { "PM" }).to_string(),
            'b' | 'h' => MONTHS[month][..3].to_string(),
            'B' => MONTHS[month].to_string(),
            'a' => DAYS[weekday][..3].to_string(),
            'A' => DAYS[weekday].to_string(),
            'j' => format!(
                "{:03}",
                days_from_civil(p.year, i64::from(p.month), i64::from(p.day)) - days_from_civil(p.year, 1, 1)
                    + 1
            ),
            'z' => {
                let o = t.offset_secs;
                let sign = if o < 0 { '-' } else { '+' };
                format!("{sign}{:02}{:02}", o.unsigned_abs() / 3600, o.unsigned_abs() / 60 % 60)
            }
            'Z' => {
                if t.offset_secs == 0 {
                    "UTC".to_string()
                } else {
                    let o = t.offset_secs;
                    let sign = if o < 0 { '-' } else { '+' };
                    format!("{sign}{:02}{:02}", o.unsigned_abs() / 3600, o.unsigned_abs() / 60 % 60)
                }
            }
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{compile, format as format_with, parse as parse_with};
    use crate::value::Time;

    fn parse(layout: &str, value: &str) -> Result<Time, String> {
        parse_with(&compile(layout).expect("the layout compiles"), value)
    }

    fn format(layout: &str, t: Time) -> String {
        format_with(&compile(layout).expect("the layout compiles"), t)
    }

    #[test]
    fn parses_and_formats() {
        let t = parse("%Y-%m-%dT%H:%M:%S.%f%z", "2023-04-05T06:07:08.123456+0200").expect("parses");
        assert_eq!(t.offset_secs, 7200);
        assert_eq!(format("%Y-%m-%d %H:%M:%S.%f %z", t), "2023-04-05 06:07:08.123456 +0200");
        assert_eq!(format("%a %b %e %I%p %j", t), "Wed Apr  5 06AM 095");
        let minutes = parse("%M", "10").expect("parses");
        assert_eq!(format("%Y-%m-%d %H:%M", minutes), "0000-01-01 00:10");
        assert!(parse("%d", "32").is_err());
        assert!(parse("%M", "1").is_err(), "minutes are two digits");
        assert_eq!(parse("%H", "7").expect("one-digit hour").secs.rem_euclid(86_400), 7 * 3600);
    }
}
