//! The fallback sampler: `perf_event_open` on the software `cpu-clock` event, one event per
//! online CPU for all processes, each sample carrying its pid/tid and call chain. Samples land
//! in a ring buffer per CPU shared with the kernel; [`PerfSampler::poll`] reads them out and
//! aggregates them by stack, as the BPF program does in the kernel.
//!
//! This is one of the places design.md allows `unsafe`: the syscall, the shared mapping, and
//! the reads of the kernel's ring-buffer head.
#![allow(unsafe_code)]

use std::collections::HashSet;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{Ordering, fence};

use perf_event_open_sys::bindings::{
    PERF_CONTEXT_KERNEL, PERF_CONTEXT_MAX, PERF_CONTEXT_USER, PERF_COUNT_SW_CPU_CLOCK, PERF_FLAG_FD_CLOEXEC,
    PERF_RECORD_LOST, PERF_RECORD_SAMPLE, PERF_SAMPLE_CALLCHAIN, PERF_SAMPLE_TID, PERF_TYPE_SOFTWARE,
    perf_event_attr, perf_event_mmap_page,
};

use super::{Counts, Sampler, Settings, StackKey};

/// Data pages per CPU (a power of two): 512 KiB holds about half a second of 127-frame samples
/// at 1 kHz, five times the poll interval.
const DATA_PAGES: usize = 128;

/// The perf sampler: one event and ring buffer per CPU.
#[derive(Debug)]
pub struct PerfSampler {
    rings: Vec<Ring>,
    pids: Vec<u32>,
    max_depth: usize,
    lost: u64,
    /// Scratch for a record that wraps around the end of a ring.
    record: Vec<u8>,
}

/// One CPU's event and its mapped ring buffer.
#[derive(Debug)]
struct Ring {
    /// Keeps the event open while the mapping lives; closed after `Drop` unmaps.
    _fd: OwnedFd,
    base: *mut u8,
    len: usize,
    data: usize,
    size: usize,
}

impl PerfSampler {
    pub fn open(settings: &Settings) -> Result<PerfSampler, String> {
        let cpus = online_cpus()?;
        // SAFETY: sysconf has no memory-safety preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let mut rings = Vec::with_capacity(cpus.len());
        for cpu in cpus {
            let mut attr = perf_event_attr {
                type_: PERF_TYPE_SOFTWARE,
                size: std::mem::size_of::<perf_event_attr>() as u32,
                config: u64::from(PERF_COUNT_SW_CPU_CLOCK),
                sample_type: u64::from(PERF_SAMPLE_TID | PERF_SAMPLE_CALLCHAIN),
                sample_max_stack: settings.max_stack_depth.min(super::MAX_STACK_DEPTH) as u16,
                ..perf_event_attr::default()
            };
            attr.__bindgen_anon_1.sample_freq = settings.frequency;
            attr.set_freq(1);
            let cpu_arg = i32::try_from(cpu).map_err(|_| format!("CPU number {cpu} out of range"))?;
            // SAFETY: `attr` is a fully initialised perf_event_attr whose `size` is its own size;
            // the kernel only reads it.
            let fd = unsafe {
                perf_event_open_sys::perf_event_open(
                    &raw mut attr,
                    -1,
                    cpu_arg,
                    -1,
                    libc::c_ulong::from(PERF_FLAG_FD_CLOEXEC),
                )
            };
            if fd < 0 {
                return Err(explain(cpu, &std::io::Error::last_os_error()));
            }
            // SAFETY: `fd` was just returned by perf_event_open and is owned by nothing else.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let len = page * (1 + DATA_PAGES);
            // SAFETY: mapping a perf event's fd read-write and shared is how its ring buffer is
            // read (perf_event_open(2)); the length is one metadata page plus 2^n data pages.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd.as_raw_fd(),
                    0,
                )
            };
            if base == libc::MAP_FAILED {
                return Err(format!(
                    "cannot map the perf ring buffer of CPU {cpu}: {} (raise `ulimit -l` or /proc/sys/kernel/perf_event_mlock_kb)",
                    std::io::Error::last_os_error()
                ));
            }
            rings.push(Ring { _fd: fd, base: base.cast(), len, data: page, size: page * DATA_PAGES });
        }
        Ok(PerfSampler {
            rings,
            pids: settings.pids.clone(),
            max_depth: settings.max_stack_depth,
            lost: 0,
            record: Vec::new(),
        })
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: `base`/`len` are exactly what mmap returned, and nothing borrows the mapping
        // beyond this point (records are copied out while reading).
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

