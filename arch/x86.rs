//! i386 raw entry. Number in eax, arguments in ebx, ecx, edx, esi, edi, ebp.
//!
//! Two ways into the kernel: `int 0x80` (always there, but 4.1 µs per
//! getpid on this project's machines) and the vDSO's `__kernel_vsyscall`
//! (sysenter/syscall, 0.17 µs), whose address the kernel passes in the aux
//! vector as `AT_SYSINFO`. Both take the same registers, so every call here
//! is `call <entry>`: the entry is either `__kernel_vsyscall` or
//! [`int80_entry`], a two-instruction `int 0x80; ret` stub. The entry is
//! found once (`PR_GET_AUXV` on 6.4+, else `/proc/self/auxv`, else the stub)
//! and cached in an atomic; no libc is involved. A program on the `rt`
//! runtime has it from the aux vector `_start` read, before its first
//! syscall (`set_entry_from_auxv`).
//!
//! Rust's `asm!` cannot name esi or ebp as operands (LLVM reserves them), so
//! the 4-argument form swaps esi in and out with `xchg`, and the 5- and
//! 6-argument forms pass a small array through eax and load esi/ebp from it
//! after saving them on the stack. Neither entry preserves eflags, so no
//! block claims `preserves_flags`; every block uses the stack (`call`).
//!
//! # Safety
//!
//! See `arch/mod.rs`: the caller guarantees every pointer argument is valid
//! for the syscall it makes.

use super::{Arg, Nr, Ret};
use core::arch::asm;
use core::ffi::c_void;
use core::sync::atomic::{AtomicUsize, Ordering};

pub(crate) use nr::*;

/// The `int 0x80` entry, callable like `__kernel_vsyscall`: registers in,
/// eax out, every other register preserved. Only its address is used, and
/// only `call` in the asm below enters it, with the syscall registers.
///
/// A naked Rust function rather than a `global_asm!` symbol: its name is
/// mangled with this crate's hash, so a program that links two copies of
/// pidfs (two versions, or a renamed copy) has two distinct stubs instead
/// of a `duplicate symbol` link error.
#[unsafe(naked)]
unsafe extern "C" fn int80_stub() {
    core::arch::naked_asm!("int 0x80", "ret")
}

/// The `int 0x80` stub's address.
#[inline(always)]
pub(crate) fn int80_entry() -> usize {
    int80_stub as *const () as usize
}

/// 0 until resolved; then `__kernel_vsyscall` or the `int 0x80` stub.
static ENTRY: AtomicUsize = AtomicUsize::new(0);

/// The entry every syscall goes through.
#[inline(always)]
pub(crate) fn entry() -> usize {
    let e = ENTRY.load(Ordering::Relaxed);
    if e != 0 { e } else { resolve_entry() }
}

/// True when syscalls go through the vDSO's `__kernel_vsyscall`.
pub(crate) fn uses_vdso() -> bool {
    entry() != int80_entry()
}

/// Records the entry from the aux vector that `rt`'s `_start` found on the
/// initial stack (`AT_SYSINFO`, or the `int 0x80` stub when the kernel
/// passes none, as with `vdso32=0`), before the program's first syscall.
/// Without it the first syscall would resolve the entry itself, through
/// `int 0x80`, and a PID 1 on a kernel before 6.4 (no `PR_GET_AUXV`) with
/// /proc not yet mounted would stay on the stub for good.
///
/// # Safety
/// `auxv` points at the process's aux vector: `(type, value)` pairs of
/// `usize` up to `AT_NULL`.
#[cfg(feature = "rt")]
pub(crate) unsafe fn set_entry_from_auxv(auxv: *const usize) {
    let mut found = int80_entry();
    let mut p = auxv;
    loop {
        // SAFETY: the caller's vector; `p` stays at or before its AT_NULL.
        let (t, v) = unsafe { (*p, *p.add(1)) };
        if t == AT_NULL as usize {
            break;
        }
        if t == AT_SYSINFO as usize && v != 0 {
            found = v;
        }
        // SAFETY: AT_NULL not reached, so the next pair is in the vector.
        p = unsafe { p.add(2) };
    }
    ENTRY.store(found, Ordering::Relaxed);
}

