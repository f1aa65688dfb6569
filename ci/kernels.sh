#!/usr/bin/env bash
# Real-kernel test matrix: boots Debian kernels under qemu-system (TCG) with an
# initramfs whose /init (ci/kinit) runs the crate's test binaries, and reports
# one line per kernel:  kernel <version> <arch>[ (<variant>)]: <N> passed, <M> failed
#
# Guests and the test binaries they run (static, built here):
#   amd64    qemu-system-x86_64   x86_64-unknown-linux-musl (+ i686 as /tests32)
#   i386     qemu-system-i386     i686-unknown-linux-musl
#   arm64    qemu-system-aarch64  aarch64-unknown-linux-musl
#   armhf    qemu-system-arm      armv7-unknown-linux-gnueabihf  (glibc, +crt-static,
#                                 linked by arm-linux-gnueabihf-gcc)
#   riscv64  qemu-system-riscv64  riscv64gc-unknown-linux-gnu    (glibc, +crt-static,
#                                 linked by riscv64-linux-gnu-gcc)
# The repo's own test binaries are built as `cargo test --target T` builds them
# (.cargo/config.toml: static, `--cfg qemu` on the qemu-user targets, which the
# tests ignore when the guest sets PIDFS_KERNEL_MATRIX), so they are the qemu-user
# runs' binaries. kinit, bench_report and another crate's tests (--tests-from)
# take linker and flags from environment variables set here (CARGO_TARGET_<T>_LINKER,
# RUSTFLAGS per build: see tflags).
#
# Bench guests (BENCH_GUESTS below: armhf-newest, riscv64-newest) also run the
# static bench_report (pidfs-bench's example, release) after the tests, with
# the C baseline (bench/c/baseline.c, built -static by the arch's cross gcc)
# beside it; the report's table follows the kernel lines. Times under TCG are
# not hardware times: the ratios (pidfs/C, pidfs vs fork, pidfs vs /proc) are
# what it shows.
#
# usage: bash ci/kernels.sh [options] [-- TEST-ARGS...]
#   --only NAMES        comma-separated kernel names or globs (see --list), e.g.
#                       --only amd64-6.1,arm64-*   (an arch name alone also works)
#   --tests-from PATH   test binaries to run instead of the repo's own:
#                       a Cargo.toml (built like the repo) or a directory of
#                       prebuilt static binaries (arch taken from the ELF header:
#                       x86_64, i386, aarch64, arm (EM_ARM), riscv64 (EM_RISCV))
#   --jobs N            guests booted in parallel (default 3: on the 2-core CI
#                       machine a guest keeps about one core busy, and three
#                       amd64 guests took 177 s where two took 148 s, four
#                       248 s; i.e. 59, 74 and 62 s per guest)
#   --smp N             vCPUs per guest (default 2; with 1, tests/proc.rs's
#                       concurrent kill never lands inside a call)
#   --test-timeout S    per test binary, inside the guest (default 300; x2 on
#                       armhf and riscv64, whose emulation is slower)
#   --boot-timeout S    per guest, wall clock (default: derived from the above;
#                       on armhf and riscv64 plus their extra test timeout)
#   --append STR        extra kernel command line words (KEY=VALUE without a
#                       dot reaches the tests' environment)
#   --cargo-arg ARG     extra argument for `cargo test --no-run` (repeatable),
#                       e.g. --cargo-arg --workspace --cargo-arg --release
#   --no-strip          keep the test binaries' debug info (bigger initramfs)
#   --no-compat         do not run the i686 binaries on the amd64 kernels
#   --no-bench          no bench_report in the bench guests
#   --refresh           re-resolve the "newest" kernels (sid / trixie-backports)
#   --download-only     fetch the kernels and stop
#   --list              print the matrix and stop
#   -- ARGS             passed to every test binary after --test-threads=1
#                       (libtest filters, --nocapture, ...)
#
# Cache: target/kernels/ (or $PIDFS_KERNEL_CACHE): one directory per kernel
# with its vmlinuz; a cached kernel is never looked up again, so a second run
# downloads nothing. The private APT states (target/kernels/apt/<arch>, deleted
# once the kernels are in) leave the host's apt untouched. Logs: target/kernels/logs/.
# Exit status: 0 only if every selected kernel booted, ran every binary, and
# no test failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CI=$ROOT/ci
KDIR=${PIDFS_KERNEL_CACHE:-$ROOT/target/kernels}
LOGDIR=$KDIR/logs
BUILD=$KDIR/build

# name | suites (space-separated; several = pick the newest) | flavour | debian-arch
#      | variant: extra kernel command line words (optional)
# Rows with the same suites, flavour and arch share one downloaded kernel.
MATRIX=(
  "amd64-5.10|bullseye|amd64|amd64"
  "amd64-6.1|bookworm|amd64|amd64"
  "amd64-6.12|trixie|amd64|amd64"
  "amd64-newest|sid trixie-backports|amd64|amd64"
  "i386-6.1|bookworm|686-pae|i386"
  # No 32-bit vDSO: no AT_SYSINFO in the aux vector, so every syscall of the
  # i686 suite goes through pidfs's int 0x80 stub (tests/foundation.rs checks
  # AT_SYSINFO is absent when PIDFS_EXPECT_INT80 is set).
  "i386-6.1-int80|bookworm|686-pae|i386|vdso32=0 PIDFS_EXPECT_INT80=1"
  "arm64-6.1|bookworm|arm64|arm64"
  "arm64-6.12|trixie|arm64|arm64"
  "arm64-newest|sid trixie-backports|arm64|arm64"
  # armmp-lpae: the flavour for -cpu cortex-a15 (LPAE), in bookworm, trixie and sid.
  "armhf-6.1|bookworm|armmp-lpae|armhf"
  "armhf-6.12|trixie|armmp-lpae|armhf"
  "armhf-newest|sid trixie-backports|armmp-lpae|armhf"
  "riscv64-6.12|trixie|riscv64|riscv64"
  "riscv64-newest|sid trixie-backports|riscv64|riscv64"
)
# Guests that run bench_report after the tests (the arches CI cannot bench
# natively; their qemu-user runs lack the pid namespaces the report needs).
BENCH_GUESTS=(armhf-newest riscv64-newest)

