//! pidfds: a file descriptor that names one process for as long as it is
//! open, across pid reuse.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use crate::flags::{InfoMask, NsFlags, PidfdFlags, SignalFlags, WaitOptions};
use crate::info::PidfdInfo;
use crate::{raw, sys};
use core::ffi::CStr;
use core::time::Duration;

/// `PIDFD_SELF_THREAD` (-10000, 6.15): the calling thread, accepted by
/// [`pidfd_send_signal`] without opening a pidfd.
///
/// # Kernel support
/// 6.15. Older kernels answer `EBADF`; `pidfd_getfd` and `setns` answer
/// `EBADF` for it on every kernel.
pub const PIDFD_SELF_THREAD: BorrowedFd<'static> = sentinel(raw::PIDFD_SELF_THREAD);

/// `PIDFD_SELF_THREAD_GROUP` (-10001, 6.15): the calling process.
///
/// # Kernel support
/// 6.15. Older kernels answer `EBADF`.
pub const PIDFD_SELF_THREAD_GROUP: BorrowedFd<'static> = sentinel(raw::PIDFD_SELF_THREAD_GROUP);

/// `FD_PIDFS_ROOT` (-10002, 6.17): the pidfs root, a `mount_fd` for
/// `open_by_handle_at` that needs no pidfd.
///
/// # Kernel support
/// 6.17. Older kernels answer `EBADF`.
pub const FD_PIDFS_ROOT: BorrowedFd<'static> = sentinel(raw::FD_PIDFS_ROOT);

#[allow(unsafe_code)]
const fn sentinel(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the kernel's sentinel fds are never open fds of this process
    // and are not -1; they are only ever passed to syscalls that know them.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// `pidfd_open(pid, flags)`—Obtain a pidfd for a process.
///
/// `pid` is only a hint resolved once, at this call; from then on the pidfd
/// is the identity. Returned fds are `O_CLOEXEC`.
///
/// # Errors
/// `ESRCH` no such process; `EINVAL` bad flags or `pid <= 0`; `ENOENT`
/// (new kernels) or `EINVAL` (older) for a non-leader thread without
/// [`PidfdFlags::THREAD`].
///
/// # Kernel support
/// 5.3 (`ENOSYS` before). `NONBLOCK` 5.10, `THREAD` 6.9 (`EINVAL` before).
///
/// # References
/// pidfd_open(2)
pub fn pidfd_open(pid: i32, flags: PidfdFlags) -> Result<OwnedFd> {
    sys::pidfd_open(pid, flags.bits())
}

/// A caller-made `siginfo_t` (128 bytes) for [`pidfd_send_signal`].
///
/// The kernel accepts one for another process only with a negative
/// `si_code` (such as `SI_QUEUE` = -1); for the caller itself any code.
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct SigInfo(raw::siginfo_t);

impl SigInfo {
    /// A siginfo with `si_signo = signo`, `si_code = code`, and `si_pid`/
    /// `si_uid` of the caller (the kernel checks them for `SI_QUEUE`).
    pub fn new(signo: i32, code: i32) -> SigInfo {
        let mut s = raw::siginfo_t::zeroed();
        s.si_signo = signo;
        s.si_code = code;
        s._sifields[0] = sys::getpid() as u32;
        s._sifields[1] = sys::getuid();
        SigInfo(s)
    }

    /// Sets `si_value` (the `sigval` union; `sival_ptr` width).
    pub fn with_value(mut self, value: usize) -> SigInfo {
        self._set_value(value);
        self
    }

    fn _set_value(&mut self, value: usize) {
        let v = value as u64;
        self.0._sifields[2] = v as u32;
        #[cfg(target_pointer_width = "64")]
        {
            self.0._sifields[3] = (v >> 32) as u32;
        }
    }

    /// `si_signo`.
    pub fn signo(&self) -> i32 {
        self.0.si_signo
    }
    /// `si_code`.
    pub fn code(&self) -> i32 {
        self.0.si_code
    }
    /// `si_pid`.
    pub fn pid(&self) -> i32 {
        self.0.si_pid()
    }
    /// `si_uid`.
    pub fn uid(&self) -> u32 {
        self.0.si_uid()
    }
    /// `si_value` as written by [`SigInfo::with_value`].
    pub fn value(&self) -> usize {
        #[cfg(target_pointer_width = "64")]
        {
            (u64::from(self.0._sifields[2]) | (u64::from(self.0._sifields[3]) << 32)) as usize
        }
        #[cfg(target_pointer_width = "32")]
        {
            self.0._sifields[2] as usize
        }
    }
    /// The raw kernel struct.
    pub fn as_raw(&self) -> &raw::siginfo_t {
        &self.0
    }
    /// Wraps a kernel-filled `siginfo_t` (from `waitid` or a signal handler).
    pub fn from_raw(raw: raw::siginfo_t) -> SigInfo {
        SigInfo(raw)
    }
}

impl core::fmt::Debug for SigInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigInfo")
            .field("signo", &self.signo())
            .field("code", &self.code())
            .field("pid", &self.pid())
            .field("uid", &self.uid())
            .finish()
    }
}

