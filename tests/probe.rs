//! `Features::probe` against what each environment must show.

mod common;
use pidfs::Features;

/// The probe's answers are consistent with the kernel's feature history
/// (each feature implies the ones merged before it on the same path), on
/// every kernel of the matrix.
#[test]
fn probe_is_consistent_with_kernel_history() {
    let f = Features::probe();
    assert!(
        f.pidfd_open,
        "pidfd_open (5.3) exists on every supported kernel (5.10+)"
    );
    if f.fd_pidfs_root {
        assert!(
            f.file_handles,
            "FD_PIDFS_ROOT (6.17) implies pidfs handles (6.14)"
        );
    }
    if f.file_handles {
        assert!(f.pidfs, "pidfs handles (6.14) imply pidfs (6.9)");
    }
    if f.pidfs {
        assert!(f.pidfd_thread, "pidfs and PIDFD_THREAD both arrived in 6.9");
    }
    if f.pidfd_self {
        assert!(f.pidfs);
    }
}

/// This project's machines run 6.18 natively: everything is there. Under
/// qemu-user the emulator lacks the pidfs/nsfs ioctls (ENOTTY) and clone3
/// (ENOSYS) while passing the syscalls through.
#[test]
fn probe_matches_environment() {
    if common::kernel_matrix() {
        return probe_is_consistent_with_kernel_history();
    }
    let f = Features::probe();
    assert!(
        f.pidfd_open
            && f.pidfd_thread
            && f.pidfs
            && f.file_handles
            && f.fd_pidfs_root
            && f.pidfd_self
    );
    if common::QEMU {
        assert!(
            !f.pidfd_get_info && !f.pidfd_get_namespace && !f.nsfs_pid_ioctls && !f.clone3,
            "{f:?}"
        );
    } else {
        assert!(
            f.pidfd_get_info && f.pidfd_get_namespace && f.nsfs_pid_ioctls && f.clone3,
            "{f:?}"
        );
    }
}

/// uname(2)'s release is the same string /proc reports.
#[test]
fn kernel_release_matches_proc() {
    let r = pidfs::KernelRelease::get();
    let p = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    assert_eq!(r.as_str(), p.trim());
}
