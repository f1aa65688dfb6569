//! File handles: `name_to_handle_at` / `open_by_handle_at` for any
//! filesystem, and pidfs handles, a process's 64-bit identity in a stable,
//! storable, architecture-independent 16-byte form.
//!
//! A pidfs file handle (Linux 6.14+) is what `name_to_handle_at(pidfd, "",
//! AT_EMPTY_PATH)` returns for a pidfd: `handle_type` 0xfe
//! (`FILEID_KERNFS`), 8 payload bytes holding the process's pidfs inode
//! number, a u64 that is never reused while the system is up. Unlike a pid
//! it can be written to a file or sent to another process, read back after
//! a re-exec or by a binary of another architecture on the same kernel, and
//! turned into a pidfd again with `open_by_handle_at` as long as the
//! process has not been reaped; after that the answer is `ESTALE`, never a
//! different process.
//!
//! [`PidfsHandle`] is that identity. Its byte encoding
//! ([`PidfsHandle::to_bytes`]) is fixed and little-endian on every target;
//! the kernel's in-memory form ([`RawPidfsHandle`], native-endian) is only
//! used at the syscall boundary.
//!
//! # Kernel support
//! `name_to_handle_at`/`open_by_handle_at` exist on every supported kernel.
//! pidfs handles need 6.14 (`EOPNOTSUPP` from [`pidfd_to_handle`] before);
//! [`FD_PIDFS_ROOT`] as a mount fd needs 6.17 (`EBADF` before, and
//! [`pidfd_from_handle`] then uses a pidfd of the caller as mount fd).

mod codec;
mod file_handle;

pub use codec::{HandleError, PIDFS_HANDLE_BYTES, PIDFS_HANDLE_TYPE, PidfsHandle, RawPidfsHandle};
#[cfg(feature = "test-hooks")]
pub(crate) use file_handle::name_to_handle_at_from;
pub use file_handle::{
    FileHandle, MAX_HANDLE_SZ, name_to_handle_at, name_to_handle_at_into, open_by_handle_at,
};

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd, sentinel};
use crate::flags::{AtFlags, OFlags};
use crate::{raw, sys};
use core::sync::atomic::{AtomicU8, Ordering};

/// `FD_PIDFS_ROOT` (-10002, 6.17): the pidfs root, a `mount_fd` for
/// `open_by_handle_at` that needs no pidfd.
///
/// # Kernel support
/// 6.17. Older kernels answer `EBADF`.
pub const FD_PIDFS_ROOT: BorrowedFd<'static> = sentinel(raw::FD_PIDFS_ROOT);

/// `name_to_handle_at(pidfd, "", AT_EMPTY_PATH)`—The pidfs handle (the
/// 64-bit id) of the process a pidfd names.
///
/// The kernel writes `handle_type` 0xfe, `handle_bytes` 8 and the
/// native-endian u64 id; on 32-bit kernels too the full 64 bits, which
/// makes this the one 64-bit-safe process identity there. Works for
/// exited and not yet reaped processes as for live ones. Any pidfd works,
/// including one for a process outside the caller's pid namespace.
///
/// # Errors
/// `EOPNOTSUPP` the kernel has no pidfs file handles (before 6.14: pidfds
/// are anon inodes before 6.9, pidfs without export operations from 6.9);
/// `EBADF` `pidfd` is no fd, or an fd whose handle is not a pidfs handle
/// (a regular file; note that other kernfs filesystems such as cgroup2 use
/// the same handle shape, so pass only pidfds).
///
/// # Kernel support
/// 6.14 (`EOPNOTSUPP` before; [`pidfd_id`](crate::pidfd_id) gives the id
/// from `statx` on 6.9+ 64-bit kernels).
///
/// # References
/// name_to_handle_at(2)
///
/// # Examples
/// ```
/// use pidfs::{Errno, OFlags, PidFd, PidfdFlags, getpid, pidfd_from_handle, pidfd_to_handle};
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// match pidfd_to_handle(&me) {
///     Ok(handle) => {
///         // 16 bytes (or 32 hex digits) to store anywhere, then back to a pidfd.
///         let again = PidFd::from(pidfd_from_handle(&handle, OFlags::empty())?);
///         assert!(again.same_process(&me)?);
///     }
///     Err(Errno::EOPNOTSUPP) => {} // no pidfs file handles before 6.14
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), pidfs::Errno>(())
/// ```
pub fn pidfd_to_handle(pidfd: impl AsFd) -> Result<PidfsHandle> {
    let pidfd = pidfd.as_fd();
    let mut fh = FileHandle::default();
    name_to_handle_at_into(pidfd, c"", &mut fh, AtFlags::EMPTY_PATH)?;
    PidfsHandle::from_file_handle(&fh).map_err(|_| Errno::EBADF)
}

