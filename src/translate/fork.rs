//! The fork-based (LXCFS) method: `setns` + double fork +
//! `SCM_CREDENTIALS`, see the [module docs](super).
//!
//! # Safety
//!
//! The fork method forks ([`fork_pidfd`], then a plain `clone`) from a
//! caller that may have other threads. Its two `unsafe` blocks are those
//! forks; the helper
//! processes then run only raw syscalls on data already on the stack — no
//! locks, no allocation, no unwinding — and leave with `exit_group`, which
//! is what makes a fork of a multi-threaded process sound.
//!
//! Every signal is blocked across the first fork (as `spawn` does) and
//! stays blocked in both helpers until they exit, so no handler of the
//! caller ever runs in them (a handler that touches a lock or a buffer of
//! the caller's would run on a forked copy of it); `SIGKILL`, the only
//! signal they act on (their timeout, `PR_SET_PDEATHSIG`), cannot be
//! blocked. Each helper is reaped through its pidfd (`waitid(P_PIDFD)`),
//! never by pid: should something else in the caller reap it first (a
//! `waitpid(-1)` in another thread), its pid may already name another
//! child, whose exit status a `waitid(P_PID)` would steal.
#![allow(unsafe_code)]

use super::Dir;
use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd};
use crate::flags::CloneFlags;
use crate::spawn::{Forked, fork_pidfd};
use crate::{raw, sys};
use core::time::Duration;

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
    #[cfg_attr(not(feature = "test-hooks"), allow(dead_code))]
    Child,
    #[cfg_attr(not(feature = "test-hooks"), allow(dead_code))]
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

/// One overall deadline for a `ppoll` loop that retries on `EINTR`: the
/// timeout of each wait is the time left on `CLOCK_MONOTONIC`, so signals
/// that keep interrupting the wait cannot stretch it, even where the time
/// left is not written back (qemu-user leaves the timeout untouched on
/// `EINTR`). Without a clock (it cannot fail) the kernel's written-back
/// countdown is all there is.
struct Deadline {
    at: Option<Duration>,
    ts: raw::__kernel_timespec,
}

impl Deadline {
    fn after(d: Duration) -> Deadline {
        Deadline {
            at: sys::clock_monotonic().ok().map(|now| now.saturating_add(d)),
            ts: timespec(d),
        }
    }
    /// The timeout for the next `ppoll`.
    fn left(&mut self) -> &mut raw::__kernel_timespec {
        if let Some(at) = self.at
            && let Ok(now) = sys::clock_monotonic()
        {
            self.ts = timespec(at.saturating_sub(now));
        }
        &mut self.ts
    }
}

/// One fork-based translation with the caller's `timeout`.
pub(super) fn translate(ns: BorrowedFd<'_>, pid: i32, dir: Dir, timeout: Duration) -> Result<i32> {
    fork_translate(ns, pid, dir, timeout, Stall::No, &mut |_| {})
}

/// A fork-based translation calling `before_reap(pid)` with the first
/// helper's pid after its answer came and before it is reaped (the test
/// hook `hooks::fork_translate_before_reap`: a test reaps the helper there
/// and gives its pid to another child).
#[cfg(feature = "test-hooks")]
pub fn translate_before_reap(
    ns: BorrowedFd<'_>,
    pid: i32,
    into: bool,
    timeout: Duration,
    before_reap: &mut dyn FnMut(i32),
) -> Result<i32> {
    super::check_pidns(ns)?;
    let dir = if into { Dir::Into } else { Dir::From };
    fork_translate(ns, pid, dir, timeout, Stall::No, before_reap)
}

/// A fork-based translation whose first helper (`child = true`) or
/// grandchild blocks forever, to exercise the timeout path (the test hook
/// `hooks::fork_translate_stalled`).
#[cfg(feature = "test-hooks")]
pub fn translate_stalled(
    ns: BorrowedFd<'_>,
    pid: i32,
    into: bool,
    child: bool,
    timeout: Duration,
) -> Result<i32> {
    super::check_pidns(ns)?;
    let dir = if into { Dir::Into } else { Dir::From };
    let stall = if child {
        Stall::Child
    } else {
        Stall::Grandchild
    };
    fork_translate(ns, pid, dir, timeout, stall, &mut |_| {})
}

/// One fork-based translation. The socket pair is `SOCK_CLOEXEC` and is
/// closed on every path; the child is reaped through its pidfd on every
/// path; the grandchild is reaped by the child (through its pidfd), after
/// a `SIGKILL` through that pidfd if it has not answered within `timeout`.
fn fork_translate(
    ns: BorrowedFd<'_>,
    pid: i32,
    dir: Dir,
    timeout: Duration,
    stall: Stall,
    before_reap: &mut dyn FnMut(i32),
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
    // Block every signal across the fork: the helpers keep them blocked
    // (see the module docs); the caller gets its mask back at once.
    let all = !0u64;
    let mut old = 0u64;
    sys::sigprocmask(raw::SIG_SETMASK, Some(&all), Some(&mut old))?;
    // SAFETY: the child runs only `helper` (raw syscalls on stack data, no
    // locks, no allocation) and then exit_group()s.
    let forked = unsafe { fork_pidfd(CloneFlags::empty()) };
    if !matches!(forked, Ok(Forked::Child)) {
        // Restoring a mask we just read cannot fail.
        let _ = sys::sigprocmask(raw::SIG_SETMASK, Some(&old), None);
    }
    let (child, child_fd) = match forked? {
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
    before_reap(child);
    reap(child, Some(child_fd.as_fd()));
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
    let mut deadline = Deadline::after(backstop);
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
        match sys::ppoll_countdown(&mut fds, deadline.left()) {
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

/// Reaps our child `pid` through its pidfd: `waitid(P_PIDFD, pidfd,
/// WEXITED)`, retried on `EINTR`. `ECHILD` (someone else reaped it, or
/// `SIGCHLD` is ignored) ends the wait, and never touches another child
/// that got the pid meanwhile. `waitid(P_PID)` only without a pidfd, or
/// before 5.4 (`P_PIDFD` answers `EINVAL`), when the child is known to be
/// unreaped by anyone else.
fn reap(pid: i32, pidfd: Option<BorrowedFd<'_>>) {
    let mut info = raw::siginfo_t::zeroed();
    if let Some(fd) = pidfd {
        loop {
            match sys::waitid(raw::P_PIDFD, fd.as_raw_fd(), &mut info, raw::WEXITED) {
                Err(Errno::EINTR) => continue,
                Err(Errno::EINVAL) => break,
                _ => return,
            }
        }
    }
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
    let _ = sys::prctl_set_pdeathsig(raw::SIGKILL);
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
    let g_fd = sys::pidfd_open(g, 0).ok();
    if let Some(pidfd) = &g_fd {
        let mut deadline = Deadline::after(timeout);
        let exited = loop {
            let mut fds = [raw::pollfd {
                fd: pidfd.as_raw_fd(),
                events: raw::POLLIN,
                revents: 0,
            }];
            match sys::ppoll_countdown(&mut fds, deadline.left()) {
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
    reap(g, g_fd.as_ref().map(|fd| fd.as_fd()));
    0
}

/// The grandchild, the first process that really lives in `ns`.
fn grandchild(sock: BorrowedFd<'_>, pid: i32, dir: Dir, stall: Stall) -> i32 {
    let _ = sys::prctl_set_pdeathsig(raw::SIGKILL);
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
