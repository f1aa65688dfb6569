//! Live feature probes of the running kernel: each feature is tried, not
//! inferred from the version string.

use crate::errno::Errno;
use crate::fd::{AsFd, OwnedFd};
use crate::handle::FD_PIDFS_ROOT;
use crate::pidfd::PIDFD_SELF_THREAD_GROUP;
use crate::{raw, sys};

/// What this kernel offers of the process-handle ABI, each probed live.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// `pidfd_open(2)` works (5.3).
    pub pidfd_open: bool,
    /// `PIDFD_THREAD` pidfds for threads (6.9).
    pub pidfd_thread: bool,
    /// pidfds live on pidfs (statfs magic `PIDFS_MAGIC`, 6.9), with one inode
    /// per process.
    pub pidfs: bool,
    /// `PIDFD_GET_INFO` ioctl (6.13).
    pub pidfd_get_info: bool,
    /// `PIDFD_GET_*_NAMESPACE` ioctls (6.11).
    pub pidfd_get_namespace: bool,
    /// pidfs file handles through `name_to_handle_at` (6.14).
    pub file_handles: bool,
    /// `FD_PIDFS_ROOT` as `open_by_handle_at`'s mount fd (6.17).
    pub fd_pidfs_root: bool,
    /// `PIDFD_SELF_THREAD`/`PIDFD_SELF_THREAD_GROUP` (6.15).
    pub pidfd_self: bool,
    /// The nsfs pid-translation ioctls `NS_GET_PID_*_PIDNS` (6.11); needs
    /// `/proc` mounted to find the caller's pid namespace.
    pub nsfs_pid_ioctls: bool,
    /// `clone3(2)` (5.3) usable: `false` where it answers `ENOSYS` (older
    /// kernels, qemu-user, newer seccomp profiles) or `EPERM` (a seccomp
    /// profile that denies it); forks then use legacy `clone`.
    pub clone3: bool,
}

impl Features {
    /// Probes every feature once (a few dozen syscalls, no allocation).
    ///
    /// # Kernel support
    /// Any kernel: a missing feature is `false`, never an error.
    ///
    /// # Examples
    /// ```
    /// let features = pidfs::Features::probe();
    /// for (name, available, since) in features.table() {
    ///     println!("{name:32} {:3} (Linux {since})", if available { "yes" } else { "no" });
    /// }
    /// ```
    pub fn probe() -> Features {
        let mut f = Features::default();
        let Ok(pidfd) = sys::pidfd_open(sys::getpid(), 0) else {
            f.clone3 = probe_clone3();
            return f;
        };
        f.pidfd_open = true;
        f.pidfd_thread = sys::pidfd_open(sys::gettid(), raw::PIDFD_THREAD).is_ok();
        f.pidfs = sys::fstatfs_type(pidfd.as_fd()) == Ok(raw::PIDFS_MAGIC);
        let mut info = raw::pidfd_info {
            mask: raw::PIDFD_INFO_PID,
            ..Default::default()
        };
        f.pidfd_get_info =
            sys::pidfd_get_info(pidfd.as_fd(), raw::PIDFD_GET_INFO, &mut info).is_ok();
        f.pidfd_get_namespace =
            sys::pidfd_get_ns(pidfd.as_fd(), raw::PIDFD_GET_PID_NAMESPACE).is_ok();
        let mut fh = raw::file_handle {
            handle_bytes: raw::MAX_HANDLE_SZ as u32,
            handle_type: 0,
            f_handle: [0; raw::MAX_HANDLE_SZ],
        };
        let mut mnt = 0u64;
        if sys::name_to_handle_at(pidfd.as_fd(), c"", &mut fh, &mut mnt, raw::AT_EMPTY_PATH).is_ok()
        {
            f.file_handles = true;
            f.fd_pidfs_root = sys::open_by_handle_at(FD_PIDFS_ROOT, &fh, raw::O_CLOEXEC).is_ok();
        }
        f.pidfd_self = sys::pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, 0, None, 0).is_ok();
        f.nsfs_pid_ioctls = probe_nsfs();
        f.clone3 = probe_clone3();
        drop::<OwnedFd>(pidfd);
        f
    }

    /// The probed features as `(name, available, first kernel)` rows, in
    /// the order of the kernel's history: what `tour` and the `pidfs
    /// features` command print.
    pub fn table(&self) -> [(&'static str, bool, &'static str); 10] {
        [
            ("pidfd_open", self.pidfd_open, "5.3"),
            ("clone3", self.clone3, "5.3"),
            ("PIDFD_THREAD", self.pidfd_thread, "6.9"),
            ("pidfs (one inode per process)", self.pidfs, "6.9"),
            ("PIDFD_GET_*_NAMESPACE", self.pidfd_get_namespace, "6.11"),
            ("nsfs pid ioctls", self.nsfs_pid_ioctls, "6.11"),
            ("PIDFD_GET_INFO", self.pidfd_get_info, "6.13"),
            ("pidfs file handles", self.file_handles, "6.14"),
            ("PIDFD_SELF_*", self.pidfd_self, "6.15"),
            ("FD_PIDFS_ROOT", self.fd_pidfs_root, "6.17"),
        ]
    }
}

fn probe_nsfs() -> bool {
    let Ok(ns) = sys::open_cwd(c"/proc/self/ns/pid", raw::O_RDONLY | raw::O_CLOEXEC, 0) else {
        return false;
    };
    let me = sys::getpid();
    matches!(sys::ns_pid(ns.as_fd(), raw::NS_GET_PID_IN_PIDNS, me), Ok(p) if p as i32 == me)
}

fn probe_clone3() -> bool {
    !matches!(sys::clone3_probe(), Err(Errno::ENOSYS | Errno::EPERM))
}

/// `uname(2)`'s `release` field, e.g. `6.18.44`.
#[derive(Copy, Clone)]
pub struct KernelRelease {
    buf: [u8; 65],
    len: usize,
}

impl KernelRelease {
    /// `uname(2)`—the running kernel's release string.
    ///
    /// # Kernel support
    /// Every kernel.
    ///
    /// # Examples
    /// ```
    /// let release = pidfs::KernelRelease::get();
    /// assert!(release.as_str().chars().next().is_some_and(|c| c.is_ascii_digit()));
    /// ```
    pub fn get() -> KernelRelease {
        let mut u = raw::new_utsname::zeroed();
        let _ = sys::uname(&mut u);
        let len = u.release.iter().position(|&b| b == 0).unwrap_or(65);
        KernelRelease {
            buf: u.release,
            len,
        }
    }

    /// The release as text (lossy: non-UTF-8 gives `"?"`).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("?")
    }
}

impl core::fmt::Display for KernelRelease {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for KernelRelease {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "KernelRelease({:?})", self.as_str())
    }
}
