//! x86_64 raw entry: `syscall`. Number in rax, arguments in rdi, rsi, rdx,
//! r10, r8, r9; the instruction clobbers rcx and r11.
//!
//! # Safety
//!
//! See `arch/mod.rs`: the caller guarantees every pointer argument is valid
//! for the syscall it makes.

use super::{Arg, Nr, Ret};
use core::arch::asm;

pub(crate) use nr::*;

/// # Safety
/// `nr` must be a syscall that needs no arguments and does not break the
/// process's invariants.
#[inline(always)]
pub(crate) unsafe fn syscall0(nr: Nr) -> Ret {
    let r: usize;
    // SAFETY: the syscall instruction with the kernel's register convention;
    // rcx/r11 declared clobbered.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r,
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall1(nr: Nr, a0: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the argument.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall2(nr: Nr, a0: Arg, a1: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             in("rsi") a1.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall3(nr: Nr, a0: Arg, a1: Arg, a2: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             in("rsi") a1.into_raw(), in("rdx") a2.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall4(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the 4th argument goes in r10, not rcx.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             in("rsi") a1.into_raw(), in("rdx") a2.into_raw(), in("r10") a3.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall5(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall4`.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             in("rsi") a1.into_raw(), in("rdx") a2.into_raw(), in("r10") a3.into_raw(),
             in("r8") a4.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall6(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall4`.
    unsafe {
        asm!("syscall", inlateout("rax") nr.into_raw() => r, in("rdi") a0.into_raw(),
             in("rsi") a1.into_raw(), in("rdx") a2.into_raw(), in("r10") a3.into_raw(),
             in("r8") a4.into_raw(), in("r9") a5.into_raw(),
             lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
    }
    Ret(r)
}

/// `exit_group`-style calls that never return: `syscall`, then `ud2` so
/// that a return (a seccomp filter that says no) traps instead of running
/// on.
///
/// # Safety
/// `nr` must be a syscall that ends the thread or process.
#[inline(always)]
pub(crate) unsafe fn syscall1_noreturn(nr: Nr, a0: Arg) -> ! {
    // SAFETY: the syscall instruction; the kernel does not return from
    // `nr` (the caller's promise), and `ud2` traps if it ever does.
    unsafe {
        asm!("syscall", "ud2", in("rax") nr.into_raw(), in("rdi") a0.into_raw(),
             options(noreturn, nostack));
    }
}

/// The 64-bit-clean variant of each call that has several (on x86_64 the
/// plain one): `src/sys` names these, never a `cfg(target_arch)`.
pub(crate) mod wide {
    use super::Nr;
    use super::nr::*;
    pub(crate) const FCNTL: Nr = __NR_fcntl;
    pub(crate) const FSTATFS: Nr = __NR_fstatfs;
    /// `Some(size)` where `FSTATFS` is `fstatfs64(fd, size, buf)`.
    pub(crate) const FSTATFS64_SIZE: Option<usize> = None;
    pub(crate) const PPOLL: Nr = __NR_ppoll;
    pub(crate) const CLOCK_NANOSLEEP: Nr = __NR_clock_nanosleep;
    pub(crate) const CLOCK_GETTIME: Nr = __NR_clock_gettime;
    pub(crate) const RT_SIGTIMEDWAIT: Nr = __NR_rt_sigtimedwait;
    pub(crate) const GETUID: Nr = __NR_getuid;
    pub(crate) const GETGID: Nr = __NR_getgid;
    pub(crate) const GETEUID: Nr = __NR_geteuid;
    pub(crate) const GETEGID: Nr = __NR_getegid;
    pub(crate) const SETUID: Nr = __NR_setuid;
    pub(crate) const SETGID: Nr = __NR_setgid;
    pub(crate) const SETGROUPS: Nr = __NR_setgroups;
}

/// x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl).
/// Checked against `sc::nr` and `libc::SYS_*` in the tests.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    use super::Nr;
    pub(crate) const __NR_read: Nr = Nr(0);
    pub(crate) const __NR_write: Nr = Nr(1);
    pub(crate) const __NR_close: Nr = Nr(3);
    pub(crate) const __NR_lseek: Nr = Nr(8);
    pub(crate) const __NR_rt_sigaction: Nr = Nr(13);
    pub(crate) const __NR_rt_sigprocmask: Nr = Nr(14);
    pub(crate) const __NR_ioctl: Nr = Nr(16);
    pub(crate) const __NR_sched_yield: Nr = Nr(24);
    pub(crate) const __NR_getpid: Nr = Nr(39);
    pub(crate) const __NR_sendmsg: Nr = Nr(46);
    pub(crate) const __NR_recvmsg: Nr = Nr(47);
    pub(crate) const __NR_socketpair: Nr = Nr(53);
    pub(crate) const __NR_setsockopt: Nr = Nr(54);
    pub(crate) const __NR_clone: Nr = Nr(56);
    pub(crate) const __NR_execve: Nr = Nr(59);
    pub(crate) const __NR_exit: Nr = Nr(60);
    pub(crate) const __NR_wait4: Nr = Nr(61);
    pub(crate) const __NR_kill: Nr = Nr(62);
    pub(crate) const __NR_uname: Nr = Nr(63);
    pub(crate) const __NR_fcntl: Nr = Nr(72);
    pub(crate) const __NR_chdir: Nr = Nr(80);
    pub(crate) const __NR_fchdir: Nr = Nr(81);
    pub(crate) const __NR_umask: Nr = Nr(95);
    pub(crate) const __NR_getuid: Nr = Nr(102);
    pub(crate) const __NR_getgid: Nr = Nr(104);
    pub(crate) const __NR_setuid: Nr = Nr(105);
    pub(crate) const __NR_setgid: Nr = Nr(106);
    pub(crate) const __NR_geteuid: Nr = Nr(107);
    pub(crate) const __NR_getegid: Nr = Nr(108);
    pub(crate) const __NR_setpgid: Nr = Nr(109);
    pub(crate) const __NR_getppid: Nr = Nr(110);
    pub(crate) const __NR_setsid: Nr = Nr(112);
    pub(crate) const __NR_setgroups: Nr = Nr(116);
    pub(crate) const __NR_getpgid: Nr = Nr(121);
    pub(crate) const __NR_rt_sigtimedwait: Nr = Nr(128);
    pub(crate) const __NR_fstatfs: Nr = Nr(138);
    pub(crate) const __NR_prctl: Nr = Nr(157);
    pub(crate) const __NR_sync: Nr = Nr(162);
    pub(crate) const __NR_mount: Nr = Nr(165);
    pub(crate) const __NR_umount2: Nr = Nr(166);
    pub(crate) const __NR_reboot: Nr = Nr(169);
    pub(crate) const __NR_gettid: Nr = Nr(186);
    pub(crate) const __NR_getdents64: Nr = Nr(217);
    pub(crate) const __NR_clock_gettime: Nr = Nr(228);
    pub(crate) const __NR_clock_nanosleep: Nr = Nr(230);
    pub(crate) const __NR_exit_group: Nr = Nr(231);
    pub(crate) const __NR_tgkill: Nr = Nr(234);
    pub(crate) const __NR_waitid: Nr = Nr(247);
    pub(crate) const __NR_openat: Nr = Nr(257);
    pub(crate) const __NR_mkdirat: Nr = Nr(258);
    pub(crate) const __NR_readlinkat: Nr = Nr(267);
    pub(crate) const __NR_faccessat: Nr = Nr(269);
    pub(crate) const __NR_ppoll: Nr = Nr(271);
    pub(crate) const __NR_unshare: Nr = Nr(272);
    pub(crate) const __NR_signalfd4: Nr = Nr(289);
    pub(crate) const __NR_dup3: Nr = Nr(292);
    pub(crate) const __NR_pipe2: Nr = Nr(293);
    pub(crate) const __NR_prlimit64: Nr = Nr(302);
    pub(crate) const __NR_name_to_handle_at: Nr = Nr(303);
    pub(crate) const __NR_open_by_handle_at: Nr = Nr(304);
    pub(crate) const __NR_setns: Nr = Nr(308);
    pub(crate) const __NR_getrandom: Nr = Nr(318);
    pub(crate) const __NR_execveat: Nr = Nr(322);
    pub(crate) const __NR_copy_file_range: Nr = Nr(326);
    pub(crate) const __NR_statx: Nr = Nr(332);
    pub(crate) const __NR_pidfd_send_signal: Nr = Nr(424);
    pub(crate) const __NR_pidfd_open: Nr = Nr(434);
    pub(crate) const __NR_clone3: Nr = Nr(435);
    pub(crate) const __NR_close_range: Nr = Nr(436);
    pub(crate) const __NR_openat2: Nr = Nr(437);
    pub(crate) const __NR_pidfd_getfd: Nr = Nr(438);
}
