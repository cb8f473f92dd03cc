//! The filter processor's own converters, as filter conditions over a metric: they are not
//! available to transform statements, so the statement fixtures cannot reach them.

use ottl_jit::exec::{Payload, visit};
use ottl_jit::interp;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

const METRICS: &str = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
  {"name":"a","gauge":{"dataPoints":[{"asInt":"1","attributes":[]},{"asInt":"2","attributes":[{"key":"route","value":{"stringValue":"/a"}}]}]}},
  {"name":"b","histogram":{"dataPoints":[{"count":"1","attributes":[{"key":"route","value":{"intValue":"1"}}]}]}},
  {"name":"c","sum":{"dataPoints":[]}}]}]}]}"#;

fn holds(condition: &str) -> Vec<bool> {
    let env = Env { context: ContextId::Metric, mode: PathMode::Unprefixed, component: Component::Filter };
    let tree = ottl_syntax::parse_condition(condition).tree.expect("the condition parses");
    let hir = ottl_types::hir::condition(env, &tree).expect("the condition checks for the filter processor");
    let compiled = interp::condition(&hir).expect("the interpreter runs it");
    let mut payload = Payload::from_json(METRICS).expect("OTLP/JSON");
    let mut out = Vec::new();
    visit(&mut payload, ContextId::Metric, &mut |rec| {
        out.push(compiled.eval(rec).expect("no run-time error"));
        Ok(())
    })
    .expect("the walk completes");
    out
}

#[test]
fn has_attr_key_on_datapoint_looks_at_every_point() {
    assert_eq!(holds(r#"HasAttrKeyOnDatapoint("route")"#), [true, true, false]);
    assert_eq!(holds(r#"HasAttrKeyOnDatapoint("nope")"#), [false, false, false]);
}

#[test]
fn has_attr_on_datapoint_compares_string_values_only() {
    assert_eq!(holds(r#"HasAttrOnDatapoint("route", "/a")"#), [true, false, false]);
    assert_eq!(
        holds(r#"HasAttrOnDatapoint("route", "1")"#),
        [false, false, false],
        "an int 1 is not the string \"1\""
    );
}
