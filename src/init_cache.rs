//! A never-stale cache of pid-namespace inits: for a reader process, the
//! init of its pid namespace (its pid in the caller's namespace and a
//! pidfd for it), which is what LXCFS needs on every read.
//!
//! LXCFS keeps an "init pid store" for the same purpose: keyed by the
//! inode number of `/proc/<reader>/ns/pid`, each entry holding the init's
//! pid and a pidfd, checked with `pidfd_send_signal(pidfd, 0)` and pruned
//! ten seconds after its last use. [`InitCache`] differs in what it trusts:
//! it never keys anything by a pid number, and it only stores an init after
//! checking, through the pidfd it keeps, that the pidfd names the init of
//! the reader's namespace.
//!
//! # What identifies a pid namespace
//!
//! - The nsfs inode number (`stat` of `/proc/<pid>/ns/pid`, `statx` of a
//!   namespace fd) identifies a namespace only while it lives: the kernel
//!   hands numbers out from one allocator for every namespace type
//!   (`proc_alloc_inum`, an IDA giving the lowest free number) and frees
//!   the number when the namespace is freed, so a new namespace soon gets
//!   a dead one's number. Every nsfs inode lives on one superblock, so the
//!   device adds nothing.
//! - `NS_GET_ID` (6.18) gives a 64-bit id from a counter that is never
//!   reused: an identity for the system's lifetime. Older kernels answer
//!   `ENOTTY`.
//! - A reference pins a namespace, and with it its inode number: an open
//!   namespace fd, or a pidfd of any of its processes (the pidfd holds the
//!   `struct pid`, which holds its innermost pid namespace). A pid
//!   namespace also has exactly one init for its lifetime (pid 1 is never
//!   allocated twice in one namespace), and when that init is reaped every
//!   other process of the namespace is already gone and none can join
//!   (`zap_pid_ns_processes`).
//!
//! The cache relies on the third point and on the first one's "while it
//! lives", on every kernel from 5.10: every entry holds its init's pidfd,
//! so its namespace, and its inode number, stay allocated for as long as
//! the entry exists; no other namespace can have that number meanwhile.
//! A lookup holds an open fd of the reader's namespace while it compares
//! numbers, so both namespaces are alive at that moment and equal numbers
//! mean one namespace. A hit therefore can never be another namespace's
//! init, however the kernel recycles inode numbers and pids. The pidfd is
//! then checked with `pidfd_send_signal(pidfd, 0)` before every use, so
//! the pid handed back still names the init (it is reused only after the
//! init is reaped).
//!
//! # Cost
//!
//! A warm read of a reader seen before costs three cheap syscalls and no
//! namespace fd: `pidfd_send_signal(reader, 0)` (a reaped reader is
//! `ESRCH`, any other fd `EBADF`), the reader's 64-bit pidfs id (`statx`
//! on 64-bit targets, a pidfs file handle on 32-bit ones, whose kernels
//! may keep only 32 bits of it in `i_ino`) and `pidfd_send_signal(init, 0)`.
//! That id is unique for the system's lifetime and a process never changes
//! pid namespace, so reader → namespace entry is memoized safely (each
//! memo line names the entry by slot and by a sequence number that no
//! other entry ever gets). A reader seen for the first time opens its pid
//! namespace (`PIDFD_GET_PID_NAMESPACE`) and `statx`es it; a namespace
//! seen for the first time adds two translations with the cache's
//! [`Translator`] (the nsfs ioctls where the kernel has them).
//!
//! # Storage
//!
//! The crate never allocates, so the capacity is a const generic: an
//! `InitCache<N>` is two inline arrays of `N` slots (24 bytes each),
//! built by a `const fn`, usable in a `static` (behind a lock) or a `Box`.
//! Namespaces are kept in an open-addressing table filled to at most
//! [`InitCache::MAX_NAMESPACES`] (7/8 of `N`); when it is full, entries
//! whose init has been reaped are dropped first, then the entry in the new
//! namespace's home slot. Readers are memoized in a 4-way table of `N`
//! slots that overwrites old lines. Size `N` to the number of reader
//! processes that read repeatedly (LXCFS: the processes of every
//! container), not to the number of namespaces alone.
//!
//! The pidfds are `O_CLOEXEC`, which only closes them on `execve`: a
//! child forked from the cache's owner holds copies of them for as long as
//! it lives, and so keeps those namespaces (and their inode numbers)
//! allocated. Close them in such a child (`close_range`) or `exec`.
#![deny(unsafe_code)]

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd};
use crate::flags::{PidfdFlags, SignalFlags};
use crate::ns::{NsType, pidfd_get_namespace};
use crate::pidfd::{pidfd_open, pidfd_send_signal};
use crate::translate::Translator;
use table::Table;

