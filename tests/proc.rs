//! Race-free `/proc/<pid>` <-> pidfd: `procfd_from_pidfd` and
//! `pidfd_from_procfd` for live, zombie and reaped processes, and the race
//! they exist for: the process dies and its pid is reused between the pid
//! lookup and the open (forced inside a private pid namespace with
//! `ns_last_pid`), which must give ESRCH and never the other process.

mod common;

use common::{Child, in_child, kernel_matrix, no_fd_leak};
use pidfs::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use pidfs::{Errno, PidfdFlags, pidfd_from_procfd, pidfd_open, procfd_from_pidfd};
use std::ffi::CString;

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

/// Reads `name` relative to a directory fd.
fn read_at(dir: BorrowedFd<'_>, name: &str) -> std::io::Result<String> {
    let c = CString::new(name).unwrap();
    // SAFETY: valid C string; the fd returned is ours.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh fd we own.
    let f = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    std::io::read_to_string(f)
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::trim)
}

/// `Pid:` of a `/proc/<pid>` directory's `status`.
fn status_pid(procfd: BorrowedFd<'_>) -> i32 {
    field(&read_at(procfd, "status").unwrap(), "Pid:")
        .unwrap()
        .parse()
        .unwrap()
}

/// `Pid:` of a pidfd's fdinfo, through /proc/self.
fn fdinfo_pid(fd: BorrowedFd<'_>) -> i32 {
    let s = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.as_raw_fd())).unwrap();
    field(&s, "Pid:").unwrap().parse().unwrap()
}

fn errno_of<T: std::fmt::Debug>(r: pidfs::Result<T>) -> Errno {
    r.expect_err("expected an error")
}

/// A live process: the directory's `status` names it; the pidfd made from
/// that directory has it in its fdinfo and signals it.
#[test]
fn live_process_both_directions() {
    let mut child = Child::sleeper();
    let proc_root = open_dir("/proc");
    let pidfd = pidfd_open(child.pid, PidfdFlags::empty()).unwrap();

    let dir = procfd_from_pidfd(pidfd.as_fd(), proc_root.as_fd()).unwrap();
    assert_eq!(status_pid(dir.as_fd()), child.pid);
    // SAFETY: F_GETFD on our fd.
    let fdflags = unsafe { libc::fcntl(dir.as_raw_fd(), libc::F_GETFD) };
    assert_ne!(fdflags & libc::FD_CLOEXEC, 0);

    let procfd = open_dir(&format!("/proc/{}", child.pid));
    let back = pidfd_from_procfd(procfd.as_fd()).unwrap();
    assert_eq!(fdinfo_pid(back.as_fd()), child.pid);
    pidfs::pidfd_send_signal(
        back.as_fd(),
        libc::SIGKILL,
        None,
        pidfs::SignalFlags::empty(),
    )
    .unwrap();
    let status = child.wait();
    assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL);
}

/// A procfs root opened with O_PATH works too, and every call (success or
/// error) leaves the fd count unchanged.
#[test]
fn no_fd_leak_on_success_and_errors() {
    let child = Child::sleeper();
    let pid = child.pid;
    no_fd_leak(move || {
        let c = CString::new("/proc").unwrap();
        // SAFETY: valid C string.
        let raw = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        assert!(raw >= 0);
        // SAFETY: a fresh fd we own.
        let proc_root = unsafe { OwnedFd::from_raw_fd(raw) };
        let pidfd = pidfd_open(pid, PidfdFlags::empty()).unwrap();
        let dir = procfd_from_pidfd(pidfd.as_fd(), proc_root.as_fd()).unwrap();
        let back = pidfd_from_procfd(dir.as_fd()).unwrap();
        assert_eq!(fdinfo_pid(back.as_fd()), pid);
        drop((dir, back));
        // Error paths.
        let tmp = open_dir("/tmp");
        assert_eq!(
            errno_of(procfd_from_pidfd(pidfd.as_fd(), tmp.as_fd())),
            Errno::EINVAL
        );
        assert_eq!(errno_of(pidfd_from_procfd(tmp.as_fd())), Errno::EINVAL);
        let status_file = std::fs::File::open("/proc/self/status").unwrap();
        assert_eq!(
            errno_of(procfd_from_pidfd(status_file.as_fd(), proc_root.as_fd())),
            Errno::EBADF
        );
        let sys_dir = open_dir("/proc/sys");
        assert_eq!(errno_of(pidfd_from_procfd(sys_dir.as_fd())), Errno::ESRCH);
    });
    drop(child);
}

