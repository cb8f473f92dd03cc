//! Symbolization of sampled addresses. User addresses are turned into (binary, file offset)
//! through the process's `/proc/PID/maps` and resolved per binary with blazesym (ELF symbols,
//! DWARF line information where present), so every process running the same binary shares one
//! cache entry per address. Kernel addresses are resolved through kallsyms. A frame that
//! resolves to nothing keeps its address and, when known, its mapping.

use std::collections::HashMap;
use std::sync::Arc;

use blazesym::symbolize::source::{Elf, Kernel, Source};
use blazesym::symbolize::{Input, Symbolized, Symbolizer};

/// A resolved frame.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    pub function: Arc<str>,
    pub file: Option<Arc<str>>,
    pub line: u32,
}

/// An executable mapping of a process (or the kernel image).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mapping {
    pub start: u64,
    pub end: u64,
    pub offset: u64,
    pub path: Arc<str>,
    /// The GNU build id of the file, hex.
    pub build_id: Option<Arc<str>>,
}

/// What one sampled address became.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub address: u64,
    pub mapping: Option<Arc<Mapping>>,
    pub frame: Option<Frame>,
}

/// What the receiver knows of a sampled process (its resource attributes).
#[derive(Debug, Default)]
pub struct Process {
    pub pid: u32,
    /// Executable mappings, sorted by start address.
    maps: Vec<Arc<Mapping>>,
    pub executable: Option<String>,
    /// `argv[0]`, or the process's `comm` when the command line is empty (kernel threads).
    pub command: Option<String>,
    pub command_line: Option<String>,
}

/// The symbolizer with its caches. One per receiver; it lives on the receiver's thread.
pub struct Symbols {
    symbolizer: Symbolizer,
    /// Processes read from /proc, with the report that last read each. An exited process
    /// keeps what was read while it ran (its samples still resolve); one not sampled for two
    /// reports is forgotten.
    processes: HashMap<u32, (Arc<Process>, u64)>,
    report: u64,
    /// Per binary and file offset, for good.
    user: HashMap<(Arc<str>, u64), Option<Frame>>,
    kernel: HashMap<u64, Option<Frame>>,
    build_ids: HashMap<Arc<str>, Option<Arc<str>>>,
    kernel_mapping: Arc<Mapping>,
}

impl std::fmt::Debug for Symbols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbols").field("binaries", &self.build_ids.len()).finish_non_exhaustive()
    }
}

impl Default for Symbols {
    fn default() -> Self {
        Self::new()
    }
}

impl Symbols {
    pub fn new() -> Symbols {
        Symbols {
            symbolizer: Symbolizer::builder().enable_code_info(true).enable_inlined_fns(false).build(),
            processes: HashMap::new(),
            report: 0,
            user: HashMap::new(),
            kernel: HashMap::new(),
            build_ids: HashMap::new(),
            kernel_mapping: Arc::new(Mapping {
                start: 0,
                end: 0,
                offset: 0,
                path: Arc::from("[kernel.kallsyms]"),
                build_id: None,
            }),
        }
    }

    /// Starts a report: processes are read afresh as they are asked for.
    pub fn begin_report(&mut self) {
        self.report += 1;
        let report = self.report;
        self.processes.retain(|_, (_, seen)| *seen + 2 >= report);
    }

    /// Reads a process the sampler has just seen, if it is new: a process that exits before
    /// the next report still has its mappings then.
    pub fn note(&mut self, pid: u32) {
        if !self.processes.contains_key(&pid)
            && let Some(p) = self.read_process(pid)
        {
            self.processes.insert(pid, (Arc::new(p), self.report));
        }
    }

    /// The process `pid`: as /proc shows it now, or as it was last read if it has exited
    /// (empty if it was never read).
    pub fn process(&mut self, pid: u32) -> Arc<Process> {
        match self.processes.get(&pid) {
            Some((p, seen)) if *seen == self.report => return p.clone(),
            _ => {}
        }
        let fresh = self.read_process(pid).map(Arc::new);
        let report = self.report;
        let entry = self
            .processes
            .entry(pid)
            .or_insert_with(|| (Arc::new(Process { pid, ..Process::default() }), report));
        if let Some(p) = fresh {
            entry.0 = p;
        }
        entry.1 = report;
        entry.0.clone()
    }

