//! Waiting for a child: [`WaitStatus`], decoded from what `waitid` (or a
//! classic `wait` status) reports, [`pidfd_wait`], `waitid(P_PIDFD)`, and
//! [`waitid`] over every id type (`P_ALL`, `P_PID`, `P_PGID`, `P_PIDFD`).

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd};
use crate::flags::WaitOptions;
use crate::signal::SigInfo;
use crate::signame::signal_name;
use crate::{raw, sys};
use core::fmt;

/// What `waitid` reports about a child: the `CLD_*` code and status of its
/// `siginfo_t`, or the classic `wait` status decoded.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum WaitStatus {
    /// `CLD_EXITED`: it called `exit(code)`; `code` is the low 8 bits.
    Exited(i32),
    /// `CLD_KILLED` / `CLD_DUMPED`: a signal ended it.
    Signaled {
        /// The signal number.
        signal: i32,
        /// `CLD_DUMPED`: it dumped core.
        core_dumped: bool,
    },
    /// `CLD_STOPPED` / `CLD_TRAPPED`: stopped by this signal.
    Stopped(i32),
    /// `CLD_CONTINUED`: resumed by `SIGCONT`.
    Continued,
}

impl WaitStatus {
    /// Decodes a `waitid` `siginfo_t`'s `si_code` (`CLD_*`) and `si_status`.
    /// `None` for a code that is no `CLD_*` value. Pure, never panics.
    pub fn from_code_status(code: i32, status: i32) -> Option<WaitStatus> {
        match code {
            raw::CLD_EXITED => Some(WaitStatus::Exited(status)),
            raw::CLD_KILLED => Some(WaitStatus::Signaled {
                signal: status,
                core_dumped: false,
            }),
            raw::CLD_DUMPED => Some(WaitStatus::Signaled {
                signal: status,
                core_dumped: true,
            }),
            raw::CLD_STOPPED | raw::CLD_TRAPPED => Some(WaitStatus::Stopped(status)),
            raw::CLD_CONTINUED => Some(WaitStatus::Continued),
            _ => None,
        }
    }

    /// Decodes a `SIGCHLD`-style siginfo as `waitid` fills it. `None` if
    /// `si_signo` is not `SIGCHLD` or `si_code` is no `CLD_*` value.
    pub fn from_siginfo(info: &SigInfo) -> Option<WaitStatus> {
        if info.signo() != raw::SIGCHLD {
            return None;
        }
        WaitStatus::from_code_status(info.code(), info.status())
    }

    /// Decodes a classic `wait(2)` status int (what `wait4` writes and
    /// what `PIDFD_INFO_EXIT`'s `exit_code` holds): `WIFEXITED`,
    /// `WIFSIGNALED` (+ `WCOREDUMP`), `WIFSTOPPED`, `WIFCONTINUED`.
    /// `None` for a bit pattern none of them matches. Pure, never panics.
    pub fn from_raw(status: i32) -> Option<WaitStatus> {
        let low7 = status & 0x7f;
        let low8 = status & 0xff;
        if status == 0xffff {
            Some(WaitStatus::Continued)
        } else if low7 == 0 {
            Some(WaitStatus::Exited((status >> 8) & 0xff))
        } else if low8 == 0x7f {
            Some(WaitStatus::Stopped((status >> 8) & 0xff))
        } else if low7 != 0x7f {
            Some(WaitStatus::Signaled {
                signal: low7,
                core_dumped: status & 0x80 != 0,
            })
        } else {
            None
        }
    }
}

impl WaitStatus {
    /// The classic `wait(2)` status int for this status (what
    /// [`from_raw`](WaitStatus::from_raw) decodes, and what
    /// `std::os::unix::process::ExitStatusExt::from_raw` takes): the exit
    /// code in bits 8..16, the signal in bits 0..7 (+ 0x80 for a core
    /// dump), `0x7f` for stopped, `0xffff` for continued.
    pub const fn to_raw(self) -> i32 {
        match self {
            WaitStatus::Exited(code) => (code & 0xff) << 8,
            WaitStatus::Signaled {
                signal,
                core_dumped,
            } => (signal & 0x7f) | if core_dumped { 0x80 } else { 0 },
            WaitStatus::Stopped(sig) => ((sig & 0xff) << 8) | 0x7f,
            WaitStatus::Continued => 0xffff,
        }
    }

    /// The exit code if it exited (`std::process::ExitStatus::code`).
    pub const fn code(self) -> Option<i32> {
        match self {
            WaitStatus::Exited(c) => Some(c),
            _ => None,
        }
    }

    /// The signal that ended it, if one did.
    pub const fn signal(self) -> Option<i32> {
        match self {
            WaitStatus::Signaled { signal, .. } => Some(signal),
            _ => None,
        }
    }

    /// True for `Exited(0)`.
    pub const fn success(self) -> bool {
        matches!(self, WaitStatus::Exited(0))
    }
}

