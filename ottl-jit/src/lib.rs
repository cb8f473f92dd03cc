//! Execution for OTTL over the typed IR of `ottl-types`: run-time values, upstream's comparison
//! and arithmetic semantics, and (as they land) the interpreter, the Cranelift and WASM backends,
//! the standard library and record access over OTLP data.

pub mod bench;
pub mod compare;
#[cfg(test)]
mod conformance;
pub mod differential;
pub mod exec;
pub mod funcs;
mod go;
mod go_printable;
mod go_url;
pub mod interp;
pub mod jit;
pub mod json;
mod localized;
pub mod math;
mod nonfinite;
mod profiles_json;
pub mod record;
mod record_metrics;
mod record_profiles;
mod strptime;
pub mod testfile;
pub mod time;
pub mod value;
pub mod wasm;
pub mod xml;

pub use go::parse_duration;
pub use ottl_types as types;
pub use record_metrics::data_point_count;
pub use value::Value;
