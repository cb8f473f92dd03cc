//! `Format(format, vals)`: Go's `fmt.Sprintf` over the values, as Go's `fmt` package writes
//! them: flags `# 0 + - space`, width and precision (also `*` from the values), explicit
//! indexes (`%[2]d`), every verb Go has for `int64` (`v d b o O x X c q U`), `float64`
//! (`v b e E f F g G x X`), `string` and `[]byte` (`v s q x X`), `bool` (`v t`) and nil. A
//! verb that does not fit its value prints Go's `%!d(string=x)`, a missing value
//! `%!d(MISSING)`, extra values `%!(EXTRA type=value, ...)` — never an error, as upstream.
//!
//! The format is read once, when the statement compiles (`Compiled`); each record only finishes
//! what depends on its values (`*` widths, indexes that must fall among them).
//!
//! Times, durations and ids print as their `String` methods do. Maps and slices have no
//! faithful form (Go prints the pointers inside `pcommon.Map`); they print as JSON.

use std::borrow::Cow;
use std::fmt::Write;

use crate::go::{Digits, minus_dp};
use crate::interp::{CArg, CCall, CExpr, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let CArg::Format(format) = call.arg(0) else {
        return Err(Error::new("Format needs a literal format string"));
    };
    let values: Vec<Value<'_>> = match call.arg(1) {
        CArg::Value(CExpr::List(items)) => items.iter().map(|i| i.eval(rec)).collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(Value::Str(Cow::Owned(format.print(&values))))
}

