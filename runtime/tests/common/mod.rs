//! Helpers of the runtime's end-to-end tests: configurations from `testdata/runtime`, real
//! clients, and outputs read back item by item.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use ottl_jit::exec::Payload;
use runtime::config::Config;

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/runtime").join(name)
}

/// A fixture configuration with `{{KEY}}` placeholders filled in.
pub fn config(name: &str, vars: &[(&str, &str)]) -> Config {
    let path = testdata(name);
    let mut text = std::fs::read_to_string(&path).expect("fixture");
    for (k, v) in vars {
        text = text.replace(&format!("{{{{{k}}}}}"), v);
    }
    match Config::parse(&path, &text) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// A fresh directory for one test's outputs.
pub fn out_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-runtime-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..KeyValue::default()
    }
}

/// Every item of a payload as one JSON line with its resource and scope, so outputs can be
/// compared as multisets whatever the batching did.
pub fn items(p: &Payload) -> Vec<String> {
    let mut out = Vec::new();
    let line = |r: &dyn erased::Json, s: &dyn erased::Json, i: &dyn erased::Json| {
        format!("{} | {} | {}", r.json(), s.json(), i.json())
    };
    match p {
        Payload::Logs(req) => {
            for rl in &req.resource_logs {
                for sl in &rl.scope_logs {
                    for lr in &sl.log_records {
                        out.push(line(&rl.resource, &sl.scope, lr));
                    }
                }
            }
        }
        Payload::Traces(req) => {
            for rs in &req.resource_spans {
                for ss in &rs.scope_spans {
                    for s in &ss.spans {
                        out.push(line(&rs.resource, &ss.scope, s));
                    }
                }
            }
        }
        Payload::Metrics(req) => {
            for rm in &req.resource_metrics {
                for sm in &rm.scope_metrics {
                    for m in &sm.metrics {
                        out.push(line(&rm.resource, &sm.scope, m));
                    }
                }
            }
        }
        Payload::Profiles(_) => {}
    }
    out
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

/// The items of every payload of an OTLP/JSON lines file, of one signal, sorted.
pub fn file_items(path: &Path, signal: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let p = Payload::from_json(line).expect("the file exporter writes OTLP/JSON");
        if runtime::signal::signal_of(&p).name() == signal {
            out.extend(items(&p));
        }
    }
    out.sort();
    out
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// A loopback address nothing listens on (yet).
pub fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").to_string()
}
