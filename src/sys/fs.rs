//! Files: `openat`, `openat2`, `statx`, `fstatfs`, `readlinkat`, and the
//! file-handle pair `name_to_handle_at` / `open_by_handle_at`.

use super::{fd_arg, fd_ret};
use crate::arch::{self, Arg};
use crate::errno::{Errno, Result, decode, decode_void};
use crate::fd::{BorrowedFd, OwnedFd, fd_cwd};
use crate::raw;
use core::ffi::CStr;

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
    openat(fd_cwd(), path, flags, mode)
}

/// `chdir(path)`.
pub(crate) fn chdir(path: &CStr) -> Result<()> {
    // SAFETY: `path` is NUL-terminated and borrowed across the call.
    decode_void(unsafe { arch::syscall1(arch::__NR_chdir, Arg::ptr(path.as_ptr())) })
}

/// `openat2(dirfd, path, &how, sizeof how)` (5.6; `ENOSYS` before).
/// `O_LARGEFILE` is added except with `O_PATH`, which `openat2` takes only
/// with `O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC` (`EINVAL` otherwise: a 32-bit
/// caller's `O_LARGEFILE` is a real bit).
pub(crate) fn openat2(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: u32,
    resolve: u64,
) -> Result<OwnedFd> {
    let large = if flags & raw::O_PATH == 0 {
        raw::O_LARGEFILE
    } else {
        0
    };
    let how = raw::open_how {
        flags: u64::from(flags | large),
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

/// `fstatfs(fd).f_type` (`fstatfs64` on 32-bit targets that have it).
pub(crate) fn fstatfs_type(fd: BorrowedFd<'_>) -> Result<u64> {
    fstatfs_type_raw(fd_arg(fd))
}

/// [`fstatfs_type`] of a bare descriptor number that may not be open
/// (`EBADF` then), such as an ioctl's answer before it is known to be a
/// new fd.
pub(crate) fn fstatfs_type_of_number(fd: i32) -> Result<u64> {
    fstatfs_type_raw(Arg::int(fd))
}

fn fstatfs_type_raw(fd: Arg) -> Result<u64> {
    let mut buf = raw::statfs_buf { words: [0; 16] };
    let out = Arg::mut_ptr(&mut buf as *mut raw::statfs_buf);
    decode_void(match arch::wide::FSTATFS64_SIZE {
        // SAFETY: the kernel writes `size` bytes (84), less than `buf`'s 128.
        Some(size) => unsafe { arch::syscall3(arch::wide::FSTATFS, fd, Arg::usize(size), out) },
        // SAFETY: the kernel writes one `struct statfs` (120 bytes on
        // 64-bit targets), less than `buf`'s 128.
        None => unsafe { arch::syscall2(arch::wide::FSTATFS, fd, out) },
    })?;
    // f_type is the first field: a `long` on 64-bit targets, a u32 in
    // statfs64. Magic numbers fit in 32 bits either way.
    Ok(buf.words[0] & 0xffff_ffff)
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

/// `statx(fd, "", AT_EMPTY_PATH, mask, &buf)`.
pub(crate) fn statx_fd(fd: BorrowedFd<'_>, mask: u32, buf: &mut raw::statx) -> Result<()> {
    statx_at(fd, c"", raw::AT_EMPTY_PATH, mask, buf)
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

/// `mount(source, target, fstype, flags, data)`; `None` passes NULL.
pub(crate) fn mount(
    source: Option<&CStr>,
    target: &CStr,
    fstype: Option<&CStr>,
    flags: u32,
    data: Option<&CStr>,
) -> Result<()> {
    let opt = |s: Option<&CStr>| match s {
        Some(s) => Arg::ptr(s.as_ptr()),
        None => Arg::null(),
    };
    // SAFETY: NUL-terminated strings (or NULL) that live across the call;
    // the kernel only reads them.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_mount,
            opt(source),
            Arg::ptr(target.as_ptr()),
            opt(fstype),
            Arg::uint(flags),
            opt(data),
        )
    })
}

/// `umount2(target, flags)`.
pub(crate) fn umount2(target: &CStr, flags: u32) -> Result<()> {
    // SAFETY: a NUL-terminated string the kernel only reads.
    decode_void(unsafe {
        arch::syscall2(
            arch::__NR_umount2,
            Arg::ptr(target.as_ptr()),
            Arg::uint(flags),
        )
    })
}

/// `mkdirat(dirfd, path, mode)`.
pub(crate) fn mkdirat(dirfd: BorrowedFd<'_>, path: &CStr, mode: u32) -> Result<()> {
    // SAFETY: a NUL-terminated string the kernel only reads.
    decode_void(unsafe {
        arch::syscall3(
            arch::__NR_mkdirat,
            fd_arg(dirfd),
            Arg::ptr(path.as_ptr()),
            Arg::uint(mode),
        )
    })
}
