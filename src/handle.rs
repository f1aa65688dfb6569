//! File handles: `name_to_handle_at` / `open_by_handle_at` for any
//! filesystem, and pidfs handles, a process's 64-bit identity in a stable,
//! storable, architecture-independent 16-byte form.
//!
//! A pidfs file handle (Linux 6.14+) is what `name_to_handle_at(pidfd, "",
//! AT_EMPTY_PATH)` returns for a pidfd: `handle_type` 0xfe
//! (`FILEID_KERNFS`), 8 payload bytes holding the process's pidfs inode
//! number, a u64 that is never reused while the system is up. Unlike a pid
//! it can be written to a file or sent to another process, read back after
//! a re-exec or by a binary of another architecture on the same kernel, and
//! turned into a pidfd again with `open_by_handle_at` as long as the
//! process has not been reaped; after that the answer is `ESTALE`, never a
//! different process.
//!
//! [`PidfsHandle`] is that identity. Its byte encoding
//! ([`PidfsHandle::to_bytes`]) is fixed and little-endian on every target;
//! the kernel's in-memory form ([`RawPidfsHandle`], native-endian) is only
//! used at the syscall boundary.
//!
//! # Kernel support
//! `name_to_handle_at`/`open_by_handle_at` exist on every supported kernel.
//! pidfs handles need 6.14 (`EOPNOTSUPP` from [`pidfd_to_handle`] before);
//! [`FD_PIDFS_ROOT`] as a mount fd needs 6.17 (`EBADF` before, and
//! [`pidfd_from_handle`] then uses a pidfd of the caller as mount fd).

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd, OwnedFd};
use crate::flags::{AtFlags, OFlags};
use crate::pidfd::{FD_PIDFS_ROOT, PidFd};
use crate::{raw, sys};
use core::ffi::CStr;
use core::fmt;
use core::mem::{align_of, offset_of, size_of};
use core::str::FromStr;
use core::sync::atomic::{AtomicU8, Ordering};
use static_assertions::const_assert_eq;

/// `MAX_HANDLE_SZ`: the largest handle payload the kernel accepts (128
/// bytes).
///
/// # Kernel support
/// Every kernel; a larger `handle_bytes` is `EINVAL`.
pub const MAX_HANDLE_SZ: usize = raw::MAX_HANDLE_SZ;

/// `FILEID_KERNFS` (0xfe): the `handle_type` of a pidfs file handle.
///
/// # Kernel support
/// pidfs handles: 6.14.
pub const PIDFS_HANDLE_TYPE: i32 = raw::FILEID_KERNFS;

