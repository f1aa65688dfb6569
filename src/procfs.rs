//! Every `/proc` read the crate makes, and its central safety rule.
//!
//! # Read a pid, act, then confirm the process is still alive
//!
//! A pid names a process only while that process holds it, and the kernel
//! hands a pid to another process only after the first one has been
//! *reaped*. So a pid read from a pidfd (its fdinfo `Pid:` line) may be
//! used for any work — opening `/proc/<pid>/...`, reading a file there — as
//! long as the process is seen alive (not yet reaped) *afterwards*: then it
//! held the pid the whole time and the work concerned it and no other.
//! [`pinned`] is that rule, the one place it is written; `proc/`, the
//! `/proc` fallbacks of `PIDFD_GET_INFO` and `PIDFD_GET_*_NAMESPACE`, and
//! `PidFd::same_process` all go through it.
//!
//! # Reading `/proc` text
//!
//! Every text file is read to its end, line by line, through one stack
//! buffer ([`read_lines`], [`LINE_BUF`]): no file is ever cut, whatever its
//! size. A pidfd's fdinfo comes from `/proc/thread-self/fdinfo/<fd>`, the
//! calling thread's fd table ([`fdinfo_via`]).
//!
//! Liveness is `pidfd_send_signal(pidfd, 0)` ([`is_alive`]): success (or
//! `EPERM`: the task was found) while the process exists, zombies
//! included; `ESRCH` once it is reaped.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, fd_cwd};
use crate::parse::{self, FdinfoParser, Line, PidfdFdinfo, ProcStatus, StatusParser, TextError};
use crate::path::PathBuf;
use crate::{raw, sys};
use core::ffi::CStr;

mod kernel;
pub(crate) use kernel::kernel_is_64bit;

/// Opens `path` read-only, close-on-exec.
pub(crate) fn open_ro(path: &CStr) -> Result<OwnedFd> {
    sys::open_cwd(path, raw::O_RDONLY | raw::O_CLOEXEC, 0)
}

/// Opens the directory `path` (`O_PATH`, close-on-exec), as a base for
/// lookups.
pub(crate) fn open_dir(path: &CStr) -> Result<OwnedFd> {
    sys::open_cwd(path, raw::O_PATH | raw::O_DIRECTORY | raw::O_CLOEXEC, 0)
}

/// `openat2(dir, path, flags, RESOLVE_NO_XDEV)`: the walk may not cross a
/// mount, so it stays in `dir`'s procfs (a `..` that would land on an
/// overmounted procfs root fails with `EXDEV` instead of silently entering
/// the procfs mounted on top). Kernels before 5.6 (and emulators) without
/// `openat2` get a plain `openat`.
pub(crate) fn open_in_mount(dir: BorrowedFd<'_>, path: &CStr, flags: u32) -> Result<OwnedFd> {
    match sys::openat2(dir, path, flags, raw::RESOLVE_NO_XDEV) {
        Err(Errno::ENOSYS) => sys::openat(dir, path, flags, 0),
        r => r,
    }
}

/// The one buffer every `/proc` text read goes through, on the stack. The
/// files are read to their end line by line ([`parse::for_each_line`]), so
/// their size does not matter (a status file with 65,536 supplementary
/// groups is about 600 KiB); only a line the crate needs must fit, and the
/// longest, an `NSpid:` line of 33 levels, is under 400 bytes. A needed
/// line that does not fit fails with `ENOBUFS`; a longer line nobody needs
/// (`Groups:`, `Cpus_allowed:` on a machine with thousands of CPUs) is
/// skipped. 4 KiB holds a whole ordinary status file (about 1.5 KiB), so
/// the common case is one read and the end-of-file read.
pub(crate) const LINE_BUF: usize = 4096;

/// Reads the text file `fd` from its current offset to its end, handing
/// every line to `sink` ([`parse::for_each_line`] through a
/// [`LINE_BUF`]-byte stack buffer). `EINTR` is retried. A procfs file is
/// rendered once, on the first read, so the lines of one call are one
/// snapshot.
pub(crate) fn read_lines(fd: BorrowedFd<'_>, sink: impl FnMut(Line<'_>)) -> Result<()> {
    let mut buf = [0u8; LINE_BUF];
    parse::for_each_line(
        &mut buf,
        |b| loop {
            match sys::read(fd, b) {
                Err(Errno::EINTR) => continue,
                r => return r,
            }
        },
        sink,
    )
}