/// `pidfd_send_signal(pidfd, sig, info, flags)`—Send a signal to the
/// process a pidfd names; never to a process that reused its pid.
///
/// `sig = 0` checks that the process is alive (not yet exited) without
/// sending anything. `pidfd` may be [`PIDFD_SELF_THREAD`] or
/// [`PIDFD_SELF_THREAD_GROUP`].
///
/// # Errors
/// `ESRCH` the process has exited; `EINVAL` bad signal or flags, or the
/// process lives outside the caller's pid namespace tree; `EPERM` a
/// caller-made `info` with a non-negative `si_code` for another process,
/// or no permission; `EBADF` not a pidfd.
///
/// # Kernel support
/// 5.1 (`ENOSYS` before). `flags` 6.9 (`EINVAL` before); the
/// `PIDFD_SELF_*` sentinels 6.15 (`EBADF` before).
///
/// # References
/// pidfd_send_signal(2)
pub fn pidfd_send_signal(
    pidfd: BorrowedFd<'_>,
    sig: i32,
    info: Option<&SigInfo>,
    flags: SignalFlags,
) -> Result<()> {
    sys::pidfd_send_signal(pidfd, sig, info.map(|i| &i.0), flags.bits())
}

/// An owned pidfd: the process it was opened for, and no other, for as
/// long as it lives.
#[derive(Debug)]
#[repr(transparent)]
pub struct PidFd(OwnedFd);

impl PidFd {
    /// [`pidfd_open`]—Open a pidfd for `pid`.
    ///
    /// # Kernel support
    /// As [`pidfd_open`]: 5.3.
    pub fn open(pid: i32, flags: PidfdFlags) -> Result<PidFd> {
        pidfd_open(pid, flags).map(PidFd)
    }

    /// [`pidfd_send_signal`] to this process.
    ///
    /// # Kernel support
    /// As [`pidfd_send_signal`]: 5.1, flags 6.9.
    pub fn send_signal(&self, sig: i32, info: Option<&SigInfo>, flags: SignalFlags) -> Result<()> {
        pidfd_send_signal(self.0.as_fd(), sig, info, flags)
    }

    /// `pidfd_send_signal(pidfd, sig, NULL, 0)`—`kill(2)` without the pid
    /// race.
    ///
    /// # Kernel support
    /// 5.1.
    pub fn kill(&self, sig: i32) -> Result<()> {
        self.send_signal(sig, None, SignalFlags::empty())
    }

    /// Borrows the pidfd.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }

    /// [`pidfd_getfd`]—Duplicate fd `targetfd` of this process into the
    /// caller.
    ///
    /// # Kernel support
    /// As [`pidfd_getfd`]: 5.6.
    pub fn getfd(&self, targetfd: ForeignRawFd) -> Result<OwnedFd> {
        pidfd_getfd(self.as_fd(), targetfd)
    }

    /// [`pidfd_wait`]—`waitid(P_PIDFD)` on this process.
    ///
    /// # Kernel support
    /// As [`pidfd_wait`]: 5.4.
    pub fn wait(&self, options: WaitOptions) -> Result<Option<WaitStatus>> {
        pidfd_wait(self.as_fd(), options)
    }