impl Ring {
    fn meta(&self) -> *mut perf_event_mmap_page {
        self.base.cast()
    }

    /// Copies `out.len()` bytes of the data area starting at ring offset `at`, wrapping.
    fn copy(&self, at: u64, out: &mut [u8]) {
        let start = (at % self.size as u64) as usize;
        let first = out.len().min(self.size - start);
        // SAFETY: both ranges lie inside the data area (`start + first <= size`, and the rest
        // wraps to its beginning); the kernel does not write below `data_head`, which was read
        // before this copy with acquire ordering.
        unsafe {
            let data = self.base.add(self.data);
            std::ptr::copy_nonoverlapping(data.add(start), out.as_mut_ptr(), first);
            std::ptr::copy_nonoverlapping(data, out.as_mut_ptr().add(first), out.len() - first);
        }
    }
}

impl Sampler for PerfSampler {
    fn name(&self) -> &'static str {
        "perf"
    }

    fn poll(&mut self, counts: &mut Counts, pids: &mut HashSet<u32>) -> Result<(), String> {
        for i in 0..self.rings.len() {
            let ring = &self.rings[i];
            let meta = ring.meta();
            // SAFETY: `meta` points at the mapped metadata page; `data_head` is written by the
            // kernel, so it is read volatile and followed by an acquire fence (perf_event_open(2)).
            let head = unsafe { std::ptr::read_volatile(&raw const (*meta).data_head) };
            fence(Ordering::Acquire);
            // SAFETY: as above; `data_tail` is written only by this reader.
            let mut tail = unsafe { std::ptr::read_volatile(&raw const (*meta).data_tail) };
            let mut header = [0u8; 8];
            while tail < head {
                ring.copy(tail, &mut header);
                let kind = u32::from_ne_bytes(header[0..4].try_into().unwrap_or_default());
                let size = u16::from_ne_bytes(header[6..8].try_into().unwrap_or_default()) as usize;
                if size < 8 {
                    break;
                }
                self.record.resize(size - 8, 0);
                ring.copy(tail + 8, &mut self.record);
                match kind {
                    PERF_RECORD_SAMPLE => {
                        if let Some(key) = parse_sample(&self.record, self.max_depth)
                            && (self.pids.is_empty() || self.pids.contains(&key.pid))
                        {
                            pids.insert(key.pid);
                            *counts.entry(key).or_default() += 1;
                        }
                    }
                    PERF_RECORD_LOST => {
                        self.lost += self
                            .record
                            .get(8..16)
                            .map_or(0, |b| u64::from_ne_bytes(b.try_into().unwrap_or_default()));
                    }
                    _ => {}
                }
                tail += size as u64;
            }
            fence(Ordering::Release);
            // SAFETY: the reader owns `data_tail`; the release fence orders the copies above
            // before the kernel may reuse the space.
            unsafe { std::ptr::write_volatile(&raw mut (*meta).data_tail, tail) };
        }
        Ok(())
    }

    fn drain(&mut self, counts: &mut Counts) -> Result<(), String> {
        self.poll(counts, &mut HashSet::new())
    }

    fn lost(&mut self) -> u64 {
        std::mem::take(&mut self.lost)
    }
}

/// Which part of a call chain the frames being read belong to.
#[derive(PartialEq)]
enum Part {
    Kernel,
    User,
    Other,
}

