//! pidfd behaviour, ported from the kernel's
//! tools/testing/selftests/pidfd (pidfd_open_test.c, pidfd_test.c,
//! pidfd_wait.c, pidfd_poll_test.c, pidfd_getfd_test.c,
//! pidfd_setns_test.c) against this crate's API.
//!
//! Where the running kernel (real-kernel matrix) or qemu-user lacks a
//! feature, the test asserts the errno or fallback answer given there.

mod common;

use common::{Child, in_child, kernel_matrix, no_fd_leak, qemu};
use pidfs::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use pidfs::{
    Errno, NsFlags, NsType, PIDFD_SELF_THREAD, PIDFD_SELF_THREAD_GROUP, PidFd, PidfdFlags, SigInfo,
    SignalFlags, WaitOptions, WaitStatus, pidfd_get_namespace, pidfd_getfd, pidfd_open, pidfd_poll,
    pidfd_send_signal, pidfd_wait, setns,
};
use std::os::unix::fs::MetadataExt;
use std::time::Duration;

const EXITED: WaitOptions = WaitOptions::EXITED;

// ---- helpers ----

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two fds.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh fds we own.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn write_i32s(fd: &OwnedFd, v: &[i32]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_ne_bytes()).collect();
    // SAFETY: writes from a live buffer.
    let n = unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
    assert_eq!(n as usize, bytes.len());
}

fn read_i32s<const N: usize>(fd: &OwnedFd) -> [i32; N] {
    let mut buf = vec![0u8; 4 * N];
    let mut got = 0;
    while got < buf.len() {
        // SAFETY: reads into a live buffer.
        let n = unsafe {
            libc::read(
                fd.as_raw_fd(),
                buf[got..].as_mut_ptr().cast(),
                buf.len() - got,
            )
        };
        assert!(
            n > 0,
            "short read from the child: {}",
            std::io::Error::last_os_error()
        );
        got += n as usize;
    }
    let mut out = [0; N];
    for (i, c) in buf.chunks(4).enumerate() {
        out[i] = i32::from_ne_bytes(c.try_into().unwrap());
    }
    out
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap()
}

fn file_id<F: AsRawFd>(fd: &F) -> (u64, u64) {
    let m = std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap();
    (m.dev(), m.ino())
}

/// Reaps `child` through its pidfd and marks the `Child` reaped.
fn reap(child: &mut Child, pidfd: &PidFd) -> WaitStatus {
    let st = pidfd.wait(EXITED).unwrap().unwrap();
    child.forget();
    st
}

fn self_pidfd() -> PidFd {
    PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap()
}

/// Kernel feature probes (the host has all; the kernel matrix may not).
fn has_pidfd_thread() -> bool {
    pidfd_open(pidfs::getpid(), PidfdFlags::THREAD).is_ok()
}
fn has_signal_flags() -> bool {
    self_pidfd()
        .send_signal(0, None, SignalFlags::THREAD_GROUP)
        .is_ok()
}
/// What pidfd_open of a non-leader tid without PIDFD_THREAD must answer,
/// given what it answered (`got`): ENOENT on 6.15+ (which have the
/// PIDFD_SELF_* sentinels), EINVAL before 6.9 (no PIDFD_THREAD), either in
/// between.
fn non_leader_errno(got: Errno) -> Errno {
    if has_self_sentinels() {
        Errno::ENOENT
    } else if !has_pidfd_thread() {
        Errno::EINVAL
    } else if matches!(got, Errno::ENOENT | Errno::EINVAL) {
        got
    } else {
        Errno::ENOENT
    }
}

fn has_self_sentinels() -> bool {
    pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, 0, None, SignalFlags::empty()).is_ok()
}

fn block(sig: i32) {
    // SAFETY: sigset manipulation on a local set; this (forked,
    // single-threaded) process's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        assert_eq!(
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()),
            0
        );
    }
}

/// Waits up to 5 s for `sig` (blocked) and returns (signo, code, pid, value).
fn wait_signal(sig: i32) -> [i32; 4] {
    // SAFETY: as in `block`; sigtimedwait fills a local siginfo.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let ts = libc::timespec {
            tv_sec: 5,
            tv_nsec: 0,
        };
        let r = libc::sigtimedwait(&set, &mut info, &ts);
        if r < 0 {
            return [-errno(), 0, 0, 0];
        }
        [
            info.si_signo,
            info.si_code,
            info.si_pid(),
            info.si_value().sival_ptr as usize as i32,
        ]
    }
}

