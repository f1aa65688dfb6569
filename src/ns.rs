//! nsfs ioctls on namespace fds (`/proc/<pid>/ns/*`, `NS_GET_PARENT`
//! results, `pidfd_get_namespace` results): walk the namespace tree and
//! translate pids between pid namespaces in the kernel.
//!
//! # One answer per condition
//!
//! The kernels this crate supports answer the four pid ioctls
//! differently for the same condition; every wrapper here maps them to one
//! answer:
//!
//! | condition | answer |
//! |---|---|
//! | the pid does not exist in the source namespace, or has no number in the target one | `ESRCH` (6.11 answers `ESRCH`; later kernels whose ioctl switch falls through to the extensible-ioctl table answer `ENOTTY`, mapped here) |
//! | the fd is a namespace of another type | `EINVAL` (the kernel's answer) |
//! | the fd is not a namespace at all (pipe, pidfd, file) | `EINVAL` (the kernel answers `ENOTTY`; mapped after checking `fstatfs` for `NSFS_MAGIC`) |
//! | the fd is not open | `EBADF` |
//! | the kernel has no pid ioctls (before 6.11, or qemu-user) | `ENOTTY` (qemu-user's older `ENOSYS` is mapped too) |
//!
//! The older requests (`NS_GET_USERNS`, `NS_GET_PARENT`, `NS_GET_NSTYPE`,
//! `NS_GET_OWNER_UID`) answer `ENOTTY` to a 32-bit process on a 64-bit
//! kernel before 6.3 (nsfs gained its `compat_ioctl` handler then), as they
//! do under qemu-user; the 6.11 requests always have it.
//!
//! "Not supported" and "not found" are told apart by probing the kernel
//! once per process ([`ns_pid_ioctls_supported`]): `NS_GET_PID_IN_PIDNS`
//! of the caller's own pid on the caller's own pid namespace always finds
//! a task, so `ENOTTY` there can only mean the ioctl is unknown.
//!
//! A pid is only a hint: the number a translation returns may name another
//! process by the time it is used. Open a pidfd on it and check it (for
//! example with `pidfd_send_signal(pidfd, 0)` and a second translation) when
//! that matters.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd, owned};
use crate::flags::NsFlags;
use crate::{raw, sys};
use core::sync::atomic::{AtomicU8, Ordering};

/// `NS_GET_PID_FROM_PIDNS`—translate `pid`, a pid in the pid namespace
/// `ns`, into the caller's pid namespace.
///
/// `ns` is a pid-namespace fd. `pid` is passed by value and the answer
/// comes back as the ioctl's return value. `pid` may be a thread id; the
/// answer is then the thread's id in the caller's namespace.
///
/// # Errors
/// `ESRCH` no task `pid` in `ns`, or it has no number in the caller's
/// namespace (it lives outside the caller's subtree), or `pid <= 0`;
/// `EINVAL` `ns` is not a pid namespace; `EBADF` `ns` is not open;
/// `ENOTTY` the kernel lacks the ioctl. See the module docs for how the
/// kernels' differing answers are mapped.
///
/// # Kernel support
/// 6.11 (older kernels and qemu-user: `ENOTTY`). The
/// [`Translator`](crate::Translator) gives the same answers on any kernel
/// through the fork-based or /proc method.
#[doc(alias = "NS_GET_PID_FROM_PIDNS")]
pub fn ns_get_pid_from_pidns(ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
    pid_ioctl(ns, raw::NS_GET_PID_FROM_PIDNS, pid)
}

/// `NS_GET_TGID_FROM_PIDNS`—the thread-group id, in the caller's pid
/// namespace, of the task whose id in the pid namespace `ns` is `pid`.
///
/// # Errors
/// As [`ns_get_pid_from_pidns`].
///
/// # Kernel support
/// 6.11 (older kernels and qemu-user: `ENOTTY`).
#[doc(alias = "NS_GET_TGID_FROM_PIDNS")]
pub fn ns_get_tgid_from_pidns(ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
    pid_ioctl(ns, raw::NS_GET_TGID_FROM_PIDNS, pid)
}

