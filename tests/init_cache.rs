//! `InitCache` against real containers: pid namespaces with an init and
//! member processes, killed and recreated as fast as the kernel allows,
//! with their inits' pids placed on purpose (clone3 `set_tid`) on the
//! numbers of dead ones, and LXCFS's TTL store (the `lxcfs` bench's model)
//! next to it for the stale answer it can give.
//!
//! Every test runs as "C0": pid 1 of a private pid namespace with its own
//! procfs on /proc, root of a fresh user namespace when not root already
//! (as in tests/translate.rs), so pids there are the test's own and
//! `set_tid`/`ns_last_pid` need no host privilege. Containers are made
//! with `unshare(CLONE_NEWPID)` + fork (which qemu-user passes through,
//! unlike clone's namespace flags), then `setns` back to C0's namespace.

mod common;

#[path = "../bench/benches/support/lxcfs_ttl.rs"]
mod lxcfs_ttl;

use common::{check, in_private_pidns, qemu};
use pidfs::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use pidfs::{
    CloneFlags, Errno, Forked, InitCache, Method, PidFd, PidfdFlags, Translator, WaitOptions,
};
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;

/// Prints a line straight to fd 2: a forked test child's `eprintln!`
/// would go to libtest's in-memory capture (and take a lock another
/// thread of the parent may have held at the fork).
fn say(msg: &str) {
    let line = format!("{msg}\n");
    // SAFETY: writes a live buffer to fd 2.
    unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
}

fn open_ro(path: &str) -> OwnedFd {
    std::fs::File::open(path)
        .unwrap_or_else(|e| panic!("open {path}: {e}"))
        .into()
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: plain pipe2.
    check(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) },
        "pipe2",
    );
    // SAFETY: fresh fds we own.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn ino(path: &str) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("stat {path}: {e}"))
        .ino()
}