/// A child that blocks `sig`, says it is ready, then reports the first
/// `sig` it receives as (signo, code, pid, value) through a pipe.
fn signal_catcher(sig: i32) -> (Child, PidFd, OwnedFd) {
    let (ready_r, ready_w) = pipe();
    let (rep_r, rep_w) = pipe();
    let c = Child::spawn(move || {
        block(sig);
        write_i32s(&ready_w, &[1]);
        write_i32s(&rep_w, &wait_signal(sig));
        0
    });
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(read_i32s::<1>(&ready_r), [1]);
    (c, p, rep_r)
}

// ---- pidfd_open (pidfd_open_test.c, pidfd_test.c) ----

/// pidfd_open with unknown flags is EINVAL; pid -1 and 0 are EINVAL.
#[test]
fn pidfd_open_invalid_flags_and_pids() {
    let bad = PidfdFlags::from_bits_retain(0x1);
    assert_eq!(
        PidFd::open(pidfs::getpid(), bad).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        pidfd_open(-1, PidfdFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        pidfd_open(0, PidfdFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    no_fd_leak(|| {
        assert_eq!(
            pidfd_open(-1, PidfdFlags::empty()).unwrap_err(),
            Errno::EINVAL
        );
        assert_eq!(PidFd::open(0, bad).unwrap_err(), Errno::EINVAL);
    });
}

/// The pidfd is O_CLOEXEC; PIDFD_NONBLOCK sets O_NONBLOCK on the file.
#[test]
fn pidfd_open_cloexec_and_nonblock() {
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::NONBLOCK).unwrap();
    // SAFETY: fcntl queries.
    unsafe {
        assert_ne!(
            libc::fcntl(p.as_raw_fd(), libc::F_GETFD) & libc::FD_CLOEXEC,
            0
        );
        assert_ne!(
            libc::fcntl(p.as_raw_fd(), libc::F_GETFL) & libc::O_NONBLOCK,
            0
        );
    }
    let q = self_pidfd();
    // SAFETY: fcntl query.
    assert_eq!(
        // SAFETY: a plain libc call on live arguments.
        unsafe { libc::fcntl(q.as_raw_fd(), libc::F_GETFL) } & libc::O_NONBLOCK,
        0
    );
}

/// A non-leader thread's tid without PIDFD_THREAD: ENOENT (6.15+; EINVAL
/// before 6.9; either in between: Debian's 6.12 says EINVAL). With PIDFD_THREAD (6.9+) it opens and its fdinfo says the tid.
#[test]
fn pidfd_open_thread() {
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        tx.send(pidfs::gettid()).unwrap();
        let _ = done_rx.recv();
    });
    let tid = rx.recv().unwrap();
    assert_ne!(tid, pidfs::getpid());
    let thread = has_pidfd_thread();
    let e = pidfd_open(tid, PidfdFlags::empty()).unwrap_err();
    assert_eq!(e, non_leader_errno(e));
    let r = PidFd::open(tid, PidfdFlags::THREAD);
    if thread {
        let p = r.unwrap();
        assert_eq!(p.pid().unwrap(), tid);
        // The thread pidfd of the leader is fine too.
        let l = PidFd::open(pidfs::getpid(), PidfdFlags::THREAD).unwrap();
        assert_eq!(l.pid().unwrap(), pidfs::getpid());
    } else {
        assert_eq!(r.unwrap_err(), Errno::EINVAL);
    }
    done_tx.send(()).unwrap();
    t.join().unwrap();
}

/// The fdinfo `Pid:` of a pidfd is the pid it was opened for, `NSpid:` its
/// pids per namespace level; `PidFd::pid` reads it back.
#[test]
fn pidfd_open_fdinfo_pid_read_back() {
    let me = pidfs::getpid();
    let p = PidFd::open(me, PidfdFlags::empty()).unwrap();
    assert_eq!(p.pid().unwrap(), me);
    let text = std::fs::read(format!("/proc/self/fdinfo/{}", p.as_raw_fd())).unwrap();
    let f = pidfs::parse::parse_pidfd_fdinfo(&text).unwrap();
    assert_eq!(f.pid, me);
    assert_eq!(f.ns_pids.unwrap().outermost(), me);
    let c = Child::sleeper();
    let cp = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(cp.pid().unwrap(), c.pid);
}

