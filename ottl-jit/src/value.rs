//! Run-time values, as upstream's getters produce them (`pkg/ottl/contexts/internal/ottlcommon`:
//! `GetValue`): Go scalars, maps and slices of the record, times, durations and ids.
//!
//! Reads borrow from the record: a string attribute is `Str(Cow::Borrowed)`, an attribute map is
//! `Map(Cow::Borrowed)`; nothing is cloned to compare or look up. Values built at run time (a
//! map literal, a converter's result) own their data.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

/// A Go `time.Time`: seconds since the Unix epoch, the nanosecond within that second, the
/// zone's offset from UTC and the zone's name. Seconds and nanoseconds are separate, as in Go,
/// so years far from 1970 (`Time("10", "%M")` is in year 0) are representable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    pub secs: i64,
    /// Always in `0..1_000_000_000`.
    pub nanos: u32,
    pub offset_secs: i32,
    /// What `%Z` prints: the abbreviation of the location the time was read in (`EST`), or
    /// the one `%Z` read; empty for UTC and for a bare offset read with `%z`.
    pub zone: ZoneName,
}

/// A zone abbreviation (`EST`, `CEST`, `-03`), kept inline so that [`Time`] stays `Copy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZoneName {
    len: u8,
    bytes: [u8; 7],
}