const MOUNT_UNKNOWN: u8 = 0;
const MOUNT_PIDFS_ROOT: u8 = 1;
const MOUNT_SELF_PIDFD: u8 = 2;

/// Which mount fd [`pidfd_from_handle`] uses: learnt at the first call.
static MOUNT_FD_KIND: AtomicU8 = AtomicU8::new(MOUNT_UNKNOWN);

fn open_with_self_pidfd(fh: &FileHandle, flags: OFlags) -> Result<OwnedFd> {
    let me = sys::pidfd_open(sys::getpid(), 0)?;
    open_by_handle_at(me.as_fd(), fh, flags)
}

#[cfg(feature = "test-hooks")]
/// [`pidfd_from_handle`]'s fallback for kernels 6.14 to 6.16, callable on
/// any kernel so that it stays tested: `open_by_handle_at` with a pidfd of
/// the caller (`pidfd_open(getpid(), 0)`, closed again) as mount fd, flags
/// `| O_CLOEXEC`.
///
/// # Errors
/// As [`pidfd_from_handle`].
///
/// # Kernel support
/// 6.14.
pub(crate) fn pidfd_from_handle_via_own_pidfd(
    handle: &PidfsHandle,
    flags: OFlags,
) -> Result<OwnedFd> {
    open_with_self_pidfd(&handle.to_file_handle(), flags | OFlags::CLOEXEC)
}

/// `open_by_handle_at(FD_PIDFS_ROOT, handle, flags | O_CLOEXEC)`—Reopen a
/// pidfd for the process a stored handle names.
///
/// The mount fd is [`FD_PIDFS_ROOT`] (6.17+). Where the kernel answers
/// `EBADF` for it (6.14 to 6.16), a pidfd this process opens for itself
/// (`pidfd_open(getpid(), 0)`, closed again) is used instead; which one
/// works is learnt once and cached in an atomic. `O_CLOEXEC` is always
/// added, as `pidfd_open` pidfds have it (`open_by_handle_at` alone does
/// not). `flags` may add `NONBLOCK` (a `PIDFD_NONBLOCK` pidfd); `RDONLY`,
/// `WRONLY` and `RDWR` are accepted and change nothing. `EXCL` (the value
/// of `PIDFD_THREAD`) is accepted too: kernels 6.14 to 6.18 drop it (no
/// `PIDFD_THREAD` pidfd); 7.x kernels keep it in the file's flags
/// (`F_GETFL` shows `O_EXCL`, as on a `PIDFD_THREAD` pidfd), so do not rely
/// on either; open a thread pidfd with `pidfd_open` instead.
///
/// # Errors
/// `ESTALE` the process has been reaped, never existed, or is not visible
/// in the caller's pid namespace (a zombie still reopens); `EINVAL` any
/// other flag; `EOPNOTSUPP` or `ESTALE` on kernels without pidfs handles.
///
/// # Kernel support
/// 6.14; `FD_PIDFS_ROOT` 6.17, with the fallback above before.
///
/// # References
/// open_by_handle_at(2)
///
/// # Examples
/// ```
/// use pidfs::{Errno, OFlags, PidfsHandle, pidfd_from_handle};
/// // An id that no process has: refused, never another process.
/// let nobody = PidfsHandle::from_id(u64::MAX);
/// assert!(matches!(
///     pidfd_from_handle(&nobody, OFlags::empty()),
///     Err(Errno::ESTALE | Errno::EOPNOTSUPP | Errno::EBADF)
/// ));
/// ```
pub fn pidfd_from_handle(handle: &PidfsHandle, flags: OFlags) -> Result<OwnedFd> {
    let fh = handle.to_file_handle();
    let flags = flags | OFlags::CLOEXEC;
    if MOUNT_FD_KIND.load(Ordering::Relaxed) == MOUNT_SELF_PIDFD {
        return open_with_self_pidfd(&fh, flags);
    }
    match open_by_handle_at(FD_PIDFS_ROOT, &fh, flags) {
        Err(Errno::EBADF) => {
            MOUNT_FD_KIND.store(MOUNT_SELF_PIDFD, Ordering::Relaxed);
            open_with_self_pidfd(&fh, flags)
        }
        r => {
            if r.is_ok() {
                MOUNT_FD_KIND.store(MOUNT_PIDFS_ROOT, Ordering::Relaxed);
            }
            r
        }
    }
}