/// try_from_fd accepts a pidfd and rejects (EINVAL, closing it) anything
/// else: a pipe, /proc/self/status, a namespace fd.
#[test]
fn pidfd_try_from_fd_checks() {
    let p = self_pidfd();
    let fd: OwnedFd = p.into();
    let p = PidFd::try_from_fd(fd).unwrap();
    assert_eq!(p.pid().unwrap(), pidfs::getpid());
    no_fd_leak(|| {
        let (r, w) = pipe();
        assert_eq!(PidFd::try_from_fd(r).unwrap_err(), Errno::EINVAL);
        assert_eq!(PidFd::try_from_fd(w).unwrap_err(), Errno::EINVAL);
        let f: OwnedFd = std::fs::File::open("/proc/self/status").unwrap().into();
        assert_eq!(PidFd::try_from_fd(f).unwrap_err(), Errno::EINVAL);
        let ns: OwnedFd = std::fs::File::open("/proc/self/ns/net").unwrap().into();
        assert_eq!(PidFd::try_from_fd(ns).unwrap_err(), Errno::EINVAL);
    });
}

// ---- pidfd_send_signal (pidfd_test.c) ----

/// A signal sent through the pidfd reaches the child with SI_USER and the
/// sender's pid.
#[test]
fn send_signal_to_child_si_user() {
    let (mut c, p, rep) = signal_catcher(libc::SIGUSR1);
    p.kill(libc::SIGUSR1).unwrap();
    let [signo, code, pid, _] = read_i32s::<4>(&rep);
    assert_eq!(
        (signo, code, pid),
        (libc::SIGUSR1, libc::SI_USER, pidfs::getpid())
    );
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
}

/// A caller-made siginfo with SI_QUEUE reaches the child with its code
/// and value; a non-negative si_code for another process is EPERM, and
/// si_signo must match the signal (EINVAL).
#[test]
fn send_signal_siginfo_si_queue() {
    let (mut c, p, rep) = signal_catcher(libc::SIGUSR2);
    let bad = SigInfo::new(libc::SIGUSR2, libc::SI_USER);
    assert_eq!(
        p.send_signal(libc::SIGUSR2, Some(&bad), SignalFlags::empty())
            .unwrap_err(),
        Errno::EPERM
    );
    let mismatched = SigInfo::new(libc::SIGUSR1, libc::SI_QUEUE);
    assert_eq!(
        p.send_signal(libc::SIGUSR2, Some(&mismatched), SignalFlags::empty())
            .unwrap_err(),
        Errno::EINVAL
    );
    let info = SigInfo::new(libc::SIGUSR2, libc::SI_QUEUE).with_value(4242);
    assert_eq!(info.value(), 4242);
    p.send_signal(libc::SIGUSR2, Some(&info), SignalFlags::empty())
        .unwrap();
    let got = read_i32s::<4>(&rep);
    assert_eq!(got, [libc::SIGUSR2, libc::SI_QUEUE, pidfs::getpid(), 4242]);
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
}

/// To itself: pidfd_send_signal on our own pidfd, with a SI_USER siginfo
/// (allowed only for oneself) and without.
#[test]
fn send_signal_to_self() {
    in_child(|| {
        block(libc::SIGUSR1);
        let p = self_pidfd();
        p.kill(libc::SIGUSR1).unwrap();
        let [signo, code, pid, _] = wait_signal(libc::SIGUSR1);
        assert_eq!(
            (signo, code, pid),
            (libc::SIGUSR1, libc::SI_USER, pidfs::getpid())
        );
        let info = SigInfo::new(libc::SIGUSR1, libc::SI_USER);
        p.send_signal(libc::SIGUSR1, Some(&info), SignalFlags::empty())
            .unwrap();
        assert_eq!(
            wait_signal(libc::SIGUSR1)[..2],
            [libc::SIGUSR1, libc::SI_USER]
        );
    });
}

/// After the child is reaped the pidfd gives ESRCH (never another
/// process); a zombie still accepts signal 0.
#[test]
fn send_signal_after_exit_esrch() {
    let mut c = Child::exiting(0);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    c.wait_zombie();
    p.kill(0).unwrap();
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
    assert_eq!(p.kill(libc::SIGKILL).unwrap_err(), Errno::ESRCH);
    assert_eq!(p.kill(0).unwrap_err(), Errno::ESRCH);
    assert_eq!(p.pid().unwrap_err(), Errno::ESRCH);
}

