//! From a `/proc/<pid>` directory of any procfs to a pidfd; see the
//! [module docs](super).

use super::{check_procfs, gone_or};
use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::flags::PidfdFlags;
use crate::parse::ProcStatus;
use crate::pidfd::pidfd_open;
use crate::procfs;
use crate::raw;
use crate::translate::Translator;

/// `pidfd_open` of the process a `/proc/<pid>` directory fd names, in the
/// procfs of any pid namespace, checked through that fd afterwards—a pidfd
/// for exactly that process.
///
/// The directory's `status` gives the process's pids from that procfs's
/// namespace down (`Pid:`, `NSpid:`); `pidfd_open` needs its number in the
/// caller's namespace:
///
/// - When the caller has a pid in that procfs's namespace (its own, or an
///   ancestor's): the `NSpid:` entry at the caller's level (its depth
///   below that namespace, from the caller's own `NSpid:` there; 0, the
///   caller's own procfs, is tried first). The new pidfd's fdinfo, read
///   through the same procfs (`<procfd>/../thread-self/fdinfo/<fd>`,
///   resolved with `openat2` `RESOLVE_NO_XDEV` so that the walk cannot
///   step into another procfs mounted over that one's root), must show the
///   directory's pid: both numbers then name the same task there at that
///   moment.
/// - When the caller has none there (a container's procfs, at any depth
///   below): the number is translated from the process's own namespace
///   (its `ns/pid` link) by a [`Translator`] (the nsfs ioctls from 6.11,
///   the fork method before and under qemu-user). The translation names
///   the task that held the process's number while the process was alive.
///
/// Either way, `procfd`'s process must still exist afterwards
/// (`openat(procfd, "status")` fails once it is reaped, as a `/proc/<pid>`
/// fd stays bound to its process), so it held its numbers throughout, and
/// the pidfd names it; otherwise the pidfd is closed.
///
/// A zombie's directory gives a pidfd for the zombie.
///
/// # Errors
/// - `ESRCH`: the process has been reaped, before or during the call
///   (never a pidfd for a process that reused its pid); also for a procfs
///   directory that has no `status` file at all;
/// - `EINVAL`: `procfd` is not on a procfs, its `status` does not parse,
///   it names a thread other than a thread-group leader (a `/proc/<tid>`
///   of a non-leader thread), or its parent is not the procfs root (not a
///   `/proc/<pid>` directory);
/// - `EXDEV`: the process has no pid in the caller's pid namespace (it
///   lives above or beside it, so no pidfd can be opened for it), or the
///   check cannot be made because `procfd`'s procfs root is overmounted or
///   `procfd` lies in a bind mount of a `/proc/<pid>` directory;
/// - `EACCES`/`EPERM`: the caller has no pid in `procfd`'s namespace and
///   may not read the process's `ns/pid` link, or (fork method) may not
///   enter its namespace;
/// - `EACCES` no permission to read `status`.
///
/// # Kernel support
/// `pidfd_open` 5.3 (`ENOSYS` before). `openat2` 5.6; before, a plain
/// `openat` resolves `..` (then an overmounted procfs root is not
/// detected). Below the caller's namespace: the nsfs ioctls (6.11) or the
/// fork method.
///
/// # References
/// pidfd_open(2), proc(5)
pub fn pidfd_from_procfd(procfd: impl AsFd) -> Result<OwnedFd> {
    let procfd = procfd.as_fd();
    pidfd_from_procfd_with(procfd, &mut |_| {})
}

