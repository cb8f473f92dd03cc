//! Signatures (ottl-types) and implementations (ottl-jit) match one to one: every
//! implementation names a signature of the same kind, and the signatures without an
//! implementation yet are listed in a reviewed snapshot, so the list only shrinks on purpose.

use std::path::Path;

use ottl_jit::funcs::{IMPLEMENTATIONS, Implementation};
use ottl_types::functions::{self, SIGNATURES};

#[test]
fn implementations_match_signatures() {
    for (name, implementation) in IMPLEMENTATIONS {
        let sig = functions::lookup(name).unwrap_or_else(|| panic!("`{name}` has no signature"));
        let is_editor = matches!(implementation, Implementation::Editor(_));
        assert_eq!(sig.is_editor(), is_editor, "`{name}`: editor/converter kind differs from its signature");
    }
    let mut names: Vec<&str> = IMPLEMENTATIONS.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "a function is implemented twice");
}

#[test]
fn unimplemented_functions_are_listed() {
    let missing: Vec<&str> =
        SIGNATURES.iter().map(|s| s.name).filter(|n| ottl_jit::funcs::lookup(n).is_none()).collect();
    let report = format!(
        "{} of {} functions implemented; not yet:\n{}\n",
        SIGNATURES.len() - missing.len(),
        SIGNATURES.len(),
        missing.join("\n")
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/exec"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("unimplemented_functions", report));
}
