//! `fork_pidfd` (clone3 + CLONE_PIDFD, legacy clone fallback) and `spawn`
//! (fork + execve with the exec errno reported through a CLOEXEC pipe).
//!
//! Programs are started by exec'ing this test binary (`/proc/self/exe`)
//! with `PIDFS_SPAWN_HELPER=<mode>` in its environment: a constructor in
//! `.init_array` sees it before the test harness starts, does what the mode
//! says and `_exit`s. No /bin binary is needed (the kernel matrix has none).

mod common;

use common::{in_child, no_fd_leak, qemu};
use pidfs::{CloneFlags, Errno, Forked, fork_pidfd, spawn};
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd};

const HELPER_ENV: &str = "PIDFS_SPAWN_HELPER";

/// Runs before `main` in every process image of this binary; acts only when
/// `PIDFS_SPAWN_HELPER` is set (that is, in a process started by a test).
extern "C" fn helper_ctor() {
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    let v = unsafe { libc::getenv(c"PIDFS_SPAWN_HELPER".as_ptr()) };
    if v.is_null() {
        return;
    }
    // SAFETY: getenv returned a NUL-terminated string of the environment.
    let mode = unsafe { CStr::from_ptr(v) }.to_bytes();
    let code = helper(mode);
    // SAFETY: leave at once, without running the harness.
    unsafe { libc::_exit(code) }
}

#[used]
#[unsafe(link_section = ".init_array")]
static HELPER_CTOR: extern "C" fn() = helper_ctor;

fn helper(mode: &[u8]) -> i32 {
    // 0 when the ignored-signal mask (/proc/self/status SigIgn, hex) is
    // exactly the one given.
    if let Some(want) = mode.strip_prefix(b"sigign:") {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let ign = status
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .map(str::trim);
        return i32::from(ign.map(str::as_bytes) != Some(want));
    }
    if let Some(n) = mode.strip_prefix(b"exit:") {
        return std::str::from_utf8(n)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200);
    }
    match mode {
        b"pause" => loop {
            // SAFETY: waits for a signal.
            unsafe { libc::pause() };
        },
        // 0 when this process is pid 1 of its pid namespace.
        b"pid1" => i32::from(std::process::id() != 1),
        // 0 when this process is root (all four ids) in its user namespace.
        b"uid0" => {
            // SAFETY: plain id getters.
            let ids = unsafe {
                [
                    libc::getuid(),
                    libc::geteuid(),
                    libc::getgid(),
                    libc::getegid(),
                ]
            };
            i32::from(ids != [0; 4])
        }
        // 0 when no signal is blocked (spawn resets the mask).
        b"sigmask" => {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let blk = status
                .lines()
                .find_map(|l| l.strip_prefix("SigBlk:"))
                .map(str::trim);
            i32::from(blk != Some("0000000000000000"))
        }
        // 0 when argv and the environment are exactly what the test passed.
        b"argv" => {
            // /proc/self/cmdline, not std::env::args: before main, std has
            // not captured argv yet on musl.
            let cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            let envs: Vec<(String, String)> = std::env::vars().collect();
            let ok = args == [&b"pidfs-helper"[..], b"a", b"b c", b"", b""]
                && envs.len() == 2
                && envs.iter().any(|(k, v)| k == "X" && v == "y");
            i32::from(!ok)
        }
        _ => 201,
    }
}

fn helper_env(mode: &str) -> CString {
    CString::new(format!("{HELPER_ENV}={mode}")).unwrap()
}

/// Spawns this binary as a helper in `mode`.
fn spawn_helper(mode: &str, flags: CloneFlags) -> pidfs::Result<pidfs::Child> {
    let env = helper_env(mode);
    spawn(
        c"/proc/self/exe",
        &[c"pidfs-helper"],
        &[env.as_c_str()],
        flags,
    )
}

/// [`spawn_helper`] where the exec can succeed: `None` under qemu-user,
/// after asserting ENOEXEC there (the host kernel cannot exec an aarch64
/// binary without binfmt_misc; the errno still comes back through the
/// pipe, from a child forked by the legacy clone fallback).
fn spawn_helper_ok(mode: &str, flags: CloneFlags) -> Option<pidfs::Child> {
    match spawn_helper(mode, flags) {
        Ok(c) => {
            if qemu() {
                panic!("exec of an aarch64 binary worked under qemu-user");
            }
            Some(c)
        }
        Err(e) if qemu() => {
            assert_eq!(e, Errno::ENOEXEC);
            None
        }
        Err(e) => panic!("spawn {mode}: {e:?}"),
    }
}

