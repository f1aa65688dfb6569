//! `PIDFD_GET_INFO`: what a pidfd's process is (pids, credentials, cgroup,
//! exit status), with a race-free /proc fallback for kernels before 6.13,
//! and the 64-bit process identity.

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, BorrowedFd};
use crate::flags::InfoMask;
use crate::procfs;
use crate::wait::WaitStatus;
use crate::{raw, sys};
use core::mem::{align_of, offset_of, size_of};
use core::sync::atomic::{AtomicU8, Ordering};
use static_assertions::const_assert_eq;

mod id;
pub use id::pidfd_id;

/// `struct pidfd_info`: the answer of [`pidfd_get_info`], in the kernel's
/// 80-byte layout (6.19; older kernels fill a 64- or 72-byte prefix).
///
/// Each accessor returns `None` unless the kernel (or the fallback) set
/// the field's bit in [`mask`](PidfdInfo::mask).
#[derive(Copy, Clone, Default, PartialEq, Eq)]
#[repr(C)]
pub struct PidfdInfo {
    raw: raw::pidfd_info,
}
const_assert_eq!(size_of::<PidfdInfo>(), 80);
const_assert_eq!(align_of::<PidfdInfo>(), 8);
const_assert_eq!(offset_of!(PidfdInfo, raw), 0);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, mask),
    0
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, cgroupid),
    8
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, pid),
    16
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, fsgid),
    56
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, exit_code),
    60
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, coredump_mask),
    64
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, coredump_signal),
    68
);
const_assert_eq!(
    offset_of!(PidfdInfo, raw) + offset_of!(raw::pidfd_info, supported_mask),
    72
);

/// The size of the struct: 80 bytes (`PIDFD_INFO_SIZE_VER2`).
pub const PIDFD_INFO_SIZE: usize = size_of::<PidfdInfo>();

impl PidfdInfo {
    fn has(&self, bit: InfoMask) -> bool {
        self.raw.mask & bit.bits() != 0
    }

    fn get<T>(&self, bit: InfoMask, v: T) -> Option<T> {
        if self.has(bit) { Some(v) } else { None }
    }

