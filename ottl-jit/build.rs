//! Embeds the user-agent regexes `UserAgent` needs (uap-core's `regexes.yaml`) when the machine
//! has them: `OTTL_UAP_REGEXES` names the file, else Debian's `uap-core` package's copy is used.
//! Without them the crate still builds and `UserAgent` is refused at compile time with a
//! diagnostic saying how to get them.

use std::path::{Path, PathBuf};
use std::{env, fs};

const DEBIAN_PATH: &str = "/usr/share/uap-core/regexes.yaml";

fn main() {
    println!("cargo::rerun-if-env-changed=OTTL_UAP_REGEXES");
    println!("cargo::rerun-if-changed={DEBIAN_PATH}");
    let source = env::var_os("OTTL_UAP_REGEXES").map_or_else(|| PathBuf::from(DEBIAN_PATH), PathBuf::from);
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = if source.is_file() {
        println!("cargo::rerun-if-changed={}", source.display());
        let copy = out.join("uap-regexes.yaml");
        fs::copy(&source, &copy).expect("copy the uap-core regexes into OUT_DIR");
        format!(
            "/// uap-core's `regexes.yaml`, embedded from `{}` at build time.\n\
             pub const REGEXES: Option<&str> = Some(include_str!({:?}));\n",
            source.display(),
            copy.display()
        )
    } else {
        "/// Not embedded: no uap-core `regexes.yaml` was found at build time.\n\
         pub const REGEXES: Option<&str> = None;\n"
            .to_string()
    };
    write_if_changed(&out.join("uap.rs"), &generated);
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).expect("write generated source");
    }
}
