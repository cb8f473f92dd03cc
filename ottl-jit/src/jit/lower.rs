//! Lowering a statement group to Cranelift IR.
//!
//! The function's shape, for group conditions `c..` and statements `s..`:
//!
//! ```text
//! entry(frame):
//!     c0 ? body : c1 ? body : ... : return 0        ; a failing ci: propagate → return -1, else next
//! body:
//!     s0: where ? edit : skipped                    ; failure → fail0
//!         edit ok → executed → s1 ...
//!     fail0: trace; propagate → return 1 | ignore → warn, s1 | silent → forget, s1
//!     ...
//!     return 0
//! ```
//!
//! Helpers are called indirectly through their addresses, which are constants of the code, as
//! are the addresses of the interpreter nodes they run.

use cranelift_codegen::ir::{
    AbiParam, Block, Function, InstBuilder, MemFlagsData, SigRef, Signature, StackSlotData, StackSlotKind,
    Type, UserFuncName, Value,
    condcodes::{FloatCC, IntCC},
    types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Switch};
use ottl_types::syntax::ast::{CompareOp, MathOp};

use super::helpers;
use crate::interp::{CBool, CExpr, CPath, CStatement, ErrorMode, Group};
use crate::value::Value as ValueLit;

/// What the code runs in place of the interpreter's statements; it points into these as it
/// does into the group.
#[derive(Debug)]
pub(super) struct Plan {
    /// Statement pairs run as one ([`helpers::Rename::plan`]).
    renames: Vec<helpers::Rename>,
    /// Editors of literals run directly ([`helpers::DirectEdit::plan`]).
    direct: Vec<helpers::DirectEdit>,
}

impl Plan {
    pub(super) fn new(group: &Group) -> Plan {
        Plan { renames: helpers::Rename::plan(group), direct: helpers::DirectEdit::plan(group) }
    }
}

/// Builds the group's function into `func` (whose signature this sets).
pub(super) fn group(group: &Group, plan: &Plan, func: &mut Function, target: TargetFrontendConfig) {
    let (ptr, call_conv) = (target.pointer_type(), target.default_call_conv);
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I64));
    func.signature = sig;
    func.name = UserFuncName::user(0, 0);

    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(func, &mut fctx);
    let sigs = Signatures::new(&mut b, ptr, call_conv);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let frame = b.block_params(entry)[0];
    let mut l = Lower { b, ptr, sigs, frame };
    l.conditions(group);
    l.statements(group, plan);
    l.b.seal_all_blocks();
    l.b.finalize(target);
}

/// The signatures of the helpers, imported once per function.
struct Signatures {
    /// `(frame, node) -> u32`: [`helpers::condition`], [`helpers::edit`].
    node: SigRef,
    /// `(frame, statement, outcome)`: [`helpers::trace`].
    trace: SigRef,
    /// `(frame, statement)`: [`helpers::warn`], and `(frame, rename)`: [`helpers::rename`].
    warn: SigRef,
    /// `(frame)`: [`helpers::forget`].
    forget: SigRef,
    /// `(frame, path, out) -> u32`: [`helpers::read_scalar`].
    read: SigRef,
    /// `(ptr, len, ptr, len) -> i32`: [`helpers::compare_bytes`].
    bytes: SigRef,
    /// `(frame, base) -> ptr`: [`helpers::item`].
    item: SigRef,
}

impl Signatures {
    fn new(b: &mut FunctionBuilder<'_>, ptr: Type, cc: CallConv) -> Self {
        let mut sig = |params: &[Type], ret: Option<Type>| {
            let mut s = Signature::new(cc);
            s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
            s.returns.extend(ret.map(AbiParam::new));
            b.import_signature(s)
        };
        Signatures {
            node: sig(&[ptr, ptr], Some(types::I32)),
            trace: sig(&[ptr, ptr, types::I32], None),
            warn: sig(&[ptr, ptr], None),
            forget: sig(&[ptr], None),
            read: sig(&[ptr, ptr, ptr], Some(types::I32)),
            bytes: sig(&[ptr, ptr, ptr, ptr], Some(types::I32)),
            item: sig(&[ptr, types::I32], Some(ptr)),
        }
    }
}

