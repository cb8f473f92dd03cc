//! Embeds go-grok's pattern set, the one `ExtractGrokPatterns` expands names such as `%{IP}`
//! with, when the build is given go-grok's source: `OTTL_GROK_SOURCE` names the module's root
//! (the folder holding `grok.go` and `patterns/`, as in Go's module cache:
//! `$(go env GOMODCACHE)/github.com/elastic/go-grok@v0.3.1`). The files are embedded as they
//! are and read when a pattern is first expanded (`grok::library`). Without them the crate
//! still builds, and a pattern can use only the names its statement defines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    println!("cargo::rerun-if-env-changed=OTTL_GROK_SOURCE");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = match env::var_os("OTTL_GROK_SOURCE").filter(|s| !s.is_empty()) {
        Some(root) => embed(Path::new(&root)),
        None => "/// Not embedded: the build was not given go-grok's source (`OTTL_GROK_SOURCE`).\n\
                 pub const GO_GROK: Option<GoGrokSource> = None;\n"
            .to_string(),
    };
    write_if_changed(&out.join("go_grok.rs"), &generated);
}

/// The generated constant for the go-grok module at `root`; a root without go-grok's files
/// fails the build, naming what is missing.
fn embed(root: &Path) -> String {
    let grok_go = root.join("grok.go");
    let patterns = root.join("patterns");
    let fail = |what: &str| -> ! {
        panic!("OTTL_GROK_SOURCE={}: {what} (it must name go-grok's module root)", root.display())
    };
    if !grok_go.is_file() {
        fail("there is no grok.go");
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&patterns)
        .unwrap_or_else(|e| fail(&format!("cannot read patterns/: {e}")))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "go") && !p.to_string_lossy().ends_with("_test.go"))
        .collect();
    files.sort();
    if files.is_empty() {
        fail("patterns/ holds no .go file");
    }
    println!("cargo::rerun-if-changed={}", grok_go.display());
    println!("cargo::rerun-if-changed={}", patterns.display());
    let mut entries = String::new();
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let _ = writeln!(entries, "        ({name:?}, include_str!({:?})),", f.display().to_string());
    }
    format!(
        "/// go-grok's source, embedded from `{root}` at build time (`OTTL_GROK_SOURCE`).\n\
         pub const GO_GROK: Option<GoGrokSource> = Some(GoGrokSource {{\n    \
             root: {root:?},\n    \
             grok_go: include_str!({grok:?}),\n    \
             patterns: &[\n{entries}    ],\n\
         }});\n",
        root = root.display().to_string(),
        grok = grok_go.display().to_string(),
    )
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).expect("write generated source");
    }
}
