//! Function signatures and docs: every editor and converter of upstream's `StandardFuncs`, the
//! transform processor's metric, datapoint and span functions, the filter processor's datapoint
//! functions and the routing connector's `route`.
//!
//! Implementations live in `ottl-jit` (one file per function); a test there checks that the two
//! lists match one to one.

use crate::context::ContextId;
use crate::kind::Kind;

/// How upstream binds an argument to a parameter (`pkg/ottl/functions.go: buildArg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ParamType {
    /// `Setter`: must be a path.
    Setter,
    /// `GetSetter`: must be a path.
    GetSetter,
    /// `Getter`: any value.
    Getter,
    /// Typed getters: any value, its kind checked at run time.
    StringGetter,
    StringLikeGetter,
    IntGetter,
    IntLikeGetter,
    FloatGetter,
    FloatLikeGetter,
    BoolGetter,
    PMapGetter,
    TimeGetter,
    DurationGetter,
    ByteSliceLikeGetter,
    /// `FunctionGetter`: a bare converter name (`SHA256`).
    FunctionGetter,
    /// Literal-only parameters.
    String,
    Int,
    Float,
    Bool,
    Bytes,
    StringList,
    FloatList,
    /// `[]Getter` / `[]StringLikeGetter`: a list literal of any values.
    GetterList,
    StringLikeGetterList,
}

impl ParamType {
    /// Whether the argument must be a literal (or a list of literals) written in the statement.
    pub fn literal_only(self) -> bool {
        matches!(
            self,
            Self::String
                | Self::Int
                | Self::Float
                | Self::Bool
                | Self::Bytes
                | Self::StringList
                | Self::FloatList
        )
    }

    /// The kind a getter parameter wants at run time (`Any` when anything goes).
    pub fn wants(self) -> Kind {
        match self {
            Self::StringGetter | Self::String | Self::StringLikeGetter => Kind::String,
            Self::IntGetter | Self::IntLikeGetter | Self::Int => Kind::Int,
            Self::FloatGetter | Self::FloatLikeGetter | Self::Float => Kind::Float,
            Self::BoolGetter | Self::Bool => Kind::Bool,
            Self::PMapGetter => Kind::Map,
            Self::TimeGetter => Kind::Time,
            Self::DurationGetter => Kind::Duration,
            Self::Bytes => Kind::Bytes,
            Self::StringList | Self::FloatList | Self::GetterList | Self::StringLikeGetterList => Kind::List,
            _ => Kind::Any,
        }
    }

    /// How the parameter type reads in a signature.
    pub fn display(self) -> &'static str {
        match self {
            Self::Setter => "Setter",
            Self::GetSetter => "GetSetter",
            Self::Getter => "Getter",
            Self::StringGetter => "StringGetter",
            Self::StringLikeGetter => "StringLikeGetter",
            Self::IntGetter => "IntGetter",
            Self::IntLikeGetter => "IntLikeGetter",
            Self::FloatGetter => "FloatGetter",
            Self::FloatLikeGetter => "FloatLikeGetter",
            Self::BoolGetter => "BoolGetter",
            Self::PMapGetter => "PMapGetter",
            Self::TimeGetter => "TimeGetter",
            Self::DurationGetter => "DurationGetter",
            Self::ByteSliceLikeGetter => "ByteSliceLikeGetter",
            Self::FunctionGetter => "FunctionGetter",
            Self::String => "string",
            Self::Int => "int64",
            Self::Float => "float64",
            Self::Bool => "bool",
            Self::Bytes => "[]byte",
            Self::StringList => "[]string",
            Self::FloatList => "[]float64",
            Self::GetterList => "[]Getter",
            Self::StringLikeGetterList => "[]StringLikeGetter",
        }
    }
}

/// One parameter. `name` is upstream's struct field name; a named argument matches it after
/// upstream's `strcase.ToCamel` (so `resolve_conflicts` and `resolveConflicts` both match
/// `ResolveConflicts`).
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub optional: bool,
    pub doc: &'static str,
}

/// Where a function exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Availability {
    /// `StandardFuncs` minus the converters: editors everywhere statements run.
    StandardEditor,
    /// `StandardConverters`: everywhere, conditions included.
    StandardConverter,
    /// The transform processor in these contexts only.
    Transform(&'static [ContextId]),
    /// The filter processor's metric context.
    FilterMetric,
    /// The routing connector.
    Routing,
}

#[derive(Debug)]
pub struct Signature {
    pub name: &'static str,
    pub params: &'static [Param],
    /// What a converter returns (`Nil` for editors).
    pub returns: Kind,
    pub availability: Availability,
    pub summary: &'static str,
    pub example: &'static str,
}