mod table;

/// The init of a reader's pid namespace, as [`InitCache::init_of`] found it
/// (checked alive just before it was returned).
#[derive(Copy, Clone, Debug)]
pub struct NsInit<'a> {
    pid: i32,
    pidfd: BorrowedFd<'a>,
}

impl<'a> NsInit<'a> {
    /// The init's pid in the caller's pid namespace, alive when
    /// [`InitCache::init_of`] returned. A pid is only a hint: use
    /// [`NsInit::pidfd`] to act on the init race-free.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The init's pidfd, owned by the cache (duplicate it to keep it).
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn pidfd(&self) -> BorrowedFd<'a> {
        self.pidfd
    }
}

/// How the reader memo names readers, learnt at the first valid reader.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum IdMode {
    Unknown,
    /// `statx` `stx_ino` of the pidfd: the full pidfs id on a 64-bit kernel.
    Statx,
    /// The pidfs file handle's 64-bit payload (6.14).
    Handle,
    /// No pidfs ids here (before 6.9, or a 32-bit target before 6.14).
    Off,
}

/// `NS_GET_PID_FROM_PIDNS`, cached—the init of a reader's pid namespace,
/// from a cache whose hits can never be another namespace's init; see the
/// [module docs](self) for why, and for its cost and storage.
///
/// Holds one pidfd per cached namespace (closed when the entry is dropped
/// or the cache is). Not thread-safe by itself (`&mut self`): wrap it in a
/// lock to share it.
///
/// # Example
///
/// ```
/// use pidfs::{Errno, InitCache, PidFd, PidfdFlags};
/// # fn main() -> pidfs::Result<()> {
/// let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty())?;
/// let mut cache: InitCache<64> = InitCache::new();
/// match cache.init_of(me.as_fd()) {
///     // The init of our own pid namespace is our pid 1.
///     Ok(init) => assert_eq!(init.pid(), 1),
///     // Before 6.11 the default translator forks and setns()es, which
///     // needs CAP_SYS_ADMIN.
///     Err(e) => assert!(!pidfs::ns_pid_ioctls_supported() && e == Errno::EPERM),
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Kernel support
/// 5.10 and later (pidfds 5.3); see [`InitCache::init_of`] for what each
/// step needs and what older kernels answer.
pub struct InitCache<const N: usize> {
    table: Table<N>,
    translator: Option<Translator>,
    id_mode: IdMode,
}

impl<const N: usize> Default for InitCache<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::fmt::Debug for InitCache<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InitCache")
            .field("len", &self.table.len())
            .field("capacity", &N)
            .field("translator", &self.translator)
            .finish()
    }
}

impl<const N: usize> InitCache<N> {
    /// The most namespaces kept at once: 7/8 of `N` (all `N` below 8).
    pub const MAX_NAMESPACES: usize = Table::<N>::MAX;

    /// An empty cache of `N` slots (`N` > 0, checked at compile time),
    /// translating with [`Translator::new`] (the nsfs ioctls where the
    /// kernel has them, else the fork method).
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub const fn new() -> Self {
        InitCache {
            table: Table::new(),
            translator: None,
            id_mode: IdMode::Unknown,
        }
    }

    /// The same cache translating its misses with `translator` (for
    /// example [`Method::Proc`](crate::Method::Proc) for an unprivileged
    /// caller on a kernel without the nsfs ioctls).
    ///
    /// # Kernel support
    /// Any (no syscall); each method answers as documented on
    /// [`Translator`].
    pub fn with_translator(mut self, translator: Translator) -> Self {
        self.translator = Some(translator);
        self
    }