/// Not a procfs: EINVAL for `proc_root` and for `procfd` (checked with
/// fstatfs before anything is opened).
#[test]
fn non_procfs_is_einval() {
    let child = Child::sleeper();
    let pidfd = pidfd_open(child.pid, PidfdFlags::empty()).unwrap();
    let root = open_dir("/");
    assert_eq!(
        errno_of(procfd_from_pidfd(pidfd.as_fd(), root.as_fd())),
        Errno::EINVAL
    );
    assert_eq!(errno_of(pidfd_from_procfd(root.as_fd())), Errno::EINVAL);
}

/// A zombie (exited, not reaped) still owns its pid: signal 0 through its
/// pidfd succeeds, so it gets its own /proc directory (State Z) and a pidfd
/// back; once reaped, both directions answer ESRCH, and a directory fd
/// opened before the reap fails relative reads with ESRCH (ENOENT on older
/// kernels).
#[test]
fn zombie_then_reaped() {
    let mut child = Child::exiting(3);
    let proc_root = open_dir("/proc");
    let pidfd = pidfd_open(child.pid, PidfdFlags::empty()).unwrap();
    child.wait_zombie();
    assert_eq!(
        pidfs::pidfd_send_signal(pidfd.as_fd(), 0, None, pidfs::SignalFlags::empty()),
        Ok(())
    );

    let dir = procfd_from_pidfd(pidfd.as_fd(), proc_root.as_fd()).unwrap();
    let status = read_at(dir.as_fd(), "status").unwrap();
    assert_eq!(
        field(&status, "Pid:").unwrap().parse::<i32>().unwrap(),
        child.pid
    );
    assert!(
        field(&status, "State:").unwrap().starts_with('Z'),
        "{status}"
    );
    let back = pidfd_from_procfd(dir.as_fd()).unwrap();
    assert_eq!(fdinfo_pid(back.as_fd()), child.pid);

    let wstatus = child.wait();
    assert_eq!(libc::WEXITSTATUS(wstatus), 3);
    assert_eq!(
        errno_of(procfd_from_pidfd(pidfd.as_fd(), proc_root.as_fd())),
        Errno::ESRCH
    );
    assert_eq!(errno_of(pidfd_from_procfd(dir.as_fd())), Errno::ESRCH);
    let e = read_at(dir.as_fd(), "status").unwrap_err().raw_os_error();
    assert!(e == Some(libc::ESRCH) || e == Some(libc::ENOENT), "{e:?}");
}

// ---- the pid-reuse race, in a private pid namespace ----

/// In a forked child: root in a user namespace (if not root already), new
/// mount and pid namespaces (mount propagation made private), and a forked
/// grandchild that is pid 1 there, with a procfs of its pid namespace
/// mounted on a fresh directory (the outer /proc stays where it is). `f`
/// runs in that grandchild.
fn in_private_pid_ns<F: FnOnce(&PidNs)>(f: F) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pidfs-proc-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inner = dir.to_str().unwrap().to_string();
    in_child(|| {
        let parent_pid = std::process::id() as i32;
        common::become_root_in_userns();
        // SAFETY: namespace and mount syscalls in this forked child only.
        unsafe {
            assert_eq!(
                libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWPID),
                0,
                "unshare"
            );
            let root = CString::new("/").unwrap();
            let none = CString::new("none").unwrap();
            let r = libc::mount(
                none.as_ptr(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            );
            assert_eq!(r, 0, "make / private: {}", std::io::Error::last_os_error());
        }
        in_child(|| {
            // (common::run_in_child's hook sends panic messages to fd 2.)
            assert_eq!(std::process::id(), 1);
            mount_proc(&inner);
            f(&PidNs {
                proc: inner.clone(),
                parent_pid,
            });
        });
    });
    // The mount went away with the mount namespace.
    std::fs::remove_dir(&dir).unwrap();
}

/// Mounts a procfs of the caller's pid namespace on `target`.
fn mount_proc(target: &str) {
    let proc_ = CString::new("proc").unwrap();
    let target_c = CString::new(target).unwrap();
    // SAFETY: mounts a procfs in our private mount namespace.
    let r = unsafe {
        libc::mount(
            proc_.as_ptr(),
            target_c.as_ptr(),
            proc_.as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        )
    };
    assert_eq!(
        r,
        0,
        "mount proc on {target}: {}",
        std::io::Error::last_os_error()
    );
}

/// A private pid namespace, as seen from its pid 1.
struct PidNs {
    /// Where this namespace's procfs is mounted.
    proc: String,
    /// The pid, in the parent namespace, of the process that made the new
    /// namespace (alive while the test runs; not visible inside).
    parent_pid: i32,
}

