//! i386 `_start`, `memcpy`, `memmove`, `memset` (cdecl: arguments on the
//! stack; esi, edi, ebx, ebp are callee-saved).

/// The process entry: esp points at argc.
///
/// # Safety
/// Only the kernel jumps here, once.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "xor ebp, ebp",
        "mov eax, esp",
        "and esp, -16",
        "sub esp, 12",   // 12 + the 4-byte argument: aligned at the call
        "push eax",
        "call {entry}",
        "ud2",
        entry = sym super::entry,
    )
}

/// `memcpy(dest, src, n)`: `rep movsb`.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "push esi",
        "push edi",
        "mov edi, [esp + 12]",
        "mov esi, [esp + 16]",
        "mov ecx, [esp + 20]",
        "mov eax, edi",
        "rep movsb",
        "pop edi",
        "pop esi",
        "ret",
    )
}

/// `memmove(dest, src, n)`: backward (direction flag) when `dest` lies
/// inside the source.
///
/// # Safety
/// The C contract: `dest` and `src` valid for `n` bytes.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!(
        "push esi",
        "push edi",
        "mov edi, [esp + 12]",
        "mov esi, [esp + 16]",
        "mov ecx, [esp + 20]",
        "mov eax, edi",
        "mov edx, edi",
        "sub edx, esi",
        "cmp edx, ecx",
        "jb 2f",
        "rep movsb",
        "pop edi",
        "pop esi",
        "ret",
        "2:",
        "lea esi, [esi + ecx - 1]",
        "lea edi, [edi + ecx - 1]",
        "std",
        "rep movsb",
        "cld",
        "pop edi",
        "pop esi",
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
        "push edi",
        "mov edi, [esp + 8]",
        "mov eax, [esp + 12]",
        "mov ecx, [esp + 16]",
        "rep stosb",
        "mov eax, [esp + 8]",
        "pop edi",
        "ret",
    )
}
