//! pidfds: a file descriptor that names one process for as long as it is
//! open, across pid reuse. [`PidFd`] is the owning type; the free
//! functions are the syscalls it is built on.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd, sentinel};
use crate::flags::{InfoMask, OFlags, PidfdFlags, SignalFlags, WaitOptions};
use crate::handle::{PidfsHandle, pidfd_from_handle, pidfd_to_handle};
use crate::info::{PidfdInfo, pidfd_get_info, pidfd_id};
use crate::ns::{NsType, pidfd_get_namespace};
use crate::procfs::{self, Pinned};
use crate::signal::SigInfo;
use crate::wait::{WaitStatus, pidfd_wait};
use crate::{raw, sys};
use core::time::Duration;

/// `PIDFD_SELF_THREAD` (-10000, 6.15): the calling thread, accepted by
/// [`pidfd_send_signal`] without opening a pidfd.
///
/// # Kernel support
/// 6.15. Older kernels answer `EBADF`; `pidfd_getfd` and `setns` answer
/// `EBADF` for it on every kernel.
pub const PIDFD_SELF_THREAD: BorrowedFd<'static> = sentinel(raw::PIDFD_SELF_THREAD);

/// `PIDFD_SELF_THREAD_GROUP` (-10001, 6.15): the calling process.
///
/// # Kernel support
/// 6.15. Older kernels answer `EBADF`.
pub const PIDFD_SELF_THREAD_GROUP: BorrowedFd<'static> = sentinel(raw::PIDFD_SELF_THREAD_GROUP);

/// `pidfd_open(pid, flags)`—Obtain a pidfd for a process.
///
/// `pid` is only a hint resolved once, at this call; from then on the pidfd
/// is the identity. Returned fds are `O_CLOEXEC`.
///
/// # Errors
/// `ESRCH` no such process; `EINVAL` bad flags or `pid <= 0`; `ENOENT`
/// (new kernels) or `EINVAL` (older) for a non-leader thread without
/// [`PidfdFlags::THREAD`].
///
/// # Kernel support
/// 5.3 (`ENOSYS` before). `NONBLOCK` 5.10, `THREAD` 6.9 (`EINVAL` before).
///
/// # References
/// pidfd_open(2)
///
/// # Examples
/// ```
/// use pidfs::{PidfdFlags, SignalFlags, getpid, pidfd_open, pidfd_send_signal};
/// let me = pidfd_open(getpid(), PidfdFlags::empty())?;
/// // Signal 0 sends nothing: it checks that the process is still there.
/// pidfd_send_signal(&me, 0, None, SignalFlags::empty())?;
/// # Ok::<(), pidfs::Errno>(())
/// ```
pub fn pidfd_open(pid: i32, flags: PidfdFlags) -> Result<OwnedFd> {
    sys::pidfd_open(pid, flags.bits())
}

/// `pidfd_send_signal(pidfd, sig, info, flags)`—Send a signal to the
/// process a pidfd names; never to a process that reused its pid.
///
/// `sig = 0` checks that the process is alive (not yet exited) without
/// sending anything. `pidfd` may be [`PIDFD_SELF_THREAD`] or
/// [`PIDFD_SELF_THREAD_GROUP`].
///
/// # Errors
/// `ESRCH` the process has exited; `EINVAL` bad signal or flags, or the
/// process lives outside the caller's pid namespace tree; `EPERM` a
/// caller-made `info` with a non-negative `si_code` for another process,
/// or no permission; `EBADF` not a pidfd.
///
/// # Kernel support
/// 5.1 (`ENOSYS` before). `flags` 6.9 (`EINVAL` before); the
/// `PIDFD_SELF_*` sentinels 6.15 (`EBADF` before).
///
/// # References
/// pidfd_send_signal(2)
///
/// # Examples
/// ```
/// use pidfs::{Command, SigInfo, SignalFlags, pidfd_send_signal};
/// let mut child = Command::new("sleep").arg("60").spawn()?;
/// // SIGTERM with a caller-made siginfo (SI_QUEUE, as sigqueue(3) sends it).
/// let info = SigInfo::new(15, -1).with_value(42);
/// pidfd_send_signal(&child.pidfd, 15, Some(&info), SignalFlags::empty())?;
/// assert_eq!(child.wait()?.signal(), Some(15));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pidfd_send_signal(
    pidfd: impl AsFd,
    sig: i32,
    info: Option<&SigInfo>,
    flags: SignalFlags,
) -> Result<()> {
    let pidfd = pidfd.as_fd();
    sys::pidfd_send_signal(pidfd, sig, info.map(SigInfo::as_raw), flags.bits())
}

