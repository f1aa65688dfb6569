#!/usr/bin/env bash
# minit as the real /init of every kernel of the matrix: boots each Debian
# kernel of ci/kernels.sh (same cache, same qemu command lines) with an
# initramfs that holds nothing but minit (as /init) and /etc/minit.conf.
# The services are minit itself in its --service modes: a sleeper, one that
# double-forks an orphan (re-parented to minit), one that exits with 3 and
# must be restarted, and a driver that sends minit SIGHUP (re-exec, every
# child kept) and later SIGTERM (stop everything, power off). The serial log
# is checked line by line (ci/kminit.py); one summary line per boot:
#   minit <kernel> <version> <arch> <build>: ok | FAILED: <what is missing>
#
# Builds: `nolibc` (examples/nolibc's minit on pidfs's `rt` runtime: no C
# library at all) on every kernel; the std build of examples/minit.rs on one
# kernel per arch: `musl` (x86_64, i686, aarch64: the musl targets) or, on
# armhf and riscv64, where rustup has no musl target, `glibc` (the glibc
# target linked fully static by Debian's cross gcc, +crt-static).
# On i386 minit also logs its syscall entry (vDSO or int 0x80), checked per
# guest: the no-libc build enters through the vDSO from its first syscall
# wherever the kernel has one (not on i386-6.1-int80, booted vdso32=0).
#
# usage: bash ci/kernels-minit.sh [options]
#   --only NAMES   comma-separated kernel names or globs (as ci/kernels.sh)
#   --jobs N       guests booted in parallel (default 6: the guests mostly
#                  wait on the services' timers; the 19 boots took 250 s two
#                  at a time, 133 s four, 98 s six on the 2-core CI machine)
#   --builds LIST  nolibc,musl (default both: the no-libc build on every
#                  kernel, the std build, musl or static glibc, on one
#                  kernel per arch)
#   --broken       boot a deliberately broken minit (built with
#                  MINIT_BROKEN=1: it forgets to reap orphans); the run
#                  must FAIL
#   --boot-timeout S  per guest (default 240; x2 on armhf and riscv64,
#                  emulated more slowly)
# Exit status: 0 only if every boot passed every check.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CI=$ROOT/ci
KDIR=${PIDFS_KERNEL_CACHE:-$ROOT/target/kernels}
LOGDIR=$KDIR/logs-minit
BUILD=$KDIR/build-minit
ONLY="" JOBS=6 BUILDS="nolibc,musl" BROKEN=0 BOOT_TIMEOUT=240
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --builds) BUILDS=$2; shift 2 ;;
    --broken) BROKEN=1; shift ;;
    --boot-timeout) BOOT_TIMEOUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernels-minit.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
T0=$(date +%s)
log() { echo "kernels-minit.sh: $*" >&2; }
# shellcheck source=ci/kqemu.sh
. "$CI/kqemu.sh"
mkdir -p "$LOGDIR" "$BUILD"