/// A `PERF_RECORD_SAMPLE` body for `PERF_SAMPLE_TID | PERF_SAMPLE_CALLCHAIN`: pid, tid, then
/// the call chain, whose context markers split kernel frames from user frames.
fn parse_sample(body: &[u8], max_depth: usize) -> Option<StackKey> {
    let u32_at = |i: usize| body.get(i..i + 4).map(|b| u32::from_ne_bytes(b.try_into().unwrap_or_default()));
    let u64_at = |i: usize| body.get(i..i + 8).map(|b| u64::from_ne_bytes(b.try_into().unwrap_or_default()));
    let (pid, tid) = (u32_at(0)?, u32_at(4)?);
    if tid == 0 {
        // The idle task.
        return None;
    }
    let nr = usize::try_from(u64_at(8)?).ok()?;
    let mut key = StackKey { pid, tid, comm: None, kernel: Vec::new(), user: Vec::new() };
    let mut part = Part::Other;
    for i in 0..nr {
        let ip = u64_at(16 + i * 8)?;
        if ip >= PERF_CONTEXT_MAX {
            part = match ip {
                PERF_CONTEXT_KERNEL => Part::Kernel,
                PERF_CONTEXT_USER => Part::User,
                _ => Part::Other,
            };
            continue;
        }
        let frames = match part {
            Part::Kernel => &mut key.kernel,
            Part::User => &mut key.user,
            Part::Other => continue,
        };
        if frames.len() < max_depth {
            frames.push(ip);
        }
    }
    Some(key)
}

/// The online CPUs, from /sys/devices/system/cpu/online (`0-3,5`).
fn online_cpus() -> Result<Vec<u32>, String> {
    let path = "/sys/devices/system/cpu/online";
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let bad = || format!("cannot parse {path}: `{}`", text.trim());
        match part.split_once('-') {
            Some((a, b)) => {
                cpus.extend(a.parse::<u32>().map_err(|_| bad())?..=b.parse::<u32>().map_err(|_| bad())?);
            }
            None => cpus.push(part.parse::<u32>().map_err(|_| bad())?),
        }
    }
    Ok(cpus)
}

/// Says what to change when the kernel refuses the event.
fn explain(cpu: u32, e: &std::io::Error) -> String {
    let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid").unwrap_or_default();
    match e.raw_os_error() {
        Some(libc::EACCES | libc::EPERM) => format!(
            "perf_event_open on CPU {cpu}: {e}; system-wide sampling needs root or CAP_PERFMON, or \
             kernel.perf_event_paranoid <= 0 (it is {}): `sysctl kernel.perf_event_paranoid=0`",
            paranoid.trim()
        ),
        Some(libc::ENOENT | libc::ENODEV | libc::EOPNOTSUPP) => format!(
            "perf_event_open on CPU {cpu}: {e}; this kernel has no cpu-clock software event (CONFIG_PERF_EVENTS)"
        ),
        Some(libc::ENOSYS) => format!("perf_event_open: {e}; this kernel was built without perf events"),
        _ => format!("perf_event_open on CPU {cpu}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pid: u32, tid: u32, chain: &[u64]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(pid.to_ne_bytes());
        b.extend(tid.to_ne_bytes());
        b.extend((chain.len() as u64).to_ne_bytes());
        for ip in chain {
            b.extend(ip.to_ne_bytes());
        }
        b
    }

    #[test]
    fn call_chains_split_at_context_markers() {
        let body = record(
            7,
            8,
            &[PERF_CONTEXT_KERNEL, 0xffff_0001, 0xffff_0002, PERF_CONTEXT_USER, 0x0040_1000, 0x0040_2000],
        );
        let key = parse_sample(&body, 127).unwrap();
        assert_eq!((key.pid, key.tid), (7, 8));
        assert_eq!(key.kernel, [0xffff_0001, 0xffff_0002]);
        assert_eq!(key.user, [0x0040_1000, 0x0040_2000]);
        let key = parse_sample(&body, 1).unwrap();
        assert_eq!((key.kernel.len(), key.user.len()), (1, 1), "max depth applies to each part");
    }

    #[test]
    fn idle_and_truncated_samples_are_skipped() {
        assert!(parse_sample(&record(0, 0, &[PERF_CONTEXT_KERNEL, 1]), 127).is_none());
        let mut body = record(1, 1, &[PERF_CONTEXT_USER, 1, 2]);
        body.truncate(body.len() - 4);
        assert!(parse_sample(&body, 127).is_none());
    }
}