/// An address as the bit pattern of a 64-bit immediate.
#[allow(clippy::cast_possible_wrap)] // a bit-for-bit reinterpretation, not arithmetic
fn imm(addr: usize) -> i64 {
    addr as u64 as i64
}

struct Lower<'f> {
    b: FunctionBuilder<'f>,
    ptr: Type,
    sigs: Signatures,
    frame: Value,
}

impl Lower<'_> {
    /// An address as a constant of the code.
    fn address<T>(&mut self, p: *const T) -> Value {
        self.b.ins().iconst(self.ptr, imm(p.addr()))
    }

    /// Calls a helper through its address.
    fn call(&mut self, helper: *const (), sig: SigRef, args: &[Value]) -> Option<Value> {
        let callee = self.address(helper);
        let inst = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(inst).first().copied()
    }

    /// The group conditions: falls through to the statements when one holds (or there are none).
    fn conditions(&mut self, group: &Group) {
        if group.conditions.is_empty() {
            return;
        }
        let body = self.b.create_block();
        for c in &group.conditions {
            let failed = self.b.create_block();
            let next = self.b.create_block();
            let holds = self.bool(c, failed);
            self.b.ins().brif(holds, body, &[], next, &[]);
            self.b.switch_to_block(failed);
            if group.error_mode == ErrorMode::Propagate {
                let status = self.b.ins().iconst(types::I64, -1);
                self.b.ins().return_(&[status]);
            } else {
                let frame = self.frame;
                self.call(helpers::forget as *const (), self.sigs.forget, &[frame]);
                self.b.ins().jump(next, &[]);
            }
            self.b.switch_to_block(next);
        }
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().return_(&[zero]);
        self.b.switch_to_block(body);
    }

    fn statements(&mut self, group: &Group, plan: &Plan) {
        let statements = &group.statements;
        let mut i = 0;
        while i < statements.len() {
            if let Some(rename) = plan.renames.iter().find(|r| r.first == i) {
                // `set(m[dst], m[src])` + `delete_key(m, src)`: one move of the value, unless
                // a trace wants to see the two statements one by one.
                let (fast, slow, middle, after) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                let frame = self.frame;
                let flag =
                    self.b.ins().load(types::I8, MemFlagsData::trusted(), frame, helpers::TRACING_OFFSET);
                self.b.ins().brif(flag, slow, &[], fast, &[]);
                self.b.switch_to_block(fast);
                let node = self.address(rename);
                self.call(helpers::rename as *const (), self.sigs.warn, &[frame, node]);
                self.b.ins().jump(after, &[]);
                self.b.switch_to_block(slow);
                self.statement(group, plan, i, middle);
                self.b.switch_to_block(middle);
                self.statement(group, plan, i + 1, after);
                self.b.switch_to_block(after);
                i += 2;
                continue;
            }
            let next = self.b.create_block();
            self.statement(group, plan, i, next);
            self.b.switch_to_block(next);
            i += 1;
        }
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().return_(&[zero]);
    }

    /// Statement `i`: its condition, its editor, its outcome; continues at `next`.
    fn statement(&mut self, group: &Group, plan: &Plan, i: usize, next: Block) {
        let s = &group.statements[i];
        let failed = self.b.create_block();
        let direct = plan.direct.iter().find(|d| d.statement == i);
        if direct.is_none() && s.condition.as_ref().is_some_and(interpreted) {
            // The clause is one helper call either way: run it and the editor in the same one.
            let frame = self.frame;
            let node = self.address(s);
            let outcome =
                self.call(helpers::edit_where as *const (), self.sigs.node, &[frame, node]).expect("returns");
            let (skipped, executed) = (self.b.create_block(), self.b.create_block());
            let mut switch = Switch::new();
            switch.set_entry(u128::from(helpers::SKIPPED), skipped);
            switch.set_entry(u128::from(helpers::EXECUTED), executed);
            switch.emit(&mut self.b, outcome, failed);
            for (block, outcome) in [(skipped, helpers::SKIPPED), (executed, helpers::EXECUTED)] {
                self.b.switch_to_block(block);
                self.trace(s, outcome);
                self.b.ins().jump(next, &[]);
            }
            self.failed(group, i, failed, next);
            return;
        }
        if let Some(c) = &s.condition {
            let run = self.b.create_block();
            let skipped = self.b.create_block();
            let holds = self.bool(c, failed);
            self.b.ins().brif(holds, run, &[], skipped, &[]);
            self.b.switch_to_block(skipped);
            self.trace(s, helpers::SKIPPED);
            self.b.ins().jump(next, &[]);
            self.b.switch_to_block(run);
        }
        let frame = self.frame;
        let status = if let Some(direct) = direct {
            let node = self.address(direct);
            self.call(helpers::direct_edit as *const (), self.sigs.node, &[frame, node])
        } else {
            let node = self.address(s);
            self.call(helpers::edit as *const (), self.sigs.node, &[frame, node])
        }
        .expect("editors return");
        let executed = self.b.create_block();
        self.b.ins().brif(status, failed, &[], executed, &[]);
        self.b.switch_to_block(executed);
        self.trace(s, helpers::EXECUTED);
        self.b.ins().jump(next, &[]);

        self.failed(group, i, failed, next);
    }

    /// Statement `i`'s failure at `failed`: traced, then as the error mode says.
    fn failed(&mut self, group: &Group, i: usize, failed: Block, next: Block) {
        let (s, frame) = (&group.statements[i], self.frame);
        self.b.switch_to_block(failed);
        self.trace(s, helpers::FAILED_OUTCOME);
        match group.error_mode {
            ErrorMode::Propagate => {
                let status = self.b.ins().iconst(types::I64, imm(i + 1));
                self.b.ins().return_(&[status]);
            }
            ErrorMode::Ignore => {
                let node = self.address(s);
                self.call(helpers::warn as *const (), self.sigs.warn, &[frame, node]);
                self.b.ins().jump(next, &[]);
            }
            ErrorMode::Silent => {
                self.call(helpers::forget as *const (), self.sigs.forget, &[frame]);
                self.b.ins().jump(next, &[]);
            }
        }
    }

    /// Reports an outcome when the frame asks for tracing (a byte test, then a helper call).
    fn trace(&mut self, s: &CStatement, outcome: u32) {
        let frame = self.frame;
        let flag = self.b.ins().load(types::I8, MemFlagsData::trusted(), frame, helpers::TRACING_OFFSET);
        let call = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(flag, call, &[], done, &[]);
        self.b.switch_to_block(call);
        let node = self.address(s);
        let outcome = self.b.ins().iconst(types::I32, i64::from(outcome));
        self.call(helpers::trace as *const (), self.sigs.trace, &[frame, node, outcome]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    /// A condition as an `i8` (0 or 1); a failure jumps to `failed` with the error in the frame.
    fn bool(&mut self, c: &CBool, failed: Block) -> Value {
        match c {
            CBool::Const(v) => self.b.ins().iconst(types::I8, i64::from(*v)),
            CBool::Not(inner) => {
                let v = self.bool(inner, failed);
                self.b.ins().bxor_imm_u(v, 1)
            }
            CBool::And(l, r) | CBool::Or(l, r) => {
                let is_and = matches!(c, CBool::And(..));
                let lv = self.bool(l, failed);
                let rhs = self.b.create_block();
                let merge = self.b.create_block();
                self.b.append_block_param(merge, types::I8);
                if is_and {
                    self.b.ins().brif(lv, rhs, &[], merge, &[lv.into()]);
                } else {
                    self.b.ins().brif(lv, merge, &[lv.into()], rhs, &[]);
                }
                self.b.switch_to_block(rhs);
                let rv = self.bool(r, failed);
                self.b.ins().jump(merge, &[rv.into()]);
                self.b.switch_to_block(merge);
                self.b.block_params(merge)[0]
            }
            CBool::Compare { lhs, op, rhs } => {
                if let Some((l, r)) = native_ints(lhs, rhs) {
                    return self.compare_ints(c, &l, *op, &r, failed);
                }
                if let Some((path, op)) = nil_compare(lhs, *op, rhs) {
                    return self.compare_nil(path, op, failed);
                }
                match literal_compare(lhs, *op, rhs) {
                    Some((path, lit, op)) => self.compare_literal(c, path, lit, op, failed),
                    None => self.generic(c, failed),
                }
            }
            CBool::Call(call) => {
                let frame = self.frame;
                let node = self.address(&raw const **call);
                self.helper_bool(helpers::converter_condition as *const (), &[frame, node], failed)
            }
        }
    }

    /// Two integer expressions compared in registers, their fields loaded from the item
    /// ([`helpers::native_int`]) and their arithmetic wrapping as Go's `int64`. A record
    /// without the item (never the case in the context the group was compiled for) goes to
    /// the interpreter.
    fn compare_ints(
        &mut self,
        node: &CBool,
        l: &IntExpr,
        op: CompareOp,
        r: &IntExpr,
        failed: Block,
    ) -> Value {
        let fallback = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let mut items = [None, None];
        let x = self.int_value(l, &mut items, fallback);
        let y = self.int_value(r, &mut items, fallback);
        let holds = self.b.ins().icmp(int_cc(op, true), x, y);
        self.b.ins().jump(done, &[holds.into()]);
        self.b.switch_to_block(fallback);
        let holds = self.generic(node, failed);
        self.b.ins().jump(done, &[holds.into()]);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// An integer expression's value as an `i64`; `items` holds the item addresses already
    /// asked for (by [`helpers::Base`]), a null one jumps to `fallback`.
    fn int_value(&mut self, expr: &IntExpr, items: &mut [Option<Value>; 2], fallback: Block) -> Value {
        match expr {
            IntExpr::Lit(n) => self.b.ins().iconst(types::I64, *n),
            IntExpr::Field(n) => {
                let base = n.base as usize;
                let item = if let Some(item) = items[base] {
                    item
                } else {
                    let frame = self.frame;
                    let which = self.b.ins().iconst(types::I32, n.base as i64);
                    let item = self
                        .call(helpers::item as *const (), self.sigs.item, &[frame, which])
                        .expect("returns");
                    let present = self.b.create_block();
                    self.b.ins().brif(item, present, &[], fallback, &[]);
                    self.b.switch_to_block(present);
                    items[base] = Some(item);
                    item
                };
                let flags = MemFlagsData::trusted();
                match n.width {
                    helpers::Width::U64 => self.b.ins().load(types::I64, flags, item, n.offset),
                    helpers::Width::U32 => self.b.ins().uload32(flags, item, n.offset),
                    helpers::Width::I32 => self.b.ins().sload32(flags, item, n.offset),
                }
            }
            IntExpr::Math(op, lhs, rhs) => {
                let x = self.int_value(lhs, items, fallback);
                let y = self.int_value(rhs, items, fallback);
                match op {
                    MathOp::Add => self.b.ins().iadd(x, y),
                    MathOp::Sub => self.b.ins().isub(x, y),
                    _ => self.b.ins().imul(x, y),
                }
            }
        }
    }

    /// A condition the interpreter evaluates (through [`helpers::condition`]).
    fn generic(&mut self, c: &CBool, failed: Block) -> Value {
        let frame = self.frame;
        let node = self.address(c);
        self.helper_bool(helpers::condition as *const (), &[frame, node], failed)
    }

    /// Calls a `(frame, node) -> u32` helper answering [`helpers::FALSE`], [`helpers::TRUE`] or
    /// [`helpers::FAILED`]: the answer as an `i8`, or a jump to `failed`.
    fn helper_bool(&mut self, helper: *const (), args: &[Value], failed: Block) -> Value {
        let r = self.call(helper, self.sigs.node, args).expect("returns");
        let ok = self.b.create_block();
        let is_failed = self.b.ins().icmp_imm_u(IntCC::Equal, r, i64::from(helpers::FAILED));
        self.b.ins().brif(is_failed, failed, &[], ok, &[]);
        self.b.switch_to_block(ok);
        self.b.ins().ireduce(types::I8, r)
    }

    /// `path op literal` in native code: the path's value is read unboxed into a stack slot
    /// ([`helpers::read_scalar`]), ints, floats and bools compare in registers, strings by
    /// length and then bytes. Values of other kinds go to the interpreter (reading a path is
    /// pure, so reading it again there is safe).
    fn compare_literal(
        &mut self,
        node: &CBool,
        path: &CPath,
        lit: Lit<'_>,
        op: CompareOp,
        failed: Block,
    ) -> Value {
        let (tag, out) = self.read_scalar(path);

        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let invalid = self.b.create_block();
        let other = self.b.create_block();
        let mut switch = Switch::new();
        switch.set_entry(u128::from(helpers::TAG_FAILED), failed);
        switch.set_entry(u128::from(helpers::TAG_OTHER), other);
        let int = self.b.create_block();
        let float = self.b.create_block();
        match lit {
            Lit::Int(_) | Lit::Float(_) => {
                switch.set_entry(u128::from(helpers::TAG_INT), int);
                switch.set_entry(u128::from(helpers::TAG_FLOAT), float);
            }
            Lit::Bool(_) => switch.set_entry(u128::from(helpers::TAG_BOOL), int),
            Lit::Str(_) => switch.set_entry(u128::from(helpers::TAG_STR), int),
        }
        switch.emit(&mut self.b, tag, invalid);

        // Kinds that do not compare (nil included): only `!=` holds.
        self.b.switch_to_block(invalid);
        let ne = self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne));
        self.b.ins().jump(done, &[ne.into()]);

        self.b.switch_to_block(other);
        let r = self.generic(node, failed);
        self.b.ins().jump(done, &[r.into()]);

        let flags = MemFlagsData::trusted();
        self.b.switch_to_block(int);
        let bits = self.b.ins().load(types::I64, flags, out, helpers::SCALAR_BITS);
        let r = match lit {
            Lit::Int(n) => self.b.ins().icmp_imm_s(int_cc(op, true), bits, n),
            Lit::Float(f) => {
                let x = self.b.ins().fcvt_from_sint(types::F64, bits);
                let y = self.b.ins().f64const(f);
                self.b.ins().fcmp(float_cc(op), x, y)
            }
            Lit::Bool(v) => self.b.ins().icmp_imm_u(int_cc(op, false), bits, i64::from(v)),
            Lit::Str(s) => self.compare_str(out, s, op),
        };
        self.b.ins().jump(done, &[r.into()]);

        self.b.switch_to_block(float);
        if matches!(lit, Lit::Int(_) | Lit::Float(_)) {
            let x = self.b.ins().load(types::F64, flags, out, helpers::SCALAR_BITS);
            let y = match lit {
                #[allow(clippy::cast_precision_loss)] // Go compares float64(int64) the same way
                Lit::Int(n) => self.b.ins().f64const(n as f64),
                Lit::Float(f) => self.b.ins().f64const(f),
                _ => unreachable!("only numeric literals reach the float block"),
            };
            let r = self.b.ins().fcmp(float_cc(op), x, y);
            self.b.ins().jump(done, &[r.into()]);
        } else {
            self.b.ins().jump(invalid, &[]);
        }

        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// Reads a path's value into a stack slot ([`helpers::read_scalar`]): its tag, and the
    /// slot's address.
    fn read_scalar(&mut self, path: &CPath) -> (Value, Value) {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            helpers::SCALAR_SIZE,
            3,
        ));
        let out = self.b.ins().stack_addr(self.ptr, slot, 0);
        let (frame, path) = (self.frame, self.address(path));
        let tag = self
            .call(helpers::read_scalar as *const (), self.sigs.read, &[frame, path, out])
            .expect("returns");
        (tag, out)
    }

    /// `path op nil` by the tag [`helpers::read_scalar`] gives: nil against nil is equal
    /// (`==`, `<=`, `>=` hold), any other value against nil does not compare (only `!=`
    /// holds), as in `compare.rs`.
    fn compare_nil(&mut self, path: &CPath, op: CompareOp, failed: Block) -> Value {
        let (tag, _) = self.read_scalar(path);
        let ok = self.b.create_block();
        let is_failed = self.b.ins().icmp_imm_u(IntCC::Equal, tag, i64::from(helpers::TAG_FAILED));
        self.b.ins().brif(is_failed, failed, &[], ok, &[]);
        self.b.switch_to_block(ok);
        let is_nil = self.b.ins().icmp_imm_u(IntCC::Equal, tag, i64::from(helpers::TAG_NIL));
        let nil_holds = matches!(op, CompareOp::Eq | CompareOp::Le | CompareOp::Ge);
        let when_nil = self.b.ins().iconst(types::I8, i64::from(nil_holds));
        let otherwise = self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne));
        self.b.ins().select(is_nil, when_nil, otherwise)
    }

    /// Compares the string in the scalar slot with a literal: equality by length first.
    fn compare_str(&mut self, out: Value, lit: &str, op: CompareOp) -> Value {
        let flags = MemFlagsData::trusted();
        let ptr = self.b.ins().load(self.ptr, flags, out, helpers::SCALAR_PTR);
        let len = self.b.ins().load(self.ptr, flags, out, helpers::SCALAR_LEN);
        let lit_ptr = self.address(lit.as_ptr());
        let lit_len = self.b.ins().iconst(self.ptr, imm(lit.len()));
        let result = self.b.create_block();
        self.b.append_block_param(result, types::I8);
        if matches!(op, CompareOp::Eq | CompareOp::Ne) {
            let bytes = self.b.create_block();
            let same_len = self.b.ins().icmp(IntCC::Equal, len, lit_len);
            let differ = self.b.ins().iconst(types::I8, i64::from(op == CompareOp::Ne));
            self.b.ins().brif(same_len, bytes, &[], result, &[differ.into()]);
            self.b.switch_to_block(bytes);
            if lit.len() <= INLINE_STR {
                let equal = self.equal_bytes(ptr, lit.as_bytes());
                let r = if op == CompareOp::Eq { equal } else { self.b.ins().bxor_imm_u(equal, 1) };
                self.b.ins().jump(result, &[r.into()]);
                self.b.switch_to_block(result);
                return self.b.block_params(result)[0];
            }
        }
        let order = self
            .call(helpers::compare_bytes as *const (), self.sigs.bytes, &[ptr, len, lit_ptr, lit_len])
            .expect("returns");
        let r = self.b.ins().icmp_imm_s(int_cc(op, true), order, 0);
        self.b.ins().jump(result, &[r.into()]);
        self.b.switch_to_block(result);
        self.b.block_params(result)[0]
    }
}

