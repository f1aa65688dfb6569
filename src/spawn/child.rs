//! [`Child`]: a process started by [`spawn`](crate::spawn()) or
//! `Command::spawn`, named by the pidfd its `clone` made.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use crate::flags::WaitOptions;
use crate::pidfd::PidFd;
use crate::raw;
use crate::wait::WaitStatus;

/// A process started by [`spawn`](crate::spawn()) or, with `std`,
/// [`Command::spawn`](crate::Command::spawn): its pid, the pidfd created
/// with it, and (`std`) the parent's ends of its piped stdio.
///
/// As with `std::process::Child`, dropping a `Child` neither kills nor
/// reaps the process: call [`wait`](Child::wait) (or `waitid(P_PIDFD)` on
/// [`pidfd`](Child::pidfd)), or it stays a zombie until this process
/// exits. Signals sent through the pidfd ([`kill`](Child::kill),
/// [`send_signal`](Child::send_signal)) can never reach another process,
/// even after the pid is reused.
///
/// # Examples
/// ```
/// use pidfs::{CloneFlags, WaitStatus, spawn};
/// let mut child = spawn(c"/bin/sleep", &[c"sleep", c"60"], &[], CloneFlags::empty())?;
/// assert_eq!(child.try_wait()?, None);
/// child.kill()?;
/// assert_eq!(
///     child.wait()?,
///     WaitStatus::Signaled { signal: 9, core_dumped: false }
/// );
/// # Ok::<(), pidfs::Errno>(())
/// ```
#[derive(Debug)]
pub struct Child {
    /// The child's pid in the caller's pid namespace (a hint only).
    pub pid: i32,
    /// A pidfd for the child, created atomically with it. The caller reaps
    /// the child ([`Child::wait`], or `waitid(P_PIDFD)` on it).
    pub pidfd: PidFd,
    /// The writing end of the child's stdin, when it was
    /// [`Stdio::piped`](crate::Stdio::piped) (`std` only).
    #[cfg(feature = "std")]
    pub stdin: Option<std::process::ChildStdin>,
    /// The reading end of the child's stdout, when piped (`std` only).
    #[cfg(feature = "std")]
    pub stdout: Option<std::process::ChildStdout>,
    /// The reading end of the child's stderr, when piped (`std` only).
    #[cfg(feature = "std")]
    pub stderr: Option<std::process::ChildStderr>,
    /// How it ended, once this `Child` has reaped it.
    status: Option<WaitStatus>,
}

impl Child {
    pub(crate) fn new(pid: i32, pidfd: PidFd) -> Child {
        Child {
            pid,
            pidfd,
            #[cfg(feature = "std")]
            stdin: None,
            #[cfg(feature = "std")]
            stdout: None,
            #[cfg(feature = "std")]
            stderr: None,
            status: None,
        }
    }

    /// The pid as `std::process::Child::id` gives it (a hint only: the
    /// pidfd is the identity).
    pub fn id(&self) -> u32 {
        self.pid as u32
    }

    /// `waitid(P_PIDFD, pidfd, WEXITED)`—Wait for the child to exit and
    /// reap it. With `std`, the child's stdin (if piped) is closed first,
    /// as `std::process::Child::wait` does, so a child reading it sees end
    /// of file. `EINTR` is retried. Once reaped, later calls return the
    /// same status.
    ///
    /// # Errors
    /// `ECHILD` the child was reaped by other means (a `waitid(P_ALL)` of
    /// this process, or `SIGCHLD` set to `SIG_IGN`).
    ///
    /// # Kernel support
    /// `waitid(P_PIDFD)` 5.4; before, `waitid(P_PID, pid)`, exact while the
    /// child is unreaped, which only this `Child` does.
    ///
    /// # References
    /// waitid(2)
    pub fn wait(&mut self) -> Result<WaitStatus> {
        #[cfg(feature = "std")]
        drop(self.stdin.take());
        loop {
            match self.wait_with(WaitOptions::EXITED) {
                Ok(Some(s)) => return Ok(s),
                Ok(None) | Err(Errno::EINTR) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// `waitid(P_PIDFD, pidfd, WEXITED | WNOHANG)`—The child's status if it
    /// has exited (and then reaps it), `None` if it is still running.
    ///
    /// # Errors
    /// As [`wait`](Child::wait).
    ///
    /// # Kernel support
    /// As [`wait`](Child::wait).
    pub fn try_wait(&mut self) -> Result<Option<WaitStatus>> {
        self.wait_with(WaitOptions::EXITED | WaitOptions::NOHANG)
    }

    fn wait_with(&mut self, options: WaitOptions) -> Result<Option<WaitStatus>> {
        if let Some(s) = self.status {
            return Ok(Some(s));
        }
        let r = match self.pidfd.wait(options) {
            // Before 5.4: no P_PIDFD; the unreaped child still owns its pid.
            Err(Errno::EINVAL) => wait_pid(self.pid, options),
            r => r,
        };
        if let Ok(Some(s)) = r {
            self.status = Some(s);
        }
        r
    }

    /// `pidfd_send_signal(pidfd, SIGKILL)`—Kill the child, as
    /// `std::process::Child::kill` does. `Ok` also when it has already
    /// been reaped by this `Child` (there is nothing left to kill).
    ///
    /// # Errors
    /// As [`PidFd::kill`].
    ///
    /// # Kernel support
    /// 5.1.
    pub fn kill(&mut self) -> Result<()> {
        if self.status.is_some() {
            return Ok(());
        }
        self.pidfd.kill(raw::SIGKILL)
    }

    /// `pidfd_send_signal(pidfd, sig)`—Send any signal; never reaches
    /// another process, even once the pid is reused.
    ///
    /// # Errors
    /// `ESRCH` the child has been reaped; `EINVAL` a bad signal number.
    ///
    /// # Kernel support
    /// 5.1.
    pub fn send_signal(&self, sig: i32) -> Result<()> {
        self.pidfd.kill(sig)
    }
}

/// `waitid(P_PID, pid, options)` for kernels without `P_PIDFD`.
fn wait_pid(pid: i32, options: WaitOptions) -> Result<Option<WaitStatus>> {
    let mut info = raw::siginfo_t::zeroed();
    crate::sys::waitid(raw::P_PID, pid, &mut info, options.bits())?;
    if info.si_signo == 0 && info.si_pid() == 0 {
        return Ok(None);
    }
    WaitStatus::from_code_status(info.si_code, info.si_status())
        .map(Some)
        .ok_or(Errno::EIO)
}

/// The pidfd.
impl AsFd for Child {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.pidfd.as_fd()
    }
}

/// The pidfd's number.
impl AsRawFd for Child {
    fn as_raw_fd(&self) -> RawFd {
        self.pidfd.as_raw_fd()
    }
}