    fn read_process(&mut self, pid: u32) -> Option<Process> {
        let dir = format!("/proc/{pid}");
        let maps = std::fs::read_to_string(format!("{dir}/maps")).ok()?;
        let mut mappings: Vec<Arc<Mapping>> = maps
            .lines()
            .filter_map(parse_maps_line)
            .map(|(start, end, offset, path)| {
                let path: Arc<str> = Arc::from(path);
                let build_id = self.build_id(&path);
                Arc::new(Mapping { start, end, offset, path, build_id })
            })
            .collect();
        mappings.sort_by_key(|m| m.start);
        let executable =
            std::fs::read_link(format!("{dir}/exe")).ok().map(|p| p.to_string_lossy().into_owned());
        let cmdline = std::fs::read(format!("{dir}/cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let comm = std::fs::read_to_string(format!("{dir}/comm")).ok().map(|c| c.trim_end().to_string());
        Some(Process {
            pid,
            maps: mappings,
            executable,
            command: args.first().cloned().or(comm),
            command_line: (!args.is_empty()).then(|| args.join(" ")),
        })
    }

    fn build_id(&mut self, path: &Arc<str>) -> Option<Arc<str>> {
        if !path.starts_with('/') {
            return None;
        }
        self.build_ids
            .entry(path.clone())
            .or_insert_with(|| {
                let id = blazesym::helper::read_elf_build_id(&**path).ok().flatten()?;
                let hex = id.iter().fold(String::with_capacity(id.len() * 2), |mut s, b| {
                    use std::fmt::Write as _;
                    let _ = write!(s, "{b:02x}");
                    s
                });
                Some(Arc::from(hex))
            })
            .clone()
    }

    /// Resolves a user stack (leaf first) of process `pid`.
    pub fn user(&mut self, pid: u32, stack: &[u64]) -> Vec<Resolved> {
        let process = self.process(pid);
        let mut out = Vec::with_capacity(stack.len());
        for (i, &address) in stack.iter().enumerate() {
            let mapping = process.mapping(address);
            let frame = mapping.as_ref().and_then(|m| {
                if !m.path.starts_with('/') {
                    return None;
                }
                // Frames above the leaf are return addresses: the call is the byte before.
                let at = if i == 0 { address } else { address.saturating_sub(1) };
                let offset = at - m.start + m.offset;
                self.user_frame(&m.path, offset)
            });
            out.push(Resolved { address, mapping, frame });
        }
        out
    }

    fn user_frame(&mut self, path: &Arc<str>, offset: u64) -> Option<Frame> {
        let key = (path.clone(), offset);
        if let Some(f) = self.user.get(&key) {
            return f.clone();
        }
        let src = Source::Elf(Elf::new(&**path));
        let frame =
            self.symbolizer.symbolize_single(&src, Input::FileOffset(offset)).ok().and_then(|s| frame_of(&s));
        self.user.insert(key, frame.clone());
        frame
    }

    /// Resolves a kernel stack (leaf first).
    pub fn kernel(&mut self, stack: &[u64]) -> Vec<Resolved> {
        let misses: Vec<u64> = stack.iter().copied().filter(|a| !self.kernel.contains_key(a)).collect();
        if !misses.is_empty() {
            let src = Source::Kernel(Kernel { vmlinux: blazesym::MaybeDefault::None, ..Kernel::default() });
            let found = self.symbolizer.symbolize(&src, Input::AbsAddr(&misses)).unwrap_or_default();
            for (i, &a) in misses.iter().enumerate() {
                let frame = found.get(i).and_then(frame_of);
                self.kernel.insert(a, frame);
            }
        }
        stack
            .iter()
            .map(|&address| Resolved {
                address,
                mapping: Some(self.kernel_mapping.clone()),
                frame: self.kernel.get(&address).cloned().flatten(),
            })
            .collect()
    }
}

impl Process {
    fn mapping(&self, address: u64) -> Option<Arc<Mapping>> {
        let i = self.maps.partition_point(|m| m.start <= address).checked_sub(1)?;
        let m = &self.maps[i];
        (address < m.end).then(|| m.clone())
    }
}

fn frame_of(s: &Symbolized<'_>) -> Option<Frame> {
    let sym = s.as_sym()?;
    let (file, line) = match &sym.code_info {
        Some(info) => {
            let file = match &info.dir {
                Some(dir) => dir.join(&*info.file).to_string_lossy().into_owned(),
                None => info.file.to_string_lossy().into_owned(),
            };
            (Some(Arc::from(file)), info.line.unwrap_or(0))
        }
        None => (None, 0),
    };
    Some(Frame { function: Arc::from(&*sym.name), file, line })
}

/// One executable line of /proc/PID/maps: `start-end perms offset dev inode path`.
fn parse_maps_line(line: &str) -> Option<(u64, u64, u64, String)> {
    let mut fields = line.split_whitespace();
    let (start, end) = fields.next()?.split_once('-')?;
    let perms = fields.next()?;
    if !perms.contains('x') {
        return None;
    }
    let offset = u64::from_str_radix(fields.next()?, 16).ok()?;
    let (_dev, _inode) = (fields.next()?, fields.next()?);
    let path = fields.collect::<Vec<_>>().join(" ");
    Some((u64::from_str_radix(start, 16).ok()?, u64::from_str_radix(end, 16).ok()?, offset, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_lines() {
        let l = "7f12a0000000-7f12a0021000 r-xp 00002000 08:01 1234   /usr/lib/libc.so.6";
        assert_eq!(
            parse_maps_line(l),
            Some((0x7f12_a000_0000, 0x7f12_a002_1000, 0x2000, "/usr/lib/libc.so.6".into()))
        );
        assert_eq!(parse_maps_line("7f-80 rw-p 00000000 00:00 0 [heap]"), None, "not executable");
        assert_eq!(parse_maps_line("7f-80 r-xp 00000000 00:00 0 [vdso]").map(|m| m.3), Some("[vdso]".into()));
    }

    /// This test binary's own function resolves by name through its maps and ELF symbols.
    #[test]
    fn resolves_a_function_of_this_process() {
        let mut symbols = Symbols::new();
        let address = resolves_a_function_of_this_process as *const () as usize as u64;
        let frames = symbols.user(std::process::id(), &[address]);
        let f = frames[0].frame.as_ref().expect("a frame");
        assert!(f.function.contains("resolves_a_function_of_this_process"), "{f:?}");
        let m = frames[0].mapping.as_ref().expect("a mapping");
        assert!(m.start <= address && address < m.end);
    }
}
