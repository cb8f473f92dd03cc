//! The OTTL front end: text ranges, tokens, the parser, the syntax tree, diagnostics, source files
//! (`.ottl` and Collector YAML) and the formatter.
//!
//! Parsing never fails: every entry point returns a [`Parsed`] holding the tree (when one could be
//! built) and the diagnostics. Nothing here knows contexts, functions or types; that is
//! `ottl-types`.

pub mod ast;
pub mod codes;
mod cst;
pub mod diagnostics;
pub mod dump;
pub mod format;
pub mod lexer;
mod lower;
mod parser;
pub mod shape;
pub mod source;
pub mod text;
pub mod visit;
pub mod yaml;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_qualifications,
    rust_2018_idioms,
    missing_debug_implementations
)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/ottl.rs"));
}

pub use diagnostics::{Diagnostic, Severity};
pub use parser::{Parsed, parse_condition, parse_statement, parse_value, syntax_diagnostics};
pub use shape::Entry;
pub use text::{LineCol, LineIndex, TextRange};