    /// [`pidfd_poll`]—Wait up to `timeout` for this process to exit.
    ///
    /// # Kernel support
    /// As [`pidfd_poll`]: 5.3.
    pub fn poll(&self, timeout: Option<Duration>) -> Result<bool> {
        pidfd_poll(self.as_fd(), timeout)
    }

    /// [`pidfd_get_info`](crate::pidfd_get_info)—`PIDFD_GET_INFO` on this
    /// process, with the /proc fallback before 6.13.
    ///
    /// # Kernel support
    /// As [`pidfd_get_info`](crate::pidfd_get_info).
    pub fn info(&self, mask: InfoMask) -> Result<PidfdInfo> {
        crate::info::pidfd_get_info(self.as_fd(), mask)
    }

    /// The `Pid:` line of this pidfd's fdinfo—the process's pid in the
    /// caller's pid namespace, read now.
    ///
    /// Strictly, the pid namespace `/proc` was mounted from: the caller's,
    /// unless it entered another pid namespace without remounting `/proc`.
    ///
    /// A pid is only a hint: it may be reused as soon as the process is
    /// reaped. Use the pidfd (or [`PidFd::id`]) as the identity.
    ///
    /// # Errors
    /// `ESRCH` once the process has been reaped (fdinfo says `Pid: -1`);
    /// `EREMOTE` when it lives outside the pid namespace of `/proc`
    /// (`Pid: 0`); `ENOENT` without `/proc`.
    ///
    /// # Kernel support
    /// 5.3 (the fdinfo `Pid:` line came with pidfds).
    pub fn pid(&self) -> Result<i32> {
        pidfd_pid(self.as_fd())
    }

    /// [`pidfd_id`](crate::pidfd_id)—The process's 64-bit identity.
    ///
    /// # Kernel support
    /// As [`pidfd_id`](crate::pidfd_id): 6.9 (`EOPNOTSUPP` before).
    pub fn id(&self) -> Result<u64> {
        crate::info::pidfd_id(self.as_fd())
    }

    /// [`pidfd_get_namespace`]—An fd for one of this process's namespaces.
    ///
    /// # Kernel support
    /// As [`pidfd_get_namespace`].
    pub fn namespace(&self, ns: NsType) -> Result<OwnedFd> {
        pidfd_get_namespace(self.as_fd(), ns)
    }

    /// Whether `self` and `other` name the same process.
    ///
    /// Compares the 64-bit identities ([`pidfd_id`](crate::pidfd_id)), never
    /// the pid numbers, so a reused pid never compares equal. Before 6.9
    /// (no identity) it compares the fdinfo pids and then checks with
    /// `pidfd_send_signal(pidfd, 0)` that both processes are still alive,
    /// so neither pid can have been reused in between.
    ///
    /// # Errors
    /// Before 6.9 only: `ESRCH` if both processes have exited (they cannot
    /// be told apart any more). An exited process and a live one are
    /// different (`Ok(false)`).
    ///
    /// # Kernel support
    /// 6.9 for the identity; the fdinfo fallback on 5.3+.
    pub fn same_process(&self, other: &PidFd) -> Result<bool> {
        match (self.id(), other.id()) {
            (Ok(a), Ok(b)) => return Ok(a == b),
            (Err(Errno::EOPNOTSUPP), _) | (_, Err(Errno::EOPNOTSUPP)) => {}
            (Err(e), _) | (_, Err(e)) => return Err(e),
        }
        let a = fdinfo_pid(self.as_fd())?;
        let b = fdinfo_pid(other.as_fd())?;
        // Both alive after both pids were read: neither number can have
        // been reused in between, so equal numbers mean one process.
        // `self` dead before `other` is seen alive: two processes. `self`
        // alive but `other` dead: `self` may have died in between, so look
        // at `self` again (a process never comes back to life).
        match (is_alive(self.as_fd())?, is_alive(other.as_fd())?) {
            (true, true) => Ok(a == b),
            (false, true) => Ok(false),
            (true, false) if is_alive(self.as_fd())? => Ok(false),
            _ => Err(Errno::ESRCH),
        }
    }