/// Each flag: THREAD and THREAD_GROUP reach the child, PROCESS_GROUP
/// reaches the group the child leads (ESRCH while it leads none), THREAD
/// together with THREAD_GROUP and unknown bits are EINVAL. Before 6.9 every
/// flag is EINVAL.
#[test]
fn send_signal_flags() {
    if !has_signal_flags() {
        let p = self_pidfd();
        for f in [
            SignalFlags::THREAD,
            SignalFlags::THREAD_GROUP,
            SignalFlags::PROCESS_GROUP,
        ] {
            assert_eq!(p.send_signal(0, None, f).unwrap_err(), Errno::EINVAL);
        }
        return;
    }
    let p = self_pidfd();
    assert_eq!(
        p.send_signal(0, None, SignalFlags::THREAD | SignalFlags::THREAD_GROUP)
            .unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        p.send_signal(0, None, SignalFlags::from_bits_retain(8))
            .unwrap_err(),
        Errno::EINVAL
    );
    for f in [SignalFlags::THREAD, SignalFlags::THREAD_GROUP] {
        let (mut c, p, rep) = signal_catcher(libc::SIGUSR1);
        p.send_signal(libc::SIGUSR1, None, f).unwrap();
        let [signo, _, pid, _] = read_i32s::<4>(&rep);
        assert_eq!((signo, pid), (libc::SIGUSR1, pidfs::getpid()), "{f:?}");
        assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
    }
    // PROCESS_GROUP: the child is in our process group, which it does not lead.
    let (mut c, p, rep) = signal_catcher(libc::SIGUSR1);
    assert_eq!(
        p.send_signal(libc::SIGUSR1, None, SignalFlags::PROCESS_GROUP)
            .unwrap_err(),
        Errno::ESRCH
    );
    // SAFETY: setpgid on our own child: it now leads its own group.
    assert_eq!(unsafe { libc::setpgid(c.pid, c.pid) }, 0);
    p.send_signal(libc::SIGUSR1, None, SignalFlags::PROCESS_GROUP)
        .unwrap();
    assert_eq!(read_i32s::<4>(&rep)[0], libc::SIGUSR1);
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
}

/// PIDFD_SELF_THREAD / PIDFD_SELF_THREAD_GROUP (6.15) signal the caller
/// without a pidfd; pidfd_getfd and setns answer EBADF for them. Older
/// kernels answer EBADF to all.
#[test]
fn send_signal_self_sentinels() {
    if !has_self_sentinels() {
        for s in [PIDFD_SELF_THREAD, PIDFD_SELF_THREAD_GROUP] {
            assert_eq!(
                pidfd_send_signal(s, 0, None, SignalFlags::empty()).unwrap_err(),
                Errno::EBADF
            );
        }
        return;
    }
    in_child(|| {
        block(libc::SIGUSR1);
        pidfd_send_signal(PIDFD_SELF_THREAD, libc::SIGUSR1, None, SignalFlags::empty()).unwrap();
        assert_eq!(wait_signal(libc::SIGUSR1)[0], libc::SIGUSR1);
        pidfd_send_signal(
            PIDFD_SELF_THREAD_GROUP,
            libc::SIGUSR1,
            None,
            SignalFlags::empty(),
        )
        .unwrap();
        let [signo, _, pid, _] = wait_signal(libc::SIGUSR1);
        assert_eq!((signo, pid), (libc::SIGUSR1, pidfs::getpid()));
    });
    assert_eq!(pidfd_getfd(PIDFD_SELF_THREAD, 0).unwrap_err(), Errno::EBADF);
    assert_eq!(
        pidfd_getfd(PIDFD_SELF_THREAD_GROUP, 0).unwrap_err(),
        Errno::EBADF
    );
    assert_eq!(
        setns(PIDFD_SELF_THREAD_GROUP, NsFlags::NET).unwrap_err(),
        Errno::EBADF
    );
}

