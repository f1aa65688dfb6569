//! The /proc method: the `NSpid:`/`NStgid:` lines of
//! `/proc/<pid>/status`, see the [module docs](super).

use super::{Dir, check_pidns};
use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::ns::ns_get_parent;
use crate::parse::{self, NsPids, ProcStatus};
use crate::path::PathBuf;
use crate::procfs::{
    self, for_each_task_dir, ino_of_fd, ino_of_proc, own_pidns_ino, procfs_is_ours, status_of,
};
use crate::sys;

/// The thread-group id, in the caller's namespace, of task `tid` (caller's
/// numbering).
pub(super) fn tgid_of_ours(tid: i32) -> Result<i32> {
    if tid <= 0 {
        return Err(Errno::ESRCH);
    }
    if procfs_is_ours().is_ok() {
        return status_of(tid).map(|st| st.tgid);
    }
    // Without a procfs of ours, only a thread-group leader (the one task a
    // plain pidfd_open accepts) can be answered.
    match sys::pidfd_open(tid, 0) {
        Ok(_) => Ok(tid),
        Err(Errno::ESRCH) => Err(Errno::ESRCH),
        Err(_) => Err(Errno::EOPNOTSUPP),
    }
}

/// The most levels a pid namespace tree can have below the initial one.
const MAX_DEPTH: usize = parse::MAX_NS_LEVELS;

/// How many levels `ns` (inode `ns_ino`) lies below the caller's pid
/// namespace: by walking `NS_GET_PARENT` up to the caller's namespace
/// (`EINVAL` if the walk leaves the caller's subtree first: `ns` is an
/// ancestor or unrelated, which `setns` refuses with `EINVAL` too). Where
/// `NS_GET_PARENT` is unknown, from the `NSpid:` length of a process
/// that lives directly in `ns`; when `/proc` shows none, `ns` is empty or
/// outside the caller's subtree (the two cannot be told apart there) and
/// the answer is `ESRCH`.
fn depth_of(ns: BorrowedFd<'_>, ns_ino: u64) -> Result<usize> {
    let our_ino = own_pidns_ino()?;
    if ns_ino == our_ino {
        return Ok(0);
    }
    let mut cur = match ns_get_parent(ns) {
        Ok(p) => p,
        Err(Errno::EPERM) => return Err(Errno::EINVAL),
        Err(Errno::ENOTTY) => return depth_by_scan(ns_ino),
        Err(e) => return Err(e),
    };
    for depth in 1..MAX_DEPTH {
        if ino_of_fd(cur.as_fd())? == our_ino {
            return Ok(depth);
        }
        cur = match ns_get_parent(cur.as_fd()) {
            Ok(p) => p,
            Err(Errno::EPERM) => return Err(Errno::EINVAL),
            Err(e) => return Err(e),
        };
    }
    Err(Errno::EINVAL)
}

fn depth_by_scan(ns_ino: u64) -> Result<usize> {
    let found = for_each_task_dir(None, |pid| {
        if ino_of_proc(pid, b"ns/pid").ok() != Some(ns_ino) {
            return None;
        }
        let st = status_of(pid).ok()?;
        Some(st.ns_pids?.levels() - 1)
    })?;
    found.ok_or(Errno::ESRCH)
}

/// Whether task `tid` (caller's numbering), whose `NSpid:` has `levels`
/// entries, lives in `ns` (at `depth`) or below it. `Ok(false)`: it lives
/// beside `ns`.
///
/// A task below `ns`'s level: its namespace's ancestor at `depth` is read
/// with `NS_GET_PARENT`; where that ioctl is unknown (qemu-user, before
/// 4.9), from the task's parent chain instead: a process's pid namespace
/// is always its parent's or a descendant of it (fork, unshare, setns and
/// reparenting all keep that), so the first ancestor process at `depth`
/// lives in the wanted namespace. `EOPNOTSUPP` when that chain skips the
/// level (a helper that `setns`ed from above) or leaves `/proc`.
fn task_under(tid: i32, levels: usize, depth: usize, ns_ino: u64) -> Result<bool> {
    if levels <= depth {
        return Ok(false);
    }
    if levels - 1 == depth {
        return Ok(ino_of_proc(tid, b"ns/pid")? == ns_ino);
    }
    let mut path = PathBuf::proc(tid, b"ns/pid");
    let mut cur: OwnedFd = procfs::open_ro(path.as_cstr()?).map_err(procfs::no_task)?;
    for _ in 0..(levels - 1 - depth) {
        cur = match ns_get_parent(cur.as_fd()) {
            Ok(p) => p,
            Err(Errno::ENOTTY) => return task_under_by_parents(tid, depth, ns_ino),
            Err(Errno::EPERM) => return Ok(false),
            Err(e) => return Err(e),
        };
    }
    Ok(ino_of_fd(cur.as_fd())? == ns_ino)
}

