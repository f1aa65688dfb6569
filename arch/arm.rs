//! 32-bit ARM (EABI) raw entry: `svc 0`. Number in r7, arguments in
//! r0..r5, result in r0; the kernel restores every other register and the
//! condition flags (CPSR comes back from SPSR).
//!
//! r7 is the frame pointer in Thumb code (`thumbv7neon-*`, also
//! `target_arch = "arm"`), and LLVM refuses it as an asm operand there. So
//! the number is passed in any free register and moved into r7 inside the
//! asm, with r7's own value kept in a second scratch register and put back
//! after `svc` (as rustix does in `arch/thumb.rs`). The same sequence is
//! correct in ARM mode (`armv7-*`), where r7 is an ordinary register and
//! the allocator may even pick it for one of the two scratch operands:
//! `nr` is an input, `tmp` an early-clobber output, so they never share a
//! register, and r7 ends up holding whatever the allocator expects.
//!
//! Only the EABI convention: the old ABI (number encoded in the `swi`
//! instruction) is not supported, and no Rust target uses it.
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
    // SAFETY: `svc 0` with the EABI register convention; r7 is saved in
    // `tmp` and restored before the block ends, `tmp` is declared clobbered.
    unsafe {
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _, lateout("r0") r,
             options(nostack, preserves_flags));
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
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r,
             options(nostack, preserves_flags));
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
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r, in("r1") a1.into_raw(),
             options(nostack, preserves_flags));
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
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r, in("r1") a1.into_raw(),
             in("r2") a2.into_raw(),
             options(nostack, preserves_flags));
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
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r, in("r1") a1.into_raw(),
             in("r2") a2.into_raw(), in("r3") a3.into_raw(),
             options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall5(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0`; the caller vouches for the arguments. The
    // 5th and 6th arguments go in r4/r5 (callee-saved in the AAPCS, so the
    // compiler saves them around the block when it uses them itself).
    unsafe {
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r, in("r1") a1.into_raw(),
             in("r2") a2.into_raw(), in("r3") a3.into_raw(), in("r4") a4.into_raw(),
             options(nostack, preserves_flags));
    }
    Ret(r)
}

/// # Safety
/// Every pointer argument must be valid for what syscall `nr` does with it.
#[inline(always)]
pub(crate) unsafe fn syscall6(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall5`. With r0-r5 taken, the allocator still has
    // r8, r10 and r12 (and r6 where no base pointer is needed) for `nr` and
    // `tmp`.
    unsafe {
        asm!("mov {tmp}, r7", "mov r7, {nr}", "svc 0", "mov r7, {tmp}",
             nr = in(reg) nr.into_raw(), tmp = out(reg) _,
             inlateout("r0") a0.into_raw() => r, in("r1") a1.into_raw(),
             in("r2") a2.into_raw(), in("r3") a3.into_raw(), in("r4") a4.into_raw(),
             in("r5") a5.into_raw(),
             options(nostack, preserves_flags));
    }
    Ret(r)
}

/// `exit_group`-style calls that never return: `svc 0`, then `udf #0` so
/// that a return (a seccomp filter that says no) traps. r7 is not saved:
/// nothing runs after the block.
///
/// # Safety
/// `nr` must be a syscall that ends the thread or process.
#[inline(always)]
pub(crate) unsafe fn syscall1_noreturn(nr: Nr, a0: Arg) -> ! {
    // SAFETY: `svc 0`; the kernel does not return from `nr` (the caller's
    // promise), and `udf #0` traps if it ever does, so the overwritten r7
    // (the Thumb frame pointer) is never used again.
    unsafe {
        asm!("mov r7, {nr}", "svc 0", "udf #0",
             nr = in(reg) nr.into_raw(), in("r0") a0.into_raw(),
             options(noreturn, nostack));
    }
}

/// The 64-bit-clean variant of each call that has several: on ARM, as on
/// i386, the `*64`, `*32` and `*_time64` ones. `src/sys` names these, never
/// a `cfg(target_arch)`.
pub(crate) mod wide {
    use super::Nr;
    use super::nr::*;
    pub(crate) const FCNTL: Nr = __NR_fcntl64;
    pub(crate) const FSTATFS: Nr = __NR_fstatfs64;
    /// `Some(size)` where `FSTATFS` is `fstatfs64(fd, size, buf)`: the EABI
    /// `struct statfs64` is `packed, aligned(4)` (arch/arm/include/uapi/
    /// asm/statfs.h), 84 bytes; the kernel's wrapper also takes the
    /// unpacked 88 and rewrites it to 84.
    pub(crate) const FSTATFS64_SIZE: Option<usize> = Some(84);
    pub(crate) const PPOLL: Nr = __NR_ppoll_time64;
    pub(crate) const CLOCK_NANOSLEEP: Nr = __NR_clock_nanosleep_time64;
    pub(crate) const CLOCK_GETTIME: Nr = __NR_clock_gettime64;
    pub(crate) const RT_SIGTIMEDWAIT: Nr = __NR_rt_sigtimedwait_time64;
    pub(crate) const GETUID: Nr = __NR_getuid32;
    pub(crate) const GETGID: Nr = __NR_getgid32;
    pub(crate) const GETEUID: Nr = __NR_geteuid32;
    pub(crate) const GETEGID: Nr = __NR_getegid32;
    pub(crate) const SETUID: Nr = __NR_setuid32;
    pub(crate) const SETGID: Nr = __NR_setgid32;
    pub(crate) const SETGROUPS: Nr = __NR_setgroups32;
}