/// The `handle_bytes` of a pidfs file handle: 8 (one u64).
///
/// # Kernel support
/// pidfs handles: 6.14.
pub const PIDFS_HANDLE_BYTES: u32 = 8;

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
    raw: raw::file_handle,
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
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    fh: &mut FileHandle,
    flags: AtFlags,
) -> Result<u64> {
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
pub fn name_to_handle_at(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: AtFlags,
) -> Result<(FileHandle, u64)> {
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
#[doc(hidden)]
pub fn name_to_handle_at_from(
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
/// [`pidfd_from_handle`], which adds it). For pidfs, `mount_fd` is any
/// pidfd or [`FD_PIDFS_ROOT`], and only `RDONLY`, `WRONLY`, `RDWR`,
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
    mount_fd: BorrowedFd<'_>,
    handle: &FileHandle,
    flags: OFlags,
) -> Result<OwnedFd> {
    sys::open_by_handle_at(mount_fd, &handle.raw, flags.bits())
}

/// The kernel's in-memory pidfs file handle: the `struct file_handle`
/// header followed by its 8-byte payload, `#[repr(C, packed)]`.
///
/// 16 bytes, align 1, fields at offsets 0, 4 and 8 on i386, x86_64 and
/// aarch64 alike (static assertions, compiled for all three targets).
///
/// # Why packed
/// A plain `#[repr(C)]` struct `{ u32, i32, u64 }` happens to be 16 bytes
/// with the u64 at offset 8 everywhere, yet it is *not* the same type on
/// every target: the i386 System V ABI aligns a `u64` to 4 (inside
/// structs, which is what `align_of::<u64>()` reports on i686), x86_64 and
/// aarch64 align it to 8. So the struct's alignment is 4 on i386 and 8 on
/// the 64-bit targets, and everything built from it differs: embedded
/// after a `u32` in another struct it lands at offset 4 (size 20) on i386
/// but at offset 8 (size 24) on x86_64; a byte buffer that is 4- but not
/// 8-aligned may hold one on i386 but not on x86_64; and the kernel's own
/// `struct file_handle` is only 4-aligned, so its payload cannot be viewed
/// as such a struct on 64-bit targets at all. The private
/// `ReprCPidfsHandle` in this module's source pins these differences with
/// compile-time assertions per target.
///
/// `packed` sets the alignment to 1 and forbids padding: the layout is
/// fixed byte by byte and no longer depends on the ABI, so the struct can
/// sit at any offset of any buffer, on any supported target. The price
/// is that fields must be read by value (copied), never by reference —
/// which is all this crate does.
///
/// The fields are native-endian, as the kernel writes them; the stable,
/// little-endian storage form is [`PidfsHandle::to_bytes`].
///
/// # Kernel support
/// pidfs handles: 6.14.
#[repr(C, packed)]
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct RawPidfsHandle {
    /// `handle_bytes`: 8.
    pub handle_bytes: u32,
    /// `handle_type`: 0xfe (`FILEID_KERNFS`).
    pub handle_type: i32,
    /// The payload: the pidfs inode number, the process's 64-bit id.
    pub ino: u64,
}

const_assert_eq!(size_of::<RawPidfsHandle>(), 16);
const_assert_eq!(align_of::<RawPidfsHandle>(), 1);
const_assert_eq!(offset_of!(RawPidfsHandle, handle_bytes), 0);
const_assert_eq!(offset_of!(RawPidfsHandle, handle_type), 4);
const_assert_eq!(offset_of!(RawPidfsHandle, ino), 8);
// Embedded anywhere, it stays put: no padding before it, on every target.
const_assert_eq!(size_of::<[RawPidfsHandle; 3]>(), 48);

/// What `RawPidfsHandle` would be without `packed`: the layout assertions
/// below show that it differs between i386 (u64 4-aligned) and the other
/// targets (64-bit ones and ARM EABI align u64 to 8).
#[repr(C)]
#[allow(dead_code)]
struct ReprCPidfsHandle {
    handle_bytes: u32,
    handle_type: i32,
    ino: u64,
}

/// A plain `#[repr(C)]` struct holding a u32 and then the handle.
#[repr(C)]
#[allow(dead_code)]
struct EmbeddedReprC {
    tag: u32,
    handle: ReprCPidfsHandle,
}

/// The same with the packed handle.
#[repr(C)]
#[allow(dead_code)]
struct EmbeddedPacked {
    tag: u32,
    handle: RawPidfsHandle,
}

const_assert_eq!(size_of::<ReprCPidfsHandle>(), 16);
const_assert_eq!(offset_of!(ReprCPidfsHandle, ino), 8);
#[cfg(target_arch = "x86")]
const_assert_eq!(align_of::<ReprCPidfsHandle>(), 4);
#[cfg(target_arch = "x86")]
const_assert_eq!(offset_of!(EmbeddedReprC, handle), 4);
#[cfg(target_arch = "x86")]
const_assert_eq!(size_of::<EmbeddedReprC>(), 20);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(align_of::<ReprCPidfsHandle>(), 8);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(offset_of!(EmbeddedReprC, handle), 8);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(size_of::<EmbeddedReprC>(), 24);
const_assert_eq!(offset_of!(EmbeddedPacked, handle), 4);
const_assert_eq!(size_of::<EmbeddedPacked>(), 20);
const_assert_eq!(align_of::<EmbeddedPacked>(), 4);

impl RawPidfsHandle {
    /// The 16 bytes as they sit in the kernel's `struct file_handle`
    /// (native-endian fields).
    pub const fn to_ne_bytes(self) -> [u8; 16] {
        let a = self.handle_bytes.to_ne_bytes();
        let b = self.handle_type.to_ne_bytes();
        let c = self.ino.to_ne_bytes();
        [
            a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2], c[3], c[4], c[5],
            c[6], c[7],
        ]
    }

    /// Reads the kernel's in-memory form (native-endian fields); no check.
    pub const fn from_ne_bytes(b: [u8; 16]) -> RawPidfsHandle {
        RawPidfsHandle {
            handle_bytes: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            handle_type: i32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            ino: u64::from_ne_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]),
        }
    }

    /// Reads a kernel-filled [`FileHandle`]: header fields as they are, the
    /// payload's first 8 bytes (zero-padded if shorter) as a native-endian
    /// u64. No check; see [`PidfsHandle::from_file_handle`].
    pub fn from_file_handle(fh: &FileHandle) -> RawPidfsHandle {
        let mut ino = [0u8; 8];
        let p = fh.as_bytes();
        let n = p.len().min(8);
        ino[..n].copy_from_slice(&p[..n]);
        RawPidfsHandle {
            handle_bytes: fh.handle_bytes(),
            handle_type: fh.handle_type(),
            ino: u64::from_ne_bytes(ino),
        }
    }

    /// The `struct file_handle` the kernel expects for this handle.
    pub fn to_file_handle(self) -> FileHandle {
        let mut fh = FileHandle::with_capacity(8);
        fh.raw.handle_bytes = self.handle_bytes;
        fh.raw.handle_type = self.handle_type;
        let ino = self.ino;
        fh.raw.f_handle[..8].copy_from_slice(&ino.to_ne_bytes());
        fh
    }
}

