#!/usr/bin/env bash
# The no-libc recipe (pidfs's `rt` feature), built and checked on x86_64,
# i686, aarch64, armv7 and riscv64: examples/nolibc's nostd-hello runs
# (natively on x86_64/i686, under qemu-user elsewhere) and checks its argv,
# environment, aux vector and the runtime's memory functions; minit runs
# one of its services (`--service flaky 10 3` must exit with 3); both
# programs are static, have no dynamic section, no interpreter, no
# undefined symbol and no C library symbol; minit stays under 64 KiB
# stripped. On i686, strace shows that the first syscall is the program's
# own (no PR_GET_AUXV or /proc/self/auxv lookup: `_start` handed the aux
# vector's AT_SYSINFO to the syscall layer) and nostd-hello checks that
# pidfs::i386::uses_vdso() agrees with AT_SYSINFO.
# Prints one line per program and target.
#
# Targets: the musl ones for x86_64, i686, aarch64 (only their `core` is
# used), the glibc ones for armv7 and riscv64 (rustup has no musl target
# for them here), linked as examples/nolibc/.cargo/config.toml says.
set -euo pipefail
cd "$(dirname "$0")/../examples/nolibc"
fail=0
for a in x86_64 i686 aarch64 armv7 riscv64; do
  case $a in
    armv7) t=armv7-unknown-linux-gnueabihf run=(qemu-arm-static) strip=arm-linux-gnueabihf-strip ;;
    riscv64) t=riscv64gc-unknown-linux-gnu run=(qemu-riscv64-static) strip=riscv64-linux-gnu-strip ;;
    aarch64) t=$a-unknown-linux-musl run=(qemu-aarch64-static) strip=strip ;;
    *) t=$a-unknown-linux-musl run=() strip=strip ;;
  esac
  cargo clippy -q --release --target "$t" -- -D warnings
  cargo build -q --release --target "$t"
  for p in nostd-hello minit; do
    f=target/$t/release/$p
    s=$(mktemp); cp "$f" "$s"
    "$strip" "$s" 2>/dev/null || llvm-strip "$s" 2>/dev/null || true
    size=$(stat -c %s "$s"); rm -f "$s"
    ok=1; why=""
    file -b "$f" | grep -q 'statically linked' || { ok=0; why+=" not-static"; }
    readelf -d "$f" 2>&1 | grep -q 'no dynamic section' || { ok=0; why+=" dynamic-section"; }
    readelf -l "$f" | grep -q INTERP && { ok=0; why+=" interpreter"; }
    [ -z "$(nm -u "$f" 2>/dev/null)" ] || { ok=0; why+=" undefined:$(nm -u "$f" | awk '{print $2}' | tr '\n' ,)"; }
    nm "$f" 2>/dev/null | grep -qE ' (__libc_start_main|malloc|printf|__errno_location)$' && { ok=0; why+=" libc-symbols"; }
    [ "$p" = minit ] && [ "$size" -ge 65536 ] && { ok=0; why+=" over-64KiB"; }
    if [ "$p" = nostd-hello ]; then
      out=$(NOSTD_HELLO=yes "${run[@]}" "$f" one "two words" 2>&1) || { ok=0; why+=" run-failed"; echo "$out" >&2; }
      grep -q '^argv\[2\]=two words$' <<<"$out" || { ok=0; why+=" argv"; }
      if [ "$a" = i686 ]; then
        grep -q '^ok i386 syscalls through AT_SYSINFO' <<<"$out" || { ok=0; why+=" i386-entry"; }
        grep -q 'uses_vdso=true' <<<"$out" || { ok=0; why+=" i386-no-vdso"; }
        tr=$(mktemp)
        NOSTD_HELLO=yes strace -qq -o "$tr" "$f" >/dev/null 2>&1 || true
        # The first syscall after execve is main's getpid, nothing before.
        first=$(sed -n '2{s/(.*//;p}' "$tr"); rm -f "$tr"
        [ "$first" = getpid ] || { ok=0; why+=" first-syscall:$first"; }
      fi
    else
      rc=0; "${run[@]}" "$f" --service flaky 10 3 >/dev/null 2>&1 || rc=$?
      [ $rc = 3 ] || { ok=0; why+=" service-exit:$rc"; }
    fi
    printf 'nolibc %-12s %-8s %6d bytes stripped: %s\n' "$p" "$a" "$size" "$([ $ok = 1 ] && echo ok || echo "FAILED:$why")"
    [ $ok = 1 ] || fail=1
  done
done
exit $fail