/// `NS_GET_ID` (6.18) on a namespace fd, through libc: the 64-bit id or
/// the errno.
fn ns_get_id(ns: BorrowedFd<'_>) -> Result<u64, i32> {
    let mut id = 0u64;
    // SAFETY: NS_GET_ID (`_IOR(0xb7, 13, __u64)`) writes 8 bytes.
    let r = unsafe { libc::ioctl(ns.as_raw_fd(), 0x8008_b70d_u32 as _, &mut id) };
    if r == 0 {
        Ok(id)
    } else {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

/// The pid of the calling process as C0's procfs names it.
fn own_c0_pid() -> i32 {
    let mut buf = [0u8; 16];
    // SAFETY: readlink into a local buffer.
    let n = unsafe { libc::readlink(c"/proc/self".as_ptr(), buf.as_mut_ptr().cast(), 16) };
    if n <= 0 {
        return -1;
    }
    pidfs::parse::parse_i32(&buf[..n as usize]).unwrap_or(-1)
}

/// `close_range` over every fd from 3 up but `keep` (5.9).
fn close_all_but(keep: i32) {
    let keep = keep as libc::c_uint;
    // SAFETY: closes fds of this (forked, single-threaded) process only.
    unsafe {
        if keep > 3 {
            libc::syscall(
                libc::SYS_close_range,
                3 as libc::c_uint,
                keep - 1,
                0 as libc::c_uint,
            );
        }
        libc::syscall(
            libc::SYS_close_range,
            keep + 1,
            libc::c_uint::MAX,
            0 as libc::c_uint,
        );
    }
}

/// Blocks until a signal ends the process; never returns.
fn pause_forever() -> ! {
    loop {
        // SAFETY: pause just waits.
        unsafe { libc::pause() };
    }
}

/// A pid namespace with an init (pid 1 there) and `members` children of
/// the init, which pause; the init reaps them as they die. The init is our child; dropping the container
/// kills and reaps it (which kills and reaps the members first).
struct Container {
    init: PidFd,
    init_pid: i32,
    members: Vec<(i32, PidFd)>,
    ino: u64,
    ns: OwnedFd,
    reaped: bool,
}

/// C0's own pid namespace, to go back to after each `unshare`.
fn c0_ns() -> OwnedFd {
    open_ro("/proc/self/ns/pid")
}

/// How the init's pid was placed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Placed {
    Anywhere,
    /// clone3 `set_tid` [1, pid].
    SetTid,
    /// `ns_last_pid` = pid - 1, then fork (no clone3: qemu-user).
    LastPid,
}

impl Container {
    fn new(c0: BorrowedFd<'_>, members: usize) -> Container {
        Container::placed(c0, members, None).0
    }

    /// A container whose init gets pid `at` in C0's namespace when that is
    /// given and free.
    fn placed(c0: BorrowedFd<'_>, members: usize, at: Option<i32>) -> (Container, Placed) {
        let (rep_r, rep_w) = pipe();
        // SAFETY: single-threaded process; plain syscall.
        check(
            unsafe { libc::unshare(libc::CLONE_NEWPID) },
            "unshare(NEWPID)",
        );
        let mut placed = Placed::Anywhere;
        let forked = match at {
            Some(pid) => {
                // A reaped process's pid number can still be taken for a
                // moment: since 6.15 release_task() frees the struct pids
                // (free_pids) after dropping tasklist_lock, so the task is
                // already gone (ESRCH) while set_tid still answers EEXIST
                // (seen once on 7.3.4 arm64). Retry for up to a second.
                let set_tid = || {
                    // SAFETY: the child runs only the init body below
                    // (forks and pause) and never returns.
                    unsafe { pidfs::hooks::fork_pidfd_with_set_tid(CloneFlags::empty(), &[1, pid]) }
                };
                let mut r = set_tid();
                for _ in 0..1000 {
                    if r.as_ref().err() != Some(&Errno::EEXIST) {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    r = set_tid();
                }
                match r {
                    Ok(f) => {
                        placed = Placed::SetTid;
                        Ok(f)
                    }
                    Err(e) if e == Errno::ENOSYS && qemu() => {
                        std::fs::write("/proc/sys/kernel/ns_last_pid", format!("{}", pid - 1))
                            .unwrap();
                        placed = Placed::LastPid;
                        // SAFETY: as above.
                        unsafe { pidfs::fork_pidfd(CloneFlags::empty()) }
                    }
                    Err(e) => Err(e),
                }
            }
            // SAFETY: as above.
            None => unsafe { pidfs::fork_pidfd(CloneFlags::empty()) },
        };
        match forked.expect("fork the container init") {
            Forked::Child => {
                // A fork inherits every fd, O_CLOEXEC or not: keep only the
                // report pipe, or this init would hold the pidfds and
                // namespace fds of the containers made before it (and so
                // pin those namespaces for as long as it lives).
                close_all_but(rep_w.as_raw_fd());
                for _ in 0..members {
                    // SAFETY: single-threaded; the member only writes and pauses.
                    let m = unsafe { libc::fork() };
                    if m == 0 {
                        let me = own_c0_pid().to_ne_bytes();
                        // SAFETY: writes 4 bytes from a local buffer.
                        unsafe { libc::write(rep_w.as_raw_fd(), me.as_ptr().cast(), 4) };
                        pause_forever();
                    }
                }
                // Reap the members as they die (a killed reader's pid is
                // then free at once); pause once there are none.
                loop {
                    // SAFETY: waits for our own children.
                    if unsafe { libc::wait(std::ptr::null_mut()) } < 0 {
                        pause_forever();
                    }
                }
            }
            Forked::Parent { pid, pidfd } => {
                drop(rep_w);
                pidfs::setns(c0, pidfs::NsFlags::PID).expect("setns back to C0's namespace");
                let mut pids = Vec::new();
                for _ in 0..members {
                    let mut b = [0u8; 4];
                    // SAFETY: reads 4 bytes into a local buffer.
                    let n = unsafe { libc::read(rep_r.as_raw_fd(), b.as_mut_ptr().cast(), 4) };
                    assert_eq!(n, 4, "a container member did not report");
                    pids.push(i32::from_ne_bytes(b));
                }
                let members = pids
                    .into_iter()
                    .map(|p| {
                        assert!(p > 0, "member pid");
                        (
                            p,
                            PidFd::open(p, PidfdFlags::empty()).expect("pidfd of a member"),
                        )
                    })
                    .collect();
                let c = Container {
                    init: pidfd,
                    init_pid: pid,
                    members,
                    ino: ino(&format!("/proc/{pid}/ns/pid")),
                    ns: open_ro(&format!("/proc/{pid}/ns/pid")),
                    reaped: false,
                };
                (c, placed)
            }
        }
    }

    fn member(&self, i: usize) -> BorrowedFd<'_> {
        self.members[i].1.as_fd()
    }

    /// SIGKILL to the init and reap it (its members are gone first).
    fn kill(&mut self) {
        if !self.reaped {
            let _ = self.init.kill(libc::SIGKILL);
            self.init.wait(WaitOptions::EXITED).expect("reap the init");
            self.reaped = true;
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether two pidfds name one process (64-bit ids where the kernel has
/// them, else pids of live processes).
fn same(a: BorrowedFd<'_>, b: BorrowedFd<'_>) -> bool {
    let a = PidFd::from(a.try_clone_to_owned().unwrap());
    let b = PidFd::from(b.try_clone_to_owned().unwrap());
    a.same_process(&b).unwrap()
}

/// An answer of the cache: the init's pid, and whether its pidfd names `c`'s init.
fn assert_init_is(cache: &mut InitCache<64>, reader: BorrowedFd<'_>, c: &Container, what: &str) {
    let got = cache
        .init_of(reader)
        .unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(got.pid(), c.init_pid, "{what}: init pid");
    assert!(same(got.pidfd(), c.init.as_fd()), "{what}: init pidfd");
}

/// A reader in a container gets the container's init, from a cold cache,
/// from the reader memo, from the namespace table (a second member, seen
/// for the first time), for the init itself and by pid; a reader of C0's
/// own namespace gets C0 (pid 1). Three containers, three entries.
#[test]
fn init_of_finds_each_containers_init() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let cs: Vec<Container> = (0..3).map(|_| Container::new(c0.as_fd(), 2)).collect();
        let mut cache: InitCache<64> = InitCache::new();
        for (n, c) in cs.iter().enumerate() {
            assert_init_is(&mut cache, c.member(0), c, &format!("container {n}, cold"));
            assert_init_is(&mut cache, c.member(0), c, &format!("container {n}, memo"));
            assert_init_is(
                &mut cache,
                c.member(1),
                c,
                &format!("container {n}, 2nd member"),
            );
            assert_init_is(
                &mut cache,
                c.init.as_fd(),
                c,
                &format!("container {n}, init"),
            );
            let by_pid = cache.init_of_pid(c.members[1].0).unwrap().pid();
            assert_eq!(by_pid, c.init_pid);
        }
        assert_eq!(cache.len(), 3);
        let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        assert_eq!(cache.init_of(me.as_fd()).unwrap().pid(), 1);
        assert_eq!(cache.len(), 4);
        // Every entry holds one pidfd; clear() closes them.
        let before = common::fd_count();
        cache.clear();
        assert_eq!(common::fd_count(), before - 4);
        assert!(cache.is_empty());
    });
}

/// The loop of the issue: kill a container's init and start a new one as
/// fast as possible, with the new init placed on the dead init's pid
/// (clone3 `set_tid`), every other round after a `prune()` (which lets
/// the dead namespace's inode number go: the kernel then hands it to a new
/// namespace, often the very next one). The cache answers every new
/// member with the new init (its pidfd, not only its number) and every
/// member of a dead container with ESRCH, never with an old init. Prints
/// how often the inode number and the init's pid were reused, and checks
/// that `NS_GET_ID` (6.18; ENOTTY before) told every namespace apart.
#[test]
fn kill_and_recreate_never_returns_the_old_init() {
    in_private_pidns(|| {
        let rounds = if qemu() { 20 } else { 300 };
        let c0 = c0_ns();
        let mut cache: InitCache<64> = InitCache::new();
        let first = Container::new(c0.as_fd(), 1);
        let at = first.init_pid;
        drop(first);
        let mut dead: Vec<Container> = Vec::new();
        let mut dead_inos = HashSet::new();
        let mut ids = HashSet::new();
        let (mut ino_reused, mut pid_reused) = (0, 0);
        for round in 0..rounds {
            let (mut c, placed) = Container::placed(c0.as_fd(), 1, Some(at));
            if placed != Placed::Anywhere {
                assert_eq!(c.init_pid, at, "round {round}: init placed ({placed:?})");
                pid_reused += 1;
            }
            if dead_inos.contains(&c.ino) {
                ino_reused += 1;
            }
            match ns_get_id(c.ns.as_fd()) {
                Ok(id) => assert!(ids.insert(id), "round {round}: NS_GET_ID {id} seen before"),
                Err(e) => assert_eq!(e, libc::ENOTTY, "NS_GET_ID"),
            }
            assert_init_is(&mut cache, c.member(0), &c, &format!("round {round}"));
            assert_init_is(&mut cache, c.member(0), &c, &format!("round {round}, memo"));
            for (n, old) in dead.iter().enumerate() {
                assert_eq!(
                    cache.init_of(old.member(0)).err(),
                    Some(Errno::ESRCH),
                    "round {round}: member of dead container {n}"
                );
            }
            c.kill();
            dead_inos.insert(c.ino);
            // Keep the last two dead containers' members to ask about.
            dead.push(c);
            if dead.len() > 2 {
                dead.remove(0);
            }
            if round % 2 == 1 {
                cache.prune();
            }
            assert!(cache.len() <= 2, "dead entries pile up: {}", cache.len());
        }
        say(&format!(
            "kill_and_recreate: {rounds} rounds; ns inode number reused {ino_reused} times, \
             init pid reused {pid_reused} times, {} distinct NS_GET_ID ids",
            ids.len()
        ));
    });
}

/// The kernel behaviour the cache relies on: a pidfd of a dead namespace's
/// init (reaped, even) keeps the namespace, and so its nsfs inode number,
/// allocated: 64 new pid namespaces made meanwhile never get the number.
/// Once the pidfd is closed the number is free again (how soon a new
/// namespace gets it is printed).
#[test]
fn held_init_pidfd_pins_the_namespace_inode() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let mut a = Container::new(c0.as_fd(), 1);
        let pin = a.init.as_fd().try_clone_to_owned().unwrap();
        let ino_a = a.ino;
        a.kill();
        drop(a);
        // Every free number below A's is taken (never A's), then new pid
        // namespaces (held by an fd: a pid namespace's link can only be
        // opened once it has an init, which is killed at once) get
        // numbers above it, as long as the pidfd is held.
        let mut fill = fill_numbers_below(ino_a);
        for k in 0..64 {
            let c = Container::new(c0.as_fd(), 0);
            assert_ne!(c.ino, ino_a, "namespace {k} got a pinned number");
            fill.push(c.ns.try_clone().unwrap());
        }
        drop(pin);
        let (reused, _c) = new_namespace_numbered(c0.as_fd(), ino_a, 100);
        drop(fill);
        say(&format!(
            "pin released: the number came back after {reused:?} new namespaces"
        ));
    });
}