/// Go's `fmt.Sprintf`.
#[cfg(test)]
fn sprintf(format: &str, values: &[Value<'_>]) -> String {
    Compiled::new(format).print(values)
}

/// A format string read once, as Go's `doPrintf` reads it: the text between directives, and
/// each directive's flags, indexes, width and precision, which only the values can finish (a
/// `*` takes its number from them, an index must fall among them).
#[derive(Debug)]
pub struct Compiled {
    pieces: Vec<Piece>,
    /// The format's length, a hint for the output's.
    len: usize,
}

#[derive(Debug)]
enum Piece {
    Text(Box<str>),
    Directive(Directive),
}

#[derive(Debug)]
struct Directive {
    /// The flags; width and precision are set when the directive runs.
    flags: Flags,
    /// `[n]` before the width.
    index: Option<Index>,
    width: Number,
    /// `.` and what follows it.
    precision: Option<Precision>,
    /// `[n]` right before the verb.
    verb_index: Option<Index>,
    /// An index followed by a number (`%[3]2d`, `%[3].2d`): a bad index, whatever the values.
    misplaced_index: bool,
    /// None when the format ends first: Go writes `%!(NOVERB)` and stops.
    verb: Option<char>,
}

#[derive(Debug)]
struct Precision {
    index: Option<Index>,
    number: Number,
}

#[derive(Debug, Clone, Copy)]
enum Number {
    /// `*`: the next value, which must be an int.
    Star,
    Literal(Option<usize>),
}

/// Go's `argNumber`: `[n]` selects value n-1 when it parsed and there is such a value.
#[derive(Debug, Clone, Copy)]
struct Index {
    parsed: Option<usize>,
}

impl Compiled {
    pub fn new(format: &str) -> Compiled {
        let b = format.as_bytes();
        let end = b.len();
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < end {
            let last = i;
            i = format[last..].find('%').map_or(end, |n| last + n);
            if i > last {
                pieces.push(Piece::Text(format[last..i].into()));
            }
            if i >= end {
                break;
            }
            i += 1; // the '%'
            let mut flags = Flags::default();
            while let Some(&c) = b.get(i) {
                match c {
                    b'#' => flags.sharp = true,
                    b'0' => flags.zero = !flags.minus, // zero padding only to the left
                    b'+' => flags.plus = true,
                    b'-' => {
                        flags.minus = true;
                        flags.zero = false;
                    }
                    b' ' => flags.space = true,
                    _ => break,
                }
                i += 1;
            }
            let mut misplaced_index = false;
            // An explicit index, then the width.
            let index = parse_index(b, &mut i);
            let mut after_index = index.is_some_and(|x| x.parsed.is_some());
            let width = if b.get(i) == Some(&b'*') {
                i += 1;
                after_index = false;
                Number::Star
            } else {
                let (n, next) = parse_number(b, i);
                i = next;
                misplaced_index |= after_index && n.is_some(); // "%[3]2d"
                Number::Literal(n)
            };
            // The precision.
            let mut precision = None;
            if i + 1 < end && b[i] == b'.' {
                i += 1;
                misplaced_index |= after_index; // "%[3].2d"
                let index = parse_index(b, &mut i);
                after_index = index.is_some_and(|x| x.parsed.is_some());
                let number = if b.get(i) == Some(&b'*') {
                    i += 1;
                    after_index = false;
                    Number::Star
                } else {
                    let (n, next) = parse_number(b, i);
                    i = next;
                    Number::Literal(Some(n.unwrap_or(0)))
                };
                precision = Some(Precision { index, number });
            }
            let verb_index = if after_index { None } else { parse_index(b, &mut i) };
            let verb = format[i.min(end)..].chars().next();
            i += verb.map_or(0, char::len_utf8);
            pieces.push(Piece::Directive(Directive {
                flags,
                index,
                width,
                precision,
                verb_index,
                misplaced_index,
                verb,
            }));
        }
        Compiled { pieces, len: format.len() }
    }

    /// The values printed as the format says.
    pub fn print(&self, values: &[Value<'_>]) -> String {
        let mut p = Printer { out: String::with_capacity(self.len + 16), f: Flags::default() };
        let mut at = Args { values, arg: 0, reordered: false };
        for piece in &self.pieces {
            let d = match piece {
                Piece::Text(text) => {
                    p.out.push_str(text);
                    continue;
                }
                Piece::Directive(d) => d,
            };
            let good_arg = at.spec(d, &mut p);
            let Some(verb) = d.verb else {
                p.out.push_str("%!(NOVERB)");
                break;
            };
            match verb {
                '%' => p.out.push('%'), // takes no value, ignores width and precision
                _ if !good_arg => {
                    let _ = write!(p.out, "%!{verb}(BADINDEX)");
                }
                _ if at.arg >= values.len() => {
                    let _ = write!(p.out, "%!{verb}(MISSING)");
                }
                _ => {
                    if verb == 'v' {
                        p.f.sharp_v = std::mem::take(&mut p.f.sharp);
                        p.f.plus = false;
                    }
                    p.print(&values[at.arg], verb);
                    at.arg += 1;
                }
            }
        }
        if !at.reordered && at.arg < values.len() {
            p.f = Flags::default();
            p.out.push_str("%!(EXTRA ");
            for (n, v) in values[at.arg..].iter().enumerate() {
                if n > 0 {
                    p.out.push_str(", ");
                }
                p.typed_value(v);
            }
            p.out.push(')');
        }
        p.out
    }
}

/// Go's `parseArgNumber` at `*i`, when a `[` is there: the index it names, if it parsed, and
/// `*i` moved past it.
fn parse_index(b: &[u8], i: &mut usize) -> Option<Index> {
    if b.get(*i) != Some(&b'[') {
        return None;
    }
    let rest = &b[*i..];
    let (parsed, width) = if rest.len() < 3 {
        (None, 1)
    } else {
        match rest.iter().position(|&c| c == b']') {
            Some(close) => match parse_number(rest, 1) {
                (Some(n), next) if next == close && n >= 1 => (Some(n - 1), close + 1),
                _ => (None, close + 1),
            },
            None => (None, 1),
        }
    };
    *i += width;
    Some(Index { parsed })
}

/// Which value comes next, and whether an explicit index was used (Go then reports no extra
/// values).
struct Args<'v, 'a> {
    values: &'v [Value<'a>],
    arg: usize,
    reordered: bool,
}

impl Args<'_, '_> {
    /// Sets a directive's flags, width and precision in `p.f`, taking `*` numbers from the
    /// values; whether the value index is good.
    fn spec(&mut self, d: &Directive, p: &mut Printer) -> bool {
        p.f = d.flags;
        let mut good = !d.misplaced_index;
        good &= self.index(d.index);
        match d.width {
            Number::Star => {
                match int_arg(self.values, self.arg) {
                    Some(w) => {
                        p.f.wid = usize::try_from(w.unsigned_abs()).ok();
                        if w < 0 {
                            p.f.minus = true;
                            p.f.zero = false;
                        }
                    }
                    None => p.out.push_str("%!(BADWIDTH)"),
                }
                self.arg += 1;
            }
            Number::Literal(n) => p.f.wid = n,
        }
        if let Some(precision) = &d.precision {
            good &= self.index(precision.index);
            match precision.number {
                Number::Star => {
                    // A negative precision is as bad as none.
                    match int_arg(self.values, self.arg).and_then(|n| usize::try_from(n).ok()) {
                        Some(n) => p.f.prec = Some(n),
                        None => p.out.push_str("%!(BADPREC)"),
                    }
                    self.arg += 1;
                }
                Number::Literal(n) => p.f.prec = n,
            }
        }
        good &= self.index(d.verb_index);
        good
    }

    /// An explicit index selects its value when there is one; whether it was good.
    fn index(&mut self, index: Option<Index>) -> bool {
        let Some(index) = index else { return true };
        self.reordered = true;
        match index.parsed {
            Some(n) if n < self.values.len() => {
                self.arg = n;
                true
            }
            _ => false,
        }
    }
}

/// Go's `parsenum`: the digits at `i`, or none; a number past a million is no number, and Go
/// then skips the rest of the format.
fn parse_number(b: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let mut n: Option<usize> = None;
    while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
        if n.is_some_and(|n| n > 1_000_000) {
            return (None, b.len());
        }
        n = Some(n.unwrap_or(0) * 10 + usize::from(d - b'0'));
        i += 1;
    }
    (n, i)
}

