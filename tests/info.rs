//! PIDFD_GET_INFO and the 64-bit process id, ported from the kernel's
//! tools/testing/selftests/pidfd (pidfd_info_test.c, pidfd_fdinfo_test.c,
//! pidfd_open_test.c) against this crate's API.
//!
//! Under qemu-user the ioctl is ENOTTY, so `pidfd_get_info` runs its /proc
//! fallback there: the tests assert that errno and the fallback's answer
//! (PID and CREDS only; ESRCH once reaped, since /proc has nothing left).
//! The real-kernel matrix takes the same path on kernels before 6.13.

mod common;

use common::{Child, kernel_matrix, no_fd_leak, qemu};
use pidfs::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use pidfs::hooks::pidfd_get_info_fallback;
use pidfs::{
    Errno, InfoMask, PidFd, PidfdFlags, PidfdInfo, WaitOptions, WaitStatus, pidfd_get_info,
    pidfd_id,
};
use std::time::Duration;

const CG_EXIT: InfoMask = InfoMask::CGROUPID.union(InfoMask::EXIT);
const PID_CREDS: InfoMask = InfoMask::PID.union(InfoMask::CREDS);

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap()
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two fds.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh fds we own.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn write_i32(fd: &OwnedFd, v: i32) {
    // SAFETY: writes 4 bytes from a live buffer.
    assert_eq!(
        // SAFETY: a plain libc call on live arguments.
        unsafe { libc::write(fd.as_raw_fd(), v.to_ne_bytes().as_ptr().cast(), 4) },
        4
    );
}

/// Reads one i32; `None` at EOF.
fn read_i32(fd: &OwnedFd) -> Option<i32> {
    let mut b = [0u8; 4];
    // SAFETY: reads into a live buffer.
    let n = unsafe { libc::read(fd.as_raw_fd(), b.as_mut_ptr().cast(), 4) };
    match n {
        0 => None,
        4 => Some(i32::from_ne_bytes(b)),
        _ => panic!("read: {n} {}", std::io::Error::last_os_error()),
    }
}

/// The ioctl as the kernel answers it: 0 on this kernel, ENOTTY under
/// qemu-user (and on kernels before 6.12 in the matrix; 6.12 says EINVAL).
fn kernel_has_get_info() -> bool {
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let mut info = [0u64; 8];
    info[0] = InfoMask::PID.bits();
    // SAFETY: PIDFD_GET_INFO writes at most 64 bytes into `info`.
    let r = unsafe { libc::ioctl(p.as_raw_fd(), 0xc040_ff0b_u32 as _, info.as_mut_ptr()) };
    let e = errno();
    if qemu() {
        assert_eq!((r, e), (-1, libc::ENOTTY), "qemu-user lacks PIDFD_GET_INFO");
        return false;
    }
    if r != 0 {
        assert!(kernel_matrix(), "PIDFD_GET_INFO failed natively: {e}");
        assert!(matches!(e, libc::ENOTTY | libc::EINVAL), "{e}");
        return false;
    }
    true
}

