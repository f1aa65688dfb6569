//! `struct file_handle` for any filesystem, and the two syscalls that
//! make and use one: `name_to_handle_at` and `open_by_handle_at`.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::flags::{AtFlags, OFlags};
use crate::{raw, sys};
use core::ffi::CStr;
use core::fmt;
use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

/// `MAX_HANDLE_SZ`: the largest handle payload the kernel accepts (128
/// bytes).
///
/// # Kernel support
/// Every kernel; a larger `handle_bytes` is `EINVAL`.
pub const MAX_HANDLE_SZ: usize = raw::MAX_HANDLE_SZ;

/// `struct file_handle` with room for [`MAX_HANDLE_SZ`] payload bytes: the
/// kernel's 8-byte header (`handle_bytes: u32`, `handle_type: i32`)
/// followed by the opaque payload, for any filesystem.
///
/// 136 bytes, align 4, identical on i386, x86_64 and aarch64 (checked at
/// compile time). Equality and hashing look at the type and the used
/// payload bytes only.
///
/// # Kernel support
/// Every kernel (`name_to_handle_at` 2.6.39).
#[repr(C)]
#[derive(Copy, Clone)]
pub struct FileHandle {
    pub(crate) raw: raw::file_handle,
}

const_assert_eq!(size_of::<FileHandle>(), 8 + MAX_HANDLE_SZ);
const_assert_eq!(align_of::<FileHandle>(), 4);
const_assert_eq!(offset_of!(FileHandle, raw), 0);
const_assert_eq!(offset_of!(raw::file_handle, handle_bytes), 0);
const_assert_eq!(offset_of!(raw::file_handle, handle_type), 4);
const_assert_eq!(offset_of!(raw::file_handle, f_handle), 8);

impl FileHandle {
    /// An empty handle whose `handle_bytes` (the capacity offered to
    /// `name_to_handle_at`) is `capacity`, clamped to [`MAX_HANDLE_SZ`].
    ///
    /// A capacity that is too small makes [`name_to_handle_at_into`] fail
    /// with `EOVERFLOW` and leaves the size the kernel needs in
    /// [`handle_bytes`](FileHandle::handle_bytes).
    pub const fn with_capacity(capacity: usize) -> FileHandle {
        let cap = if capacity > MAX_HANDLE_SZ {
            MAX_HANDLE_SZ
        } else {
            capacity
        };
        FileHandle {
            raw: raw::file_handle {
                handle_bytes: cap as u32,
                handle_type: 0,
                f_handle: [0; MAX_HANDLE_SZ],
            },
        }
    }

    /// A handle built from its parts (e.g. read back from storage); `None`
    /// if `payload` is longer than [`MAX_HANDLE_SZ`].
    pub fn new(handle_type: i32, payload: &[u8]) -> Option<FileHandle> {
        if payload.len() > MAX_HANDLE_SZ {
            return None;
        }
        let mut fh = FileHandle::with_capacity(payload.len());
        fh.raw.handle_type = handle_type;
        fh.raw.f_handle[..payload.len()].copy_from_slice(payload);
        Some(fh)
    }

    /// `handle_type`: the filesystem's encoding (0xfe for pidfs).
    pub const fn handle_type(&self) -> i32 {
        self.raw.handle_type
    }

    /// `handle_bytes`: the payload length the kernel wrote (or, after an
    /// `EOVERFLOW`, the length it needs; before a call, the capacity).
    pub const fn handle_bytes(&self) -> u32 {
        self.raw.handle_bytes
    }

    /// The opaque payload: the first `handle_bytes` bytes of the buffer
    /// (at most [`MAX_HANDLE_SZ`]).
    pub fn as_bytes(&self) -> &[u8] {
        let n = (self.raw.handle_bytes as usize).min(MAX_HANDLE_SZ);
        &self.raw.f_handle[..n]
    }

    /// The kernel struct.
    pub const fn as_raw(&self) -> &raw::file_handle {
        &self.raw
    }
}

impl Default for FileHandle {
    /// [`FileHandle::with_capacity`]`(MAX_HANDLE_SZ)`.
    fn default() -> FileHandle {
        FileHandle::with_capacity(MAX_HANDLE_SZ)
    }
}

impl PartialEq for FileHandle {
    fn eq(&self, other: &FileHandle) -> bool {
        self.handle_type() == other.handle_type() && self.as_bytes() == other.as_bytes()
    }
}

impl Eq for FileHandle {}

impl core::hash::Hash for FileHandle {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.handle_type().hash(state);
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for FileHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Hex<'a>(&'a [u8]);
        impl fmt::Debug for Hex<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for b in self.0 {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
        }
        f.debug_struct("FileHandle")
            .field("handle_type", &self.handle_type())
            .field("handle_bytes", &self.handle_bytes())
            .field("f_handle", &Hex(self.as_bytes()))
            .finish()
    }
}

