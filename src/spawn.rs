//! Spawning with a pidfd: `clone3(CLONE_PIDFD)` in fork-like form (with a
//! legacy `clone(CLONE_PIDFD)` fallback), and [`spawn`], a fork + `execve`
//! whose exec failure comes back as the child's errno.
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

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd};
use crate::flags::CloneFlags;
use crate::pidfd::PidFd;
use crate::sys::Cloned;
use crate::{raw, sys};
use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, Ordering};

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

/// A process started by [`spawn`].
#[derive(Debug)]
pub struct Child {
    /// The child's pid in the caller's pid namespace (a hint only).
    pub pid: i32,
    /// A pidfd for the child, created atomically with it. The caller reaps
    /// the child (for example with `waitid(P_PIDFD)`).
    pub pidfd: PidFd,
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
/// which writes the pidfd through its `parent_tid` argument.
///
/// # Errors
/// `EINVAL` for a bit that is not a [`CloneFlags`] constant, or for
/// `NEWTIME`/`CLEAR_SIGHAND` when only legacy `clone` is available;
/// otherwise the kernel's `clone3`/`clone` errors (`EAGAIN`, `ENOMEM`,
/// `ENOSPC` too many namespaces, `EPERM` a namespace needs privilege,
/// `EUSERS`).
///
/// # Kernel support
/// `clone3` 5.3; before that (or under qemu-user, which answers `ENOSYS`)
/// legacy `clone` with `CLONE_PIDFD`, 5.2 (`EINVAL` before).
/// `CLEAR_SIGHAND` 5.5 and `NEWTIME` 5.6 (`EINVAL` before), `clone3` only.
/// qemu-user forks through the legacy path and refuses namespace flags
/// there (`EINVAL`).
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
pub unsafe fn fork_pidfd(flags: CloneFlags) -> Result<Forked> {
    if !CloneFlags::all().contains(flags) {
        return Err(Errno::EINVAL);
    }
    if !FORCE_LEGACY.load(Ordering::Relaxed) && !CLONE3_ENOSYS.load(Ordering::Relaxed) {
        // SAFETY: fork-like flags (checked above: no CLONE_VM/THREAD/SETTLS);
        // the caller accepts fork's rules for the child.
        match unsafe { fork_clone3(flags, &[]) } {
            Err(Errno::ENOSYS) => CLONE3_ENOSYS.store(true, Ordering::Relaxed),
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
/// caller's stack. The child runs only raw async-signal-safe syscalls:
/// it resets every caught signal to `SIG_DFL` (ignored ones stay ignored,
/// as across `execve`), unblocks all signals (the caller blocks them around
/// the fork, so no handler of the caller ever runs in the child), and
/// `execve`s. If `execve` fails, the child writes its errno (4 bytes)
/// into an `O_CLOEXEC` pipe and exits with 127; the caller then reaps it
/// and returns that errno. A successful exec closes the pipe, which the
/// caller sees as end of file.
///
/// `flags` may put the child in new namespaces. With
/// [`CloneFlags::NEWUSER`] the child, before it execs, maps uid and gid 0
/// of its new user namespace to the caller's effective uid and gid (one
/// line each, `setgroups` denied first), as `unshare --map-root-user`
/// does, so the program starts as root of that namespace; this writes
/// `/proc/self/{setgroups,uid_map,gid_map}` and so needs `/proc` mounted.
/// With [`CloneFlags::NEWPID`] the program is pid 1 of the new pid
/// namespace (and the namespace ends when it exits).
///
/// The caller reaps the child; on failure nothing is left behind (no
/// zombie, no fd).
///
/// # Errors
/// `E2BIG` more than [`SPAWN_MAX_ARGS`] entries in `argv` or `envp`; the
/// errors of [`fork_pidfd`] and `pipe2`; then the child's `execve` errno
/// (`ENOENT`, `EACCES`, `ENOEXEC`, `ENOTDIR`, ...), or with `NEWUSER` the
/// errno of writing its id maps (`ENOENT` without `/proc`).
///
/// # Kernel support
/// As [`fork_pidfd`]: `clone3` 5.3, legacy `clone(CLONE_PIDFD)` 5.2.
/// Reaping after an exec failure uses `waitid(P_PIDFD)` (5.4), or
/// `waitid(P_PID)` on the still-unreaped child before. Under qemu-user the
/// host kernel does the `execve`, so a program of the emulated
/// architecture fails with `ENOEXEC` (unless binfmt_misc is set up).
///
/// # References
/// execve(2), clone3(2), posix_spawn(3)
pub fn spawn(path: &CStr, argv: &[&CStr], envp: &[&CStr], flags: CloneFlags) -> Result<Child> {
    if argv.len() > SPAWN_MAX_ARGS || envp.len() > SPAWN_MAX_ARGS {
        return Err(Errno::E2BIG);
    }
    if !CloneFlags::all().contains(flags) {
        return Err(Errno::EINVAL);
    }
    let mut argv_p = [core::ptr::null::<u8>(); SPAWN_MAX_ARGS + 1];
    let mut envp_p = [core::ptr::null::<u8>(); SPAWN_MAX_ARGS + 1];
    for (slot, s) in argv_p.iter_mut().zip(argv) {
        *slot = s.as_ptr().cast();
    }
    for (slot, s) in envp_p.iter_mut().zip(envp) {
        *slot = s.as_ptr().cast();
    }
    let maps = if flags.contains(CloneFlags::NEWUSER) {
        Some((
            IdMap::root_to(sys::geteuid()),
            IdMap::root_to(sys::getegid()),
        ))
    } else {
        None
    };
    let (rd, wr) = sys::pipe2(raw::O_CLOEXEC)?;

    // Block every signal around the fork so that no handler of the caller
    // runs in the child before it has reset them.
    let all = !0u64;
    let mut old = 0u64;
    sys::sigprocmask(raw::SIG_SETMASK, Some(&all), Some(&mut old))?;
    // SAFETY: the child branch below calls only raw syscalls on data that
    // was prepared above, then execs or exit_groups.
    let forked = unsafe { fork_pidfd(flags) };
    if !matches!(forked, Ok(Forked::Child)) {
        // Restoring a mask we just read cannot fail.
        let _ = sys::sigprocmask(raw::SIG_SETMASK, Some(&old), None);
    }
    let (pid, pidfd) = match forked? {
        Forked::Child => child_exec(path, &argv_p, &envp_p, wr.as_fd(), maps.as_ref()),
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(wr);
    let mut buf = [0u8; 4];
    let r = sys::read_full(rd.as_fd(), &mut buf);
    drop(rd);
    match r {
        Ok(0) => Ok(Child { pid, pidfd }),
        Ok(4) => {
            reap(pid, &pidfd);
            Err(Errno::from_raw_os_error(i32::from_ne_bytes(buf)))
        }
        // A short report (cannot happen: 4 bytes < PIPE_BUF are written
        // atomically) or a failed read: do not leave the child behind.
        other => {
            let _ = pidfd.kill(raw::SIGKILL);
            reap(pid, &pidfd);
            Err(other.err().unwrap_or(Errno::EIO))
        }
    }
}

/// Waits for our own, known-dead (or just killed) child.
fn reap(pid: i32, pidfd: &PidFd) {
    let mut info = raw::siginfo_t::zeroed();
    let fd = pidfd.as_raw_fd();
    loop {
        match sys::waitid(raw::P_PIDFD, fd, &mut info, raw::WEXITED) {
            Err(Errno::EINTR) => continue,
            // Kernels before 5.4 have no P_PIDFD; the child is unreaped, so
            // its pid is still its own.
            Err(Errno::EINVAL) => {
                while let Err(Errno::EINTR) = sys::waitid(raw::P_PID, pid, &mut info, raw::WEXITED)
                {
                }
                return;
            }
            _ => return,
        }
    }
}

/// `"0 <id> 1\n"`: one id-map line mapping 0 in the new namespace to `id`.
struct IdMap {
    buf: [u8; 16],
    len: usize,
}

impl IdMap {
    fn root_to(id: u32) -> IdMap {
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

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Writes `data` to a /proc/self file (the child's own id maps).
fn write_proc_self(path: &CStr, data: &[u8]) -> Result<()> {
    let fd = sys::open_cwd(path, raw::O_WRONLY | raw::O_CLOEXEC, 0)?;
    sys::write_all(fd.as_fd(), data)
}

/// The child of [`spawn`]: raw syscalls only, then `execve` or
/// `exit_group(127)` after reporting the errno through `report`.
fn child_exec(
    path: &CStr,
    argv: &[*const u8; SPAWN_MAX_ARGS + 1],
    envp: &[*const u8; SPAWN_MAX_ARGS + 1],
    report: BorrowedFd<'_>,
    maps: Option<&(IdMap, IdMap)>,
) -> ! {
    let err = child_prepare_and_exec(path, argv, envp, maps);
    let _ = sys::write_all(report, &err.raw_os_error().to_ne_bytes());
    sys::exit_group(127)
}

fn child_prepare_and_exec(
    path: &CStr,
    argv: &[*const u8; SPAWN_MAX_ARGS + 1],
    envp: &[*const u8; SPAWN_MAX_ARGS + 1],
    maps: Option<&(IdMap, IdMap)>,
) -> Errno {
    // Caught signals back to SIG_DFL (their handlers are the caller's code);
    // SIGKILL/SIGSTOP cannot be changed, and numbers an emulator does not
    // map answer EINVAL, which is fine to ignore.
    let dfl = raw::kernel_sigaction::default();
    for sig in 1..=raw::_NSIG {
        if sig == raw::SIGKILL || sig == raw::SIGSTOP {
            continue;
        }
        let mut cur = raw::kernel_sigaction::default();
        if sys::rt_sigaction(sig, None, Some(&mut cur)).is_ok()
            && cur.sa_handler != raw::SIG_DFL
            && cur.sa_handler != raw::SIG_IGN
        {
            let _ = sys::rt_sigaction(sig, Some(&dfl), None);
        }
    }
    if let Some((uid, gid)) = maps {
        let r = write_proc_self(c"/proc/self/setgroups", b"deny")
            .and_then(|()| write_proc_self(c"/proc/self/uid_map", uid.as_bytes()))
            .and_then(|()| write_proc_self(c"/proc/self/gid_map", gid.as_bytes()));
        if let Err(e) = r {
            return e;
        }
    }
    if let Err(e) = sys::sigprocmask(raw::SIG_SETMASK, Some(&0), None) {
        return e;
    }
    // SAFETY: both arrays are NULL-terminated (one slot more than the
    // most entries accepted) and point at `&CStr`s borrowed by `spawn`,
    // which outlive this call in the child's copy of the memory.
    unsafe { sys::execve(path, argv.as_ptr(), envp.as_ptr()) }
}
