//! Process basics: the caller's own ids.

use crate::sys;

/// `getpid()`—the caller's process id (thread-group id), in the caller's
/// pid namespace.
///
/// One raw syscall, never cached: a cached pid lies after a raw `clone`.
/// A pid is only a hint; a [`PidFd`](crate::PidFd) or its 64-bit id is the
/// identity.
///
/// # Kernel support
/// Every kernel.
#[inline]
pub fn getpid() -> i32 {
    sys::getpid()
}

/// `gettid()`—the calling thread's id, in the caller's pid namespace.
///
/// # Kernel support
/// Every kernel.
#[inline]
pub fn gettid() -> i32 {
    sys::gettid()
}
