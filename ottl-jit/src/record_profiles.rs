//! The profile context's paths (`ctxprofile`, development): the profile's own scalar fields.
//! The tables (`sample`, `mapping_table`, `string_table`, ...) are refused when a statement is
//! compiled: the OTLP profiles schema this build reads keeps them in a request-wide dictionary,
//! not on the profile as the paths assume.

use std::borrow::Cow;

use opentelemetry_proto::tonic::profiles::v1development::Profile;

use crate::record::{Field, PathError};
use crate::value::{Time, Value};

const ZERO_ID: [u8; 16] = [0; 16];

fn id(p: &Profile) -> &[u8] {
    if p.profile_id.len() == 16 { &p.profile_id } else { &ZERO_ID }
}

pub fn get(p: &Profile, field: Field) -> Value<'_> {
    match field {
        Field::ProfileTimeUnixNano => Value::Int(p.time_unix_nano.cast_signed()),
        Field::ProfileTime => Value::Time(Time::from_unix_nanos(p.time_unix_nano.cast_signed())),
        Field::ProfileDurationUnixNano => Value::Int(p.duration_nano.cast_signed()),
        Field::ProfileDuration => Value::Duration(p.duration_nano.cast_signed()),
        Field::ProfilePeriod => Value::Int(p.period),
        Field::ProfileId => Value::Bytes(Cow::Borrowed(id(p))),
        Field::ProfileIdString => Value::Str(Cow::Owned(crate::interp::args::hex(id(p)))),
        Field::ProfileDroppedAttributesCount => Value::Int(i64::from(p.dropped_attributes_count)),
        Field::ProfileOriginalPayloadFormat => Value::Str(Cow::Borrowed(&p.original_payload_format)),
        Field::ProfileOriginalPayload => Value::Bytes(Cow::Borrowed(&p.original_payload)),
        Field::ProfileAttributeIndices => {
            Value::List(p.attribute_indices.iter().map(|i| Value::Int(i64::from(*i))).collect())
        }
        _ => Value::Nil,
    }
}

/// Upstream's setters: a value of the wrong type is ignored; ids take 16 bytes or 32 hex digits.
pub fn set(p: &mut Profile, field: Field, v: &Value<'_>) -> Result<(), PathError> {
    match (field, v) {
        (Field::ProfileTimeUnixNano, Value::Int(i)) => p.time_unix_nano = i.cast_unsigned(),
        (Field::ProfileTime, Value::Time(t)) => p.time_unix_nano = t.unix_nanos().cast_unsigned(),
        (Field::ProfileDurationUnixNano, Value::Int(i)) | (Field::ProfileDuration, Value::Duration(i)) => {
            p.duration_nano = i.cast_unsigned();
        }
        (Field::ProfilePeriod, Value::Int(i)) => p.period = *i,
        (Field::ProfileId, Value::Bytes(b)) if b.len() == 16 => p.profile_id = b.to_vec(),
        (Field::ProfileIdString, Value::Str(s)) => {
            p.profile_id = crate::record::parse_hex::<16>(s, "profile")?.to_vec();
        }
        (Field::ProfileDroppedAttributesCount, Value::Int(i)) => {
            p.dropped_attributes_count = u32::try_from(*i & 0xFFFF_FFFF).unwrap_or(0);
        }
        (Field::ProfileOriginalPayloadFormat, Value::Str(s)) => p.original_payload_format = s.to_string(),
        (Field::ProfileOriginalPayload, Value::Bytes(b)) => p.original_payload = b.to_vec(),
        (Field::ProfileAttributeIndices, Value::List(items)) => {
            let ints: Option<Vec<i32>> = items
                .iter()
                .map(|i| match i {
                    Value::Int(n) => i32::try_from(*n).ok(),
                    _ => None,
                })
                .collect();
            if let Some(ints) = ints {
                p.attribute_indices = ints;
            }
        }
        _ => {}
    }
    Ok(())
}
