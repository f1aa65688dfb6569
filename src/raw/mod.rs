//! Kernel structs and constants under their kernel names (UAPI headers),
//! each constant typed as the field or argument it goes into. Every struct
//! has size/align/offset assertions below, checked for every target.
#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    missing_docs,
    dead_code
)]

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

// ---- ioctl numbers (include/uapi/asm-generic/ioctl.h; all five arches use it) ----
pub const _IOC_NONE: u32 = 0;
pub const _IOC_WRITE: u32 = 1;
pub const _IOC_READ: u32 = 2;
/// `_IOC(dir, type, nr, size)`.
pub const fn _IOC(dir: u32, ty: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (ty << 8) | nr
}
pub const fn _IO(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_NONE, ty, nr, 0)
}
pub const fn _IOR(ty: u32, nr: u32, size: usize) -> u32 {
    _IOC(_IOC_READ, ty, nr, size)
}
pub const fn _IOWR(ty: u32, nr: u32, size: usize) -> u32 {
    _IOC(_IOC_READ | _IOC_WRITE, ty, nr, size)
}

// ---- pidfd (include/uapi/linux/pidfd.h) ----
pub const PIDFS_IOCTL_MAGIC: u32 = 0xFF;
pub const PIDFD_NONBLOCK: u32 = O_NONBLOCK;
pub const PIDFD_THREAD: u32 = O_EXCL;
pub const PIDFD_SIGNAL_THREAD: u32 = 1 << 0;
pub const PIDFD_SIGNAL_THREAD_GROUP: u32 = 1 << 1;
pub const PIDFD_SIGNAL_PROCESS_GROUP: u32 = 1 << 2;
pub const PIDFD_SELF_THREAD: i32 = -10000;
pub const PIDFD_SELF_THREAD_GROUP: i32 = -10001;
pub const FD_PIDFS_ROOT: i32 = -10002;
pub const FD_NSFS_ROOT: i32 = -10003;
pub const PIDFD_INFO_PID: u64 = 1 << 0;
pub const PIDFD_INFO_CREDS: u64 = 1 << 1;
pub const PIDFD_INFO_CGROUPID: u64 = 1 << 2;
pub const PIDFD_INFO_EXIT: u64 = 1 << 3;
pub const PIDFD_INFO_COREDUMP: u64 = 1 << 4;
pub const PIDFD_INFO_SUPPORTED_MASK: u64 = 1 << 5;
pub const PIDFD_INFO_COREDUMP_SIGNAL: u64 = 1 << 6;
pub const PIDFD_INFO_SIZE_VER0: usize = 64;
pub const PIDFD_INFO_SIZE_VER1: usize = 72;
pub const PIDFD_INFO_SIZE_VER2: usize = 80;
/// `_IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)` with the 64-byte VER0
/// size every kernel since 6.13 accepts.
pub const PIDFD_GET_INFO: u32 = _IOWR(PIDFS_IOCTL_MAGIC, 11, PIDFD_INFO_SIZE_VER0);
/// The same request with this crate's full 80-byte struct (6.19 layout).
pub const PIDFD_GET_INFO_VER2: u32 = _IOWR(PIDFS_IOCTL_MAGIC, 11, PIDFD_INFO_SIZE_VER2);
pub const PIDFD_GET_CGROUP_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 1);
pub const PIDFD_GET_IPC_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 2);
pub const PIDFD_GET_MNT_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 3);
pub const PIDFD_GET_NET_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 4);
pub const PIDFD_GET_PID_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 5);
pub const PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 6);
pub const PIDFD_GET_TIME_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 7);
pub const PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 8);
pub const PIDFD_GET_USER_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 9);
pub const PIDFD_GET_UTS_NAMESPACE: u32 = _IO(PIDFS_IOCTL_MAGIC, 10);

