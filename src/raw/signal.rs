//! Signals, `siginfo_t`, the kernel's `struct sigaction`, and the wait constants (include/uapi/asm-generic/signal*.h, linux/wait.h).

use core::mem::{align_of, offset_of, size_of};
use static_assertions::const_assert_eq;

// ---- wait (include/uapi/linux/wait.h) ----
pub const P_ALL: u32 = 0;
pub const P_PID: u32 = 1;
pub const P_PGID: u32 = 2;
pub const P_PIDFD: u32 = 3;
pub const WNOHANG: u32 = 0x1;
pub const WSTOPPED: u32 = 0x2;
pub const WEXITED: u32 = 0x4;
pub const WCONTINUED: u32 = 0x8;
pub const WNOWAIT: u32 = 0x0100_0000;
pub const __WALL: u32 = 0x4000_0000;
pub const CLD_EXITED: i32 = 1;
pub const CLD_KILLED: i32 = 2;
pub const CLD_DUMPED: i32 = 3;
pub const CLD_TRAPPED: i32 = 4;
pub const CLD_STOPPED: i32 = 5;
pub const CLD_CONTINUED: i32 = 6;

// ---- signals ----
pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGABRT: i32 = 6;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGSEGV: i32 = 11;
pub const SIGUSR2: i32 = 12;
pub const SIGPIPE: i32 = 13;
pub const SIGTERM: i32 = 15;
pub const SIGCHLD: i32 = 17;
pub const SIGCONT: i32 = 18;
pub const SIGSTOP: i32 = 19;
pub const SI_USER: i32 = 0;
pub const SI_QUEUE: i32 = -1;
pub const SI_TKILL: i32 = -6;
pub const SIG_BLOCK: u32 = 0;
pub const SIG_UNBLOCK: u32 = 1;
pub const SIG_SETMASK: u32 = 2;

/// The header words before `_sifields` (the union is pointer-aligned).
#[cfg(target_pointer_width = "64")]
pub const __SI_HDR_WORDS: usize = 4;
#[cfg(target_pointer_width = "32")]
pub const __SI_HDR_WORDS: usize = 3;

/// `siginfo_t`: 128 bytes; `_sifields` starts at 16 on 64-bit targets, 12
/// on 32-bit ones (i386, ARM: `__ARCH_SI_PREAMBLE_SIZE` is three ints and
/// no member of the union needs more than 4-byte alignment there).
#[repr(C)]
#[derive(Copy, Clone)]
pub struct siginfo_t {
    pub si_signo: i32,
    pub si_errno: i32,
    pub si_code: i32,
    #[cfg(target_pointer_width = "64")]
    pub __pad0: i32,
    /// `_sifields`, as 32-bit words (`si_pid`, `si_uid`, then `si_status`
    /// or `si_value`).
    pub _sifields: [u32; 32 - __SI_HDR_WORDS],
    #[cfg(target_pointer_width = "64")]
    pub __align: [u64; 0],
}
const_assert_eq!(size_of::<siginfo_t>(), 128);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(align_of::<siginfo_t>(), 8);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(align_of::<siginfo_t>(), 4);
const_assert_eq!(offset_of!(siginfo_t, si_signo), 0);
const_assert_eq!(offset_of!(siginfo_t, si_errno), 4);
const_assert_eq!(offset_of!(siginfo_t, si_code), 8);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(offset_of!(siginfo_t, __pad0), 12);
#[cfg(target_pointer_width = "64")]
const_assert_eq!(offset_of!(siginfo_t, _sifields), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(offset_of!(siginfo_t, _sifields), 12);

impl siginfo_t {
    pub const fn zeroed() -> siginfo_t {
        siginfo_t {
            si_signo: 0,
            si_errno: 0,
            si_code: 0,
            #[cfg(target_pointer_width = "64")]
            __pad0: 0,
            _sifields: [0; 32 - __SI_HDR_WORDS],
            #[cfg(target_pointer_width = "64")]
            __align: [],
        }
    }
    pub fn si_pid(&self) -> i32 {
        self._sifields[0] as i32
    }
    pub fn si_uid(&self) -> u32 {
        self._sifields[1]
    }
    /// `_sigchld.si_status` (also the low word of `_rt.si_value`).
    pub fn si_status(&self) -> i32 {
        self._sifields[2] as i32
    }
}

// ---- rt_sigaction (the kernel's `struct sigaction`, include/linux/
// signal_types.h: `sa_restorer` only where the arch defines SA_RESTORER,
// which x86, arm and arm64 do and riscv, on asm-generic/signal.h, does not) ----
pub const SIG_DFL: usize = 0;
pub const SIG_IGN: usize = 1;
pub const _NSIG: i32 = 64;
/// `unsigned long`s in a `sigset_t` (`_NSIG / _NSIG_BPW`).
pub const _NSIG_WORDS: usize = 64 / usize::BITS as usize;

#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct kernel_sigaction {
    pub sa_handler: usize,
    pub sa_flags: usize,
    #[cfg(not(target_arch = "riscv64"))]
    pub sa_restorer: usize,
    /// `sigset_t`: 64 bits as `unsigned long sig[_NSIG_WORDS]`, so only
    /// word-aligned (a `u64` would be 8-aligned on ARM EABI and move the
    /// field to offset 16).
    pub sa_mask: [usize; _NSIG_WORDS],
}
const_assert_eq!(align_of::<kernel_sigaction>(), size_of::<usize>());
const_assert_eq!(offset_of!(kernel_sigaction, sa_handler), 0);
const_assert_eq!(offset_of!(kernel_sigaction, sa_flags), size_of::<usize>());
#[cfg(not(target_arch = "riscv64"))]
const_assert_eq!(
    offset_of!(kernel_sigaction, sa_restorer),
    2 * size_of::<usize>()
);
#[cfg(all(target_pointer_width = "64", not(target_arch = "riscv64")))]
const_assert_eq!(size_of::<kernel_sigaction>(), 32);
#[cfg(all(target_pointer_width = "64", not(target_arch = "riscv64")))]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 24);
#[cfg(target_arch = "riscv64")]
const_assert_eq!(size_of::<kernel_sigaction>(), 24);
#[cfg(target_arch = "riscv64")]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 16);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(size_of::<kernel_sigaction>(), 20);
#[cfg(target_pointer_width = "32")]
const_assert_eq!(offset_of!(kernel_sigaction, sa_mask), 12);

