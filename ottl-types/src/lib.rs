//! Resolution and static types for OTTL: context schemas, path resolution, enums, context
//! inference and prefix insertion, function signatures, and the checks upstream performs when it
//! binds a statement (and more that it leaves to run time).
//!
//! Nothing here runs OTTL or touches records; the typed IR it produces is what `ottl-jit`'s
//! backends consume.

pub mod charset;
pub mod check;
pub mod complete;
pub mod context;
mod diagnostics;
pub mod functions;
pub mod glob;
pub mod goregex;
pub mod grok;
pub mod hir;
pub mod infer;
pub mod kind;
pub mod locale;
pub mod paths;
pub mod pattern;
pub mod source;
pub mod suggest;
pub mod xpath;

pub use context::ContextId;
pub use kind::Kind;
pub use ottl_syntax as syntax;
