//! A module that never stops, or that grows its memory without bound, fails the statement that
//! was running (the error mode decides what follows); the next statement and the next record
//! still run, and the process survives.

use ottl_jit::exec::{Compiled, Hooks, Payload, Program};
use ottl_jit::interp::{ErrorMode, StatementError};
use ottl_jit::wasm::{WasmGroup, manifest};
use ottl_types::context::ContextId;
use wasm_encoder::{
    BlockType, CodeSection, CustomSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    ImportSection, MemorySection, MemoryType, Module, TypeSection, ValType,
};

const INPUT: &str =
    r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[]},{"attributes":[]}]}]}]}"#;

/// A module for two statements whose `run(0)` misbehaves (`runaway` writes that part) and whose
/// `run(1)` runs statement 1 as the ABI says.
fn module(
    statements: &[String],
    mode: ErrorMode,
    runaway: impl Fn(&mut wasm_encoder::InstructionSink<'_>),
) -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]); // 0: edit
    types.ty().function([ValType::I32], []); // 1: enter
    types.ty().function([ValType::I32], [ValType::I64]); // 2: run
    let mut imports = ImportSection::new();
    imports.import("ottl", "edit", EntityType::Function(0));
    imports.import("ottl", "enter", EntityType::Function(1));
    let mut functions = FunctionSection::new();
    functions.function(2);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 2);
    let mut body = Function::new([]);
    let mut sink = body.instructions();
    sink.local_get(0).if_(BlockType::Empty);
    // run(1): statement 1, then done.
    sink.i32_const(1).call(1).i32_const(1).call(0).drop().i64_const(0).return_();
    sink.end();
    sink.i32_const(0).call(1);
    runaway(&mut sink);
    sink.i64_const(0).end();
    let mut code = CodeSection::new();
    code.function(&body);
    let data = manifest(ContextId::Log, statements, &[], mode);
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&functions)
        .section(&memories)
        .section(&exports)
        .section(&code)
        .section(&CustomSection { name: "ottl".into(), data: data.into() });
    m.finish()
}

fn run(wasm: &[u8]) -> (Result<(), StatementError>, Vec<String>, String) {
    let group = WasmGroup::load(wasm).expect("the module loads");
    let program = Program { context: ContextId::Log, groups: vec![Compiled::Wasm(Box::new(group))] };
    let mut payload = Payload::from_json(INPUT).expect("OTLP/JSON");
    let mut warnings = Vec::new();
    let mut warn = |e: &StatementError| warnings.push(e.to_string());
    let result = program.run(&mut payload, &mut Hooks { warn: Some(&mut warn), ..Hooks::default() });
    (result, warnings, payload.to_json())
}

fn statements() -> Vec<String> {
    vec![
        r#"set(attributes["first"], "never")"#.to_string(),
        r#"set(attributes["second"], "ran")"#.to_string(),
    ]
}

#[test]
fn an_endless_loop_runs_out_of_fuel_and_the_next_statement_and_record_still_run() {
    let wasm = module(&statements(), ErrorMode::Ignore, |s| {
        s.loop_(BlockType::Empty).br(0).end();
    });
    let (result, warnings, output) = run(&wasm);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(warnings.len(), 2, "one failure per record: {warnings:?}");
    assert!(warnings[0].contains("ran out of fuel"), "{warnings:?}");
    assert!(warnings[0].contains(r#"set(attributes["first"], "never")"#), "{warnings:?}");
    assert_eq!(output.matches(r#""stringValue": "ran""#).count(), 2, "{output}");
    assert!(!output.contains("never"), "{output}");
}

#[test]
fn unbounded_memory_growth_is_refused_and_fails_the_statement() {
    // Grow a page at a time; when the host refuses (-1), trap.
    let wasm = module(&statements(), ErrorMode::Propagate, |s| {
        s.loop_(BlockType::Empty)
            .i32_const(1)
            .memory_grow(0)
            .i32_const(-1)
            .i32_ne()
            .br_if(0)
            .end()
            .unreachable();
    });
    let (result, _, _) = run(&wasm);
    let e = result.expect_err("propagate stops at the failing statement");
    assert_eq!(&*e.statement, r#"set(attributes["first"], "never")"#);
    assert!(e.error.0.contains("trapped"), "{e}");
}

#[test]
fn a_module_from_another_abi_or_with_a_changed_source_is_refused() {
    let mut wasm = module(&statements(), ErrorMode::Ignore, |_| {});
    let find =
        |wasm: &[u8], needle: &[u8]| wasm.windows(needle.len()).position(|w| w == needle).expect("found");
    // Same length, another ABI.
    let at = find(&wasm, b"\"abi\":1") + 6;
    wasm[at] = b'7';
    let e = WasmGroup::load(&wasm).expect_err("refused");
    assert!(e.contains("ABI 7"), "{e}");
    wasm[at] = b'1';
    let at = find(&wasm, b"never");
    wasm[at] = b'N';
    let e = WasmGroup::load(&wasm).expect_err("refused");
    assert!(e.contains("hash"), "{e}");
}

#[test]
fn a_module_that_traps_wherever_it_starts_still_lets_the_record_go() {
    // `run(start)` ignores `start`: it always claims statement 0 and loops.
    let wasm = module(&statements(), ErrorMode::Silent, |s| {
        s.loop_(BlockType::Empty).br(0).end();
    });
    let mut wasm = wasm;
    // Make run(1) loop too: patch its `if` condition to be false (local.get 0 → i32.const 0).
    let at = wasm.windows(3).position(|w| w == [0x20, 0x00, 0x04]).expect("local.get 0; if");
    wasm[at] = 0x41; // i32.const 0
    let (result, warnings, output) = run(&wasm);
    assert!(result.is_ok(), "{result:?}");
    assert!(warnings.is_empty(), "silent mode logs nothing");
    assert!(!output.contains("never") && !output.contains("ran"), "{output}");
}