/// Go's `intFromArg`: a value used as `*` width or precision must be an int.
fn int_arg(values: &[Value<'_>], arg: usize) -> Option<i64> {
    match values.get(arg) {
        Some(Value::Int(n)) if n.unsigned_abs() <= 1_000_000 => Some(*n),
        _ => None,
    }
}

/// A verb's flags, width and precision.
#[derive(Debug, Default, Clone, Copy)]
#[expect(clippy::struct_excessive_bools, reason = "each flag is independent, as in Go's fmt")]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    /// `%#v`.
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

struct Printer {
    out: String,
    f: Flags,
}

impl Printer {
    /// Go's `printArg`.
    fn print(&mut self, v: &Value<'_>, verb: char) {
        if verb == 'T' {
            let name = if matches!(v, Value::Nil) { "<nil>" } else { v.go_type() };
            return self.pad_str(name);
        }
        match v {
            Value::Nil => match verb {
                'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(v, verb),
            },
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(v, verb),
            },
            Value::Int(n) => self.integer(*n, verb, v),
            Value::Float(x) => self.float(*x, verb, v),
            Value::Str(s) => self.string(s, verb, v),
            Value::Bytes(bytes) => self.bytes(bytes, verb),
            Value::Time(_) | Value::Duration(_) | Value::TraceId(_) | Value::SpanId(_) => {
                // Their `String` methods serve the verbs Go hands to a Stringer.
                if matches!(verb, 'v' | 's' | 'q' | 'x' | 'X') {
                    self.string(&stringer(v), verb, v);
                } else if let Value::Duration(d) = v {
                    self.integer(*d, verb, v);
                } else {
                    self.bad_verb(v, verb);
                }
            }
            Value::Map(_) | Value::Slice(_) | Value::List(_) => match verb {
                'v' | 's' => self.pad_str(&crate::json::marshal(v)),
                _ => self.bad_verb(v, verb),
            },
        }
    }

    /// Go's `badVerb`: `%!verb(type=value)`, the value printed with `%v` and the same flags.
    fn bad_verb(&mut self, v: &Value<'_>, verb: char) {
        let _ = write!(self.out, "%!{verb}(");
        self.typed_value(v);
        self.out.push(')');
    }

    /// `type=value` (the value with `%v` and the current flags), or `<nil>`, as Go writes a
    /// value in a bad-verb or extra-value note.
    fn typed_value(&mut self, v: &Value<'_>) {
        if matches!(v, Value::Nil) {
            self.out.push_str("<nil>");
        } else {
            self.out.push_str(v.go_type());
            self.out.push('=');
            self.print(v, 'v');
        }
    }

    fn padding(&mut self, n: usize) {
        let fill = if self.f.zero && !self.f.minus { '0' } else { ' ' };
        self.out.extend(std::iter::repeat_n(fill, n));
    }

    /// Go's `pad`: the width counted in runes, filled on the left (or right with `-`).
    fn pad_str(&mut self, s: &str) {
        let Some(wid) = self.f.wid.filter(|w| *w > 0) else {
            self.out.push_str(s);
            return;
        };
        let fill = wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.out.push_str(s);
            self.padding(fill);
        } else {
            self.padding(fill);
            self.out.push_str(s);
        }
    }

    /// `s` padded with spaces only (Go clears the zero flag for these).
    fn pad_spaces(&mut self, s: &str) {
        let zero = std::mem::take(&mut self.f.zero);
        self.pad_str(s);
        self.f.zero = zero;
    }

    fn integer(&mut self, n: i64, verb: char, v: &Value<'_>) {
        #[expect(clippy::cast_sign_loss, reason = "Go formats the int's bits as uint64 for %c, %q, %U")]
        let bits = n as u64;
        match verb {
            'v' | 'd' => self.int_digits(n, 10, false),
            'b' => self.int_digits(n, 2, false),
            'o' | 'O' => self.int_digits(n, 8, verb == 'O'),
            'x' => self.int_digits(n, 16, false),
            'X' => self.int_digits(n, -16, false),
            'c' => self.pad_spaces(&rune_of(bits).to_string()),
            'q' => {
                let c = rune_of(bits);
                let quoted = crate::go::quote_with(c.encode_utf8(&mut [0; 4]).as_bytes(), '\'', self.f.plus);
                self.pad_spaces(&quoted);
            }
            'U' => self.unicode(bits),
            _ => self.bad_verb(v, verb),
        }
    }

    /// Go's `fmtInteger`; a negative `base` writes uppercase hex.
    fn int_digits(&mut self, n: i64, base: i32, o_prefix: bool) {
        let upper = base < 0;
        let base = base.unsigned_abs();
        let negative = n < 0;
        let mut u = n.unsigned_abs();
        let mut prec = 0;
        if let Some(p) = self.f.prec {
            if p == 0 && u == 0 {
                let zero = std::mem::take(&mut self.f.zero);
                self.padding(self.f.wid.unwrap_or(0));
                self.f.zero = zero;
                return;
            }
            prec = p;
        } else if self.f.zero && !self.f.minus && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1); // room for the sign
            }
        }
        let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
        let mut buf: Vec<u8> = Vec::with_capacity(24 + prec);
        loop {
            buf.push(digits[(u % u64::from(base)) as usize]);
            u /= u64::from(base);
            if u == 0 {
                break;
            }
        }
        while buf.len() < prec {
            buf.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => buf.extend_from_slice(b"b0"),
                8 if buf.last() != Some(&b'0') => buf.push(b'0'),
                16 => buf.extend_from_slice(if upper { b"X0" } else { b"x0" }),
                _ => {}
            }
        }
        if o_prefix {
            buf.extend_from_slice(b"o0");
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        self.pad_spaces(&String::from_utf8_lossy(&buf));
    }

    /// Go's `fmtUnicode`: `U+0041`, with `#` also the quoted rune when printable.
    fn unicode(&mut self, u: u64) {
        let prec = self.f.prec.filter(|p| *p > 4).unwrap_or(4);
        let mut s = format!("U+{u:0prec$X}");
        if self.f.sharp
            && let Some(c) =
                u32::try_from(u).ok().and_then(char::from_u32).filter(|c| crate::go::is_print(*c))
        {
            let _ = write!(s, " '{c}'");
        }
        self.pad_spaces(&s);
    }

    fn float(&mut self, x: f64, verb: char, v: &Value<'_>) {
        let (conv, default_prec) = match verb {
            'v' => ('g', None),
            'b' | 'g' | 'G' | 'x' | 'X' => (verb, None),
            'f' | 'F' => ('f', Some(6)),
            'e' | 'E' => (verb, Some(6)),
            _ => return self.bad_verb(v, verb),
        };
        let prec = self.f.prec.or(default_prec);
        let mut num = format_float(x, conv, prec);
        // A sign first, as Go reserves one.
        if !num.starts_with(['-', '+']) {
            num.insert(0, '+');
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(..1, " ");
        }
        if num[1..].starts_with(['I', 'N']) {
            // Infinities and NaN are never zero padded; NaN shows a sign only when asked to.
            if num[1..].starts_with('N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            return self.pad_spaces(&num);
        }
        if self.f.sharp && verb != 'b' {
            num = sharp_float(&num, conv, self.f.prec);
        }
        if self.f.plus || !num.starts_with('+') {
            let len = num.chars().count();
            if self.f.zero
                && !self.f.minus
                && let Some(wid) = self.f.wid.filter(|w| *w > len)
            {
                // The sign goes before the zeros.
                self.out.push_str(&num[..1]);
                self.padding(wid - len);
                self.out.push_str(&num[1..]);
                return;
            }
            return self.pad_str(&num);
        }
        self.pad_str(&num[1..]);
    }

    fn string(&mut self, s: &str, verb: char, v: &Value<'_>) {
        match verb {
            'v' if self.f.sharp_v => self.quoted(s),
            'v' | 's' => {
                let s = self.truncate(s);
                self.pad_str(s);
            }
            'x' | 'X' => self.hex_bytes(s.as_bytes(), verb == 'X'),
            'q' => self.quoted(s),
            _ => self.bad_verb(v, verb),
        }
    }

    fn bytes(&mut self, b: &[u8], verb: char) {
        match verb {
            'v' if self.f.sharp_v => {
                self.out.push_str("[]byte{");
                for (n, byte) in b.iter().enumerate() {
                    if n > 0 {
                        self.out.push_str(", ");
                    }
                    let _ = write!(self.out, "{byte:#x}");
                }
                self.out.push('}');
            }
            's' => {
                let text = crate::go::lossy(b);
                let s = self.truncate(&text).to_string();
                self.pad_str(&s);
            }
            'x' | 'X' => self.hex_bytes(b, verb == 'X'),
            'q' => {
                let end = self.f.prec.map_or(b.len(), |p| p.min(b.len()));
                let q = crate::go::quote_with(&b[..end], '"', self.f.plus);
                self.pad_str(&q);
            }
            _ => {
                // Element by element, each a uint8.
                self.out.push('[');
                for (n, byte) in b.iter().enumerate() {
                    if n > 0 {
                        self.out.push(' ');
                    }
                    if matches!(verb, 'v' | 'd' | 'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'q' | 'U') {
                        self.integer(i64::from(*byte), verb, &Value::Nil);
                    } else {
                        let _ = write!(self.out, "%!{verb}(uint8=");
                        self.int_digits(i64::from(*byte), 10, false);
                        self.out.push(')');
                    }
                }
                self.out.push(']');
            }
        }
    }

    /// Go's `truncateString`: at most `prec` runes.
    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        match self.f.prec.and_then(|p| s.char_indices().nth(p)) {
            Some((at, _)) => &s[..at],
            None => s,
        }
    }

    /// Go's `fmtQ`: backquoted with `#` when it can be, ASCII-only with `+`.
    fn quoted(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        if self.f.sharp && can_backquote(&s) {
            return self.pad_str(&format!("`{s}`"));
        }
        let q = crate::go::quote_with(s.as_bytes(), '"', self.f.plus);
        self.pad_str(&q);
    }

    /// Go's `fmtSbx`: two hex digits a byte; `#` adds `0x`, space separates bytes.
    fn hex_bytes(&mut self, b: &[u8], upper: bool) {
        let length = self.f.prec.map_or(b.len(), |p| p.min(b.len()));
        let mut width = 2 * length;
        if width == 0 {
            if let Some(w) = self.f.wid {
                self.padding(w);
            }
            return;
        }
        if self.f.space {
            if self.f.sharp {
                width *= 2;
            }
            width += length - 1;
        } else if self.f.sharp {
            width += 2;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.padding(wid - width);
        }
        let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
        let prefix = if upper { "0X" } else { "0x" };
        if self.f.sharp {
            self.out.push_str(prefix);
        }
        for (n, byte) in b[..length].iter().enumerate() {
            if self.f.space && n > 0 {
                self.out.push(' ');
                if self.f.sharp {
                    self.out.push_str(prefix);
                }
            }
            self.out.push(char::from(digits[usize::from(byte >> 4)]));
            self.out.push(char::from(digits[usize::from(byte & 15)]));
        }
        if wid > width && self.f.minus {
            self.padding(wid - width);
        }
    }
}

