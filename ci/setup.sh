#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine; idempotent, fast
# when everything is already there. Needs root for apt (skipped when the
# tools are present). Never names a package mirror: the URI comes from the
# machine's own apt sources.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }

# armv7 and riscv64: only the glibc targets are downloadable; Debian's cross
# gcc and static glibc link them (+crt-static in .cargo/config.toml).
targets="i686-unknown-linux-musl aarch64-unknown-linux-musl x86_64-unknown-linux-musl
  armv7-unknown-linux-gnueabihf riscv64gc-unknown-linux-gnu"
installed=$(rustup target list --installed)
for t in $targets; do
  grep -qx "$t" <<<"$installed" || { log "rustup target add $t"; rustup target add "$t"; }
done

# The toolchain of Cargo.toml's rust-version (the MSRV check in ci/test.sh
# builds the library with it), with the targets that toolchain has: its
# dist lacks i686-unknown-linux-musl (1.88.0 and 1.89.0 ship no rust-std
# for it), so i686 is checked as i686-unknown-linux-gnu, the same x86 code;
# armv7 and riscv64 as their glibc targets, as above (ci/test.sh checks all
# five).
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
case $msrv in *.*.*) ;; *) msrv=$msrv.0 ;; esac
rustup toolchain list | grep -q "^$msrv-" || { log "rustup toolchain install $msrv"; rustup toolchain install "$msrv" --profile minimal; }
msrv_targets="x86_64-unknown-linux-gnu i686-unknown-linux-gnu aarch64-unknown-linux-musl
  armv7-unknown-linux-gnueabihf riscv64gc-unknown-linux-gnu"
msrv_installed=$(rustup target list --installed --toolchain "$msrv")
for t in $msrv_targets; do
  grep -qx "$t" <<<"$msrv_installed" || { log "rustup target add --toolchain $msrv $t"; rustup target add --toolchain "$msrv" "$t"; }
done

need_apt=()
command -v qemu-aarch64-static >/dev/null || need_apt+=(qemu-user-static)
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need_apt+=(qemu-system-arm)
command -v qemu-system-riscv64 >/dev/null || need_apt+=(qemu-system-misc)
# ci/nolibc.sh checks the i686 no-libc program's first syscall with strace.
command -v strace >/dev/null || need_apt+=(strace)
if [ ! -e /usr/lib32/libc.a ] && [ ! -e /usr/lib/i386-linux-gnu/libc.a ]; then need_apt+=(libc6-dev-i386); fi
# Cross C toolchains: static armv7/riscv64 test binaries link with them;
# aarch64's builds the C baseline for the aarch64 benches. Debian's cross
# compilers conflict with gcc-multilib, which apt then removes: the -m32
# build of the C baseline copes without it (ci/bench.sh).
for c in arm-linux-gnueabihf:armhf riscv64-linux-gnu:riscv64 aarch64-linux-gnu:arm64; do
  triple=${c%:*} debarch=${c#*:}
  if ! command -v "$triple-gcc" >/dev/null || [ ! -e "/usr/$triple/lib/libc.a" ]; then
    need_apt+=("gcc-$triple" "libc6-dev-$debarch-cross")
  fi
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt: ${need_apt[*]}"
  if ! ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    echo "no deb822 apt sources found to derive the mirror from" >&2; exit 1
  fi
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v -- -security | head -n1 | awk '{print $2}')
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  bp=/etc/apt/sources.list.d/pidfs-backports.sources
  if ! grep -qs "${codename}-backports" /etc/apt/sources.list.d/*.sources; then
    printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" "$codename" > "$bp"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q=2
  for p in "${need_apt[@]}"; do
    case $p in
      qemu-*) apt-get install -y -q=2 -t "${codename}-backports" --no-install-recommends "$p" ;;
      libc6-dev-i386) apt-get install -y -q=2 libc6-dev-i386 "lib32gcc-$(gcc -dumpversion | cut -d. -f1)-dev" ;;
      strace) apt-get install -y -q=2 --no-install-recommends strace ;;
      gcc-*|libc6-dev-*-cross) apt-get install -y -q=2 --no-install-recommends "$p" ;;
    esac
  done
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "cargo install cargo-fuzz"
  cargo install -q --locked cargo-fuzz
fi
log "ok"