/// The longest string literal `==`/`!=` compares inline, without calling a helper.
const INLINE_STR: usize = 16;

impl Lower<'_> {
    /// Whether the `lit.len()` bytes at `ptr` are `lit`'s, as an `i8`: loads of 8, 4, 2 and 1
    /// bytes compared with the literal's bytes as constants (native byte order), all of them
    /// within the string, whose length was checked to be the literal's.
    fn equal_bytes(&mut self, ptr: Value, lit: &[u8]) -> Value {
        let flags = MemFlagsData::trusted().with_notrap().with_readonly();
        let mut equal = self.b.ins().iconst(types::I8, 1);
        // `at` indexes the literal, `offset` addresses the same byte of the string.
        let (mut at, mut offset) = (0, 0);
        for (width, step, ty) in
            [(8, 8, types::I64), (4, 4, types::I32), (2, 2, types::I16), (1, 1, types::I8)]
        {
            while lit.len() - at >= width {
                let mut chunk = [0u8; 8];
                chunk[..width].copy_from_slice(&lit[at..at + width]);
                let expected = match width {
                    8 => i64::from_ne_bytes(chunk),
                    4 => i64::from(i32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])),
                    2 => i64::from(i16::from_ne_bytes([chunk[0], chunk[1]])),
                    _ => i64::from(i8::from_ne_bytes([chunk[0]])),
                };
                let got = self.b.ins().load(ty, flags, ptr, offset);
                let same = self.b.ins().icmp_imm_s(IntCC::Equal, got, expected);
                equal = self.b.ins().band(equal, same);
                at += width;
                offset += step;
            }
        }
        equal
    }
}