impl ZoneName {
    /// The name, or no name when it is longer than any abbreviation in the tz database.
    pub fn new(name: &str) -> ZoneName {
        let mut bytes = [0; 7];
        match bytes.get_mut(..name.len()) {
            Some(prefix) => {
                prefix.copy_from_slice(name.as_bytes());
                ZoneName { len: u8::try_from(name.len()).unwrap_or(0), bytes }
            }
            None => ZoneName::default(),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

const NANOS_PER_SEC: i64 = 1_000_000_000;

impl Time {
    /// `time.Unix(0, n).UTC()`.
    pub fn from_unix_nanos(n: i64) -> Time {
        let nanos = u32::try_from(n.rem_euclid(NANOS_PER_SEC)).unwrap_or(0);
        Time { secs: n.div_euclid(NANOS_PER_SEC), nanos, offset_secs: 0, zone: ZoneName::default() }
    }

    /// `t.UnixNano()`: wraps outside the years 1678–2262, as Go's does.
    pub fn unix_nanos(self) -> i64 {
        self.secs.wrapping_mul(NANOS_PER_SEC).wrapping_add(i64::from(self.nanos))
    }

    /// `t.Add(d)`.
    #[must_use]
    pub fn add_duration(self, d: i64) -> Time {
        let total = i128::from(self.nanos) + i128::from(d % NANOS_PER_SEC);
        let carry = i64::try_from(total.div_euclid(i128::from(NANOS_PER_SEC))).unwrap_or(0);
        let nanos = u32::try_from(total.rem_euclid(i128::from(NANOS_PER_SEC))).unwrap_or(0);
        Time { secs: self.secs.wrapping_add(d / NANOS_PER_SEC).wrapping_add(carry), nanos, ..self }
    }

    /// `t.Sub(u)`: saturates at the duration range, as Go's does.
    pub fn since(self, u: Time) -> i64 {
        let d = (i128::from(self.secs) - i128::from(u.secs)) * i128::from(NANOS_PER_SEC)
            + (i128::from(self.nanos) - i128::from(u.nanos));
        i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
    }

    /// The instant, for ordering (the zone does not matter).
    pub fn instant(self) -> (i64, u32) {
        (self.secs, self.nanos)
    }
}

/// One value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
    /// A `pcommon.Map`: attributes, a map body, a map literal, a converter's map.
    Map(Cow<'a, [KeyValue]>),
    /// A `pcommon.Slice`: a slice attribute or body.
    Slice(Cow<'a, [AnyValue]>),
    /// A Go `[]any`: a list literal or a converter's list result.
    List(Vec<Value<'a>>),
    Time(Time),
    /// A Go `time.Duration`, in nanoseconds.
    Duration(i64),
    TraceId(Id<16>),
    SpanId(Id<8>),
}

/// A trace or span id's bytes, aligned as the other payloads of [`Value`] are, so that moving a
/// value copies whole words (a byte-aligned array would sit at offset 1 and every move of any
/// value would be split into odd-sized pieces that stall store forwarding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(8))]
pub struct Id<const N: usize>(pub [u8; N]);

impl<const N: usize> std::ops::Deref for Id<N> {
    type Target = [u8; N];
    fn deref(&self) -> &[u8; N] {
        &self.0
    }
}

impl<'a> Value<'a> {
    /// Upstream's `GetValue` on a `pcommon.Value`: an empty value is nil.
    pub fn from_any(v: &'a AnyValue) -> Value<'a> {
        match &v.value {
            None => Value::Nil,
            Some(any_value::Value::StringValue(s)) => Value::Str(Cow::Borrowed(s)),
            Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
            Some(any_value::Value::IntValue(i)) => Value::Int(*i),
            Some(any_value::Value::DoubleValue(f)) => Value::Float(*f),
            Some(any_value::Value::BytesValue(b)) => Value::Bytes(Cow::Borrowed(b)),
            Some(any_value::Value::ArrayValue(a)) => Value::Slice(Cow::Borrowed(&a.values)),
            Some(any_value::Value::KvlistValue(m)) => Value::Map(Cow::Borrowed(&m.values)),
            // A reference into a profile's string table: only the profile dictionary can resolve it.
            Some(any_value::Value::StringValueStrindex(_)) => Value::Nil,
        }
    }

    /// A view of the value borrowing from `self` (a literal read without copying).
    pub fn reborrow(&self) -> Value<'_> {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Str(Cow::Borrowed(s)),
            Value::Bytes(b) => Value::Bytes(Cow::Borrowed(b)),
            Value::Map(m) => Value::Map(Cow::Borrowed(m)),
            Value::Slice(s) => Value::Slice(Cow::Borrowed(s)),
            Value::List(l) => Value::List(l.iter().map(Value::reborrow).collect()),
            Value::Time(t) => Value::Time(*t),
            Value::Duration(d) => Value::Duration(*d),
            Value::TraceId(t) => Value::TraceId(*t),
            Value::SpanId(s) => Value::SpanId(*s),
        }
    }

    /// The owned form, for values that outlive the record they were read from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Bytes(b) => Value::Bytes(Cow::Owned(b.into_owned())),
            Value::Map(m) => Value::Map(Cow::Owned(m.into_owned())),
            Value::Slice(s) => Value::Slice(Cow::Owned(s.into_owned())),
            Value::List(l) => Value::List(l.into_iter().map(Value::into_owned).collect()),
            Value::Time(t) => Value::Time(t),
            Value::Duration(d) => Value::Duration(d),
            Value::TraceId(t) => Value::TraceId(t),
            Value::SpanId(s) => Value::SpanId(s),
        }
    }

    /// The Go type name upstream's messages use (`expected string but got int64`).
    pub fn go_type(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::Map(_) => "pcommon.Map",
            Value::Slice(_) => "pcommon.Slice",
            Value::List(_) => "[]interface {}",
            Value::Time(_) => "time.Time",
            Value::Duration(_) => "time.Duration",
            Value::TraceId(_) => "pcommon.TraceID",
            Value::SpanId(_) => "pcommon.SpanID",
        }
    }

    /// Upstream's `SetValue` conversion to a `pcommon.Value`; `None` for the types its setters
    /// silently ignore (times, durations, ids, nil).
    pub fn to_any(&self) -> Option<AnyValue> {
        let v = match self {
            Value::Str(s) => any_value::Value::StringValue(s.to_string()),
            Value::Bool(b) => any_value::Value::BoolValue(*b),
            Value::Int(i) => any_value::Value::IntValue(*i),
            Value::Float(f) => any_value::Value::DoubleValue(*f),
            Value::Bytes(b) => any_value::Value::BytesValue(b.to_vec()),
            Value::Map(m) => any_value::Value::KvlistValue(KeyValueList { values: m.to_vec() }),
            Value::Slice(s) => any_value::Value::ArrayValue(ArrayValue { values: s.to_vec() }),
            Value::List(items) => any_value::Value::ArrayValue(ArrayValue {
                values: items.iter().map(|i| i.to_any().unwrap_or_default()).collect(),
            }),
            Value::Nil | Value::Time(_) | Value::Duration(_) | Value::TraceId(_) | Value::SpanId(_) => {
                return None;
            }
        };
        Some(AnyValue { value: Some(v) })
    }

    /// [`Value::to_any`] for a value that is used up: what it owns (a converter's result)
    /// moves into the `AnyValue` instead of being copied; what it borrows is copied.
    pub fn into_any(self) -> Option<AnyValue> {
        let v = match self {
            Value::Str(s) => any_value::Value::StringValue(s.into_owned()),
            Value::Bytes(b) => any_value::Value::BytesValue(b.into_owned()),
            Value::Map(m) => any_value::Value::KvlistValue(KeyValueList { values: m.into_owned() }),
            Value::Slice(s) => any_value::Value::ArrayValue(ArrayValue { values: s.into_owned() }),
            Value::List(items) => any_value::Value::ArrayValue(ArrayValue {
                values: items.into_iter().map(|i| i.into_any().unwrap_or_default()).collect(),
            }),
            other => return other.to_any(),
        };
        Some(AnyValue { value: Some(v) })
    }
}

impl Value<'_> {
    /// How Go prints a time (RFC 3339), a duration (`1h2m3.5s`) or an id (hex); other values
    /// by their Go type (they have an `AnyValue` form to show instead).
    pub fn go_text(&self) -> String {
        match self {
            Value::Time(t) => crate::time::rfc3339_nano(*t),
            Value::Duration(d) => go_duration(*d),
            Value::TraceId(id) => crate::interp::args::hex(&id.0),
            Value::SpanId(id) => crate::interp::args::hex(&id.0),
            other => other.go_type().to_string(),
        }
    }
}

