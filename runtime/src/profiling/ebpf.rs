//! The eBPF sampler: bpf/profile.bpf.c, compiled by build.rs, loaded with aya and attached to
//! the software `cpu-clock` event on every online CPU. The kernel aggregates samples per
//! (pid, tid, comm, user stack, kernel stack) into one of two map sets; a drain flips the live
//! set and reads and empties the other, so no sample is counted twice or lost to the read.

use super::{Counts, Sampler, Settings};

/// The key the BPF program counts under (`struct sample_key` in profile.bpf.c).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SampleKey {
    pub pid: u32,
    pub tid: u32,
    pub user_stack: i32,
    pub kernel_stack: i32,
    pub comm: [u8; 16],
}

// SAFETY: `SampleKey` is `repr(C)`, `Copy`, made of integers only with no padding (4 × 4 bytes
// then 16 bytes), so every bit pattern the kernel writes is a valid value.
#[allow(unsafe_code)]
unsafe impl aya::Pod for SampleKey {}

#[cfg(ottl_bpf)]
mod imp {
    use aya::maps::{Array, HashMap, MapData, StackTraceMap};
    use aya::programs::PerfEvent;
    use aya::programs::perf_event::{PerfEventConfig, PerfEventScope, SamplePolicy, SoftwareEvent};

    use std::collections::HashSet;

    use super::{Counts, SampleKey, Sampler, Settings};
    use crate::profiling::StackKey;

    /// The object build.rs compiled.
    static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/profile.bpf.o"));

    /// The BPF sampler: the loaded object with its program attached on every CPU.
    #[derive(Debug)]
    pub struct EbpfSampler {
        bpf: aya::Ebpf,
        live: u32,
        max_depth: usize,
        lost: u64,
        polls: u32,
    }

    /// Polls between two reads of the live map's keys (half a second).
    const PEEK_EVERY: u32 = 5;

    impl EbpfSampler {
        pub fn open(settings: &Settings) -> Result<EbpfSampler, String> {
            let filter = u32::from(!settings.pids.is_empty());
            let mut bpf = aya::EbpfLoader::new()
                .override_global("filter_pids", &filter, true)
                .load(OBJECT)
                .map_err(|e| explain(&format!("cannot load the BPF object: {}", chain(&e))))?;
            if !settings.pids.is_empty() {
                let map = bpf.map_mut("pids").ok_or("the BPF object has no `pids` map")?;
                let mut pids: HashMap<&mut MapData, u32, u8> =
                    HashMap::try_from(map).map_err(|e| format!("pids map: {e}"))?;
                for &pid in &settings.pids {
                    pids.insert(pid, 1, 0).map_err(|e| format!("pids map: {e}"))?;
                }
            }
            let program: &mut PerfEvent = bpf
                .program_mut("profile_cpu")
                .ok_or("the BPF object has no `profile_cpu` program")?
                .try_into()
                .map_err(|e| format!("profile_cpu: {e}"))?;
            program
                .load()
                .map_err(|e| explain(&format!("the kernel refused the BPF program: {}", chain(&e))))?;
            let cpus =
                aya::util::online_cpus().map_err(|(what, e)| format!("cannot list CPUs ({what}): {e}"))?;
            for cpu in cpus {
                program
                    .attach(
                        PerfEventConfig::Software(SoftwareEvent::CpuClock),
                        PerfEventScope::AllProcessesOneCpu { cpu },
                        SamplePolicy::Frequency(settings.frequency),
                        false,
                    )
                    .map_err(|e| {
                        explain(&format!("cannot attach to cpu-clock on CPU {cpu}: {}", chain(&e)))
                    })?;
            }
            Ok(EbpfSampler { bpf, live: 0, max_depth: settings.max_stack_depth, lost: 0, polls: 0 })
        }

        /// Makes `slot` the set the program writes to.
        fn set_live(&mut self, slot: u32) -> Result<(), String> {
            let map = self.bpf.map_mut("slot").ok_or("the BPF object has no `slot` map")?;
            let mut live: Array<&mut MapData, u32> =
                Array::try_from(map).map_err(|e| format!("slot map: {e}"))?;
            live.set(0, slot, 0).map_err(|e| format!("slot map: {e}"))?;
            self.live = slot;
            Ok(())
        }
    }

    impl Sampler for EbpfSampler {
        fn name(&self) -> &'static str {
            "ebpf"
        }