/// `struct pidfd_info` (6.19, 80 bytes). `__u64` fields are 8-aligned on
/// every target (`align(8)`; plain `u64` is 4-aligned on i386).
#[repr(C, align(8))]
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq)]
pub struct pidfd_info {
    pub mask: u64,
    pub cgroupid: u64,
    pub pid: u32,
    pub tgid: u32,
    pub ppid: u32,
    pub ruid: u32,
    pub rgid: u32,
    pub euid: u32,
    pub egid: u32,
    pub suid: u32,
    pub sgid: u32,
    pub fsuid: u32,
    pub fsgid: u32,
    pub exit_code: i32,
    pub coredump_mask: u32,
    pub coredump_signal: u32,
    pub supported_mask: u64,
}
const_assert_eq!(size_of::<pidfd_info>(), 80);
const_assert_eq!(align_of::<pidfd_info>(), 8);
const_assert_eq!(offset_of!(pidfd_info, mask), 0);
const_assert_eq!(offset_of!(pidfd_info, cgroupid), 8);
const_assert_eq!(offset_of!(pidfd_info, pid), 16);
const_assert_eq!(offset_of!(pidfd_info, tgid), 20);
const_assert_eq!(offset_of!(pidfd_info, ppid), 24);
const_assert_eq!(offset_of!(pidfd_info, ruid), 28);
const_assert_eq!(offset_of!(pidfd_info, rgid), 32);
const_assert_eq!(offset_of!(pidfd_info, euid), 36);
const_assert_eq!(offset_of!(pidfd_info, egid), 40);
const_assert_eq!(offset_of!(pidfd_info, suid), 44);
const_assert_eq!(offset_of!(pidfd_info, sgid), 48);
const_assert_eq!(offset_of!(pidfd_info, fsuid), 52);
const_assert_eq!(offset_of!(pidfd_info, fsgid), 56);
const_assert_eq!(offset_of!(pidfd_info, exit_code), 60);
const_assert_eq!(offset_of!(pidfd_info, coredump_mask), 64);
const_assert_eq!(offset_of!(pidfd_info, coredump_signal), 68);
const_assert_eq!(offset_of!(pidfd_info, supported_mask), 72);
const_assert_eq!(PIDFD_GET_INFO, 0xc040_ff0b);
const_assert_eq!(PIDFD_GET_INFO_VER2, 0xc050_ff0b);

// ---- file handles (include/linux/exportfs.h, include/uapi/linux/fcntl.h) ----
pub const MAX_HANDLE_SZ: usize = 128;
pub const FILEID_KERNFS: i32 = 0xfe;
pub const FILEID_NSFS: i32 = 0xf1;
pub const AT_FDCWD: i32 = -100;
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
pub const AT_SYMLINK_FOLLOW: u32 = 0x400;
pub const AT_EMPTY_PATH: u32 = 0x1000;
pub const AT_HANDLE_FID: u32 = 0x200;
pub const AT_HANDLE_MNT_ID_UNIQUE: u32 = 0x001;
pub const AT_HANDLE_CONNECTABLE: u32 = 0x002;

/// `struct file_handle` with its flexible array sized to `MAX_HANDLE_SZ`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct file_handle {
    pub handle_bytes: u32,
    pub handle_type: i32,
    pub f_handle: [u8; MAX_HANDLE_SZ],
}
const_assert_eq!(size_of::<file_handle>(), 8 + MAX_HANDLE_SZ);
const_assert_eq!(align_of::<file_handle>(), 4);
const_assert_eq!(offset_of!(file_handle, handle_bytes), 0);
const_assert_eq!(offset_of!(file_handle, handle_type), 4);
const_assert_eq!(offset_of!(file_handle, f_handle), 8);