/// An integer expression native code computes: literals, [`helpers::native_int`] fields, and
/// `+`, `-`, `*` of those (division stays with the interpreter, for its zero check).
enum IntExpr {
    Lit(i64),
    Field(helpers::NativeInt),
    Math(MathOp, Box<IntExpr>, Box<IntExpr>),
}

impl IntExpr {
    fn reads_field(&self) -> bool {
        match self {
            IntExpr::Lit(_) => false,
            IntExpr::Field(_) => true,
            IntExpr::Math(_, a, b) => a.reads_field() || b.reads_field(),
        }
    }
}

/// Both sides of a comparison as integer expressions, when native code computes them (at least
/// one reads a field: literals alone were folded when the statement compiled).
fn native_ints(lhs: &CExpr, rhs: &CExpr) -> Option<(IntExpr, IntExpr)> {
    let (l, r) = (int_expr(lhs)?, int_expr(rhs)?);
    (l.reads_field() || r.reads_field()).then_some((l, r))
}

fn int_expr(e: &CExpr) -> Option<IntExpr> {
    match e {
        CExpr::Lit(ValueLit::Int(n)) => Some(IntExpr::Lit(*n)),
        CExpr::Path(p) if p.keys.is_empty() => helpers::native_int(p.field).map(IntExpr::Field),
        CExpr::Math { op: op @ (MathOp::Add | MathOp::Sub | MathOp::Mul), lhs, rhs } => {
            Some(IntExpr::Math(*op, Box::new(int_expr(lhs)?), Box::new(int_expr(rhs)?)))
        }
        _ => None,
    }
}

