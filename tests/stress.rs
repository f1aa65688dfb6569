//! Reliability under load: pid reuse in a private pid namespace, many
//! threads on a churning process set, and fd/zombie leak checks after
//! every error path.
//!
//! The pid-reuse test prints `pid reuse events: N` straight to fd 1 (its
//! checker is a forked child, beyond the harness's output capture), so the
//! count shows in any `cargo test` output; CI also runs
//! `cargo test --release --test stress -- --nocapture`.

mod common;

use common::Child;
use pidfs::fd::{AsFd, AsRawFd, OwnedFd};
use pidfs::{
    Errno, InfoMask, Method, NsType, OFlags, PidFd, PidfdFlags, PidfsHandle, Translator, WaitStatus,
};
use std::ffi::CString;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// True when the run must stay short: qemu-user or the real-kernel VM.
fn small() -> bool {
    common::qemu() || common::kernel_matrix()
}

/// `waitid(P_ALL, WEXITED|WNOHANG|WNOWAIT)` in a forked, single-threaded
/// checker must find no child: no zombie and no live helper left behind.
fn assert_no_children() {
    // SAFETY: siginfo_t is plain data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: WNOWAIT|WNOHANG changes nothing.
    let r = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    let e = std::io::Error::last_os_error().raw_os_error();
    // SAFETY: reading the union field waitid filled (or left zeroed).
    let pid = unsafe { info.si_pid() };
    assert_eq!(
        (r, e),
        (-1, Some(libc::ECHILD)),
        "a child is left (pid {pid})"
    );
}

/// Runs `f` in a forked child that is root in a user namespace (when not
/// root already) and pid 1 of a new pid namespace, in a private mount
/// namespace with a procfs of the new pid namespace mounted over `/proc`
/// (so `/proc/<pid>`, the /proc translation method and
/// `/proc/sys/kernel/ns_last_pid` all speak the new namespace's numbers).
fn in_private_pid_ns(f: impl FnOnce()) {
    common::in_child(|| {
        common::become_root_in_userns();
        // SAFETY: namespace and mount syscalls in this forked child only.
        unsafe {
            assert_eq!(
                libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWPID),
                0,
                "unshare: {}",
                std::io::Error::last_os_error()
            );
            let root = CString::new("/").unwrap();
            let r = libc::mount(
                std::ptr::null(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            );
            assert_eq!(r, 0, "make / private: {}", std::io::Error::last_os_error());
        }
        common::in_child(|| {
            // (common::run_in_child's hook sends panic messages to fd 2.)
            assert_eq!(pidfs::getpid(), 1);
            let proc_ = CString::new("proc").unwrap();
            let target = CString::new("/proc").unwrap();
            // SAFETY: mounts a procfs in our private mount namespace.
            let r = unsafe {
                libc::mount(
                    proc_.as_ptr(),
                    target.as_ptr(),
                    proc_.as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                    std::ptr::null(),
                )
            };
            assert_eq!(r, 0, "mount proc: {}", std::io::Error::last_os_error());
            f();
            assert_no_children();
        });
    });
}

/// Everything held about a process after it died.
struct Dead {
    pid: i32,
    code: i32,
    pidfd: PidFd,
    id: Option<u64>,
    handle: Option<PidfsHandle>,
    procfd: OwnedFd,
    pidns: OwnedFd,
}

/// Counters of what each check saw.
#[derive(Default, Debug)]
struct Seen {
    reuse_events: u64,
    esrch: u64,
    estale: u64,
    original: u64,
}

fn esrch<T: std::fmt::Debug>(what: &str, r: pidfs::Result<T>, seen: &mut Seen) {
    match r {
        Err(Errno::ESRCH) => seen.esrch += 1,
        other => panic!("{what}: {other:?}, want ESRCH"),
    }
}

