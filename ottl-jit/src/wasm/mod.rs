//! The WASM backend: a statement group as a sandboxed module (emitted by [`emit`], ABI in
//! `ABI.md`), run by wasmtime under a fuel budget per record.
//!
//! A module carries its source in the `ottl` custom section ([`Manifest`]). The host compiles
//! that source again into the interpreter's nodes, which its imports run, so a module file is
//! all it takes to run a rule (`ottl transform --module rules.wasm`). A module from another
//! compiler or ABI version, or whose source does not match its hash, is refused.
//!
//! A trap (fuel run out, a runaway foreign module) fails the statement that was running: the
//! error mode then decides, and the group resumes at the next statement (`run(start)`).

#![allow(unsafe_code)] // The host state holds the record and hooks of the call in progress.

mod emit;

use std::ffi::c_void;
use std::sync::Mutex;

use ottl_types::context::ContextId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::interp::{CBool, CStatement, Error, ErrorMode, Group, Outcome, StatementError};
use crate::record::Record;

/// The import module name of the host ABI.
pub const ABI_MODULE: &str = "ottl";
/// The ABI version modules are emitted for; the host runs exactly this one.
pub const ABI_VERSION: u32 = 1;
/// The export that runs the group.
pub const RUN_EXPORT: &str = "run";
/// The custom section that holds the [`Manifest`].
pub const MANIFEST_SECTION: &str = "ottl";
/// Fuel one record may burn (one unit per WASM instruction, roughly); emitted code needs a few
/// per statement, so only a runaway module gets near it.
pub const FUEL_PER_RECORD: u64 = 1_000_000;
/// The most linear memory a module may grow to.
pub const MEMORY_LIMIT: usize = 16 << 20;

/// What a module says about itself (its `ottl` custom section, JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub abi: u32,
    /// The compiler (this crate's version) that numbered the module's nodes.
    pub compiler: String,
    pub context: String,
    pub error_mode: String,
    pub statements: Vec<String>,
    pub conditions: Vec<String>,
    /// SHA-256 of the fields above, hex.
    pub hash: String,
}

impl Manifest {
    fn new(
        context: ContextId,
        statements: &[String],
        conditions: &[String],
        error_mode: ErrorMode,
    ) -> Manifest {
        let mut m = Manifest {
            abi: ABI_VERSION,
            compiler: env!("CARGO_PKG_VERSION").to_string(),
            context: context.name().to_string(),
            error_mode: format!("{error_mode:?}").to_ascii_lowercase(),
            statements: statements.to_vec(),
            conditions: conditions.to_vec(),
            hash: String::new(),
        };
        m.hash = m.digest();
        m
    }

    fn digest(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.context, &self.error_mode] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for list in [&self.statements, &self.conditions] {
            h.update(list.len().to_le_bytes());
            for s in list {
                h.update(s.len().to_le_bytes());
                h.update(s.as_bytes());
            }
        }
        crate::interp::args::hex(&h.finalize())
    }

    /// The manifest of a module's bytes.
    pub fn read(wasm: &[u8]) -> Result<Manifest, String> {
        let data = custom_section(wasm, MANIFEST_SECTION)
            .ok_or_else(|| format!("not an OTTL module: no `{MANIFEST_SECTION}` custom section"))?;
        serde_json::from_slice(data)
            .map_err(|e| format!("the module's `{MANIFEST_SECTION}` section is invalid: {e}"))
    }

    /// Refuses a manifest this host cannot run as its module was compiled.
    fn check(&self) -> Result<(), String> {
        if self.abi != ABI_VERSION {
            return Err(format!("the module needs host ABI {}, this host runs ABI {ABI_VERSION}", self.abi));
        }
        if self.compiler != env!("CARGO_PKG_VERSION") {
            return Err(format!(
                "the module was compiled by ottl {}; recompile it with this ottl ({})",
                self.compiler,
                env!("CARGO_PKG_VERSION")
            ));
        }
        if self.digest() != self.hash {
            return Err("the module's source does not match its hash".into());
        }
        Ok(())
    }

    /// The error mode the manifest names.
    pub fn error_mode(&self) -> Result<ErrorMode, String> {
        ErrorMode::parse(&self.error_mode).ok_or_else(|| format!("unknown error mode `{}`", self.error_mode))
    }
}

/// The payload of the first custom section called `name`.
fn custom_section<'w>(wasm: &'w [u8], name: &str) -> Option<&'w [u8]> {
    fn leb(b: &[u8], at: &mut usize) -> Option<usize> {
        let (mut v, mut shift) = (0usize, 0);
        loop {
            let byte = *b.get(*at)?;
            *at += 1;
            v |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
        }
    }
    if wasm.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)?;
        let end = at.checked_add(size)?;
        let section = wasm.get(at..end)?;
        if id == 0 {
            let mut p = 0;
            let len = leb(section, &mut p)?;
            if section.get(p..p + len)? == name.as_bytes() {
                return section.get(p + len..);
            }
        }
        at = end;
    }
    None
}

