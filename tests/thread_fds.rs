//! A pidfd's fdinfo is read from the calling thread's fd table
//! (`/proc/thread-self/fdinfo/<fd>`), not the thread-group leader's
//! (`/proc/self/...`).
//!
//! The kernel behaviour pinned down: a thread that did
//! `unshare(CLONE_FILES)` has a private copy of the fd table, so the same
//! number can name another file there than in the leader's table;
//! `/proc/self` resolves to the leader, `/proc/thread-self` (3.17) to the
//! calling thread.

mod common;

use common::{Child, check, sleeper_in_new_pidns};
use pidfs::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use pidfs::{InfoMask, Method, NsType, PidFd, PidfdFlags, Translator};
use std::os::unix::fs::MetadataExt;

/// `dup3(from, to)` in the calling thread's table.
fn dup_onto(from: BorrowedFd<'_>, to: RawFd) {
    // SAFETY: plain dup3 between fds of this thread's own table.
    check(
        unsafe { libc::dup3(from.as_raw_fd(), to, libc::O_CLOEXEC) },
        "dup3",
    );
}

/// A thread with a private fd table (`unshare(CLONE_FILES)`) holds a pidfd
/// of A at numbers where the leader's table holds a pidfd of B (and
/// /dev/null): every call that reads the fdinfo answers about A, the
/// process this thread's fd names.
#[test]
fn a_thread_with_its_own_fd_table_reads_its_own_fdinfo() {
    common::in_child(|| {
        common::become_root_in_userns();
        let a = sleeper_in_new_pidns();
        let b = Child::sleeper();
        let (a_pid, b_pid) = (a.pid, b.pid);
        // The leader's table: n -> pidfd of B, m -> /dev/null, k -> pidfd
        // of B.
        let b_fd = PidFd::open(b_pid, PidfdFlags::empty()).unwrap();
        let null = std::fs::File::open("/dev/null").unwrap();
        let b_fd2 = PidFd::open(b_pid, PidfdFlags::empty()).unwrap();
        let (n, m, k) = (b_fd.as_raw_fd(), null.as_raw_fd(), b_fd2.as_raw_fd());
        let a_ns_ino = std::fs::metadata(format!("/proc/{a_pid}/ns/pid"))
            .unwrap()
            .ino();
        let t = std::thread::spawn(move || {
            // SAFETY: unshare of this thread's fd table only.
            check(
                unsafe { libc::unshare(libc::CLONE_FILES) },
                "unshare(CLONE_FILES)",
            );
            let a_fd = PidFd::open(a_pid, PidfdFlags::empty()).unwrap();
            dup_onto(a_fd.as_fd(), n);
            dup_onto(a_fd.as_fd(), m);
            let own_ns = std::fs::File::open("/proc/self/ns/pid").unwrap();
            dup_onto(own_ns.as_fd(), k);
            // SAFETY: n, m and k are open in this thread's table and owned
            // here (closing them touches only this table).
            let (pn, pm, pk) = unsafe {
                (
                    PidFd::from(OwnedFd::from_raw_fd(n)),
                    OwnedFd::from_raw_fd(m),
                    OwnedFd::from_raw_fd(k),
                )
            };
            assert_eq!(pn.pid(), Ok(a_pid), "PidFd::pid");
            let info = pidfs::hooks::pidfd_get_info_fallback(pn.as_fd(), InfoMask::PID).unwrap();
            assert_eq!(info.pid(), Some(a_pid), "GET_INFO fallback");
            let ns = pidfs::hooks::pidfd_get_namespace_fallback(pn.as_fd(), NsType::Pid).unwrap();
            let ns_ino = std::fs::File::from(ns).metadata().unwrap().ino();
            assert_eq!(ns_ino, a_ns_ino, "namespace fallback");
            assert_eq!(
                pidfs::hooks::same_process_by_fdinfo(pn.as_fd(), a_fd.as_fd()),
                Ok(true),
                "same_process before 6.9"
            );
            let b_here = PidFd::open(b_pid, PidfdFlags::empty()).unwrap();
            assert_eq!(
                pidfs::hooks::same_process_by_fdinfo(pn.as_fd(), b_here.as_fd()),
                Ok(false)
            );
            let proc_root = std::fs::File::open("/proc").unwrap();
            let dir = pidfs::procfd_from_pidfd(&pn, &proc_root).unwrap();
            let st =
                std::fs::read_to_string(format!("/proc/thread-self/fd/{}/status", dir.as_raw_fd()))
                    .unwrap();
            assert!(
                st.contains(&format!("\nPid:\t{a_pid}\n")),
                "procfd_from_pidfd"
            );
            // The leader's m is /dev/null; this thread's is a pidfd.
            assert!(PidFd::try_from_fd(pm).is_ok(), "try_from_fd");
            // The leader's k is a pidfd; this thread's a pid namespace (the
            // /proc/thread-self/fd link check where NS_GET_NSTYPE is
            // unknown: qemu-user, 32-bit callers before 6.3).
            let me = pidfs::getpid();
            assert_eq!(
                Translator::with_method(Method::Proc).pid_in_pidns(&pk, me),
                Ok(me),
                "pid namespace check"
            );
        });
        t.join().unwrap();
        drop((b_fd, null, b_fd2, a, b));
    });
}
