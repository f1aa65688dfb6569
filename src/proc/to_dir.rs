//! From a pidfd to its `/proc/<pid>` directory in the procfs of any pid
//! namespace; see the [module docs](super).

use super::{check_proc_root, open_pid_dir};
use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::parse::NsPids;
use crate::path::PathBuf;
use crate::procfs;
use crate::sys;
use crate::translate::Translator;

/// `openat(proc_root, "<pid>", O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)` for the
/// process of a pidfd, `<pid>` being its number in `proc_root`'s pid
/// namespace, checked with `pidfd_send_signal(pidfd, 0)` after the open—the
/// `/proc/<pid>` directory of exactly that process, in the procfs of any
/// pid namespace.
///
/// `proc_root` is the root directory of a procfs (an `O_PATH` or
/// `O_DIRECTORY` open of `/proc`, of a container's `/proc`, of
/// `/proc/<pid>/root/proc`); its mount decides the pid namespace: the
/// caller's, an ancestor's, or a descendant's at any depth. A process two
/// namespaces down has three pids, and each of the three procfs gives the
/// directory of its own number. See the [module docs](super) for how the
/// number is found and why the answer can never be another process's
/// directory, in either namespace, whatever pid reuse happens meanwhile.
///
/// A zombie (exited, not yet reaped) still owns its pid and its `/proc`
/// directory: it gets that directory (whose files then describe the
/// zombie). A thread pidfd (`PIDFD_THREAD`) gets its thread's directory.
///
/// # Errors
/// - `ESRCH`: the process has no pid in `proc_root`'s namespace (a sibling
///   container's procfs, the init of an outer namespace given an inner
///   procfs), as the kernel's `pid_nr_ns() == 0` answers; or it has been
///   reaped, before or during the call (never a directory of a process
///   that reused its pid);
/// - `EINVAL`: `proc_root` is not the root of a procfs;
/// - `EBADF`: `pidfd` is not a pidfd (or not open);
/// - `EACCES`: the caller has no pid in `proc_root`'s namespace and may not
///   read the process's `/proc/<pid>/ns/pid` link (no ptrace-read access),
///   which the search below the caller's namespace needs to tell the
///   process from another with the same numbers;
/// - `EOPNOTSUPP`: the process has no pid in `/proc`'s namespace, the
///   caller none in `proc_root`'s, and `proc_root`'s namespace is not below
///   the caller's (it lies beside it): userspace cannot compute that
///   answer (a procfs below the caller's answers `ESRCH` there, which is
///   right: it cannot hold a process the caller does not see);
/// - `ENOENT`: the caller has no pid in `proc_root`'s namespace and none
///   in the namespace of the procfs at `/proc` either;
/// - `EXDEV`: something is mounted over a path this walks in `proc_root`
///   (paths are resolved with `openat2` `RESOLVE_NO_XDEV`, so they never
///   leave `proc_root`'s procfs).
///
/// # Kernel support
/// Every kernel with pidfds (5.3; `Pid:` in the fdinfo came with them,
/// `NSpid:` with 5.10's). `openat2` (5.6) keeps the walk inside the
/// procfs; before 5.6 a plain `openat` is used. No nsfs ioctl is needed
/// (qemu-user has none). Only the `EOPNOTSUPP` case above uses a
/// [`Translator`] (nsfs ioctls from 6.11, else the fork method).
///
/// # References
/// pidfd_open(2), proc(5)
pub fn procfd_from_pidfd(pidfd: impl AsFd, proc_root: impl AsFd) -> Result<OwnedFd> {
    let pidfd = pidfd.as_fd();
    let proc_root = proc_root.as_fd();
    procfd_from_pidfd_with(pidfd, proc_root, &mut |_| {})
}

/// [`procfd_from_pidfd`] calling `between(pid)` after the pid was read and
/// before `<proc_root>/<pid>` is opened (once per candidate below the
/// caller's namespace): tests use it (a test hook) to make the process die
/// and its pid be reused exactly inside the race window.
pub(crate) fn procfd_from_pidfd_with(
    pidfd: BorrowedFd<'_>,
    proc_root: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    check_proc_root(proc_root)?;
    // 1. Through proc_root's own numbering, when the caller has a pid
    //    there. ENOENT: no `thread-self` there (or `pidfd` is not open).
    let read_pid = |pidfd: BorrowedFd<'_>| match procfs::fdinfo_via(Some(proc_root), pidfd)? {
        Some(f) if f.pid > 0 => Ok(f.pid),
        // -1 reaped; 0: no pid in proc_root's namespace.
        Some(f) if f.pid == -1 || f.pid == 0 => Err(Errno::ESRCH),
        _ => Err(Errno::EBADF),
    };
    // The crate's one rule: the pid read, the directory opened, then the
    // process seen alive, so the pid was its own throughout.
    let opened = procfs::pinned(pidfd, read_pid, |pid| {
        between(pid);
        open_pid_dir(proc_root, pid)
    });
    match opened {
        Err(Errno::ENOENT) => procfd_below(pidfd, proc_root, between),
        r => r?.or_esrch()?,
    }
}

