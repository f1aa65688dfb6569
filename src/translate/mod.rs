//! PID translation across pid namespaces, three ways, one answer.
//!
//! A [`Translator`] turns a pid in a pid namespace `ns` into the caller's
//! pid namespace (`*_from_pidns`) and back (`*_in_pidns`), by one of three
//! [`Method`]s:
//!
//! - [`Method::Ioctl`]: the nsfs ioctls of 6.11 (`NS_GET_PID_FROM_PIDNS`
//!   and friends, [`ns_get_pid_from_pidns`](crate::ns_get_pid_from_pidns)),
//!   about 0.3 µs.
//! - [`Method::Fork`]: what LXCFS does without kernel help. An `AF_UNIX`
//!   `SOCK_DGRAM` socket pair; a child that `setns(CLONE_NEWPID)`s into
//!   `ns` and forks again, so that the grandchild really lives in `ns`; the
//!   kernel translates the pid in an `SCM_CREDENTIALS` message from the
//!   sender's pid namespace into the receiver's. "From": the grandchild
//!   sends `ucred.pid = pid` and the caller (with `SO_PASSCRED`) receives
//!   the translated number. "In": the caller sends `ucred.pid = pid`, the
//!   grandchild (with `SO_PASSCRED`) receives the number as seen in `ns`
//!   and sends it back as plain data. About 250 µs (two forks).
//! - [`Method::Proc`]: the `NSpid:`/`NStgid:` lines of `/proc/<pid>/status`
//!   (read to its end, line by line, through a stack buffer): the pid at
//!   every level from the procfs namespace down to the task's own. "In" reads the task's line and
//!   picks the entry at `ns`'s level; "from" scans `/proc` (processes, then
//!   threads) for the task whose entry at that level is `pid`. "In" costs
//!   two status reads and a few `/proc` lookups (30 µs or so: the caller's
//!   procfs and the task's namespace are checked on every call); "from" a
//!   scan of every task (milliseconds).
//!
//! # One contract for every method
//!
//! | condition | every method answers |
//! |---|---|
//! | `ns` is not open | `EBADF` |
//! | `ns` is not a pid namespace (another namespace type, a pidfd, a pipe, a file) | `EINVAL` |
//! | `pid <= 0`, no such task in the source namespace (a dead process included), or it has no number in the target namespace | `ESRCH` |
//!
//! Method-specific answers (what a method genuinely cannot do):
//!
//! - `Ioctl`: `ENOTTY` on a kernel without the ioctls (before 6.11,
//!   qemu-user). It can also translate relative to an ancestor or unrelated
//!   pid namespace, which the others refuse with `EINVAL`: `setns` only
//!   enters the caller's own pid namespace or a descendant.
//! - `Fork`: `EPERM` without `CAP_SYS_ADMIN` over `ns` (for `setns`), and
//!   for the "in" direction also over the caller's own pid namespace (the
//!   kernel only lets a privileged sender put another process's pid in
//!   `SCM_CREDENTIALS`); `ETIMEDOUT` when the helpers do not answer within
//!   the timeout (they are then killed and reaped); `EAGAIN`/`ENOMEM` when
//!   fork fails; `ECHILD` when a helper is killed from outside before it
//!   answers.
//! - `Proc`: `EOPNOTSUPP` when `/proc` is not a procfs of the caller's own
//!   pid namespace (`NSpid:` of `/proc/self/status` must have exactly one
//!   entry). A task that lives in a namespace *below* `ns` is told apart
//!   from one below a sibling of `ns` with `NS_GET_PARENT`, or where that
//!   is unknown (qemu-user, before 4.9, a 32-bit caller on a 64-bit kernel
//!   before 6.3) by its parent-process chain; when
//!   that chain cannot tell either (it leaves `/proc`, or skips `ns`'s
//!   level because a process `setns`ed its child there from above), the
//!   answer is `EOPNOTSUPP`. Without `NS_GET_PARENT` a namespace where
//!   `/proc` shows no task answers `ESRCH` (empty, or an ancestor: they
//!   look the same there). `EACCES` when the task's `/proc/<pid>/ns/pid`
//!   link may not be read (another user's task, without `CAP_SYS_PTRACE`).
//! - `Fork` on a namespace whose init has died: `ESRCH` (the kernel
//!   refuses new tasks there with `ENOMEM`, mapped).
//! - `Fork` and `Proc`, tgid variants: the tgid of a thread comes from
//!   `/proc/<tid>/status` `Tgid:`; without a procfs of the caller's
//!   namespace only thread-group leaders can be answered (`EOPNOTSUPP`
//!   for other threads).
//!
//! # Threads: pid versus tgid
//!
//! `pid_*` translate the number of one task (a thread id for a thread);
//! `tgid_*` answer the thread-group id of that task's process. The kernel
//! translates `ucred.pid` as whatever `struct pid` the number names, so
//! the fork method translates a thread id as a thread id; for the tgid
//! variants it first finds the task's thread-group id in the caller's
//! namespace and translates that.
//!
//! A pid is only a hint: the answer may name another process by the time it
//! is used. Open a pidfd and check it when that matters.
//!

