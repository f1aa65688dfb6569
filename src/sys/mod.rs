//! The syscall layer: one thin function per syscall, by area, taking typed
//! arguments (fds as `BorrowedFd`, buffers as slices or `&mut` structs) and
//! returning `Result`. Everything above this module is written against these
//! functions; only this module (and `arch/`) issues syscalls.
//!
//! Modelled on rustix's `backend/linux_raw`: the register-level argument and
//! return helpers live here, the calls in one file per area —
//! [`io`](self::io) (read, write, pipes, poll, fcntl), [`process`](self::process)
//! (ids, clone, exec, wait, prctl, pidfds, namespaces), [`signal`](self::signal)
//! (kill, masks, actions, sigtimedwait, signalfd), [`fs`](self::fs)
//! (open, stat, file handles), [`net`](self::net) (sockets and the
//! `SCM_CREDENTIALS` control-message codec) and `ioctl` (the pidfd and nsfs
//! requests, each with its argument type fixed).
//!
//! Integers become `OwnedFd`s only here: a function that gets a new fd from
//! the kernel returns it owned; no function outside `sys` turns a number
//! into an fd.
//!
//! # Safety
//!
//! Each safe function passes only pointers derived from references that live
//! across the call and sizes that match them, so the kernel reads or writes
//! only memory the caller lent. The functions whose safety depends on more
//! than their types (`clone3`, `clone_pidfd`, `fork_sigchld`, `execve`,
//! `close_raw`) are `unsafe fn` with a `# Safety` section.
#![allow(unsafe_code)]

mod fs;
mod io;
mod ioctl;
mod net;
mod process;
mod signal;

pub(crate) use fs::*;
pub(crate) use io::*;
pub(crate) use ioctl::*;
pub(crate) use net::*;
pub(crate) use process::*;
pub(crate) use signal::*;

use crate::arch::{Arg, Ret};
use crate::errno::{Result, decode_int};
use crate::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// An fd argument: the C `int` in its register.
#[inline(always)]
fn fd_arg(fd: BorrowedFd<'_>) -> Arg {
    Arg::int(fd.as_raw_fd())
}

/// Takes ownership of a descriptor the kernel just returned.
///
/// # Safety
/// `fd` must be a new descriptor that nothing else in this process owns
/// (a syscall's fd return value, or one the kernel wrote into our memory
/// for this call), and not -1.
#[inline(always)]
unsafe fn owned(fd: i32) -> OwnedFd {
    // SAFETY: the caller's promise: a fresh fd nobody else owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// Decodes a syscall that returns a new fd.
#[inline(always)]
fn fd_ret(r: Ret) -> Result<OwnedFd> {
    // SAFETY: a non-negative return of an fd-returning syscall is a fresh
    // descriptor that only this call's caller knows about.
    decode_int(r).map(|fd| unsafe { owned(fd) })
}