/// The errno for a text that did not parse: `EIO` (malformed or cut),
/// `ENOBUFS` (a needed line longer than [`LINE_BUF`]).
fn text_errno(e: TextError) -> Errno {
    match e {
        TextError::Malformed => Errno::EIO,
        TextError::LineTooLong => Errno::ENOBUFS,
    }
}

/// Parses an open `status` file read to its end. A task reaped meanwhile
/// reads as `ESRCH`; `EIO` if it does not parse, `ENOBUFS` if a needed
/// line does not fit.
pub(crate) fn status_of_fd(fd: BorrowedFd<'_>) -> Result<ProcStatus> {
    let mut p = StatusParser::new();
    read_lines(fd, |l| p.feed(l)).map_err(no_task)?;
    p.finish().map_err(text_errno)
}

/// `<dir>/status` of a `/proc/<pid>` directory fd, opened without leaving
/// `dir`'s mount; `ENOENT` (the task is gone, on older kernels) becomes
/// `ESRCH`.
pub(crate) fn status_in(dir: BorrowedFd<'_>) -> Result<ProcStatus> {
    let fd = open_in_mount(dir, c"status", raw::O_RDONLY | raw::O_CLOEXEC).map_err(no_task)?;
    status_of_fd(fd.as_fd())
}

/// The fdinfo of `fd` in the calling thread's fd table, read through the
/// procfs `root` (`/proc` when `None`) as
/// `<root>/thread-self/fdinfo/<fd>`: the kernel numbers the `Pid:` and
/// `NSpid:` lines of a pidfd in that procfs's pid namespace.
/// `thread-self` (3.17), not `self`: `self` is the thread-group leader's
/// table, which differs for a thread that did `unshare(CLONE_FILES)` (or
/// was made without `CLONE_FILES`), and can hold another file at the same
/// number. `Ok(None)` when the text has no valid `Pid:` line (not a
/// pidfd). Errors of the open as they are: `ENOENT` when `fd` is not open
/// or the caller has no pid in `root`'s namespace (no `thread-self`
/// there); `ENOBUFS` when a needed line does not fit.
pub(crate) fn fdinfo_via(
    root: Option<BorrowedFd<'_>>,
    fd: BorrowedFd<'_>,
) -> Result<Option<PidfdFdinfo>> {
    let raw_fd = fd.as_raw_fd();
    if raw_fd < 0 {
        return Err(Errno::EBADF);
    }
    let mut path = PathBuf::new();
    if root.is_none() {
        path.push(b"/proc/");
    }
    path.push(b"thread-self/fdinfo/");
    path.push_u32(raw_fd as u32);
    let flags = raw::O_RDONLY | raw::O_CLOEXEC;
    let file = match root {
        Some(root) => open_in_mount(root, path.as_cstr()?, flags)?,
        None => open_ro(path.as_cstr()?)?,
    };
    let mut p = FdinfoParser::new();
    read_lines(file.as_fd(), |l| p.feed(l))?;
    match p.finish() {
        Ok(f) => Ok(Some(f)),
        Err(TextError::Malformed) => Ok(None),
        Err(TextError::LineTooLong) => Err(Errno::ENOBUFS),
    }
}

/// A pidfd's fdinfo through `/proc` ([`fdinfo_via`]); `EBADF` when `fd`
/// is not open or not a pidfd.
pub(crate) fn pidfd_fdinfo(pidfd: BorrowedFd<'_>) -> Result<PidfdFdinfo> {
    match fdinfo_via(None, pidfd) {
        Ok(Some(f)) => Ok(f),
        Ok(None) | Err(Errno::ENOENT) => Err(Errno::EBADF),
        Err(e) => Err(e),
    }
}

/// `/proc/<pid>/stat` field 22: the start time in clock ticks after boot.
/// The file is one line, read to its end; `EIO` if it is cut or does not
/// parse, `ENOBUFS` if it is longer than [`LINE_BUF`].
pub(crate) fn start_time(pid: i32) -> Result<u64> {
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    let fd = open_ro(PathBuf::proc(pid, b"stat").as_cstr()?)?;
    let mut answer = Err(Errno::EIO);
    let mut lines = 0;
    read_lines(fd.as_fd(), |l| {
        lines += 1;
        answer = match l {
            Line::Whole(text) if lines == 1 => {
                let mut line = [0u8; LINE_BUF + 1];
                line[..text.len()].copy_from_slice(text);
                line[text.len()] = b'\n';
                parse::parse_stat_starttime(&line[..=text.len()]).ok_or(Errno::EIO)
            }
            Line::Long(_) => Err(Errno::ENOBUFS),
            _ => Err(Errno::EIO),
        };
    })?;
    answer
}