/// `exited with status 3`, `killed by signal 15 (SIGTERM)`, `killed by
/// signal 11 (SIGSEGV), core dumped`, `stopped by signal 19 (SIGSTOP)`,
/// `continued`.
///
/// ```
/// use pidfs::WaitStatus;
/// assert_eq!(WaitStatus::Exited(3).to_string(), "exited with status 3");
/// let killed = WaitStatus::Signaled { signal: 9, core_dumped: false };
/// assert_eq!(killed.to_string(), "killed by signal 9 (SIGKILL)");
/// ```
impl fmt::Display for WaitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |f: &mut fmt::Formatter<'_>, sig: i32| match signal_name(sig) {
            Some(n) => write!(f, "{sig} ({n})"),
            None => write!(f, "{sig}"),
        };
        match *self {
            WaitStatus::Exited(c) => write!(f, "exited with status {c}"),
            WaitStatus::Signaled {
                signal,
                core_dumped,
            } => {
                f.write_str("killed by signal ")?;
                name(f, signal)?;
                if core_dumped {
                    f.write_str(", core dumped")?;
                }
                Ok(())
            }
            WaitStatus::Stopped(sig) => {
                f.write_str("stopped by signal ")?;
                name(f, sig)
            }
            WaitStatus::Continued => f.write_str("continued"),
        }
    }
}

/// The same status as `std::process::ExitStatus` (through the classic
/// wait status, [`WaitStatus::to_raw`]): `code()`, `signal()`,
/// `success()` and its `Display` then work as for a std child.
///
/// ```
/// let st: std::process::ExitStatus = pidfs::WaitStatus::Exited(3).into();
/// assert_eq!(st.code(), Some(3));
/// ```
#[cfg(feature = "std")]
impl From<WaitStatus> for std::process::ExitStatus {
    fn from(s: WaitStatus) -> std::process::ExitStatus {
        std::os::unix::process::ExitStatusExt::from_raw(s.to_raw())
    }
}

/// A std `ExitStatus` decoded (`None`-like `Err(())` for a raw status no
/// `W*` macro matches).
#[cfg(feature = "std")]
impl TryFrom<std::process::ExitStatus> for WaitStatus {
    type Error = ();
    fn try_from(s: std::process::ExitStatus) -> core::result::Result<WaitStatus, ()> {
        WaitStatus::from_raw(std::os::unix::process::ExitStatusExt::into_raw(s)).ok_or(())
    }
}

/// `waitid(P_PIDFD, pidfd, &info, options, NULL)`—Wait for the process a
/// pidfd names, which must be a child of the caller.
///
/// Returns `Ok(None)` for `WaitOptions::NOHANG` when nothing is to report.
/// Without `NOWAIT` a reported exit reaps the child: afterwards its pidfd
/// says `Pid: -1` and signals give `ESRCH`.
///
/// # Errors
/// `ECHILD` not a child of the caller (or already reaped); `EAGAIN` a
/// `PIDFD_NONBLOCK` pidfd and the child has not exited (without `NOHANG`);
/// `EINVAL` no event (`EXITED`/`STOPPED`/`CONTINUED`) requested; `EBADF`
/// not a pidfd; `EINTR` a signal arrived.
///
/// # Kernel support
/// 5.4 (`EINVAL` for `P_PIDFD` before); `PIDFD_NONBLOCK`'s `EAGAIN` 5.10.
///
/// # References
/// waitid(2)
///
/// # Examples
/// ```
/// use pidfs::{Command, WaitOptions, WaitStatus, pidfd_wait};
/// let child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
/// let status = pidfd_wait(&child.pidfd, WaitOptions::EXITED)?;
/// assert_eq!(status, Some(WaitStatus::Exited(3)));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pidfd_wait(pidfd: impl AsFd, options: WaitOptions) -> Result<Option<WaitStatus>> {
    let pidfd = pidfd.as_fd();
    let mut info = raw::siginfo_t::zeroed();
    sys::waitid(raw::P_PIDFD, pidfd.as_raw_fd(), &mut info, options.bits())?;
    if info.si_signo == 0 && info.si_pid() == 0 {
        // WNOHANG and nothing to report: the kernel leaves si_pid zero.
        return Ok(None);
    }
    WaitStatus::from_code_status(info.si_code, info.si_status())
        .map(Some)
        .ok_or(Errno::EIO)
}

/// Which children [`waitid`] waits for.
#[derive(Copy, Clone, Debug)]
pub enum WaitId<'a> {
    /// `P_ALL`: any child (an init reaping the orphans it adopted).
    All,
    /// `P_PID`: the child with this pid.
    Pid(i32),
    /// `P_PGID`: any child in this process group (`0`: the caller's group,
    /// since 5.4).
    Pgid(i32),
    /// `P_PIDFD`: the child this pidfd names (5.4).
    PidFd(BorrowedFd<'a>),
}

/// A child's state change as [`waitid`] reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Waited {
    /// `si_pid`: the child's pid in the caller's pid namespace.
    pub pid: i32,
    /// `si_uid`: the child's real uid.
    pub uid: u32,
    /// `si_code` + `si_status`, decoded.
    pub status: WaitStatus,
}