    /// Wraps `fd` after checking that it is a pidfd: its fdinfo has a
    /// `Pid:` line and `fstatfs` says pidfs (6.9+) or anon_inode (before).
    ///
    /// # Errors
    /// `EINVAL` when `fd` is not a pidfd (`fd` is closed then); `ENOENT`
    /// without `/proc`.
    ///
    /// # Kernel support
    /// 5.3.
    pub fn try_from_fd(fd: OwnedFd) -> Result<PidFd> {
        let magic = sys::fstatfs_type(fd.as_fd())?;
        if magic != raw::PIDFS_MAGIC && magic != raw::ANON_INODE_FS_MAGIC {
            return Err(Errno::EINVAL);
        }
        let mut buf = [0u8; 1024];
        let n = read_fdinfo(fd.as_fd(), &mut buf)?;
        match crate::parse::parse_pidfd_fdinfo(&buf[..n]) {
            Some(_) => Ok(PidFd(fd)),
            None => Err(Errno::EINVAL),
        }
    }
}

impl AsFd for PidFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsRawFd for PidFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl From<PidFd> for OwnedFd {
    fn from(p: PidFd) -> OwnedFd {
        p.0
    }
}

/// Wraps an fd without checking that it is a pidfd (see
/// `PidFd::try_from_fd` for the checked form).
impl From<OwnedFd> for PidFd {
    fn from(fd: OwnedFd) -> PidFd {
        PidFd(fd)
    }
}

/// An fd number in another process's fd table (the `targetfd` of
/// [`pidfd_getfd`]): meaningful only there.
pub type ForeignRawFd = RawFd;

/// `pidfd_getfd(pidfd, targetfd, 0)`—Duplicate an fd of another process
/// into the caller, as `O_CLOEXEC`.
///
/// # Errors
/// `EBADF` `targetfd` is not open in the target (or `pidfd` is not a
/// pidfd, or is a `PIDFD_SELF_*` sentinel); `ESRCH` the process has exited
/// (even before it is reaped); `EPERM` no `PTRACE_MODE_ATTACH_REALCREDS`
/// permission; `EMFILE` the caller's fd table is full.
///
/// # Kernel support
/// 5.6 (`ENOSYS` before).
///
/// # References
/// pidfd_getfd(2)
pub fn pidfd_getfd(pidfd: BorrowedFd<'_>, targetfd: ForeignRawFd) -> Result<OwnedFd> {
    sys::pidfd_getfd(pidfd, targetfd, 0)
}

/// What `waitid` reports about a child: the `CLD_*` code and status of its
/// `siginfo_t`, or the classic `wait` status decoded.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum WaitStatus {
    /// `CLD_EXITED`: it called `exit(code)`; `code` is the low 8 bits.
    Exited(i32),
    /// `CLD_KILLED` / `CLD_DUMPED`: a signal ended it.
    Signaled {
        /// The signal number.
        signal: i32,
        /// `CLD_DUMPED`: it dumped core.
        core_dumped: bool,
    },
    /// `CLD_STOPPED` / `CLD_TRAPPED`: stopped by this signal.
    Stopped(i32),
    /// `CLD_CONTINUED`: resumed by `SIGCONT`.
    Continued,
}

impl WaitStatus {
    /// Decodes a `waitid` `siginfo_t`'s `si_code` (`CLD_*`) and `si_status`.
    /// `None` for a code that is no `CLD_*` value. Pure, never panics.
    pub fn from_code_status(code: i32, status: i32) -> Option<WaitStatus> {
        match code {
            raw::CLD_EXITED => Some(WaitStatus::Exited(status)),
            raw::CLD_KILLED => Some(WaitStatus::Signaled {
                signal: status,
                core_dumped: false,
            }),
            raw::CLD_DUMPED => Some(WaitStatus::Signaled {
                signal: status,
                core_dumped: true,
            }),
            raw::CLD_STOPPED | raw::CLD_TRAPPED => Some(WaitStatus::Stopped(status)),
            raw::CLD_CONTINUED => Some(WaitStatus::Continued),
            _ => None,
        }
    }

