//! The strptime directives of `Time()` and `FormatTime()` (upstream's `timeutils`, which maps
//! each directive to a Go layout element and parses or formats with Go's `time` package). This
//! covers every directive of upstream's table: `%Y %y %m %o %q %d %e %g %H %I %l %M %S %f %L %s
//! %p %P %b %h %B %a %A %z %j %w %i %k %Z %D %x %F %T %X %r %R %c %n %t %%`, each as it maps it (`%z` is Go's `Z0700`,
//! `%j` its `-07:00`, `%f` its `999999`, fractional and trimmed after a `.` or `,`). Fields a
//! layout leaves out take Go's defaults: year 0, January 1, midnight, UTC.

use crate::value::{Time, ZoneName};

pub(crate) const MONTHS: [&str; 12] = [
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
pub(crate) const DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Expands the composite directives whose parsing and formatting are those of their parts.
/// (`%D` and `%x` stay whole: Go formats them with a four-digit year, and upstream's parser
/// takes a two- or a four-digit one.)
fn expand(layout: &str) -> String {
    layout
        .replace("%F", "%Y-%m-%d")
        .replace("%T", "%H:%M:%S")
        .replace("%X", "%H:%M:%S")
        .replace("%R", "%H:%M")
        .replace("%r", "%I:%M:%S %P")
        .replace("%c", "%a %b %d %H:%M:%S %Y")
        .replace("%n", "\n")
        .replace("%t", "\t")
}

/// A strptime layout, compiled once: literal text and directives, and the layout as written
/// (errors quote it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    text: String,
    pieces: Vec<Piece>,
    /// The layout as upstream's table writes it for Go (`%Y-%m-%d` is `2006-01-02`), which a
    /// localized value is translated against.
    go: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// A run of literal text between directives (Go matches it as one chunk).
    Literal(String),
    Directive(char),
}

/// Compiles a layout; an unsupported directive is an error (reported when the call compiles).
pub fn compile(layout: &str) -> Result<Layout, String> {
    let expanded = expand(layout);
    let mut pieces: Vec<Piece> = Vec::with_capacity(expanded.len());
    let literal = |pieces: &mut Vec<Piece>, c: char| match pieces.last_mut() {
        Some(Piece::Literal(text)) => text.push(c),
        _ => pieces.push(Piece::Literal(c.to_string())),
    };
    let mut chars = expanded.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal(&mut pieces, c);
            continue;
        }
        match chars.next() {
            Some(
                d @ ('Y' | 'y' | 'm' | 'o' | 'q' | 'd' | 'e' | 'g' | 'H' | 'I' | 'l' | 'M' | 'S' | 'f' | 'L'
                | 's' | 'p' | 'P' | 'b' | 'h' | 'B' | 'a' | 'A' | 'j' | 'z' | 'w' | 'i' | 'k' | 'Z'
                | 'D' | 'x'),
            ) => pieces.push(Piece::Directive(d)),
            Some('%') => literal(&mut pieces, '%'),
            // Upstream's table has no other directive.
            Some(d) => return Err(format!("unsupported strptime directive %{d}")),
            None => return Err("a time layout cannot end with %".into()),
        }
    }
    let go = pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(text) => text.as_str(),
            Piece::Directive(d) => crate::localized::go_element(*d),
        })
        .collect();
    Ok(Layout { text: layout.to_string(), pieces, go })
}

impl Layout {
    /// The layout as Go writes it.
    pub fn go(&self) -> &str {
        &self.go
    }
}

struct Parser<'a> {
    s: &'a str,
    value: &'a str,
    layout: &'a str,
    /// The layout element being matched, for errors.
    elem: Elem<'a>,
}

#[derive(Clone, Copy)]
enum Elem<'a> {
    Directive(char),
    Literal(&'a str),
}

