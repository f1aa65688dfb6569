//! Tour section: the machine, the kernel, and which process-handle
//! features it offers, each probed live.

pub fn run() {
    let arch = std::env::consts::ARCH;
    println!("== pidfs tour ==");
    println!("architecture: {arch} ({}-bit)", usize::BITS);
    println!("kernel release: {}", pidfs::KernelRelease::get());
    #[cfg(target_arch = "x86")]
    println!(
        "i386 kernel entry: {}",
        if pidfs::i386::uses_vdso() {
            "vDSO __kernel_vsyscall"
        } else {
            "int 0x80"
        }
    );
    let f = pidfs::Features::probe();
    println!("features (probed live):");
    let rows = f.table();
    for (name, ok, since) in rows {
        println!(
            "  {:<32} {:<4} (since {since})",
            name,
            if ok { "yes" } else { "no" }
        );
    }
}
