//! Signals: [`SigInfo`], the kernel's `siginfo_t` as a value, for
//! `pidfd_send_signal` and as `waitid` fills it; [`SigSet`], the kernel's
//! 64-bit signal set, with [`sigprocmask`] and [`sigtimedwait`], the calls
//! an init uses to take its signals synchronously.

use crate::errno::{Errno, Result};
use crate::{raw, sys};
use core::time::Duration;

/// A caller-made `siginfo_t` (128 bytes) for [`pidfd_send_signal`](crate::pidfd_send_signal).
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
    /// `_sigchld.si_status` (also the low word of `si_value`).
    pub fn status(&self) -> i32 {
        self.0.si_status()
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

/// A set of signals 1..=64: the kernel's `sigset_t` (8 bytes on every
/// architecture this crate supports), as [`sigprocmask`],
/// [`sigtimedwait`] and [`signalfd`](crate::signalfd()) take it.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash)]
pub struct SigSet(u64);

impl SigSet {
    /// The empty set.
    pub const fn empty() -> SigSet {
        SigSet(0)
    }
    /// Every signal 1..=64 (the kernel itself never blocks `SIGKILL` or
    /// `SIGSTOP`, whatever a mask says).
    pub const fn full() -> SigSet {
        SigSet(!0)
    }
    /// The set of `signals`; `EINVAL` for a number outside 1..=64.
    pub fn of(signals: &[i32]) -> Result<SigSet> {
        let mut s = SigSet::empty();
        for &sig in signals {
            s.add(sig)?;
        }
        Ok(s)
    }
    fn bit(sig: i32) -> Result<u64> {
        if (1..=raw::_NSIG).contains(&sig) {
            Ok(1u64 << (sig - 1))
        } else {
            Err(Errno::EINVAL)
        }
    }
    /// Adds `sig`; `EINVAL` outside 1..=64.
    pub fn add(&mut self, sig: i32) -> Result<()> {
        self.0 |= SigSet::bit(sig)?;
        Ok(())
    }
    /// Removes `sig`; `EINVAL` outside 1..=64.
    pub fn remove(&mut self, sig: i32) -> Result<()> {
        self.0 &= !SigSet::bit(sig)?;
        Ok(())
    }
    /// Whether `sig` is in the set (`false` outside 1..=64).
    pub fn contains(&self, sig: i32) -> bool {
        SigSet::bit(sig).is_ok_and(|b| self.0 & b != 0)
    }
    /// Whether no signal is in the set.
    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }
    /// The signals in the set, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = i32> + '_ {
        (1..=raw::_NSIG).filter(|&s| self.contains(s))
    }
    /// The kernel's bit pattern (bit `n - 1` is signal `n`).
    pub const fn bits(&self) -> u64 {
        self.0
    }
    /// A set from the kernel's bit pattern.
    pub const fn from_bits(bits: u64) -> SigSet {
        SigSet(bits)
    }
}

impl core::fmt::Debug for SigSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// What [`sigprocmask`] does with its set.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SigmaskHow {
    /// `SIG_BLOCK`: add the set to the mask.
    Block,
    /// `SIG_UNBLOCK`: take the set out of the mask.
    Unblock,
    /// `SIG_SETMASK`: the mask becomes the set.
    SetMask,
}

/// `rt_sigprocmask(how, set, &old, 8)`—change the calling thread's signal
/// mask; returns the mask before the call. `set` `None` only reads it.
///
/// The mask and the pending set survive `execve`, so an init that blocks
/// its signals before anything can send them loses none across a re-exec
/// of itself. `SIGKILL` and `SIGSTOP` are silently never blocked.
///
/// # Errors
/// None on a valid `how` (the type makes every value valid); `EFAULT`
/// cannot happen (the sets are the caller's references).
///
/// # Kernel support
/// Every kernel (2.2).
///
/// # Example
/// ```
/// use pidfs::{SigSet, SigmaskHow, sigprocmask};
/// let set = SigSet::of(&[pidfs::raw::SIGUSR1]).unwrap();
/// let old = sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
/// assert!(sigprocmask(SigmaskHow::SetMask, None).unwrap().contains(pidfs::raw::SIGUSR1));
/// sigprocmask(SigmaskHow::SetMask, Some(&old)).unwrap();
/// ```
///
/// # References
/// rt_sigprocmask(2)
pub fn sigprocmask(how: SigmaskHow, set: Option<&SigSet>) -> Result<SigSet> {
    let how = match how {
        SigmaskHow::Block => raw::SIG_BLOCK,
        SigmaskHow::Unblock => raw::SIG_UNBLOCK,
        SigmaskHow::SetMask => raw::SIG_SETMASK,
    };
    let mut old = 0u64;
    sys::sigprocmask(how, set.map(|s| &s.0), Some(&mut old))?;
    Ok(SigSet(old))
}

/// `rt_sigtimedwait(set, &info, timeout, 8)`—take one pending signal of
/// `set` (which the caller should have blocked), waiting at most
/// `timeout` (`None`: forever); returns its `siginfo`.
///
/// # Errors
/// `EAGAIN` the timeout passed with no signal of `set` pending; `EINTR`
/// another signal's handler ran, or the process was stopped and continued
/// (`SIGSTOP`/`SIGCONT`); `EINVAL` a timeout with more than `i64::MAX`
/// seconds.
///
/// # Kernel support
/// Every kernel (2.2); on i386 the 64-bit-time variant
/// `rt_sigtimedwait_time64` (5.1).
///
/// # Example
/// (Its own process: `kill` is process-directed, and in the harness's
/// process another thread, without the signal blocked, could take it.)
/// ```standalone_crate
/// use pidfs::{SigSet, SigmaskHow, sigprocmask, sigtimedwait, Errno};
/// use std::time::Duration;
/// let set = SigSet::of(&[pidfs::raw::SIGUSR2]).unwrap();
/// let old = sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
/// assert_eq!(sigtimedwait(&set, Some(Duration::ZERO)).unwrap_err(), Errno::EAGAIN);
/// pidfs::kill(pidfs::getpid(), pidfs::raw::SIGUSR2).unwrap();
/// assert_eq!(sigtimedwait(&set, None).unwrap().signo(), pidfs::raw::SIGUSR2);
/// sigprocmask(SigmaskHow::SetMask, Some(&old)).unwrap();
/// ```
///
/// # References
/// sigtimedwait(2)
pub fn sigtimedwait(set: &SigSet, timeout: Option<Duration>) -> Result<SigInfo> {
    let ts = match timeout {
        Some(t) => Some(raw::__kernel_timespec {
            tv_sec: i64::try_from(t.as_secs()).map_err(|_| Errno::EINVAL)?,
            tv_nsec: i64::from(t.subsec_nanos()),
        }),
        None => None,
    };
    let mut info = raw::siginfo_t::zeroed();
    sys::sigtimedwait(&set.0, Some(&mut info), ts.as_ref())?;
    Ok(SigInfo(info))
}
