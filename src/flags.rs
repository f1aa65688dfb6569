//! Flag types with the kernel's values. Each constant's first doc line is
//! the kernel name it carries.

use crate::raw;
use bitflags::bitflags;

bitflags! {
    /// Flags for [`pidfd_open`](crate::pidfd_open).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct PidfdFlags: u32 {
        /// `PIDFD_NONBLOCK` (= `O_NONBLOCK`, 5.10): `waitid` on the pidfd
        /// answers `EAGAIN` instead of blocking while the process runs.
        const NONBLOCK = raw::PIDFD_NONBLOCK;
        /// `PIDFD_THREAD` (= `O_EXCL`, 6.9): the pidfd names a thread, not a
        /// thread-group leader. Older kernels answer `EINVAL`.
        const THREAD = raw::PIDFD_THREAD;
    }
}

bitflags! {
    /// Flags for [`pidfd_send_signal`](crate::pidfd_send_signal) (6.9; older
    /// kernels answer `EINVAL` for any flag).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct SignalFlags: u32 {
        /// `PIDFD_SIGNAL_THREAD`: the thread the pidfd names.
        const THREAD = raw::PIDFD_SIGNAL_THREAD;
        /// `PIDFD_SIGNAL_THREAD_GROUP`: its whole thread group.
        const THREAD_GROUP = raw::PIDFD_SIGNAL_THREAD_GROUP;
        /// `PIDFD_SIGNAL_PROCESS_GROUP`: the process group the process leads
        /// (`ESRCH` if it leads none).
        const PROCESS_GROUP = raw::PIDFD_SIGNAL_PROCESS_GROUP;
    }
}

bitflags! {
    /// Options for [`pidfd_wait`](crate::pidfd_wait) (`waitid` with `P_PIDFD`, 5.4).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct WaitOptions: u32 {
        /// `WEXITED`: report exits.
        const EXITED = raw::WEXITED;
        /// `WSTOPPED`: report stops.
        const STOPPED = raw::WSTOPPED;
        /// `WCONTINUED`: report continues after a stop.
        const CONTINUED = raw::WCONTINUED;
        /// `WNOHANG`: return `None` instead of blocking.
        const NOHANG = raw::WNOHANG;
        /// `WNOWAIT`: leave the child waitable (no reap).
        const NOWAIT = raw::WNOWAIT;
    }
}

bitflags! {
    /// `PIDFD_INFO_*` request/answer mask of [`pidfd_get_info`](crate::pidfd_get_info).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct InfoMask: u64 {
        /// `PIDFD_INFO_PID` (6.13): pid, tgid, ppid. Always returned.
        const PID = raw::PIDFD_INFO_PID;
        /// `PIDFD_INFO_CREDS` (6.13): the eight uids/gids. Always returned.
        const CREDS = raw::PIDFD_INFO_CREDS;
        /// `PIDFD_INFO_CGROUPID` (6.13): the cgroup2 id (not on cgroup v1).
        const CGROUPID = raw::PIDFD_INFO_CGROUPID;
        /// `PIDFD_INFO_EXIT` (6.15): the exit status once the process is reaped.
        const EXIT = raw::PIDFD_INFO_EXIT;
        /// `PIDFD_INFO_COREDUMP` (6.16): `coredump_mask`.
        const COREDUMP = raw::PIDFD_INFO_COREDUMP;
        /// `PIDFD_INFO_SUPPORTED_MASK` (6.19): which bits this kernel knows.
        const SUPPORTED_MASK = raw::PIDFD_INFO_SUPPORTED_MASK;
        /// `PIDFD_INFO_COREDUMP_SIGNAL` (6.19): the signal that dumped core.
        const COREDUMP_SIGNAL = raw::PIDFD_INFO_COREDUMP_SIGNAL;
    }
}

bitflags! {
    /// `O_*` flags for `open_by_handle_at` and friends. `RDONLY` is `empty()`.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct OFlags: u32 {
        /// `O_WRONLY`.
        const WRONLY = raw::O_WRONLY;
        /// `O_RDWR`.
        const RDWR = raw::O_RDWR;
        /// `O_CREAT`.
        const CREAT = raw::O_CREAT;
        /// `O_EXCL` (on a pidfd: `PIDFD_THREAD`).
        const EXCL = raw::O_EXCL;
        /// `O_NOCTTY`.
        const NOCTTY = raw::O_NOCTTY;
        /// `O_TRUNC`.
        const TRUNC = raw::O_TRUNC;
        /// `O_APPEND`.
        const APPEND = raw::O_APPEND;
        /// `O_NONBLOCK` (on a pidfd: `PIDFD_NONBLOCK`).
        const NONBLOCK = raw::O_NONBLOCK;
        /// `O_DIRECTORY`.
        const DIRECTORY = raw::O_DIRECTORY;
        /// `O_NOFOLLOW`.
        const NOFOLLOW = raw::O_NOFOLLOW;
        /// `O_CLOEXEC`.
        const CLOEXEC = raw::O_CLOEXEC;
        /// `O_PATH`.
        const PATH = raw::O_PATH;
    }
}

