//! A program runtime for binaries that link no C library at all (the
//! `rt` feature): the process entry `_start` for x86_64, i386, aarch64,
//! 32-bit ARM and riscv64, `memcpy`/`memmove`/`memset`/`memcmp`/`bcmp`/
//! `strlen`, a panic handler (without `std`), and the arguments,
//! environment and aux vector.
//!
//! # The recipe
//!
//! ```toml
//! # Cargo.toml of the program
//! [dependencies]
//! pidfs = { version = "0.1", default-features = false, features = ["rt"] }
//!
//! [profile.release]
//! panic = "abort"
//! opt-level = "s"
//! lto = true
//! codegen-units = 1
//! ```
//!
//! ```toml
//! # .cargo/config.toml of the program
//! [target.'cfg(target_os = "linux")']
//! linker = "rust-lld"
//! rustflags = ["-C", "relocation-model=static", "-C", "link-self-contained=no",
//!              "-C", "link-arg=-nostdlib", "-C", "link-arg=-static", "-C", "panic=abort"]
//! ```
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! pidfs::rt_main!(main);
//!
//! fn main(args: pidfs::rt::Args) -> i32 {
//!     for a in args.iter() {
//!         let _ = pidfs::io::write_all(pidfs::rt::stdout(), a.to_bytes());
//!     }
//!     0
//! }
//! ```
//!
//! Build for `x86_64-unknown-linux-musl`, `i686-unknown-linux-musl` or
//! `aarch64-unknown-linux-musl` (only for their `core`: nothing of musl is
//! linked), or for `armv7-unknown-linux-gnueabihf` (also
//! `thumbv7neon-unknown-linux-gnueabihf`) and `riscv64gc-unknown-linux-gnu`,
//! which have no musl target in rustup and need none (again only `core`;
//! nothing of glibc is linked). Those two link with the cross gcc as the
//! driver for GNU ld (`-nostdlib` keeps crt1, libc and libgcc out), or with
//! `rust-lld` like the others:
//!
//! ```toml
//! # .cargo/config.toml, in addition
//! [target.armv7-unknown-linux-gnueabihf]
//! linker = "arm-linux-gnueabihf-gcc"
//! [target.riscv64gc-unknown-linux-gnu]
//! linker = "riscv64-linux-gnu-gcc"
//! ```
//! The result is a static, non-PIE ELF with no interpreter and no
//! dynamic section: `_start` (arch/start/) reads `argc`/`argv`/`envp`/
//! `auxv` from the initial stack, calls the C-ABI `main` that
//! [`rt_main!`](crate::rt_main) defines, and `exit_group`s with its value.
//!
//! - `relocation-model=static`: nothing relocates the binary at start
//!   (x86_64 musl would otherwise link a static PIE).
//! - `link-self-contained=no`, `-nostdlib`: no `crt1.o`, no `libc.a`.
//! - `panic=abort`: no unwinding tables or personality routine; a panic
//!   prints its location to fd 2 and exits with 101.
//! - Nothing allocates: there is no `#[global_allocator]`; a program that
//!   needs `alloc` brings its own.
//! - i386: `_start` hands the aux vector's `AT_SYSINFO` to the syscall
//!   layer before `main`, so every syscall, the first included, enters
//!   through the vDSO's `__kernel_vsyscall` (`int 0x80` only where the
//!   kernel maps no 32-bit vDSO: `pidfs::i386::uses_vdso()` says which).
//! - riscv64: `_start` loads `gp` from `__global_pointer$` (as crt1 does),
//!   which GNU ld's relaxation relies on.
//! - 32-bit ARM: the precompiled `core` names the EHABI personality routines
//!   (`__aeabi_unwind_cpp_pr0`..`2`, `rust_eh_personality`) in its unwind
//!   index; `rt` defines them as traps, since nothing unwinds.
//!
//! With the `std` feature also on (the default), std provides the entry,
//! the panic handler and the memory functions: `rt` then defines none of
//! them (so an `--all-features` build links) and [`args`] stays empty. Use
//! `rt` with `default-features = false`.
#![allow(unsafe_code)]

use crate::arch::start::{ARGC, ARGV, AUXV, ENVP};
use crate::fd::BorrowedFd;
use core::ffi::CStr;
use core::sync::atomic::Ordering;

/// The program's arguments, as the kernel passed them.
#[derive(Copy, Clone, Debug)]
pub struct Args {
    argc: usize,
    argv: *const *const u8,
}

