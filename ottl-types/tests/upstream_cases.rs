//! Upstream's own cases for context inference and context-prefix insertion
//! (`testdata/conformance/{context_inference,prefix_insertion}.json`), reproduced exactly.

use std::fmt::Write;
use std::path::Path;

use ottl_syntax::{parse_condition, parse_statement};
use ottl_types::infer::{self, Candidate, Hints, PathCollector};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/conformance").join(name);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
    json["cases"].as_array().expect("cases").clone()
}

struct Dummy(Value);

impl Candidate for Dummy {
    fn has_function(&self, _: &str) -> bool {
        self.0["functions"].as_bool().expect("bool")
    }

    fn has_enum(&self, _: &str) -> bool {
        self.0["enums"].as_bool().expect("bool")
    }

    fn lower_contexts(&self) -> Vec<String> {
        self.0["lower"]
            .as_array()
            .expect("list")
            .iter()
            .map(|v| v.as_str().expect("str").to_string())
            .collect()
    }
}

#[test]
fn context_inference_matches_upstream() {
    let mut failures = Vec::new();
    for case in load("context_inference.json") {
        let mut hints = Hints::default();
        for text in case["texts"].as_array().expect("texts") {
            let text = text.as_str().expect("str");
            if case["kind"] == "statement" {
                hints.add_statement(&parse_statement(text).tree.expect("upstream's statements parse"));
            } else {
                hints.add_condition(&parse_condition(text).tree.expect("upstream's conditions parse"));
            }
        }
        let priority: Vec<&str> = match case["priority"].as_array() {
            Some(p) => p.iter().map(|v| v.as_str().expect("str")).collect(),
            None => infer::DEFAULT_PRIORITY.to_vec(),
        };
        let candidates: Vec<(String, Dummy)> = case["candidates"]
            .as_object()
            .expect("map")
            .iter()
            .map(|(k, v)| (k.clone(), Dummy(v.clone())))
            .collect();
        let got = infer::infer_name(&hints, &priority, |name| {
            candidates.iter().find(|(k, _)| k == name).map(|(_, d)| d)
        });
        if got != case["expected"].as_str().expect("str") {
            failures.push(format!("{}: expected {:?}, got {got:?}", case["texts"], case["expected"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn prefix_insertion_matches_upstream() {
    let mut failures = Vec::new();
    for case in load("prefix_insertion.json") {
        let text = case["text"].as_str().expect("str");
        let names: Vec<&str> =
            case["names"].as_array().expect("names").iter().map(|v| v.as_str().expect("str")).collect();
        let context = case["context"].as_str().expect("str");
        let got = if case["kind"] == "statement" {
            let tree = parse_statement(text).tree.expect("parses");
            infer::prefix_paths(text, &PathCollector::statement(&tree), context, &names)
        } else {
            let tree = parse_condition(text).tree.expect("parses");
            infer::prefix_paths(text, &PathCollector::condition(&tree), context, &names)
        };
        if got != case["expected"].as_str().expect("str") {
            failures.push(format!("`{text}`: expected `{}`, got `{got}`", case["expected"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Upstream's end-to-end statements run on the log parser (no context names required): each must
/// resolve without a diagnostic.
#[test]
fn upstream_e2e_statements_check_clean_in_the_log_context() {
    use ottl_types::check::{self, Component, Env};
    use ottl_types::context::ContextId;
    use ottl_types::paths::PathMode;

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/conformance/e2e_statements.tsv");
    let env = Env {
        context: ContextId::Log,
        mode: PathMode::Unprefixed,
        component: Component::TransformStatements,
    };
    let mut failures = Vec::new();
    for line in std::fs::read_to_string(path).expect("readable").lines().filter(|l| !l.starts_with('#')) {
        let (_, text) = line.split_once('\t').expect("tab");
        let tree = parse_statement(text).tree.expect("parses");
        for d in check::statement(env, &tree) {
            failures.push(format!("`{text}`: {} {}", d.code, d.message));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every upstream e2e statement lowers to the typed IR; the rendering is snapshotted.
#[test]
fn upstream_e2e_statements_lower_to_hir() {
    use ottl_types::check::{Component, Env};
    use ottl_types::context::ContextId;
    use ottl_types::hir;
    use ottl_types::paths::PathMode;

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/conformance");
    let env = Env {
        context: ContextId::Log,
        mode: PathMode::Unprefixed,
        component: Component::TransformStatements,
    };
    let mut rendered = String::new();
    for line in std::fs::read_to_string(dir.join("e2e_statements.tsv")).expect("readable").lines() {
        let Some((_, text)) = line.split_once('\t').filter(|_| !line.starts_with('#')) else { continue };
        let tree = parse_statement(text).tree.expect("parses");
        match hir::statement(env, &tree, text) {
            Ok(s) => writeln!(rendered, "{text}\n  {}", hir::render(&s)).expect("writing to a String"),
            Err(d) => {
                panic!("`{text}` does not lower: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>())
            }
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("e2e_statements_hir", rendered));
}
