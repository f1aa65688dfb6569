//! Stack buffers (no allocation): paths such as `/proc/<pid>/status`, and
//! a `fmt::Write` target for checking `Display` output.

use crate::errno::{Errno, Result};
use core::ffi::CStr;

/// A NUL-terminated path built on the stack.
pub(crate) struct PathBuf {
    buf: [u8; 96],
    len: usize,
    overflow: bool,
}

impl PathBuf {
    pub(crate) fn new() -> PathBuf {
        PathBuf {
            buf: [0; 96],
            len: 0,
            overflow: false,
        }
    }
    pub(crate) fn push(&mut self, s: &[u8]) {
        // Keep one byte for the NUL; reject interior NULs.
        if self.len + s.len() >= self.buf.len() || s.contains(&0) {
            self.overflow = true;
            return;
        }
        self.buf[self.len..self.len + s.len()].copy_from_slice(s);
        self.len += s.len();
    }
    pub(crate) fn push_u32(&mut self, mut v: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }
    /// `/proc/<pid>/<leaf>`.
    pub(crate) fn proc(pid: i32, leaf: &[u8]) -> PathBuf {
        let mut p = PathBuf::new();
        p.push(b"/proc/");
        p.push_u32(pid as u32);
        p.push(b"/");
        p.push(leaf);
        p
    }
    /// The path with its NUL; `ENAMETOOLONG` if a push did not fit.
    pub(crate) fn as_cstr(&mut self) -> Result<&CStr> {
        if self.overflow {
            return Err(Errno::ENAMETOOLONG);
        }
        self.buf[self.len] = 0;
        CStr::from_bytes_with_nul(&self.buf[..=self.len]).map_err(|_| Errno::EINVAL)
    }
}

#[cfg(any(
    test,
    feature = "test-hooks",
    all(feature = "rt", not(feature = "std"))
))]
/// A fixed stack buffer that `write!` can fill; writes past its end fail
/// with `fmt::Error`.
pub(crate) struct FmtBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

#[cfg(any(
    test,
    feature = "test-hooks",
    all(feature = "rt", not(feature = "std"))
))]
impl<const N: usize> FmtBuf<N> {
    pub(crate) const fn new() -> Self {
        FmtBuf {
            buf: [0; N],
            len: 0,
        }
    }
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(any(
    test,
    feature = "test-hooks",
    all(feature = "rt", not(feature = "std"))
))]
impl<const N: usize> core::fmt::Write for FmtBuf<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let b = s.as_bytes();
        let end = self
            .len
            .checked_add(b.len())
            .filter(|&e| e <= N)
            .ok_or(core::fmt::Error)?;
        self.buf[self.len..end].copy_from_slice(b);
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths are built without allocation; one that does not fit in the
    /// buffer, or has an interior NUL, is `ENAMETOOLONG`, never a cut path.
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
}
