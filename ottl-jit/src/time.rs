//! Calendar arithmetic for `time.Time` values (proleptic Gregorian, as Go's `time` package).

use std::fmt::Write;

use crate::value::Time;

/// Days since 1970-01-01 → (year, month, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The calendar fields of a time in its own zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub nanosecond: i64,
    /// 0 is Sunday, as Go's `time.Weekday`.
    pub weekday: i64,
}

/// Splits a time into calendar fields.
pub fn parts(t: Time) -> Parts {
    let local = t.secs + i64::from(t.offset_secs);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    Parts {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
        nanosecond: i64::from(t.nanos),
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7),
    }
}

/// Seconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch.
const ZERO_TO_UNIX_SECS: i128 = 62_135_596_800;

/// `time.Time.Truncate(d)`: rounds down to a multiple of `d` since the zero time (`d <= 0`
/// returns the time unchanged).
pub fn truncate(t: Time, d: i64) -> Time {
    if d <= 0 {
        return t;
    }
    let since_zero = (i128::from(t.secs) + ZERO_TO_UNIX_SECS) * 1_000_000_000 + i128::from(t.nanos);
    let remainder = since_zero.rem_euclid(i128::from(d));
    t.add_duration(i64::try_from(-remainder).unwrap_or(0))
}

/// Go's `time.RFC3339Nano` layout: `2006-01-02T15:04:05.999999999Z07:00`.
pub fn rfc3339_nano(t: Time) -> String {
    let local = t.secs + i64::from(t.offset_secs);
    let nanos = t.nanos;
    let (y, mo, d) = civil(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let mut out =
        format!("{}-{mo:02}-{d:02}T{:02}:{:02}:{:02}", go_year(y), secs / 3600, secs / 60 % 60, secs % 60);
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    if t.offset_secs == 0 {
        out.push('Z');
    } else {
        let o = t.offset_secs.unsigned_abs();
        let sign = if t.offset_secs < 0 { '-' } else { '+' };
        let _ = write!(out, "{sign}{:02}:{:02}", o / 3600, o / 60 % 60);
    }
    out
}

/// Go's `2006`: at least four digits, a minus sign before a negative year (`-0001`).
pub fn go_year(year: i64) -> String {
    if year < 0 { format!("-{:04}", year.unsigned_abs()) } else { format!("{year:04}") }
}

/// `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`, the zone's name or, for
/// an offset without one, the offset again (`UTC` at offset zero).
pub fn go_string(t: Time) -> String {
    let p = parts(t);
    let mut out = format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        go_year(p.year),
        p.month,
        p.day,
        p.hour,
        p.minute,
        p.second
    );
    if t.nanos != 0 {
        let frac = format!("{:09}", t.nanos);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    let o = t.offset_secs.unsigned_abs() / 60;
    let sign = if t.offset_secs < 0 { '-' } else { '+' };
    let offset = format!("{sign}{:02}{:02}", o / 60, o % 60);
    let name = match t.zone.as_str() {
        "" if t.offset_secs == 0 => "UTC".to_string(),
        "" => offset.clone(),
        name => name.to_string(),
    };
    let _ = write!(out, " {offset} {name}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_as_go_writes_them() {
        // Printed by Go 1.19: time.Date(y, ...).Format("2006"), and the year in Time.String().
        for (year, want) in
            [(-1, "-0001"), (-12, "-0012"), (-2023, "-2023"), (0, "0000"), (5, "0005"), (12345, "12345")]
        {
            assert_eq!(go_year(year), want);
        }
    }

    #[test]
    fn formats_rfc3339_nano() {
        let t = |n, o| rfc3339_nano(Time { offset_secs: o, ..Time::from_unix_nanos(n) });
        assert_eq!(t(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(t(1_581_452_772_000_000_321, 0), "2020-02-11T20:26:12.000000321Z");
        assert_eq!(t(-1, 0), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(t(0, 3600), "1970-01-01T01:00:00+01:00");
    }

    #[test]
    fn parts_and_truncation() {
        let t = Time::from_unix_nanos(1_581_452_772_000_000_321);
        let p = parts(t);
        assert_eq!((p.year, p.month, p.day, p.hour, p.minute, p.second), (2020, 2, 11, 20, 26, 12));
        assert_eq!((p.nanosecond, p.weekday), (321, 2), "2020-02-11 was a Tuesday");
        assert_eq!(truncate(t, 1_000_000_000).unix_nanos(), 1_581_452_772_000_000_000);
        assert_eq!(truncate(t, 7 * 3_600_000_000_000).unix_nanos() % 3_600_000_000_000, 0);
    }
}
