//! `struct statx`, the statfs buffer and filesystem magic numbers (include/uapi/linux/stat.h, linux/magic.h).

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

// ---- statx / statfs ----
pub const STATX_TYPE: u32 = 0x1;
pub const STATX_INO: u32 = 0x100;
pub const PIDFS_MAGIC: u64 = 0x5049_4446;
pub const PROC_SUPER_MAGIC: u64 = 0x9fa0;
/// The inode number of a procfs root directory (`PROC_ROOT_INO`,
/// include/linux/proc_ns.h).
pub const PROC_ROOT_INO: u64 = 1;
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

// ---- mount (include/uapi/linux/mount.h) ----
pub const MS_RDONLY: u32 = 1;
pub const MS_NOSUID: u32 = 2;
pub const MS_NODEV: u32 = 4;
pub const MS_NOEXEC: u32 = 8;
pub const MS_REMOUNT: u32 = 32;
pub const MS_BIND: u32 = 4096;
pub const MS_MOVE: u32 = 8192;
pub const MS_REC: u32 = 16384;
pub const MS_PRIVATE: u32 = 1 << 18;
pub const MS_SLAVE: u32 = 1 << 19;
pub const MS_SHARED: u32 = 1 << 20;
pub const MS_RELATIME: u32 = 1 << 21;
pub const MNT_FORCE: u32 = 1;
pub const MNT_DETACH: u32 = 2;
pub const UMOUNT_NOFOLLOW: u32 = 8;
