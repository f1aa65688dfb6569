#!/usr/bin/env bash
# Builds every bench natively and as static musl binaries for i686 and
# aarch64, runs the syscall bench in criterion's quick mode on each target
# (aarch64 under qemu-user) and, where the C anchor builds, side by side
# with it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/anchor
gcc -O2 -static ../shared/anchor/anchor.c -o target/anchor/anchor-x86_64 2>/dev/null \
  || gcc -O2 -static "$(git rev-parse --show-toplevel)/../shared/anchor/anchor.c" -o target/anchor/anchor-x86_64
gcc -O2 -static -m32 ../shared/anchor/anchor.c -o target/anchor/anchor-i686

cargo bench -q --no-run
for t in i686-unknown-linux-musl aarch64-unknown-linux-musl; do
  cargo bench -q --no-run --target "$t"
done
for t in i686-unknown-linux-musl aarch64-unknown-linux-musl; do
  for b in target/$t/release/deps/*-????????????????; do
    [ -x "$b" ] || continue
    file "$b" | grep -q 'statically linked' || { echo "$b is not static" >&2; exit 1; }
  done
done
echo "i686 and aarch64 bench binaries are static"

quick="--quick --noplot --warm-up-time 0.2 --measurement-time 0.5"
PIDFS_ANCHOR=$PWD/target/anchor/anchor-x86_64 cargo bench -q --bench syscall -- $quick 2>&1 | grep -E 'ratio|anchor|ns/op|entry'
PIDFS_ANCHOR=$PWD/target/anchor/anchor-i686 cargo bench -q --bench syscall --target i686-unknown-linux-musl -- $quick 2>&1 | grep -E 'ratio|anchor|ns/op|entry'
cargo bench -q --bench syscall --target aarch64-unknown-linux-musl -- $quick 2>&1 | grep -E 'ratio|anchor|ns/op'
