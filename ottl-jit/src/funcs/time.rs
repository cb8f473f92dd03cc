//! `Time(time, format, location, locale)`: parses a string with a strptime layout, in UTC or
//! the IANA `location` unless the text has its own offset (`%z`). With a `locale`, the value's
//! day, month and day-period names are first translated to English (`crate::localized`).

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::Value;

pub fn run<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    if s.is_empty() {
        return Err(Error::new("time cannot be nil"));
    }
    let Some(layout) = call.layout(1) else { return Err(Error::new("Time needs a format")) };
    let zone = match call.arg(2) {
        CArg::TimeZone(z) => Some(z.as_ref()),
        _ => None,
    };
    if let CArg::Locale(locale) = call.arg(3) {
        let english = crate::localized::translate(layout.go(), &s, locale).map_err(Error)?;
        return crate::strptime::parse_in(layout, &english, zone).map(Value::Time).map_err(Error);
    }
    crate::strptime::parse_in(layout, &s, zone).map(Value::Time).map_err(Error)
}
