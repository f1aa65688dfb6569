//! The namespace ioctls that return a new fd (`NS_GET_PARENT`,
//! `NS_GET_USERNS`, `PIDFD_GET_<NS>_NAMESPACE`) are issued only on the
//! files whose kernel handlers answer them with a new namespace fd (nsfs,
//! pidfs), and their answer is taken over only if it is a namespace fd.
//!
//! The kernel behaviour pinned down: a seccomp user-notification
//! supervisor (5.0) can answer any syscall with a value of its choosing,
//! here the number of a pipe this process holds. Taking that number over
//! as an `OwnedFd` would close the pipe on drop; the crate answers `EIO`
//! and leaves it alone. qemu-user runs no seccomp filter for the guest:
//! there the filter cannot be installed, and that answer is asserted.

mod common;

use pidfs::fd::{AsRawFd, FromRawFd, OwnedFd};
use pidfs::{Errno, NsType, PidFd, PidfdFlags};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::AUDIT_ARCH;

const NS_GET_USERNS: u32 = 0xb701;
const NS_GET_PARENT: u32 = 0xb702;
const PIDFD_GET_PID_NAMESPACE: u32 = 0xff05;

#[repr(C)]
#[derive(Clone, Copy)]
struct SockFilter {
    code: u16,
    jt: u8,
    jf: u8,
    k: u32,
}

#[repr(C)]
struct SockFprog {
    len: u16,
    filter: *const SockFilter,
}

const fn stmt(code: u16, k: u32) -> SockFilter {
    SockFilter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

const fn jeq(k: u32, jt: u8, jf: u8) -> SockFilter {
    SockFilter {
        code: 0x15, // BPF_JMP | BPF_JEQ | BPF_K
        jt,
        jf,
        k,
    }
}

const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const RET_K: u16 = 0x06; // BPF_RET | BPF_K

/// `ioctl(_, NS_GET_USERNS | NS_GET_PARENT | PIDFD_GET_PID_NAMESPACE, _)`
/// goes to the supervisor; everything else is allowed. `seccomp_data`:
/// nr at 0, arch at 4, args[1] (the request; its low half) at 24.
fn filter() -> Vec<SockFilter> {
    let allow = stmt(RET_K, libc::SECCOMP_RET_ALLOW);
    let notify = stmt(RET_K, libc::SECCOMP_RET_USER_NOTIF);
    vec![
        stmt(LD_W_ABS, 4),
        jeq(AUDIT_ARCH, 0, 6),
        stmt(LD_W_ABS, 0),
        jeq(libc::SYS_ioctl as u32, 0, 4),
        stmt(LD_W_ABS, 24),
        jeq(NS_GET_USERNS, 3, 0),
        jeq(NS_GET_PARENT, 2, 0),
        jeq(PIDFD_GET_PID_NAMESPACE, 1, 0),
        allow,
        notify,
    ]
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut p = [0; 2];
    // SAFETY: writes two fds into `p`.
    assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh fds we own.
    unsafe { (OwnedFd::from_raw_fd(p[0]), OwnedFd::from_raw_fd(p[1])) }
}

/// Installs the filter on the calling thread with a listener; `Err` is the
/// errno of `seccomp(2)`.
fn install() -> Result<OwnedFd, i32> {
    let f = filter();
    let prog = SockFprog {
        len: f.len() as u16,
        filter: f.as_ptr(),
    };
    // SAFETY: plain prctl and seccomp on this thread; `prog` and `f` live
    // across the call.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        let r = libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            libc::SECCOMP_FILTER_FLAG_NEW_LISTENER,
            &prog as *const SockFprog,
        );
        if r < 0 {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap());
        }
        Ok(OwnedFd::from_raw_fd(r as i32))
    }
}

/// Answers every notification on `listener` with `value` (as a successful
/// syscall return), counting them.
fn supervise(listener: OwnedFd, value: i64, count: Arc<AtomicUsize>) {
    loop {
        // SAFETY: seccomp_notif is plain data; all-zero is the required
        // input of SECCOMP_IOCTL_NOTIF_RECV.
        let mut n: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: the kernel writes one seccomp_notif.
        let r = unsafe {
            libc::ioctl(
                listener.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_RECV as _,
                &mut n,
            )
        };
        if r < 0 {
            return;
        }
        count.fetch_add(1, Ordering::SeqCst);
        let mut resp = libc::seccomp_notif_resp {
            id: n.id,
            val: value,
            error: 0,
            flags: 0,
        };
        // SAFETY: the kernel reads one seccomp_notif_resp.
        unsafe {
            libc::ioctl(
                listener.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_SEND as _,
                &mut resp,
            )
        };
    }
}

