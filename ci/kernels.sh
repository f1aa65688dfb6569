#!/usr/bin/env bash
# Real-kernel test matrix: boots Debian kernels under qemu-system (TCG) with an
# initramfs whose /init (ci/kinit) runs the crate's test binaries, and reports
# one line per kernel:  kernel <version> <arch>: <N> passed, <M> failed
#
# usage: bash ci/kernels.sh [options] [-- TEST-ARGS...]
#   --only NAMES        comma-separated kernel names or globs (see --list), e.g.
#                       --only amd64-6.1,arm64-*   (an arch name alone also works)
#   --tests-from PATH   test binaries to run instead of the repo's own:
#                       a Cargo.toml (built like the repo) or a directory of
#                       prebuilt static binaries (arch taken from the ELF header)
#   --jobs N            guests booted in parallel (default 2)
#   --smp N             vCPUs per guest (default 2)
#   --test-timeout S    per test binary, inside the guest (default 300)
#   --boot-timeout S    per guest, wall clock (default: derived from the above)
#   --append STR        extra kernel command line words (KEY=VALUE without a
#                       dot reaches the tests' environment)
#   --cargo-arg ARG     extra argument for `cargo test --no-run` (repeatable),
#                       e.g. --cargo-arg --workspace --cargo-arg --release
#   --no-strip          keep the test binaries' debug info (bigger initramfs)
#   --no-compat         do not run the i686 binaries on the amd64 kernels
#   --refresh           re-resolve the "newest" kernels (sid / trixie-backports)
#   --download-only     fetch the kernels and stop
#   --list              print the matrix and stop
#   -- ARGS             passed to every test binary after --test-threads=1
#                       (libtest filters, --nocapture, ...)
#
# Cache: target/kernels/ (or $PIDFS_KERNEL_CACHE): one directory per kernel
# with its vmlinuz; a cached kernel is never looked up again, so a second run
# downloads nothing. The private APT state (target/kernels/apt, deleted once
# the kernels are in) leaves the host's apt untouched. Logs: target/kernels/logs/.
# Exit status: 0 only if every selected kernel booted, ran every binary, and
# no test failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CI=$ROOT/ci
KDIR=${PIDFS_KERNEL_CACHE:-$ROOT/target/kernels}
LOGDIR=$KDIR/logs
BUILD=$KDIR/build

# name  suites(space-separated; several = pick the newest)  flavour  debian-arch
MATRIX=(
  "amd64-5.10|bullseye|amd64|amd64"
  "amd64-6.1|bookworm|amd64|amd64"
  "amd64-6.12|trixie|amd64|amd64"
  "amd64-newest|sid trixie-backports|amd64|amd64"
  "i386-6.1|bookworm|686-pae|i386"
  "arm64-6.1|bookworm|arm64|arm64"
  "arm64-6.12|trixie|arm64|arm64"
  "arm64-newest|sid trixie-backports|arm64|arm64"
)

ONLY="" TESTS_FROM="" JOBS=2 SMP=2 TEST_TIMEOUT=300 BOOT_TIMEOUT="" COMPAT=1
CARGO_ARGS=() STRIP_DEBUG=1 REFRESH=0 DOWNLOAD_ONLY=0 LIST=0 TEST_ARGS=() APPEND_EXTRA=""
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

# ---------------------------------------------------------------- selection
SEL=()
for row in "${MATRIX[@]}"; do
  IFS='|' read -r name suites flavour darch <<<"$row"
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
    IFS='|' read -r name suites flavour darch <<<"$row"
    v=$(cat "$KDIR/$name/version" 2>/dev/null || echo "not cached")
    printf '%-14s %-22s linux-image-%s:%s  (%s)\n' "$name" "$suites" "$flavour" "$darch" "$v"
  done
  exit 0
fi
mkdir -p "$KDIR" "$LOGDIR" "$BUILD"

