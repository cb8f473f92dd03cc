//! Calls and their arguments, with upstream's typed getters (`expression.go`): what each
//! parameter type accepts and how it coerces.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use ottl_types::functions::Signature;

use super::{CExpr, CKey, CPath, Error, keys};
use crate::funcs::Implementation;
use crate::json;
use crate::record::Record;
use crate::value::Value;

/// A compiled call: the implementation bound once, arguments in parameter order.
#[derive(Debug)]
pub struct CCall {
    pub sig: &'static Signature,
    pub implementation: Implementation,
    pub args: Vec<CArg>,
    /// Keys on a converter's result.
    pub keys: Vec<CKey>,
}

#[derive(Debug)]
pub enum CArg {
    Absent,
    Value(CExpr),
    Path(CPath),
    Str(Arc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Bytes(Arc<[u8]>),
    StrList(Vec<Arc<str>>),
    FloatList(Vec<f64>),
    Regex(Arc<ottl_types::pattern::Pattern>),
    /// A strptime layout (`Time`, `FormatTime`), compiled once.
    Layout(Arc<crate::strptime::Layout>),
    Function((&'static Signature, Implementation)),
    /// A decoding (`Decode`'s encoding), looked up once.
    Charset(crate::funcs::decode::Charset),
    /// A time zone (`Time`'s location), looked up once.
    TimeZone(Arc<jiff::tz::TimeZone>),
    /// A format string (`Format`'s), read once.
    Format(Arc<crate::funcs::format::Compiled>),
    /// A locale (`Time`'s), looked up once.
    Locale(&'static ottl_types::locale::Locale),
    /// An XPath (the XML functions), compiled once.
    XPath(Arc<ottl_types::xpath::Expr>),
    /// A grok pattern (`ExtractGrokPatterns`), expanded and compiled once.
    Grok(Arc<crate::funcs::extract_grok_patterns::Compiled>),
    /// A pdata list path (`events`, `data_points`, ...), the argument of `Len` or `IsList`.
    PdataList(crate::record::PdataList),
}

impl CArg {
    /// The argument's value when it is a literal, known when the statement compiles.
    pub fn literal(&self) -> Option<Value<'_>> {
        Some(match self {
            CArg::Value(CExpr::Lit(v)) => v.reborrow(),
            CArg::Str(s) => Value::Str(Cow::Borrowed(s)),
            CArg::Int(n) => Value::Int(*n),
            CArg::Float(f) => Value::Float(*f),
            CArg::Bool(b) => Value::Bool(*b),
            CArg::Bytes(b) => Value::Bytes(Cow::Borrowed(b)),
            _ => return None,
        })
    }
}

fn expected(what: &str, got: &Value<'_>) -> Error {
    Error(format!("expected {what} but got {}", got.go_type()))
}

impl CCall {
    /// Runs a converter and applies the keys on its result.
    pub fn convert<'a>(&'a self, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
        let Implementation::Converter(f) = self.implementation else {
            return Err(Error::new(format!("{} is an editor, not a converter", self.sig.name)));
        };
        if self.keys.is_empty() {
            // The function's result as it is: returned in place, without a copy on the way.
            return f(self, rec);
        }
        let mut v = f(self, rec)?;
        for k in &self.keys {
            v = keys::index_result(v, k)?;
        }
        Ok(v)
    }

    /// Runs a converter used as a condition, which must give a bool.
    pub fn condition(&self, rec: &Record<'_>) -> Result<bool, Error> {
        match self.convert(rec)? {
            Value::Bool(b) => Ok(b),
            other => Err(Error(format!(
                "value returned from Converter in constant expression must be bool but got {}",
                other.go_type()
            ))),
        }
    }

    /// The editor's function.
    pub fn edit_fn(&self) -> fn(&CCall, &mut Record<'_>) -> Result<(), Error> {
        match self.implementation {
            Implementation::Editor(f) => f,
            Implementation::Converter(_) => {
                |c, _| Err(Error::new(format!("{} is not an editor", c.sig.name)))
            }
        }
    }

    pub fn arg(&self, i: usize) -> &CArg {
        self.args.get(i).unwrap_or(&CArg::Absent)
    }

    pub fn is_given(&self, i: usize) -> bool {
        !matches!(self.arg(i), CArg::Absent)
    }

    /// A `Getter`: any value (nil included).
    pub fn value<'a>(&'a self, i: usize, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
        match self.arg(i) {
            CArg::Value(e) => e.eval(rec),
            CArg::Path(p) => p.get(rec),
            other => Ok(other.literal().unwrap_or(Value::Nil)),
        }
    }

    /// The path a `Setter`/`GetSetter` names.
    pub fn path(&self, i: usize) -> Option<&CPath> {
        match self.arg(i) {
            CArg::Path(p) | CArg::Value(CExpr::Path(p)) => Some(p),
            _ => None,
        }
    }

    /// A literal `string` parameter (`""` when absent).
    pub fn lit_str(&self, i: usize) -> &str {
        match self.arg(i) {
            CArg::Str(s) => s,
            _ => "",
        }
    }

    pub fn lit_int(&self, i: usize) -> Option<i64> {
        match self.arg(i) {
            CArg::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn lit_bool(&self, i: usize) -> Option<bool> {
        match self.arg(i) {
            CArg::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn str_list(&self, i: usize) -> &[Arc<str>] {
        match self.arg(i) {
            CArg::StrList(l) => l,
            _ => &[],
        }
    }

    pub fn regex(&self, i: usize) -> Option<&ottl_types::pattern::Pattern> {
        match self.arg(i) {
            CArg::Regex(r) => Some(r),
            _ => None,
        }
    }

    /// A compiled grok pattern argument.
    pub fn grok(&self, i: usize) -> Option<&crate::funcs::extract_grok_patterns::Compiled> {
        match self.arg(i) {
            CArg::Grok(g) => Some(g),
            _ => None,
        }
    }

    /// A compiled strptime layout argument.
    pub fn layout(&self, i: usize) -> Option<&crate::strptime::Layout> {
        match self.arg(i) {
            CArg::Layout(l) => Some(l),
            _ => None,
        }
    }

    /// A `FunctionGetter` argument: the converter to apply to one string.
    pub fn function(&self, i: usize) -> Option<&(&'static Signature, Implementation)> {
        match self.arg(i) {
            CArg::Function(f) => Some(f),
            _ => None,
        }
    }

    /// `StringGetter`: a string, nil is an error.
    pub fn string<'a>(&'a self, i: usize, rec: &'a Record<'_>) -> Result<Cow<'a, str>, Error> {
        match self.value(i, rec)? {
            Value::Str(s) => Ok(s),
            other => Err(expected("string", &other)),
        }
    }

    /// `IntGetter`.
    pub fn int(&self, i: usize, rec: &Record<'_>) -> Result<i64, Error> {
        match self.value(i, rec)? {
            Value::Int(n) => Ok(n),
            other => Err(expected("int64", &other)),
        }
    }

    /// `TimeGetter`.
    pub fn time(&self, i: usize, rec: &Record<'_>) -> Result<crate::value::Time, Error> {
        match self.value(i, rec)? {
            Value::Time(t) => Ok(t),
            other => Err(expected("time", &other)),
        }
    }

    /// `DurationGetter`.
    pub fn duration(&self, i: usize, rec: &Record<'_>) -> Result<i64, Error> {
        match self.value(i, rec)? {
            Value::Duration(d) => Ok(d),
            other => Err(expected("duration", &other)),
        }
    }

    /// `ByteSliceLikeGetter`: bytes; strings as UTF-8; ints and floats as 8 big-endian bytes;
    /// bools as one byte; nil stays nil.
    pub fn byte_slice_like<'a>(
        &'a self,
        i: usize,
        rec: &'a Record<'_>,
    ) -> Result<Option<Cow<'a, [u8]>>, Error> {
        Ok(Some(match self.value(i, rec)? {
            Value::Nil => return Ok(None),
            Value::Bytes(b) => b,
            Value::Str(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
            Value::Str(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
            Value::Int(n) => Cow::Owned(n.to_be_bytes().to_vec()),
            Value::Float(f) => Cow::Owned(f.to_bits().to_be_bytes().to_vec()),
            Value::Bool(b) => Cow::Owned(vec![u8::from(b)]),
            other => return Err(Error(format!("unsupported type: {}", other.go_type()))),
        }))
    }

    /// `PMapGetter`: a map (a map literal or converter's map included).
    pub fn pmap<'a>(&'a self, i: usize, rec: &'a Record<'_>) -> Result<Cow<'a, [KeyValue]>, Error> {
        match self.value(i, rec)? {
            Value::Map(m) => Ok(m),
            other => Err(expected("pcommon.Map", &other)),
        }
    }

    /// `StringLikeGetter`: nil stays nil; bytes are lowercase hex; maps and slices are JSON;
    /// everything else is `json.Marshal`ed.
    pub fn string_like<'a>(&'a self, i: usize, rec: &'a Record<'_>) -> Result<Option<Cow<'a, str>>, Error> {
        Ok(string_like(self.value(i, rec)?))
    }

    /// `IntLikeGetter`: floats truncate, strings parse in base 10 (a bad string is nil).
    pub fn int_like(&self, i: usize, rec: &Record<'_>) -> Result<Option<i64>, Error> {
        int_like(&self.value(i, rec)?)
    }

    /// `FloatLikeGetter`: ints widen, strings parse (a bad string is an error).
    pub fn float_like(&self, i: usize, rec: &Record<'_>) -> Result<Option<f64>, Error> {
        float_like(&self.value(i, rec)?)
    }

    /// A `PMapGetter` target changed in place: the live map at the path, or `None` when the
    /// target is not a path (a converter's map: the change is lost, as upstream).
    pub fn map_target<'r>(
        &self,
        i: usize,
        rec: &'r mut Record<'_>,
    ) -> Result<Option<&'r mut Vec<KeyValue>>, Error> {
        // One of the record's own maps needs no check: its value is a map whenever the record
        // has it.
        if let Some(p) = self.path(i)
            && p.keys.is_empty()
            && p.field.is_record_map()
            && rec.map_mut(p.field).is_some()
        {
            return Ok(rec.map_mut(p.field));
        }
        self.pmap(i, rec)?;
        match self.path(i) {
            Some(p) => keys::map_mut(p, rec),
            None => Ok(None),
        }
    }
}

