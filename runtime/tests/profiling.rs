//! The `profiling` receiver end to end: it samples a CPU-bound child process (testdata/profiling/
//! spin.c, built with frame pointers) on the eBPF path and on the `perf_event_open` path, and the
//! child's functions must be among the top frames of what comes out: over OTLP/HTTP (bytes that
//! round-trip through the opentelemetry-proto definitions), as OTLP/JSON lines, and as pprof
//! files that `go tool pprof` opens. OTTL in the pipeline marks the child's resource, and a
//! filter drops a second child.
//!
//! Sampling every process needs root (or `CAP_PERFMON` and `CAP_BPF`). Without it these tests say why
//! they skip; with `OTTL_REQUIRE_PROFILING=1` (set by .ci/run) skipping is a failure.

mod common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{config, out_dir};
use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use prost::Message as _;

/// Says why the test cannot run, failing instead when CI requires it.
fn skip(reason: &str) {
    assert!(
        std::env::var_os("OTTL_REQUIRE_PROFILING").is_none(),
        "OTTL_REQUIRE_PROFILING is set, but: {reason}"
    );
    eprintln!("skipped: {reason} (set OTTL_REQUIRE_PROFILING=1 to make this a failure)");
}

fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
}

/// Builds the spinning child with frame pointers.
fn build_spin(dir: &Path) -> Result<PathBuf, String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/profiling/spin.c");
    let exe = dir.join("spin");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-O0", "-g", "-fno-omit-frame-pointer", "-o"])
        .arg(&exe)
        .arg(&source)
        .status()
        .map_err(|e| format!("cannot run {cc} to build spin.c: {e}"))?;
    if !status.success() {
        return Err(format!("{cc} failed to build spin.c: {status}"));
    }
    Ok(exe)
}

/// An OTLP/HTTP endpoint that keeps the raw bodies it receives.
async fn capture_server() -> (String, Arc<Mutex<Vec<bytes::Bytes>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    let app = axum::Router::new().route(
        "/v1development/profiles",
        axum::routing::post(move |headers: http::HeaderMap, body: bytes::Bytes| {
            let kept = kept.clone();
            async move {
                // The exporter compresses with gzip by default, as the Collector's does.
                let body = if headers.get(http::header::CONTENT_ENCODING).is_some_and(|v| v == "gzip") {
                    let mut raw = Vec::new();
                    flate2::read::GzDecoder::new(body.as_ref()).read_to_end(&mut raw).expect("gzip body");
                    bytes::Bytes::from(raw)
                } else {
                    body
                };
                kept.lock().unwrap().push(body);
                ([(http::header::CONTENT_TYPE, "application/x-protobuf")], Vec::new())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, bodies)
}

fn string_attr<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a str> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s.as_str()),
        _ => None,
    })
}

fn int_attr(attrs: &[KeyValue], key: &str) -> Option<i64> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
        any_value::Value::IntValue(n) => Some(*n),
        _ => None,
    })
}

/// What the child's samples look like in one request: (leaf-first function names, value) per
/// sample, and the child's resource attributes.
fn child_samples(req: &ExportProfilesServiceRequest, pid: u32) -> (Vec<(Vec<String>, i64)>, Vec<KeyValue>) {
    let dict = req.dictionary.as_ref().expect("a dictionary");
    let s = |i: i32| dict.string_table[usize::try_from(i).unwrap()].clone();
    let mut out = Vec::new();
    let mut resource = Vec::new();
    for rp in &req.resource_profiles {
        let attrs = &rp.resource.as_ref().expect("a resource").attributes;
        if int_attr(attrs, "process.pid") != Some(i64::from(pid)) {
            continue;
        }
        resource.clone_from(attrs);
        for p in rp.scope_profiles.iter().flat_map(|s| &s.profiles) {
            let sample_type = p.sample_type.expect("a sample type");
            assert_eq!(
                (s(sample_type.type_strindex), s(sample_type.unit_strindex)),
                ("cpu".into(), "nanoseconds".into())
            );
            assert_eq!(p.period, 1_000_000_000 / 99);
            for sample in &p.samples {
                let stack = &dict.stack_table[usize::try_from(sample.stack_index).unwrap()];
                let names = stack
                    .location_indices
                    .iter()
                    .map(|&l| {
                        let loc = &dict.location_table[usize::try_from(l).unwrap()];
                        loc.lines.first().map_or_else(
                            || format!("{:#x}", loc.address),
                            |line| {
                                s(dict.function_table[usize::try_from(line.function_index).unwrap()]
                                    .name_strindex)
                            },
                        )
                    })
                    .collect();
                out.push((names, sample.values[0]));
            }
        }
    }
    (out, resource)
}

