//! One pidfs handle round trip: pidfd -> handle -> 16 bytes -> handle ->
//! pidfd (and the close), the operation a service manager does to store a
//! process's name and get it back. Paired with the same kernel work issued
//! through libc's `syscall()`, the "what users use today" baseline.
//!
//! `cargo bench --bench handles`. On kernels without pidfs handles (before
//! 6.14) it prints the errno instead of timing.

use criterion::{Criterion, black_box};
use pidfs::fd::{AsRawFd, FromRawFd, OwnedFd};
use pidfs::{OFlags, PidfdFlags, PidfsHandle, pidfd_from_handle, pidfd_open, pidfd_to_handle};

#[repr(C)]
struct LibcFileHandle {
    handle_bytes: u32,
    handle_type: i32,
    f_handle: [u8; 128],
}

/// The same round trip with libc: name_to_handle_at, copy out the 16
/// bytes, copy them back, open_by_handle_at(FD_PIDFS_ROOT), close.
fn libc_round_trip(pidfd: i32) -> OwnedFd {
    let mut fh = LibcFileHandle {
        handle_bytes: 128,
        handle_type: 0,
        f_handle: [0; 128],
    };
    let mut mnt = 0u64;
    // SAFETY: a 136-byte file_handle with handle_bytes 128, a u64 mount id.
    let r = unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            pidfd,
            c"".as_ptr(),
            &mut fh,
            &mut mnt,
            libc::AT_EMPTY_PATH,
        )
    };
    assert_eq!(r, 0);
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&fh.handle_bytes.to_le_bytes());
    bytes[4..8].copy_from_slice(&fh.handle_type.to_le_bytes());
    bytes[8..].copy_from_slice(&fh.f_handle[..8]);
    let bytes = black_box(bytes);
    let mut back = LibcFileHandle {
        handle_bytes: 8,
        handle_type: 0xfe,
        f_handle: [0; 128],
    };
    back.f_handle[..8].copy_from_slice(&bytes[8..]);
    // SAFETY: a valid file_handle; FD_PIDFS_ROOT is a kernel sentinel.
    let fd = unsafe { libc::syscall(libc::SYS_open_by_handle_at, -10002, &back, libc::O_CLOEXEC) };
    assert!(fd >= 0);
    // SAFETY: a fresh fd from the kernel.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).expect("pidfd_open(self)");
    match pidfd_to_handle(pidfs::fd::AsFd::as_fd(&me)) {
        Err(e) => {
            println!("handle round trip: not measurable here: {e:?} (pidfs handles need 6.14)");
            return;
        }
        Ok(h) => {
            let fd = pidfd_from_handle(&h, OFlags::RDONLY).expect("reopen");
            assert_eq!(pidfd_to_handle(pidfs::fd::AsFd::as_fd(&fd)), Ok(h));
        }
    }
    let mut g = c.benchmark_group("handles");
    g.bench_function("handle round trip", |b| {
        b.iter(|| {
            let h = pidfd_to_handle(pidfs::fd::AsFd::as_fd(&me)).unwrap();
            let bytes = black_box(h.to_bytes());
            let back = PidfsHandle::from_bytes(&bytes).unwrap();
            pidfd_from_handle(&back, OFlags::RDONLY).unwrap()
        })
    });
    g.bench_function("handle round trip libc", |b| {
        b.iter(|| libc_round_trip(me.as_raw_fd()))
    });
    g.bench_function("encode+decode bytes only", |b| {
        let h = PidfsHandle::from_id(0x1234_5678_9abc);
        b.iter(|| PidfsHandle::from_bytes(&black_box(black_box(h).to_bytes())).unwrap())
    });
    g.finish();
    c.final_summary();
}
