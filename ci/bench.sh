#!/usr/bin/env bash
# Builds every bench (and bench/examples/bench_report) natively and as static
# musl binaries for i686 and aarch64 (checked with `file`), then runs each
# bench binary once in criterion's quick mode the way a user on a board
# would (`./handles-xxxx --bench --quick`): x86_64 and i686 natively,
# aarch64 under qemu-aarch64-static (where the nsfs ioctls and
# PIDFD_GET_INFO print "unsupported here: ENOTTY"), each side by side with
# the project's C baseline (bench/c/baseline.c: the same kernel work from
# C with raw syscalls, built here static for x86_64, -m32 and, when
# aarch64-linux-gnu-gcc is installed, aarch64). Ends with bench_report's
# one-screen table per target (the lxcfs bench, its own main, runs in
# quick mode on the three targets before it). Needs root (the benches' target lives in a
# new pid namespace). Takes about 3 minutes with the builds cached.
#
# armv7 and riscv64 (glibc targets, linked static by Debian's cross gcc): the
# benches, bench_report and the C baseline are built static and checked here,
# as a user would build them for a board (no `--cfg qemu`), in the directory
# and with the flags of ci/kernels.sh's matrix builds, whose bench guests
# (armhf-newest, riscv64-newest) run bench_report under qemu-system; qemu-user
# cannot give bench_report the pid namespace it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
el() { echo "+$(( $(date +%s) - start ))s"; }

# The C baseline, static, one binary per arch in target/c-baseline/.
cb=target/c-baseline
src=bench/c/baseline.c
mkdir -p "$cb" target/bench-ci
gcc -O2 -static -Wall "$src" -o "$cb/c-baseline-x86_64"
# gcc -m32 finds the kernel's <asm/...> headers through the /usr/include/asm
# link of Debian's gcc-multilib; that package conflicts with the Debian
# cross compilers, so without it take them from the native multiarch
# directory (the x86 uapi headers serve both -m32 and -m64, as the link does).
m32=(-m32)
if ! echo '#include <asm/ioctls.h>' | gcc -m32 -E -x c - >/dev/null 2>&1; then
  m32+=(-idirafter "/usr/include/$(gcc -print-multiarch)")
fi
gcc -O2 -static -Wall "${m32[@]}" "$src" -o "$cb/c-baseline-i686"
for c in arm-linux-gnueabihf-gcc:armv7 riscv64-linux-gnu-gcc:riscv64; do
  if command -v "${c%:*}" >/dev/null; then "${c%:*}" -O2 -static -Wall "$src" -o "$cb/c-baseline-${c#*:}"; fi
done
cb_aarch64=
if command -v aarch64-linux-gnu-gcc >/dev/null; then
  aarch64-linux-gnu-gcc -O2 -static -Wall "$src" -o "$cb/c-baseline-aarch64"
  cb_aarch64=$PWD/$cb/c-baseline-aarch64
else
  echo "no aarch64-linux-gnu-gcc (Debian: gcc-aarch64-linux-gnu): aarch64 runs without C columns"
fi
for f in "$cb"/c-baseline-*; do
  file "$f" | grep -q 'statically linked' || { file "$f" >&2; echo "$f is not static" >&2; exit 1; }
done

T32=i686-unknown-linux-musl
TA=aarch64-unknown-linux-musl
TV7=armv7-unknown-linux-gnueabihf
TRV=riscv64gc-unknown-linux-gnu
benches="syscall handles info translate"
# Board builds (see the header): ci/kernels.sh's target dir per arch key.
board_dir() { echo "${PIDFS_KERNEL_CACHE:-$PWD/target/kernels}/build/cargo-native-$1"; }