/// [`task_under`] without `NS_GET_PARENT`: up the `PPid:` chain to the
/// first process at `depth`.
fn task_under_by_parents(tid: i32, depth: usize, ns_ino: u64) -> Result<bool> {
    let mut cur = tid;
    for _ in 0..4096 {
        let st = status_of(cur).map_err(|_| Errno::EOPNOTSUPP)?;
        let levels = st.ns_pids.ok_or(Errno::EOPNOTSUPP)?.levels();
        if levels - 1 == depth {
            return Ok(ino_of_proc(cur, b"ns/pid").map_err(|_| Errno::EOPNOTSUPP)? == ns_ino);
        }
        if levels - 1 < depth || st.ppid <= 0 {
            return Err(Errno::EOPNOTSUPP);
        }
        cur = st.ppid;
    }
    Err(Errno::EOPNOTSUPP)
}

pub(super) fn translate(ns: BorrowedFd<'_>, pid: i32, dir: Dir, tgid: bool) -> Result<i32> {
    check_pidns(ns)?;
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    procfs_is_ours()?;
    let ns_ino = ino_of_fd(ns)?;
    match dir {
        Dir::Into => {
            let st = status_of(pid)?;
            let (pids, tgids) = ns_lines(&st)?;
            let line = if tgid { tgids } else { pids };
            // The common case first: the task lives in `ns` itself, so
            // `ns` is in the caller's subtree and its level is the task's.
            if ino_of_proc(pid, b"ns/pid")? == ns_ino {
                return Ok(line.innermost());
            }
            let depth = depth_of(ns, ns_ino)?;
            if !task_under(pid, pids.levels(), depth, ns_ino)? {
                return Err(Errno::ESRCH);
            }
            line.as_slice().get(depth).copied().ok_or(Errno::ESRCH)
        }
        Dir::From => proc_scan_from(pid, depth_of(ns, ns_ino)?, ns_ino, tgid),
    }
}

fn ns_lines(st: &ProcStatus) -> Result<(NsPids, NsPids)> {
    match (st.ns_pids, st.ns_tgids) {
        (Some(p), Some(t)) if p.levels() == t.levels() => Ok((p, t)),
        // No NSpid: line (before 4.1): nothing to read the answer from.
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// Finds the task whose id at `depth` is `pid` and that lives in `ns` or
/// below it: thread-group leaders first (`/proc/<pid>`), then every other
/// thread (`/proc/<pid>/task/<tid>`).
fn proc_scan_from(pid: i32, depth: usize, ns_ino: u64, tgid: bool) -> Result<i32> {
    let mut unverifiable = false;
    let mut denied = false;
    let mut check = |tid: i32, leaders_only: bool| -> Option<Result<i32>> {
        let st = status_of(tid).ok()?;
        if leaders_only != (st.pid == st.tgid) {
            return None;
        }
        let (pids, tgids) = ns_lines(&st).ok()?;
        if pids.as_slice().get(depth) != Some(&pid) {
            return None;
        }
        match task_under(tid, pids.levels(), depth, ns_ino) {
            Ok(true) => Some(Ok(if tgid {
                tgids.outermost()
            } else {
                pids.outermost()
            })),
            Ok(false) => None,
            Err(Errno::EOPNOTSUPP) => {
                unverifiable = true;
                None
            }
            // Its namespace link needs ptrace access (another user's task).
            Err(Errno::EACCES) | Err(Errno::EPERM) => {
                denied = true;
                None
            }
            // Gone meanwhile.
            Err(_) => None,
        }
    };
    if let Some(r) = for_each_task_dir(None, |p| check(p, true))? {
        return r;
    }
    let threads = for_each_task_dir(None, |p| {
        for_each_task_dir(Some(p), |t| if t == p { None } else { check(t, false) })
            .ok()
            .flatten()
    })?;
    match threads {
        Some(r) => r,
        None if unverifiable => Err(Errno::EOPNOTSUPP),
        None if denied => Err(Errno::EACCES),
        None => Err(Errno::ESRCH),
    }
}