const AT_NULL: u32 = 0;
const AT_SYSINFO: u32 = 32;
const PR_GET_AUXV: u32 = 0x4155_5856;
const AT_FDCWD: i32 = -100;
const O_RDONLY_CLOEXEC: u32 = 0o2000000;

#[cold]
#[inline(never)]
fn resolve_entry() -> usize {
    let stub = int80_entry();
    // 64 (type, value) pairs of u32: the kernel's auxv has fewer than 30.
    let mut auxv = [0u32; 128];
    let bytes = core::mem::size_of_val(&auxv);
    // SAFETY: PR_GET_AUXV writes at most `bytes` bytes into `auxv`.
    let r = unsafe {
        syscall5_via(
            stub,
            __NR_prctl,
            Arg::uint(PR_GET_AUXV),
            Arg::mut_ptr(auxv.as_mut_ptr()),
            Arg::usize(bytes),
            Arg::usize(0),
            Arg::usize(0),
        )
    };
    let mut n = 0usize;
    if (r.0 as isize) > 0 {
        n = core::cmp::min(r.0, bytes);
    } else {
        // Before 6.4: read /proc/self/auxv (when /proc is mounted).
        let path = b"/proc/self/auxv\0";
        // SAFETY: `path` is NUL-terminated and lives across the call.
        let fd = unsafe {
            syscall4_via(
                stub,
                __NR_openat,
                Arg::int(AT_FDCWD),
                Arg::ptr(path.as_ptr()),
                Arg::uint(O_RDONLY_CLOEXEC),
                Arg::uint(0),
            )
        };
        if (fd.0 as isize) >= 0 {
            let buf = auxv.as_mut_ptr().cast::<u8>();
            while n < bytes {
                // SAFETY: reads into the unfilled tail of `auxv`.
                let got = unsafe {
                    syscall3_via(
                        stub,
                        __NR_read,
                        Arg::usize(fd.0),
                        Arg::mut_ptr(buf.wrapping_add(n)),
                        Arg::usize(bytes - n),
                    )
                };
                if (got.0 as isize) <= 0 {
                    break;
                }
                n += got.0;
            }
            // SAFETY: closes the fd opened just above, which nothing else holds.
            let _ = unsafe { syscall1_via(stub, __NR_close, Arg::usize(fd.0)) };
        }
    }
    let mut found = stub;
    for pair in auxv[..n / 4].chunks_exact(2) {
        match pair[0] {
            AT_NULL => break,
            AT_SYSINFO if pair[1] != 0 => found = pair[1] as usize,
            _ => {}
        }
    }
    ENTRY.store(found, Ordering::Relaxed);
    found
}

