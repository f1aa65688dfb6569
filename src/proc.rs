//! Race-free `/proc/<pid>` access: from a pidfd to its `/proc/<pid>`
//! directory and back, done in userspace with the checks the proposed
//! `PIDFD_TO_PROCFD`/`PROCFD_TO_PIDFD` flags of `pidfd_open` would have
//! done in the kernel (see the pidfd_open(2) man page, "use cases").
//!
//! A pid is only resolved while the process is known to hold it: the
//! answer is opened, and *afterwards* the process is checked to be still
//! there (not yet reaped). A pid is never handed to another process while
//! the first one holds it, so if the check passes the answer is the same
//! process as the input; if not, the answer is closed and the call fails
//! with `ESRCH`. It never names another process.
//!
//! Observed on 6.18 and relied on here:
//! - `pidfd_send_signal(pidfd, 0)` succeeds for a zombie (exited, not yet
//!   reaped) and fails with `ESRCH` once it is reaped;
//! - a `/proc/<pid>` directory fd stays bound to its process: once that
//!   process is reaped, `openat` relative to it (even of `..`) fails with
//!   `ESRCH` (older kernels: `ENOENT`), and reads of files opened through
//!   it fail with `ESRCH`.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use crate::flags::PidfdFlags;
use crate::parse;
use crate::path::PathBuf;
use crate::pidfd::pidfd_open;
use crate::procfs;
use crate::{raw, sys};
use core::ffi::CStr;