/// Go's `time.Duration.String()`.
fn go_duration(d: i64) -> String {
    let (sign, n) = if d < 0 { ("-", d.unsigned_abs()) } else { ("", d.unsigned_abs()) };
    if n == 0 {
        return "0s".into();
    }
    if n < 1_000_000_000 {
        let (unit, div) = if n < 1_000 {
            ("ns", 1)
        } else if n < 1_000_000 {
            ("\u{b5}s", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", trim_fraction(n, div));
    }
    let (h, rest) = (n / 3_600_000_000_000, n % 3_600_000_000_000);
    let (m, ns) = (rest / 60_000_000_000, rest % 60_000_000_000);
    let secs = trim_fraction(ns, 1_000_000_000);
    match (h, m) {
        (0, 0) => format!("{sign}{secs}s"),
        (0, m) => format!("{sign}{m}m{secs}s"),
        (h, m) => format!("{sign}{h}h{m}m{secs}s"),
    }
}

/// `n / div` with the fraction's trailing zeros dropped (`1.5`, `2`).
fn trim_fraction(n: u64, div: u64) -> String {
    let (whole, frac) = (n / div, n % div);
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let frac = format!("{frac:0width$}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// The value at `key` in a map (the first entry with the key, as `pcommon.Map.Get`).
pub fn map_get<'a>(map: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    map.iter().find(|kv| key_eq(&kv.key, key)).map(|kv| kv.value.as_ref().unwrap_or(&EMPTY))
}

/// Whether two map keys are equal: lengths first, inline in the caller's scan, since most keys
/// of a map differ from the one sought in length.
#[inline]
pub fn key_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && same_bytes(a.as_bytes(), b.as_bytes())
}

/// Whether two byte strings of the same length are equal, compared inline in words (attribute
/// keys are short: a `memcmp` call costs more than the compare, and a byte loop costs several
/// instructions per byte on the hottest path of every map lookup).
#[expect(clippy::inline_always, reason = "measured: a call per equal-length key costs more than the compare")]
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    match n {
        // Whole words, then the last word (which may overlap the one before).
        8.. => {
            let mut i = 0;
            while i + 8 < n {
                if word8(a, i) != word8(b, i) {
                    return false;
                }
                i += 8;
            }
            word8(a, n - 8) == word8(b, n - 8)
        }
        // The first and the last four bytes (overlapping below eight).
        4.. => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        // Up to three bytes: a loop is cheaper than the call `==` makes.
        _ => a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// The eight bytes of `s` from `at` (which the caller keeps in bounds) as one word.
#[inline]
fn word8(s: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

/// The four bytes of `s` from `at` (which the caller keeps in bounds) as one word.
#[inline]
fn word4(s: &[u8], at: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_ne_bytes(w)
}

static EMPTY: AnyValue = AnyValue { value: None };

#[cfg(test)]
mod tests {
    use super::key_eq;

    /// Every length to 20 bytes, equal and differing at each position, agrees with `==`.
    #[test]
    fn key_eq_is_string_equality() {
        for n in 0..=20 {
            let a: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            assert!(key_eq(&a, &a.clone()), "{a:?}");
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'#';
                let b = String::from_utf8(b).expect("ASCII");
                assert!(!key_eq(&a, &b), "{a:?} vs {b:?}");
            }
            assert!(!key_eq(&a, &format!("{a}x")), "{a:?} vs a longer key");
        }
    }
}