/// `waitid(P_PIDFD, fd, WEXITED)`: `(si_code, si_status)`.
fn wait_pidfd(fd: BorrowedFd<'_>) -> (i32, i32) {
    // SAFETY: siginfo_t is plain data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: P_PIDFD (3) waits for the child the pidfd names.
        let r = unsafe {
            libc::waitid(
                3 as libc::idtype_t,
                fd.as_raw_fd() as libc::id_t,
                &mut info,
                libc::WEXITED,
            )
        };
        if r == 0 {
            break;
        }
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EINTR)
        );
    }
    // SAFETY: filled by waitid for a CLD_* event.
    (info.si_code, unsafe { info.si_status() })
}

/// Exit code of a child, asserting it exited (not killed).
fn exit_code(fd: BorrowedFd<'_>) -> i32 {
    let (code, status) = wait_pidfd(fd);
    assert_eq!(
        code,
        libc::CLD_EXITED,
        "child did not exit normally (status {status})"
    );
    status
}

/// No child of this (forked, single-threaded checker) process remains, not
/// even a zombie: `waitid(P_ALL, WNOHANG)` answers ECHILD.
fn assert_no_children() {
    // SAFETY: siginfo_t is plain data; WNOHANG never blocks. Only called in
    // a forked checker child, whose children are all the test's own.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let r = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    assert_eq!(r, -1, "a child is left behind");
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::ECHILD)
    );
}

/// The raw `clone3` syscall: `ENOSYS` under qemu-user, which is why the
/// legacy fallback exists; `EINVAL` for a too-small size on a real kernel.
#[test]
fn raw_clone3_enosys_under_qemu_einval_for_bad_size() {
    // SAFETY: size 0 is rejected before anything is created.
    let r = unsafe { libc::syscall(libc::SYS_clone3, std::ptr::null_mut::<u8>(), 0usize) };
    assert_eq!(r, -1);
    let e = std::io::Error::last_os_error().raw_os_error();
    assert_eq!(e, Some(if qemu() { libc::ENOSYS } else { libc::EINVAL }));
}

fn fork_exit_and_wait(code: i32) {
    let me = pidfs::getpid();
    // SAFETY: the child only makes raw syscalls and _exits.
    match unsafe { fork_pidfd(CloneFlags::empty()) }.unwrap() {
        Forked::Child => {
            // The child sees Forked::Child, a new pid, and the caller as parent.
            // SAFETY: async-signal-safe calls only.
            let ok = unsafe { libc::getppid() } == me && pidfs::getpid() != me;
            // SAFETY: leaves the child at once.
            unsafe { libc::_exit(if ok { code } else { 99 }) }
        }
        Forked::Parent { pid, pidfd } => {
            assert!(pid > 0 && pid != me);
            assert_eq!(exit_code(pidfd.as_fd()), code);
        }
    }
}

/// clone3(CLONE_PIDFD) natively; under qemu-user the first call finds
/// clone3 ENOSYS and the legacy clone fallback runs for real.
#[test]
fn fork_pidfd_clone3_path_or_qemu_fallback() {
    fork_exit_and_wait(7);
    assert_eq!(
        pidfs::hooks::clone3_unavailable(),
        qemu(),
        "clone3 must work natively and be ENOSYS under qemu-user"
    );
}

/// Legacy clone(CLONE_PIDFD | SIGCHLD), forced natively: the pidfd it writes
/// through parent_tid is a working pidfd (signal it, wait on it).
#[test]
fn fork_pidfd_legacy_clone_path() {
    in_child(|| {
        pidfs::hooks::force_legacy_clone(true);
        fork_exit_and_wait(9);
        // SAFETY: the child only pauses until killed.
        match unsafe { fork_pidfd(CloneFlags::empty()) }.unwrap() {
            Forked::Child => loop {
                // SAFETY: waits for a signal.
                unsafe { libc::pause() };
            },
            Forked::Parent { pidfd, .. } => {
                pidfd.kill(libc::SIGKILL).unwrap();
                assert_eq!(wait_pidfd(pidfd.as_fd()), (libc::CLD_KILLED, libc::SIGKILL));
            }
        }
    });
}

