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

/// i386 only: the syscall entry follows the aux vector the kernel gave this
/// process. With `AT_SYSINFO` (32) present every call goes through the vDSO's
/// `__kernel_vsyscall`; a kernel booted with `vdso32=0` maps no 32-bit vDSO
/// and passes no `AT_SYSINFO`, and then every call goes through `int 0x80`.
/// The kernel matrix boots one such guest with `PIDFS_EXPECT_INT80=1` in the
/// environment: there the vDSO must really be gone, so the whole i686 suite
/// that passes alongside this test ran through `int 0x80`.
#[cfg(target_arch = "x86")]
#[test]
fn i386_entry_follows_at_sysinfo() {
    const AT_NULL: u32 = 0;
    const AT_SYSINFO: u32 = 32;
    let auxv = std::fs::read("/proc/self/auxv").unwrap();
    let mut sysinfo = None;
    for pair in auxv.chunks_exact(8) {
        let key = u32::from_ne_bytes(pair[..4].try_into().unwrap());
        let val = u32::from_ne_bytes(pair[4..].try_into().unwrap());
        match key {
            AT_NULL => break,
            AT_SYSINFO if val != 0 => sysinfo = Some(val),
            _ => {}
        }
    }
    assert_eq!(
        pidfs::i386::uses_vdso(),
        sysinfo.is_some(),
        "AT_SYSINFO = {sysinfo:x?}"
    );
    if std::env::var_os("PIDFS_EXPECT_INT80").is_some() {
        assert_eq!(sysinfo, None, "vdso32=0 on the kernel command line");
        assert!(!pidfs::i386::uses_vdso());
    }
    // Either entry answers: getpid through it equals the int 0x80 baseline.
    assert_eq!(pidfs::getpid(), pidfs::i386::getpid_int80());
}
