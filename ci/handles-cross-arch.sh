#!/usr/bin/env bash
# Cross-architecture pidfs handles: a handle written by one architecture's
# test binary is reopened by another's, on the same kernel, and must name the
# same process (same 64-bit id; a signal sent through the reopened pidfd is
# what the writer's child dies of).
#
# Builds tests/handle.rs for x86_64 (host) and i686-unknown-linux-musl, and for
# aarch64-unknown-linux-musl, armv7-unknown-linux-gnueabihf and
# riscv64gc-unknown-linux-gnu when their qemu-user emulators
# (qemu-aarch64-static, qemu-arm-static, qemu-riscv64-static) are installed,
# then runs the `xarch_helper` test in pairs:
#   writer: PIDFS_XARCH=write:<file>  forks a child, stores its handle record,
#           waits (<= 60 s) for the child to die of SIGUSR1, writes <file>.written
#   reader: PIDFS_XARCH=read:<file>   reopens the child from the record, checks
#           the id, sends SIGUSR1, writes <file>.read
# Directions: x86_64 -> i686, i686 -> x86_64, and with qemu-user
# x86_64 -> aarch64, aarch64 -> i686, x86_64 -> armv7, armv7 -> riscv64,
# riscv64 -> i686 (32-bit and 64-bit writers and readers alike: the 16
# bytes are the same on every target).
# Prints one line per direction; exits non-zero on any mismatch.
#
# usage: bash ci/handles-cross-arch.sh [--release]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PROFILE=()
[ "${1:-}" = "--release" ] && PROFILE=(--release)

# Prints the path of the `handle` integration-test binary for a target.
build() { # build [TARGET]
  local t=()
  [ -n "${1:-}" ] && t=(--target "$1")
  cargo test -q "${PROFILE[@]}" "${t[@]}" --test handle --no-run --message-format=json 2>/dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "handle" and m.get("executable"):
        print(m["executable"])' | tail -n 1
}

declare -A BIN RUN
BIN[x86_64]=$(build)
BIN[i686]=$(build i686-unknown-linux-musl)
RUN[x86_64]="" RUN[i686]=""
ARCHES=(x86_64 i686)
for q in aarch64:aarch64-unknown-linux-musl:qemu-aarch64-static \
         armv7:armv7-unknown-linux-gnueabihf:qemu-arm-static \
         riscv64:riscv64gc-unknown-linux-gnu:qemu-riscv64-static; do
  IFS=: read -r a t emu <<<"$q"
  if command -v "$emu" >/dev/null; then
    BIN[$a]=$(build "$t")
    RUN[$a]=$emu
    ARCHES+=("$a")
  fi
done
for a in "${ARCHES[@]}"; do
  [ -x "${BIN[$a]}" ] || { echo "handles-cross-arch: no test binary for $a" >&2; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAIL=0

helper() { # helper ARCH MODE FILE
  # shellcheck disable=SC2086
  PIDFS_XARCH="$2:$3" ${RUN[$1]} "${BIN[$1]}" xarch_helper --exact --test-threads=1 -q >"$3.$2.log" 2>&1
}

pair() { # pair WRITER READER
  local w=$1 r=$2 f="$WORK/$1-to-$2" wpid ok=1
  helper "$w" write "$f" & wpid=$!
  for _ in $(seq 300); do [ -e "$f" ] && break; kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
  if [ ! -e "$f" ]; then
    echo "$w -> $r: FAIL (writer stored no handle)"; cat "$f.write.log" >&2; kill "$wpid" 2>/dev/null || true
    wait "$wpid" || true; FAIL=1; return
  fi
  helper "$r" read "$f" || ok=0
  wait "$wpid" || ok=0
  local id want_w want_r
  id=$(sed -n 3p "$f")
  want_w="ok $id" want_r="ok $id $r"
  [ "$(cat "$f.written" 2>/dev/null)" = "$want_w" ] || ok=0
  [ "$(cat "$f.read" 2>/dev/null)" = "$want_r" ] || ok=0
  if [ $ok = 1 ]; then
    echo "$w -> $r: ok (handle $(sed -n 2p "$f"), id $id, pid $(sed -n 4p "$f"); reopened, SIGUSR1 delivered)"
  else
    echo "$w -> $r: FAIL (id ${id:-?})"
    cat "$f.write.log" "$f.read.log" >&2 || true
    FAIL=1
  fi
}

pair x86_64 i686
pair i686 x86_64
if [ -n "${BIN[aarch64]:-}" ]; then
  pair x86_64 aarch64
  pair aarch64 i686
fi
if [ -n "${BIN[armv7]:-}" ]; then
  pair x86_64 armv7
fi
if [ -n "${BIN[armv7]:-}" ] && [ -n "${BIN[riscv64]:-}" ]; then
  pair armv7 riscv64
fi
if [ -n "${BIN[riscv64]:-}" ]; then
  pair riscv64 i686
fi
exit $FAIL
