//! Every statement test file under `testdata/exec/` passes on the interpreter, and every other
//! backend (JIT, WASM) produces the same output record or error on every case.

use std::path::{Path, PathBuf};

use ottl_jit::exec::Backend;
use ottl_jit::testfile::{self, Verdict};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("testdata/exec exists").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

#[test]
fn exec_fixtures_pass_on_the_interpreter_and_the_jit_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/exec");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    assert!(!paths.is_empty(), "no fixtures under {}", root.display());
    let (mut passed, mut failures) = (0, Vec::new());
    // Data a function needs from the machine (uap-core's regexes for `UserAgent`) may be absent
    // from a developer's build; CI sets OTTL_REQUIRE_FUNCTION_DATA so nothing is skipped there.
    let required = std::env::var_os("OTTL_REQUIRE_FUNCTION_DATA").is_some();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        if let Some(why) = ["UserAgent"]
            .into_iter()
            .filter(|f| text.contains(&format!("{f}(")))
            .find_map(ottl_jit::funcs::unavailable)
        {
            assert!(!required, "{}: {why}", path.display());
            eprintln!("skipping {}: {why}", path.display());
            continue;
        }
        // go-grok's pattern set is embedded only when the build is given go-grok's source, which
        // CI cannot fetch; OTTL_REQUIRE_GROK_PATTERNS makes these cases mandatory where it can.
        if text.contains("# needs: go-grok patterns") && !matches!(ottl_types::grok::library(), Ok(Some(_))) {
            let why = "the build embeds no go-grok patterns (OTTL_GROK_SOURCE)";
            assert!(std::env::var_os("OTTL_REQUIRE_GROK_PATTERNS").is_none(), "{}: {why}", path.display());
            eprintln!("skipping {}: {why}", path.display());
            continue;
        }
        for (name, verdict) in testfile::run_on(&text, &Backend::ALL) {
            match verdict {
                Verdict::Pass => passed += 1,
                Verdict::Fail(why) => failures.push(format!("{}: {name}\n{why}", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} passed, {} failed:\n\n{}",
        passed,
        failures.len(),
        failures.join("\n\n")
    );
}