/// The manifest (the `ottl` custom section's bytes) of a group's source: for hosts and tools
/// that build modules themselves.
pub fn manifest(
    context: ContextId,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
) -> Vec<u8> {
    serde_json::to_vec(&Manifest::new(context, statements, conditions, error_mode)).unwrap_or_default()
}

/// Emits the module for a group's source (checked and compiled here first).
pub fn compile_module(
    context: ContextId,
    statements: &[String],
    conditions: &[String],
    error_mode: ErrorMode,
) -> Result<Vec<u8>, crate::exec::CompileError> {
    let group = crate::exec::interp_group(context, statements, conditions, error_mode)?;
    Ok(emit::module(&group, &manifest(context, statements, conditions, error_mode)))
}

/// A module as text (`--emit wat`).
pub fn to_wat(wasm: &[u8]) -> Result<String, String> {
    wasmprinter::print_bytes(wasm).map_err(|e| format!("cannot print the module: {e}"))
}

/// A statement group running as a WASM module.
pub struct WasmGroup {
    /// The interpreter nodes the imports run (from the module's own source), boxed so that the
    /// host's pointers to them stay valid when the `WasmGroup` moves.
    group: Box<Group>,
    /// The store and the module's `run`, one call at a time.
    instance: Mutex<(wasmtime::Store<Host>, wasmtime::TypedFunc<i32, i64>)>,
}

impl std::fmt::Debug for WasmGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmGroup").field("group", &self.group).finish_non_exhaustive()
    }
}

/// The host side of the ABI for one store: the call in progress.
struct Host {
    call: Call,
    limits: wasmtime::StoreLimits,
}

/// The hooks of the call in progress, their lifetimes erased.
type TraceHook = dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>);
type WarnHook = dyn FnMut(&StatementError);

/// Pointers to what the current `run` call works on; all null between calls.
struct Call {
    rec: *mut c_void,
    trace: Option<*mut TraceHook>,
    warn: Option<*mut WarnHook>,
    tracing: bool,
    /// The group (owned by the `WasmGroup`, which outlives its store) and its leaves.
    group: *const Group,
    leaves: Vec<*const CBool>,
    /// The statement running (for a trap), and the failure of the last host call that failed.
    current: usize,
    error: Option<Error>,
}

// SAFETY: the pointers in `Call` are only dereferenced during a `run` call, made with the
// `WasmGroup`'s mutex held by the thread that owns the record and hooks they point to; between
// calls they are null or point to the `Group` the store's owner keeps alive and never changes.
unsafe impl Send for Call {}

impl WasmGroup {
    /// Compiles a group to a module and instantiates it.
    pub fn compile(
        context: ContextId,
        statements: &[String],
        conditions: &[String],
        error_mode: ErrorMode,
    ) -> Result<WasmGroup, crate::exec::CompileError> {
        let wasm = compile_module(context, statements, conditions, error_mode)?;
        WasmGroup::load(&wasm)
            .map_err(|reason| crate::exec::CompileError::Unsupported { text: statements.join("\n"), reason })
    }