/// Whether native code would evaluate the whole condition through one [`helpers::condition`]
/// call (a converter, a comparison it does not handle natively, or `not` of those).
fn interpreted(c: &CBool) -> bool {
    match c {
        CBool::Call(_) => true,
        CBool::Not(inner) => interpreted(inner),
        CBool::Compare { lhs, op, rhs } => {
            native_ints(lhs, rhs).is_none()
                && nil_compare(lhs, *op, rhs).is_none()
                && literal_compare(lhs, *op, rhs).is_none()
        }
        CBool::Or(..) | CBool::And(..) | CBool::Const(_) => false,
    }
}

/// A literal native code compares against.
#[derive(Clone, Copy)]
enum Lit<'a> {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(&'a str),
}

/// `path op literal` (or `literal op path`, turned around), when the literal is a scalar.
fn literal_compare<'a>(
    lhs: &'a CExpr,
    op: CompareOp,
    rhs: &'a CExpr,
) -> Option<(&'a CPath, Lit<'a>, CompareOp)> {
    let lit = |v: &'a ValueLit<'static>| match v {
        ValueLit::Int(n) => Some(Lit::Int(*n)),
        ValueLit::Float(f) => Some(Lit::Float(*f)),
        ValueLit::Bool(b) => Some(Lit::Bool(*b)),
        ValueLit::Str(s) => Some(Lit::Str(s)),
        _ => None,
    };
    match (lhs, rhs) {
        (CExpr::Path(p), CExpr::Lit(v)) => Some((p, lit(v)?, op)),
        (CExpr::Lit(v), CExpr::Path(p)) => Some((p, lit(v)?, flip(op))),
        _ => None,
    }
}