/// The pidfd from clone3 is O_CLOEXEC like pidfd_open's, on both paths.
#[test]
fn fork_pidfd_pidfd_is_cloexec() {
    for legacy in [false, true] {
        in_child(move || {
            pidfs::hooks::force_legacy_clone(legacy);
            // SAFETY: the child _exits at once.
            match unsafe { fork_pidfd(CloneFlags::empty()) }.unwrap() {
                // SAFETY: leaves the child at once.
                Forked::Child => unsafe { libc::_exit(0) },
                Forked::Parent { pidfd, .. } => {
                    // SAFETY: F_GETFD on an fd we own.
                    let fl = unsafe { libc::fcntl(pidfd.as_raw_fd(), libc::F_GETFD) };
                    assert_eq!(fl & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
                    assert_eq!(exit_code(pidfd.as_fd()), 0);
                }
            }
        });
    }
}

/// Bits that are not CloneFlags constants (CLONE_VM, CLONE_THREAD, ...) are
/// EINVAL without forking; NEWTIME and CLEAR_SIGHAND have no room in legacy
/// clone, so the fallback answers EINVAL for them.
#[test]
fn fork_pidfd_rejects_non_fork_flags() {
    no_fd_leak(|| {
        for bits in [
            libc::CLONE_VM as u64,
            libc::CLONE_THREAD as u64,
            libc::CLONE_SETTLS as u64,
            1 << 40,
        ] {
            // SAFETY: rejected before any syscall.
            let r = unsafe { fork_pidfd(CloneFlags::from_bits_retain(bits)) };
            assert_eq!(r.err(), Some(Errno::EINVAL), "bits {bits:#x}");
        }
        pidfs::hooks::force_legacy_clone(true);
        for f in [CloneFlags::NEWTIME, CloneFlags::CLEAR_SIGHAND] {
            // SAFETY: rejected before any syscall.
            let r = unsafe { fork_pidfd(f) };
            assert_eq!(r.err(), Some(Errno::EINVAL), "{f:?} on legacy clone");
        }
        assert_no_children();
    });
}

/// clone3-only flags work through clone3 (CLEAR_SIGHAND 5.5): the child's
/// caught signals are back to SIG_DFL. Under qemu-user: EINVAL (fallback).
#[test]
fn fork_pidfd_clear_sighand() {
    in_child(|| {
        extern "C" fn h(_: libc::c_int) {}
        // SAFETY: installs a no-op handler in this forked test child.
        unsafe { libc::signal(libc::SIGUSR1, h as *const () as libc::sighandler_t) };
        // SAFETY: the child only queries its handler and _exits.
        match unsafe { fork_pidfd(CloneFlags::CLEAR_SIGHAND) } {
            Ok(Forked::Child) => {
                // SAFETY: sigaction is plain data.
                let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
                // SAFETY: queries the disposition only.
                unsafe { libc::sigaction(libc::SIGUSR1, std::ptr::null(), &mut old) };
                // SAFETY: leaves the child at once.
                unsafe { libc::_exit(i32::from(old.sa_sigaction != libc::SIG_DFL)) }
            }
            Ok(Forked::Parent { pidfd, .. }) => {
                if qemu() {
                    panic!("clone3 worked under qemu-user");
                }
                assert_eq!(exit_code(pidfd.as_fd()), 0);
            }
            Err(e) => {
                if !qemu() {
                    panic!("clone3 CLEAR_SIGHAND: {e:?}");
                }
                assert_eq!(e, Errno::EINVAL);
            }
        }
    });
}

/// spawn of a real program: exit code, argv and envp exactly as passed; on
/// both fork paths.
#[test]
fn spawn_exec_runs_program_with_argv_envp() {
    for legacy in [false, true] {
        in_child(move || {
            pidfs::hooks::force_legacy_clone(legacy);
            let Some(c) = spawn_helper_ok("exit:42", CloneFlags::empty()) else {
                return;
            };
            assert!(c.pid > 0);
            assert_eq!(exit_code(c.pidfd.as_fd()), 42);

            let env = helper_env("argv");
            let c = spawn(
                c"/proc/self/exe",
                &[c"pidfs-helper", c"a", c"b c", c""],
                &[env.as_c_str(), c"X=y"],
                CloneFlags::empty(),
            )
            .unwrap();
            assert_eq!(
                exit_code(c.pidfd.as_fd()),
                0,
                "argv/envp not passed exactly"
            );
            assert_no_children();
        });
    }
}

/// The child of spawn starts with an empty signal mask even if the caller
/// blocks signals, and the caller's mask is unchanged afterwards.
#[test]
fn spawn_resets_signal_mask() {
    in_child(|| {
        // SAFETY: sigset manipulation on this forked single-threaded child.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            libc::sigaddset(&mut set, libc::SIGTERM);
            assert_eq!(
                libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()),
                0
            );
        }
        if let Some(c) = spawn_helper_ok("sigmask", CloneFlags::empty()) {
            assert_eq!(
                exit_code(c.pidfd.as_fd()),
                0,
                "child inherited a blocked signal"
            );
        }
        // SAFETY: reads this thread's mask.
        unsafe {
            let mut cur: libc::sigset_t = std::mem::zeroed();
            assert_eq!(
                libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut cur),
                0
            );
            assert_eq!(libc::sigismember(&cur, libc::SIGUSR1), 1);
            assert_eq!(libc::sigismember(&cur, libc::SIGTERM), 1);
            assert_eq!(libc::sigismember(&cur, libc::SIGUSR2), 0);
        }
    });
}