impl PidNs {
    fn proc_root(&self) -> OwnedFd {
        open_dir(&self.proc)
    }
    fn pid_dir(&self, pid: i32) -> OwnedFd {
        open_dir(&format!("{}/{pid}", self.proc))
    }
    /// Forks a sleeper that must get `pid` (ns_last_pid): the reuse.
    fn reuse_pid(&self, pid: i32) -> (i32, OwnedFd) {
        let path = format!("{}/sys/kernel/ns_last_pid", self.proc);
        std::fs::write(path, format!("{}", pid - 1)).unwrap();
        let (q, qfd) = fork_sleeper();
        assert_eq!(q, pid, "ns_last_pid did not force the reuse");
        (q, qfd)
    }
}

/// Forks a child that pauses until killed; returns its pid and a pidfd.
fn fork_sleeper() -> (i32, OwnedFd) {
    // SAFETY: single-threaded (pid 1 of the test namespace); the child only
    // pauses.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        loop {
            // SAFETY: waits for a signal.
            unsafe { libc::pause() };
        }
    }
    (pid, pidfd_open(pid, PidfdFlags::empty()).unwrap())
}

/// Kills and reaps a child through its pidfd.
fn kill_and_reap(pidfd: BorrowedFd<'_>) {
    pidfs::pidfd_send_signal(pidfd, libc::SIGKILL, None, pidfs::SignalFlags::empty()).unwrap();
    // SAFETY: siginfo_t is plain data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: P_PIDFD (3) reaps exactly that child.
    let r = unsafe {
        libc::waitid(
            3 as libc::idtype_t,
            pidfd.as_raw_fd() as libc::id_t,
            &mut info,
            libc::WEXITED,
        )
    };
    assert_eq!(r, 0);
}

fn iterations() -> usize {
    if kernel_matrix() { 5 } else { 25 }
}

/// procfd_from_pidfd: the process dies and its pid is reused between the
/// fdinfo read and the open of /proc/<pid> (every iteration hits the
/// window): ESRCH, never the usurper's directory, no fd leaked.
#[test]
fn procfd_from_pidfd_pid_reused_in_window_is_esrch() {
    in_private_pid_ns(|ns| {
        let proc_root = ns.proc_root();
        let fds_before = common::fd_count();
        let mut hits = 0;
        for _ in 0..iterations() {
            let (p, pfd) = fork_sleeper();
            let mut usurper = None;
            let r = pidfs::hooks::procfd_from_pidfd_hooked(
                pfd.as_fd(),
                proc_root.as_fd(),
                &mut |seen| {
                    assert_eq!(seen, p);
                    kill_and_reap(pfd.as_fd());
                    usurper = Some(ns.reuse_pid(p));
                },
            );
            let (q, qfd) = usurper.expect("hook ran");
            assert_eq!(q, p);
            hits += 1;
            assert_eq!(
                r.err(),
                Some(Errno::ESRCH),
                "the usurper's /proc directory was returned"
            );
            // The usurper is a different process with the same pid.
            let dir = procfd_from_pidfd(qfd.as_fd(), proc_root.as_fd()).unwrap();
            assert_eq!(status_pid(dir.as_fd()), p);
            drop(dir);
            kill_and_reap(qfd.as_fd());
        }
        assert!(hits >= 1);
        assert_eq!(common::fd_count(), fds_before, "fd leak");
    });
}

/// pidfd_from_procfd: the process behind the directory dies and its pid is
/// reused between the status read and pidfd_open (every iteration hits the
/// window): ESRCH, never a pidfd for the usurper, no fd leaked.
#[test]
fn pidfd_from_procfd_pid_reused_in_window_is_esrch() {
    in_private_pid_ns(|ns| {
        let fds_before = common::fd_count();
        let mut hits = 0;
        for _ in 0..iterations() {
            let (p, pfd) = fork_sleeper();
            let procfd = ns.pid_dir(p);
            let mut usurper = None;
            let r = pidfs::hooks::pidfd_from_procfd_hooked(procfd.as_fd(), &mut |seen| {
                assert_eq!(seen, p);
                kill_and_reap(pfd.as_fd());
                usurper = Some(ns.reuse_pid(p));
            });
            let (q, qfd) = usurper.expect("hook ran");
            assert_eq!(q, p);
            hits += 1;
            assert_eq!(
                r.err(),
                Some(Errno::ESRCH),
                "a pidfd for the usurper was returned"
            );
            // A fresh directory for the pid is the usurper's, and works.
            let qdir = ns.pid_dir(p);
            let back = pidfd_from_procfd(qdir.as_fd()).unwrap();
            pidfs::pidfd_send_signal(back.as_fd(), 0, None, pidfs::SignalFlags::empty()).unwrap();
            drop((qdir, back));
            kill_and_reap(qfd.as_fd());
        }
        assert!(hits >= 1);
        assert_eq!(common::fd_count(), fds_before, "fd leak");
    });
}