# The kernels: ci/kernels.sh's matrix (its --list: name first, a variant's
# kernel command line words after "  + "), fetched into the shared cache by
# kernels.sh if missing.
only_args=(); [ -n "$ONLY" ] && only_args=(--only "$ONLY")
SEL=()
declare -A VARIANT=()
while IFS= read -r line; do
  name=${line%% *}
  SEL+=("$name")
  [[ $line == *"  + "* ]] && VARIANT[$name]=${line#*  + }
done < <(bash "$CI/kernels.sh" --list "${only_args[@]}")
missing=(); for n in "${SEL[@]}"; do [ -s "$KDIR/$n/vmlinuz" ] || missing+=("$n"); done
if [ ${#missing[@]} -gt 0 ]; then
  bash "$CI/kernels.sh" --download-only --only "$(IFS=,; echo "${missing[*]}")"
fi

# Per Debian arch: the Rust arch, the target (the no-libc build and the std
# build use the same one), the std build's name, the kernel that also boots
# the std build, and how much slower its guests run (the boot timeout is
# multiplied by it).
declare -A RARCH=([amd64]=x86_64 [i386]=i686 [arm64]=aarch64 [armhf]=armv7 [riscv64]=riscv64)
declare -A TRIPLE=([x86_64]=x86_64-unknown-linux-musl [i686]=i686-unknown-linux-musl
  [aarch64]=aarch64-unknown-linux-musl [armv7]=armv7-unknown-linux-gnueabihf
  [riscv64]=riscv64gc-unknown-linux-gnu)
declare -A STDB=([x86_64]=musl [i686]=musl [aarch64]=musl [armv7]=glibc [riscv64]=glibc)
declare -A STD_KERNEL=([amd64]=amd64-6.12 [i386]=i386-6.1 [arm64]=arm64-6.12
  [armhf]=armhf-6.12 [riscv64]=riscv64-6.12)
declare -A SLOW=([amd64]=1 [i386]=1 [arm64]=1 [armhf]=2 [riscv64]=2)
# The glibc targets' std build: Debian's cross gcc links it static.
declare -A CROSS_CC=([armv7]=arm-linux-gnueabihf-gcc [riscv64]=riscv64-linux-gnu-gcc)
declare -A CROSS_STRIP=([armv7]=arm-linux-gnueabihf-strip [riscv64]=riscv64-linux-gnu-strip)

# ---------------------------------------------------------------- builds
declare -A NEED=()
for n in "${SEL[@]}"; do NEED[${RARCH[${n%%-*}]}]=1; done
for a in "${!NEED[@]}"; do
  t=${TRIPLE[$a]}
  rustup target list --installed 2>/dev/null | grep -qx "$t" || rustup target add "$t" >&2
  if [[ $BUILDS == *nolibc* ]]; then
    log "building the no-libc minit for $a${BROKEN:+ (broken=$BROKEN)}"
    (cd "$ROOT/examples/nolibc" && MINIT_BROKEN=$BROKEN CARGO_TARGET_DIR=$BUILD/nolibc \
      cargo build -q --release --target "$t" --bin minit) 2>"$LOGDIR/build-nolibc-$a.log" || {
      tail -n 30 "$LOGDIR/build-nolibc-$a.log" >&2; exit 1; }
    cp "$BUILD/nolibc/$t/release/minit" "$BUILD/minit-nolibc-$a"
  fi
  if [[ $BUILDS == *musl* ]]; then
    b=${STDB[$a]}
    log "building the $b (std) minit for $a"
    # RUSTFLAGS (even empty) replaces .cargo/config.toml's, whose `--cfg
    # qemu` is for qemu-user runs; the glibc targets need +crt-static.
    flags=""; envs=()
    if [ -n "${CROSS_CC[$a]:-}" ]; then
      flags="-C target-feature=+crt-static"
      tu=$(echo "$t" | tr 'a-z-' 'A-Z_')
      envs=("CARGO_TARGET_${tu}_LINKER=${CROSS_CC[$a]}")
    fi
    (cd "$ROOT" && env "${envs[@]}" RUSTFLAGS="$flags" CARGO_TARGET_DIR=$BUILD/std \
      cargo build -q --release --target "$t" --example minit) 2>"$LOGDIR/build-$b-$a.log" || {
      tail -n 30 "$LOGDIR/build-$b-$a.log" >&2; exit 1; }
    cp "$BUILD/std/$t/release/examples/minit" "$BUILD/minit-$b-$a"
    "${CROSS_STRIP[$a]:-strip}" "$BUILD/minit-$b-$a" 2>/dev/null || llvm-strip "$BUILD/minit-$b-$a" 2>/dev/null || true
  fi
done

cat > "$BUILD/minit.conf" <<'CONF'
# minit's services in the kernel matrix: all of them minit itself.
sleeper: /init --service sleep
orphaner: /init --service orphan
flaky: /init --service flaky 700 3
driver: /init --service driver 8000 8000
CONF

BOOTS=()   # "name|build", the slowly emulated arches first (the longest boots)
for slow in 2 1; do
  for n in "${SEL[@]}"; do
    arch=${n%%-*}
    [ "${SLOW[$arch]}" = $slow ] || continue
    [[ $BUILDS == *nolibc* ]] && BOOTS+=("$n|nolibc")
    [[ $BUILDS == *musl* ]] && [ "${STD_KERNEL[$arch]}" = "$n" ] && BOOTS+=("$n|${STDB[${RARCH[$arch]}]}")
  done
done
for b in nolibc musl glibc; do
  for a in "${!NEED[@]}"; do
    [ -f "$BUILD/minit-$b-$a" ] || continue
    python3 "$CI/mkinitramfs.py" "$BUILD/initrd-$b-$a.cpio.gz" "$BUILD/minit-$b-$a" "etc/minit.conf=$BUILD/minit.conf"
  done
done

# ---------------------------------------------------------------- boots
Q=(-m 512 -smp 2 -nographic -no-reboot -nic none)
boot() { # boot NAME BUILD
  local name=$1 b=$2 arch=${1%%-*} a k logf to
  a=${RARCH[$arch]}; k=$KDIR/$name/vmlinuz; logf=$LOGDIR/$name-$b.log
  to=$(( BOOT_TIMEOUT * SLOW[$arch] ))
  # A variant's words (i386-6.1-int80: vdso32=0) as in ci/kernels.sh.
  kqemu_cmd "$arch" "$k" "$BUILD/initrd-$b-$a.cpio.gz" "quiet panic=-1${VARIANT[$name]:+ ${VARIANT[$name]}}" "${Q[@]}"
  local rc=0 t0; t0=$(date +%s)
  printf '%q ' "${KQEMU_CMD[@]}" > "$LOGDIR/$name-$b.cmd"
  timeout -k 10 "$to" "${KQEMU_CMD[@]}" </dev/null >"$logf" 2>&1 || rc=$?
  echo "$rc" > "$LOGDIR/$name-$b.rc"
  log "  $name $b: qemu rc=$rc in $(( $(date +%s) - t0 ))s"
}
trap 'trap - INT TERM; kill $(jobs -p) 2>/dev/null; exit 130' INT TERM
log "booting ${#BOOTS[@]} guests, $JOBS at a time"
running=0
for row in "${BOOTS[@]}"; do
  rm -f "$LOGDIR/${row%%|*}-${row#*|}".{log,rc}
  if [ $running -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  boot "${row%%|*}" "${row#*|}" & running=$((running + 1))
done
wait || true

# ---------------------------------------------------------------- report
fail=0
for row in "${BOOTS[@]}"; do
  n=${row%%|*} b=${row#*|}
  python3 "$CI/kminit.py" "$LOGDIR/$n-$b.log" "$n" "$(cat "$KDIR/$n/version")" "${n%%-*}" "$b" \
    "$(cat "$LOGDIR/$n-$b.rc" 2>/dev/null || echo 255)" || fail=1
done
echo "timing: $(( $(date +%s) - T0 ))s for ${#BOOTS[@]} boots ($JOBS at a time), builds included"
echo "logs: $LOGDIR"
exit $fail
