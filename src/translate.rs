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
//!   (read into a stack buffer): the pid at every level from the procfs
//!   namespace down to the task's own. "In" reads the task's line and
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
//! # Safety
//!
//! The fork method forks ([`fork_pidfd`], then a plain `clone`) from a
//! caller that may have other threads. Its two `unsafe` blocks are those
//! forks; the helper
//! processes then run only raw syscalls on data already on the stack — no
//! locks, no allocation, no unwinding — and leave with `exit_group`, which
//! is what makes a fork of a multi-threaded process sound.
#![allow(unsafe_code)]

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use crate::flags::{CloneFlags, NsFlags};
use crate::ns::{self, ns_get_parent};
use crate::parse::{self, NsPids, ProcStatus};
use crate::spawn::{Forked, fork_pidfd};
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
    pub fn pid_from_pidns(&self, ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
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
    pub fn pid_in_pidns(&self, ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
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
    pub fn tgid_from_pidns(&self, ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
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
    pub fn tgid_in_pidns(&self, ns: BorrowedFd<'_>, pid: i32) -> Result<i32> {
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
                    (Dir::From, false) => fork_translate(ns, pid, dir, self.timeout, Stall::No),
                    (Dir::From, true) => {
                        tgid_of_ours(fork_translate(ns, pid, dir, self.timeout, Stall::No)?)
                    }
                    (Dir::Into, false) => fork_translate(ns, pid, dir, self.timeout, Stall::No),
                    (Dir::Into, true) => {
                        fork_translate(ns, tgid_of_ours(pid)?, dir, self.timeout, Stall::No)
                    }
                }
            }
            Method::Proc => proc_translate(ns, pid, dir, tgid),
        }
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Dir {
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
fn check_pidns(ns: BorrowedFd<'_>) -> Result<()> {
    match ns::ns_get_nstype(ns) {
        Ok(t) if t == NsFlags::PID => Ok(()),
        Ok(_) => Err(Errno::EINVAL),
        Err(Errno::ENOTTY) => {
            if sys::fstatfs_type(ns)? != raw::NSFS_MAGIC {
                return Err(Errno::EINVAL);
            }
            let mut path = PathBuf::new();
            path.push(b"/proc/self/fd/");
            path.push_u32(ns.as_raw_fd() as u32);
            let mut link = [0u8; 64];
            match sys::readlinkat(crate::fd_cwd(), path.as_cstr()?, &mut link) {
                Ok(n) if link[..n].starts_with(b"pid:[") => Ok(()),
                Ok(_) => Err(Errno::EINVAL),
                // No /proc: let setns decide (it answers EINVAL too).
                Err(_) => Ok(()),
            }
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// The fork-based (LXCFS) method.

/// Payload tags of the helper messages: 8 bytes, tag then value (native
/// endian; the helpers are forks of the caller).
const TAG_CREDS: u32 = 1; // the answer is in the SCM_CREDENTIALS pid
const TAG_ANSWER: u32 = 2; // the answer is the value (0: not visible)
const TAG_ERR: u32 = 3; // the value is an errno

fn payload(tag: u32, value: i32) -> [u8; 8] {
    let mut p = [0u8; 8];
    p[..4].copy_from_slice(&tag.to_ne_bytes());
    p[4..].copy_from_slice(&value.to_ne_bytes());
    p
}

/// Whether a helper blocks forever instead of answering (tests only).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Stall {
    No,
    Child,
    Grandchild,
}

/// Kills and reaps the helpers if the caller's backstop expires while the
/// first helper itself is stuck (its own timeout normally fires first).
const BACKSTOP_GRACE: Duration = Duration::from_secs(2);

fn timespec(d: Duration) -> raw::__kernel_timespec {
    raw::__kernel_timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
        tv_nsec: i64::from(d.subsec_nanos()),
    }
}

/// One fork-based translation. The socket pair is `SOCK_CLOEXEC` and is
/// closed on every path; the child is reaped by pid on every path; the
/// grandchild is reaped by the child (by pid), after a `SIGKILL` through
/// its pidfd if it has not answered within `timeout`.
fn fork_translate(
    ns: BorrowedFd<'_>,
    pid: i32,
    dir: Dir,
    timeout: Duration,
    stall: Stall,
) -> Result<i32> {
    let (ours, theirs) = sys::socketpair(raw::AF_UNIX, raw::SOCK_DGRAM | raw::SOCK_CLOEXEC, 0)?;
    match dir {
        Dir::From => sys::setsockopt_int(ours.as_fd(), raw::SOL_SOCKET, raw::SO_PASSCRED, 1)?,
        Dir::Into => {
            sys::setsockopt_int(theirs.as_fd(), raw::SOL_SOCKET, raw::SO_PASSCRED, 1)?;
            // Queued before the helpers exist; the kernel checks the pid now
            // (ESRCH if it does not exist here, EPERM without privilege) and
            // translates it when the grandchild receives it.
            let creds = raw::ucred {
                pid,
                uid: sys::getuid(),
                gid: sys::getgid(),
            };
            sys::send_creds(
                ours.as_fd(),
                &payload(TAG_CREDS, 0),
                Some(&creds),
                raw::MSG_NOSIGNAL,
            )?;
        }
    }
    let parent = sys::getpid();
    // SAFETY: the child runs only `helper` (raw syscalls on stack data, no
    // locks, no allocation) and then exit_group()s.
    let (child, child_fd) = match unsafe { fork_pidfd(CloneFlags::empty()) }? {
        Forked::Child => {
            let code = helper(ns, theirs.as_fd(), pid, dir, timeout, stall, parent);
            sys::exit_group(code)
        }
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(theirs);
    let backstop = timeout.saturating_add(BACKSTOP_GRACE);
    let answer = wait_answer(ours.as_fd(), child_fd.as_fd(), backstop);
    if answer == Err(Backstop) {
        // `child` is unreaped: the pidfd (and the pid) still name it.
        let _ = sys::pidfd_send_signal(child_fd.as_fd(), raw::SIGKILL, None, 0);
    }
    reap(child);
    match answer {
        Ok(v) => v,
        Err(Backstop) => Err(Errno::ETIMEDOUT),
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
struct Backstop;

/// Waits for the first helper message and decodes it. The first helper
/// sends every failure before it exits, and exits only after the
/// grandchild has, so once its pidfd is readable with no message queued,
/// none will come: `ECHILD` (it was killed from outside).
fn wait_answer(
    sock: BorrowedFd<'_>,
    child: BorrowedFd<'_>,
    backstop: Duration,
) -> core::result::Result<Result<i32>, Backstop> {
    let mut ts = timespec(backstop);
    loop {
        let mut fds = [
            raw::pollfd {
                fd: sock.as_raw_fd(),
                events: raw::POLLIN,
                revents: 0,
            },
            raw::pollfd {
                fd: child.as_raw_fd(),
                events: raw::POLLIN,
                revents: 0,
            },
        ];
        match sys::ppoll_countdown(&mut fds, &mut ts) {
            Ok(0) => return Err(Backstop),
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Ok(Err(e)),
        }
        let mut p = [0u8; 8];
        let (n, creds) = match sys::recv_creds(sock, &mut p, raw::MSG_DONTWAIT) {
            Ok(r) => r,
            Err(Errno::EAGAIN) if fds[1].revents != 0 => return Ok(Err(Errno::ECHILD)),
            Err(Errno::EAGAIN) | Err(Errno::EINTR) => continue,
            Err(e) => return Ok(Err(e)),
        };
        if n != 8 {
            return Ok(Err(Errno::EPROTO));
        }
        let tag = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        let value = i32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
        return Ok(match tag {
            TAG_CREDS => match creds {
                Some(c) if c.pid > 0 => Ok(c.pid),
                Some(_) => Err(Errno::ESRCH),
                None => Err(Errno::EPROTO),
            },
            TAG_ANSWER if value > 0 => Ok(value),
            TAG_ANSWER => Err(Errno::ESRCH),
            TAG_ERR if value > 0 && value < 4096 => Err(Errno::from_raw_os_error(value)),
            _ => Err(Errno::EPROTO),
        });
    }
}

/// `waitid(P_PID, pid, WEXITED)`, retried on `EINTR`; `ECHILD` (someone
/// else reaped it, or `SIGCHLD` is ignored) ends the wait too.
fn reap(pid: i32) {
    let mut info = raw::siginfo_t::zeroed();
    while sys::waitid(raw::P_PID, pid, &mut info, raw::WEXITED) == Err(Errno::EINTR) {}
}

/// Sends an errno to the caller; nothing else can be done if that fails.
fn report(sock: BorrowedFd<'_>, e: Errno) {
    let _ = sys::send_creds(
        sock,
        &payload(TAG_ERR, e.raw_os_error()),
        None,
        raw::MSG_NOSIGNAL,
    );
}

/// Blocks until a signal ends the process (the test-only stall).
fn stall_forever() -> ! {
    loop {
        let _ = sys::ppoll(&mut [], None);
    }
}

/// The first helper, a fork of the caller: enters `ns` for its children,
/// forks the grandchild, and reaps it within `timeout` (killing it first if
/// it has not exited by then). Runs only raw syscalls.
fn helper(
    ns: BorrowedFd<'_>,
    sock: BorrowedFd<'_>,
    pid: i32,
    dir: Dir,
    timeout: Duration,
    stall: Stall,
    parent: i32,
) -> i32 {
    // Die with the caller's thread; if it is already gone, stop here.
    let _ = sys::prctl_int(raw::PR_SET_PDEATHSIG, raw::SIGKILL as usize);
    if sys::getppid() != parent {
        return 1;
    }
    if stall == Stall::Child {
        stall_forever();
    }
    if let Err(e) = sys::setns(ns, raw::CLONE_NEWPID as u32) {
        report(sock, e);
        return 1;
    }
    // A plain fork here, not fork_pidfd: in a namespace whose init has
    // died the kernel answers ENOMEM, which qemu-user's emulation of
    // CLONE_PIDFD turns into EINVAL; the pidfd is opened right after.
    // SAFETY: this process has one thread; the grandchild runs only raw
    // syscalls and exits.
    let g = match unsafe { sys::fork_sigchld() } {
        Ok(0) => sys::exit_group(grandchild(sock, pid, dir, stall)),
        Ok(g) => g,
        // A pid namespace whose init has died accepts setns but no new
        // task (alloc_pid answers ENOMEM): nothing lives there to translate.
        Err(Errno::ENOMEM) => {
            report(sock, Errno::ESRCH);
            return 1;
        }
        Err(e) => {
            report(sock, e);
            return 1;
        }
    };
    // `g` is our unreaped child, so its pid (and this pidfd) cannot name
    // another process. Without a pidfd (kernels before 5.3) the wait below
    // is unbounded and the caller's backstop is what bounds the call.
    if let Ok(pidfd) = sys::pidfd_open(g, 0) {
        let mut ts = timespec(timeout);
        let exited = loop {
            let mut fds = [raw::pollfd {
                fd: pidfd.as_raw_fd(),
                events: raw::POLLIN,
                revents: 0,
            }];
            match sys::ppoll_countdown(&mut fds, &mut ts) {
                Ok(0) => break false,
                Ok(_) => break true,
                Err(Errno::EINTR) => continue,
                Err(_) => break true,
            }
        };
        if !exited {
            let _ = sys::pidfd_send_signal(pidfd.as_fd(), raw::SIGKILL, None, 0);
            report(sock, Errno::ETIMEDOUT);
        }
    }
    reap(g);
    0
}

/// The grandchild, the first process that really lives in `ns`.
fn grandchild(sock: BorrowedFd<'_>, pid: i32, dir: Dir, stall: Stall) -> i32 {
    let _ = sys::prctl_int(raw::PR_SET_PDEATHSIG, raw::SIGKILL as usize);
    if stall == Stall::Grandchild {
        stall_forever();
    }
    match dir {
        Dir::From => {
            // The kernel looks `pid` up in this (the target) namespace
            // (ESRCH if absent) and the caller receives its own number.
            let creds = raw::ucred {
                pid,
                uid: sys::getuid(),
                gid: sys::getgid(),
            };
            match sys::send_creds(
                sock,
                &payload(TAG_CREDS, 0),
                Some(&creds),
                raw::MSG_NOSIGNAL,
            ) {
                Ok(_) => 0,
                Err(e) => {
                    report(sock, e);
                    1
                }
            }
        }
        Dir::Into => {
            // The caller's message was queued before the fork.
            let mut p = [0u8; 8];
            let value = match sys::recv_creds(sock, &mut p, raw::MSG_DONTWAIT) {
                Ok((_, Some(c))) => c.pid,
                Ok((_, None)) => {
                    report(sock, Errno::EPROTO);
                    return 1;
                }
                Err(e) => {
                    report(sock, e);
                    return 1;
                }
            };
            match sys::send_creds(sock, &payload(TAG_ANSWER, value), None, raw::MSG_NOSIGNAL) {
                Ok(_) => 0,
                Err(_) => 1,
            }
        }
    }
}

/// One control message of a `recvmsg` control buffer: its level, type and
/// data (`CMSG_DATA` up to `cmsg_len`). Not part of the API.
#[doc(hidden)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Cmsg<'a> {
    /// `cmsg_level`.
    pub level: i32,
    /// `cmsg_type`.
    pub ty: i32,
    /// The data: `cmsg_len` minus the aligned header.
    pub data: &'a [u8],
}

/// `CMSG_FIRSTHDR`/`CMSG_NXTHDR` over a control buffer, as the kernel
/// lays it out for this target (`cmsg_len` is a native `usize`, messages
/// are `usize`-aligned). Pure: it stops at the first header that does not
/// fit, whose `cmsg_len` is shorter than a header or runs past the end, so
/// hostile bytes end the walk instead of panicking. Not part of the API.
#[doc(hidden)]
pub fn cmsgs(control: &[u8]) -> impl Iterator<Item = Cmsg<'_>> {
    const HDR: usize = raw::CMSG_ALIGN(core::mem::size_of::<raw::cmsghdr>());
    const USZ: usize = core::mem::size_of::<usize>();
    let mut off = 0usize;
    core::iter::from_fn(move || {
        let rest = control.get(off..)?;
        let hdr = rest.get(..HDR)?;
        let mut w = [0u8; USZ];
        w.copy_from_slice(&hdr[..USZ]);
        let len = usize::from_ne_bytes(w);
        let word = |i: usize| i32::from_ne_bytes([hdr[i], hdr[i + 1], hdr[i + 2], hdr[i + 3]]);
        let (level, ty) = (word(USZ), word(USZ + 4));
        if len < HDR || len > rest.len() {
            off = control.len();
            return None;
        }
        // `len <= rest.len()`, so neither the alignment nor the sum wraps.
        off += raw::CMSG_ALIGN(len).min(rest.len());
        Some(Cmsg {
            level,
            ty,
            data: &rest[HDR..len],
        })
    })
}

/// The `SCM_CREDENTIALS` (`struct ucred`) a `recvmsg` control buffer
/// carries: the last `SOL_SOCKET`/`SCM_CREDENTIALS` message with at least
/// 12 bytes of data, `None` if there is none. Pure, never panics (fuzzed:
/// `scm_credentials_parse`); the fork-based translation reads its answer
/// with it. Not part of the API.
#[doc(hidden)]
pub fn parse_scm_credentials(control: &[u8]) -> Option<raw::ucred> {
    let mut creds = None;
    for c in cmsgs(control) {
        if c.level == raw::SOL_SOCKET && c.ty == raw::SCM_CREDENTIALS && c.data.len() >= 12 {
            let d = c.data;
            creds = Some(raw::ucred {
                pid: i32::from_ne_bytes([d[0], d[1], d[2], d[3]]),
                uid: u32::from_ne_bytes([d[4], d[5], d[6], d[7]]),
                gid: u32::from_ne_bytes([d[8], d[9], d[10], d[11]]),
            });
        }
    }
    creds
}

/// Test hooks for the fork method's failure paths. Not part of the API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// A fork-based translation whose first helper (`child = true`) or
    /// grandchild blocks forever, to exercise the timeout path.
    pub fn fork_translate_stalled(
        ns: BorrowedFd<'_>,
        pid: i32,
        into: bool,
        child: bool,
        timeout: Duration,
    ) -> Result<i32> {
        check_pidns(ns)?;
        let dir = if into { Dir::Into } else { Dir::From };
        let stall = if child {
            Stall::Child
        } else {
            Stall::Grandchild
        };
        fork_translate(ns, pid, dir, timeout, stall)
    }
}

// ---------------------------------------------------------------------------
// The /proc method.

use crate::path::PathBuf;

const STATUS_MAX: usize = 8192;

/// Reads and parses a status file; `ENOENT` (no such task) becomes `ESRCH`.
fn read_status(path: &mut PathBuf) -> Result<ProcStatus> {
    let fd = sys::open_cwd(path.as_cstr()?, raw::O_RDONLY | raw::O_CLOEXEC, 0)
        .map_err(|e| if e == Errno::ENOENT { Errno::ESRCH } else { e })?;
    let mut buf = [0u8; STATUS_MAX];
    // One read: procfs renders the whole file for it (8 KiB is several
    // times its size); a task reaped meanwhile reads as ESRCH.
    let n = loop {
        match sys::read(fd.as_fd(), &mut buf) {
            Err(Errno::EINTR) => continue,
            Err(Errno::ENOENT) => return Err(Errno::ESRCH),
            r => break r?,
        }
    };
    parse::parse_proc_status(&buf[..n]).ok_or(Errno::EIO)
}

fn ino_of_fd(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut st = raw::statx::zeroed();
    sys::statx_fd(fd, raw::STATX_INO, &mut st)?;
    Ok(st.stx_ino)
}

fn ino_of_path(path: &mut PathBuf) -> Result<u64> {
    let mut st = raw::statx::zeroed();
    sys::statx_at(crate::fd_cwd(), path.as_cstr()?, 0, raw::STATX_INO, &mut st)
        .map_err(|e| if e == Errno::ENOENT { Errno::ESRCH } else { e })?;
    Ok(st.stx_ino)
}

/// `EOPNOTSUPP` unless `/proc` shows the caller's own pid namespace:
/// `/proc/self/status` lists one `NSpid:` entry per level from the procfs
/// namespace down to the caller's, so exactly one entry means "ours".
///
/// Checked on every call, not cached (see [`our_pidns_ino`]).
fn procfs_is_ours() -> Result<()> {
    let me = sys::getpid();
    let mut path = PathBuf::new();
    path.push(b"/proc/self/status");
    match read_status(&mut path) {
        Ok(st) => match st.ns_pids {
            Some(p) if p.levels() == 1 && p.outermost() == me => Ok(()),
            _ => Err(Errno::EOPNOTSUPP),
        },
        Err(_) => Err(Errno::EOPNOTSUPP),
    }
}

/// The thread-group id, in the caller's namespace, of task `tid` (caller's
/// numbering).
fn tgid_of_ours(tid: i32) -> Result<i32> {
    if tid <= 0 {
        return Err(Errno::ESRCH);
    }
    if procfs_is_ours().is_ok() {
        let mut path = PathBuf::proc(tid, b"status");
        return read_status(&mut path).map(|st| st.tgid);
    }
    // Without a procfs of ours, only a thread-group leader (the one task a
    // plain pidfd_open accepts) can be answered.
    match sys::pidfd_open(tid, 0) {
        Ok(_) => Ok(tid),
        Err(Errno::ESRCH) => Err(Errno::ESRCH),
        Err(_) => Err(Errno::EOPNOTSUPP),
    }
}

/// The caller's own pid namespace inode. Not cached: a cache keyed by
/// pid would go stale in a fork that lands in a new pid namespace with the
/// same pid (a namespace init, pid 1, starting a nested one).
fn our_pidns_ino() -> Result<u64> {
    let mut own = PathBuf::new();
    own.push(b"/proc/self/ns/pid");
    ino_of_path(&mut own)
}

/// The most levels a pid namespace tree can have below the initial one.
const MAX_DEPTH: usize = parse::MAX_NS_LEVELS;

/// How many levels `ns` (inode `ns_ino`) lies below the caller's pid
/// namespace: by walking `NS_GET_PARENT` up to the caller's namespace
/// (`EINVAL` if the walk leaves the caller's subtree first: `ns` is an
/// ancestor or unrelated, which `setns` refuses with `EINVAL` too). Where
/// `NS_GET_PARENT` is unknown, from the `NSpid:` length of a process
/// that lives directly in `ns`; when `/proc` shows none, `ns` is empty or
/// outside the caller's subtree (the two cannot be told apart there) and
/// the answer is `ESRCH`.
fn depth_of(ns: BorrowedFd<'_>, ns_ino: u64) -> Result<usize> {
    let our_ino = our_pidns_ino()?;
    if ns_ino == our_ino {
        return Ok(0);
    }
    let mut cur = match ns_get_parent(ns) {
        Ok(p) => p,
        Err(Errno::EPERM) => return Err(Errno::EINVAL),
        Err(Errno::ENOTTY) => return depth_by_scan(ns_ino),
        Err(e) => return Err(e),
    };
    for depth in 1..MAX_DEPTH {
        if ino_of_fd(cur.as_fd())? == our_ino {
            return Ok(depth);
        }
        cur = match ns_get_parent(cur.as_fd()) {
            Ok(p) => p,
            Err(Errno::EPERM) => return Err(Errno::EINVAL),
            Err(e) => return Err(e),
        };
    }
    Err(Errno::EINVAL)
}

fn depth_by_scan(ns_ino: u64) -> Result<usize> {
    let found = for_each_task_dir(None, |pid| {
        let mut ns_path = PathBuf::proc(pid, b"ns/pid");
        if ino_of_path(&mut ns_path).ok() != Some(ns_ino) {
            return None;
        }
        let mut path = PathBuf::proc(pid, b"status");
        let st = read_status(&mut path).ok()?;
        Some(st.ns_pids?.levels() - 1)
    })?;
    found.ok_or(Errno::ESRCH)
}

/// Whether task `tid` (caller's numbering), whose `NSpid:` has `levels`
/// entries, lives in `ns` (at `depth`) or below it. `Ok(false)`: it lives
/// beside `ns`.
///
/// A task below `ns`'s level: its namespace's ancestor at `depth` is read
/// with `NS_GET_PARENT`; where that ioctl is unknown (qemu-user, before
/// 4.9), from the task's parent chain instead: a process's pid namespace
/// is always its parent's or a descendant of it (fork, unshare, setns and
/// reparenting all keep that), so the first ancestor process at `depth`
/// lives in the wanted namespace. `EOPNOTSUPP` when that chain skips the
/// level (a helper that `setns`ed from above) or leaves `/proc`.
fn task_under(tid: i32, levels: usize, depth: usize, ns_ino: u64) -> Result<bool> {
    if levels <= depth {
        return Ok(false);
    }
    let mut path = PathBuf::proc(tid, b"ns/pid");
    if levels - 1 == depth {
        return Ok(ino_of_path(&mut path)? == ns_ino);
    }
    let fd = sys::open_cwd(path.as_cstr()?, raw::O_RDONLY | raw::O_CLOEXEC, 0)
        .map_err(|e| if e == Errno::ENOENT { Errno::ESRCH } else { e })?;
    let mut cur: OwnedFd = fd;
    for _ in 0..(levels - 1 - depth) {
        cur = match ns_get_parent(cur.as_fd()) {
            Ok(p) => p,
            Err(Errno::ENOTTY) => return task_under_by_parents(tid, depth, ns_ino),
            Err(Errno::EPERM) => return Ok(false),
            Err(e) => return Err(e),
        };
    }
    Ok(ino_of_fd(cur.as_fd())? == ns_ino)
}

/// [`task_under`] without `NS_GET_PARENT`: up the `PPid:` chain to the
/// first process at `depth`.
fn task_under_by_parents(tid: i32, depth: usize, ns_ino: u64) -> Result<bool> {
    let mut cur = tid;
    for _ in 0..4096 {
        let mut path = PathBuf::proc(cur, b"status");
        let st = read_status(&mut path).map_err(|_| Errno::EOPNOTSUPP)?;
        let levels = st.ns_pids.ok_or(Errno::EOPNOTSUPP)?.levels();
        if levels - 1 == depth {
            let mut ns_path = PathBuf::proc(cur, b"ns/pid");
            return Ok(ino_of_path(&mut ns_path).map_err(|_| Errno::EOPNOTSUPP)? == ns_ino);
        }
        if levels - 1 < depth || st.ppid <= 0 {
            return Err(Errno::EOPNOTSUPP);
        }
        cur = st.ppid;
    }
    Err(Errno::EOPNOTSUPP)
}

/// Calls `f` with every numeric entry of `/proc` (`tgid = None`) or of
/// `/proc/<tgid>/task`, until it returns `Some`.
fn for_each_task_dir<R>(
    tgid: Option<i32>,
    mut f: impl FnMut(i32) -> Option<R>,
) -> Result<Option<R>> {
    let mut path = match tgid {
        None => {
            let mut p = PathBuf::new();
            p.push(b"/proc");
            p
        }
        Some(t) => PathBuf::proc(t, b"task"),
    };
    let dir = sys::open_cwd(
        path.as_cstr()?,
        raw::O_RDONLY | raw::O_DIRECTORY | raw::O_CLOEXEC,
        0,
    )
    .map_err(|e| if e == Errno::ENOENT { Errno::ESRCH } else { e })?;
    let mut buf = [0u8; 4096];
    loop {
        let n = sys::getdents64(dir.as_fd(), &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        let mut off = 0;
        // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
        while off + 19 <= n {
            let reclen = usize::from(u16::from_ne_bytes([buf[off + 16], buf[off + 17]]));
            if reclen < 19 || off + reclen > n {
                break;
            }
            let name = &buf[off + 19..off + reclen];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if let Some(pid) = parse::parse_i32(name).filter(|&p| p > 0 && name[0] != b'-')
                && let Some(r) = f(pid)
            {
                return Ok(Some(r));
            }
            off += reclen;
        }
    }
}

fn proc_translate(ns: BorrowedFd<'_>, pid: i32, dir: Dir, tgid: bool) -> Result<i32> {
    check_pidns(ns)?;
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    procfs_is_ours()?;
    let ns_ino = ino_of_fd(ns)?;
    match dir {
        Dir::Into => {
            let mut path = PathBuf::proc(pid, b"status");
            let st = read_status(&mut path)?;
            let (pids, tgids) = ns_lines(&st)?;
            let line = if tgid { tgids } else { pids };
            // The common case first: the task lives in `ns` itself, so
            // `ns` is in the caller's subtree and its level is the task's.
            let mut ns_path = PathBuf::proc(pid, b"ns/pid");
            if ino_of_path(&mut ns_path)? == ns_ino {
                return Ok(line.innermost());
            }
            let depth = depth_of(ns, ns_ino)?;
            if !task_under(pid, pids.levels(), depth, ns_ino)? {
                return Err(Errno::ESRCH);
            }
            line.as_slice().get(depth).copied().ok_or(Errno::ESRCH)
        }
        Dir::From => proc_scan_from(pid, depth_of(ns, ns_ino)?, ns_ino, tgid),
    }
}

fn ns_lines(st: &ProcStatus) -> Result<(NsPids, NsPids)> {
    match (st.ns_pids, st.ns_tgids) {
        (Some(p), Some(t)) if p.levels() == t.levels() => Ok((p, t)),
        // No NSpid: line (before 4.1): nothing to read the answer from.
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// Finds the task whose id at `depth` is `pid` and that lives in `ns` or
/// below it: thread-group leaders first (`/proc/<pid>`), then every other
/// thread (`/proc/<pid>/task/<tid>`).
fn proc_scan_from(pid: i32, depth: usize, ns_ino: u64, tgid: bool) -> Result<i32> {
    let mut unverifiable = false;
    let mut denied = false;
    let mut check = |tid: i32, leaders_only: bool| -> Option<Result<i32>> {
        let mut path = PathBuf::proc(tid, b"status");
        let st = read_status(&mut path).ok()?;
        if leaders_only != (st.pid == st.tgid) {
            return None;
        }
        let (pids, tgids) = ns_lines(&st).ok()?;
        if pids.as_slice().get(depth) != Some(&pid) {
            return None;
        }
        match task_under(tid, pids.levels(), depth, ns_ino) {
            Ok(true) => Some(Ok(if tgid {
                tgids.outermost()
            } else {
                pids.outermost()
            })),
            Ok(false) => None,
            Err(Errno::EOPNOTSUPP) => {
                unverifiable = true;
                None
            }
            // Its namespace link needs ptrace access (another user's task).
            Err(Errno::EACCES) | Err(Errno::EPERM) => {
                denied = true;
                None
            }
            // Gone meanwhile.
            Err(_) => None,
        }
    };
    if let Some(r) = for_each_task_dir(None, |p| check(p, true))? {
        return r;
    }
    let threads = for_each_task_dir(None, |p| {
        for_each_task_dir(Some(p), |t| if t == p { None } else { check(t, false) })
            .ok()
            .flatten()
    })?;
    match threads {
        Some(r) => r,
        None if unverifiable => Err(Errno::EOPNOTSUPP),
        None if denied => Err(Errno::EACCES),
        None => Err(Errno::ESRCH),
    }
}
