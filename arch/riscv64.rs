//! riscv64 raw entry: `ecall`. Number in a7, arguments in a0..a5, result in
//! a0; every other integer and floating-point register comes back intact.
//!
//! The vector state does not: the kernel discards it on every syscall
//! (Documentation/arch/riscv/vector.rst, "Vector Register State Across
//! System Calls"), so each block declares v0..v31 clobbered and none claims
//! `preserves_flags`, which on RISC-V covers `vtype`/`vl`/`vcsr` too. The
//! clobbers cost nothing on targets without the V extension (riscv64gc).
//!
//! # Safety
//!
//! See `arch/mod.rs`: the caller guarantees every pointer argument is valid
//! for the syscall it makes.

use super::{Arg, Nr, Ret};
use core::arch::asm;

pub(crate) use nr::*;

/// `ecall` with the given operands, plus the vector clobbers every syscall
/// needs.
macro_rules! ecall {
    ($($operands:tt)*) => {
        asm!(
            "ecall",
            $($operands)*
            out("v0") _, out("v1") _, out("v2") _, out("v3") _,
            out("v4") _, out("v5") _, out("v6") _, out("v7") _,
            out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _,
            out("v16") _, out("v17") _, out("v18") _, out("v19") _,
            out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _,
            out("v28") _, out("v29") _, out("v30") _, out("v31") _,
            options(nostack)
        )
    };
}