echo "== build ($(el))"
# cargo names each bench executable (tests/translate.rs builds a
# translate-<hash> too, so the name alone is ambiguous): keep its list.
build() { # [--target t]
  local log=target/bench-ci/build.log
  if ! cargo bench -p pidfs-bench --no-run "$@" >"$log" 2>&1; then cat "$log" >&2; return 1; fi
  sed -n 's/.*Executable benches\/\([a-z_]*\)\.rs (\(.*\))/\1 \2/p' "$log"
  cargo build -q --release -p pidfs-bench --example bench_report "$@"
}
build >target/bench-ci/benches-native.txt
for t in $T32 $TA; do build --target "$t" >"target/bench-ci/benches-$t.txt"; done
for k in armv7:$TV7 riscv64:$TRV; do
  RUSTFLAGS="-C target-feature=+crt-static" CARGO_TARGET_DIR=$(board_dir "${k%%:*}") \
    build --target "${k#*:}" >"target/bench-ci/benches-${k#*:}.txt"
done
# The bench_report binary of target $1.
report_bin() {
  case $1 in
    "$TV7") echo "$(board_dir armv7)/$1/release/examples/bench_report" ;;
    "$TRV") echo "$(board_dir riscv64)/$1/release/examples/bench_report" ;;
    *) echo "target/$1/release/examples/bench_report" ;;
  esac
}

# The executable of bench $2 for target $1 (native, or a triple).
bin() { awk -v b="$2" '$1 == b { print $2 }' "target/bench-ci/benches-$1.txt"; }

echo "== static check ($(el))"
for t in $T32 $TA $TV7 $TRV; do
  for b in $benches; do
    f=$(bin "$t" "$b")
    [ -x "$f" ] || { echo "no $b bench binary for $t" >&2; exit 1; }
    file "$f" | grep -q 'statically linked' || { file "$f" >&2; echo "$f is not static" >&2; exit 1; }
    echo "$t $b: $(file -b "$f" | cut -d, -f1-2,5-6)"
  done
  f=$(report_bin "$t")
  file "$f" | grep -q 'statically linked' || { echo "$f is not static" >&2; exit 1; }
  echo "$t bench_report: static"
  f=$(bin "$t" lxcfs)
  file "$f" | grep -q 'statically linked' || { echo "$f is not static" >&2; exit 1; }
  echo "$t lxcfs: static"
done

quick="--bench --quick --noplot --warm-up-time 0.1 --measurement-time 0.3"
show='ratio|C baseline|ns/op|entry|unsupported|target pid'
run() { # target runner c-baseline
  local t=$1 runner=$2 c=$3
  for b in $benches; do
    echo "-- $t $b ($(el))"
    PIDFS_C_BASELINE=$c PIDFS_C_BASELINE_RUNNER=$runner PIDFS_C_BASELINE_ITERS=50000 \
      $runner "$(bin "$t" "$b")" $quick 2>&1 | grep -E "$show"
  done
}
echo "== x86_64 ($(el))"
run native "" "$PWD/$cb/c-baseline-x86_64"
echo "-- native minit_reexec, 200 children ($(el))"
PIDFS_MINIT_CHILDREN=200 PIDFS_MINIT_ROUNDS=3 "$(bin native minit_reexec)" 2>/dev/null | grep -v '^minit: '
echo "== i686 ($(el))"
run $T32 "" "$PWD/$cb/c-baseline-i686"
echo "== aarch64, qemu-user ($(el))"
run $TA qemu-aarch64-static "$cb_aarch64"

# LXCFS at scale (benches/lxcfs.rs, its own main): N = 1, 10, 100
# containers, a few seconds per target; the full run (N = 1000) is by hand
# (see README). qemu-user cannot make pid namespaces: "unsupported here".
echo "== lxcfs at scale, quick ($(el))"
"$(bin native lxcfs)" --quick
"$(bin $T32 lxcfs)" --quick
qemu-aarch64-static "$(bin $TA lxcfs)" --quick

echo "== bench_report ($(el))"
PIDFS_C_BASELINE=$cb/c-baseline-x86_64 PIDFS_REPORT_ROUNDS=2 target/release/examples/bench_report
PIDFS_C_BASELINE=$cb/c-baseline-i686 PIDFS_REPORT_ROUNDS=2 target/$T32/release/examples/bench_report
PIDFS_C_BASELINE=$cb_aarch64 PIDFS_C_BASELINE_RUNNER=qemu-aarch64-static PIDFS_REPORT_ROUNDS=1 \
  qemu-aarch64-static target/$TA/release/examples/bench_report
echo "== bench.sh done ($(el))"