// ---- open flags (asm-generic/fcntl.h; arm and arm64 override the directory,
// nofollow and largefile bits in their asm/fcntl.h) ----
pub const O_RDONLY: u32 = 0;
pub const O_WRONLY: u32 = 0o1;
pub const O_RDWR: u32 = 0o2;
pub const O_CREAT: u32 = 0o100;
pub const O_EXCL: u32 = 0o200;
pub const O_NOCTTY: u32 = 0o400;
pub const O_TRUNC: u32 = 0o1000;
pub const O_APPEND: u32 = 0o2000;
pub const O_NONBLOCK: u32 = 0o4000;
#[cfg(not(any(target_arch = "aarch64", target_arch = "arm")))]
pub const O_DIRECTORY: u32 = 0o200000;
#[cfg(not(any(target_arch = "aarch64", target_arch = "arm")))]
pub const O_NOFOLLOW: u32 = 0o400000;
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub const O_DIRECTORY: u32 = 0o40000;
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub const O_NOFOLLOW: u32 = 0o100000;
pub const O_CLOEXEC: u32 = 0o2000000;
pub const O_PATH: u32 = 0o10000000;
/// What `openat` is given: the arch's bit (asm-generic's on i386 and
/// riscv64, asm/fcntl.h's on arm and arm64), 0 on x86_64 as glibc has it.
/// 64-bit kernels set the bit on every open anyway.
#[cfg(any(target_arch = "x86", target_arch = "riscv64"))]
pub const O_LARGEFILE: u32 = 0o100000;
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
pub const O_LARGEFILE: u32 = 0o400000;
#[cfg(target_arch = "x86_64")]
pub const O_LARGEFILE: u32 = 0;
pub const F_GETFD: u32 = 1;
pub const F_GETFL: u32 = 3;
pub const F_DUPFD_CLOEXEC: u32 = 1030;
pub const FD_CLOEXEC: u32 = 1;

// ---- clone (include/uapi/linux/sched.h) ----
pub const CSIGNAL: u64 = 0xff;
pub const CLONE_VM: u64 = 0x100;
pub const CLONE_FS: u64 = 0x200;
pub const CLONE_FILES: u64 = 0x400;
pub const CLONE_SIGHAND: u64 = 0x800;
pub const CLONE_PIDFD: u64 = 0x1000;
pub const CLONE_PTRACE: u64 = 0x2000;
pub const CLONE_VFORK: u64 = 0x4000;
pub const CLONE_PARENT: u64 = 0x8000;
pub const CLONE_THREAD: u64 = 0x10000;
pub const CLONE_NEWNS: u64 = 0x20000;
pub const CLONE_SYSVSEM: u64 = 0x40000;
pub const CLONE_SETTLS: u64 = 0x80000;
pub const CLONE_PARENT_SETTID: u64 = 0x100000;
pub const CLONE_CHILD_CLEARTID: u64 = 0x200000;
pub const CLONE_UNTRACED: u64 = 0x800000;
pub const CLONE_CHILD_SETTID: u64 = 0x1000000;
pub const CLONE_NEWCGROUP: u64 = 0x02000000;
pub const CLONE_NEWUTS: u64 = 0x04000000;
pub const CLONE_NEWIPC: u64 = 0x08000000;
pub const CLONE_NEWUSER: u64 = 0x10000000;
pub const CLONE_NEWPID: u64 = 0x20000000;
pub const CLONE_NEWNET: u64 = 0x40000000;
pub const CLONE_IO: u64 = 0x80000000;
pub const CLONE_CLEAR_SIGHAND: u64 = 0x100000000;
pub const CLONE_INTO_CGROUP: u64 = 0x200000000;
pub const CLONE_NEWTIME: u64 = 0x00000080;
pub const CLONE_ARGS_SIZE_VER0: usize = 64;
pub const CLONE_ARGS_SIZE_VER1: usize = 80;
pub const CLONE_ARGS_SIZE_VER2: usize = 88;

