//! LXCFS's init-pid store, modelled step by step: the baseline of the
//! `lxcfs` bench and the cache `tests/init_cache.rs` shows going stale.
//!
//! Modelled on lxc/lxcfs `src/bindings.c` (master at e1c5a7d, 2026-05):
//!
//! - `lookup_initpid_in_store(pid)`: `stat("/proc/<pid>/ns/pid")`, the key
//!   is `st_ino` alone; under the store lock `lookup_verify_initpid`; on a
//!   miss the lock is *released* ("the following call is expensive"),
//!   `scm_init_pid(pid)` (fork, `setns` into `/proc/<pid>/ns/pid`, fork,
//!   the grandchild sends `SCM_CREDENTIALS` with pid 1), the lock taken
//!   again and `save_initpid(ino, answer)`; then `prune_initpid_store`.
//! - `lookup_verify_initpid(ino)`: the first entry of the hash chain with
//!   that inode number; valid (`initpid_still_valid`) → `lastcheck = now`
//!   and its pid, else it is removed and the answer is `ESRCH`.
//! - `initpid_still_valid(entry)`: `pidfd_send_signal(init_pidfd, 0) == 0`
//!   (since "lxcfs: make --enable-pidfd a default", 2026-03; before that,
//!   without a pidfd, `stat("/proc/<initpid>").st_ctime` equal to the one
//!   saved).
//! - `save_initpid(ino, pid)`: `pidfd_open(pid, 0)` (no entry if it
//!   fails), pushed at the head of the chain with `lastcheck = now`.
//! - `prune_initpid_store()`: at most every `PURGE_SECS` (5) seconds,
//!   drops entries whose `lastcheck` is older than `2 * PURGE_SECS`.
//!
//! The model's `scm_init_pid` is `Translator::with_method(Method::Fork)`
//! (the same double fork + `setns` + `SCM_CREDENTIALS`), with
//! `/proc/<pid>/ns/pid` opened by the caller just before the forks rather
//! than by the first helper just after: the same moment as far as the
//! race below is concerned.
//!
//! Where it goes stale: nothing ties the inode number read by `stat` to
//! the process `scm_init_pid` then translates, nor the translated number
//! to the process `save_initpid` opens. If the reader dies and its pid
//! names a process of another namespace by the time the helper opens
//! `/proc/<pid>/ns/pid`, the other namespace's init is saved under the
//! first namespace's inode number; once that namespace is freed the
//! kernel hands its number to a new namespace, whose readers then get the
//! other namespace's (live, so "valid") init for as long as it lives.
#![allow(dead_code)]

use pidfs::{Errno, Method, Translator};
use std::collections::HashMap;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

/// `PURGE_SECS` of `src/bindings.c`.
pub const PURGE_SECS: i64 = 5;

struct Entry {
    initpid: i32,
    init_pidfd: OwnedFd,
    lastcheck: i64,
}

/// The store: `pidns_hash_table`, one chain (newest first) per inode
/// number.
pub struct TtlStore {
    table: HashMap<u64, Vec<Entry>>,
    last_prune: i64,
    fork: Translator,
    /// Fork-based translations made (each one forks twice).
    pub translations: u64,
}

impl Default for TtlStore {
    fn default() -> Self {
        Self::new()
    }
}

/// `time(NULL)`.
fn now() -> i64 {
    // SAFETY: time(NULL) writes nothing.
    unsafe { libc::time(std::ptr::null_mut()) as i64 }
}

/// `/proc/<pid>/ns/pid` in a stack buffer, NUL-terminated (as LXCFS's
/// `snprintf` into `char path[LXCFS_PROC_PID_NS_LEN]`).
fn ns_path(pid: i32, buf: &mut [u8; 40]) -> &std::ffi::CStr {
    use std::io::Write;
    let mut w = &mut buf[..];
    let _ = write!(w, "/proc/{pid}/ns/pid\0");
    std::ffi::CStr::from_bytes_until_nul(buf).unwrap_or(c"")
}

impl TtlStore {
    /// An empty store.
    pub fn new() -> Self {
        TtlStore {
            table: HashMap::new(),
            last_prune: 0,
            fork: Translator::with_method(Method::Fork),
            translations: 0,
        }
    }

    /// Entries held (each holds one pidfd).
    pub fn len(&self) -> usize {
        self.table.values().map(Vec::len).sum()
    }

    /// `lookup_initpid_in_store(pid)`.
    pub fn lookup(&mut self, pid: i32) -> Result<i32, Errno> {
        self.lookup_with(pid, || {})
    }

    /// `lookup_initpid_in_store(pid)` with `between` run where LXCFS drops
    /// the store lock before `scm_init_pid` (on a miss only).
    pub fn lookup_with(&mut self, pid: i32, between: impl FnOnce()) -> Result<i32, Errno> {
        let mut buf = [0u8; 40];
        let path = ns_path(pid, &mut buf);
        // SAFETY: an all-zero struct stat is valid; `path` is NUL-terminated.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: as above; the kernel writes one struct stat.
        if unsafe { libc::stat(path.as_ptr(), &mut st) } != 0 {
            return Err(Errno::ESRCH);
        }
        let ino = st.st_ino as u64;
        let mut hashed = self.lookup_verify_initpid(ino);
        if hashed.is_err() {
            between();
            hashed = self.scm_init_pid(pid);
            if let Ok(p) = hashed {
                self.save_initpid(ino, p);
            }
        }
        self.prune_initpid_store();
        hashed
    }

    fn lookup_verify_initpid(&mut self, ino: u64) -> Result<i32, Errno> {
        let Some(chain) = self.table.get_mut(&ino) else {
            return Err(Errno::ESRCH);
        };
        let Some(first) = chain.first_mut() else {
            return Err(Errno::ESRCH);
        };
        if initpid_still_valid(first) {
            first.lastcheck = now();
            return Ok(first.initpid);
        }
        chain.remove(0);
        if chain.is_empty() {
            self.table.remove(&ino);
        }
        Err(Errno::ESRCH)
    }

    /// The fork-based translation of pid 1 of `pid`'s namespace.
    fn scm_init_pid(&mut self, pid: i32) -> Result<i32, Errno> {
        let mut buf = [0u8; 40];
        let path = ns_path(pid, &mut buf);
        // SAFETY: NUL-terminated path.
        let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(Errno::ESRCH);
        }
        // SAFETY: a fresh fd we own.
        let ns = unsafe { OwnedFd::from_raw_fd(fd) };
        self.translations += 1;
        self.fork.pid_from_pidns(ns.as_fd(), 1)
    }

    fn save_initpid(&mut self, ino: u64, pid: i32) {
        let Ok(init_pidfd) = pidfs::pidfd_open(pid, pidfs::PidfdFlags::empty()) else {
            return;
        };
        let e = Entry {
            initpid: pid,
            init_pidfd,
            lastcheck: now(),
        };
        self.table.entry(ino).or_default().insert(0, e);
    }

    fn prune_initpid_store(&mut self) {
        if self.last_prune == 0 {
            self.last_prune = now();
            return;
        }
        let now = now();
        if now < self.last_prune + PURGE_SECS {
            return;
        }
        self.last_prune = now;
        let threshold = now - 2 * PURGE_SECS;
        self.table.retain(|_, chain| {
            chain.retain(|e| e.lastcheck >= threshold);
            !chain.is_empty()
        });
    }
}

fn initpid_still_valid(e: &Entry) -> bool {
    pidfs::pidfd_send_signal(e.init_pidfd.as_fd(), 0, None, pidfs::SignalFlags::empty()).is_ok()
}
