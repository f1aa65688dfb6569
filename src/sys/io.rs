//! Descriptors and bytes: `read`, `write`, `pipe2`, `fcntl`, `close`,
//! `ppoll`, `getdents64`, `clock_nanosleep`, `sched_yield`, `uname`.

use super::{fd_arg, owned};
use crate::arch::{self, Arg};
use crate::errno::{Errno, Result, decode, decode_void};
use crate::fd::{BorrowedFd, OwnedFd};
use crate::raw;

#[cfg(not(feature = "std"))]
/// `close(fd)` on a raw number; the result is ignored (never retried: a
/// failed close has released the number all the same).
///
/// # Safety
/// The caller owns `fd` and nothing uses the number afterwards (the
/// no-std `OwnedFd`'s `Drop` is the caller).
pub(crate) unsafe fn close_raw(fd: crate::fd::RawFd) {
    // SAFETY: closing touches no user memory; the caller owns `fd`.
    let _ = unsafe { arch::syscall1(arch::__NR_close, Arg::int(fd)) };
}

#[cfg(test)]
/// `close(fd)` reporting the kernel's answer (tests of `EBADF`).
pub(crate) fn close(fd: OwnedFd) -> Result<()> {
    let raw = crate::fd::IntoRawFd::into_raw_fd(fd);
    // SAFETY: ownership was released just above; no user memory.
    decode_void(unsafe { arch::syscall1(arch::__NR_close, Arg::int(raw)) })
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
    // SAFETY: two fresh descriptors the kernel just created for us.
    Ok(unsafe { (owned(fds[0]), owned(fds[1])) })
}

#[cfg(test)]
/// `fcntl(fd, F_GETFD)`: the descriptor flags (`FD_CLOEXEC`).
pub(crate) fn fcntl_getfd(fd: BorrowedFd<'_>) -> Result<u32> {
    // SAFETY: F_GETFD takes no argument and touches no user memory.
    crate::errno::decode_int(unsafe {
        arch::syscall3(
            arch::wide::FCNTL,
            fd_arg(fd),
            Arg::uint(raw::F_GETFD),
            Arg::uint(0),
        )
    })
    .map(|v| v as u32)
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`: a new descriptor (>= 3) for the same
/// file (the no-std `try_clone`; spawn's way to move an fd off 0..=2).
pub(crate) fn dup_cloexec(fd: BorrowedFd<'_>) -> Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC takes an integer and returns a new fd.
    super::fd_ret(unsafe {
        arch::syscall3(
            arch::wide::FCNTL,
            fd_arg(fd),
            Arg::uint(raw::F_DUPFD_CLOEXEC),
            Arg::uint(3),
        )
    })
}

/// `dup3(src, target, flags)`: makes the raw number `target` a copy of
/// `src` (closing what `target` was), without `O_CLOEXEC` unless `flags`
/// says so. What a spawned child does to put a pipe or file on 0, 1 or 2.
///
/// # Safety
/// `target` is a bare number: whatever this process had open there is
/// closed, and the new descriptor is owned by nobody. The caller must be
/// the only user of that number (a forked child about to `execve`, setting
/// up its stdio), so that no `OwnedFd` elsewhere still believes it owns it.
pub(crate) unsafe fn dup3_onto(
    src: BorrowedFd<'_>,
    target: crate::fd::RawFd,
    flags: u32,
) -> Result<()> {
    // SAFETY: no user memory; replacing `target` is the caller's promise.
    decode_void(unsafe {
        arch::syscall3(
            arch::__NR_dup3,
            fd_arg(src),
            Arg::int(target),
            Arg::uint(flags),
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
    match timeout {
        Some(&t) => {
            let mut copy = t;
            ppoll_countdown(fds, &mut copy)
        }
        // SAFETY: `fds` is a live slice of `len` pollfds; no timeout, no
        // sigmask.
        None => decode(unsafe {
            arch::syscall5(
                arch::wide::PPOLL,
                Arg::mut_ptr(fds.as_mut_ptr()),
                Arg::usize(fds.len()),
                Arg::null(),
                Arg::null(),
                Arg::usize(8),
            )
        }),
    }
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

/// `clock_gettime(CLOCK_MONOTONIC)` (`clock_gettime64` on i386): the time
/// since boot, for deadlines that must hold whatever `ppoll` writes back
/// (qemu-user leaves its timeout untouched on `EINTR`).
pub(crate) fn clock_monotonic() -> Result<core::time::Duration> {
    let mut ts = raw::__kernel_timespec::default();
    // SAFETY: the kernel writes one 16-byte __kernel_timespec.
    decode_void(unsafe {
        arch::syscall2(
            arch::wide::CLOCK_GETTIME,
            Arg::uint(raw::CLOCK_MONOTONIC),
            Arg::mut_ptr(&mut ts as *mut raw::__kernel_timespec),
        )
    })?;
    Ok(core::time::Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    ))
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

pub(crate) fn uname(buf: &mut raw::new_utsname) -> Result<()> {
    // SAFETY: the kernel writes one `new_utsname` into `buf`.
    decode_void(unsafe {
        arch::syscall1(arch::__NR_uname, Arg::mut_ptr(buf as *mut raw::new_utsname))
    })
}

/// `clock_gettime(clock, &ts)` (`clock_gettime64` on i386).
pub(crate) fn clock_gettime(clock: u32) -> Result<raw::__kernel_timespec> {
    let mut ts = raw::__kernel_timespec::default();
    // SAFETY: the kernel writes one 64-bit timespec into `ts`.
    decode_void(unsafe {
        arch::syscall2(
            arch::wide::CLOCK_GETTIME,
            Arg::uint(clock),
            Arg::mut_ptr(&mut ts as *mut raw::__kernel_timespec),
        )
    })?;
    Ok(ts)
}

/// `clock_nanosleep(clock, 0, &req, NULL)` (the time64 variant on i386).
pub(crate) fn clock_nanosleep(clock: u32, req: &raw::__kernel_timespec) -> Result<()> {
    // SAFETY: the kernel reads one 64-bit timespec; no remainder pointer.
    decode_void(unsafe {
        arch::syscall4(
            arch::wide::CLOCK_NANOSLEEP,
            Arg::uint(clock),
            Arg::uint(0),
            Arg::ptr(req as *const raw::__kernel_timespec),
            Arg::null(),
        )
    })
}
