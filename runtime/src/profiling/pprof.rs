//! The `pprof` exporter's format: an OTLP profiles request as one gzipped pprof `Profile`
//! (github.com/google/pprof, proto/profile.proto), which `go tool pprof` and other pprof tools
//! open. Every process's samples go into the one profile, labelled with their resource's and
//! sample's attributes (`process.pid`, `thread.name`, ...), so `-tagfocus` selects by process.

use std::collections::HashMap;
use std::io::Write as _;

use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::profiles::v1development::{
    KeyValueAndUnit, ProfilesDictionary, ValueType as OtlpValueType,
};
use prost::Message as _;

/// pprof's `Profile` (the fields this exporter writes).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Profile {
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<Sample>,
    #[prost(message, repeated, tag = "3")]
    pub mapping: Vec<Mapping>,
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    #[prost(string, repeated, tag = "6")]
    pub string_table: Vec<String>,
    #[prost(int64, tag = "9")]
    pub time_nanos: i64,
    #[prost(int64, tag = "10")]
    pub duration_nanos: i64,
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    #[prost(int64, tag = "12")]
    pub period: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ValueType {
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Sample {
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
    #[prost(message, repeated, tag = "3")]
    pub label: Vec<Label>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Label {
    #[prost(int64, tag = "1")]
    pub key: i64,
    #[prost(int64, tag = "2")]
    pub str: i64,
    #[prost(int64, tag = "3")]
    pub num: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Mapping {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(uint64, tag = "2")]
    pub memory_start: u64,
    #[prost(uint64, tag = "3")]
    pub memory_limit: u64,
    #[prost(uint64, tag = "4")]
    pub file_offset: u64,
    #[prost(int64, tag = "5")]
    pub filename: i64,
    #[prost(int64, tag = "6")]
    pub build_id: i64,
    #[prost(bool, tag = "7")]
    pub has_functions: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Location {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(uint64, tag = "2")]
    pub mapping_id: u64,
    #[prost(uint64, tag = "3")]
    pub address: u64,
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<Line>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Line {
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    #[prost(int64, tag = "2")]
    pub line: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Function {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(int64, tag = "2")]
    pub name: i64,
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    #[prost(int64, tag = "4")]
    pub filename: i64,
}

/// pprof's string table under construction, starting from the dictionary's.
struct Strings {
    table: Vec<String>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new(mut table: Vec<String>) -> Strings {
        if table.is_empty() {
            table.push(String::new());
        }
        let index = table
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| (s.clone(), i64::try_from(i).unwrap_or(i64::MAX)))
            .collect();
        Strings { table, index }
    }

    fn get(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = i64::try_from(self.table.len()).unwrap_or(i64::MAX);
        self.table.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// A dictionary index as a pprof id (0, the null entry, stays "no id").
fn id(i: i32) -> u64 {
    u64::try_from(i).unwrap_or(0)
}

/// A dictionary string index as a pprof string index.
fn text(i: i32) -> i64 {
    i64::from(i.max(0))
}

/// Converts a request. pprof ids are the dictionary's indices. Profiles whose sample type
/// differs from the first one's are left out: a pprof profile has one set of sample types.
pub fn from_otlp(request: &ExportProfilesServiceRequest) -> Profile {
    let dict = request.dictionary.clone().unwrap_or_default();
    let mut strings = Strings::new(dict.string_table.clone());
    let mut out = Profile::default();
    tables(&dict, &mut strings, &mut out);
    samples(request, &dict, &mut strings, &mut out);
    out.string_table = strings.table;
    // pprof names the first mapping as the profile's binary: a file, not `[kernel.kallsyms]`.
    let table = &out.string_table;
    out.mapping.sort_by_key(|m| {
        table.get(usize::try_from(m.filename).unwrap_or(0)).is_some_and(|f| !f.starts_with('/'))
    });
    out
}

/// The dictionary's mappings, locations and functions.
fn tables(dict: &ProfilesDictionary, strings: &mut Strings, out: &mut Profile) {
    let key_of = |kv: &KeyValueAndUnit| dict.string_table.get(usize::try_from(kv.key_strindex).unwrap_or(0));
    for (i, m) in dict.mapping_table.iter().enumerate().skip(1) {
        let build_id = m
            .attribute_indices
            .iter()
            .filter_map(|&a| dict.attribute_table.get(usize::try_from(a).ok()?))
            .find(|kv| key_of(kv).is_some_and(|k| k == "process.executable.build_id.gnu"))
            .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                any_value::Value::StringValue(s) => Some(s.clone()),
                _ => None,
            });
        out.mapping.push(Mapping {
            id: i as u64,
            memory_start: m.memory_start,
            memory_limit: m.memory_limit,
            file_offset: m.file_offset,
            filename: text(m.filename_strindex),
            build_id: build_id.map_or(0, |b| strings.get(&b)),
            has_functions: true,
        });
    }
    for (i, l) in dict.location_table.iter().enumerate().skip(1) {
        out.location.push(Location {
            id: i as u64,
            mapping_id: id(l.mapping_index),
            address: l.address,
            line: l
                .lines
                .iter()
                .map(|ln| Line { function_id: id(ln.function_index), line: ln.line })
                .collect(),
        });
    }
    for (i, f) in dict.function_table.iter().enumerate().skip(1) {
        out.function.push(Function {
            id: i as u64,
            name: text(f.name_strindex),
            system_name: text(f.system_name_strindex),
            filename: text(f.filename_strindex),
        });
    }
}

/// Every profile's samples, labelled with their resource's and their own attributes.
fn samples(
    request: &ExportProfilesServiceRequest,
    dict: &ProfilesDictionary,
    strings: &mut Strings,
    out: &mut Profile,
) {
    let value_type =
        |v: &OtlpValueType| ValueType { r#type: text(v.type_strindex), unit: text(v.unit_strindex) };
    let mut sample_type = None;
    let (mut first, mut last) = (u64::MAX, 0u64);
    for rp in &request.resource_profiles {
        let resource = rp.resource.as_ref().map(|r| r.attributes.as_slice()).unwrap_or_default();
        let resource_labels: Vec<Label> = resource.iter().filter_map(|kv| label(kv, strings)).collect();
        for p in rp.scope_profiles.iter().flat_map(|s| &s.profiles) {
            let this = p.sample_type.as_ref().map(value_type).unwrap_or_default();
            if *sample_type.get_or_insert(this) != this {
                continue;
            }
            if out.period_type.is_none() {
                out.period_type = p.period_type.as_ref().map(value_type);
                out.period = p.period;
            }
            first = first.min(p.time_unix_nano);
            last = last.max(p.time_unix_nano.saturating_add(p.duration_nano));
            for s in &p.samples {
                let stack = dict.stack_table.get(usize::try_from(s.stack_index).unwrap_or(0));
                let mut labels = resource_labels.clone();
                for kv in s
                    .attribute_indices
                    .iter()
                    .filter_map(|&a| dict.attribute_table.get(usize::try_from(a).ok()?))
                {
                    let key = dict.string_table.get(usize::try_from(kv.key_strindex).unwrap_or(0));
                    let kv = KeyValue {
                        key: key.cloned().unwrap_or_default(),
                        value: kv.value.clone(),
                        ..KeyValue::default()
                    };
                    labels.extend(label(&kv, strings));
                }
                out.sample.push(Sample {
                    location_id: stack
                        .map(|st| st.location_indices.iter().map(|&l| id(l)).collect())
                        .unwrap_or_default(),
                    value: s.values.clone(),
                    label: labels,
                });
            }
        }
    }
    out.sample_type = sample_type.into_iter().collect();
    if first != u64::MAX {
        out.time_nanos = i64::try_from(first).unwrap_or(i64::MAX);
        out.duration_nanos = i64::try_from(last - first).unwrap_or(i64::MAX);
    }
}

/// A string or integer attribute as a pprof label.
fn label(kv: &KeyValue, strings: &mut Strings) -> Option<Label> {
    let value = kv.value.as_ref().and_then(|v: &AnyValue| v.value.as_ref())?;
    let key = strings.get(&kv.key);
    match value {
        any_value::Value::StringValue(s) => Some(Label { key, str: strings.get(s), num: 0 }),
        any_value::Value::IntValue(n) => Some(Label { key, str: 0, num: *n }),
        _ => None,
    }
}

/// The gzipped encoding of a converted request.
pub fn encode_gzip(request: &ExportProfilesServiceRequest) -> std::io::Result<Vec<u8>> {
    let bytes = from_otlp(request).encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes)?;
    gz.finish()
}
