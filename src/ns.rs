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
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::flags::NsFlags;
use crate::path::PathBuf;
use crate::procfs;
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
///
/// # Examples
/// ```
/// use pidfs::{Errno, NsType, PidFd, PidfdFlags, getpid, ns_get_pid_from_pidns};
/// let ns = PidFd::open(getpid(), PidfdFlags::empty())?.namespace(NsType::Pid)?;
/// match ns_get_pid_from_pidns(&ns, getpid()) {
///     Ok(pid) => assert_eq!(pid, getpid()),
///     Err(Errno::ENOTTY) => {} // before 6.11: see Translator
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), pidfs::Errno>(())
/// ```
#[doc(alias = "NS_GET_PID_FROM_PIDNS")]
pub fn ns_get_pid_from_pidns(ns: impl AsFd, pid: i32) -> Result<i32> {
    let ns = ns.as_fd();
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
pub fn ns_get_tgid_from_pidns(ns: impl AsFd, pid: i32) -> Result<i32> {
    let ns = ns.as_fd();
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
pub fn ns_get_pid_in_pidns(ns: impl AsFd, pid: i32) -> Result<i32> {
    let ns = ns.as_fd();
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
pub fn ns_get_tgid_in_pidns(ns: impl AsFd, pid: i32) -> Result<i32> {
    let ns = ns.as_fd();
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
    match sys::ns_pid(own.as_fd(), raw::NS_GET_PID_IN_PIDNS, me) {
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
            sys::pidfd_get_ns(pidfd.as_fd(), raw::PIDFD_GET_PID_NAMESPACE).map_err(|_| e)
        }
    }
}

fn pid_ioctl(ns: BorrowedFd<'_>, request: u32, pid: i32) -> Result<i32> {
    match sys::ns_pid(ns, request, pid) {
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
pub fn ns_get_mntns_id(ns: impl AsFd) -> Result<u64> {
    let ns = ns.as_fd();
    sys::ns_get_mntns_id(ns).map_err(enosys_to_enotty)
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
pub fn ns_get_nstype(ns: impl AsFd) -> Result<NsFlags> {
    let ns = ns.as_fd();
    let v = sys::ns_get_nstype(ns).map_err(enosys_to_enotty)?;
    Ok(NsFlags::from_bits_retain(v))
}

/// `NS_GET_PARENT`—an fd for the parent of the pid or user namespace `ns`.
///
/// The returned fd is `O_CLOEXEC`.
///
/// # Errors
/// `EPERM` `ns` has no parent, or the parent lies outside the caller's
/// namespace subtree (the caller's own namespace answers `EPERM`);
/// `EINVAL` `ns` is neither a pid nor a user namespace; `ENOTTY` not a
/// namespace fd (checked with `fstatfs` first: the ioctl is issued on nsfs
/// fds only), or no ioctl; `EBADF` not open; `EIO` the ioctl answered
/// something that is not a namespace fd (an emulator or a seccomp
/// supervisor did; the number is not taken over, so never closed).
///
/// # Kernel support
/// 4.9 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_PARENT")]
pub fn ns_get_parent(ns: impl AsFd) -> Result<OwnedFd> {
    let ns = ns.as_fd();
    ns_fd_ioctl(ns, raw::NS_GET_PARENT)
}

/// `NS_GET_PARENT`/`NS_GET_USERNS`, issued only on an nsfs fd: another
/// file's driver could answer the request number with a value that is not
/// a new fd, so such an fd gets the kernel's answer for it (`ENOTTY`)
/// without the ioctl. The answer is taken only if it is an nsfs fd (`EIO`
/// otherwise, and the number is left alone: see `sys::nsfs_fd_ret`).
fn ns_fd_ioctl(ns: BorrowedFd<'_>, request: u32) -> Result<OwnedFd> {
    if sys::fstatfs_type(ns)? != raw::NSFS_MAGIC {
        return Err(Errno::ENOTTY);
    }
    sys::ns_get_fd(ns, request).map_err(enosys_to_enotty)
}

/// `NS_GET_USERNS`—an fd for the user namespace that owns `ns`.
///
/// The returned fd is `O_CLOEXEC`.
///
/// # Errors
/// `EPERM` the owner lies outside the caller's user-namespace subtree;
/// `ENOTTY` not a namespace fd (checked with `fstatfs` first), or no
/// ioctl; `EBADF` not open; `EIO` an answer that is not a namespace fd (as
/// [`ns_get_parent`]).
///
/// # Kernel support
/// 4.9 (older kernels and qemu-user: `ENOTTY`); so does a 32-bit
/// process on a 64-bit kernel before 6.3, where nsfs had no `compat_ioctl`.
#[doc(alias = "NS_GET_USERNS")]
pub fn ns_get_userns(ns: impl AsFd) -> Result<OwnedFd> {
    let ns = ns.as_fd();
    ns_fd_ioctl(ns, raw::NS_GET_USERNS)
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
pub fn ns_get_owner_uid(ns: impl AsFd) -> Result<u32> {
    let ns = ns.as_fd();
    sys::ns_get_owner_uid(ns).map_err(enosys_to_enotty)
}

/// Older qemu-user releases answer unknown ioctls with `ENOSYS`; the
/// kernel's answer is `ENOTTY`.
fn enosys_to_enotty(e: Errno) -> Errno {
    if e == Errno::ENOSYS { Errno::ENOTTY } else { e }
}

/// A kind of namespace, for [`pidfd_get_namespace`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NsType {
    /// `PIDFD_GET_CGROUP_NAMESPACE` (`/proc/<pid>/ns/cgroup`).
    Cgroup,
    /// `PIDFD_GET_IPC_NAMESPACE` (`ns/ipc`).
    Ipc,
    /// `PIDFD_GET_MNT_NAMESPACE` (`ns/mnt`).
    Mnt,
    /// `PIDFD_GET_NET_NAMESPACE` (`ns/net`).
    Net,
    /// `PIDFD_GET_PID_NAMESPACE` (`ns/pid`): the one the process lives in.
    Pid,
    /// `PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE` (`ns/pid_for_children`).
    PidForChildren,
    /// `PIDFD_GET_TIME_NAMESPACE` (`ns/time`).
    Time,
    /// `PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE` (`ns/time_for_children`).
    TimeForChildren,
    /// `PIDFD_GET_USER_NAMESPACE` (`ns/user`).
    User,
    /// `PIDFD_GET_UTS_NAMESPACE` (`ns/uts`).
    Uts,
}

impl NsType {
    /// All ten kinds, in ioctl order.
    pub const ALL: [NsType; 10] = [
        NsType::Cgroup,
        NsType::Ipc,
        NsType::Mnt,
        NsType::Net,
        NsType::Pid,
        NsType::PidForChildren,
        NsType::Time,
        NsType::TimeForChildren,
        NsType::User,
        NsType::Uts,
    ];

    /// The `PIDFD_GET_*_NAMESPACE` ioctl request.
    pub const fn ioctl(self) -> u32 {
        match self {
            NsType::Cgroup => raw::PIDFD_GET_CGROUP_NAMESPACE,
            NsType::Ipc => raw::PIDFD_GET_IPC_NAMESPACE,
            NsType::Mnt => raw::PIDFD_GET_MNT_NAMESPACE,
            NsType::Net => raw::PIDFD_GET_NET_NAMESPACE,
            NsType::Pid => raw::PIDFD_GET_PID_NAMESPACE,
            NsType::PidForChildren => raw::PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE,
            NsType::Time => raw::PIDFD_GET_TIME_NAMESPACE,
            NsType::TimeForChildren => raw::PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE,
            NsType::User => raw::PIDFD_GET_USER_NAMESPACE,
            NsType::Uts => raw::PIDFD_GET_UTS_NAMESPACE,
        }
    }

    /// The file name under `/proc/<pid>/ns/`.
    pub const fn proc_name(self) -> &'static str {
        match self {
            NsType::Cgroup => "cgroup",
            NsType::Ipc => "ipc",
            NsType::Mnt => "mnt",
            NsType::Net => "net",
            NsType::Pid => "pid",
            NsType::PidForChildren => "pid_for_children",
            NsType::Time => "time",
            NsType::TimeForChildren => "time_for_children",
            NsType::User => "user",
            NsType::Uts => "uts",
        }
    }

    /// The `CLONE_NEW*` bit `NS_GET_NSTYPE` answers for such an fd (and
    /// `setns` takes).
    pub const fn flag(self) -> NsFlags {
        match self {
            NsType::Cgroup => NsFlags::CGROUP,
            NsType::Ipc => NsFlags::IPC,
            NsType::Mnt => NsFlags::MNT,
            NsType::Net => NsFlags::NET,
            NsType::Pid | NsType::PidForChildren => NsFlags::PID,
            NsType::Time | NsType::TimeForChildren => NsFlags::TIME,
            NsType::User => NsFlags::USER,
            NsType::Uts => NsFlags::UTS,
        }
    }
}

/// `ioctl(pidfd, PIDFD_GET_<NS>_NAMESPACE, 0)`—An fd (`O_CLOEXEC`) for one
/// of the namespaces of the process a pidfd names.
///
/// Before 6.11 (the ioctl answers `ENOTTY`, or `EINVAL` on some kernels;
/// also under qemu-user) it opens `/proc/<pid>/ns/<name>` race-free: the
/// pid is read from the pidfd's fdinfo, the file opened, and then
/// `pidfd_send_signal(pidfd, 0)` confirms that the process is still alive,
/// so the pid cannot have been reused in between.
///
/// The ioctl is issued on pidfs files only (`fstatfs`; 6.9+), and its
/// answer taken only if it is a namespace (nsfs) fd; older pidfds
/// (anon_inode, which other files share) go to the fallback, which checks
/// that the fd is a pidfd.
///
/// # Errors
/// `ESRCH` the process has exited; `EPERM`/`EACCES` no ptrace-read access;
/// `EOPNOTSUPP` (ioctl) or `ENOENT` (fallback) for a namespace kind the
/// kernel lacks; `EBADF` not a pidfd (or a `PIDFD_SELF_*` sentinel); `EIO`
/// the ioctl answered something that is not a namespace fd (an emulator or
/// a seccomp supervisor did; the number is not taken over).
///
/// # Kernel support
/// 6.11 for the ioctl; the /proc fallback works on every kernel with pidfds
/// (5.3), `time` namespaces need 5.6 and `pid_for_children` 4.12.
///
/// # Examples
/// ```
/// use pidfs::{NsType, PidFd, PidfdFlags, getpid, pidfd_get_namespace};
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// // The ioctl on 6.11+, a race-free open of /proc/<pid>/ns/uts before.
/// let uts = pidfd_get_namespace(&me, NsType::Uts)?;
/// let link = std::fs::read_link(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&uts)))?;
/// assert!(link.to_string_lossy().starts_with("uts:["));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pidfd_get_namespace(pidfd: impl AsFd, ns: NsType) -> Result<OwnedFd> {
    let pidfd = pidfd.as_fd();
    // The ioctl only on a pidfs file (6.9+; the ioctl is 6.11): before,
    // pidfds share the anon_inode filesystem with other files whose
    // ioctls could answer the request number; the fallback checks that
    // the fd is a pidfd.
    if sys::fstatfs_type(pidfd)? != raw::PIDFS_MAGIC {
        return pidfd_get_namespace_fallback(pidfd, ns);
    }
    match sys::pidfd_get_ns(pidfd, ns.ioctl()) {
        Err(Errno::ENOTTY | Errno::EINVAL | Errno::ENOSYS) => {
            pidfd_get_namespace_fallback(pidfd, ns)
        }
        r => r,
    }
}

/// The /proc fallback of [`pidfd_get_namespace`]: `/proc/<pid>/ns/<name>`
/// opened under the crate's one rule (`procfs::pinned`: the pid read from
/// the fdinfo, the file opened, the process then seen alive).
pub(crate) fn pidfd_get_namespace_fallback(pidfd: BorrowedFd<'_>, ns: NsType) -> Result<OwnedFd> {
    procfs::pinned(pidfd, procfs::pidfd_pid_or_esrch, |pid| {
        let mut path = PathBuf::proc(pid, b"ns/");
        path.push(ns.proc_name().as_bytes());
        procfs::open_ro(path.as_cstr()?)
    })?
    .or_esrch()?
}

/// `setns(fd, nstype)`—Move the calling thread into the namespaces `fd`
/// names: a namespace fd (`nstype` empty or its kind) or a pidfd (5.8;
/// `nstype` must name at least one namespace, and several move at once,
/// atomically).
///
/// # Errors
/// `EINVAL` a pidfd with empty `nstype`, or `nstype` not matching a
/// namespace fd; `EPERM` missing `CAP_SYS_ADMIN` in the target's user
/// namespace; `EBADF` bad fd (also the `PIDFD_SELF_*` sentinels); `ESRCH`
/// the process has exited.
///
/// # Kernel support
/// 3.0 for namespace fds; pidfds 5.8 (`EINVAL` before).
///
/// # References
/// setns(2)
pub fn setns(fd: impl AsFd, nstype: NsFlags) -> Result<()> {
    let fd = fd.as_fd();
    sys::setns(fd, nstype.bits())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PIDFD_GET_<NS>_NAMESPACE` is `_IO(0xFF, n)` with n = 1..=10 in
    /// `NsType::ALL` order (include/uapi/linux/pidfd.h).
    #[test]
    fn ns_types_distinct() {
        for (i, a) in NsType::ALL.iter().enumerate() {
            assert_eq!(a.ioctl(), 0xff00 | (i as u32 + 1));
        }
    }
}
