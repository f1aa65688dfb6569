//! Spawning with a pidfd: `clone3(CLONE_PIDFD)` in fork-like form (with a
//! legacy `clone(CLONE_PIDFD)` fallback), and [`spawn`], a fork + `execve`
//! whose exec failure comes back as the child's errno. The fork + exec
//! engine (`plan`) is shared with `Command` (feature `std`); [`Child`] is
//! what both return.
//!
//! The pidfd is created by the same syscall that creates the process, so
//! there is no window in which the child's pid could name anyone else.
//!
//! # Safety
//!
//! [`fork_pidfd`] is `unsafe` for the reason `fork` is: in a process with
//! several threads the child starts with one thread and whatever locks the
//! others held, so it may only run async-signal-safe code until it execs or
//! exits. [`spawn`] is safe because its child runs only raw syscalls on
//! data prepared on the parent's stack before the fork (no allocation, no
//! locks, no panics) and then `execve`s or `exit_group`s. The pidfd address
//! handed to `clone3` is a live local whose provenance is exposed and which
//! is read back with a volatile read after the call.
#![allow(unsafe_code)]

mod child;
pub(crate) mod plan;

pub use child::Child;

use crate::errno::{Errno, Result};
use crate::flags::CloneFlags;
use crate::pidfd::PidFd;
use crate::sys;
use crate::sys::Cloned;
use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, Ordering};
use plan::Plan;

/// Set once `clone3` answered `ENOSYS` (kernel < 5.3, qemu-user, a
/// seccomp filter): later calls go straight to legacy `clone`.
static CLONE3_ENOSYS: AtomicBool = AtomicBool::new(false);
/// Test switch: always take the legacy `clone` path.
static FORCE_LEGACY: AtomicBool = AtomicBool::new(false);

/// Flags that must go through `clone3`: legacy `clone` has no room for them
/// (`CLONE_NEWTIME` is in the `CSIGNAL` byte, `CLONE_CLEAR_SIGHAND` above
/// bit 31).
const CLONE3_ONLY: CloneFlags = CloneFlags::NEWTIME.union(CloneFlags::CLEAR_SIGHAND);

/// What [`fork_pidfd`] returns in each of the two processes.
#[derive(Debug)]
pub enum Forked {
    /// In the new child process.
    Child,
    /// In the caller: the child's pid (in the caller's pid namespace) and a
    /// pidfd for it (`O_CLOEXEC`).
    Parent {
        /// The child's pid in the caller's pid namespace: a hint; `pidfd`
        /// is the identity.
        pid: i32,
        /// A pidfd for the child, created atomically with it.
        pidfd: PidFd,
    },
}

