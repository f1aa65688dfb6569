//! Test hooks: forced fallbacks, race-window hooks and switches that the
//! crate's own tests, benches and fuzz targets use to reach paths a given
//! kernel would not take. Only with the non-default `test-hooks` feature;
//! not part of the API, no stability promise. A default-features build
//! cannot name any of this.
//!
//! # Safety
//!
//! The one `unsafe fn`, [`fork_pidfd_with_set_tid`], forwards the contract
//! of `fork_pidfd` (fork's rules for the child) to its caller.
#![allow(unsafe_code)]

use crate::errno::Result;
use crate::fd::{BorrowedFd, OwnedFd};
use crate::flags::{AtFlags, CloneFlags, InfoMask, OFlags};
use crate::handle::{FileHandle, PidfsHandle};
use crate::info::PidfdInfo;
use crate::ns::NsType;
use crate::spawn::Forked;
use core::ffi::CStr;

/// `procfd_from_pidfd` calling `between(pid)` after the pid was read and
/// before `/proc/<pid>` is opened (the race window).
pub fn procfd_from_pidfd_hooked(
    pidfd: BorrowedFd<'_>,
    proc_root: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    crate::proc::procfd_from_pidfd_with(pidfd, proc_root, between)
}

/// `pidfd_from_procfd` calling `between(pid)` after `status` was read and
/// before `pidfd_open(pid)` (the race window).
pub fn pidfd_from_procfd_hooked(
    procfd: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    crate::proc::pidfd_from_procfd_with(procfd, between)
}

/// The /proc fallback of `pidfd_get_namespace`, on any kernel.
pub fn pidfd_get_namespace_fallback(pidfd: BorrowedFd<'_>, ns: NsType) -> Result<OwnedFd> {
    crate::ns::pidfd_get_namespace_fallback(pidfd, ns)
}

/// The /proc fallback of `pidfd_get_info`, on any kernel.
pub fn pidfd_get_info_fallback(pidfd: BorrowedFd<'_>, mask: InfoMask) -> Result<PidfdInfo> {
    crate::info::pidfd_get_info_fallback(pidfd, mask)
}

/// `pidfd_from_handle` through a pidfd of the caller as mount fd (the
/// 6.14-6.16 path), on any kernel with handles.
pub fn pidfd_from_handle_via_own_pidfd(handle: &PidfsHandle, flags: OFlags) -> Result<OwnedFd> {
    crate::handle::pidfd_from_handle_via_own_pidfd(handle, flags)
}

/// `name_to_handle_at` starting from an offered capacity of `initial`
/// bytes, so that the `EOVERFLOW` retry runs.
pub fn name_to_handle_at_from(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: AtFlags,
    initial: usize,
) -> Result<(FileHandle, u64)> {
    crate::handle::name_to_handle_at_from(dirfd, path, flags, initial)
}

/// `true` makes `fork_pidfd` and `spawn` skip `clone3` and use legacy
/// `clone`, as on a kernel or emulator without `clone3`. Process-wide.
pub fn force_legacy_clone(on: bool) {
    crate::spawn::force_legacy_clone(on)
}

/// True once `clone3` answered `ENOSYS` in this process.
pub fn clone3_unavailable() -> bool {
    crate::spawn::clone3_unavailable()
}

/// `clone3` with `set_tid`: the child's pid chosen by the caller.
///
/// # Safety
/// As `fork_pidfd`.
pub unsafe fn fork_pidfd_with_set_tid(flags: CloneFlags, set_tid: &[i32]) -> Result<Forked> {
    // SAFETY: forwarded; the caller accepts fork's rules.
    unsafe { crate::spawn::fork_pidfd_with_set_tid(flags, set_tid) }
}

pub use crate::translate::fork::translate_before_reap as fork_translate_before_reap;
pub use crate::translate::fork::translate_stalled as fork_translate_stalled;

/// `PidFd::same_process` as kernels before 6.9 answer it (the fdinfo
/// pids, each confirmed by the process being alive afterwards), on any
/// kernel.
pub fn same_process_by_fdinfo(a: BorrowedFd<'_>, b: BorrowedFd<'_>) -> Result<bool> {
    crate::pidfd::same_process_by_fdinfo(a, b)
}

/// The `SCM_CREDENTIALS` parser of the fork-based translation.
pub fn parse_scm_credentials(control: &[u8]) -> Option<crate::raw::ucred> {
    crate::sys::parse_scm_credentials(control)
}
