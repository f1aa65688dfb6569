//! riscv64 `_start`, `memcpy`, `memmove`, `memset` (LP64D: arguments in
//! a0..a2, a3..a5 are scratch, sp 16-byte aligned).
//!
//! `_start` loads the global pointer, as crt1 does. GNU ld relaxes an
//! `auipc`/`lui` address pair marked `R_RISCV_RELAX` into one
//! `gp`-relative instruction wherever the target lies within ±2 KiB of
//! `__global_pointer$` (which its default linker script always defines).
//! gcc and clang mark their pairs so by default, Rust code with the
//! `relax` target feature too (the riscv64gc targets leave it off): a
//! binary linked by `riscv64-linux-gnu-gcc` that holds such code reads its
//! small data through gp, which nothing but `_start` sets. The load itself
//! must not be relaxed (it would become `mv gp, gp`), hence `.option
//! norelax` around it. ld.lld relaxes nothing to gp unless asked
//! (`--relax-gp`) but defines `__global_pointer$` when it is referenced,
//! so the same code serves both linkers.

/// The process entry: sp points at argc.
///
/// # Safety
/// Only the kernel jumps here, once.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        ".option push",
        ".option norelax",
        "lla gp, __global_pointer$",
        ".option pop",
        "mv fp, zero", // the outermost frame
        "mv ra, zero",
        "mv a0, sp",   // entry(sp)
        "andi sp, sp, -16",
        "call {entry}",
        "unimp",
        entry = sym super::entry,
    )
}

/// `memcpy(dest, src, n)`: 8 bytes at a time when both pointers are
/// 8-byte aligned, then bytes.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mv a3, a0", // a0 stays dest, the return value
        "or a4, a0, a1",
        "andi a4, a4, 7",
        "bnez a4, 2f",
        "li a5, 8",
        "1:",
        "bltu a2, a5, 2f",
        "ld a4, 0(a1)",
        "sd a4, 0(a3)",
        "addi a1, a1, 8",
        "addi a3, a3, 8",
        "addi a2, a2, -8",
        "j 1b",
        "2:",
        "beqz a2, 3f",
        "lbu a4, 0(a1)",
        "sb a4, 0(a3)",
        "addi a1, a1, 1",
        "addi a3, a3, 1",
        "addi a2, a2, -1",
        "j 2b",
        "3:",
        "ret",
    )
}

/// `memmove(dest, src, n)`: forward unless `dest` lies inside the source,
/// then backward byte by byte.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "sub a3, a0, a1", // dest - src (unsigned) < n: dest inside the source
        "bltu a3, a2, 2f",
        "mv a3, a0",
        "1:",
        "beqz a2, 3f",
        "lbu a4, 0(a1)",
        "sb a4, 0(a3)",
        "addi a1, a1, 1",
        "addi a3, a3, 1",
        "addi a2, a2, -1",
        "j 1b",
        "2:",
        "add a1, a1, a2",
        "add a3, a0, a2",
        "4:",
        "beqz a2, 3f",
        "addi a1, a1, -1",
        "addi a3, a3, -1",
        "lbu a4, 0(a1)",
        "sb a4, 0(a3)",
        "addi a2, a2, -1",
        "j 4b",
        "3:",
        "ret",
    )
}

/// `memset(dest, c, n)`: byte by byte.
///
/// # Safety
/// The C contract: `dest` valid for `n` bytes.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mv a3, a0",
        "1:",
        "beqz a2, 2f",
        "sb a1, 0(a3)",
        "addi a3, a3, 1",
        "addi a2, a2, -1",
        "j 1b",
        "2:",
        "ret",
    )
}
