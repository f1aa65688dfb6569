//! pidfds: a file descriptor that names one process for as long as it is
//! open, across pid reuse.

use crate::errno::Result;
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use crate::flags::{PidfdFlags, SignalFlags};
use crate::{raw, sys};

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

/// `FD_PIDFS_ROOT` (-10002, 6.17): the pidfs root, a `mount_fd` for
/// `open_by_handle_at` that needs no pidfd.
///
/// # Kernel support
/// 6.17. Older kernels answer `EBADF`.
pub const FD_PIDFS_ROOT: BorrowedFd<'static> = sentinel(raw::FD_PIDFS_ROOT);

#[allow(unsafe_code)]
const fn sentinel(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the kernel's sentinel fds are never open fds of this process
    // and are not -1; they are only ever passed to syscalls that know them.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

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
pub fn pidfd_open(pid: i32, flags: PidfdFlags) -> Result<OwnedFd> {
    sys::pidfd_open(pid, flags.bits())
}

/// A caller-made `siginfo_t` (128 bytes) for [`pidfd_send_signal`].
///
/// The kernel accepts one for another process only with a negative
/// `si_code` (such as `SI_QUEUE` = -1); for the caller itself any code.
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct SigInfo(raw::siginfo_t);

impl SigInfo {
    /// A siginfo with `si_signo = signo`, `si_code = code`, and `si_pid`/
    /// `si_uid` of the caller (the kernel checks them for `SI_QUEUE`).
    pub fn new(signo: i32, code: i32) -> SigInfo {
        let mut s = raw::siginfo_t::zeroed();
        s.si_signo = signo;
        s.si_code = code;
        s._sifields[0] = sys::getpid() as u32;
        s._sifields[1] = sys::getuid();
        SigInfo(s)
    }

    /// Sets `si_value` (the `sigval` union; `sival_ptr` width).
    pub fn with_value(mut self, value: usize) -> SigInfo {
        self._set_value(value);
        self
    }

    fn _set_value(&mut self, value: usize) {
        let v = value as u64;
        self.0._sifields[2] = v as u32;
        #[cfg(target_pointer_width = "64")]
        {
            self.0._sifields[3] = (v >> 32) as u32;
        }
    }

    /// `si_signo`.
    pub fn signo(&self) -> i32 {
        self.0.si_signo
    }
    /// `si_code`.
    pub fn code(&self) -> i32 {
        self.0.si_code
    }
    /// `si_pid`.
    pub fn pid(&self) -> i32 {
        self.0.si_pid()
    }
    /// `si_uid`.
    pub fn uid(&self) -> u32 {
        self.0.si_uid()
    }
    /// `si_value` as written by [`SigInfo::with_value`].
    pub fn value(&self) -> usize {
        #[cfg(target_pointer_width = "64")]
        {
            (u64::from(self.0._sifields[2]) | (u64::from(self.0._sifields[3]) << 32)) as usize
        }
        #[cfg(target_pointer_width = "32")]
        {
            self.0._sifields[2] as usize
        }
    }
    /// The raw kernel struct.
    pub fn as_raw(&self) -> &raw::siginfo_t {
        &self.0
    }
    /// Wraps a kernel-filled `siginfo_t` (from `waitid` or a signal handler).
    pub fn from_raw(raw: raw::siginfo_t) -> SigInfo {
        SigInfo(raw)
    }
}

impl core::fmt::Debug for SigInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigInfo")
            .field("signo", &self.signo())
            .field("code", &self.code())
            .field("pid", &self.pid())
            .field("uid", &self.uid())
            .finish()
    }
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
pub fn pidfd_send_signal(
    pidfd: BorrowedFd<'_>,
    sig: i32,
    info: Option<&SigInfo>,
    flags: SignalFlags,
) -> Result<()> {
    sys::pidfd_send_signal(pidfd, sig, info.map(|i| &i.0), flags.bits())
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