/// What a time's, duration's or id's `String` method returns.
fn stringer(v: &Value<'_>) -> String {
    match v {
        Value::Time(t) => crate::time::go_string(*t),
        // An empty id's String is empty.
        Value::TraceId(id) if id.0 == [0; 16] => String::new(),
        Value::SpanId(id) if id.0 == [0; 8] => String::new(),
        other => other.go_text(),
    }
}

/// An int's bits as a rune, `U+FFFD` when they are none.
fn rune_of(bits: u64) -> char {
    u32::try_from(bits).ok().and_then(char::from_u32).unwrap_or('\u{fffd}')
}

/// `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '`' && c != '\u{7f}' && c != '\u{feff}' && (c >= ' ' || c == '\t'))
}

/// `strconv.FormatFloat(x, conv, prec, 64)`, `None` precision being the shortest (`-1`).
/// `conv` is one of `b e E f g G x X`.
fn format_float(x: f64, conv: char, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let a = x.abs();
    let body = match conv {
        'b' => binary_float(a),
        'x' | 'X' => hex_float(a, prec, conv == 'X'),
        'f' => {
            if let Some(p) = prec {
                format!("{a:.p$}")
            } else {
                let d = Digits::shortest(a);
                d.fixed(minus_dp(d.nd(), d.dp))
            }
        }
        'e' | 'E' => {
            let d = match prec {
                Some(p) => Digits::rounded(a, p + 1),
                None => Digits::shortest(a),
            };
            let p = prec.unwrap_or(d.nd().saturating_sub(1));
            d.exponent(p, conv == 'E')
        }
        _ => general(a, prec, conv == 'G'),
    };
    format!("{sign}{body}")
}

