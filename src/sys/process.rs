//! Processes: ids, `kill`, `exit_group`, the fork-like `clone3`/`clone`
//! forms, `execve`, `waitid`/`wait4`, signal masks and actions, `prctl`,
//! `unshare`/`setns`, and the pidfd calls.

use super::{fd_arg, fd_ret};
use crate::arch::{self, Arg};
use crate::errno::{Errno, Result, decode, decode_int, decode_void};
use crate::fd::{BorrowedFd, OwnedFd, RawFd};
use crate::raw;
use core::ffi::CStr;

pub(crate) fn getpid() -> i32 {
    // SAFETY: no arguments, no memory.
    unsafe { arch::syscall0(arch::__NR_getpid).0 as i32 }
}

pub(crate) fn gettid() -> i32 {
    // SAFETY: no arguments, no memory.
    unsafe { arch::syscall0(arch::__NR_gettid).0 as i32 }
}

pub(crate) fn getppid() -> i32 {
    // SAFETY: no arguments, no memory.
    unsafe { arch::syscall0(arch::__NR_getppid).0 as i32 }
}

pub(crate) fn getuid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETUID).0 as u32 }
}

pub(crate) fn getgid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETGID).0 as u32 }
}

pub(crate) fn geteuid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETEUID).0 as u32 }
}

pub(crate) fn getegid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETEGID).0 as u32 }
}

/// `exit_group(code)`: ends every thread of the process; never returns
/// (if a seccomp filter refused it, the process traps).
pub(crate) fn exit_group(code: i32) -> ! {
    // SAFETY: ending the process is always sound; exit_group does not return.
    unsafe { arch::syscall1_noreturn(arch::__NR_exit_group, Arg::int(code)) }
}

/// What a fork-like clone returned in this process.
pub(crate) enum Cloned {
    /// In the new child.
    Child,
    /// In the caller: the child's pid and the pidfd the kernel made with it.
    Parent { pid: i32, pidfd: OwnedFd },
}

/// `clone3({flags | CLONE_PIDFD, exit_signal: SIGCHLD, set_tid})` in
/// fork-like form: the 64-byte VER0 `clone_args`, or the 80-byte VER1 one
/// when `set_tid` is not empty.
///
/// # Safety
/// `flags` must be fork-like: no `CLONE_VM`, `CLONE_THREAD`,
/// `CLONE_SETTLS` or tid pointers, so the child resumes on a copy of the
/// caller's stack. In the child only async-signal-safe work may follow when
/// the parent has other threads.
pub(crate) unsafe fn clone3_pidfd(flags: u64, set_tid: &[i32]) -> Result<Cloned> {
    let mut pidfd: i32 = -1;
    let pidfd_ptr: *mut i32 = &mut pidfd;
    let mut args = raw::clone_args {
        flags: flags | raw::CLONE_PIDFD,
        pidfd: pidfd_ptr.expose_provenance() as u64,
        exit_signal: raw::SIGCHLD as u64,
        ..raw::clone_args::default()
    };
    let size = if set_tid.is_empty() {
        raw::CLONE_ARGS_SIZE_VER0
    } else {
        args.set_tid = set_tid.as_ptr().expose_provenance() as u64;
        args.set_tid_size = set_tid.len() as u64;
        raw::CLONE_ARGS_SIZE_VER1
    };
    // SAFETY: fork-like flags (the caller's promise); `args` is a live
    // clone_args of `size` bytes; the kernel writes one int to `pidfd`
    // (exposed above) and reads `set_tid`, borrowed across the call.
    let pid = decode_int(unsafe {
        arch::syscall2(
            arch::__NR_clone3,
            Arg::mut_ptr(&mut args as *mut raw::clone_args),
            Arg::usize(size),
        )
    })?;
    // SAFETY: `pidfd_ptr` points at the live local the kernel wrote.
    let pidfd = unsafe { core::ptr::read_volatile(pidfd_ptr) };
    // SAFETY: in the parent, CLONE_PIDFD wrote a fresh pidfd for the child.
    Ok(unsafe { cloned(pid, pidfd) })
}

/// `clone3(NULL-args, 0)`: `ENOSYS` where `clone3` does not exist (before
/// 5.3, qemu-user, some seccomp profiles), `EINVAL` (size below VER0)
/// where it does. Creates nothing.
pub(crate) fn clone3_probe() -> Result<()> {
    let mut args = raw::clone_args::default();
    // SAFETY: size 0 is below CLONE_ARGS_SIZE_VER0: the kernel answers
    // EINVAL without reading `args` or creating a process.
    decode_void(unsafe {
        arch::syscall2(
            arch::__NR_clone3,
            Arg::mut_ptr(&mut args as *mut raw::clone_args),
            Arg::usize(0),
        )
    })
}

