//! The process-control calls a PID 1 needs, on real processes: kill (one
//! process, a group, -1 inside a pid namespace), setsid/setpgid, the
//! subreaper / name / parent-death prctls, reboot inside a pid namespace,
//! execve/execveat, mount/umount in a mount namespace, file I/O, the clock.
//! Each with the kernel's answer to bad input.

mod common;

use common::{Child, in_child, qemu, run_in_child};
use pidfs::fd::AsFd;
use pidfs::{AtFlags, Errno, MountFlags, OFlags, RebootCommand, UnmountFlags};
use std::time::Duration;

/// Runs before main: with `PIDFS_EXEC_EXIT=<n>` set this test binary is
/// the program the exec tests run (there is no /bin/sh in the kernel
/// matrix's initramfs): it exits at once with `n`.
extern "C" fn exec_target_ctor() {
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    let v = unsafe { libc::getenv(c"PIDFS_EXEC_EXIT".as_ptr()) };
    if !v.is_null() {
        // SAFETY: a NUL-terminated string from the environment.
        let n = unsafe { std::ffi::CStr::from_ptr(v) };
        let code = n.to_str().ok().and_then(|s| s.parse().ok()).unwrap_or(100);
        // SAFETY: ends this process at once.
        unsafe { libc::_exit(code) }
    }
}

#[used]
#[unsafe(link_section = ".init_array")]
static EXEC_TARGET_CTOR: extern "C" fn() = exec_target_ctor;

/// This test binary, as a C string (the program the exec tests run).
fn my_exe() -> std::ffi::CString {
    std::ffi::CString::new(std::env::current_exe().unwrap().to_str().unwrap()).unwrap()
}

/// kill(pid, 0) checks, kill(pid, sig) delivers; bad signals are EINVAL,
/// a free pid ESRCH.
#[test]
fn kill_one_process_and_errors() {
    let mut c = Child::sleeper();
    pidfs::kill(c.pid, 0).unwrap();
    assert_eq!(pidfs::kill(c.pid, 65), Err(Errno::EINVAL));
    assert_eq!(pidfs::kill(c.pid, -1), Err(Errno::EINVAL));
    pidfs::kill(c.pid, libc::SIGTERM).unwrap();
    let st = c.wait();
    assert!(libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGTERM);
    // A pid above pid_max is never in use.
    assert_eq!(pidfs::kill(i32::MAX, 0), Err(Errno::ESRCH));
}

/// setsid makes a new session (its id is the caller's pid); a group
/// leader gets EPERM; kill(-pgid) signals the whole group; setpgid errors.
#[test]
fn setsid_setpgid_and_group_kill() {
    in_child(|| {
        let me = pidfs::getpid();
        // The forked child is not a group leader: setsid works once.
        assert_eq!(pidfs::setsid(), Ok(me));
        assert_eq!(pidfs::setsid(), Err(Errno::EPERM));
        assert_eq!(pidfs::setpgid(0, -1), Err(Errno::EINVAL));
        assert_eq!(pidfs::setpgid(i32::MAX, 0), Err(Errno::ESRCH));
        // Two members of our group (the session's), signalled by group.
        let mut a = Child::sleeper();
        let mut b = Child::sleeper();
        // A session leader cannot change its group: EPERM.
        assert_eq!(pidfs::setpgid(0, a.pid), Err(Errno::EPERM));
        // Move both into a group of a's, then signal that group.
        pidfs::setpgid(a.pid, a.pid).unwrap();
        pidfs::setpgid(b.pid, a.pid).unwrap();
        pidfs::kill(-a.pid, libc::SIGUSR1).unwrap();
        for c in [&mut a, &mut b] {
            let st = c.wait();
            assert!(libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGUSR1);
        }
        assert_eq!(pidfs::kill(-a.pid, 0), Err(Errno::ESRCH));
    });
}

/// kill(-1) from the init of a pid namespace reaches every other process
/// of the namespace, nothing outside it, and not the sender.
#[test]
fn kill_minus_one_inside_a_pid_namespace() {
    let outside = Child::sleeper();
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare on this single-threaded forked child.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
        let mut init = Child::spawn(|| {
            assert_eq!(pidfs::getpid(), 1);
            let mut a = Child::sleeper();
            let mut b = Child::sleeper();
            pidfs::kill(-1, libc::SIGTERM).unwrap();
            for c in [&mut a, &mut b] {
                let st = c.wait();
                assert!(libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGTERM);
            }
            // Nothing left to signal.
            assert_eq!(pidfs::kill(-1, 0), Err(Errno::ESRCH));
            0
        });
        let st = init.wait();
        assert!(libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0, "{st:#x}");
    });
    pidfs::kill(outside.pid, 0).unwrap();
}