/// Without a hook, a racing killer thread: the process is killed at a
/// varying moment while the two conversions run, then reaped and its pid
/// reused at once. Every answer is ESRCH or names the original process
/// (checked after the reuse: only the dead victim's directory fails reads,
/// only the dead victim's pidfd fails signal 0), never the usurper. Loops
/// until the kill landed inside a call at least once.
#[test]
fn concurrent_kill_and_reuse_never_names_the_usurper() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    in_private_pid_ns(|ns| {
        let proc_root = ns.proc_root();
        let budget = Duration::from_secs(if kernel_matrix() { 60 } else { 30 });
        let start = Instant::now();
        let (mut hits, mut iters) = (0, 0);
        // How long the two calls take here; the kill is delayed by a
        // varying fraction of it so that it lands inside them.
        let mut calls = Duration::from_micros(50);
        while hits == 0 || iters < 20 {
            assert!(
                start.elapsed() < budget,
                "the kill never landed inside a call in {iters} iterations"
            );
            iters += 1;
            let (p, pfd) = fork_sleeper();
            let procfd = ns.pid_dir(p);
            let delay = calls * (iters % 12) / 10;
            // Under qemu-user a fork from one guest thread while another
            // runs can deadlock inside the emulator (it hung CI once), so
            // there the kill and the reuse happen between the two calls,
            // from this thread: the same window, hit every time.
            let (a, b, q, qfd, hit) = if common::qemu() {
                let a = procfd_from_pidfd(pfd.as_fd(), proc_root.as_fd());
                kill_and_reap(pfd.as_fd());
                let (q, qfd) = ns.reuse_pid(p);
                let b = pidfd_from_procfd(procfd.as_fd());
                let _ = delay;
                (a, b, q, qfd, true)
            } else {
                let pfd_raw = pfd.as_raw_fd();
                let ready = Arc::new(AtomicBool::new(false));
                let ready2 = ready.clone();
                let ns2 = PidNs {
                    proc: ns.proc.clone(),
                    parent_pid: ns.parent_pid,
                };
                let killer = std::thread::spawn(move || {
                    ready2.store(true, Ordering::SeqCst);
                    let t = Instant::now();
                    while t.elapsed() < delay {
                        std::hint::spin_loop();
                    }
                    // SAFETY: the pidfd stays open until this thread is joined.
                    let fd = unsafe { BorrowedFd::borrow_raw(pfd_raw) };
                    let t_kill = Instant::now();
                    kill_and_reap(fd);
                    let (q, qfd) = ns2.reuse_pid(p);
                    (q, qfd, t_kill)
                });
                while !ready.load(Ordering::SeqCst) {
                    std::hint::spin_loop();
                }
                let t0 = Instant::now();
                let a = procfd_from_pidfd(pfd.as_fd(), proc_root.as_fd());
                let t1 = Instant::now();
                let b = pidfd_from_procfd(procfd.as_fd());
                let t2 = Instant::now();
                calls = (calls + (t2 - t0)) / 2;
                let (q, qfd, t_kill) = killer.join().unwrap();
                let hit = (t0 < t_kill && t_kill < t1) || (t1 < t_kill && t_kill < t2);
                (a, b, q, qfd, hit)
            };
            assert_eq!(q, p);
            if hit {
                hits += 1;
            }
            if let Ok(dir) = &a {
                // The victim is reaped now: its directory fails reads, the
                // usurper's would not.
                assert!(
                    read_at(dir.as_fd(), "status").is_err(),
                    "procfd_from_pidfd named the usurper"
                );
            }
            if let Ok(fd) = &b {
                let e = pidfs::pidfd_send_signal(fd.as_fd(), 0, None, pidfs::SignalFlags::empty());
                assert_eq!(e, Err(Errno::ESRCH), "pidfd_from_procfd named the usurper");
            }
            for r in [a.map(drop), b.map(drop)] {
                if let Err(e) = r {
                    assert_eq!(e, Errno::ESRCH);
                }
            }
            kill_and_reap(qfd.as_fd());
        }
    });
}

