#!/usr/bin/env bash
# Two copies of pidfs in one i686 program: the crate itself and a renamed
# copy of it (package `pidfs-copy`), both calling the raw i386 entry
# (vDSO and int 0x80). The int 0x80 stub is a naked Rust function, whose
# symbol is mangled per crate, so the link succeeds; a global asm symbol
# would fail with `duplicate symbol`. Builds a static i686 binary with
# rust-lld, runs it natively and checks its output.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
w=$root/target/two-copies
rm -rf "$w"; mkdir -p "$w/copy" "$w/app/src"
cp -r src arch LICENSE-MIT LICENSE-APACHE README.md "$w/copy/"
# The copy: same sources, another package name, no dev-dependencies.
awk '
  /^\[workspace\]/ { skip = 1; next }
  /^\[/ { skip = ($0 ~ /dev-dependencies|^\[\[(test|bench|example)\]\]|^\[profile/) }
  skip { next }
  { sub(/^name = "pidfs"$/, "name = \"pidfs-copy\""); print }
' Cargo.toml > "$w/copy/Cargo.toml"
cat > "$w/app/Cargo.toml" <<TOML
[package]
name = "two-copies"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
pidfs = { path = "$root", default-features = false }
pidfs_copy = { package = "pidfs-copy", path = "$w/copy", default-features = false }
TOML
cat > "$w/app/src/main.rs" <<'RS'
//! Links two copies of pidfs and makes each enter the kernel both ways.
fn main() {
    let a = pidfs::getpid();
    let b = pidfs_copy::getpid();
    let (ia, ib) = (pidfs::i386::getpid_int80(), pidfs_copy::i386::getpid_int80());
    assert_eq!((a, b, ia, ib), (a, a, a, a), "both copies see one pid through both entries");
    assert_eq!(pidfs::i386::uses_vdso(), pidfs_copy::i386::uses_vdso());
    println!("two copies of pidfs linked: pid {a} from both, vDSO {}", pidfs::i386::uses_vdso());
}
RS
t=i686-unknown-linux-musl
cargo build -q --release --manifest-path "$w/app/Cargo.toml" --target "$t" \
  --config "target.$t.linker=\"rust-lld\"" --target-dir "$w/target"
bin=$w/target/$t/release/two-copies
file "$bin" | grep -q 'statically linked' || { file "$bin"; echo "not static" >&2; exit 1; }
n=$(nm "$bin" | grep -ci 'int80_stub' || true)
[ "$n" -ge 2 ] || { echo "expected one int 0x80 stub per copy, found $n" >&2; exit 1; }
"$bin"