/// The spawned child's pidfd signals and waits: SIGTERM shows as killed.
#[test]
fn spawn_pidfd_signal_and_wait() {
    if let Some(c) = spawn_helper_ok("pause", CloneFlags::empty()) {
        c.pidfd.kill(libc::SIGTERM).unwrap();
        assert_eq!(
            wait_pidfd(c.pidfd.as_fd()),
            (libc::CLD_KILLED, libc::SIGTERM)
        );
    }
}

/// A missing program: execve's ENOENT comes back as Err(ENOENT), not as an
/// exit code; no fd and no zombie is left behind.
#[test]
fn spawn_exec_failure_enoent_no_leak_no_zombie() {
    for legacy in [false, true] {
        no_fd_leak(move || {
            pidfs::hooks::force_legacy_clone(legacy);
            let r = spawn(
                c"/nonexistent/pidfs-no-such-program",
                &[c"x"],
                &[],
                CloneFlags::empty(),
            );
            assert_eq!(r.err(), Some(Errno::ENOENT));
            assert_no_children();
        });
    }
}

/// A file without execute permission: EACCES (root too: exec needs an x bit).
#[test]
fn spawn_exec_failure_eacces() {
    let dir = std::env::temp_dir().join(format!("pidfs-spawn-eacces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("not-executable");
    std::fs::write(&file, b"#!/nonexistent\n").unwrap();
    let path = CString::new(file.to_str().unwrap()).unwrap();
    no_fd_leak(|| {
        let r = spawn(&path, &[c"x"], &[], CloneFlags::empty());
        assert_eq!(r.err(), Some(Errno::EACCES));
        assert_no_children();
    });
    // A directory: EACCES as well.
    let dpath = CString::new(dir.to_str().unwrap()).unwrap();
    assert_eq!(
        spawn(&dpath, &[c"x"], &[], CloneFlags::empty()).err(),
        Some(Errno::EACCES)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// More than SPAWN_MAX_ARGS entries: E2BIG before anything is created.
#[test]
fn spawn_too_many_args_e2big() {
    let args = vec![c"a"; pidfs::SPAWN_MAX_ARGS + 1];
    no_fd_leak(|| {
        assert_eq!(
            spawn(c"/proc/self/exe", &args, &[], CloneFlags::empty()).err(),
            Some(Errno::E2BIG)
        );
        assert_eq!(
            spawn(c"/proc/self/exe", &[], &args, CloneFlags::empty()).err(),
            Some(Errno::E2BIG)
        );
        assert_no_children();
    });
}

/// The pid list of /proc/<pid>/status `NSpid:`.
fn ns_pids(pid: i32) -> Vec<i32> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = s
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))
        .expect("NSpid line");
    line.split_whitespace()
        .map(|w| w.parse().unwrap())
        .collect()
}

/// CLONE_NEWPID: the spawned program is pid 1 in its namespace (NSpid's
/// last number, read by the parent, and getpid() in the child).
#[test]
fn spawn_newpid_child_is_pid_1() {
    in_child(|| {
        common::become_root_in_userns();
        match spawn_helper("pause", CloneFlags::NEWPID) {
            Ok(c) => {
                let ids = ns_pids(c.pid);
                assert_eq!(ids.len(), 2, "NSpid {ids:?}");
                assert_eq!(ids[0], c.pid);
                assert_eq!(ids[1], 1);
                c.pidfd.kill(libc::SIGKILL).unwrap();
                assert_eq!(
                    wait_pidfd(c.pidfd.as_fd()),
                    (libc::CLD_KILLED, libc::SIGKILL)
                );
                let c = spawn_helper("pid1", CloneFlags::NEWPID).unwrap();
                assert_eq!(
                    exit_code(c.pidfd.as_fd()),
                    0,
                    "getpid() != 1 in the new pid namespace"
                );
            }
            // qemu-user forks through legacy clone and refuses namespace
            // flags there (EINVAL).
            Err(e) => assert!(qemu() && e == Errno::EINVAL, "spawn: {e:?}"),
        }
        assert_no_children();
    });
}

/// CLONE_NEWUSER works unprivileged: as uid/gid 65534 (dropped here when
/// running as root), the program starts as root of its new user namespace
/// (uid and gid 0 mapped to the caller's), alone or with NEWPID|NEWNS.
#[test]
fn spawn_newuser_unprivileged_is_root_inside() {
    in_child(|| {
        // SAFETY: drops privileges of this forked test child only.
        unsafe {
            if libc::geteuid() == 0 {
                assert_eq!(libc::setgroups(0, std::ptr::null()), 0);
                assert_eq!(libc::setgid(65534), 0);
                assert_eq!(libc::setuid(65534), 0);
                // Keep /proc/<pid> of our children owned by us.
                assert_eq!(libc::prctl(libc::PR_SET_DUMPABLE, 1), 0);
            }
            assert_ne!(libc::geteuid(), 0);
        }
        for flags in [
            CloneFlags::NEWUSER,
            CloneFlags::NEWUSER | CloneFlags::NEWPID | CloneFlags::NEWNS,
        ] {
            match spawn_helper("uid0", flags) {
                Ok(c) => {
                    assert_eq!(
                        exit_code(c.pidfd.as_fd()),
                        0,
                        "{flags:?}: not root in the new user namespace"
                    );
                }
                // qemu-user: no namespace flags on its fork path.
                Err(e) => assert!(qemu() && e == Errno::EINVAL, "spawn {flags:?}: {e:?}"),
            }
        }
        // Without NEWUSER an unprivileged caller cannot make a pid namespace.
        let expect = if qemu() { Errno::EINVAL } else { Errno::EPERM };
        assert_eq!(spawn_helper("pid1", CloneFlags::NEWPID).err(), Some(expect));
        assert_no_children();
    });
}

/// clone3 `set_tid` (5.5): in a private pid namespace, the child gets the
/// pid asked for, and a pid in use is EEXIST. Under qemu-user: ENOSYS (no
/// clone3, and no fallback for set_tid).
#[test]
fn fork_pidfd_with_set_tid_chooses_the_pid() {
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare in this forked test child only.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWPID) }, 0);
        in_child(|| {
            assert_eq!(pidfs::getpid(), 1);
            // SAFETY: the child only _exits with a code saying its pid.
            match unsafe { pidfs::hooks::fork_pidfd_with_set_tid(CloneFlags::empty(), &[4242]) } {
                Ok(Forked::Child) => {
                    let ok = pidfs::getpid() == 4242;
                    // SAFETY: leaves the child at once.
                    unsafe { libc::_exit(if ok { 0 } else { 1 }) }
                }
                Ok(Forked::Parent { pid, pidfd }) => {
                    if qemu() {
                        panic!("clone3 worked under qemu-user");
                    }
                    assert_eq!(pid, 4242);
                    assert_eq!(exit_code(pidfd.as_fd()), 0);
                }
                Err(e) => {
                    if !qemu() {
                        panic!("clone3 set_tid: {e:?}");
                    }
                    assert_eq!(e, Errno::ENOSYS);
                }
            }
            // Pid 1 is this process: taken.
            // SAFETY: fails before any child exists.
            let r = unsafe { pidfs::hooks::fork_pidfd_with_set_tid(CloneFlags::empty(), &[1]) };
            let expect = if qemu() { Errno::ENOSYS } else { Errno::EEXIST };
            assert_eq!(r.err(), Some(expect));
            // An empty set_tid is not a request.
            // SAFETY: rejected before any syscall.
            let r = unsafe { pidfs::hooks::fork_pidfd_with_set_tid(CloneFlags::empty(), &[]) };
            assert_eq!(r.err(), Some(Errno::EINVAL));
            assert_no_children();
        });
    });
}