pub(crate) mod fork;
mod proc;

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, fd_cwd};
use crate::flags::NsFlags;
use crate::ns;
use crate::path::PathBuf;
use crate::{raw, sys};
use core::time::Duration;

/// How a [`Translator`] translates.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// The nsfs ioctls (`NS_GET_PID_FROM_PIDNS` and friends, 6.11).
    Ioctl,
    /// The LXCFS method: `setns` + double fork + `SCM_CREDENTIALS`.
    Fork,
    /// The `NSpid:` lines of `/proc/<pid>/status`.
    Proc,
}

/// The default bound on one fork-based translation.
pub const DEFAULT_FORK_TIMEOUT: Duration = Duration::from_secs(10);

/// Translates pids between the caller's pid namespace and another one, by
/// one [`Method`]; see the [module docs](self) for the error contract all
/// methods share.
///
/// # Examples
/// ```
/// use pidfs::{Errno, NsType, PidFd, PidfdFlags, Translator, getpid};
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// let own_ns = me.namespace(NsType::Pid)?;
/// let t = Translator::new(); // the nsfs ioctls on 6.11+, else the fork method
/// match t.pid_in_pidns(&own_ns, getpid()) {
///     // In our own pid namespace every pid is itself.
///     Ok(pid) => assert_eq!(pid, getpid()),
///     // The fork method needs CAP_SYS_ADMIN to setns, even into our own.
///     Err(Errno::EPERM) => {}
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), pidfs::Errno>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Translator {
    method: Method,
    timeout: Duration,
}

impl Default for Translator {
    fn default() -> Translator {
        Translator::new()
    }
}

impl Translator {
    /// `NS_GET_PID_IN_PIDNS` probe—a translator using the best method this
    /// kernel supports: [`Method::Ioctl`] when the nsfs pid ioctls exist
    /// ([`ns_pid_ioctls_supported`](crate::ns_pid_ioctls_supported),
    /// probed once per process), else [`Method::Fork`]. [`Method::Proc`] is
    /// never picked by itself: its "from" direction scans every task, and
    /// it needs a procfs of the caller's namespace; force it with
    /// [`Translator::with_method`] (for example for an unprivileged caller
    /// on a kernel without the ioctls, where the fork method answers
    /// `EPERM`).
    ///
    /// # Kernel support
    /// `Ioctl` from 6.11; `Fork` before and under qemu-user (it needs only
    /// `setns` (3.8) and `SCM_CREDENTIALS`).
    pub fn new() -> Translator {
        let method = if ns::ns_pid_ioctls_supported() {
            Method::Ioctl
        } else {
            Method::Fork
        };
        Translator::with_method(method)
    }

    /// A translator forced to use `method`, without probing.
    ///
    /// # Kernel support
    /// Any; an unsupported method answers with its documented errno.
    pub fn with_method(method: Method) -> Translator {
        Translator {
            method,
            timeout: DEFAULT_FORK_TIMEOUT,
        }
    }

