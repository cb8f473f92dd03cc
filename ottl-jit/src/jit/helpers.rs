//! The `extern "C"` functions native code calls, and the frame it passes them.
//!
//! Each helper runs one interpreter node on the frame's record. A helper never unwinds into
//! native code: a panic (a bug, never expected on any input) becomes an error of the statement.

use std::ffi::c_void;

use std::panic::{AssertUnwindSafe, catch_unwind};

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::trace::v1::Span;

use crate::interp::{CArg, CBool, CCall, CKey, CPath, CStatement, Error, Outcome, StatementError};
use crate::record::{Field, Item, Record};
use crate::value::{Value, key_eq};

/// The compiled function: takes a frame, returns a status (see the module docs).
pub(super) type Entry = unsafe extern "C" fn(*mut Frame<'_>) -> i64;

/// What one call of the compiled function works on.
#[repr(C)]
pub(super) struct Frame<'a> {
    /// Nonzero when a trace hook wants every statement's outcome. Native code reads this byte
    /// at offset 0 ([`TRACING_OFFSET`]) and calls [`trace`] only when it is set.
    tracing: u8,
    /// The record, a `&mut Record<'_>` with its lifetime erased.
    rec: *mut c_void,
    /// The failure of the last helper that failed.
    error: Option<Error>,
    trace: &'a mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
    warn: &'a mut dyn FnMut(&StatementError),
}

/// Where [`Frame::tracing`] lives (it is the first field of a `repr(C)` struct).
pub(super) const TRACING_OFFSET: i32 = 0;

impl<'a> Frame<'a> {
    pub(super) fn new(
        rec: &'a mut Record<'_>,
        trace: &'a mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
        warn: &'a mut dyn FnMut(&StatementError),
        tracing: bool,
    ) -> Self {
        Frame { tracing: u8::from(tracing), rec: std::ptr::from_mut(rec).cast(), error: None, trace, warn }
    }

    pub(super) fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    fn record(&mut self) -> &mut Record<'_> {
        // SAFETY: `rec` came from the `&mut Record` given to `Frame::new`, which outlives the
        // frame; the lifetime is erased only so the frame's type stays simple for native code.
        unsafe { &mut *self.rec.cast::<Record<'_>>() }
    }

    /// Runs `f`, turning a panic into an error so that nothing unwinds through native frames.
    fn guard<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Option<T> {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                self.error = Some(e);
                None
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                self.error = Some(Error(format!("internal error: {what}")));
                None
            }
        }
    }
}

/// Helper results for conditions: false, true, or failed (the error is in the frame).
pub(super) const FALSE: u32 = 0;
pub(super) const TRUE: u32 = 1;
pub(super) const FAILED: u32 = 2;

/// A condition's answer as a helper returns it; `None` is a failure (the error is in the frame).
fn verdict(holds: Option<bool>) -> u32 {
    match holds {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => FAILED,
    }
}

/// Evaluates a comparison or a converter used as a condition.
pub(super) unsafe extern "C" fn condition(frame: *mut Frame<'_>, node: *const CBool) -> u32 {
    // SAFETY: native code passes the frame it was called with and the address of a node of the
    // group it was compiled from; both are alive and unaliased for the duration of the call.
    let (frame, node) = unsafe { (&mut *frame, &*node) };
    verdict(frame.guard(|f| node.eval(f.record())))
}

/// Evaluates a converter used as a condition (the node of a `CBool::Call`).
pub(super) unsafe extern "C" fn converter_condition(frame: *mut Frame<'_>, call: *const CCall) -> u32 {
    // SAFETY: as in `condition`: a live frame and a call of the compiled group.
    let (frame, call) = unsafe { (&mut *frame, &*call) };
    verdict(frame.guard(|f| call.condition(f.record())))
}