    /// Instantiates a module file: its manifest is checked and its source compiled again.
    pub fn load(wasm: &[u8]) -> Result<WasmGroup, String> {
        let manifest = Manifest::read(wasm)?;
        manifest.check()?;
        let context = ContextId::from_name(&manifest.context)
            .ok_or_else(|| format!("the module names an unknown context `{}`", manifest.context))?;
        let group = Box::new(
            crate::exec::interp_group(
                context,
                &manifest.statements,
                &manifest.conditions,
                manifest.error_mode()?,
            )
            .map_err(|e| e.to_string())?,
        );
        let wasm_error = |e: wasmtime::Error| format!("the module cannot run: {e:#}");
        let (engine, linker) = engine()?;
        let module = wasmtime::Module::new(engine, wasm).map_err(wasm_error)?;
        let host = Host {
            call: Call {
                rec: std::ptr::null_mut(),
                trace: None,
                warn: None,
                tracing: false,
                group: &raw const *group,
                leaves: emit::leaves(&group).into_iter().map(std::ptr::from_ref).collect(),
                current: 0,
                error: None,
            },
            limits: wasmtime::StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).instances(1).build(),
        };
        let mut store = wasmtime::Store::new(engine, host);
        store.limiter(|h| &mut h.limits);
        store.set_fuel(FUEL_PER_RECORD).map_err(wasm_error)?;
        let instance = linker.instantiate(&mut store, &module).map_err(wasm_error)?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, RUN_EXPORT).map_err(wasm_error)?;
        Ok(WasmGroup { group, instance: Mutex::new((store, run)) })
    }

    /// Runs the group on one record, with the interpreter's contract (`interp::Group::execute`).
    pub fn execute(
        &self,
        rec: &mut Record<'_>,
        trace: &mut dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>),
        warn: &mut dyn FnMut(&StatementError),
        tracing: bool,
    ) -> Result<(), StatementError> {
        let poisoned = |_| StatementError {
            statement: "<wasm>".into(),
            error: Error::new("the module's store is poisoned"),
        };
        let mut guard = self.instance.lock().map_err(poisoned)?;
        let (store, run) = &mut *guard;
        {
            let call = &mut store.data_mut().call;
            call.rec = std::ptr::from_mut(rec).cast();
            call.trace = Some(erase_trace(trace));
            call.warn = Some(erase_warn(warn));
            call.tracing = tracing;
            call.error = None;
        }
        let result = self.run_from(store, run);
        let call = &mut store.data_mut().call;
        call.rec = std::ptr::null_mut();
        call.trace = None;
        call.warn = None;
        result
    }

    fn run_from(
        &self,
        store: &mut wasmtime::Store<Host>,
        run: &wasmtime::TypedFunc<i32, i64>,
    ) -> Result<(), StatementError> {
        let statement_error = |i: usize, error: Error| {
            let text =
                self.group.statements.get(i).map_or_else(|| "<unknown statement>".into(), |s| s.text.clone());
            StatementError { statement: text, error }
        };
        let mut start = 0;
        loop {
            let _ = store.set_fuel(FUEL_PER_RECORD);
            store.data_mut().call.current = start;
            let status = run.call(&mut *store, i32::try_from(start).unwrap_or(i32::MAX));
            let error = store.data_mut().call.error.take();
            match status {
                Ok(0) => return Ok(()),
                Ok(-1) => {
                    let error = error.unwrap_or_else(|| Error::new("a group condition failed"));
                    return Err(StatementError { statement: "group condition".into(), error });
                }
                Ok(n) => {
                    let i = usize::try_from(n - 1).unwrap_or(usize::MAX);
                    return Err(statement_error(
                        i,
                        error.unwrap_or_else(|| Error::new("the statement failed")),
                    ));
                }
                Err(trap) => {
                    // The statement that was running fails; the error mode decides what follows.
                    let current = store.data().call.current;
                    let reason = match trap.downcast_ref::<wasmtime::Trap>() {
                        Some(wasmtime::Trap::OutOfFuel) => {
                            "the rule ran out of fuel (a runaway loop?)".to_string()
                        }
                        _ => format!("the rule's module trapped: {trap:#}"),
                    };
                    let e = statement_error(current, Error(reason));
                    match self.group.error_mode {
                        ErrorMode::Propagate => return Err(e),
                        ErrorMode::Ignore => {
                            if let Some(warn) = store.data_mut().call.warn {
                                // SAFETY: set by `execute` for this call; cleared after it.
                                unsafe { (*warn)(&e) };
                            }
                        }
                        ErrorMode::Silent => {}
                    }
                    // Always forward, even when a module does not say where it was.
                    start = (current + 1).max(start + 1);
                    if start >= self.group.statements.len() {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[CStatement] {
        &self.group.statements
    }
}

/// A hook's pointer with its lifetime erased, for the host state of one call.
#[allow(clippy::transmute_ptr_to_ptr, reason = "erasing a trait object's lifetime, which `as` may not do")]
fn erase_trace<'a>(hook: &'a mut (dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>) + 'a)) -> *mut TraceHook {
    // SAFETY: only the lifetime changes; `execute` uses the pointer during its call and clears
    // it before returning, while the hook it points to is still borrowed.
    unsafe {
        std::mem::transmute::<*mut (dyn FnMut(&CStatement, Outcome<'_>, &Record<'_>) + 'a), *mut TraceHook>(
            std::ptr::from_mut(hook),
        )
    }
}

/// [`erase_trace`] for the warn hook.
#[allow(clippy::transmute_ptr_to_ptr, reason = "erasing a trait object's lifetime, which `as` may not do")]
fn erase_warn<'a>(hook: &'a mut (dyn FnMut(&StatementError) + 'a)) -> *mut WarnHook {
    // SAFETY: as in `erase_trace`.
    unsafe {
        std::mem::transmute::<*mut (dyn FnMut(&StatementError) + 'a), *mut WarnHook>(std::ptr::from_mut(hook))
    }
}

/// The process's engine (fuel metering on) and the linker that provides the ABI, made once.
fn engine() -> Result<&'static (wasmtime::Engine, wasmtime::Linker<Host>), String> {
    static ENGINE: std::sync::OnceLock<Result<(wasmtime::Engine, wasmtime::Linker<Host>), String>> =
        std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let wasm_error = |e: wasmtime::Error| format!("cannot start the WASM engine: {e:#}");
            let mut config = wasmtime::Config::new();
            config.consume_fuel(true);
            let engine = wasmtime::Engine::new(&config).map_err(wasm_error)?;
            let mut linker = wasmtime::Linker::new(&engine);
            imports(&mut linker).map_err(wasm_error)?;
            Ok((engine, linker))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The ABI's imports: each runs the interpreter's node for the index it is given.
fn imports(linker: &mut wasmtime::Linker<Host>) -> wasmtime::Result<()> {
    use wasmtime::Caller;
    type C<'a> = Caller<'a, Host>;
    linker.func_wrap(ABI_MODULE, "condition", |mut c: C<'_>, leaf: i32| -> i32 {
        let call = &mut c.data_mut().call;
        let Some(&node) = usize::try_from(leaf).ok().and_then(|i| call.leaves.get(i)) else {
            call.error = Some(Error::new("the module named a condition it does not have"));
            return emit::FAILED;
        };
        // SAFETY: `node` points into the group `execute` set, alive for the call; `rec` is the
        // record of this call.
        let (node, rec) = unsafe { (&*node, &*call.rec.cast::<Record<'_>>()) };
        match guard(|| node.eval(rec)) {
            Ok(true) => emit::TRUE,
            Ok(false) => emit::FALSE,
            Err(e) => {
                call.error = Some(e);
                emit::FAILED
            }
        }
    })?;
    linker.func_wrap(ABI_MODULE, "edit", |mut c: C<'_>, statement: i32| -> i32 {
        let call = &mut c.data_mut().call;
        // SAFETY: as in `condition`.
        let group = unsafe { &*call.group };
        let Some(s) = usize::try_from(statement).ok().and_then(|i| group.statements.get(i)) else {
            call.error = Some(Error::new("the module named a statement it does not have"));
            return 1;
        };
        // SAFETY: as in `condition`; no other reference to the record is alive.
        let rec = unsafe { &mut *call.rec.cast::<Record<'_>>() };
        match guard(|| (s.editor.edit_fn())(&s.editor, rec)) {
            Ok(()) => 0,
            Err(e) => {
                call.error = Some(e);
                1
            }
        }
    })?;
    linker.func_wrap(ABI_MODULE, "trace", |mut c: C<'_>, statement: i32, outcome: i32| {
        let call = &mut c.data_mut().call;
        // SAFETY: as in `condition`.
        let group = unsafe { &*call.group };
        let (Some(s), Some(trace)) =
            (usize::try_from(statement).ok().and_then(|i| group.statements.get(i)), call.trace)
        else {
            return;
        };
        let error = call.error.clone().unwrap_or_else(|| Error::new("unknown error"));
        let outcome = match outcome {
            emit::SKIPPED => Outcome::Skipped,
            emit::EXECUTED => Outcome::Executed,
            _ => Outcome::Failed(&error),
        };
        // SAFETY: as in `condition`; the hook was set by `execute` for this call.
        unsafe { (*trace)(s, outcome, &*call.rec.cast::<Record<'_>>()) };
    })?;
    linker.func_wrap(ABI_MODULE, "warn", |mut c: C<'_>, statement: i32| {
        let call = &mut c.data_mut().call;
        // SAFETY: as in `condition`.
        let group = unsafe { &*call.group };
        let (Some(s), Some(warn), Some(error)) = (
            usize::try_from(statement).ok().and_then(|i| group.statements.get(i)),
            call.warn,
            call.error.take(),
        ) else {
            return;
        };
        // SAFETY: as in `trace`.
        unsafe { (*warn)(&StatementError { statement: s.text.clone(), error }) };
    })?;
    linker.func_wrap(ABI_MODULE, "forget", |mut c: C<'_>| {
        c.data_mut().call.error = None;
    })?;
    linker.func_wrap(ABI_MODULE, "enter", |mut c: C<'_>, statement: i32| {
        c.data_mut().call.current = usize::try_from(statement).unwrap_or(usize::MAX);
    })?;
    linker.func_wrap(ABI_MODULE, "tracing", |c: C<'_>| -> i32 { i32::from(c.data().call.tracing) })?;
    Ok(())
}

/// Runs interpreter code for an import, turning a panic into an error (nothing unwinds into
/// the module).
fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new("internal error in a host call")))
}
