//! Parsing never fails: a statement with several mistakes still yields a tree (with `Error`
//! nodes where recovery skipped tokens) and one diagnostic per mistake.

use ottl_syntax::ast::{ArgValue, ValueKind};
use ottl_syntax::parse_statement;

#[test]
fn broken_arguments_keep_the_rest_of_the_tree() {
    let p = parse_statement("set(x, 1-1, Foo(a b), y) where a == == 1");
    let codes: Vec<&str> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E107", "E105", "E105"]);
    let tree = p.tree.expect("a tree despite the errors");
    let args = &tree.editor.args;
    assert_eq!(args.len(), 4);
    assert!(matches!(&args[1].value, ArgValue::Value(v) if v.kind == ValueKind::Error));
    assert!(matches!(&args[3].value, ArgValue::Value(v) if matches!(v.kind, ValueKind::Path(_))));
    assert!(tree.condition.is_some());
}