/// strconv's `%g`: `%e` when the exponent is below -4 or at least the precision (6 for the
/// shortest form), else `%f`, with trailing zeros dropped.
fn general(a: f64, prec: Option<usize>, upper: bool) -> String {
    let (d, mut p) = if let Some(p) = prec {
        let p = p.max(1);
        (Digits::rounded(a, p), p)
    } else {
        let d = Digits::shortest(a);
        let n = d.nd();
        (d, n)
    };
    let nd = d.nd();
    let mut eprec = p;
    if eprec > nd && i64::try_from(nd).unwrap_or(0) >= d.dp {
        eprec = nd;
    }
    if prec.is_none() {
        eprec = 6;
    }
    let exp = d.dp - 1;
    if exp < -4 || exp >= i64::try_from(eprec).unwrap_or(i64::MAX) {
        p = p.min(nd);
        return d.exponent(p.saturating_sub(1), upper);
    }
    if i64::try_from(p).unwrap_or(i64::MAX) > d.dp {
        p = nd;
    }
    d.fixed(minus_dp(p, d.dp))
}

/// A float's significand and exponent: `value = mant × 2^(exp - 52)`, as strconv reads them.
fn float_parts(a: f64) -> (u64, i64) {
    let bits = a.to_bits();
    let exp = i64::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let mant = bits & ((1 << 52) - 1);
    if exp == 0 { (mant, 1 - 1023) } else { (mant | 1 << 52, exp - 1023) }
}