/// The subreaper bit is per process, read back by PR_GET_CHILD_SUBREAPER;
/// an orphan of a subreaper's child is re-parented to it.
#[test]
fn child_subreaper_adopts_orphans() {
    in_child(|| {
        assert_eq!(pidfs::child_subreaper(), Ok(false));
        pidfs::set_child_subreaper(true).unwrap();
        assert_eq!(pidfs::child_subreaper(), Ok(true));
        let mut fds = [0; 2];
        // SAFETY: pipe writes two fds.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (rd, wr) = (fds[0], fds[1]);
        let mut mid = Child::spawn(move || {
            let g = Child::sleeper();
            // SAFETY: writes 4 bytes of a live i32.
            unsafe { libc::write(wr, (&g.pid as *const i32).cast(), 4) };
            std::mem::forget(g);
            0
        });
        assert_eq!(mid.wait(), 0);
        let mut g = 0i32;
        // SAFETY: reads 4 bytes into a live i32.
        assert_eq!(unsafe { libc::read(rd, (&mut g as *mut i32).cast(), 4) }, 4);
        // The grandchild is ours now: P_PID finds it.
        pidfs::kill(g, libc::SIGKILL).unwrap();
        let w = pidfs::waitid(pidfs::WaitId::Pid(g), pidfs::WaitOptions::EXITED)
            .unwrap()
            .unwrap();
        assert_eq!(w.pid, g);
        pidfs::set_child_subreaper(false).unwrap();
        assert_eq!(pidfs::child_subreaper(), Ok(false));
    });
}

/// PR_SET_NAME cuts at 15 bytes; PR_GET_NAME reads it back; a NUL inside
/// is EINVAL. PR_SET_PDEATHSIG: the signal arrives when the parent dies;
/// 0 and 65 are EINVAL.
#[test]
fn prctl_name_and_parent_death_signal() {
    in_child(|| {
        pidfs::set_name(b"pidfs-name-test-long").unwrap();
        let (buf, n) = pidfs::name().unwrap();
        assert_eq!(&buf[..n], b"pidfs-name-test");
        let comm = std::fs::read_to_string("/proc/thread-self/comm").unwrap();
        assert_eq!(comm.trim_end(), "pidfs-name-test");
        assert_eq!(pidfs::set_name(b"a\0b"), Err(Errno::EINVAL));
        assert_eq!(pidfs::set_parent_death_signal(Some(0)), Err(Errno::EINVAL));
        assert_eq!(pidfs::set_parent_death_signal(Some(65)), Err(Errno::EINVAL));
        pidfs::set_parent_death_signal(None).unwrap();
    });
    // The middle process dies; its child gets SIGUSR1 and reports it.
    in_child(|| {
        pidfs::set_child_subreaper(true).unwrap();
        let mut mid = Child::spawn(|| {
            let g = Child::spawn(|| {
                pidfs::set_parent_death_signal(Some(libc::SIGUSR1)).unwrap();
                loop {
                    // SAFETY: waits for a signal.
                    unsafe { libc::pause() };
                }
            });
            // Give the grandchild time to set the signal before we exit.
            std::thread::sleep(Duration::from_millis(200));
            std::mem::forget(g);
            0
        });
        assert_eq!(mid.wait(), 0);
        let w = pidfs::waitid(pidfs::WaitId::All, pidfs::WaitOptions::EXITED)
            .unwrap()
            .unwrap();
        assert_eq!(
            w.status,
            pidfs::WaitStatus::Signaled {
                signal: libc::SIGUSR1,
                core_dumped: false
            }
        );
    });
}

/// reboot(2) inside a pid namespace ends its init instead of the machine:
/// POWER_OFF as SIGINT, RESTART as SIGHUP (what its parent sees); CAD_OFF
/// is EINVAL there. Without CAP_SYS_BOOT: EPERM.
#[test]
fn reboot_in_a_pid_namespace() {
    for (cmd, sig) in [
        (RebootCommand::PowerOff, libc::SIGINT),
        (RebootCommand::Restart, libc::SIGHUP),
    ] {
        in_child(|| {
            common::become_root_in_userns();
            // SAFETY: unshare on this single-threaded forked child.
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
            let mut init = Child::spawn(|| {
                assert_eq!(pidfs::reboot(RebootCommand::CadOff), Err(Errno::EINVAL));
                assert_eq!(pidfs::reboot(RebootCommand::CadOn), Err(Errno::EINVAL));
                pidfs::sync();
                let _ = pidfs::reboot(cmd);
                77
            });
            let st = init.wait();
            assert!(
                libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == sig,
                "{cmd:?}: status {st:#x}"
            );
        });
    }
    // A user namespace's root without a pid namespace of its own: the
    // machine's reboot needs CAP_SYS_BOOT in the first user namespace.
    // Under qemu-user the emulator's own threads make unshare(NEWUSER)
    // EINVAL (a multithreaded process cannot change user namespace).
    in_child(|| {
        // SAFETY: unshare on this (natively) single-threaded forked child.
        let r = unsafe { libc::unshare(libc::CLONE_NEWUSER) };
        if qemu() {
            assert_eq!(r, -1);
            assert_eq!(
                std::io::Error::last_os_error().raw_os_error(),
                Some(libc::EINVAL)
            );
            return;
        }
        assert_eq!(r, 0);
        assert_eq!(pidfs::reboot(RebootCommand::PowerOff), Err(Errno::EPERM));
        assert_eq!(pidfs::reboot(RebootCommand::CadOff), Err(Errno::EPERM));
    });
}