/// Asserts that every answer the crate gives about `d` (dead and reaped,
/// its pid possibly held by `now`) names `d` or fails with ESRCH/ESTALE.
fn check_dead(d: &Dead, now: Option<&PidFd>, proc_root: &OwnedFd, seen: &mut Seen) {
    let p = &d.pidfd;
    esrch("pidfd_send_signal(0)", p.kill(0), seen);
    esrch("PidFd::pid", p.pid(), seen);
    esrch("pidfd_get_info(PID)", p.info(InfoMask::PID), seen);
    esrch("pidfd_get_namespace(Pid)", p.namespace(NsType::Pid), seen);
    esrch(
        "procfd_from_pidfd",
        pidfs::procfd_from_pidfd(p.as_fd(), proc_root.as_fd()),
        seen,
    );
    esrch(
        "pidfd_from_procfd",
        pidfs::pidfd_from_procfd(d.procfd.as_fd()),
        seen,
    );
    // The exit status, where the kernel keeps it (6.15+), is d's own.
    if let Ok(info) = p.info(InfoMask::EXIT) {
        if let Some(ws) = info.wait_status() {
            assert_eq!(
                ws,
                WaitStatus::Exited(d.code),
                "exit status of another process"
            );
            seen.original += 1;
        }
        assert_eq!(info.pid(), None, "GET_INFO gave a pid for a reaped process");
    }
    // Identity: still d's.
    if let Some(id) = d.id {
        assert_eq!(p.id(), Ok(id), "the 64-bit id changed");
        seen.original += 1;
        if let Some(now) = now {
            assert_ne!(now.id(), Ok(id), "the new process has the old id");
            assert_eq!(p.same_process(now), Ok(false));
        }
    }
    if let Some(h) = d.handle {
        assert_eq!(p.to_handle(), Ok(h));
        match pidfs::pidfd_from_handle(&h, OFlags::empty()) {
            Err(Errno::ESTALE) => seen.estale += 1,
            other => panic!("pidfd_from_handle of a reaped process: {other:?}"),
        }
    }
    // Translating the old number through the namespace taken from the old
    // pidfd: a pid is only a hint, so the answer may be whoever has the
    // number now; it must never be claimed to be d.
    for t in [Method::Ioctl, Method::Proc] {
        if t == Method::Ioctl && !pidfs::ns_pid_ioctls_supported() {
            continue;
        }
        match Translator::with_method(t).pid_from_pidns(d.pidns.as_fd(), d.pid) {
            Err(Errno::ESRCH) => seen.esrch += 1,
            Ok(n) => {
                assert_eq!(n, d.pid, "{t:?}: the pid changed in translation");
                let other = now.expect("a translation found a process where none is");
                assert_eq!(other.pid(), Ok(n));
            }
            Err(e) => panic!("{t:?} translation of a dead pid: {e:?}"),
        }
    }
}