/// `struct clone_args` (VER2, 88 bytes), all `__aligned_u64`.
#[repr(C, align(8))]
#[derive(Copy, Clone, Default, Debug)]
pub struct clone_args {
    pub flags: u64,
    pub pidfd: u64,
    pub child_tid: u64,
    pub parent_tid: u64,
    pub exit_signal: u64,
    pub stack: u64,
    pub stack_size: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
    pub cgroup: u64,
}
const_assert_eq!(size_of::<clone_args>(), CLONE_ARGS_SIZE_VER2);
const_assert_eq!(align_of::<clone_args>(), 8);
const_assert_eq!(offset_of!(clone_args, flags), 0);
const_assert_eq!(offset_of!(clone_args, pidfd), 8);
const_assert_eq!(offset_of!(clone_args, child_tid), 16);
const_assert_eq!(offset_of!(clone_args, parent_tid), 24);
const_assert_eq!(offset_of!(clone_args, exit_signal), 32);
const_assert_eq!(offset_of!(clone_args, stack), 40);
const_assert_eq!(offset_of!(clone_args, stack_size), 48);
const_assert_eq!(offset_of!(clone_args, tls), 56);
const_assert_eq!(offset_of!(clone_args, set_tid), 64);
const_assert_eq!(offset_of!(clone_args, set_tid_size), 72);
const_assert_eq!(offset_of!(clone_args, cgroup), 80);

// ---- wait (include/uapi/linux/wait.h) ----
pub const P_ALL: u32 = 0;
pub const P_PID: u32 = 1;
pub const P_PGID: u32 = 2;
pub const P_PIDFD: u32 = 3;
pub const WNOHANG: u32 = 0x1;
pub const WSTOPPED: u32 = 0x2;
pub const WEXITED: u32 = 0x4;
pub const WCONTINUED: u32 = 0x8;
pub const WNOWAIT: u32 = 0x0100_0000;
pub const __WALL: u32 = 0x4000_0000;
pub const CLD_EXITED: i32 = 1;
pub const CLD_KILLED: i32 = 2;
pub const CLD_DUMPED: i32 = 3;
pub const CLD_TRAPPED: i32 = 4;
pub const CLD_STOPPED: i32 = 5;
pub const CLD_CONTINUED: i32 = 6;

// ---- signals ----
pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGABRT: i32 = 6;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGSEGV: i32 = 11;
pub const SIGUSR2: i32 = 12;
pub const SIGPIPE: i32 = 13;
pub const SIGTERM: i32 = 15;
pub const SIGCHLD: i32 = 17;
pub const SIGCONT: i32 = 18;
pub const SIGSTOP: i32 = 19;
pub const SI_USER: i32 = 0;
pub const SI_QUEUE: i32 = -1;
pub const SI_TKILL: i32 = -6;
pub const SIG_BLOCK: u32 = 0;
pub const SIG_UNBLOCK: u32 = 1;
pub const SIG_SETMASK: u32 = 2;

/// The header words before `_sifields` (the union is pointer-aligned).
#[cfg(target_pointer_width = "64")]
pub const __SI_HDR_WORDS: usize = 4;
#[cfg(target_pointer_width = "32")]
pub const __SI_HDR_WORDS: usize = 3;