/// # Safety
/// `callee` is `__kernel_vsyscall` or the stub; see `syscall0`.
#[inline(always)]
pub(crate) unsafe fn syscall0_via(callee: usize, nr: Nr) -> Ret {
    let r: usize;
    // SAFETY: `call` into an entry that takes syscall registers and
    // preserves all but eax and eflags.
    unsafe {
        asm!("call {callee}", callee = in(reg) callee, inlateout("eax") nr.into_raw() => r);
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall1_via(callee: usize, nr: Nr, a0: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0_via`.
    unsafe {
        asm!("call {callee}", callee = in(reg) callee, inlateout("eax") nr.into_raw() => r,
             in("ebx") a0.into_raw());
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall2_via(callee: usize, nr: Nr, a0: Arg, a1: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0_via`.
    unsafe {
        asm!("call {callee}", callee = in(reg) callee, inlateout("eax") nr.into_raw() => r,
             in("ebx") a0.into_raw(), in("ecx") a1.into_raw());
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall3_via(callee: usize, nr: Nr, a0: Arg, a1: Arg, a2: Arg) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0_via`.
    unsafe {
        asm!("call {callee}", callee = in(reg) callee, inlateout("eax") nr.into_raw() => r,
             in("ebx") a0.into_raw(), in("ecx") a1.into_raw(), in("edx") a2.into_raw());
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall4_via(
    callee: usize,
    nr: Nr,
    a0: Arg,
    a1: Arg,
    a2: Arg,
    a3: Arg,
) -> Ret {
    let r: usize;
    // SAFETY: as in `syscall0_via`. The callee is pinned to edi (free with
    // four arguments) so that `in(reg)` for a3 cannot alias it; a3 is swapped
    // into esi around the call (if the allocator picked esi itself, both
    // xchg are no-ops and esi already holds a3).
    unsafe {
        asm!("xchg {a3}, esi", "call edi", "xchg {a3}, esi",
             a3 = inout(reg) a3.into_raw() => _,
             in("edi") callee, inlateout("eax") nr.into_raw() => r,
             in("ebx") a0.into_raw(), in("ecx") a1.into_raw(), in("edx") a2.into_raw());
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
pub(crate) unsafe fn syscall5_via(
    callee: usize,
    nr: Nr,
    a0: Arg,
    a1: Arg,
    a2: Arg,
    a3: Arg,
    a4: Arg,
) -> Ret {
    let r: usize;
    // Every usable register carries an argument, so callee, a3 (for esi)
    // and nr travel in a stack array whose address is in eax.
    let frame: [*mut c_void; 3] = [callee as *mut c_void, a3.into_raw(), nr.into_raw()];
    // SAFETY: esi is saved and restored around the call; the pushed callee
    // is dropped with `lea`, which leaves eflags alone (they are clobbered by
    // the entry anyway). `frame` outlives the asm block.
    unsafe {
        asm!(
            "push esi",
            "push dword ptr [eax]",
            "mov esi, dword ptr [eax + 4]",
            "mov eax, dword ptr [eax + 8]",
            "call dword ptr [esp]",
            "lea esp, [esp + 4]",
            "pop esi",
            inout("eax") frame.as_ptr() => r,
            in("ebx") a0.into_raw(), in("ecx") a1.into_raw(), in("edx") a2.into_raw(),
            in("edi") a4.into_raw(),
        );
    }
    Ret(r)
}

/// # Safety
/// As [`syscall0_via`]; pointer arguments valid for syscall `nr`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn syscall6_via(
    callee: usize,
    nr: Nr,
    a0: Arg,
    a1: Arg,
    a2: Arg,
    a3: Arg,
    a4: Arg,
    a5: Arg,
) -> Ret {
    let r: usize;
    let frame: [*mut c_void; 4] = [
        callee as *mut c_void,
        a3.into_raw(),
        a5.into_raw(),
        nr.into_raw(),
    ];
    // SAFETY: as in `syscall5_via`, with ebp saved and loaded with a5 too.
    unsafe {
        asm!(
            "push ebp",
            "push esi",
            "push dword ptr [eax]",
            "mov esi, dword ptr [eax + 4]",
            "mov ebp, dword ptr [eax + 8]",
            "mov eax, dword ptr [eax + 12]",
            "call dword ptr [esp]",
            "lea esp, [esp + 4]",
            "pop esi",
            "pop ebp",
            inout("eax") frame.as_ptr() => r,
            in("ebx") a0.into_raw(), in("ecx") a1.into_raw(), in("edx") a2.into_raw(),
            in("edi") a4.into_raw(),
        );
    }
    Ret(r)
}

/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall0(nr: Nr) -> Ret {
    // SAFETY: forwarded; `entry()` is the vDSO entry or the stub.
    unsafe { syscall0_via(entry(), nr) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall1(nr: Nr, a0: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall1_via(entry(), nr, a0) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall2(nr: Nr, a0: Arg, a1: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall2_via(entry(), nr, a0, a1) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall3(nr: Nr, a0: Arg, a1: Arg, a2: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall3_via(entry(), nr, a0, a1, a2) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall4(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall4_via(entry(), nr, a0, a1, a2, a3) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall5(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall5_via(entry(), nr, a0, a1, a2, a3, a4) }
}
/// # Safety
/// See `arch/mod.rs`.
#[inline(always)]
pub(crate) unsafe fn syscall6(nr: Nr, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg) -> Ret {
    // SAFETY: forwarded.
    unsafe { syscall6_via(entry(), nr, a0, a1, a2, a3, a4, a5) }
}

/// `exit_group`-style calls that never return, through the same entry as
/// every other call, then `ud2` so that a return traps.
///
/// # Safety
/// `nr` must be a syscall that ends the thread or process.
#[inline(always)]
pub(crate) unsafe fn syscall1_noreturn(nr: Nr, a0: Arg) -> ! {
    // SAFETY: `call` into the vDSO entry or the stub with the syscall
    // registers; the kernel does not return from `nr` (the caller's
    // promise), and `ud2` traps if it ever does.
    unsafe {
        asm!("call {callee}", "ud2", callee = in(reg) entry(), in("eax") nr.into_raw(),
             in("ebx") a0.into_raw(), options(noreturn));
    }
}

/// The 64-bit-clean variant of each call that has several: on i386 the
/// `*64`, `*32` and `*_time64` ones. `src/sys` names these, never a
/// `cfg(target_arch)`.
pub(crate) mod wide {
    use super::Nr;
    use super::nr::*;
    pub(crate) const FCNTL: Nr = __NR_fcntl64;
    pub(crate) const FSTATFS: Nr = __NR_fstatfs64;
    /// `Some(size)` where `FSTATFS` is `fstatfs64(fd, size, buf)`: i386's
    /// `struct statfs64` is 84 bytes.
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

/// i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl).
/// Checked against literal table values and `libc::SYS_*` in the tests.
/// Where i386 has a 64-bit-clean variant (`fstatfs64`, `fcntl64`,
/// `ppoll_time64`, `getuid32`...), that is the one listed.
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
    pub(crate) const __NR_getdents64: Nr = Nr(220);
    pub(crate) const __NR_fcntl64: Nr = Nr(221);
    pub(crate) const __NR_gettid: Nr = Nr(224);
    pub(crate) const __NR_exit_group: Nr = Nr(252);
    pub(crate) const __NR_fstatfs64: Nr = Nr(269);
    pub(crate) const __NR_tgkill: Nr = Nr(270);
    pub(crate) const __NR_waitid: Nr = Nr(284);
    pub(crate) const __NR_openat: Nr = Nr(295);
    pub(crate) const __NR_mkdirat: Nr = Nr(296);
    pub(crate) const __NR_readlinkat: Nr = Nr(305);
    pub(crate) const __NR_faccessat: Nr = Nr(307);
    pub(crate) const __NR_unshare: Nr = Nr(310);
    pub(crate) const __NR_signalfd4: Nr = Nr(327);
    pub(crate) const __NR_dup3: Nr = Nr(330);
    pub(crate) const __NR_pipe2: Nr = Nr(331);
    pub(crate) const __NR_prlimit64: Nr = Nr(340);
    pub(crate) const __NR_name_to_handle_at: Nr = Nr(341);
    pub(crate) const __NR_open_by_handle_at: Nr = Nr(342);
    pub(crate) const __NR_setns: Nr = Nr(346);
    pub(crate) const __NR_getrandom: Nr = Nr(355);
    pub(crate) const __NR_execveat: Nr = Nr(358);
    pub(crate) const __NR_socketpair: Nr = Nr(360);
    pub(crate) const __NR_setsockopt: Nr = Nr(366);
    pub(crate) const __NR_sendmsg: Nr = Nr(370);
    pub(crate) const __NR_recvmsg: Nr = Nr(372);
    pub(crate) const __NR_copy_file_range: Nr = Nr(377);
    pub(crate) const __NR_statx: Nr = Nr(383);
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
