//! The `ioctl` requests this crate makes, each with its argument type fixed:
//! the pidfd requests (`PIDFD_GET_INFO`, `PIDFD_GET_*_NAMESPACE`) and the
//! nsfs ones (`NS_GET_*`). The untyped `ioctl` entry stays private to this
//! file; a request outside each function's list is `EINVAL` before any
//! syscall.

use super::{fd_arg, owned};
use crate::arch::{self, Arg, Ret};
use crate::errno::{Errno, Result, decode, decode_int};
use crate::fd::{BorrowedFd, OwnedFd};
use crate::raw;

/// `ioctl(fd, request, arg)`.
///
/// # Safety
/// `arg` must be what `request` expects: an integer it does not
/// dereference, or a pointer to live memory of the size it reads/writes.
unsafe fn ioctl(fd: BorrowedFd<'_>, request: u32, arg: Arg) -> Ret {
    // SAFETY: the caller matches `arg` to `request`.
    unsafe { arch::syscall3(arch::__NR_ioctl, fd_arg(fd), Arg::uint(request), arg) }
}

/// `ioctl(pidfd, PIDFD_GET_<NS>_NAMESPACE, 0)`: a new namespace fd.
pub(crate) fn pidfd_get_ns(pidfd: BorrowedFd<'_>, request: u32) -> Result<OwnedFd> {
    // `_IO(PIDFS_IOCTL_MAGIC, 1..=10)`.
    if request & !0xff != raw::_IO(raw::PIDFS_IOCTL_MAGIC, 0)
        || !(1..=10).contains(&(request & 0xff))
    {
        return Err(Errno::EINVAL);
    }
    // SAFETY: the PIDFD_GET_*_NAMESPACE requests take no argument (0 is
    // required) and return a new fd.
    nsfs_fd_ret(unsafe { ioctl(pidfd, request, Arg::usize(0)) })
}

/// Decodes an ioctl that returns a new namespace fd, taking ownership of
/// the number only if `fstatfs` says nsfs. The kernel's nsfs and pidfs
/// handlers always return a new nsfs fd; any other answer (an emulator, or
/// a seccomp user-notification supervisor answering the ioctl with a
/// number of its choosing) is not known to be a new fd of ours: it is left
/// alone (not wrapped, so never closed: it may be another owner's fd) and
/// the answer is `EIO`.
fn nsfs_fd_ret(r: Ret) -> Result<OwnedFd> {
    let fd = decode_int(r)?;
    match super::fstatfs_type_of_number(fd) {
        // SAFETY: an nsfs fd just returned by a namespace ioctl: the
        // kernel's handlers install a new descriptor for each call (only a
        // supervisor answering with the number of another nsfs fd of this
        // process could fool this check, and it cannot be told apart).
        Ok(raw::NSFS_MAGIC) => Ok(unsafe { owned(fd) }),
        _ => Err(Errno::EIO),
    }
}

/// `ioctl(pidfd, PIDFD_GET_INFO*, &mut info)` with a request whose encoded
/// size is at most `size_of::<pidfd_info>()` (80).
pub(crate) fn pidfd_get_info(
    pidfd: BorrowedFd<'_>,
    request: u32,
    info: &mut raw::pidfd_info,
) -> Result<()> {
    let size = ((request >> 16) & 0x3fff) as usize;
    if request & 0xc000_ffff != raw::_IOWR(raw::PIDFS_IOCTL_MAGIC, 11, 0)
        || size > core::mem::size_of::<raw::pidfd_info>()
    {
        return Err(Errno::EINVAL);
    }
    // SAFETY: a PIDFD_GET_INFO request: the kernel copies in and out at most
    // the size encoded in it (checked <= 80 above) through `info`, a live
    // 80-byte struct of plain integers.
    decode(unsafe { ioctl(pidfd, request, Arg::mut_ptr(info as *mut raw::pidfd_info)) }).map(|_| ())
}

/// `ioctl(ns, NS_GET_{PID,TGID}_{FROM,IN}_PIDNS, pid)`: the translated pid
/// as the return value.
pub(crate) fn ns_pid(ns: BorrowedFd<'_>, request: u32, pid: i32) -> Result<usize> {
    match request {
        raw::NS_GET_PID_FROM_PIDNS
        | raw::NS_GET_TGID_FROM_PIDNS
        | raw::NS_GET_PID_IN_PIDNS
        | raw::NS_GET_TGID_IN_PIDNS => {}
        _ => return Err(Errno::EINVAL),
    }
    // SAFETY: these requests take the pid by value (zero-extended; the
    // kernel narrows it to `int`) and dereference nothing.
    decode(unsafe { ioctl(ns, request, Arg::int(pid)) })
}

/// `ioctl(ns, NS_GET_NSTYPE)`: the namespace's `CLONE_NEW*` bit.
pub(crate) fn ns_get_nstype(ns: BorrowedFd<'_>) -> Result<u32> {
    // SAFETY: NS_GET_NSTYPE ignores its argument and returns an int.
    decode(unsafe { ioctl(ns, raw::NS_GET_NSTYPE, Arg::usize(0)) }).map(|v| v as u32)
}

/// `ioctl(ns, NS_GET_PARENT | NS_GET_USERNS)`: a new namespace fd.
pub(crate) fn ns_get_fd(ns: BorrowedFd<'_>, request: u32) -> Result<OwnedFd> {
    if request != raw::NS_GET_PARENT && request != raw::NS_GET_USERNS {
        return Err(Errno::EINVAL);
    }
    // SAFETY: both requests ignore their argument and return a new fd.
    nsfs_fd_ret(unsafe { ioctl(ns, request, Arg::usize(0)) })
}

/// `ioctl(ns, NS_GET_MNTNS_ID, &mut u64)`.
pub(crate) fn ns_get_mntns_id(ns: BorrowedFd<'_>) -> Result<u64> {
    let mut id = 0u64;
    // SAFETY: NS_GET_MNTNS_ID (`_IOR(0xb7, 5, __u64)`) writes 8 bytes.
    decode(unsafe { ioctl(ns, raw::NS_GET_MNTNS_ID, Arg::mut_ptr(&mut id as *mut u64)) })?;
    Ok(id)
}

/// `ioctl(ns, NS_GET_OWNER_UID, &mut u32)`.
pub(crate) fn ns_get_owner_uid(ns: BorrowedFd<'_>) -> Result<u32> {
    let mut uid = 0u32;
    // SAFETY: NS_GET_OWNER_UID writes one uid_t (4 bytes).
    decode(unsafe {
        ioctl(
            ns,
            raw::NS_GET_OWNER_UID,
            Arg::mut_ptr(&mut uid as *mut u32),
        )
    })?;
    Ok(uid)
}
