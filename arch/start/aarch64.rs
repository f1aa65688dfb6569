//! aarch64 `_start`, `memcpy`, `memmove`, `memset` (AAPCS64).

/// The process entry: sp points at argc and is 16-byte aligned.
///
/// # Safety
/// Only the kernel jumps here, once.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "mov x29, xzr", // the outermost frame
        "mov x30, xzr",
        "mov x0, sp",
        "bl {entry}",
        "brk #1",
        entry = sym super::entry,
    )
}

/// `memcpy(dest, src, n)`: 16 bytes at a time, then bytes.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mov x3, x0",
        "1:",
        "cmp x2, #16",
        "b.lo 2f",
        "ldp x4, x5, [x1], #16",
        "stp x4, x5, [x3], #16",
        "sub x2, x2, #16",
        "b 1b",
        "2:",
        "cbz x2, 3f",
        "ldrb w4, [x1], #1",
        "strb w4, [x3], #1",
        "sub x2, x2, #1",
        "b 2b",
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
        "sub x3, x0, x1", // dest - src (unsigned) < n: dest inside the source
        "cmp x3, x2",
        "b.lo 2f",
        "mov x3, x0",
        "1:",
        "cbz x2, 3f",
        "ldrb w4, [x1], #1",
        "strb w4, [x3], #1",
        "sub x2, x2, #1",
        "b 1b",
        "2:",
        "add x1, x1, x2",
        "add x3, x0, x2",
        "4:",
        "cbz x2, 3f",
        "ldrb w4, [x1, #-1]!",
        "strb w4, [x3, #-1]!",
        "sub x2, x2, #1",
        "b 4b",
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
        "mov x3, x0",
        "1:",
        "cbz x2, 2f",
        "strb w1, [x3], #1",
        "sub x2, x2, #1",
        "b 1b",
        "2:",
        "ret",
    )
}
