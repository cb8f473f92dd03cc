// The CPU-profile sampler of the `profiling` receiver: a BPF program attached to the software
// `cpu-clock` perf event on every CPU. Each time it fires it counts one sample under
// (pid, tid, comm, user stack id, kernel stack id). The stacks themselves live in a stack-trace
// map, so a stack that repeats costs one map entry however often it is sampled.
//
// Two sets of maps (slot 0 and slot 1) let the receiver drain one while the program fills the
// other: `slot[0]` says which one is live, and the receiver flips it before reading the old one.
//
// Built by runtime/build.rs with `clang -target bpf` when clang is available.

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

// The deepest stack a stack-trace map entry holds (the kernel's default `perf_event_max_stack`).
#define MAX_STACK_DEPTH 127
#define MAX_STACKS 16384
#define MAX_KEYS 16384

struct sample_key {
	__u32 pid;
	__u32 tid;
	__s32 user_stack;
	__s32 kernel_stack;
	char comm[16];
};

#define STACK_MAP(name)                                                   \
	struct {                                                          \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);                   \
		__uint(key_size, sizeof(__u32));                          \
		__uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));      \
		__uint(max_entries, MAX_STACKS);                          \
	} name SEC(".maps")

#define COUNT_MAP(name)                                                   \
	struct {                                                          \
		__uint(type, BPF_MAP_TYPE_HASH);                          \
		__type(key, struct sample_key);                           \
		__type(value, __u64);                                     \
		__uint(max_entries, MAX_KEYS);                            \
	} name SEC(".maps")

STACK_MAP(stacks0);
STACK_MAP(stacks1);
COUNT_MAP(counts0);
COUNT_MAP(counts1);

// Which slot is live (index 0).
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} slot SEC(".maps");

// The processes to sample when `filter_pids` is set (the receiver's `pids`).
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 1024);
} pids SEC(".maps");

// Set by the loader before the program is verified.
volatile const __u32 filter_pids = 0;

static __always_inline void count(void *counts, struct sample_key *key)
{
	__u64 *n = bpf_map_lookup_elem(counts, key);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		// Another CPU may have inserted the key meanwhile: add to its entry then.
		if (bpf_map_update_elem(counts, key, &one, BPF_NOEXIST) != 0) {
			n = bpf_map_lookup_elem(counts, key);
			if (n)
				__sync_fetch_and_add(n, 1);
		}
	}
}

SEC("perf_event")
int profile_cpu(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32;
	__u32 tid = (__u32)id;
	// The idle task: the CPU was doing nothing.
	if (tid == 0)
		return 0;
	if (filter_pids && !bpf_map_lookup_elem(&pids, &pid))
		return 0;

	struct sample_key key = {};
	key.pid = pid;
	key.tid = tid;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));

	__u32 zero = 0;
	__u32 *live = bpf_map_lookup_elem(&slot, &zero);
	if (live && *live == 1) {
		key.user_stack = bpf_get_stackid(ctx, &stacks1, BPF_F_USER_STACK);
		key.kernel_stack = bpf_get_stackid(ctx, &stacks1, 0);
		count(&counts1, &key);
	} else {
		key.user_stack = bpf_get_stackid(ctx, &stacks0, BPF_F_USER_STACK);
		key.kernel_stack = bpf_get_stackid(ctx, &stacks0, 0);
		count(&counts0, &key);
	}
	return 0;
}

// bpf_get_stackid is available to GPL-compatible programs only.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