    /// Decodes a `SIGCHLD`-style siginfo as `waitid` fills it. `None` if
    /// `si_signo` is not `SIGCHLD` or `si_code` is no `CLD_*` value.
    pub fn from_siginfo(info: &SigInfo) -> Option<WaitStatus> {
        if info.signo() != raw::SIGCHLD {
            return None;
        }
        WaitStatus::from_code_status(info.code(), info.0.si_status())
    }

    /// Decodes a classic `wait(2)` status int (what `wait4` writes and
    /// what `PIDFD_INFO_EXIT`'s `exit_code` holds): `WIFEXITED`,
    /// `WIFSIGNALED` (+ `WCOREDUMP`), `WIFSTOPPED`, `WIFCONTINUED`.
    /// `None` for a bit pattern none of them matches. Pure, never panics.
    pub fn from_raw(status: i32) -> Option<WaitStatus> {
        let low7 = status & 0x7f;
        let low8 = status & 0xff;
        if status == 0xffff {
            Some(WaitStatus::Continued)
        } else if low7 == 0 {
            Some(WaitStatus::Exited((status >> 8) & 0xff))
        } else if low8 == 0x7f {
            Some(WaitStatus::Stopped((status >> 8) & 0xff))
        } else if low7 != 0x7f {
            Some(WaitStatus::Signaled {
                signal: low7,
                core_dumped: status & 0x80 != 0,
            })
        } else {
            None
        }
    }
}

/// `waitid(P_PIDFD, pidfd, &info, options, NULL)`—Wait for the process a
/// pidfd names, which must be a child of the caller.
///
/// Returns `Ok(None)` for `WaitOptions::NOHANG` when nothing is to report.
/// Without `NOWAIT` a reported exit reaps the child: afterwards its pidfd
/// says `Pid: -1` and signals give `ESRCH`.
///
/// # Errors
/// `ECHILD` not a child of the caller (or already reaped); `EAGAIN` a
/// `PIDFD_NONBLOCK` pidfd and the child has not exited (without `NOHANG`);
/// `EINVAL` no event (`EXITED`/`STOPPED`/`CONTINUED`) requested; `EBADF`
/// not a pidfd; `EINTR` a signal arrived.
///
/// # Kernel support
/// 5.4 (`EINVAL` for `P_PIDFD` before); `PIDFD_NONBLOCK`'s `EAGAIN` 5.10.
///
/// # References
/// waitid(2)
pub fn pidfd_wait(pidfd: BorrowedFd<'_>, options: WaitOptions) -> Result<Option<WaitStatus>> {
    let mut info = raw::siginfo_t::zeroed();
    sys::waitid(raw::P_PIDFD, pidfd.as_raw_fd(), &mut info, options.bits())?;
    if info.si_signo == 0 && info.si_pid() == 0 {
        // WNOHANG and nothing to report: the kernel leaves si_pid zero.
        return Ok(None);
    }
    WaitStatus::from_code_status(info.si_code, info.si_status())
        .map(Some)
        .ok_or(Errno::EIO)
}

/// `ppoll([{pidfd, POLLIN}], timeout)`—Wait up to `timeout` (`None`:
/// forever) for the process to exit.
///
/// `Ok(true)` once the process has exited (`POLLIN`; `POLLHUP` joins it
/// once reaped), `Ok(false)` on timeout.
///
/// # Errors
/// `EBADF` not an open fd (`POLLNVAL`); `EINTR` a signal arrived.
///
/// # Kernel support
/// 5.3.
///
/// # References
/// ppoll(2), pidfd_open(2)
pub fn pidfd_poll(pidfd: BorrowedFd<'_>, timeout: Option<Duration>) -> Result<bool> {
    let mut fds = [raw::pollfd {
        fd: pidfd.as_raw_fd(),
        events: raw::POLLIN,
        revents: 0,
    }];
    let ts = timeout.map(|d| raw::__kernel_timespec {
        tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(d.subsec_nanos()),
    });
    let n = sys::ppoll(&mut fds, ts.as_ref())?;
    if n == 0 {
        return Ok(false);
    }
    if fds[0].revents & raw::POLLNVAL != 0 {
        return Err(Errno::EBADF);
    }
    Ok(fds[0].revents & (raw::POLLIN | raw::POLLHUP) != 0)
}