/// The raw `Pid:` value of a pidfd's fdinfo (-1 reaped, 0 foreign).
pub(crate) fn fdinfo_pid(pidfd: BorrowedFd<'_>) -> Result<i32> {
    pidfd_fdinfo(pidfd).map(|f| f.pid)
}

/// The fdinfo pid, `ESRCH` once reaped, `EREMOTE` when foreign.
pub(crate) fn pidfd_pid(pidfd: BorrowedFd<'_>) -> Result<i32> {
    match fdinfo_pid(pidfd)? {
        -1 => Err(Errno::ESRCH),
        0 => Err(Errno::EREMOTE),
        p if p > 0 => Ok(p),
        _ => Err(Errno::EINVAL),
    }
}

/// As [`pidfd_pid`] but `ESRCH` for a foreign process too (what kernels
/// before 6.18 say for it).
pub(crate) fn pidfd_pid_or_esrch(pidfd: BorrowedFd<'_>) -> Result<i32> {
    match pidfd_pid(pidfd) {
        Err(Errno::EREMOTE) => Err(Errno::ESRCH),
        r => r,
    }
}

/// `pidfd_send_signal(pidfd, 0)`: `true` while the process has not been
/// reaped (`EPERM` means alive too: the task was found). For a process
/// outside the caller's pid namespace (`EINVAL` there) the fdinfo says it:
/// `Pid: -1` once reaped.
pub(crate) fn is_alive(pidfd: BorrowedFd<'_>) -> Result<bool> {
    match sys::pidfd_send_signal(pidfd, 0, None, 0) {
        Ok(()) | Err(Errno::EPERM) => Ok(true),
        Err(Errno::ESRCH) => Ok(false),
        Err(Errno::EINVAL) => Ok(fdinfo_pid(pidfd)? != -1),
        Err(e) => Err(e),
    }
}

/// What [`pinned`] saw: the work's result, and whether the process was
/// still alive after it.
#[must_use]
pub(crate) struct Pinned<T> {
    /// The result of the work done with the pid.
    pub(crate) value: T,
    /// The process was alive after the work: the pid was its own
    /// throughout.
    pub(crate) alive: bool,
}

impl<T> Pinned<T> {
    /// `value` if the pid was the process's own throughout, else `ESRCH`
    /// (and `value`, an fd say, is dropped).
    pub(crate) fn or_esrch(self) -> Result<T> {
        if self.alive {
            Ok(self.value)
        } else {
            Err(Errno::ESRCH)
        }
    }
}

