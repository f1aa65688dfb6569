#!/usr/bin/env bash
# Fuzzes every target in fuzz/fuzz_targets/ for a bounded time on the
# stable toolchain (no sanitizer: `cargo fuzz run -s none`), starting from
# the checked-in seeds in fuzz/corpus/<target>/ (read-only: new inputs go
# to a scratch directory). Fails on the first crash, leak or timeout, and
# prints one line per target with its execution count.
#
#   PIDFS_FUZZ_SECONDS=N   seconds per target (default 30)
#   PIDFS_FUZZ_TARGETS="a b"  only these targets
#   PIDFS_FUZZ_JOBS=N      targets fuzzed at a time (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs=${PIDFS_FUZZ_SECONDS:-30}
targets=${PIDFS_FUZZ_TARGETS:-$(cargo fuzz list)}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cargo fuzz build -s none >/dev/null 2>"$scratch/build.log" || {
  cat "$scratch/build.log" >&2
  echo "fuzz: build failed" >&2
  exit 1
}

# One target: runs it, writes its summary line to $scratch/$t.line and
# returns non-zero on a crash (its log tail and artifacts go to stderr).
fuzz_one() {
  local t=$1 log=$scratch/$1.log status runs cov
  mkdir -p "$scratch/$t" "$scratch/$t.art"
  if cargo fuzz run -s none "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$scratch/$t.art/" >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    tail -n 40 "$log" >&2
    for a in "$scratch/$t.art"/*; do
      [ -f "$a" ] || continue
      echo "fuzz: $t artifact $(basename "$a"): $(xxd -p "$a" | tr -d '\n' | head -c 400)" >&2
    done
  fi
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  printf 'fuzz: %-22s %-5s %10s executions in %ss (cov %s, corpus %s seeds)\n' \
    "$t" "$status" "${runs:-?}" "$secs" "${cov:-?}" "$(ls "corpus/$t" | wc -l)" | tee "$scratch/$t.line"
  [ $status = ok ]
}

# Each fuzzer is one process on one core: run as many at a time as the
# machine has cores (2 in CI: the six targets take 3 x $secs instead of 6 x).
jobs=${PIDFS_FUZZ_JOBS:-$(nproc)}
fail=0 running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then wait -n || fail=1; running=$((running - 1)); fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do wait -n || fail=1; running=$((running - 1)); done
summary=()
for t in $targets; do summary+=("$(cat "$scratch/$t.line" 2>/dev/null || echo "fuzz: $t: no result")"); done

echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
if [ "$fail" != 0 ]; then
  echo "fuzz: FAILED (a target crashed)" >&2
  exit 1
fi
echo "fuzz: all $(echo $targets | wc -w) targets ran ${secs}s each with zero crashes"
