//! Signals: [`SigInfo`], the kernel's `siginfo_t` as a value, for
//! `pidfd_send_signal` and as `waitid` fills it.

use crate::{raw, sys};

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