/// `clone3({flags | CLONE_PIDFD, exit_signal: SIGCHLD})`—fork the caller and
/// get a pidfd for the child from the same syscall.
///
/// Fork-like: no `CLONE_VM`, no new stack; the child resumes here on a copy
/// of the caller's memory and gets [`Forked::Child`]. `flags` may add new
/// namespaces ([`CloneFlags::NEWPID`], [`CloneFlags::NEWUSER`], ...),
/// [`CloneFlags::VFORK`], [`CloneFlags::PARENT`] (the child is then the
/// caller's sibling and cannot be waited for by it),
/// [`CloneFlags::CLEAR_SIGHAND`] and [`CloneFlags::NEWTIME`];
/// [`CloneFlags::PIDFD`] is always added. The child's exit sends `SIGCHLD`.
///
/// When `clone3` answers `ENOSYS` (remembered for the process's lifetime),
/// the same fork is done with legacy `clone(flags | CLONE_PIDFD | SIGCHLD)`,
/// which writes the pidfd through its `parent_tid` argument. So it is on
/// `EPERM`, which is what a seccomp profile that denies `clone3` answers
/// (the default profiles of Docker before 20.10.9 and containerd before
/// 1.5; later ones answer `ENOSYS`); where the `EPERM` is the kernel's own
/// (a namespace that needs privilege), legacy `clone` answers `EPERM` too.
/// [`CloneFlags::PARENT`] goes through legacy `clone` as well: `clone3`
/// refuses it with an exit signal (`EINVAL`).
///
/// # Errors
/// `EINVAL` for a bit that is not a [`CloneFlags`] constant, or for
/// `NEWTIME`/`CLEAR_SIGHAND` when only legacy `clone` is available
/// (`EPERM` when a seccomp filter denies `clone3`);
/// otherwise the kernel's `clone3`/`clone` errors (`EAGAIN`, `ENOMEM`,
/// `ENOSPC` too many namespaces, `EPERM` a namespace needs privilege,
/// `EUSERS`).
///
/// # Kernel support
/// `clone3` 5.3; before that (or under qemu-user, which answers `ENOSYS`)
/// legacy `clone` with `CLONE_PIDFD`, 5.2 (`EINVAL` before).
/// `CLEAR_SIGHAND` 5.5 and `NEWTIME` 5.6 (`EINVAL` before), `clone3` only.
/// qemu-user forks through the legacy path and refuses namespace flags
/// and `PARENT` there (`EINVAL`).
///
/// # Safety
/// As `fork(2)`: if the caller has other threads, the child may only call
/// async-signal-safe functions (no allocation, no locks, no `std` I/O)
/// until it calls `execve` or exits, and it should leave with
/// `_exit`/`exit_group` rather than by returning into code that runs the
/// parent's destructors twice. With [`CloneFlags::VFORK`] the caller is
/// suspended until the child execs or exits.
///
/// # References
/// clone(2), clone3(2)
///
/// # Examples
/// ```
/// use pidfs::{CloneFlags, Forked, WaitOptions, WaitStatus, exit_group, fork_pidfd};
/// // SAFETY: the child makes one raw syscall and ends.
/// match unsafe { fork_pidfd(CloneFlags::empty()) }? {
///     Forked::Child => exit_group(7),
///     Forked::Parent { pidfd, .. } => {
///         assert_eq!(pidfd.wait(WaitOptions::EXITED)?, Some(WaitStatus::Exited(7)));
///     }
/// }
/// # Ok::<(), pidfs::Errno>(())
/// ```
pub unsafe fn fork_pidfd(flags: CloneFlags) -> Result<Forked> {
    if !CloneFlags::all().contains(flags) {
        return Err(Errno::EINVAL);
    }
    if !FORCE_LEGACY.load(Ordering::Relaxed) && !CLONE3_ENOSYS.load(Ordering::Relaxed) {
        // SAFETY: fork-like flags (checked above: no CLONE_VM/THREAD/SETTLS);
        // the caller accepts fork's rules for the child.
        match unsafe { fork_clone3(flags, &[]) } {
            Err(Errno::ENOSYS) => CLONE3_ENOSYS.store(true, Ordering::Relaxed),
            // Denied by a seccomp filter (or by the kernel for a namespace
            // flag, which legacy clone then refuses the same way); flags
            // legacy clone cannot carry keep clone3's answer.
            Err(Errno::EPERM) if !flags.intersects(CLONE3_ONLY) => {}
            // clone3 wants exit_signal 0 with CLONE_PARENT; legacy clone
            // takes it with SIGCHLD, as fork-like callers expect.
            Err(Errno::EINVAL) if flags.contains(CloneFlags::PARENT) => {}
            r => return r,
        }
    }
    // SAFETY: as above.
    unsafe { fork_legacy(flags) }
}

/// `clone3` with `set_tid`: [`fork_pidfd`] with the child's pid chosen by
/// the caller, one pid per pid-namespace level, innermost first (a test
/// hook: `EEXIST` if taken, `EPERM` without `CAP_SYS_ADMIN` over the
/// target namespaces, `ENOSYS` without `clone3`; no legacy fallback).
///
/// # Safety
/// As [`fork_pidfd`].
#[cfg(feature = "test-hooks")]
pub(crate) unsafe fn fork_pidfd_with_set_tid(flags: CloneFlags, set_tid: &[i32]) -> Result<Forked> {
    if !CloneFlags::all().contains(flags) || set_tid.is_empty() {
        return Err(Errno::EINVAL);
    }
    // SAFETY: as in `fork_pidfd`.
    unsafe { fork_clone3(flags, set_tid) }
}

