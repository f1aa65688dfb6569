#!/usr/bin/env bash
# The test command of README.md, and what .ci/run runs: installs what it
# needs (ci/setup.sh), then lint, docs, the MSRV build, the async example,
# a downstream crate, the test suite on x86_64, i686 (native, IA32
# emulation), aarch64, armv7 and riscv64 (qemu-user), no_std builds, benches
# (built, plus quick runs against the C baseline), fuzzing, the cross-arch
# handle exchange, the real-kernel matrix and minit booted as /init there. Ends with one line per
# target and a total.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
logs=$root/target/ci-logs
rm -rf "$logs"; mkdir -p "$logs"
start=$(date +%s)
step() { printf '\n==== %s (+%ss) ====\n' "$*" "$(( $(date +%s) - start ))"; }

step setup
bash ci/setup.sh
# The matrix's kernels download while the builds below keep the CPU busy
# (network, not CPU: ~70 s here, more on a slower mirror); the matrix step
# waits for them. Same cache and command as ci/kernels.sh's own download.
bash ci/kernels.sh --download-only >"$logs/kernels-download.log" 2>&1 &
download=$!

T64=x86_64-unknown-linux-gnu
T32=i686-unknown-linux-musl
TA=aarch64-unknown-linux-musl
# glibc targets linked static (.cargo/config.toml), run under qemu-arm-static
# and qemu-riscv64-static.
TV7=armv7-unknown-linux-gnueabihf
TRV=riscv64gc-unknown-linux-gnu

step "cargo fmt --check"
cargo fmt --all -- --check

step "layering (ci/layers.py: no base module imports a feature, no feature loop, files <= 500 lines)"
python3 ci/layers.py | tail -n 1

step "two copies of pidfs in one i686 program (ci/two-copies.sh)"
bash ci/two-copies.sh

step "cargo clippy (5 targets, -D warnings)"
for t in $T64 $T32 $TA $TV7 $TRV; do
  cargo clippy -q --all-targets --target "$t" -- -D warnings
  cargo clippy -q --lib --no-default-features --target "$t" -- -D warnings
done

step "cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps
for t in $TV7 $TRV; do RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps --target "$t"; done

step "no_std builds (5 targets)"
for t in $T64 $T32 $TA $TV7 $TRV; do cargo build -q --no-default-features --target "$t"; done

step "MSRV: the library with Cargo.toml's rust-version toolchain (std and no_std, every target)"
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
case $msrv in *.*.*) ;; *) msrv=$msrv.0 ;; esac
# i686 as i686-unknown-linux-gnu: the MSRV dist has no i686 musl std (see
# ci/setup.sh); armv7/riscv64 once arch/ has them.
msrv_targets="$T64 i686-unknown-linux-gnu $TA"
[ -e arch/arm.rs ] && msrv_targets="$msrv_targets armv7-unknown-linux-gnueabihf"
[ -e arch/riscv64.rs ] && msrv_targets="$msrv_targets riscv64gc-unknown-linux-gnu"
for t in $msrv_targets; do
  for f in "" --no-default-features; do
    echo "cargo +$msrv build --lib $f --target $t"
    CARGO_TARGET_DIR=target/msrv cargo "+$msrv" build -q --lib $f --target "$t"
  done
done

step "async example (examples/async-wait: tokio's AsyncFd on pidfds)"
cargo clippy -q -p pidfs-async-wait -- -D warnings
cargo run -q -p pidfs-async-wait

step "downstream crate (ci/downstream.sh: pidfs by path, no libc; x86_64 and i686)"
bash ci/downstream.sh

step "no-libc programs: the rt recipe on 5 targets (ci/nolibc.sh)"
bash ci/nolibc.sh 2>&1 | tee "$logs/nolibc.log"

run_tests() { # name target [extra cargo args]
  local name=$1 target=$2; shift 2
  step "cargo test $name ($target $*)"
  # --test-threads: the suite forks a lot; 4 threads keep 2 cores busy.
  # A hang fails the run in 15 min (a whole suite takes 1-2 min, under
  # qemu-user too) instead of eating the 90 min CI budget; timeout kills
  # cargo's whole process group, test binaries and their children included.
  local rc=0
  timeout -k 10 900 cargo test --target "$target" "$@" -- --test-threads=4 2>&1 | tee -a "$logs/test-$name.log" || rc=$?
  if [ "$rc" = 124 ]; then
    echo "cargo test $name: still running after 900 s, killed (a hang; see the last test names above)" | tee -a "$logs/test-$name.log"
  fi
  return "$rc"
}
# Release: i686 only, where the int 0x80 / vDSO entry's register handling
# (ebx, ebp, six arguments) is what optimisation could break; x86_64
# release code runs in the benches and in every x86_64 no-libc and minit
# boot below.
run_tests x86_64 $T64
run_tests no_std-x86_64 $T64 --no-default-features --lib
run_tests i686 $T32
run_tests i686 $T32 --release
run_tests no_std-i686 $T32 --no-default-features --lib
run_tests aarch64 $TA
run_tests no_std-aarch64 $TA --no-default-features --lib
# armv7 and riscv64: debug only (qemu-user runs every binary; release adds
# nothing the native targets' release runs do not cover).
run_tests armv7 $TV7
run_tests no_std-armv7 $TV7 --no-default-features --lib
run_tests riscv64 $TRV
run_tests no_std-riscv64 $TRV --no-default-features --lib

step "benches: build (native and cross), quick runs against the C baseline"
bash ci/bench.sh 2>&1 | tee "$logs/bench.log"

step "handles across architectures (x86_64 <-> i686, aarch64, armv7, riscv64)"
bash ci/handles-cross-arch.sh 2>&1 | tee "$logs/xarch.log"

step "fuzzing (stable, -s none, ${PIDFS_FUZZ_SECONDS:-30} s per target)"
bash ci/fuzz.sh 2>&1 | tee "$logs/fuzz.log"

step "real-kernel matrix (qemu-system)"
kfail=0
if ! wait "$download"; then
  cat "$logs/kernels-download.log"
  echo "kernel download failed (ci/kernels.sh retries what is missing)"
fi
bash ci/kernels.sh 2>&1 | tee "$logs/kernels.log" || kfail=1
python3 ci/support-table.py | tee "$logs/support-table.md" || kfail=1

step "minit as the real /init of every kernel (ci/kernels-minit.sh)"
bash ci/kernels-minit.sh 2>&1 | tee "$logs/kernels-minit.log" || kfail=1

step summary
total_p=0; total_f=0
for f in "$logs"/test-*.log; do
  name=$(basename "$f" .log); name=${name#test-}
  read -r p fl < <(awk '/^test result:/ { for (i=1;i<=NF;i++) { if ($i ~ /^passed;?$/) p+=$(i-1); if ($i ~ /^failed;?$/) f+=$(i-1) } } END { print p+0, f+0 }' "$f")
  printf 'target %-16s %5d passed, %d failed\n' "$name:" "$p" "$fl"
  total_p=$((total_p + p)); total_f=$((total_f + fl))
done
grep -a '^pid reuse events' "$logs"/test-*.log || true
grep -a '^kernel ' "$logs/kernels.log" || true
grep -a '^minit ' "$logs/kernels-minit.log" || true
grep -a '^nolibc ' "$logs/nolibc.log" || true
echo "ci time: $(( $(date +%s) - start ))s"
[ "$kfail" -eq 0 ] || echo "the real-kernel matrix FAILED (see above)"
echo "total: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ] && [ "$kfail" -eq 0 ]