/// Fails with `EINVAL` unless `fd` is on a procfs.
fn check_procfs(fd: BorrowedFd<'_>) -> Result<()> {
    if sys::fstatfs_type(fd)? == raw::PROC_SUPER_MAGIC {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// `openat2(dir, path, flags, RESOLVE_NO_XDEV)`: the walk may not cross a
/// mount, so it stays in `dir`'s procfs (a `..` that would land on an
/// overmounted procfs root fails with `EXDEV` instead of silently entering
/// the procfs mounted on top). Kernels before 5.6 (and emulators) without
/// `openat2` get a plain `openat`.
fn open_in_mount(dir: BorrowedFd<'_>, path: &CStr, flags: u32) -> Result<OwnedFd> {
    match sys::openat2(dir, path, flags, raw::RESOLVE_NO_XDEV) {
        Err(Errno::ENOSYS) => sys::openat(dir, path, flags, 0),
        r => r,
    }
}

/// Reads the file `path` relative to `dir` into `buf`.
fn read_at(dir: BorrowedFd<'_>, path: &[u8], buf: &mut [u8]) -> Result<usize> {
    let mut p = PathBuf::new();
    p.push(path);
    let fd = open_in_mount(dir, p.as_cstr()?, raw::O_RDONLY | raw::O_CLOEXEC)?;
    sys::read_full(fd.as_fd(), buf)
}

/// The `Pid:` of `fd`'s fdinfo as the procfs behind `dir` numbers it,
/// read through `<dir>/<prefix>self/fdinfo/<fd>`.
fn fdinfo_pid_at(dir: BorrowedFd<'_>, prefix: &[u8], fd: BorrowedFd<'_>) -> Result<i32> {
    let mut path = PathBuf::new();
    path.push(prefix);
    path.push(b"self/fdinfo/");
    path.push_u32(fd.as_raw_fd() as u32);
    let file = open_in_mount(dir, path.as_cstr()?, raw::O_RDONLY | raw::O_CLOEXEC)?;
    let mut buf = [0u8; 1024];
    let n = sys::read_full(file.as_fd(), &mut buf)?;
    parse::parse_pidfd_fdinfo(&buf[..n])
        .map(|f| f.pid)
        .ok_or(Errno::EBADF)
}

/// `openat(proc_root, "<pid>", O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)` for the
/// process of a pidfd, checked with `pidfd_send_signal(pidfd, 0)` after the
/// open—the `/proc/<pid>` directory of exactly that process.
///
/// `proc_root` is a directory fd of the root of a procfs (such as an
/// `O_PATH` or `O_DIRECTORY` open of `/proc`); its mount decides the pid
/// namespace the pid is looked up in. The pid is read from the pidfd's
/// fdinfo *through that procfs* (`<proc_root>/self/fdinfo/<fd>`, which the
/// kernel numbers in that procfs's namespace), so a procfs of an ancestor
/// pid namespace works as well as the caller's own.
///
/// A zombie (exited, not yet reaped) still owns its pid and its `/proc`
/// directory: it gets that directory (whose files then describe the
/// zombie). A thread pidfd (`PIDFD_THREAD`) gets its thread's directory.
///
/// # Errors
/// - `ESRCH`: the process has been reaped, before or during the call
///   (never a directory of a process that reused its pid);
/// - `EREMOTE`: the process is not visible in `proc_root`'s pid namespace
///   (fdinfo says `Pid: 0`);
/// - `EINVAL`: `proc_root` is not on a procfs, or the pidfd's process lives
///   outside the caller's pid namespace tree;
/// - `EBADF`: `pidfd` is not a pidfd;
/// - `ENOENT`: `proc_root` is not a procfs root, or the caller itself is not
///   visible in its pid namespace (a procfs of a descendant namespace), so
///   `self` does not exist there;
/// - `EXDEV`: something is mounted over `<proc_root>/<pid>` or
///   `<proc_root>/self/fdinfo` (paths are resolved with `openat2`
///   `RESOLVE_NO_XDEV`, so they never leave `proc_root`'s procfs).
///
/// # Kernel support
/// Every kernel with pidfds (5.3; the fdinfo `Pid:` line came with them).
/// `openat2` (5.6) keeps the walk inside the procfs; before 5.6 a plain
/// `openat` is used.
///
/// # References
/// pidfd_open(2), proc(5)
pub fn procfd_from_pidfd(pidfd: impl AsFd, proc_root: impl AsFd) -> Result<OwnedFd> {
    let pidfd = pidfd.as_fd();
    let proc_root = proc_root.as_fd();
    procfd_from_pidfd_with(pidfd, proc_root, &mut |_| {})
}

/// [`procfd_from_pidfd`] calling `between(pid)` after the pid was read and
/// before `/proc/<pid>` is opened: tests use it (a test hook) to make the
/// process die and its pid be reused exactly inside the race window.
pub(crate) fn procfd_from_pidfd_with(
    pidfd: BorrowedFd<'_>,
    proc_root: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    check_procfs(proc_root)?;
    let read_pid = |pidfd: BorrowedFd<'_>| match fdinfo_pid_at(proc_root, b"", pidfd)? {
        -1 => Err(Errno::ESRCH),
        0 => Err(Errno::EREMOTE),
        p if p > 0 => Ok(p),
        _ => Err(Errno::EINVAL),
    };
    // The crate's one rule: the pid read, the directory opened, then the
    // process seen alive, so the pid was its own throughout.
    procfs::pinned(pidfd, read_pid, |pid| {
        between(pid);
        let mut name = PathBuf::new();
        name.push_u32(pid as u32);
        let flags = raw::O_RDONLY | raw::O_DIRECTORY | raw::O_NOFOLLOW | raw::O_CLOEXEC;
        // ENOENT: the pid is gone from this procfs, the process was reaped.
        open_in_mount(proc_root, name.as_cstr()?, flags).map_err(procfs::no_task)
    })?
    .or_esrch()?
}

/// `pidfd_open` of the process a `/proc/<pid>` directory fd names,
/// checked through that fd afterwards—a pidfd for exactly that process.
///
/// The pid is read from `<procfd>/status` (`Pid:`, numbered in the pid
/// namespace of `procfd`'s procfs), the pidfd opened with `pidfd_open`
/// (which numbers pids in the caller's namespace), then two checks:
/// the new pidfd's fdinfo read through the same procfs
/// (`<procfd>/../self/fdinfo/<fd>`, resolved with `openat2`
/// `RESOLVE_NO_XDEV` so that the walk cannot step into another procfs
/// mounted over that one's root) must show the same pid, so both numbers
/// name the same process in `procfd`'s namespace at that moment; and
/// `procfd`'s process must still exist afterwards (`openat(procfd,
/// "status")` fails once it is reaped, as a `/proc/<pid>` fd stays bound to
/// its process), so it held that pid throughout. Together they prove the
/// pidfd names `procfd`'s process; otherwise the pidfd is closed.
///
/// A zombie's directory gives a pidfd for the zombie.
///
/// # Errors
/// - `ESRCH`: the process has been reaped, before or during the call
///   (never a pidfd for a process that reused its pid); also for a procfs
///   directory that has no `status` file at all;
/// - `EINVAL`: `procfd` is not on a procfs, its `status` does not parse,
///   or it names a thread other than a thread-group leader (a
///   `/proc/<tid>` of a non-leader thread);
/// - `EXDEV`: `procfd`'s procfs numbers pids in another pid namespace than
///   the caller's and the pid opened here is another process there, or the
///   check cannot be made because `procfd`'s procfs root is overmounted or
///   `procfd` lies in a bind mount of a `/proc/<pid>` directory;
/// - `ENOENT`: the caller is not visible in `procfd`'s pid namespace (its
///   `self` does not exist there), or `procfd` is not a `/proc/<pid>`
///   directory (`..` is not the procfs root);
/// - `EACCES` no permission to read `status`.
///
/// # Kernel support
/// `pidfd_open` 5.3 (`ENOSYS` before). `openat2` 5.6; before, a plain
/// `openat` resolves `..` (then an overmounted procfs root is not
/// detected).
///
/// # References
/// pidfd_open(2), proc(5)
pub fn pidfd_from_procfd(procfd: impl AsFd) -> Result<OwnedFd> {
    let procfd = procfd.as_fd();
    pidfd_from_procfd_with(procfd, &mut |_| {})
}

/// [`pidfd_from_procfd`] calling `between(pid)` after `status` was read and
/// before `pidfd_open(pid)`: tests use it (a test hook) to make the process
/// die and its pid be reused exactly inside the race window.
pub(crate) fn pidfd_from_procfd_with(
    procfd: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    check_procfs(procfd)?;
    let mut buf = [0u8; 4096];
    let n = read_at(procfd, b"status", &mut buf).map_err(dead_dir)?;
    // A task being reaped while `status` is generated shows `Tgid: 0`
    // (and kernels before 6.9 answer EINVAL from pidfd_open for a pid whose
    // task is half gone): failures are reported as ESRCH when procfd's
    // process is gone by now.
    let st = match parse::parse_proc_status(&buf[..n]) {
        Some(st) if st.pid > 0 && st.pid == st.tgid => st,
        _ => return Err(gone_or(procfd, Errno::EINVAL)),
    };
    between(st.pid);
    let pidfd = match pidfd_open(st.pid, PidfdFlags::empty()) {
        Ok(fd) => fd,
        Err(Errno::ESRCH) => return Err(Errno::ESRCH),
        Err(e) => return Err(gone_or(procfd, e)),
    };
    let seen = fdinfo_pid_at(procfd, b"../", pidfd.as_fd());
    // Whatever the fdinfo said, first make sure procfd's process is still
    // there: if it is not, the pid may have been reused. Opening a file in
    // the directory is enough: the lookup (or the revalidation of a cached
    // entry) fails once the task is detached from its pid.
    drop(open_in_mount(procfd, c"status", raw::O_RDONLY | raw::O_CLOEXEC).map_err(dead_dir)?);
    match seen {
        Ok(p) if p == st.pid => Ok(pidfd),
        // Reaped already: cannot be procfd's process, which still exists.
        Ok(-1) => Err(Errno::ESRCH),
        Ok(_) => Err(Errno::EXDEV),
        Err(e) => Err(e),
    }
}

/// `ESRCH` if the process behind a `/proc/<pid>` directory fd is gone
/// (opening its `status` fails with `ESRCH`/`ENOENT`), else `e`.
fn gone_or(procfd: BorrowedFd<'_>, e: Errno) -> Errno {
    match open_in_mount(procfd, c"status", raw::O_RDONLY | raw::O_CLOEXEC) {
        Err(Errno::ESRCH | Errno::ENOENT) => Errno::ESRCH,
        _ => e,
    }
}

/// An error from opening a file in a `/proc/<pid>` directory: `ESRCH`
/// (6.x) or `ENOENT` (older kernels) mean the process was reaped.
fn dead_dir(e: Errno) -> Errno {
    match e {
        Errno::ENOENT | Errno::ESRCH => Errno::ESRCH,
        e => e,
    }
}

/// The start time of process `pid`, in clock ticks after boot
/// (`/proc/<pid>/stat` field 22): with the pid, the identity of a process
/// on kernels without pidfs handles (a later process with the same pid has
/// a later start time). Read it through a pidfd opened on `pid` to be
/// sure the pid was not reused in between.
///
/// # Errors
/// `ESRCH` `pid <= 0`; `ENOENT` no such process in the mounted `/proc` (or
/// no `/proc`); `EIO` a malformed stat line.
///
/// # Kernel support
/// Every kernel; needs `/proc` mounted.
pub fn proc_start_time(pid: i32) -> Result<u64> {
    procfs::start_time(pid)
}