/// Runs a statement's editor: 0 on success, 1 on failure (the error is in the frame).
pub(super) unsafe extern "C" fn edit(frame: *mut Frame<'_>, statement: *const CStatement) -> u32 {
    // SAFETY: as in `condition`: a live frame and a statement of the compiled group.
    let (frame, statement) = unsafe { (&mut *frame, &*statement) };
    let editor = &statement.editor;
    u32::from(frame.guard(|f| (editor.edit_fn())(editor, f.record())).is_none())
}

/// Runs a statement whose `where` clause the interpreter evaluates anyway (a converter, or a
/// comparison native code does not handle): clause and editor in one call. Returns [`SKIPPED`],
/// [`EXECUTED`] or [`FAILED_OUTCOME`] (the error is in the frame).
pub(super) unsafe extern "C" fn edit_where(frame: *mut Frame<'_>, statement: *const CStatement) -> u32 {
    // SAFETY: as in `condition`: a live frame and a statement of the compiled group.
    let (frame, statement) = unsafe { (&mut *frame, &*statement) };
    let editor = &statement.editor;
    let ran = frame.guard(|f| {
        if let Some(condition) = &statement.condition
            && !condition.eval(f.record())?
        {
            return Ok(false);
        }
        (editor.edit_fn())(editor, f.record())?;
        Ok(true)
    });
    match ran {
        Some(false) => SKIPPED,
        Some(true) => EXECUTED,
        None => FAILED_OUTCOME,
    }
}

/// Outcomes [`trace`] reports.
pub(super) const SKIPPED: u32 = 0;
pub(super) const EXECUTED: u32 = 1;
pub(super) const FAILED_OUTCOME: u32 = 2;

