//! Compiles `grammar/ottl.lalrpop` (at the workspace root) into the parser module.

fn main() {
    let grammar = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../grammar");
    println!("cargo:rerun-if-changed={}", grammar.join("ottl.lalrpop").display());
    lalrpop::Configuration::new()
        .set_in_dir(&grammar)
        .set_out_dir(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .emit_rerun_directives(true)
        .process()
        .expect("grammar/ottl.lalrpop must compile");
}
