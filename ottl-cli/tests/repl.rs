//! `ottl repl` driven as a terminal program through a pseudo-terminal: load a record, run a
//! statement and see the diff, evaluate an expression, get a diagnostic with a suggestion,
//! complete a path with Tab, and leave. Errors never end the session.

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

#[test]
fn a_session_in_a_terminal() {
    let home = std::env::temp_dir().join(format!("ottl-repl-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("home");
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/repl/logs.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ottl"));
    cmd.arg("repl").arg("--input").arg(&input).env("HOME", &home).env("NO_COLOR", "1").env("TERM", "xterm");
    let options = Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, options).expect("ottl repl starts in a pty");

    // The banner says how to load a record and how to quit.
    p.exp_string(":load FILE").expect("how to load");
    p.exp_string(":quit or Ctrl-D quits").expect("how to quit");
    p.exp_string("2 log record(s); this is record 0").expect("the input loaded");
    p.exp_string("log[0]> ").expect("a prompt");

    // A statement: the diff of the record.
    p.send_line(r#"set(attributes["x"], "y")"#).expect("send");
    p.exp_string(r#"+                   "key": "x","#).expect("the diff shows the new attribute");
    p.exp_string("log[0]> ").expect("prompt");

    // An expression: its value and kind.
    p.send_line(r#"Concat(["a", "b"], "-")"#).expect("send");
    p.exp_string(r#"{"stringValue":"a-b"}"#).expect("the value");
    p.exp_string(": string").expect("the kind");

    // A misspelled function: the diagnostic, with a suggestion; the session goes on.
    p.send_line(r#"Concatt(["a"], "-")"#).expect("send");
    p.exp_string("undefined function `Concatt`").expect("the diagnostic");
    p.exp_string("did you mean `Concat`?").expect("the suggestion");
    p.exp_string("log[0]> ").expect("still running");

    // Tab completes a path; the completed path evaluates to the resource's attributes.
    p.send("resource.attri").expect("send");
    p.send("\t").expect("tab");
    p.send_line("").expect("enter");
    p.exp_string(r#""key":"service.name""#).expect("the completed path ran");

    // Another record, and the record's own attribute keys complete inside `["`.
    p.send_line(":record 1").expect("send");
    p.exp_string("log[1]> ").expect("record 1");
    p.send(r#"attributes["err"#).expect("send");
    p.send("\t").expect("tab");
    p.send_line("").expect("enter");
    p.exp_string(r#"{"stringValue":"timeout"}"#).expect("the completed key ran");

    p.send_line(":quit").expect("send");
    p.exp_eof().expect("the repl exits");
}

/// The commands, fed on standard input (no terminal): backends, undo, save, context switches,
/// and errors that leave the session running.
#[test]
fn commands_from_standard_input() {
    use std::io::Write as _;
    let dir = std::env::temp_dir().join(format!("ottl-repl-stdin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let saved = dir.join("saved.ottl");
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/repl/logs.json");
    let script = format!(
        ":backend jit\nset(attributes[\"x\"], Concat([body, \"!\"], \"\"))\n:backend wasm\nset(severity_text, \"W\") where severity_number == 9\n:undo\n:save {}\n:context nope\n:record 9\n:bogus\nset(attributes[\"n\"], 1\n)\n:trace on\nset(body, \"z\") where severity_number == 1\n:context span\n:record 1\n:quit\n",
        saved.display()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_ottl"))
        .arg("repl")
        .arg("--input")
        .arg(&input)
        .env("HOME", &dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    child.stdin.take().expect("stdin").write_all(script.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("exits");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for expected in [
        "statements run on jit",
        r#""stringValue": "GET /cart 200!""#,
        "statements run on wasm",
        r#"+               "severityText": "W","#,
        "undone",
        "wrote 1 statement(s)",
        "error: unknown context `nope`",
        "error: there is no log record 9",
        "error: unknown command `:bogus`",
        r#""key": "n","#,
        "trace: set(body, \"z\") where severity_number == 1 skipped: its condition is false",
        "context span: an empty record",
        "error: nothing is loaded",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let saved = std::fs::read_to_string(&saved).expect("saved");
    assert_eq!(saved, "# context: log\nset(attributes[\"x\"], Concat([body, \"!\"], \"\"))\n");
}
