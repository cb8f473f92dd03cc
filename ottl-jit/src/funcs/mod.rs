//! The standard library: one file per function, each named after it. Signatures live in
//! `ottl-types`; `lookup` binds a signature's name to its implementation once, at compile time.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

mod aggregate;
mod append;
mod base64_decode;
mod concat;
mod convert_case;
mod convert_exponential_histogram;
mod convert_gauge_to_sum;
mod convert_sum_to_gauge;
mod convert_summary_val_to_sum;
mod copy_metric;
pub(crate) mod decode;
pub(crate) mod delete_key;
mod delete_matching_keys;
mod double;
mod duration;
mod duration_parts;
pub(crate) mod extract_grok_patterns;
mod extract_metric;
mod extract_patterns;
mod flatten;
mod fnv;
pub(crate) mod format;
mod format_time;
mod has_attr_on_datapoint;
mod hashes;
mod hex;
mod ids;
mod int;
mod is_kind;
mod is_match;
mod is_root_span;
mod is_valid_luhn;
mod keep_keys;
mod keep_matching_keys;
mod len;
mod limit;
mod log;
mod merge_maps;
mod murmur3;
mod now;
mod parse_csv;
mod parse_json;
mod parse_key_value;
mod replace_all_matches;
mod replace_all_patterns;
mod replace_match;
mod replace_pattern;
mod route;
mod scale_metric;
mod set;
mod slice_to_map;
mod sort;
mod split;
mod string;
mod substring;
mod time;
mod time_parts;
mod to_case;
mod to_key_value_string;
mod trim;
mod truncate_all;
mod truncate_time;
mod unix;
mod url;
pub(crate) mod user_agent;
mod uuid;
mod xml;

/// An editor: changes the record.
pub type EditFn = fn(&CCall, &mut Record<'_>) -> Result<(), Error>;
/// A converter: computes a value, possibly borrowing from the record.
pub type ConvertFn = for<'a> fn(&'a CCall, &'a Record<'_>) -> Result<Value<'a>, Error>;

#[derive(Clone, Copy)]
pub enum Implementation {
    Editor(EditFn),
    Converter(ConvertFn),
}

impl std::fmt::Debug for Implementation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Implementation::Editor(_) => "Editor",
            Implementation::Converter(_) => "Converter",
        })
    }
}

use Implementation::{Converter as C, Editor as E};