/// ARM EABI syscall numbers (arch/arm/tools/syscall.tbl, `common` and
/// `eabi` rows). Checked against literal table values and `libc::SYS_*` in
/// the tests. Where ARM has a 64-bit-clean variant (`fstatfs64`, `fcntl64`,
/// `ppoll_time64`, `getuid32`...), that is the one listed; 403 and up are
/// the numbers every 32-bit arch shares since 5.1.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    use super::Nr;
    pub(crate) const __NR_exit: Nr = Nr(1);
    pub(crate) const __NR_read: Nr = Nr(3);
    pub(crate) const __NR_write: Nr = Nr(4);
    pub(crate) const __NR_close: Nr = Nr(6);
    pub(crate) const __NR_execve: Nr = Nr(11);
    pub(crate) const __NR_chdir: Nr = Nr(12);
    pub(crate) const __NR_lseek: Nr = Nr(19);
    pub(crate) const __NR_getpid: Nr = Nr(20);
    pub(crate) const __NR_mount: Nr = Nr(21);
    pub(crate) const __NR_sync: Nr = Nr(36);
    pub(crate) const __NR_kill: Nr = Nr(37);
    pub(crate) const __NR_umount2: Nr = Nr(52);
    pub(crate) const __NR_ioctl: Nr = Nr(54);
    pub(crate) const __NR_setpgid: Nr = Nr(57);
    pub(crate) const __NR_umask: Nr = Nr(60);
    pub(crate) const __NR_getppid: Nr = Nr(64);
    pub(crate) const __NR_setsid: Nr = Nr(66);
    pub(crate) const __NR_reboot: Nr = Nr(88);
    pub(crate) const __NR_wait4: Nr = Nr(114);
    pub(crate) const __NR_clone: Nr = Nr(120);
    pub(crate) const __NR_uname: Nr = Nr(122);
    pub(crate) const __NR_getpgid: Nr = Nr(132);
    pub(crate) const __NR_fchdir: Nr = Nr(133);
    pub(crate) const __NR_sched_yield: Nr = Nr(158);
    pub(crate) const __NR_prctl: Nr = Nr(172);
    pub(crate) const __NR_rt_sigaction: Nr = Nr(174);
    pub(crate) const __NR_rt_sigprocmask: Nr = Nr(175);
    pub(crate) const __NR_getuid32: Nr = Nr(199);
    pub(crate) const __NR_getgid32: Nr = Nr(200);
    pub(crate) const __NR_geteuid32: Nr = Nr(201);
    pub(crate) const __NR_getegid32: Nr = Nr(202);
    pub(crate) const __NR_setgroups32: Nr = Nr(206);
    pub(crate) const __NR_setuid32: Nr = Nr(213);
    pub(crate) const __NR_setgid32: Nr = Nr(214);
    pub(crate) const __NR_getdents64: Nr = Nr(217);
    pub(crate) const __NR_fcntl64: Nr = Nr(221);
    pub(crate) const __NR_gettid: Nr = Nr(224);
    pub(crate) const __NR_exit_group: Nr = Nr(248);
    pub(crate) const __NR_fstatfs64: Nr = Nr(267);
    pub(crate) const __NR_tgkill: Nr = Nr(268);
    pub(crate) const __NR_waitid: Nr = Nr(280);
    pub(crate) const __NR_socketpair: Nr = Nr(288);
    pub(crate) const __NR_setsockopt: Nr = Nr(294);
    pub(crate) const __NR_sendmsg: Nr = Nr(296);
    pub(crate) const __NR_recvmsg: Nr = Nr(297);
    pub(crate) const __NR_openat: Nr = Nr(322);
    pub(crate) const __NR_mkdirat: Nr = Nr(323);
    pub(crate) const __NR_readlinkat: Nr = Nr(332);
    pub(crate) const __NR_faccessat: Nr = Nr(334);
    pub(crate) const __NR_unshare: Nr = Nr(337);
    pub(crate) const __NR_signalfd4: Nr = Nr(355);
    pub(crate) const __NR_dup3: Nr = Nr(358);
    pub(crate) const __NR_pipe2: Nr = Nr(359);
    pub(crate) const __NR_prlimit64: Nr = Nr(369);
    pub(crate) const __NR_name_to_handle_at: Nr = Nr(370);
    pub(crate) const __NR_open_by_handle_at: Nr = Nr(371);
    pub(crate) const __NR_setns: Nr = Nr(375);
    pub(crate) const __NR_getrandom: Nr = Nr(384);
    pub(crate) const __NR_execveat: Nr = Nr(387);
    pub(crate) const __NR_copy_file_range: Nr = Nr(391);
    pub(crate) const __NR_statx: Nr = Nr(397);
    pub(crate) const __NR_clock_gettime64: Nr = Nr(403);
    pub(crate) const __NR_clock_nanosleep_time64: Nr = Nr(407);
    pub(crate) const __NR_ppoll_time64: Nr = Nr(414);
    pub(crate) const __NR_rt_sigtimedwait_time64: Nr = Nr(421);
    pub(crate) const __NR_pidfd_send_signal: Nr = Nr(424);
    pub(crate) const __NR_pidfd_open: Nr = Nr(434);
    pub(crate) const __NR_clone3: Nr = Nr(435);
    pub(crate) const __NR_close_range: Nr = Nr(436);
    pub(crate) const __NR_openat2: Nr = Nr(437);
    pub(crate) const __NR_pidfd_getfd: Nr = Nr(438);
}
