//! Raw kernel entry points: the one instruction that enters the kernel, and
//! the syscall numbers. Nothing else lives here.
//!
//! One `mod imp` is pointed at `x86_64.rs`, `x86.rs` (i386), `aarch64.rs`,
//! `arm.rs` (32-bit ARM EABI, ARM or Thumb code) or `riscv64.rs` by
//! `target_arch`; every other target (including x32 and aarch64 ILP32)
//! fails to compile. Each `syscallN` takes typed [`Arg`]s and returns the
//! raw register value as a [`Ret`]; turning `-4095..=-1` into an `Errno`
//! happens once, in `crate::errno`.
//!
//! # Safety
//!
//! A syscall can read and write any memory its arguments point at and can
//! end or clone the process. Every `syscallN` is therefore `unsafe`: the
//! caller promises that each pointer argument is valid for what that
//! syscall does with it, for the duration of the call. `Arg` keeps pointers
//! as pointers (provenance is preserved into the register), and integers are
//! zero-extended, as the kernel's `SYSCALL_DEFINE` wrappers truncate them.
#![allow(unsafe_code)]
#![allow(dead_code)]

use core::ffi::c_void;

#[cfg(not(target_os = "linux"))]
compile_error!(
    "pidfs speaks the Linux process-handle ABI: only target_os = \"linux\" is supported"
);

#[cfg(not(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86",
    all(target_arch = "aarch64", target_pointer_width = "64"),
    target_arch = "arm",
    target_arch = "riscv64",
)))]
compile_error!(
    "pidfs has raw entry points for x86_64, i386 (target_arch = \"x86\"), aarch64, \
     32-bit ARM (target_arch = \"arm\") and riscv64 only; x32, aarch64 ILP32 and other \
     architectures are not supported"
);

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "x86", path = "x86.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
#[cfg_attr(target_arch = "arm", path = "arm.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod imp;

pub(crate) use imp::*;

#[cfg(feature = "rt")]
pub(crate) mod start;

/// One syscall argument, as it will sit in its register.
///
/// Not `Copy`: an argument is built for one call. Pointers keep their
/// provenance; integers are zero-extended to register width.
#[repr(transparent)]
pub(crate) struct Arg(*mut c_void);

impl Arg {
    /// A pointer the kernel only reads.
    #[inline(always)]
    pub(crate) fn ptr<T: ?Sized>(p: *const T) -> Self {
        Arg(p as *const c_void as *mut c_void)
    }
    /// A pointer the kernel may write through.
    #[inline(always)]
    pub(crate) fn mut_ptr<T: ?Sized>(p: *mut T) -> Self {
        Arg(p as *mut c_void)
    }
    /// A null pointer.
    #[inline(always)]
    pub(crate) fn null() -> Self {
        Arg(core::ptr::null_mut())
    }
    /// A C `int` (fd, pid, signal, flags): zero-extended, the kernel reads the
    /// low 32 bits.
    #[inline(always)]
    pub(crate) fn int(v: i32) -> Self {
        Arg(core::ptr::without_provenance_mut(v as u32 as usize))
    }
    /// A C `unsigned int`.
    #[inline(always)]
    pub(crate) fn uint(v: u32) -> Self {
        Arg(core::ptr::without_provenance_mut(v as usize))
    }
    /// A C `long`/`unsigned long`/`size_t`.
    #[inline(always)]
    pub(crate) fn usize(v: usize) -> Self {
        Arg(core::ptr::without_provenance_mut(v))
    }
    #[inline(always)]
    pub(crate) fn into_raw(self) -> *mut c_void {
        self.0
    }
}

/// The raw value the kernel left in the return register.
#[must_use]
#[repr(transparent)]
pub(crate) struct Ret(pub(crate) usize);

/// A syscall number. Built only from the `__NR_*` constants of `imp`.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub(crate) struct Nr(pub(crate) u32);

impl Nr {
    #[inline(always)]
    pub(crate) fn into_raw(self) -> *mut c_void {
        core::ptr::without_provenance_mut(self.0 as usize)
    }
}

#[cfg(test)]
mod tests;