/// An owned pidfd: the process it was opened for, and no other, for as
/// long as it lives.
#[derive(Debug)]
#[repr(transparent)]
pub struct PidFd(OwnedFd);

impl PidFd {
    /// [`pidfd_open`]—Open a pidfd for `pid`.
    ///
    /// # Kernel support
    /// As [`pidfd_open`]: 5.3.
    pub fn open(pid: i32, flags: PidfdFlags) -> Result<PidFd> {
        pidfd_open(pid, flags).map(PidFd)
    }

    /// [`pidfd_send_signal`] to this process.
    ///
    /// # Kernel support
    /// As [`pidfd_send_signal`]: 5.1, flags 6.9.
    pub fn send_signal(&self, sig: i32, info: Option<&SigInfo>, flags: SignalFlags) -> Result<()> {
        pidfd_send_signal(self.0.as_fd(), sig, info, flags)
    }

    /// `pidfd_send_signal(pidfd, sig, NULL, 0)`—`kill(2)` without the pid
    /// race.
    ///
    /// # Kernel support
    /// 5.1.
    pub fn kill(&self, sig: i32) -> Result<()> {
        self.send_signal(sig, None, SignalFlags::empty())
    }

    /// Borrows the pidfd.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }

    /// [`pidfd_getfd`]—Duplicate fd `targetfd` of this process into the
    /// caller.
    ///
    /// # Kernel support
    /// As [`pidfd_getfd`]: 5.6.
    pub fn getfd(&self, targetfd: ForeignRawFd) -> Result<OwnedFd> {
        pidfd_getfd(self.as_fd(), targetfd)
    }

    /// [`pidfd_wait`]—`waitid(P_PIDFD)` on this process.
    ///
    /// # Kernel support
    /// As [`pidfd_wait`]: 5.4.
    pub fn wait(&self, options: WaitOptions) -> Result<Option<WaitStatus>> {
        pidfd_wait(self.as_fd(), options)
    }

    /// [`pidfd_poll`]—Wait up to `timeout` for this process to exit.
    ///
    /// # Kernel support
    /// As [`pidfd_poll`]: 5.3.
    pub fn poll(&self, timeout: Option<Duration>) -> Result<bool> {
        pidfd_poll(self.as_fd(), timeout)
    }

    /// [`pidfd_get_info`]—`PIDFD_GET_INFO` on this
    /// process, with the /proc fallback before 6.13.
    ///
    /// # Kernel support
    /// As [`pidfd_get_info`].
    pub fn info(&self, mask: InfoMask) -> Result<PidfdInfo> {
        pidfd_get_info(self.as_fd(), mask)
    }

    /// The `Pid:` line of this pidfd's fdinfo—the process's pid in the
    /// caller's pid namespace, read now.
    ///
    /// Strictly, the pid namespace `/proc` was mounted from: the caller's,
    /// unless it entered another pid namespace without remounting `/proc`.
    /// The fdinfo is read from `/proc/thread-self/fdinfo/<fd>`, the calling
    /// thread's fd table: a thread that did `unshare(CLONE_FILES)` may hold
    /// another file at this number in the thread-group leader's table
    /// (`/proc/self`), whose pid would be another process's.
    ///
    /// A pid is only a hint: it may be reused as soon as the process is
    /// reaped. Use the pidfd (or [`PidFd::id`]) as the identity.
    ///
    /// # Errors
    /// `ESRCH` once the process has been reaped (fdinfo says `Pid: -1`);
    /// `EREMOTE` when it lives outside the pid namespace of `/proc`
    /// (`Pid: 0`); `EBADF` not a pidfd, or no `/proc`.
    ///
    /// # Kernel support
    /// 5.3 (the fdinfo `Pid:` line came with pidfds; `/proc/thread-self`
    /// is 3.17).
    pub fn pid(&self) -> Result<i32> {
        procfs::pidfd_pid(self.as_fd())
    }