/// Legacy `clone(flags | CLONE_PIDFD | SIGCHLD, 0, &pidfd, ...)` in
/// fork-like form: the pidfd comes back through `parent_tid`.
///
/// # Safety
/// As [`clone3_pidfd`]: fork-like flags only.
pub(crate) unsafe fn clone_pidfd(flags: u64) -> Result<Cloned> {
    let mut pidfd: i32 = -1;
    let f = flags | raw::CLONE_PIDFD | raw::SIGCHLD as u64;
    // Argument order: x86_64 and riscv64 (flags, stack, parent_tid,
    // child_tid, tls); i386, ARM and aarch64 (flags, stack, parent_tid, tls,
    // child_tid). parent_tid is third everywhere and the last two are null
    // here.
    // SAFETY: fork-like flags (caller); the kernel writes one int at `pidfd`.
    let pid = decode_int(unsafe {
        arch::syscall5(
            arch::__NR_clone,
            Arg::usize(f as usize),
            Arg::null(),
            Arg::mut_ptr(&mut pidfd as *mut i32),
            Arg::null(),
            Arg::null(),
        )
    })?;
    // SAFETY: in the parent, CLONE_PIDFD wrote a fresh pidfd for the child.
    Ok(unsafe { cloned(pid, pidfd) })
}

/// # Safety
/// In the parent (`pid != 0`), `pidfd` is the fresh pidfd the clone made.
unsafe fn cloned(pid: i32, pidfd: i32) -> Cloned {
    if pid == 0 {
        Cloned::Child
    } else {
        Cloned::Parent {
            pid,
            // SAFETY: the caller's promise.
            pidfd: unsafe { super::owned(pidfd) },
        }
    }
}

/// Legacy `clone(SIGCHLD, 0, ...)`: a plain `fork()`, with no pidfd and
/// no `CLONE_*` flags, so it also works under qemu-user (which rejects
/// `clone3` and most clone flags). Returns 0 in the child.
///
/// # Safety
/// The child resumes on a copy of the caller's stack with only the calling
/// thread; when the caller has other threads, the child may run only
/// async-signal-safe code (raw syscalls, no locks, no allocation) until it
/// exits.
pub(crate) unsafe fn fork_sigchld() -> Result<i32> {
    // SAFETY: fork-like clone (no CLONE_VM, no new stack, no TLS, no tid
    // pointers): the kernel writes no user memory; the caller accepts the
    // fork contract above.
    decode_int(unsafe {
        arch::syscall5(
            arch::__NR_clone,
            Arg::usize(raw::SIGCHLD as usize),
            Arg::null(),
            Arg::null(),
            Arg::null(),
            Arg::null(),
        )
    })
}

/// `execve(path, argv, envp)`; returns only on failure.
///
/// # Safety
/// `argv` and `envp` must be NULL-terminated arrays of pointers to
/// NUL-terminated strings, all live across the call.
pub(crate) unsafe fn execve(path: &CStr, argv: *const *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: the caller vouches for the arrays.
    match decode(unsafe {
        arch::syscall3(
            arch::__NR_execve,
            Arg::ptr(path.as_ptr()),
            Arg::ptr(argv),
            Arg::ptr(envp),
        )
    }) {
        Err(e) => e,
        Ok(_) => Errno::EINVAL,
    }
}

/// `waitid(idtype, id, &info, options, NULL)`.
pub(crate) fn waitid(idtype: u32, id: i32, info: &mut raw::siginfo_t, options: u32) -> Result<()> {
    // SAFETY: the kernel writes one siginfo_t into `info`; rusage is NULL.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_waitid,
            Arg::uint(idtype),
            Arg::int(id),
            Arg::mut_ptr(info as *mut raw::siginfo_t),
            Arg::uint(options),
            Arg::null(),
        )
    })
}

/// `prctl(PR_SET_PDEATHSIG, sig)`: the signal this process gets when the
/// thread that created it exits.
pub(crate) fn prctl_set_pdeathsig(sig: i32) -> Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number by value.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_prctl,
            Arg::uint(raw::PR_SET_PDEATHSIG),
            Arg::usize(sig as u32 as usize),
            Arg::usize(0),
            Arg::usize(0),
            Arg::usize(0),
        )
    })
}

pub(crate) fn setns(fd: BorrowedFd<'_>, nstype: u32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall2(arch::__NR_setns, fd_arg(fd), Arg::uint(nstype)) })
}

pub(crate) fn pidfd_open(pid: i32, flags: u32) -> Result<OwnedFd> {
    // SAFETY: no user memory.
    fd_ret(unsafe { arch::syscall2(arch::__NR_pidfd_open, Arg::int(pid), Arg::uint(flags)) })
}

/// `pidfd_send_signal(pidfd, sig, info, flags)`; `pidfd` may be a sentinel.
pub(crate) fn pidfd_send_signal(
    pidfd: BorrowedFd<'_>,
    sig: i32,
    info: Option<&raw::siginfo_t>,
    flags: u32,
) -> Result<()> {
    let info = match info {
        Some(i) => Arg::ptr(i as *const raw::siginfo_t),
        None => Arg::null(),
    };
    // SAFETY: `info` is null or a live 128-byte siginfo the kernel only reads.
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_pidfd_send_signal,
            fd_arg(pidfd),
            Arg::int(sig),
            info,
            Arg::uint(flags),
        )
    })
}

