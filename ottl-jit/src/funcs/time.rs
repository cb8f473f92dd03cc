//! `Time(time, format, location, locale)`: parses a string with a strptime layout (UTC unless
//! the layout has `%z`). Locations other than `UTC` and locales are rejected when the call
//! compiles, until the interpreter carries a time zone database.

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    if s.is_empty() {
        return Err(Error::new("time cannot be empty"));
    }
    let Some(layout) = call.layout(1) else { return Err(Error::new("Time needs a format")) };
    crate::strptime::parse(layout, &s).map(Value::Time).map_err(Error)
}