/// `name_to_handle_at(dirfd, path, fh, &mount_id, flags)`—One call with the
/// caller's buffer, no retry; returns the mount id.
///
/// `fh`'s [`handle_bytes`](FileHandle::handle_bytes) is the capacity
/// offered (see [`FileHandle::with_capacity`]). The mount id is the `int`
/// mount id, or with [`AtFlags::HANDLE_MNT_ID_UNIQUE`] the 64-bit unique
/// one (the kernel then writes 8 bytes; a u64 is always passed).
///
/// # Errors
/// `EOVERFLOW` the capacity is too small: `fh.handle_bytes()` then holds
/// the size the kernel needs; `EOPNOTSUPP` the filesystem cannot encode
/// handles (pidfds before 6.14); `EINVAL` bad flags (for a pidfd also
/// `HANDLE_CONNECTABLE`); `ENOENT` an empty path without `EMPTY_PATH`;
/// `ENOTDIR` a path below a non-directory (such as a pidfd).
///
/// # Kernel support
/// 2.6.39. `HANDLE_FID` 6.5, `HANDLE_MNT_ID_UNIQUE` 6.12,
/// `HANDLE_CONNECTABLE` 6.13 (`EINVAL` before each).
///
/// # References
/// name_to_handle_at(2)
pub fn name_to_handle_at_into(
    dirfd: impl AsFd,
    path: &CStr,
    fh: &mut FileHandle,
    flags: AtFlags,
) -> Result<u64> {
    let dirfd = dirfd.as_fd();
    let mut mount_id = 0u64;
    sys::name_to_handle_at(dirfd, path, &mut fh.raw, &mut mount_id, flags.bits())?;
    Ok(mount_id)
}

/// `name_to_handle_at(dirfd, path, fh, &mount_id, flags)`—Encode a file (a
/// pidfd with `""` and [`AtFlags::EMPTY_PATH`]) as a handle, and its mount
/// id.
///
/// Offers the full [`MAX_HANDLE_SZ`]; should the kernel still answer
/// `EOVERFLOW`, the call is retried once with the size it wrote back. The
/// mount id is as in [`name_to_handle_at_into`].
///
/// # Errors
/// As [`name_to_handle_at_into`]; `EOVERFLOW` only if the kernel asks for
/// more than [`MAX_HANDLE_SZ`] or twice in a row.
///
/// # Kernel support
/// 2.6.39; pidfds 6.14 (`EOPNOTSUPP` before). Flags as in
/// [`name_to_handle_at_into`].
///
/// # References
/// name_to_handle_at(2)
///
/// # Examples
/// ```
/// use pidfs::{AtFlags, Errno, name_to_handle_at};
/// let root = std::fs::File::open("/")?;
/// match name_to_handle_at(&root, c"proc", AtFlags::empty()) {
///     Ok((fh, _mount_id)) => assert!(fh.as_bytes().len() <= pidfs::MAX_HANDLE_SZ),
///     Err(Errno::EOPNOTSUPP | Errno::ENOENT) => {} // not every filesystem can
///     Err(e) => return Err(e.into()),
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn name_to_handle_at(
    dirfd: impl AsFd,
    path: &CStr,
    flags: AtFlags,
) -> Result<(FileHandle, u64)> {
    let dirfd = dirfd.as_fd();
    name_to_handle_at_from(dirfd, path, flags, MAX_HANDLE_SZ)
}

/// [`name_to_handle_at`] starting from an offered capacity of `initial`
/// bytes (clamped to [`MAX_HANDLE_SZ`]), so that the `EOVERFLOW` retry can
/// be exercised.
///
/// # Errors
/// As [`name_to_handle_at`].
///
/// # Kernel support
/// As [`name_to_handle_at`].
#[cfg_attr(not(feature = "test-hooks"), allow(dead_code))]
pub(crate) fn name_to_handle_at_from(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: AtFlags,
    initial: usize,
) -> Result<(FileHandle, u64)> {
    let mut cap = initial.min(MAX_HANDLE_SZ);
    // At most two tries: the kernel states the size it needs in the first
    // EOVERFLOW answer.
    for _ in 0..2 {
        let mut fh = FileHandle::with_capacity(cap);
        match name_to_handle_at_into(dirfd, path, &mut fh, flags) {
            Ok(mount_id) => return Ok((fh, mount_id)),
            Err(Errno::EOVERFLOW) => {
                let need = fh.handle_bytes() as usize;
                if need <= cap || need > MAX_HANDLE_SZ {
                    return Err(Errno::EOVERFLOW);
                }
                cap = need;
            }
            Err(e) => return Err(e),
        }
    }
    Err(Errno::EOVERFLOW)
}

/// `open_by_handle_at(mount_fd, handle, flags)`—Open the file a handle
/// names, on the filesystem of `mount_fd`.
///
/// `flags` are passed as given (`O_CLOEXEC` is *not* added; see
/// [`pidfd_from_handle`](super::pidfd_from_handle), which adds it). For pidfs, `mount_fd` is any
/// pidfd or [`FD_PIDFS_ROOT`](super::FD_PIDFS_ROOT), and only `RDONLY`, `WRONLY`, `RDWR`,
/// `NONBLOCK`, `CLOEXEC` and `EXCL` are accepted.
///
/// # Errors
/// `ESTALE` the file no longer exists (a reaped process, an id that never
/// existed, a process outside the caller's pid namespace); `EINVAL` flags
/// the filesystem refuses; `EBADF` a `mount_fd` that is no fd (such as
/// `FD_PIDFS_ROOT` before 6.17); `EPERM` a filesystem other than pidfs
/// without `CAP_DAC_READ_SEARCH`.
///
/// # Kernel support
/// 2.6.39; pidfs 6.14 (no capability needed), `FD_PIDFS_ROOT` 6.17.
///
/// # References
/// open_by_handle_at(2)
pub fn open_by_handle_at(
    mount_fd: impl AsFd,
    handle: &FileHandle,
    flags: OFlags,
) -> Result<OwnedFd> {
    let mount_fd = mount_fd.as_fd();
    sys::open_by_handle_at(mount_fd, &handle.raw, flags.bits())
}