        fn poll(&mut self, _: &mut Counts, pids: &mut HashSet<u32>) -> Result<(), String> {
            // The kernel aggregates in maps, so nothing fills up between reports; every few
            // polls the live map's keys tell which processes are running, for their mappings.
            self.polls += 1;
            if !self.polls.is_multiple_of(PEEK_EVERY) {
                return Ok(());
            }
            let name = if self.live == 0 { "counts0" } else { "counts1" };
            let map = self.bpf.map(name).ok_or_else(|| format!("the BPF object has no `{name}` map"))?;
            let counts: HashMap<&MapData, SampleKey, u64> =
                HashMap::try_from(map).map_err(|e| format!("{name}: {e}"))?;
            pids.extend(counts.keys().filter_map(Result::ok).map(|k| k.pid));
            Ok(())
        }

        fn drain(&mut self, counts: &mut Counts) -> Result<(), String> {
            let old = self.live;
            self.set_live(old ^ 1)?;
            let (counts_name, stacks_name) =
                if old == 0 { ("counts0", "stacks0") } else { ("counts1", "stacks1") };
            let [Some(count_map), Some(stack_map)] = self.bpf.maps_disjoint_mut([counts_name, stacks_name])
            else {
                return Err(format!("the BPF object lacks `{counts_name}` or `{stacks_name}`"));
            };
            let mut count_map: HashMap<&mut MapData, SampleKey, u64> =
                HashMap::try_from(count_map).map_err(|e| format!("{counts_name}: {e}"))?;
            let mut stack_map: StackTraceMap<&mut MapData> =
                StackTraceMap::try_from(stack_map).map_err(|e| format!("{stacks_name}: {e}"))?;
            let entries: Vec<(SampleKey, u64)> = count_map.iter().filter_map(Result::ok).collect();
            let depth = self.max_depth;
            let frames = |id: i32, stack_map: &StackTraceMap<&mut MapData>| -> Vec<u64> {
                let Ok(id) = u32::try_from(id) else { return Vec::new() };
                stack_map
                    .get(&id, 0)
                    .map(|s| s.frames().iter().take(depth).map(|f| f.ip).collect())
                    .unwrap_or_default()
            };
            for (key, n) in &entries {
                // -EEXIST: the stack map had a different stack under the same hash bucket.
                if key.user_stack == -libc::EEXIST || key.kernel_stack == -libc::EEXIST {
                    self.lost += n;
                }
                let comm_len = key.comm.iter().position(|&b| b == 0).unwrap_or(key.comm.len());
                let stack = StackKey {
                    pid: key.pid,
                    tid: key.tid,
                    comm: Some(String::from_utf8_lossy(&key.comm[..comm_len]).into_owned()),
                    kernel: frames(key.kernel_stack, &stack_map),
                    user: frames(key.user_stack, &stack_map),
                };
                *counts.entry(stack).or_default() += n;
            }
            for (key, _) in &entries {
                let _ = count_map.remove(key);
            }
            let ids: Vec<u32> = stack_map.stack_ids().filter_map(Result::ok).collect();
            for id in ids {
                let _ = stack_map.remove(&id);
            }
            Ok(())
        }

        fn lost(&mut self) -> u64 {
            std::mem::take(&mut self.lost)
        }
    }

    /// An error with its causes (aya's errors keep the OS error as a source).
    fn chain(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            let c_text = c.to_string();
            if !out.contains(&c_text) {
                out.push_str(": ");
                out.push_str(&c_text);
            }
            cause = c.source();
        }
        out
    }

    /// Adds what to do about the usual reasons BPF fails.
    fn explain(message: &str) -> String {
        let d = message.to_ascii_lowercase();
        if d.contains("permission") || d.contains("operation not permitted") {
            format!(
                "{message}; loading BPF needs root or CAP_BPF with CAP_PERFMON (run as root, or use `mode: perf`)"
            )
        } else if d.contains("invalid argument") || d.contains("not supported") {
            format!(
                "{message}; this kernel may be too old for BPF perf_event programs (4.9 or later is needed)"
            )
        } else {
            message.to_string()
        }
    }
}

#[cfg(ottl_bpf)]
pub use imp::EbpfSampler;

/// The BPF program was not compiled into this build.
#[cfg(not(ottl_bpf))]
#[derive(Debug)]
pub enum EbpfSampler {}

#[cfg(not(ottl_bpf))]
impl EbpfSampler {
    pub fn open(_: &Settings) -> Result<EbpfSampler, String> {
        Err("this build has no BPF program: clang was not found when it was compiled (install clang and \
             libbpf-dev, then rebuild), or use `mode: perf`"
            .to_string())
    }
}

#[cfg(not(ottl_bpf))]
impl Sampler for EbpfSampler {
    fn name(&self) -> &'static str {
        match *self {}
    }
    fn poll(&mut self, _: &mut Counts, _: &mut std::collections::HashSet<u32>) -> Result<(), String> {
        match *self {}
    }
    fn drain(&mut self, _: &mut Counts) -> Result<(), String> {
        match *self {}
    }
    fn lost(&mut self) -> u64 {
        match *self {}
    }
}