/// `pidfd_getfd(pidfd, targetfd, flags)`: `targetfd` is a number in the
/// *target's* fd table, so it is a plain integer here.
pub(crate) fn pidfd_getfd(pidfd: BorrowedFd<'_>, targetfd: RawFd, flags: u32) -> Result<OwnedFd> {
    // SAFETY: no user memory.
    fd_ret(unsafe {
        arch::syscall3(
            arch::__NR_pidfd_getfd,
            fd_arg(pidfd),
            Arg::int(targetfd),
            Arg::uint(flags),
        )
    })
}

/// `setsid()`: the new session id.
pub(crate) fn setsid() -> Result<i32> {
    // SAFETY: no arguments, no memory.
    decode_int(unsafe { arch::syscall0(arch::__NR_setsid) })
}

/// `setpgid(pid, pgid)`.
pub(crate) fn setpgid(pid: i32, pgid: i32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall2(arch::__NR_setpgid, Arg::int(pid), Arg::int(pgid)) })
}

/// `prctl(PR_SET_CHILD_SUBREAPER, on)`.
pub(crate) fn prctl_set_child_subreaper(on: bool) -> Result<()> {
    // SAFETY: PR_SET_CHILD_SUBREAPER takes its flag by value.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_prctl,
            Arg::uint(raw::PR_SET_CHILD_SUBREAPER),
            Arg::usize(usize::from(on)),
            Arg::usize(0),
            Arg::usize(0),
            Arg::usize(0),
        )
    })
}

/// `prctl(PR_GET_CHILD_SUBREAPER, &int)`.
pub(crate) fn prctl_get_child_subreaper() -> Result<bool> {
    let mut v: i32 = 0;
    // SAFETY: the kernel writes one int at `v`.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_prctl,
            Arg::uint(raw::PR_GET_CHILD_SUBREAPER),
            Arg::mut_ptr(&mut v as *mut i32),
            Arg::usize(0),
            Arg::usize(0),
            Arg::usize(0),
        )
    })?;
    Ok(v != 0)
}

/// `prctl(PR_SET_NAME | PR_GET_NAME, buf)`: the kernel reads or writes at
/// most 16 bytes.
pub(crate) fn prctl_name(option: u32, buf: &mut [u8; 16]) -> Result<()> {
    // SAFETY: a live 16-byte buffer, NUL-terminated by the caller for SET.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_prctl,
            Arg::uint(option),
            Arg::mut_ptr(buf.as_mut_ptr()),
            Arg::usize(0),
            Arg::usize(0),
            Arg::usize(0),
        )
    })
}

/// `reboot(MAGIC1, MAGIC2, cmd, NULL)`.
pub(crate) fn reboot(cmd: u32) -> Result<()> {
    // SAFETY: no user memory for the commands the callers pass (no
    // RESTART2 string).
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_reboot,
            Arg::uint(raw::LINUX_REBOOT_MAGIC1),
            Arg::uint(raw::LINUX_REBOOT_MAGIC2),
            Arg::uint(cmd),
            Arg::null(),
        )
    })
}

/// `sync()`.
pub(crate) fn sync() {
    // SAFETY: no arguments; sync cannot fail.
    let _ = unsafe { arch::syscall0(arch::__NR_sync) };
}

/// `execveat(dirfd, path, argv, envp, flags)`; returns only on failure.
///
/// # Safety
/// As [`execve`]: `argv` and `envp` are NULL-terminated arrays of pointers
/// to NUL-terminated strings, all live across the call.
pub(crate) unsafe fn execveat(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    argv: *const *const u8,
    envp: *const *const u8,
    flags: u32,
) -> Errno {
    // SAFETY: the caller vouches for the arrays.
    match decode(unsafe {
        arch::syscall5(
            arch::__NR_execveat,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::ptr(argv),
            Arg::ptr(envp),
            Arg::uint(flags),
        )
    }) {
        Err(e) => e,
        Ok(_) => Errno::EINVAL,
    }
}

/// `setgroups(n, list)`: the supplementary groups (32-bit ids; `setgroups32`
/// on i386).
pub(crate) fn setgroups(groups: &[u32]) -> Result<()> {
    // SAFETY: the kernel reads `groups.len()` u32s from `groups`.
    decode_void(unsafe {
        arch::syscall2(
            arch::wide::SETGROUPS,
            Arg::usize(groups.len()),
            Arg::ptr(groups.as_ptr()),
        )
    })
}

/// `setgid(gid)` (`setgid32` on i386).
pub(crate) fn setgid(gid: u32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall1(arch::wide::SETGID, Arg::uint(gid)) })
}

/// `setuid(uid)` (`setuid32` on i386).
pub(crate) fn setuid(uid: u32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall1(arch::wide::SETUID, Arg::uint(uid)) })
}

/// `prlimit64(0, resource, &new, NULL)`: sets the caller's limit.
pub(crate) fn setrlimit(resource: u32, new: &raw::rlimit64) -> Result<()> {
    // SAFETY: the kernel reads one rlimit64 from `new`; `old` is NULL.
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_prlimit64,
            Arg::int(0),
            Arg::uint(resource),
            Arg::ptr(new as *const raw::rlimit64),
            Arg::null(),
        )
    })
}
