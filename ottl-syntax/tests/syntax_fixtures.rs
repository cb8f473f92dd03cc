//! `testdata/syntax/{ok,err}/**/*.ottl`: each file is parsed snippet by snippet and compared with
//! the insta snapshot beside it (`## AST` for ok fixtures, `## Errors` for err fixtures).
//!
//! Every ok fixture must parse without errors, round-trip through the formatter to the same tree,
//! and format idempotently; an err fixture must produce at least one error (its snapshot shows
//! which lines). All
//! fixtures must have ranges nested and in bounds.

mod common;

use std::fmt::Write;
use std::path::Path;

use ottl_syntax::diagnostics::render_plain;
use ottl_syntax::{LineIndex, format, source};

fn snapshot_for(path: &Path, expect_ok: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file = source::split(&text);
    let index = LineIndex::new(&text);
    let mut ast = String::new();
    let mut any_error = false;
    let mut errors = String::new();
    for snippet in file.snippets() {
        let out = common::parse(file.entry, &snippet.text);
        if let Some(json) = &out.json {
            common::check_ranges(json, snippet.text.len() as u32)?;
        }
        let line = index.line_col(&text, snippet.range.start).line;
        if expect_ok {
            if out.has_error() {
                let rendered: Vec<String> =
                    out.diagnostics.iter().map(|d| render_plain(&snippet.text, d)).collect();
                return Err(format!("line {line} should parse:\n{}", rendered.join("\n")));
            }
            let dump = out.dump.as_deref().ok_or("no tree")?;
            let formatted = format::verify(file.entry, &snippet.text)
                .map_err(|e| format!("line {line}: {e}"))?
                .ok_or("no formatted text")?;
            writeln!(ast, "# line {line}: {formatted}\n{dump}").ok();
        } else {
            any_error |= out.has_error();
            for d in &out.diagnostics {
                let shifted = d.clone().shifted(snippet.range.start);
                writeln!(errors, "{}", render_plain(&text, &shifted)).ok();
            }
        }
    }
    if !expect_ok && !any_error {
        return Err("an err fixture must be rejected".into());
    }
    let body = if expect_ok { format!("## AST\n{ast}") } else { format!("## Errors\n{errors}") };
    Ok(format!("## Input\n{text}\n{body}"))
}

fn run(kind: &str, expect_ok: bool) {
    let dir = common::testdata().join("syntax").join(kind);
    let files = common::files(&dir, "ottl");
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        match snapshot_for(path, expect_ok) {
            Ok(snap) => {
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path(path.parent().expect("has a parent"));
                settings.set_prepend_module_to_snapshot(false);
                settings.set_input_file(path);
                settings.set_omit_expression(true);
                let name = path.file_stem().and_then(|s| s.to_str()).expect("utf-8 name").to_string();
                settings.bind(|| insta::assert_snapshot!(name, snap));
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn ok_fixtures() {
    run("ok", true);
}

#[test]
fn err_fixtures() {
    run("err", false);
}