    /// `mask`: what the kernel filled (bits it does not know are kept).
    pub fn mask(&self) -> InfoMask {
        InfoMask::from_bits_retain(self.raw.mask)
    }
    /// `pid` (`PIDFD_INFO_PID`), in the caller's pid namespace.
    pub fn pid(&self) -> Option<i32> {
        self.get(InfoMask::PID, self.raw.pid as i32)
    }
    /// `tgid` (`PIDFD_INFO_PID`).
    pub fn tgid(&self) -> Option<i32> {
        self.get(InfoMask::PID, self.raw.tgid as i32)
    }
    /// `ppid` (`PIDFD_INFO_PID`); 0 when the parent is outside the
    /// caller's pid namespace.
    pub fn ppid(&self) -> Option<i32> {
        self.get(InfoMask::PID, self.raw.ppid as i32)
    }
    /// `ruid` (`PIDFD_INFO_CREDS`).
    pub fn ruid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.ruid)
    }
    /// `rgid` (`PIDFD_INFO_CREDS`).
    pub fn rgid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.rgid)
    }
    /// `euid` (`PIDFD_INFO_CREDS`).
    pub fn euid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.euid)
    }
    /// `egid` (`PIDFD_INFO_CREDS`).
    pub fn egid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.egid)
    }
    /// `suid` (`PIDFD_INFO_CREDS`).
    pub fn suid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.suid)
    }
    /// `sgid` (`PIDFD_INFO_CREDS`).
    pub fn sgid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.sgid)
    }
    /// `fsuid` (`PIDFD_INFO_CREDS`).
    pub fn fsuid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.fsuid)
    }
    /// `fsgid` (`PIDFD_INFO_CREDS`).
    pub fn fsgid(&self) -> Option<u32> {
        self.get(InfoMask::CREDS, self.raw.fsgid)
    }
    /// `cgroupid` (`PIDFD_INFO_CGROUPID`): the cgroup2 id; never set on a
    /// cgroup-v1-only system.
    pub fn cgroupid(&self) -> Option<u64> {
        self.get(InfoMask::CGROUPID, self.raw.cgroupid)
    }
    /// `exit_code` (`PIDFD_INFO_EXIT`, 6.15): a classic wait status
    /// (decode it with [`WaitStatus::from_raw`] or
    /// [`wait_status`](PidfdInfo::wait_status)); set once the process has
    /// exited and been reaped.
    pub fn exit_code(&self) -> Option<i32> {
        self.get(InfoMask::EXIT, self.raw.exit_code)
    }
    /// [`exit_code`](PidfdInfo::exit_code) decoded.
    pub fn wait_status(&self) -> Option<WaitStatus> {
        self.exit_code().and_then(WaitStatus::from_raw)
    }
    /// `coredump_mask` (`PIDFD_INFO_COREDUMP`, 6.16).
    pub fn coredump_mask(&self) -> Option<u32> {
        self.get(InfoMask::COREDUMP, self.raw.coredump_mask)
    }
    /// `coredump_signal` (`PIDFD_INFO_COREDUMP_SIGNAL`, 6.19).
    pub fn coredump_signal(&self) -> Option<u32> {
        self.get(InfoMask::COREDUMP_SIGNAL, self.raw.coredump_signal)
    }
    /// `supported_mask` (`PIDFD_INFO_SUPPORTED_MASK`, 6.19): every bit this
    /// kernel knows.
    pub fn supported_mask(&self) -> Option<InfoMask> {
        self.get(
            InfoMask::SUPPORTED_MASK,
            InfoMask::from_bits_retain(self.raw.supported_mask),
        )
    }
    /// The raw kernel struct.
    pub fn as_raw(&self) -> &raw::pidfd_info {
        &self.raw
    }
    /// Wraps a raw kernel struct.
    pub fn from_raw(raw: raw::pidfd_info) -> PidfdInfo {
        PidfdInfo { raw }
    }

    /// Decodes the bytes a kernel wrote: 64 (6.13), 72 (6.16) or 80 (6.19)
    /// bytes in native byte order; missing tail fields are zero. Any other
    /// length gives `None`. Pure, never panics (fuzzed).
    pub fn from_bytes(bytes: &[u8]) -> Option<PidfdInfo> {
        if !matches!(
            bytes.len(),
            raw::PIDFD_INFO_SIZE_VER0 | raw::PIDFD_INFO_SIZE_VER1 | raw::PIDFD_INFO_SIZE_VER2
        ) {
            return None;
        }
        let mut b = [0u8; PIDFD_INFO_SIZE];
        b[..bytes.len()].copy_from_slice(bytes);
        let u64_at = |o: usize| {
            u64::from_ne_bytes([
                b[o],
                b[o + 1],
                b[o + 2],
                b[o + 3],
                b[o + 4],
                b[o + 5],
                b[o + 6],
                b[o + 7],
            ])
        };
        let u32_at = |o: usize| u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        Some(PidfdInfo {
            raw: raw::pidfd_info {
                mask: u64_at(0),
                cgroupid: u64_at(8),
                pid: u32_at(16),
                tgid: u32_at(20),
                ppid: u32_at(24),
                ruid: u32_at(28),
                rgid: u32_at(32),
                euid: u32_at(36),
                egid: u32_at(40),
                suid: u32_at(44),
                sgid: u32_at(48),
                fsuid: u32_at(52),
                fsgid: u32_at(56),
                exit_code: u32_at(60) as i32,
                coredump_mask: u32_at(64),
                coredump_signal: u32_at(68),
                supported_mask: u64_at(72),
            },
        })
    }

    /// The 80 bytes in native byte order (the inverse of
    /// [`from_bytes`](PidfdInfo::from_bytes)).
    pub fn to_bytes(&self) -> [u8; PIDFD_INFO_SIZE] {
        let r = &self.raw;
        let mut b = [0u8; PIDFD_INFO_SIZE];
        b[0..8].copy_from_slice(&r.mask.to_ne_bytes());
        b[8..16].copy_from_slice(&r.cgroupid.to_ne_bytes());
        let words = [
            r.pid,
            r.tgid,
            r.ppid,
            r.ruid,
            r.rgid,
            r.euid,
            r.egid,
            r.suid,
            r.sgid,
            r.fsuid,
            r.fsgid,
            r.exit_code as u32,
            r.coredump_mask,
            r.coredump_signal,
        ];
        for (i, w) in words.iter().enumerate() {
            b[16 + 4 * i..20 + 4 * i].copy_from_slice(&w.to_ne_bytes());
        }
        b[72..80].copy_from_slice(&r.supported_mask.to_ne_bytes());
        b
    }
}

