//! Program entry for binaries that link no C library (the crate's `rt`
//! feature): `_start` per architecture and the memory functions the
//! compiler calls (`memcpy`, `memmove`, `memset`; `memcmp`/`bcmp` are
//! plain Rust in `src/rt.rs`).
//!
//! One file per architecture holds the only asm: `_start`, which hands the
//! initial stack pointer to [`entry`], and the three copy/fill functions.
//! Adding an architecture is one file here with those four items, and one
//! `cfg_attr` line below.
//!
//! The kernel starts a static non-PIE ELF at `_start` with the stack
//! pointer at `argc`, followed by `argv[0..argc]`, a NULL, `envp[..]`, a
//! NULL, then the aux vector (`(type, value)` pairs up to `AT_NULL`).
//! Nothing is relocated here: the binary must be linked static and
//! non-PIE (`-C relocation-model=static`).
#![allow(unsafe_code)]

// With `std` (std's own entry and libc's memory functions are linked) only
// the argument statics are kept, so that an `--all-features` build links.
#[cfg(not(feature = "std"))]
#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "x86", path = "x86.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
#[cfg_attr(target_arch = "arm", path = "arm.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod imp;

#[cfg(not(feature = "std"))]
use core::sync::atomic::Ordering;
use core::sync::atomic::{AtomicPtr, AtomicUsize};

/// `argc`, `argv`, `envp` and `auxv` as the kernel laid them out; set once
/// by [`entry`] before `main` runs.
pub(crate) static ARGC: AtomicUsize = AtomicUsize::new(0);
pub(crate) static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
pub(crate) static ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
pub(crate) static AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

#[cfg(not(feature = "std"))]
unsafe extern "C" {
    /// The program's `main`, C ABI, as `pidfs::rt_main!` defines it.
    fn main(argc: i32, argv: *const *const u8, envp: *const *const u8) -> i32;
}

/// Called by `_start` with the initial stack pointer, on a 16-byte aligned
/// stack; runs `main` and ends the process with its return value.
///
/// # Safety
/// `sp` is the stack pointer the kernel gave `_start`.
#[cfg(not(feature = "std"))]
unsafe extern "C" fn entry(sp: *mut usize) -> ! {
    // SAFETY: the kernel's initial stack layout (see the module docs):
    // argc, then argc pointers and a NULL, then the environment and a NULL,
    // then the aux vector.
    unsafe {
        let argc = *sp;
        let argv = sp.add(1).cast::<*const u8>();
        let envp = argv.add(argc + 1);
        let mut p = envp;
        while !(*p).is_null() {
            p = p.add(1);
        }
        let auxv = p.add(1).cast::<usize>();
        ARGC.store(argc, Ordering::Relaxed);
        ARGV.store(argv, Ordering::Relaxed);
        ENVP.store(envp, Ordering::Relaxed);
        AUXV.store(auxv, Ordering::Relaxed);
        // i386: the vDSO's syscall entry (AT_SYSINFO) before the first
        // syscall, which would otherwise go through `int 0x80`.
        #[cfg(target_arch = "x86")]
        crate::arch::set_entry_from_auxv(auxv);
        let code = main(argc as i32, argv, envp);
        crate::arch::syscall1_noreturn(crate::arch::__NR_exit_group, crate::arch::Arg::int(code))
    }
}
