//! `procfd_from_pidfd` and `pidfd_from_procfd` with the procfs of every pid
//! namespace of a real tree, from callers at three levels of it.
//!
//! The tree (built per test, in a private mount namespace; root in a fresh
//! user namespace for a non-root user):
//!
//! ```text
//! R   the test's own pid namespace, procfs at /proc
//! └── L1   A (pid 1), procfs at <base>/l1
//!     ├── L2   B (pid 1), S (pid 2, a sleeper), procfs at <base>/l2
//!     │   └── L3   C (pid 1), procfs at <base>/l3
//!     └── L2'  B2 (pid 1), S2 (pid 2), procfs at <base>/l2b
//! ```
//!
//! S has three pids (R, L1, L2) and C four. L2 and L2' are sibling
//! containers numbered alike (`[1]` and `[2]` in each). The callers: the
//! test process in R (every procfs but its own lies below it), A in L1 and
//! B in L2 (`/proc`, R's procfs, is an ancestor's for them), each asking
//! about every process it can open a pidfd for, in every procfs.
//!
//! Kernel behaviour pinned down: a procfs numbers a process in its own pid
//! namespace (`pid_nr_ns`) and has no directory for a process outside it;
//! the kernel's `PIDFD_TO_PROCFD` would answer `ESRCH` there. Pid reuse
//! inside a namespace (clone3 `set_tid` at every level, or `ns_last_pid`
//! under qemu-user, which has no clone3) never yields the new process.

mod common;

use common::{in_child, kernel_matrix, qemu};
use pidfs::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use pidfs::{CloneFlags, Errno, Forked, PidFd, PidfdFlags, pidfd_from_procfd, procfd_from_pidfd};
use std::ffi::CString;
use std::sync::atomic::{AtomicI32, Ordering};

const MAXL: usize = 5;

/// A process's `NSpid:` as the test's namespace (R) sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Ids {
    len: i32,
    pids: [i32; MAXL],
}

impl Ids {
    fn slice(&self) -> &[i32] {
        &self.pids[..self.len as usize]
    }
    /// The caller's own, from `/proc/self/status` (R's procfs).
    fn own() -> Ids {
        let s = std::fs::read_to_string("/proc/self/status").unwrap();
        let mut ids = Ids::default();
        for w in field(&s, "NSpid:").unwrap().split_whitespace() {
            ids.pids[ids.len as usize] = w.parse().unwrap();
            ids.len += 1;
        }
        ids
    }
    fn to_bytes(self) -> [u8; 4 * (MAXL + 1)] {
        let mut b = [0u8; 4 * (MAXL + 1)];
        b[..4].copy_from_slice(&self.len.to_ne_bytes());
        for (i, p) in self.pids.iter().enumerate() {
            b[4 + 4 * i..8 + 4 * i].copy_from_slice(&p.to_ne_bytes());
        }
        b
    }
    fn from_bytes(b: &[u8]) -> Ids {
        let w = |i: usize| i32::from_ne_bytes(b[4 * i..4 * i + 4].try_into().unwrap());
        let mut ids = Ids {
            len: w(0),
            pids: [0; MAXL],
        };
        for i in 0..MAXL {
            ids.pids[i] = w(i + 1);
        }
        ids
    }
}

/// The pid namespaces of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    R,
    L1,
    L2,
    L2b,
    L3,
}

const ALL_NS: [Ns; 5] = [Ns::R, Ns::L1, Ns::L2, Ns::L2b, Ns::L3];

impl Ns {
    /// The namespaces from R down to this one.
    fn chain(self) -> &'static [Ns] {
        match self {
            Ns::R => &[Ns::R],
            Ns::L1 => &[Ns::R, Ns::L1],
            Ns::L2 => &[Ns::R, Ns::L1, Ns::L2],
            Ns::L2b => &[Ns::R, Ns::L1, Ns::L2b],
            Ns::L3 => &[Ns::R, Ns::L1, Ns::L2, Ns::L3],
        }
    }
    fn level(self) -> usize {
        self.chain().len() - 1
    }
    fn dir(self, base: &str) -> String {
        match self {
            Ns::R => "/proc".into(),
            Ns::L1 => format!("{base}/l1"),
            Ns::L2 => format!("{base}/l2"),
            Ns::L2b => format!("{base}/l2b"),
            Ns::L3 => format!("{base}/l3"),
        }
    }
}