/// getppid: a child sees its parent's pid; the init of a new pid
/// namespace sees 0 (its parent is outside).
#[test]
fn getppid_of_children_and_of_a_namespace_init() {
    let me = pidfs::getpid();
    assert_eq!(run_in_child(move || assert_eq!(pidfs::getppid(), me)), 0);
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare on this single-threaded forked child.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
        let mut init = Child::spawn(|| i32::from(pidfs::getppid() != 0));
        assert_eq!(init.wait(), 0);
    });
}

/// exit_group ends the process with the code.
#[test]
fn exit_group_code() {
    assert_eq!(run_in_child(|| pidfs::exit_group(42)), 42);
}

/// execve: ENOENT, E2BIG past EXEC_MAX_ARGS, a real program runs (this
/// test binary, which exits with the code in its environment); execveat:
/// the program an O_PATH fd is open on (EMPTY_PATH), ENOENT for an empty
/// path without it, EINVAL for a bad flag (checked after the path is
/// read), EBADF.
#[test]
fn execve_and_execveat() {
    let env: Vec<&std::ffi::CStr> = vec![];
    let me = my_exe();
    assert_eq!(
        pidfs::execve(c"/nonexistent/prog", &[c"x"], &env),
        Errno::ENOENT
    );
    let many = vec![c"x"; pidfs::EXEC_MAX_ARGS + 1];
    assert_eq!(pidfs::execve(&me, &many, &env), Errno::E2BIG);
    assert_eq!(pidfs::execve(&me, &[c"t"], &many), Errno::E2BIG);
    let fd = pidfs::io::open(&me, OFlags::PATH, 0).unwrap();
    assert_eq!(
        pidfs::execveat(&fd, c"", &[c"x"], &env, AtFlags::empty()),
        Errno::ENOENT
    );
    assert_eq!(
        pidfs::execveat(&fd, c"x", &[c"x"], &env, AtFlags::HANDLE_FID),
        Errno::EINVAL
    );
    // SAFETY: a number that is no open fd, only used as a dirfd.
    let bad = unsafe { pidfs::fd::BorrowedFd::borrow_raw(1_000_000) };
    assert_eq!(
        pidfs::execveat(bad, c"rel", &[c"x"], &env, AtFlags::empty()),
        Errno::EBADF
    );
    let code = run_in_child(|| {
        let e = pidfs::execve(&my_exe(), &[c"t"], &[c"PIDFS_EXEC_EXIT=7"]);
        pidfs::exit_group(200 + e.raw_os_error());
    });
    // Under qemu-user the host kernel does the exec: an aarch64 binary is
    // ENOEXEC (8) there.
    assert_eq!(code, if qemu() { 208 } else { 7 });
    // fexecve: a read-only fd and an O_PATH fd. Debian's 5.10 answers
    // ENOENT for both (seen in the kernel matrix, x86_64 and i686); 6.1+
    // run the program.
    let release = pidfs::KernelRelease::get();
    let mut v = release
        .as_str()
        .split(['.', '-'])
        .map(|x| x.parse::<u32>().unwrap_or(0));
    let (major, minor) = (v.next().unwrap_or(0), v.next().unwrap_or(0));
    for (flags, want) in [(OFlags::RDONLY, 9), (OFlags::PATH, 9)] {
        let code = run_in_child(|| {
            let fd = pidfs::io::open(&my_exe(), flags, 0).unwrap();
            let e = pidfs::execveat(
                fd.as_fd(),
                c"",
                &[c"t"],
                &[c"PIDFS_EXEC_EXIT=9"],
                AtFlags::EMPTY_PATH,
            );
            pidfs::exit_group(200 + e.raw_os_error());
        });
        let want = if qemu() {
            208
        } else if (major, minor) < (6, 1) {
            202
        } else {
            want
        };
        assert_eq!(code, want, "{flags:?} on {release}");
    }
}

