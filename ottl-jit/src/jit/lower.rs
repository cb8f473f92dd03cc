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
    AbiParam, Block, Function, InstBuilder, MemFlagsData, SigRef, Signature, Type, UserFuncName, Value,
    condcodes::IntCC, types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use super::helpers;
use crate::interp::{CBool, CStatement, ErrorMode, Group};

/// Builds the group's function into `func` (whose signature this sets).
pub(super) fn group(group: &Group, func: &mut Function, target: TargetFrontendConfig) {
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
    l.statements(group);
    l.b.seal_all_blocks();
    l.b.finalize(target);
}

/// The signatures of the helpers, imported once per function.
struct Signatures {
    /// `(frame, node) -> u32`: [`helpers::condition`], [`helpers::edit`].
    node: SigRef,
    /// `(frame, statement, outcome)`: [`helpers::trace`].
    trace: SigRef,
    /// `(frame, statement)`: [`helpers::warn`].
    warn: SigRef,
    /// `(frame)`: [`helpers::forget`].
    forget: SigRef,
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

    fn statements(&mut self, group: &Group) {
        for (i, s) in group.statements.iter().enumerate() {
            let next = self.b.create_block();
            let failed = self.b.create_block();
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
            let node = self.address(s);
            let status =
                self.call(helpers::edit as *const (), self.sigs.node, &[frame, node]).expect("edit returns");
            let executed = self.b.create_block();
            self.b.ins().brif(status, failed, &[], executed, &[]);
            self.b.switch_to_block(executed);
            self.trace(s, helpers::EXECUTED);
            self.b.ins().jump(next, &[]);

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
            self.b.switch_to_block(next);
        }
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().return_(&[zero]);
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
            CBool::Compare { .. } | CBool::Call(_) => {
                let frame = self.frame;
                let node = self.address(c);
                let r = self
                    .call(helpers::condition as *const (), self.sigs.node, &[frame, node])
                    .expect("returns");
                let ok = self.b.create_block();
                let is_failed = self.b.ins().icmp_imm_u(IntCC::Equal, r, i64::from(helpers::FAILED));
                self.b.ins().brif(is_failed, failed, &[], ok, &[]);
                self.b.switch_to_block(ok);
                self.b.ins().ireduce(types::I8, r)
            }
        }
    }
}