/// The crate's central rule (see the module docs): reads the pid of
/// `pidfd`'s process with `read_pid` (the pid, or a record holding it,
/// such as the whole fdinfo), runs `act` with it, then checks that the
/// process is still alive. `alive == true` proves that `act` worked on
/// the process `pidfd` names.
///
/// # Errors
/// Whatever `read_pid` answers (`ESRCH` once reaped), or the liveness
/// check's own error (`EBADF` not a pidfd).
pub(crate) fn pinned<R, T>(
    pidfd: BorrowedFd<'_>,
    read_pid: impl FnOnce(BorrowedFd<'_>) -> Result<R>,
    act: impl FnOnce(R) -> T,
) -> Result<Pinned<T>> {
    let pid = read_pid(pidfd)?;
    let value = act(pid);
    let alive = is_alive(pidfd)?;
    Ok(Pinned { value, alive })
}

/// `ENOENT` (no such task, or no `/proc`) as `ESRCH`.
pub(crate) fn no_task(e: Errno) -> Errno {
    if e == Errno::ENOENT { Errno::ESRCH } else { e }
}

/// Reads and parses a status file to its end; `ENOENT` (no such task)
/// becomes `ESRCH`.
pub(crate) fn read_status(path: &CStr) -> Result<ProcStatus> {
    let fd = open_ro(path).map_err(no_task)?;
    status_of_fd(fd.as_fd())
}

/// `/proc/<pid>/status`, parsed.
pub(crate) fn status_of(pid: i32) -> Result<ProcStatus> {
    read_status(PathBuf::proc(pid, b"status").as_cstr()?)
}

/// `statx(fd).stx_ino`.
pub(crate) fn ino_of_fd(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut st = raw::statx::zeroed();
    sys::statx_fd(fd, raw::STATX_INO, &mut st)?;
    Ok(st.stx_ino)
}

/// `statx(path).stx_ino`, following links (a `/proc/<pid>/ns/*` link gives
/// the namespace's inode); `ENOENT` becomes `ESRCH`.
pub(crate) fn ino_of_path(path: &CStr) -> Result<u64> {
    let mut st = raw::statx::zeroed();
    sys::statx_at(fd_cwd(), path, 0, raw::STATX_INO, &mut st).map_err(no_task)?;
    Ok(st.stx_ino)
}

/// The inode of `/proc/<pid>/<leaf>` (e.g. `ns/pid`).
pub(crate) fn ino_of_proc(pid: i32, leaf: &[u8]) -> Result<u64> {
    ino_of_path(PathBuf::proc(pid, leaf).as_cstr()?)
}

/// The inode number of the pid namespace the task behind a `/proc/<pid>`
/// directory fd lives in, read from its `ns/pid` link: the link is opened
/// `O_PATH|O_NOFOLLOW` without leaving `dir`'s mount (something mounted
/// over it, say a bind mount of another namespace's file, fails with
/// `EXDEV` instead of being read) and read with `readlinkat(fd, "")`
/// (`pid:[<inode>]`). The number names that namespace for as long as it
/// exists.
///
/// `EACCES` without ptrace-read access to the task, and also (the
/// kernel's answer) once the task is gone: tell them apart with
/// [`dir_alive`].
pub(crate) fn pidns_ino_in(dir: BorrowedFd<'_>) -> Result<u64> {
    let flags = raw::O_PATH | raw::O_NOFOLLOW | raw::O_CLOEXEC;
    let link = open_in_mount(dir, c"ns/pid", flags).map_err(no_task)?;
    let mut buf = [0u8; 64];
    let n = sys::readlinkat(link.as_fd(), c"", &mut buf)?;
    parse::ns_link_ino(&buf[..n], b"pid").ok_or(Errno::EIO)
}

/// An fd for the pid namespace the task behind a `/proc/<pid>` directory
/// fd lives in: `openat(dir, "ns/pid")` (which follows the link, so it
/// cannot be opened without leaving the mount), confirmed to be the
/// namespace the link itself names ([`pidns_ino_in`]) so that nothing
/// mounted over the link is taken for it (`EXDEV` then).
pub(crate) fn pidns_fd_in(dir: BorrowedFd<'_>) -> Result<OwnedFd> {
    let want = pidns_ino_in(dir)?;
    let ns = sys::openat(dir, c"ns/pid", raw::O_RDONLY | raw::O_CLOEXEC, 0).map_err(no_task)?;
    if sys::fstatfs_type(ns.as_fd())? == raw::NSFS_MAGIC && ino_of_fd(ns.as_fd())? == want {
        Ok(ns)
    } else {
        Err(Errno::EXDEV)
    }
}

/// Whether the task behind a `/proc/<pid>` directory fd is still there
/// (not reaped): a lookup in a `/proc/<pid>` directory fails with `ESRCH`
/// (`ENOENT` on older kernels) once its task is gone, as the directory
/// stays bound to its task.
pub(crate) fn dir_alive(dir: BorrowedFd<'_>) -> bool {
    !matches!(
        open_in_mount(dir, c"status", raw::O_PATH | raw::O_CLOEXEC),
        Err(Errno::ESRCH | Errno::ENOENT)
    )
}

/// The caller's own pid namespace inode (`/proc/self/ns/pid`). Not
/// cached: a cache keyed by pid would go stale in a fork that lands in a
/// new pid namespace with the same pid (a namespace init, pid 1, starting
/// a nested one).
pub(crate) fn own_pidns_ino() -> Result<u64> {
    ino_of_path(c"/proc/self/ns/pid")
}

/// `EOPNOTSUPP` unless `/proc` shows the caller's own pid namespace:
/// `/proc/self/status` lists one `NSpid:` entry per level from the procfs
/// namespace down to the caller's, so exactly one entry means "ours".
/// Checked on every call, not cached (see [`own_pidns_ino`]).
pub(crate) fn procfs_is_ours() -> Result<()> {
    let me = sys::getpid();
    match read_status(c"/proc/self/status") {
        Ok(st) => match st.ns_pids {
            Some(p) if p.levels() == 1 && p.outermost() == me => Ok(()),
            _ => Err(Errno::EOPNOTSUPP),
        },
        Err(_) => Err(Errno::EOPNOTSUPP),
    }
}

/// The numeric names in a `getdents64` buffer (`struct linux_dirent64`:
/// u64 ino, i64 off, u16 reclen, u8 type, name), in order. Pure: a record
/// whose `reclen` is too short or runs past `buf` ends the walk.
pub(crate) fn numeric_dirents(buf: &[u8]) -> impl Iterator<Item = i32> + '_ {
    const HDR: usize = 19;
    let mut off = 0usize;
    core::iter::from_fn(move || {
        loop {
            let rec = buf.get(off..)?;
            if rec.len() < HDR {
                return None;
            }
            let reclen = usize::from(u16::from_ne_bytes([rec[16], rec[17]]));
            if reclen < HDR || reclen > rec.len() {
                off = buf.len();
                return None;
            }
            off += reclen;
            let name = &rec[HDR..reclen];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if let Some(pid) = parse::parse_i32(name).filter(|&p| p > 0 && name[0] != b'-') {
                return Some(pid);
            }
        }
    })
}