/// `waitid(idtype, id, &info, options, NULL)`—wait for a state change of a
/// child of the caller (or, for an init or subreaper, of an orphan it
/// adopted); returns who changed and how.
///
/// `Ok(None)` with `WaitOptions::NOHANG` when no child has anything to
/// report. Without `NOWAIT` a reported exit reaps the child. `options` must
/// ask for at least one of `EXITED`, `STOPPED`, `CONTINUED`.
///
/// # Errors
/// `ECHILD` no child matches (none at all, or not ours, or a pid/pgid
/// with no child); `EINVAL` no event requested, an unknown option bit,
/// `WaitId::Pid` with a pid `<= 0`, `WaitId::Pgid` with a negative id
/// (or `0` before 5.4), `P_PIDFD` before 5.4; `EBADF` `PidFd` is not an open fd; `EINTR`;
/// `EAGAIN` a `PIDFD_NONBLOCK` pidfd whose child is running (5.10+).
///
/// # Kernel support
/// `P_ALL`/`P_PID`/`P_PGID` every kernel (2.6.9); `P_PIDFD` 5.4.
///
/// # Example
/// ```
/// use pidfs::{WaitId, WaitOptions, WaitStatus, waitid};
/// let child = pidfs::spawn(c"/bin/sh", &[c"sh", c"-c", c"exit 3"], &[], pidfs::CloneFlags::empty()).unwrap();
/// let w = waitid(WaitId::Pid(child.pid), WaitOptions::EXITED).unwrap().unwrap();
/// assert_eq!((w.pid, w.status), (child.pid, WaitStatus::Exited(3)));
/// ```
///
/// # References
/// waitid(2)
pub fn waitid(id: WaitId<'_>, options: WaitOptions) -> Result<Option<Waited>> {
    let (idtype, raw_id) = match id {
        WaitId::All => (raw::P_ALL, 0),
        WaitId::Pid(p) => (raw::P_PID, p),
        WaitId::Pgid(g) => (raw::P_PGID, g),
        WaitId::PidFd(fd) => (raw::P_PIDFD, fd.as_raw_fd()),
    };
    let mut info = raw::siginfo_t::zeroed();
    sys::waitid(idtype, raw_id, &mut info, options.bits())?;
    if info.si_signo == 0 && info.si_pid() == 0 {
        return Ok(None);
    }
    let status = WaitStatus::from_code_status(info.si_code, info.si_status()).ok_or(Errno::EIO)?;
    Ok(Some(Waited {
        pid: info.si_pid(),
        uid: info.si_uid(),
        status,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn wait_status_from_raw_matches_libc_macros() {
        assert_eq!(WaitStatus::from_raw(0), Some(WaitStatus::Exited(0)));
        assert_eq!(WaitStatus::from_raw(42 << 8), Some(WaitStatus::Exited(42)));
        assert_eq!(
            WaitStatus::from_raw(9),
            Some(WaitStatus::Signaled {
                signal: 9,
                core_dumped: false
            })
        );
        assert_eq!(
            WaitStatus::from_raw(0x80 | 11),
            Some(WaitStatus::Signaled {
                signal: 11,
                core_dumped: true
            })
        );
        assert_eq!(
            WaitStatus::from_raw((19 << 8) | 0x7f),
            Some(WaitStatus::Stopped(19))
        );
        assert_eq!(WaitStatus::from_raw(0xffff), Some(WaitStatus::Continued));
        assert_eq!(WaitStatus::from_raw(0xff), None);
        // to_raw is from_raw's inverse, and what libc's macros decode.
        for st in [
            WaitStatus::Exited(0),
            WaitStatus::Exited(255),
            WaitStatus::Signaled {
                signal: 15,
                core_dumped: false,
            },
            WaitStatus::Signaled {
                signal: 6,
                core_dumped: true,
            },
            WaitStatus::Stopped(19),
            WaitStatus::Continued,
        ] {
            let raw = st.to_raw();
            assert_eq!(WaitStatus::from_raw(raw), Some(st));
            assert_eq!(libc::WIFEXITED(raw), st.code().is_some());
            assert_eq!(libc::WIFSIGNALED(raw), st.signal().is_some());
            assert_eq!(libc::WIFSTOPPED(raw), matches!(st, WaitStatus::Stopped(_)));
            assert_eq!(libc::WIFCONTINUED(raw), st == WaitStatus::Continued);
        }
        for s in [i32::MIN, -1, i32::MAX, 0x7f, 0x17f, 0xfffe] {
            let _ = WaitStatus::from_raw(s);
        }
    }

    #[test]
    fn wait_status_from_code() {
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_EXITED, 3),
            Some(WaitStatus::Exited(3))
        );
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_DUMPED, 6),
            Some(WaitStatus::Signaled {
                signal: 6,
                core_dumped: true
            })
        );
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_TRAPPED, 5),
            Some(WaitStatus::Stopped(5))
        );
        assert_eq!(WaitStatus::from_code_status(0, 0), None);
        assert_eq!(WaitStatus::from_code_status(7, 0), None);
    }
}