impl Parser<'_> {
    /// Upstream's error: the value, the layout, the text left and the element it failed on.
    fn fail(&self) -> String {
        let elem = match self.elem {
            Elem::Directive(d) => format!("%{d}"),
            Elem::Literal(l) => l.to_string(),
        };
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            crate::go::quote(self.s),
            crate::go::quote(self.layout),
            crate::go::quote(self.value),
            crate::go::quote(&elem)
        )
    }

    /// Go's `skip`: the literal must come next, a run of spaces in it matching any run of
    /// spaces in the value.
    fn literal(&mut self, lit: &str) -> Result<(), String> {
        let (mut prefix, mut value) = (lit, self.value);
        while let Some(c) = prefix.chars().next() {
            if c == ' ' {
                if value.chars().next().is_some_and(|v| v != ' ') {
                    return Err(self.fail());
                }
                prefix = prefix.trim_start_matches(' ');
                value = value.trim_start_matches(' ');
                continue;
            }
            match value.strip_prefix(c) {
                Some(rest) => value = rest,
                None => return Err(self.fail()),
            }
            prefix = &prefix[c.len_utf8()..];
        }
        self.value = value;
        Ok(())
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
            // Compared as bytes: the names are ASCII, the value need not be.
            if self.value.as_bytes().get(..w.len()).is_some_and(|v| v.eq_ignore_ascii_case(w.as_bytes())) {
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
    /// `%Z` read `UTC` (which wins over everything, as in Go).
    utc: bool,
    /// Another zone abbreviation `%Z` read (`EST`, `GMT+3`), by byte range of the value.
    zone: Option<(usize, usize)>,
    pm: Option<bool>,
}

/// Parses `value` with a compiled layout, in UTC unless the text has an offset.
#[cfg(test)]
fn parse(layout: &Layout, value: &str) -> Result<Time, String> {
    parse_in(layout, value, None)
}

/// Parses `value` with a compiled layout; a wall clock without an offset is read in `zone`
/// (Go's `time.ParseInLocation`: a skipped time moves forward, a repeated one takes the first).
pub fn parse_in(layout: &Layout, value: &str, zone: Option<&jiff::tz::TimeZone>) -> Result<Time, String> {
    let mut p = Parser { s: value, value, layout: &layout.text, elem: Elem::Literal("") };
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
        utc: false,
        zone: None,
        pm: None,
    };
    for piece in &layout.pieces {
        match piece {
            Piece::Directive(d) => {
                p.elem = Elem::Directive(*d);
                directive(*d, &mut p, &mut f)?;
            }
            Piece::Literal(text) => {
                p.elem = Elem::Literal(text);
                p.literal(text)?;
            }
        }
    }
    if !p.value.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            crate::go::quote(value),
            crate::go::quote(p.value)
        ));
    }
    let unplaceable =
        || format!("parsing time {}: cannot place it in the time zone", crate::go::quote(value));
    // The zone's name, as Go's `Location` gives it to `%Z` later: a location's abbreviation at
    // that instant when the time is in it, the abbreviation `%Z` read, none for a bare offset.
    let mut name = None;
    if f.utc {
        f.offset = 0;
    } else if f.has_offset {
        // `%z` wins over a `%Z` abbreviation; the location still names the offset when it is
        // its own at that instant.
        if let Some(zone) = zone
            && zone_offset(zone, &f) == Some(f.offset)
        {
            name = Some(zone);
        }
    } else if let Some((start, end)) = f.zone {
        f.offset = abbreviation_offset(&value[start..end], zone, &f)?;
        let mut t = finish(value, &f)?;
        t.zone = ZoneName::new(&value[start..end]);
        return Ok(t);
    } else if let Some(zone) = zone {
        f.offset = zone_offset(zone, &f).ok_or_else(unplaceable)?;
        name = Some(zone);
    }
    let mut t = finish(value, &f)?;
    if let Some(zone) = name
        && let Ok(instant) = jiff::Timestamp::new(t.secs, 0)
    {
        t.zone = ZoneName::new(zone.to_offset_info(instant).abbreviation());
    }
    Ok(t)
}

