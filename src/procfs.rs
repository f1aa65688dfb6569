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
//! [`pinned`] is that rule, the one place it is written; `proc.rs`, the
//! `/proc` fallbacks of `PIDFD_GET_INFO` and `PIDFD_GET_*_NAMESPACE`, and
//! `PidFd::same_process` all go through it.
//!
//! Liveness is `pidfd_send_signal(pidfd, 0)` ([`is_alive`]): success (or
//! `EPERM`: the task was found) while the process exists, zombies
//! included; `ESRCH` once it is reaped.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, fd_cwd};
use crate::parse::{self, ProcStatus};
use crate::path::PathBuf;
use crate::{raw, sys};
use core::ffi::CStr;

/// Opens `path` read-only, close-on-exec.
pub(crate) fn open_ro(path: &CStr) -> Result<OwnedFd> {
    sys::open_cwd(path, raw::O_RDONLY | raw::O_CLOEXEC, 0)
}

/// Reads a whole (small) file into `buf`; returns the length read.
pub(crate) fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize> {
    let fd = open_ro(path)?;
    sys::read_full(fd.as_fd(), buf)
}

/// Reads `/proc/self/fdinfo/<fd>` into `buf`; `EBADF` when the fd is not
/// open.
pub(crate) fn read_fdinfo(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    let raw_fd = fd.as_raw_fd();
    if raw_fd < 0 {
        return Err(Errno::EBADF);
    }
    let mut path = PathBuf::new();
    path.push(b"/proc/self/fdinfo/");
    path.push_u32(raw_fd as u32);
    match read_file(path.as_cstr()?, buf) {
        Err(Errno::ENOENT) => Err(Errno::EBADF),
        r => r,
    }
}

/// `/proc/<pid>/stat` field 22: the start time in clock ticks after boot.
pub(crate) fn start_time(pid: i32) -> Result<u64> {
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    let mut buf = [0u8; 1024];
    let n = read_file(PathBuf::proc(pid, b"stat").as_cstr()?, &mut buf)?;
    parse::parse_stat_starttime(&buf[..n]).ok_or(Errno::EIO)
}

/// The raw `Pid:` value of a pidfd's fdinfo (-1 reaped, 0 foreign).
pub(crate) fn fdinfo_pid(pidfd: BorrowedFd<'_>) -> Result<i32> {
    let mut buf = [0u8; 1024];
    let n = read_fdinfo(pidfd, &mut buf)?;
    parse::parse_pidfd_fdinfo(&buf[..n])
        .map(|f| f.pid)
        .ok_or(Errno::EBADF)
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
/// `pidfd`'s process with `read_pid`, runs `act` with it, then checks that
/// the process is still alive. `alive == true` proves that `act` worked on
/// the process `pidfd` names.
///
/// # Errors
/// Whatever `read_pid` answers (`ESRCH` once reaped), or the liveness
/// check's own error (`EBADF` not a pidfd).
pub(crate) fn pinned<T>(
    pidfd: BorrowedFd<'_>,
    read_pid: impl FnOnce(BorrowedFd<'_>) -> Result<i32>,
    act: impl FnOnce(i32) -> T,
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

/// Reads and parses a status file; `ENOENT` (no such task) becomes `ESRCH`.
pub(crate) fn read_status(path: &CStr) -> Result<ProcStatus> {
    let fd = open_ro(path).map_err(no_task)?;
    let mut buf = [0u8; STATUS_MAX];
    // One read: procfs renders the whole file for it (8 KiB is several
    // times its size); a task reaped meanwhile reads as ESRCH.
    let n = loop {
        match sys::read(fd.as_fd(), &mut buf) {
            Err(Errno::EINTR) => continue,
            r => break r.map_err(no_task)?,
        }
    };
    parse::parse_proc_status(&buf[..n]).ok_or(Errno::EIO)
}

/// The buffer for one `/proc/<pid>/status`.
pub(crate) const STATUS_MAX: usize = 8192;

/// `/proc/<pid>/status`, parsed.
pub(crate) fn status_of(pid: i32) -> Result<ProcStatus> {
    read_status(PathBuf::proc(pid, b"status").as_cstr()?)
}

/// Whether the running kernel is 64-bit. A 64-bit build runs only on one;
/// a 32-bit build may run on either (IA32 or AArch32 compat). `uname`'s
/// machine says `x86_64`/`aarch64` on a 64-bit kernel, unless the process
/// runs with `personality(PER_LINUX32)`, which turns it into `i686` or
/// `armv8l`: so a 32-bit-looking answer is checked against
/// `/proc/sys/kernel/arch` (6.0+), the kernel's own machine name, which no
/// personality changes. Cached once known; `None` when `uname` looks 32-bit
/// and `/proc` cannot be read.
pub(crate) fn kernel_is_64bit() -> Option<bool> {
    use core::sync::atomic::{AtomicU8, Ordering};
    static BITS: AtomicU8 = AtomicU8::new(0);
    // Every 64-bit Linux machine name has "64" in it but s390x.
    fn is64(name: &[u8]) -> bool {
        let name = name.trim_ascii();
        name.windows(2).any(|w| w == b"64") || name == b"s390x"
    }
    if cfg!(target_pointer_width = "64") {
        return Some(true);
    }
    match BITS.load(Ordering::Relaxed) {
        32 => return Some(false),
        64 => return Some(true),
        _ => {}
    }
    let mut u = raw::new_utsname {
        sysname: [0; 65],
        nodename: [0; 65],
        release: [0; 65],
        version: [0; 65],
        machine: [0; 65],
        domainname: [0; 65],
    };
    let machine = sys::uname(&mut u).map(|()| {
        let n = u
            .machine
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(u.machine.len());
        is64(&u.machine[..n])
    });
    let bits = if machine == Ok(true) {
        true
    } else {
        let mut buf = [0u8; 80];
        let n = read_file(c"/proc/sys/kernel/arch", &mut buf).ok()?;
        is64(&buf[..n])
    };
    BITS.store(if bits { 64 } else { 32 }, Ordering::Relaxed);
    Some(bits)
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