/// `siginfo_t`: 128 bytes; `_sifields` starts at 16 on 64-bit targets, 12
/// on 32-bit ones (i386, ARM: `__ARCH_SI_PREAMBLE_SIZE` is three ints and
/// no member of the union needs more than 4-byte alignment there).
#[repr(C)]
#[derive(Copy, Clone)]
pub struct siginfo_t {
    pub si_signo: i32,
    pub si_errno: i32,
    pub si_code: i32,
    #[cfg(target_pointer_width = "64")]
    pub __pad0: i32,
    /// `_sifields`, as 32-bit words (`si_pid`, `si_uid`, then `si_status`
    /// or `si_value`).
    pub _sifields: [u32; 32 - __SI_HDR_WORDS],
    #[cfg(target_pointer_width = "64")]
    pub __align: [u64; 0],
}
const_assert_eq!(size_of::<siginfo_t>(), 128);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(align_of::<siginfo_t>(), 8);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(align_of::<siginfo_t>(), 4);
const_assert_eq!(offset_of!(siginfo_t, si_signo), 0);
const_assert_eq!(offset_of!(siginfo_t, si_errno), 4);
const_assert_eq!(offset_of!(siginfo_t, si_code), 8);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(offset_of!(siginfo_t, __pad0), 12);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(offset_of!(siginfo_t, _sifields), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(offset_of!(siginfo_t, _sifields), 12);

impl siginfo_t {
    pub const fn zeroed() -> siginfo_t {
        siginfo_t {
            si_signo: 0,
            si_errno: 0,
            si_code: 0,
            #[cfg(target_pointer_width = "64")]
            __pad0: 0,
            _sifields: [0; 32 - __SI_HDR_WORDS],
            #[cfg(target_pointer_width = "64")]
            __align: [],
        }
    }
    pub fn si_pid(&self) -> i32 {
        self._sifields[0] as i32
    }
    pub fn si_uid(&self) -> u32 {
        self._sifields[1]
    }
    /// `_sigchld.si_status` (also the low word of `_rt.si_value`).
    pub fn si_status(&self) -> i32 {
        self._sifields[2] as i32
    }
}

// ---- poll ----
pub const POLLIN: i16 = 0x1;
pub const POLLPRI: i16 = 0x2;
pub const POLLOUT: i16 = 0x4;
pub const POLLERR: i16 = 0x8;
pub const POLLHUP: i16 = 0x10;
pub const POLLNVAL: i16 = 0x20;

#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct pollfd {
    pub fd: i32,
    pub events: i16,
    pub revents: i16,
}
const_assert_eq!(size_of::<pollfd>(), 8);
const_assert_eq!(align_of::<pollfd>(), 4);
const_assert_eq!(offset_of!(pollfd, fd), 0);
const_assert_eq!(offset_of!(pollfd, events), 4);
const_assert_eq!(offset_of!(pollfd, revents), 6);

/// `struct __kernel_timespec`: 64-bit seconds on every target (what
/// `ppoll_time64` takes on i386 and ARM, and `ppoll` on 64-bit targets).
#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct __kernel_timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}
const_assert_eq!(size_of::<__kernel_timespec>(), 16);
const_assert_eq!(offset_of!(__kernel_timespec, tv_sec), 0);
const_assert_eq!(offset_of!(__kernel_timespec, tv_nsec), 8);
// `long long` is 4-aligned only in the i386 ABI (ARM EABI aligns it to 8).
#[cfg(target_arch = "x86")]
const_assert_eq!(align_of::<__kernel_timespec>(), 4);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(align_of::<__kernel_timespec>(), 8);

// ---- statx / statfs ----
pub const STATX_TYPE: u32 = 0x1;
pub const STATX_INO: u32 = 0x100;
pub const PIDFS_MAGIC: u64 = 0x5049_4446;
pub const PROC_SUPER_MAGIC: u64 = 0x9fa0;
pub const NSFS_MAGIC: u64 = 0x6e73_6673;
pub const ANON_INODE_FS_MAGIC: u64 = 0x0904_1934;

/// The head of `struct statx` (fields up to `stx_ino`), padded to the
/// kernel's 256 bytes.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct statx {
    pub stx_mask: u32,
    pub stx_blksize: u32,
    pub stx_attributes: u64,
    pub stx_nlink: u32,
    pub stx_uid: u32,
    pub stx_gid: u32,
    pub stx_mode: u16,
    pub __spare0: u16,
    pub stx_ino: u64,
    pub __rest: [u64; 27],
}
impl statx {
    pub const fn zeroed() -> statx {
        statx {
            stx_mask: 0,
            stx_blksize: 0,
            stx_attributes: 0,
            stx_nlink: 0,
            stx_uid: 0,
            stx_gid: 0,
            stx_mode: 0,
            __spare0: 0,
            stx_ino: 0,
            __rest: [0; 27],
        }
    }
}
const_assert_eq!(size_of::<statx>(), 256);
#[cfg(target_arch = "x86")]
const_assert_eq!(align_of::<statx>(), 4);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(align_of::<statx>(), 8);
const_assert_eq!(offset_of!(statx, stx_mask), 0);
const_assert_eq!(offset_of!(statx, stx_blksize), 4);
const_assert_eq!(offset_of!(statx, stx_attributes), 8);
const_assert_eq!(offset_of!(statx, stx_nlink), 16);
const_assert_eq!(offset_of!(statx, stx_uid), 20);
const_assert_eq!(offset_of!(statx, stx_gid), 24);
const_assert_eq!(offset_of!(statx, stx_mode), 28);
const_assert_eq!(offset_of!(statx, __spare0), 30);
const_assert_eq!(offset_of!(statx, stx_ino), 32);
const_assert_eq!(offset_of!(statx, __rest), 40);