/// The processes of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    A,
    B,
    S,
    C,
    B2,
    S2,
}

const ALL_WHO: [Who; 6] = [Who::A, Who::B, Who::S, Who::C, Who::B2, Who::S2];

impl Who {
    fn ns(self) -> Ns {
        match self {
            Who::A => Ns::L1,
            Who::B | Who::S => Ns::L2,
            Who::C => Ns::L3,
            Who::B2 | Who::S2 => Ns::L2b,
        }
    }
    fn tag(self) -> u8 {
        self as u8
    }
}

/// Every process's pids, as R numbers them.
#[derive(Clone, Copy, Debug)]
struct Tree {
    ids: [Ids; 6],
    base: [u8; 64],
}

impl Default for Tree {
    fn default() -> Tree {
        Tree {
            ids: [Ids::default(); 6],
            base: [0; 64],
        }
    }
}

impl Tree {
    fn ids(&self, w: Who) -> Ids {
        self.ids[w as usize]
    }
    /// `w`'s pid in `ns`, if it has one (`ns` on its chain).
    fn pid_in(&self, w: Who, ns: Ns) -> Option<i32> {
        w.ns()
            .chain()
            .contains(&ns)
            .then(|| self.ids(w).pids[ns.level()])
    }
    fn base(&self) -> String {
        let n = self.base.iter().position(|&b| b == 0).unwrap();
        String::from_utf8(self.base[..n].to_vec()).unwrap()
    }
    fn root(&self, ns: Ns) -> OwnedFd {
        open_dir(&ns.dir(&self.base()))
    }
    fn to_bytes(self) -> Vec<u8> {
        let mut b = Vec::new();
        for ids in self.ids {
            b.extend(ids.to_bytes());
        }
        b.extend(self.base);
        b
    }
    fn from_bytes(b: &[u8]) -> Tree {
        let mut t = Tree::default();
        let n = 4 * (MAXL + 1);
        for i in 0..6 {
            t.ids[i] = Ids::from_bytes(&b[i * n..(i + 1) * n]);
        }
        t.base.copy_from_slice(&b[6 * n..6 * n + 64]);
        t
    }
}

const TREE_BYTES: usize = 6 * 4 * (MAXL + 1) + 64;

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::trim)
}

fn open_dir(path: &str) -> OwnedFd {
    let c = CString::new(path).unwrap();
    // SAFETY: valid C string; the fd returned is ours.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    assert!(fd >= 0, "open {path}: {}", std::io::Error::last_os_error());
    // SAFETY: a fresh fd we own.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// The `status` of a `/proc/<pid>` directory fd: `Pid:` and `NSpid:`.
fn status(dir: BorrowedFd<'_>) -> std::io::Result<(i32, Vec<i32>)> {
    // SAFETY: valid C string; the fd returned is ours.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c"status".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh fd we own.
    let f = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let s = std::io::read_to_string(f)?;
    let pid = field(&s, "Pid:").unwrap().parse().unwrap();
    let nspid = field(&s, "NSpid:")
        .unwrap()
        .split_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    Ok((pid, nspid))
}

fn write_all(fd: RawFd, b: &[u8]) {
    // SAFETY: writes a live buffer (at most PIPE_BUF bytes: atomic).
    let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
    assert_eq!(n, b.len() as isize, "{}", std::io::Error::last_os_error());
}

/// Reads exactly `b.len()` bytes, waiting at most a minute in all.
fn read_exact(fd: RawFd, b: &mut [u8]) {
    let mut got = 0;
    while got < b.len() {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        let r = unsafe { libc::poll(&mut p, 1, 120_000) };
        assert!(r > 0, "no answer from a tree process in 2 minutes");
        // SAFETY: reads into the unfilled tail of `b`.
        let n = unsafe { libc::read(fd, b[got..].as_mut_ptr().cast(), b.len() - got) };
        assert!(n > 0, "read: {}", std::io::Error::last_os_error());
        got += n as usize;
    }
}

fn pipe() -> (RawFd, RawFd) {
    let mut p = [0; 2];
    // SAFETY: writes two fds into `p`.
    assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    (p[0], p[1])
}

/// Writes this process's tag and pids to the report pipe.
fn report(fd: RawFd, who: Who) {
    let mut b = vec![who.tag()];
    b.extend(Ids::own().to_bytes());
    write_all(fd, &b);
}

fn pause_forever() -> ! {
    loop {
        // SAFETY: waits for a signal.
        unsafe { libc::pause() };
    }
}

/// Plain fork; the child runs `body` and exits (101 on panic).
fn fork_run(body: impl FnOnce()) -> i32 {
    // SAFETY: the child runs `body` and `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        // SAFETY: leave without running atexit handlers.
        unsafe { libc::_exit(if r.is_ok() { 0 } else { 101 }) }
    }
    pid
}

