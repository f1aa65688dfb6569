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
            BorrowedFd { fd, _p: PhantomData }
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
            crate::sys::close_raw(self.fd);
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
            BorrowedFd { fd: self.fd, _p: PhantomData }
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

/// Wraps a just-returned fd number (non-negative, fresh from the kernel).
#[inline]
pub(crate) fn owned(fd: i32) -> OwnedFd {
    // SAFETY: the kernel just returned `fd` as a new descriptor that nothing
    // else in this process owns; it is >= 0, so not -1.
    unsafe { OwnedFd::from_raw_fd(fd) }
}