impl Signature {
    pub fn is_editor(&self) -> bool {
        self.name.starts_with(|c: char| c.is_ascii_lowercase())
    }

    pub fn required(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// `Name(a Type, b Optional[Type])`.
    pub fn render(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                if p.optional {
                    format!("{} Optional[{}]", p.name, p.ty.display())
                } else {
                    format!("{} {}", p.name, p.ty.display())
                }
            })
            .collect();
        format!("{}({})", self.name, params.join(", "))
    }
}

const fn p(name: &'static str, ty: ParamType, doc: &'static str) -> Param {
    Param { name, ty, optional: false, doc }
}

const fn o(name: &'static str, ty: ParamType, doc: &'static str) -> Param {
    Param { name, ty, optional: true, doc }
}

const fn editor(
    name: &'static str,
    params: &'static [Param],
    summary: &'static str,
    example: &'static str,
) -> Signature {
    Signature {
        name,
        params,
        returns: Kind::Nil,
        availability: Availability::StandardEditor,
        summary,
        example,
    }
}

const fn conv(
    name: &'static str,
    params: &'static [Param],
    returns: Kind,
    summary: &'static str,
    example: &'static str,
) -> Signature {
    Signature { name, params, returns, availability: Availability::StandardConverter, summary, example }
}

use ParamType as T;

const TARGET_MAP: Param = p("Target", T::PMapGetter, "the map to change");
const TARGET_STR: Param = p("Target", T::StringGetter, "the string to read");
const TIME: Param = p("Time", T::TimeGetter, "the time to read");
const DURATION: Param = p("Duration", T::DurationGetter, "the duration to read");
const FUNCTION: Param =
    o("Function", T::FunctionGetter, "a converter applied to the replacement, e.g. `SHA256`");
const FORMAT: Param =
    o("ReplacementFormat", T::StringGetter, "a format with one `%s` for the function's result");

