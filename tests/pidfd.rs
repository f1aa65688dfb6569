//! pidfd behaviour, ported from the kernel's
//! tools/testing/selftests/pidfd (pidfd_open_test.c, pidfd_test.c,
//! pidfd_wait.c, pidfd_poll_test.c, pidfd_getfd_test.c,
//! pidfd_setns_test.c) against this crate's API.

mod common;

use common::{Child, QEMU, in_child, no_fd_leak};
use pidfs::fd::{AsFd, AsRawFd, OwnedFd};
use pidfs::{
    Errno, NsFlags, NsType, PidFd, PidfdFlags, SignalFlags, WaitOptions, WaitStatus,
    pidfd_get_namespace, pidfd_getfd, pidfd_open, pidfd_poll, pidfd_send_signal, pidfd_wait,
};
use std::time::Duration;

const EXITED: WaitOptions = WaitOptions::EXITED;

/// A pidfd-reaped child: waits through the pidfd and marks the `Child` reaped.
fn reap(child: &mut Child, pidfd: &PidFd) -> WaitStatus {
    let st = pidfd.wait(EXITED).unwrap().unwrap();
    child.forget();
    st
}

// ---- pidfd_open (pidfd_open_test.c) ----

/// pidfd_open with unknown flags is EINVAL; pid -1 and 0 are EINVAL.
#[test]
fn pidfd_open_invalid_flags_and_pids() {
    assert_eq!(
        PidFd::open(pidfs::getpid(), PidfdFlags::from_bits_retain(0x1)).unwrap_err(),
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
}

// ---- waitid / poll (pidfd_wait.c, pidfd_poll_test.c) ----

/// waitid(P_PIDFD) decodes CLD_EXITED with the exit code.
#[test]
fn wait_exit_code() {
    let mut c = Child::exiting(42);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(reap(&mut c, &p), WaitStatus::Exited(42));
    assert_eq!(p.pid().unwrap_err(), Errno::ESRCH);
}

/// waitid(P_PIDFD) decodes CLD_KILLED with the signal.
#[test]
fn wait_signal() {
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

/// WNOHANG on a running child gives None; poll says not exited.
#[test]
fn wait_nohang_none_and_poll_timeout() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(p.wait(EXITED | WaitOptions::NOHANG).unwrap(), None);
    assert!(!p.poll(Some(Duration::from_millis(10))).unwrap());
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

/// A PIDFD_NONBLOCK pidfd makes a blocking waitid answer EAGAIN while the
/// child runs.
#[test]
fn nonblock_pidfd_wait_eagain() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::NONBLOCK).unwrap();
    assert_eq!(p.wait(EXITED).unwrap_err(), Errno::EAGAIN);
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

// ---- namespaces ----

/// Each PIDFD_GET_*_NAMESPACE fd answers NS_GET_NSTYPE with its kind
/// (qemu-user does not know that ioctl: ENOTTY) and is the namespace
/// /proc/self/ns/<name> names (same inode); the /proc fallback opens the
/// same one.
#[test]
fn get_namespace_all_kinds_nstype() {
    use std::os::unix::fs::MetadataExt;
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let id = |fd: &OwnedFd| {
        let m = std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap();
        (m.dev(), m.ino())
    };
    for ns in NsType::ALL {
        let fd = p.namespace(ns).unwrap();
        // SAFETY: NS_GET_NSTYPE takes no argument.
        let t = unsafe { libc::ioctl(fd.as_raw_fd(), 0xb703 as _) };
        if QEMU {
            assert_eq!(t, -1);
            assert_eq!(
                std::io::Error::last_os_error().raw_os_error(),
                Some(libc::ENOTTY)
            );
        } else {
            assert_eq!(t as u32, ns.flag().bits(), "{ns:?}");
        }
        let m = std::fs::metadata(format!("/proc/self/ns/{}", ns.proc_name())).unwrap();
        assert_eq!(id(&fd), (m.dev(), m.ino()), "{ns:?}");
        let fb = pidfs::pidfd_get_namespace_fallback(p.as_fd(), ns).unwrap();
        assert_eq!(id(&fd), id(&fb), "{ns:?}");
    }
}