// ---- signalfd (include/uapi/linux/signalfd.h) ----
pub const SFD_CLOEXEC: u32 = 0o2000000;
pub const SFD_NONBLOCK: u32 = 0o4000;

/// `struct signalfd_siginfo`: 128 bytes, the same layout on every target.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct signalfd_siginfo {
    pub ssi_signo: u32,
    pub ssi_errno: i32,
    pub ssi_code: i32,
    pub ssi_pid: u32,
    pub ssi_uid: u32,
    pub ssi_fd: i32,
    pub ssi_tid: u32,
    pub ssi_band: u32,
    pub ssi_overrun: u32,
    pub ssi_trapno: u32,
    pub ssi_status: i32,
    pub ssi_int: i32,
    pub ssi_ptr: u64,
    pub ssi_utime: u64,
    pub ssi_stime: u64,
    pub ssi_addr: u64,
    pub ssi_addr_lsb: u16,
    pub __pad2: u16,
    pub ssi_syscall: i32,
    pub ssi_call_addr: u64,
    pub ssi_arch: u32,
    pub __pad: [u8; 28],
}
const_assert_eq!(size_of::<signalfd_siginfo>(), 128);
const_assert_eq!(align_of::<signalfd_siginfo>(), align_of::<u64>());
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_signo), 0);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_errno), 4);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_code), 8);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_pid), 12);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_uid), 16);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_fd), 20);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_tid), 24);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_band), 28);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_overrun), 32);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_trapno), 36);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_status), 40);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_int), 44);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_ptr), 48);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_utime), 56);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_stime), 64);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_addr), 72);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_addr_lsb), 80);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_syscall), 84);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_call_addr), 88);
const_assert_eq!(offset_of!(signalfd_siginfo, ssi_arch), 96);
const_assert_eq!(offset_of!(signalfd_siginfo, __pad), 100);

impl signalfd_siginfo {
    pub const fn zeroed() -> signalfd_siginfo {
        signalfd_siginfo {
            ssi_signo: 0,
            ssi_errno: 0,
            ssi_code: 0,
            ssi_pid: 0,
            ssi_uid: 0,
            ssi_fd: 0,
            ssi_tid: 0,
            ssi_band: 0,
            ssi_overrun: 0,
            ssi_trapno: 0,
            ssi_status: 0,
            ssi_int: 0,
            ssi_ptr: 0,
            ssi_utime: 0,
            ssi_stime: 0,
            ssi_addr: 0,
            ssi_addr_lsb: 0,
            __pad2: 0,
            ssi_syscall: 0,
            ssi_call_addr: 0,
            ssi_arch: 0,
            __pad: [0; 28],
        }
    }
}
