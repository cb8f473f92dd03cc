//! `testdata/runtime/config_errors/`: configurations that must not start; the snapshot beside
//! each lists every error with its file, line, column and key.

use std::path::Path;

use runtime::config::Config;

/// The `.yaml` fixtures of a folder under `testdata/runtime/`, sorted: each with its name and text.
fn fixtures(folder: &str) -> Vec<(std::path::PathBuf, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/runtime").join(folder);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
            (path, name, text)
        })
        .collect()
}

/// Snapshots `report` beside the fixture at `path`, named `name`.
fn snapshot(path: &Path, name: &str, report: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(path.parent().expect("a folder"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name.to_string(), report));
}

#[test]
fn config_errors() {
    for (path, name, text) in fixtures("config_errors") {
        let Err(errors) = Config::parse(Path::new(&format!("{name}.yaml")), &text) else {
            panic!("{name}: the configuration was accepted");
        };
        snapshot(&path, &name, &errors.to_string());
    }
}

/// `testdata/runtime/config_warnings/`: configurations that start, with OTTL warnings that are
/// logged at start (the snapshot beside each lists them).
#[test]
fn config_warnings() {
    for (path, name, text) in fixtures("config_warnings") {
        let config = Config::parse(Path::new(&format!("{name}.yaml")), &text)
            .unwrap_or_else(|e| panic!("{name}: the configuration was refused: {e}"));
        runtime::Compiled::new(&config).unwrap_or_else(|e| panic!("{name}: does not compile: {e}"));
        assert!(!config.warnings.is_empty(), "{name}: no warnings");
        let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
        snapshot(&path, &name, &warnings.join("\n"));
    }
}

/// Every fixture configuration that is meant to run loads and compiles.
#[test]
fn runnable_fixtures_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/runtime");
    let module = std::env::temp_dir().join(format!("ottl-fixture-{}.wasm", std::process::id()));
    let statements = ["set(attributes[\"a\"], 1)".to_string()];
    let bytes = ottl_jit::wasm::compile_module(
        ottl_types::context::ContextId::Log,
        &statements,
        &[],
        ottl_jit::interp::ErrorMode::Propagate,
    )
    .expect("compiles");
    std::fs::write(&module, bytes).expect("write");
    for entry in std::fs::read_dir(&dir).expect("folder exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        // Fixtures that read files made by their own test (certificates) load there.
        if text.contains("{{DIR}}") {
            continue;
        }
        let text = text
            .replace("{{QUEUE}}", "10")
            .replace("{{MODULE}}", &module.display().to_string())
            .replace("{{MODE}}", "perf");
        // With every feature gate on: a fixture that needs one is run by its own test with it.
        match Config::parse_with(&path, &text, &runtime::gates::FeatureGates::all()) {
            Ok(config) => {
                if let Err(e) = runtime::Compiled::new(&config) {
                    panic!("{}: {e}", path.display());
                }
            }
            Err(e) => panic!("{e}"),
        }
    }
}