    /// [`pidfd_id`]—The process's 64-bit identity.
    ///
    /// # Kernel support
    /// As [`pidfd_id`]: 6.9 (`EOPNOTSUPP` before, and on a 32-bit kernel
    /// before 6.14).
    pub fn id(&self) -> Result<u64> {
        pidfd_id(self.as_fd())
    }

    /// [`pidfd_get_namespace`]—An fd for one of this process's namespaces.
    ///
    /// # Kernel support
    /// As [`pidfd_get_namespace`].
    pub fn namespace(&self, ns: NsType) -> Result<OwnedFd> {
        pidfd_get_namespace(self.as_fd(), ns)
    }

    /// Whether `self` and `other` name the same process.
    ///
    /// Compares the 64-bit identities ([`pidfd_id`]), never
    /// the pid numbers, so a reused pid never compares equal. Without
    /// identities (before 6.9, and on a 32-bit kernel before 6.14) it
    /// compares the fdinfo pids and then checks with
    /// `pidfd_send_signal(pidfd, 0)` that both processes are still alive,
    /// so neither pid can have been reused in between. On a 32-bit pidfs
    /// kernel (6.9-6.13) it first compares the two pidfds' 32-bit inode
    /// numbers: a process has one pidfs inode while any pidfd holds it,
    /// so different numbers of two open pidfds are two processes (equal
    /// ones go on to the fdinfo check: 6.13 may reuse a reaped process's).
    ///
    /// # Errors
    /// Without identities only: `ESRCH` if both processes have exited and
    /// the inode numbers do not tell them apart. An exited process and a
    /// live one are different (`Ok(false)`).
    ///
    /// # Kernel support
    /// 6.9 for the identity (6.14 on 32-bit kernels); the fdinfo fallback
    /// on 5.3+.
    ///
    /// # Examples
    /// ```
    /// use pidfs::{PidFd, PidfdFlags, getpid};
    /// let a = PidFd::open(getpid(), PidfdFlags::empty())?;
    /// let b = PidFd::open(getpid(), PidfdFlags::empty())?;
    /// assert!(a.same_process(&b)?); // two fds, one process
    /// # Ok::<(), pidfs::Errno>(())
    /// ```
    pub fn same_process(&self, other: &PidFd) -> Result<bool> {
        match (self.id(), other.id()) {
            (Ok(a), Ok(b)) => return Ok(a == b),
            (Err(Errno::EOPNOTSUPP), _) | (_, Err(Errno::EOPNOTSUPP)) => {}
            (Err(e), _) | (_, Err(e)) => return Err(e),
        }
        // 32-bit pidfs (6.9-6.13): both pidfds are open, so each holds its
        // process's one inode; different numbers, different processes.
        let pidfs = |p: &PidFd| sys::fstatfs_type(p.as_fd()) == Ok(raw::PIDFS_MAGIC);
        if pidfs(self)
            && pidfs(other)
            && procfs::ino_of_fd(self.as_fd())? != procfs::ino_of_fd(other.as_fd())?
        {
            return Ok(false);
        }
        same_process_by_fdinfo(self.as_fd(), other.as_fd())
    }

    /// [`pidfd_to_handle`]—This process's pidfs handle (its 64-bit id).
    ///
    /// # Errors
    /// As [`pidfd_to_handle`]: `EOPNOTSUPP` before 6.14.
    ///
    /// # Kernel support
    /// 6.14.
    pub fn to_handle(&self) -> Result<PidfsHandle> {
        pidfd_to_handle(self.as_fd())
    }

    /// [`pidfd_from_handle`]—Reopen a pidfd from a stored handle
    /// (`O_CLOEXEC` always added).
    ///
    /// # Errors
    /// As [`pidfd_from_handle`]: `ESTALE` once the process is reaped.
    ///
    /// # Kernel support
    /// 6.14; `FD_PIDFS_ROOT` 6.17 (fallback before).
    pub fn from_handle(handle: &PidfsHandle, flags: OFlags) -> Result<PidFd> {
        pidfd_from_handle(handle, flags).map(PidFd::from)
    }