# ---------------------------------------------------------------- kernels
# A cached kernel is $KDIR/<name>/{vmlinuz,version,package}.
need_apt=()
for row in "${SEL[@]}"; do
  IFS='|' read -r name suites flavour darch <<<"$row"
  if [ -s "$KDIR/$name/vmlinuz" ] && [ -s "$KDIR/$name/version" ] && ! { [ $REFRESH = 1 ] && [[ $suites == *" "* ]]; }; then
    continue
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
  K=$KDIR/apt
  mkdir -p "$K/parts" "$K/prefs" "$K/state/lists/partial" "$K/cache/archives/partial" "$KDIR/dl"
  : > "$K/state/status"
  # i386 only where a 686-pae kernel is wanted (trixie's i386 index is unreliable).
  for s in "bullseye bookworm|amd64 i386 arm64" "trixie trixie-backports sid|amd64 arm64"; do
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nArchitectures: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' \
      "$URI" "${s%|*}" "${s#*|}"
  done > "$K/parts/kernels.sources"
  cat > "$K/apt.conf" <<EOF
Dir::State "$K/state"; Dir::State::status "$K/state/status"; Dir::Cache "$K/cache";
Dir::Etc::sourcelist "/dev/null"; Dir::Etc::sourceparts "$K/parts";
Dir::Etc::preferences "/dev/null"; Dir::Etc::preferencesparts "$K/prefs";
APT::Architecture "amd64"; APT::Architectures { "amd64"; "i386"; "arm64"; };
Acquire::Languages "none"; APT::Sandbox::User "root"; Acquire::Retries "3";
EOF
  export APT_CONFIG=$K/apt.conf
  A=(-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)
  log "apt update (private state in $K, mirror $URI)"
  # A broken index for a suite we do not use must not stop us: check below instead.
  apt-get "${A[@]}" update -q=2 || log "apt-get update reported errors (continuing)"

  field() { # field PKG:ARCH/SUITE FIELD
    apt-cache "${A[@]}" show "$1" 2>/dev/null | awk -v f="$2:" '$1==f{ $1=""; sub(/^ /,""); print; exit }'; }
  depname() { # depname PKG:ARCH/SUITE PREFIX -> first dependency starting with PREFIX
    field "$1" Depends | tr ',|' '\n\n' | awk '{print $1}' | grep -m1 "^$2" || true; }

  DL=()      # "name|suite|pkg:arch/suite|version"
  for row in "${need_apt[@]}"; do
    IFS='|' read -r name suites flavour darch <<<"$row"
    best="" bestv=""
    for s in $suites; do
      v=$(field "linux-image-$flavour:$darch/$s" Version)
      [ -n "$v" ] || { log "$name: no linux-image-$flavour:$darch in $s"; continue; }
      if [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; then best=$s bestv=$v; fi
    done
    [ -n "$best" ] || { log "$name: no kernel found in: $suites"; exit 1; }
    img=$(depname "linux-image-$flavour:$darch/$best" 'linux-image-[0-9]')
    [ -n "$img" ] || { log "$name: linux-image-$flavour/$best has no linux-image-<abi> dependency"; exit 1; }
    # 7.x: linux-image-<abi> is a meta package; the kernel is in linux-binary-<abi>.
    bin=$(depname "$img:$darch/$best" 'linux-binary-[0-9]')
    pkg=${bin:-$img}
    ver=$(field "$pkg:$darch/$best" Version)
    if [ -s "$KDIR/$name/vmlinuz" ] && [ "$(cat "$KDIR/$name/package" 2>/dev/null)" = "$pkg $ver" ]; then
      log "$name: cached $pkg $ver is still the newest"; continue
    fi
    DL+=("$name|$best|$pkg:$darch/$best|$ver")
  done

  if [ ${#DL[@]} -gt 0 ]; then
    dldir=$(mktemp -d "$KDIR/dl/XXXXXX")
    specs=(); for d in "${DL[@]}"; do IFS='|' read -r _ _ spec _ <<<"$d"; specs+=("$spec"); done
    log "downloading ${specs[*]}"
    ok=0
    for try in 1 2 3; do
      if (cd "$dldir" && apt-get "${A[@]}" download -q=2 "${specs[@]}"); then ok=1; break; fi
      log "download failed (try $try)"; sleep 3
    done
    [ $ok = 1 ] || { log "could not download the kernels"; exit 1; }
    pids=()
    for d in "${DL[@]}"; do
      IFS='|' read -r name suite spec ver <<<"$d"
      pkg=${spec%%:*}
      (
        deb=$(ls "$dldir/${pkg}_"*.deb | head -n1)
        x=$dldir/x-$name; mkdir -p "$x"
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards '*vmlinuz*' '*/config-*' '*/modules/*/config' 2>/dev/null || \
          dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards '*vmlinuz*'
        vmlinuz=$(find "$x" -type f -name 'vmlinuz*' | head -n1)
        [ -n "$vmlinuz" ] || { log "$name: no vmlinuz in $deb"; exit 1; }
        mkdir -p "$KDIR/$name"
        cp "$vmlinuz" "$KDIR/$name/vmlinuz.tmp" && mv "$KDIR/$name/vmlinuz.tmp" "$KDIR/$name/vmlinuz"
        cfg=$(find "$x" -type f \( -name 'config-*' -o -name config \) | head -n1); [ -z "$cfg" ] || cp "$cfg" "$KDIR/$name/config"
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
  unset APT_CONFIG
  # The indexes (~650 MB) are only needed to resolve names: drop them.
  rm -rf "$K"
fi
DOWNLOAD_S=$(since "$TD")
log "kernels ready in ${DOWNLOAD_S}s"
[ $DOWNLOAD_ONLY = 1 ] && exit 0

# ---------------------------------------------------------------- builds
TB=$(now)
# Tools: qemu-system from bookworm-backports (as ci/setup.sh takes qemu-user) and the musl targets.
need_qemu=()
for row in "${SEL[@]}"; do
  case ${row##*|} in
    amd64) q=qemu-system-x86_64 ;; i386) q=qemu-system-i386 ;; arm64) q=qemu-system-aarch64 ;;
  esac
  command -v "$q" >/dev/null || need_qemu+=("$q")
done
if [ ${#need_qemu[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || [ -n "${PIDFS_NO_INSTALL:-}" ] || ! command -v apt-get >/dev/null; then
    log "missing ${need_qemu[*]}: install qemu-system-x86 and qemu-system-arm from bookworm-backports"; exit 1
  fi
  log "installing qemu-system-x86 qemu-system-arm from bookworm-backports (missing ${need_qemu[*]})"
  if [ ! -e /etc/apt/sources.list.d/backports.sources ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d; then
    URI=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- -security | head -n1 | awk '{print $2}')
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$URI" > /etc/apt/sources.list.d/backports.sources
  fi
  apt-get update -q=2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q=2 -t bookworm-backports \
    --no-install-recommends qemu-system-x86 qemu-system-arm >&2 || { log "qemu install failed"; exit 1; }
fi
declare -A NEED_T=()   # rust triples needed
for row in "${SEL[@]}"; do
  IFS='|' read -r name suites flavour darch <<<"$row"
  case $darch in
    amd64) NEED_T[x86_64]=1; [ $COMPAT = 1 ] && NEED_T[i686]=1 ;;
    i386) NEED_T[i686]=1 ;;
    arm64) NEED_T[aarch64]=1 ;;
  esac
done
installed=$(rustup target list --installed 2>/dev/null || true)
for a in "${!NEED_T[@]}"; do
  if [ -n "$installed" ] && ! grep -qx "$a-unknown-linux-musl" <<<"$installed"; then
    log "rustup target add $a-unknown-linux-musl"; rustup target add "$a-unknown-linux-musl" >&2
  fi
done
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER:-rust-lld}
# criterion >= 0.8 compiles a little C for i686 musl: gcc -m32 serves.
export CC_i686_unknown_linux_musl=${CC_i686_unknown_linux_musl:-gcc}
export CFLAGS_i686_unknown_linux_musl=${CFLAGS_i686_unknown_linux_musl:--m32}

