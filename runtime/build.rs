//! Compiles the `profiling` receiver's BPF program (bpf/profile.bpf.c) with clang when clang
//! and the libbpf headers are there. Without them the runtime still builds: the receiver then
//! samples with `perf_event_open` only, and says so when asked for `mode: ebpf`.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(ottl_bpf)");
    println!("cargo:rerun-if-changed=bpf/profile.bpf.c");
    println!("cargo:rerun-if-env-changed=CLANG");
    println!("cargo:rerun-if-env-changed=OTTL_NO_BPF");
    if std::env::var_os("CARGO_CFG_TARGET_OS").is_some_and(|os| os != "linux")
        || std::env::var_os("OTTL_NO_BPF").is_some()
    {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let object = out.join("profile.bpf.o");
    let clang = std::env::var("CLANG").unwrap_or_else(|_| "clang".to_string());
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    // <asm/types.h> lives in the multiarch include directory on Debian-like systems.
    let multiarch = format!("/usr/include/{arch}-linux-gnu");
    let status = Command::new(&clang)
        .args(["-O2", "-g", "-target", "bpf", "-Wall", "-Werror"])
        .arg(format!("-I{multiarch}"))
        .args(["-c", "bpf/profile.bpf.c", "-o"])
        .arg(&object)
        .status();
    match status {
        Ok(s) if s.success() => println!("cargo:rustc-cfg=ottl_bpf"),
        Ok(s) => println!(
            "cargo:warning=bpf/profile.bpf.c did not compile ({s}); the profiling receiver will use perf_event_open only (install clang and libbpf-dev for the eBPF path)"
        ),
        Err(e) => println!(
            "cargo:warning={clang} not found ({e}); the profiling receiver will use perf_event_open only (install clang and libbpf-dev for the eBPF path)"
        ),
    }
}
