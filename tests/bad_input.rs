//! The "Bad input" table of README.md, as a test: every malformed input or
//! hostile situation in [`rows`] is tried, in a forked single-threaded
//! child, and must get exactly the answer its row names (an errno, a
//! decoder error or `None`), with no fd and no child process left behind.
//! The README section is rendered from the same rows and compared
//! byte for byte, so the table cannot drift from the code
//! (`PIDFS_BLESS=1 cargo test --test bad_input` rewrites it).
//!
//! The README states the answers of a kernel with every feature (6.18,
//! x86_64). Where this run lacks a feature (qemu-user, an old kernel in the
//! matrix) a row names the answer that environment must give instead, and
//! that is asserted.

mod common;

use pidfs::fd::{AsFd, BorrowedFd, OwnedFd};
use pidfs::parse::{parse_ns_pids, parse_pidfd_fdinfo, parse_proc_status};
use pidfs::{
    Errno, Features, HandleError, InfoMask, Method, NsType, OFlags, PidFd, PidfdFlags, PidfdInfo,
    PidfsHandle, SignalFlags, Translator, WaitOptions, WaitStatus,
};
use std::path::PathBuf;

/// One row: the situation, the call, the answer on a full-featured kernel,
/// and the answer where this environment differs (`None`: the same).
struct Row {
    situation: &'static str,
    call: &'static str,
    answer: &'static str,
    here: fn(&Features) -> Option<&'static str>,
    run: fn() -> String,
}

fn same(_: &Features) -> Option<&'static str> {
    None
}

/// An errno's name (`ESRCH`), or `ok` for success.
fn errno<T>(r: Result<T, Errno>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => {
            let s = format!("{e:?}");
            s.trim_start_matches("Errno(")
                .trim_end_matches(')')
                .to_owned()
        }
    }
}

fn handle_err(r: Result<PidfsHandle, HandleError>) -> String {
    match r {
        Ok(h) => format!("Ok({h})"),
        Err(e) => format!("{e:?}"),
    }
}

fn open_path(path: &str) -> OwnedFd {
    std::fs::File::open(path).unwrap().into()
}

/// An fd number that is not open in this process.
fn closed_fd() -> BorrowedFd<'static> {
    // SAFETY: the fd is never used for I/O that could touch another
    // object: 999_999 is above any fd this test opens, so every call on it
    // fails with EBADF.
    unsafe { BorrowedFd::borrow_raw(999_999) }
}

/// A pidfd of a child that has exited and been reaped.
fn reaped() -> PidFd {
    let mut c = common::Child::exiting(0);
    let pidfd = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    c.wait();
    pidfd
}

/// A pidfd of a child that has exited but is not reaped (a zombie), with
/// the child kept so it is reaped on drop.
fn zombie() -> (PidFd, common::Child) {
    let c = common::Child::exiting(0);
    let pidfd = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    c.wait_zombie();
    (pidfd, c)
}

fn handle_bytes(hb: u32, ty: i32, id: u64) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&hb.to_le_bytes());
    b[4..8].copy_from_slice(&ty.to_le_bytes());
    b[8..].copy_from_slice(&id.to_le_bytes());
    b
}

fn no_handles(f: &Features) -> Option<&'static str> {
    (!f.file_handles).then_some("EOPNOTSUPP")
}

fn no_ns_ioctls(f: &Features) -> Option<&'static str> {
    (!f.nsfs_pid_ioctls).then_some("ENOTTY")
}

