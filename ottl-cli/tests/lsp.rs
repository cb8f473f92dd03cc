//! `ottl lsp` driven as an editor drives it: JSON-RPC over the process's stdio. Diagnostics at
//! the right YAML line and column, completion of keys and functions, hover, formatting and a
//! quick fix.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ottl"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ottl lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                let _ = tx.send(serde_json::from_slice(&body).expect("JSON"));
            }
        });
        Client { child, stdin: Some(stdin), messages, next_id: 1, notifications: Vec::new() }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let m = self.messages.recv_timeout(deadline - Instant::now()).expect("a response");
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{m}");
                return m["result"].clone();
            }
            self.notifications.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
        {
            return self.notifications.remove(i)["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let m = self.messages.recv_timeout(deadline - Instant::now()).expect("diagnostics");
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
            self.notifications.push(m);
        }
    }

    /// Replaces the whole document and waits for its diagnostics.
    fn replace(&mut self, uri: &str, version: i32, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ottl", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.as_array().or_else(|| completion["items"].as_array()).cloned().unwrap_or_default();
    items.iter().map(|i| i["label"].as_str().unwrap_or_default().to_string()).collect()
}

const YAML: &str = "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - set(attributes[\"a\"], Concatt([\"x\"], \"-\"))\n";

#[test]
fn an_editor_session() {
    let mut c = Client::start();
    let init = c.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    assert_eq!(init["capabilities"]["textDocumentSync"], 2, "incremental sync");
    c.notify("initialized", json!({}));

    // A YAML configuration with an error: the diagnostic points at the YAML line and column.
    let yaml = "file:///tmp/collector.yaml";
    let diags = c.open(yaml, YAML);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "E400");
    assert_eq!(diags[0]["range"]["start"], json!({"line": 5, "character": 33}));
    assert!(diags[0]["message"].as_str().unwrap_or_default().contains("did you mean `Concat`?"));

    // The quick fix for it, applied as the editor would, clears the diagnostic.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": yaml}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let edit = &actions[0]["edit"]["changes"][yaml][0];
    assert_eq!(actions[0]["title"], "use `Concat`");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": yaml, "version": 2}, "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
    );
    assert_eq!(c.diagnostics(yaml), Vec::<Value>::new(), "fixed");

    // A .ottl file: complete after `set(attributes[` with the keys used in the file.
    let ottl = "file:///tmp/rules.ottl";
    let text = "# context: log\nset(attributes[\"http.method\"], \"GET\")\nset(attributes[\n";
    c.open(ottl, text);
    let keys = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": ottl}, "position": {"line": 2, "character": 15}}),
    );
    assert!(labels(&keys).contains(&"\"http.method\"]".to_string()), "{keys}");

    // Complete a function name: a converter, with a snippet of its parameters.
    c.replace(ottl, 2, "# context: log\nset(attributes[\"x\"], Conc\n");
    let functions = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": ottl}, "position": {"line": 1, "character": 24}}),
    );
    let concat =
        functions.as_array().expect("items").iter().find(|i| i["label"] == "Concat").expect("Concat offered");
    assert_eq!(concat["textEdit"]["newText"], "Concat(${1:Vals}, ${2:Delimiter})$0");
    assert_eq!(concat["insertTextFormat"], 2, "a snippet");

    // Named arguments inside a call.
    c.replace(ottl, 3, "# context: log\nlimit(attributes, 10, prio\n");
    let named = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": ottl}, "position": {"line": 1, "character": 25}}),
    );
    assert!(labels(&named).contains(&"priority_keys = ".to_string()), "{named}");

    // Hover a converter: its signature and docs.
    c.replace(ottl, 4, "set( attributes[\"x\"] ,Concat([\"a\"],\"-\") )\n");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ottl}, "position": {"line": 0, "character": 25}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Concat(Vals []StringLikeGetter, Delimiter string)"),
        "{hover}"
    );

    // Format the file.
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": ottl}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], "set(attributes[\"x\"], Concat([\"a\"], \"-\"))\n", "{edits}");

    let _ = c.request("shutdown", Value::Null);
    // `exit` ends the server even while its input stays open.
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exits");
    assert!(status.success());
}