/// The offset a zone abbreviation read by `%Z` stands for: the location's own zone of that
/// name (Go's `lookupName`), else `GMT+h`'s hours, else zero; and when that leaves zero for a
/// name other than `UTC`, upstream loads the IANA zone of that name (`EST`, `MST`, `HST`,
/// `GMT`...) and reads the abbreviation there, failing when there is none.
fn abbreviation_offset(name: &str, zone: Option<&jiff::tz::TimeZone>, f: &Fields) -> Result<i64, String> {
    let utc = jiff::tz::TimeZone::UTC;
    let civil = civil_seconds(f);
    let in_zone = |tz: &jiff::tz::TimeZone| {
        lookup_name(tz, name, civil).or_else(|| {
            let hours =
                name.strip_prefix("GMT").filter(|h| !h.is_empty()).and_then(|h| h.parse::<i64>().ok());
            hours.map(|h| h * 3600)
        })
    };
    let offset = in_zone(zone.unwrap_or(&utc)).unwrap_or(0);
    if offset != 0 {
        return Ok(offset);
    }
    match jiff::tz::TimeZone::get(name) {
        Ok(tz) => Ok(in_zone(&tz).unwrap_or(0)),
        Err(_) => Err(format!("failed to load location {name}: unknown time zone {name}")),
    }
}

/// The parsed wall clock as seconds since the epoch, read as if it were UTC.
fn civil_seconds(f: &Fields) -> i64 {
    let hour = match (f.pm, f.hour) {
        (Some(true), h) if h < 12 => h + 12,
        (Some(false), 12) => 0,
        (_, h) => h,
    };
    let days = days_from_civil(f.year, f.month, f.day);
    days * 86_400 + hour * 3600 + f.minute * 60 + f.second
}

/// Go's `Location.lookupName`: the offset of a zone of the location called `name`, preferring
/// one in effect at the wall clock `civil`.
fn lookup_name(tz: &jiff::tz::TimeZone, name: &str, civil: i64) -> Option<i64> {
    let at = |secs: i64| jiff::Timestamp::from_second(secs).ok().map(|ts| tz.to_offset_info(ts));
    // The zones the location has had: the one now, and those of its transitions nearby.
    let mut zones: Vec<i64> = Vec::new();
    if let Some(info) = at(civil)
        && info.abbreviation() == name
    {
        zones.push(i64::from(info.offset().seconds()));
    }
    if let Ok(ts) = jiff::Timestamp::from_second(civil) {
        for t in tz.preceding(ts).take(64).chain(tz.following(ts).take(64)) {
            if t.abbreviation() == name {
                zones.push(i64::from(t.offset().seconds()));
            }
        }
    }
    zones
        .iter()
        .copied()
        .find(|&offset| at(civil - offset).is_some_and(|info| info.abbreviation() == name))
        .or_else(|| zones.first().copied())
}

