//! File descriptors: `OwnedFd`, `BorrowedFd<'fd>`, `AsFd` and friends.
//!
//! With the `std` feature (default) these are `std::os::fd`'s own types,
//! re-exported, so a `pidfs` fd *is* a std fd. Without `std` this module
//! provides equivalents with the same API and the same layout
//! (`repr(transparent)` over a C `int`, never -1); `OwnedFd` closes through
//! pidfs's raw entry point on drop, ignoring the result as std does (a
//! failed `close` has released the fd all the same, so it is never retried).
//!
//! # Safety
//!
//! `from_raw_fd`/`borrow_raw` are `unsafe`: the caller asserts that the
//! number is an open fd (or a kernel sentinel such as `PIDFD_SELF_THREAD`)
//! that it owns or borrows for the stated lifetime.
#![allow(unsafe_code)]

#[cfg(feature = "std")]
pub use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

#[cfg(not(feature = "std"))]
pub use imp::*;

#[cfg(not(feature = "std"))]
mod imp {
    use core::fmt;
    use core::marker::PhantomData;
    use core::mem::ManuallyDrop;

    /// A raw file descriptor, a C `int`.
    pub type RawFd = i32;

    /// A borrowed file descriptor, valid for `'fd`. Never -1.
    #[derive(Copy, Clone)]
    #[repr(transparent)]
    pub struct BorrowedFd<'fd> {
        fd: RawFd,
        _p: PhantomData<&'fd OwnedFd>,
    }

    /// An owned file descriptor, closed on drop. Never -1.
    #[repr(transparent)]
    pub struct OwnedFd {
        fd: RawFd,
    }

    impl BorrowedFd<'_> {
        /// Borrows a raw fd.
        ///
        /// # Safety
        /// `fd` must stay open for the returned lifetime and must not be -1.
        #[inline]
        pub const unsafe fn borrow_raw(fd: RawFd) -> Self {
            assert!(fd != -1, "BorrowedFd cannot be -1");
            BorrowedFd {
                fd,
                _p: PhantomData,
            }
        }

        /// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—a new owned fd for the same file.
        pub fn try_clone_to_owned(&self) -> crate::Result<OwnedFd> {
            crate::sys::dup_cloexec(*self)
        }
    }

    impl OwnedFd {
        /// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—a new owned fd for the same file.
        pub fn try_clone(&self) -> crate::Result<OwnedFd> {
            self.as_fd().try_clone_to_owned()
        }
    }

    impl Drop for OwnedFd {
        #[inline]
        fn drop(&mut self) {
            // SAFETY: this `OwnedFd` owns `fd` and is going away.
            unsafe { crate::sys::close_raw(self.fd) };
        }
    }

    /// Borrow a file descriptor.
    pub trait AsFd {
        /// Borrows the fd.
        fn as_fd(&self) -> BorrowedFd<'_>;
    }
    /// Extract the raw number.
    pub trait AsRawFd {
        /// The raw fd number; ownership stays where it is.
        fn as_raw_fd(&self) -> RawFd;
    }
    /// Take ownership of a raw fd.
    pub trait FromRawFd {
        /// Takes ownership of `fd`.
        ///
        /// # Safety
        /// `fd` must be open, owned by nobody else, and not -1.
        unsafe fn from_raw_fd(fd: RawFd) -> Self;
    }
    /// Give up ownership of an fd.
    pub trait IntoRawFd {
        /// Returns the raw fd without closing it.
        fn into_raw_fd(self) -> RawFd;
    }

    impl AsFd for OwnedFd {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            BorrowedFd {
                fd: self.fd,
                _p: PhantomData,
            }
        }
    }
    impl AsFd for BorrowedFd<'_> {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            *self
        }
    }
    impl<T: AsFd + ?Sized> AsFd for &T {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
    }
    impl AsRawFd for OwnedFd {
        #[inline]
        fn as_raw_fd(&self) -> RawFd {
            self.fd
        }
    }
    impl AsRawFd for BorrowedFd<'_> {
        #[inline]
        fn as_raw_fd(&self) -> RawFd {
            self.fd
        }
    }
    impl FromRawFd for OwnedFd {
        /// # Safety
        /// As [`FromRawFd::from_raw_fd`]: `fd` is open, owned by nobody
        /// else, and not -1.
        #[inline]
        unsafe fn from_raw_fd(fd: RawFd) -> Self {
            assert!(fd != -1, "OwnedFd cannot be -1");
            OwnedFd { fd }
        }
    }
    impl IntoRawFd for OwnedFd {
        #[inline]
        fn into_raw_fd(self) -> RawFd {
            ManuallyDrop::new(self).fd
        }
    }
    impl fmt::Debug for OwnedFd {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("OwnedFd").field("fd", &self.fd).finish()
        }
    }
    impl fmt::Debug for BorrowedFd<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("BorrowedFd").field("fd", &self.fd).finish()
        }
    }
}

