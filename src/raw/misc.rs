//! Clocks, `ppoll`, `uname`, `prctl` and terminal constants.

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

// ---- clocks ----
pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;

// ---- poll ----
pub const POLLIN: i16 = 0x1;
pub const POLLPRI: i16 = 0x2;
pub const POLLOUT: i16 = 0x4;
pub const POLLERR: i16 = 0x8;
pub const POLLHUP: i16 = 0x10;
pub const POLLNVAL: i16 = 0x20;

#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct pollfd {
    pub fd: i32,
    pub events: i16,
    pub revents: i16,
}
const_assert_eq!(size_of::<pollfd>(), 8);
const_assert_eq!(align_of::<pollfd>(), 4);
const_assert_eq!(offset_of!(pollfd, fd), 0);
const_assert_eq!(offset_of!(pollfd, events), 4);
const_assert_eq!(offset_of!(pollfd, revents), 6);

/// `struct __kernel_timespec`: 64-bit seconds on every target (what
/// `ppoll_time64` takes on i386 and ARM, and `ppoll` on 64-bit targets).
#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct __kernel_timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}
const_assert_eq!(size_of::<__kernel_timespec>(), 16);
const_assert_eq!(offset_of!(__kernel_timespec, tv_sec), 0);
const_assert_eq!(offset_of!(__kernel_timespec, tv_nsec), 8);
// `long long` is 4-aligned only in the i386 ABI (ARM EABI aligns it to 8).
#[cfg(target_arch = "x86")]
const_assert_eq!(align_of::<__kernel_timespec>(), 4);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(align_of::<__kernel_timespec>(), 8);

// ---- uname ----
#[repr(C)]
#[derive(Copy, Clone)]
pub struct new_utsname {
    pub sysname: [u8; 65],
    pub nodename: [u8; 65],
    pub release: [u8; 65],
    pub version: [u8; 65],
    pub machine: [u8; 65],
    pub domainname: [u8; 65],
}
impl new_utsname {
    pub const fn zeroed() -> new_utsname {
        new_utsname {
            sysname: [0; 65],
            nodename: [0; 65],
            release: [0; 65],
            version: [0; 65],
            machine: [0; 65],
            domainname: [0; 65],
        }
    }
}
const_assert_eq!(size_of::<new_utsname>(), 390);
const_assert_eq!(align_of::<new_utsname>(), 1);
const_assert_eq!(offset_of!(new_utsname, sysname), 0);
const_assert_eq!(offset_of!(new_utsname, nodename), 65);
const_assert_eq!(offset_of!(new_utsname, release), 130);
const_assert_eq!(offset_of!(new_utsname, version), 195);
const_assert_eq!(offset_of!(new_utsname, machine), 260);
const_assert_eq!(offset_of!(new_utsname, domainname), 325);

// ---- resource limits (linux/resource.h) ----
/// `struct rlimit64`, what `prlimit64` takes: two u64 on every target.
#[repr(C)]
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq)]
pub struct rlimit64 {
    pub rlim_cur: u64,
    pub rlim_max: u64,
}
const_assert_eq!(size_of::<rlimit64>(), 16);
const_assert_eq!(offset_of!(rlimit64, rlim_max), 8);
// Plain `__u64` fields (not `__aligned_u64`): 4-aligned on i386, as the
// kernel's compat layout is.
#[cfg(target_arch = "x86")]
const_assert_eq!(align_of::<rlimit64>(), 4);
#[cfg(not(target_arch = "x86"))]
const_assert_eq!(align_of::<rlimit64>(), 8);
pub const RLIM64_INFINITY: u64 = !0;
pub const RLIMIT_CPU: u32 = 0;
pub const RLIMIT_FSIZE: u32 = 1;
pub const RLIMIT_DATA: u32 = 2;
pub const RLIMIT_STACK: u32 = 3;
pub const RLIMIT_CORE: u32 = 4;
pub const RLIMIT_RSS: u32 = 5;
pub const RLIMIT_NPROC: u32 = 6;
pub const RLIMIT_NOFILE: u32 = 7;
pub const RLIMIT_MEMLOCK: u32 = 8;
pub const RLIMIT_AS: u32 = 9;
pub const RLIMIT_LOCKS: u32 = 10;
pub const RLIMIT_SIGPENDING: u32 = 11;
pub const RLIMIT_MSGQUEUE: u32 = 12;
pub const RLIMIT_NICE: u32 = 13;
pub const RLIMIT_RTPRIO: u32 = 14;
pub const RLIMIT_RTTIME: u32 = 15;

// ---- prctl ----
pub const PR_SET_PDEATHSIG: u32 = 1;
pub const PR_SET_NAME: u32 = 15;
pub const PR_SET_CHILD_SUBREAPER: u32 = 36;
pub const PR_GET_CHILD_SUBREAPER: u32 = 37;
pub const PR_GET_NAME: u32 = 16;
pub const PR_GET_PDEATHSIG: u32 = 2;
pub const PR_GET_AUXV: u32 = 0x4155_5856;

// ---- terminal (for the kernel-matrix init) ----
pub const TCSBRK: u32 = 0x5409;
