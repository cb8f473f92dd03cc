//! `copy_metric(name, description, unit)` (transform processor, metric context): appends a copy
//! of the metric to its scope, with the fields given replaced. The copy is visited later in the
//! same pass, as upstream's loop over the growing metric slice visits it.

use crate::interp::{CCall, Error};
use crate::record::{Item, Record};

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let field = |i: usize, rec: &Record<'_>| -> Result<Option<String>, Error> {
        if call.is_given(i) { Ok(Some(call.string(i, rec)?.into_owned())) } else { Ok(None) }
    };
    let (name, description, unit) = (field(0, rec)?, field(1, rec)?, field(2, rec)?);
    let Item::Metric(metric) = &rec.item else { return Ok(()) };
    let mut copy = (**metric).clone();
    if let Some(n) = name {
        copy.name = n;
    }
    if let Some(d) = description {
        copy.description = d;
    }
    if let Some(u) = unit {
        copy.unit = u;
    }
    rec.appended.push(copy);
    Ok(())
}