for a in "${!NEED_T[@]}"; do
  log "building kinit for $a"
  CARGO_TARGET_DIR=$BUILD/kinit cargo build -q --release --locked --target "$a-unknown-linux-musl" \
    --manifest-path "$CI/kinit/Cargo.toml" 2>"$LOGDIR/build-kinit-$a.log" || \
  CARGO_TARGET_DIR=$BUILD/kinit cargo build -q --release --target "$a-unknown-linux-musl" \
    --manifest-path "$CI/kinit/Cargo.toml" 2>"$LOGDIR/build-kinit-$a.log" || {
    tail -n 30 "$LOGDIR/build-kinit-$a.log" >&2; log "kinit build failed for $a"; exit 1; }
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
    mach=$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')
    case $mach in 62) a=x86_64 ;; 3) a=i686 ;; 183) a=aarch64 ;; *) continue ;; esac
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
    log "cargo test --no-run --target $a-unknown-linux-musl ($manifest)"
    # .cargo/config.toml adds `--cfg qemu` to aarch64 builds (they run under
    # qemu-user there); in the matrix they run on a real arm64 kernel, so
    # build them without it, in a target dir of their own.
    envs=()
    if [ "$a" = aarch64 ]; then envs=(RUSTFLAGS= CARGO_TARGET_DIR="$BUILD/cargo-native-aarch64"); fi
    if ! (cd "$(dirname "$manifest")" && env ${envs[@]+"${envs[@]}"} cargo test --no-run --target "$a-unknown-linux-musl" \
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
stage() { # stage TRIPLE: copy (stripped) binaries to $BUILD/stage/TRIPLE, rewrite the lists
  local a=$1 dir=$BUILD/stage/$1 n p i=0
  rm -rf "$dir"; mkdir -p "$dir/bins"
  while IFS='=' read -r n p; do
    [ -n "$n" ] || continue
    "${STRIP[@]:-false}" "$p" "$dir/$n" 2>/dev/null || cp "$p" "$dir/$n"
    echo "$n=$dir/$n"
  done < "$BUILD/$a.tests" > "$BUILD/$a.tests.staged"
  while IFS='=' read -r n p; do
    [ -n "$n" ] || continue; i=$((i + 1))
    "${STRIP[@]:-false}" "$p" "$dir/bins/$i" 2>/dev/null || cp "$p" "$dir/bins/$i"
    echo "$n=$dir/bins/$i"
  done < "$BUILD/$a.bins" > "$BUILD/$a.bins.staged"
  mv "$BUILD/$a.tests.staged" "$BUILD/$a.tests"; mv "$BUILD/$a.bins.staged" "$BUILD/$a.bins"
}
for a in "${!NEED_T[@]}"; do stage "$a"; done
[ ${#STRIP[@]} -gt 0 ] || [ $STRIP_DEBUG = 0 ] || log "no objcopy found: test binaries keep their debug info"

declare -A INITRD=()
mk() { # mk ARCH-KEY INIT-TRIPLE TRIPLE [COMPAT-TRIPLE]
  local key=$1 init=$2 main=$3 compat=${4:-} args=()
  while IFS='=' read -r n p; do [ -n "$n" ] && args+=("tests/$n=$p"); done < "$BUILD/$main.tests"
  while IFS='=' read -r d p; do [ -n "$d" ] && args+=("$d=$p"); done < "$BUILD/$main.bins"
  if [ -n "$compat" ]; then
    while IFS='=' read -r n p; do [ -n "$n" ] && args+=("tests32/$n=$p"); done < "$BUILD/$compat.tests"
    while IFS='=' read -r d p; do [ -n "$d" ] && args+=("$d=$p"); done < "$BUILD/$compat.bins"
  fi
  if [ "$(wc -l < "$BUILD/$main.tests")" = 0 ]; then log "no test binaries for $main"; exit 1; fi
  python3 "$CI/mkinitramfs.py" "$BUILD/$key.cpio.gz" "$BUILD/kinit/$init-unknown-linux-musl/release/kinit" "${args[@]}"
  INITRD[$key]=$BUILD/$key.cpio.gz
  log "  initramfs $key: $(du -h "$BUILD/$key.cpio.gz" | cut -f1)"
}
for row in "${SEL[@]}"; do
  IFS='|' read -r name suites flavour darch <<<"$row"
  case $darch in
    amd64) [ -n "${INITRD[amd64]:-}" ] || if [ $COMPAT = 1 ]; then mk amd64 x86_64 x86_64 i686; else mk amd64 x86_64 x86_64; fi ;;
    i386) [ -n "${INITRD[i386]:-}" ] || mk i386 i686 i686 ;;
    arm64) [ -n "${INITRD[arm64]:-}" ] || mk arm64 aarch64 aarch64 ;;
  esac