/// Makes (and holds, by fds) UTS namespaces until one gets an inode
/// number above `ino`: the kernel gives every namespace type numbers from
/// one allocator, lowest free first, so afterwards no number below `ino`
/// is free (until someone frees one). Raises `RLIMIT_NOFILE` to its hard
/// limit for the fds.
fn fill_numbers_below(ino: u64) -> Vec<OwnedFd> {
    // SAFETY: plain getrlimit/setrlimit on this process.
    unsafe {
        let mut rl: libc::rlimit = std::mem::zeroed();
        check(libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl), "getrlimit");
        rl.rlim_cur = rl.rlim_max;
        check(libc::setrlimit(libc::RLIMIT_NOFILE, &rl), "setrlimit");
    }
    let own = open_ro("/proc/self/ns/uts");
    let mut keep = Vec::new();
    for _ in 0..20_000 {
        // SAFETY: single-threaded; plain syscall.
        check(
            unsafe { libc::unshare(libc::CLONE_NEWUTS) },
            "unshare(NEWUTS)",
        );
        let fd = open_ro("/proc/self/ns/uts");
        pidfs::setns(own.as_fd(), pidfs::NsFlags::UTS).unwrap();
        let n = self::ino(&format!("/proc/self/fd/{}", fd.as_raw_fd()));
        assert_ne!(n, ino, "a held number was handed out again");
        keep.push(fd);
        if n > ino {
            return keep;
        }
    }
    panic!("20000 namespaces and still numbers below {ino}");
}

