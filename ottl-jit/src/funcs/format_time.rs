//! `FormatTime(time, format)`: a time as text with a strptime layout, in the time's own zone.

use std::borrow::Cow;

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let t = call.time(0, rec)?;
    let Some(layout) = call.layout(1) else { return Err(Error::new("FormatTime needs a format")) };
    Ok(Value::Str(Cow::Owned(crate::strptime::format(layout, t))))
}