/// Every signature, editors first.
pub static SIGNATURES: &[Signature] = &[
    // ---- editors (StandardFuncs) ----
    Signature {
        availability: Availability::StandardConverter,
        ..editor(
            "append",
            &[
                p("Target", T::GetSetter, "the slice to append to (a missing target becomes a new slice)"),
                o("Value", T::Getter, "one value to append"),
                o("Values", T::GetterList, "values to append"),
            ],
            "Appends `value` or `values` to the slice at `target`; a scalar target becomes `[old, new...]`.",
            r#"append(attributes["tags"], "prod")"#,
        )
    },
    editor(
        "delete_key",
        &[TARGET_MAP, p("Key", T::String, "the key to remove")],
        "Removes `key` from the map (its first occurrence; the last pair takes its place, as in `pcommon.Map.Remove`).",
        r#"delete_key(attributes, "http.request.header.authorization")"#,
    ),
    editor(
        "delete_matching_keys",
        &[TARGET_MAP, p("Pattern", T::String, "a Go (RE2) regular expression")],
        "Removes every key matching the regular expression.",
        r#"delete_matching_keys(attributes, "^http\\.request\\.header\\.")"#,
    ),
    editor(
        "keep_matching_keys",
        &[TARGET_MAP, p("Pattern", T::String, "a Go (RE2) regular expression")],
        "Keeps only the keys matching the regular expression.",
        r#"keep_matching_keys(attributes, "^http\\.")"#,
    ),
    editor(
        "flatten",
        &[
            TARGET_MAP,
            o("Prefix", T::String, "a prefix for every flattened key"),
            o("Depth", T::Int, "how many levels to flatten (0 changes nothing; negative is an error)"),
            o("ResolveConflicts", T::Bool, "suffix `.0`, `.1`... to keys that would collide"),
        ],
        "Flattens nested maps and slices into dotted keys (`a.b`, `list.0`).",
        r#"flatten(body, "app", depth=2)"#,
    ),
    editor(
        "keep_keys",
        &[TARGET_MAP, p("Keys", T::StringList, "the keys to keep (an empty list clears the map)")],
        "Keeps only the listed keys.",
        r#"keep_keys(attributes, ["http.method", "http.route"])"#,
    ),
    editor(
        "limit",
        &[
            TARGET_MAP,
            p("Limit", T::Int, "the most keys to keep (not negative)"),
            p("PriorityKeys", T::StringList, "keys kept first (no more than `limit`)"),
        ],
        "Keeps at most `limit` entries, the priority keys first.",
        r#"limit(attributes, 100, ["http.method"])"#,
    ),
    editor(
        "merge_maps",
        &[
            TARGET_MAP,
            p("Source", T::PMapGetter, "the map to merge in"),
            p("Strategy", T::String, "`insert`, `update` or `upsert`"),
        ],
        "Merges `source` into `target` by `strategy`.",
        r#"merge_maps(attributes, ParseJSON(body), "upsert")"#,
    ),
    editor(
        "replace_all_matches",
        &[
            TARGET_MAP,
            p("Pattern", T::String, "a glob pattern (`*` also matches `/`)"),
            p("Replacement", T::StringGetter, "the new value"),
            FUNCTION,
            FORMAT,
        ],
        "Replaces every string value that matches the glob pattern.",
        r#"replace_all_matches(attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")"#,
    ),
    editor(
        "replace_all_patterns",
        &[
            TARGET_MAP,
            p("Mode", T::String, "`key` or `value`"),
            p("RegexPattern", T::String, "a Go (RE2) regular expression"),
            p("Replacement", T::StringGetter, "the replacement, with `$1` / `${name}` expansion"),
            FUNCTION,
            FORMAT,
        ],
        "Regex-replaces in every top-level string value (or key) of the map.",
        r#"replace_all_patterns(attributes, "value", "/account/\\d{4}", "/account/{accountId}")"#,
    ),
    editor(
        "replace_match",
        &[
            p("Target", T::GetSetter, "the string to change"),
            p("Pattern", T::String, "a glob pattern"),
            p("Replacement", T::StringGetter, "the new value"),
            FUNCTION,
            FORMAT,
        ],
        "Replaces the whole string when it matches the glob pattern.",
        r#"replace_match(name, "GET /health*", "GET /health")"#,
    ),
    editor(
        "replace_pattern",
        &[
            p("Target", T::GetSetter, "the string to change"),
            p("RegexPattern", T::String, "a Go (RE2) regular expression"),
            p("Replacement", T::StringGetter, "the replacement, with `$1` / `${name}` expansion"),
            FUNCTION,
            FORMAT,
        ],
        "Regex-replaces every match in the string.",
        r#"replace_pattern(body, "password=[^\\s]+", "password=***")"#,
    ),
    editor(
        "set",
        &[
            p("Target", T::Setter, "the path to set"),
            p("Value", T::Getter, "the new value (nil does nothing)"),
        ],
        "Sets `target` to `value`; a nil value is a no-op.",
        r#"set(attributes["env"], "prod")"#,
    ),
    editor(
        "truncate_all",
        &[TARGET_MAP, p("Limit", T::Int, "the most bytes to keep (not negative)")],
        "Truncates every top-level string value to `limit` bytes.",
        r"truncate_all(attributes, 4096)",
    ),
    // ---- converters (StandardConverters) ----
    conv(
        "Base64Decode",
        &[TARGET_STR],
        Kind::String,
        "Decodes standard base64 (deprecated: use `Decode`).",
        r#"Base64Decode("aGVsbG8=")"#,
    ),
    conv(
        "Decode",
        &[
            p("Target", T::Getter, "a string or bytes"),
            p(
                "Encoding",
                T::String,
                "`base64`, `base64-raw`, `base64-url`, `base64-raw-url` or an IANA charset",
            ),
        ],
        Kind::String,
        "Decodes `target` from `encoding`.",
        r#"Decode(body, "base64")"#,
    ),
    conv(
        "FNV",
        &[TARGET_STR],
        Kind::Int,
        "The 64-bit FNV-1a hash as an int.",
        r#"FNV(attributes["user.email"])"#,
    ),
    conv(
        "MD5",
        &[TARGET_STR],
        Kind::String,
        "The MD5 digest as lowercase hex.",
        r#"MD5(attributes["user.email"])"#,
    ),
    conv(
        "SHA1",
        &[TARGET_STR],
        Kind::String,
        "The SHA-1 digest as lowercase hex.",
        r#"SHA1(attributes["user.email"])"#,
    ),
    conv(
        "SHA256",
        &[TARGET_STR],
        Kind::String,
        "The SHA-256 digest as lowercase hex.",
        r#"SHA256(attributes["user.email"])"#,
    ),
    conv(
        "SHA512",
        &[TARGET_STR],
        Kind::String,
        "The SHA-512 digest as lowercase hex.",
        r#"SHA512(attributes["user.email"])"#,
    ),
    conv(
        "Murmur3Hash",
        &[TARGET_STR],
        Kind::String,
        "The 32-bit murmur3 hash as hex.",
        r#"Murmur3Hash("Hello World")"#,
    ),
    conv(
        "Murmur3Hash128",
        &[TARGET_STR],
        Kind::String,
        "The 128-bit murmur3 hash as hex.",
        r#"Murmur3Hash128("Hello World")"#,
    ),
    conv(
        "Hex",
        &[p("Target", T::ByteSliceLikeGetter, "bytes, a string, or a number (8 big-endian bytes)")],
        Kind::String,
        "Lowercase hex of the value's bytes, without `0x`.",
        r"Hex(span_id)",
    ),
    conv(
        "SpanID",
        &[p("Bytes", T::Bytes, "exactly 8 bytes")],
        Kind::SpanId,
        "A span id from 8 bytes.",
        r"SpanID(0x0102030405060708)",
    ),
    conv(
        "TraceID",
        &[p("Bytes", T::Bytes, "exactly 16 bytes")],
        Kind::TraceId,
        "A trace id from 16 bytes.",
        r"TraceID(0x0102030405060708090a0b0c0d0e0f10)",
    ),
    conv("UUID", &[], Kind::String, "A random version 4 UUID.", r"UUID()"),
    conv(
        "IsValidLuhn",
        &[p("Target", T::StringLikeGetter, "digits")],
        Kind::Bool,
        "Whether the digits pass the Luhn check.",
        r#"IsValidLuhn(attributes["card"])"#,
    ),
    conv(
        "Double",
        &[p("Target", T::FloatLikeGetter, "a number, numeric string or bool")],
        Kind::Any,
        "The value as a float (nil for nil; a non-numeric string is an error).",
        r#"Double(attributes["duration"])"#,
    ),
    conv(
        "Int",
        &[p("Target", T::IntLikeGetter, "a number, numeric string or bool")],
        Kind::Any,
        "The value as an int (floats truncate; a non-integer string gives nil).",
        r#"Int(attributes["status"])"#,
    ),
    conv(
        "String",
        &[p("Target", T::StringLikeGetter, "any value")],
        Kind::Any,
        "The value as a string (bytes as hex, maps and lists as JSON).",
        r#"String(attributes["code"])"#,
    ),
    conv(
        "IsBool",
        &[p("Target", T::BoolGetter, "any value")],
        Kind::Bool,
        "Whether the value is a bool.",
        r#"IsBool(attributes["flag"])"#,
    ),
    conv(
        "IsDouble",
        &[p("Target", T::FloatGetter, "any value")],
        Kind::Bool,
        "Whether the value is a float.",
        r#"IsDouble(attributes["ratio"])"#,
    ),
    conv(
        "IsInt",
        &[p("Target", T::IntGetter, "any value")],
        Kind::Bool,
        "Whether the value is an int.",
        r#"IsInt(attributes["count"])"#,
    ),
    conv(
        "IsString",
        &[p("Target", T::StringGetter, "any value")],
        Kind::Bool,
        "Whether the value is a string.",
        r"IsString(body)",
    ),
    conv(
        "IsMap",
        &[p("Target", T::PMapGetter, "any value")],
        Kind::Bool,
        "Whether the value is a map.",
        r"IsMap(body)",
    ),
    conv(
        "IsList",
        &[p("Target", T::Getter, "any value")],
        Kind::Bool,
        "Whether the value is a list.",
        r#"IsList(attributes["tags"])"#,
    ),
    conv(
        "IsMatch",
        &[
            p("Target", T::StringLikeGetter, "the value to test"),
            p("Pattern", T::String, "a Go (RE2) regular expression"),
        ],
        Kind::Bool,
        "Whether the regular expression matches somewhere in the value.",
        r#"IsMatch(body, "\\d{3}-\\d{4}")"#,
    ),
    conv(
        "Len",
        &[p("Target", T::Getter, "a string, map or list")],
        Kind::Int,
        "The length: bytes of a string, entries of a map or list.",
        r"Len(body)",
    ),
    conv(
        "Concat",
        &[
            p("Vals", T::StringLikeGetterList, "the values to join"),
            p("Delimiter", T::String, "the separator"),
        ],
        Kind::String,
        "Joins the string forms of the values with the delimiter.",
        r#"Concat([attributes["http.method"], attributes["http.route"]], " ")"#,
    ),
    conv(
        "ConvertCase",
        &[TARGET_STR, p("ToCase", T::String, "`lower`, `upper`, `snake` or `camel`")],
        Kind::String,
        "Converts the string's case.",
        r#"ConvertCase(name, "snake")"#,
    ),
    conv("ToLowerCase", &[TARGET_STR], Kind::String, "The string in lower case.", r"ToLowerCase(name)"),
    conv("ToUpperCase", &[TARGET_STR], Kind::String, "The string in upper case.", r"ToUpperCase(name)"),
    conv("ToSnakeCase", &[TARGET_STR], Kind::String, "The string in snake_case.", r"ToSnakeCase(name)"),
    conv("ToCamelCase", &[TARGET_STR], Kind::String, "The string in CamelCase.", r"ToCamelCase(name)"),
    conv(
        "Format",
        &[p("Format", T::String, "a Go `fmt` format"), p("Vals", T::GetterList, "the values")],
        Kind::String,
        "Formats the values like Go's `fmt.Sprintf`.",
        r#"Format("%s-%03d", [name, attributes["n"]])"#,
    ),
    conv(
        "Split",
        &[TARGET_STR, p("Delimiter", T::String, "the separator")],
        Kind::List,
        "Splits the string; the result can be indexed (`Split(x, \",\")[0]`).",
        r#"Split(attributes["tags"], ",")"#,
    ),
    conv(
        "Substring",
        &[
            TARGET_STR,
            p("Start", T::IntGetter, "the byte offset"),
            p("Length", T::IntGetter, "the byte count"),
        ],
        Kind::String,
        "The `length` bytes from `start` (out of range is an error).",
        r"Substring(trace_id.string, 0, 8)",
    ),
    conv(
        "Trim",
        &[TARGET_STR, o("Replacement", T::String, "the characters to trim (default a space)")],
        Kind::String,
        "Trims the characters from both ends.",
        r#"Trim(body, " \t")"#,
    ),
    conv(
        "ExtractPatterns",
        &[TARGET_STR, p("Pattern", T::String, "a regular expression with named groups")],
        Kind::Map,
        "The named capture groups of the first match, as a map.",
        r#"ExtractPatterns(body, "user=(?P<user>\\w+)")"#,
    ),
    conv(
        "ExtractGrokPatterns",
        &[
            TARGET_STR,
            p("Pattern", T::String, "a grok pattern"),
            o("NamedCapturesOnly", T::Bool, "keep only named captures"),
            o("PatternDefinitions", T::StringList, "extra `NAME=pattern` definitions"),
        ],
        Kind::Map,
        "Parses the string with a grok pattern; this build bundles no default patterns, so \
         every `%{NAME}` needs a definition.",
        r#"ExtractGrokPatterns(body, "%{CODE:status:int} %{VERB:method}", true, ["CODE=[0-9]{3}", "VERB=[A-Z]+"])"#,
    ),
    conv(
        "ParseJSON",
        &[TARGET_STR],
        Kind::Any,
        "Parses a JSON object (a map) or array (a list); numbers become floats.",
        r"ParseJSON(body)",
    ),
    conv(
        "ParseKeyValue",
        &[
            TARGET_STR,
            o("Delimiter", T::String, "between key and value (default `=`)"),
            o("PairDelimiter", T::String, "between pairs (default a space)"),
        ],
        Kind::Map,
        "Parses `k1=v1 k2=\"v 2\"` into a map.",
        r"ParseKeyValue(body)",
    ),
    conv(
        "ParseCSV",
        &[
            TARGET_STR,
            p("Header", T::StringGetter, "the header row"),
            o("Delimiter", T::String, "the field separator (default `,`)"),
            o("HeaderDelimiter", T::String, "the header's separator (default the delimiter)"),
            o("Mode", T::String, "`strict`, `lazyQuotes` or `ignoreQuotes`"),
        ],
        Kind::Map,
        "Parses one CSV row into a map keyed by the header.",
        r#"ParseCSV(body, "ts,level,msg")"#,
    ),
    conv(
        "ToKeyValueString",
        &[
            TARGET_MAP,
            o("Delimiter", T::String, "between key and value (default `=`)"),
            o("PairDelimiter", T::String, "between pairs (default a space)"),
            o("SortOutput", T::Bool, "sort the pairs by key"),
        ],
        Kind::String,
        "Renders a map as `k1=v1 k2=v2`.",
        r"ToKeyValueString(attributes, sort_output=true)",
    ),
    conv(
        "URL",
        &[p("URI", T::StringGetter, "a URL")],
        Kind::Map,
        "Parses a URL into `url.*` fields.",
        r#"URL(attributes["http.url"])"#,
    ),
    conv(
        "UserAgent",
        &[p("UserAgent", T::StringGetter, "a User-Agent header")],
        Kind::Map,
        "Parses a User-Agent into `user_agent.*` fields.",
        r#"UserAgent(attributes["http.user_agent"])"#,
    ),
    conv(
        "SliceToMap",
        &[
            p("Target", T::Getter, "a list of maps"),
            p("KeyPath", T::StringList, "where each element's key is"),
            o("ValuePath", T::StringList, "where each element's value is (default the element)"),
        ],
        Kind::Map,
        "Turns a list of maps into a map keyed by `keyPath`.",
        r#"SliceToMap(attributes["items"], ["name"])"#,
    ),
    conv(
        "Sort",
        &[p("Target", T::Getter, "a list"), o("Order", T::String, "`asc` (default) or `desc`")],
        Kind::List,
        "Sorts a list of numbers or strings.",
        r#"Sort(attributes["scores"], "desc")"#,
    ),
    conv(
        "ParseXML",
        &[TARGET_STR],
        Kind::Map,
        "Parses XML into a `{tag, attributes, content, children}` tree.",
        r"ParseXML(body)",
    ),
    conv(
        "ParseSimplifiedXML",
        &[TARGET_STR],
        Kind::Map,
        "Parses XML into element name → content.",
        r"ParseSimplifiedXML(body)",
    ),
    conv(
        "GetXML",
        &[TARGET_STR, p("XPath", T::String, "an XPath")],
        Kind::String,
        "The XML of the nodes the XPath selects.",
        r#"GetXML(body, "/log/message")"#,
    ),
    conv(
        "InsertXML",
        &[TARGET_STR, p("XPath", T::String, "an XPath"), p("Value", T::StringGetter, "the XML to insert")],
        Kind::String,
        "Inserts XML under the selected nodes.",
        r#"InsertXML(body, "/log", "<level>info</level>")"#,
    ),
    conv(
        "RemoveXML",
        &[TARGET_STR, p("XPath", T::String, "an XPath")],
        Kind::String,
        "Removes the selected nodes.",
        r#"RemoveXML(body, "//password")"#,
    ),
    conv(
        "ConvertAttributesToElementsXML",
        &[TARGET_STR, o("XPath", T::String, "which elements (default all)")],
        Kind::String,
        "Turns XML attributes into child elements.",
        r"ConvertAttributesToElementsXML(body)",
    ),
    conv(
        "ConvertTextToElementsXML",
        &[
            TARGET_STR,
            o("XPath", T::String, "which elements (default `/`)"),
            o("ElementName", T::String, "the wrapper name (default `value`)"),
        ],
        Kind::String,
        "Wraps text nodes in elements.",
        r"ConvertTextToElementsXML(body)",
    ),
    conv("Now", &[], Kind::Time, "The current time.", r"Now()"),
    conv(
        "Time",
        &[
            p("Time", T::StringGetter, "the text to parse"),
            p("Format", T::String, "a strptime-style format (`%Y-%m-%d %H:%M:%S`)"),
            o("Location", T::String, "an IANA time zone"),
            o("Locale", T::String, "a BCP 47 locale"),
        ],
        Kind::Time,
        "Parses a time.",
        r#"Time(attributes["ts"], "%Y-%m-%dT%H:%M:%S%z")"#,
    ),
    conv(
        "FormatTime",
        &[TIME, p("Format", T::String, "a strptime-style format")],
        Kind::String,
        "Formats a time.",
        r#"FormatTime(time, "%Y-%m-%d")"#,
    ),
    conv(
        "Unix",
        &[
            p("Seconds", T::IntGetter, "seconds since the epoch"),
            o("Nanoseconds", T::IntGetter, "extra nanoseconds"),
        ],
        Kind::Time,
        "A time from seconds (and nanoseconds) since the epoch.",
        r#"Unix(attributes["epoch"])"#,
    ),
    conv("UnixSeconds", &[TIME], Kind::Int, "Seconds since the epoch.", r"UnixSeconds(time)"),
    conv("UnixMilli", &[TIME], Kind::Int, "Milliseconds since the epoch.", r"UnixMilli(time)"),
    conv("UnixMicro", &[TIME], Kind::Int, "Microseconds since the epoch.", r"UnixMicro(time)"),
    conv("UnixNano", &[TIME], Kind::Int, "Nanoseconds since the epoch.", r"UnixNano(time)"),
    conv("Year", &[TIME], Kind::Int, "The year.", r"Year(time)"),
    conv("Month", &[TIME], Kind::Int, "The month (1–12).", r"Month(time)"),
    conv("Day", &[TIME], Kind::Int, "The day of the month.", r"Day(time)"),
    conv("Hour", &[TIME], Kind::Int, "The hour (0–23).", r"Hour(time)"),
    conv("Minute", &[TIME], Kind::Int, "The minute.", r"Minute(time)"),
    conv("Second", &[TIME], Kind::Int, "The second.", r"Second(time)"),
    conv("Nanosecond", &[TIME], Kind::Int, "The nanosecond within the second.", r"Nanosecond(time)"),
    conv("Weekday", &[TIME], Kind::Int, "The day of the week (0 is Sunday).", r"Weekday(time)"),
    conv(
        "TruncateTime",
        &[TIME, DURATION],
        Kind::Time,
        "Rounds the time down to a multiple of the duration.",
        r#"TruncateTime(time, Duration("1h"))"#,
    ),
    conv(
        "Duration",
        &[p("Duration", T::StringGetter, "a Go duration (`1h30m`, `250ms`)")],
        Kind::Duration,
        "Parses a duration.",
        r#"Duration("90m")"#,
    ),
    conv("Hours", &[DURATION], Kind::Float, "The duration in hours.", r"Hours(end_time - start_time)"),
    conv("Minutes", &[DURATION], Kind::Float, "The duration in minutes.", r"Minutes(end_time - start_time)"),
    conv("Seconds", &[DURATION], Kind::Float, "The duration in seconds.", r"Seconds(end_time - start_time)"),
    conv(
        "Milliseconds",
        &[DURATION],
        Kind::Int,
        "The duration in whole milliseconds.",
        r"Milliseconds(end_time - start_time)",
    ),
    conv(
        "Microseconds",
        &[DURATION],
        Kind::Int,
        "The duration in whole microseconds.",
        r"Microseconds(end_time - start_time)",
    ),
    conv(
        "Nanoseconds",
        &[DURATION],
        Kind::Int,
        "The duration in nanoseconds.",
        r"Nanoseconds(end_time - start_time)",
    ),
    conv(
        "Log",
        &[p("Target", T::FloatLikeGetter, "a positive number")],
        Kind::Float,
        "The natural logarithm.",
        r#"Log(attributes["bytes"])"#,
    ),
    // ---- component functions ----
    Signature {
        name: "IsRootSpan",
        params: &[],
        returns: Kind::Bool,
        availability: Availability::Transform(&[ContextId::Span]),
        summary: "Whether the span has no parent.",
        example: r"IsRootSpan()",
    },
    metric(
        "convert_sum_to_gauge",
        &[],
        "Turns a sum into a gauge.",
        r#"convert_sum_to_gauge() where name == "system.processes.count""#,
    ),
    metric(
        "convert_gauge_to_sum",
        &[
            p("StringAggTemp", T::String, "`cumulative` or `delta`"),
            p("Monotonic", T::Bool, "whether the sum is monotonic"),
        ],
        "Turns a gauge into a sum.",
        r#"convert_gauge_to_sum("cumulative", false)"#,
    ),
    metric(
        "extract_sum_metric",
        &[p("Monotonic", T::Bool, "whether the new sum is monotonic")],
        "Adds a `_sum` metric from a histogram or summary.",
        r"extract_sum_metric(true)",
    ),
    metric(
        "extract_count_metric",
        &[p("Monotonic", T::Bool, "whether the new count is monotonic")],
        "Adds a `_count` metric from a histogram or summary.",
        r"extract_count_metric(true)",
    ),
    metric(
        "copy_metric",
        &[
            o("Name", T::StringGetter, "the copy's name"),
            o("Description", T::StringGetter, "its description"),
            o("Unit", T::StringGetter, "its unit"),
        ],
        "Copies the metric.",
        r#"copy_metric(name="http.requests.copy")"#,
    ),
    metric(
        "scale_metric",
        &[
            p("Multiplier", T::Float, "the factor (a float literal: `1000.0`)"),
            o("Unit", T::StringGetter, "the new unit"),
        ],
        "Multiplies every data point value.",
        r#"scale_metric(1000.0, "ms")"#,
    ),
    metric(
        "aggregate_on_attributes",
        &[
            p("AggregationFunction", T::String, "`sum`, `mean`, `min`, `max`, `count` or `median`"),
            o("Attributes", T::StringList, "the attributes to keep"),
        ],
        "Aggregates data points that agree on the kept attributes.",
        r#"aggregate_on_attributes("sum", ["host.name"])"#,
    ),
    metric(
        "aggregate_on_attribute_value",
        &[
            p("AggregationFunction", T::String, "`sum`, `mean`, `min`, `max`, `count` or `median`"),
            p("Attribute", T::String, "the attribute"),
            p("Values", T::StringList, "the values to merge"),
            p("NewValue", T::String, "the merged value"),
        ],
        "Aggregates data points whose attribute has one of the values.",
        r#"aggregate_on_attribute_value("sum", "state", ["idle", "wait"], "other")"#,
    ),
    metric(
        "convert_exponential_histogram_to_histogram",
        &[
            p("DistributionFn", T::String, "`upper`, `midpoint`, `uniform` or `random`"),
            p("ExplicitBounds", T::FloatList, "the new bucket bounds"),
        ],
        "Turns an exponential histogram into an explicit-bounds histogram.",
        r#"convert_exponential_histogram_to_histogram("midpoint", [10.0, 100.0])"#,
    ),
    datapoint(
        "convert_summary_sum_val_to_sum",
        &[
            p("StringAggTemp", T::String, "`cumulative` or `delta`"),
            p("Monotonic", T::Bool, "whether the sum is monotonic"),
        ],
        "Adds a sum metric from a summary's sums.",
        r#"convert_summary_sum_val_to_sum("delta", true)"#,
    ),
    datapoint(
        "convert_summary_count_val_to_sum",
        &[
            p("StringAggTemp", T::String, "`cumulative` or `delta`"),
            p("Monotonic", T::Bool, "whether the sum is monotonic"),
        ],
        "Adds a sum metric from a summary's counts.",
        r#"convert_summary_count_val_to_sum("delta", true)"#,
    ),
    Signature {
        name: "HasAttrKeyOnDatapoint",
        params: &[p("Key", T::String, "the attribute key")],
        returns: Kind::Bool,
        availability: Availability::FilterMetric,
        summary: "Whether any data point of the metric has the attribute.",
        example: r#"HasAttrKeyOnDatapoint("http.method")"#,
    },
    Signature {
        name: "HasAttrOnDatapoint",
        params: &[p("Key", T::String, "the attribute key"), p("ExpectedVal", T::String, "the value")],
        returns: Kind::Bool,
        availability: Availability::FilterMetric,
        summary: "Whether any data point of the metric has the attribute with the value.",
        example: r#"HasAttrOnDatapoint("http.method", "GET")"#,
    },
    Signature {
        name: "route",
        params: &[],
        returns: Kind::Nil,
        availability: Availability::Routing,
        summary: "Routes the data to the entry's pipelines when the `where` condition holds.",
        example: r#"route() where resource.attributes["tenant"] == "acme""#,
    },
];

