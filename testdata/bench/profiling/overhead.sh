#!/usr/bin/env bash
# The profiling receiver's overhead on a busy machine: every CPU runs a spinning process while
# `ottl run` samples the whole system at FREQ Hz (default 99) with the given sampler, for SECONDS
# (default 60). Prints the receiver process's own CPU time (user + system) as a share of one
# core, and for eBPF the time the kernel spent in the BPF program (bpf_stats_enabled).
#
#   sudo testdata/bench/profiling/overhead.sh [ebpf|perf] [SECONDS] [FREQ]
#
# Uses the release binary (cargo build --release -p ottl-cli) and needs root.
set -euo pipefail
mode=${1:-ebpf}
seconds=${2:-60}
freq=${3:-99}
root=$(cd "$(dirname "$0")/../../.." && pwd)
ottl="$root/target/release/ottl"
[ -x "$ottl" ] || cargo build --release -q -p ottl-cli --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cc -O2 -fno-omit-frame-pointer -o "$work/spin" "$root/testdata/profiling/spin.c"
cat > "$work/config.yaml" <<YAML
receivers:
  profiling:
    mode: $mode
    frequency: $freq
    report_interval: 10s
exporters:
  file:
    path: $work/profiles.jsonl
service:
  pipelines:
    profiles:
      receivers: [profiling]
      exporters: [file]
YAML
for _ in $(seq "$(nproc)"); do "$work/spin" $((seconds + 20)) & done
sysctl -q kernel.bpf_stats_enabled=1
"$ottl" run --config "$work/config.yaml" 2> "$work/ottl.log" &
pid=$!
# The first report symbolizes every binary once; measure from after it.
sleep 12
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
bpf_ns() {
  local total=0
  for fd in /proc/$pid/fdinfo/*; do
    local ns
    ns=$(awk '/^run_time_ns:/ {print $2}' "$fd" 2>/dev/null || true)
    [ -n "$ns" ] && total=$((total + ns))
  done
  echo "$total"
}
t0=$(ticks); b0=$(bpf_ns); s0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); b1=$(bpf_ns); s1=$(date +%s.%N)
kill -INT "$pid"; wait "$pid" || true
sysctl -q kernel.bpf_stats_enabled=0
hz=$(getconf CLK_TCK)
awk -v t=$((t1 - t0)) -v hz="$hz" -v b=$((b1 - b0)) -v s0="$s0" -v s1="$s1" -v mode="$mode" -v f="$freq" -v n="$(nproc)" 'BEGIN {
  wall = s1 - s0
  printf "%s at %d Hz on %d busy CPUs for %.0f s: receiver process %.3f%% of one core", mode, f, n, wall, 100 * t / hz / wall
  if (b > 0) printf ", BPF program %.3f%% of one core", 100 * b / 1e9 / wall
  printf "\n"
}'
echo "samples written: $(grep -o '"values"' "$work/profiles.jsonl" | wc -l) sample rows in $(wc -l < "$work/profiles.jsonl") reports"