fn sys_ok(r: libc::c_int, what: &str) {
    assert_eq!(r, 0, "{what}: {}", std::io::Error::last_os_error());
}

fn mount_proc(target: &str) {
    let t = CString::new(target).unwrap();
    // SAFETY: mounts a procfs of the caller's pid namespace in the tree's
    // private mount namespace.
    sys_ok(
        unsafe {
            libc::mount(
                c"proc".as_ptr(),
                t.as_ptr(),
                c"proc".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                std::ptr::null(),
            )
        },
        "mount proc",
    );
}

/// Opens the caller's own pid namespace (to go back to it as the
/// namespace of its later children after an `unshare(CLONE_NEWPID)`).
fn own_pidns() -> OwnedFd {
    std::fs::File::open("/proc/self/ns/pid").unwrap().into()
}

/// `unshare(CLONE_NEWPID)`, fork `body` as pid 1 of the new namespace, then
/// make the caller's later children its own namespace's again.
fn fork_in_new_pidns(body: impl FnOnce()) -> i32 {
    let own = own_pidns();
    // SAFETY: namespace syscalls on this process.
    sys_ok(
        unsafe { libc::unshare(libc::CLONE_NEWPID) },
        "unshare NEWPID",
    );
    let pid = fork_run(|| {
        // SAFETY: die with the parent (the tree collapses with its root).
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
        assert_eq!(std::process::id(), 1);
        body()
    });
    // SAFETY: back to our own pid namespace for later children.
    sys_ok(
        unsafe { libc::setns(own.as_raw_fd(), libc::CLONE_NEWPID) },
        "setns",
    );
    pid
}

/// Where a test body runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// The test's own process, in R.
    Root,
    /// A, pid 1 of L1.
    A,
    /// B, pid 1 of L2.
    B,
}

impl Caller {
    fn ns(self) -> Ns {
        match self {
            Caller::Root => Ns::R,
            Caller::A => Ns::L1,
            Caller::B => Ns::L2,
        }
    }
}

/// B's sleeper: S at first, then each process that took its pids over.
struct Sleeper {
    ids: Ids,
    pidfd: OwnedFd,
}

/// The channels of the tree, and (in B) B's sleeper.
struct Ctl<'a> {
    caller: Caller,
    cmd_b: RawFd,
    rep_b: RawFd,
    local: Option<&'a mut Sleeper>,
    /// A's pidfd for itself, inherited by B (valid in B's subtree only).
    a_self: RawFd,
}

impl Ctl<'_> {
    /// Kills and reaps L2's sleeper and makes a new one take its pids
    /// (every level where `set_tid` is allowed, at least L2's); answers
    /// the new one's pids.
    fn recycle(&mut self) -> Ids {
        match self.local.as_deref_mut() {
            Some(s) => recycle(s),
            None => {
                write_all(self.cmd_b, b"K");
                let mut b = [0u8; 4 * (MAXL + 1)];
                read_exact(self.rep_b, &mut b);
                Ids::from_bytes(&b)
            }
        }
    }
}

static A_SELF: AtomicI32 = AtomicI32::new(-1);