impl core::fmt::Debug for PidfdInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PidfdInfo")
            .field("mask", &self.mask())
            .field("pid", &self.pid())
            .field("tgid", &self.tgid())
            .field("ppid", &self.ppid())
            .field("ruid", &self.ruid())
            .field("euid", &self.euid())
            .field("rgid", &self.rgid())
            .field("egid", &self.egid())
            .field("cgroupid", &self.cgroupid())
            .field("exit_code", &self.exit_code())
            .field("coredump_mask", &self.coredump_mask())
            .field("coredump_signal", &self.coredump_signal())
            .field("supported_mask", &self.supported_mask())
            .finish()
    }
}

/// Which `PIDFD_GET_INFO` request this kernel takes: 0 not probed yet,
/// 1 the 80-byte one, 2 only the 64-byte one, 3 none (use /proc).
static GET_INFO_KIND: AtomicU8 = AtomicU8::new(KIND_UNKNOWN);
const KIND_UNKNOWN: u8 = 0;
const KIND_VER2: u8 = 1;
const KIND_VER0: u8 = 2;
const KIND_NONE: u8 = 3;

fn unsupported(e: Errno) -> bool {
    matches!(e, Errno::ENOTTY | Errno::EINVAL | Errno::ENOSYS)
}

/// `ioctl(pidfd, PIDFD_GET_INFO, &info)`—Pids, credentials, cgroup and
/// exit status of the process a pidfd names.
///
/// `mask` says what to fetch; [`InfoMask::PID`] and [`InfoMask::CREDS`]
/// come back always. The answer's [`mask`](PidfdInfo::mask) says what was
/// filled. It first tries the 80-byte request (6.16+ take it), then the
/// 64-byte one (6.13-6.15 match the request number exactly), and caches
/// which one this kernel takes.
///
/// Where neither exists (kernels before 6.13 answer `ENOTTY`, 6.12
/// `EINVAL`; qemu-user `ENOTTY`/`ENOSYS`) it falls back to /proc: the pid
/// from the pidfd's fdinfo `Pid:`, tgid, ppid and the eight ids from
/// `/proc/<pid>/status`, then `pidfd_send_signal(pidfd, 0)` confirms that
/// the process is still alive so the pid was not reused in between; the
/// answer's mask is then exactly `PID | CREDS` (nothing else is
/// available there). The fallback's pids are those of the pid namespace
/// `/proc` was mounted from (the caller's, unless the caller moved into
/// another pid namespace without remounting `/proc`).
///
/// # Errors
/// `ESRCH` the process has been reaped (and `EXIT` was not requested, or
/// the kernel predates it), or (fallback) it was reaped while being read;
/// `EREMOTE` (6.18+; `ESRCH` before and in the fallback) it lives outside
/// the caller's pid namespace; `EBADF` not a pidfd.
///
/// # Kernel support
/// 6.13 for the ioctl, `EXIT` 6.15, `COREDUMP` 6.16, `SUPPORTED_MASK` and
/// `COREDUMP_SIGNAL` 6.19. The /proc fallback on 5.3+ gives the same
/// `PID` and `CREDS`.
///
/// # Examples
/// ```
/// use pidfs::{InfoMask, PidFd, PidfdFlags, getpid, pidfd_get_info};
/// let me = PidFd::open(getpid(), PidfdFlags::empty())?;
/// // The ioctl on 6.13+, the race-free /proc fallback before: same answer.
/// let info = pidfd_get_info(&me, InfoMask::PID | InfoMask::CREDS)?;
/// assert_eq!(info.pid(), Some(getpid()));
/// assert!(info.mask().contains(InfoMask::PID | InfoMask::CREDS));
/// # Ok::<(), pidfs::Errno>(())
/// ```
#[doc(alias = "PIDFD_GET_INFO")]
pub fn pidfd_get_info(pidfd: impl AsFd, mask: InfoMask) -> Result<PidfdInfo> {
    let pidfd = pidfd.as_fd();
    let kind = GET_INFO_KIND.load(Ordering::Relaxed);
    match kind {
        KIND_VER2 => return get_info_ioctl(pidfd, raw::PIDFD_GET_INFO_VER2, mask),
        KIND_VER0 => return get_info_ioctl(pidfd, raw::PIDFD_GET_INFO, mask),
        KIND_NONE => return pidfd_get_info_fallback(pidfd, mask),
        _ => {}
    }
    // Not probed yet. A kernel that does not know the 80-byte request may
    // answer ENOTTY/EINVAL, or (6.15, before it matches the request by
    // number only) look the task up first and say ESRCH for a reaped one
    // whose EXIT the 64-byte request would give: so any error from the
    // long request tries the short one.
    if let Ok(info) = get_info_ioctl(pidfd, raw::PIDFD_GET_INFO_VER2, mask) {
        GET_INFO_KIND.store(KIND_VER2, Ordering::Relaxed);
        return Ok(info);
    }
    match get_info_ioctl(pidfd, raw::PIDFD_GET_INFO, mask) {
        Ok(info) => {
            GET_INFO_KIND.store(KIND_VER0, Ordering::Relaxed);
            Ok(info)
        }
        Err(e) if unsupported(e) => {
            // Do not cache a verdict from a call on something that is not
            // a pidfd (ENOTTY/EINVAL from another file's ioctl).
            if !is_pidfd_fs(pidfd) {
                return Err(Errno::EBADF);
            }
            GET_INFO_KIND.store(KIND_NONE, Ordering::Relaxed);
            pidfd_get_info_fallback(pidfd, mask)
        }
        Err(e) => Err(e),
    }
}