    /// Sets the bound on one fork-based translation (default
    /// [`DEFAULT_FORK_TIMEOUT`]); past it the helpers are killed and reaped
    /// and the call answers `ETIMEDOUT`. Other methods ignore it.
    ///
    /// The first helper enforces it on the grandchild; should the first
    /// helper itself stop (a `SIGSTOP` from outside), the caller kills it
    /// two seconds later.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn with_timeout(mut self, timeout: Duration) -> Translator {
        self.timeout = timeout;
        self
    }

    /// The method in use.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn method(&self) -> Method {
        self.method
    }

    /// The fork-method timeout in use.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `NS_GET_PID_FROM_PIDNS` (or its fork/proc equivalent)—the caller's
    /// number for the task whose id in the pid namespace `ns` is `pid`.
    ///
    /// # Errors
    /// See the [module docs](self): `EBADF`, `EINVAL`, `ESRCH` from every
    /// method, plus each method's own.
    ///
    /// # Kernel support
    /// `Ioctl` 6.11; `Fork` and `Proc` every supported kernel.
    pub fn pid_from_pidns(&self, ns: impl AsFd, pid: i32) -> Result<i32> {
        let ns = ns.as_fd();
        self.translate(ns, pid, Dir::From, false)
    }

    /// `NS_GET_PID_IN_PIDNS` (or its fork/proc equivalent)—the number in
    /// the pid namespace `ns` of the task whose id in the caller's pid
    /// namespace is `pid`.
    ///
    /// # Errors
    /// As [`Translator::pid_from_pidns`].
    ///
    /// # Kernel support
    /// As [`Translator::pid_from_pidns`].
    pub fn pid_in_pidns(&self, ns: impl AsFd, pid: i32) -> Result<i32> {
        let ns = ns.as_fd();
        self.translate(ns, pid, Dir::Into, false)
    }

    /// `NS_GET_TGID_FROM_PIDNS` (or its equivalent)—the thread-group id, in
    /// the caller's pid namespace, of the task whose id in `ns` is `pid`.
    ///
    /// # Errors
    /// As [`Translator::pid_from_pidns`].
    ///
    /// # Kernel support
    /// As [`Translator::pid_from_pidns`].
    pub fn tgid_from_pidns(&self, ns: impl AsFd, pid: i32) -> Result<i32> {
        let ns = ns.as_fd();
        self.translate(ns, pid, Dir::From, true)
    }

    /// `NS_GET_TGID_IN_PIDNS` (or its equivalent)—the thread-group id, in
    /// `ns`, of the task whose id in the caller's pid namespace is `pid`.
    ///
    /// # Errors
    /// As [`Translator::pid_from_pidns`].
    ///
    /// # Kernel support
    /// As [`Translator::pid_from_pidns`].
    pub fn tgid_in_pidns(&self, ns: impl AsFd, pid: i32) -> Result<i32> {
        let ns = ns.as_fd();
        self.translate(ns, pid, Dir::Into, true)
    }

    fn translate(&self, ns: BorrowedFd<'_>, pid: i32, dir: Dir, tgid: bool) -> Result<i32> {
        match self.method {
            Method::Ioctl => match (dir, tgid) {
                (Dir::From, false) => ns::ns_get_pid_from_pidns(ns, pid),
                (Dir::From, true) => ns::ns_get_tgid_from_pidns(ns, pid),
                (Dir::Into, false) => ns::ns_get_pid_in_pidns(ns, pid),
                (Dir::Into, true) => ns::ns_get_tgid_in_pidns(ns, pid),
            },
            Method::Fork => {
                check_pidns(ns)?;
                if pid <= 0 {
                    return Err(Errno::ESRCH);
                }
                match (dir, tgid) {
                    (Dir::From, false) | (Dir::Into, false) => {
                        fork::translate(ns, pid, dir, self.timeout)
                    }
                    (Dir::From, true) => {
                        proc::tgid_of_ours(fork::translate(ns, pid, dir, self.timeout)?)
                    }
                    (Dir::Into, true) => {
                        fork::translate(ns, proc::tgid_of_ours(pid)?, dir, self.timeout)
                    }
                }
            }
            Method::Proc => proc::translate(ns, pid, dir, tgid),
        }
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Dir {
    /// pid in `ns` -> pid in the caller's namespace.
    From,
    /// pid in the caller's namespace -> pid in `ns`.
    Into,
}

/// `EBADF`/`EINVAL` exactly as the ioctls would answer them, for the
/// methods that do not issue them: `NS_GET_NSTYPE` must say `CLONE_NEWPID`.
/// Where that ioctl is unknown (qemu-user, before 4.11, 32-bit callers on
/// 64-bit kernels before 6.3) an nsfs fd
/// (`fstatfs`) whose `/proc/self/fd` link reads `pid:[...]` passes.
pub(crate) fn check_pidns(ns: BorrowedFd<'_>) -> Result<()> {
    match ns::ns_get_nstype(ns) {
        Ok(t) if t == NsFlags::PID => Ok(()),
        Ok(_) => Err(Errno::EINVAL),
        Err(Errno::ENOTTY) => {
            if sys::fstatfs_type(ns)? != raw::NSFS_MAGIC {
                return Err(Errno::EINVAL);
            }
            let mut path = PathBuf::new();
            path.push(b"/proc/thread-self/fd/");
            path.push_u32(ns.as_raw_fd() as u32);
            let mut link = [0u8; 64];
            match sys::readlinkat(fd_cwd(), path.as_cstr()?, &mut link) {
                Ok(n) if link[..n].starts_with(b"pid:[") => Ok(()),
                Ok(_) => Err(Errno::EINVAL),
                // No /proc: let setns decide (it answers EINVAL too).
                Err(_) => Ok(()),
            }
        }
        Err(e) => Err(e),
    }
}