/// New containers (no members) until one's namespace has inode number
/// `ino`, at most `max`: how many it took and that container. The others
/// are killed at once, their namespaces held by an fd meanwhile so that
/// the kernel's lowest-free-number allocator moves on.
fn new_namespace_numbered(
    c0: BorrowedFd<'_>,
    ino: u64,
    max: usize,
) -> (Option<usize>, Option<Container>) {
    let mut keep = Vec::new();
    for k in 1..=max {
        let c = Container::new(c0, 0);
        if c.ino == ino {
            return (Some(k), Some(c));
        }
        keep.push(c.ns.try_clone().unwrap());
        if k % 10 == 0 {
            // Freed namespaces come back after an RCU grace period.
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    (None, None)
}

/// Waits (up to 5 s) until the process `fd` names has been reaped.
fn wait_reaped(fd: BorrowedFd<'_>) {
    let gone = common::wait_until(std::time::Duration::from_secs(5), || {
        pidfs::pidfd_send_signal(fd, 0, None, pidfs::SignalFlags::empty()) == Err(Errno::ESRCH)
    });
    assert!(gone, "not reaped within 5 s");
}

/// LXCFS's TTL store gives a stale answer where `InitCache` does not.
///
/// Container A has two readers, r and r2. r reads; LXCFS `stat`s
/// `/proc/<r>/ns/pid` (A's inode number), misses, and drops its lock for
/// the fork-based translation. Meanwhile r is killed and reaped, and a new
/// container B's init is placed on r's pid (clone3 `set_tid`; under
/// qemu-user `ns_last_pid`). The translation runs on that pid, so B's init
/// is saved under A's inode number. From then on r2 (alive, in A, whose
/// init is alive) is answered with B's init by the store, and the answer
/// is "valid" for as long as B's init lives; `InitCache` answers A's init.
/// Then A dies; once the kernel gives A's freed inode number to a new
/// namespace C, C's init is answered with B's init too (this second part
/// needs the number to come back to this test: every namespace on the
/// machine draws from one allocator, so on a shared kernel another process
/// may take it first; the test then says so).
#[test]
fn ttl_store_goes_stale_where_init_cache_does_not() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let mut cache: InitCache<64> = InitCache::new();
        let mut ttl = lxcfs_ttl::TtlStore::new();
        let a = Container::new(c0.as_fd(), 2);
        let (r_pid, r2_pid) = (a.members[0].0, a.members[1].0);
        let r = a.members[0].1.as_fd().try_clone_to_owned().unwrap();
        assert_init_is(&mut cache, r.as_fd(), &a, "r, before");
        let mut b = None;
        let answer = ttl.lookup_with(r_pid, || {
            a.members[0].1.kill(libc::SIGKILL).unwrap();
            wait_reaped(r.as_fd());
            let (c, placed) = Container::placed(c0.as_fd(), 0, Some(r_pid));
            assert_eq!(c.init_pid, r_pid, "B's init placed on r's pid ({placed:?})");
            b = Some(c);
        });
        let b = b.unwrap();
        assert_eq!(answer, Ok(r_pid), "the store translated B's init");
        // r2 lives in A, whose init lives: the store answers B's init.
        for _ in 0..3 {
            assert_eq!(ttl.lookup(r2_pid), Ok(b.init_pid), "stale answer for r2");
        }
        assert_ne!(b.init_pid, a.init_pid);
        assert_init_is(&mut cache, a.member(1), &a, "r2 from InitCache");
        assert_eq!(
            cache.init_of(r.as_fd()).err(),
            Some(Errno::ESRCH),
            "r, reaped"
        );
        assert_init_is(&mut cache, b.init.as_fd(), &b, "B's init from InitCache");
        say(&format!(
            "stale: r2 (pid {r2_pid}, in A whose init is {}) answered with B's init {} by the TTL store",
            a.init_pid, b.init_pid
        ));

        // A dies; its inode number goes back to the kernel once nothing
        // holds A (the InitCache entry is pruned, every fd closed).
        let ino_a = a.ino;
        let fill = fill_numbers_below(ino_a);
        drop(r);
        drop(a);
        assert_eq!(cache.prune(), 1);
        let (k, c) = new_namespace_numbered(c0.as_fd(), ino_a, 100);
        drop(fill);
        let (Some(k), Some(c)) = (k, c) else {
            // Every namespace on the machine draws from one allocator: on
            // a shared kernel another process may take the number first
            // (and keep it). Part 1 stands on its own. The kernel matrix's
            // guests run nothing else.
            let msg =
                "stale, part 2: A's inode number went elsewhere (not to our 100 new namespaces)";
            assert!(!common::kernel_matrix(), "{msg}");
            say(msg);
            return;
        };
        let (c_pid, c_init) = (c.init_pid, c.init.as_fd());
        assert_eq!(ino(&format!("/proc/{c_pid}/ns/pid")), ino_a);
        assert_eq!(
            ttl.lookup(c_pid),
            Ok(b.init_pid),
            "stale answer for C's init"
        );
        let got = cache.init_of(c_init.as_fd()).unwrap();
        assert_eq!(got.pid(), c_pid);
        assert!(same(got.pidfd(), c_init.as_fd()));
        say(&format!(
            "stale, part 2: C (A's inode number, after {k} new namespaces) answered with B's init {} \
             by the TTL store, its own init {c_pid} by InitCache",
            b.init_pid
        ));
        drop(c);
    });
}

