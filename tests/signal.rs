//! Signals taken synchronously, as an init takes them: SigSet, the mask
//! (rt_sigprocmask; it survives execve), sigtimedwait (EAGAIN on timeout,
//! the sender's siginfo), signalfd (its 128-byte record, SIGCHLD decoded),
//! and waitid over P_ALL / P_PID / P_PGID / P_PIDFD with their errors.
//! Each signal test runs in a forked, single-threaded child: a
//! process-directed signal could otherwise land on another test thread.

mod common;

use common::{Child, in_child};
use pidfs::{
    Errno, PidFd, PidfdFlags, SfdFlags, SigSet, SigmaskHow, WaitId, WaitOptions, WaitStatus,
    signalfd, signalfd_read, signalfd_set_mask, sigprocmask, sigtimedwait, waitid,
};
use std::time::{Duration, Instant};

/// Runs before main: with `PIDFS_SIGBLK_FULL` set this test binary only
/// checks that its signal mask (after an execve) is every signal but
/// SIGKILL and SIGSTOP, and exits 0 or 1 (no /bin/grep in the kernel
/// matrix).
extern "C" fn sigblk_ctor() {
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    if unsafe { libc::getenv(c"PIDFS_SIGBLK_FULL".as_ptr()) }.is_null() {
        return;
    }
    let st = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let ok = st
        .lines()
        .any(|l| l.starts_with("SigBlk:") && l.ends_with("fffffffffffbfeff"));
    // SAFETY: ends this process at once.
    unsafe { libc::_exit(if ok { 0 } else { 1 }) }
}

#[used]
#[unsafe(link_section = ".init_array")]
static SIGBLK_CTOR: extern "C" fn() = sigblk_ctor;

#[test]
fn sigset_bits_and_bounds() {
    let mut s = SigSet::empty();
    assert!(s.is_empty());
    s.add(1).unwrap();
    s.add(64).unwrap();
    assert_eq!(s.bits(), 1 | (1 << 63));
    assert!(s.contains(64) && !s.contains(2));
    assert_eq!(s.add(0), Err(Errno::EINVAL));
    assert_eq!(s.add(65), Err(Errno::EINVAL));
    assert_eq!(s.remove(-3), Err(Errno::EINVAL));
    assert!(!s.contains(0) && !s.contains(65));
    assert_eq!(s.iter().collect::<Vec<_>>(), vec![1, 64]);
    s.remove(1).unwrap();
    assert_eq!(SigSet::from_bits(s.bits()), s);
    assert_eq!(SigSet::of(&[1, 99]), Err(Errno::EINVAL));
    assert_eq!(SigSet::full().iter().count(), 64);
    assert_eq!(format!("{:?}", SigSet::of(&[2, 15]).unwrap()), "{2, 15}");
}

/// The mask reads back as set; SIGKILL/SIGSTOP are silently dropped from
/// it; it survives execve (read in the new program from /proc).
#[test]
fn sigprocmask_block_unblock_setmask() {
    in_child(|| {
        let set = SigSet::of(&[libc::SIGUSR1, libc::SIGKILL, libc::SIGSTOP]).unwrap();
        let old = sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
        let now = sigprocmask(SigmaskHow::Block, None).unwrap();
        assert!(now.contains(libc::SIGUSR1));
        assert!(!now.contains(libc::SIGKILL) && !now.contains(libc::SIGSTOP));
        sigprocmask(
            SigmaskHow::Unblock,
            Some(&SigSet::of(&[libc::SIGUSR1]).unwrap()),
        )
        .unwrap();
        assert!(
            !sigprocmask(SigmaskHow::Block, None)
                .unwrap()
                .contains(libc::SIGUSR1)
        );
        sigprocmask(SigmaskHow::SetMask, Some(&SigSet::full())).unwrap();
        // This test binary checks its mask (a shell would not do: dash
        // clears the mask at startup).
        let me =
            std::ffi::CString::new(std::env::current_exe().unwrap().to_str().unwrap()).unwrap();
        let e = pidfs::execve(&me, &[c"t"], &[c"PIDFS_SIGBLK_FULL=1"]);
        // Under qemu-user the host kernel cannot exec the aarch64 binary.
        assert!(common::qemu() && e == Errno::ENOEXEC, "execve: {e:?}");
        sigprocmask(SigmaskHow::SetMask, Some(&old)).unwrap();
    });
}