/// A process outside proc_root's pid namespace (fdinfo `Pid: 0` there):
/// ESRCH, as the kernel's `pid_nr_ns() == 0` answers, not some process
/// that happens to have that number.
#[test]
fn process_outside_proc_root_namespace_is_esrch() {
    in_child(|| {
        let outer = pidfd_open(std::process::id() as i32, PidfdFlags::empty()).unwrap();
        let outer_raw = outer.as_raw_fd();
        std::mem::forget(outer);
        in_private_pid_ns(|ns| {
            // SAFETY: inherited across fork, open in this process.
            let outer = unsafe { BorrowedFd::borrow_raw(outer_raw) };
            let proc_root = ns.proc_root();
            assert_eq!(
                errno_of(procfd_from_pidfd(outer, proc_root.as_fd())),
                Errno::ESRCH
            );
        });
    });
}

/// A procfs of the parent pid namespace, used from inside a child one.
/// procfd_from_pidfd reads the pid through that procfs, so it opens the
/// right directory (NSpid ends with the inner pid). pidfd_from_procfd of
/// the parent's directory there, whose outer pid number is inside another
/// process's pid (forced with ns_last_pid), answers EXDEV instead of a
/// pidfd for that other process: both when that procfs's root is reachable
/// (the pid seen through it differs) and when another procfs is mounted on
/// top of it (the walk to its root would cross a mount: openat2
/// RESOLVE_NO_XDEV).
#[test]
fn procfs_of_parent_namespace_never_mixes_numbering() {
    in_private_pid_ns(|ns| {
        let outer_root = open_dir("/proc");
        let (s, sfd) = fork_sleeper();
        let dir = procfd_from_pidfd(sfd.as_fd(), outer_root.as_fd()).unwrap();
        let status = read_at(dir.as_fd(), "status").unwrap();
        let nspid: Vec<i32> = field(&status, "NSpid:")
            .unwrap()
            .split_whitespace()
            .map(|w| w.parse().unwrap())
            .collect();
        assert!(nspid.len() >= 2, "{nspid:?}");
        assert_eq!(nspid.last(), Some(&s), "{nspid:?}");
        assert_eq!(status_pid(dir.as_fd()), nspid[0]);
        drop(dir);

        // The parent's directory in the outer procfs: its number means
        // another process in here.
        let parent_dir = open_dir(&format!("/proc/{}", ns.parent_pid));
        let (other, ofd) = ns.reuse_pid(ns.parent_pid);
        assert_eq!(other, ns.parent_pid);
        let fds = common::fd_count();
        assert_eq!(
            errno_of(pidfd_from_procfd(parent_dir.as_fd())),
            Errno::EXDEV
        );
        assert_eq!(common::fd_count(), fds);

        // The same with the outer procfs root hidden under this namespace's
        // procfs: a `..` walk would land in the wrong procfs.
        mount_proc("/proc");
        assert_eq!(
            errno_of(pidfd_from_procfd(parent_dir.as_fd())),
            Errno::EXDEV
        );
        assert_eq!(common::fd_count(), fds);
        kill_and_reap(ofd.as_fd());
        kill_and_reap(sfd.as_fd());
    });
}

/// A thread pidfd (PIDFD_THREAD, 6.9; EINVAL before) gets its thread's
/// /proc/<tid> directory; pidfd_from_procfd of a non-leader thread's
/// directory is EINVAL (no pidfd for a thread group is made from it), and
/// of the leader's directory gives the process.
#[test]
fn thread_pidfd_and_thread_directory() {
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        tx.send(pidfs::gettid()).unwrap();
        let _ = done_rx.recv();
    });
    let tid = rx.recv().unwrap();
    let me = pidfs::getpid();
    assert_ne!(tid, me);
    let proc_root = open_dir("/proc");
    match pidfd_open(tid, PidfdFlags::THREAD) {
        Ok(tfd) => {
            let dir = procfd_from_pidfd(tfd.as_fd(), proc_root.as_fd()).unwrap();
            let status = read_at(dir.as_fd(), "status").unwrap();
            assert_eq!(field(&status, "Pid:").unwrap().parse::<i32>().unwrap(), tid);
            assert_eq!(field(&status, "Tgid:").unwrap().parse::<i32>().unwrap(), me);
            assert_eq!(errno_of(pidfd_from_procfd(dir.as_fd())), Errno::EINVAL);
        }
        Err(e) => assert_eq!(e, Errno::EINVAL, "PIDFD_THREAD before 6.9"),
    }
    let tdir = open_dir(&format!("/proc/{tid}"));
    assert_eq!(errno_of(pidfd_from_procfd(tdir.as_fd())), Errno::EINVAL);
    let own = open_dir("/proc/self");
    let back = pidfd_from_procfd(own.as_fd()).unwrap();
    assert_eq!(fdinfo_pid(back.as_fd()), me);
    done_tx.send(()).unwrap();
    t.join().unwrap();
}
