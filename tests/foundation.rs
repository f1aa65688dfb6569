//! The foundation through the public API: raw getpid/gettid against std's
//! and libc's answers, errno mapping of a real failing syscall.

use pidfs::{Errno, PidfdFlags};

/// getpid(2) through pidfs's own entry equals std's (libc's) answer.
#[test]
fn getpid_matches_std() {
    assert_eq!(pidfs::getpid() as u32, std::process::id());
}

/// gettid(2) equals libc's gettid on this thread and on another thread, and
/// differs between threads of one process.
#[test]
fn gettid_matches_libc_per_thread() {
    // SAFETY: plain syscall wrapper.
    let main_tid = unsafe { libc::gettid() };
    assert_eq!(pidfs::gettid(), main_tid);
    // SAFETY: plain syscall wrapper.
    let other = std::thread::spawn(|| (pidfs::gettid(), unsafe { libc::gettid() }))
        .join()
        .unwrap();
    assert_eq!(other.0, other.1);
    assert_ne!(other.0, main_tid);
}

/// A raw syscall's -errno comes back as the named `Errno`: pidfd_open(-1)
/// is EINVAL, pidfd_open of a pid that cannot exist is ESRCH.
#[test]
fn syscall_errors_are_typed() {
    assert_eq!(
        pidfs::pidfd_open(-1, PidfdFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    // pid_max is at most 4194304 (2^22).
    assert_eq!(
        pidfs::pidfd_open(1 << 22, PidfdFlags::empty()).unwrap_err(),
        Errno::ESRCH
    );
    let e: std::io::Error = Errno::ESRCH.into();
    assert_eq!(e.raw_os_error(), Some(libc::ESRCH));
}