/// sigtimedwait: EAGAIN after the timeout (not before), the pending
/// signal with its sender's pid and uid, EINVAL for an absurd timeout.
#[test]
fn sigtimedwait_timeout_and_siginfo() {
    in_child(|| {
        let set = SigSet::of(&[libc::SIGUSR2]).unwrap();
        sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
        let t = Instant::now();
        assert_eq!(
            sigtimedwait(&set, Some(Duration::from_millis(50))).unwrap_err(),
            Errno::EAGAIN
        );
        assert!(t.elapsed() >= Duration::from_millis(50));
        assert_eq!(
            sigtimedwait(&set, Some(Duration::MAX)).unwrap_err(),
            Errno::EINVAL
        );
        pidfs::kill(pidfs::getpid(), libc::SIGUSR2).unwrap();
        let info = sigtimedwait(&set, None).unwrap();
        assert_eq!(info.signo(), libc::SIGUSR2);
        assert_eq!(info.code(), 0, "SI_USER");
        assert_eq!(info.pid(), pidfs::getpid());
        // SAFETY: getuid has no preconditions.
        assert_eq!(info.uid(), unsafe { libc::getuid() });
        // A SIGCHLD decodes as a wait status (the child is not reaped).
        let chld = SigSet::of(&[libc::SIGCHLD]).unwrap();
        sigprocmask(SigmaskHow::Block, Some(&chld)).unwrap();
        let mut c = Child::exiting(5);
        let info = sigtimedwait(&chld, Some(Duration::from_secs(10))).unwrap();
        assert_eq!(info.pid(), c.pid);
        assert_eq!(WaitStatus::from_siginfo(&info), Some(WaitStatus::Exited(5)));
        let st = c.wait();
        assert_eq!(libc::WEXITSTATUS(st), 5);
    });
}

/// signalfd: nothing pending is Ok(None) (NONBLOCK), a sent signal reads
/// as its record, a child's exit as SIGCHLD with its status; the set can
/// be changed; a non-signalfd is EINVAL, bad flags EINVAL.
#[test]
fn signalfd_records_and_errors() {
    in_child(|| {
        let set = SigSet::of(&[libc::SIGUSR1, libc::SIGCHLD]).unwrap();
        sigprocmask(SigmaskHow::Block, Some(&set)).unwrap();
        let fd = signalfd(&set, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK).unwrap();
        assert!(signalfd_read(&fd).unwrap().is_none());
        pidfs::kill(pidfs::getpid(), libc::SIGUSR1).unwrap();
        let r = signalfd_read(&fd).unwrap().unwrap();
        assert_eq!(
            (r.signo(), r.pid(), r.code()),
            (libc::SIGUSR1, pidfs::getpid(), 0)
        );
        let mut c = Child::exiting(3);
        c.wait_zombie();
        let r = signalfd_read(&fd).unwrap().unwrap();
        assert_eq!(r.signo(), libc::SIGCHLD);
        assert_eq!(r.pid(), c.pid);
        assert_eq!(r.wait_status(), Some(WaitStatus::Exited(3)));
        c.wait();
        // Only SIGUSR1 from now on: a SIGCHLD stays pending, unread.
        signalfd_set_mask(&fd, &SigSet::of(&[libc::SIGUSR1]).unwrap()).unwrap();
        let mut c = Child::exiting(0);
        c.wait_zombie();
        assert!(signalfd_read(&fd).unwrap().is_none());
        c.wait();
        let pipe = std::fs::File::open("/proc/self/comm").unwrap();
        assert_eq!(
            signalfd_set_mask(&pipe, &SigSet::empty()),
            Err(Errno::EINVAL)
        );
        assert_eq!(signalfd_read(&pipe).map(|_| ()), Err(Errno::EINVAL));
        assert_eq!(
            signalfd(&set, SfdFlags::from_bits_retain(1)).map(|_| ()),
            Err(Errno::EINVAL)
        );
    });
    // The decoder: short input is None, a record round-trips.
    assert!(pidfs::SignalfdInfo::from_bytes(&[0u8; 127]).is_none());
    let mut b = [0u8; 128];
    b[0] = 17;
    b[8] = 1; // CLD_EXITED
    b[12..16].copy_from_slice(&1234u32.to_ne_bytes());
    b[40] = 9;
    b[48..56].copy_from_slice(&0x1122_3344_5566_7788u64.to_ne_bytes());
    let r = pidfs::SignalfdInfo::from_bytes(&b).unwrap();
    assert_eq!((r.signo(), r.pid(), r.status()), (17, 1234, 9));
    assert_eq!(r.ptr(), 0x1122_3344_5566_7788);
    assert_eq!(r.wait_status(), Some(WaitStatus::Exited(9)));
}