const fn metric(
    name: &'static str,
    params: &'static [Param],
    summary: &'static str,
    example: &'static str,
) -> Signature {
    Signature {
        name,
        params,
        returns: Kind::Nil,
        availability: Availability::Transform(&[ContextId::Metric]),
        summary,
        example,
    }
}

const fn datapoint(
    name: &'static str,
    params: &'static [Param],
    summary: &'static str,
    example: &'static str,
) -> Signature {
    Signature {
        name,
        params,
        returns: Kind::Nil,
        availability: Availability::Transform(&[ContextId::DataPoint]),
        summary,
        example,
    }
}

/// Whether parameter `param` (snake case) of `function` is a regular expression.
pub fn is_regex_param(function: &str, param: &str) -> bool {
    matches!(
        (function, param),
        ("delete_matching_keys" | "keep_matching_keys" | "IsMatch" | "ExtractPatterns", "pattern")
            | ("replace_all_patterns" | "replace_pattern", "regex_pattern")
    )
}

/// Whether a literal `string` parameter is an XPath (compiled when the statement is checked).
pub fn is_xpath_param(function: &str, param: &str) -> bool {
    param == "x_path"
        && matches!(
            function,
            "GetXML"
                | "InsertXML"
                | "RemoveXML"
                | "ConvertAttributesToElementsXML"
                | "ConvertTextToElementsXML"
        )
}