/// Bad readers and dead processes: a closed fd, /dev/null, a pipe, a
/// namespace fd and C0's own pidfd's sentinel are EBADF; a reaped reader
/// is ESRCH from a cold cache and from the memo alike; pid 0, -1 and a
/// free pid are ESRCH. A zombie init keeps its entry (its pid is still its
/// own) until it is reaped; `prune()` then drops it. Nothing panics, the
/// cache holds exactly one fd per entry, and none is left once it is
/// dropped.
#[test]
fn errors_are_errnos_and_no_fd_leaks() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let base = common::fd_count();
        {
            let mut cache: InitCache<64> = InitCache::new();
            let closed = {
                let (r, _w) = pipe();
                r.as_raw_fd()
            };
            // SAFETY: the number is closed; the kernel answers EBADF for it.
            let closed = unsafe { BorrowedFd::borrow_raw(closed) };
            let null = open_ro("/dev/null");
            let (pr, _pw) = pipe();
            assert_eq!(cache.init_of(closed).err(), Some(Errno::EBADF), "closed fd");
            assert_eq!(
                cache.init_of(null.as_fd()).err(),
                Some(Errno::EBADF),
                "/dev/null"
            );
            assert_eq!(cache.init_of(pr.as_fd()).err(), Some(Errno::EBADF), "pipe");
            assert_eq!(
                cache.init_of(c0.as_fd()).err(),
                Some(Errno::EBADF),
                "nsfs fd"
            );
            for pid in [0, -1, i32::MAX] {
                assert_eq!(
                    cache.init_of_pid(pid).err(),
                    Some(Errno::ESRCH),
                    "pid {pid}"
                );
            }
            let mut a = Container::new(c0.as_fd(), 2);
            assert_init_is(&mut cache, a.member(0), &a, "member 0");
            // A reaped reader: member 0 (memoized) and member 1 (never seen).
            let m0 = a.members[0].1.as_fd().try_clone_to_owned().unwrap();
            let m1 = a.members[1].1.as_fd().try_clone_to_owned().unwrap();
            a.members[0].1.kill(libc::SIGKILL).unwrap();
            wait_reaped(m0.as_fd());
            assert_eq!(
                cache.init_of(m0.as_fd()).err(),
                Some(Errno::ESRCH),
                "memo, reaped"
            );
            assert_init_is(&mut cache, m1.as_fd(), &a, "member 1, alive");
            // A zombie init: its members are reaped before it exits.
            a.init.kill(libc::SIGKILL).unwrap();
            // SAFETY: an all-zero siginfo is valid; WNOWAIT leaves the init
            // waitable.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waits for our own child without reaping it.
            check(
                unsafe {
                    libc::waitid(
                        libc::P_PID,
                        a.init_pid as _,
                        &mut info,
                        libc::WEXITED | libc::WNOWAIT,
                    )
                },
                "waitid WNOWAIT",
            );
            assert_eq!(
                cache.init_of(m1.as_fd()).err(),
                Some(Errno::ESRCH),
                "member of a zombie init"
            );
            assert_eq!(cache.prune(), 0, "a zombie init keeps its entry");
            assert_eq!(cache.len(), 1);
            let with_entry = common::fd_count();
            a.kill();
            assert_eq!(cache.prune(), 1, "reaped: dropped");
            assert_eq!(common::fd_count(), with_entry - 1, "one fd per entry");
            assert!(cache.is_empty());
            drop((m0, m1, a, null, pr));
        }
        assert_eq!(common::fd_count(), base, "fd leak");
    });
}