/// The pid-reuse stress: in a private pid namespace, pids across the whole
/// range up to `pid_max` are handed out again with `ns_last_pid` while the
/// pidfd, pidfs handle, `/proc/<pid>` fd and pid-namespace fd of the
/// process that had the number before are held. Every answer about the
/// dead process either names it (its exit status, its 64-bit id, its
/// handle) or fails with ESRCH/ESTALE, never the process that now has
/// its pid. At least 10,000 reuse events (500 under qemu-user or in the
/// kernel matrix).
#[test]
fn pid_reuse_never_names_another_process() {
    let target: u64 = if small() { 500 } else { 10_000 };
    in_private_pid_ns(|| {
        let start = Instant::now();
        let proc_root: OwnedFd = std::fs::File::open("/proc").unwrap().into();
        let last_pid = std::fs::OpenOptions::new()
            .write(true)
            .open("/proc/sys/kernel/ns_last_pid")
            .unwrap();
        let pid_max: i32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let set_last = |n: i32| {
            last_pid.write_at(n.to_string().as_bytes(), 0).unwrap();
        };
        let mut seen = Seen::default();
        // A few dead processes stay held for a long time: their pids are
        // reused again and again while they are checked.
        let mut kept: Vec<Dead> = Vec::new();
        // The process that dies waits on this pipe for its cue to exit.
        let mut cue = [0; 2];
        // SAFETY: pipe2 writes two fds; they stay open for the whole loop.
        assert_eq!(unsafe { libc::pipe2(cue.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        let mut i: u64 = 0;
        let mut wraps = 0u64;
        while seen.reuse_events < target {
            i += 1;
            // Spread over [2, pid_max - 1], the top included.
            let pid = 2 + ((i * 7919) % (pid_max as u64 - 2)) as i32;
            let code = (i % 256) as i32;
            if i.is_multiple_of(250) {
                // Past the top: the kernel wraps around to the lowest free
                // pid of the namespace.
                set_last(pid_max - 1);
                let mut w = Child::exiting(0);
                assert!((2..pid_max).contains(&w.pid), "wrapped to {}", w.pid);
                assert!(w.pid < 1000, "no wrap: {}", w.pid);
                w.wait();
                wraps += 1;
            }
            set_last(pid - 1);
            let mut a = Child::spawn(move || {
                let mut b = 0u8;
                // SAFETY: reads one byte into a local.
                unsafe { libc::read(cue[0], (&raw mut b).cast(), 1) };
                code
            });
            if a.pid != pid {
                // Someone else took the number (should not happen: this
                // namespace has only us); try the next one.
                continue;
            }
            let pidfd = PidFd::open(pid, PidfdFlags::empty()).unwrap();
            let procfd = pidfs::procfd_from_pidfd(pidfd.as_fd(), proc_root.as_fd()).unwrap();
            let pidns = pidfd.namespace(NsType::Pid).unwrap();
            let id = pidfd.id().ok();
            let handle = pidfd.to_handle().ok();
            // SAFETY: writes one byte from a local.
            assert_eq!(unsafe { libc::write(cue[1], [0u8].as_ptr().cast(), 1) }, 1);
            let status = a.wait();
            assert_eq!(libc::WEXITSTATUS(status), code);
            let d = Dead {
                pid,
                code,
                pidfd,
                id,
                handle,
                procfd,
                pidns,
            };
            // The number again, for someone else.
            set_last(pid - 1);
            let b = Child::sleeper();
            if b.pid != pid {
                continue;
            }
            seen.reuse_events += 1;
            let now = PidFd::open(b.pid, PidfdFlags::empty()).unwrap();
            check_dead(&d, Some(&now), &proc_root, &mut seen);
            // Older dead processes, whose pids may be anyone's now.
            if let Some(old) = kept.get((i as usize) % kept.len().max(1)) {
                let holder = PidFd::open(old.pid, PidfdFlags::empty()).ok();
                check_dead(old, holder.as_ref(), &proc_root, &mut seen);
            }
            // The new process is alive and untouched by all of that.
            assert_eq!(now.kill(0), Ok(()));
            assert_eq!(now.pid(), Ok(pid));
            drop(b);
            if kept.len() < 16 && i % 64 == 1 {
                kept.push(d);
            }
        }
        // One sample through the fork-based method too (it forks helpers
        // into this namespace; they must all be reaped).
        if let Some(old) = kept.first() {
            match Translator::with_method(Method::Fork).pid_from_pidns(old.pidns.as_fd(), old.pid) {
                Err(Errno::ESRCH) => {}
                other => panic!("fork translation of a dead pid: {other:?}"),
            }
        }
        let line = format!(
            "pid reuse events: {} (pid_max {pid_max}, {wraps} wraps, {} ESRCH, {} ESTALE, {} answers naming the original, {:.1}s)\n",
            seen.reuse_events,
            seen.esrch,
            seen.estale,
            seen.original,
            start.elapsed().as_secs_f64()
        );
        // Straight to fd 1: this process is a fork of the test harness,
        // whose output capture would never hand a println! back.
        // SAFETY: writes a live buffer.
        unsafe { libc::write(1, line.as_ptr().cast(), line.len()) };
        assert!(seen.reuse_events >= target);
    });
}

/// A shared set of short-lived children: (pid it was forked as, its pidfd).
type Set = Mutex<Vec<(i32, Arc<PidFd>)>>;

/// Many threads do handle round trips, translations, GET_INFO and /proc
/// round trips on a set of processes that a churner thread keeps forking
/// and reaping: every answer names the process asked about or fails with
/// ESRCH/ESTALE; nothing crashes; afterwards no fd and no child is left.
#[test]
fn concurrent_round_trips_on_churning_processes() {
    common::in_child(|| {
        let fds_before = common::fd_count();
        let secs = if small() { 1 } else { 4 };
        let stop = Arc::new(AtomicBool::new(false));
        let set: Arc<Set> = Arc::new(Mutex::new(Vec::new()));
        let ops = Arc::new(AtomicU64::new(0));
        let churner = {
            let (stop, set) = (stop.clone(), set.clone());
            std::thread::spawn(move || {
                let mut kids: Vec<Child> = Vec::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let c = Child::spawn(|| {
                        let ts = libc::timespec {
                            tv_sec: 0,
                            tv_nsec: 2_000_000,
                        };
                        // SAFETY: nanosleep on a local timespec.
                        unsafe { libc::nanosleep(&ts, std::ptr::null_mut()) };
                        0
                    });
                    let pidfd = Arc::new(PidFd::open(c.pid, PidfdFlags::empty()).unwrap());
                    {
                        let mut s = set.lock().unwrap();
                        s.push((c.pid, pidfd));
                        if s.len() > 32 {
                            s.remove(0);
                        }
                    }
                    kids.push(c);
                    if kids.len() > 16 {
                        let mut old = kids.remove(0);
                        old.wait();
                    }
                }
                for mut k in kids {
                    k.wait();
                }
                n
            })
        };
        let workers: Vec<_> = (0..6usize)
            .map(|w| {
                let (stop, set, ops) = (stop.clone(), set.clone(), ops.clone());
                std::thread::spawn(move || {
                    let proc_root: OwnedFd = std::fs::File::open("/proc").unwrap().into();
                    let pidns: OwnedFd = std::fs::File::open("/proc/self/ns/pid").unwrap().into();
                    let tr = Translator::new();
                    let mut k = w;
                    while !stop.load(Ordering::Relaxed) {
                        let pick = {
                            let s = set.lock().unwrap();
                            if s.is_empty() {
                                None
                            } else {
                                k = k.wrapping_mul(31).wrapping_add(7);
                                Some(s[k % s.len()].clone())
                            }
                        };
                        let Some((pid, p)) = pick else {
                            std::thread::yield_now();
                            continue;
                        };
                        one_round(pid, &p, &proc_root, &pidns, &tr, w);
                        ops.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs(secs));
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().expect("a worker panicked");
        }
        let forks = churner.join().expect("the churner panicked");
        set.lock().unwrap().clear();
        let n = ops.load(Ordering::Relaxed);
        let line = format!("concurrent: {n} round trips on {forks} churned processes in {secs}s\n");
        // SAFETY: writes a live buffer to fd 1 (see above).
        unsafe { libc::write(1, line.as_ptr().cast(), line.len()) };
        assert!(n > 0 && forks > 0);
        assert_no_children();
        assert_eq!(common::fd_count(), fds_before, "fd leak");
    });
}

/// One round of questions about `p` (forked as `pid`).
fn one_round(pid: i32, p: &PidFd, proc_root: &OwnedFd, pidns: &OwnedFd, tr: &Translator, w: usize) {
    // GET_INFO: its own pid, or ESRCH once reaped.
    match p.info(InfoMask::PID) {
        Ok(i) => assert_eq!(i.pid(), Some(pid)),
        Err(e) => assert_eq!(e, Errno::ESRCH),
    }
    match p.pid() {
        Ok(n) => assert_eq!(n, pid),
        Err(e) => assert_eq!(e, Errno::ESRCH),
    }
    // Handle round trip: the same process, or ESTALE once reaped.
    if let Ok(h) = p.to_handle() {
        assert_eq!(PidfsHandle::from_bytes(&h.to_bytes()), Ok(h));
        assert_eq!(h.to_string().parse::<PidfsHandle>(), Ok(h));
        match PidFd::from_handle(&h, OFlags::empty()) {
            Ok(q) => {
                assert_eq!(q.to_handle(), Ok(h));
                assert_eq!(q.same_process(p), Ok(true));
            }
            Err(e) => assert_eq!(e, Errno::ESTALE),
        }
    }
    // /proc round trip: the same process, or ESRCH.
    match pidfs::procfd_from_pidfd(p.as_fd(), proc_root.as_fd()) {
        Ok(dir) => match pidfs::pidfd_from_procfd(dir.as_fd()) {
            Ok(q) => {
                let q = PidFd::from(q);
                match q.same_process(p) {
                    Ok(same) => assert!(same, "/proc round trip reached another process"),
                    Err(e) => assert_eq!(e, Errno::ESRCH),
                }
            }
            Err(e) => assert_eq!(e, Errno::ESRCH),
        },
        Err(e) => assert_eq!(e, Errno::ESRCH),
    }
    // Translation within our own namespace: the same number or ESRCH (the
    // number is a hint; a pidfd is the identity). The fork method on a
    // sample only (it forks two helpers).
    match tr.pid_from_pidns(pidns.as_fd(), pid) {
        Ok(n) => assert_eq!(n, pid),
        Err(e) => assert_eq!(e, Errno::ESRCH),
    }
    if w == 0 && pid % 8 == 0 {
        match Translator::with_method(Method::Fork).pid_in_pidns(pidns.as_fd(), pid) {
            Ok(n) => assert_eq!(n, pid),
            Err(e) => assert_eq!(e, Errno::ESRCH),
        }
    }
    let _ = p.as_raw_fd();
}

/// Every error path leaves the fd count and the child count as they were:
/// bad fds, dead and reaped processes, bad handles, failed fork-based
/// translations (bad namespace fd, missing pid, helper timeout) and
/// failed spawns, each repeated so a leak of one fd per call shows.
#[test]
fn error_paths_leak_no_fd_and_no_child() {
    common::no_fd_leak(|| {
        let devnull: OwnedFd = std::fs::File::open("/dev/null").unwrap().into();
        let netns: OwnedFd = std::fs::File::open("/proc/self/ns/net").unwrap().into();
        let pidns: OwnedFd = std::fs::File::open("/proc/self/ns/pid").unwrap().into();
        let proc_root: OwnedFd = std::fs::File::open("/proc").unwrap().into();
        let before = common::fd_count();
        for _ in 0..20 {
            // Not a pidfd.
            assert!(pidfs::pidfd_get_info(devnull.as_fd(), InfoMask::PID).is_err());
            assert!(pidfs::procfd_from_pidfd(devnull.as_fd(), proc_root.as_fd()).is_err());
            assert!(pidfs::pidfd_from_procfd(devnull.as_fd()).is_err());
            assert!(pidfs::pidfd_get_namespace(devnull.as_fd(), NsType::Pid).is_err());
            assert!(PidFd::try_from_fd(devnull.try_clone().unwrap()).is_err());
            // Reaped process.
            let mut c = Child::exiting(0);
            let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
            let dir: OwnedFd = std::fs::File::open(format!("/proc/{}", c.pid))
                .unwrap()
                .into();
            let h = p.to_handle();
            c.wait();
            assert_eq!(p.info(InfoMask::PID).unwrap_err(), Errno::ESRCH);
            assert_eq!(
                pidfs::procfd_from_pidfd(p.as_fd(), proc_root.as_fd()).unwrap_err(),
                Errno::ESRCH
            );
            assert_eq!(
                pidfs::pidfd_from_procfd(dir.as_fd()).unwrap_err(),
                Errno::ESRCH
            );
            assert_eq!(p.namespace(NsType::Net).unwrap_err(), Errno::ESRCH);
            if let Ok(h) = h {
                assert_eq!(
                    PidFd::from_handle(&h, OFlags::empty()).unwrap_err(),
                    Errno::ESTALE
                );
            }
            // Bad handles.
            assert!(PidFd::from_handle(&PidfsHandle::from_id(0), OFlags::empty()).is_err());
            assert!(PidFd::from_handle(&PidfsHandle::from_id(u64::MAX), OFlags::empty()).is_err());
            // Failed translations, all methods.
            for m in [Method::Fork, Method::Proc, Method::Ioctl] {
                let t = Translator::with_method(m);
                assert!(t.pid_from_pidns(netns.as_fd(), 1).is_err());
                assert!(t.pid_in_pidns(devnull.as_fd(), 1).is_err());
                assert!(t.pid_from_pidns(pidns.as_fd(), i32::MAX).is_err());
            }
            // Failed spawns.
            assert_eq!(
                pidfs::spawn(c"/nonexistent", &[c"x"], &[], pidfs::CloneFlags::empty())
                    .unwrap_err(),
                Errno::ENOENT
            );
            assert!(pidfs::spawn(c"/dev/null", &[c"x"], &[], pidfs::CloneFlags::empty()).is_err());
        }
        // A fork-based translation whose helper never answers: the timeout
        // path kills and reaps both helpers.
        let r = pidfs::hooks::fork_translate_stalled(
            pidns.as_fd(),
            1,
            false,
            false,
            Duration::from_millis(50),
        );
        assert!(r.is_err() || common::qemu(), "{r:?}");
        assert_eq!(common::fd_count(), before);
        assert_no_children();
    });
}