/// Whether an empty XPath means the function's default (`//@*`, `/`) rather than an error.
pub fn xpath_defaults_when_empty(function: &str) -> bool {
    matches!(function, "ConvertAttributesToElementsXML" | "ConvertTextToElementsXML")
}

/// The signature named `name`, wherever it is available.
pub fn lookup(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().find(|s| s.name == name)
}

/// Upstream's `strcase.ToCamel`, which maps a named argument to a struct field.
pub fn to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut cap_next = true;
    let mut prev_cap = false;
    for (i, b) in s.trim().bytes().enumerate() {
        let (is_cap, is_low) = (b.is_ascii_uppercase(), b.is_ascii_lowercase());
        let c = if cap_next {
            b.to_ascii_uppercase()
        } else if i == 0 || (prev_cap && is_cap) {
            b.to_ascii_lowercase()
        } else {
            b
        };
        prev_cap = is_cap;
        if is_cap || is_low {
            out.push(c as char);
            cap_next = false;
        } else if b.is_ascii_digit() {
            out.push(c as char);
            cap_next = true;
        } else {
            cap_next = matches!(b, b'_' | b' ' | b'-' | b'.');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_camel_matches_upstream_strcase() {
        assert_eq!(to_camel("resolve_conflicts"), "ResolveConflicts");
        assert_eq!(to_camel("resolveConflicts"), "ResolveConflicts");
        assert_eq!(to_camel("pair_delimiter"), "PairDelimiter");
        assert_eq!(to_camel("depth"), "Depth");
        assert_eq!(to_camel("sort_output"), "SortOutput");
    }
}