/// Forks a sleeper in the caller's pid namespace that reports its pids
/// over a pipe; `set_tid` (innermost first) picks its pids.
fn fork_sleeper(set_tid: Option<&[i32]>) -> pidfs::Result<Sleeper> {
    let (r, w) = pipe();
    // SAFETY: the child only reports its pids and pauses.
    let forked = unsafe {
        match set_tid {
            Some(t) => pidfs::hooks::fork_pidfd_with_set_tid(CloneFlags::empty(), t),
            None => pidfs::fork_pidfd(CloneFlags::empty()),
        }
    };
    let pidfd = match forked {
        Ok(Forked::Child) => {
            let mut b = Ids::own().to_bytes().to_vec();
            b.insert(0, b'!');
            write_all(w, &b);
            pause_forever()
        }
        Ok(Forked::Parent { pidfd, .. }) => pidfd,
        Err(e) => {
            // SAFETY: our own pipe fds.
            unsafe { (libc::close(r), libc::close(w)) };
            return Err(e);
        }
    };
    let mut b = [0u8; 1 + 4 * (MAXL + 1)];
    read_exact(r, &mut b);
    // SAFETY: our own pipe fds.
    unsafe { (libc::close(r), libc::close(w)) };
    Ok(Sleeper {
        ids: Ids::from_bytes(&b[1..]),
        pidfd: pidfd.into(),
    })
}

/// Kills and reaps a child through its pidfd.
fn kill_and_reap(pidfd: BorrowedFd<'_>) {
    pidfs::pidfd_send_signal(pidfd, libc::SIGKILL, None, pidfs::SignalFlags::empty()).unwrap();
    let r = pidfs::pidfd_wait(pidfd, pidfs::WaitOptions::EXITED).unwrap();
    assert!(r.is_some());
}

/// In B: the sleeper dies and is reaped, a new one gets its pids.
fn recycle(s: &mut Sleeper) -> Ids {
    let old = s.ids;
    kill_and_reap(s.pidfd.as_fd());
    let mut inner_first: Vec<i32> = old.slice().iter().rev().copied().collect();
    let new = loop {
        match fork_sleeper(Some(&inner_first)) {
            Ok(n) => break n,
            // R's number taken meanwhile, or no CAP_SYS_ADMIN over R (a
            // non-root user): fewer levels.
            Err(Errno::EEXIST | Errno::EPERM) if inner_first.len() > 1 => {
                inner_first.pop();
            }
            // qemu-user has no clone3: L2's ns_last_pid (the writer's
            // namespace's), then a plain fork.
            Err(Errno::ENOSYS) => {
                if !qemu() {
                    panic!("clone3 missing outside qemu-user");
                }
                let last = old.pids[2] - 1;
                std::fs::write("/proc/sys/kernel/ns_last_pid", format!("{last}")).unwrap();
                break fork_sleeper(None).unwrap();
            }
            Err(e) => panic!("set_tid {inner_first:?}: {e:?}"),
        }
    };
    assert_eq!(new.ids.pids[2], old.pids[2], "L2's pid not recycled");
    *s = new;
    s.ids
}