/// Test switch: `true` makes [`fork_pidfd`] and [`spawn`] skip `clone3`
/// and use legacy `clone`, as on a kernel or emulator without `clone3`.
#[cfg(feature = "test-hooks")]
pub(crate) fn force_legacy_clone(on: bool) {
    FORCE_LEGACY.store(on, Ordering::Relaxed);
}

/// True once `clone3` answered `ENOSYS` in this process.
#[cfg(feature = "test-hooks")]
pub(crate) fn clone3_unavailable() -> bool {
    CLONE3_ENOSYS.load(Ordering::Relaxed)
}

/// The `clone3` path. `set_tid` empty: the 64-byte VER0 `clone_args`.
///
/// # Safety
/// `flags` is a subset of `CloneFlags::all()` (fork-like); fork's rules.
unsafe fn fork_clone3(flags: CloneFlags, set_tid: &[i32]) -> Result<Forked> {
    // SAFETY: fork-like flags (the caller's promise).
    unsafe { sys::clone3_pidfd(flags.bits(), set_tid) }.map(forked)
}

/// The legacy `clone` path.
///
/// # Safety
/// As [`fork_clone3`].
unsafe fn fork_legacy(flags: CloneFlags) -> Result<Forked> {
    if flags.intersects(CLONE3_ONLY) {
        return Err(Errno::EINVAL);
    }
    // SAFETY: fork-like flags (the caller's promise).
    unsafe { sys::clone_pidfd(flags.bits()) }.map(forked)
}

fn forked(c: Cloned) -> Forked {
    match c {
        Cloned::Child => Forked::Child,
        Cloned::Parent { pid, pidfd } => Forked::Parent {
            pid,
            pidfd: PidFd::from(pidfd),
        },
    }
}

/// The most `argv` or `envp` entries [`spawn`] takes (the pointer arrays
/// live on the stack).
pub const SPAWN_MAX_ARGS: usize = 256;

