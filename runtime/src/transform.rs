//! The transform processor: statement groups compiled once at load for the configured
//! executor, run group after group over each payload. A WASM module executor is watched and
//! swapped between payloads when its file changes, so no payload sees two versions.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use ottl_jit::exec::{Backend, Compiled, Payload, visit};
use ottl_jit::interp::{CStatement, Outcome, StatementError};
use ottl_jit::record::Record;
use ottl_jit::wasm::{Manifest, WasmGroup};
use ottl_types::context::ContextId;

use crate::config::{Executor, TransformSettings};
use crate::signal::{Signal, signal_of};
use crate::telemetry::{RateLimitedLog, info};

/// A compiled group and the context it runs on.
#[derive(Debug)]
struct RunGroup {
    context: ContextId,
    signals: Vec<Signal>,
    compiled: Compiled,
}

/// The signals whose payloads hold records of `context`.
fn signals_of(context: ContextId) -> Vec<Signal> {
    match context {
        ContextId::Log => vec![Signal::Logs],
        ContextId::Span | ContextId::SpanEvent => vec![Signal::Traces],
        ContextId::Metric | ContextId::DataPoint => vec![Signal::Metrics],
        ContextId::Profile => vec![Signal::Profiles],
        ContextId::Resource | ContextId::Scope => Signal::ALL.to_vec(),
    }
}

/// A compiled transform processor.
#[derive(Debug)]
pub struct Transform {
    groups: Vec<RunGroup>,
    module: Option<Arc<HotModule>>,
    /// `flatten_data`: logs run with a resource and scope per record.
    flatten_logs: bool,
}

impl Transform {
    /// Compiles every group (a module executor loads its module).
    pub fn compile(s: &TransformSettings, id: &str) -> Result<Transform, String> {
        let backend = match &s.executor {
            Executor::Jit => Backend::Jit,
            Executor::Interpreter => Backend::Interp,
            Executor::Wasm(path) => {
                let module = HotModule::open(path, id)?;
                return Ok(Transform {
                    groups: Vec::new(),
                    module: Some(module),
                    flatten_logs: s.flatten_logs,
                });
            }
        };
        let mut groups = Vec::new();
        for (signal, list) in &s.groups {
            for g in list {
                let (env, cond_env) = ottl_types::source::transform_group_envs(
                    signal.name(),
                    g.context,
                    &g.statements,
                    &g.conditions,
                )
                .ok_or_else(|| format!("{}: the context of the statements cannot be inferred", g.key))?;
                let group = ottl_jit::exec::interp_group_in(
                    env,
                    cond_env,
                    &g.statements,
                    &g.conditions,
                    g.error_mode,
                )
                .map_err(|e| format!("{}: {e}", g.key))?;
                let compiled = Compiled::new(group, backend).map_err(|u| format!("{}: {}", g.key, u.0))?;
                groups.push(RunGroup { context: env.context, signals: vec![*signal], compiled });
            }
        }
        Ok(Transform { groups, module: None, flatten_logs: s.flatten_logs })
    }

    /// Runs every group over the payload. Errors `ignore` mode logs go to `warn`; under
    /// `propagate` the first error fails the payload.
    pub fn apply(
        &self,
        p: &mut Payload,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<(), StatementError> {
        if let Payload::Logs(req) = p
            && self.flatten_logs
        {
            crate::flatten::flatten_logs(req);
        }
        let result = self.run_groups(p, warn);
        // Regrouped whatever the outcome, as upstream does in a `defer`.
        if let Payload::Logs(req) = p
            && self.flatten_logs
        {
            crate::flatten::group_logs(req);
        }
        result
    }

    fn run_groups(
        &self,
        p: &mut Payload,
        warn: &mut dyn FnMut(&StatementError),
    ) -> Result<(), StatementError> {
        let signal = signal_of(p);
        let module = self.module.as_ref().map(|m| m.current());
        let groups = self.groups.iter().chain(module.as_deref());
        for g in groups.filter(|g| g.signals.contains(&signal)) {
            let mut no_trace = |_: &CStatement, _: Outcome<'_>, _: &Record<'_>| {};
            let mut each = |rec: &mut Record<'_>| g.compiled.execute(rec, &mut no_trace, warn, false);
            visit(p, g.context, &mut each)?;
        }
        Ok(())
    }
}

impl Transform {
    /// Compiles a module and swaps it in for the running one (between payloads); on error the
    /// running module stays. Only for processors whose executor is a module.
    pub fn install(&self, bytes: &[u8]) -> Result<(), String> {
        let module = self.module.as_ref().ok_or("this transform processor does not run a module")?;
        let group = load_bytes(bytes)?;
        *module.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(group);
        Ok(())
    }
}

impl Drop for Transform {
    fn drop(&mut self) {
        if let Some(m) = &self.module {
            m.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// A module file, watched: a changed file that loads replaces the running module; one that does
/// not is reported and the running module stays.
#[derive(Debug)]
struct HotModule {
    path: PathBuf,
    current: RwLock<Arc<RunGroup>>,
    stop: AtomicBool,
    log: RateLimitedLog,
}

fn load(path: &Path) -> Result<RunGroup, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    load_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn load_bytes(bytes: &[u8]) -> Result<RunGroup, String> {
    let manifest = Manifest::read(bytes)?;
    let context = ContextId::from_name(&manifest.context)
        .ok_or_else(|| format!("the module names an unknown context `{}`", manifest.context))?;
    let group = WasmGroup::load(bytes)?;
    Ok(RunGroup { context, signals: signals_of(context), compiled: Compiled::Wasm(Box::new(group)) })
}

fn modified(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// How often a module file is checked for changes.
const WATCH_INTERVAL: Duration = Duration::from_millis(200);

impl HotModule {
    fn open(path: &Path, id: &str) -> Result<Arc<HotModule>, String> {
        let first = load(path)?;
        let module = Arc::new(HotModule {
            path: path.to_path_buf(),
            current: RwLock::new(Arc::new(first)),
            stop: AtomicBool::new(false),
            log: RateLimitedLog::new(format!("processors.{id}")),
        });
        let watched = Arc::downgrade(&module);
        let mut seen = modified(path);
        let id = id.to_string();
        std::thread::Builder::new()
            .name(format!("watch {id}"))
            .spawn(move || {
                loop {
                    std::thread::sleep(WATCH_INTERVAL);
                    let Some(m) = watched.upgrade() else { return };
                    if m.stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let now = modified(&m.path);
                    if now == seen || now.is_none() {
                        continue;
                    }
                    seen = now;
                    match load(&m.path) {
                        Ok(g) => {
                            *m.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
                                Arc::new(g);
                            info(&format!("processors.{id}"), format_args!("reloaded {}", m.path.display()));
                        }
                        Err(e) => m.log.error(format_args!("kept the running module: {e}")),
                    }
                }
            })
            .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        Ok(module)
    }

    fn current(&self) -> Arc<RunGroup> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}
