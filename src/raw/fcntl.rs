//! Open flags, `AT_*`, `struct file_handle` and `struct open_how` (include/uapi/linux/fcntl.h, asm-generic/fcntl.h, linux/exportfs.h, linux/openat2.h).

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

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