    /// How many namespaces are cached.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no namespace is cached.
    ///
    /// # Kernel support
    /// Any (no syscall).
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// `pidfd_send_signal(init, 0)` on every entry—drops the entries whose
    /// init has been reaped (a zombie init still answers; its entry goes
    /// once it is reaped). Returns how many were dropped.
    ///
    /// An entry pins its namespace's inode number; a lookup drops a dead
    /// entry by itself when it meets it, `prune` lets the numbers go
    /// sooner. Never needed for correctness.
    ///
    /// # Kernel support
    /// `pidfd_send_signal` 5.1.
    pub fn prune(&mut self) -> usize {
        self.table.prune(alive)
    }

    /// Drops every entry (and closes every pidfd).
    ///
    /// # Kernel support
    /// Any (`close`).
    pub fn clear(&mut self) {
        self.table.clear();
    }

    /// `NS_GET_PID_FROM_PIDNS(ns of reader, 1)`, cached—the init of the
    /// pid namespace of the process `reader` (a pidfd) names.
    ///
    /// A cached answer is returned after `pidfd_send_signal(reader, 0)`,
    /// the reader's pidfs id and `pidfd_send_signal(init, 0)`; a reader
    /// seen for the first time also opens its pid namespace with
    /// [`pidfd_get_namespace`] and `statx`es it; a namespace seen for the
    /// first time is translated (`pid_from_pidns(ns, 1)`), the answer
    /// opened with `pidfd_open`, translated back (`pid_in_pidns` must
    /// answer 1) and found alive: then the pidfd names the namespace's
    /// init. An entry whose init has been reaped is dropped when met.
    ///
    /// # Errors
    /// `EBADF` `reader` is not a pidfd; `ESRCH` the reader has been reaped,
    /// or its namespace's init has (the namespace is dying), or the
    /// namespace is not below the caller's; `EACCES`/`EPERM` no ptrace
    /// access to the reader (opening its namespace) or, for the fork
    /// method, no `CAP_SYS_ADMIN`; `ENOTTY` a translator forced to
    /// [`Method::Ioctl`](crate::Method::Ioctl) on a kernel without the
    /// nsfs ioctls; the translator's other errors (`ETIMEDOUT`, `EAGAIN`).
    ///
    /// # Kernel support
    /// `pidfd_send_signal` 5.1, `pidfd_open` 5.3, `statx` 4.11.
    /// `PIDFD_GET_PID_NAMESPACE` 6.11, before that (and under qemu-user)
    /// `/proc/<pid>/ns/pid`, confirmed race-free. The nsfs pid ioctls 6.11,
    /// before that the fork method (or the translator given). The reader
    /// memo needs pidfs ids: 6.9 on 64-bit targets, pidfs file handles
    /// (6.14) on 32-bit ones; before, every read opens the reader's
    /// namespace (same answers, slower).
    pub fn init_of(&mut self, reader: BorrowedFd<'_>) -> Result<NsInit<'_>> {
        let memo_ok = check_reader(reader)?;
        let id = if memo_ok {
            self.reader_id(reader)
        } else {
            None
        };
        if let Some(id) = id
            && let Some(i) = self.table.memo_hit(id)
        {
            if self.init_alive(i) {
                return self.answer(i);
            }
            self.table.remove(i);
        }
        let ns = pidfd_get_namespace(reader, NsType::Pid)?;
        let key = ns_ino(ns.as_fd())?;
        if let Some(i) = self.table.find(key) {
            if self.init_alive(i) {
                self.table.memo_put(id, i);
                return self.answer(i);
            }
            self.table.remove(i);
        }
        let translator = self.translator.unwrap_or_default();
        let pid = translator.pid_from_pidns(ns.as_fd(), 1)?;
        let init = match pidfd_open(pid, PidfdFlags::empty()) {
            Ok(fd) => fd,
            Err(Errno::EINVAL) => return Err(Errno::ESRCH),
            Err(e) => return Err(e),
        };
        // `pid` named the init when it was translated. If the pidfd is
        // still alive after `pid` is seen as pid 1 of `ns` again, `pid`
        // named the pidfd's process from the open to that check, so the
        // pidfd is the init (pid 1 is allocated once per namespace).
        match translator.pid_in_pidns(ns.as_fd(), pid) {
            Ok(1) => {}
            Ok(_) => return Err(Errno::ESRCH),
            Err(e) => return Err(e),
        }
        if !alive(init.as_fd()) {
            return Err(Errno::ESRCH);
        }
        let i = self.table.insert(key, pid, init, alive);
        self.table.memo_put(id, i);
        self.answer(i)
    }

    /// `pidfd_open(pid)` then [`InitCache::init_of`]—the same for a reader
    /// named by its pid in the caller's namespace (as FUSE names it).
    ///
    /// A pid is only a hint: if the reader exits and its pid is reused
    /// before the `pidfd_open`, the answer is for the new process. Prefer
    /// a pidfd taken while the reader is known to be alive.
    ///
    /// # Errors
    /// `ESRCH` no such process (also for `pid <= 0`); as
    /// [`InitCache::init_of`].
    ///
    /// # Kernel support
    /// As [`InitCache::init_of`].
    pub fn init_of_pid(&mut self, pid: i32) -> Result<NsInit<'_>> {
        if pid <= 0 {
            return Err(Errno::ESRCH);
        }
        let reader = pidfd_open(pid, PidfdFlags::empty())?;
        self.init_of(reader.as_fd())
    }