/// Capacity: an `InitCache<4>` keeps at most 4 namespaces; with 6 live
/// containers read in turn, every answer is still right (entries are
/// evicted and the namespaces translated again).
#[test]
fn full_cache_evicts_and_stays_right() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let cs: Vec<Container> = (0..6).map(|_| Container::new(c0.as_fd(), 1)).collect();
        let mut cache: InitCache<4> = InitCache::new();
        for round in 0..3 {
            for (n, c) in cs.iter().enumerate() {
                let got = cache.init_of(c.member(0)).unwrap();
                assert_eq!(got.pid(), c.init_pid, "round {round}, container {n}");
                assert!(same(got.pidfd(), c.init.as_fd()));
                assert!(cache.len() <= InitCache::<4>::MAX_NAMESPACES);
            }
        }
    });
}

/// Every translator gives the same answers through the cache: Fork and
/// Proc on every kernel, Ioctl where the kernel has the nsfs pid ioctls
/// (6.11); without them (older kernels, qemu-user) a cache forced to
/// Ioctl answers ENOTTY for a namespace it has not seen, the default
/// cache uses the fork method, and the reader's namespace is opened
/// through /proc (no `PIDFD_GET_PID_NAMESPACE` before 6.11).
#[test]
fn every_translator_same_answers_and_enotty_without_ioctls() {
    in_private_pidns(|| {
        let c0 = c0_ns();
        let cs: Vec<Container> = (0..2).map(|_| Container::new(c0.as_fd(), 1)).collect();
        let ioctls = pidfs::ns_pid_ioctls_supported();
        if qemu() {
            assert!(!ioctls, "qemu-user answers ENOTTY for the nsfs ioctls");
        }
        let default = Translator::new().method();
        assert_eq!(default, if ioctls { Method::Ioctl } else { Method::Fork });
        for method in [Method::Ioctl, Method::Fork, Method::Proc] {
            let mut cache: InitCache<64> =
                InitCache::new().with_translator(Translator::with_method(method));
            for c in &cs {
                let got = cache.init_of(c.member(0));
                if method == Method::Ioctl && !ioctls {
                    assert_eq!(got.err(), Some(Errno::ENOTTY), "{method:?}");
                    continue;
                }
                let got = got.unwrap_or_else(|e| panic!("{method:?}: {e:?}"));
                assert_eq!(got.pid(), c.init_pid, "{method:?}");
                assert!(same(got.pidfd(), c.init.as_fd()), "{method:?}");
            }
        }
        // The default cache, whatever the kernel.
        let mut cache: InitCache<64> = InitCache::new();
        for c in &cs {
            assert_init_is(&mut cache, c.member(0), c, "default translator");
        }
        // Before 6.11 the reader's namespace comes from /proc.
        let pidfd_ns = pidfs::pidfd_get_namespace(cs[0].member(0), pidfs::NsType::Pid).unwrap();
        assert_eq!(
            ino(&format!("/proc/self/fd/{}", pidfd_ns.as_raw_fd())),
            cs[0].ino
        );
    });
}
