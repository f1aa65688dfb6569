//! Signals: `kill`, the signal mask and actions, `rt_sigtimedwait` and
//! `signalfd4`.

use super::fd_arg;
use crate::arch::{self, Arg};
use crate::errno::{Result, decode_int, decode_void};
use crate::fd::{BorrowedFd, OwnedFd};
use crate::raw;

/// `kill(pid, sig)`: `pid > 0` one process, `0` the caller's group, `-1`
/// every process the caller may signal, `< -1` the group `-pid`.
pub(crate) fn kill(pid: i32, sig: i32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall2(arch::__NR_kill, Arg::int(pid), Arg::int(sig)) })
}

/// `rt_sigprocmask(how, set, old, 8)`.
pub(crate) fn sigprocmask(how: u32, set: Option<&u64>, old: Option<&mut u64>) -> Result<()> {
    let s = match set {
        Some(s) => Arg::ptr(s as *const u64),
        None => Arg::null(),
    };
    let o = match old {
        Some(o) => Arg::mut_ptr(o as *mut u64),
        None => Arg::null(),
    };
    // SAFETY: 8-byte kernel sigsets, read from `set` and written to `old`.
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_rt_sigprocmask,
            Arg::uint(how),
            s,
            o,
            Arg::usize(8),
        )
    })
}

/// `rt_sigaction(sig, act, old, 8)`.
pub(crate) fn rt_sigaction(
    sig: i32,
    act: Option<&raw::kernel_sigaction>,
    old: Option<&mut raw::kernel_sigaction>,
) -> Result<()> {
    let a = match act {
        Some(a) => Arg::ptr(a as *const raw::kernel_sigaction),
        None => Arg::null(),
    };
    let o = match old {
        Some(o) => Arg::mut_ptr(o as *mut raw::kernel_sigaction),
        None => Arg::null(),
    };
    // SAFETY: the kernel reads one `kernel_sigaction` from `act` and writes
    // one into `old` (both null or live); the sigset is 8 bytes.
    decode_void(unsafe {
        arch::syscall4(arch::__NR_rt_sigaction, Arg::int(sig), a, o, Arg::usize(8))
    })
}

/// `rt_sigtimedwait(set, info, timeout, 8)` (the time64 variant on i386);
/// returns the signal taken.
pub(crate) fn sigtimedwait(
    set: &u64,
    info: Option<&mut raw::siginfo_t>,
    timeout: Option<&raw::__kernel_timespec>,
) -> Result<i32> {
    let i = match info {
        Some(i) => Arg::mut_ptr(i as *mut raw::siginfo_t),
        None => Arg::null(),
    };
    let t = match timeout {
        Some(t) => Arg::ptr(t as *const raw::__kernel_timespec),
        None => Arg::null(),
    };
    // SAFETY: the kernel reads the 8-byte set and the 64-bit timespec and
    // writes at most one siginfo into `info`.
    decode_int(unsafe {
        arch::syscall4(
            arch::wide::RT_SIGTIMEDWAIT,
            Arg::ptr(set as *const u64),
            i,
            t,
            Arg::usize(8),
        )
    })
}

/// `signalfd4(fd, set, 8, flags)`: `fd` `None` makes a new signalfd.
pub(crate) fn signalfd4(
    fd: Option<BorrowedFd<'_>>,
    set: &u64,
    flags: u32,
) -> Result<Option<OwnedFd>> {
    let f = match fd {
        Some(fd) => fd_arg(fd),
        None => Arg::int(-1),
    };
    let new = fd.is_none();
    // SAFETY: the kernel reads the 8-byte set.
    let r = decode_int(unsafe {
        arch::syscall4(
            arch::__NR_signalfd4,
            f,
            Arg::ptr(set as *const u64),
            Arg::usize(8),
            Arg::uint(flags),
        )
    })?;
    // SAFETY: with fd -1 the return is a fresh descriptor; otherwise it is
    // the caller's own fd, not taken.
    Ok(new.then(|| unsafe { super::owned(r) }))
}