/// `AT_FDCWD` as a borrowed fd: paths relative to the working directory.
#[inline]
pub(crate) fn fd_cwd() -> BorrowedFd<'static> {
    sentinel(crate::raw::AT_FDCWD)
}

/// A kernel sentinel fd (`AT_FDCWD`, `PIDFD_SELF_*`, `FD_PIDFS_ROOT`) as a
/// `BorrowedFd<'static>`.
///
/// Only for the kernel's reserved negative values, which are never open
/// fds of this process, never -1, and only passed to syscalls that know
/// them; a debug assertion checks the sign.
#[inline]
pub(crate) const fn sentinel(fd: RawFd) -> BorrowedFd<'static> {
    debug_assert!(fd < -1);
    // SAFETY: a reserved negative value (checked above in debug builds):
    // never a descriptor anyone owns, and not -1.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Errno, raw, sys};

    /// Dropping an `OwnedFd` closes it (in the std build std's type, in the
    /// no_std build this module's): afterwards `fcntl(F_GETFD)` is `EBADF`
    /// and /proc/self/fd has no entry. Checked in a forked, single-threaded
    /// child so no other test can reuse the number in between.
    #[test]
    fn drop_closes() {
        // SAFETY: fork in a test; the child only makes syscalls and exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let (r, w) = sys::pipe2(raw::O_CLOEXEC).unwrap();
            let n = r.as_raw_fd();
            let ok_open = sys::fcntl_getfd(r.as_fd()) == Ok(raw::FD_CLOEXEC)
                && std::path::Path::new(&std::format!("/proc/self/fd/{n}")).exists();
            drop(r);
            // SAFETY: only probes the number; no ownership is taken.
            let probe = unsafe { BorrowedFd::borrow_raw(n) };
            let closed = sys::fcntl_getfd(probe) == Err(Errno::EBADF)
                && !std::path::Path::new(&std::format!("/proc/self/fd/{n}")).exists();
            let into = w.into_raw_fd();
            // SAFETY: re-owning the fd just released by into_raw_fd.
            let w = unsafe { OwnedFd::from_raw_fd(into) };
            let still_open = sys::fcntl_getfd(w.as_fd()).is_ok();
            // SAFETY: leave the child without unwinding into the harness.
            unsafe {
                libc::_exit(if ok_open && closed && still_open {
                    0
                } else {
                    1
                })
            }
        }
        let mut status = 0;
        // SAFETY: our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "status {status:#x}"
        );
    }

    /// A raw write to a pipe comes back from a raw read, and a closed fd is
    /// `EBADF`.
    #[test]
    fn pipe_roundtrip_and_ebadf() {
        let (r, w) = sys::pipe2(raw::O_CLOEXEC).unwrap();
        assert_eq!(sys::write(w.as_fd(), b"pidfs"), Ok(5));
        let mut buf = [0u8; 8];
        assert_eq!(sys::read(r.as_fd(), &mut buf), Ok(5));
        assert_eq!(&buf[..5], b"pidfs");
        assert_eq!(sys::close(w), Ok(()));
        assert_eq!(
            sys::read(r.as_fd(), &mut buf),
            Ok(0),
            "EOF once the writer is closed"
        );
        // SAFETY: a number far above any fd this process has open.
        let bad = unsafe { BorrowedFd::borrow_raw(1 << 20) };
        assert_eq!(sys::write(bad, b"x"), Err(Errno::EBADF));
        assert_eq!(sys::read(bad, &mut buf), Err(Errno::EBADF));
    }
}
