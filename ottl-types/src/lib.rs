//! Resolution and static types for OTTL: context schemas, function signatures, the resolver, the
//! type checker and the typed IR every backend consumes.
//!
//! Not built yet (issue 3). The crate exists so that the dependency direction of the workspace
//! (`ottl-cli → runtime → ottl-jit → ottl-types → ottl-syntax`) is fixed from the start.

pub use ottl_syntax as syntax;