/// [`pidfd_from_procfd`] calling `between(pid)` after `status` was read and
/// before the process's number is looked for and opened: tests use it (a
/// test hook) to make the process die and its pid be reused exactly inside
/// the race window.
pub(crate) fn pidfd_from_procfd_with(
    procfd: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    check_procfs(procfd)?;
    // A task being reaped while `status` is generated shows `Tgid: 0`
    // (and kernels before 6.9 answer EINVAL from pidfd_open for a pid whose
    // task is half gone): failures are reported as ESRCH when procfd's
    // process is gone by now.
    let st = match procfs::status_in(procfd) {
        Ok(st) if st.pid > 0 && st.pid == st.tgid => st,
        Ok(_) | Err(Errno::EIO) => return Err(gone_or(procfd, Errno::EINVAL)),
        Err(e) => return Err(e),
    };
    let root = procfs::open_in_mount(
        procfd,
        c"..",
        raw::O_PATH | raw::O_DIRECTORY | raw::O_CLOEXEC,
    )
    .map_err(|e| gone_or(procfd, procfs::no_task(e)))?;
    if procfs::ino_of_fd(root.as_fd())? != raw::PROC_ROOT_INO {
        return Err(Errno::EINVAL);
    }
    between(st.pid);
    // The caller's own procfs first: the same numbering.
    match open_checked(procfd, root.as_fd(), st.pid, st.pid)? {
        Check::Same(fd) => return Ok(fd),
        Check::Invisible => return open_translated(procfd, &st),
        Check::Other => {}
    }
    // An ancestor's procfs: the caller's level below it, from its own
    // NSpid: line there.
    let me = match procfs::open_in_mount(
        root.as_fd(),
        c"thread-self",
        raw::O_PATH | raw::O_DIRECTORY | raw::O_CLOEXEC,
    ) {
        Ok(me) => me,
        Err(Errno::ENOENT) => return open_translated(procfd, &st),
        Err(e) => return Err(e),
    };
    let depth = procfs::status_in(me.as_fd())?
        .ns_pids
        .ok_or(Errno::EOPNOTSUPP)?
        .levels()
        - 1;
    let ours = match st.ns_pids.and_then(|p| p.as_slice().get(depth).copied()) {
        Some(p) if depth > 0 => p,
        // It lives above the caller's level, or the same numbering already
        // named another process: no pid in the caller's namespace.
        _ => return Err(gone_or(procfd, Errno::EXDEV)),
    };
    match open_checked(procfd, root.as_fd(), ours, st.pid)? {
        Check::Same(fd) => Ok(fd),
        _ => Err(gone_or(procfd, Errno::EXDEV)),
    }
}

/// What [`open_checked`] found.
enum Check {
    /// A pidfd for `procfd`'s process.
    Same(OwnedFd),
    /// `ours` names another process, or none, in the caller's namespace.
    Other,
    /// The caller has no pid in `procfd`'s procfs's namespace.
    Invisible,
}

/// `pidfd_open(ours)`, then its fdinfo through `root` (`procfd`'s procfs)
/// must show `pid` (the directory's number there) and `procfd`'s process
/// must still exist: then the pidfd names it (`pid` was its number in that
/// namespace from the `status` read to now, and the pidfd's process had
/// that number in between).
fn open_checked(
    procfd: BorrowedFd<'_>,
    root: BorrowedFd<'_>,
    ours: i32,
    pid: i32,
) -> Result<Check> {
    let pidfd = match pidfd_open(ours, PidfdFlags::empty()) {
        Ok(fd) => fd,
        // No process with that number here: none at all (ESRCH), or a
        // thread that is not a thread-group leader (ENOENT on 6.18,
        // EINVAL before; qemu-user's own threads are such tasks).
        Err(Errno::ESRCH | Errno::ENOENT | Errno::EINVAL) => {
            return if procfs::dir_alive(procfd) {
                Ok(Check::Other)
            } else {
                Err(Errno::ESRCH)
            };
        }
        Err(e) => return Err(gone_or(procfd, e)),
    };
    let seen = procfs::fdinfo_via(Some(root), pidfd.as_fd());
    // Whatever the fdinfo said, first make sure procfd's process is still
    // there: if it is not, the pid may have been reused.
    if !procfs::dir_alive(procfd) {
        return Err(Errno::ESRCH);
    }
    match seen {
        Ok(Some(f)) if f.pid == pid => Ok(Check::Same(pidfd)),
        Ok(_) => Ok(Check::Other),
        Err(Errno::ENOENT) => Ok(Check::Invisible),
        Err(e) => Err(e),
    }
}

/// The caller has no pid in `procfd`'s namespace: the number is translated
/// from the process's own pid namespace into the caller's, then opened,
/// then `procfd`'s process must still exist (it then held its numbers from
/// the `status` read through the translation to the open, so the number
/// translated and opened was its own).
fn open_translated(procfd: BorrowedFd<'_>, st: &ProcStatus) -> Result<OwnedFd> {
    let own = st.ns_pids.ok_or(Errno::EOPNOTSUPP)?.innermost();
    let ns = procfs::pidns_fd_in(procfd).map_err(|e| gone_or(procfd, e))?;
    let ours = match Translator::new().pid_from_pidns(ns.as_fd(), own) {
        Ok(p) => p,
        // Not visible from here (or an ancestor namespace setns refuses).
        Err(Errno::ESRCH | Errno::EINVAL) => return Err(gone_or(procfd, Errno::EXDEV)),
        Err(e) => return Err(gone_or(procfd, e)),
    };
    let pidfd = pidfd_open(ours, PidfdFlags::empty()).map_err(|e| gone_or(procfd, e))?;
    if procfs::dir_alive(procfd) {
        Ok(pidfd)
    } else {
        Err(Errno::ESRCH)
    }
}