/// `StringLikeGetter` on a value.
pub fn string_like(v: Value<'_>) -> Option<Cow<'_, str>> {
    Some(match v {
        Value::Nil => return None,
        Value::Str(s) => s,
        Value::Bytes(b) => Cow::Owned(hex(&b)),
        Value::Map(_) | Value::Slice(_) => Cow::Owned(json::marshal(&v)),
        other => Cow::Owned(json::marshal(&other)),
    })
}

/// `IntLikeGetter` on a value.
pub fn int_like(v: &Value<'_>) -> Result<Option<i64>, Error> {
    Ok(match v {
        Value::Nil => None,
        Value::Int(n) => Some(*n),
        Value::Float(f) => Some(crate::go::float_to_int(*f)),
        Value::Str(s) => s.parse::<i64>().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        other => return Err(Error(format!("unsupported type: {}", other.go_type()))),
    })
}

/// `FloatLikeGetter` on a value.
pub fn float_like(v: &Value<'_>) -> Result<Option<f64>, Error> {
    Ok(match v {
        Value::Nil => None,
        Value::Float(f) => Some(*f),
        #[expect(clippy::cast_precision_loss, reason = "Go's float64(int64)")]
        Value::Int(n) => Some(*n as f64),
        Value::Str(s) => Some(crate::go::parse_float(s).map_err(Error)?),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        other => return Err(Error(format!("unsupported type: {}", other.go_type()))),
    })
}

/// Lowercase hex (Go's `hex.EncodeToString`): one table lookup per byte, its two digits copied
/// into a buffer of the final size (pushing `char`s one by one costs a capacity check and a
/// UTF-8 encoding each).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = vec![0; bytes.len() * 2];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    // Every byte is an ASCII hex digit, so this never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// The two lowercase hex digits of every byte.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [DIGITS[b >> 4], DIGITS[b & 0x0f]];
        b += 1;
    }
    table
};

/// An empty `pcommon.Value`.
pub fn empty() -> AnyValue {
    AnyValue { value: None }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    /// Every byte is written as Go's `%02x` writes it, in order.
    #[test]
    fn hex_writes_every_byte_as_two_lowercase_digits() {
        let all: Vec<u8> = (0..=255).collect();
        let expected = all.iter().fold(String::new(), |mut s, b| {
            write!(s, "{b:02x}").expect("writing to a String");
            s
        });
        assert_eq!(super::hex(&all), expected);
        assert_eq!(super::hex(&[]), "");
    }
}
