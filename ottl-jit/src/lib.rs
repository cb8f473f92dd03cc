//! Execution backends for OTTL (interpreter, Cranelift, WASM) over the typed IR of `ottl-types`.
//!
//! Not built yet (issues 4–6).

pub use ottl_types as types;
