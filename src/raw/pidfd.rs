//! pidfd constants, `struct pidfd_info` and the pidfd ioctls (include/uapi/linux/pidfd.h).

use super::*;
use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

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
