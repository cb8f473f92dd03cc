//! `Now()`: the current time (UTC).

use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::{Time, Value};

pub fn run<'a>(_: &'a CCall, _: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| Error(format!("the clock is before 1970: {e}")))?;
    let secs = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    Ok(Value::Time(Time { secs, nanos: since.subsec_nanos(), ..Time::from_unix_nanos(0) }))
}
