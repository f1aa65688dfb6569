#!/usr/bin/env bash
# The no-libc recipe (pidfs's `rt` feature), built and checked on x86_64,
# i686 and aarch64: examples/nolibc's nostd-hello runs (natively, aarch64
# under qemu-user) and checks its argv, environment, aux vector and the
# runtime's memory functions; both programs are static, have no dynamic
# section, no undefined symbol and no C library symbol; minit stays under
# 64 KiB stripped. Prints one line per program and target.
set -euo pipefail
cd "$(dirname "$0")/../examples/nolibc"
fail=0
for a in x86_64 i686 aarch64; do
  t=$a-unknown-linux-musl
  cargo clippy -q --release --target "$t" -- -D warnings
  cargo build -q --release --target "$t"
  for p in nostd-hello minit; do
    f=target/$t/release/$p
    s=$(mktemp); cp "$f" "$s"; strip "$s" 2>/dev/null || llvm-strip "$s" 2>/dev/null || true
    size=$(stat -c %s "$s"); rm -f "$s"
    ok=1; why=""
    file -b "$f" | grep -q 'statically linked' || { ok=0; why+=" not-static"; }
    readelf -d "$f" 2>&1 | grep -q 'no dynamic section' || { ok=0; why+=" dynamic-section"; }
    readelf -l "$f" | grep -q INTERP && { ok=0; why+=" interpreter"; }
    [ -z "$(nm -u "$f" 2>/dev/null)" ] || { ok=0; why+=" undefined:$(nm -u "$f" | awk '{print $2}' | tr '\n' ,)"; }
    nm "$f" 2>/dev/null | grep -qE ' (__libc_start_main|malloc|printf|__errno_location)$' && { ok=0; why+=" libc-symbols"; }
    [ "$p" = minit ] && [ "$size" -ge 65536 ] && { ok=0; why+=" over-64KiB"; }
    if [ "$p" = nostd-hello ]; then
      run=(); [ "$a" = aarch64 ] && run=(qemu-aarch64-static)
      out=$(NOSTD_HELLO=yes "${run[@]}" "$f" one "two words" 2>&1) || { ok=0; why+=" run-failed"; echo "$out" >&2; }
      grep -q '^argv\[2\]=two words$' <<<"$out" || { ok=0; why+=" argv"; }
    fi
    printf 'nolibc %-12s %-8s %6d bytes stripped: %s\n' "$p" "$a" "$size" "$([ $ok = 1 ] && echo ok || echo "FAILED:$why")"
    [ $ok = 1 ] || fail=1
  done
done
exit $fail