done
BUILD_S=$(since "$TB")
log "builds done in ${BUILD_S}s"

# ---------------------------------------------------------------- boots
if [ -z "$BOOT_TIMEOUT" ]; then
  # Room for one binary to hit its timeout, plus 30 s per binary (a few
# seconds each under TCG is the norm).
  n=$(cat "$BUILD"/*.tests 2>/dev/null | wc -l)
  BOOT_TIMEOUT=$(( 120 + TEST_TIMEOUT + n * 30 ))
  [ $BOOT_TIMEOUT -le 1200 ] || BOOT_TIMEOUT=1200
fi
APPEND_COMMON="quiet panic=-1 KINIT_TIMEOUT=$TEST_TIMEOUT${APPEND_EXTRA:+ $APPEND_EXTRA}"
if [ ${#TEST_ARGS[@]} -gt 0 ]; then APPEND_COMMON+=" -- ${TEST_ARGS[*]}"; fi
Q=(-m 1024 -smp "$SMP" -nographic -no-reboot -nic none)

boot() { # boot ROW
  local name suites flavour darch
  IFS='|' read -r name suites flavour darch <<<"$1"
  local logf=$LOGDIR/$name.log k=$KDIR/$name/vmlinuz cmd
  case $darch in
    amd64) cmd=(qemu-system-x86_64 -accel tcg -cpu max -M q35 "${Q[@]}" -kernel "$k" -initrd "${INITRD[amd64]}"
                -append "console=ttyS0 $APPEND_COMMON") ;;
    i386)  cmd=(qemu-system-i386 -accel tcg -cpu max -M q35 "${Q[@]}" -kernel "$k" -initrd "${INITRD[i386]}"
                -append "console=ttyS0 $APPEND_COMMON") ;;
    arm64) cmd=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on "${Q[@]}" -kernel "$k" -initrd "${INITRD[arm64]}"
                -append "console=ttyAMA0 $APPEND_COMMON") ;;
  esac
  local t0 rc=0; t0=$(now)
  printf '%q ' "${cmd[@]}" > "$LOGDIR/$name.cmd"
  timeout -k 10 "$BOOT_TIMEOUT" "${cmd[@]}" </dev/null >"$logf" 2>&1 || rc=$?
  echo "$rc" > "$LOGDIR/$name.rc"
  since "$t0" > "$LOGDIR/$name.time"
  log "  $name finished in $(cat "$LOGDIR/$name.time")s (qemu rc=$rc)"
}

TBOOT=$(now)
# Interrupted: stop our own guests (and only them).
trap 'trap - INT TERM; kill $(jobs -p) 2>/dev/null; exit 130' INT TERM
# amd64 guests carry the most work (x86_64 + i686 binaries): start them first.
ORDER=()
for row in "${SEL[@]}"; do [[ $row == *"|amd64" ]] && ORDER+=("$row"); done
for row in "${SEL[@]}"; do [[ $row == *"|amd64" ]] || ORDER+=("$row"); done
log "booting ${#ORDER[@]} kernels, $JOBS at a time (-smp $SMP, boot timeout ${BOOT_TIMEOUT}s)"
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
  IFS='|' read -r name suites flavour darch <<<"$row"
  python3 "$CI/kresult.py" "$LOGDIR/$name.log" "$(cat "$KDIR/$name/version")" "$darch" \
    "$(cat "$LOGDIR/$name.rc" 2>/dev/null || echo 255)" "$BOOT_TIMEOUT" "$(cat "$LOGDIR/$name.time" 2>/dev/null || echo 0)" \
    "$name" || fail=1
done
echo
echo "timing: kernels ${DOWNLOAD_S}s, builds ${BUILD_S}s, boots ${BOOTS_S}s, total $(since "$T0")s;" \
  "per boot: $(for row in "${ORDER[@]}"; do n=${row%%|*}; printf '%s %ss, ' "$n" "$(cat "$LOGDIR/$n.time" 2>/dev/null || echo '?')"; done | sed 's/, $//')"
echo "logs: $LOGDIR"
exit $fail
