//! One report as an OTLP profiles request (v1development): one resource per process with one
//! CPU profile, every sample a stack with its thread, and the request's dictionary holding each
//! string, function, mapping, location, stack and attribute once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::profiles::v1development::{
    Function, KeyValueAndUnit, Line, Link, Location, Mapping, Profile, ProfilesDictionary, ResourceProfiles,
    Sample, ScopeProfiles, Stack, ValueType,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use super::symbolize::{self, Resolved, Symbols};
use super::{Counts, Settings, StackKey};

/// The instrumentation scope the receiver's profiles carry.
pub const SCOPE_NAME: &str = "ottl/profiling";

/// Builds the request for what was counted between `start` and `end`.
pub fn build(
    symbols: &mut Symbols,
    settings: &Settings,
    counts: &Counts,
    start: SystemTime,
    end: SystemTime,
) -> ExportProfilesServiceRequest {
    symbols.begin_report();
    let mut dict = Dictionary::new();
    let period = 1_000_000_000 / settings.frequency.max(1);
    let period = i64::try_from(period).unwrap_or(i64::MAX);
    let cpu = ValueType { type_strindex: dict.string("cpu"), unit_strindex: dict.string("nanoseconds") };
    let since = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let time_unix_nano = u64::try_from(since(start).as_nanos()).unwrap_or(u64::MAX);
    let duration_nano =
        u64::try_from(end.duration_since(start).unwrap_or(Duration::ZERO).as_nanos()).unwrap_or(0);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();

    let mut by_pid: BTreeMap<u32, Vec<(&StackKey, u64)>> = BTreeMap::new();
    for (key, &n) in counts {
        by_pid.entry(key.pid).or_default().push((key, n));
    }
    let mut resource_profiles = Vec::with_capacity(by_pid.len());
    for (pid, mut stacks) in by_pid {
        stacks.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| (a.0.tid, &a.0.user, &a.0.kernel).cmp(&(b.0.tid, &b.0.user, &b.0.kernel)))
        });
        let process = symbols.process(pid);
        let mut samples = Vec::with_capacity(stacks.len());
        for (key, n) in stacks {
            let mut frames = symbols.kernel(&key.kernel);
            frames.extend(symbols.user(pid, &key.user));
            let locations = frames.iter().map(|f| dict.location(f)).collect();
            let stack_index = dict.stack(locations);
            let thread_name = key.comm.clone().or_else(|| {
                std::fs::read_to_string(format!("/proc/{pid}/task/{}/comm", key.tid))
                    .ok()
                    .map(|c| c.trim_end().to_string())
            });
            let mut attribute_indices = vec![dict.attribute("thread.id", Attr::Int(i64::from(key.tid)))];
            if let Some(name) = thread_name {
                attribute_indices.push(dict.attribute("thread.name", Attr::Str(name)));
            }
            samples.push(Sample {
                stack_index,
                attribute_indices,
                values: vec![i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(period)],
                ..Sample::default()
            });
        }
        let mut profile_id = [0u8; 16];
        let _ = getrandom::fill(&mut profile_id);
        let profile = Profile {
            sample_type: Some(cpu),
            samples,
            time_unix_nano,
            duration_nano,
            period_type: Some(cpu),
            period,
            profile_id: profile_id.to_vec(),
            ..Profile::default()
        };
        resource_profiles.push(ResourceProfiles {
            resource: Some(Resource {
                attributes: resource_attributes(&host, &process),
                ..Resource::default()
            }),
            scope_profiles: vec![ScopeProfiles {
                scope: Some(InstrumentationScope {
                    name: SCOPE_NAME.to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    ..InstrumentationScope::default()
                }),
                profiles: vec![profile],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        });
    }
    ExportProfilesServiceRequest { resource_profiles, dictionary: Some(dict.finish()) }
}

