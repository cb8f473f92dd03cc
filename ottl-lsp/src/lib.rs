//! The OTTL language server, over `ottl-syntax` and `ottl-types` only.
//!
//! Not built yet (issue 9).

pub use ottl_types as types;