/// `revents` of one poll on `fd` (timeout in ms).
fn poll_revents(fd: &PidFd, events: i16, timeout: i32) -> (i32, i16) {
    let mut f = libc::pollfd {
        fd: fd.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one live pollfd.
    let n = unsafe { libc::poll(&mut f, 1, timeout) };
    (n, f.revents)
}

fn assert_signaled_kill(i: &PidfdInfo) {
    assert!(!i.mask().contains(InfoMask::CREDS));
    assert!(i.mask().contains(InfoMask::EXIT));
    assert_eq!(
        i.wait_status(),
        Some(WaitStatus::Signaled {
            signal: libc::SIGKILL,
            core_dumped: false
        })
    );
    assert_eq!(i.ruid(), None);
}

/// The raw ioctl answers 0 natively and ENOTTY under qemu-user, where
/// `pidfd_get_info` still answers through /proc.
#[test]
fn get_info_ioctl_errno_and_fallback_runs() {
    let has = kernel_has_get_info();
    assert!(has || qemu() || kernel_matrix());
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let i = p.info(InfoMask::PID).unwrap();
    assert_eq!(i.pid(), Some(pidfs::getpid()));
    if !has {
        assert_eq!(i.mask(), PID_CREDS);
    }
}

/// GET_INFO on ourselves: PID and CREDS always come back and match getpid,
/// getppid and the ids; the fallback forced on this kernel gives the same
/// PID and CREDS, with mask exactly PID|CREDS.
#[test]
fn get_info_self_pid_creds_match_fallback() {
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let i = p.info(PID_CREDS).unwrap();
    assert!(i.mask().contains(PID_CREDS));
    assert_eq!(i.pid(), Some(pidfs::getpid()));
    assert_eq!(i.tgid(), Some(pidfs::getpid()));
    // SAFETY: plain getters.
    unsafe {
        assert_eq!(i.ppid(), Some(libc::getppid()));
        assert_eq!(i.ruid(), Some(libc::getuid()));
        assert_eq!(i.euid(), Some(libc::geteuid()));
        assert_eq!(i.rgid(), Some(libc::getgid()));
        assert_eq!(i.egid(), Some(libc::getegid()));
    }
    let fb = pidfd_get_info_fallback(p.as_fd(), PID_CREDS).unwrap();
    assert_eq!(fb.mask(), PID_CREDS);
    assert_same_pid_creds(&i, &fb);
    // The cgroup2 id comes back exactly when the mask says so.
    if i.mask().contains(InfoMask::CGROUPID) {
        assert!(i.cgroupid().is_some());
    } else {
        assert_eq!(i.cgroupid(), None);
    }
}

fn assert_same_pid_creds(a: &PidfdInfo, b: &PidfdInfo) {
    assert_eq!((a.pid(), a.tgid(), a.ppid()), (b.pid(), b.tgid(), b.ppid()));
    assert_eq!(
        [
            a.ruid(),
            a.euid(),
            a.suid(),
            a.fsuid(),
            a.rgid(),
            a.egid(),
            a.sgid(),
            a.fsgid()
        ],
        [
            b.ruid(),
            b.euid(),
            b.suid(),
            b.fsuid(),
            b.rgid(),
            b.egid(),
            b.sgid(),
            b.fsgid()
        ]
    );
}

/// A child with eight distinct ids (as root: setresgid/setresuid/
/// setfsuid): the ioctl and the forced fallback agree on every one, and
/// on pid/tgid/ppid.
#[test]
fn get_info_fallback_same_creds_as_ioctl() {
    // SAFETY: a plain libc call on live arguments.
    let root = unsafe { libc::geteuid() } == 0;
    let (rep_r, rep_w) = pipe();
    let c = Child::spawn(move || {
        if root {
            // SAFETY: credential changes in this forked child only.
            unsafe {
                assert_eq!(libc::setresgid(11, 12, 13), 0);
                libc::setfsgid(14);
                assert_eq!(libc::setresuid(21, 22, 23), 0);
                libc::setfsuid(23);
            }
        }
        write_i32(&rep_w, 1);
        loop {
            // SAFETY: waits for a signal.
            unsafe { libc::pause() };
        }
    });
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(read_i32(&rep_r), Some(1));
    let i = p.info(PID_CREDS).unwrap();
    let fb = pidfd_get_info_fallback(p.as_fd(), PID_CREDS).unwrap();
    assert_same_pid_creds(&i, &fb);
    assert_eq!(i.pid(), Some(c.pid));
    assert_eq!(i.ppid(), Some(pidfs::getpid()));
    if root {
        assert_eq!(
            [i.ruid(), i.euid(), i.suid(), i.fsuid()],
            [Some(21), Some(22), Some(23), Some(23)]
        );
        assert_eq!(
            [i.rgid(), i.egid(), i.sgid(), i.fsgid()],
            [Some(11), Some(12), Some(13), Some(14)]
        );
    }
}

/// sigkill_exit: killed, not reaped: GET_INFO works, CREDS set, no EXIT
/// yet (the fallback reads the zombie's /proc entry).
#[test]
fn sigkill_exit() {
    let c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    p.kill(libc::SIGKILL).unwrap();
    c.wait_zombie();
    p.info(InfoMask::CGROUPID).unwrap();
    let i = p.info(CG_EXIT).unwrap();
    assert!(i.mask().contains(InfoMask::CREDS));
    assert!(!i.mask().contains(InfoMask::EXIT));
    assert_eq!(i.exit_code(), None);
    assert_eq!(i.pid(), Some(c.pid));
    let fb = pidfd_get_info_fallback(p.as_fd(), CG_EXIT).unwrap();
    assert_eq!(fb.mask(), PID_CREDS);
    assert_same_pid_creds(&i, &fb);
}

/// sigkill_reaped: killed and reaped: without EXIT ESRCH; with EXIT the
/// wait status says SIGKILL and CREDS is gone (6.15+). Without the ioctl
/// nothing is left to read: ESRCH.
#[test]
fn sigkill_reaped() {
    let mut c = Child::sleeper();
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    p.kill(libc::SIGKILL).unwrap();
    c.wait();
    assert_eq!(p.info(InfoMask::CGROUPID).unwrap_err(), Errno::ESRCH);
    assert_eq!(
        pidfd_get_info_fallback(p.as_fd(), CG_EXIT).unwrap_err(),
        Errno::ESRCH
    );
    let r = p.info(CG_EXIT);
    if kernel_has_get_info() {
        assert_signaled_kill(&r.unwrap());
    } else {
        assert_eq!(r.unwrap_err(), Errno::ESRCH);
    }
}

/// success_exit: exited 0, not reaped: CREDS, no EXIT.
#[test]
fn success_exit() {
    let c = Child::exiting(0);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    c.wait_zombie();
    p.info(InfoMask::CGROUPID).unwrap();
    let i = p.info(CG_EXIT).unwrap();
    assert!(i.mask().contains(InfoMask::CREDS));
    assert!(!i.mask().contains(InfoMask::EXIT));
}

/// success_reaped: exited 0 and reaped: without EXIT ESRCH; with EXIT a
/// wait status of exit(0) and no CREDS.
#[test]
fn success_reaped() {
    let mut c = Child::exiting(0);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(
        p.wait(WaitOptions::EXITED).unwrap(),
        Some(WaitStatus::Exited(0))
    );
    c.forget();
    assert_eq!(p.info(InfoMask::CGROUPID).unwrap_err(), Errno::ESRCH);
    let r = pidfd_get_info(p.as_fd(), CG_EXIT);
    if kernel_has_get_info() {
        let i = r.unwrap();
        assert!(!i.mask().contains(InfoMask::CREDS));
        assert!(i.mask().contains(InfoMask::EXIT));
        assert_eq!(i.exit_code(), Some(0));
        assert_eq!(i.wait_status(), Some(WaitStatus::Exited(0)));
    } else {
        assert_eq!(r.unwrap_err(), Errno::ESRCH);
    }
}

/// success_reaped_poll: a reaped pidfd polls POLLIN|POLLHUP (POLLIN
/// before 6.9), then EXIT
/// gives the exit status (exit(5) here).
#[test]
fn success_reaped_poll() {
    let mut c = Child::exiting(5);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(c.wait() >> 8, 5);
    let (n, rev) = poll_revents(&p, libc::POLLIN, -1);
    assert_eq!(n, 1);
    assert_eq!(rev & (libc::POLLIN | libc::POLLHUP), reaped_revents());
    if kernel_has_get_info() {
        assert_eq!(
            p.info(CG_EXIT).unwrap().wait_status(),
            Some(WaitStatus::Exited(5))
        );
    } else {
        assert_eq!(p.info(CG_EXIT).unwrap_err(), Errno::ESRCH);
    }
}

/// A forked child whose leader leaves through `exit` (thread only) while a
/// second thread lives on; the thread sends its tid, then, if `exec`, waits
/// for a go and execs this test binary (resolved before the fork) as a pausing helper (reporting the
/// errno if the exec fails).
fn leader_exits_early(exec: bool) -> (Child, OwnedFd, OwnedFd) {
    let (tid_r, tid_w) = pipe();
    let (go_r, go_w) = pipe();
    // Resolved now: /proc/self/exe is unreadable once the leader has exited.
    let exe = std::ffi::CString::new(
        std::env::current_exe()
            .unwrap()
            .into_os_string()
            .into_encoded_bytes(),
    )
    .unwrap();
    let c = Child::spawn_threaded(move || {
        std::thread::spawn(move || {
            write_i32(&tid_w, pidfs::gettid());
            if exec {
                let _ = read_i32(&go_r);
                let argv = [
                    exe.as_ptr(),
                    c"--exact".as_ptr(),
                    c"exec_helper_pauses_when_asked".as_ptr(),
                    c"--test-threads=1".as_ptr(),
                    c"-q".as_ptr(),
                    std::ptr::null(),
                ];
                let envp = [c"PIDFS_EXEC_HELPER=pause".as_ptr(), std::ptr::null()];
                // SAFETY: NULL-terminated arrays of C strings.
                unsafe { libc::execve(exe.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
                write_i32(&tid_w, errno());
            }
            loop {
                // SAFETY: waits for a signal.
                unsafe { libc::pause() };
            }
        });
        // SAFETY: ends only the calling (leader) thread.
        unsafe { libc::syscall(libc::SYS_exit, 0) };
        unreachable!()
    });
    (c, tid_r, go_w)
}

/// Not a test of its own: the program `thread_group_exec` execs. It pauses
/// until killed when PIDFS_EXEC_HELPER=pause, and otherwise checks that it
/// was not asked to.
#[test]
fn exec_helper_pauses_when_asked() {
    match std::env::var("PIDFS_EXEC_HELPER").as_deref() {
        Ok("pause") => loop {
            // SAFETY: waits for SIGKILL.
            unsafe { libc::pause() };
        },
        other => assert!(other.is_err()),
    }
}

fn poll_quiet_ms() -> i32 {
    if kernel_matrix() { 100 } else { 200 }
}

/// PIDFD_THREAD (6.9) came with POLLHUP for a reaped process and
/// ENOENT for a non-leader tid opened without it.
fn has_pidfd_thread() -> bool {
    PidFd::open(pidfs::getpid(), PidfdFlags::THREAD).is_ok()
}

/// What poll says for a reaped process: POLLIN|POLLHUP (6.9+), POLLIN
/// before.
fn reaped_revents() -> i16 {
    if has_pidfd_thread() {
        libc::POLLIN | libc::POLLHUP
    } else {
        libc::POLLIN
    }
}

/// Opens `pid` with PIDFD_THREAD where the kernel has it (6.9); asserts
/// EINVAL before.
fn open_thread(pid: i32) -> Option<PidFd> {
    let r = PidFd::open(pid, PidfdFlags::THREAD);
    if has_pidfd_thread() {
        Some(r.unwrap())
    } else {
        assert_eq!(r.unwrap_err(), Errno::EINVAL);
        None
    }
}

/// thread_group: the leader exited early while a thread lives on. A
/// PIDFD_THREAD pidfd of the leader polls quiet (the exit notification
/// waits for the group); the thread's tid opens only with PIDFD_THREAD
/// (ENOENT without on 6.15+, EINVAL on 6.12; EINVAL for both before 6.9); GET_INFO works on the
/// leader, the leader's thread pidfd and the thread pidfd (pid = the tid).
/// After SIGKILL to the group and the reap, all three report the group's
/// SIGKILL.
#[test]
fn thread_group() {
    let (mut c, tid_r, _go) = leader_exits_early(false);
    let leader = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    let leader_thread = open_thread(c.pid);
    let tid = read_i32(&tid_r).unwrap();
    assert_eq!(
        poll_revents(
            leader_thread.as_ref().unwrap_or(&leader),
            libc::POLLIN,
            poll_quiet_ms()
        ),
        (0, 0)
    );
    let e = PidFd::open(tid, PidfdFlags::empty()).unwrap_err();
    // ENOENT on 6.15+ (PIDFD_SELF_*), EINVAL before 6.9, either between.
    let self_sentinels = pidfs::pidfd_send_signal(
        pidfs::PIDFD_SELF_THREAD_GROUP,
        0,
        None,
        pidfs::SignalFlags::empty(),
    )
    .is_ok();
    if self_sentinels {
        assert_eq!(e, Errno::ENOENT);
    } else if has_pidfd_thread() {
        assert!(matches!(e, Errno::ENOENT | Errno::EINVAL), "{e:?}");
    } else {
        assert_eq!(e, Errno::EINVAL);
    }
    let thread = open_thread(tid);
    let mut all = vec![(&leader, c.pid)];
    all.extend(leader_thread.as_ref().map(|p| (p, c.pid)));
    all.extend(thread.as_ref().map(|p| (p, tid)));
    for &(p, pid) in &all {
        let i = p.info(CG_EXIT).unwrap();
        assert!(i.mask().contains(InfoMask::CREDS));
        assert!(!i.mask().contains(InfoMask::EXIT));
        assert_eq!(i.pid(), Some(pid));
        assert_eq!(i.tgid(), Some(c.pid));
        assert_same_pid_creds(&i, &pidfd_get_info_fallback(p.as_fd(), CG_EXIT).unwrap());
    }
    leader.kill(libc::SIGKILL).unwrap();
    let killed = WaitStatus::Signaled {
        signal: libc::SIGKILL,
        core_dumped: false,
    };
    assert_eq!(leader.wait(WaitOptions::EXITED).unwrap(), Some(killed));
    c.forget();
    let (n, rev) = poll_revents(&leader, libc::POLLIN, -1);
    assert_eq!(n, 1);
    assert_eq!(rev & (libc::POLLIN | libc::POLLHUP), reaped_revents());
    let has = kernel_has_get_info();
    for &(p, _) in &all {
        match p.info(CG_EXIT) {
            Ok(i) if has => assert_signaled_kill(&i),
            r => assert_eq!(r.unwrap_err(), Errno::ESRCH),
        }
    }
}

/// thread_group_exec: the surviving thread execs and takes over the
/// leader's pid: the leader's thread pidfd stays quiet, the old thread
/// exits cleanly (EXIT: exit(0)), the leader pidfd still names the live
/// process (CREDS, pid = leader). After SIGKILL the leader's thread pidfd
/// polls POLLIN (no POLLHUP before the reap). Before 6.9 (no PIDFD_THREAD)
/// only the leader pidfd's part runs. Under qemu-user the exec of the test
/// binary (an aarch64 ELF, no binfmt_misc on the host) fails with ENOEXEC.
#[test]
fn thread_group_exec() {
    let (mut c, tid_r, go_w) = leader_exits_early(true);
    let leader = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    let leader_thread = open_thread(c.pid);
    let tid = read_i32(&tid_r).unwrap();
    let thread = open_thread(tid);
    write_i32(&go_w, 1);
    let exec_result = read_i32(&tid_r);
    let killed = WaitStatus::Signaled {
        signal: libc::SIGKILL,
        core_dumped: false,
    };
    if qemu() {
        assert_eq!(exec_result, Some(libc::ENOEXEC));
        leader.kill(libc::SIGKILL).unwrap();
        assert_eq!(leader.wait(WaitOptions::EXITED).unwrap(), Some(killed));
        c.forget();
        return;
    }
    assert_eq!(exec_result, None, "execve failed");
    let has = kernel_has_get_info();
    if let (Some(leader_thread), Some(thread)) = (&leader_thread, &thread) {
        assert_eq!(
            poll_revents(leader_thread, libc::POLLIN, poll_quiet_ms()),
            (0, 0)
        );
        // The old thread is gone (released by the exec).
        let (n, rev) = poll_revents(thread, libc::POLLHUP, -1);
        assert_eq!(n, 1);
        assert_ne!(rev & libc::POLLHUP, 0);
        match thread.info(CG_EXIT) {
            Ok(i) if has => {
                assert!(!i.mask().contains(InfoMask::CREDS));
                assert_eq!(i.wait_status(), Some(WaitStatus::Exited(0)));
            }
            r => assert_eq!(r.unwrap_err(), Errno::ESRCH),
        }
    } else {
        // The exec'd image has replaced the old thread under the leader's pid.
        assert!(common::wait_until(Duration::from_secs(5), || {
            std::fs::read_to_string(format!("/proc/{}/task/{tid}/status", c.pid)).is_err()
        }));
    }
    let i = leader.info(CG_EXIT).unwrap();
    assert!(i.mask().contains(InfoMask::CREDS));
    assert!(!i.mask().contains(InfoMask::EXIT));
    assert_eq!(i.pid(), Some(c.pid));
    leader.kill(libc::SIGKILL).unwrap();
    if let Some(leader_thread) = &leader_thread {
        let (n, rev) = poll_revents(leader_thread, libc::POLLIN, -1);
        assert_eq!(n, 1);
        assert_ne!(rev & libc::POLLIN, 0);
        assert_eq!(rev & libc::POLLHUP, 0);
    }
    assert_eq!(leader.wait(WaitOptions::EXITED).unwrap(), Some(killed));
    c.forget();
    match leader.info(CG_EXIT) {
        Ok(i) if has => assert_signaled_kill(&i),
        r => assert_eq!(r.unwrap_err(), Errno::ESRCH),
    }
}

/// GET_INFO on something that is not a pidfd: EBADF from the fallback's
/// check (the ioctl on a pipe is ENOTTY), EBADF for a closed fd; never an fd
/// leak on these paths or the fallback's.
#[test]
fn get_info_errors_no_fd_leak() {
    no_fd_leak(|| {
        let (r, _w) = pipe();
        let e = pidfd_get_info(r.as_fd(), InfoMask::PID).unwrap_err();
        assert!(matches!(e, Errno::EBADF | Errno::ENOTTY), "{e:?}");
        assert_eq!(
            pidfd_get_info_fallback(r.as_fd(), InfoMask::PID).unwrap_err(),
            Errno::EBADF
        );
        let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        p.info(InfoMask::PID).unwrap();
        pidfd_get_info_fallback(p.as_fd(), InfoMask::PID).unwrap();
        let mut c = Child::exiting(0);
        let q = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
        q.wait(WaitOptions::EXITED).unwrap();
        c.forget();
        assert_eq!(
            pidfd_get_info_fallback(q.as_fd(), InfoMask::PID).unwrap_err(),
            Errno::ESRCH
        );
        assert_eq!(q.info(InfoMask::PID).unwrap_err(), Errno::ESRCH);
    });
}

/// pidfd_id: the file handle's 64-bit id (6.14+), equal to statx stx_ino
/// on pidfs on a 64-bit kernel (6.9+; u64 in statx also for a 32-bit
/// process there); stable for one process, different for another;
/// EOPNOTSUPP before pidfs, and on a 32-bit kernel without handles
/// (`pidfd_id_32bit_kernel_without_handles`).
#[test]
fn pidfd_id_identity() {
    let a = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let b = PidFd::open(pidfs::getpid(), PidfdFlags::THREAD)
        .unwrap_or_else(|_| PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap());
    // SAFETY: a plain libc call on live arguments.
    let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatfs into a live struct.
    assert_eq!(unsafe { libc::fstatfs(a.as_raw_fd(), &mut sfs) }, 0);
    if sfs.f_type as u64 != 0x5049_4446 {
        assert!(kernel_matrix());
        assert_eq!(pidfd_id(a.as_fd()).unwrap_err(), Errno::EOPNOTSUPP);
        return;
    }
    if common::kernel_is_32bit() && a.to_handle().is_err() {
        return pidfd_id_32bit_kernel_without_handles();
    }
    let id = pidfd_id(a.as_fd()).unwrap();
    assert_eq!(id, pidfd_id(b.as_fd()).unwrap());
    let ino = std::fs::metadata(format!("/proc/self/fd/{}", a.as_raw_fd())).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    });
    assert_eq!(ino.unwrap(), id);
    let c = Child::sleeper();
    let cp = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    assert_ne!(id, cp.id().unwrap());
    assert!(a.same_process(&b).unwrap());
    assert!(!a.same_process(&cp).unwrap());
    no_fd_leak(|| {
        let (r, _w) = pipe();
        assert_eq!(pidfd_id(r.as_fd()).unwrap_err(), Errno::EOPNOTSUPP);
        pidfd_id(a.as_fd()).unwrap();
    });
}

fn stx_ino(fd: &PidFd) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
        .unwrap()
        .ino()
}

