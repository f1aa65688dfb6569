//! Process control: the caller's own ids, `kill`, sessions and groups,
//! the `prctl`s an init or supervisor needs, `reboot`, `sync`,
//! `exit_group`.

use crate::errno::{Errno, Result};
use crate::{raw, sys};

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

/// `getppid()`—the parent's pid in the caller's pid namespace (`0` when
/// the parent is outside it, as for the init of a pid namespace).
///
/// # Kernel support
/// Every kernel.
#[inline]
pub fn getppid() -> i32 {
    sys::getppid()
}

/// `kill(pid, sig)`—send `sig` to a process or a group, by number.
///
/// `pid > 0` the process `pid`; `0` every process in the caller's process
/// group; `-1` every process the caller may signal except itself and
/// (outside a pid namespace's init) PID 1—what an init sends at shutdown;
/// `< -1` every process in the group `-pid`. `sig` 0 sends nothing and
/// only checks. Prefer [`PidFd::kill`](crate::PidFd::kill) for one
/// process: a pid may have been reused.
///
/// # Errors
/// `EINVAL` `sig` outside 0..=64; `ESRCH` no such process or group (for
/// `-1`: nothing the caller may signal); `EPERM` not allowed to signal
/// any target.
///
/// # Kernel support
/// Every kernel.
///
/// # References
/// kill(2)
pub fn kill(pid: i32, sig: i32) -> Result<()> {
    sys::kill(pid, sig)
}

/// `setsid()`—make the caller the leader of a new session and process
/// group (no controlling terminal); returns the new session id.
///
/// # Errors
/// `EPERM` the caller already leads a process group.
///
/// # Kernel support
/// Every kernel.
///
/// # References
/// setsid(2)
pub fn setsid() -> Result<i32> {
    sys::setsid()
}

/// `setpgid(pid, pgid)`—move `pid` (`0`: the caller) into the process
/// group `pgid` (`0`: a group named after `pid`).
///
/// # Errors
/// `EINVAL` `pgid < 0`; `ESRCH` `pid` is not the caller or a child of it;
/// `EPERM` another session, or a session leader; `EACCES` a child that has
/// already exec'd.
///
/// # Kernel support
/// Every kernel.
pub fn setpgid(pid: i32, pgid: i32) -> Result<()> {
    sys::setpgid(pid, pgid)
}

/// `prctl(PR_SET_CHILD_SUBREAPER, on)`—make the caller the reaper of its
/// orphaned descendants (they are re-parented to it instead of to PID 1),
/// as a service manager that is not PID 1 needs.
///
/// # Errors
/// None on Linux 3.4+; `EINVAL` before.
///
/// # Kernel support
/// 3.4.
pub fn set_child_subreaper(on: bool) -> Result<()> {
    sys::prctl_set_child_subreaper(on)
}

/// `prctl(PR_GET_CHILD_SUBREAPER)`—whether the caller is a subreaper.
///
/// # Kernel support
/// 3.4.
pub fn child_subreaper() -> Result<bool> {
    sys::prctl_get_child_subreaper()
}

/// `prctl(PR_SET_NAME, name)`—set the calling thread's name (`comm`, 15
/// bytes at most: longer names are cut, as the kernel does).
///
/// # Errors
/// `EINVAL` a NUL byte inside `name`.
///
/// # Kernel support
/// 2.6.9.
pub fn set_name(name: &[u8]) -> Result<()> {
    if name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    let mut buf = [0u8; 16];
    let n = name.len().min(15);
    buf[..n].copy_from_slice(&name[..n]);
    sys::prctl_name(raw::PR_SET_NAME, &mut buf)
}

/// `prctl(PR_GET_NAME)`—the calling thread's name, without the NUL, in a
/// 16-byte buffer; returns the buffer and the length.
///
/// # Kernel support
/// 2.6.11.
pub fn name() -> Result<([u8; 16], usize)> {
    let mut buf = [0u8; 16];
    sys::prctl_name(raw::PR_GET_NAME, &mut buf)?;
    let n = buf.iter().position(|&b| b == 0).unwrap_or(16);
    Ok((buf, n))
}

/// `prctl(PR_SET_PDEATHSIG, sig)`—the signal the caller gets when the
/// thread that created it exits (`None`: none). Cleared by a fork in the
/// child and by exec of a set-uid program.
///
/// # Errors
/// `EINVAL` `sig` outside 1..=64.
///
/// # Kernel support
/// Every kernel (2.1.57).
pub fn set_parent_death_signal(sig: Option<i32>) -> Result<()> {
    let s = match sig {
        Some(s) if s <= 0 => return Err(Errno::EINVAL),
        Some(s) => s,
        None => 0,
    };
    sys::prctl_set_pdeathsig(s)
}

/// What [`reboot`] asks of the kernel.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RebootCommand {
    /// `LINUX_REBOOT_CMD_POWER_OFF`: stop and power off.
    PowerOff,
    /// `LINUX_REBOOT_CMD_RESTART`: restart.
    Restart,
    /// `LINUX_REBOOT_CMD_HALT`: stop, leave the power on.
    Halt,
    /// `LINUX_REBOOT_CMD_CAD_ON`: ctrl-alt-del restarts at once.
    CadOn,
    /// `LINUX_REBOOT_CMD_CAD_OFF`: ctrl-alt-del sends `SIGINT` to PID 1
    /// (how an init gets to stop cleanly on ctrl-alt-del).
    CadOff,
}

/// `reboot(MAGIC1, MAGIC2, cmd, NULL)`—power off, restart or halt the
/// system at once (no `sync`: call [`sync`] first), or set what
/// ctrl-alt-del does. Returns only for `CadOn`/`CadOff` or on failure.
///
/// Inside a pid namespace other than the first, `PowerOff`/`Halt` and
/// `Restart` end that namespace's init (with `SIGINT` and `SIGHUP` as the
/// reported signal) instead of the machine; `CadOn`/`CadOff` answer
/// `EINVAL` there.
///
/// # Errors
/// `EPERM` without `CAP_SYS_BOOT` in the caller's user namespace (a
/// non-root user, or root of a user namespace other than the first for
/// the machine-wide commands); `EINVAL` `CadOn`/`CadOff` in a child pid
/// namespace.
///
/// # Kernel support
/// Every kernel.
///
/// # References
/// reboot(2)
pub fn reboot(cmd: RebootCommand) -> Result<()> {
    let c = match cmd {
        RebootCommand::PowerOff => raw::LINUX_REBOOT_CMD_POWER_OFF,
        RebootCommand::Restart => raw::LINUX_REBOOT_CMD_RESTART,
        RebootCommand::Halt => raw::LINUX_REBOOT_CMD_HALT,
        RebootCommand::CadOn => raw::LINUX_REBOOT_CMD_CAD_ON,
        RebootCommand::CadOff => raw::LINUX_REBOOT_CMD_CAD_OFF,
    };
    sys::reboot(c)
}

/// `sync()`—write every dirty buffer of every file system to disk.
///
/// # Kernel support
/// Every kernel; cannot fail.
pub fn sync() {
    sys::sync()
}

/// `exit_group(code)`—end every thread of the process now: no
/// destructors, no `atexit`, no stdio flush.
///
/// # Kernel support
/// Every kernel.
pub fn exit_group(code: i32) -> ! {
    sys::exit_group(code)
}