/// strconv's `%b`: `4503599627370496p-52`.
fn binary_float(a: f64) -> String {
    let (mant, exp) = float_parts(a);
    let e = exp - 52;
    format!("{mant}p{}{}", if e >= 0 { "+" } else { "-" }, e.unsigned_abs())
}

/// strconv's `fmtX`: `0x1.8p+00`, the fraction rounded to `prec` hex digits when given.
fn hex_float(a: f64, prec: Option<usize>, upper: bool) -> String {
    let (mut mant, mut exp) = float_parts(a);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 8; // the leading 1 at bit 60
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|p| *p < 15) {
        let shift = u32::try_from(p * 4).unwrap_or(0);
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut out = String::from(if upper { "0X" } else { "0x" });
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    match prec {
        None if mant != 0 => {
            out.push('.');
            while mant != 0 {
                out.push(char::from(digits[usize::try_from((mant >> 60) & 15).unwrap_or(0)]));
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            out.push('.');
            for _ in 0..p {
                out.push(char::from(digits[usize::try_from((mant >> 60) & 15).unwrap_or(0)]));
                mant <<= 4;
            }
        }
        _ => {}
    }
    out.push(if upper { 'P' } else { 'p' });
    let _ = write!(out, "{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    out
}

/// Go's `#` flag on floats: a decimal point always; `%g` and `%x` keep trailing zeros up to
/// their precision (6 when none is given). `num` starts with its sign; `conv` is the verb as
/// strconv formats it (`g` for `%v`).
fn sharp_float(num: &str, conv: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match conv {
        'g' | 'G' | 'x' => i64::try_from(prec.unwrap_or(6)).unwrap_or(6),
        _ => 0,
    };
    let hex = matches!(conv, 'x' | 'X');
    let (mut mantissa, mut tail) = (num.to_string(), String::new());
    let mut has_point = false;
    let mut saw_nonzero = false;
    for (i, c) in num.char_indices().skip(1) {
        match c {
            '.' => has_point = true,
            'p' | 'P' => {
                (mantissa, tail) = (num[..i].to_string(), num[i..].to_string());
                break;
            }
            'e' | 'E' if !hex => {
                // %e and %f keep their digit count.
                (mantissa, tail) = (num[..i].to_string(), num[i..].to_string());
                break;
            }
            _ => {
                saw_nonzero |= c != '0';
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    if !has_point {
        // A lone leading 0 counts once.
        if mantissa.len() == 2 && mantissa.ends_with('0') {
            digits -= 1;
        }
        mantissa.push('.');
    }
    while digits > 0 {
        mantissa.push('0');
        digits -= 1;
    }
    mantissa + &tail
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::sprintf;
    use crate::value::Value;

    /// A value as the table writes it: `I:int64`, `F:float64`, `S:string`, `B:bool`, `N:`
    /// (nil), `X:hex bytes`.
    fn value(code: &str) -> Value<'_> {
        let (kind, text) = code.split_once(':').expect("a value code");
        match kind {
            "I" => Value::Int(text.parse().expect("an int")),
            "F" => Value::Float(crate::go::parse_float(text).expect("a float")),
            "S" => Value::Str(Cow::Borrowed(text)),
            "B" => Value::Bool(text == "true"),
            "N" => Value::Nil,
            "X" => Value::Bytes(Cow::Owned(
                (0..text.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
                    .collect(),
            )),
            other => panic!("unknown value kind {other}"),
        }
    }

    /// Every verb spec of `testdata/conformance/go_sprintf.tsv` on every value there, against
    /// what Go's `fmt.Sprintf` printed (`ottl-jit/tools/gen_sprintf.go`).
    #[test]
    fn agrees_with_go_sprintf() {
        let table =
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/conformance/go_sprintf.tsv"));
        assert!(table.contains("BADINDEX") && table.contains("EXTRA"), "multi-value cases are there");
        crate::conformance::check_rows(table, 2000, |line| {
            let [code, spec, want] = crate::conformance::fields(line);
            let want: String = crate::conformance::json(want);
            let values: Vec<Value<'_>> = code.split(',').map(value).collect();
            let got = sprintf(spec, &values);
            if got == want { Ok(()) } else { Err(format!("{code} {spec}: Go {want:?}, ours {got:?}")) }
        });
    }

    /// Random formats over the characters a spec is made of never panic.
    #[test]
    fn no_format_panics() {
        let alphabet: Vec<char> = "%#0+- 19.*[]vdsxXqfeEgGbcoOUtTä".chars().collect();
        let values = [
            Value::Int(-3),
            Value::Float(f64::NAN),
            Value::Str(Cow::Borrowed("é")),
            Value::Bytes(Cow::Borrowed(&[0xff, 1])),
            Value::Nil,
            Value::Float(1e300),
            Value::Int(i64::MIN),
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..50_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = usize::try_from(seed >> 60).unwrap_or(0);
            let format: String = (0..len)
                .map(|i| alphabet[usize::try_from((seed >> (i * 4)) & 31).unwrap_or(0) % alphabet.len()])
                .collect();
            let n = usize::try_from((seed >> 40) % 8).unwrap_or(0);
            let _ = sprintf(&format, &values[..n.min(values.len())]);
        }
    }

    #[test]
    fn formats_like_go() {
        let s = |t: &str| Value::Str(Cow::Owned(t.to_string()));
        assert_eq!(sprintf("%s-%d", &[s("a"), Value::Int(5)]), "a-5");
        assert_eq!(sprintf("%05d|%-4s|%4s", &[Value::Int(-42), s("ab"), s("cd")]), "-0042|ab  |  cd");
        assert_eq!(
            sprintf("%.2f %v %v", &[Value::Float(1.23456), Value::Float(1.5), Value::Float(1e21)]),
            "1.23 1.5 1e+21"
        );
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[s("x")]), "x %!s(MISSING)");
        assert_eq!(sprintf("%s", &[s("x"), Value::Int(1)]), "x%!(EXTRA int64=1)");
        assert_eq!(
            sprintf("100%% %x %q %t", &[Value::Int(255), s("a\"b"), Value::Bool(true)]),
            "100% ff \"a\\\"b\" true"
        );
        assert_eq!(sprintf("%e", &[Value::Float(1500.0)]), "1.500000e+03");
    }
}
