//! `mount` and `umount2`: what an init needs to give itself `/proc`,
//! `/sys`, `/dev` and `/run`.

use crate::errno::Result;
use crate::{raw, sys};
use core::ffi::CStr;

bitflags::bitflags! {
    /// `MS_*` flags for [`mount`].
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct MountFlags: u32 {
        /// `MS_RDONLY`.
        const RDONLY = raw::MS_RDONLY;
        /// `MS_NOSUID`.
        const NOSUID = raw::MS_NOSUID;
        /// `MS_NODEV`.
        const NODEV = raw::MS_NODEV;
        /// `MS_NOEXEC`.
        const NOEXEC = raw::MS_NOEXEC;
        /// `MS_REMOUNT`: change the flags of an existing mount.
        const REMOUNT = raw::MS_REMOUNT;
        /// `MS_BIND`: a bind mount of `source`.
        const BIND = raw::MS_BIND;
        /// `MS_MOVE`: move the mount at `source` to `target`.
        const MOVE = raw::MS_MOVE;
        /// `MS_REC`: with `BIND` or a propagation flag, the whole subtree.
        const REC = raw::MS_REC;
        /// `MS_PRIVATE`: no propagation.
        const PRIVATE = raw::MS_PRIVATE;
        /// `MS_SLAVE`.
        const SLAVE = raw::MS_SLAVE;
        /// `MS_SHARED`.
        const SHARED = raw::MS_SHARED;
        /// `MS_RELATIME`.
        const RELATIME = raw::MS_RELATIME;
    }
}

bitflags::bitflags! {
    /// `MNT_*`/`UMOUNT_*` flags for [`umount`].
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub struct UnmountFlags: u32 {
        /// `MNT_FORCE`.
        const FORCE = raw::MNT_FORCE;
        /// `MNT_DETACH`: lazy unmount.
        const DETACH = raw::MNT_DETACH;
        /// `UMOUNT_NOFOLLOW`: do not follow a symlink at `target`.
        const NOFOLLOW = raw::UMOUNT_NOFOLLOW;
    }
}

/// `mount(source, target, fstype, flags, data)`—attach a file system
/// (`fstype` `"proc"`, `"sysfs"`, `"devtmpfs"`, `"tmpfs"`, ...) at
/// `target`, or bind, move, remount or change propagation with `flags`.
///
/// # Errors
/// `EPERM` without `CAP_SYS_ADMIN` in the mount namespace's owning user
/// namespace (or a file system that may not be mounted there: `proc` needs
/// a pid namespace the caller's user namespace owns); `ENOENT` `target`
/// does not exist; `ENOTDIR` not a directory; `ENODEV` an `fstype` the
/// kernel does not know; `EBUSY` already mounted there (some types);
/// `EINVAL` flags or data the file system rejects.
///
/// # Kernel support
/// Every kernel (`devtmpfs` needs `CONFIG_DEVTMPFS`).
///
/// # Example
/// ```no_run
/// use pidfs::{MountFlags, mount};
/// let f = MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC;
/// mount(Some(c"proc"), c"/proc", Some(c"proc"), f, None).unwrap();
/// ```
///
/// # References
/// mount(2)
pub fn mount(
    source: Option<&CStr>,
    target: &CStr,
    fstype: Option<&CStr>,
    flags: MountFlags,
    data: Option<&CStr>,
) -> Result<()> {
    sys::mount(source, target, fstype, flags.bits(), data)
}

/// `umount2(target, flags)`—detach the file system mounted at `target`.
///
/// # Errors
/// `EINVAL` `target` is not a mount point, or an unknown flag; `EBUSY`
/// in use (without `DETACH`); `EPERM` no `CAP_SYS_ADMIN`; `ENOENT`.
///
/// # Kernel support
/// Every kernel (`UMOUNT_NOFOLLOW` 2.6.34).
///
/// # References
/// umount2(2)
pub fn umount(target: &CStr, flags: UnmountFlags) -> Result<()> {
    sys::umount2(target, flags.bits())
}
