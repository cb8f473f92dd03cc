//! Reading a record does not allocate: conditions over paths, literals, comparisons and
//! borrowing converters run without a single heap allocation once compiled (and once the
//! regex engine's per-thread cache is warm).
#![allow(unsafe_code, reason = "a counting global allocator for this test binary only")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ottl_jit::exec::{Backend, Compiled, Payload, compile_group, visit};
use ottl_jit::interp::{self, CBool, CStatement, ErrorMode, Outcome, StatementError};
use ottl_jit::record::Record;
use ottl_types::check::{Component, Env};
use ottl_types::context::ContextId;
use ottl_types::paths::PathMode;

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// The counter is global: tests that count take turns.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

// SAFETY: every method delegates to `System` with the caller's arguments unchanged; the counter
// is a relaxed atomic and does not affect the allocation itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through `alloc` above with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RECORD: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"host","value":{"stringValue":"h1"}}]},
  "scopeLogs":[{"logRecords":[{"severityNumber":13,"body":{"stringValue":"GET /api/users"},
  "traceId":"0102030405060708090a0b0c0d0e0f10",
  "attributes":[{"key":"http.method","value":{"stringValue":"GET"}},{"key":"path","value":{"stringValue":"/api/users"}},
  {"key":"code","value":{"intValue":"200"}},{"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}}]}]}]}]}"#;

const CONDITIONS: &[&str] = &[
    r#"attributes["http.method"] == "GET""#,
    r#"attributes["code"] >= 200 and attributes["code"] < 300.5"#,
    r#"body == "x" or severity_number >= SEVERITY_NUMBER_WARN"#,
    r#"resource.attributes["host"] != nil and attributes["missing"] == nil"#,
    r#"attributes["m"]["k"] == "v""#,
    r#"IsMatch(attributes["path"], "^/api")"#,
    "IsString(body) and not IsMap(body)",
    "trace_id == TraceID(0x0102030405060708090a0b0c0d0e0f10)",
];

fn compile(text: &str) -> CBool {
    let env = Env {
        context: ContextId::Log,
        mode: PathMode::Unprefixed,
        component: Component::TransformStatements,
    };
    let tree = ottl_syntax::parse_condition(text).tree.expect("the condition parses");
    let hir = ottl_types::hir::condition(env, &tree).expect("the condition checks");
    interp::condition(&hir).expect("the interpreter runs it")
}

#[test]
fn read_only_conditions_do_not_allocate() {
    let _turn = TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let conditions: Vec<CBool> = CONDITIONS.iter().map(|c| compile(c)).collect();
    let mut payload = Payload::from_json(RECORD).expect("the record is OTLP/JSON");
    let mut results = Vec::with_capacity(conditions.len());
    let mut allocations = 0;
    let _ = visit(&mut payload, ContextId::Log, &mut |rec| {
        // Warm up: the regex engine allocates its per-thread cache on first use.
        for c in &conditions {
            let _ = c.eval(rec);
        }
        ALLOCATIONS.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        for c in &conditions {
            results.push(c.eval(rec).is_ok_and(|held| held));
        }
        COUNTING.store(false, Ordering::Relaxed);
        allocations = ALLOCATIONS.load(Ordering::Relaxed);
        Ok(())
    });
    assert_eq!(results, vec![true; CONDITIONS.len()], "every condition holds on the record");
    assert_eq!(allocations, 0, "evaluating read-only conditions allocated");
}

/// Runs the group twice on the payload's record (the first run warms the regex engine's
/// per-thread cache) and counts the second run's allocations.
fn allocations_of_second_run(group: &Compiled, payload: &mut Payload) -> usize {
    let mut allocations = usize::MAX;
    let _ = visit(payload, ContextId::Log, &mut |rec| {
        let mut trace = |_: &CStatement, _: Outcome<'_>, _: &Record<'_>| {};
        let mut warn = |_: &StatementError| {};
        group.execute(rec, &mut trace, &mut warn, false)?;
        ALLOCATIONS.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        let result = group.execute(rec, &mut trace, &mut warn, false);
        COUNTING.store(false, Ordering::Relaxed);
        allocations = ALLOCATIONS.load(Ordering::Relaxed);
        result
    });
    allocations
}

/// A group whose statements only test conditions (each `where not (...)` of a condition that
/// holds, so no editor runs) allocates nothing per record on any backend.
#[test]
fn groups_that_only_read_do_not_allocate_on_any_backend() {
    let _turn = TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);

    let statements: Vec<String> =
        CONDITIONS.iter().map(|c| format!(r#"set(attributes["x"], "yes") where not ({c})"#)).collect();
    for backend in Backend::ALL {
        let group = compile_group(ContextId::Log, &statements, &[], ErrorMode::Propagate, backend)
            .unwrap_or_else(|e| panic!("{}: {e}", backend.name()));
        let mut payload = Payload::from_json(RECORD).expect("the record is OTLP/JSON");
        let allocations = allocations_of_second_run(&group, &mut payload);
        assert_eq!(allocations, 0, "{}: a group that only reads allocated", backend.name());
    }
}

/// Editors whose pattern (compiled once) matches nothing change nothing and allocate nothing:
/// a pattern argument is borrowed from the compiled call for each record, never copied (a
/// copied `regex::Regex` builds a new search cache on its first use).
#[test]
fn pattern_editors_that_change_nothing_do_not_allocate() {
    let _turn = TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);

    let statements = [
        r#"delete_matching_keys(attributes, "^grpc\\.")"#,
        r#"keep_matching_keys(attributes, "^[a-z]")"#,
        r#"replace_all_matches(attributes, "*/v2/*", "x")"#,
        r#"replace_match(attributes["path"], "/v1/*", "x")"#,
        r#"replace_pattern(attributes["path"], "^/v1/", "x")"#,
    ]
    .map(String::from);
    for (backend, statement) in Backend::ALL.into_iter().flat_map(|b| statements.iter().map(move |s| (b, s)))
    {
        let group = compile_group(
            ContextId::Log,
            std::slice::from_ref(statement),
            &[],
            ErrorMode::Propagate,
            backend,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", backend.name()));
        let mut payload = Payload::from_json(RECORD).expect("the record is OTLP/JSON");
        let before = payload.to_json();
        let allocations = allocations_of_second_run(&group, &mut payload);
        assert_eq!(
            payload.to_json(),
            before,
            "{}: {statement}: nothing matched, nothing changed",
            backend.name()
        );
        assert_eq!(allocations, 0, "{}: {statement} changed nothing but allocated", backend.name());
    }
}