    fn answer(&self, i: usize) -> Result<NsInit<'_>> {
        match self.table.entry(i) {
            Some((pid, pidfd)) => Ok(NsInit { pid, pidfd }),
            None => Err(Errno::ESRCH),
        }
    }

    fn init_alive(&self, i: usize) -> bool {
        self.table.entry(i).is_some_and(|(_, fd)| alive(fd))
    }

    /// The reader's pidfs id for the memo, learning how to read it at the
    /// first pidfd (so a bad fd can never switch the memo off).
    fn reader_id(&mut self, reader: BorrowedFd<'_>) -> Option<u64> {
        match self.id_mode {
            IdMode::Off => None,
            IdMode::Statx => statx_ino(reader).ok(),
            IdMode::Handle => crate::handle::pidfd_to_handle(reader).ok().map(|h| h.id()),
            IdMode::Unknown => {
                // On a 64-bit target the kernel is 64-bit and stx_ino is
                // the whole pidfs id (6.9); pidfd_id says whether pidfs
                // exists. A 32-bit kernel keeps 32 bits of it in i_ino, so
                // 32-bit targets use the file handle (6.14).
                let r = if cfg!(target_pointer_width = "64") {
                    crate::info::pidfd_id(reader).map(|id| (id, IdMode::Statx))
                } else {
                    crate::handle::pidfd_to_handle(reader).map(|h| (h.id(), IdMode::Handle))
                };
                match r {
                    Ok((id, mode)) => {
                        self.id_mode = mode;
                        Some(id)
                    }
                    Err(Errno::EOPNOTSUPP | Errno::EINVAL | Errno::ENOSYS) => {
                        self.id_mode = IdMode::Off;
                        None
                    }
                    Err(_) => None,
                }
            }
        }
    }
}

/// `pidfd_send_signal(fd, 0)`: `true` until the process is reaped
/// (`EPERM`: it exists). Anything else (`ESRCH`, or `EINVAL` for a process
/// outside the caller's pid namespace tree) is "not usable".
fn alive(fd: BorrowedFd<'_>) -> bool {
    matches!(
        pidfd_send_signal(fd, 0, None, SignalFlags::empty()),
        Ok(()) | Err(Errno::EPERM)
    )
}

/// `pidfd_send_signal(reader, 0)`: `EBADF` for anything but a pidfd,
/// `ESRCH` once reaped. `Ok(false)` (no memo) when the kernel cannot tell
/// from here (`EINVAL`: the reader lives outside the caller's pid
/// namespace tree); opening its namespace then decides.
fn check_reader(reader: BorrowedFd<'_>) -> Result<bool> {
    match pidfd_send_signal(reader, 0, None, SignalFlags::empty()) {
        Ok(()) | Err(Errno::EPERM) => Ok(true),
        Err(Errno::EINVAL) => Ok(false),
        Err(e) => Err(e),
    }
}

fn statx_ino(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut st = crate::raw::statx::zeroed();
    crate::sys::statx_fd(fd, crate::raw::STATX_INO, &mut st)?;
    if st.stx_mask & crate::raw::STATX_INO == 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    Ok(st.stx_ino)
}

/// The nsfs inode number of a namespace fd.
fn ns_ino(ns: BorrowedFd<'_>) -> Result<u64> {
    statx_ino(ns)
}