/// Reports a statement's outcome to the trace hook.
pub(super) unsafe extern "C" fn trace(frame: *mut Frame<'_>, statement: *const CStatement, outcome: u32) {
    // SAFETY: as in `condition`.
    let (frame, statement) = unsafe { (&mut *frame, &*statement) };
    let error = frame.error.clone().unwrap_or_else(|| Error::new("unknown error"));
    let outcome = match outcome {
        SKIPPED => Outcome::Skipped,
        EXECUTED => Outcome::Executed,
        _ => Outcome::Failed(&error),
    };
    // SAFETY: see `Frame::record`; the hook gets a shared view while no helper runs.
    let rec = unsafe { &*frame.rec.cast::<Record<'_>>() };
    (frame.trace)(statement, outcome, rec);
}

/// Hands a failed statement's error to the warn hook (`ignore` mode) and clears it.
pub(super) unsafe extern "C" fn warn(frame: *mut Frame<'_>, statement: *const CStatement) {
    // SAFETY: as in `condition`.
    let (frame, statement) = unsafe { (&mut *frame, &*statement) };
    if let Some(error) = frame.error.take() {
        (frame.warn)(&StatementError { statement: statement.text.clone(), error });
    }
}

/// Forgets a failure that the error mode ignores without a word (`silent`, or a group condition
/// outside `propagate`).
pub(super) unsafe extern "C" fn forget(frame: *mut Frame<'_>) {
    // SAFETY: as in `condition`.
    let frame = unsafe { &mut *frame };
    frame.error = None;
}

/// A path's value as native code compares it: a tag, and the payload the tag says.
#[repr(C)]
pub(super) struct Scalar {
    /// An int, a bool (0 or 1), or a float's bits.
    pub(super) bits: i64,
    /// A string's bytes, borrowed from the record (valid while the condition runs).
    pub(super) ptr: *const u8,
    pub(super) len: usize,
}

/// Offsets of [`Scalar`]'s fields, for native loads (checked below against the layout).
pub(super) const SCALAR_BITS: i32 = 0;
pub(super) const SCALAR_PTR: i32 = 8;
pub(super) const SCALAR_LEN: i32 = 16;
pub(super) const SCALAR_SIZE: u32 = 24;
const _: () = {
    assert!(std::mem::offset_of!(Scalar, bits) == SCALAR_BITS as usize);
    assert!(std::mem::offset_of!(Scalar, ptr) == SCALAR_PTR as usize);
    assert!(std::mem::offset_of!(Scalar, len) == SCALAR_LEN as usize);
    assert!(std::mem::size_of::<Scalar>() == SCALAR_SIZE as usize);
    assert!(std::mem::offset_of!(Frame<'_>, tracing) == TRACING_OFFSET as usize);
};

/// [`read_scalar`]'s tags.
pub(super) const TAG_NIL: u32 = 0;
pub(super) const TAG_INT: u32 = 1;
pub(super) const TAG_FLOAT: u32 = 2;
pub(super) const TAG_BOOL: u32 = 3;
pub(super) const TAG_STR: u32 = 4;
/// Any other value (bytes, maps, times, an owned string...): native code asks the interpreter.
pub(super) const TAG_OTHER: u32 = 5;
/// Reading the path failed; the error is in the frame.
pub(super) const TAG_FAILED: u32 = 6;

/// Reads a path for a native comparison.
pub(super) unsafe extern "C" fn read_scalar(
    frame: *mut Frame<'_>,
    path: *const CPath,
    out: *mut Scalar,
) -> u32 {
    // SAFETY: native code passes its frame, a path of the compiled group and a stack slot the
    // size of `Scalar`, all valid for the call.
    let (frame, path, out) = unsafe { (&mut *frame, &*path, &mut *out) };
    let rec: &Record<'_> = frame.record();
    // The common shape, `attributes["k"]`: the map's value is read in place, no value built.
    if let Some(found) = path.record_map_value(rec) {
        return found.map_or(TAG_NIL, |any| scalar_any(any, out));
    }
    match catch_unwind(AssertUnwindSafe(|| path.get(rec).map(|v| scalar(&v, out)))) {
        Ok(Ok(tag)) => tag,
        Ok(Err(e)) => {
            frame.error = Some(e);
            TAG_FAILED
        }
        Err(_) => {
            frame.error = Some(Error::new("internal error while reading a path"));
            TAG_FAILED
        }
    }
}

fn scalar(v: &Value<'_>, out: &mut Scalar) -> u32 {
    match v {
        Value::Nil => TAG_NIL,
        Value::Int(i) => {
            out.bits = *i;
            TAG_INT
        }
        Value::Float(f) => {
            out.bits = i64::from_ne_bytes(f.to_bits().to_ne_bytes());
            TAG_FLOAT
        }
        Value::Bool(b) => {
            out.bits = i64::from(*b);
            TAG_BOOL
        }
        // Only a string borrowed from the record outlives this call.
        Value::Str(std::borrow::Cow::Borrowed(s)) => {
            out.ptr = s.as_ptr();
            out.len = s.len();
            TAG_STR
        }
        _ => TAG_OTHER,
    }
}

/// [`scalar`] of a map's value, read in place: what `scalar(&Value::from_any(any), out)` gives,
/// without the value (building it costs about 27 instructions a read, most of them its drop).
fn scalar_any(any: &AnyValue, out: &mut Scalar) -> u32 {
    match &any.value {
        Some(any_value::Value::IntValue(i)) => {
            out.bits = *i;
            TAG_INT
        }
        Some(any_value::Value::DoubleValue(f)) => {
            out.bits = i64::from_ne_bytes(f.to_bits().to_ne_bytes());
            TAG_FLOAT
        }
        Some(any_value::Value::BoolValue(b)) => {
            out.bits = i64::from(*b);
            TAG_BOOL
        }
        Some(any_value::Value::StringValue(s)) => {
            out.ptr = s.as_ptr();
            out.len = s.len();
            TAG_STR
        }
        // `Value::from_any` reads a string-table reference as nil.
        None | Some(any_value::Value::StringValueStrindex(_)) => TAG_NIL,
        Some(_) => TAG_OTHER,
    }
}

/// Byte-wise comparison of two strings of native code: -1, 0 or 1.
pub(super) unsafe extern "C" fn compare_bytes(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> i32 {
    // SAFETY: both are (pointer, length) pairs of live strings: one borrowed from the record by
    // `read_scalar` during this condition, the other a literal of the compiled group.
    let (a, b) = unsafe { (std::slice::from_raw_parts(a, a_len), std::slice::from_raw_parts(b, b_len)) };
    match a.cmp(b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

/// `set(m[dst], m[src])` followed by `delete_key(m, src)`, neither with a condition, on an
/// item's attributes or the cache: the two statements as one move of the value.
#[derive(Debug)]
pub(super) struct Rename {
    /// The index of the `set` statement.
    pub(super) first: usize,
    field: Field,
    src: std::sync::Arc<str>,
    dst: std::sync::Arc<str>,
    /// `src == dst`: `set(a, a)` then `delete_key(a)` only deletes.
    same: bool,
}

impl Rename {
    /// Every pair of a group's statements that can run as one move (pairs do not overlap).
    pub(super) fn plan(group: &crate::interp::Group) -> Vec<Rename> {
        let mut out: Vec<Rename> = Vec::new();
        for (i, pair) in group.statements.windows(2).enumerate() {
            if out.last().is_some_and(|r| r.first + 1 == i) {
                continue;
            }
            out.extend(Rename::fuse(i, &pair[0], &pair[1]));
        }
        out
    }

    /// The pair as one move, when the two statements are exactly that shape.
    fn fuse(first: usize, set: &CStatement, delete: &CStatement) -> Option<Rename> {
        if set.condition.is_some() || delete.condition.is_some() {
            return None;
        }
        let (set, delete) = (&set.editor, &delete.editor);
        if set.sig.name != "set" || delete.sig.name != "delete_key" {
            return None;
        }
        let single = |p: &CPath| match p.keys.as_slice() {
            [CKey::Str(k)] => Some(k.clone()),
            _ => None,
        };
        let (target, source, map) = (set.path(0)?, set.path(1)?, delete.path(0)?);
        let field = target.field;
        let movable = matches!(
            field,
            Field::LogAttributes
                | Field::SpanAttributes
                | Field::EventAttributes
                | Field::DpAttributes
                | Field::Cache
        );
        if !movable || source.field != field || map.field != field || !map.keys.is_empty() {
            return None;
        }
        let (dst, src) = (single(target)?, single(source)?);
        let same = src == dst;
        (delete.lit_str(1) == &*src).then_some(Rename { first, field, src, dst, same })
    }
}

/// Runs a fused [`Rename`]: what `set` then `delete_key` leave, without copying the value.
/// One pass over the map finds both keys.
pub(super) unsafe extern "C" fn rename(frame: *mut Frame<'_>, rename: *const Rename) {
    // SAFETY: native code passes its frame and a `Rename` the compiled group owns.
    let (frame, r) = unsafe { (&mut *frame, &*rename) };
    let Some(map) = frame.record().map_mut(r.field) else { return };
    let (src, dst) = (&*r.src, &*r.dst);
    let (mut at, mut existing) = (None, None);
    // Most keys differ from both in length: the loop reads one word per pair for them.
    let (src_len, dst_len) = (src.len(), dst.len());
    for (i, kv) in map.iter().enumerate() {
        let len = kv.key.len();
        if len != src_len && len != dst_len {
            continue;
        }
        let key = kv.key.as_str();
        if at.is_none() && key_eq(key, src) {
            at = Some(i);
        } else if existing.is_none() && key_eq(key, dst) {
            existing = Some(i);
        }
        if at.is_some() && existing.is_some() {
            break;
        }
    }
    let Some(at) = at else { return };
    // `set` skips a nil value, and `set(a, a)` then `delete_key(a)` leaves no `a`; `delete_key`
    // removes the key either way, moving the last pair into its place (`Map.Remove`).
    if map[at].value.as_ref().is_none_or(|v| v.value.is_none()) || r.same {
        map.swap_remove(at);
        return;
    }
    if let Some(j) = existing {
        map[j].value = map[at].value.take();
        map.swap_remove(at);
        return;
    }
    // `set` appends the new pair last and `Map.Remove` then moves the last pair into the
    // removed one's place: the pair keeps its place and changes its key, whose buffer is reused.
    let moved = &mut map[at];
    moved.key.clear();
    moved.key.push_str(&r.dst);
    // The rest of the pair as `set` makes it.
    moved.key_strindex = 0;
}

/// An editor whose arguments are all literals, with what it stores prepared once when the
/// group compiles: the statement runs the interpreter's own setter or map operation on it,
/// without evaluating arguments at run time.
#[derive(Debug)]
pub(super) struct DirectEdit {
    /// The index of the statement.
    pub(super) statement: usize,
    op: DirectOp,
}

#[derive(Debug)]
enum DirectOp {
    /// `set(m["k"], literal)` on one of the record's maps: the pair's new value, cloned in
    /// ([`crate::interp::set_map_key`], as `set` does for that shape).
    SetKey { field: Field, key: std::sync::Arc<str>, any: AnyValue },
    /// `set(path, literal)`, the path without keys: [`Record::set`] with the literal.
    SetField { field: Field, value: Value<'static> },
    /// `delete_key(m, "k")` on one of the record's maps (`Map.Remove`). A record without the
    /// map runs the interpreter's statement, which says why.
    DeleteKey { field: Field, key: std::sync::Arc<str> },
}

impl DirectEdit {
    /// Every statement of the group with a direct form. `set(path, nil)` has none: `set`
    /// ignores nil, as the interpreter's node does at run time.
    pub(super) fn plan(group: &crate::interp::Group) -> Vec<DirectEdit> {
        group
            .statements
            .iter()
            .enumerate()
            .filter_map(|(statement, s)| Some(DirectEdit { statement, op: DirectEdit::op(&s.editor)? }))
            .collect()
    }

    fn op(call: &CCall) -> Option<DirectOp> {
        let path = call.path(0)?;
        match call.sig.name {
            "set" => {
                let value = call.arg(1).literal()?.into_owned();
                if matches!(value, Value::Nil) {
                    return None;
                }
                match path.keys.as_slice() {
                    [] => Some(DirectOp::SetField { field: path.field, value }),
                    [CKey::Str(key)] if path.field != Field::LogBody => Some(DirectOp::SetKey {
                        field: path.field,
                        key: key.clone(),
                        any: value.into_any().unwrap_or_default(),
                    }),
                    _ => None,
                }
            }
            "delete_key" if path.keys.is_empty() && path.field.is_record_map() => {
                let CArg::Str(key) = call.arg(1) else { return None };
                Some(DirectOp::DeleteKey { field: path.field, key: key.clone() })
            }
            _ => None,
        }
    }
}

/// Runs a [`DirectEdit`] of `statement`: 0 on success, 1 on failure (the error is in the frame).
pub(super) unsafe extern "C" fn direct_edit(frame: *mut Frame<'_>, edit: *const DirectEdit) -> u32 {
    // SAFETY: native code passes its frame and a `DirectEdit` the compiled group owns.
    let (frame, edit) = unsafe { (&mut *frame, &*edit) };
    let done = frame.guard(|f| match &edit.op {
        DirectOp::SetKey { field, key, any } => {
            crate::interp::set_map_key(f.record(), *field, key, any.clone());
            Ok(())
        }
        DirectOp::SetField { field, value } => f.record().set(*field, value).map_err(|e| Error(e.0)),
        DirectOp::DeleteKey { field, key } => {
            if let Some(m) = f.record().map_mut(*field) {
                crate::funcs::delete_key::remove(m, key);
            }
            Ok(())
        }
    });
    u32::from(done.is_none())
}

/// Which item a natively read field lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Base {
    Log = 0,
    Span = 1,
}

/// How an integer field is stored; native code widens it to the `i64` the interpreter reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Width {
    /// A `u64` read as its bit pattern (`Value::Int(x.cast_signed())`).
    U64,
    /// A `u32`, zero-extended.
    U32,
    /// An `i32` (a protobuf enum), sign-extended.
    I32,
}

/// An integer field native code loads directly: which item, at which offset, how wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NativeInt {
    pub(super) base: Base,
    pub(super) offset: i32,
    pub(super) width: Width,
}

/// The integer fields whose value is the stored number itself (`Record::get` gives
/// `Value::Int` of it), with their place in the generated OTLP structs.
pub(super) fn native_int(field: Field) -> Option<NativeInt> {
    use std::mem::offset_of;
    let (base, offset, width) = match field {
        Field::LogTimeUnixNano => (Base::Log, offset_of!(LogRecord, time_unix_nano), Width::U64),
        Field::LogObservedTimeUnixNano => {
            (Base::Log, offset_of!(LogRecord, observed_time_unix_nano), Width::U64)
        }
        Field::LogSeverityNumber => (Base::Log, offset_of!(LogRecord, severity_number), Width::I32),
        Field::LogDroppedAttributesCount => {
            (Base::Log, offset_of!(LogRecord, dropped_attributes_count), Width::U32)
        }
        Field::LogFlags => (Base::Log, offset_of!(LogRecord, flags), Width::U32),
        Field::SpanKind => (Base::Span, offset_of!(Span, kind), Width::I32),
        Field::SpanStartTimeUnixNano => (Base::Span, offset_of!(Span, start_time_unix_nano), Width::U64),
        Field::SpanEndTimeUnixNano => (Base::Span, offset_of!(Span, end_time_unix_nano), Width::U64),
        Field::SpanDroppedAttributesCount => {
            (Base::Span, offset_of!(Span, dropped_attributes_count), Width::U32)
        }
        Field::SpanDroppedEventsCount => (Base::Span, offset_of!(Span, dropped_events_count), Width::U32),
        Field::SpanDroppedLinksCount => (Base::Span, offset_of!(Span, dropped_links_count), Width::U32),
        _ => return None,
    };
    Some(NativeInt { base, offset: i32::try_from(offset).ok()?, width })
}

// The widths above are the fields' types: this fails to compile if the generated code changes.
const _: fn(&LogRecord, &Span) = |l, s| {
    let _: (u64, u64, i32, u32, u32) =
        (l.time_unix_nano, l.observed_time_unix_nano, l.severity_number, l.dropped_attributes_count, l.flags);
    let _: (i32, u64, u64, u32, u32, u32) = (
        s.kind,
        s.start_time_unix_nano,
        s.end_time_unix_nano,
        s.dropped_attributes_count,
        s.dropped_events_count,
        s.dropped_links_count,
    );
};

/// The address of the record's log record or span (by [`Base`], a span event's span
/// included), or null when the record has none. Native code loads [`native_int`] fields from it
/// within the one comparison it asked for, calling no other helper in between, and comparisons
/// change nothing: the item is not written or moved while the address is in use.
pub(super) unsafe extern "C" fn item(frame: *mut Frame<'_>, base: u32) -> *const u8 {
    const LOG: u32 = Base::Log as u32;
    const SPAN: u32 = Base::Span as u32;
    // SAFETY: native code passes the frame it was called with, alive for the call.
    let frame = unsafe { &mut *frame };
    let rec: &Record<'_> = frame.record();
    match (base, &rec.item) {
        (LOG, Item::Log(l)) => std::ptr::from_ref::<LogRecord>(l).cast(),
        (SPAN, Item::Span(s) | Item::SpanEvent { span: s, .. }) => std::ptr::from_ref::<Span>(s).cast(),
        _ => std::ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::Scratch;

    /// Which statements run as a [`DirectEdit`]: `set` of a literal other than nil into a path
    /// without keys or one literal key of a record map, `delete_key` of a literal key from a
    /// record map (`testdata/exec/semantics/direct_edits.yaml` holds their outcomes on every
    /// backend).
    #[test]
    fn direct_edits_are_planned_for_literal_shapes_only() {
        let statements = [
            (r#"set(attributes["a"], "x")"#, true),
            (r#"set(attributes["a"], 1.5) where IsMatch(severity_text, "^I")"#, true),
            ("set(severity_number, SEVERITY_NUMBER_ERROR)", true),
            (r#"set(cache["c"], true)"#, true),
            (r#"set(resource.attributes["h"], -1)"#, true),
            (r#"set(attributes["a"], nil)"#, false),
            (r#"set(body["k"], "w")"#, false),
            (r#"set(attributes["a"]["b"], "x")"#, false),
            (r#"set(attributes["a"], attributes["b"])"#, false),
            (r#"set(attributes["a"], Concat(["x", "y"], ""))"#, false),
            (r#"set(attributes["a"], ["x"])"#, false),
            (r#"delete_key(attributes, "a")"#, true),
            (r#"delete_key(cache, "a") where severity_number > 3"#, true),
            (r#"delete_key(body, "a")"#, false),
            (r#"delete_key(attributes["m"], "a")"#, false),
        ];
        let texts: Vec<String> = statements.iter().map(|(s, _)| (*s).to_string()).collect();
        let group = crate::exec::interp_group(
            ottl_types::context::ContextId::Log,
            &texts,
            &[],
            crate::interp::ErrorMode::Propagate,
        )
        .expect("the statements compile");
        let planned: Vec<usize> = DirectEdit::plan(&group).iter().map(|s| s.statement).collect();
        let expected: Vec<usize> =
            statements.iter().enumerate().filter(|(_, (_, yes))| *yes).map(|(i, _)| i).collect();
        assert_eq!(planned, expected);
    }

    /// What native code loads, done in Rust: the table's offset and width.
    fn load(item: *const u8, n: NativeInt) -> i64 {
        // SAFETY: `item` points to the struct the table describes and the offset is one of its
        // fields, of the width the table gives (the const check above holds them to the types).
        unsafe {
            let at = item.add(usize::try_from(n.offset).expect("offsets are positive"));
            match n.width {
                Width::U64 => at.cast::<u64>().read_unaligned().cast_signed(),
                Width::U32 => i64::from(at.cast::<u32>().read_unaligned()),
                Width::I32 => i64::from(at.cast::<i32>().read_unaligned()),
            }
        }
    }

    #[test]
    fn native_fields_read_what_the_interpreter_reads() {
        let mut log = LogRecord {
            time_unix_nano: u64::MAX - 5,
            observed_time_unix_nano: 17,
            severity_number: -3,
            dropped_attributes_count: u32::MAX,
            flags: 0x8000_0001,
            ..LogRecord::default()
        };
        let mut span = Span {
            kind: 4,
            start_time_unix_nano: 1 << 63,
            end_time_unix_nano: 123_456_789,
            dropped_attributes_count: 7,
            dropped_events_count: 8,
            dropped_links_count: u32::MAX - 1,
            ..Span::default()
        };
        let (mut resource, mut scope, mut url, mut scope_url) = (None, None, String::new(), String::new());
        let mut scratch = Scratch::default();
        let log_ptr = std::ptr::from_ref(&log).cast::<u8>();
        let span_ptr = std::ptr::from_ref(&span).cast::<u8>();
        let fields = [
            Field::LogTimeUnixNano,
            Field::LogObservedTimeUnixNano,
            Field::LogSeverityNumber,
            Field::LogDroppedAttributesCount,
            Field::LogFlags,
            Field::SpanKind,
            Field::SpanStartTimeUnixNano,
            Field::SpanEndTimeUnixNano,
            Field::SpanDroppedAttributesCount,
            Field::SpanDroppedEventsCount,
            Field::SpanDroppedLinksCount,
        ];
        for field in fields {
            let n = native_int(field).expect("a native field");
            let (native, item) = match n.base {
                Base::Log => (load(log_ptr, n), Item::Log(&mut log)),
                Base::Span => (load(span_ptr, n), Item::Span(&mut span)),
            };
            let rec = scratch.record(&mut resource, &mut url, &mut scope, &mut scope_url, item);
            let expected = rec.get(field).into_owned();
            assert_eq!(Value::Int(native), expected, "{field:?}");
        }
    }
}
