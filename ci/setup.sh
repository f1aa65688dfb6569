#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine; idempotent, fast
# when everything is already there. Needs root for apt (skipped when the
# tools are present). Never names a package mirror: the URI comes from the
# machine's own apt sources.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }

targets="i686-unknown-linux-musl aarch64-unknown-linux-musl x86_64-unknown-linux-musl"
installed=$(rustup target list --installed)
for t in $targets; do
  grep -qx "$t" <<<"$installed" || { log "rustup target add $t"; rustup target add "$t"; }
done

need_apt=()
command -v qemu-aarch64-static >/dev/null || need_apt+=(qemu-user-static)
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need_apt+=(qemu-system-arm)
if [ ! -e /usr/lib32/libc.a ] && [ ! -e /usr/lib/i386-linux-gnu/libc.a ]; then need_apt+=(libc6-dev-i386); fi
# Optional: the aarch64 build of the C baseline (bench/c/baseline.c, run
# under qemu-user by ci/bench.sh). Debian's cross compilers conflict with
# gcc-multilib: where that is installed, leave it and go without.
if ! command -v aarch64-linux-gnu-gcc >/dev/null && ! dpkg -s gcc-multilib >/dev/null 2>&1; then
  need_apt+=(gcc-aarch64-linux-gnu)
fi
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
      gcc-aarch64-linux-gnu)
        apt-get install -y -q=2 --no-install-recommends --no-remove gcc-aarch64-linux-gnu libc6-dev-arm64-cross ||
          log "gcc-aarch64-linux-gnu not installed: the aarch64 benches run without the C baseline" ;;
    esac
  done
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "cargo install cargo-fuzz"
  cargo install -q --locked cargo-fuzz
fi
log "ok"