/// Recycled pid: in a new pid namespace the reaped child's pid is handed
/// out again (ns_last_pid); the old pidfd then gives ESRCH for signals,
/// fdinfo `Pid: -1`, never the new process's pid, info or namespaces, and
/// a different 64-bit identity. Also from inside that namespace: the outer
/// process is EINVAL for signals and EREMOTE for GET_INFO.
#[test]
fn recycled_pid_never_reaches_new_process() {
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare in this single-threaded forked child.
        assert_eq!(
            // SAFETY: a plain libc call on live arguments.
            unsafe { libc::unshare(libc::CLONE_NEWPID) },
            0,
            "{}",
            std::io::Error::last_os_error()
        );
        let outer_pid = pidfs::getpid();
        let outer = self_pidfd();
        // The next fork is pid 1 of the new namespace.
        let mut init = Child::spawn(|| {
            assert_eq!(pidfs::getpid(), 1);
            // A process outside our pid namespace: signals are EINVAL,
            // GET_INFO says EREMOTE (6.18; ESRCH 6.13-6.17). The /proc
            // fallback (qemu-user, old kernels) reads the host's /proc and
            // answers in its pid namespace.
            assert_eq!(outer.kill(0).unwrap_err(), Errno::EINVAL);
            let r = outer.info(pidfs::InfoMask::PID);
            let fb = pidfs::hooks::pidfd_get_info_fallback(outer.as_fd(), pidfs::InfoMask::PID);
            assert_eq!(fb.unwrap().pid(), Some(outer_pid));
            if qemu() {
                assert_eq!(r.unwrap().pid(), Some(outer_pid));
            } else if !kernel_matrix() {
                assert_eq!(r.unwrap_err(), Errno::EREMOTE);
            } else if let Err(e) = r {
                assert!(matches!(e, Errno::EREMOTE | Errno::ESRCH), "{e:?}");
            }
            let mut old = Child::exiting(0);
            let old_pid = old.pid;
            let old_fd = PidFd::open(old_pid, PidfdFlags::empty()).unwrap();
            let old_id = old_fd.id();
            assert_eq!(reap(&mut old, &old_fd), WaitStatus::Exited(0));
            std::fs::write("/proc/sys/kernel/ns_last_pid", format!("{}", old_pid - 1)).unwrap();
            let new = Child::sleeper();
            assert_eq!(new.pid, old_pid, "the pid was not reused");
            let new_fd = PidFd::open(new.pid, PidfdFlags::empty()).unwrap();
            assert_eq!(old_fd.kill(libc::SIGKILL).unwrap_err(), Errno::ESRCH);
            assert_eq!(old_fd.kill(0).unwrap_err(), Errno::ESRCH);
            assert_eq!(old_fd.pid().unwrap_err(), Errno::ESRCH);
            assert_eq!(old_fd.namespace(NsType::Net).unwrap_err(), Errno::ESRCH);
            assert_eq!(
                pidfs::hooks::pidfd_get_namespace_fallback(old_fd.as_fd(), NsType::Net)
                    .unwrap_err(),
                Errno::ESRCH
            );
            assert_eq!(old_fd.info(pidfs::InfoMask::PID).unwrap_err(), Errno::ESRCH);
            assert_eq!(
                pidfs::hooks::pidfd_get_info_fallback(old_fd.as_fd(), pidfs::InfoMask::PID)
                    .unwrap_err(),
                Errno::ESRCH
            );
            assert!(!old_fd.same_process(&new_fd).unwrap());
            if let (Ok(a), Ok(b)) = (old_id, new_fd.id()) {
                assert_ne!(a, b);
            }
            let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", old_fd.as_raw_fd()))
                .unwrap();
            assert!(text.contains("Pid:\t-1\n"), "{text}");
            // The new process is alive and untouched.
            new_fd.kill(0).unwrap();
            assert!(!new_fd.poll(Some(Duration::ZERO)).unwrap());
            0
        });
        assert_eq!(init.wait(), 0);
    });
}

// ---- waitid / poll (pidfd_wait.c, pidfd_poll_test.c) ----

/// waitid(P_PIDFD) decodes CLD_EXITED with the exit code and reaps.
#[test]
fn wait_exit_code() {
    let mut c = Child::exiting(42);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(42));
    assert_eq!(p.pid().unwrap_err(), Errno::ESRCH);
    assert_eq!(p.wait(EXITED).unwrap_err(), Errno::ECHILD);
}

/// waitid(P_PIDFD) decodes CLD_KILLED with the signal.
#[test]
fn wait_signal_decoded() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    p.kill(libc::SIGKILL).unwrap();
    assert_eq!(
        reap(&mut c, &p),
        WaitStatus::Signaled {
            signal: libc::SIGKILL,
            core_dumped: false
        }
    );
    assert_eq!(p.kill(0).unwrap_err(), Errno::ESRCH);
}

/// WSTOPPED and WCONTINUED report CLD_STOPPED with the signal and
/// CLD_CONTINUED; WNOWAIT leaves the exit waitable.
#[test]
fn wait_stopped_continued_nowait() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    p.kill(libc::SIGSTOP).unwrap();
    assert_eq!(
        pidfd_wait(p.as_fd(), WaitOptions::STOPPED).unwrap(),
        Some(WaitStatus::Stopped(libc::SIGSTOP))
    );
    p.kill(libc::SIGCONT).unwrap();
    assert_eq!(
        pidfd_wait(p.as_fd(), WaitOptions::CONTINUED).unwrap(),
        Some(WaitStatus::Continued)
    );
    p.kill(libc::SIGTERM).unwrap();
    let term = WaitStatus::Signaled {
        signal: libc::SIGTERM,
        core_dumped: false,
    };
    assert_eq!(p.wait(EXITED | WaitOptions::NOWAIT).unwrap(), Some(term));
    assert_eq!(reap(&mut c, &p), term);
}

