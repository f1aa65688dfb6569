//! # pidfs
//!
//! Name a process so that the name can never silently point at another
//! one: pidfds, pidfs file handles, PID translation across pid namespaces
//! and `clone3(CLONE_PIDFD)`, spoken directly to the kernel from this
//! crate's own entry points on x86_64, i386, aarch64, 32-bit ARM (EABI)
//! and riscv64, with no libc.
//!
//! The crate is always `#![no_std]` and never allocates. The `std` feature
//! (default) only adds interop: `pidfs::fd` is `std::os::fd`, and
//! [`Errno`] converts into `std::io::Error`.
//!
//! Every function documents the syscall or ioctl it wraps, the kernel that
//! introduced it, and what older kernels answer (or which fallback gives
//! the same answer there).
#![no_std]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

#[path = "../arch/mod.rs"]
mod arch;

pub mod errno;
pub mod fd;
mod flags;
mod path;
pub mod raw;
mod sys;

#[doc(hidden)]
pub mod fuzzing;
pub mod handle;
pub mod info;
pub mod ns;
pub mod parse;
pub mod pidfd;
pub mod probe;
pub mod proc;
pub mod spawn;
pub mod translate;

pub use errno::{Errno, Result, retry_on_intr};
pub use flags::{
    AtFlags, CloneFlags, InfoMask, NsFlags, OFlags, PidfdFlags, SignalFlags, WaitOptions,
};
pub use handle::*;
pub use info::*;
pub use ns::*;
pub use pidfd::*;
pub use probe::{Features, KernelRelease};
pub use proc::*;
pub use spawn::*;
pub use translate::*;

/// `getpid()`—the caller's process id (thread-group id), in the caller's
/// pid namespace.
///
/// One raw syscall, never cached: a cached pid lies after a raw `clone`.
/// A pid is only a hint; a [`PidFd`] or its 64-bit id is the identity.
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

/// `AT_FDCWD` as a borrowed fd.
#[inline]
pub(crate) fn fd_cwd() -> fd::BorrowedFd<'static> {
    #[allow(unsafe_code)]
    // SAFETY: AT_FDCWD (-100) is a kernel sentinel that is never closed, and
    // not -1.
    unsafe {
        <fd::BorrowedFd<'static>>::borrow_raw(raw::AT_FDCWD)
    }
}

/// How this process enters the kernel on i386.
///
/// pidfs calls the vDSO's `__kernel_vsyscall` (found through `AT_SYSINFO`
/// in the aux vector, read once with `PR_GET_AUXV` on 6.4+ or from
/// `/proc/self/auxv`) and falls back to `int 0x80` when neither is
/// available. Only on `target_arch = "x86"`.
#[cfg(target_arch = "x86")]
pub mod i386 {
    /// True when syscalls go through `__kernel_vsyscall` rather than
    /// `int 0x80`.
    ///
    /// # Kernel support
    /// `AT_SYSINFO` is given to every i386 process; `PR_GET_AUXV` needs 6.4,
    /// older kernels need `/proc` mounted, else `int 0x80` is used.
    pub fn uses_vdso() -> bool {
        crate::arch::uses_vdso()
    }

    /// `getpid()` through `int 0x80`, whatever entry is in use: the
    /// baseline of the `syscall` bench.
    ///
    /// # Kernel support
    /// Every kernel.
    pub fn getpid_int80() -> i32 {
        #[allow(unsafe_code)]
        // SAFETY: getpid takes no arguments; the stub is the int 0x80 entry.
        unsafe {
            crate::arch::syscall0_via(crate::arch::int80_entry(), crate::arch::__NR_getpid).0 as i32
        }
    }
}
