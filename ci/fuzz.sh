#!/usr/bin/env bash
# Fuzzes every target in fuzz/fuzz_targets/ for a bounded time on the
# stable toolchain (no sanitizer: `cargo fuzz run -s none`), starting from
# the checked-in seeds in fuzz/corpus/<target>/ (read-only: new inputs go
# to a scratch directory). Fails on the first crash, leak or timeout, and
# prints one line per target with its execution count.
#
#   PIDFS_FUZZ_SECONDS=N   seconds per target (default 30)
#   PIDFS_FUZZ_TARGETS="a b"  only these targets
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

fail=0
summary=()
for t in $targets; do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  if cargo fuzz run -s none "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$scratch/" >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    fail=1
    tail -n 40 "$log" >&2
    for a in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* "$scratch"/oom-*; do
      [ -f "$a" ] || continue
      echo "fuzz: $t artifact $(basename "$a"): $(xxd -p "$a" | tr -d '\n' | head -c 400)" >&2
    done
  fi
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  line=$(printf 'fuzz: %-22s %-5s %10s executions in %ss (cov %s, corpus %s seeds)' \
    "$t" "$status" "${runs:-?}" "$secs" "${cov:-?}" "$(ls "corpus/$t" | wc -l)")
  echo "$line"
  summary+=("$line")
done

echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
if [ "$fail" != 0 ]; then
  echo "fuzz: FAILED (a target crashed)" >&2
  exit 1
fi
echo "fuzz: all $(echo $targets | wc -w) targets ran ${secs}s each with zero crashes"
