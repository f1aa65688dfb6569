//! Race-free `/proc/<pid>` access: from a pidfd to its `/proc/<pid>`
//! directory in the procfs of any pid namespace, and back, done in
//! userspace with the checks the proposed `PIDFD_TO_PROCFD` /
//! `PROCFD_TO_PIDFD` flags of `pidfd_open` would have made in the kernel.
//!
//! # The kernel's answer, computed in userspace
//!
//! The proposed kernel code takes the root of *any* procfs and answers
//! `pid_nr_ns(pid, ns_of(procfs))`: the process's directory as that procfs
//! numbers it, or `ESRCH` when the process has no pid in that procfs's pid
//! namespace. [`procfd_from_pidfd`] computes the same number two ways:
//!
//! 1. The caller has a pid in the procfs's namespace (its own procfs, or
//!    an ancestor namespace's): the pidfd's fdinfo read *through that
//!    procfs* (`<proc_root>/thread-self/fdinfo/<fd>`) is that number, as
//!    the kernel renders `Pid:` in the namespace of the procfs the fdinfo
//!    file belongs to (0: no pid there).
//! 2. The caller has none (no `thread-self` there: a container's procfs, a
//!    namespace below the caller's at any depth, or one beside it): the
//!    fdinfo read through `/proc` lists the process's pids from `/proc`'s
//!    namespace down to its own (`NSpid: r0 .. rm`). If the process has a
//!    pid in the procfs's namespace at all, that namespace lies *strictly
//!    below* `/proc`'s on the process's chain (it cannot be above: the
//!    caller, visible in `/proc`'s namespace, would then be visible there
//!    too), at some depth `d` in `1..=m`, and the answer is `r_d`. For
//!    each `d`, `<proc_root>/<r_d>` is opened and its `status` read:
//!    its `NSpid:` (numbered from the procfs's namespace down) must be
//!    exactly `r_d .. rm`, and the pid namespace of that task (its
//!    `ns/pid` link) must be the process's own (read from
//!    `/proc/<r0>/ns/pid`). No candidate: `ESRCH`. The level is found
//!    from the `NSpid:` lengths, which every kernel prints, so this needs
//!    no nsfs ioctl (none of 5.10's, none under qemu-user, none for a
//!    32-bit caller on a 64-bit kernel before 6.3).
//!
//! Why the second way never names another process: the whole search runs
//! under the crate's one rule (`procfs::pinned`) — the fdinfo is read
//! (time t0, the process unreaped: `Pid:` is not -1), the candidates are
//! looked at, and then the process is seen alive (t2), so it was unreaped
//! throughout [t0, t2] and held every number of its `NSpid:` line in
//! every namespace the whole time. `/proc/<r0>` was therefore its
//! directory, and the namespace read there its own, which cannot go away
//! or have its inode number reused while the pidfd holds the process's
//! `struct pid` (a pid holds its namespaces). A candidate directory is
//! bound to one task; its `status` was read while that task was unreaped
//! (a reaped task's files fail with `ESRCH`), it said that the task's own
//! number in its own namespace is `rm`, and its namespace link named the
//! process's namespace: two unreaped tasks never share a number in one
//! namespace, so the candidate *is* the process, whatever pid reuse
//! happened before or after, in either namespace. If the process was
//! reaped at any point (a container process that dies while its pid is
//! recycled in the container, or in the caller's namespace), the final
//! liveness check fails and the answer is `ESRCH`, whatever the
//! candidates said. Namespaces numbered alike — sibling containers (`[1]`
//! and `[2]` in each), or the init of an outer namespace (`[.., 1]`) given
//! an inner procfs, whose pid 1 is another init — are told apart by the
//! namespace check. The links are read without leaving the procfs's mount
//! (`openat2` `RESOLVE_NO_XDEV`, `O_PATH|O_NOFOLLOW`, `readlinkat`), so a
//! namespace file bind-mounted over a link in a container's procfs cannot
//! pass for another.
//!
//! Observed on 6.18 and relied on here:
//! - `pidfd_send_signal(pidfd, 0)` succeeds for a zombie (exited, not yet
//!   reaped) and fails with `ESRCH` once it is reaped;
//! - a `/proc/<pid>` directory fd stays bound to its process: once that
//!   process is reaped, `openat` relative to it (even of `..`) fails with
//!   `ESRCH` (older kernels: `ENOENT`), and reads of files opened through
//!   it fail with `ESRCH`.

mod from_dir;
mod to_dir;

pub use from_dir::pidfd_from_procfd;
#[cfg(feature = "test-hooks")]
pub(crate) use from_dir::pidfd_from_procfd_with;
pub use to_dir::procfd_from_pidfd;
#[cfg(feature = "test-hooks")]
pub(crate) use to_dir::procfd_from_pidfd_with;

use crate::errno::{Errno, Result};
use crate::fd::{BorrowedFd, OwnedFd};
use crate::path::PathBuf;
use crate::procfs;
use crate::{raw, sys};

const DIR_FLAGS: u32 = raw::O_RDONLY | raw::O_DIRECTORY | raw::O_NOFOLLOW | raw::O_CLOEXEC;

/// Fails with `EINVAL` unless `fd` is on a procfs.
fn check_procfs(fd: BorrowedFd<'_>) -> Result<()> {
    if sys::fstatfs_type(fd)? == raw::PROC_SUPER_MAGIC {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// Fails with `EINVAL` unless `fd` is the root directory of a procfs (as
/// the proposed kernel code checks: `PROC_SUPER_MAGIC` and
/// `PROC_ROOT_INO`).
fn check_proc_root(fd: BorrowedFd<'_>) -> Result<()> {
    check_procfs(fd)?;
    if procfs::ino_of_fd(fd)? == raw::PROC_ROOT_INO {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// `<root>/<pid>` as a directory, without leaving `root`'s mount;
/// `ENOENT` (no such pid there, or the task is gone) becomes `ESRCH`.
fn open_pid_dir(root: BorrowedFd<'_>, pid: i32) -> Result<OwnedFd> {
    let mut name = PathBuf::new();
    name.push_u32(pid as u32);
    procfs::open_in_mount(root, name.as_cstr()?, DIR_FLAGS).map_err(procfs::no_task)
}

/// `ESRCH` if the process behind a `/proc/<pid>` directory fd is gone,
/// else `e`.
fn gone_or(procfd: BorrowedFd<'_>, e: Errno) -> Errno {
    if procfs::dir_alive(procfd) {
        e
    } else {
        Errno::ESRCH
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