/// The Rust runtime ignores SIGPIPE, and an ignored signal stays ignored
/// across execve; `spawn` resets SIGPIPE to SIG_DFL in the child (as
/// `std::process::Command` does), so `prog | head` behaves as from a
/// shell. Other ignored signals stay ignored (what `nohup` relies on):
/// with SIGHUP (bit 0) and SIGPIPE (bit 12) ignored here, the program's
/// SigIgn is this process's without bit 12.
#[test]
fn spawn_resets_sigpipe_keeps_other_ignored_signals() {
    for legacy in [false, true] {
        in_child(move || {
            pidfs::hooks::force_legacy_clone(legacy);
            // SAFETY: signal dispositions of this forked, single-threaded child.
            unsafe {
                assert_eq!(libc::signal(libc::SIGPIPE, libc::SIG_IGN), libc::SIG_IGN);
                libc::signal(libc::SIGHUP, libc::SIG_IGN);
            }
            // What this process ignores (SIGHUP, SIGPIPE, and whatever the
            // test was started with), less SIGPIPE.
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let ign = status
                .lines()
                .find_map(|l| l.strip_prefix("SigIgn:"))
                .map(|v| u64::from_str_radix(v.trim(), 16).unwrap())
                .unwrap();
            assert_eq!(ign & 0x1001, 0x1001, "SIGHUP and SIGPIPE ignored here");
            let want = format!("sigign:{:016x}", ign & !0x1000);
            if let Some(c) = spawn_helper_ok(&want, CloneFlags::empty()) {
                assert_eq!(
                    exit_code(c.pidfd.as_fd()),
                    0,
                    "the program's SigIgn is not ours less SIGPIPE (SIGPIPE left ignored?)"
                );
            }
            assert_no_children();
        });
    }
}