/// `NS_GET_PID_IN_PIDNS`—translate `pid`, a pid in the caller's pid
/// namespace, into the pid namespace `ns`.
///
/// # Errors
/// `ESRCH` no task `pid` in the caller's namespace, or it is not visible
/// in `ns` (it lives above or beside `ns`), or `pid <= 0`; otherwise as
/// [`ns_get_pid_from_pidns`].
///
/// # Kernel support
/// 6.11 (older kernels and qemu-user: `ENOTTY`).
#[doc(alias = "NS_GET_PID_IN_PIDNS")]
pub fn ns_get_pid_in_pidns(ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
    pid_ioctl(ns, raw::NS_GET_PID_IN_PIDNS, pid)
}

/// `NS_GET_TGID_IN_PIDNS`—the thread-group id, in the pid namespace `ns`,
/// of the task whose id in the caller's pid namespace is `pid`.
///
/// # Errors
/// As [`ns_get_pid_in_pidns`].
///
/// # Kernel support
/// 6.11 (older kernels and qemu-user: `ENOTTY`).
#[doc(alias = "NS_GET_TGID_IN_PIDNS")]
pub fn ns_get_tgid_in_pidns(ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
    pid_ioctl(ns, raw::NS_GET_TGID_IN_PIDNS, pid)
}

/// `NS_GET_PID_IN_PIDNS` probe—whether this kernel has the four nsfs pid
/// translation ioctls.
///
/// Probed once per process and cached: `NS_GET_PID_IN_PIDNS` of the
/// caller's own pid on the caller's own pid namespace (from
/// `/proc/self/ns/pid`, else `PIDFD_GET_PID_NAMESPACE` on a pidfd of the
/// caller) must find the caller, so `ENOTTY`/`ENOSYS` there means the ioctl
/// is unknown. When no pid-namespace fd of the caller can be opened at all
/// the answer is `false` and is not cached.
///
/// # Kernel support
/// `true` from 6.11 on; `false` before and under qemu-user.
pub fn ns_pid_ioctls_supported() -> bool {
    match PID_IOCTLS.load(Ordering::Relaxed) {
        YES => true,
        NO => false,
        _ => {
            let answer = probe_pid_ioctls();
            if let Some(yes) = answer {
                PID_IOCTLS.store(if yes { YES } else { NO }, Ordering::Relaxed);
            }
            answer == Some(true)
        }
    }
}

const YES: u8 = 1;
const NO: u8 = 2;
static PID_IOCTLS: AtomicU8 = AtomicU8::new(0);

fn probe_pid_ioctls() -> Option<bool> {
    let own = own_pidns().ok()?;
    let me = sys::getpid();
    match sys::ioctl_nsfs_int(own.as_fd(), raw::NS_GET_PID_IN_PIDNS, me) {
        Ok(_) => Some(true),
        Err(Errno::ENOTTY) | Err(Errno::ENOSYS) => Some(false),
        // Any other answer comes from a kernel that knows the request.
        Err(_) => Some(true),
    }
}

/// An fd for the caller's own (active) pid namespace: `/proc/self/ns/pid`,
/// else `PIDFD_GET_PID_NAMESPACE` on a pidfd of the caller (6.11).
pub(crate) fn own_pidns() -> Result<OwnedFd> {
    match sys::open_cwd(c"/proc/self/ns/pid", raw::O_RDONLY | raw::O_CLOEXEC, 0) {
        Ok(fd) => Ok(fd),
        Err(e) => {
            let pidfd = sys::pidfd_open(sys::getpid(), 0).map_err(|_| e)?;
            let r = sys::ioctl_nsfs_int(pidfd.as_fd(), raw::PIDFD_GET_PID_NAMESPACE, 0);
            r.map(|fd| owned(fd as i32)).map_err(|_| e)
        }
    }
}

fn pid_ioctl(ns: BorrowedFd<'_>, request: u32, pid: i32) -> Result<i32> {
    match sys::ioctl_nsfs_int(ns, request, pid) {
        Ok(0) => Err(Errno::ESRCH),
        Ok(v) => Ok(v as i32),
        Err(Errno::ENOTTY) | Err(Errno::ENOSYS) => Err(map_enotty(ns)),
        Err(e) => Err(e),
    }
}

