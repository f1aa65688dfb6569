#!/usr/bin/env bash
# Builds every bench (and bench/examples/bench_report) natively and as static
# musl binaries for i686 and aarch64 (checked with `file`), then runs each
# bench binary once in criterion's quick mode the way a user on a board
# would (`./handles-xxxx --bench --quick`): x86_64 and i686 natively, side
# by side with the C anchor (../shared/anchor/anchor.c, built here for
# x86_64 and -m32), aarch64 under qemu-aarch64-static (no anchor: no
# aarch64 C compiler here; nsfs ioctls and PIDFD_GET_INFO print
# "unsupported here: ENOTTY" there). Then the lxcfs bench (its own main,
# not criterion) in quick mode on the three targets, and bench_report's
# one-screen table per target. Needs root (the benches' target lives in a new pid
# namespace). Takes about 3 minutes with the builds cached.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
el() { echo "+$(( $(date +%s) - start ))s"; }

# ../shared next to the checkout (or next to the main checkout of a worktree).
anchor_src=${PIDFS_ANCHOR_SRC:-../shared/anchor/anchor.c}
[ -f "$anchor_src" ] || anchor_src="$(git rev-parse --path-format=absolute --git-common-dir)/../../shared/anchor/anchor.c"
mkdir -p target/anchor
gcc -O2 -static "$anchor_src" -o target/anchor/anchor-x86_64
gcc -O2 -static -m32 "$anchor_src" -o target/anchor/anchor-i686

T32=i686-unknown-linux-musl
TA=aarch64-unknown-linux-musl
benches="syscall handles info translate"

echo "== build ($(el))"
# cargo names each bench executable (tests/translate.rs builds a
# translate-<hash> too, so the name alone is ambiguous): keep its list.
build() { # [--target t]
  local log=target/anchor/build.log
  if ! cargo bench -p pidfs-bench --no-run "$@" >"$log" 2>&1; then cat "$log" >&2; return 1; fi
  sed -n 's/.*Executable benches\/\([a-z_]*\)\.rs (\(.*\))/\1 \2/p' "$log"
  cargo build -q --release -p pidfs-bench --example bench_report "$@"
}
build >target/anchor/benches-native.txt
for t in $T32 $TA; do build --target "$t" >"target/anchor/benches-$t.txt"; done

# The executable of bench $2 for target $1 (native, or a triple).
bin() { awk -v b="$2" '$1 == b { print $2 }' "target/anchor/benches-$1.txt"; }

echo "== static check ($(el))"
for t in $T32 $TA; do
  for b in $benches; do
    f=$(bin "$t" "$b")
    [ -x "$f" ] || { echo "no $b bench binary for $t" >&2; exit 1; }
    file "$f" | grep -q 'statically linked' || { file "$f" >&2; echo "$f is not static" >&2; exit 1; }
    echo "$t $b: $(file -b "$f" | cut -d, -f1-2,5-6)"
  done
  f=target/$t/release/examples/bench_report
  file "$f" | grep -q 'statically linked' || { echo "$f is not static" >&2; exit 1; }
  echo "$t bench_report: static"
  f=$(bin "$t" lxcfs)
  file "$f" | grep -q 'statically linked' || { echo "$f is not static" >&2; exit 1; }
  echo "$t lxcfs: static"
done

quick="--bench --quick --noplot --warm-up-time 0.1 --measurement-time 0.3"
show='ratio|anchor|ns/op|entry|unsupported|target pid'
run() { # target runner anchor
  local t=$1 runner=$2 anchor=$3
  for b in $benches; do
    echo "-- $t $b ($(el))"
    PIDFS_ANCHOR=$anchor PIDFS_ANCHOR_ITERS=50000 $runner "$(bin "$t" "$b")" $quick 2>&1 | grep -E "$show"
  done
}
echo "== x86_64 ($(el))"
run native "" "$PWD/target/anchor/anchor-x86_64"
echo "== i686 ($(el))"
run $T32 "" "$PWD/target/anchor/anchor-i686"
echo "== aarch64, qemu-user ($(el))"
run $TA qemu-aarch64-static ""

# LXCFS at scale (benches/lxcfs.rs, its own main): N = 1, 10, 100
# containers, a few seconds per target; the full run (N = 1000) is by hand
# (see README). qemu-user cannot make pid namespaces: "unsupported here".
echo "== lxcfs at scale, quick ($(el))"
"$(bin native lxcfs)" --quick
"$(bin $T32 lxcfs)" --quick
qemu-aarch64-static "$(bin $TA lxcfs)" --quick

echo "== bench_report ($(el))"
PIDFS_REPORT_ROUNDS=2 target/release/examples/bench_report
PIDFS_REPORT_ROUNDS=2 target/$T32/release/examples/bench_report
PIDFS_REPORT_ROUNDS=1 qemu-aarch64-static target/$TA/release/examples/bench_report
echo "== bench.sh done ($(el))"
