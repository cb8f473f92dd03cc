//! Emitting a statement group as a WASM module (the ABI is described in `ABI.md`).
//!
//! The module's one function, `run(start)`, holds the group's control flow: the group
//! conditions (only when `start` is 0), a jump to statement `start`, and every statement's
//! `where` clause (`and`/`or`/`not` as structured branches), editor call and error-mode
//! decision. Comparisons, converters and editors are host calls naming a node by its index:
//! conditions by their place in [`leaves`] order, statements by their position.

use wasm_encoder::{
    BlockType, CodeSection, CustomSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    ImportSection, InstructionSink, Module, TypeSection, ValType,
};

use crate::interp::{CBool, ErrorMode, Group};

/// Host calls, in import order (their function indices).
const CONDITION: u32 = 0;
const EDIT: u32 = 1;
const TRACE: u32 = 2;
const WARN: u32 = 3;
const FORGET: u32 = 4;
const ENTER: u32 = 5;
const TRACING: u32 = 6;
/// The group's own function comes after the imports.
const RUN: u32 = 7;

/// `condition`'s answers.
pub(super) const FALSE: i32 = 0;
pub(super) const TRUE: i32 = 1;
pub(super) const FAILED: i32 = 2;
/// `trace`'s outcomes.
pub(super) const SKIPPED: i32 = 0;
pub(super) const EXECUTED: i32 = 1;
pub(super) const FAILED_OUTCOME: i32 = 2;

/// The conditions the host evaluates (comparisons and converters), in the order the module
/// numbers them: the group conditions, then each statement's `where`, each tree left to right.
pub(super) fn leaves(group: &Group) -> Vec<&CBool> {
    fn walk<'g>(c: &'g CBool, out: &mut Vec<&'g CBool>) {
        match c {
            CBool::Or(l, r) | CBool::And(l, r) => {
                walk(l, out);
                walk(r, out);
            }
            CBool::Not(inner) => walk(inner, out),
            CBool::Const(_) => {}
            CBool::Compare { .. } | CBool::Call(_) => out.push(c),
        }
    }
    let mut out = Vec::new();
    for c in &group.conditions {
        walk(c, &mut out);
    }
    for s in &group.statements {
        if let Some(c) = &s.condition {
            walk(c, &mut out);
        }
    }
    out
}

/// The module for a group, with `manifest` as its `ottl` custom section.
pub(super) fn module(group: &Group, manifest: &[u8]) -> Vec<u8> {
    let mut types = TypeSection::new();
    let sig = |types: &mut TypeSection, params: &[ValType], results: &[ValType]| {
        types.ty().function(params.iter().copied(), results.iter().copied());
        types.len() - 1
    };
    let i32_to_i32 = sig(&mut types, &[ValType::I32], &[ValType::I32]);
    let trace_ty = sig(&mut types, &[ValType::I32, ValType::I32], &[]);
    let i32_to_none = sig(&mut types, &[ValType::I32], &[]);
    let none_to_none = sig(&mut types, &[], &[]);
    let none_to_i32 = sig(&mut types, &[], &[ValType::I32]);
    let run_ty = sig(&mut types, &[ValType::I32], &[ValType::I64]);

    let mut imports = ImportSection::new();
    for (name, ty) in [
        ("condition", i32_to_i32),
        ("edit", i32_to_i32),
        ("trace", trace_ty),
        ("warn", i32_to_none),
        ("forget", none_to_none),
        ("enter", i32_to_none),
        ("tracing", none_to_i32),
    ] {
        imports.import(super::ABI_MODULE, name, EntityType::Function(ty));
    }
    let mut functions = FunctionSection::new();
    functions.function(run_ty);
    let mut exports = ExportSection::new();
    exports.export(super::RUN_EXPORT, ExportKind::Func, RUN);

    // Two locals: the last host answer (kept to test it and use it), and whether the host traces.
    let mut body = Function::new([(2, ValType::I32)]);
    let mut e = Emitter { sink: body.instructions(), labels: 0, leaf: 0 };
    e.run(group);
    let mut code = CodeSection::new();
    code.function(&body);

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&exports)
        .section(&code)
        .section(&CustomSection { name: super::MANIFEST_SECTION.into(), data: manifest.into() });
    module.finish()
}

/// Local 0 is `start`; local 1 holds the last host answer; local 2 whether the host traces
/// (asked once per call).
const START: u32 = 0;
const ANSWER: u32 = 1;
const TRACES: u32 = 2;

struct Emitter<'a> {
    sink: InstructionSink<'a>,
    /// How many blocks are open: a label is the depth at which its block was opened.
    labels: u32,
    /// The next leaf's index.
    leaf: i32,
}

/// A block to branch to, by its nesting depth when opened.
#[derive(Clone, Copy)]
struct Label(u32);