/// waitid over each id type; NOHANG with nothing to report is Ok(None);
/// the errors: ECHILD, EINVAL (no event, bad pid), EBADF.
#[test]
fn waitid_every_id_type() {
    in_child(|| {
        // P_PID.
        let mut a = Child::exiting(4);
        let w = waitid(WaitId::Pid(a.pid), WaitOptions::EXITED)
            .unwrap()
            .unwrap();
        assert_eq!((w.pid, w.status), (a.pid, WaitStatus::Exited(4)));
        // SAFETY: getuid has no preconditions.
        assert_eq!(w.uid, unsafe { libc::getuid() });
        a.forget();
        // P_ALL, with NOHANG first while the child runs.
        let mut b = Child::sleeper();
        assert_eq!(
            waitid(WaitId::All, WaitOptions::EXITED | WaitOptions::NOHANG),
            Ok(None)
        );
        pidfs::kill(b.pid, libc::SIGKILL).unwrap();
        let w = waitid(WaitId::All, WaitOptions::EXITED).unwrap().unwrap();
        assert_eq!(w.pid, b.pid);
        assert_eq!(
            w.status,
            WaitStatus::Signaled {
                signal: 9,
                core_dumped: false
            }
        );
        b.forget();
        // P_PGID: a child in a group of its own.
        let mut c = Child::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            6
        });
        pidfs::setpgid(c.pid, c.pid).unwrap();
        let w = waitid(WaitId::Pgid(c.pid), WaitOptions::EXITED)
            .unwrap()
            .unwrap();
        assert_eq!((w.pid, w.status), (c.pid, WaitStatus::Exited(6)));
        c.forget();
        // P_PIDFD (5.4), NOWAIT leaves it waitable.
        let mut d = Child::exiting(8);
        let fd = PidFd::open(d.pid, PidfdFlags::empty()).unwrap();
        let id = WaitId::PidFd(fd.as_fd());
        let w = waitid(id, WaitOptions::EXITED | WaitOptions::NOWAIT)
            .unwrap()
            .unwrap();
        assert_eq!(w.status, WaitStatus::Exited(8));
        let w = waitid(id, WaitOptions::EXITED).unwrap().unwrap();
        assert_eq!((w.pid, w.status), (d.pid, WaitStatus::Exited(8)));
        d.forget();
        // Errors.
        assert_eq!(waitid(WaitId::All, WaitOptions::EXITED), Err(Errno::ECHILD));
        assert_eq!(
            waitid(WaitId::Pid(1), WaitOptions::EXITED),
            Err(Errno::ECHILD)
        );
        assert_eq!(
            waitid(WaitId::Pid(0), WaitOptions::EXITED),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            waitid(WaitId::Pid(-2), WaitOptions::EXITED),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            waitid(WaitId::Pgid(-2), WaitOptions::EXITED),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            waitid(WaitId::All, WaitOptions::empty()),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            waitid(WaitId::All, WaitOptions::from_bits_retain(0x4 | 0x10)),
            Err(Errno::EINVAL)
        );
        // SAFETY: a number that is no open fd, only passed to waitid.
        let bad = unsafe { pidfs::fd::BorrowedFd::borrow_raw(1_000_000) };
        assert_eq!(
            waitid(WaitId::PidFd(bad), WaitOptions::EXITED),
            Err(Errno::EBADF)
        );
    });
}
