//! Unix sockets: `socketpair`, `setsockopt`, and `sendmsg`/`recvmsg`
//! carrying `SCM_CREDENTIALS`, with the pure control-message walk
//! ([`cmsgs`]) and credentials parser ([`parse_scm_credentials`]) beside
//! them. The parsers take whatever bytes a `recvmsg` left and never panic
//! (fuzzed: `scm_credentials_parse`).

use super::{fd_arg, owned};
use crate::arch::{self, Arg};
use crate::errno::{Result, decode, decode_void};
use crate::fd::{BorrowedFd, OwnedFd};
use crate::raw;
use core::mem::size_of;

pub(crate) fn socketpair(domain: u32, ty: u32, protocol: u32) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two ints into `fds`.
    decode_void(unsafe {
        arch::syscall4(
            arch::__NR_socketpair,
            Arg::uint(domain),
            Arg::uint(ty),
            Arg::uint(protocol),
            Arg::mut_ptr(fds.as_mut_ptr()),
        )
    })?;
    // SAFETY: two fresh descriptors the kernel just created for us.
    Ok(unsafe { (owned(fds[0]), owned(fds[1])) })
}

/// `setsockopt(fd, level, name, &value, 4)` for int options.
pub(crate) fn setsockopt_int(fd: BorrowedFd<'_>, level: i32, name: i32, value: i32) -> Result<()> {
    // SAFETY: the kernel reads 4 bytes from `value`.
    decode_void(unsafe {
        arch::syscall5(
            arch::__NR_setsockopt,
            fd_arg(fd),
            Arg::int(level),
            Arg::int(name),
            Arg::ptr(&value as *const i32),
            Arg::uint(4),
        )
    })
}

/// A control buffer with room for one `SCM_CREDENTIALS` message, aligned
/// for `struct cmsghdr`.
#[repr(C, align(8))]
struct CredCmsgBuf([u8; 64]);
const CRED_SPACE: usize = raw::CMSG_SPACE(size_of::<raw::ucred>());
const CRED_LEN: usize = raw::CMSG_LEN(size_of::<raw::ucred>());
const CMSG_HDR: usize = raw::CMSG_ALIGN(size_of::<raw::cmsghdr>());
const USZ: usize = size_of::<usize>();
static_assertions::const_assert!(CRED_SPACE <= 64);

/// `sendmsg(fd, {payload, [SCM_CREDENTIALS creds]}, flags)`: one datagram
/// carrying `payload` and, if given, explicit credentials (the kernel checks
/// them: `EPERM` for a pid other than the caller's without `CAP_SYS_ADMIN`,
/// `ESRCH` for a pid that does not exist in the caller's pid namespace).
pub(crate) fn send_creds(
    fd: BorrowedFd<'_>,
    payload: &[u8],
    creds: Option<&raw::ucred>,
    flags: u32,
) -> Result<usize> {
    let mut iov = raw::iovec {
        iov_base: payload.as_ptr() as *mut u8,
        iov_len: payload.len(),
    };
    let mut ctl = CredCmsgBuf([0; 64]);
    let controllen = match creds {
        Some(c) => {
            ctl.0[..USZ].copy_from_slice(&CRED_LEN.to_ne_bytes());
            ctl.0[USZ..USZ + 4].copy_from_slice(&raw::SOL_SOCKET.to_ne_bytes());
            ctl.0[USZ + 4..USZ + 8].copy_from_slice(&raw::SCM_CREDENTIALS.to_ne_bytes());
            ctl.0[CMSG_HDR..CMSG_HDR + 4].copy_from_slice(&c.pid.to_ne_bytes());
            ctl.0[CMSG_HDR + 4..CMSG_HDR + 8].copy_from_slice(&c.uid.to_ne_bytes());
            ctl.0[CMSG_HDR + 8..CMSG_HDR + 12].copy_from_slice(&c.gid.to_ne_bytes());
            CRED_SPACE
        }
        None => 0,
    };
    let msg = raw::msghdr {
        msg_name: core::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: &mut iov,
        msg_iovlen: 1,
        msg_control: if controllen == 0 {
            core::ptr::null_mut()
        } else {
            ctl.0.as_mut_ptr()
        },
        msg_controllen: controllen,
        msg_flags: 0,
    };
    // SAFETY: `msg` points at one iovec over `payload` (only read by the
    // kernel) and at `ctl`, `controllen` <= 64 bytes, all live across the call.
    decode(unsafe {
        arch::syscall3(
            arch::__NR_sendmsg,
            fd_arg(fd),
            Arg::ptr(&msg as *const raw::msghdr),
            Arg::uint(flags),
        )
    })
}

