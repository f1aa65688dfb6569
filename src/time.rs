//! The monotonic clock and sleeping, from the crate's own entry points.

use crate::errno::{Errno, Result};
use crate::{raw, sys};
use core::time::Duration;

/// `clock_gettime(CLOCK_MONOTONIC)`—time since an unspecified start
/// (boot), never going back.
///
/// # Kernel support
/// Every kernel; on i386 `clock_gettime64` (5.1).
pub fn monotonic() -> Result<Duration> {
    let ts = sys::clock_gettime(raw::CLOCK_MONOTONIC)?;
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// `clock_nanosleep(CLOCK_MONOTONIC, 0, d)`—sleep for `d`.
///
/// # Errors
/// `EINTR` a signal handler ran (the rest is not slept); `EINVAL` more
/// than `i64::MAX` seconds.
///
/// # Kernel support
/// Every kernel; on i386 `clock_nanosleep_time64` (5.1).
pub fn sleep(d: Duration) -> Result<()> {
    let ts = raw::__kernel_timespec {
        tv_sec: i64::try_from(d.as_secs()).map_err(|_| Errno::EINVAL)?,
        tv_nsec: i64::from(d.subsec_nanos()),
    };
    sys::clock_nanosleep(raw::CLOCK_MONOTONIC, &ts)
}