/// WNOHANG on a running child gives None; poll times out; after the exit
/// poll says so.
#[test]
fn wait_nohang_none_and_poll_timeout() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(p.wait(EXITED | WaitOptions::NOHANG).unwrap(), None);
    assert!(!p.poll(Some(Duration::from_millis(10))).unwrap());
    assert!(!pidfd_poll(p.as_fd(), Some(Duration::ZERO)).unwrap());
    p.kill(libc::SIGTERM).unwrap();
    assert!(p.poll(None).unwrap());
    assert_eq!(
        reap(&mut c, &p),
        WaitStatus::Signaled {
            signal: libc::SIGTERM,
            core_dumped: false
        }
    );
}

/// poll: POLLIN once the child exited (zombie, no POLLHUP), POLLIN|POLLHUP
/// once it is reaped (6.9, with PIDFD_THREAD; POLLIN alone before).
#[test]
fn poll_pollin_on_exit_pollhup_after_reap() {
    let mut c = Child::exiting(3);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    c.wait_zombie();
    let revents = |p: &PidFd| {
        let mut f = libc::pollfd {
            fd: p.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        assert_eq!(unsafe { libc::poll(&mut f, 1, 5000) }, 1);
        f.revents
    };
    assert_eq!(revents(&p), libc::POLLIN);
    assert!(p.poll(Some(Duration::ZERO)).unwrap());
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(3));
    let reaped = if has_pidfd_thread() {
        libc::POLLIN | libc::POLLHUP
    } else {
        libc::POLLIN
    };
    assert_eq!(revents(&p), reaped);
    assert!(p.poll(None).unwrap());
}

/// A PIDFD_NONBLOCK pidfd makes a blocking waitid answer EAGAIN while the
/// child runs (5.10).
#[test]
fn nonblock_pidfd_wait_eagain() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::NONBLOCK).unwrap();
    assert_eq!(p.wait(EXITED).unwrap_err(), Errno::EAGAIN);
    assert_eq!(p.wait(EXITED | WaitOptions::NOHANG).unwrap(), None);
    p.kill(libc::SIGKILL).unwrap();
    assert!(p.poll(None).unwrap());
    assert_eq!(
        reap(&mut c, &p),
        WaitStatus::Signaled {
            signal: libc::SIGKILL,
            core_dumped: false
        }
    );
}

/// Waiting on a process that is not our child is ECHILD; no options EINVAL.
#[test]
fn wait_not_a_child_echild() {
    let p = self_pidfd();
    assert_eq!(
        p.wait(EXITED | WaitOptions::NOHANG).unwrap_err(),
        Errno::ECHILD
    );
    assert_eq!(p.wait(WaitOptions::empty()).unwrap_err(), Errno::EINVAL);
    no_fd_leak(|| {
        let p = self_pidfd();
        assert_eq!(p.wait(EXITED).unwrap_err(), Errno::ECHILD);
    });
}

// ---- pidfd_getfd (pidfd_getfd_test.c) ----

/// A child holding a pipe at a known fd: pidfd_getfd returns the same
/// file (same inode, data flows), O_CLOEXEC; an fd the child does not
/// have is EBADF; an exited, unreaped child is ESRCH (EBADF before 6.7).
#[test]
fn getfd_from_child() {
    let (rep_r, rep_w) = pipe();
    let (go_r, go_w) = pipe();
    let mut c = Child::spawn(move || {
        let (r, w) = pipe();
        write_i32s(&rep_w, &[r.as_raw_fd(), w.as_raw_fd()]);
        let _ = read_i32s::<1>(&go_r);
        drop((r, w));
        0
    });
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    let [rfd, wfd] = read_i32s::<2>(&rep_r);
    let w = p.getfd(wfd).unwrap();
    let r = pidfd_getfd(p.as_fd(), rfd).unwrap();
    // SAFETY: fcntl query.
    assert_ne!(
        // SAFETY: a plain libc call on live arguments.
        unsafe { libc::fcntl(w.as_raw_fd(), libc::F_GETFD) } & libc::FD_CLOEXEC,
        0
    );
    let theirs = std::fs::metadata(format!("/proc/{}/fd/{wfd}", c.pid)).unwrap();
    assert_eq!(file_id(&w), (theirs.dev(), theirs.ino()));
    write_i32s(&w, &[77]);
    assert_eq!(read_i32s::<1>(&r), [77]);
    assert_eq!(p.getfd(111).unwrap_err(), Errno::EBADF);
    assert_eq!(p.getfd(-1).unwrap_err(), Errno::EBADF);
    no_fd_leak(|| assert_eq!(p.getfd(111).unwrap_err(), Errno::EBADF));
    write_i32s(&go_w, &[1]);
    c.wait_zombie();
    // An exited process: ESRCH since 6.7 ("getfd should always report
    // ESRCH if a task is exiting"); before, its closed table says EBADF.
    let e = p.getfd(wfd).unwrap_err();
    if has_pidfd_thread() {
        assert_eq!(e, Errno::ESRCH);
    } else {
        // Stable kernels differ: 6.1.176 has the fix, 5.10.223 not.
        assert!(matches!(e, Errno::ESRCH | Errno::EBADF), "{e:?}");
    }
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
    assert_eq!(p.getfd(wfd).unwrap_err(), Errno::ESRCH);
}