    /// Wraps `fd` after checking that it is a pidfd: its fdinfo has a
    /// `Pid:` line and `fstatfs` says pidfs (6.9+) or anon_inode (before).
    ///
    /// # Errors
    /// `EINVAL` when `fd` is not a pidfd (`fd` is closed then); `ENOENT`
    /// without `/proc`.
    ///
    /// # Kernel support
    /// 5.3.
    pub fn try_from_fd(fd: OwnedFd) -> Result<PidFd> {
        let magic = sys::fstatfs_type(fd.as_fd())?;
        if magic != raw::PIDFS_MAGIC && magic != raw::ANON_INODE_FS_MAGIC {
            return Err(Errno::EINVAL);
        }
        match procfs::fdinfo_via(None, fd.as_fd())? {
            Some(_) => Ok(PidFd(fd)),
            None => Err(Errno::EINVAL),
        }
    }
}

/// [`PidFd::same_process`] before 6.9: compare the fdinfo pids (read from
/// the calling thread's fd table), each confirmed by the crate's one rule
/// (`procfs::pinned`): a pid read and then seen to belong to a live
/// process was that process's throughout.
pub(crate) fn same_process_by_fdinfo(a: BorrowedFd<'_>, b: BorrowedFd<'_>) -> Result<bool> {
    let outer = procfs::pinned(a, procfs::fdinfo_pid, |pa| {
        procfs::pinned(b, procfs::fdinfo_pid, |pb| pa == pb)
    })?;
    let inner: Pinned<bool> = outer.value?;
    // `b` was checked first (t1), `a` after (t2).
    match (outer.alive, inner.alive) {
        // Both alive after both pids were read: neither number can have
        // been reused in between, so equal numbers mean one process.
        (true, true) => Ok(inner.value),
        // `b` dead at t1, `a` alive at t2: a process never comes back to
        // life, so these are two processes.
        (true, false) => Ok(false),
        // `b` alive at t1, `a` dead at t2: one process may have died in
        // between; if `b` is still alive now, they differ.
        (false, true) if procfs::is_alive(b)? => Ok(false),
        _ => Err(Errno::ESRCH),
    }
}

impl AsFd for PidFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsRawFd for PidFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl From<PidFd> for OwnedFd {
    fn from(p: PidFd) -> OwnedFd {
        p.0
    }
}

/// Wraps an fd without checking that it is a pidfd (see
/// `PidFd::try_from_fd` for the checked form).
impl From<OwnedFd> for PidFd {
    fn from(fd: OwnedFd) -> PidFd {
        PidFd(fd)
    }
}