/// Every row of the table, in README order.
fn rows() -> Vec<Row> {
    vec![
        // ---- decoders (pure; the same everywhere) ----
        Row {
            situation: "pidfs handle of 15 bytes",
            call: "`PidfsHandle::from_bytes`",
            answer: "BadLength { len: 15, expected: 16 }",
            here: same,
            run: || handle_err(PidfsHandle::from_bytes(&[0; 15])),
        },
        Row {
            situation: "pidfs handle of 17 bytes",
            call: "`PidfsHandle::from_bytes`",
            answer: "BadLength { len: 17, expected: 16 }",
            here: same,
            run: || handle_err(PidfsHandle::from_bytes(&[0; 17])),
        },
        Row {
            situation: "pidfs handle whose `handle_bytes` is 16 (unknown format)",
            call: "`PidfsHandle::from_bytes`",
            answer: "BadVersion { handle_bytes: 16 }",
            here: same,
            run: || handle_err(PidfsHandle::from_bytes(&handle_bytes(16, 0xfe, 1))),
        },
        Row {
            situation: "nsfs handle (type 0xf1) where a pidfs one is expected",
            call: "`PidfsHandle::from_bytes`",
            answer: "BadType { handle_type: 241 }",
            here: same,
            run: || handle_err(PidfsHandle::from_bytes(&handle_bytes(8, 0xf1, 1))),
        },
        Row {
            situation: "handle text with a non-hex digit",
            call: "`str::parse::<PidfsHandle>`",
            answer: "BadHex { at: 5 }",
            here: same,
            run: || handle_err("08000x00fe000000010000000000000z".parse()),
        },
        Row {
            situation: "handle text of 31 digits",
            call: "`str::parse::<PidfsHandle>`",
            answer: "BadLength { len: 31, expected: 32 }",
            here: same,
            run: || handle_err("08000000fe000000010000000000000".parse()),
        },
        Row {
            situation: "PIDFD_GET_INFO bytes of 63 / 65 / 81 bytes",
            call: "`PidfdInfo::from_bytes`",
            answer: "None",
            here: same,
            run: || {
                let r = [63, 65, 81].map(|n| PidfdInfo::from_bytes(&vec![0xa5; n]));
                format!("{:?}", r.iter().find(|x| x.is_some()).copied().flatten())
            },
        },
        Row {
            situation: "fdinfo whose `Pid:` overflows an i32",
            call: "`parse::parse_pidfd_fdinfo`",
            answer: "None",
            here: same,
            run: || format!("{:?}", parse_pidfd_fdinfo(b"Pid:\t99999999999\n")),
        },
        Row {
            situation: "fdinfo whose `Pid:` has trailing garbage (`12x`)",
            call: "`parse::parse_pidfd_fdinfo`",
            answer: "None",
            here: same,
            run: || format!("{:?}", parse_pidfd_fdinfo(b"Pid:\t12x\n")),
        },
        Row {
            situation: "/proc status with a 3-field `Uid:` line",
            call: "`parse::parse_proc_status`",
            answer: "None",
            here: same,
            run: || {
                let t = b"Tgid:\t1\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
                format!("{:?}", parse_proc_status(t))
            },
        },
        Row {
            situation: "/proc status with a `Gid:` of 2^32",
            call: "`parse::parse_proc_status`",
            answer: "None",
            here: same,
            run: || {
                let t =
                    b"Tgid:\t1\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t4294967296\t0\t0\t0\n";
                format!("{:?}", parse_proc_status(t))
            },
        },
        Row {
            situation: "fdinfo cut inside its last line (`Pid:\\t29`, no newline)",
            call: "`parse::parse_pidfd_fdinfo`",
            answer: "None",
            here: same,
            run: || format!("{:?}", parse_pidfd_fdinfo(b"pos:\t0\nPid:\t29")),
        },
        Row {
            situation: "/proc status cut inside its last line (`NSpid:\\t29`, no newline)",
            call: "`parse::parse_proc_status`",
            answer: "None",
            here: same,
            run: || {
                let t =
                    b"Tgid:\t1\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nNSpid:\t29";
                format!("{:?}", parse_proc_status(t))
            },
        },
        Row {
            situation: "`NSpid:` with 34 levels (the kernel has at most 33)",
            call: "`parse::parse_ns_pids`",
            answer: "None",
            here: same,
            run: || format!("{:?}", parse_ns_pids("1 ".repeat(34).as_bytes())),
        },
        Row {
            situation: "wait status 0x00ff (no `W*` macro matches)",
            call: "`WaitStatus::from_raw`",
            answer: "None",
            here: same,
            run: || format!("{:?}", WaitStatus::from_raw(0xff)),
        },
        Row {
            situation: "siginfo `si_code` 7 (no `CLD_*` value)",
            call: "`WaitStatus::from_code_status`",
            answer: "None",
            here: same,
            run: || format!("{:?}", WaitStatus::from_code_status(7, 0)),
        },
        Row {
            situation: "control message with `cmsg_len` = `usize::MAX`",
            call: "`hooks::parse_scm_credentials`",
            answer: "None",
            here: same,
            run: || {
                let mut b = [0u8; 64];
                b[..size_of::<usize>()].copy_from_slice(&usize::MAX.to_ne_bytes());
                b[size_of::<usize>()..size_of::<usize>() + 4].copy_from_slice(&1i32.to_ne_bytes());
                b[size_of::<usize>() + 4..size_of::<usize>() + 8]
                    .copy_from_slice(&2i32.to_ne_bytes());
                format!("{:?}", pidfs::hooks::parse_scm_credentials(&b))
            },
        },
        // ---- fds that are not pidfds ----
        Row {
            situation: "closed fd as a pidfd",
            call: "`pidfd_send_signal(fd, 0)`",
            answer: "EBADF",
            here: same,
            run: || {
                errno(pidfs::pidfd_send_signal(
                    closed_fd(),
                    0,
                    None,
                    SignalFlags::empty(),
                ))
            },
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`pidfd_send_signal(fd, 0)`",
            answer: "EBADF",
            here: same,
            run: || {
                let f = open_path("/dev/null");
                errno(pidfs::pidfd_send_signal(
                    f.as_fd(),
                    0,
                    None,
                    SignalFlags::empty(),
                ))
            },
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`PidFd::try_from_fd`",
            answer: "EINVAL",
            here: same,
            run: || errno(PidFd::try_from_fd(open_path("/dev/null"))),
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`pidfd_get_info(fd, PID)`",
            answer: "EBADF",
            here: same,
            run: || {
                let f = open_path("/dev/null");
                errno(pidfs::pidfd_get_info(f.as_fd(), InfoMask::PID))
            },
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`pidfd_to_handle`",
            answer: "EBADF",
            here: same,
            run: || {
                let f = open_path("/dev/null");
                errno(pidfs::pidfd_to_handle(f.as_fd()))
            },
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`pidfd_wait(fd, EXITED)`",
            answer: "EBADF",
            here: same,
            run: || {
                let f = open_path("/dev/null");
                errno(pidfs::pidfd_wait(f.as_fd(), WaitOptions::EXITED))
            },
        },
        Row {
            situation: "/dev/null as a pidfd",
            call: "`procfd_from_pidfd(fd, /proc)`",
            answer: "EBADF",
            here: same,
            run: || {
                let f = open_path("/dev/null");
                let proc = open_path("/proc");
                errno(pidfs::procfd_from_pidfd(f.as_fd(), proc.as_fd()))
            },
        },
        // ---- pids and flags ----
        Row {
            situation: "pid -1 / pid 0",
            call: "`pidfd_open`",
            answer: "EINVAL",
            here: same,
            run: || {
                let a = errno(pidfs::pidfd_open(-1, PidfdFlags::empty()));
                let b = errno(pidfs::pidfd_open(0, PidfdFlags::empty()));
                if a == b { a } else { format!("{a}/{b}") }
            },
        },
        Row {
            situation: "pid that does not exist (2^31-1)",
            call: "`pidfd_open`",
            answer: "ESRCH",
            here: same,
            run: || errno(pidfs::pidfd_open(i32::MAX, PidfdFlags::empty())),
        },
        Row {
            situation: "unknown flag bit (1)",
            call: "`pidfd_open`",
            answer: "EINVAL",
            here: same,
            run: || {
                errno(pidfs::pidfd_open(
                    pidfs::getpid(),
                    PidfdFlags::from_bits_retain(1),
                ))
            },
        },
        Row {
            situation: "signal 65 (above SIGRTMAX)",
            call: "`pidfd_send_signal`",
            answer: "EINVAL",
            here: same,
            run: || {
                let c = common::Child::sleeper();
                let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
                errno(p.kill(65))
            },
        },
        Row {
            situation: "fd number not open in the target",
            call: "`pidfd_getfd(self, 999999)`",
            answer: "EBADF",
            here: same,
            run: || {
                let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
                errno(me.getfd(999_999))
            },
        },
        Row {
            situation: "a process that is not our child",
            call: "`pidfd_wait(pidfd of pid 1, EXITED)`",
            answer: "ECHILD",
            here: same,
            run: || {
                let one = PidFd::open(1, PidfdFlags::empty()).unwrap();
                errno(one.wait(WaitOptions::EXITED | WaitOptions::NOHANG))
            },
        },
        // ---- dead processes ----
        Row {
            situation: "zombie (exited, not reaped)",
            call: "`pidfd_send_signal(pidfd, 0)`",
            answer: "ok",
            here: same,
            run: || {
                let (p, _c) = zombie();
                errno(p.kill(0))
            },
        },
        Row {
            situation: "zombie (exited, not reaped)",
            call: "`PidFd::pid`",
            answer: "ok",
            here: same,
            run: || {
                let (p, _c) = zombie();
                errno(p.pid())
            },
        },
        Row {
            situation: "reaped process",
            call: "`pidfd_send_signal(pidfd, 0)`",
            answer: "ESRCH",
            here: same,
            run: || errno(reaped().kill(0)),
        },
        Row {
            situation: "reaped process",
            call: "`PidFd::pid`",
            answer: "ESRCH",
            here: same,
            run: || errno(reaped().pid()),
        },
        Row {
            situation: "reaped process",
            call: "`pidfd_get_info(pidfd, PID)`",
            answer: "ESRCH",
            here: same,
            run: || errno(reaped().info(InfoMask::PID)),
        },
        Row {
            situation: "reaped process",
            call: "`pidfd_getfd(pidfd, 0)`",
            answer: "ESRCH",
            here: same,
            run: || errno(reaped().getfd(0)),
        },
        Row {
            situation: "reaped process",
            call: "`pidfd_get_namespace(pidfd, Pid)`",
            answer: "ESRCH",
            here: same,
            run: || errno(reaped().namespace(NsType::Pid)),
        },
        Row {
            situation: "reaped process",
            call: "`procfd_from_pidfd(pidfd, /proc)`",
            answer: "ESRCH",
            here: same,
            run: || {
                let proc = open_path("/proc");
                errno(pidfs::procfd_from_pidfd(reaped().as_fd(), proc.as_fd()))
            },
        },
        Row {
            situation: "reaped process",
            call: "`pidfd_wait` a second time",
            answer: "ECHILD",
            here: same,
            run: || {
                let c = common::Child::exiting(3);
                let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
                let mut c = c;
                c.forget();
                assert_eq!(p.wait(WaitOptions::EXITED), Ok(Some(WaitStatus::Exited(3))));
                errno(p.wait(WaitOptions::EXITED))
            },
        },
        Row {
            situation: "handle of a reaped process",
            call: "`pidfd_from_handle`",
            answer: "ESTALE",
            here: no_handles,
            run: || {
                let p = reaped();
                match p.to_handle() {
                    Ok(h) => errno(pidfs::pidfd_from_handle(&h, OFlags::empty())),
                    Err(e) => errno::<()>(Err(e)),
                }
            },
        },
        Row {
            situation: "`/proc/<pid>` dir fd of a reaped process",
            call: "`pidfd_from_procfd`",
            answer: "ESRCH",
            here: same,
            run: || {
                let mut c = common::Child::exiting(0);
                let dir = open_path(&format!("/proc/{}", c.pid));
                c.wait();
                errno(pidfs::pidfd_from_procfd(dir.as_fd()))
            },
        },
        // ---- handles that name nothing ----
        Row {
            situation: "handle with id 0 / id 2^64-1 (never issued)",
            call: "`pidfd_from_handle`",
            answer: "ESTALE",
            here: |f| (!f.file_handles).then_some("ESTALE"),
            run: || {
                let a = errno(pidfs::pidfd_from_handle(
                    &PidfsHandle::from_id(0),
                    OFlags::empty(),
                ));
                let b = errno(pidfs::pidfd_from_handle(
                    &PidfsHandle::from_id(u64::MAX),
                    OFlags::empty(),
                ));
                if a == b { a } else { format!("{a}/{b}") }
            },
        },
        Row {
            situation: "handle reopened with `O_DIRECTORY`",
            call: "`pidfd_from_handle`",
            answer: "EINVAL",
            here: no_handles,
            run: || {
                let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
                match me.to_handle() {
                    Ok(h) => errno(pidfs::pidfd_from_handle(
                        &h,
                        OFlags::from_bits_retain(0o200000),
                    )),
                    Err(e) => errno::<()>(Err(e)),
                }
            },
        },
        Row {
            situation: "handle of a process outside the caller's pid namespace",
            call: "`pidfd_from_handle` (from a child pid namespace)",
            answer: "ESTALE",
            here: no_handles,
            run: foreign_namespace_handle,
        },
        // ---- namespaces ----
        Row {
            situation: "net namespace fd where a pid namespace is expected",
            call: "`ns_get_pid_from_pidns(fd, 1)`",
            answer: "EINVAL",
            here: no_ns_ioctls,
            run: || {
                let ns = open_path("/proc/self/ns/net");
                errno(pidfs::ns_get_pid_from_pidns(ns.as_fd(), 1))
            },
        },
        Row {
            situation: "a pidfd where a namespace fd is expected",
            call: "`ns_get_pid_in_pidns(fd, 1)`",
            answer: "EINVAL",
            here: no_ns_ioctls,
            run: || {
                let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
                errno(pidfs::ns_get_pid_in_pidns(me.as_fd(), 1))
            },
        },
        Row {
            situation: "pid that does not exist in the namespace",
            call: "`ns_get_pid_from_pidns(own pid ns, 2^31-1)`",
            answer: "ESRCH",
            here: no_ns_ioctls,
            run: || {
                let ns = open_path("/proc/self/ns/pid");
                errno(pidfs::ns_get_pid_from_pidns(ns.as_fd(), i32::MAX))
            },
        },
        Row {
            situation: "net namespace fd",
            call: "`Translator` (`Fork` method) `pid_from_pidns(fd, 1)`",
            answer: "EINVAL",
            here: same,
            run: || {
                let ns = open_path("/proc/self/ns/net");
                errno(Translator::with_method(Method::Fork).pid_from_pidns(ns.as_fd(), 1))
            },
        },
        Row {
            situation: "pid that does not exist in the namespace",
            call: "`Translator` (`Fork` method) `pid_from_pidns(own pid ns, 2^31-1)`",
            answer: "ESRCH",
            here: same,
            run: || {
                let ns = open_path("/proc/self/ns/pid");
                errno(Translator::with_method(Method::Fork).pid_from_pidns(ns.as_fd(), i32::MAX))
            },
        },
        Row {
            situation: "pid that does not exist in the namespace",
            call: "`Translator` (`Proc` method) `pid_in_pidns(own pid ns, 2^31-1)`",
            answer: "ESRCH",
            here: same,
            run: || {
                let ns = open_path("/proc/self/ns/pid");
                errno(Translator::with_method(Method::Proc).pid_in_pidns(ns.as_fd(), i32::MAX))
            },
        },
        Row {
            situation: "a pipe where a namespace fd is expected",
            call: "`setns(fd, PID)`",
            answer: "EINVAL",
            here: same,
            run: || {
                let mut p = [0; 2];
                // SAFETY: pipe2 writes two fds into `p`.
                assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
                // SAFETY: both fds were just opened and are owned here.
                let (r, _w) = unsafe {
                    (
                        <OwnedFd as pidfs::fd::FromRawFd>::from_raw_fd(p[0]),
                        <OwnedFd as pidfs::fd::FromRawFd>::from_raw_fd(p[1]),
                    )
                };
                errno(pidfs::setns(r.as_fd(), pidfs::NsFlags::PID))
            },
        },
        // ---- /proc ----
        Row {
            situation: "`/` (not a procfs) as the proc root",
            call: "`procfd_from_pidfd(self, /)`",
            answer: "EINVAL",
            here: same,
            run: || {
                let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
                let root = open_path("/");
                errno(pidfs::procfd_from_pidfd(me.as_fd(), root.as_fd()))
            },
        },
        Row {
            situation: "`/` (not a procfs dir) as a `/proc/<pid>` fd",
            call: "`pidfd_from_procfd`",
            answer: "EINVAL",
            here: same,
            run: || errno(pidfs::pidfd_from_procfd(open_path("/").as_fd())),
        },
        Row {
            situation: "`/proc/self/ns` (a procfs dir, not `/proc/<pid>`)",
            call: "`pidfd_from_procfd`",
            answer: "ESRCH",
            here: same,
            run: || errno(pidfs::pidfd_from_procfd(open_path("/proc/self/ns").as_fd())),
        },
        Row {
            situation: "`/proc/sys` (a procfs dir, not its root) as the proc root",
            call: "`procfd_from_pidfd(self, /proc/sys)`",
            answer: "EINVAL",
            here: same,
            run: || {
                let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
                errno(pidfs::procfd_from_pidfd(&me, open_path("/proc/sys")))
            },
        },
        Row {
            situation: "a container's procfs (a pid namespace below the caller's), for the container's init",
            call: "`procfd_from_pidfd(pidfd, container /proc)`",
            answer: "ok",
            here: same,
            run: || {
                in_containers(|c| {
                    match pidfs::procfd_from_pidfd(pidfd(c.l1), open_path(&c.l1_proc)) {
                        Ok(dir) => expect_pid(dir, 1),
                        Err(e) => errno::<()>(Err(e)),
                    }
                })
            },
        },
        Row {
            situation: "`/proc/1` of a container's procfs (below the caller's)",
            call: "`pidfd_from_procfd`",
            answer: "ok",
            here: same,
            run: || {
                in_containers(|c| {
                    let dir = open_path(&format!("{}/1", c.l1_proc));
                    match pidfs::pidfd_from_procfd(dir) {
                        Ok(fd) => match PidFd::from(fd).same_process(&pidfd(c.l1)) {
                            Ok(true) => "ok".into(),
                            r => format!("{r:?}"),
                        },
                        Err(e) => errno::<()>(Err(e)),
                    }
                })
            },
        },
        Row {
            situation: "a process in a sibling container, given the other container's procfs (both number it 1)",
            call: "`procfd_from_pidfd(pidfd, sibling /proc)`",
            answer: "ESRCH",
            here: same,
            run: || {
                in_containers(|c| {
                    errno(pidfs::procfd_from_pidfd(
                        pidfd(c.l2),
                        open_path(&c.l2b_proc),
                    ))
                })
            },
        },
        Row {
            situation: "the init of an outer pid namespace, given an inner namespace's procfs (whose pid 1 is another init)",
            call: "`procfd_from_pidfd(pidfd, inner /proc)`",
            answer: "ESRCH",
            here: same,
            run: || {
                in_containers(|c| {
                    errno(pidfs::procfd_from_pidfd(pidfd(c.l1), open_path(&c.l2_proc)))
                })
            },
        },
        Row {
            situation: "a process with 65,536 supplementary groups (its status is ~600 KiB, `NSpid:` after `Groups:`)",
            call: "`Translator` (`Proc` method) `pid_in_pidns`",
            answer: "ok",
            here: not_root,
            run: many_groups,
        },
        Row {
            situation: "an fd number that names another file in the thread-group leader's table (a thread after `unshare(CLONE_FILES)`)",
            call: "`PidFd::pid`",
            answer: "ok",
            here: same,
            run: private_fd_table,
        },
        // ---- spawn ----
        Row {
            situation: "program that does not exist",
            call: "`spawn(\"/nonexistent\")`",
            answer: "ENOENT",
            here: same,
            run: || {
                errno(pidfs::spawn(
                    c"/nonexistent",
                    &[c"x"],
                    &[],
                    pidfs::CloneFlags::empty(),
                ))
            },
        },
        Row {
            situation: "a directory as the program",
            call: "`spawn(\"/\")`",
            answer: "EACCES",
            here: same,
            run: || errno(pidfs::spawn(c"/", &[c"x"], &[], pidfs::CloneFlags::empty())),
        },
        Row {
            situation: "clone3 denied: a seccomp filter answers `EPERM` for `clone3` (Docker before 20.10.9, containerd before 1.5)",
            call: "`spawn`, `fork_pidfd`, `Translator` (`Fork`)",
            answer: "ok (legacy clone(CLONE_PIDFD))",
            here: |_| common::qemu().then_some("no seccomp under qemu-user"),
            run: clone3_denied,
        },
    ]
}