/// The second way of the [module docs](super): the caller has no pid in
/// `proc_root`'s namespace.
fn procfd_below(
    pidfd: BorrowedFd<'_>,
    proc_root: BorrowedFd<'_>,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    let read = |pidfd: BorrowedFd<'_>| -> Result<NsPids> {
        let f = match procfs::fdinfo_via(None, pidfd) {
            Ok(Some(f)) => f,
            Ok(None) => return Err(Errno::EBADF),
            // Not open (EBADF), or no procfs at /proc shows the caller.
            Err(Errno::ENOENT) => {
                sys::fstatfs_type(pidfd)?;
                return Err(Errno::ENOENT);
            }
            Err(e) => return Err(e),
        };
        match f.pid {
            -1 => Err(Errno::ESRCH),
            // No pid in /proc's namespace: answered below.
            0 => Err(Errno::EREMOTE),
            p if p > 0 => f.ns_pids.ok_or(Errno::EOPNOTSUPP),
            _ => Err(Errno::EBADF),
        }
    };
    match procfs::pinned(pidfd, read, |ours| search_below(proc_root, &ours, between)) {
        Err(Errno::EREMOTE) => outside_our_tree(proc_root),
        r => r?.or_esrch()?,
    }
}

/// The candidates `<proc_root>/<r_d>`, `d` in `1..=m`, for a process whose
/// `NSpid:` from `/proc`'s namespace is `ours`: the one whose task has the
/// numbers `r_d .. rm` there and lives in the process's pid namespace.
fn search_below(
    proc_root: BorrowedFd<'_>,
    ours: &NsPids,
    between: &mut dyn FnMut(i32),
) -> Result<OwnedFd> {
    let pids = ours.as_slice();
    let mut own_ns = None;
    let mut denied = None;
    for d in 1..pids.len() {
        between(pids[d]);
        let dir = match open_pid_dir(proc_root, pids[d]) {
            Ok(dir) => dir,
            Err(Errno::ESRCH) => continue,
            Err(e) => return Err(e),
        };
        let same_numbers = match procfs::status_in(dir.as_fd()) {
            Ok(st) => st.ns_pids.is_some_and(|p| p.as_slice() == &pids[d..]),
            Err(Errno::ESRCH) => false,
            Err(e) => return Err(e),
        };
        if !same_numbers {
            continue;
        }
        // Same numbers from that level down: the same process if it lives
        // in the same pid namespace (sibling containers can number alike).
        let want = match own_ns {
            Some(ino) => ino,
            None => {
                let ino = process_pidns(ours.outermost())?;
                own_ns = Some(ino);
                ino
            }
        };
        match procfs::pidns_ino_in(dir.as_fd()) {
            Ok(ino) if ino == want => return Ok(dir),
            Ok(_) => {}
            Err(_) if !procfs::dir_alive(dir.as_fd()) => {}
            Err(e) => denied = Some(e),
        }
    }
    Err(denied.unwrap_or(Errno::ESRCH))
}

/// The pid namespace inode of the process `/proc/<pid>` (the caller's
/// procfs) shows; `ESRCH` once that task is gone.
fn process_pidns(pid: i32) -> Result<u64> {
    let mut path = PathBuf::new();
    path.push(b"/proc/");
    path.push_u32(pid as u32);
    let dir = procfs::open_dir(path.as_cstr()?).map_err(procfs::no_task)?;
    procfs::pidns_ino_in(dir.as_fd()).map_err(|e| {
        if procfs::dir_alive(dir.as_fd()) {
            e
        } else {
            Errno::ESRCH
        }
    })
}

/// The process has no pid in `/proc`'s namespace (nor in the caller's,
/// which lies at or below it) and the caller has none in `proc_root`'s.
/// A namespace below the caller's cannot hold such a process: `ESRCH`.
/// One beside the caller's might, and userspace cannot tell: `EOPNOTSUPP`.
/// Which of the two it is: whether the init of `proc_root`'s namespace
/// (its pid 1, reaped only after every other task there) has a pid in the
/// caller's namespace.
fn outside_our_tree(proc_root: BorrowedFd<'_>) -> Result<OwnedFd> {
    let init = match open_pid_dir(proc_root, 1) {
        // No init: the namespace has no task left at all.
        Err(Errno::ESRCH) => return Err(Errno::ESRCH),
        r => r?,
    };
    let st = procfs::status_in(init.as_fd())?;
    if st.ns_pids.map(|p| p.levels()) != Some(1) {
        return Err(Errno::EOPNOTSUPP);
    }
    let ns = procfs::pidns_fd_in(init.as_fd())?;
    match Translator::new().pid_from_pidns(ns.as_fd(), 1) {
        Ok(_) => Err(Errno::ESRCH),
        Err(_) => Err(Errno::EOPNOTSUPP),
    }
}
