//! Unix sockets and control messages (include/uapi/linux/socket.h, asm-generic/socket.h).

use super::{O_CLOEXEC, O_NONBLOCK};
use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

// ---- sockets ----
pub const AF_UNIX: u32 = 1;
pub const SOCK_STREAM: u32 = 1;
pub const SOCK_DGRAM: u32 = 2;
pub const SOCK_CLOEXEC: u32 = O_CLOEXEC;
pub const SOCK_NONBLOCK: u32 = O_NONBLOCK;
pub const SOL_SOCKET: i32 = 1;
pub const SO_PASSCRED: i32 = 16;
pub const SO_RCVTIMEO_OLD: i32 = 20;
pub const SCM_RIGHTS: i32 = 1;
pub const SCM_CREDENTIALS: i32 = 2;
pub const MSG_DONTWAIT: u32 = 0x40;
pub const MSG_CMSG_CLOEXEC: u32 = 0x4000_0000;
pub const MSG_CTRUNC: i32 = 0x8;
pub const MSG_NOSIGNAL: u32 = 0x4000;

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct iovec {
    pub iov_base: *mut u8,
    pub iov_len: usize,
}
const_assert_eq!(size_of::<iovec>(), 2 * size_of::<usize>());
const_assert_eq!(align_of::<iovec>(), size_of::<usize>());
const_assert_eq!(offset_of!(iovec, iov_base), 0);
const_assert_eq!(offset_of!(iovec, iov_len), size_of::<usize>());

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct msghdr {
    pub msg_name: *mut u8,
    pub msg_namelen: u32,
    pub msg_iov: *mut iovec,
    pub msg_iovlen: usize,
    pub msg_control: *mut u8,
    pub msg_controllen: usize,
    pub msg_flags: i32,
}
const_assert_eq!(align_of::<msghdr>(), size_of::<usize>());
const_assert_eq!(offset_of!(msghdr, msg_name), 0);
#[cfg(target_pointer_width = "64")]
mod msghdr_layout {
    use super::*;
    const_assert_eq!(size_of::<msghdr>(), 56);
    const_assert_eq!(offset_of!(msghdr, msg_namelen), 8);
    const_assert_eq!(offset_of!(msghdr, msg_iov), 16);
    const_assert_eq!(offset_of!(msghdr, msg_iovlen), 24);
    const_assert_eq!(offset_of!(msghdr, msg_control), 32);
    const_assert_eq!(offset_of!(msghdr, msg_controllen), 40);
    const_assert_eq!(offset_of!(msghdr, msg_flags), 48);
}
#[cfg(target_pointer_width = "32")]
mod msghdr_layout {
    use super::*;
    const_assert_eq!(size_of::<msghdr>(), 28);
    const_assert_eq!(offset_of!(msghdr, msg_namelen), 4);
    const_assert_eq!(offset_of!(msghdr, msg_iov), 8);
    const_assert_eq!(offset_of!(msghdr, msg_iovlen), 12);
    const_assert_eq!(offset_of!(msghdr, msg_control), 16);
    const_assert_eq!(offset_of!(msghdr, msg_controllen), 20);
    const_assert_eq!(offset_of!(msghdr, msg_flags), 24);
}

#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct cmsghdr {
    pub cmsg_len: usize,
    pub cmsg_level: i32,
    pub cmsg_type: i32,
}
#[cfg(target_pointer_width = "64")]
const_assert_eq!(size_of::<cmsghdr>(), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(size_of::<cmsghdr>(), 12);
const_assert_eq!(align_of::<cmsghdr>(), size_of::<usize>());
const_assert_eq!(offset_of!(cmsghdr, cmsg_len), 0);
const_assert_eq!(offset_of!(cmsghdr, cmsg_level), size_of::<usize>());
const_assert_eq!(offset_of!(cmsghdr, cmsg_type), size_of::<usize>() + 4);

#[repr(C)]
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq)]
pub struct ucred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}
const_assert_eq!(size_of::<ucred>(), 12);
const_assert_eq!(align_of::<ucred>(), 4);
const_assert_eq!(offset_of!(ucred, pid), 0);
const_assert_eq!(offset_of!(ucred, uid), 4);
const_assert_eq!(offset_of!(ucred, gid), 8);

/// `CMSG_ALIGN(len)`: rounded up to `sizeof(long)`.
pub const fn CMSG_ALIGN(len: usize) -> usize {
    (len + size_of::<usize>() - 1) & !(size_of::<usize>() - 1)
}
pub const fn CMSG_LEN(len: usize) -> usize {
    CMSG_ALIGN(size_of::<cmsghdr>()) + len
}
pub const fn CMSG_SPACE(len: usize) -> usize {
    CMSG_ALIGN(size_of::<cmsghdr>()) + CMSG_ALIGN(len)
}
