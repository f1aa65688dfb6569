//! The one fork + exec engine behind [`spawn`](crate::spawn()) and, with
//! `std`, `Command::spawn`: a [`Plan`] prepared entirely before the fork
//! (paths, argument and environment pointer arrays, fds, ids, id maps), a
//! child that runs only raw async-signal-safe syscalls on it, and a parent
//! that learns the child's exec errno through an `O_CLOEXEC` pipe.
//!
//! # Safety
//!
//! The child runs in a copy of a possibly multi-threaded process, so it
//! must not allocate, lock or panic: it only reads the [`Plan`] (borrowed
//! data that lives in the parent's memory, copied at the fork) and makes
//! raw syscalls, then `execve`s or `exit_group`s. The argument and
//! environment arrays are raw pointers; [`run`] is `unsafe` and its caller
//! vouches that they are NULL-terminated and point at live C strings.
#![allow(unsafe_code)]

use super::{Forked, fork_pidfd};
use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use crate::flags::CloneFlags;
use crate::path::PathBuf;
use crate::pidfd::PidFd;
use crate::{raw, sys};
use core::ffi::CStr;

/// Everything the child does between the fork and `execve`, in this order:
/// wait until the parent has written the id maps (`NEWUSER`), reset signal
/// dispositions, put `stdio` on 0, 1 and 2, `chdir(cwd)`, `setsid` or
/// `setpgid`, set resource limits, `setgroups`, `setgid`, `setuid`,
/// unblock all signals, then `execve` each of `programs` in turn.
pub(crate) struct Plan<'a> {
    /// Paths to `execve`, tried in order as `execvp` does (one for a path
    /// with a `/`, the `PATH` candidates otherwise).
    pub programs: &'a [&'a CStr],
    /// `argv` for `execve`: ends with a null pointer.
    pub argv: &'a [*const u8],
    /// `envp` for `execve`: ends with a null pointer.
    pub envp: &'a [*const u8],
    /// What to put on fd 0, 1 and 2 (`None`: leave it as inherited). Each
    /// source must be a descriptor >= 3 (see [`above_stdio`]).
    pub stdio: [Option<BorrowedFd<'a>>; 3],
    /// `chdir` before exec.
    pub cwd: Option<&'a CStr>,
    /// `setsid()` in the child.
    pub setsid: bool,
    /// `setpgid(0, pgid)` in the child (0: a new group led by the child).
    pub pgroup: Option<i32>,
    /// `prlimit64(0, resource, limit)` for each entry.
    pub rlimits: &'a [(u32, raw::rlimit64)],
    /// `setgroups(groups)`.
    pub groups: Option<&'a [u32]>,
    /// `setgid(gid)`.
    pub gid: Option<u32>,
    /// `setuid(uid)`; without `groups`, also `setgroups(0, NULL)` as std
    /// does (an `EPERM` there is ignored).
    pub uid: Option<u32>,
    /// With [`CloneFlags::NEWUSER`]: the `uid_map` and `gid_map` text.
    pub maps: Option<(&'a [u8], &'a [u8])>,
    /// Clone flags (new namespaces); `PARENT` is refused.
    pub flags: CloneFlags,
}

impl Plan<'_> {
    /// A plan that only execs `programs` with `argv`/`envp`.
    pub(crate) fn exec<'a>(
        programs: &'a [&'a CStr],
        argv: &'a [*const u8],
        envp: &'a [*const u8],
        flags: CloneFlags,
    ) -> Plan<'a> {
        Plan {
            programs,
            argv,
            envp,
            stdio: [None; 3],
            cwd: None,
            setsid: false,
            pgroup: None,
            rlimits: &[],
            groups: None,
            gid: None,
            uid: None,
            maps: None,
            flags,
        }
    }
}

/// `fd` itself if it is >= 3, else a `F_DUPFD_CLOEXEC` copy >= 3 (the
/// original is closed): an fd the child puts on 0..=2 must not be one of
/// those numbers, or an earlier `dup3` would overwrite it.
pub(crate) fn above_stdio(fd: OwnedFd) -> Result<OwnedFd> {
    if fd.as_raw_fd() >= 3 {
        return Ok(fd);
    }
    sys::dup_cloexec(fd.as_fd())
}

/// A pipe whose two ends are both >= 3 and `O_CLOEXEC`.
pub(crate) fn pipe_above_stdio() -> Result<(OwnedFd, OwnedFd)> {
    let (r, w) = sys::pipe2(raw::O_CLOEXEC)?;
    Ok((above_stdio(r)?, above_stdio(w)?))
}