/// `struct statfs` (64-bit targets, 120 bytes) / `struct statfs64` (i386
/// and ARM EABI, 84 bytes): only `f_type`, the first word, is read; the
/// buffer is large enough for either.
#[repr(C, align(8))]
#[derive(Copy, Clone)]
pub struct statfs_buf {
    pub words: [u64; 16],
}
const_assert_eq!(size_of::<statfs_buf>(), 128);
const_assert_eq!(align_of::<statfs_buf>(), 8);

// ---- sockets ----
pub const AF_UNIX: u32 = 1;
pub const SOCK_STREAM: u32 = 1;
pub const SOCK_DGRAM: u32 = 2;
pub const SOCK_CLOEXEC: u32 = O_CLOEXEC;
pub const SOCK_NONBLOCK: u32 = O_NONBLOCK;
pub const SOL_SOCKET: i32 = 1;
pub const SO_PASSCRED: i32 = 16;
pub const SO_RCVTIMEO_OLD: i32 = 20;
pub const SCM_RIGHTS: i32 = 1;
pub const SCM_CREDENTIALS: i32 = 2;
pub const MSG_DONTWAIT: u32 = 0x40;
pub const MSG_CMSG_CLOEXEC: u32 = 0x4000_0000;
pub const MSG_CTRUNC: i32 = 0x8;
pub const MSG_NOSIGNAL: u32 = 0x4000;

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct iovec {
    pub iov_base: *mut u8,
    pub iov_len: usize,
}
const_assert_eq!(size_of::<iovec>(), 2 * size_of::<usize>());
const_assert_eq!(align_of::<iovec>(), size_of::<usize>());
const_assert_eq!(offset_of!(iovec, iov_base), 0);
const_assert_eq!(offset_of!(iovec, iov_len), size_of::<usize>());

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct msghdr {
    pub msg_name: *mut u8,
    pub msg_namelen: u32,
    pub msg_iov: *mut iovec,
    pub msg_iovlen: usize,
    pub msg_control: *mut u8,
    pub msg_controllen: usize,
    pub msg_flags: i32,
}
const_assert_eq!(align_of::<msghdr>(), size_of::<usize>());
const_assert_eq!(offset_of!(msghdr, msg_name), 0);
#[cfg(target_pointer_width = "64")]
mod msghdr_layout {
    use super::*;
    const_assert_eq!(size_of::<msghdr>(), 56);
    const_assert_eq!(offset_of!(msghdr, msg_namelen), 8);
    const_assert_eq!(offset_of!(msghdr, msg_iov), 16);
    const_assert_eq!(offset_of!(msghdr, msg_iovlen), 24);
    const_assert_eq!(offset_of!(msghdr, msg_control), 32);
    const_assert_eq!(offset_of!(msghdr, msg_controllen), 40);
    const_assert_eq!(offset_of!(msghdr, msg_flags), 48);
}
#[cfg(target_pointer_width = "32")]
mod msghdr_layout {
    use super::*;
    const_assert_eq!(size_of::<msghdr>(), 28);
    const_assert_eq!(offset_of!(msghdr, msg_namelen), 4);
    const_assert_eq!(offset_of!(msghdr, msg_iov), 8);
    const_assert_eq!(offset_of!(msghdr, msg_iovlen), 12);
    const_assert_eq!(offset_of!(msghdr, msg_control), 16);
    const_assert_eq!(offset_of!(msghdr, msg_controllen), 20);
    const_assert_eq!(offset_of!(msghdr, msg_flags), 24);
}

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct cmsghdr {
    pub cmsg_len: usize,
    pub cmsg_level: i32,
    pub cmsg_type: i32,
}
#[cfg(target_pointer_width = "64")]
const_assert_eq!(size_of::<cmsghdr>(), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(size_of::<cmsghdr>(), 12);
const_assert_eq!(align_of::<cmsghdr>(), size_of::<usize>());
const_assert_eq!(offset_of!(cmsghdr, cmsg_len), 0);
const_assert_eq!(offset_of!(cmsghdr, cmsg_level), size_of::<usize>());
const_assert_eq!(offset_of!(cmsghdr, cmsg_type), size_of::<usize>() + 4);

#[repr(C)]
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq)]
pub struct ucred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}
const_assert_eq!(size_of::<ucred>(), 12);
const_assert_eq!(align_of::<ucred>(), 4);
const_assert_eq!(offset_of!(ucred, pid), 0);
const_assert_eq!(offset_of!(ucred, uid), 4);
const_assert_eq!(offset_of!(ucred, gid), 8);

