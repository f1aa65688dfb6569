//! Plain file I/O from the crate's own entry points, for programs that
//! link no libc (an init's config, state file and log): `open`, `read`,
//! `write`, `mkdir`.

use crate::errno::Result;
use crate::fd::{AsFd, OwnedFd, fd_cwd};
use crate::flags::OFlags;
use crate::sys;
use core::ffi::CStr;

/// `openat(AT_FDCWD, path, flags | O_CLOEXEC, mode)`—open a file; the fd
/// is always close-on-exec.
///
/// # Errors
/// `ENOENT`, `EACCES`, `EEXIST` (`CREAT | EXCL`), `EISDIR` (writing a
/// directory), `ENOTDIR`, `EMFILE`, ...
///
/// # Kernel support
/// Every kernel.
pub fn open(path: &CStr, flags: OFlags, mode: u32) -> Result<OwnedFd> {
    sys::openat(fd_cwd(), path, (flags | OFlags::CLOEXEC).bits(), mode)
}

/// `read(fd, buf)`—read at most `buf.len()` bytes; `Ok(0)` at end of file.
///
/// # Errors
/// `EBADF` not open for reading; `EISDIR`; `EAGAIN` nonblocking and
/// nothing to read; `EINTR`; `EINVAL` a file that cannot be read so.
///
/// # Kernel support
/// Every kernel.
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    sys::read(fd.as_fd(), buf)
}

/// `write(fd, buf)`—write at most `buf.len()` bytes; returns how many.
///
/// # Errors
/// `EBADF` not open for writing; `EPIPE` a pipe with no reader (and
/// `SIGPIPE`, unless ignored or blocked); `EAGAIN`; `EINTR`; `ENOSPC`.
///
/// # Kernel support
/// Every kernel.
pub fn write(fd: impl AsFd, buf: &[u8]) -> Result<usize> {
    sys::write(fd.as_fd(), buf)
}

/// Writes all of `buf`, retrying short writes and `EINTR`.
///
/// # Errors
/// As [`write()`]; `EIO` if `write` returns 0.
pub fn write_all(fd: impl AsFd, buf: &[u8]) -> Result<()> {
    sys::write_all(fd.as_fd(), buf)
}

/// `mkdirat(AT_FDCWD, path, mode)`—create a directory.
///
/// # Errors
/// `EEXIST` it exists; `ENOENT` a missing parent; `EACCES`; `EROFS`.
///
/// # Kernel support
/// Every kernel.
pub fn mkdir(path: &CStr, mode: u32) -> Result<()> {
    sys::mkdirat(fd_cwd(), path, mode)
}