impl From<PidfsHandle> for RawPidfsHandle {
    fn from(h: PidfsHandle) -> RawPidfsHandle {
        RawPidfsHandle {
            handle_bytes: PIDFS_HANDLE_BYTES,
            handle_type: PIDFS_HANDLE_TYPE,
            ino: h.id,
        }
    }
}

impl TryFrom<RawPidfsHandle> for PidfsHandle {
    type Error = HandleError;
    fn try_from(r: RawPidfsHandle) -> core::result::Result<PidfsHandle, HandleError> {
        let (handle_bytes, handle_type, ino) = (r.handle_bytes, r.handle_type, r.ino);
        check_header(handle_bytes, handle_type)?;
        Ok(PidfsHandle { id: ino })
    }
}

/// Why bytes, text or a [`FileHandle`] are not a pidfs handle.
///
/// # Kernel support
/// Pure decoding; no kernel involved.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandleError {
    /// The input has `len` bytes (or hex digits) where `expected` are
    /// needed (16 bytes, 32 hex digits).
    BadLength {
        /// Length found.
        len: usize,
        /// Length required.
        expected: usize,
    },
    /// `handle_bytes` is not 8: the encoding's version field, so this is a
    /// handle format this crate does not know (a future kernel's, or not a
    /// pidfs handle at all).
    BadVersion {
        /// The `handle_bytes` found.
        handle_bytes: u32,
    },
    /// `handle_type` is not 0xfe (`FILEID_KERNFS`).
    BadType {
        /// The `handle_type` found.
        handle_type: i32,
    },
    /// The text form has a character that is not a hex digit at byte
    /// offset `at`.
    BadHex {
        /// Byte offset of the first bad character.
        at: usize,
    },
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HandleError::BadLength { len, expected } => {
                write!(f, "pidfs handle: length {len}, expected {expected}")
            }
            HandleError::BadVersion { handle_bytes } => {
                write!(
                    f,
                    "pidfs handle: unknown version (handle_bytes {handle_bytes}, expected 8)"
                )
            }
            HandleError::BadType { handle_type } => {
                write!(
                    f,
                    "pidfs handle: handle_type {handle_type:#x}, expected 0xfe"
                )
            }
            HandleError::BadHex { at } => write!(f, "pidfs handle: not a hex digit at offset {at}"),
        }
    }
}

impl core::error::Error for HandleError {}

fn check_header(handle_bytes: u32, handle_type: i32) -> core::result::Result<(), HandleError> {
    if handle_bytes != PIDFS_HANDLE_BYTES {
        return Err(HandleError::BadVersion { handle_bytes });
    }
    if handle_type != PIDFS_HANDLE_TYPE {
        return Err(HandleError::BadType { handle_type });
    }
    Ok(())
}