/// `CMSG_ALIGN(len)`: rounded up to `sizeof(long)`.
pub const fn CMSG_ALIGN(len: usize) -> usize {
    (len + size_of::<usize>() - 1) & !(size_of::<usize>() - 1)
}
pub const fn CMSG_LEN(len: usize) -> usize {
    CMSG_ALIGN(size_of::<cmsghdr>()) + len
}
pub const fn CMSG_SPACE(len: usize) -> usize {
    CMSG_ALIGN(size_of::<cmsghdr>()) + CMSG_ALIGN(len)
}

// ---- uname ----
#[repr(C)]
#[derive(Copy, Clone)]
pub struct new_utsname {
    pub sysname: [u8; 65],
    pub nodename: [u8; 65],
    pub release: [u8; 65],
    pub version: [u8; 65],
    pub machine: [u8; 65],
    pub domainname: [u8; 65],
}
const_assert_eq!(size_of::<new_utsname>(), 390);
const_assert_eq!(align_of::<new_utsname>(), 1);
const_assert_eq!(offset_of!(new_utsname, sysname), 0);
const_assert_eq!(offset_of!(new_utsname, nodename), 65);
const_assert_eq!(offset_of!(new_utsname, release), 130);
const_assert_eq!(offset_of!(new_utsname, version), 195);
const_assert_eq!(offset_of!(new_utsname, machine), 260);
const_assert_eq!(offset_of!(new_utsname, domainname), 325);

// ---- nsfs (include/uapi/linux/nsfs.h) ----
pub const NSIO: u32 = 0xb7;
pub const NS_GET_USERNS: u32 = _IO(NSIO, 0x1);
pub const NS_GET_PARENT: u32 = _IO(NSIO, 0x2);
pub const NS_GET_NSTYPE: u32 = _IO(NSIO, 0x3);
pub const NS_GET_OWNER_UID: u32 = _IO(NSIO, 0x4);
pub const NS_GET_MNTNS_ID: u32 = _IOR(NSIO, 0x5, 8);
pub const NS_GET_PID_FROM_PIDNS: u32 = _IOR(NSIO, 0x6, 4);
pub const NS_GET_TGID_FROM_PIDNS: u32 = _IOR(NSIO, 0x7, 4);
pub const NS_GET_PID_IN_PIDNS: u32 = _IOR(NSIO, 0x8, 4);
pub const NS_GET_TGID_IN_PIDNS: u32 = _IOR(NSIO, 0x9, 4);
const_assert_eq!(NS_GET_USERNS, 0xb701);
const_assert_eq!(NS_GET_PARENT, 0xb702);
const_assert_eq!(NS_GET_NSTYPE, 0xb703);
const_assert_eq!(NS_GET_OWNER_UID, 0xb704);
const_assert_eq!(NS_GET_MNTNS_ID, 0x8008_b705);
const_assert_eq!(NS_GET_PID_FROM_PIDNS, 0x8004_b706);
const_assert_eq!(NS_GET_TGID_FROM_PIDNS, 0x8004_b707);
const_assert_eq!(NS_GET_PID_IN_PIDNS, 0x8004_b708);
const_assert_eq!(NS_GET_TGID_IN_PIDNS, 0x8004_b709);
const_assert_eq!(PIDFD_GET_CGROUP_NAMESPACE, 0xff01);
const_assert_eq!(PIDFD_GET_UTS_NAMESPACE, 0xff0a);