/// The pipe still works: what is written at one end comes out at the
/// other (it was not closed, nor its number reused).
fn pipe_alive(r: &OwnedFd, w: &OwnedFd) -> bool {
    let b = [0x5au8];
    let mut got = [0u8];
    // SAFETY: one byte through our own pipe.
    unsafe {
        libc::write(w.as_raw_fd(), b.as_ptr().cast(), 1) == 1
            && libc::read(r.as_raw_fd(), got.as_mut_ptr().cast(), 1) == 1
            && got == b
    }
}

/// A supervisor answers the namespace ioctls with the number of a pipe
/// this process holds: `EIO`, the pipe left open; on files whose kernel
/// handlers never answer them (a pipe, an eventfd: another anon_inode
/// file, as pidfds before 6.9 are), the ioctls are not even issued: the
/// kernel's answer (`ENOTTY`), or the /proc fallback's (`EBADF`: not a
/// pidfd), and the supervisor sees nothing.
#[test]
fn namespace_fd_answers_that_are_not_namespace_fds_are_refused() {
    common::in_child(|| {
        let (r, w) = pipe();
        let (tx, rx) = std::sync::mpsc::channel::<OwnedFd>();
        let count = Arc::new(AtomicUsize::new(0));
        let c2 = count.clone();
        let value = i64::from(w.as_raw_fd());
        // Started before the filter, so it is not under it.
        std::thread::spawn(move || {
            if let Ok(listener) = rx.recv() {
                supervise(listener, value, c2);
            }
        });
        let listener = match install() {
            Ok(l) => l,
            Err(e) => {
                // qemu-user does not run guest seccomp filters.
                if !common::qemu() {
                    panic!("seccomp: errno {e}");
                }
                assert!(
                    e == libc::ENOSYS || e == libc::EINVAL,
                    "qemu-user seccomp: errno {e}"
                );
                return;
            }
        };
        tx.send(listener).unwrap();
        let ns: OwnedFd = std::fs::File::open("/proc/self/ns/pid").unwrap().into();
        let fds = common::fd_count();

        assert_eq!(pidfs::ns_get_parent(&ns).err(), Some(Errno::EIO));
        assert_eq!(pidfs::ns_get_userns(&ns).err(), Some(Errno::EIO));
        let asked = count.load(Ordering::SeqCst);
        assert_eq!(asked, 2);
        let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        // SAFETY: statfs is plain data; fstatfs writes one.
        let pidfs_kernel = unsafe {
            let mut st: libc::statfs = std::mem::zeroed();
            assert_eq!(libc::fstatfs(me.as_raw_fd(), &mut st), 0);
            st.f_type as u32 == 0x5049_4446 // PIDFS_MAGIC (6.9)
        };
        match pidfs::pidfd_get_namespace(&me, NsType::Pid) {
            // pidfs (6.9+): the ioctl is issued, its answer refused.
            Err(Errno::EIO) => assert!(pidfs_kernel),
            // anon_inode pidfds: no ioctl, the /proc fallback's answer.
            Ok(fd) => {
                assert!(!pidfs_kernel);
                let ino =
                    |f: std::fs::File| std::os::unix::fs::MetadataExt::ino(&f.metadata().unwrap());
                let own = std::fs::File::open("/proc/self/ns/pid").unwrap();
                assert_eq!(ino(std::fs::File::from(fd)), ino(own));
            }
            Err(e) => panic!("pidfd_get_namespace: {e:?}"),
        }
        let asked = count.load(Ordering::SeqCst) - asked;
        assert_eq!(asked, usize::from(pidfs_kernel));
        assert!(pipe_alive(&r, &w), "the pipe was closed");

        // Not an nsfs fd / not a pidfd: no ioctl at all.
        let before = count.load(Ordering::SeqCst);
        assert_eq!(pidfs::ns_get_parent(&r).err(), Some(Errno::ENOTTY));
        assert_eq!(pidfs::ns_get_userns(&r).err(), Some(Errno::ENOTTY));
        // SAFETY: plain eventfd.
        let ev = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
        assert!(ev >= 0);
        // SAFETY: a fresh fd we own.
        let ev = unsafe { OwnedFd::from_raw_fd(ev) };
        assert_eq!(
            pidfs::pidfd_get_namespace(&ev, NsType::Pid).err(),
            Some(Errno::EBADF)
        );
        assert_eq!(count.load(Ordering::SeqCst), before, "an ioctl was issued");
        assert!(pipe_alive(&r, &w));
        drop((me, ev));
        assert_eq!(common::fd_count(), fds, "an fd was left open");
    });
}