/// A kind of namespace, for [`pidfd_get_namespace`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NsType {
    /// `PIDFD_GET_CGROUP_NAMESPACE` (`/proc/<pid>/ns/cgroup`).
    Cgroup,
    /// `PIDFD_GET_IPC_NAMESPACE` (`ns/ipc`).
    Ipc,
    /// `PIDFD_GET_MNT_NAMESPACE` (`ns/mnt`).
    Mnt,
    /// `PIDFD_GET_NET_NAMESPACE` (`ns/net`).
    Net,
    /// `PIDFD_GET_PID_NAMESPACE` (`ns/pid`): the one the process lives in.
    Pid,
    /// `PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE` (`ns/pid_for_children`).
    PidForChildren,
    /// `PIDFD_GET_TIME_NAMESPACE` (`ns/time`).
    Time,
    /// `PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE` (`ns/time_for_children`).
    TimeForChildren,
    /// `PIDFD_GET_USER_NAMESPACE` (`ns/user`).
    User,
    /// `PIDFD_GET_UTS_NAMESPACE` (`ns/uts`).
    Uts,
}

impl NsType {
    /// All ten kinds, in ioctl order.
    pub const ALL: [NsType; 10] = [
        NsType::Cgroup,
        NsType::Ipc,
        NsType::Mnt,
        NsType::Net,
        NsType::Pid,
        NsType::PidForChildren,
        NsType::Time,
        NsType::TimeForChildren,
        NsType::User,
        NsType::Uts,
    ];

    /// The `PIDFD_GET_*_NAMESPACE` ioctl request.
    pub const fn ioctl(self) -> u32 {
        match self {
            NsType::Cgroup => raw::PIDFD_GET_CGROUP_NAMESPACE,
            NsType::Ipc => raw::PIDFD_GET_IPC_NAMESPACE,
            NsType::Mnt => raw::PIDFD_GET_MNT_NAMESPACE,
            NsType::Net => raw::PIDFD_GET_NET_NAMESPACE,
            NsType::Pid => raw::PIDFD_GET_PID_NAMESPACE,
            NsType::PidForChildren => raw::PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE,
            NsType::Time => raw::PIDFD_GET_TIME_NAMESPACE,
            NsType::TimeForChildren => raw::PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE,
            NsType::User => raw::PIDFD_GET_USER_NAMESPACE,
            NsType::Uts => raw::PIDFD_GET_UTS_NAMESPACE,
        }
    }

    /// The file name under `/proc/<pid>/ns/`.
    pub const fn proc_name(self) -> &'static str {
        match self {
            NsType::Cgroup => "cgroup",
            NsType::Ipc => "ipc",
            NsType::Mnt => "mnt",
            NsType::Net => "net",
            NsType::Pid => "pid",
            NsType::PidForChildren => "pid_for_children",
            NsType::Time => "time",
            NsType::TimeForChildren => "time_for_children",
            NsType::User => "user",
            NsType::Uts => "uts",
        }
    }

    /// The `CLONE_NEW*` bit `NS_GET_NSTYPE` answers for such an fd (and
    /// `setns` takes).
    pub const fn flag(self) -> NsFlags {
        match self {
            NsType::Cgroup => NsFlags::CGROUP,
            NsType::Ipc => NsFlags::IPC,
            NsType::Mnt => NsFlags::MNT,
            NsType::Net => NsFlags::NET,
            NsType::Pid | NsType::PidForChildren => NsFlags::PID,
            NsType::Time | NsType::TimeForChildren => NsFlags::TIME,
            NsType::User => NsFlags::USER,
            NsType::Uts => NsFlags::UTS,
        }
    }
}