/// Builds the tree, runs `body` in the test process (R), then in A (L1),
/// then in B (L2), and takes the tree down.
fn with_tree(body: fn(&Tree, &mut Ctl<'_>)) {
    static N: AtomicI32 = AtomicI32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let base = std::env::temp_dir().join(format!("pidfs-procns-{}-{n}", std::process::id()));
    for d in ["l1", "l2", "l2b", "l3"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    let base_s = base.to_str().unwrap().to_string();
    in_child(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = format!("[tree process {}] {info}\n", std::process::id());
            // SAFETY: writes a live buffer to fd 2.
            unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
        }));
        common::become_root_in_userns();
        // SAFETY: namespace and mount syscalls in this forked child only.
        unsafe {
            sys_ok(libc::unshare(libc::CLONE_NEWNS), "unshare NEWNS");
            sys_ok(
                libc::mount(
                    c"none".as_ptr(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ),
                "make / private",
            );
        }
        let mut tree = Tree::default();
        tree.base[..base_s.len()].copy_from_slice(base_s.as_bytes());
        let (rep_r, rep_w) = pipe();
        let (cmd_a_r, cmd_a_w) = pipe();
        let (rep_a_r, rep_a_w) = pipe();
        let (cmd_b_r, cmd_b_w) = pipe();
        let (rep_b_r, rep_b_w) = pipe();
        let b2 = base_s.clone();
        let a = fork_in_new_pidns(move || {
            let base = b2;
            mount_proc(&format!("{base}/l1"));
            let me = pidfs::pidfd_open(1, PidfdFlags::empty()).unwrap();
            A_SELF.store(me.as_raw_fd(), Ordering::Relaxed);
            std::mem::forget(me);
            let bb = base.clone();
            fork_in_new_pidns(move || {
                mount_proc(&format!("{bb}/l2"));
                let s = fork_sleeper(None).unwrap();
                write_all(rep_w, &[&[Who::S.tag()][..], &s.ids.to_bytes()].concat());
                let bc = bb.clone();
                fork_in_new_pidns(move || {
                    mount_proc(&format!("{bc}/l3"));
                    report(rep_w, Who::C);
                    pause_forever()
                });
                report(rep_w, Who::B);
                let mut sleeper = s;
                serve(
                    Caller::B,
                    cmd_b_r,
                    rep_b_w,
                    body,
                    Some(&mut sleeper),
                    (cmd_b_w, rep_b_r),
                );
            });
            let bb2 = base.clone();
            fork_in_new_pidns(move || {
                mount_proc(&format!("{bb2}/l2b"));
                let s2 = fork_sleeper(None).unwrap();
                write_all(rep_w, &[&[Who::S2.tag()][..], &s2.ids.to_bytes()].concat());
                report(rep_w, Who::B2);
                pause_forever()
            });
            report(rep_w, Who::A);
            serve(Caller::A, cmd_a_r, rep_a_w, body, None, (cmd_b_w, rep_b_r));
        });
        for _ in 0..6 {
            let mut b = [0u8; 1 + 4 * (MAXL + 1)];
            read_exact(rep_r, &mut b);
            tree.ids[b[0] as usize] = Ids::from_bytes(&b[1..]);
        }
        for w in ALL_WHO {
            assert_eq!(
                tree.ids(w).len as usize,
                w.ns().level() + 1,
                "{w:?}: {:?}",
                tree.ids(w)
            );
        }
        let mut ctl = Ctl {
            caller: Caller::Root,
            cmd_b: cmd_b_w,
            rep_b: rep_b_r,
            local: None,
            a_self: -1,
        };
        body(&tree, &mut ctl);
        for (cmd, rep) in [(cmd_a_w, rep_a_r), (cmd_b_w, rep_b_r)] {
            let mut m = vec![b'R'];
            m.extend(tree.to_bytes());
            write_all(cmd, &m);
            let mut ok = [0u8];
            read_exact(rep, &mut ok);
            assert_eq!(
                ok[0], 0,
                "the test body failed in a tree process (see above)"
            );
        }
        write_all(cmd_b_w, b"X");
        write_all(cmd_a_w, b"X");
        let mut st = 0;
        // SAFETY: reaps our own child A (L1 collapses with it).
        assert_eq!(unsafe { libc::waitpid(a, &mut st, 0) }, a);
    });
    for d in ["l1", "l2", "l2b", "l3"] {
        std::fs::remove_dir(base.join(d)).unwrap();
    }
    std::fs::remove_dir(&base).unwrap();
}

/// The command loop of A and B: `R` + tree runs `body` here, `K` (B only)
/// recycles the sleeper, `X` exits.
fn serve(
    caller: Caller,
    cmd: RawFd,
    rep: RawFd,
    body: fn(&Tree, &mut Ctl<'_>),
    mut sleeper: Option<&mut Sleeper>,
    to_b: (RawFd, RawFd),
) -> ! {
    loop {
        let mut c = [0u8];
        // SAFETY: reads one byte into a live buffer.
        let n = unsafe { libc::read(cmd, c.as_mut_ptr().cast(), 1) };
        assert_eq!(n, 1);
        match c[0] {
            b'R' => {
                let mut t = [0u8; TREE_BYTES];
                read_exact(cmd, &mut t);
                let tree = Tree::from_bytes(&t);
                let mut ctl = Ctl {
                    caller,
                    cmd_b: to_b.0,
                    rep_b: to_b.1,
                    local: sleeper.as_deref_mut(),
                    a_self: A_SELF.load(Ordering::Relaxed),
                };
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    body(&tree, &mut ctl)
                }));
                write_all(rep, &[u8::from(r.is_err())]);
            }
            b'K' => {
                let s = sleeper.as_deref_mut().expect("only B recycles");
                let ids = recycle(s);
                write_all(rep, &ids.to_bytes());
            }
            // SAFETY: the namespace's init leaves; its namespace goes.
            _ => unsafe { libc::_exit(0) },
        }
    }
}

