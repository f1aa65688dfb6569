//! x86_64 `_start`, `memcpy`, `memmove`, `memset` (System V ABI).

/// The process entry: rsp points at argc and is 16-byte aligned.
///
/// # Safety
/// Only the kernel jumps here, once.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "xor ebp, ebp",  // the outermost frame
        "mov rdi, rsp",  // entry(sp)
        "and rsp, -16",  // aligned before the call pushes the return address
        "call {entry}",
        "ud2",
        entry = sym super::entry,
    )
}

/// `memcpy(dest, src, n)`: `rep movsb` (fast on every CPU with ERMSB).
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!("mov rax, rdi", "mov rcx, rdx", "rep movsb", "ret")
}

/// `memmove(dest, src, n)`: forward unless `dest` lies inside the source,
/// then backward with the direction flag set (and cleared again).
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mov rax, rdi",
        "mov rcx, rdx",
        "mov r8, rdi",
        "sub r8, rsi", // dest - src (unsigned) < n: dest inside the source
        "cmp r8, rdx",
        "jb 2f",
        "rep movsb",
        "ret",
        "2:",
        "lea rsi, [rsi + rdx - 1]",
        "lea rdi, [rdi + rdx - 1]",
        "std",
        "rep movsb",
        "cld",
        "ret",
    )
}

/// `memset(dest, c, n)`: `rep stosb`.
///
/// # Safety
/// The C contract: `dest` valid for `n` bytes.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "mov r8, rdi",
        "mov eax, esi",
        "mov rcx, rdx",
        "rep stosb",
        "mov rax, r8",
        "ret",
    )
}