/// Calls `f` with every numeric entry of `/proc` (`tgid = None`) or of
/// `/proc/<tgid>/task`, until it returns `Some`.
pub(crate) fn for_each_task_dir<R>(
    tgid: Option<i32>,
    mut f: impl FnMut(i32) -> Option<R>,
) -> Result<Option<R>> {
    let mut path = match tgid {
        None => {
            let mut p = PathBuf::new();
            p.push(b"/proc");
            p
        }
        Some(t) => PathBuf::proc(t, b"task"),
    };
    let dir = sys::open_cwd(
        path.as_cstr()?,
        raw::O_RDONLY | raw::O_DIRECTORY | raw::O_CLOEXEC,
        0,
    )
    .map_err(no_task)?;
    let mut buf = [0u8; 4096];
    loop {
        let n = sys::getdents64(dir.as_fd(), &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        for pid in numeric_dirents(&buf[..n]) {
            if let Some(r) = f(pid) {
                return Ok(Some(r));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirent(name: &[u8], reclen: u16) -> std::vec::Vec<u8> {
        let mut r = std::vec![0u8; 19];
        r[16..18].copy_from_slice(&reclen.to_ne_bytes());
        r.extend_from_slice(name);
        r.resize(reclen as usize, 0);
        r
    }

    /// The getdents64 walk keeps numeric names only and stops at a record
    /// whose length is too short or runs past the buffer.
    #[test]
    fn numeric_dirents_walk() {
        let mut b = dirent(b"1\0", 24);
        b.extend(dirent(b"self\0", 24));
        b.extend(dirent(b"-5\0", 24));
        b.extend(dirent(b"4242\0", 32));
        let got: std::vec::Vec<i32> = numeric_dirents(&b).collect();
        assert_eq!(got, [1, 4242]);
        let mut bad = dirent(b"7\0", 24);
        let mut short = dirent(b"8\0", 24);
        short[16..18].copy_from_slice(&8u16.to_ne_bytes()); // below the header
        bad.extend(short);
        bad.extend(dirent(b"9\0", 24));
        assert_eq!(numeric_dirents(&bad).collect::<std::vec::Vec<_>>(), [7]);
        let mut past = dirent(b"3\0", 24);
        past[16..18].copy_from_slice(&200u16.to_ne_bytes());
        assert_eq!(numeric_dirents(&past).count(), 0);
    }

    /// A pidfd of this live process: the pid read is ours and the process
    /// is alive after the work, so `or_esrch` gives the work's value.
    #[test]
    fn pinned_on_self() {
        let me = sys::pidfd_open(sys::getpid(), 0).unwrap();
        let p = pinned(me.as_fd(), pidfd_pid, |pid| pid).unwrap();
        assert!(p.alive);
        assert_eq!(p.or_esrch(), Ok(sys::getpid()));
    }
}