// ---- namespaces (pidfd_setns_test.c) ----

/// Each PIDFD_GET_*_NAMESPACE fd answers NS_GET_NSTYPE with its kind
/// (qemu-user does not know that ioctl: ENOTTY) and is the namespace
/// /proc/self/ns/<name> names (same inode); the /proc fallback opens the
/// same one. Under qemu-user the PIDFD_GET_*_NAMESPACE ioctls themselves are
/// ENOTTY, so the fallback is what runs. A kernel without time namespaces
/// (CONFIG_TIME_NS unset: the armhf armmp-lpae 6.1 and 6.12 kernels; told
/// by /proc/self/ns/time being absent) answers the time kinds with
/// EOPNOTSUPP from the ioctl (6.11+; no namespace to open) and ENOENT from
/// the /proc fallback.
#[test]
fn get_namespace_all_kinds_nstype() {
    let p = self_pidfd();
    let time_ns = match std::fs::symlink_metadata("/proc/self/ns/time") {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
            false
        }
    };
    for ns in NsType::ALL {
        // SAFETY: an _IO request with argument 0.
        let raw = unsafe { libc::ioctl(p.as_raw_fd(), ns.ioctl() as _, 0) };
        let e = errno();
        let no_such_ns = !time_ns && matches!(ns, NsType::Time | NsType::TimeForChildren);
        if qemu() {
            assert_eq!((raw, e), (-1, libc::ENOTTY), "{ns:?}");
        } else if no_such_ns {
            assert_eq!(raw, -1, "{ns:?}");
            assert!(
                kernel_matrix() && (e == libc::EOPNOTSUPP || e == libc::ENOTTY),
                "{ns:?}: {e}"
            );
            let via_ioctl = e == libc::EOPNOTSUPP;
            assert_eq!(
                p.namespace(ns).unwrap_err(),
                if via_ioctl {
                    Errno::EOPNOTSUPP
                } else {
                    Errno::ENOENT
                },
                "{ns:?}"
            );
            assert_eq!(
                pidfs::hooks::pidfd_get_namespace_fallback(p.as_fd(), ns).unwrap_err(),
                Errno::ENOENT,
                "{ns:?}"
            );
            continue;
        } else if raw >= 0 {
            // SAFETY: the ioctl returned a new fd we own.
            drop(unsafe { OwnedFd::from_raw_fd(raw) });
        } else {
            // Before 6.11 a pidfd has no such ioctl.
            assert!(kernel_matrix() && e == libc::ENOTTY, "{ns:?}: {e}");
        }
        let fd = p.namespace(ns).unwrap();
        // SAFETY: NS_GET_NSTYPE takes no argument.
        let t = unsafe { libc::ioctl(fd.as_raw_fd(), 0xb703 as _) };
        let e = errno();
        if qemu() {
            assert_eq!((t, e), (-1, libc::ENOTTY));
        } else if t == -1 && cfg!(target_arch = "x86") && kernel_matrix() {
            // 5.10's nsfs has no compat ioctls: a 32-bit caller on a 64-bit
            // kernel gets ENOTTY (seen on 5.10.223 amd64).
            assert_eq!(e, libc::ENOTTY, "{ns:?}");
        } else {
            assert_eq!(t as u32, ns.flag().bits(), "{ns:?}: errno {e}");
        }
        // SAFETY: fcntl query.
        assert_ne!(
            // SAFETY: a plain libc call on live arguments.
            unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) } & libc::FD_CLOEXEC,
            0
        );
        let m = std::fs::metadata(format!("/proc/self/ns/{}", ns.proc_name())).unwrap();
        assert_eq!(file_id(&fd), (m.dev(), m.ino()), "{ns:?}");
        let fb = pidfs::hooks::pidfd_get_namespace_fallback(p.as_fd(), ns).unwrap();
        assert_eq!(file_id(&fd), file_id(&fb), "{ns:?}");
    }
}