/// A pidfs file handle: a process's 64-bit id, unique for the system's
/// uptime, in a form that can be stored and reopened with
/// [`pidfd_from_handle`].
///
/// # Encoding (stable, identical from every target)
/// [`to_bytes`](PidfsHandle::to_bytes) gives 16 bytes:
///
/// | bytes | field | value |
/// |---|---|---|
/// | 0..4 | `handle_bytes` | 8, u32 little-endian |
/// | 4..8 | `handle_type` | 0xfe, i32 little-endian |
/// | 8..16 | id | u64 little-endian |
///
/// The header is the version: a future kernel format would be a new
/// `handle_bytes`/`handle_type` pair, which [`from_bytes`](PidfsHandle::from_bytes)
/// rejects ([`HandleError::BadVersion`], [`HandleError::BadType`]) rather
/// than misread. The text form ([`Display`](fmt::Display) /
/// [`FromStr`]) is those 16 bytes as 32 lowercase hex digits, in order;
/// parsing also takes uppercase.
///
/// # Kernel support
/// pidfs handles: 6.14.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PidfsHandle {
    id: u64,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl PidfsHandle {
    /// Length of [`to_bytes`](PidfsHandle::to_bytes): 16.
    pub const LEN: usize = 16;
    /// Length of the text form: 32 hex digits.
    pub const HEX_LEN: usize = 32;

    /// The handle of the process whose 64-bit id is `id` (no check that it
    /// exists; [`pidfd_from_handle`] answers `ESTALE` if it does not).
    pub const fn from_id(id: u64) -> PidfsHandle {
        PidfsHandle { id }
    }

    /// The process's 64-bit id (its pidfs inode number; `statx().stx_ino`
    /// of its pidfd on 64-bit kernels).
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The stable 16-byte encoding (see the type's docs).
    pub const fn to_bytes(&self) -> [u8; 16] {
        let a = PIDFS_HANDLE_BYTES.to_le_bytes();
        let b = PIDFS_HANDLE_TYPE.to_le_bytes();
        let c = self.id.to_le_bytes();
        [
            a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2], c[3], c[4], c[5],
            c[6], c[7],
        ]
    }

    /// Decodes [`to_bytes`](PidfsHandle::to_bytes)'s form.
    ///
    /// # Errors
    /// [`HandleError::BadLength`] unless exactly 16 bytes;
    /// [`HandleError::BadVersion`] if `handle_bytes` is not 8;
    /// [`HandleError::BadType`] if `handle_type` is not 0xfe. Never panics.
    pub fn from_bytes(bytes: &[u8]) -> core::result::Result<PidfsHandle, HandleError> {
        let b: &[u8; 16] = bytes.try_into().map_err(|_| HandleError::BadLength {
            len: bytes.len(),
            expected: PidfsHandle::LEN,
        })?;
        let handle_bytes = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let handle_type = i32::from_le_bytes([b[4], b[5], b[6], b[7]]);
        check_header(handle_bytes, handle_type)?;
        let id = u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        Ok(PidfsHandle { id })
    }

    /// The text form as ASCII: 32 lowercase hex digits.
    pub const fn to_hex(&self) -> [u8; 32] {
        let b = self.to_bytes();
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 16 {
            out[2 * i] = HEX[(b[i] >> 4) as usize];
            out[2 * i + 1] = HEX[(b[i] & 0xf) as usize];
            i += 1;
        }
        out
    }

    /// Checks a kernel-filled [`FileHandle`] and takes its id (the payload
    /// is the native-endian u64 the kernel wrote).
    ///
    /// # Errors
    /// [`HandleError::BadVersion`] if `handle_bytes` is not 8,
    /// [`HandleError::BadType`] if `handle_type` is not 0xfe.
    pub fn from_file_handle(fh: &FileHandle) -> core::result::Result<PidfsHandle, HandleError> {
        PidfsHandle::try_from(RawPidfsHandle::from_file_handle(fh))
    }

    /// The `struct file_handle` to give `open_by_handle_at`.
    pub fn to_file_handle(&self) -> FileHandle {
        RawPidfsHandle::from(*self).to_file_handle()
    }
}