impl Emitter<'_> {
    fn block(&mut self, bt: BlockType) -> Label {
        self.sink.block(bt);
        self.labels += 1;
        Label(self.labels)
    }

    fn if_(&mut self, bt: BlockType) {
        self.sink.if_(bt);
        self.labels += 1;
    }

    fn else_(&mut self) {
        self.sink.else_();
    }

    fn end(&mut self) {
        self.sink.end();
        self.labels -= 1;
    }

    /// The relative depth of a label from here.
    fn depth(&self, l: Label) -> u32 {
        self.labels - l.0
    }

    fn br(&mut self, l: Label) {
        let d = self.depth(l);
        self.sink.br(d);
    }

    fn br_if(&mut self, l: Label) {
        let d = self.depth(l);
        self.sink.br_if(d);
    }

    fn run(&mut self, group: &Group) {
        self.sink.call(TRACING);
        self.sink.local_set(TRACES);
        self.group_conditions(group);
        // Dispatch: `start` jumps over the statements before it.
        let n = group.statements.len();
        let outer: Vec<Label> = (0..=n).map(|_| self.block(BlockType::Empty)).collect();
        self.sink.local_get(START);
        // Innermost block (the last opened) ends before statement 0.
        let targets: Vec<u32> = (0..n).map(|k| self.depth(outer[n - k])).collect();
        let default = self.depth(outer[0]);
        self.sink.br_table(targets, default);
        for (k, s) in group.statements.iter().enumerate() {
            self.end();
            self.statement(k, s.condition.as_ref(), group.error_mode);
        }
        self.end();
        self.sink.i64_const(0);
        self.sink.end();
    }

    fn group_conditions(&mut self, group: &Group) {
        if group.conditions.is_empty() {
            return;
        }
        let body = self.block(BlockType::Empty);
        self.sink.local_get(START);
        self.br_if(body);
        for c in &group.conditions {
            let next = self.block(BlockType::Empty);
            let failed = self.block(BlockType::Empty);
            self.bool(c, failed);
            self.br_if(body);
            self.br(next);
            self.end();
            if group.error_mode == ErrorMode::Propagate {
                self.sink.i64_const(-1);
                self.sink.return_();
            } else {
                self.sink.call(FORGET);
            }
            self.end();
        }
        self.sink.i64_const(0);
        self.sink.return_();
        self.end();
    }

    fn statement(&mut self, k: usize, condition: Option<&CBool>, mode: ErrorMode) {
        let index = i32::try_from(k).unwrap_or(i32::MAX);
        self.sink.i32_const(index);
        self.sink.call(ENTER);
        let next = self.block(BlockType::Empty);
        let failed = self.block(BlockType::Empty);
        if let Some(c) = condition {
            self.bool(c, failed);
            self.sink.i32_eqz();
            self.if_(BlockType::Empty);
            self.trace(index, SKIPPED);
            self.br(next);
            self.end();
        }
        self.sink.i32_const(index);
        self.sink.call(EDIT);
        self.br_if(failed);
        self.trace(index, EXECUTED);
        self.br(next);
        self.end();
        self.trace(index, FAILED_OUTCOME);
        match mode {
            ErrorMode::Propagate => {
                self.sink.i64_const(i64::from(index) + 1);
                self.sink.return_();
            }
            ErrorMode::Ignore => {
                self.sink.i32_const(index);
                self.sink.call(WARN);
            }
            ErrorMode::Silent => {
                self.sink.call(FORGET);
            }
        }
        self.end();
    }

    fn trace(&mut self, statement: i32, outcome: i32) {
        self.sink.local_get(TRACES);
        self.if_(BlockType::Empty);
        self.sink.i32_const(statement);
        self.sink.i32_const(outcome);
        self.sink.call(TRACE);
        self.end();
    }

    /// A condition as an `i32` (0 or 1) on the stack; a failure branches to `failed`.
    fn bool(&mut self, c: &CBool, failed: Label) {
        match c {
            CBool::Const(v) => {
                self.sink.i32_const(i32::from(*v));
            }
            CBool::Not(inner) => {
                self.bool(inner, failed);
                self.sink.i32_eqz();
            }
            CBool::And(l, r) => {
                self.bool(l, failed);
                self.if_(BlockType::Result(ValType::I32));
                self.bool(r, failed);
                self.else_();
                self.sink.i32_const(0);
                self.end();
            }
            CBool::Or(l, r) => {
                self.bool(l, failed);
                self.if_(BlockType::Result(ValType::I32));
                self.sink.i32_const(1);
                self.else_();
                self.bool(r, failed);
                self.end();
            }
            CBool::Compare { .. } | CBool::Call(_) => {
                self.sink.i32_const(self.leaf);
                self.leaf += 1;
                self.sink.call(CONDITION);
                self.sink.local_tee(ANSWER);
                self.sink.i32_const(FAILED);
                self.sink.i32_eq();
                self.br_if(failed);
                self.sink.local_get(ANSWER);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_match_the_jit_helpers() {
        assert_eq!(super::TRUE, 1);
        assert_eq!(super::FALSE, 0);
    }
}
