//! The 64-bit process identity ([`pidfd_id`]): the pidfs file handle's
//! payload, or `statx` on a 64-bit pidfs kernel.

use crate::errno::{Errno, Result};
use crate::fd::AsFd;
use crate::procfs;
use crate::{raw, sys};

/// `name_to_handle_at(pidfd, "", AT_EMPTY_PATH)`—The 64-bit identity of the
/// process a pidfd names: the pidfs inode number, unique for the system's
/// lifetime (never reused, unlike a pid).
///
/// Read from the pidfs file handle (type `0xfe`, 8-byte payload: the full
/// 64 bits even on 32-bit kernels, whose `i_ino` holds only the low half);
/// where handles are not supported (before 6.14) from `statx` `stx_ino`
/// when `fstatfs` says pidfs (6.9+) and the kernel is 64-bit.
///
/// A 32-bit kernel without handles (6.9-6.13) has no such id: `i_ino` is
/// 32 bits, and on 6.9-6.12 not even the process's (a slot taken when its
/// pidfs inode is made, freed when its last pidfd closes: two processes
/// get one number in turn, one process a new number once all its pidfds
/// were closed). So this answers `EOPNOTSUPP` there; to compare two open
/// pidfds use [`PidFd::same_process`](crate::PidFd::same_process). The
/// kernel's width comes from `/proc/sys/kernel/arch` (a 32-bit program on
/// a 64-bit kernel gets the full `stx_ino`; without `/proc`, `EOPNOTSUPP`).
///
/// # Errors
/// `EOPNOTSUPP` (ENOTSUP) before pidfs (6.9): every pidfd shares one
/// anon_inode there, so no identity exists; also on a 32-bit kernel before
/// 6.14 (see above). `EBADF` not an fd.
///
/// # Kernel support
/// 6.14 for the handle, 6.9-6.13 through `statx` on 64-bit kernels,
/// `EOPNOTSUPP` before 6.9 and on 32-bit kernels before 6.14.
///
/// # Examples
/// ```
/// use pidfs::{Errno, PidFd, PidfdFlags, getpid, pidfd_id};
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// match pidfd_id(&me) {
///     // Never reused while the system is up: a name for this process.
///     Ok(id) => assert_eq!(me.id(), Ok(id)),
///     // No such identity on this kernel: compare pidfds with same_process.
///     Err(Errno::EOPNOTSUPP) => {}
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), pidfs::Errno>(())
/// ```
pub fn pidfd_id(pidfd: impl AsFd) -> Result<u64> {
    let pidfd = pidfd.as_fd();
    let mut fh = raw::file_handle {
        handle_bytes: raw::MAX_HANDLE_SZ as u32,
        handle_type: 0,
        f_handle: [0; raw::MAX_HANDLE_SZ],
    };
    let mut mount_id = 0u64;
    match sys::name_to_handle_at(pidfd, c"", &mut fh, &mut mount_id, raw::AT_EMPTY_PATH) {
        Ok(()) if fh.handle_type == raw::FILEID_KERNFS && fh.handle_bytes == 8 => {
            let p = &fh.f_handle;
            return Ok(u64::from_ne_bytes([
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7],
            ]));
        }
        Ok(()) | Err(Errno::EOPNOTSUPP | Errno::EINVAL | Errno::ENOSYS) => {}
        Err(e) => return Err(e),
    }
    if sys::fstatfs_type(pidfd)? != raw::PIDFS_MAGIC || procfs::kernel_is_64bit() != Some(true) {
        return Err(Errno::EOPNOTSUPP);
    }
    let mut stx = raw::statx::zeroed();
    sys::statx_fd(pidfd.as_fd(), raw::STATX_INO, &mut stx)?;
    if stx.stx_mask & raw::STATX_INO == 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    Ok(stx.stx_ino)
}