/// The zone's offset at the parsed wall clock (before `finish` validates it: an invalid date
/// has no offset and gets the error `finish` gives).
fn zone_offset(zone: &jiff::tz::TimeZone, f: &Fields) -> Option<i64> {
    let hour = match (f.pm, f.hour) {
        (Some(true), h) if h < 12 => h + 12,
        (Some(false), 12) => 0,
        (_, h) => h,
    };
    let date = jiff::civil::Date::new(
        i16::try_from(f.year).ok()?,
        i8::try_from(f.month).ok()?,
        i8::try_from(f.day).ok()?,
    )
    .ok()?;
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
        // Go's `1` and `_1` read a month of one or two digits (upstream's parser drops the `_`).
        'o' | 'q' => f.month = p.num(2, false)?,
        'd' => f.day = p.num(2, true)?,
        'g' => f.day = p.num(2, false)?,
        // Go's `01/02/2006`, and upstream's second try `01/02/06`.
        'D' | 'x' => short_date(p, f)?,
        'e' => {
            if let Some(rest) = p.value.strip_prefix(' ') {
                p.value = rest;
            }
            f.day = p.num(2, false)?;
        }
        'H' => f.hour = p.num(2, false)?,
        'I' => f.hour = p.num(2, true)?,
        'l' => f.hour = p.num(2, false)?,
        'M' => f.minute = p.num(2, true)?,
        'S' => f.second = p.num(2, true)?,
        'f' | 'L' | 's' => {
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
        // Go's `pm` reads only lowercase.
        'P' => {
            f.pm = match p.value.get(..2) {
                Some("am") => Some(false),
                Some("pm") => Some(true),
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
        'j' | 'i' | 'w' | 'k' | 'z' => zone_offset_directive(d, p, f)?,
        'Z' => {
            if let Some(rest) = p.value.strip_prefix("UTC") {
                p.value = rest;
                f.utc = true;
            } else {
                let len = zone_len(p.value).ok_or_else(|| p.fail())?;
                let start = p.s.len() - p.value.len();
                f.zone = Some((start, start + len));
                p.value = &p.value[len..];
            }
        }
        _ => p.value = p.value.strip_prefix('%').ok_or_else(|| p.fail())?,
    }
    Ok(())
}

/// Go's `01/02/2006` for `%D` and `%x`, and upstream's second try `01/02/06`.
fn short_date(p: &mut Parser<'_>, f: &mut Fields) -> Result<(), String> {
    f.month = p.num(2, false)?;
    p.literal("/")?;
    f.day = p.num(2, false)?;
    p.literal("/")?;
    let digits = p.value.bytes().take(4).take_while(u8::is_ascii_digit).count();
    f.year = if digits == 4 {
        p.num(4, true)?
    } else {
        let y = p.num(2, true)?;
        if y >= 69 { 1900 + y } else { 2000 + y }
    };
    Ok(())
}

/// The numeric offsets: `%z` (Go's `Z0700`; upstream's parser also tries `Z07:00` and `Z07`),
/// `%j` (Go's `-07:00` in upstream's table: an offset, not the day of the year), `%i` (`-07`),
/// `%w` (`-070000`) and `%k` (`-07:00:00`).
fn zone_offset_directive(d: char, p: &mut Parser<'_>, f: &mut Fields) -> Result<(), String> {
    if d == 'z'
        && let Some(rest) = p.value.strip_prefix('Z')
    {
        p.value = rest;
    } else {
        let form = match d {
            'j' => OffsetForm::Colon,
            'i' => OffsetForm::Hours,
            'w' => OffsetForm::Seconds,
            'k' => OffsetForm::ColonSeconds,
            _ => OffsetForm::Any,
        };
        f.offset = offset(p, form)?;
    }
    f.has_offset = true;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OffsetForm {
    /// `±hh:mm` only.
    Colon,
    /// `±hhmm`, `±hh:mm` or `±hh`.
    Any,
    /// `±hh`.
    Hours,
    /// `±hhmmss`.
    Seconds,
    /// `±hh:mm:ss`.
    ColonSeconds,
}

/// A numeric UTC offset at the start of the value, in seconds.
fn offset(p: &mut Parser<'_>, form: OffsetForm) -> Result<i64, String> {
    let sign = match p.value.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(p.fail()),
    };
    p.value = &p.value[1..];
    let hh = p.num(2, true)?;
    let (mm, ss) = match form {
        OffsetForm::Hours => (0, 0),
        OffsetForm::Seconds => (p.num(2, true)?, p.num(2, true)?),
        OffsetForm::ColonSeconds => {
            p.literal(":")?;
            let mm = p.num(2, true)?;
            p.literal(":")?;
            (mm, p.num(2, true)?)
        }
        OffsetForm::Colon | OffsetForm::Any => match p.value.as_bytes().first() {
            Some(b':') => {
                p.value = &p.value[1..];
                (p.num(2, true)?, 0)
            }
            Some(b) if b.is_ascii_digit() && form == OffsetForm::Any => (p.num(2, true)?, 0),
            _ if form == OffsetForm::Any => (0, 0),
            _ => return Err(p.fail()),
        },
    };
    Ok(sign * (hh * 3600 + mm * 60 + ss))
}

/// Go's `parseTimeZone`: how long the zone abbreviation at the start of `v` is.
fn zone_len(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if v.starts_with("ChST") || v.starts_with("MeST") {
        return Some(4);
    }
    if let Some(hours) = v.strip_prefix("GMT") {
        return Some(3 + signed_offset_len(hours));
    }
    if matches!(b[0], b'+' | b'-') {
        return Some(signed_offset_len(v)).filter(|&n| n > 0);
    }
    let upper = b.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        3 => Some(3),
        4 if b[3] == b'T' || v.starts_with("WITA") => Some(4),
        5 if b[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: a sign and up to an hour's digits (at most 23), or nothing.
fn signed_offset_len(v: &str) -> usize {
    let Some(digits) = v.strip_prefix(['+', '-']) else { return 0 };
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    match digits[..n].parse::<u64>() {
        Ok(h) if n > 0 && h <= 23 => 1 + n,
        _ => 0,
    }
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
    let days = days_from_civil(f.year, f.month, f.day);
    let local = days * 86_400 + hour * 3600 + f.minute * 60 + f.second;
    Ok(Time {
        secs: local - f.offset,
        nanos: u32::try_from(f.nanos).unwrap_or(0),
        offset_secs: i32::try_from(f.offset).unwrap_or(0),
        zone: ZoneName::default(),
    })
}

/// Formats a time with a compiled layout, in the time's own zone.
pub fn format(layout: &Layout, t: Time) -> String {
    let p = crate::time::parts(t);
    let mut out = String::with_capacity(32);
    for piece in &layout.pieces {
        let d = match piece {
            Piece::Literal(text) => {
                out.push_str(text);
                continue;
            }
            Piece::Directive(d) => *d,
        };
        // The common numeric fields are written in place (the others build a piece first).
        let padded = match d {
            'Y' if (0..10_000).contains(&p.year) => Some((p.year.unsigned_abs(), 4)),
            'm' => Some((u64::from(p.month), 2)),
            'd' => Some((u64::from(p.day), 2)),
            'H' => Some((p.hour.unsigned_abs(), 2)),
            'M' => Some((p.minute.unsigned_abs(), 2)),
            'S' => Some((p.second.unsigned_abs(), 2)),
            _ => None,
        };
        if let Some((n, width)) = padded {
            push_padded(&mut out, n, width);
            continue;
        }
        let month = usize::try_from(p.month).unwrap_or(1).clamp(1, 12) - 1;
        let weekday = usize::try_from(p.weekday).unwrap_or(0) % 7;
        let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
        let piece = match d {
            // `m`, `d`, `H`, `M`, `S` and a year of four digits were written above.
            'Y' => crate::time::go_year(p.year),
            // Go's `06`: the last two digits of the year without its sign.
            'y' => format!("{:02}", p.year.unsigned_abs() % 100),
            'o' => format!("_{}", p.month),
            'q' => p.month.to_string(),
            'g' => p.day.to_string(),
            'D' | 'x' => format!("{:02}/{:02}/{}", p.month, p.day, crate::time::go_year(p.year)),
            'e' => format!("{:>2}", p.day),
            'I' => format!("{h12:02}"),
            'l' => h12.to_string(),
            'f' | 'L' | 's' => {
                // Go's `.999999` (`.999`, `.999999999`): trailing zeros go, and the separator
                // with them when nothing is left.
                let digits = match d {
                    'L' => format!("{:03}", p.nanosecond / 1_000_000),
                    'f' => format!("{:06}", p.nanosecond / 1000),
                    _ => format!("{:09}", p.nanosecond),
                };
                match out.chars().last() {
                    Some('.' | ',') => {
                        let trimmed = digits.trim_end_matches('0');
                        if trimmed.is_empty() {
                            out.pop();
                        }
                        trimmed.to_string()
                    }
                    _ => digits,
                }
            }
            'p' => (if p.hour < 12 { "AM" } else { "PM" }).to_string(),
            'P' => (if p.hour < 12 { "am" } else { "pm" }).to_string(),
            'b' | 'h' => MONTHS[month][..3].to_string(),
            'B' => MONTHS[month].to_string(),
            'a' => DAYS[weekday][..3].to_string(),
            'A' => DAYS[weekday].to_string(),
            // Go's `Z0700` (`Z` in UTC) and `-07:00`.
            'z' if t.offset_secs == 0 => "Z".to_string(),
            'z' | 'j' | 'i' | 'w' | 'k' => {
                let o = t.offset_secs;
                let sign = if o < 0 { '-' } else { '+' };
                let (hours, minutes, seconds) =
                    (o.unsigned_abs() / 3600, o.unsigned_abs() / 60 % 60, o.unsigned_abs() % 60);
                match d {
                    'i' => format!("{sign}{hours:02}"),
                    'w' => format!("{sign}{hours:02}{minutes:02}{seconds:02}"),
                    'k' => format!("{sign}{hours:02}:{minutes:02}:{seconds:02}"),
                    'j' => format!("{sign}{hours:02}:{minutes:02}"),
                    _ => format!("{sign}{hours:02}{minutes:02}"),
                }
            }
            'Z' if !t.zone.as_str().is_empty() => t.zone.as_str().to_string(),
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

/// `n` in decimal, zero-padded to `width` digits (`{n:0width$}` without a formatter).
fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = at.min(digits.len() - width.min(digits.len()));
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
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

    /// The directives `ottl check` accepts are exactly those this module compiles.
    #[test]
    fn implements_the_table_ottl_check_accepts() {
        for d in ottl_types::check::TIME_DIRECTIVES.chars() {
            assert!(compile(&format!("%{d}")).is_ok(), "%{d} is in upstream's table");
        }
        for d in ('a'..='z').chain('A'..='Z').filter(|d| !ottl_types::check::TIME_DIRECTIVES.contains(*d)) {
            assert!(compile(&format!("%{d}")).is_err(), "%{d} is not in upstream's table");
        }
    }

    #[test]
    fn padded_numbers_are_rusts_zero_padding() {
        for n in [0, 1, 9, 10, 59, 99, 100, 999, 1000, 2024, 9999, 10_000, 123_456, u64::MAX] {
            for width in [2, 4] {
                let mut out = String::from("x");
                super::push_padded(&mut out, n, width);
                assert_eq!(out, format!("x{n:0width$}"), "{n} to {width}");
            }
        }
    }

    #[test]
    fn parses_and_formats() {
        let t = parse("%Y-%m-%dT%H:%M:%S.%f%z", "2023-04-05T06:07:08.123456+0200").expect("parses");
        assert_eq!(t.offset_secs, 7200);
        assert_eq!(format("%Y-%m-%d %H:%M:%S.%f %z", t), "2023-04-05 06:07:08.123456 +0200");
        // `%j` is an offset in upstream's table, not the day of the year.
        assert_eq!(format("%a %b %e %I%p %j", t), "Wed Apr  5 06AM +02:00");
        let minutes = parse("%M", "10").expect("parses");
        assert_eq!(format("%Y-%m-%d %H:%M", minutes), "0000-01-01 00:10");
        assert!(parse("%d", "32").is_err());
        assert!(parse("%M", "1").is_err(), "minutes are two digits");
        assert_eq!(parse("%H", "7").expect("one-digit hour").secs.rem_euclid(86_400), 7 * 3600);
    }
}