/// # Safety
/// `nr` must be a syscall that needs no arguments and does not break the
/// process's invariants.
#[inline(always)]
pub(crate) unsafe fn syscall0(nr: Nr) -> Ret {
    let r: usize;
    // SAFETY: `ecall` with the kernel's register convention; the vector
    // state it discards is declared clobbered.
    unsafe {
        ecall!(in("a7") nr.into_raw(), lateout("a0") r,);
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
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,);
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
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,
               in("a1") a1.into_raw(),);
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
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,
               in("a1") a1.into_raw(), in("a2") a2.into_raw(),);
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall4(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments.
    unsafe {
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,
               in("a1") a1.into_raw(), in("a2") a2.into_raw(), in("a3") a3.into_raw(),);
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall5(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments.
    unsafe {
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,
               in("a1") a1.into_raw(), in("a2") a2.into_raw(), in("a3") a3.into_raw(),
               in("a4") a4.into_raw(),);
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall6(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments.
    unsafe {
        ecall!(in("a7") nr.into_raw(), inlateout("a0") a0.into_raw() => r,
               in("a1") a1.into_raw(), in("a2") a2.into_raw(), in("a3") a3.into_raw(),
               in("a4") a4.into_raw(), in("a5") a5.into_raw(),);
    }
    Ret(r)
}

/// `exit_group`-style calls that never return: `ecall`, then `unimp` so
/// that a return (a seccomp filter that says no) traps.
///
/// # Safety
/// `nr` must be a syscall that ends the thread or process.
#[inline(always)]
pub(crate) unsafe fn syscall1_noreturn(nr: Nr, a0: Arg) -> ! {
    // SAFETY: `ecall`; the kernel does not return from `nr` (the caller's
    // promise), and `unimp` traps if it ever does, so no clobber matters.
    unsafe {
        asm!("ecall", "unimp", in("a7") nr.into_raw(), in("a0") a0.into_raw(),
             options(noreturn, nostack));
    }
}

/// The 64-bit-clean variant of each call that has several (on riscv64, an
/// asm-generic 64-bit arch, the plain one): `src/sys` names these, never a
/// `cfg(target_arch)`.
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

/// riscv64 syscall numbers (include/uapi/asm-generic/unistd.h with
/// `__BITS_PER_LONG == 64`: `__NR3264_*` are the plain names; riscv adds
/// only `riscv_flush_icache`/`riscv_hwprobe`, which this crate does not
/// use). Only 32-bit uids exist here, under the plain names. Checked
/// against `sc::nr` and `libc::SYS_*` in the tests.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    use super::Nr;
    pub(crate) const __NR_dup3: Nr = Nr(24);
    pub(crate) const __NR_fcntl: Nr = Nr(25);
    pub(crate) const __NR_ioctl: Nr = Nr(29);
    pub(crate) const __NR_mkdirat: Nr = Nr(34);
    pub(crate) const __NR_umount2: Nr = Nr(39);
    pub(crate) const __NR_mount: Nr = Nr(40);
    pub(crate) const __NR_fstatfs: Nr = Nr(44);
    pub(crate) const __NR_faccessat: Nr = Nr(48);
    pub(crate) const __NR_chdir: Nr = Nr(49);
    pub(crate) const __NR_fchdir: Nr = Nr(50);
    pub(crate) const __NR_openat: Nr = Nr(56);
    pub(crate) const __NR_close: Nr = Nr(57);
    pub(crate) const __NR_pipe2: Nr = Nr(59);
    pub(crate) const __NR_getdents64: Nr = Nr(61);
    pub(crate) const __NR_lseek: Nr = Nr(62);
    pub(crate) const __NR_read: Nr = Nr(63);
    pub(crate) const __NR_write: Nr = Nr(64);
    pub(crate) const __NR_ppoll: Nr = Nr(73);
    pub(crate) const __NR_signalfd4: Nr = Nr(74);
    pub(crate) const __NR_readlinkat: Nr = Nr(78);
    pub(crate) const __NR_sync: Nr = Nr(81);
    pub(crate) const __NR_exit: Nr = Nr(93);
    pub(crate) const __NR_exit_group: Nr = Nr(94);
    pub(crate) const __NR_waitid: Nr = Nr(95);
    pub(crate) const __NR_unshare: Nr = Nr(97);
    pub(crate) const __NR_clock_gettime: Nr = Nr(113);
    pub(crate) const __NR_clock_nanosleep: Nr = Nr(115);
    pub(crate) const __NR_sched_yield: Nr = Nr(124);
    pub(crate) const __NR_kill: Nr = Nr(129);
    pub(crate) const __NR_tgkill: Nr = Nr(131);
    pub(crate) const __NR_rt_sigaction: Nr = Nr(134);
    pub(crate) const __NR_rt_sigprocmask: Nr = Nr(135);
    pub(crate) const __NR_rt_sigtimedwait: Nr = Nr(137);
    pub(crate) const __NR_reboot: Nr = Nr(142);
    pub(crate) const __NR_setgid: Nr = Nr(144);
    pub(crate) const __NR_setuid: Nr = Nr(146);
    pub(crate) const __NR_setpgid: Nr = Nr(154);
    pub(crate) const __NR_getpgid: Nr = Nr(155);
    pub(crate) const __NR_setsid: Nr = Nr(157);
    pub(crate) const __NR_setgroups: Nr = Nr(159);
    pub(crate) const __NR_uname: Nr = Nr(160);
    pub(crate) const __NR_umask: Nr = Nr(166);
    pub(crate) const __NR_prctl: Nr = Nr(167);
    pub(crate) const __NR_getpid: Nr = Nr(172);
    pub(crate) const __NR_getppid: Nr = Nr(173);
    pub(crate) const __NR_getuid: Nr = Nr(174);
    pub(crate) const __NR_geteuid: Nr = Nr(175);
    pub(crate) const __NR_getgid: Nr = Nr(176);
    pub(crate) const __NR_getegid: Nr = Nr(177);
    pub(crate) const __NR_gettid: Nr = Nr(178);
    pub(crate) const __NR_socketpair: Nr = Nr(199);
    pub(crate) const __NR_setsockopt: Nr = Nr(208);
    pub(crate) const __NR_sendmsg: Nr = Nr(211);
    pub(crate) const __NR_recvmsg: Nr = Nr(212);
    pub(crate) const __NR_clone: Nr = Nr(220);
    pub(crate) const __NR_execve: Nr = Nr(221);
    pub(crate) const __NR_wait4: Nr = Nr(260);
    pub(crate) const __NR_prlimit64: Nr = Nr(261);
    pub(crate) const __NR_name_to_handle_at: Nr = Nr(264);
    pub(crate) const __NR_open_by_handle_at: Nr = Nr(265);
    pub(crate) const __NR_setns: Nr = Nr(268);
    pub(crate) const __NR_getrandom: Nr = Nr(278);
    pub(crate) const __NR_execveat: Nr = Nr(281);
    pub(crate) const __NR_copy_file_range: Nr = Nr(285);
    pub(crate) const __NR_statx: Nr = Nr(291);
    pub(crate) const __NR_pidfd_send_signal: Nr = Nr(424);
    pub(crate) const __NR_pidfd_open: Nr = Nr(434);
    pub(crate) const __NR_clone3: Nr = Nr(435);
    pub(crate) const __NR_close_range: Nr = Nr(436);
    pub(crate) const __NR_openat2: Nr = Nr(437);
    pub(crate) const __NR_pidfd_getfd: Nr = Nr(438);
}
