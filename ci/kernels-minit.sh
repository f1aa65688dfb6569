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
# usage: bash ci/kernels-minit.sh [options]
#   --only NAMES   comma-separated kernel names or globs (as ci/kernels.sh)
#   --jobs N       guests booted in parallel (default 2)
#   --builds LIST  nolibc,musl (default both: the no-libc build on every
#                  kernel, the musl build on one kernel per arch)
#   --broken       boot a deliberately broken minit (built with
#                  MINIT_BROKEN=1: it forgets to reap orphans); the run
#                  must FAIL
#   --boot-timeout S  per guest (default 240)
# Exit status: 0 only if every boot passed every check.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CI=$ROOT/ci
KDIR=${PIDFS_KERNEL_CACHE:-$ROOT/target/kernels}
LOGDIR=$KDIR/logs-minit
BUILD=$KDIR/build-minit
ONLY="" JOBS=2 BUILDS="nolibc,musl" BROKEN=0 BOOT_TIMEOUT=240
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
log() { echo "kernels-minit.sh: $*" >&2; }
mkdir -p "$LOGDIR" "$BUILD"

# The kernels: ci/kernels.sh's matrix (its --list), those of an arch with an
# rt entry point; fetched into the shared cache by kernels.sh if missing.
only_args=(); [ -n "$ONLY" ] && only_args=(--only "$ONLY")
mapfile -t ROWS < <(bash "$CI/kernels.sh" --list "${only_args[@]}" | awk '{print $1}')
SEL=()
for name in "${ROWS[@]}"; do
  case ${name%%-*} in
    amd64|i386|arm64) SEL+=("$name") ;;
    *) log "$name: no rt entry point for this architecture yet (not booted)" ;;
  esac
done
missing=(); for n in "${SEL[@]}"; do [ -s "$KDIR/$n/vmlinuz" ] || missing+=("$n"); done
if [ ${#missing[@]} -gt 0 ]; then
  bash "$CI/kernels.sh" --download-only --only "$(IFS=,; echo "${missing[*]}")"
fi

triple() { case $1 in amd64) echo x86_64 ;; i386) echo i686 ;; arm64) echo aarch64 ;; esac; }
# The kernel that also boots the musl build, per arch.
musl_kernel() { case $1 in amd64) echo amd64-6.12 ;; i386) echo i386-6.1 ;; arm64) echo arm64-6.12 ;; esac; }

# ---------------------------------------------------------------- builds
declare -A NEED=()
for n in "${SEL[@]}"; do NEED[$(triple "${n%%-*}")]=1; done
for a in "${!NEED[@]}"; do
  t=$a-unknown-linux-musl
  rustup target list --installed 2>/dev/null | grep -qx "$t" || rustup target add "$t" >&2
  if [[ $BUILDS == *nolibc* ]]; then
    log "building the no-libc minit for $a${BROKEN:+ (broken=$BROKEN)}"
    (cd "$ROOT/examples/nolibc" && MINIT_BROKEN=$BROKEN CARGO_TARGET_DIR=$BUILD/nolibc \
      cargo build -q --release --target "$t" --bin minit) 2>"$LOGDIR/build-nolibc-$a.log" || {
      tail -n 30 "$LOGDIR/build-nolibc-$a.log" >&2; exit 1; }
    cp "$BUILD/nolibc/$t/release/minit" "$BUILD/minit-nolibc-$a"
  fi
  if [[ $BUILDS == *musl* ]]; then
    log "building the musl (std) minit for $a"
    (cd "$ROOT" && RUSTFLAGS= CARGO_TARGET_DIR=$BUILD/musl \
      cargo build -q --release --target "$t" --example minit) 2>"$LOGDIR/build-musl-$a.log" || {
      tail -n 30 "$LOGDIR/build-musl-$a.log" >&2; exit 1; }
    cp "$BUILD/musl/$t/release/examples/minit" "$BUILD/minit-musl-$a"
    strip "$BUILD/minit-musl-$a" 2>/dev/null || llvm-strip "$BUILD/minit-musl-$a" 2>/dev/null || true
  fi
done

cat > "$BUILD/minit.conf" <<'CONF'
# minit's services in the kernel matrix: all of them minit itself.
sleeper: /init --service sleep
orphaner: /init --service orphan
flaky: /init --service flaky 700 3
driver: /init --service driver 8000 8000
CONF

BOOTS=()   # "name|build"
for n in "${SEL[@]}"; do
  arch=${n%%-*}
  [[ $BUILDS == *nolibc* ]] && BOOTS+=("$n|nolibc")
  [[ $BUILDS == *musl* ]] && [ "$(musl_kernel "$arch")" = "$n" ] && BOOTS+=("$n|musl")
done
for b in nolibc musl; do
  for a in "${!NEED[@]}"; do
    [ -f "$BUILD/minit-$b-$a" ] || continue
    python3 "$CI/mkinitramfs.py" "$BUILD/initrd-$b-$a.cpio.gz" "$BUILD/minit-$b-$a" "etc/minit.conf=$BUILD/minit.conf"
  done
done

# ---------------------------------------------------------------- boots
Q=(-m 512 -smp 2 -nographic -no-reboot -nic none)
APPEND="quiet panic=-1"
boot() { # boot NAME BUILD
  local name=$1 b=$2 arch=${1%%-*} a k cmd logf
  a=$(triple "$arch"); k=$KDIR/$name/vmlinuz; logf=$LOGDIR/$name-$b.log
  local initrd=$BUILD/initrd-$b-$a.cpio.gz
  case $arch in
    amd64) cmd=(qemu-system-x86_64 -accel tcg -cpu max -M q35 "${Q[@]}" -kernel "$k" -initrd "$initrd" -append "console=ttyS0 $APPEND") ;;
    i386)  cmd=(qemu-system-i386 -accel tcg -cpu max -M q35 "${Q[@]}" -kernel "$k" -initrd "$initrd" -append "console=ttyS0 $APPEND") ;;
    arm64) cmd=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on "${Q[@]}" -kernel "$k" -initrd "$initrd" -append "console=ttyAMA0 $APPEND") ;;
  esac
  local rc=0 t0; t0=$(date +%s)
  timeout -k 10 "$BOOT_TIMEOUT" "${cmd[@]}" </dev/null >"$logf" 2>&1 || rc=$?
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
echo "logs: $LOGDIR"
exit $fail
