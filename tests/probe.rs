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
    if common::qemu() {
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

/// One `PIDFS-SUPPORT` line per environment, written straight to fd 1 so it
/// reaches the serial console of the kernel matrix even with libtest's
/// capture on; `ci/support-table.py` turns the matrix's lines into the
/// README's support table. Each cell is what the crate's own API answered
/// here, and the test asserts that those answers agree with the probe and
/// with each function's documented fallback.
#[test]
fn support_line_for_the_matrix_table() {
    use pidfs::{Errno, InfoMask, Method, PidFd, PidfdFlags, Translator};
    fn cell(r: Result<(), Errno>) -> String {
        match r {
            Ok(()) => "yes".into(),
            Err(e) => e.name().unwrap_or("?").into(),
        }
    }
    let f = Features::probe();
    let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();

    let thread = PidFd::open(pidfs::gettid(), PidfdFlags::THREAD).map(drop);
    assert_eq!(thread.is_ok(), f.pidfd_thread);
    if !f.pidfd_thread {
        assert_eq!(thread, Err(Errno::EINVAL), "PIDFD_THREAD before 6.9");
    }

    // GET_INFO: the ioctl where it exists, else the /proc fallback with
    // PID and CREDS filled in and said so in the mask.
    let info = pidfs::pidfd_get_info(me.as_fd(), InfoMask::PID | InfoMask::CREDS).unwrap();
    assert!(info.mask().contains(InfoMask::PID | InfoMask::CREDS));
    assert_eq!(info.pid(), Some(pidfs::getpid()));
    let get_info = if f.pidfd_get_info {
        "ioctl".to_string()
    } else {
        "/proc fallback".to_string()
    };

    // File handles: EOPNOTSUPP before 6.14.
    let handle = pidfs::pidfd_to_handle(me.as_fd()).map(drop);
    assert_eq!(handle.is_ok(), f.file_handles);
    if !f.file_handles {
        assert_eq!(
            handle,
            Err(Errno::EOPNOTSUPP),
            "no pidfs handles before 6.14"
        );
    }

    // The 64-bit id: from the handle, else statx on pidfs (64-bit kernels:
    // a 32-bit kernel's inode number is 32 bits), else ENOTSUP.
    let id = pidfs::pidfd_id(me.as_fd());
    let k32 = common::kernel_is_32bit();
    let id_cell = match (&id, f.file_handles, f.pidfs) {
        (Ok(_), true, _) => "handle".to_string(),
        (Ok(_), false, true) if !k32 => "statx ino".to_string(),
        (Err(e), false, true) if k32 => {
            assert_eq!(*e, Errno::EOPNOTSUPP);
            "ENOTSUP (32-bit ino)".to_string()
        }
        (Err(e), false, false) => {
            assert_eq!(*e, Errno::EOPNOTSUPP);
            "ENOTSUP".to_string()
        }
        other => panic!("pidfd_id disagrees with the probe: {other:?}"),
    };

    // Namespaces of a pidfd: the ioctl (6.11) or the /proc fallback.
    let ns = pidfs::pidfd_get_namespace(me.as_fd(), pidfs::NsType::Pid);
    assert!(
        ns.is_ok(),
        "pidfd_get_namespace works everywhere (fallback): {ns:?}"
    );
    let ns_cell = if f.pidfd_get_namespace {
        "ioctl"
    } else {
        "/proc fallback"
    };

    // Translation: ioctl where it exists, else the fork-based method.
    let t = Translator::new().method();
    assert_eq!(t == Method::Ioctl, pidfs::ns_pid_ioctls_supported());
    let translate = format!("{t:?}");

    let root = if f.fd_pidfs_root {
        "yes".to_string()
    } else if f.file_handles {
        "EBADF (own pidfd as mount fd)".to_string()
    } else {
        "-".to_string()
    };
    let selfs = cell(pidfs::pidfd_send_signal(
        pidfs::PIDFD_SELF_THREAD_GROUP,
        0,
        None,
        pidfs::SignalFlags::empty(),
    ));
    let line = format!(
        "\nPIDFS-SUPPORT release={} arch={} bits={} | pidfd_open=yes | PIDFD_THREAD={} | pidfs={} | GET_INFO={} | GET_*_NAMESPACE={} | handles={} | FD_PIDFS_ROOT={} | PIDFD_SELF={} | pidfd_id={} | translation={} | clone3={}\n",
        pidfs::KernelRelease::get(),
        std::env::consts::ARCH,
        usize::BITS,
        cell(thread),
        if f.pidfs { "yes" } else { "no (anon_inode)" },
        get_info,
        ns_cell,
        cell(handle),
        root,
        selfs,
        id_cell,
        translate,
        if f.clone3 {
            "yes"
        } else {
            "ENOSYS (legacy clone)"
        },
    );
    // SAFETY: writes a live buffer to fd 1.
    unsafe { libc::write(1, line.as_ptr().cast(), line.len()) };
}