/// mount in a fresh mount namespace: tmpfs and proc; ENOENT, ENODEV,
/// EINVAL for umount of a non-mount point; BIND; EPERM outside a user
/// namespace of our own is not tested (the tests may run as root).
#[test]
fn mount_and_umount_in_a_mount_namespace() {
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare on this single-threaded forked child.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNS) }, 0);
        pidfs::mount(
            None,
            c"/",
            None,
            MountFlags::REC | MountFlags::PRIVATE,
            None,
        )
        .unwrap();
        let dir = std::env::temp_dir().join(format!("pidfs-mount-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
        pidfs::mount(
            Some(c"tmpfs"),
            &d,
            Some(c"tmpfs"),
            MountFlags::NOSUID | MountFlags::NODEV,
            Some(c"size=1m,mode=0755"),
        )
        .unwrap();
        std::fs::write(dir.join("f"), b"x").unwrap();
        assert_eq!(
            pidfs::mount(
                Some(c"x"),
                &d,
                Some(c"no-such-fs"),
                MountFlags::empty(),
                None
            ),
            Err(Errno::ENODEV)
        );
        assert_eq!(
            pidfs::mount(
                Some(c"tmpfs"),
                c"/nonexistent/dir",
                Some(c"tmpfs"),
                MountFlags::empty(),
                None
            ),
            Err(Errno::ENOENT)
        );
        pidfs::umount(&d, UnmountFlags::empty()).unwrap();
        assert!(!dir.join("f").exists());
        assert_eq!(pidfs::umount(&d, UnmountFlags::empty()), Err(Errno::EINVAL));
        assert_eq!(
            pidfs::umount(&d, UnmountFlags::from_bits_retain(0x80)),
            Err(Errno::EINVAL)
        );
        std::fs::remove_dir(&dir).unwrap();
    });
}

/// open/read/write/mkdir: a round trip and the errors.
#[test]
fn io_round_trip_and_errors() {
    let dir = std::env::temp_dir().join(format!("pidfs-io-{}", std::process::id()));
    let d = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
    pidfs::io::mkdir(&d, 0o755).unwrap();
    assert_eq!(pidfs::io::mkdir(&d, 0o755), Err(Errno::EEXIST));
    assert_eq!(
        pidfs::io::mkdir(c"/nonexistent/a/b", 0o755),
        Err(Errno::ENOENT)
    );
    let f = std::ffi::CString::new(dir.join("f").to_str().unwrap()).unwrap();
    let fd = pidfs::io::open(&f, OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC, 0o644).unwrap();
    pidfs::io::write_all(&fd, b"hello").unwrap();
    assert_eq!(pidfs::io::read(&fd, &mut [0; 4]), Err(Errno::EBADF));
    let fd = pidfs::io::open(&f, OFlags::RDONLY, 0).unwrap();
    assert_eq!(pidfs::io::write(&fd, b"x"), Err(Errno::EBADF));
    let mut buf = [0u8; 16];
    assert_eq!(pidfs::io::read(&fd, &mut buf), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(pidfs::io::read(&fd, &mut buf), Ok(0));
    assert_eq!(
        pidfs::io::open(&f, OFlags::CREAT | OFlags::EXCL, 0o644).map(|_| ()),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        pidfs::io::open(&d, OFlags::WRONLY, 0).map(|_| ()),
        Err(Errno::EISDIR)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The monotonic clock advances by at least a sleep; a sleep too long to
/// express is EINVAL.
#[test]
fn monotonic_clock_and_sleep() {
    let a = pidfs::time::monotonic().unwrap();
    pidfs::time::sleep(Duration::from_millis(20)).unwrap();
    let b = pidfs::time::monotonic().unwrap();
    assert!(b - a >= Duration::from_millis(20), "{a:?} {b:?}");
    assert_eq!(pidfs::time::sleep(Duration::MAX), Err(Errno::EINVAL));
}

/// proc_start_time: our own is constant; a later child's is not earlier;
/// pid 0 is ESRCH, a free pid ENOENT.
#[test]
fn proc_start_time_of_processes() {
    let me = pidfs::getpid();
    let t = pidfs::proc_start_time(me).unwrap();
    assert_eq!(pidfs::proc_start_time(me), Ok(t));
    let c = Child::sleeper();
    assert!(pidfs::proc_start_time(c.pid).unwrap() >= t);
    assert_eq!(pidfs::proc_start_time(0), Err(Errno::ESRCH));
    assert_eq!(pidfs::proc_start_time(-5), Err(Errno::ESRCH));
    assert_eq!(pidfs::proc_start_time(i32::MAX), Err(Errno::ENOENT));
}