fn profile_spin(mode: &str) {
    if !is_root() {
        return skip(
            "sampling every process needs root (or CAP_PERFMON and CAP_BPF); this test runs as another user",
        );
    }
    if mode == "ebpf" && !runtime::profiling::EBPF_BUILT {
        return skip(
            "this build has no BPF program (clang and libbpf-dev were missing when runtime was built)",
        );
    }
    let dir = out_dir(&format!("profiling-{mode}"));
    let spin = match build_spin(&dir) {
        Ok(exe) => exe,
        Err(e) => return skip(&e),
    };
    let tokio = tokio::runtime::Runtime::new().unwrap();
    tokio.block_on(async {
        let (capture, bodies) = capture_server().await;
        let out = dir.to_string_lossy().into_owned();
        let cfg = config(
            "profiling.yaml",
            &[
                ("MODE", mode),
                ("CAPTURE", &capture),
                ("OUT", &out),
                ("EXE", "spin"),
                ("DROP", "spin_dropped"),
            ],
        );
        let running = runtime::start(&cfg).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(running.sampler("profiling"), Some(mode), "the sampler asked for");
        // Longer than two report intervals: at least one report sees the child running.
        // The same program under another name, which the filter drops.
        let dropped = dir.join("spin_dropped");
        std::fs::copy(&spin, &dropped).expect("copy spin");
        let mut child = std::process::Command::new(&spin).arg("2.5").spawn().expect("spawn spin");
        let mut other = std::process::Command::new(&dropped).arg("2.5").spawn().expect("spawn spin_dropped");
        let pid = child.id();
        let status = tokio::task::spawn_blocking(move || (child.wait(), other.wait())).await.unwrap();
        assert!(status.0.expect("spin runs").success() && status.1.expect("spin_dropped runs").success());
        running.shutdown(Duration::from_secs(20)).await.unwrap();

        // Over the wire: every body decodes, and encodes back to the same bytes.
        let bodies = bodies.lock().unwrap().clone();
        assert!(!bodies.is_empty(), "nothing was exported over OTLP/HTTP");
        let mut samples = Vec::new();
        let mut resources = Vec::new();
        for body in &bodies {
            let req = ExportProfilesServiceRequest::decode(body.as_ref()).expect("a profiles request");
            assert_eq!(req.encode_to_vec(), body.as_ref(), "round trip through opentelemetry-proto");
            let (s, r) = child_samples(&req, pid);
            samples.extend(s);
            if !r.is_empty() {
                resources.push(r);
            }
        }
        assert!(!resources.is_empty(), "no resource for the child (pid {pid})");
        for attrs in &resources {
            assert_eq!(string_attr(attrs, "process.executable.name"), Some("spin"));
            assert_eq!(string_attr(attrs, "profiled.by"), Some("ottl"), "the resource-context statement ran");
            assert_eq!(
                int_attr(attrs, "sampling.period_ns"),
                Some(1_000_000_000 / 99),
                "the profile-context statement ran"
            );
        }
        // The child spins in ottl_spin_inner, called from ottl_spin_outer: the heaviest stacks
        // have the inner function among their top frames and the outer one below it.
        let total: i64 = samples.iter().map(|s| s.1).sum();
        let spinning: i64 = samples
            .iter()
            .filter(|(names, _)| names.iter().take(3).any(|n| n == "ottl_spin_inner"))
            .map(|s| s.1)
            .sum();
        assert!(
            spinning * 2 > total,
            "ottl_spin_inner is a top frame in {spinning} of {total} ns of the child's samples: {samples:?}"
        );
        assert!(
            samples.iter().any(|(names, _)| names.iter().any(|n| n == "ottl_spin_outer")),
            "frame pointers lead to ottl_spin_outer: {samples:?}"
        );

        // Other processes were sampled too (system-wide), and OTTL left them unmarked.
        let json = std::fs::read_to_string(dir.join("profiles.jsonl")).expect("the file exporter's output");
        let mut marked = BTreeMap::new();
        for line in json.lines() {
            let runtime_payload =
                runtime::signal::Signal::Profiles.decode_json(line.as_bytes()).expect("OTLP/JSON");
            let ottl_jit::exec::Payload::Profiles(req) = runtime_payload else { panic!("not profiles") };
            for rp in &req.resource_profiles {
                let attrs = &rp.resource.as_ref().unwrap().attributes;
                let exe = string_attr(attrs, "process.executable.name").unwrap_or("?").to_string();
                marked.insert(exe, string_attr(attrs, "profiled.by").is_some());
            }
        }
        assert_eq!(marked.get("spin"), Some(&true), "{marked:?}");
        assert!(!marked.contains_key("spin_dropped"), "the filter drops the other process: {marked:?}");
        assert!(marked.iter().any(|(exe, m)| exe != "spin" && !m), "other processes, unmarked: {marked:?}");

        check_pprof(&dir.join("pprof"));
    });
}

/// The pprof files are gzipped pprof profiles with the child's function in them, and a pprof
/// tool opens them (`go tool pprof`, when Go is installed; required under CI).
fn check_pprof(dir: &Path) {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("pprof directory").map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no pprof file written");
    let mut found = None;
    for f in &files {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(f).unwrap()).read_to_end(&mut raw).expect("gzip");
        let profile = runtime::profiling::pprof::Profile::decode(raw.as_slice()).expect("a pprof Profile");
        let names: Vec<&str> = profile
            .function
            .iter()
            .map(|func| profile.string_table[usize::try_from(func.name).unwrap()].as_str())
            .collect();
        if names.contains(&"ottl_spin_inner") {
            found = Some(f.clone());
        }
    }
    let found = found.expect("ottl_spin_inner in some pprof file");
    let go = Command::new("go").args(["tool", "pprof", "-top", "-nodecount=20"]).arg(&found).output();
    match go {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "go tool pprof failed: {}", String::from_utf8_lossy(&out.stderr));
            assert!(text.contains("ottl_spin_inner"), "go tool pprof -top:\n{text}");
        }
        Err(e) => skip(&format!(
            "`go tool pprof` is not available ({e}); the pprof file was checked by decoding only"
        )),
    }
}

#[test]
fn ebpf_sampler_finds_the_spinning_function() {
    profile_spin("ebpf");
}

#[test]
fn perf_sampler_finds_the_spinning_function() {
    profile_spin("perf");
}
