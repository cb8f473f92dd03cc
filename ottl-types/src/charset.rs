//! The decodings `Decode` names: base64 in its four Go variants (`base64`, `base64-raw`,
//! `base64-url`, `base64-raw-url`), or a charset looked up as upstream's
//! `textutils.LookupEncoding` does. Resolved here, once, so that `ottl check` refuses a name
//! upstream would refuse on every record and the backends decode with what was resolved.

/// A decoding, resolved from its name once.
#[derive(Debug, Clone, Copy)]
pub enum Charset {
    Base64 { url: bool, padded: bool },
    Utf8,
    Nop,
    Latin1,
    Utf16Le,
    Other(&'static encoding_rs::Encoding),
}

impl Charset {
    /// `LookupEncoding` (and the base64 names `Decode` handles first).
    pub fn lookup(name: &str) -> Result<Charset, String> {
        Ok(match name {
            "base64" => Charset::Base64 { url: false, padded: true },
            "base64-raw" => Charset::Base64 { url: false, padded: false },
            "base64-url" => Charset::Base64 { url: true, padded: true },
            "base64-raw-url" => Charset::Base64 { url: true, padded: false },
            _ => match name.to_ascii_lowercase().as_str() {
                "utf-8" | "utf8" | "ascii" | "us-ascii" | "" => Charset::Utf8,
                "utf-16" | "utf16" => Charset::Utf16Le,
                "nop" => Charset::Nop,
                "iso-8859-1" | "iso_8859-1" | "latin1" | "l1" | "iso-ir-100" | "cp819" | "ibm819"
                | "csisolatin1" => Charset::Latin1,
                // Registered with IANA, but Go's `ianaindex` has no decoder for it.
                "gb2312" | "csgb2312" => return Err(format!("no charmap defined for encoding '{name}'")),
                lower => match encoding_rs::Encoding::for_label(lower.as_bytes()) {
                    Some(e) if e != encoding_rs::REPLACEMENT => Charset::Other(e),
                    _ => return Err(format!("unsupported encoding '{name}'")),
                },
            },
        })
    }
}