/// Under a seccomp filter that denies clone3 (in a forked child: a filter
/// cannot be removed), spawn, fork_pidfd and the fork translation work.
fn clone3_denied() -> String {
    let code = common::run_in_child(|| {
        if common::deny_clone3_with_seccomp().is_err() {
            // SAFETY: leaves the forked child at once.
            unsafe { libc::_exit(3) }
        }
        // The fork works; the exec's own errno comes back.
        assert_eq!(
            pidfs::spawn(c"/nonexistent", &[c"x"], &[], pidfs::CloneFlags::empty()).err(),
            Some(Errno::ENOENT)
        );
        // SAFETY: the child only _exits.
        match unsafe { pidfs::fork_pidfd(pidfs::CloneFlags::empty()) }.unwrap() {
            // SAFETY: leaves the child at once.
            pidfs::Forked::Child => unsafe { libc::_exit(0) },
            pidfs::Forked::Parent { pidfd, .. } => {
                assert_eq!(
                    pidfd.wait(WaitOptions::EXITED),
                    Ok(Some(WaitStatus::Exited(0)))
                );
            }
        }
        let ns = open_path("/proc/self/ns/pid");
        let me = pidfs::getpid();
        assert_eq!(
            Translator::with_method(Method::Fork).pid_from_pidns(ns.as_fd(), me),
            Ok(me)
        );
    });
    match code {
        0 => "ok (legacy clone(CLONE_PIDFD))".into(),
        3 => "no seccomp under qemu-user".into(),
        c => format!("failed (exit {c})"),
    }
}