impl Args {
    /// The number of arguments (`argc`).
    pub fn len(&self) -> usize {
        self.argc
    }
    /// Whether there are none (`argc` 0: possible with `execve(path, {NULL})`).
    pub fn is_empty(&self) -> bool {
        self.argc == 0
    }
    /// Argument `i`.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        if i >= self.argc {
            return None;
        }
        // SAFETY: argv[0..argc] are NUL-terminated strings on the initial
        // stack, which lives as long as the process.
        unsafe { Some(CStr::from_ptr((*self.argv.add(i)).cast())) }
    }
    /// Every argument, `argv[0]` first.
    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> + '_ {
        (0..self.argc).filter_map(|i| self.get(i))
    }
    /// The raw `argv` (NULL-terminated).
    pub fn as_ptr(&self) -> *const *const u8 {
        self.argv
    }
}

/// The arguments `_start` found (empty before `main`, and without `rt`'s
/// entry).
pub fn args() -> Args {
    Args {
        argc: ARGC.load(Ordering::Relaxed),
        argv: ARGV.load(Ordering::Relaxed),
    }
}

/// Every `NAME=value` string of the environment.
pub fn env() -> impl Iterator<Item = &'static CStr> {
    let mut p = ENVP.load(Ordering::Relaxed).cast_const();
    core::iter::from_fn(move || {
        if p.is_null() {
            return None;
        }
        // SAFETY: envp is a NULL-terminated array of NUL-terminated strings
        // on the initial stack.
        unsafe {
            let s = *p;
            if s.is_null() {
                return None;
            }
            p = p.add(1);
            Some(CStr::from_ptr(s.cast()))
        }
    })
}

/// The value of environment variable `name`.
pub fn getenv(name: &[u8]) -> Option<&'static CStr> {
    env().find_map(|kv| {
        let b = kv.to_bytes_with_nul();
        (b.len() > name.len() && b.starts_with(name) && b[name.len()] == b'=')
            .then(|| CStr::from_bytes_with_nul(&b[name.len() + 1..]).ok())
            .flatten()
    })
}

/// The value of aux-vector entry `ty` (`AT_PAGESZ` = 6, `AT_SYSINFO_EHDR` =
/// 33, `AT_RANDOM` = 25, ...), or `None`.
pub fn auxv(ty: usize) -> Option<usize> {
    let mut p = AUXV.load(Ordering::Relaxed).cast_const();
    if p.is_null() {
        return None;
    }
    loop {
        // SAFETY: (type, value) pairs up to AT_NULL after envp.
        let (t, v) = unsafe { (*p, *p.add(1)) };
        if t == 0 {
            return None;
        }
        if t == ty {
            return Some(v);
        }
        // SAFETY: still inside the vector (AT_NULL not reached).
        p = unsafe { p.add(2) };
    }
}

/// fd 1.
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: fd 1 is the process's standard output for its whole life
    // (a program that closes it gets EBADF from writes, no unsoundness).
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// fd 2.
pub fn stderr() -> BorrowedFd<'static> {
    // SAFETY: as for `stdout`.
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// `memcmp(a, b, n)`: the first differing byte decides (as unsigned).
///
/// # Safety
/// The C contract: `a` and `b` valid for `n` bytes.
#[cfg(not(feature = "std"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: i < n, the caller's bound.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp(a, b, n)`: zero when equal.
///
/// # Safety
/// The C contract: `a` and `b` valid for `n` bytes.
#[cfg(not(feature = "std"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract, passed on.
    unsafe { memcmp(a, b, n) }
}

/// `strlen(s)`: what `CStr::from_ptr` calls.
///
/// # Safety
/// The C contract: `s` points at a NUL-terminated string.
#[cfg(not(feature = "std"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: the caller's NUL terminator bounds the walk.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}

/// Writes `panic at <file>:<line>` to fd 2 and exits with 101.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut w = crate::path::FmtBuf::<256>::new();
    let _ = core::fmt::write(&mut w, format_args!("panic: {}\n", info.message()));
    if let Some(l) = info.location() {
        let _ = core::fmt::write(&mut w, format_args!("  at {}:{}\n", l.file(), l.line()));
    }
    let _ = crate::sys::write_all(stderr(), w.as_bytes());
    crate::sys::exit_group(101)
}

/// Defines the program's C-ABI `main` (called by `rt`'s `_start`) from
/// `fn(pidfs::rt::Args) -> i32`.
#[macro_export]
macro_rules! rt_main {
    ($f:path) => {
        const _: () = {
            #[unsafe(export_name = "main")]
            extern "C" fn __pidfs_rt_c_main(
                _argc: i32,
                _argv: *const *const u8,
                _envp: *const *const u8,
            ) -> i32 {
                $f($crate::rt::args())
            }
        };
    };
}
