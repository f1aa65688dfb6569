//! The three ways a program re-finds a process it named earlier, side by
//! side on one target (pid 1 of a new pid namespace, like the C baseline's):
//!
//! - pidfs handle round trip: pidfd -> `PidfsHandle` -> 16 bytes ->
//!   `PidfsHandle` -> pidfd (and the close), and its two halves
//!   (`name_to_handle_at`, `open_by_handle_at`); plus the same kernel work
//!   through libc's `syscall()`;
//! - the fork-based translation (LXCFS: double fork + setns +
//!   SCM_CREDENTIALS) through `Translator::with_method(Method::Fork)`;
//! - reading `/proc/<pid>/status` (`NSpid:`).
//!
//! Prints same-run medians, fork/pidfs and /proc/pidfs ratios, and pidfs
//! against the C baseline's `handle_roundtrip` when `PIDFS_C_BASELINE` names
//! it.
//! `cargo bench --bench handles`; needs root for the new pid namespace. On
//! kernels without pidfs handles (before 6.14) or under qemu-user the
//! unsupported cases print their errno instead of timing.

use criterion::{Criterion, black_box};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

#[path = "support/mod.rs"]
mod support;

#[repr(C)]
struct LibcFileHandle {
    handle_bytes: u32,
    handle_type: i32,
    f_handle: [u8; 128],
}

/// The same round trip with libc: name_to_handle_at, copy out the 16
/// bytes, copy them back, open_by_handle_at(mount, ...), close. `mount` is
/// FD_PIDFS_ROOT (-10002, as pidfs on 6.17+) or a pidfd (as pidfs and the C baseline
/// before 6.17).
fn libc_round_trip(pidfd: i32, mount: i32) -> Result<OwnedFd, i32> {
    let mut fh = LibcFileHandle {
        handle_bytes: 128,
        handle_type: 0,
        f_handle: [0; 128],
    };
    let mut mnt = 0i32;
    // SAFETY: a 136-byte file_handle with handle_bytes 128, an int mount id.
    let r = unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            pidfd,
            c"".as_ptr(),
            &mut fh,
            &mut mnt,
            libc::AT_EMPTY_PATH,
        )
    };
    if r != 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&fh.handle_bytes.to_le_bytes());
    bytes[4..8].copy_from_slice(&fh.handle_type.to_le_bytes());
    bytes[8..].copy_from_slice(&fh.f_handle[..8]);
    let bytes = black_box(bytes);
    let mut back = LibcFileHandle {
        handle_bytes: 8,
        handle_type: 0xfe,
        f_handle: [0; 128],
    };
    back.f_handle[..8].copy_from_slice(&bytes[8..]);
    // SAFETY: a valid file_handle; FD_PIDFS_ROOT is a kernel sentinel.
    let fd = unsafe { libc::syscall(libc::SYS_open_by_handle_at, mount, &back, libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    // SAFETY: a fresh fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// `FD_PIDFS_ROOT` (6.17+).
const FD_PIDFS_ROOT: i32 = -10002;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let ops = support::Ops::new();
    println!(
        "target pid {} (pid {} in {} pid namespace)",
        ops.t.pid,
        ops.t.pid_in_ns,
        if ops.t.new_pidns {
            "a new"
        } else {
            "the caller's"
        }
    );
    let pidfd = ops.t.pidfd.as_raw_fd();
    let mut g = c.benchmark_group("handles");
    support::bench_ok(&mut g, "pidfs handle round trip", || ops.handle_roundtrip());
    support::bench_ok(&mut g, "pidfs encode (pidfd_to_handle)", || {
        ops.handle_encode()
    });
    support::bench_ok(&mut g, "pidfs decode (pidfd_from_handle)", || {
        ops.handle_decode()
    });
    support::bench_ok(&mut g, "libc handle round trip", || {
        libc_round_trip(pidfd, FD_PIDFS_ROOT)
    });
    support::bench_ok(&mut g, "libc round trip, pidfd as mount", || {
        libc_round_trip(pidfd, pidfd)
    });
    support::bench_ok(&mut g, "/proc/<pid>/status NSpid", || ops.proc_nspid());
    g.bench_function("encode+decode bytes only", |b| {
        let h = pidfs::PidfsHandle::from_id(0x1234_5678_9abc);
        b.iter(|| pidfs::PidfsHandle::from_bytes(&black_box(black_box(h).to_bytes())).ok())
    });
    g.sample_size(10);
    support::bench_ok(&mut g, "fork-based translation", || ops.translate_fork());
    g.finish();

    let grp = "handles";
    let rt = support::try_ns_per_op(grp, "pidfs handle round trip", || ops.handle_roundtrip());
    let enc = support::try_ns_per_op(grp, "pidfs encode", || ops.handle_encode());
    let dec = support::try_ns_per_op(grp, "pidfs decode", || ops.handle_decode());
    let lrt = support::try_ns_per_op(grp, "libc handle round trip", || {
        libc_round_trip(pidfd, FD_PIDFS_ROOT)
    });
    let lpm = support::try_ns_per_op(grp, "libc round trip, pidfd as mount", || {
        libc_round_trip(pidfd, pidfd)
    });
    let proc = support::try_ns_per_op(grp, "/proc status NSpid", || ops.proc_nspid());
    let fork = support::try_ns_per_op(grp, "fork-based translation", || ops.translate_fork());
    support::report_opt(
        grp,
        &[
            ("pidfs handle round trip", rt),
            ("pidfs encode", enc),
            ("pidfs decode", dec),
            ("libc handle round trip", lrt),
            ("libc round trip, pidfd as mount", lpm),
            ("/proc status NSpid", proc),
            ("fork-based translation", fork),
        ],
    );
    let p = ("pidfs handle round trip", rt);
    support::ratio_opt(grp, p, ("fork-based translation", fork));
    support::ratio_opt(grp, p, ("/proc status NSpid", proc));
    support::ratio_opt(grp, p, ("libc handle round trip", lrt));
    support::ratio_opt(grp, p, ("libc round trip, pidfd as mount", lpm));
    support::vs_c_opt(grp, "handle_roundtrip", rt);
    support::vs_c_opt(grp, "proc_nspid", proc);
    support::vs_c_opt(grp, "fork_translate", fork);
    c.final_summary();
}