impl OFlags {
    /// `O_RDONLY` (0): the empty set.
    pub const RDONLY: OFlags = OFlags::empty();
}

bitflags! {
    /// `AT_*` flags for `name_to_handle_at` and friends.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct AtFlags: u32 {
        /// `AT_EMPTY_PATH`: operate on the dirfd itself.
        const EMPTY_PATH = raw::AT_EMPTY_PATH;
        /// `AT_SYMLINK_FOLLOW`.
        const SYMLINK_FOLLOW = raw::AT_SYMLINK_FOLLOW;
        /// `AT_HANDLE_FID` (6.5): a handle for identification only.
        const HANDLE_FID = raw::AT_HANDLE_FID;
        /// `AT_HANDLE_MNT_ID_UNIQUE` (6.12): the 64-bit unique mount id.
        const HANDLE_MNT_ID_UNIQUE = raw::AT_HANDLE_MNT_ID_UNIQUE;
        /// `AT_HANDLE_CONNECTABLE` (6.13).
        const HANDLE_CONNECTABLE = raw::AT_HANDLE_CONNECTABLE;
    }
}

bitflags! {
    /// `CLONE_*` flags for [`fork_pidfd`](crate::fork_pidfd) and [`spawn`](crate::spawn).
    /// `CLONE_PIDFD` is always added by those functions.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct CloneFlags: u64 {
        /// `CLONE_NEWNS`: new mount namespace.
        const NEWNS = raw::CLONE_NEWNS;
        /// `CLONE_NEWCGROUP` (4.6).
        const NEWCGROUP = raw::CLONE_NEWCGROUP;
        /// `CLONE_NEWUTS`.
        const NEWUTS = raw::CLONE_NEWUTS;
        /// `CLONE_NEWIPC`.
        const NEWIPC = raw::CLONE_NEWIPC;
        /// `CLONE_NEWUSER`: new user namespace (unprivileged callers may).
        const NEWUSER = raw::CLONE_NEWUSER;
        /// `CLONE_NEWPID`: the child is pid 1 of a new pid namespace.
        const NEWPID = raw::CLONE_NEWPID;
        /// `CLONE_NEWNET`.
        const NEWNET = raw::CLONE_NEWNET;
        /// `CLONE_NEWTIME` (5.6, clone3 only).
        const NEWTIME = raw::CLONE_NEWTIME;
        /// `CLONE_VFORK`: the parent resumes once the child execs or exits.
        const VFORK = raw::CLONE_VFORK;
        /// `CLONE_PARENT`: the child gets the caller's parent.
        const PARENT = raw::CLONE_PARENT;
        /// `CLONE_CLEAR_SIGHAND` (5.5, clone3 only): reset handlers to default.
        const CLEAR_SIGHAND = raw::CLONE_CLEAR_SIGHAND;
        /// `CLONE_PIDFD` (5.2): return a pidfd (always set by this crate).
        const PIDFD = raw::CLONE_PIDFD;
    }
}

bitflags! {
    /// `CLONE_NEW*` namespace mask for [`setns`](crate::setns) and
    /// `NS_GET_NSTYPE`.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct NsFlags: u32 {
        /// `CLONE_NEWCGROUP`.
        const CGROUP = raw::CLONE_NEWCGROUP as u32;
        /// `CLONE_NEWIPC`.
        const IPC = raw::CLONE_NEWIPC as u32;
        /// `CLONE_NEWNS` (mount).
        const MNT = raw::CLONE_NEWNS as u32;
        /// `CLONE_NEWNET`.
        const NET = raw::CLONE_NEWNET as u32;
        /// `CLONE_NEWPID`.
        const PID = raw::CLONE_NEWPID as u32;
        /// `CLONE_NEWTIME`.
        const TIME = raw::CLONE_NEWTIME as u32;
        /// `CLONE_NEWUSER`.
        const USER = raw::CLONE_NEWUSER as u32;
        /// `CLONE_NEWUTS`.
        const UTS = raw::CLONE_NEWUTS as u32;
    }
}
