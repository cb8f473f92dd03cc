//! `testdata/check/`: `.ottl` files and Collector configurations checked in full; the snapshot
//! beside each lists every diagnostic.

use std::fmt::Write;
use std::path::Path;

use ottl_syntax::diagnostics::render_plain;
use ottl_syntax::source;
use ottl_types::source::{check_ottl_file, check_yaml};

#[test]
fn check_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/check");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ottl" || e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        // The snapshots are a default build's: one given go-grok's patterns knows `%{IP}`.
        if text.contains("%{") && ottl_types::grok::library().is_ok_and(|l| l.is_some()) {
            eprintln!(
                "skipping {}: its grok diagnostics are a build's without go-grok's patterns",
                path.display()
            );
            continue;
        }
        let diagnostics = if path.extension().is_some_and(|e| e == "yaml") {
            check_yaml(&text)
        } else {
            check_ottl_file(&source::split(&text))
        };
        let mut snap = String::new();
        for d in &diagnostics {
            writeln!(snap, "{}", render_plain(&text, d)).expect("writing to a String");
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.set_omit_expression(true);
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
        settings.bind(|| insta::assert_snapshot!(name, snap));
    }
}
