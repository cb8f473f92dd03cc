//! `route()` (routing connector): does nothing to the record. The connector runs
//! `route() where <condition>` and routes the data when the condition held, which the statement's
//! outcome reports.

use crate::interp::{CCall, Error};
use crate::record::Record;

#[expect(clippy::unnecessary_wraps, reason = "every editor has the same signature")]
pub fn run(_: &CCall, _: &mut Record<'_>) -> Result<(), Error> {
    Ok(())
}