/// `recvmsg(fd, {payload}, flags)`: one datagram into `payload`, with the
/// `SCM_CREDENTIALS` it carried (present when `SO_PASSCRED` is on), already
/// translated by the kernel into the receiver's pid namespace. Any
/// `SCM_RIGHTS` descriptors that arrive are closed.
pub(crate) fn recv_creds(
    fd: BorrowedFd<'_>,
    payload: &mut [u8],
    flags: u32,
) -> Result<(usize, Option<raw::ucred>)> {
    let mut iov = raw::iovec {
        iov_base: payload.as_mut_ptr(),
        iov_len: payload.len(),
    };
    let mut ctl = CredCmsgBuf([0; 64]);
    let mut msg = raw::msghdr {
        msg_name: core::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: &mut iov,
        msg_iovlen: 1,
        msg_control: ctl.0.as_mut_ptr(),
        msg_controllen: ctl.0.len(),
        msg_flags: 0,
    };
    // SAFETY: `msg` points at one iovec over `payload` and at the 64-byte
    // `ctl`, both live and writable across the call.
    let n = decode(unsafe {
        arch::syscall3(
            arch::__NR_recvmsg,
            fd_arg(fd),
            Arg::mut_ptr(&mut msg as *mut raw::msghdr),
            Arg::uint(flags | raw::MSG_CMSG_CLOEXEC),
        )
    })?;
    let control = &ctl.0[..msg.msg_controllen.min(ctl.0.len())];
    for c in cmsgs(control) {
        if c.level == raw::SOL_SOCKET && c.ty == raw::SCM_RIGHTS {
            // Never expected here; close whatever arrived so nothing leaks.
            for fd in c.data.chunks_exact(4) {
                let fd = i32::from_ne_bytes([fd[0], fd[1], fd[2], fd[3]]);
                if fd >= 0 {
                    // SAFETY: SCM_RIGHTS descriptors are installed fresh in
                    // our table by this recvmsg; nothing else knows them.
                    drop(unsafe { owned(fd) });
                }
            }
        }
    }
    Ok((n, parse_scm_credentials(control)))
}

/// One control message of a `recvmsg` control buffer: its level, type and
/// data (`CMSG_DATA` up to `cmsg_len`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cmsg<'a> {
    /// `cmsg_level`.
    pub(crate) level: i32,
    /// `cmsg_type`.
    pub(crate) ty: i32,
    /// The data: `cmsg_len` minus the aligned header.
    pub(crate) data: &'a [u8],
}

/// `CMSG_FIRSTHDR`/`CMSG_NXTHDR` over a control buffer, as the kernel
/// lays it out for this target (`cmsg_len` is a native `usize`, messages
/// are `usize`-aligned). Pure: it stops at the first header that does not
/// fit, whose `cmsg_len` is shorter than a header or runs past the end, so
/// hostile bytes end the walk instead of panicking.
pub(crate) fn cmsgs(control: &[u8]) -> impl Iterator<Item = Cmsg<'_>> {
    let mut off = 0usize;
    core::iter::from_fn(move || {
        let rest = control.get(off..)?;
        let hdr = rest.get(..CMSG_HDR)?;
        let mut w = [0u8; USZ];
        w.copy_from_slice(&hdr[..USZ]);
        let len = usize::from_ne_bytes(w);
        let word = |i: usize| i32::from_ne_bytes([hdr[i], hdr[i + 1], hdr[i + 2], hdr[i + 3]]);
        let (level, ty) = (word(USZ), word(USZ + 4));
        if len < CMSG_HDR || len > rest.len() {
            off = control.len();
            return None;
        }
        // `len <= rest.len()`, so neither the alignment nor the sum wraps.
        off += raw::CMSG_ALIGN(len).min(rest.len());
        Some(Cmsg {
            level,
            ty,
            data: &rest[CMSG_HDR..len],
        })
    })
}

/// The `SCM_CREDENTIALS` (`struct ucred`) a `recvmsg` control buffer
/// carries: the last `SOL_SOCKET`/`SCM_CREDENTIALS` message with at least
/// 12 bytes of data, `None` if there is none. Pure, never panics.
pub(crate) fn parse_scm_credentials(control: &[u8]) -> Option<raw::ucred> {
    let mut creds = None;
    for c in cmsgs(control) {
        if c.level == raw::SOL_SOCKET && c.ty == raw::SCM_CREDENTIALS && c.data.len() >= 12 {
            let d = c.data;
            creds = Some(raw::ucred {
                pid: i32::from_ne_bytes([d[0], d[1], d[2], d[3]]),
                uid: u32::from_ne_bytes([d[4], d[5], d[6], d[7]]),
                gid: u32::from_ne_bytes([d[8], d[9], d[10], d[11]]),
            });
        }
    }
    creds
}