fn get_info_ioctl(pidfd: BorrowedFd<'_>, request: u32, mask: InfoMask) -> Result<PidfdInfo> {
    let mut info = PidfdInfo::default();
    info.raw.mask = mask.bits();
    sys::pidfd_get_info(pidfd, request, &mut info.raw)?;
    Ok(info)
}

fn is_pidfd_fs(fd: BorrowedFd<'_>) -> bool {
    matches!(
        sys::fstatfs_type(fd),
        Ok(raw::PIDFS_MAGIC | raw::ANON_INODE_FS_MAGIC)
    )
}

/// The /proc fallback of [`pidfd_get_info`]: `/proc/<pid>/status` read
/// under the crate's one rule (`procfs::pinned`: the pid read from the
/// fdinfo, the file read, the process then seen alive). Fills `PID` and
/// `CREDS` (whatever `mask` asks) and says so in the answer's mask.
pub(crate) fn pidfd_get_info_fallback(pidfd: BorrowedFd<'_>, _mask: InfoMask) -> Result<PidfdInfo> {
    // The status file is read to its end (a process with thousands of
    // supplementary groups has one past any fixed buffer).
    let (pid, st) = procfs::pinned(pidfd, procfs::pidfd_pid_or_esrch, |pid| {
        (pid, procfs::status_of(pid))
    })?
    .or_esrch()?;
    let st = st?;
    let [ruid, euid, suid, fsuid] = st.creds.uid;
    let [rgid, egid, sgid, fsgid] = st.creds.gid;
    Ok(PidfdInfo {
        raw: raw::pidfd_info {
            mask: (InfoMask::PID | InfoMask::CREDS).bits(),
            pid: pid as u32,
            tgid: st.tgid as u32,
            ppid: st.ppid as u32,
            ruid,
            rgid,
            euid,
            egid,
            suid,
            sgid,
            fsuid,
            fsgid,
            ..raw::pidfd_info::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_bytes_lengths() {
        assert!(PidfdInfo::from_bytes(&[]).is_none());
        assert!(PidfdInfo::from_bytes(&[0; 63]).is_none());
        assert!(PidfdInfo::from_bytes(&[0; 81]).is_none());
        for n in [64, 72, 80] {
            let i = PidfdInfo::from_bytes(&[0xff; 80][..n]).unwrap();
            assert_eq!(i.pid(), Some(-1));
            assert!(i.supported_mask().is_some());
            assert_eq!(
                i.coredump_signal(),
                if n >= 72 { Some(u32::MAX) } else { Some(0) }
            );
        }
    }

    #[test]
    fn accessors_none_without_mask() {
        let i = PidfdInfo::from_bytes(&[0x11; 80]).map(|mut i| {
            i.raw.mask = 0;
            i
        });
        let i = i.unwrap();
        assert_eq!((i.pid(), i.tgid(), i.ppid()), (None, None, None));
        assert_eq!(
            (i.ruid(), i.fsgid(), i.cgroupid(), i.exit_code()),
            (None, None, None, None)
        );
        assert_eq!(
            (i.coredump_mask(), i.coredump_signal(), i.supported_mask()),
            (None, None, None)
        );
    }

    #[test]
    fn bytes_round_trip() {
        let mut b = [0u8; 80];
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        let info = PidfdInfo::from_bytes(&b).unwrap();
        assert_eq!(info.to_bytes(), b);
        assert_eq!(info.as_raw().pid.to_ne_bytes(), [16, 17, 18, 19]);
        assert_eq!(
            info.as_raw().supported_mask.to_ne_bytes(),
            [72, 73, 74, 75, 76, 77, 78, 79]
        );
    }
}
