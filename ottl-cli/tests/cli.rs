//! The `ottl` binary as a user runs it: exit codes, output streams, files.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn ottl(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ottl"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ottl binary runs");
    if let Some(input) = stdin {
        // The command may exit before reading its input (a rejected statement): a closed pipe
        // is then expected, not a failure.
        let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("ottl exits")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write scratch file");
    path
}

#[test]
fn parse_accepts_and_prints_the_tree() {
    let out = ottl(&["parse", r#"set(attributes["a"], 1 + 2) where name == "x""#], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("Statement 0..45"), "{stdout}");
    assert!(stdout.contains("Math +"), "{stdout}");
    assert!(out.stderr.is_empty());
}

#[test]
fn parse_rejects_with_exit_1_and_a_diagnostic() {
    let out = ottl(&["parse", "set(x, 1-1)"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E107") && stderr.contains("`- 1`"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn parse_reads_stdin_and_prints_json() {
    let out =
        ottl(&["parse", "--kind", "condition", "--json", "-"], Some(r#"IsMatch(body, "a") and x != nil"#));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(json["kind"]["And"].is_array(), "{json}");
}

#[test]
fn parse_value_kind() {
    let out = ottl(&["parse", "--kind", "value", "[1 2]"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("List"));
    let out = ottl(&["parse", "--kind", "value", "a == 1"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("E119"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(ottl(&["parse"], None).status.code(), Some(2));
    assert_eq!(ottl(&["parse", "--kind", "bogus", "x"], None).status.code(), Some(2));
    let out = ottl(&["check", "/nonexistent/file.ottl"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/file.ottl"));
}

#[test]
fn fmt_check_reports_and_fmt_rewrites() {
    let path = scratch("fmt.ottl", "# keep me\nset( x,1 )  # trailing\n\n\nset(y,[1 2])\n");
    let p = path.to_str().expect("utf-8 path");
    let out = ottl(&["fmt", "--check", p], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("would reformat"));
    let out = ottl(&["fmt", p], None);
    assert_eq!(out.status.code(), Some(0));
    let formatted = std::fs::read_to_string(&path).expect("read back");
    assert_eq!(formatted, "# keep me\nset(x, 1)  # trailing\n\nset(y, [1, 2])\n");
    let out = ottl(&["fmt", "--check", p], None);
    assert_eq!(out.status.code(), Some(0), "formatting twice changes nothing");
}

#[test]
fn check_reports_every_error_of_a_file_with_lines() {
    let path = scratch(
        "three.ottl",
        "# context: log\nset(x, 1-1)\nset(y, \"\\d\")\nset(z, 1) where a = 1\nset(attributes[\"ok\"], 1)\n",
    );
    let out = ottl(&["check", "--format", "json", path.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let got: Vec<(u64, u64, &str)> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["column"].as_u64().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(2, 9, "E107"), (3, 9, "E102"), (4, 19, "E108")]);
    assert!(rows[0]["file"].as_str().unwrap().ends_with("three.ottl"));
    assert_eq!(rows[0]["severity"], "error");
}

/// `--context` gives `.ottl` files without a `# context:` line their context; a file's own
/// line still wins.
#[test]
fn check_context_flag() {
    // A span path: clean as a span statement, unknown in the log context.
    let bare = scratch("bare.ottl", "set(attributes[\"x\"], name)\n");
    let headed = scratch("headed.ottl", "# context: span\nset(attributes[\"x\"], name)\n");
    let (bare, headed) = (bare.to_str().expect("utf-8"), headed.to_str().expect("utf-8"));
    assert_eq!(ottl(&["check", "--context", "span", bare], None).status.code(), Some(0));
    let log = ottl(&["check", "--context", "log", "--format", "json", bare], None);
    assert_eq!(log.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&log.stdout).expect("JSON");
    assert_eq!((rows[0]["line"].as_u64(), rows[0]["column"].as_u64()), (Some(1), Some(22)), "{rows}");
    assert_eq!(ottl(&["check", "--context", "log", headed], None).status.code(), Some(0));
    let bad = ottl(&["check", "--context", "logs", bare], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("unknown context `logs`"), "{}", text(&bad.stderr));
}

#[test]
fn check_points_into_yaml() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - 'set(attributes[\"a\"], 1-1)'\n";
    let path = scratch("config.yaml", yaml);
    let out = ottl(&["check", "--format", "json", path.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let e107 =
        rows.as_array().expect("array").iter().find(|r| r["code"] == "E107").expect("the syntax error");
    assert_eq!((e107["line"].as_u64(), e107["column"].as_u64()), (Some(4), Some(32)));
    let human = ottl(&["check", path.to_str().expect("utf-8")], None);
    assert!(text(&human.stderr).contains("config.yaml:4:32"), "{}", text(&human.stderr));
}

const LOGS: &str = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
  {"body":{"stringValue":"a"},"attributes":[{"key":"n","value":{"intValue":"1"}}]},
  {"body":{"stringValue":"b"},"attributes":[{"key":"n","value":{"stringValue":"x"}}]}]}]}]}"#;

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("stdout is JSON")
}

#[test]
fn transform_runs_statements_over_otlp_json_from_stdin() {
    let out = ottl(
        &["transform", "--context", "log", "-s", r#"set(attributes["b"], body) where body == "b""#],
        Some(LOGS),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out.stdout);
    let records = &v["resourceLogs"][0]["scopeLogs"][0]["logRecords"];
    assert_eq!(records[0]["attributes"].as_array().map(Vec::len), Some(1), "the first record is left alone");
    assert_eq!(records[1]["attributes"][1]["key"], "b");
    assert_eq!(records[1]["attributes"][1]["value"]["stringValue"], "b");
}

#[test]
fn transform_propagate_error_names_the_statement_and_exits_1() {
    let path = scratch("logs.json", LOGS);
    let statement = r#"set(attributes["m"], attributes["n"] + 1)"#;
    let out =
        ottl(&["transform", "--context", "log", "-s", statement, path.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("failed to execute statement: {statement}, x must be int64")),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is printed for a failed payload");
}

#[test]
fn transform_ignore_mode_warns_and_continues_and_trace_reports() {
    let statement = r#"set(attributes["m"], attributes["n"] + 1)"#;
    let args = ["transform", "--context", "log", "--error-mode", "ignore", "--trace", "-s", statement];
    let out = ottl(&args, Some(LOGS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("record 0: set(attributes[\"m\"], attributes[\"n\"] + 1): executed"), "{stderr}");
    assert!(stderr.contains("record 1: set(attributes[\"m\"], attributes[\"n\"] + 1): failed"), "{stderr}");
    assert!(stderr.contains("warning: failed to execute statement"), "{stderr}");
    assert!(stderr.contains("    + \"key\": \"m\","), "the trace shows what changed: {stderr}");
    let v = json(&out.stdout);
    assert_eq!(
        v["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"][1]["value"]["intValue"],
        "2"
    );
}

#[test]
fn transform_rejects_bad_statements_before_reading_input() {
    let out = ottl(&["transform", "--context", "log", "-s", r#"set(attributes["a"], Nope(1))"#], Some(LOGS));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Nope"), "{}", text(&out.stderr));
}

#[test]
fn eval_prints_an_any_value() {
    let path = scratch("eval.json", LOGS);
    let args = [
        "eval",
        "--context",
        "log",
        "--input",
        path.to_str().expect("utf-8 path"),
        r#"Concat([body, "!"], "")"#,
    ];
    let out = ottl(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json(&out.stdout), serde_json::json!({"stringValue": "a!"}));
}

#[test]
fn test_command_reports_passed_and_failed() {
    let good = "context: log\ninput: {resourceLogs: [{scopeLogs: [{logRecords: [{attributes: []}]}]}]}\n\
                statements: ['set(attributes[\"a\"], 1)']\nchanged_attributes: {a: 1}\n";
    let bad = good.replace("{a: 1}", "{a: 2}");
    let (g, b) = (scratch("good.yaml", good), scratch("bad.yaml", &bad));
    let out = ottl(&["test", g.to_str().expect("utf-8"), b.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
}

const PROFILES: &str = r#"{"resourceProfiles":[{"scopeProfiles":[{"profiles":[
  {"timeUnixNano":"1700000000000000000","period":"10000000","originalPayload":"AQI="}]}]}],"dictionary":{}}"#;

#[test]
fn transform_reads_and_writes_otlp_json_profiles() {
    let out = ottl(
        &[
            "transform",
            "--context",
            "profile",
            "-s",
            r#"set(period, period * 2) where Hex(original_payload) == "0102""#,
        ],
        Some(PROFILES),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out.stdout);
    let profile = &v["resourceProfiles"][0]["scopeProfiles"][0]["profiles"][0];
    assert_eq!(profile["period"], "20000000", "64-bit integers are strings in OTLP/JSON");
    assert_eq!(profile["timeUnixNano"], "1700000000000000000");
    assert_eq!(profile["originalPayload"], "AQI=", "bytes are base64");
}

#[test]
fn bench_suite_reports_every_workload_on_both_backends() {
    let out = ottl(&["bench", "--suite", "--records", "3", "--runs", "1"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let suite = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/bench/suite.yaml"))
        .expect("the suite file");
    let names: Vec<&str> = suite.lines().filter_map(|l| l.trim().strip_prefix("- name: ")).collect();
    assert!(!names.is_empty());
    assert!(stdout.starts_with("workload") && stdout.contains("jit/interp"), "{stdout}");
    for name in names {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"));
        assert!(line.trim_end().ends_with('x'), "{line}");
    }
    assert!(stdout.contains("geometric mean"), "{stdout}");
}

#[test]
fn bench_file_needs_a_context_and_transform_runs_on_the_jit() {
    let rules = scratch("bench.ottl", "set(attributes[\"dst\"], attributes[\"src\"])\n");
    let out = ottl(&["bench", "-f", rules.to_str().unwrap(), "--records", "2", "--runs", "1"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--context"), "{}", text(&out.stderr));

    let input = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"src","value":{"stringValue":"x"}}]}]}]}]}"#;
    let args = ["transform", "--context", "log", "-s", "set(attributes[\"dst\"], attributes[\"src\"])"];
    let interp = ottl(&[&args[..], &["--backend", "interp"]].concat(), Some(input));
    let jit = ottl(&[&args[..], &["--backend", "jit"]].concat(), Some(input));
    assert!(jit.status.success(), "{}", text(&jit.stderr));
    assert_eq!(text(&interp.stdout), text(&jit.stdout));
    assert!(text(&jit.stdout).contains("\"dst\""));
}

#[test]
fn compile_inspect_and_run_a_module() {
    let rules = scratch(
        "module.ottl",
        "# context: log\nset(attributes[\"dst\"], attributes[\"src\"]) where body == \"hi\"\ndelete_key(attributes, \"src\")\n",
    );
    let module = rules.with_extension("wasm");
    let out = ottl(&["compile", rules.to_str().unwrap(), "-o", module.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&module).expect("the module was written");
    assert!(bytes.starts_with(b"\0asm"), "not a WASM module");

    let out = ottl(&["inspect", module.to_str().unwrap()], None);
    let shown = text(&out.stdout);
    assert!(
        shown.contains("context:    log") && shown.contains("delete_key(attributes, \"src\")"),
        "{shown}"
    );

    let wat = rules.with_extension("wat");
    let out = ottl(&["compile", rules.to_str().unwrap(), "--emit", "wat", "-o", wat.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let wat = std::fs::read_to_string(&wat).expect("the text was written");
    assert!(wat.contains("(import \"ottl\" \"edit\"") && wat.contains("(export \"run\""), "{wat}");

    let input = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},"attributes":[{"key":"src","value":{"stringValue":"x"}}]}]}]}]}"#;
    let from_module = ottl(&["transform", "--module", module.to_str().unwrap()], Some(input));
    assert!(from_module.status.success(), "{}", text(&from_module.stderr));
    let args = ["transform", "--context", "log", "-f", rules.to_str().unwrap()];
    let interp = ottl(&[&args[..], &["--backend", "interp"]].concat(), Some(input));
    let wasm = ottl(&[&args[..], &["--backend", "wasm"]].concat(), Some(input));
    assert_eq!(text(&from_module.stdout), text(&interp.stdout));
    assert_eq!(text(&wasm.stdout), text(&interp.stdout));
    assert!(text(&interp.stdout).contains("\"dst\"") && !text(&interp.stdout).contains("\"src\""));

    // A module is refused with the reason when it was tampered with.
    let mut bad = bytes.clone();
    let at = bad.windows(5).position(|w| w == b"src\\\"").expect("source text");
    bad[at] = b'S';
    let tampered = rules.with_extension("bad.wasm");
    std::fs::write(&tampered, bad).expect("write");
    let out = ottl(&["transform", "--module", tampered.to_str().unwrap()], Some(input));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not match its hash"), "{}", text(&out.stderr));
}

