//! `signalfd`: a descriptor that reads the caller's pending signals of a
//! set as [`SignalfdInfo`] records, for an init or supervisor that polls
//! its signals next to other fds.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, OwnedFd};
use crate::signal::SigSet;
use crate::{raw, sys};

bitflags::bitflags! {
    /// `SFD_*` flags for [`signalfd`].
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct SfdFlags: u32 {
        /// `SFD_CLOEXEC`.
        const CLOEXEC = raw::SFD_CLOEXEC;
        /// `SFD_NONBLOCK`: `read` answers `EAGAIN` when nothing is pending.
        const NONBLOCK = raw::SFD_NONBLOCK;
    }
}

/// `signalfd4(-1, set, 8, flags)`—a new signalfd for the signals of
/// `set`, which the caller must block (else they are delivered as usual
/// and never read).
///
/// # Errors
/// `EINVAL` a flag other than [`SfdFlags`]'s; `EMFILE`/`ENFILE` no fd
/// left; `ENOMEM`.
///
/// # Kernel support
/// 2.6.27 (`signalfd4`).
///
/// # Example
/// (Its own process: `kill` is process-directed, and in the harness's
/// process another thread, without the signal blocked, could take it.)
/// ```standalone_crate
/// use pidfs::{SfdFlags, SigSet, SigmaskHow, signalfd, signalfd_read, sigprocmask};
/// let set = SigSet::of(&[pidfs::raw::SIGUSR1]).unwrap();
/// let old = sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
/// let fd = signalfd(&set, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK).unwrap();
/// assert!(signalfd_read(&fd).unwrap().is_none());
/// pidfs::kill(pidfs::getpid(), pidfs::raw::SIGUSR1).unwrap();
/// let info = signalfd_read(&fd).unwrap().unwrap();
/// assert_eq!((info.signo(), info.pid()), (pidfs::raw::SIGUSR1, pidfs::getpid()));
/// sigprocmask(SigmaskHow::SetMask, Some(&old)).unwrap();
/// ```
///
/// # References
/// signalfd(2)
pub fn signalfd(set: &SigSet, flags: SfdFlags) -> Result<OwnedFd> {
    let bits = set.bits();
    sys::signalfd4(None, &bits, flags.bits())?.ok_or(Errno::EIO)
}

/// `signalfd4(fd, set, 8, 0)`—replace the set of an existing signalfd.
///
/// # Errors
/// `EINVAL` `fd` is not a signalfd; `EBADF` not an open fd.
///
/// # Kernel support
/// 2.6.27.
pub fn signalfd_set_mask(fd: impl AsFd, set: &SigSet) -> Result<()> {
    let bits = set.bits();
    sys::signalfd4(Some(fd.as_fd()), &bits, 0).map(|_| ())
}

/// One `struct signalfd_siginfo` (128 bytes) read from a signalfd.
#[derive(Copy, Clone)]
pub struct SignalfdInfo(raw::signalfd_siginfo);

impl SignalfdInfo {
    /// `ssi_signo`.
    pub fn signo(&self) -> i32 {
        self.0.ssi_signo as i32
    }
    /// `ssi_code` (`SI_USER`, `SI_QUEUE`, `CLD_*` for `SIGCHLD`, ...).
    pub fn code(&self) -> i32 {
        self.0.ssi_code
    }
    /// `ssi_pid`: the sender (or, for `SIGCHLD`, the child).
    pub fn pid(&self) -> i32 {
        self.0.ssi_pid as i32
    }
    /// `ssi_uid`: the sender's real uid.
    pub fn uid(&self) -> u32 {
        self.0.ssi_uid
    }
    /// `ssi_status`: the exit status or signal for `SIGCHLD`.
    pub fn status(&self) -> i32 {
        self.0.ssi_status
    }
    /// `ssi_int` (the `sigqueue` value as an int).
    pub fn int(&self) -> i32 {
        self.0.ssi_int
    }
    /// `ssi_ptr` (the `sigqueue` value as a pointer-sized word).
    pub fn ptr(&self) -> u64 {
        self.0.ssi_ptr
    }
    /// For a `SIGCHLD`: the child's state change, decoded as `waitid`
    /// reports it (`None` for other signals). The child is not reaped by
    /// reading the signalfd.
    pub fn wait_status(&self) -> Option<crate::WaitStatus> {
        if self.signo() != raw::SIGCHLD {
            return None;
        }
        crate::WaitStatus::from_code_status(self.code(), self.status())
    }
    /// The raw kernel record.
    pub fn as_raw(&self) -> &raw::signalfd_siginfo {
        &self.0
    }
    /// Decodes one record from 128 bytes as a signalfd `read` returns it
    /// (`None` for fewer bytes). Pure, never panics.
    pub fn from_bytes(b: &[u8]) -> Option<SignalfdInfo> {
        let b: &[u8; 128] = b.get(..128)?.try_into().ok()?;
        let u32_at = |o: usize| u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let u64_at = |o: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[o..o + 8]);
            u64::from_ne_bytes(w)
        };
        let mut r = raw::signalfd_siginfo::zeroed();
        r.ssi_signo = u32_at(0);
        r.ssi_errno = u32_at(4) as i32;
        r.ssi_code = u32_at(8) as i32;
        r.ssi_pid = u32_at(12);
        r.ssi_uid = u32_at(16);
        r.ssi_fd = u32_at(20) as i32;
        r.ssi_tid = u32_at(24);
        r.ssi_band = u32_at(28);
        r.ssi_overrun = u32_at(32);
        r.ssi_trapno = u32_at(36);
        r.ssi_status = u32_at(40) as i32;
        r.ssi_int = u32_at(44) as i32;
        r.ssi_ptr = u64_at(48);
        r.ssi_utime = u64_at(56);
        r.ssi_stime = u64_at(64);
        r.ssi_addr = u64_at(72);
        r.ssi_addr_lsb = u16::from_ne_bytes([b[80], b[81]]);
        r.ssi_syscall = u32_at(84) as i32;
        r.ssi_call_addr = u64_at(88);
        r.ssi_arch = u32_at(96);
        Some(SignalfdInfo(r))
    }
}

impl core::fmt::Debug for SignalfdInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignalfdInfo")
            .field("signo", &self.signo())
            .field("code", &self.code())
            .field("pid", &self.pid())
            .field("uid", &self.uid())
            .field("status", &self.status())
            .finish()
    }
}

/// Reads one record from a signalfd: `Ok(None)` when a `NONBLOCK` signalfd
/// has nothing pending.
///
/// # Errors
/// `EINVAL` `fd` is not a signalfd (a read of 128 bytes from another file
/// that returns fewer bytes is reported as `EINVAL` too); `EBADF`; `EINTR`
/// (blocking read interrupted).
///
/// # Kernel support
/// 2.6.22.
pub fn signalfd_read(fd: impl AsFd) -> Result<Option<SignalfdInfo>> {
    let mut buf = [0u8; 128];
    match sys::read(fd.as_fd(), &mut buf) {
        Ok(128) => Ok(SignalfdInfo::from_bytes(&buf)),
        Ok(_) => Err(Errno::EINVAL),
        Err(Errno::EAGAIN) => Ok(None),
        Err(e) => Err(e),
    }
}
