//! PIDFD_GET_INFO and the 64-bit process id, ported from the kernel's
//! tools/testing/selftests/pidfd (pidfd_info_test.c, pidfd_fdinfo_test.c,
//! pidfd_open_test.c) against this crate's API.

mod common;

use common::{Child, QEMU, in_child, no_fd_leak};
use pidfs::fd::AsFd;
use pidfs::{
    Errno, InfoMask, PidFd, PidfdFlags, WaitOptions, WaitStatus, pidfd_get_info, pidfd_id,
};

/// GET_INFO on ourselves: PID and CREDS always come back and match getpid,
/// getppid and the ids; under qemu-user the ioctl is ENOTTY and the /proc
/// fallback gives the same answer with mask exactly PID|CREDS.
#[test]
fn get_info_self_pid_creds() {
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let i = p.info(InfoMask::PID | InfoMask::CREDS).unwrap();
    assert!(i.mask().contains(InfoMask::PID | InfoMask::CREDS));
    assert_eq!(i.pid(), Some(pidfs::getpid()));
    assert_eq!(i.tgid(), Some(pidfs::getpid()));
    // SAFETY: plain getters.
    unsafe {
        assert_eq!(i.ppid(), Some(libc::getppid()));
        assert_eq!(i.ruid(), Some(libc::getuid()));
        assert_eq!(i.euid(), Some(libc::geteuid()));
        assert_eq!(i.rgid(), Some(libc::getgid()));
        assert_eq!(i.egid(), Some(libc::getegid()));
    }
    let fb = pidfs::pidfd_get_info_fallback(p.as_fd(), InfoMask::PID | InfoMask::CREDS).unwrap();
    assert_eq!(fb.mask(), InfoMask::PID | InfoMask::CREDS);
    assert_eq!(
        (fb.pid(), fb.tgid(), fb.ppid()),
        (i.pid(), i.tgid(), i.ppid())
    );
    assert_eq!(
        [
            fb.ruid(),
            fb.euid(),
            fb.suid(),
            fb.fsuid(),
            fb.rgid(),
            fb.egid(),
            fb.sgid(),
            fb.fsgid()
        ],
        [
            i.ruid(),
            i.euid(),
            i.suid(),
            i.fsuid(),
            i.rgid(),
            i.egid(),
            i.sgid(),
            i.fsgid()
        ]
    );
    if QEMU {
        assert_eq!(i.mask(), InfoMask::PID | InfoMask::CREDS);
    }
}

/// pidfd_id is stable for one process, differs between processes, and
/// same_process compares it.
#[test]
fn pidfd_id_identity() {
    let a = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let b = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let c = Child::sleeper();
    let cp = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(pidfd_id(a.as_fd()).unwrap(), pidfd_id(b.as_fd()).unwrap());
    assert_ne!(a.id().unwrap(), cp.id().unwrap());
    assert!(a.same_process(&b).unwrap());
    assert!(!a.same_process(&cp).unwrap());
}

/// Reaped with EXIT requested: the exit status comes back as a wait status
/// (6.15+); under qemu-user the fallback answers ESRCH (nothing left to read).
#[test]
fn get_info_success_reaped() {
    let mut c = Child::exiting(7);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(
        p.wait(WaitOptions::EXITED).unwrap(),
        Some(WaitStatus::Exited(7))
    );
    c.forget();
    let r = pidfd_get_info(p.as_fd(), InfoMask::PID | InfoMask::EXIT);
    if QEMU {
        assert_eq!(r.unwrap_err(), Errno::ESRCH);
    } else {
        let i = r.unwrap();
        assert!(i.mask().contains(InfoMask::EXIT));
        assert_eq!(i.wait_status(), Some(WaitStatus::Exited(7)));
    }
    let _ = (in_child::<fn()>, no_fd_leak::<fn()>);
}