#[test]
fn trace_and_warnings_read_the_same_on_every_backend() {
    let input = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},"attributes":[{"key":"src","value":{"stringValue":"x"}}]},{"body":{"intValue":"3"},"attributes":[]}]}]}]}"#;
    let statements = [
        "-s",
        r#"set(attributes["dst"], attributes["src"]) where body == "hi""#,
        "-s",
        r#"set(attributes["j"], ParseJSON(body)) where IsMatch(body, "^h")"#,
        "-s",
        r#"delete_key(attributes, "src")"#,
    ];
    let run = |backend: &str| {
        let args = [
            &["transform", "--context", "log", "--error-mode", "ignore", "--trace", "--backend", backend][..],
            &statements,
        ]
        .concat();
        let out = ottl(&args, Some(input));
        assert!(out.status.success(), "{backend}: {}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let interp = run("interp");
    assert!(interp.1.contains("condition false, skipped") && interp.1.contains("failed:"), "{}", interp.1);
    for backend in ["jit", "wasm"] {
        assert_eq!(run(backend), interp, "{backend} differs from interp");
    }
}

#[test]
fn compile_a_group_of_a_collector_configuration() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/runtime/upstream_readmes.yaml");
    let module = std::env::temp_dir().join(format!("ottl-config-group-{}.wasm", std::process::id()));
    let module = module.to_str().expect("utf-8");
    let out = ottl(&["compile", config, "-o", module], None);
    assert_eq!(out.status.code(), Some(2), "several groups need --group");
    assert!(
        text(&out.stderr).contains("processors.transform/advanced.log_statements[0]"),
        "{}",
        text(&out.stderr)
    );
    let out = ottl(
        &["compile", config, "--group", "processors.transform/advanced.log_statements[0]", "-o", module],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ottl(&["inspect", module], None);
    let shown = text(&out.stdout);
    assert!(shown.contains("context:    log"), "{shown}");
    assert!(shown.contains("error mode: ignore"), "{shown}");
    assert!(shown.contains("condition:  IsMap(log.body) and log.body[\"object\"] != nil"), "{shown}");
}
