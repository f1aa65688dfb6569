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
    let rows = [
        ("pidfd_open", f.pidfd_open, "5.3"),
        ("PIDFD_THREAD", f.pidfd_thread, "6.9"),
        ("pidfs (one inode per process)", f.pidfs, "6.9"),
        ("PIDFD_GET_*_NAMESPACE", f.pidfd_get_namespace, "6.11"),
        ("nsfs pid ioctls", f.nsfs_pid_ioctls, "6.11"),
        ("PIDFD_GET_INFO", f.pidfd_get_info, "6.13"),
        ("pidfs file handles", f.file_handles, "6.14"),
        ("PIDFD_SELF_*", f.pidfd_self, "6.15"),
        ("FD_PIDFS_ROOT", f.fd_pidfs_root, "6.17"),
        ("clone3", f.clone3, "5.3"),
    ];
    for (name, ok, since) in rows {
        println!(
            "  {:<32} {:<4} (since {since})",
            name,
            if ok { "yes" } else { "no" }
        );
    }
}