/// `ioctl(pidfd, PIDFD_GET_<NS>_NAMESPACE, 0)`—An fd (`O_CLOEXEC`) for one
/// of the namespaces of the process a pidfd names.
///
/// Before 6.11 (the ioctl answers `ENOTTY`, or `EINVAL` on some kernels;
/// also under qemu-user) it opens `/proc/<pid>/ns/<name>` race-free: the
/// pid is read from the pidfd's fdinfo, the file opened, and then
/// `pidfd_send_signal(pidfd, 0)` confirms that the process is still alive,
/// so the pid cannot have been reused in between.
///
/// # Errors
/// `ESRCH` the process has exited; `EPERM`/`EACCES` no ptrace-read access;
/// `EOPNOTSUPP` (ioctl) or `ENOENT` (fallback) for a namespace kind the
/// kernel lacks; `EBADF` not a pidfd (or a `PIDFD_SELF_*` sentinel).
///
/// # Kernel support
/// 6.11 for the ioctl; the /proc fallback works on every kernel with pidfds
/// (5.3), `time` namespaces need 5.6 and `pid_for_children` 4.12.
pub fn pidfd_get_namespace(pidfd: BorrowedFd<'_>, ns: NsType) -> Result<OwnedFd> {
    match sys::pidfd_get_ns_ioctl(pidfd, ns.ioctl()) {
        Err(Errno::ENOTTY | Errno::EINVAL | Errno::ENOSYS) => {
            pidfd_get_namespace_fallback(pidfd, ns)
        }
        r => r,
    }
}

/// The /proc fallback of [`pidfd_get_namespace`], callable directly so
/// tests can run it on kernels that have the ioctl.
#[doc(hidden)]
pub fn pidfd_get_namespace_fallback(pidfd: BorrowedFd<'_>, ns: NsType) -> Result<OwnedFd> {
    let pid = pidfd_pid_or_esrch(pidfd)?;
    let mut path = PathBuf::new();
    path.push(b"/proc/");
    path.push_u32(pid as u32);
    path.push(b"/ns/");
    path.push(ns.proc_name().as_bytes());
    let opened = sys::open_cwd(path.as_cstr()?, raw::O_RDONLY | raw::O_CLOEXEC, 0);
    // Confirm after the open: if the process is still alive now, the pid
    // named it all along (a pid is reused only after its process is reaped).
    if !is_alive(pidfd)? {
        return Err(Errno::ESRCH);
    }
    opened
}

/// `setns(fd, nstype)`—Move the calling thread into the namespaces `fd`
/// names: a namespace fd (`nstype` empty or its kind) or a pidfd (5.8;
/// `nstype` must name at least one namespace, and several move at once,
/// atomically).
///
/// # Errors
/// `EINVAL` a pidfd with empty `nstype`, or `nstype` not matching a
/// namespace fd; `EPERM` missing `CAP_SYS_ADMIN` in the target's user
/// namespace; `EBADF` bad fd (also the `PIDFD_SELF_*` sentinels); `ESRCH`
/// the process has exited.
///
/// # Kernel support
/// 3.0 for namespace fds; pidfds 5.8 (`EINVAL` before).
///
/// # References
/// setns(2)
pub fn setns(fd: BorrowedFd<'_>, nstype: NsFlags) -> Result<()> {
    sys::setns(fd, nstype.bits())
}

// ---- crate-private /proc helpers ----

pub(crate) use crate::path::PathBuf;

/// Reads a whole (small) file into `buf`; returns the length read.
pub(crate) fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize> {
    let fd = sys::open_cwd(path, raw::O_RDONLY | raw::O_CLOEXEC, 0)?;
    sys::read_full(fd.as_fd(), buf)
}

/// Reads `/proc/self/fdinfo/<fd>` into `buf`.
pub(crate) fn read_fdinfo(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    let raw_fd = fd.as_raw_fd();
    if raw_fd < 0 {
        return Err(Errno::EBADF);
    }
    let mut path = PathBuf::new();
    path.push(b"/proc/self/fdinfo/");
    path.push_u32(raw_fd as u32);
    match read_file(path.as_cstr()?, buf) {
        Err(Errno::ENOENT) => Err(Errno::EBADF),
        r => r,
    }
}

/// The raw `Pid:` value of a pidfd's fdinfo (-1 reaped, 0 foreign).
pub(crate) fn fdinfo_pid(pidfd: BorrowedFd<'_>) -> Result<i32> {
    let mut buf = [0u8; 1024];
    let n = read_fdinfo(pidfd, &mut buf)?;
    crate::parse::parse_pidfd_fdinfo(&buf[..n])
        .map(|f| f.pid)
        .ok_or(Errno::EBADF)
}

