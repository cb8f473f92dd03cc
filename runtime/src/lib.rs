//! The embedded OTLP processing runtime: receivers, batching, processors running compiled OTTL,
//! exporters.
//!
//! Not built yet (issue 7).

pub use ottl_jit as jit;
