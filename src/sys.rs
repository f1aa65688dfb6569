//! The crate's syscall layer: one thin function per syscall, taking typed
//! arguments (fds as `BorrowedFd`, buffers as slices or `&mut` structs) and
//! returning `Result`. Everything above this file is written against these
//! functions; only this file (and `arch/`) issues syscalls.
//!
//! # Safety
//!
//! Each safe function here passes only pointers derived from references
//! that live across the call and sizes that match them, so the kernel reads
//! or writes only memory the caller lent. The few functions whose safety
//! depends on the request (`ioctl_*`, `clone3`, `clone`, `execve`) are
//! `unsafe fn` with a `# Safety` section.
#![allow(unsafe_code)]
#![allow(dead_code)]

use crate::arch::{self, Arg};
use crate::errno::{Errno, Result, decode, decode_int, decode_void};
use crate::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd, owned};
use crate::raw;
use core::ffi::CStr;

#[inline(always)]
fn fd_arg(fd: BorrowedFd<'_>) -> Arg {
    Arg::int(fd.as_raw_fd())
}

#[inline(always)]
fn fd_ret(r: arch::Ret) -> Result<OwnedFd> {
    decode_int(r).map(owned)
}

/// `close(fd)` on a raw number; the result is ignored (never retried).
pub(crate) fn close_raw(fd: RawFd) {
    // SAFETY: closing an fd touches no user memory; the caller owns `fd`.
    let _ = unsafe { arch::syscall1(arch::__NR_close, Arg::int(fd)) };
}

/// `close(fd)` reporting the kernel's answer (used by tests of `EBADF`).
pub(crate) fn close(fd: OwnedFd) -> Result<()> {
    let raw = crate::fd::IntoRawFd::into_raw_fd(fd);
    // SAFETY: as in `close_raw`; ownership was released above.
    decode_void(unsafe { arch::syscall1(arch::__NR_close, Arg::int(raw)) })
}

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

pub(crate) fn openat(dirfd: BorrowedFd<'_>, path: &CStr, flags: u32, mode: u32) -> Result<OwnedFd> {
    // SAFETY: `path` is NUL-terminated and borrowed across the call.
    fd_ret(unsafe {
        arch::syscall4(
            arch::__NR_openat,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::uint(flags | raw::O_LARGEFILE),
            Arg::uint(mode),
        )
    })
}

/// `openat(AT_FDCWD, path, ...)`.
pub(crate) fn open_cwd(path: &CStr, flags: u32, mode: u32) -> Result<OwnedFd> {
    openat(crate::fd_cwd(), path, flags, mode)
}

pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_read,
            fd_arg(fd),
            Arg::mut_ptr(buf.as_mut_ptr()),
            Arg::usize(buf.len()),
        )
    })
}

pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> Result<usize> {
    // SAFETY: the kernel reads at most `buf.len()` bytes from `buf`.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_write,
            fd_arg(fd),
            Arg::ptr(buf.as_ptr()),
            Arg::usize(buf.len()),
        )
    })
}

