#!/usr/bin/env bash
# Runtime throughput: `ottl loadgen` → runtime under test (pinned to CPU 0) → sink runtime.
# Prints logs/s and logs per CPU-second of the runtime under test (its user+system time from
# /proc), for the pass-through and the rename pipeline, and the bare protobuf codec baseline.
# Usage: testdata/bench/runtime/run.sh [seconds]   (needs a release build: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")"
B=../../../target/release/ottl
SECS=${1:-10}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

taskset -c 1 "$B" run --config sink.yaml 2>/dev/null &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 1
for config in passthrough rename; do
  taskset -c 0 "$B" run --config "$config.yaml" 2>/dev/null &
  PID=$!
  sleep 1
  before=$(cpu_ticks $PID)
  report=$(taskset -c 1 "$B" loadgen --endpoint 127.0.0.1:14317 --duration "${SECS}s" --workers 8 --batch 1000)
  after=$(cpu_ticks $PID)
  kill -TERM $PID; wait $PID || true
  accepted=$(sed -n 's/.*: \([0-9]*\) accepted.*/\1/p' <<<"$report")
  cpu=$(echo "($after - $before) / $HZ" | bc -l)
  printf '%-12s %s\n%-12s %.0f logs per CPU-second of the runtime (%.2f CPU-s)\n' \
    "$config" "$report" "" "$(echo "$accepted / $cpu" | bc -l)" "$cpu"
done
"$B" loadgen --baseline --duration "${SECS}s" --batch 1000