# Per Debian arch: the Rust arch key (kinit and test lists), its target, the
# qemu binary and package, and how much slower than x86/arm64 its guests run
# (the per-binary timeout is multiplied by it; see boot_timeout).
declare -A RKEY=([amd64]=x86_64 [i386]=i686 [arm64]=aarch64 [armhf]=armv7 [riscv64]=riscv64)
declare -A TRIPLE=([x86_64]=x86_64-unknown-linux-musl [i686]=i686-unknown-linux-musl
  [aarch64]=aarch64-unknown-linux-musl [armv7]=armv7-unknown-linux-gnueabihf
  [riscv64]=riscv64gc-unknown-linux-gnu)
declare -A QEMU=([amd64]=qemu-system-x86_64 [i386]=qemu-system-i386 [arm64]=qemu-system-aarch64
  [armhf]=qemu-system-arm [riscv64]=qemu-system-riscv64)
declare -A QEMU_PKG=([amd64]=qemu-system-x86 [i386]=qemu-system-x86 [arm64]=qemu-system-arm
  [armhf]=qemu-system-arm [riscv64]=qemu-system-misc)
declare -A SLOW=([amd64]=1 [i386]=1 [arm64]=1 [armhf]=2 [riscv64]=2)
# glibc targets: linked statically by Debian's cross gcc (package in the comment).
declare -A CROSS_CC=([armv7]=arm-linux-gnueabihf-gcc [riscv64]=riscv64-linux-gnu-gcc)
declare -A CROSS_PKG=([armv7]="gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
  [riscv64]="gcc-riscv64-linux-gnu libc6-dev-riscv64-cross")
# Their binutils strip them: llvm-objcopy refuses static glibc binaries
# ("Link field value 36 in section .rel.dyn is not a symbol table").
declare -A CROSS_OBJCOPY=([armv7]=arm-linux-gnueabihf-objcopy [riscv64]=riscv64-linux-gnu-objcopy)
# The C compiler for each arch's static C baseline (bench guests only).
declare -A BASELINE_CC=([x86_64]=gcc [i686]="gcc -m32" [aarch64]=aarch64-linux-gnu-gcc
  [armv7]=arm-linux-gnueabihf-gcc [riscv64]=riscv64-linux-gnu-gcc)

ONLY="" TESTS_FROM="" JOBS=3 SMP=2 TEST_TIMEOUT=300 BOOT_TIMEOUT="" COMPAT=1
CARGO_ARGS=() STRIP_DEBUG=1 REFRESH=0 DOWNLOAD_ONLY=0 LIST=0 TEST_ARGS=() APPEND_EXTRA="" BENCH=1
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --tests-from) TESTS_FROM=$2; shift 2 ;;
    --tests-from=*) TESTS_FROM=${1#*=}; shift ;;
    --jobs) JOBS=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --test-timeout) TEST_TIMEOUT=$2; shift 2 ;;
    --boot-timeout) BOOT_TIMEOUT=$2; shift 2 ;;
    --no-compat) COMPAT=0; shift ;;
    --no-bench) BENCH=0; shift ;;
    --no-strip) STRIP_DEBUG=0; shift ;;
    --cargo-arg) CARGO_ARGS+=("$2"); shift 2 ;;
    --append) APPEND_EXTRA=$2; shift 2 ;;
    --refresh) REFRESH=1; shift ;;
    --download-only) DOWNLOAD_ONLY=1; shift ;;
    --list) LIST=1; shift ;;
    --) shift; TEST_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernels.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

T0=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
log() { echo "kernels.sh: $*" >&2; }
# shellcheck source=ci/kqemu.sh
. "$CI/kqemu.sh"

# ---------------------------------------------------------------- selection
SEL=()
for row in "${MATRIX[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  if [ -n "$ONLY" ]; then
    ok=0; IFS=',' read -ra pats <<<"$ONLY"
    for p in "${pats[@]}"; do
      # shellcheck disable=SC2053
      if [[ $name == $p || ${name%%-*} == "$p" ]]; then ok=1; fi
    done
    [ $ok = 1 ] || continue
  fi
  SEL+=("$row")
