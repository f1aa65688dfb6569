#!/usr/bin/env bash
# A downstream crate, written fresh under target/downstream with only
# `pidfs = { path = ... }` (no libc), that does what a user of the std
# bridge does: spawn `sleep` by name with stdout piped, get a PidFd from a
# std::process::Child, wait with `?` in a function returning
# std::io::Result, print a WaitStatus. Built and run for x86_64 (glibc) and
# i686 (static musl, rust-lld); fails if libc is in its dependency tree or
# the program's checks fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
w=$root/target/downstream
rm -rf "$w"; mkdir -p "$w/src" "$w/.cargo"
cat > "$w/Cargo.toml" <<TOML
[package]
name = "pidfs-downstream"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
pidfs = { path = "$root" }
TOML
# Its own linker settings (it must not depend on the repository's).
cat > "$w/.cargo/config.toml" <<'TOML'
[target.i686-unknown-linux-musl]
linker = "rust-lld"
TOML
cat > "$w/src/main.rs" <<'RS'
//! What the README promises a std user, with nothing but pidfs.
use pidfs::{Command, PidFd, Stdio, WaitStatus};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;

fn main() -> std::io::Result<()> {
    // `sleep` by name (PATH lookup), stdout piped.
    let mut child = Command::new("sleep")
        .arg("0.2")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut out = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut out)?;
    // `?` on pidfs's Errno in an io::Result function.
    let status: WaitStatus = child.wait()?;
    println!("sleep 0.2 (pid {}): {status}; stdout {out:?}", child.pid);
    assert_eq!(status, WaitStatus::Exited(0));

    // A PidFd from a std::process::Child, signalled through the pidfd.
    let mut std_child = std::process::Command::new("sleep").arg("60").spawn()?;
    let pidfd = PidFd::try_from(&std_child)?;
    pidfd.kill(pidfs::signal_from_name("TERM").expect("TERM"))?;
    let st = std_child.wait()?;
    println!("std child {}: {st}, signalled through its pidfd", std_child.id());
    assert_eq!(st.signal(), Some(15));
    let ours: WaitStatus = st.try_into().expect("a wait status");
    println!("as a WaitStatus: {ours}");

    // A missing program is an io::Error carrying the errno.
    let e = Command::new("pidfs-no-such-program").spawn().unwrap_err();
    println!("missing program: {e}");
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    Ok(())
}
RS
cd "$w"
if cargo tree -q -e normal | grep -q '\blibc\b'; then
  echo "downstream: libc is in the dependency tree:" >&2; cargo tree -e normal >&2; exit 1
fi
for t in x86_64-unknown-linux-gnu i686-unknown-linux-musl; do
  echo "== $t"
  cargo build -q --target "$t"
  "target/$t/debug/pidfs-downstream"
done
echo "downstream: ok"