/// Forks and runs `plan` in the child; returns the child's pid and pidfd
/// once it has exec'd, or the errno that stopped it (the child is then
/// reaped: no zombie, no fd is left).
///
/// # Errors
/// `EINVAL` for [`CloneFlags::PARENT`] (the caller could not reap the
/// child), for `VFORK` with id maps (the suspended parent could not write
/// them), or an `argv`/`envp` without its null terminator; the errors of
/// [`fork_pidfd`] and `pipe2`; writing the id maps; then the child's
/// errno from the step that failed (`execve`'s `ENOENT`, `EACCES`,
/// `ENOEXEC`..., `chdir`'s, `setuid`'s `EPERM`...).
///
/// # Safety
/// Every non-null pointer in `plan.argv` and `plan.envp` points at a
/// NUL-terminated string that stays alive during the call.
pub(crate) unsafe fn run(plan: &Plan<'_>) -> Result<(i32, PidFd)> {
    if plan.flags.contains(CloneFlags::PARENT)
        || !CloneFlags::all().contains(plan.flags)
        || plan.argv.last() != Some(&core::ptr::null())
        || plan.envp.last() != Some(&core::ptr::null())
    {
        return Err(Errno::EINVAL);
    }
    let parent_writes_maps = plan.maps.is_some() && !plan.flags.contains(CloneFlags::VFORK);
    let (report_rd, report_wr) = pipe_above_stdio()?;
    let sync = if parent_writes_maps {
        Some(pipe_above_stdio()?)
    } else {
        None
    };

    // Block every signal around the fork so that no handler of the caller
    // runs in the child before it has reset them.
    let all = !0u64;
    let mut old = 0u64;
    sys::sigprocmask(raw::SIG_SETMASK, Some(&all), Some(&mut old))?;
    // SAFETY: the child branch below calls only raw syscalls on data that
    // was prepared above, then execs or exit_groups.
    let forked = unsafe { fork_pidfd(plan.flags) };
    if !matches!(forked, Ok(Forked::Child)) {
        // Restoring a mask we just read cannot fail.
        let _ = sys::sigprocmask(raw::SIG_SETMASK, Some(&old), None);
    }
    let (pid, pidfd) = match forked? {
        Forked::Child => {
            // Keep only the read end, so that the parent's death is EOF.
            let wait_for = sync.map(|(r, w)| {
                drop(w);
                r
            });
            let err = child(plan, wait_for.as_ref().map(|r| r.as_fd()));
            let _ = sys::write_all(report_wr.as_fd(), &err.raw_os_error().to_ne_bytes());
            sys::exit_group(127)
        }
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(report_wr);
    if let (Some((_, go)), Some((uid_map, gid_map))) = (sync, plan.maps) {
        if let Err(e) = write_id_maps(Some(pid), uid_map, gid_map) {
            kill_and_reap(pid, &pidfd);
            return Err(e);
        }
        if let Err(e) = sys::write_all(go.as_fd(), b"g") {
            kill_and_reap(pid, &pidfd);
            return Err(e);
        }
    }
    let mut buf = [0u8; 4];
    let r = sys::read_full(report_rd.as_fd(), &mut buf);
    drop(report_rd);
    match r {
        Ok(0) => Ok((pid, pidfd)),
        Ok(4) => {
            reap(pid, &pidfd);
            Err(Errno::from_raw_os_error(i32::from_ne_bytes(buf)))
        }
        // A short report (cannot happen: 4 bytes < PIPE_BUF are written
        // atomically) or a failed read: do not leave the child behind.
        other => {
            kill_and_reap(pid, &pidfd);
            Err(other.err().unwrap_or(Errno::EIO))
        }
    }
}

fn kill_and_reap(pid: i32, pidfd: &PidFd) {
    let _ = pidfd.kill(raw::SIGKILL);
    reap(pid, pidfd);
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

/// Writes a user namespace's id maps: `/proc/<pid>/...` from the parent,
/// or `/proc/self/...` (`pid` `None`) from the child itself. `gid_map` is
/// tried first as is; where the kernel refuses it (`EPERM`: an
/// unprivileged writer must deny `setgroups` first), `setgroups` is set to
/// `deny` and it is written again, so a privileged caller keeps
/// `setgroups` usable inside.
fn write_id_maps(pid: Option<i32>, uid_map: &[u8], gid_map: &[u8]) -> Result<()> {
    let file = |leaf: &[u8]| match pid {
        Some(p) => PathBuf::proc(p, leaf),
        None => {
            let mut b = PathBuf::new();
            b.push(b"/proc/self/");
            b.push(leaf);
            b
        }
    };
    let write = |leaf: &[u8], data: &[u8]| -> Result<()> {
        let mut path = file(leaf);
        let fd = sys::open_cwd(path.as_cstr()?, raw::O_WRONLY | raw::O_CLOEXEC, 0)?;
        sys::write_all(fd.as_fd(), data)
    };
    write(b"uid_map", uid_map)?;
    match write(b"gid_map", gid_map) {
        Err(Errno::EPERM) => {
            write(b"setgroups", b"deny")?;
            write(b"gid_map", gid_map)
        }
        r => r,
    }
}

/// The child: raw syscalls only; returns the errno that stopped it.
fn child(plan: &Plan<'_>, wait_for_maps: Option<BorrowedFd<'_>>) -> Errno {
    if let Some(go) = wait_for_maps {
        let mut b = [0u8; 1];
        // EOF: the parent gave up (and kills us); leave quietly.
        if sys::read_full(go, &mut b) != Ok(1) {
            sys::exit_group(127);
        }
    } else if let Some((uid_map, gid_map)) = plan.maps
        && let Err(e) = write_id_maps(None, uid_map, gid_map)
    {
        return e;
    }
    reset_signals();
    match setup(plan) {
        Ok(()) => exec(plan),
        Err(e) => e,
    }
}

/// Caught signals back to `SIG_DFL` (their handlers are the caller's
/// code), and `SIGPIPE` too when ignored (the Rust runtime ignores it; a
/// program expects the default, as under `std::process::Command`). Other
/// ignored signals stay ignored, as across `execve` (what `nohup` relies
/// on). `SIGKILL`/`SIGSTOP` cannot be changed, and numbers an emulator
/// does not map answer `EINVAL`, which is fine to ignore.
fn reset_signals() {
    let dfl = raw::kernel_sigaction::default();
    for sig in 1..=raw::_NSIG {
        if sig == raw::SIGKILL || sig == raw::SIGSTOP {
            continue;
        }
        let mut cur = raw::kernel_sigaction::default();
        if sys::rt_sigaction(sig, None, Some(&mut cur)).is_ok()
            && cur.sa_handler != raw::SIG_DFL
            && (cur.sa_handler != raw::SIG_IGN || sig == raw::SIGPIPE)
        {
            let _ = sys::rt_sigaction(sig, Some(&dfl), None);
        }
    }
}

/// stdio, cwd, session, limits, ids and the signal mask.
fn setup(plan: &Plan<'_>) -> Result<()> {
    for (target, src) in (0..).zip(plan.stdio.iter()) {
        if let Some(src) = src {
            // SAFETY: this single-threaded child is about to exec; the
            // numbers 0..=2 are its stdio, which it replaces here, and no
            // source is one of them (`above_stdio`).
            unsafe { sys::dup3_onto(*src, target, 0)? };
        }
    }
    if let Some(dir) = plan.cwd {
        sys::chdir(dir)?;
    }
    if plan.setsid {
        sys::setsid()?;
    }
    if let Some(pg) = plan.pgroup {
        sys::setpgid(0, pg)?;
    }
    for (resource, limit) in plan.rlimits {
        sys::setrlimit(*resource, limit)?;
    }
    match plan.groups {
        Some(g) => sys::setgroups(g)?,
        None if plan.uid.is_some() => match sys::setgroups(&[]) {
            Ok(()) | Err(Errno::EPERM) => {}
            Err(e) => return Err(e),
        },
        None => {}
    }
    if let Some(gid) = plan.gid {
        sys::setgid(gid)?;
    }
    if let Some(uid) = plan.uid {
        sys::setuid(uid)?;
    }
    sys::sigprocmask(raw::SIG_SETMASK, Some(&0), None)
}

/// `execve` each program in turn, as `execvp` does: `EACCES` is
/// remembered and the search goes on; `ENOENT`, `ENOTDIR`, `ESTALE`,
/// `ENODEV` and `ETIMEDOUT` go on to the next; any other errno (such as
/// `ENOEXEC`: no `/bin/sh` retry, as `posix_spawnp` and
/// `std::process::Command`) stops the search.
fn exec(plan: &Plan<'_>) -> Errno {
    let mut eacces = false;
    let mut last = Errno::ENOENT;
    for path in plan.programs {
        // SAFETY: `run`'s caller vouched for the NULL-terminated arrays
        // (checked to end with a null pointer); they live in this copy of
        // the parent's memory.
        let e = unsafe { sys::execve(path, plan.argv.as_ptr(), plan.envp.as_ptr()) };
        match e {
            Errno::EACCES => eacces = true,
            Errno::ENOENT | Errno::ENOTDIR | Errno::ESTALE | Errno::ENODEV | Errno::ETIMEDOUT => {}
            other => return other,
        }
        last = e;
    }
    if eacces { Errno::EACCES } else { last }
}