/// A 32-bit kernel with pidfs but no handles (6.9-6.13; armhf 6.12 in the
/// matrix): `pidfd_id` answers EOPNOTSUPP, because the inode number statx
/// gives there is no process identity. On 6.9-6.12 (fs/pidfs.c,
/// `pidfs_inum`: `ida_alloc_range(RESERVED_PIDS + 1, UINT_MAX)` when the
/// pidfs inode is made, `ida_free` when it is evicted, i.e. when the last
/// pidfd of the process closes) the lowest free slot goes to the next
/// inode: a new number for the same process once all its pidfds were
/// closed, and another process's old number. `same_process` still answers
/// for open pidfds (one inode per process while a pidfd holds it).
fn pidfd_id_32bit_kernel_without_handles() {
    let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    assert_eq!(pidfd_id(me.as_fd()), Err(Errno::EOPNOTSUPP));
    assert_eq!(me.id(), Err(Errno::EOPNOTSUPP));
    let x = Child::sleeper();
    let y = Child::sleeper();
    let px = PidFd::open(x.pid, PidfdFlags::empty()).unwrap();
    let px2 = PidFd::open(x.pid, PidfdFlags::NONBLOCK).unwrap();
    let py = PidFd::open(y.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(stx_ino(&px), stx_ino(&px2), "one inode per process");
    assert_ne!(stx_ino(&px), stx_ino(&py));
    assert_eq!(px.same_process(&px2), Ok(true));
    assert_eq!(px.same_process(&py), Ok(false));
    assert_eq!(py.id(), Err(Errno::EOPNOTSUPP));
    drop((px, px2, py));
    let r = pidfs::KernelRelease::get();
    let v: Vec<u32> = r
        .as_str()
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    if v[..] >= [6, 13][..] {
        return; // 6.13: i_ino is the low half of a per-process 64-bit number
    }
    // X's number, freed with X's last pidfd, goes to Y's next inode (tried
    // a few times: another process may take the slot in between).
    let mut taken = None;
    for _ in 0..100 {
        let px = PidFd::open(x.pid, PidfdFlags::empty()).unwrap();
        let nx = stx_ino(&px);
        drop(px);
        let py = PidFd::open(y.pid, PidfdFlags::empty()).unwrap();
        if stx_ino(&py) == nx {
            taken = Some(nx);
            break;
        }
    }
    assert!(
        taken.is_some(),
        "{r}: a freed pidfs inode number was not reused"
    );
    println!("{r}: pidfs inode number {taken:?} named two processes in turn");
}

/// A reaped process keeps its id (the pidfd still names it), and a new
/// process never gets it.
#[test]
fn pidfd_id_survives_reap() {
    let mut c = Child::exiting(0);
    let p = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
    let before = p.id();
    p.wait(WaitOptions::EXITED).unwrap();
    c.forget();
    match before {
        Ok(id) => {
            assert_eq!(p.id().unwrap(), id);
            let d = Child::sleeper();
            assert_ne!(
                PidFd::open(d.pid, PidfdFlags::empty())
                    .unwrap()
                    .id()
                    .unwrap(),
                id
            );
        }
        Err(e) => assert_eq!(e, Errno::EOPNOTSUPP),
    }
    let _ = Duration::ZERO;
}

/// The kernel's bytes decode to the same struct (`from_bytes` on the
/// ioctl's 64-byte answer).
#[test]
fn from_bytes_matches_kernel_struct() {
    let p = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let i = p.info(PID_CREDS).unwrap();
    let bytes = i.to_bytes();
    assert_eq!(PidfdInfo::from_bytes(&bytes), Some(i));
    let short = PidfdInfo::from_bytes(&bytes[..64]).unwrap();
    assert_eq!(short.pid(), i.pid());
    assert_eq!(short.coredump_mask(), None);
    assert_eq!(PidfdInfo::from_bytes(&bytes[..65]), None);
}