/// Fork (through [`fork_pidfd`]) and `execve(path, argv, envp)` in the
/// child—start a program and get a pidfd for it; an exec failure comes
/// back as the child's errno.
///
/// No allocation: the `NULL`-terminated pointer arrays are built on the
/// caller's stack. `path` is used as is (no `PATH` search) and `envp` is
/// the whole environment (empty: none); [`Command`](crate::Command)
/// (feature `std`) searches `PATH`, inherits the environment and sets up
/// stdio. The child runs only raw async-signal-safe syscalls: it resets
/// every caught signal to `SIG_DFL`, and `SIGPIPE` too if it is ignored
/// (the Rust runtime ignores it; programs expect the default, as under
/// `std::process::Command`); other ignored signals stay ignored, as across
/// `execve`. It unblocks all signals (the caller blocks them around the
/// fork, so no handler of the caller ever runs in the child), and
/// `execve`s. If `execve` fails, the child writes its errno (4 bytes)
/// into an `O_CLOEXEC` pipe and exits with 127; the caller then reaps it
/// and returns that errno. A successful exec closes the pipe, which the
/// caller sees as end of file.
///
/// `flags` may put the child in new namespaces. With
/// [`CloneFlags::NEWUSER`], uid and gid 0 of the new user namespace are
/// mapped to the caller's effective uid and gid (one line each) before the
/// program starts, as `unshare --map-root-user` does, so the program
/// starts as root of that namespace. The caller writes the maps
/// (`/proc/<pid>/{uid_map,gid_map}`, with `setgroups` denied first where
/// the kernel requires it of an unprivileged caller) while the child
/// waits; with [`CloneFlags::VFORK`] the suspended caller cannot, so the
/// child writes `/proc/self/...` itself. Either way `/proc` must be
/// mounted. With [`CloneFlags::NEWPID`] the program is pid 1 of the new
/// pid namespace (and the namespace ends when it exits).
///
/// The caller reaps the child (it is the caller's child:
/// [`CloneFlags::PARENT`] is refused); on failure nothing is left behind
/// (no zombie, no fd).
///
/// # Errors
/// `E2BIG` more than [`SPAWN_MAX_ARGS`] entries in `argv` or `envp`;
/// `EINVAL` [`CloneFlags::PARENT`] (the program would be the caller's
/// sibling, which it cannot reap); the errors of [`fork_pidfd`] and
/// `pipe2`; then the child's `execve` errno (`ENOENT`, `EACCES`,
/// `ENOEXEC`, `ENOTDIR`, ...), or with `NEWUSER` the errno of writing the
/// id maps (`ENOENT` without `/proc`).
///
/// # Kernel support
/// As [`fork_pidfd`]: `clone3` 5.3, legacy `clone(CLONE_PIDFD)` 5.2.
/// Reaping after an exec failure uses `waitid(P_PIDFD)` (5.4), or
/// `waitid(P_PID)` on the still-unreaped child before. Under qemu-user the
/// host kernel does the `execve`, so a program of the emulated
/// architecture fails with `ENOEXEC` (unless binfmt_misc is set up).
///
/// # Examples
/// ```
/// use pidfs::{CloneFlags, WaitStatus, spawn};
/// let mut child = spawn(c"/bin/sh", &[c"sh", c"-c", c"exit 3"], &[], CloneFlags::empty())?;
/// assert_eq!(child.wait()?, WaitStatus::Exited(3));
/// // A program that does not exist is an error, not an exit code.
/// assert_eq!(
///     spawn(c"/nonexistent", &[c"x"], &[], CloneFlags::empty()).err(),
///     Some(pidfs::Errno::ENOENT)
/// );
/// # Ok::<(), pidfs::Errno>(())
/// ```
///
/// # References
/// execve(2), clone3(2), posix_spawn(3)
pub fn spawn(path: &CStr, argv: &[&CStr], envp: &[&CStr], flags: CloneFlags) -> Result<Child> {
    if argv.len() > SPAWN_MAX_ARGS || envp.len() > SPAWN_MAX_ARGS {
        return Err(Errno::E2BIG);
    }
    let mut argv_p = [core::ptr::null::<u8>(); SPAWN_MAX_ARGS + 1];
    let mut envp_p = [core::ptr::null::<u8>(); SPAWN_MAX_ARGS + 1];
    for (slot, s) in argv_p.iter_mut().zip(argv) {
        *slot = s.as_ptr().cast();
    }
    for (slot, s) in envp_p.iter_mut().zip(envp) {
        *slot = s.as_ptr().cast();
    }
    let uid_map = IdMap::root_to(sys::geteuid());
    let gid_map = IdMap::root_to(sys::getegid());
    let programs = [path];
    let mut plan = Plan::exec(
        &programs,
        &argv_p[..=argv.len()],
        &envp_p[..=envp.len()],
        flags,
    );
    if flags.contains(CloneFlags::NEWUSER) {
        plan.maps = Some((uid_map.as_bytes(), gid_map.as_bytes()));
    }
    // SAFETY: both arrays are NULL-terminated (one slot more than the
    // entries) and point at the caller's `&CStr`s, alive for this call.
    let (pid, pidfd) = unsafe { plan::run(&plan) }?;
    Ok(Child::new(pid, pidfd))
}

/// `"0 <id> 1\n"`: one id-map line mapping 0 in the new namespace to `id`.
pub(crate) struct IdMap {
    buf: [u8; 16],
    len: usize,
}

impl IdMap {
    pub(crate) fn root_to(id: u32) -> IdMap {
        let mut digits = [0u8; 10];
        let mut n = 0;
        let mut v = id;
        loop {
            digits[n] = b'0' + (v % 10) as u8;
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let mut m = IdMap {
            buf: [0; 16],
            len: 0,
        };
        m.push(b'0');
        m.push(b' ');
        for &d in digits[..n].iter().rev() {
            m.push(d);
        }
        m.push(b' ');
        m.push(b'1');
        m.push(b'\n');
        m
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}
