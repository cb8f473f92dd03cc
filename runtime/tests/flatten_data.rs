//! The transform processor's `flatten_data` (`testdata/runtime/flatten_data.yaml`): with the
//! `transform.flatten.logs` gate, each log record runs with its own resource and scope, and the
//! records are grouped again afterwards (`testdata/runtime/flatten_data/{input,expected}.json`).

use std::path::Path;

use ottl_jit::exec::Payload;
use runtime::config::{Config, Processor};
use runtime::gates::FeatureGates;
use runtime::transform::Transform;

fn testdata(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/runtime").join(name)
}

fn payload(name: &str) -> Payload {
    let text = std::fs::read_to_string(testdata(name)).expect("fixture");
    Payload::from_json(&text).expect("OTLP/JSON")
}

#[test]
fn records_get_their_own_resource_and_are_regrouped() {
    let path = testdata("flatten_data.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let gates = FeatureGates::parse(&["transform.flatten.logs"]).expect("known gate");
    let config = Config::parse_with(&path, &text, &gates).unwrap_or_else(|e| panic!("{e}"));
    let Some(Processor::Transform(settings)) = config.processors.get("transform") else {
        panic!("the fixture has a transform processor");
    };
    assert!(settings.flatten_logs);
    let transform = Transform::compile(settings, "transform").expect("compiles");
    let mut data = payload("flatten_data/input.json");
    transform.apply(&mut data, &mut |e| panic!("unexpected error: {e}")).expect("runs");
    let expected = payload("flatten_data/expected.json");
    assert_eq!(data.to_json(), expected.to_json());
}

#[test]
fn without_the_gate_the_configuration_is_refused() {
    let path = testdata("flatten_data.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let errors = Config::parse(&path, &text).expect_err("needs the gate");
    assert!(errors.to_string().contains("transform.flatten.logs"), "{errors}");
}