/// Where setgroups needs root: as a non-root user the fresh user
/// namespace denies it.
fn not_root(_: &Features) -> Option<&'static str> {
    // SAFETY: geteuid has no preconditions.
    (unsafe { libc::geteuid() } != 0).then_some("EPERM")
}

fn pidfd(pid: i32) -> PidFd {
    PidFd::open(pid, PidfdFlags::empty()).unwrap()
}

/// `ok` if a `/proc/<pid>` directory's `status` says `Pid: pid`.
fn expect_pid(dir: OwnedFd, pid: i32) -> String {
    let path = format!(
        "/proc/thread-self/fd/{}/status",
        std::os::fd::AsRawFd::as_raw_fd(&dir)
    );
    let st = std::fs::read_to_string(path).unwrap();
    if st.contains(&format!("\nPid:\t{pid}\n")) {
        "ok".into()
    } else {
        "another directory".into()
    }
}

/// Pid namespaces below the caller, each with its own procfs: L1 (its
/// init's pid, in the caller's numbering, and its procfs), L2 below L1 and
/// L2' beside L2.
struct Containers {
    l1: i32,
    l1_proc: String,
    l2: i32,
    l2_proc: String,
    l2b_proc: String,
}

/// Runs `f` in a forked child (root of a fresh user namespace when not
/// root, private mount namespace) with [`Containers`] below it, and gives
/// back its answer; the containers are gone (killed and reaped) after.
fn in_containers(f: fn(&Containers) -> String) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = std::env::temp_dir().join(format!("pidfs-bad-{}-{n}", std::process::id()));
    let dirs = ["l1", "l2", "l2b"].map(|d| base.join(d).to_str().unwrap().to_owned());
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    let mut p = [0; 2];
    // SAFETY: pipe2 writes two fds.
    assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    let (r, w) = (p[0], p[1]);
    let d2 = dirs.clone();
    let code = common::run_in_child(move || {
        common::become_root_in_userns();
        // SAFETY: namespace and mount syscalls in this forked child only.
        unsafe {
            assert_eq!(libc::unshare(libc::CLONE_NEWNS), 0);
            assert_eq!(
                libc::mount(
                    c"none".as_ptr(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ),
                0
            );
        }
        let mut q = [0; 2];
        // SAFETY: pipe2 writes two fds.
        assert_eq!(unsafe { libc::pipe2(q.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        let (ready_r, ready_w) = (q[0], q[1]);
        let [a_dir, b_dir, b2_dir] = d2.clone();
        let l1 = fork_init(move || {
            mount_proc(&a_dir);
            let b_dir2 = b_dir.clone();
            fork_init(move || {
                mount_proc(&b_dir2);
                report_pid(ready_w, 1);
            });
            fork_init(move || {
                mount_proc(&b2_dir);
                report_pid(ready_w, 2);
            });
            report_pid(ready_w, 0);
        });
        let mut pids = [0i32; 3];
        for _ in 0..3 {
            let mut rec = [0i32; 2];
            // SAFETY: reads 8 bytes into a local.
            let n = unsafe { libc::read(ready_r, rec.as_mut_ptr().cast(), 8) };
            assert_eq!(n, 8);
            pids[rec[0] as usize] = rec[1];
        }
        assert_eq!(pids[0], l1);
        let l2 = pids[1];
        let c = Containers {
            l1,
            l1_proc: d2[0].clone(),
            l2,
            l2_proc: d2[1].clone(),
            l2b_proc: d2[2].clone(),
        };
        let answer = f(&c);
        let b = answer.as_bytes();
        // SAFETY: writes a short live buffer (atomic below PIPE_BUF).
        unsafe { libc::write(w, b.as_ptr().cast(), b.len()) };
        // SAFETY: kills and reaps our own child; the containers go with it.
        unsafe {
            libc::kill(l1, libc::SIGKILL);
            libc::waitpid(l1, std::ptr::null_mut(), 0);
        }
    });
    // SAFETY: our copy of the write end.
    unsafe { libc::close(w) };
    let mut buf = [0u8; 256];
    // SAFETY: reads at most 256 bytes into a local.
    let n = unsafe { libc::read(r, buf.as_mut_ptr().cast(), buf.len()) };
    // SAFETY: our own fd.
    unsafe { libc::close(r) };
    for d in &dirs {
        std::fs::remove_dir(d).unwrap();
    }
    std::fs::remove_dir(&base).unwrap();
    assert_eq!(code, 0, "the containers' child failed");
    String::from_utf8_lossy(&buf[..n.max(0) as usize]).into_owned()
}

fn mount_proc(target: &str) {
    let t = std::ffi::CString::new(target).unwrap();
    // SAFETY: mounts a procfs of the caller's pid namespace.
    let r = unsafe {
        libc::mount(
            c"proc".as_ptr(),
            t.as_ptr(),
            c"proc".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        )
    };
    assert_eq!(r, 0, "mount proc: {}", std::io::Error::last_os_error());
}

/// Writes `tag` and the caller's pid as `/proc` (the caller's ancestor's
/// procfs) numbers it, then waits to be killed.
fn report_pid(w: i32, tag: i32) {
    let me: i32 = std::fs::read_link("/proc/self")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let rec = [tag, me];
    // SAFETY: writes 8 bytes from a local (atomic: below PIPE_BUF).
    unsafe { libc::write(w, rec.as_ptr().cast(), 8) };
    loop {
        // SAFETY: waits for a signal.
        unsafe { libc::pause() };
    }
}

/// Forks `body` as pid 1 of a new pid namespace (dying with its parent);
/// the caller's later children stay in its own namespace.
fn fork_init(body: impl FnOnce()) -> i32 {
    let own = std::fs::File::open("/proc/self/ns/pid").unwrap();
    // SAFETY: single-threaded forked process; the child runs `body`.
    unsafe {
        assert_eq!(libc::unshare(libc::CLONE_NEWPID), 0);
        let pid = libc::fork();
        assert!(pid >= 0);
        if pid == 0 {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            body();
            libc::_exit(0);
        }
        assert_eq!(
            libc::setns(std::os::fd::AsRawFd::as_raw_fd(&own), libc::CLONE_NEWPID),
            0
        );
        pid
    }
}

/// 65,536 supplementary groups, then a process that is pid 1 of a new pid
/// namespace: the `/proc` method reads its status to the end.
fn many_groups() -> String {
    let (mut r, mut w) = (0, 0);
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two fds.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    std::mem::swap(&mut r, &mut fds[0]);
    std::mem::swap(&mut w, &mut fds[1]);
    let code = common::run_in_child(move || {
        common::become_root_in_userns();
        let groups: Vec<libc::gid_t> = (0..65_536u32).map(|g| 1_000_000 + g).collect();
        // SAFETY: reads `groups.len()` gids from a live buffer.
        let e = if unsafe { libc::setgroups(groups.len(), groups.as_ptr()) } != 0 {
            std::io::Error::last_os_error().raw_os_error().unwrap()
        } else {
            let own = std::fs::File::open("/proc/self/ns/pid").unwrap();
            // SAFETY: unshare in this single-threaded forked child.
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
            let c = common::Child::sleeper();
            let own = std::os::fd::AsRawFd::as_raw_fd(&own);
            // SAFETY: back to our own pid namespace for later children.
            let r = unsafe { libc::setns(own, libc::CLONE_NEWPID) };
            assert_eq!(r, 0);
            let ns = open_path(&format!("/proc/{}/ns/pid", c.pid));
            match Translator::with_method(Method::Proc).pid_in_pidns(&ns, c.pid) {
                Ok(1) => 0,
                Ok(_) => libc::EIO,
                Err(e) => e.raw_os_error(),
            }
        };
        // SAFETY: writes 4 bytes from a local.
        unsafe { libc::write(w, (&e as *const i32).cast(), 4) };
    });
    // SAFETY: closes our copy of the write end, then reads 4 bytes.
    unsafe { libc::close(w) };
    let mut e = -1i32;
    // SAFETY: reads at most 4 bytes into a local.
    let n = unsafe { libc::read(r, (&mut e as *mut i32).cast(), 4) };
    // SAFETY: our own fd.
    unsafe { libc::close(r) };
    assert_eq!((code, n), (0, 4));
    errno::<()>(if e == 0 {
        Ok(())
    } else {
        Err(Errno::from_raw_os_error(e))
    })
}

/// A thread with a private fd table holds a pidfd of one child at the
/// number where the leader's table holds a pidfd of another.
fn private_fd_table() -> String {
    let a = common::Child::sleeper();
    let b = common::Child::sleeper();
    let b_fd = pidfd(b.pid);
    let n = std::os::fd::AsRawFd::as_raw_fd(&b_fd);
    let a_pid = a.pid;
    let got = std::thread::spawn(move || {
        // SAFETY: unshare of this thread's fd table only.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_FILES) }, 0);
        let a_fd = pidfd(a_pid);
        // SAFETY: dup3 within this thread's own table; the fd at n is then
        // owned here (closing it touches only this table).
        let mine = unsafe {
            assert!(libc::dup3(std::os::fd::AsRawFd::as_raw_fd(&a_fd), n, libc::O_CLOEXEC) >= 0);
            PidFd::from(<OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(n))
        };
        match mine.pid() {
            Ok(p) if p == a_pid => "ok".to_owned(),
            Ok(_) => "another process's pid".to_owned(),
            Err(e) => errno::<()>(Err(e)),
        }
    })
    .join()
    .unwrap();
    drop((b_fd, a, b));
    got
}

/// A handle taken outside, opened by a process in a child pid namespace
/// that cannot see the handle's process: ESTALE, never another process.
fn foreign_namespace_handle() -> String {
    let outer = common::Child::sleeper();
    let p = PidFd::open(outer.pid, PidfdFlags::empty()).unwrap();
    let h = match p.to_handle() {
        Ok(h) => h,
        Err(e) => return errno::<()>(Err(e)),
    };
    let (mut r, mut w) = (0, 0);
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two fds.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    std::mem::swap(&mut r, &mut fds[0]);
    std::mem::swap(&mut w, &mut fds[1]);
    let code = common::run_in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare on this single-threaded forked child.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
        let inner = common::Child::spawn(move || {
            let e = pidfs::pidfd_from_handle(&h, OFlags::empty())
                .err()
                .map_or(0, |e| e.raw_os_error());
            // SAFETY: writes 4 bytes from a local.
            unsafe { libc::write(w, (&e as *const i32).cast(), 4) };
            0
        });
        let mut inner = inner;
        assert_eq!(inner.wait(), 0);
    });
    // SAFETY: closes our copy of the write end, then reads 4 bytes.
    unsafe { libc::close(w) };
    let mut e = -1i32;
    // SAFETY: reads at most 4 bytes into a local.
    let n = unsafe { libc::read(r, (&mut e as *mut i32).cast(), 4) };
    // SAFETY: our own fd.
    unsafe { libc::close(r) };
    assert_eq!(code, 0);
    assert_eq!(n, 4);
    errno::<()>(if e == 0 {
        Ok(())
    } else {
        Err(Errno::from_raw_os_error(e))
    })
}

/// Renders the README section from the rows.
fn render(rows: &[Row]) -> String {
    let mut s = String::from(
        "## Bad input\n\n\
Every malformed input and hostile situation below is tried by\n\
`tests/bad_input.rs`, which asserts the exact answer, checks that no fd\n\
and no child process is left behind, and renders this table (so it cannot\n\
drift: `PIDFS_BLESS=1 cargo test --test bad_input` rewrites it). Answers\n\
are those of a kernel with every feature (6.18); under qemu-user or on\n\
older kernels the test asserts that environment's documented answer\n\
(`EOPNOTSUPP` for pidfs handles before 6.14, `ENOTTY` for the nsfs pid\n\
ioctls before 6.11). No input panics; the decoders are also fuzzed\n\
(`ci/fuzz.sh`, `fuzz/fuzz_targets/`).\n\n\
| situation | call | answer |\n|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | `{}` |\n",
            r.situation, r.call, r.answer
        ));
    }
    s
}