/// Namespaces of a reaped process: ESRCH from the ioctl and the fallback,
/// without leaking an fd.
#[test]
fn get_namespace_reaped_esrch_no_leak() {
    no_fd_leak(|| {
        let mut c = Child::exiting(0);
        let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
        assert_eq!(reap(&mut c, &p), WaitStatus::Exited(0));
        for ns in NsType::ALL {
            assert_eq!(
                pidfd_get_namespace(p.as_fd(), ns).unwrap_err(),
                Errno::ESRCH,
                "{ns:?}"
            );
            assert_eq!(
                pidfs::hooks::pidfd_get_namespace_fallback(p.as_fd(), ns).unwrap_err(),
                Errno::ESRCH,
                "{ns:?}"
            );
        }
    });
}

/// setns through a pidfd: a child in new net+uts namespaces with its own
/// hostname; setns(pidfd, NET|UTS) moves us into both at once (we see its
/// hostname and its net namespace inode); empty nstype is EINVAL.
#[test]
fn setns_enters_child_net_and_uts() {
    in_child(|| {
        common::become_root_in_userns();
        let (rep_r, rep_w) = pipe();
        let c = Child::spawn(move || {
            // SAFETY: unshare and sethostname in this single-threaded child.
            unsafe {
                assert_eq!(libc::unshare(libc::CLONE_NEWNET | libc::CLONE_NEWUTS), 0);
                assert_eq!(libc::sethostname(b"pidfs-ns".as_ptr().cast(), 8), 0);
            }
            write_i32s(&rep_w, &[1]);
            loop {
                // SAFETY: waits for a signal.
                unsafe { libc::pause() };
            }
        });
        let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
        assert_eq!(read_i32s::<1>(&rep_r), [1]);
        let theirs = std::fs::metadata(format!("/proc/{}/ns/net", c.pid)).unwrap();
        let net = p.namespace(NsType::Net).unwrap();
        assert_eq!(file_id(&net), (theirs.dev(), theirs.ino()));
        let mine = std::fs::metadata("/proc/self/ns/net").unwrap();
        assert_ne!(mine.ino(), theirs.ino());
        assert_eq!(
            setns(p.as_fd(), NsFlags::empty()).unwrap_err(),
            Errno::EINVAL
        );
        setns(p.as_fd(), NsFlags::NET | NsFlags::UTS).unwrap();
        let now = std::fs::metadata("/proc/thread-self/ns/net").unwrap();
        assert_eq!(now.ino(), theirs.ino());
        let mut buf = [0u8; 64];
        // SAFETY: gethostname into a live buffer.
        assert_eq!(
            // SAFETY: a plain libc call on live arguments.
            unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) },
            0
        );
        assert!(buf.starts_with(b"pidfs-ns\0"));
        // A namespace fd works with its own kind (or empty) too.
        setns(net.as_fd(), NsFlags::NET).unwrap();
        assert_eq!(setns(net.as_fd(), NsFlags::UTS).unwrap_err(), Errno::EINVAL);
        drop(c);
    });
}

/// WaitStatus::from_raw agrees with libc's W* macros on every wait status
/// the kernel makes (and with glibc's on all 16-bit values), and never
/// panics on any 32-bit value.
#[test]
fn wait_status_from_raw_agrees_with_libc() {
    let check = |s: i32| {
        let ours = WaitStatus::from_raw(s);
        let theirs = if libc::WIFEXITED(s) {
            Some(WaitStatus::Exited(libc::WEXITSTATUS(s)))
        } else if libc::WIFSIGNALED(s) {
            Some(WaitStatus::Signaled {
                signal: libc::WTERMSIG(s),
                core_dumped: libc::WCOREDUMP(s),
            })
        } else if libc::WIFSTOPPED(s) {
            Some(WaitStatus::Stopped(libc::WSTOPSIG(s)))
        } else if libc::WIFCONTINUED(s) {
            Some(WaitStatus::Continued)
        } else {
            None
        };
        assert_eq!(ours, theirs, "status {s:#x}");
    };
    // Every status the kernel produces: exit codes, signals with and
    // without core, stops, continue.
    for v in 0..=0xff {
        check(v << 8);
        if (1..0x7f).contains(&v) {
            check(v);
            check(v | 0x80);
            check((v << 8) | 0x7f);
        }
    }
    check(0xffff);
    // glibc's macros also define every other 16-bit value (musl's differ
    // on patterns the kernel never makes).
    if cfg!(target_env = "gnu") {
        for s in 0..=0xffff {
            check(s);
        }
    }
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let _ = WaitStatus::from_raw(x as i32);
    }
    for s in [i32::MIN, -1, i32::MAX] {
        let _ = WaitStatus::from_raw(s);
    }
}
