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
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
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
