//! `testdata/diagnostics/`: one fixture per registered code, which must produce that code.

use std::path::Path;

use ottl_syntax::codes::REGISTRY;
use ottl_syntax::diagnostics::render_plain;
use ottl_syntax::source;
use ottl_types::source::{check_ottl_file, check_yaml};

#[test]
fn every_code_has_a_fixture_that_produces_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/diagnostics");
    let mut failures = Vec::new();
    for info in REGISTRY.iter().filter(|i| !i.retired) {
        let stem = format!("{}_{}", info.code, info.slug);
        let path = ["ottl", "yaml"].iter().map(|ext| dir.join(format!("{stem}.{ext}"))).find(|p| p.exists());
        let Some(path) = path else {
            failures.push(format!("{stem}: no fixture (add {stem}.ottl)"));
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let diagnostics = if path.extension().is_some_and(|e| e == "yaml") {
            check_yaml(&text)
        } else {
            check_ottl_file(&source::split(&text))
        };
        if !diagnostics.iter().any(|d| d.code == info.code) {
            let got: Vec<_> = diagnostics.iter().map(|d| d.code.as_str()).collect();
            failures.push(format!("{stem}: expected {}, got {got:?}", info.code));
            continue;
        }
        let rendered: Vec<String> = diagnostics.iter().map(|d| render_plain(&text, d)).collect();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(stem.clone(), format!("{text}\n{}", rendered.join("\n"))));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
