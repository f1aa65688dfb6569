//! The running kernel's word size, for the one place it matters: a 32-bit
//! program may run on a 64-bit kernel (`pidfd_id` on 6.9-6.13).

use crate::fd::AsFd;
use crate::{raw, sys};

/// Whether the running kernel is 64-bit. A 64-bit build runs only on one;
/// a 32-bit build may run on either (IA32 or AArch32 compat). `uname`'s
/// machine says `x86_64`/`aarch64` on a 64-bit kernel, unless the process
/// runs with `personality(PER_LINUX32)`, which turns it into `i686` or
/// `armv8l`: so a 32-bit-looking answer is checked against
/// `/proc/sys/kernel/arch` (6.0+), the kernel's own machine name, which no
/// personality changes. Cached once known; `None` when `uname` looks 32-bit
/// and `/proc` cannot be read.
pub(crate) fn kernel_is_64bit() -> Option<bool> {
    use core::sync::atomic::{AtomicU8, Ordering};
    static BITS: AtomicU8 = AtomicU8::new(0);
    // Every 64-bit Linux machine name has "64" in it but s390x.
    fn is64(name: &[u8]) -> bool {
        let name = name.trim_ascii();
        name.windows(2).any(|w| w == b"64") || name == b"s390x"
    }
    if cfg!(target_pointer_width = "64") {
        return Some(true);
    }
    match BITS.load(Ordering::Relaxed) {
        32 => return Some(false),
        64 => return Some(true),
        _ => {}
    }
    let mut u = raw::new_utsname::zeroed();
    let machine = sys::uname(&mut u).map(|()| {
        let n = u
            .machine
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(u.machine.len());
        is64(&u.machine[..n])
    });
    let bits = if machine == Ok(true) {
        true
    } else {
        // One short line, read whole by one read (a sysctl string).
        let fd = super::open_ro(c"/proc/sys/kernel/arch").ok()?;
        let mut buf = [0u8; 80];
        let n = sys::read(fd.as_fd(), &mut buf).ok()?;
        is64(&buf[..n])
    };
    BITS.store(if bits { 64 } else { 32 }, Ordering::Relaxed);
    Some(bits)
}
