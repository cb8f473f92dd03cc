//! `MD5`, `SHA1`, `SHA256`, `SHA512`: the lowercase hex digest of a string.

use std::borrow::Cow;

use sha2::Digest;

use crate::interp::args::hex;
use crate::interp::{CCall, Error};
use crate::record::Record;
use crate::value::Value;

fn digest<'a, D: Digest>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let s = call.string(0, rec)?;
    Ok(Value::Str(Cow::Owned(hex(&D::digest(s.as_bytes())))))
}

pub fn md5<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    digest::<md5::Md5>(call, rec)
}

pub fn sha1<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    digest::<sha1::Sha1>(call, rec)
}

pub fn sha256<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    digest::<sha2::Sha256>(call, rec)
}

pub fn sha512<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    digest::<sha2::Sha512>(call, rec)
}