/// Every row gets its answer; nothing leaks (fds, children) across them.
#[test]
fn bad_input_table() {
    let features = Features::probe();
    common::no_fd_leak(|| {
        let mut bad = Vec::new();
        for r in rows() {
            let want = (r.here)(&features).unwrap_or(r.answer);
            let got = (r.run)();
            if got != want {
                bad.push(format!(
                    "{} / {}: got {got}, want {want}",
                    r.situation, r.call
                ));
            }
        }
        no_children();
        assert!(bad.is_empty(), "wrong answers:\n{}", bad.join("\n"));
    });
}

/// `waitid(P_ALL, WEXITED|WNOHANG|WNOWAIT)` in this (forked, single-threaded)
/// process must find no child at all: no zombie and no live helper left.
fn no_children() {
    // SAFETY: siginfo_t is plain data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: WNOWAIT|WNOHANG changes nothing.
    let r = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    let e = std::io::Error::last_os_error().raw_os_error();
    assert_eq!(
        (r, e),
        (-1, Some(libc::ECHILD)),
        "a child is left (pid {})",
        // SAFETY: reading the union field waitid filled.
        unsafe { info.si_pid() }
    );
}

/// The README's `## Bad input` section is exactly what [`render`] makes.
#[test]
fn readme_table_matches() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let Ok(readme) = std::fs::read_to_string(&path) else {
        assert!(common::kernel_matrix(), "README.md missing");
        return;
    };
    let want = render(&rows());
    let start = readme.find("## Bad input\n");
    let current = start.map(|s| {
        let end = readme[s + 1..]
            .find("\n## ")
            .map_or(readme.len(), |e| s + 1 + e + 1);
        &readme[s..end]
    });
    if current == Some(want.as_str()) {
        return;
    }
    if std::env::var_os("PIDFS_BLESS").is_some() {
        let new = match (start, current) {
            (Some(s), Some(c)) => format!("{}{}{}", &readme[..s], want, &readme[s + c.len()..]),
            _ => format!(
                "{}\n{}",
                readme.trim_end_matches('\n').to_owned() + "\n",
                want
            ),
        };
        std::fs::write(&path, new).unwrap();
        return;
    }
    panic!(
        "README.md's ## Bad input section is out of date; run PIDFS_BLESS=1 cargo test --test bad_input\n{want}"
    );
}