/// With CLONE_PARENT the program is the caller's sibling, which the caller
/// cannot reap: `spawn` refuses the flag with EINVAL rather than leave a
/// zombie under the grandparent after an exec failure (and a Child it
/// cannot wait for after a success), on both fork paths. Checked from a
/// grandchild, so that a leftover would show up as a child of the checker.
#[test]
fn spawn_clone_parent_is_einval_and_leaves_no_zombie() {
    // clone3 itself refuses CLONE_PARENT with an exit signal (EINVAL);
    // legacy clone (qemu-user, no clone3, clone3 denied) takes it.
    for legacy in [false, true] {
        spawn_clone_parent_case(legacy);
    }
}

fn spawn_clone_parent_case(legacy: bool) {
    in_child(move || {
        let code = common::run_in_child(move || {
            pidfs::hooks::force_legacy_clone(legacy);
            let r = spawn(
                c"/nonexistent/pidfs-no-such-program",
                &[c"x"],
                &[],
                CloneFlags::PARENT,
            );
            assert_eq!(r.err(), Some(Errno::EINVAL));
            let env = helper_env("exit:0");
            let r = spawn(
                c"/proc/self/exe",
                &[c"x"],
                &[env.as_c_str()],
                CloneFlags::PARENT,
            );
            assert_eq!(r.err(), Some(Errno::EINVAL));
        });
        assert_eq!(code, 0);
        assert_no_children();
    });
}

