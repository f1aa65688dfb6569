//! The smallest complete no-libc program on pidfs's `rt` runtime: prints
//! its arguments, checks its environment and aux vector, and tests the
//! runtime's memory functions. `nostd-hello [args...]` exits 0 when every
//! check passed (ci/nolibc.sh runs it on x86_64 and i686 and, under
//! qemu-user, on aarch64, armv7 and riscv64).
#![no_std]
#![no_main]

use core::fmt::Write;
use pidfs::rt;

pidfs::rt_main!(main);

/// A line buffer on the stack, written to fd 1.
struct Out {
    buf: [u8; 512],
    len: usize,
}

impl Write for Out {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

impl Out {
    fn flush(&mut self) {
        let _ = pidfs::io::write_all(rt::stdout(), &self.buf[..self.len]);
        self.len = 0;
    }
}

fn check(out: &mut Out, fails: &mut u32, what: &str, ok: bool) {
    let _ = writeln!(out, "{} {what}", if ok { "ok" } else { "FAIL" });
    if !ok {
        *fails += 1;
    }
}

/// memcpy/memmove/memset/memcmp through the compiler's own calls (slice
/// methods lower to them) at several lengths and alignments, overlaps both
/// ways.
fn mem_checks(out: &mut Out, fails: &mut u32) {
    let mut a = [0u8; 300];
    let mut b = [0u8; 300];
    for (i, x) in a.iter_mut().enumerate() {
        *x = (i * 7 + 3) as u8;
    }
    let mut ok = true;
    for len in [0usize, 1, 7, 15, 16, 17, 33, 64, 255] {
        for off in [0usize, 1, 3] {
            let src = core::hint::black_box(&a[off..off + len]);
            b[..len].copy_from_slice(src);
            ok &= b[..len] == a[off..off + len];
            ok &= b[..len].iter().zip(&a[off..]).all(|(x, y)| x == y);
        }
    }
    check(out, fails, "memcpy", ok);
    // Overlapping forward and backward moves.
    let mut m = [0u8; 64];
    for (i, x) in m.iter_mut().enumerate() {
        *x = i as u8;
    }
    m.copy_within(core::hint::black_box(0..40), 8);
    let fwd = (0..40).all(|i| m[i + 8] == i as u8) && (0..8).all(|i| m[i] == i as u8);
    let mut n = [0u8; 64];
    for (i, x) in n.iter_mut().enumerate() {
        *x = i as u8;
    }
    n.copy_within(core::hint::black_box(8..48), 0);
    let back = (0..40).all(|i| n[i] == (i + 8) as u8) && n[63] == 63;
    check(out, fails, "memmove", fwd && back);
    let mut s = [1u8; 100];
    s[3..97].fill(core::hint::black_box(0xa5));
    let set = s[2] == 1 && s[97] == 1 && s[3..97].iter().all(|&x| x == 0xa5);
    check(out, fails, "memset", set);
    let x = core::hint::black_box(*b"abcdefgh-1");
    let y = core::hint::black_box(*b"abcdefgh-2");
    // SAFETY: two live 10-byte arrays.
    let c = unsafe { rt::memcmp(x.as_ptr(), y.as_ptr(), 10) };
    // SAFETY: as above.
    let e = unsafe { rt::bcmp(x.as_ptr(), x.as_ptr(), 10) };
    check(
        out,
        fails,
        "memcmp",
        c < 0 && e == 0 && x != y && x[..9] == y[..9],
    );
}

fn main(args: rt::Args) -> i32 {
    let mut out = Out {
        buf: [0; 512],
        len: 0,
    };
    let mut fails = 0;
    let _ = writeln!(out, "hello from a no-libc program: argc={}", args.len());
    for (i, a) in args.iter().enumerate() {
        let _ = writeln!(out, "argv[{i}]={}", a.to_str().unwrap_or("?"));
    }
    check(
        &mut out,
        &mut fails,
        "argv[0] present",
        args.get(0).is_some(),
    );
    check(
        &mut out,
        &mut fails,
        "argv ends",
        args.get(args.len()).is_none(),
    );
    let want = rt::getenv(b"NOSTD_HELLO");
    let _ = writeln!(
        out,
        "env NOSTD_HELLO={:?} ({} entries)",
        want.and_then(|v| v.to_str().ok()),
        rt::env().count()
    );
    check(
        &mut out,
        &mut fails,
        "getenv",
        want.is_some_and(|v| v.to_bytes() == b"yes"),
    );
    let page = rt::auxv(6); // AT_PAGESZ
    let _ = writeln!(out, "auxv AT_PAGESZ={page:?}");
    check(&mut out, &mut fails, "auxv AT_PAGESZ", page == Some(4096));
    check(
        &mut out,
        &mut fails,
        "auxv AT_RANDOM",
        rt::auxv(25).is_some_and(|p| p != 0),
    );
    // i386: `_start` handed the aux vector's AT_SYSINFO (the vDSO's
    // `__kernel_vsyscall`) to the syscall layer before `main`, so every
    // syscall, the first included, enters through it; with no AT_SYSINFO
    // (a kernel booted with vdso32=0) they all take `int 0x80`.
    #[cfg(target_arch = "x86")]
    {
        let sysinfo = rt::auxv(32); // AT_SYSINFO
        let vdso = pidfs::i386::uses_vdso();
        let _ = writeln!(out, "i386 AT_SYSINFO={sysinfo:x?} uses_vdso={vdso}");
        check(
            &mut out,
            &mut fails,
            "i386 syscalls through AT_SYSINFO's entry",
            vdso == sysinfo.is_some_and(|v| v != 0),
        );
    }
    mem_checks(&mut out, &mut fails);
    let _ = writeln!(out, "pid={} fails={fails}", pidfs::getpid());
    out.flush();
    if fails == 0 { 0 } else { 1 }
}
