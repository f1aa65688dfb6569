//! 32-bit ARM (EABI) `_start`, `memcpy`, `memmove`, `memset` (AAPCS:
//! arguments in r0..r3, r0..r3 and r12 are scratch, the stack 8-byte
//! aligned at every call).
//!
//! Every instruction here has the same meaning in ARM and Thumb-2 code
//! (unified syntax), so the file serves `armv7-*` (ARM mode) and
//! `thumbv7neon-*` (Thumb) alike; `bl` and `bx lr` interwork. The frame
//! pointer is r11 in ARM code and r7 in Thumb code: `_start` zeroes both,
//! so an unwinder or debugger walking frames stops at `_start` whichever
//! mode `entry` was compiled for.

/// The process entry: sp points at argc.
///
/// The kernel leaves sp 16-byte aligned (its `STACK_ROUND`); it is aligned
/// again anyway through r12 (Thumb-2 has no `bic sp, sp, #imm`), as AAPCS
/// needs at least 8 at the call.
///
/// # Safety
/// Only the kernel jumps here, once.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov r11, #0",     // the outermost frame (ARM code)
        "mov r7, #0",      // and in Thumb code
        "mov lr, #0",
        "mov r0, sp",      // entry(sp)
        "and r12, r0, #-16",
        "mov sp, r12",
        "bl {entry}",
        "udf #1",
        entry = sym super::entry,
    )
}

/// `memcpy(dest, src, n)`: 4 bytes at a time when both pointers are
/// 4-byte aligned, then bytes.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mov r3, r0", // r0 stays dest, the return value
        "orr r12, r0, r1",
        "tst r12, #3",
        "bne 2f",
        "1:",
        "cmp r2, #4",
        "blo 2f",
        "ldr r12, [r1], #4",
        "str r12, [r3], #4",
        "sub r2, r2, #4",
        "b 1b",
        "2:",
        "cmp r2, #0",
        "beq 3f",
        "ldrb r12, [r1], #1",
        "strb r12, [r3], #1",
        "sub r2, r2, #1",
        "b 2b",
        "3:",
        "bx lr",
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
        "sub r3, r0, r1", // dest - src (unsigned) < n: dest inside the source
        "cmp r3, r2",
        "blo 2f",
        "mov r3, r0",
        "1:",
        "cmp r2, #0",
        "beq 3f",
        "ldrb r12, [r1], #1",
        "strb r12, [r3], #1",
        "sub r2, r2, #1",
        "b 1b",
        "2:",
        "add r1, r1, r2",
        "add r3, r0, r2",
        "4:",
        "cmp r2, #0",
        "beq 3f",
        "ldrb r12, [r1, #-1]!",
        "strb r12, [r3, #-1]!",
        "sub r2, r2, #1",
        "b 4b",
        "3:",
        "bx lr",
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
        "mov r3, r0",
        "1:",
        "cmp r2, #0",
        "beq 2f",
        "strb r1, [r3], #1",
        "sub r2, r2, #1",
        "b 1b",
        "2:",
        "bx lr",
    )
}

// ARM EHABI: every function's entry in `.ARM.exidx` names a personality
// routine, `__aeabi_unwind_cpp_pr0`/`pr1` for the compact models, and the
// precompiled `core` and `compiler_builtins` (built for unwinding) name
// `rust_eh_personality` in `.ARM.extab`. With `panic=abort` nothing ever
// unwinds, so nothing calls them, but the linker wants them defined: each
// is a trap. (libgcc/libgcc_eh, which define the first three in a C
// program, are not linked; std defines the last.)

/// The EHABI compact-model personality routine 0 (never called).
///
/// # Safety
/// Never to be called: it traps.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __aeabi_unwind_cpp_pr0() -> ! {
    core::arch::naked_asm!("udf #2")
}

/// The EHABI compact-model personality routine 1 (never called).
///
/// # Safety
/// Never to be called: it traps.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __aeabi_unwind_cpp_pr1() -> ! {
    core::arch::naked_asm!("udf #2")
}

/// The EHABI compact-model personality routine 2 (never called).
///
/// # Safety
/// Never to be called: it traps.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __aeabi_unwind_cpp_pr2() -> ! {
    core::arch::naked_asm!("udf #2")
}

/// Rust's personality routine, named by the precompiled libraries' unwind
/// tables (never called: nothing unwinds under `panic=abort`).
///
/// # Safety
/// Never to be called: it traps.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rust_eh_personality() -> ! {
    core::arch::naked_asm!("udf #2")
}