/// Reads until `buf` is full or EOF; returns the bytes read. EINTR retried.
pub(crate) fn read_full(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read(fd, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Writes all of `buf` (EINTR retried).
pub(crate) fn write_all(fd: BorrowedFd<'_>, mut buf: &[u8]) -> Result<()> {
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(k) => buf = &buf[k..],
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub(crate) fn pipe2(flags: u32) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two ints into `fds`.
    decode_void(unsafe {
        arch::syscall2(
            arch::__NR_pipe2,
            Arg::mut_ptr(fds.as_mut_ptr()),
            Arg::uint(flags),
        )
    })?;
    Ok((owned(fds[0]), owned(fds[1])))
}

/// `fcntl(fd, cmd, arg)` for the integer-argument commands.
pub(crate) fn fcntl_int(fd: BorrowedFd<'_>, cmd: u32, arg: u32) -> Result<i32> {
    // SAFETY: integer-argument fcntl commands touch no user memory.
    decode_int(unsafe {
        arch::syscall3(
            arch::wide::FCNTL,
            fd_arg(fd),
            Arg::uint(cmd),
            Arg::uint(arg),
        )
    })
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`.
pub(crate) fn dup_cloexec(fd: BorrowedFd<'_>) -> Result<OwnedFd> {
    fcntl_int(fd, raw::F_DUPFD_CLOEXEC, 3).map(owned)
}

pub(crate) fn dup3(old: BorrowedFd<'_>, new: RawFd, flags: u32) -> Result<RawFd> {
    // SAFETY: no user memory; replacing `new` is the caller's intent.
    decode_int(unsafe {
        arch::syscall3(
            arch::__NR_dup3,
            fd_arg(old),
            Arg::int(new),
            Arg::uint(flags),
        )
    })
}

/// `ioctl(fd, request, 0)` for requests that take no argument and return a
/// value (or a new fd) in the return register.
///
/// # Safety
/// `request` must be one that neither reads nor writes user memory.
pub(crate) unsafe fn ioctl_noarg(fd: BorrowedFd<'_>, request: u32) -> Result<usize> {
    // SAFETY: the caller promises the request uses no user memory.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_ioctl,
            fd_arg(fd),
            Arg::uint(request),
            Arg::usize(0),
        )
    })
}

/// `ioctl(fd, request, value)` with an integer argument passed by value.
///
/// # Safety
/// `request` must interpret its argument as an integer, not a pointer.
pub(crate) unsafe fn ioctl_int(fd: BorrowedFd<'_>, request: u32, value: usize) -> Result<usize> {
    // SAFETY: the caller promises the argument is not dereferenced.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_ioctl,
            fd_arg(fd),
            Arg::uint(request),
            Arg::usize(value),
        )
    })
}

/// `ioctl(fd, request, &mut *arg)`.
///
/// # Safety
/// `request` must read and write at most `size_of::<T>()` bytes through its
/// argument, and accept any bit pattern `T` may hold.
pub(crate) unsafe fn ioctl_ptr<T>(fd: BorrowedFd<'_>, request: u32, arg: &mut T) -> Result<usize> {
    // SAFETY: `arg` is a live exclusive borrow of a `T`; the caller promises
    // the request stays within it.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_ioctl,
            fd_arg(fd),
            Arg::uint(request),
            Arg::mut_ptr(arg as *mut T),
        )
    })
}

pub(crate) fn kill(pid: i32, sig: i32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall2(arch::__NR_kill, Arg::int(pid), Arg::int(sig)) })
}

pub(crate) fn tgkill(tgid: i32, tid: i32, sig: i32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe {
        arch::syscall3(
            arch::__NR_tgkill,
            Arg::int(tgid),
            Arg::int(tid),
            Arg::int(sig),
        )
    })
}

/// `exit_group(code)`: ends every thread of the process; never returns
/// (if a seccomp filter refused it, the process traps).
pub(crate) fn exit_group(code: i32) -> ! {
    // SAFETY: ending the process is always sound; exit_group does not return.
    unsafe { arch::syscall1_noreturn(arch::__NR_exit_group, Arg::int(code)) }
}

pub(crate) fn uname(buf: &mut raw::new_utsname) -> Result<()> {
    // SAFETY: the kernel writes one `new_utsname` into `buf`.
    decode_void(unsafe {
        arch::syscall1(arch::__NR_uname, Arg::mut_ptr(buf as *mut raw::new_utsname))
    })
}

/// `fstatfs(fd).f_type` (`fstatfs64` on 32-bit targets that have it).
pub(crate) fn fstatfs_type(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut buf = raw::statfs_buf { words: [0; 16] };
    let out = Arg::mut_ptr(&mut buf as *mut raw::statfs_buf);
    decode_void(match arch::wide::FSTATFS64_SIZE {
        // SAFETY: the kernel writes `size` bytes (84), less than `buf`'s 128.
        Some(size) => unsafe {
            arch::syscall3(arch::wide::FSTATFS, fd_arg(fd), Arg::usize(size), out)
        },
        // SAFETY: the kernel writes one `struct statfs` (120 bytes on
        // 64-bit targets), less than `buf`'s 128.
        None => unsafe { arch::syscall2(arch::wide::FSTATFS, fd_arg(fd), out) },
    })?;
    // f_type is the first field: a `long` on 64-bit targets, a u32 in
    // statfs64. Magic numbers fit in 32 bits either way.
    Ok(buf.words[0] & 0xffff_ffff)
}

/// `statx(fd, "", AT_EMPTY_PATH, mask, &buf)`.
pub(crate) fn statx_fd(fd: BorrowedFd<'_>, mask: u32, buf: &mut raw::statx) -> Result<()> {
    // SAFETY: empty NUL-terminated path; the kernel writes one 256-byte statx.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_statx,
            fd_arg(fd),
            Arg::ptr(c"".as_ptr()),
            Arg::uint(raw::AT_EMPTY_PATH),
            Arg::uint(mask),
            Arg::mut_ptr(buf as *mut raw::statx),
        )
    })
}

/// `ppoll(fds, timeout, NULL)`; `None` waits forever.
///
/// The kernel writes the time left back through the timeout pointer, so
/// it gets a private copy, never the caller's shared reference.
pub(crate) fn ppoll(
    fds: &mut [raw::pollfd],
    timeout: Option<&raw::__kernel_timespec>,
) -> Result<usize> {
    let mut copy = timeout.copied();
    let ts = match copy.as_mut() {
        Some(t) => Arg::mut_ptr(t as *mut raw::__kernel_timespec),
        None => Arg::null(),
    };
    // SAFETY: `fds` is a live slice of `len` pollfds; `ts` is null or a live,
    // exclusively borrowed 64-bit timespec the kernel reads and rewrites; no
    // sigmask.
    decode(unsafe {
        arch::syscall5(
            arch::wide::PPOLL,
            Arg::mut_ptr(fds.as_mut_ptr()),
            Arg::usize(fds.len()),
            ts,
            Arg::null(),
            Arg::usize(8),
        )
    })
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

/// `wait4(pid, &status, options, NULL)`: the raw wait status.
pub(crate) fn wait4(pid: i32, options: u32) -> Result<(i32, i32)> {
    let mut status = 0i32;
    // SAFETY: the kernel writes one int into `status`.
    let r = decode_int(unsafe {
        arch::syscall4(
            arch::__NR_wait4,
            Arg::int(pid),
            Arg::mut_ptr(&mut status as *mut i32),
            Arg::uint(options),
            Arg::null(),
        )
    })?;
    Ok((r, status))
}

pub(crate) fn socketpair(domain: u32, ty: u32, protocol: u32) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two ints into `fds`.
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_socketpair,
            Arg::uint(domain),
            Arg::uint(ty),
            Arg::uint(protocol),
            Arg::mut_ptr(fds.as_mut_ptr()),
        )
    })?;
    Ok((owned(fds[0]), owned(fds[1])))
}

/// `setsockopt(fd, level, name, &value, 4)` for int options.
pub(crate) fn setsockopt_int(fd: BorrowedFd<'_>, level: i32, name: i32, value: i32) -> Result<()> {
    // SAFETY: the kernel reads 4 bytes from `value`.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_setsockopt,
            fd_arg(fd),
            Arg::int(level),
            Arg::int(name),
            Arg::ptr(&value as *const i32),
            Arg::uint(4),
        )
    })
}

/// `sendmsg(fd, msg, flags)`.
///
/// # Safety
/// Every pointer in `msg` (iovecs, control buffer) must be valid for the
/// lengths it states.
pub(crate) unsafe fn sendmsg(fd: BorrowedFd<'_>, msg: &raw::msghdr, flags: u32) -> Result<usize> {
    // SAFETY: the caller vouches for the buffers `msg` points at.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_sendmsg,
            fd_arg(fd),
            Arg::ptr(msg as *const raw::msghdr),
            Arg::uint(flags),
        )
    })
}

/// `recvmsg(fd, msg, flags)`.
///
/// # Safety
/// Every pointer in `msg` must be valid for writes of the lengths it states.
pub(crate) unsafe fn recvmsg(
    fd: BorrowedFd<'_>,
    msg: &mut raw::msghdr,
    flags: u32,
) -> Result<usize> {
    // SAFETY: the caller vouches for the buffers `msg` points at.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_recvmsg,
            fd_arg(fd),
            Arg::mut_ptr(msg as *mut raw::msghdr),
            Arg::uint(flags),
        )
    })
}

pub(crate) fn unshare(flags: u64) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall1(arch::__NR_unshare, Arg::usize(flags as usize)) })
}

pub(crate) fn setns(fd: BorrowedFd<'_>, nstype: u32) -> Result<()> {
    // SAFETY: no user memory.
    decode_void(unsafe { arch::syscall2(arch::__NR_setns, fd_arg(fd), Arg::uint(nstype)) })
}

/// `prctl(option, arg2, 0, 0, 0)` for integer options.
pub(crate) fn prctl_int(option: u32, arg2: usize) -> Result<usize> {
    // SAFETY: the integer-argument options used here touch no user memory.
    decode(unsafe {
        arch::syscall5(
            arch::__NR_prctl,
            Arg::uint(option),
            Arg::usize(arg2),
            Arg::usize(0),
            Arg::usize(0),
            Arg::usize(0),
        )
    })
}

pub(crate) fn sched_yield() {
    // SAFETY: no arguments.
    let _ = unsafe { arch::syscall0(arch::__NR_sched_yield) };
}

/// `clock_nanosleep(CLOCK_MONOTONIC, 0, ts, NULL)`, once (EINTR returned).
pub(crate) fn nanosleep(ts: &raw::__kernel_timespec) -> Result<()> {
    // SAFETY: the kernel reads one 64-bit timespec; no remainder pointer.
    decode_void(unsafe {
        arch::syscall4(
            arch::wide::CLOCK_NANOSLEEP,
            Arg::uint(1),
            Arg::uint(0),
            Arg::ptr(ts as *const raw::__kernel_timespec),
            Arg::null(),
        )
    })
}

// ---- process-handle syscalls ----

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

/// `name_to_handle_at(dirfd, path, fh, &mount_id, flags)`. `mount_id` is a
/// u64 because `AT_HANDLE_MNT_ID_UNIQUE` makes the kernel write 8 bytes.
pub(crate) fn name_to_handle_at(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    fh: &mut raw::file_handle,
    mount_id: &mut u64,
    flags: u32,
) -> Result<()> {
    if fh.handle_bytes as usize > raw::MAX_HANDLE_SZ {
        return Err(Errno::EINVAL);
    }
    // SAFETY: `fh` has room for `MAX_HANDLE_SZ` payload bytes and
    // `fh.handle_bytes` is at most that (checked above); the kernel writes
    // at most 8 bytes to `mount_id`.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_name_to_handle_at,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::mut_ptr(fh as *mut raw::file_handle),
            Arg::mut_ptr(mount_id as *mut u64),
            Arg::uint(flags),
        )
    })
}

/// `open_by_handle_at(mount_fd, fh, flags)`.
pub(crate) fn open_by_handle_at(
    mount_fd: BorrowedFd<'_>,
    fh: &raw::file_handle,
    flags: u32,
) -> Result<OwnedFd> {
    if fh.handle_bytes as usize > raw::MAX_HANDLE_SZ {
        return Err(Errno::EINVAL);
    }
    // SAFETY: the kernel reads the 8-byte header and `handle_bytes` (checked
    // <= MAX_HANDLE_SZ above) payload bytes from `fh`.
    fd_ret(unsafe {
        arch::syscall3(
            arch::__NR_open_by_handle_at,
            fd_arg(mount_fd),
            Arg::ptr(fh as *const raw::file_handle),
            Arg::uint(flags),
        )
    })
}

/// `clone3(args, size)` in fork-like form.
///
/// # Safety
/// `args` must describe a fork-like clone: no `CLONE_VM`, no new stack,
/// no `CLONE_SETTLS`, so the child resumes on a copy of the caller's stack.
/// In the child (return 0) only async-signal-safe work may follow when the
/// parent has other threads.
pub(crate) unsafe fn clone3(args: &mut raw::clone_args, size: usize) -> Result<i32> {
    // SAFETY: `args` is a live clone_args of at least `size` bytes; the kernel
    // writes the pidfd to the address in `args.pidfd`, which the caller set.
    decode_int(unsafe {
        arch::syscall2(
            arch::__NR_clone3,
            Arg::mut_ptr(args as *mut raw::clone_args),
            Arg::usize(size),
        )
    })
}

/// Legacy `clone(flags, 0, &pidfd, ...)` in fork-like form, with
/// `CLONE_PIDFD` writing the pidfd through `parent_tid`.
///
/// # Safety
/// As [`clone3`]: fork-like flags only.
pub(crate) unsafe fn clone_pidfd(flags: u64, pidfd: &mut i32) -> Result<i32> {
    let p = Arg::mut_ptr(pidfd as *mut i32);
    // Argument order: x86_64 (flags, stack, parent_tid, child_tid, tls);
    // i386 and aarch64 (flags, stack, parent_tid, tls, child_tid).
    // SAFETY: fork-like flags (caller); the kernel writes one int at `pidfd`.
    decode_int(unsafe {
        arch::syscall5(
            arch::__NR_clone,
            Arg::usize(flags as usize),
            Arg::null(),
            p,
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

pub(crate) fn getuid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETUID).0 as u32 }
}

pub(crate) fn getgid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETGID).0 as u32 }
}

// ---- pidfd ioctls (pidfd engineer) ----

/// `ioctl(pidfd, PIDFD_GET_<NS>_NAMESPACE, 0)`: a new namespace fd.
pub(crate) fn pidfd_get_ns_ioctl(pidfd: BorrowedFd<'_>, request: u32) -> Result<OwnedFd> {
    // SAFETY: the PIDFD_GET_*_NAMESPACE requests are `_IO` requests: they
    // take no argument (0 is required) and return an fd.
    unsafe { ioctl_noarg(pidfd, request) }.map(|fd| owned(fd as i32))
}

/// `ioctl(pidfd, PIDFD_GET_INFO*, &mut info)` with a request whose encoded
/// size is at most `size_of::<pidfd_info>()` (80).
pub(crate) fn pidfd_get_info_ioctl(
    pidfd: BorrowedFd<'_>,
    request: u32,
    info: &mut raw::pidfd_info,
) -> Result<()> {
    let size = ((request >> 16) & 0x3fff) as usize;
    if size > core::mem::size_of::<raw::pidfd_info>() {
        return Err(Errno::EINVAL);
    }
    // SAFETY: the kernel copies in and out at most the size encoded in the
    // request (checked <= 80 above) through `info`, a live 80-byte struct of
    // plain integers.
    unsafe { ioctl_ptr(pidfd, request, info) }.map(|_| ())
}

pub(crate) fn geteuid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETEUID).0 as u32 }
}

pub(crate) fn getegid() -> u32 {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(arch::wide::GETEGID).0 as u32 }
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

/// `openat2(dirfd, path, &how, sizeof how)` (5.6; `ENOSYS` before).
pub(crate) fn openat2(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: u32,
    resolve: u64,
) -> Result<OwnedFd> {
    let how = raw::open_how {
        flags: u64::from(flags | raw::O_LARGEFILE),
        mode: 0,
        resolve,
    };
    // SAFETY: `path` is NUL-terminated and `how` a live 24-byte open_how,
    // both only read by the kernel during the call.
    fd_ret(unsafe {
        arch::syscall4(
            arch::__NR_openat2,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::ptr(&how as *const raw::open_how),
            Arg::usize(core::mem::size_of::<raw::open_how>()),
        )
    })
}

// ---- pid translation helpers (ns.rs, translate.rs) ----

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

/// `ppoll(fds, &mut timeout, NULL)`: the kernel writes the time left back
/// into `timeout` (Linux does, unlike POSIX), so a loop that retries on
/// `EINTR` with the same `timeout` keeps one overall deadline.
pub(crate) fn ppoll_countdown(
    fds: &mut [raw::pollfd],
    timeout: &mut raw::__kernel_timespec,
) -> Result<usize> {
    // SAFETY: `fds` is a live slice of `len` pollfds; `timeout` is a live,
    // exclusively borrowed 64-bit timespec the kernel reads and rewrites;
    // no sigmask.
    decode(unsafe {
        arch::syscall5(
            arch::wide::PPOLL,
            Arg::mut_ptr(fds.as_mut_ptr()),
            Arg::usize(fds.len()),
            Arg::mut_ptr(timeout as *mut raw::__kernel_timespec),
            Arg::null(),
            Arg::usize(8),
        )
    })
}

/// `getdents64(fd, buf, len)`: packed `struct linux_dirent64` records.
pub(crate) fn getdents64(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_getdents64,
            fd_arg(fd),
            Arg::mut_ptr(buf.as_mut_ptr()),
            Arg::usize(buf.len()),
        )
    })
}

/// `readlinkat(dirfd, path, buf, len)`: the link text (not NUL-terminated).
pub(crate) fn readlinkat(dirfd: BorrowedFd<'_>, path: &CStr, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `path` is NUL-terminated; the kernel writes at most
    // `buf.len()` bytes into `buf`.
    decode(unsafe {
        arch::syscall4(
            arch::__NR_readlinkat,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::mut_ptr(buf.as_mut_ptr()),
            Arg::usize(buf.len()),
        )
    })
}

/// `statx(dirfd, path, flags, mask, &buf)`.
pub(crate) fn statx_at(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: u32,
    mask: u32,
    buf: &mut raw::statx,
) -> Result<()> {
    // SAFETY: `path` is NUL-terminated; the kernel writes one 256-byte statx.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_statx,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::uint(flags),
            Arg::uint(mask),
            Arg::mut_ptr(buf as *mut raw::statx),
        )
    })
}

/// `ioctl(fd, request, value)` for the nsfs requests that take an integer
/// by value or no argument (`NS_GET_{PID,TGID}_{FROM,IN}_PIDNS`,
/// `NS_GET_USERNS`, `NS_GET_PARENT`, `NS_GET_NSTYPE`) and for
/// `PIDFD_GET_PID_NAMESPACE`; any other request is `EINVAL` here.
pub(crate) fn ioctl_nsfs_int(fd: BorrowedFd<'_>, request: u32, value: i32) -> Result<usize> {
    match request {
        raw::NS_GET_PID_FROM_PIDNS
        | raw::NS_GET_TGID_FROM_PIDNS
        | raw::NS_GET_PID_IN_PIDNS
        | raw::NS_GET_TGID_IN_PIDNS
        | raw::NS_GET_USERNS
        | raw::NS_GET_PARENT
        | raw::NS_GET_NSTYPE
        | raw::PIDFD_GET_PID_NAMESPACE => {}
        _ => return Err(Errno::EINVAL),
    }
    // SAFETY: each request above takes an integer by value (or ignores its
    // argument) and dereferences nothing; the value is zero-extended as the
    // kernel narrows it to `int`.
    unsafe { ioctl_int(fd, request, value as u32 as usize) }
}

/// `ioctl(fd, NS_GET_MNTNS_ID, &mut u64)`.
pub(crate) fn ioctl_ns_get_mntns_id(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut id = 0u64;
    // SAFETY: NS_GET_MNTNS_ID (`_IOR(0xb7, 5, __u64)`) writes 8 bytes.
    unsafe { ioctl_ptr(fd, raw::NS_GET_MNTNS_ID, &mut id) }?;
    Ok(id)
}

/// `ioctl(fd, NS_GET_OWNER_UID, &mut u32)`.
pub(crate) fn ioctl_ns_get_owner_uid(fd: BorrowedFd<'_>) -> Result<u32> {
    let mut uid = 0u32;
    // SAFETY: NS_GET_OWNER_UID writes one uid_t (4 bytes).
    unsafe { ioctl_ptr(fd, raw::NS_GET_OWNER_UID, &mut uid) }?;
    Ok(uid)
}

/// A control buffer with room for one `SCM_CREDENTIALS` message, aligned
/// for `struct cmsghdr`.
#[repr(C, align(8))]
struct CredCmsgBuf([u8; 64]);
const CRED_SPACE: usize = raw::CMSG_SPACE(core::mem::size_of::<raw::ucred>());
const CRED_LEN: usize = raw::CMSG_LEN(core::mem::size_of::<raw::ucred>());
const CMSG_HDR: usize = raw::CMSG_ALIGN(core::mem::size_of::<raw::cmsghdr>());
const USZ: usize = core::mem::size_of::<usize>();
static_assertions::const_assert!(CRED_SPACE <= 64);

/// `sendmsg(fd, {payload, [SCM_CREDENTIALS creds]}, flags)`: one datagram
/// carrying `payload` and, if given, explicit credentials (the kernel checks
/// them: `EPERM` for a pid other than the caller's without `CAP_SYS_ADMIN`,
/// `ESRCH` for a pid that does not exist in the caller's pid namespace).
pub(crate) fn send_creds(
    fd: BorrowedFd<'_>,
    payload: &[u8],
    creds: Option<&raw::ucred>,
    flags: u32,
) -> Result<usize> {
    let mut iov = raw::iovec {
        iov_base: payload.as_ptr() as *mut u8,
        iov_len: payload.len(),
    };
    let mut ctl = CredCmsgBuf([0; 64]);
    let controllen = match creds {
        Some(c) => {
            ctl.0[..USZ].copy_from_slice(&CRED_LEN.to_ne_bytes());
            ctl.0[USZ..USZ + 4].copy_from_slice(&raw::SOL_SOCKET.to_ne_bytes());
            ctl.0[USZ + 4..USZ + 8].copy_from_slice(&raw::SCM_CREDENTIALS.to_ne_bytes());
            ctl.0[CMSG_HDR..CMSG_HDR + 4].copy_from_slice(&c.pid.to_ne_bytes());
            ctl.0[CMSG_HDR + 4..CMSG_HDR + 8].copy_from_slice(&c.uid.to_ne_bytes());
            ctl.0[CMSG_HDR + 8..CMSG_HDR + 12].copy_from_slice(&c.gid.to_ne_bytes());
            CRED_SPACE
        }
        None => 0,
    };
    let msg = raw::msghdr {
        msg_name: core::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: &mut iov,
        msg_iovlen: 1,
        msg_control: if controllen == 0 {
            core::ptr::null_mut()
        } else {
            ctl.0.as_mut_ptr()
        },
        msg_controllen: controllen,
        msg_flags: 0,
    };
    // SAFETY: `msg` points at one iovec over `payload` (only read by the
    // kernel) and at `ctl`, `controllen` <= 64 bytes, all live across the call.
    unsafe { sendmsg(fd, &msg, flags) }
}

/// `recvmsg(fd, {payload}, flags)`: one datagram into `payload`, with the
/// `SCM_CREDENTIALS` it carried (present when `SO_PASSCRED` is on), already
/// translated by the kernel into the receiver's pid namespace.
pub(crate) fn recv_creds(
    fd: BorrowedFd<'_>,
    payload: &mut [u8],
    flags: u32,
) -> Result<(usize, Option<raw::ucred>)> {
    let mut iov = raw::iovec {
        iov_base: payload.as_mut_ptr(),
        iov_len: payload.len(),
    };
    let mut ctl = CredCmsgBuf([0; 64]);
    let mut msg = raw::msghdr {
        msg_name: core::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: &mut iov,
        msg_iovlen: 1,
        msg_control: ctl.0.as_mut_ptr(),
        msg_controllen: ctl.0.len(),
        msg_flags: 0,
    };
    // SAFETY: `msg` points at one iovec over `payload` and at the 64-byte
    // `ctl`, both live and writable across the call.
    let n = unsafe { recvmsg(fd, &mut msg, flags | raw::MSG_CMSG_CLOEXEC) }?;
    let control = &ctl.0[..msg.msg_controllen.min(ctl.0.len())];
    for c in crate::translate::cmsgs(control) {
        if c.level == raw::SOL_SOCKET && c.ty == raw::SCM_RIGHTS {
            // Never expected here; close whatever arrived so nothing leaks.
            for fd in c.data.chunks_exact(4) {
                close_raw(i32::from_ne_bytes([fd[0], fd[1], fd[2], fd[3]]));
            }
        }
    }
    let creds = crate::translate::parse_scm_credentials(control);
    Ok((n, creds))
}