fn resource_attributes(host: &str, p: &symbolize::Process) -> Vec<KeyValue> {
    let kv = |key: &str, value: any_value::Value| KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    };
    let mut out = vec![kv("host.name", any_value::Value::StringValue(host.to_string()))];
    out.push(kv("process.pid", any_value::Value::IntValue(i64::from(p.pid))));
    if let Some(exe) = &p.executable {
        let name = exe.rsplit('/').next().unwrap_or(exe).trim_end_matches(" (deleted)");
        out.push(kv("process.executable.name", any_value::Value::StringValue(name.to_string())));
        out.push(kv("process.executable.path", any_value::Value::StringValue(exe.clone())));
    }
    if let Some(c) = &p.command {
        out.push(kv("process.command", any_value::Value::StringValue(c.clone())));
    }
    if let Some(c) = &p.command_line {
        out.push(kv("process.command_line", any_value::Value::StringValue(c.clone())));
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Attr {
    Str(String),
    Int(i64),
}

/// The dictionary under construction: every table starts with its zero value, and each item is
/// interned so it appears once.
struct Dictionary {
    out: ProfilesDictionary,
    strings: HashMap<Arc<str>, i32>,
    functions: HashMap<(i32, i32), i32>,
    mappings: HashMap<Arc<symbolize::Mapping>, i32>,
    locations: HashMap<(i32, u64), i32>,
    stacks: HashMap<Vec<i32>, i32>,
    attributes: HashMap<(i32, Attr), i32>,
}

fn index(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

impl Dictionary {
    fn new() -> Dictionary {
        let out = ProfilesDictionary {
            mapping_table: vec![Mapping::default()],
            location_table: vec![Location::default()],
            function_table: vec![Function::default()],
            link_table: vec![Link::default()],
            string_table: vec![String::new()],
            attribute_table: vec![KeyValueAndUnit::default()],
            stack_table: vec![Stack::default()],
        };
        let mut strings = HashMap::new();
        strings.insert(Arc::from(""), 0);
        Dictionary {
            out,
            strings,
            functions: HashMap::new(),
            mappings: HashMap::new(),
            locations: HashMap::new(),
            stacks: HashMap::new(),
            attributes: HashMap::new(),
        }
    }

    fn string(&mut self, s: &str) -> i32 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = index(self.out.string_table.len());
        self.out.string_table.push(s.to_string());
        self.strings.insert(Arc::from(s), i);
        i
    }

    fn attribute(&mut self, key: &str, value: Attr) -> i32 {
        let key_strindex = self.string(key);
        if let Some(&i) = self.attributes.get(&(key_strindex, value.clone())) {
            return i;
        }
        let i = index(self.out.attribute_table.len());
        let v = match &value {
            Attr::Str(s) => any_value::Value::StringValue(s.clone()),
            Attr::Int(n) => any_value::Value::IntValue(*n),
        };
        self.out.attribute_table.push(KeyValueAndUnit {
            key_strindex,
            value: Some(AnyValue { value: Some(v) }),
            unit_strindex: 0,
        });
        self.attributes.insert((key_strindex, value), i);
        i
    }

    fn mapping(&mut self, m: &Arc<symbolize::Mapping>) -> i32 {
        if let Some(&i) = self.mappings.get(m) {
            return i;
        }
        let filename_strindex = self.string(&m.path);
        let attribute_indices = match &m.build_id {
            Some(id) => vec![self.attribute("process.executable.build_id.gnu", Attr::Str(id.to_string()))],
            None => Vec::new(),
        };
        let i = index(self.out.mapping_table.len());
        self.out.mapping_table.push(Mapping {
            memory_start: m.start,
            memory_limit: m.end,
            file_offset: m.offset,
            filename_strindex,
            attribute_indices,
        });
        self.mappings.insert(m.clone(), i);
        i
    }

    fn function(&mut self, name: &str, file: Option<&str>) -> i32 {
        let name = self.string(name);
        let file = file.map_or(0, |f| self.string(f));
        *self.functions.entry((name, file)).or_insert_with(|| {
            self.out.function_table.push(Function {
                name_strindex: name,
                system_name_strindex: name,
                filename_strindex: file,
                start_line: 0,
            });
            index(self.out.function_table.len() - 1)
        })
    }

    fn location(&mut self, r: &Resolved) -> i32 {
        let mapping_index = r.mapping.as_ref().map_or(0, |m| self.mapping(m));
        if let Some(&i) = self.locations.get(&(mapping_index, r.address)) {
            return i;
        }
        let lines = match &r.frame {
            Some(f) => {
                let function_index = self.function(&f.function, f.file.as_deref());
                vec![Line { function_index, line: i64::from(f.line), column: 0 }]
            }
            None => Vec::new(),
        };
        let i = index(self.out.location_table.len());
        self.out.location_table.push(Location {
            mapping_index,
            address: r.address,
            lines,
            attribute_indices: Vec::new(),
        });
        self.locations.insert((mapping_index, r.address), i);
        i
    }

    fn stack(&mut self, locations: Vec<i32>) -> i32 {
        if let Some(&i) = self.stacks.get(&locations) {
            return i;
        }
        let i = index(self.out.stack_table.len());
        self.out.stack_table.push(Stack { location_indices: locations.clone() });
        self.stacks.insert(locations, i);
        i
    }

    fn finish(self) -> ProfilesDictionary {
        self.out
    }
}
