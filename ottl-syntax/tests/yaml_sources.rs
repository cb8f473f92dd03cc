//! `testdata/yaml/*.yaml`: OTTL found in Collector configurations, with diagnostics mapped back to
//! the YAML file's lines and columns.

mod common;

use std::fmt::Write;

use ottl_syntax::diagnostics::render_plain;
use ottl_syntax::{LineIndex, yaml};

#[test]
fn yaml_fixtures() {
    for path in common::files(&common::testdata().join("yaml"), "yaml") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let index = LineIndex::new(&text);
        let mut snap = String::from("## Snippets\n");
        for s in yaml::extract(&text).expect("valid YAML") {
            let at = index.line_col(&text, s.range().start);
            let ctx = s.context.as_ref().map_or("-", |c| c.0.as_str());
            writeln!(
                snap,
                "{}:{} {} {:?} context={ctx}\n  {}",
                at.line,
                at.column,
                s.key_path,
                s.entry,
                s.text.replace('\n', "\n  ")
            )
            .ok();
            // The mapped range must cover exactly the scalar's text in the file for plain one-line
            // scalars; for every style it must stay inside the file and be ordered.
            let r = s.range();
            assert!(r.start <= r.end && r.end as usize <= text.len(), "{}: range {r:?}", s.key_path);
        }
        snap.push_str("## Diagnostics\n");
        for d in yaml::check(&text) {
            writeln!(snap, "{}", render_plain(&text, &d)).ok();
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(path.parent().expect("parent"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.set_omit_expression(true);
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
        settings.bind(|| insta::assert_snapshot!(name, snap));
    }
}

/// Each scalar style's diagnostic lands on the right YAML line and column.
#[test]
fn diagnostics_point_into_each_scalar_style() {
    let text = std::fs::read_to_string(common::testdata().join("yaml/scalar_styles.yaml")).expect("readable");
    let index = LineIndex::new(&text);
    let found: Vec<(u32, u32, &str)> = yaml::check(&text)
        .iter()
        .map(|d| {
            let lc = index.line_col(&text, d.range().start);
            (lc.line, lc.column, d.code.as_str())
        })
        .collect();
    let expected = [
        (8, 31, "E108"),  // plain condition: `=`
        (10, 39, "E107"), // plain: `-1`
        (11, 40, "E114"), // single-quoted: ''quoted''
        (12, 44, "E102"), // double-quoted: \\d
        (15, 55, "E106"), // literal block: nothing after `==`
        (18, 38, "E110"), // folded block: httpMethod
        (20, 14, "E107"), // multi-line plain: `-1`
    ];
    assert_eq!(found, expected);
}