/// What `ENOTTY` from a pid ioctl means: "unsupported" on a kernel without
/// the ioctls, else "not found" on an nsfs fd and "not a namespace" on any
/// other fd.
fn map_enotty(ns: BorrowedFd<'_>) -> Errno {
    if !ns_pid_ioctls_supported() {
        return Errno::ENOTTY;
    }
    match sys::fstatfs_type(ns) {
        Ok(raw::NSFS_MAGIC) => Errno::ESRCH,
        Ok(_) => Errno::EINVAL,
        Err(e) => e,
    }
}

/// `NS_GET_MNTNS_ID`—the 64-bit id of the mount namespace `ns`.
///
/// # Errors
/// `EINVAL` `ns` is a namespace of another type; `ENOTTY` not a namespace
/// fd, or a kernel without the ioctl; `EBADF` not open.
///
/// # Kernel support
/// 6.11 (older kernels and qemu-user: `ENOTTY`; 6.10's short-lived `_IO`
/// variant of the request is not used).
#[doc(alias = "NS_GET_MNTNS_ID")]
pub fn ns_get_mntns_id(ns: BorrowedFd<'_>) -> Result<u64> {
    sys::ioctl_ns_get_mntns_id(ns).map_err(enosys_to_enotty)
}

/// `NS_GET_NSTYPE`—the type of the namespace `ns` (one `CLONE_NEW*` bit).
///
/// # Errors
/// `ENOTTY` not a namespace fd (or a kernel/emulator without the ioctl);
/// `EBADF` not open.
///
/// # Kernel support
/// 4.11 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_NSTYPE")]
pub fn ns_get_nstype(ns: BorrowedFd<'_>) -> Result<NsFlags> {
    let v = sys::ioctl_nsfs_int(ns, raw::NS_GET_NSTYPE, 0).map_err(enosys_to_enotty)?;
    Ok(NsFlags::from_bits_retain(v as u32))
}

/// `NS_GET_PARENT`—an fd for the parent of the pid or user namespace `ns`.
///
/// The returned fd is `O_CLOEXEC`.
///
/// # Errors
/// `EPERM` `ns` has no parent, or the parent lies outside the caller's
/// namespace subtree (the caller's own namespace answers `EPERM`);
/// `EINVAL` `ns` is neither a pid nor a user namespace; `ENOTTY` not a
/// namespace fd (or no ioctl); `EBADF` not open.
///
/// # Kernel support
/// 4.9 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_PARENT")]
pub fn ns_get_parent(ns: BorrowedFd<'_>) -> Result<OwnedFd> {
    let fd = sys::ioctl_nsfs_int(ns, raw::NS_GET_PARENT, 0).map_err(enosys_to_enotty)?;
    Ok(owned(fd as i32))
}

/// `NS_GET_USERNS`—an fd for the user namespace that owns `ns`.
///
/// The returned fd is `O_CLOEXEC`.
///
/// # Errors
/// `EPERM` the owner lies outside the caller's user-namespace subtree;
/// `ENOTTY` not a namespace fd (or no ioctl); `EBADF` not open.
///
/// # Kernel support
/// 4.9 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_USERNS")]
pub fn ns_get_userns(ns: BorrowedFd<'_>) -> Result<OwnedFd> {
    let fd = sys::ioctl_nsfs_int(ns, raw::NS_GET_USERNS, 0).map_err(enosys_to_enotty)?;
    Ok(owned(fd as i32))
}

/// `NS_GET_OWNER_UID`—the uid, in the caller's user namespace, of the
/// creator of the user namespace `ns` (the overflow uid 65534 when it has
/// no mapping there).
///
/// # Errors
/// `EINVAL` `ns` is not a user namespace; `ENOTTY` not a namespace fd (or
/// no ioctl); `EBADF` not open.
///
/// # Kernel support
/// 4.11 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_OWNER_UID")]
pub fn ns_get_owner_uid(ns: BorrowedFd<'_>) -> Result<u32> {
    sys::ioctl_ns_get_owner_uid(ns).map_err(enosys_to_enotty)
}

/// Older qemu-user releases answer unknown ioctls with `ENOSYS`; the
/// kernel's answer is `ENOTTY`.
fn enosys_to_enotty(e: Errno) -> Errno {
    if e == Errno::ENOSYS { Errno::ENOTTY } else { e }
}
