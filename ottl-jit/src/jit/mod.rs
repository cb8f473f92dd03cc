//! The Cranelift backend: one native function per statement group.
//!
//! The group's control flow is native code: the OR of the group conditions, each statement's
//! `where` clause (`and`/`or`/`not` short-circuit as branches, constants fold), the order of the
//! statements and the error mode's decision (stop, log and go on, or go on). Integer fields of
//! the log record or span load straight from the item, and their comparisons and `+ - *` run in
//! registers (`helpers::native_int`); other paths compared with a scalar literal or `nil` are
//! read unboxed and compared natively. Everything else that touches the record or a value
//! (converters, editors) is an `extern "C"` helper ([`helpers`]) running the interpreter's own
//! node for it, or, for editors of literals (`helpers::DirectEdit`), the interpreter's setter
//! on a value prepared at compile time, so both backends share one implementation of every
//! semantic rule.
//!
//! Every compiled function receives a [`helpers::Frame`] pointer, the record and the hooks, and
//! returns `0` (done), `n > 0` (statement `n - 1` failed under `propagate`) or `-1` (a group
//! condition failed under `propagate`); the failure itself waits in the frame.

#![allow(unsafe_code)] // The native code and its helpers: each block says why it is sound.

mod helpers;
mod lower;

use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};

use crate::interp::{CStatement, ErrorMode, Group, Outcome, StatementError, Unsupported};
use crate::record::Record;

/// A statement group compiled to native code.
pub struct JitGroup {
    /// The interpreter's nodes the native code's helpers run; their addresses are baked into
    /// the code, so this group is never changed after compiling.
    group: Group,
    /// What the code runs in place of the interpreter's statements (their addresses are baked
    /// in too).
    _plan: lower::Plan,
    /// The compiled function (see the module docs for its contract).
    entry: helpers::Entry,
    /// Owns the executable memory `entry` points into; freed on drop.
    module: Option<JITModule>,
}

impl std::fmt::Debug for JitGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitGroup").field("group", &self.group).finish_non_exhaustive()
    }
}

impl JitGroup {
    /// Compiles an interpreter group to native code. A failure is an error, never a panic.
    pub fn compile(group: Group) -> Result<JitGroup, Unsupported> {
        let jit_error =
            |e: &dyn std::fmt::Display| Unsupported(format!("the JIT cannot compile this group: {e}"));
        let mut flags = settings::builder();
        for (name, value) in
            [("opt_level", "speed"), ("use_colocated_libcalls", "false"), ("is_pic", "false")]
        {
            flags.set(name, value).map_err(|e| jit_error(&e))?;
        }
        let isa = cranelift_native::builder()
            .map_err(|e| jit_error(&e))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| jit_error(&e))?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa, cranelift_module::default_libcall_names()));
        let mut ctx = module.make_context();
        let plan = lower::Plan::new(&group);
        lower::group(&group, &plan, &mut ctx.func, module.isa().frontend_config());
        let id = module
            .declare_function("ottl_group", Linkage::Local, &ctx.func.signature)
            .map_err(|e| jit_error(&e))?;
        module.define_function(id, &mut ctx).map_err(|e| jit_error(&e))?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().map_err(|e| jit_error(&e))?;
        let code = module.get_finalized_function(id);
        // SAFETY: `code` is the function `lower::group` just built with the signature of
        // `Entry` (one pointer argument, an i64 result, the platform's C calling convention),
        // and the module keeping it alive lives as long as this `JitGroup`.
        let entry = unsafe { std::mem::transmute::<*const u8, helpers::Entry>(code) };
        Ok(JitGroup { group, _plan: plan, entry, module: Some(module) })
    }

    /// The statements, in order (for reports that name them).
    pub fn statements(&self) -> &[CStatement] {
        &self.group.statements
    }

    /// Runs the group on one record, with the interpreter's contract (`interp::Group::execute`).
    #[inline]
    pub fn execute(
        &self,
        rec: &mut Record<'_>,
        trace: &mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
        warn: &mut dyn FnMut(&StatementError),
        tracing: bool,
    ) -> Result<(), StatementError> {
        let mut frame = helpers::Frame::new(rec, trace, warn, tracing);
        // SAFETY: `entry` was compiled for `self.group`, which is alive and unchanged; the frame
        // outlives the call and is only used through the helpers while the call runs.
        let status = unsafe { (self.entry)(&raw mut frame) };
        if status == 0 {
            return Ok(());
        }
        self.failed(status, frame.take_error())
    }

    /// The statement error for a nonzero status of the compiled function.
    #[cold]
    fn failed(&self, status: i64, error: Option<crate::interp::Error>) -> Result<(), StatementError> {
        match (status, error) {
            (-1, Some(error)) => Err(StatementError { statement: "group condition".into(), error }),
            (n, Some(error)) if n > 0 => {
                let statement = usize::try_from(n - 1).ok().and_then(|i| self.group.statements.get(i));
                let text = statement.map_or_else(|| "<unknown statement>".into(), |s| s.text.clone());
                Err(StatementError { statement: text, error })
            }
            (n, _) => Err(StatementError {
                statement: "<jit>".into(),
                error: crate::interp::Error(format!(
                    "internal error: the compiled group returned {n} without an error"
                )),
            }),
        }
    }

    /// The error mode the group was compiled with.
    pub fn error_mode(&self) -> ErrorMode {
        self.group.error_mode
    }
}

impl Drop for JitGroup {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the only pointer into this module's memory is `self.entry`, which is not
            // called again: this `JitGroup` is being dropped and never handed the pointer out.
            unsafe { module.free_memory() };
        }
    }
}

// SAFETY: after `finalize_definitions` the module's code and data are never written again; the
// code keeps no state between calls (each call gets its own frame on the caller's stack) and
// reads `group`/`_plan` only through shared references, and both are `Sync` (asserted below).
// Calling `entry` from several threads at once is therefore sound, as is dropping the group
// (unmapping the memory) on any thread once no call runs, which `&mut self` in `drop` ensures.
unsafe impl Send for JitGroup {}
// SAFETY: see `Send` above.
unsafe impl Sync for JitGroup {}

const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Group>();
    send_and_sync::<lower::Plan>();
};