impl fmt::Display for PidfsHandle {
    /// 32 lowercase hex digits (honours width and alignment).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        match core::str::from_utf8(&hex) {
            Ok(s) => f.pad(s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl FromStr for PidfsHandle {
    type Err = HandleError;

    /// Parses 32 hex digits (either case) into the 16-byte form and decodes
    /// it with [`PidfsHandle::from_bytes`].
    fn from_str(s: &str) -> core::result::Result<PidfsHandle, HandleError> {
        let s = s.as_bytes();
        if s.len() != PidfsHandle::HEX_LEN {
            return Err(HandleError::BadLength {
                len: s.len(),
                expected: PidfsHandle::HEX_LEN,
            });
        }
        let mut b = [0u8; 16];
        for (i, out) in b.iter_mut().enumerate() {
            let hi = hex_val(s[2 * i]).ok_or(HandleError::BadHex { at: 2 * i })?;
            let lo = hex_val(s[2 * i + 1]).ok_or(HandleError::BadHex { at: 2 * i + 1 })?;
            *out = (hi << 4) | lo;
        }
        PidfsHandle::from_bytes(&b)
    }
}

impl TryFrom<&[u8]> for PidfsHandle {
    type Error = HandleError;
    /// [`PidfsHandle::from_bytes`].
    fn try_from(b: &[u8]) -> core::result::Result<PidfsHandle, HandleError> {
        PidfsHandle::from_bytes(b)
    }
}

impl From<PidfsHandle> for [u8; 16] {
    fn from(h: PidfsHandle) -> [u8; 16] {
        h.to_bytes()
    }
}

/// `name_to_handle_at(pidfd, "", AT_EMPTY_PATH)`—The pidfs handle (the
/// 64-bit id) of the process a pidfd names.
///
/// The kernel writes `handle_type` 0xfe, `handle_bytes` 8 and the
/// native-endian u64 id; on 32-bit kernels too the full 64 bits, which
/// makes this the one 64-bit-safe process identity there. Works for
/// exited and not yet reaped processes as for live ones. Any pidfd works,
/// including one for a process outside the caller's pid namespace.
///
/// # Errors
/// `EOPNOTSUPP` the kernel has no pidfs file handles (before 6.14: pidfds
/// are anon inodes before 6.9, pidfs without export operations from 6.9);
/// `EBADF` `pidfd` is no fd, or an fd whose handle is not a pidfs handle
/// (a regular file; note that other kernfs filesystems such as cgroup2 use
/// the same handle shape, so pass only pidfds).
///
/// # Kernel support
/// 6.14 (`EOPNOTSUPP` before; [`pidfd_id`](crate::pidfd_id) gives the id
/// from `statx` on 6.9+ 64-bit kernels).
///
/// # References
/// name_to_handle_at(2)
pub fn pidfd_to_handle(pidfd: BorrowedFd<'_>) -> Result<PidfsHandle> {
    let mut fh = FileHandle::default();
    name_to_handle_at_into(pidfd, c"", &mut fh, AtFlags::EMPTY_PATH)?;
    PidfsHandle::from_file_handle(&fh).map_err(|_| Errno::EBADF)
}

const MOUNT_UNKNOWN: u8 = 0;
const MOUNT_PIDFS_ROOT: u8 = 1;
const MOUNT_SELF_PIDFD: u8 = 2;

/// Which mount fd [`pidfd_from_handle`] uses: learnt at the first call.
static MOUNT_FD_KIND: AtomicU8 = AtomicU8::new(MOUNT_UNKNOWN);

fn open_with_self_pidfd(fh: &FileHandle, flags: OFlags) -> Result<OwnedFd> {
    let me = sys::pidfd_open(sys::getpid(), 0)?;
    open_by_handle_at(me.as_fd(), fh, flags)
}

/// [`pidfd_from_handle`]'s fallback for kernels 6.14 to 6.16, callable on
/// any kernel so that it stays tested: `open_by_handle_at` with a pidfd of
/// the caller (`pidfd_open(getpid(), 0)`, closed again) as mount fd, flags
/// `| O_CLOEXEC`.
///
/// # Errors
/// As [`pidfd_from_handle`].
///
/// # Kernel support
/// 6.14.
#[doc(hidden)]
pub fn pidfd_from_handle_via_own_pidfd(handle: &PidfsHandle, flags: OFlags) -> Result<OwnedFd> {
    open_with_self_pidfd(&handle.to_file_handle(), flags | OFlags::CLOEXEC)
}

/// `open_by_handle_at(FD_PIDFS_ROOT, handle, flags | O_CLOEXEC)`—Reopen a
/// pidfd for the process a stored handle names.
///
/// The mount fd is [`FD_PIDFS_ROOT`] (6.17+). Where the kernel answers
/// `EBADF` for it (6.14 to 6.16), a pidfd this process opens for itself
/// (`pidfd_open(getpid(), 0)`, closed again) is used instead; which one
/// works is learnt once and cached in an atomic. `O_CLOEXEC` is always
/// added, as `pidfd_open` pidfds have it (`open_by_handle_at` alone does
/// not). `flags` may add `NONBLOCK` (a `PIDFD_NONBLOCK` pidfd); `RDONLY`,
/// `WRONLY` and `RDWR` are accepted and change nothing. `EXCL` (the value
/// of `PIDFD_THREAD`) is accepted too: kernels 6.14 to 6.18 drop it (no
/// `PIDFD_THREAD` pidfd); 7.x kernels keep it in the file's flags
/// (`F_GETFL` shows `O_EXCL`, as on a `PIDFD_THREAD` pidfd), so do not rely
/// on either; open a thread pidfd with `pidfd_open` instead.
///
/// # Errors
/// `ESTALE` the process has been reaped, never existed, or is not visible
/// in the caller's pid namespace (a zombie still reopens); `EINVAL` any
/// other flag; `EOPNOTSUPP` or `ESTALE` on kernels without pidfs handles.
///
/// # Kernel support
/// 6.14; `FD_PIDFS_ROOT` 6.17, with the fallback above before.
///
/// # References
/// open_by_handle_at(2)
pub fn pidfd_from_handle(handle: &PidfsHandle, flags: OFlags) -> Result<OwnedFd> {
    let fh = handle.to_file_handle();
    let flags = flags | OFlags::CLOEXEC;
    if MOUNT_FD_KIND.load(Ordering::Relaxed) == MOUNT_SELF_PIDFD {
        return open_with_self_pidfd(&fh, flags);
    }
    match open_by_handle_at(FD_PIDFS_ROOT, &fh, flags) {
        Err(Errno::EBADF) => {
            MOUNT_FD_KIND.store(MOUNT_SELF_PIDFD, Ordering::Relaxed);
            open_with_self_pidfd(&fh, flags)
        }
        r => {
            if r.is_ok() {
                MOUNT_FD_KIND.store(MOUNT_PIDFS_ROOT, Ordering::Relaxed);
            }
            r
        }
    }
}

impl PidFd {
    /// [`pidfd_to_handle`]—This process's pidfs handle (its 64-bit id).
    ///
    /// # Errors
    /// As [`pidfd_to_handle`]: `EOPNOTSUPP` before 6.14.
    ///
    /// # Kernel support
    /// 6.14.
    pub fn to_handle(&self) -> Result<PidfsHandle> {
        pidfd_to_handle(self.as_fd())
    }

    /// [`pidfd_from_handle`]—Reopen a pidfd from a stored handle
    /// (`O_CLOEXEC` always added).
    ///
    /// # Errors
    /// As [`pidfd_from_handle`]: `ESTALE` once the process is reaped.
    ///
    /// # Kernel support
    /// 6.14; `FD_PIDFS_ROOT` 6.17 (fallback before).
    pub fn from_handle(handle: &PidfsHandle, flags: OFlags) -> Result<PidFd> {
        pidfd_from_handle(handle, flags).map(PidFd::from)
    }
}

/// The body of the `file_handle_decode` fuzz target, replayed over the
/// checked-in corpus by `cargo test` on every target.
///
/// Decodes `data` as bytes ([`PidfsHandle::from_bytes`]), as text
/// ([`FromStr`], when it is UTF-8) and as a `FileHandle` (`handle_type`
/// from the first 4 bytes, the rest as payload), and checks that every
/// answer is consistent with the input: the error names the real defect,
/// and whatever decodes encodes back to the same bytes and text. Panics
/// only if one of those invariants is broken (that is the finding).
#[doc(hidden)]
pub fn fuzz_decode(data: &[u8]) {
    // Bytes.
    match PidfsHandle::from_bytes(data) {
        Ok(h) => {
            assert_eq!(&h.to_bytes()[..], data);
            assert_eq!(
                u64::from_le_bytes(h.to_bytes()[8..].try_into().unwrap_or([0; 8])),
                h.id()
            );
            assert_eq!(PidfsHandle::from_id(h.id()), h);
            let hex = h.to_hex();
            let s = core::str::from_utf8(&hex).unwrap_or("");
            assert_eq!(s.parse::<PidfsHandle>(), Ok(h));
            let mut upper = hex;
            upper.make_ascii_uppercase();
            assert_eq!(
                core::str::from_utf8(&upper)
                    .unwrap_or("")
                    .parse::<PidfsHandle>(),
                Ok(h)
            );
            let mut buf = crate::path::FmtBuf::<64>::new();
            assert!(fmt::Write::write_fmt(&mut buf, format_args!("{h}")).is_ok());
            assert_eq!(buf.as_bytes(), &hex[..]);
            assert_eq!(PidfsHandle::from_file_handle(&h.to_file_handle()), Ok(h));
            assert_eq!(PidfsHandle::try_from(RawPidfsHandle::from(h)), Ok(h));
        }
        Err(HandleError::BadLength { len, expected }) => {
            assert_eq!((len, expected), (data.len(), 16));
            assert_ne!(len, 16);
        }
        Err(HandleError::BadVersion { handle_bytes }) => {
            assert_eq!(data.len(), 16);
            assert_eq!(handle_bytes.to_le_bytes(), data[..4]);
            assert_ne!(handle_bytes, 8);
        }
        Err(HandleError::BadType { handle_type }) => {
            assert_eq!(data.len(), 16);
            assert_eq!(data[..4], 8u32.to_le_bytes());
            assert_eq!(handle_type.to_le_bytes(), data[4..8]);
            assert_ne!(handle_type, 0xfe);
        }
        Err(e @ HandleError::BadHex { .. }) => panic!("from_bytes gave {e:?}"),
    }

    // Text.
    if let Ok(s) = core::str::from_utf8(data) {
        match s.parse::<PidfsHandle>() {
            Ok(h) => {
                assert_eq!(s.len(), 32);
                assert!(h.to_hex().eq_ignore_ascii_case(s.as_bytes()));
            }
            Err(HandleError::BadLength { len, expected }) => {
                assert_eq!((len, expected), (s.len(), 32));
                assert_ne!(len, 32);
            }
            Err(HandleError::BadHex { at }) => {
                assert_eq!(s.len(), 32);
                assert!(!s.as_bytes()[at].is_ascii_hexdigit());
                assert!(s.as_bytes()[..at].iter().all(u8::is_ascii_hexdigit));
            }
            Err(HandleError::BadVersion { .. } | HandleError::BadType { .. }) => {
                assert_eq!(s.len(), 32);
                assert!(s.bytes().all(|c| c.is_ascii_hexdigit()));
            }
        }
    }

    // A FileHandle made from the input: type from the first 4 bytes.
    if let Some((ty, payload)) = data.split_first_chunk::<4>() {
        let ty = i32::from_le_bytes(*ty);
        match FileHandle::new(ty, payload) {
            None => assert!(payload.len() > MAX_HANDLE_SZ),
            Some(fh) => {
                assert_eq!(fh.as_bytes(), payload);
                assert_eq!(fh.handle_type(), ty);
                match PidfsHandle::from_file_handle(&fh) {
                    Ok(h) => {
                        assert_eq!((payload.len(), ty), (8, 0xfe));
                        assert_eq!(h.to_file_handle(), fh);
                    }
                    Err(HandleError::BadVersion { handle_bytes }) => {
                        assert_eq!(handle_bytes as usize, payload.len());
                        assert_ne!(handle_bytes, 8);
                    }
                    Err(HandleError::BadType { handle_type }) => {
                        assert_eq!(payload.len(), 8);
                        assert_eq!(handle_type, ty);
                    }
                    Err(e) => panic!("from_file_handle gave {e:?}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_little_endian_and_versioned() {
        let h = PidfsHandle::from_id(0x0102_0304_0506_0708);
        assert_eq!(
            h.to_bytes(),
            [8, 0, 0, 0, 0xfe, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]
        );
        assert_eq!(&h.to_hex(), b"08000000fe0000000807060504030201");
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn raw_form_matches_storage_form_on_little_endian() {
        let h = PidfsHandle::from_id(0xdead_beef_0000_0042);
        assert_eq!(RawPidfsHandle::from(h).to_ne_bytes(), h.to_bytes());
        assert_eq!(
            RawPidfsHandle::from_ne_bytes(h.to_bytes()),
            RawPidfsHandle::from(h)
        );
    }

    #[test]
    fn fuzz_body_accepts_edge_inputs() {
        for d in [
            &b""[..],
            &[0u8; 16],
            &PidfsHandle::from_id(7).to_bytes(),
            &[0xff; 200],
            b"0800000",
        ] {
            fuzz_decode(d);
        }
    }
}