/// Takes an fd without checking that it is a pidfd, as `From<OwnedFd>`.
#[allow(unsafe_code)]
impl FromRawFd for PidFd {
    /// # Safety
    /// As `OwnedFd::from_raw_fd`: `fd` is open, owned by nobody else, and
    /// not -1 (a pidfd, for the methods to mean anything).
    unsafe fn from_raw_fd(fd: RawFd) -> PidFd {
        // SAFETY: the caller's promise, passed on.
        PidFd(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

/// Gives up the pidfd without closing it.
impl IntoRawFd for PidFd {
    fn into_raw_fd(self) -> RawFd {
        self.0.into_raw_fd()
    }
}

/// `pidfd_open(child.id(), 0)`—A pidfd for a child started by
/// `std::process::Command`.
///
/// Race-free while the child is unreaped: a pid cannot be reused before
/// its process has been reaped, and std reaps a `Child` only in `wait`,
/// `wait_with_output` and a `try_wait` that returns `Some`. So convert
/// before any of those (afterwards `child.id()` may name a newer process).
/// The same holds only if nothing else in the process reaps children
/// behind std's back: a `waitpid(-1)`/`waitid(P_ALL)` elsewhere, or
/// `SIGCHLD` set to `SIG_IGN` (or `SA_NOCLDWAIT`), which reaps every child
/// at exit. Once open, the pidfd names that one process for good, and
/// `std`'s `wait` still works (the pidfd does not reap).
///
/// # Errors
/// `ESRCH` the child has already been reaped (or, with an auto-reaping
/// `SIGCHLD`, has exited); the errors of [`pidfd_open`].
///
/// # Kernel support
/// 5.3, as [`pidfd_open`].
///
/// # Examples
/// ```
/// use pidfs::PidFd;
/// let mut child = std::process::Command::new("sleep").arg("60").spawn()?;
/// let pidfd = PidFd::try_from(&child)?;
/// pidfd.kill(libc::SIGTERM)?;
/// assert!(!child.wait()?.success());
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "std")]
impl TryFrom<&std::process::Child> for PidFd {
    type Error = Errno;
    fn try_from(child: &std::process::Child) -> Result<PidFd> {
        let pid = i32::try_from(child.id()).map_err(|_| Errno::ESRCH)?;
        PidFd::open(pid, PidfdFlags::empty())
    }
}

/// An fd number in another process's fd table (the `targetfd` of
/// [`pidfd_getfd`]): meaningful only there.
pub type ForeignRawFd = RawFd;

/// `pidfd_getfd(pidfd, targetfd, 0)`—Duplicate an fd of another process
/// into the caller, as `O_CLOEXEC`.
///
/// # Errors
/// `EBADF` `targetfd` is not open in the target (or `pidfd` is not a
/// pidfd, or is a `PIDFD_SELF_*` sentinel); `ESRCH` the process has exited
/// (even before it is reaped); `EPERM` no `PTRACE_MODE_ATTACH_REALCREDS`
/// permission; `EMFILE` the caller's fd table is full.
///
/// # Kernel support
/// 5.6 (`ENOSYS` before).
///
/// # References
/// pidfd_getfd(2)
///
/// # Examples
/// ```
/// use pidfs::{PidFd, PidfdFlags, getpid, pidfd_getfd};
/// use std::os::fd::AsRawFd;
/// let file = std::fs::File::open("/proc/self/status")?;
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// // The number is looked up in the target's fd table (here: our own).
/// let copy = pidfd_getfd(&me, file.as_raw_fd())?;
/// assert_ne!(copy.as_raw_fd(), file.as_raw_fd());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pidfd_getfd(pidfd: impl AsFd, targetfd: ForeignRawFd) -> Result<OwnedFd> {
    let pidfd = pidfd.as_fd();
    sys::pidfd_getfd(pidfd, targetfd, 0)
}

/// `ppoll([{pidfd, POLLIN}], timeout)`—Wait up to `timeout` (`None`:
/// forever) for the process to exit.
///
/// `Ok(true)` once the process has exited (`POLLIN`; `POLLHUP` joins it
/// once reaped), `Ok(false)` on timeout.
///
/// # Errors
/// `EBADF` not an open fd (`POLLNVAL`); `EINTR` a signal arrived.
///
/// # Kernel support
/// 5.3.
///
/// # References
/// ppoll(2), pidfd_open(2)
///
/// # Examples
/// ```
/// use pidfs::{Command, pidfd_poll};
/// use std::time::Duration;
/// let mut child = Command::new("true").spawn()?;
/// assert!(pidfd_poll(&child.pidfd, Some(Duration::from_secs(10)))?, "exited");
/// assert!(child.wait()?.success());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pidfd_poll(pidfd: impl AsFd, timeout: Option<Duration>) -> Result<bool> {
    let pidfd = pidfd.as_fd();
    let mut fds = [raw::pollfd {
        fd: pidfd.as_raw_fd(),
        events: raw::POLLIN,
        revents: 0,
    }];
    let ts = timeout.map(|d| raw::__kernel_timespec {
        tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(d.subsec_nanos()),
    });
    let n = sys::ppoll(&mut fds, ts.as_ref())?;
    if n == 0 {
        return Ok(false);
    }
    if fds[0].revents & raw::POLLNVAL != 0 {
        return Err(Errno::EBADF);
    }
    Ok(fds[0].revents & (raw::POLLIN | raw::POLLHUP) != 0)
}