// ---- prctl ----
pub const PR_SET_PDEATHSIG: u32 = 1;
pub const PR_SET_NAME: u32 = 15;
pub const PR_SET_CHILD_SUBREAPER: u32 = 36;
pub const PR_GET_AUXV: u32 = 0x4155_5856;

// ---- terminal (for the kernel-matrix init) ----
pub const TCSBRK: u32 = 0x5409;

// ---- rt_sigaction (the kernel's `struct sigaction`, include/linux/
// signal_types.h: `sa_restorer` only where the arch defines SA_RESTORER,
// which x86, arm and arm64 do and riscv, on asm-generic/signal.h, does not) ----
pub const SIG_DFL: usize = 0;
pub const SIG_IGN: usize = 1;
pub const _NSIG: i32 = 64;
/// `unsigned long`s in a `sigset_t` (`_NSIG / _NSIG_BPW`).
pub const _NSIG_WORDS: usize = 64 / usize::BITS as usize;

#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct kernel_sigaction {
    pub sa_handler: usize,
    pub sa_flags: usize,
    #[cfg(not(target_arch = "riscv64"))]
    pub sa_restorer: usize,
    /// `sigset_t`: 64 bits as `unsigned long sig[_NSIG_WORDS]`, so only
    /// word-aligned (a `u64` would be 8-aligned on ARM EABI and move the
    /// field to offset 16).
    pub sa_mask: [usize; _NSIG_WORDS],
}
const_assert_eq!(align_of::<kernel_sigaction>(), size_of::<usize>());
const_assert_eq!(offset_of!(kernel_sigaction, sa_handler), 0);
const_assert_eq!(offset_of!(kernel_sigaction, sa_flags), size_of::<usize>());
#[cfg(not(target_arch = "riscv64"))]
const_assert_eq!(
    offset_of!(kernel_sigaction, sa_restorer),
    2 * size_of::<usize>()
);
#[cfg(all(target_pointer_width = "64", not(target_arch = "riscv64")))]
const_assert_eq!(size_of::<kernel_sigaction>(), 32);
#[cfg(all(target_pointer_width = "64", not(target_arch = "riscv64")))]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 24);
#[cfg(target_arch = "riscv64")]
const_assert_eq!(size_of::<kernel_sigaction>(), 24);
#[cfg(target_arch = "riscv64")]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(size_of::<kernel_sigaction>(), 20);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 12);

// ---- openat2 (include/uapi/linux/openat2.h, 5.6) ----
pub const RESOLVE_NO_XDEV: u64 = 0x01;
pub const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
pub const RESOLVE_NO_SYMLINKS: u64 = 0x04;
pub const RESOLVE_BENEATH: u64 = 0x08;
pub const RESOLVE_IN_ROOT: u64 = 0x10;

/// `struct open_how` (VER0, 24 bytes), all `__aligned_u64`.
#[repr(C, align(8))]
#[derive(Copy, Clone, Default, Debug)]
pub struct open_how {
    pub flags: u64,
    pub mode: u64,
    pub resolve: u64,
}
const_assert_eq!(size_of::<open_how>(), 24);
const_assert_eq!(align_of::<open_how>(), 8);
const_assert_eq!(offset_of!(open_how, flags), 0);
const_assert_eq!(offset_of!(open_how, mode), 8);
const_assert_eq!(offset_of!(open_how, resolve), 16);

#[cfg(test)]
mod tests;