done
if [ ${#SEL[@]} = 0 ]; then
  log "--only '$ONLY' selects no kernel; names:"; for row in "${MATRIX[@]}"; do echo "  ${row%%|*}" >&2; done; exit 2
fi
if [ $LIST = 1 ]; then
  for row in "${SEL[@]}"; do
    IFS="|" read -r name suites flavour darch variant <<<"$row"
    v=$(cat "$KDIR/$name/version" 2>/dev/null || echo "not cached")
    printf '%-16s %-22s linux-image-%s:%s  (%s)%s\n' "$name" "$suites" "$flavour" "$darch" "$v" "${variant:+  + $variant}"
  done
  exit 0
fi
mkdir -p "$KDIR" "$LOGDIR" "$BUILD"

# ---------------------------------------------------------------- kernels
# A cached kernel is $KDIR/<name>/{vmlinuz,version,package}.
cached() { [ -s "$KDIR/$1/vmlinuz" ] && [ -s "$KDIR/$1/version" ]; }
need_apt=()
for row in "${SEL[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  stale=0; if [ $REFRESH = 1 ] && [[ $suites == *" "* ]]; then stale=1; fi
  if cached "$name" && [ $stale = 0 ]; then continue; fi
  if [ $stale = 0 ]; then
    # The same kernel as another row (a variant such as i386-6.1-int80): copy it.
    for other in "${MATRIX[@]}"; do
      IFS="|" read -r oname osuites oflavour odarch _ <<<"$other"
      if [ "$oname" != "$name" ] && [ "$osuites|$oflavour|$odarch" = "$suites|$flavour|$darch" ] && cached "$oname"; then
        mkdir -p "$KDIR/$name"; cp -p "$KDIR/$oname"/* "$KDIR/$name/"
        log "$name: same kernel as $oname ($(cat "$KDIR/$name/version"))"; continue 2
      fi
    done
  fi
  need_apt+=("$row")
done

TD=$(now)
if [ ${#need_apt[@]} -gt 0 ]; then
  URI=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- -security | head -n1 | awk '{print $2}')
  if [ -z "$URI" ]; then
    URI=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v -- -security | head -n1 | awk '{print $2}')
  fi
  [ -n "$URI" ] || { log "no Debian mirror found in /etc/apt/sources.list.d/*.sources"; exit 1; }
  # One private APT state per Debian arch, holding only the suites that
  # arch's wanted kernels need. apt commits a suite's indexes all or
  # nothing: one index that fails to download (the trixie-backports armhf
  # and riscv64 ones did: "File has unexpected size ... Mirror sync in
  # progress?") drops every arch of that suite from the same state, which
  # turned amd64-newest from 7.3.4 (trixie-backports) into 7.2.13 (sid). Kept
  # apart, a broken index only costs its own arch that suite.
  K=$KDIR/apt
  rm -rf "$K"; mkdir -p "$K" "$KDIR/dl"
  declare -A ARCH_SUITES=()
  for row in "${need_apt[@]}"; do
    IFS="|" read -r name suites flavour darch variant <<<"$row"
    for s in $suites; do
      [[ " ${ARCH_SUITES[$darch]:-} " == *" $s "* ]] || ARCH_SUITES[$darch]="${ARCH_SUITES[$darch]:-}${ARCH_SUITES[$darch]:+ }$s"
    done
  done
  A=(-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)
  apt_in() { # apt_in DARCH CMD...: CMD with that arch's private APT state
    APT_CONFIG=$K/$1/apt.conf "${@:2}"; }
  log "apt update (private states in $K/<arch>, mirror $URI): $(for d in "${!ARCH_SUITES[@]}"; do printf '%s: %s; ' "$d" "${ARCH_SUITES[$d]}"; done)"
  pids=()
  for darch in "${!ARCH_SUITES[@]}"; do
    k=$K/$darch
    mkdir -p "$k/parts" "$k/prefs" "$k/state/lists/partial" "$k/cache/archives/partial"
    : > "$k/state/status"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nArchitectures: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$URI" "${ARCH_SUITES[$darch]}" "$darch" > "$k/parts/kernels.sources"
    cat > "$k/apt.conf" <<EOF
Dir::State "$k/state"; Dir::State::status "$k/state/status"; Dir::Cache "$k/cache";
Dir::Etc::sourcelist "/dev/null"; Dir::Etc::sourceparts "$k/parts";
Dir::Etc::preferences "/dev/null"; Dir::Etc::preferencesparts "$k/prefs";
APT::Architecture "$darch"; APT::Architectures { "$darch"; };
Acquire::Languages "none"; APT::Sandbox::User "root"; Acquire::Retries "3";
EOF
    # A broken index must not stop us: whether a kernel is missing is checked below.
    ( apt_in "$darch" apt-get "${A[@]}" update -q=2 >"$k/update.log" 2>&1 ||
        { log "$darch: apt-get update reported errors (continuing):"; sed 's/^/    /' "$k/update.log" >&2; } ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done

  field() { # field PKG:ARCH/SUITE FIELD
    local a=${1#*:}; a=${a%%/*}
    apt_in "$a" apt-cache "${A[@]}" show "$1" 2>/dev/null | awk -v f="$2:" '$1==f{ $1=""; sub(/^ /,""); print; exit }'; }
  depname() { # depname PKG:ARCH/SUITE PREFIX -> first dependency starting with PREFIX
    field "$1" Depends | tr ',|' '\n\n' | awk '{print $1}' | grep -m1 "^$2" || true; }

  # Each row's candidates, newest first: "suite,pkg:arch/suite,version"
  # joined by ";". A mirror can list a kernel in its index before the .deb
  # is in its pool (trixie-backports' 7.3.4 armhf and riscv64 answered 404
  # on 2026-12-01 while their index named them): a row whose newest kernel
  # cannot be downloaded takes the next one its suites hold, and says so.
  DL=()      # "name|cand;cand;..."
  for row in "${need_apt[@]}"; do
    IFS="|" read -r name suites flavour darch variant <<<"$row"
    cands=()   # "version,suite,spec", kept sorted newest first
    for s in $suites; do
      v=$(field "linux-image-$flavour:$darch/$s" Version)
      [ -n "$v" ] || { log "$name: no linux-image-$flavour:$darch in $s"; continue; }
      img=$(depname "linux-image-$flavour:$darch/$s" 'linux-image-[0-9]')
      [ -n "$img" ] || { log "$name: linux-image-$flavour/$s has no linux-image-<abi> dependency"; continue; }
      # 7.x: linux-image-<abi> is a meta package; the kernel is in linux-binary-<abi>.
      bin=$(depname "$img:$darch/$s" 'linux-binary-[0-9]')
      pkg=${bin:-$img}
      ver=$(field "$pkg:$darch/$s" Version)
      [ -n "$ver" ] || { log "$name: $pkg:$darch not in $s"; continue; }
      c="$ver,$s,$pkg:$darch/$s" i=0
      while [ $i -lt ${#cands[@]} ] && dpkg --compare-versions "${cands[$i]%%,*}" ge "$ver"; do i=$((i + 1)); done
      cands=("${cands[@]:0:$i}" "$c" "${cands[@]:$i}")
    done
    [ ${#cands[@]} -gt 0 ] || { log "$name: no kernel found in: $suites"; exit 1; }
    first=${cands[0]}; fver=${first%%,*}; fspec=${first##*,}
    if [ -s "$KDIR/$name/vmlinuz" ] && [ "$(cat "$KDIR/$name/package" 2>/dev/null)" = "${fspec%%:*} $fver" ]; then
      log "$name: cached ${fspec%%:*} $fver is still the newest"; continue
    fi
    DL+=("$name|$(IFS=';'; echo "${cands[*]}")")
  done

  if [ ${#DL[@]} -gt 0 ]; then
    dldir=$(mktemp -d "$KDIR/dl/XXXXXX")
    log "downloading: $(for d in "${DL[@]}"; do c=${d#*|}; printf '%s <- %s; ' "${d%%|*}" "${c%%;*}"; done)"
    # One job per Debian arch; inside it the rows in order, each taking its
    # first candidate that downloads (rows sharing a package download it once).
    pids=()
    for darch in "${!ARCH_SUITES[@]}"; do
      mine=(); for d in "${DL[@]}"; do if [[ $d == *":$darch/"* ]]; then mine+=("$d"); fi; done
      [ ${#mine[@]} -gt 0 ] || continue
      (
        for d in "${mine[@]}"; do
          name=${d%%|*}; IFS=';' read -r -a cands <<<"${d#*|}"
          got=""
          for c in "${cands[@]}"; do
            IFS=',' read -r ver suite spec <<<"$c"
            pkg=${spec%%:*}
            if ls "$dldir/${pkg}_"*.deb >/dev/null 2>&1; then got=$c; break; fi
            # The cached kernel is the best one that downloads: keep it.
            if [ -s "$KDIR/$name/vmlinuz" ] && [ "$(cat "$KDIR/$name/package" 2>/dev/null)" = "$pkg $ver" ]; then
              got=cached; break
            fi
            for try in 1 2 3; do
              out=$(cd "$dldir" && apt_in "$darch" apt-get "${A[@]}" download -q=2 "$spec" 2>&1) && { got=$c; break 2; }
              printf '%s\n' "$out" >&2
              log "$name: $pkg $ver ($suite) download failed (try $try)"
              # A 404 is the mirror's answer, not a hiccup: next candidate.
              grep -q ' 404 ' <<<"$out" && break
              sleep 3
            done
          done
          [ -n "$got" ] || { log "$name: no candidate kernel could be downloaded"; exit 1; }
          if [ "$got" = cached ]; then
            log "$name: keeping the cached $(cat "$KDIR/$name/package"): the newer ${cands[0]#*,*,} is in the index but not downloadable"
            echo cached > "$dldir/chosen-$name"; continue
          fi
          [ "$got" = "${cands[0]}" ] || log "$name: falling back to ${got#*,*,} ${got%%,*}: the newer ${cands[0]#*,*,} is in the index but not downloadable"
          echo "$got" > "$dldir/chosen-$name"
        done
      ) & pids+=($!)
    done
    rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ $rc = 0 ] || { log "could not download the kernels"; exit 1; }
    pids=()
    for d in "${DL[@]}"; do
      name=${d%%|*}
      [ "$(cat "$dldir/chosen-$name")" != cached ] || continue
      IFS=',' read -r ver suite spec <"$dldir/chosen-$name"
      pkg=${spec%%:*}
      (
        deb=$(ls "$dldir/${pkg}_"*.deb | head -n1)
        x=$dldir/x-$name; mkdir -p "$x"
        # The kernel is boot/vmlinuz-<v> (before 7.x), usr/lib/modules/<v>/vmlinuz
        # (7.x), or boot/vmlinux-<v> (riscv64 before 7.x: an uncompressed Image).
        files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t)
        kfile=$(grep -E '(^|/)(boot/vmlinu[xz]-[^/]+|modules/[^/]+/vmlinu[xz])$' <<<"$files" | head -n1 || true)
        cfile=$(grep -E '(^|/)(boot/config-[^/]+|modules/[^/]+/config)$' <<<"$files" | head -n1 || true)
        [ -n "$kfile" ] || { log "$name: no vmlinuz/vmlinux in $deb"; exit 1; }
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" "$kfile" ${cfile:+"$cfile"}
        vmlinuz=$x/$kfile
        mkdir -p "$KDIR/$name"
        cp "$vmlinuz" "$KDIR/$name/vmlinuz.tmp" && mv "$KDIR/$name/vmlinuz.tmp" "$KDIR/$name/vmlinuz"
        [ -z "$cfile" ] || cp "$x/$cfile" "$KDIR/$name/config"
        # Upstream version without the Debian revision: 6.1.176-1 -> 6.1.176.
        echo "${ver%-*}" > "$KDIR/$name/version"
        echo "$pkg $ver" > "$KDIR/$name/package"
        echo "$suite" > "$KDIR/$name/suite"
        log "$name <- $pkg $ver ($suite)"
      ) & pids+=($!)
    done
    rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
    rm -rf "$dldir"; rmdir "$KDIR/dl" 2>/dev/null || true
    [ $rc = 0 ] || exit 1
  fi
  # The indexes (~650 MB) are only needed to resolve names: drop them.
  rm -rf "$K"
fi
DOWNLOAD_S=$(since "$TD")
log "kernels ready in ${DOWNLOAD_S}s"
[ $DOWNLOAD_ONLY = 1 ] && exit 0

# ---------------------------------------------------------------- builds
TB=$(now)
declare -A NEED_T=()   # Rust arch keys needed (see RKEY/TRIPLE)
for row in "${SEL[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  NEED_T[${RKEY[$darch]}]=1
  if [ "$darch" = amd64 ] && [ $COMPAT = 1 ]; then NEED_T[i686]=1; fi
done
# Tools: qemu-system from bookworm-backports (as ci/setup.sh does; qemu-system-misc
# brings qemu-system-riscv64 and OpenSBI), Debian's cross gcc for the glibc targets.
need_bp=() need_main=() missing=()
for row in "${SEL[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  command -v "${QEMU[$darch]}" >/dev/null && continue
  missing+=("${QEMU[$darch]}")
  [[ " ${need_bp[*]} " == *" ${QEMU_PKG[$darch]} "* ]] || need_bp+=("${QEMU_PKG[$darch]}")
done
for a in "${!NEED_T[@]}"; do
  [ -n "${CROSS_CC[$a]:-}" ] || continue
  v=CARGO_TARGET_$(echo "${TRIPLE[$a]}" | tr 'a-z-' 'A-Z_')_LINKER
  command -v "${!v:-${CROSS_CC[$a]}}" >/dev/null && continue
  missing+=("${CROSS_CC[$a]}"); need_main+=(${CROSS_PKG[$a]})
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || [ -n "${PIDFS_NO_INSTALL:-}" ] || ! command -v apt-get >/dev/null; then
    log "missing ${missing[*]}: install ${need_bp[*]} (bookworm-backports) ${need_main[*]} (or run ci/setup.sh)"; exit 1
  fi
  log "installing ${need_bp[*]} ${need_main[*]} (missing ${missing[*]})"
  if [ ${#need_bp[@]} -gt 0 ] && [ ! -e /etc/apt/sources.list.d/backports.sources ] && \
     ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d; then
    URI=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- -security | head -n1 | awk '{print $2}')
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$URI" > /etc/apt/sources.list.d/backports.sources
  fi
  apt-get update -q=2 || { log "apt-get update failed"; exit 1; }
  if [ ${#need_bp[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q=2 -t bookworm-backports --no-install-recommends \
      "${need_bp[@]}" >&2 || { log "qemu install failed"; exit 1; }
  fi
  if [ ${#need_main[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q=2 --no-install-recommends \
      "${need_main[@]}" >&2 || { log "cross gcc install failed"; exit 1; }
  fi
fi
installed=$(rustup target list --installed 2>/dev/null || true)
for a in "${!NEED_T[@]}"; do
  if [ -n "$installed" ] && ! grep -qx "${TRIPLE[$a]}" <<<"$installed"; then
    log "rustup target add ${TRIPLE[$a]}"; rustup target add "${TRIPLE[$a]}" >&2
  fi
done
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER:-rust-lld}
# criterion >= 0.8 compiles a little C for i686 musl: gcc -m32 serves.
export CC_i686_unknown_linux_musl=${CC_i686_unknown_linux_musl:-gcc}
export CFLAGS_i686_unknown_linux_musl=${CFLAGS_i686_unknown_linux_musl:--m32}
# glibc targets: Debian's cross gcc links (and compiles any C a build needs);
# static binaries come from RUSTFLAGS, see tflags below.
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=${CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER:-arm-linux-gnueabihf-gcc}
export CC_armv7_unknown_linux_gnueabihf=${CC_armv7_unknown_linux_gnueabihf:-arm-linux-gnueabihf-gcc}
export CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_LINKER=${CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_LINKER:-riscv64-linux-gnu-gcc}
export CC_riscv64gc_unknown_linux_gnu=${CC_riscv64gc_unknown_linux_gnu:-riscv64-linux-gnu-gcc}
tflags() { # tflags KEY: RUSTFLAGS for the matrix's builds of that target, or nothing
  # RUSTFLAGS (even empty) replaces .cargo/config.toml's target rustflags:
  # `--cfg qemu` there is for qemu-user runs, not for a real kernel; the
  # glibc targets must be linked statically (-C target-feature=+crt-static).
  case $1 in
    aarch64) echo "RUSTFLAGS=" ;;
    armv7|riscv64) echo "RUSTFLAGS=-C target-feature=+crt-static" ;;
  esac
}

for a in "${!NEED_T[@]}"; do
  log "building kinit for $a"
  envs=(); f=$(tflags "$a"); if [ "$a" != aarch64 ] && [ -n "$f" ]; then envs=("$f"); fi
  for locked in --locked ""; do
    if env ${envs[@]+"${envs[@]}"} CARGO_TARGET_DIR="$BUILD/kinit" cargo build -q --release $locked --target "${TRIPLE[$a]}" \
         --manifest-path "$CI/kinit/Cargo.toml" 2>"$LOGDIR/build-kinit-$a.log"; then continue 2; fi
  done
  tail -n 30 "$LOGDIR/build-kinit-$a.log" >&2; log "kinit build failed for $a"; exit 1
done

# Lists of "dest=src" initramfs entries, one file per triple.
for a in "${!NEED_T[@]}"; do : > "$BUILD/$a.tests"; : > "$BUILD/$a.bins"; done

manifest=""
if [ -z "$TESTS_FROM" ]; then
  manifest=$ROOT/Cargo.toml
elif [ -d "$TESTS_FROM" ]; then
  # Prebuilt binaries: the arch comes from the ELF header (class byte 4, e_machine at 18).
  while IFS= read -r -d '' f; do
    magic=$(od -An -tx1 -N4 "$f" | tr -d ' \n')
    [ "$magic" = 7f454c46 ] || continue
    class=$(od -An -tu1 -j4 -N1 "$f" | tr -d ' ')
    mach=$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')
    case $class:$mach in
      2:62) a=x86_64 ;; 1:3) a=i686 ;; 2:183) a=aarch64 ;; 1:40) a=armv7 ;; 2:243) a=riscv64 ;; *) continue ;;
    esac
    [ -n "${NEED_T[$a]:-}" ] || continue
    n=$(basename "$f" | sed -E 's/-[0-9a-f]{16}$//')
    echo "$n=$f" >> "$BUILD/$a.tests"
  done < <(find "$TESTS_FROM" -type f -perm -u+x -print0 | sort -z)
else
  manifest=$(cd "$(dirname "$TESTS_FROM")" && pwd)/$(basename "$TESTS_FROM")
fi

if [ -n "$manifest" ]; then
  [ -f "$manifest" ] || { log "no Cargo.toml at $manifest"; exit 1; }
  for a in "${!NEED_T[@]}"; do
    t0=$(now)
    log "cargo test --no-run --target ${TRIPLE[$a]} ($manifest)"
    # The repo's own tests: built exactly as `cargo test --target T` builds
    # them (.cargo/config.toml: static, `--cfg qemu` on the qemu-user
    # targets), so after ci/test.sh's qemu-user runs this is no second
    # build; the guest's PIDFS_KERNEL_MATRIX tells the tests they are on a
    # real kernel (tests/common: qemu()). Another crate's tests (--tests-from
    # a Cargo.toml) get the flags of tflags, in a target dir of their own.
    envs=()
    f=$(tflags "$a")
    if [ -n "$f" ] && [ -n "$TESTS_FROM" ]; then envs=("$f" CARGO_TARGET_DIR="$BUILD/cargo-native-$a"); fi
    if ! (cd "$(dirname "$manifest")" && env ${envs[@]+"${envs[@]}"} cargo test --no-run --target "${TRIPLE[$a]}" \
          --manifest-path "$manifest" --message-format=json ${CARGO_ARGS[@]+"${CARGO_ARGS[@]}"} 2>"$LOGDIR/build-tests-$a.log") \
        > "$BUILD/$a.json"; then
      tail -n 40 "$LOGDIR/build-tests-$a.log" >&2; log "test build failed for $a"; exit 1
    fi
    # Test harnesses: profile.test (integration tests, and the lib's and bins'
    # unit tests); [[bin]] executables go to their host path so that
    # env!("CARGO_BIN_EXE_<name>") still finds them in the guest.
    python3 - "$BUILD/$a.json" "$BUILD/$a.tests" "$BUILD/$a.bins" <<'PY'
import json, sys
src, tests, bins = sys.argv[1:]
t, b, names = [], [], set()
for line in open(src):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    kind, name, exe = m["target"]["kind"], m["target"]["name"], m["executable"]
    if m["profile"]["test"]:
        n = name if "test" in kind else ("unit-" if "lib" in kind else kind[0] + "-") + name
        while n in names:
            n += "_"
        names.add(n)
        t.append(f"{n}={exe}")
    elif "bin" in kind:
        b.append(f"{exe}={exe}")
open(tests, "w").write("".join(x + "\n" for x in t))
open(bins, "w").write("".join(x + "\n" for x in b))
PY
    log "  $a: $(wc -l < "$BUILD/$a.tests") test binaries in $(since "$t0")s"
  done
fi

# bench_report (release, static) and the C baseline for the bench guests'
# arches; only for the repo's own tests (pidfs-bench is a member here).
is_bench() { [ $BENCH = 1 ] && [ -z "$TESTS_FROM" ] && [[ " ${BENCH_GUESTS[*]} " == *" $1 "* ]]; }
declare -A NEED_B=()
for row in "${SEL[@]}"; do
  IFS="|" read -r name _ _ darch _ <<<"$row"
  if is_bench "$name"; then NEED_B[${RKEY[$darch]}]=1; fi
done
for a in "${!NEED_B[@]}"; do
  t0=$(now)
  envs=() tdir=$ROOT/target
  f=$(tflags "$a"); if [ -n "$f" ]; then tdir=$BUILD/cargo-native-$a; envs=("$f" CARGO_TARGET_DIR="$tdir"); fi
  log "cargo build --release -p pidfs-bench --example bench_report --target ${TRIPLE[$a]}"
  if ! (cd "$ROOT" && env ${envs[@]+"${envs[@]}"} cargo build -q --release -p pidfs-bench --example bench_report \
        --target "${TRIPLE[$a]}" 2>"$LOGDIR/build-bench-$a.log"); then
    tail -n 30 "$LOGDIR/build-bench-$a.log" >&2; log "bench_report build failed for $a"; exit 1
  fi
  echo "bench/bench_report=$tdir/${TRIPLE[$a]}/release/examples/bench_report" > "$BUILD/$a.bench"
  read -ra cc <<<"${BASELINE_CC[$a]}"
  if command -v "${cc[0]}" >/dev/null && "${cc[@]}" -O2 -static -Wall "$ROOT/bench/c/baseline.c" \
       -o "$BUILD/c-baseline-$a" 2>"$LOGDIR/build-c-baseline-$a.log"; then
    echo "bench/c-baseline=$BUILD/c-baseline-$a" >> "$BUILD/$a.bench"
  else
    log "  $a: no C baseline (${cc[0]}: see $LOGDIR/build-c-baseline-$a.log): bench_report without C columns"
  fi
  log "  $a: bench_report built in $(since "$t0")s"
done

# Debug info is most of a debug test binary (7 MB -> 1.2 MB): strip it, keep
# the symbols (backtraces still name functions; panics still give file:line).
# rust-objcopy ships with the toolchain (llvm-tools) but needs the sysroot's libLLVM.
STRIP=()
if [ $STRIP_DEBUG = 1 ]; then
  sysroot=$(rustc --print sysroot 2>/dev/null || true)
  ro=$(ls "$sysroot"/lib/rustlib/*/bin/rust-objcopy 2>/dev/null | head -n1 || true)
  if [ -n "$ro" ] && LD_LIBRARY_PATH=$sysroot/lib "$ro" --version >/dev/null 2>&1; then
    STRIP=(env "LD_LIBRARY_PATH=$sysroot/lib" "$ro" --strip-debug)
  elif command -v llvm-objcopy >/dev/null; then
    STRIP=(llvm-objcopy --strip-debug)
  fi
fi
strip_to() { # strip_to KEY SRC DST: a copy without debug info (or a plain copy)
  local oc=${CROSS_OBJCOPY[$1]:-}
  if [ $STRIP_DEBUG = 1 ]; then
    if [ -n "$oc" ] && command -v "$oc" >/dev/null && "$oc" --strip-debug "$2" "$3" 2>/dev/null; then return; fi
    if [ ${#STRIP[@]} -gt 0 ] && "${STRIP[@]}" "$2" "$3" 2>/dev/null; then return; fi
    if [ -n "$oc" ] || [ ${#STRIP[@]} -gt 0 ]; then log "  $1: could not strip $(basename "$2"): copied with its debug info"; fi
  fi
  cp "$2" "$3"
}
stage() { # stage KEY: copy (stripped) binaries to $BUILD/stage/KEY, rewrite the lists
  local a=$1 dir=$BUILD/stage/$1 n p i=0
  rm -rf "$dir"; mkdir -p "$dir/bins"
  while IFS='=' read -r n p; do
    [ -n "$n" ] || continue
    strip_to "$a" "$p" "$dir/$n"
    echo "$n=$dir/$n"
  done < "$BUILD/$a.tests" > "$BUILD/$a.tests.staged"
  while IFS='=' read -r n p; do
    [ -n "$n" ] || continue; i=$((i + 1))
    strip_to "$a" "$p" "$dir/bins/$i"
    echo "$n=$dir/bins/$i"
  done < "$BUILD/$a.bins" > "$BUILD/$a.bins.staged"
  mv "$BUILD/$a.tests.staged" "$BUILD/$a.tests"; mv "$BUILD/$a.bins.staged" "$BUILD/$a.bins"
  if [ -n "${NEED_B[$a]:-}" ]; then
    mkdir -p "$dir/bench"
    while IFS='=' read -r n p; do
      [ -n "$n" ] || continue
      strip_to "$a" "$p" "$dir/$n"
      echo "$n=$dir/$n"
    done < "$BUILD/$a.bench" > "$BUILD/$a.bench.staged"
    mv "$BUILD/$a.bench.staged" "$BUILD/$a.bench"
  fi
}
for a in "${!NEED_T[@]}"; do stage "$a"; done
[ ${#STRIP[@]} -gt 0 ] || [ $STRIP_DEBUG = 0 ] || log "no objcopy found: test binaries keep their debug info"

declare -A INITRD=()
mk() { # mk ARCH-KEY INIT-TRIPLE TRIPLE [COMPAT-TRIPLE]
  local key=$1 init=$2 main=$3 compat=${4:-} args=()
  while IFS='=' read -r n p; do [ -n "$n" ] && args+=("tests/$n=$p"); done < "$BUILD/$main.tests"
  while IFS='=' read -r d p; do [ -n "$d" ] && args+=("$d=$p"); done < "$BUILD/$main.bins"
  if [ -n "${NEED_B[$main]:-}" ]; then
    while IFS='=' read -r d p; do [ -n "$d" ] && args+=("$d=$p"); done < "$BUILD/$main.bench"
  fi
  if [ -n "$compat" ]; then
    while IFS='=' read -r n p; do [ -n "$n" ] && args+=("tests32/$n=$p"); done < "$BUILD/$compat.tests"
    while IFS='=' read -r d p; do [ -n "$d" ] && args+=("$d=$p"); done < "$BUILD/$compat.bins"
  fi
  if [ "$(wc -l < "$BUILD/$main.tests")" = 0 ]; then log "no test binaries for $main"; exit 1; fi
  python3 "$CI/mkinitramfs.py" "$BUILD/$key.cpio.gz" "$BUILD/kinit/${TRIPLE[$init]}/release/kinit" "${args[@]}"
  INITRD[$key]=$BUILD/$key.cpio.gz
  log "  initramfs $key: $(du -h "$BUILD/$key.cpio.gz" | cut -f1)"
}
for row in "${SEL[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  case $darch in
    amd64) [ -n "${INITRD[amd64]:-}" ] || if [ $COMPAT = 1 ]; then mk amd64 x86_64 x86_64 i686; else mk amd64 x86_64 x86_64; fi ;;
    *) [ -n "${INITRD[$darch]:-}" ] || mk "$darch" "${RKEY[$darch]}" "${RKEY[$darch]}" ;;
  esac
done
BUILD_S=$(since "$TB")
log "builds done in ${BUILD_S}s"

# ---------------------------------------------------------------- boots
if [ -z "$BOOT_TIMEOUT" ]; then
  # Room for one binary to hit its timeout, plus 30 s per binary (a few
  # seconds each under TCG is the norm).
  n=$(for a in "${!NEED_T[@]}"; do cat "$BUILD/$a.tests"; done | wc -l)
  BOOT_TIMEOUT=$(( 120 + TEST_TIMEOUT + n * 30 ))
  [ $BOOT_TIMEOUT -le 1200 ] || BOOT_TIMEOUT=1200
fi
# The per-binary timeout grows by the arch's SLOW factor (armhf, riscv64),
# and the guest's by what that adds for the one binary that may hit it: the
# whole suite takes 1-2.6x arm64's time there (45-130 s per guest), far from
# the timeouts, and a guest that hangs should not hold a job slot for long.
# A bench guest runs one more binary (bench_report) under the same per-binary timeout.
boot_timeout() { # boot_timeout DARCH [NAME]
  local t=$(( BOOT_TIMEOUT + TEST_TIMEOUT * (SLOW[$1] - 1) ))
  if [ -n "${2:-}" ] && is_bench "$2"; then t=$(( t + TEST_TIMEOUT * SLOW[$1] )); fi
  echo $t
}
append() { # append DARCH VARIANT NAME: the kernel command line after console=
  local s="quiet panic=-1 KINIT_TIMEOUT=$(( TEST_TIMEOUT * SLOW[$1] ))${2:+ $2}${APPEND_EXTRA:+ $APPEND_EXTRA}"
  if is_bench "$3"; then s+=" KINIT_BENCH=1"; fi
  if [ ${#TEST_ARGS[@]} -gt 0 ]; then s+=" -- ${TEST_ARGS[*]}"; fi
  echo "$s"
}
Q=(-m 1024 -smp "$SMP" -nographic -no-reboot -nic none)

boot() { # boot ROW
  local name suites flavour darch variant
  IFS="|" read -r name suites flavour darch variant <<<"$1"
  local logf=$LOGDIR/$name.log k=$KDIR/$name/vmlinuz i=${INITRD[$darch]} cmd ap
  ap=$(append "$darch" "$variant" "$name")
  kqemu_cmd "$darch" "$k" "$i" "$ap" "${Q[@]}"; cmd=("${KQEMU_CMD[@]}")
  local t0 rc=0; t0=$(now)
  printf '%q ' "${cmd[@]}" > "$LOGDIR/$name.cmd"
  timeout -k 10 "$(boot_timeout "$darch" "$name")" "${cmd[@]}" </dev/null >"$logf" 2>&1 || rc=$?
  echo "$rc" > "$LOGDIR/$name.rc"
  since "$t0" > "$LOGDIR/$name.time"
  log "  $name finished in $(cat "$LOGDIR/$name.time")s (qemu rc=$rc)"
}

TBOOT=$(now)
# Interrupted: stop our own guests (and only them).
trap 'trap - INT TERM; kill $(jobs -p) 2>/dev/null; exit 130' INT TERM
# Longest first: amd64 guests carry the most work (x86_64 + i686 binaries),
# then the slowly emulated arches, then the rest.
ORDER=()
for row in "${SEL[@]}"; do IFS="|" read -r _ _ _ darch _ <<<"$row"; [ "$darch" = amd64 ] && ORDER+=("$row"); done
for row in "${SEL[@]}"; do IFS="|" read -r _ _ _ darch _ <<<"$row"; [ "$darch" != amd64 ] && [ "${SLOW[$darch]}" -gt 1 ] && ORDER+=("$row"); done
for row in "${SEL[@]}"; do IFS="|" read -r _ _ _ darch _ <<<"$row"; [ "$darch" != amd64 ] && [ "${SLOW[$darch]}" = 1 ] && ORDER+=("$row"); done
log "booting ${#ORDER[@]} kernels, $JOBS at a time (-smp $SMP, boot timeout ${BOOT_TIMEOUT}s, $(boot_timeout armhf)s on armhf/riscv64)"
for row in "${ORDER[@]}"; do rm -f "$LOGDIR/${row%%|*}".{log,rc,time}; done
running=0
for row in "${ORDER[@]}"; do
  if [ $running -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  boot "$row" & running=$((running + 1))
done
wait || true
BOOTS_S=$(since "$TBOOT")

# ---------------------------------------------------------------- report
echo
fail=0
for row in "${SEL[@]}"; do
  IFS="|" read -r name suites flavour darch variant <<<"$row"
  # A variant row says so: "i386 (int80: vdso32=0)" (its kernel words only,
  # not the KEY=VALUE words meant for the tests' environment).
  label=$darch
  if [ -n "$variant" ]; then
    kw=""; for w in $variant; do [[ $w =~ ^[A-Z0-9_]+= ]] || kw+=" $w"; done
    label="$darch (${name#*-*-}:${kw:- -})"
  fi
  python3 "$CI/kresult.py" "$LOGDIR/$name.log" "$(cat "$KDIR/$name/version")" "$label" \
    "$(cat "$LOGDIR/$name.rc" 2>/dev/null || echo 255)" "$(boot_timeout "$darch" "$name")" "$(cat "$LOGDIR/$name.time" 2>/dev/null || echo 0)" \
    "$name" || fail=1
done
# The bench guests' reports (what bench_report printed, between its KINIT lines).
for row in "${SEL[@]}"; do
  IFS="|" read -r name _ _ darch _ <<<"$row"
  is_bench "$name" || continue
  echo
  echo "bench_report on $name ($(cat "$KDIR/$name/version") $darch, qemu-system TCG: emulated times, compare the ratios):"
  tr -d '\r' < "$LOGDIR/$name.log" | sed -n '/^KINIT-BENCH-START/,/^KINIT-BENCH-RESULT/p' | sed '1d; /^$/d; s/^/    /'
done
echo
echo "timing: kernels ${DOWNLOAD_S}s, builds ${BUILD_S}s, boots ${BOOTS_S}s, total $(since "$T0")s;" \
  "per boot: $(for row in "${ORDER[@]}"; do n=${row%%|*}; printf '%s %ss, ' "$n" "$(cat "$LOGDIR/$n.time" 2>/dev/null || echo '?')"; done | sed 's/, $//')"
echo "logs: $LOGDIR"
exit $fail