/// A seccomp filter that makes clone3 fail with EPERM (Docker before
/// 20.10.9, containerd before 1.5): `fork_pidfd`, `spawn` and the fork
/// translation fall back to legacy clone(CLONE_PIDFD) as on ENOSYS;
/// clone3-only flags give the filter's EPERM (legacy clone cannot carry
/// them). Under qemu-user the filter cannot be installed (the emulator
/// answers seccomp with its own errno) and clone3 is ENOSYS anyway.
#[test]
fn clone3_denied_by_seccomp_falls_back_to_legacy_clone() {
    in_child(|| {
        match (common::deny_clone3_with_seccomp(), qemu()) {
            (Ok(()), false) => {}
            // qemu-user: no seccomp, and clone3 is ENOSYS anyway.
            (Err(_), true) => return,
            (r, qemu) => panic!("seccomp: {r:?} (qemu-user: {qemu})"),
        }
        // The filter is in place: raw clone3 answers EPERM.
        // SAFETY: size 0 creates nothing.
        let r = unsafe { libc::syscall(libc::SYS_clone3, std::ptr::null_mut::<u8>(), 0usize) };
        assert_eq!(r, -1);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EPERM)
        );
        assert!(
            !pidfs::Features::probe().clone3,
            "clone3 denied: not usable"
        );
        fork_exit_and_wait(9);
        assert_eq!(
            // SAFETY: creates nothing (EPERM before any fork).
            unsafe { fork_pidfd(CloneFlags::CLEAR_SIGHAND) }.err(),
            Some(Errno::EPERM)
        );
        let c = spawn_helper_ok("exit:7", CloneFlags::empty()).unwrap();
        assert_eq!(exit_code(c.pidfd.as_fd()), 7);
        let ns = std::fs::File::open("/proc/self/ns/pid").unwrap();
        let me = pidfs::getpid();
        assert_eq!(
            pidfs::Translator::with_method(pidfs::Method::Fork).pid_from_pidns(&ns, me),
            Ok(me)
        );
        assert_no_children();
    });
}

/// `fork_pidfd(PARENT)`: clone3 refuses CLONE_PARENT with an exit signal
/// (EINVAL), so it goes through legacy clone, on both paths: the child is
/// the caller's sibling (its parent is the caller's parent, which reaps
/// it); the caller's pidfd polls its exit but cannot wait (ECHILD).
/// qemu-user refuses the flag (EINVAL).
#[test]
fn fork_pidfd_clone_parent_makes_a_sibling() {
    for legacy in [false, true] {
        in_child(move || {
            let me = pidfs::getpid();
            let code = common::run_in_child(move || {
                pidfs::hooks::force_legacy_clone(legacy);
                // SAFETY: the child only makes raw syscalls and _exits.
                let forked = unsafe { fork_pidfd(CloneFlags::PARENT) };
                if qemu() {
                    // qemu-user takes no clone flag beyond a plain fork's.
                    assert_eq!(forked.err(), Some(Errno::EINVAL));
                    return;
                }
                match forked.unwrap() {
                    Forked::Child => {
                        // SAFETY: async-signal-safe calls only.
                        let ok = unsafe { libc::getppid() } == me;
                        // SAFETY: leaves at once.
                        unsafe { libc::_exit(if ok { 0 } else { 1 }) }
                    }
                    Forked::Parent { pidfd, .. } => {
                        assert_eq!(
                            pidfd.poll(Some(std::time::Duration::from_secs(10))),
                            Ok(true)
                        );
                        assert_eq!(
                            pidfd.wait(pidfs::WaitOptions::EXITED).err(),
                            Some(Errno::ECHILD)
                        );
                    }
                }
            });
            assert_eq!(code, 0);
            if qemu() {
                assert_no_children();
                return;
            }
            let mut status = 0;
            // SAFETY: reaps the sibling, now our child.
            let pid = unsafe { libc::waitpid(-1, &mut status, 0) };
            assert!(pid > 0);
            assert_eq!(
                (libc::WIFEXITED(status), libc::WEXITSTATUS(status)),
                (true, 0)
            );
            assert_no_children();
        });
    }
}
