//! `CLONE_*` and `struct clone_args` (include/uapi/linux/sched.h).

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

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
