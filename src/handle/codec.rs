//! The pidfs handle as a value: [`RawPidfsHandle`] (the kernel's bytes,
//! `repr(C, packed)`), [`PidfsHandle`] (the 64-bit id with its stable
//! 16-byte and 32-hex-digit encodings) and [`HandleError`]. Pure: no
//! syscalls; every decoder is fuzzed (`file_handle_decode`).

use super::file_handle::FileHandle;
use core::fmt;
use core::mem::{align_of, offset_of, size_of};
use core::str::FromStr;
use static_assertions::const_assert_eq;

/// `FILEID_KERNFS` (0xfe): the `handle_type` of a pidfs file handle.
///
/// # Kernel support
/// pidfs handles: 6.14.
pub const PIDFS_HANDLE_TYPE: i32 = crate::raw::FILEID_KERNFS;

/// The `handle_bytes` of a pidfs file handle: 8 (one u64).
///
/// # Kernel support
/// pidfs handles: 6.14.
pub const PIDFS_HANDLE_BYTES: u32 = 8;

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
/// [`pidfd_from_handle`](super::pidfd_from_handle).
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
    /// exists; [`pidfd_from_handle`](super::pidfd_from_handle) answers `ESTALE` if it does not).
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

/// [`PidfsHandle::from_bytes`] on exactly 16 bytes (what
/// [`PidfsHandle::to_bytes`] gives), so a stored array converts back
/// without a slice.
///
/// ```
/// let h = pidfs::PidfsHandle::from_id(42);
/// let bytes: [u8; 16] = h.into();
/// assert_eq!(pidfs::PidfsHandle::try_from(bytes), Ok(h));
/// ```
impl TryFrom<[u8; 16]> for PidfsHandle {
    type Error = HandleError;
    fn try_from(b: [u8; 16]) -> core::result::Result<PidfsHandle, HandleError> {
        PidfsHandle::from_bytes(&b)
    }
}

/// A `HandleError` as `std::io::Error` (`ErrorKind::InvalidData`, the
/// error itself as source and message), so `?` works in a function
/// returning `std::io::Result`.
///
/// ```
/// fn parse(s: &str) -> std::io::Result<pidfs::PidfsHandle> {
///     Ok(s.parse::<pidfs::PidfsHandle>()?)
/// }
/// let e = parse("1234").unwrap_err();
/// assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
/// ```
#[cfg(feature = "std")]
impl From<HandleError> for std::io::Error {
    fn from(e: HandleError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
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
}