/// Every implemented function, by its upstream name.
pub static IMPLEMENTATIONS: &[(&str, Implementation)] = &[
    ("aggregate_on_attribute_value", E(aggregate::on_attribute_value)),
    ("aggregate_on_attributes", E(aggregate::on_attributes)),
    ("append", E(append::run)),
    ("convert_exponential_histogram_to_histogram", E(convert_exponential_histogram::run)),
    ("convert_gauge_to_sum", E(convert_gauge_to_sum::run)),
    ("convert_sum_to_gauge", E(convert_sum_to_gauge::run)),
    ("convert_summary_count_val_to_sum", E(convert_summary_val_to_sum::count)),
    ("convert_summary_sum_val_to_sum", E(convert_summary_val_to_sum::sum)),
    ("copy_metric", E(copy_metric::run)),
    ("delete_key", E(delete_key::run)),
    ("delete_matching_keys", E(delete_matching_keys::run)),
    ("extract_count_metric", E(extract_metric::count)),
    ("extract_sum_metric", E(extract_metric::sum)),
    ("flatten", E(flatten::run)),
    ("keep_keys", E(keep_keys::run)),
    ("keep_matching_keys", E(keep_matching_keys::run)),
    ("limit", E(limit::run)),
    ("merge_maps", E(merge_maps::run)),
    ("replace_all_matches", E(replace_all_matches::run)),
    ("replace_all_patterns", E(replace_all_patterns::run)),
    ("replace_match", E(replace_match::run)),
    ("replace_pattern", E(replace_pattern::run)),
    ("route", E(route::run)),
    ("scale_metric", E(scale_metric::run)),
    ("set", E(set::run)),
    ("truncate_all", E(truncate_all::run)),
    ("Base64Decode", C(base64_decode::run)),
    ("Concat", C(concat::run)),
    ("ConvertCase", C(convert_case::run)),
    ("Day", C(time_parts::day)),
    ("Decode", C(decode::run)),
    ("Double", C(double::run)),
    ("Duration", C(duration::run)),
    ("ExtractPatterns", C(extract_patterns::run)),
    ("FNV", C(fnv::run)),
    ("Format", C(format::run)),
    ("FormatTime", C(format_time::run)),
    ("Hex", C(hex::run)),
    ("Hour", C(time_parts::hour)),
    ("Hours", C(duration_parts::hours)),
    ("Int", C(int::run)),
    ("IsBool", C(is_kind::is_bool)),
    ("IsDouble", C(is_kind::is_double)),
    ("IsInt", C(is_kind::is_int)),
    ("IsList", C(is_kind::is_list)),
    ("IsMap", C(is_kind::is_map)),
    ("IsString", C(is_kind::is_string)),
    ("HasAttrKeyOnDatapoint", C(has_attr_on_datapoint::key)),
    ("HasAttrOnDatapoint", C(has_attr_on_datapoint::key_value)),
    ("IsMatch", C(is_match::run)),
    ("IsRootSpan", C(is_root_span::run)),
    ("IsValidLuhn", C(is_valid_luhn::run)),
    ("Len", C(len::run)),
    ("Log", C(log::run)),
    ("MD5", C(hashes::md5)),
    ("Microseconds", C(duration_parts::microseconds)),
    ("Milliseconds", C(duration_parts::milliseconds)),
    ("Minute", C(time_parts::minute)),
    ("Minutes", C(duration_parts::minutes)),
    ("Month", C(time_parts::month)),
    ("Nanosecond", C(time_parts::nanosecond)),
    ("Nanoseconds", C(duration_parts::nanoseconds)),
    ("Murmur3Hash", C(murmur3::hash32)),
    ("Murmur3Hash128", C(murmur3::hash128)),
    ("Now", C(now::run)),
    ("ParseCSV", C(parse_csv::run)),
    ("ParseJSON", C(parse_json::run)),
    ("ParseKeyValue", C(parse_key_value::run)),
    ("Second", C(time_parts::second)),
    ("Seconds", C(duration_parts::seconds)),
    ("SHA1", C(hashes::sha1)),
    ("SHA256", C(hashes::sha256)),
    ("SHA512", C(hashes::sha512)),
    ("SliceToMap", C(slice_to_map::run)),
    ("Sort", C(sort::run)),
    ("SpanID", C(ids::span_id)),
    ("Split", C(split::run)),
    ("String", C(string::run)),
    ("Substring", C(substring::run)),
    ("Time", C(time::run)),
    ("ToCamelCase", C(convert_case::to_camel)),
    ("ToKeyValueString", C(to_key_value_string::run)),
    ("ToLowerCase", C(to_case::lower)),
    ("ToSnakeCase", C(convert_case::to_snake)),
    ("TraceID", C(ids::trace_id)),
    ("Trim", C(trim::run)),
    ("TruncateTime", C(truncate_time::run)),
    ("Unix", C(unix::run)),
    ("UnixMicro", C(time_parts::unix_micro)),
    ("UnixMilli", C(time_parts::unix_milli)),
    ("UnixNano", C(time_parts::unix_nano)),
    ("UnixSeconds", C(time_parts::unix_seconds)),
    ("URL", C(url::run)),
    ("ExtractGrokPatterns", C(extract_grok_patterns::run)),
    ("UserAgent", C(user_agent::run)),
    ("UUID", C(uuid::run)),
    ("Weekday", C(time_parts::weekday)),
    ("Year", C(time_parts::year)),
    ("ToUpperCase", C(to_case::upper)),
    ("ConvertAttributesToElementsXML", C(xml::attributes_to_elements)),
    ("ConvertTextToElementsXML", C(xml::text_to_elements)),
    ("GetXML", C(xml::get)),
    ("InsertXML", C(xml::insert)),
    ("ParseSimplifiedXML", C(xml::parse_simplified)),
    ("ParseXML", C(xml::parse_xml)),
    ("RemoveXML", C(xml::remove)),
];

/// The implementation of a function, by name.
pub fn lookup(name: &str) -> Option<Implementation> {
    IMPLEMENTATIONS.iter().find(|(n, _)| *n == name).map(|(_, i)| *i)
}

/// Why a function this build implements cannot run here, if it cannot: `UserAgent` needs
/// uap-core's regexes embedded at build time.
pub fn unavailable(name: &str) -> Option<&'static str> {
    match name {
        "UserAgent" => user_agent::parser().err(),
        _ => None,
    }
}

/// Applies a `FunctionGetter` converter (`SHA256` in `replace_pattern(..., SHA256)`) to a string.
pub(crate) fn apply_function(
    f: Implementation,
    sig: &'static ottl_types::functions::Signature,
    input: &str,
) -> Result<String, Error> {
    use crate::interp::{CArg, CExpr};
    let Implementation::Converter(convert) = f else {
        return Err(Error(format!("{} is not a converter", sig.name)));
    };
    let call = CCall {
        sig,
        implementation: f,
        args: vec![CArg::Value(CExpr::Lit(Value::Str(input.to_string().into())))],
        keys: Vec::new(),
    };
    let (mut r, mut rs, mut s, mut ss) = (None, String::new(), None, String::new());
    let mut scratch = crate::exec::Scratch::default();
    let rec = scratch.record(&mut r, &mut rs, &mut s, &mut ss, crate::record::Item::None);
    match convert(&call, &rec)? {
        Value::Str(s) => Ok(s.into_owned()),
        other => Err(Error(format!("replacement value is not a string: {}", other.go_type()))),
    }
}

/// `replacementFormat`: the function's result placed into a format with one `%s`.
pub(crate) fn format_replacement(format: Option<&str>, value: &str) -> String {
    match format {
        Some(f) => f.replacen("%s", value, 1),
        None => value.to_string(),
    }
}