fn pidfd_of(pid: i32) -> PidFd {
    PidFd::open(pid, PidfdFlags::empty()).unwrap_or_else(|e| panic!("pidfd_open({pid}): {e:?}"))
}

/// Every process the caller can name, in every procfs of the tree: the
/// directory of its own number there (`Pid:` and `NSpid:` of that
/// procfs's view), or `ESRCH` where it has no pid (sibling containers, an
/// outer init given an inner procfs); and back, a pidfd of the same
/// process (same 64-bit id, or `same_process` before 6.9), or `EXDEV` for
/// a process that has no pid in the caller's namespace.
fn every_process_in_every_procfs(t: &Tree, ctl: &mut Ctl<'_>) {
    let me = ctl.caller.ns();
    for w in ALL_WHO {
        let pidfd = t.pid_in(w, me).map(pidfd_of);
        for ns in ALL_NS {
            let root = t.root(ns);
            let want = t.pid_in(w, ns);
            let what = format!("{w:?} in {ns:?}'s procfs, from {:?}", ctl.caller);
            if let Some(pidfd) = &pidfd {
                let got = procfd_from_pidfd(pidfd, &root);
                match want {
                    Some(n) => {
                        let dir = got.unwrap_or_else(|e| panic!("{what}: {e:?}"));
                        let (pid, nspid) = status(dir.as_fd()).unwrap();
                        assert_eq!(pid, n, "{what}");
                        assert_eq!(nspid, t.ids(w).slice()[ns.level()..], "{what}");
                    }
                    None => assert_eq!(got.err(), Some(Errno::ESRCH), "{what}"),
                }
            }
            let Some(n) = want else { continue };
            let dir = open_dir(&format!("{}/{n}", ns.dir(&t.base())));
            let back = pidfd_from_procfd(&dir);
            match &pidfd {
                Some(pidfd) => {
                    let back = PidFd::from(back.unwrap_or_else(|e| panic!("{what}: back: {e:?}")));
                    assert_eq!(back.same_process(pidfd), Ok(true), "{what}");
                    if let (Ok(a), Ok(b)) = (back.id(), pidfd.id()) {
                        assert_eq!(a, b, "{what}");
                    }
                }
                None => assert_eq!(back.err(), Some(Errno::EXDEV), "{what}: back"),
            }
        }
    }
    if ctl.caller == Caller::B {
        outside_the_callers_tree(t, ctl.a_self);
    }
}