/// `path op nil` (or `nil op path`, turned around).
fn nil_compare<'a>(lhs: &'a CExpr, op: CompareOp, rhs: &'a CExpr) -> Option<(&'a CPath, CompareOp)> {
    match (lhs, rhs) {
        (CExpr::Path(p), CExpr::Lit(ValueLit::Nil)) => Some((p, op)),
        (CExpr::Lit(ValueLit::Nil), CExpr::Path(p)) => Some((p, flip(op))),
        _ => None,
    }
}

/// `a op b` as `b op' a`.
fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        same => same,
    }
}

fn int_cc(op: CompareOp, signed: bool) -> IntCC {
    match (op, signed) {
        (CompareOp::Eq, _) => IntCC::Equal,
        (CompareOp::Ne, _) => IntCC::NotEqual,
        (CompareOp::Lt, true) => IntCC::SignedLessThan,
        (CompareOp::Le, true) => IntCC::SignedLessThanOrEqual,
        (CompareOp::Gt, true) => IntCC::SignedGreaterThan,
        (CompareOp::Ge, true) => IntCC::SignedGreaterThanOrEqual,
        (CompareOp::Lt, false) => IntCC::UnsignedLessThan,
        (CompareOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
        (CompareOp::Gt, false) => IntCC::UnsignedGreaterThan,
        (CompareOp::Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
    }
}

/// IEEE comparisons: NaN makes every one false except `!=`, as in Go.
fn float_cc(op: CompareOp) -> FloatCC {
    match op {
        CompareOp::Eq => FloatCC::Equal,
        CompareOp::Ne => FloatCC::NotEqual,
        CompareOp::Lt => FloatCC::LessThan,
        CompareOp::Le => FloatCC::LessThanOrEqual,
        CompareOp::Gt => FloatCC::GreaterThan,
        CompareOp::Ge => FloatCC::GreaterThanOrEqual,
    }
}
