//! `ottl run` and `ottl loadgen` as processes: configuration errors stop the start, and SIGTERM
//! under load flushes everything the runtime accepted.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn ottl() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ottl"));
    c.env("NO_COLOR", "1");
    c
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-run-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_bad_configuration_names_file_line_and_key_and_nothing_starts() {
    let dir = scratch_dir("bad");
    let path = dir.join("bad.yaml");
    std::fs::write(
        &path,
        "receivers:\n  otlp:\n    protocols:\n      grpc:\nprocessors:\n  batch:\n    timeout: soon\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], Concat([\"x\"]))\nexporters:\n  debug:\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      processors: [batch, transform]\n      exporters: [debug]\n",
    )
    .expect("write");
    for dry in [true, false] {
        let mut cmd = ottl();
        cmd.args(["run", "--config"]).arg(&path);
        if dry {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("bad.yaml:7:14: processors.batch.timeout: expected a duration"), "{stderr}");
        assert!(
            stderr.contains(
                "bad.yaml:10:34: processors.transform.log_statements[0]: incorrect number of arguments"
            ),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was started"), "{stderr}");
    }
}

#[test]
fn dry_run_of_the_embedded_default_lists_its_pipelines() {
    let out = ottl().args(["run", "--dry-run"]).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("pipeline logs: otlp → batch → debug"), "{stdout}");
    assert!(stdout.contains("configuration OK"), "{stdout}");
}

#[test]
fn feature_gates_turn_on_what_the_configuration_needs() {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/runtime/flatten_data.yaml");
    let run = |gates: &[&str]| {
        let mut cmd = ottl();
        cmd.args(["run", "--dry-run", "--config"]).arg(&config).args(gates);
        cmd.output().expect("runs")
    };
    let out = run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("requires the 'transform.flatten.logs' feature gate"), "{stderr}");
    let out = run(&["--feature-gates=transform.flatten.logs"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["--feature-gates=transform.flatten.log"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr.contains("no such feature gate `transform.flatten.log`"), "{stderr}");
}

/// Starts `ottl run` and returns it with the gRPC address it printed.
fn start(config: &std::path::Path) -> (Child, String) {
    let mut child = ottl()
        .args(["run", "--config"])
        .arg(config)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("ottl run starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(addr) = line.split("OTLP/grpc listening on ").nth(1) {
                let _ = tx.send(addr.to_string());
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).expect("the runtime reports its address");
    (child, addr)
}

#[test]
fn sigterm_under_load_flushes_everything_accepted() {
    let dir = scratch_dir("sigterm");
    let config = dir.join("config.yaml");
    let out = dir.join("out.jsonl");
    std::fs::write(
        &config,
        format!(
            "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:0\nprocessors:\n  batch:\n    send_batch_size: 5000\n    timeout: 10s\n  transform:\n    log_statements:\n      - set(log.attributes[\"user\"], log.attributes[\"user.email\"])\n      - delete_key(log.attributes, \"user.email\")\nexporters:\n  file:\n    path: {}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      processors: [transform, batch]\n      exporters: [file]\n",
            out.display()
        ),
    )
    .expect("write");
    let (runtime, addr) = start(&config);
    let load = ottl()
        .args(["loadgen", "--endpoint", &addr, "--duration", "4s", "--workers", "4", "--batch", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("loadgen starts");
    std::thread::sleep(Duration::from_millis(1500));
    // SIGTERM while the load runs and a batch (10s timeout) is still open.
    let killed = Command::new("kill").args(["-TERM", &runtime.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = runtime.wait_with_output().expect("the runtime exits");
    assert_eq!(status.status.code(), Some(0), "a clean shutdown");
    let load = load.wait_with_output().expect("loadgen exits");
    let report = String::from_utf8_lossy(&load.stdout);
    // "sent N items in R requests over Ts: A accepted (...), ..."
    let accepted: u64 = report
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!("a report: {report} (loadgen {}: {})", load.status, String::from_utf8_lossy(&load.stderr))
        });
    assert!(accepted > 0, "{report}");
    let text = std::fs::read_to_string(&out).expect("the file exporter wrote");
    let written: usize = text.lines().map(|l| l.matches("\"severityNumber\"").count()).sum();
    assert_eq!(written as u64, accepted, "everything accepted was flushed, nothing twice ({report})");
    assert!(!text.contains("user.email"), "the transform ran");
}

/// Without the privileges to sample, the profiling receiver stops the start and says what to
/// install or enable for each sampler. As root, the test drops to `nobody` with setpriv.
#[test]
fn profiling_without_privileges_says_why() {
    let dir = std::env::temp_dir().join(format!("ottl-profiling-noperm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("profiling.yaml");
    std::fs::write(
        &config,
        "receivers:\n  profiling:\nexporters:\n  debug:\nservice:\n  pipelines:\n    profiles:\n      receivers: [profiling]\n      exporters: [debug]\n",
    )
    .unwrap();
    let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid").unwrap_or_default();
    if paranoid.trim().parse::<i32>().is_ok_and(|p| p <= 0) {
        eprintln!(
            "skipped: kernel.perf_event_paranoid <= 0 lets anyone sample, so there is no refusal to see"
        );
        return;
    }
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let ottl = env!("CARGO_BIN_EXE_ottl");
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", ottl]);
        c
    } else {
        Command::new(ottl)
    };
    let out = cmd.args(["run", "--config"]).arg(&config).output().expect("ottl runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("receivers.profiling: no sampler could start"), "{stderr}");
    assert!(stderr.contains("eBPF:"), "{stderr}");
    assert!(stderr.contains("sysctl kernel.perf_event_paranoid=0"), "{stderr}");
}
