//! getpid through pidfs's raw entry vs `sc::syscall!` (x86_64/aarch64) vs
//! `libc::syscall` vs `libc::getpid`, measured in the same run; on i686
//! both entry paths (vDSO `__kernel_vsyscall` and `int 0x80`). Prints the
//! baseline/pidfs ratios and, with `PIDFS_C_BASELINE` set, pidfs against the
//! C baseline's raw `syscall(SYS_getpid)`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "support/mod.rs"]
mod support;

fn raw_getpid() {
    black_box(pidfs::getpid());
}
fn libc_syscall_getpid() {
    // SAFETY: getpid takes no arguments.
    black_box(unsafe { libc::syscall(libc::SYS_getpid) });
}
fn libc_getpid() {
    // SAFETY: plain libc call.
    black_box(unsafe { libc::getpid() });
}
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn sc_getpid() {
    // SAFETY: getpid takes no arguments.
    black_box(unsafe { sc::syscall!(GETPID) });
}
#[cfg(target_arch = "x86")]
fn int80_getpid() {
    black_box(pidfs::i386::getpid_int80());
}

fn cases() -> Vec<(&'static str, fn())> {
    let mut v: Vec<(&'static str, fn())> = vec![("pidfs getpid", raw_getpid)];
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    v.push(("sc getpid", sc_getpid));
    v.push(("libc syscall(SYS_getpid)", libc_syscall_getpid));
    v.push(("libc getpid", libc_getpid));
    #[cfg(target_arch = "x86")]
    v.push(("pidfs getpid int 0x80", int80_getpid));
    v
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("syscall");
    for (name, f) in cases() {
        g.bench_function(name, |b| b.iter(f));
    }
    g.finish();

    #[cfg(target_arch = "x86")]
    println!(
        "i386 entry in use: {}",
        if pidfs::i386::uses_vdso() {
            "vDSO __kernel_vsyscall"
        } else {
            "int 0x80"
        }
    );
    let rows: Vec<(&str, f64)> = cases()
        .into_iter()
        .map(|(n, f)| (n, support::ns_per_op(f)))
        .collect();
    support::report("syscall", &rows);
    for row in &rows[1..] {
        support::ratio("syscall", rows[0], *row);
    }
    support::vs_c("syscall", "getpid", rows[0].1);
}

criterion_group!(benches, bench);
criterion_main!(benches);