/// The fdinfo pid, `ESRCH` once reaped, `EREMOTE` when foreign.
pub(crate) fn pidfd_pid(pidfd: BorrowedFd<'_>) -> Result<i32> {
    match fdinfo_pid(pidfd)? {
        -1 => Err(Errno::ESRCH),
        0 => Err(Errno::EREMOTE),
        p if p > 0 => Ok(p),
        _ => Err(Errno::EINVAL),
    }
}

/// As [`pidfd_pid`] but `ESRCH` for a foreign process too (what kernels
/// before 6.18 say for it).
pub(crate) fn pidfd_pid_or_esrch(pidfd: BorrowedFd<'_>) -> Result<i32> {
    match pidfd_pid(pidfd) {
        Err(Errno::EREMOTE) => Err(Errno::ESRCH),
        r => r,
    }
}

/// `pidfd_send_signal(pidfd, 0)`: `true` while the process has not been
/// reaped (`EPERM` means alive too: the task was found). For a process
/// outside the caller's pid namespace (`EINVAL` there) the fdinfo says it:
/// `Pid: -1` once reaped.
pub(crate) fn is_alive(pidfd: BorrowedFd<'_>) -> Result<bool> {
    match sys::pidfd_send_signal(pidfd, 0, None, 0) {
        Ok(()) | Err(Errno::EPERM) => Ok(true),
        Err(Errno::ESRCH) => Ok(false),
        Err(Errno::EINVAL) => Ok(fdinfo_pid(pidfd)? != -1),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_status_from_raw_matches_libc_macros() {
        assert_eq!(WaitStatus::from_raw(0), Some(WaitStatus::Exited(0)));
        assert_eq!(WaitStatus::from_raw(42 << 8), Some(WaitStatus::Exited(42)));
        assert_eq!(
            WaitStatus::from_raw(9),
            Some(WaitStatus::Signaled {
                signal: 9,
                core_dumped: false
            })
        );
        assert_eq!(
            WaitStatus::from_raw(0x80 | 11),
            Some(WaitStatus::Signaled {
                signal: 11,
                core_dumped: true
            })
        );
        assert_eq!(
            WaitStatus::from_raw((19 << 8) | 0x7f),
            Some(WaitStatus::Stopped(19))
        );
        assert_eq!(WaitStatus::from_raw(0xffff), Some(WaitStatus::Continued));
        assert_eq!(WaitStatus::from_raw(0xff), None);
        for s in [i32::MIN, -1, i32::MAX, 0x7f, 0x17f, 0xfffe] {
            let _ = WaitStatus::from_raw(s);
        }
    }

    #[test]
    fn wait_status_from_code() {
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_EXITED, 3),
            Some(WaitStatus::Exited(3))
        );
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_DUMPED, 6),
            Some(WaitStatus::Signaled {
                signal: 6,
                core_dumped: true
            })
        );
        assert_eq!(
            WaitStatus::from_code_status(raw::CLD_TRAPPED, 5),
            Some(WaitStatus::Stopped(5))
        );
        assert_eq!(WaitStatus::from_code_status(0, 0), None);
        assert_eq!(WaitStatus::from_code_status(7, 0), None);
    }

    #[test]
    fn path_buf() {
        let mut p = PathBuf::new();
        p.push(b"/proc/");
        p.push_u32(0);
        p.push(b"/");
        p.push_u32(u32::MAX);
        assert_eq!(p.as_cstr().unwrap().to_bytes(), b"/proc/0/4294967295");
        let mut p = PathBuf::new();
        p.push(&[b'a'; 200]);
        assert_eq!(p.as_cstr(), Err(Errno::ENAMETOOLONG));
        let mut p = PathBuf::new();
        p.push(b"a\0b");
        assert_eq!(p.as_cstr(), Err(Errno::ENAMETOOLONG));
    }

    #[test]
    fn ns_types_distinct() {
        for (i, a) in NsType::ALL.iter().enumerate() {
            assert_eq!(a.ioctl(), 0xff00 | (i as u32 + 1));
        }
    }
}