/// In B, with `/proc` remounted as L2's own procfs and A's pidfd
/// (inherited; A lives above L2, so neither `/proc` nor L2's procfs has a
/// pid for it): L3's procfs lies below the caller and cannot hold A
/// (`ESRCH`); L2''s lies beside it, where userspace cannot tell
/// (`EOPNOTSUPP`).
fn outside_the_callers_tree(t: &Tree, a_self: RawFd) {
    let base = t.base();
    let pid = fork_run(move || {
        // SAFETY: a private mount namespace for this forked child only.
        unsafe {
            sys_ok(libc::unshare(libc::CLONE_NEWNS), "unshare NEWNS");
            sys_ok(
                libc::mount(
                    c"none".as_ptr(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ),
                "make / private",
            );
        }
        mount_proc("/proc");
        // SAFETY: inherited from A, open in this process.
        let a = unsafe { BorrowedFd::borrow_raw(a_self) };
        assert_eq!(
            pidfs::PidFd::from(a.try_clone_to_owned().unwrap()).pid(),
            Err(Errno::EREMOTE)
        );
        let l3 = open_dir(&Ns::L3.dir(&base));
        assert_eq!(procfd_from_pidfd(a, &l3).err(), Some(Errno::ESRCH));
        let l2b = open_dir(&Ns::L2b.dir(&base));
        assert_eq!(procfd_from_pidfd(a, &l2b).err(), Some(Errno::EOPNOTSUPP));
        let own = open_dir("/proc");
        assert_eq!(procfd_from_pidfd(a, &own).err(), Some(Errno::ESRCH));
    });
    let mut st = 0;
    // SAFETY: reaps our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut st, 0) }, pid);
    assert_eq!(
        st, 0,
        "the check outside the caller's tree failed (see above)"
    );
}

/// A process two and three namespaces down has a directory in each procfs
/// above it, numbered by that procfs; none in a sibling container's; from
/// the test's namespace, an intermediate one and the deepest caller.
#[test]
fn every_procfs_numbers_the_process_its_own_way() {
    with_tree(every_process_in_every_procfs);
}

/// L2's sleeper dies and its pids are taken over (L2's at least, with
/// set_tid every level where allowed) while each call is between reading
/// a pid and opening the directory: `ESRCH` from every caller through
/// every procfs the sleeper was in, never the new process, which the same
/// calls then find; and the dead one's directory gives `ESRCH`.
fn reuse_never_names_the_new_process(t: &Tree, ctl: &mut Ctl<'_>) {
    let me = ctl.caller.ns();
    let mut cur = t.ids(Who::S);
    // B's sleeper may already have been recycled by an earlier caller: ask
    // for a fresh one so every caller starts from a known sleeper.
    cur = if ctl.caller == Caller::Root {
        cur
    } else {
        ctl.recycle()
    };
    let rounds = if kernel_matrix() { 1 } else { 3 };
    for ns in [Ns::R, Ns::L1, Ns::L2] {
        let root = t.root(ns);
        for _ in 0..rounds {
            let what = format!("{ns:?}'s procfs from {:?}", ctl.caller);
            // procfd_from_pidfd
            let pidfd = pidfd_of(cur.pids[me.level()]);
            let old = cur;
            let mut hit = false;
            let r =
                pidfs::hooks::procfd_from_pidfd_hooked(pidfd.as_fd(), root.as_fd(), &mut |_| {
                    if !hit {
                        hit = true;
                        cur = ctl.recycle();
                    }
                });
            assert!(hit, "{what}: the hook did not run");
            assert_eq!(r.err(), Some(Errno::ESRCH), "{what}: named the new process");
            assert_eq!(cur.pids[2], old.pids[2]);
            let fresh = pidfd_of(cur.pids[me.level()]);
            let dir = procfd_from_pidfd(&fresh, &root).unwrap();
            assert_eq!(
                status(dir.as_fd()).unwrap().0,
                cur.pids[ns.level()],
                "{what}"
            );

            // pidfd_from_procfd
            let dir = open_dir(&format!("{}/{}", ns.dir(&t.base()), cur.pids[ns.level()]));
            let old_pidfd = fresh;
            let mut hit = false;
            let r = pidfs::hooks::pidfd_from_procfd_hooked(dir.as_fd(), &mut |_| {
                if !hit {
                    hit = true;
                    cur = ctl.recycle();
                }
            });
            assert!(hit);
            assert_eq!(
                r.err(),
                Some(Errno::ESRCH),
                "{what}: back named the new process"
            );
            assert_eq!(
                pidfd_from_procfd(&dir).err(),
                Some(Errno::ESRCH),
                "{what}: dead dir"
            );
            assert_eq!(
                procfd_from_pidfd(&old_pidfd, &root).err(),
                Some(Errno::ESRCH),
                "{what}: dead pidfd"
            );
            let new_dir = open_dir(&format!("{}/{}", ns.dir(&t.base()), cur.pids[ns.level()]));
            let back = PidFd::from(pidfd_from_procfd(&new_dir).unwrap());
            assert_eq!(back.same_process(&pidfd_of(cur.pids[me.level()])), Ok(true));
        }
    }
}

#[test]
fn pid_reuse_inside_a_namespace_never_names_the_new_process() {
    with_tree(reuse_never_names_the_new_process);
}
