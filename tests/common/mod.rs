//! Helpers shared by the integration tests: real child processes (fork),
//! fd counting, and privilege from a fresh user namespace.
//!
//! Tests run in parallel in one process, so a fd-leak check that counts
//! /proc/self/fd must run where no other test opens fds: inside a forked
//! child ([`in_child`]), which has exactly one thread.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// True when running under qemu-user: built with `--cfg qemu` (set for
/// aarch64, armv7 and riscv64 in .cargo/config.toml) and not inside the
/// real-kernel matrix. ci/kernels.sh boots the very binaries the qemu-user
/// runs built (no second build for the matrix), so the cfg alone does not
/// say where a binary runs; the guest's `PIDFS_KERNEL_MATRIX` does.
pub fn qemu() -> bool {
    cfg!(qemu) && !kernel_matrix()
}

/// The qemu-user binary that runs this target's programs (the host kernel
/// cannot exec them itself: no binfmt_misc), for tests that start a new
/// image under qemu-user.
pub const QEMU_USER: &str = if cfg!(target_arch = "arm") {
    "qemu-arm-static"
} else if cfg!(target_arch = "riscv64") {
    "qemu-riscv64-static"
} else {
    "qemu-aarch64-static"
};

/// True inside the real-kernel matrix (ci/kernels.sh sets it in the guest).
pub fn kernel_matrix() -> bool {
    std::env::var_os("PIDFS_KERNEL_MATRIX").is_some()
}

/// Whether the kernel is a 32-bit one, from `uname(2)`'s machine (no
/// 64-bit Linux machine name lacks "64" but s390x). Under qemu-user the
/// emulator answers its target's name there, so the host kernel (x86_64
/// in CI) is taken as 64-bit instead. The library reads
/// /proc/sys/kernel/arch for the same fact; this is the independent check.
pub fn kernel_is_32bit() -> bool {
    if qemu() {
        return false;
    }
    // SAFETY: uname fills a zeroed utsname.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a valid utsname to fill.
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    let m: Vec<u8> = u
        .machine
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c.to_ne_bytes()[0])
        .collect();
    !(m.windows(2).any(|w| w == b"64") || m == b"s390x")
}

/// Number of open fds of this process.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// `fork()` from a test thread, for children that will start threads
/// (`run_in_child`, `Child::spawn_threaded`).
///
/// A fork copies the locks other threads hold at that instant, and libtest
/// starts and ends test threads while a test forks. Natively, std's
/// thread-start lock (`std::sys::pal::unix::stack_overflow::thread_info::LOCK`,
/// taken by every new thread) was once copied held: the child's first
/// `std::thread::spawn` then waited on it for ever (tests/info.rs
/// `thread_group`, a bare-clone CI run of 2026-12-01). Under qemu-user the
/// same happens more often with qemu's own `clone_lock`: qemu's `do_fork`
/// (linux-user/syscall.c) does not take it around a fork, and a guest
/// thread holds it while qemu creates it and while qemu tears its CPU down
/// after its exit (the tid word is cleared first, so a join can return
/// while the lock is still held). With qemu 10.0.2 a full suite run had it
/// 7-10 times under qemu-arm, 4-5 times under qemu-riscv64.
///
/// So the child first starts (and joins) one thread and says so over a
/// pipe. A child whose thread does not start within 3 s (it takes 2-77 ms
/// under qemu, well under 1 ms natively) is killed before it runs any test
/// code and the fork tried again (at most 5 times). The child also waits
/// until the joined thread is gone from /proc/self/task (its exit is done
/// with the locks), so the processes it forks while single-threaded start
/// clean.
pub fn fork_for_threads() -> i32 {
    for attempt in 1..=5 {
        let mut p = [0i32; 2];
        // SAFETY: pipe2 writes two fds into `p`.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: as above.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
        if pid == 0 {
            let tasks = || std::fs::read_dir("/proc/self/task").unwrap().count();
            let before = tasks();
            std::thread::spawn(|| {}).join().unwrap();
            // SAFETY: our copies of the pipe's ends; one byte from a live buffer.
            unsafe {
                libc::close(p[0]);
                libc::write(p[1], b"t".as_ptr().cast(), 1);
                libc::close(p[1]);
            }
            assert!(
                wait_until(Duration::from_secs(10), || tasks() <= before),
                "the joined thread is still in /proc/self/task"
            );
            return 0;
        }
        let mut pfd = libc::pollfd {
            fd: p[0],
            events: libc::POLLIN,
            revents: 0,
        };
        let mut b = [0u8; 1];
        // SAFETY: closes our write end; polls and reads one live pollfd/byte.
        let started = unsafe {
            libc::close(p[1]);
            libc::poll(&mut pfd, 1, 3_000) == 1 && libc::read(p[0], b.as_mut_ptr().cast(), 1) == 1
        };
        // SAFETY: our read end.
        unsafe { libc::close(p[0]) };
        if started {
            return pid;
        }
        let msg = format!(
            "fork attempt {attempt}: the child's first thread did not start (a lock copied held by the fork); retrying\n"
        );
        // SAFETY: kills and reaps our own child; writes a live buffer to fd 2.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::write(2, msg.as_ptr().cast(), msg.len());
        }
    }
    panic!("5 forked children in a row could not start a thread");
}

/// Runs `f` in a forked child and returns its exit code (`0` = `f` returned
/// without panicking, `101` = it panicked; a signal death gives `128+sig`).
pub fn run_in_child<F: FnOnce()>(f: F) -> i32 {
    install_forked_panic_hook();
    let pid = fork_for_threads();
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        // SAFETY: leave without running the parent's atexit handlers.
        unsafe { libc::_exit(if r.is_ok() { 0 } else { 101 }) }
    }
    let mut status = 0;
    // SAFETY: reaps exactly our own child.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(r, pid);
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    }
}

/// The test process's pid, set with the panic hook.
static TEST_PROCESS: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// libtest captures a test's output in memory, so a panic message printed
/// in a forked child would be lost with it: the hook writes it straight to
/// fd 2 there (the kernel matrix's console shows it), and leaves the test
/// process's own panics to the default hook.
///
/// Installed once, in the test process, before the first fork: a child
/// that called `set_hook` itself could inherit the hook's lock held by
/// another test thread that was inside `set_hook` at the fork, and hang
/// for ever.
fn install_forked_panic_hook() {
    TEST_PROCESS.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if TEST_PROCESS.get() == Some(&std::process::id()) {
                return default(info);
            }
            let msg = format!("[forked test child {}] {info}\n", std::process::id());
            // SAFETY: writes a live buffer to fd 2.
            unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
        }));
        std::process::id()
    });
}

/// Runs `f` in a forked child and asserts that it passed.
#[track_caller]
pub fn in_child<F: FnOnce()>(f: F) {
    assert_eq!(
        run_in_child(f),
        0,
        "the forked child's assertions failed (see its panic message above)"
    );
}

/// Asserts, in a forked child, that `f` leaves the fd count unchanged.
#[track_caller]
pub fn no_fd_leak<F: FnOnce()>(f: F) {
    in_child(|| {
        let before = fd_count();
        f();
        let after = fd_count();
        assert_eq!(before, after, "fd leak: {before} fds before, {after} after");
    });
}

/// Makes the calling (single-threaded, forked) process root in a fresh user
/// namespace when it is not root already, so that namespace tests also pass
/// for an unprivileged user. Call it only in a forked child.
pub fn become_root_in_userns() {
    // SAFETY: plain syscalls on this process.
    unsafe {
        if libc::geteuid() == 0 {
            return;
        }
        let uid = libc::geteuid();
        let gid = libc::getegid();
        assert_eq!(
            libc::unshare(libc::CLONE_NEWUSER),
            0,
            "unshare(CLONE_NEWUSER): {}",
            std::io::Error::last_os_error()
        );
        std::fs::write("/proc/self/setgroups", "deny").unwrap();
        std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).unwrap();
        std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).unwrap();
    }
}

/// A forked child process that runs `body` and then `_exit(code)`; killed
/// and reaped on drop if still there.
pub struct Child {
    pub pid: i32,
    reaped: bool,
}

impl Child {
    /// Forks a child that runs `body` then exits with its return value.
    pub fn spawn<F: FnOnce() -> i32>(body: F) -> Child {
        // SAFETY: fork in a test process; the child only runs `body` and
        // `_exit`s.
        Child::forked(unsafe { libc::fork() }, body)
    }

    /// As [`Child::spawn`], for a body that starts threads (forked through
    /// [`fork_for_threads`]).
    pub fn spawn_threaded<F: FnOnce() -> i32>(body: F) -> Child {
        Child::forked(fork_for_threads(), body)
    }

    fn forked<F: FnOnce() -> i32>(pid: i32, body: F) -> Child {
        assert!(pid >= 0);
        if pid == 0 {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(101);
            // SAFETY: see above.
            unsafe { libc::_exit(code) }
        }
        Child { pid, reaped: false }
    }

    /// A child that sleeps until killed.
    pub fn sleeper() -> Child {
        Child::spawn(|| {
            loop {
                // SAFETY: pause() just waits for a signal.
                unsafe { libc::pause() };
            }
        })
    }

    /// A child that exits at once with `code`.
    pub fn exiting(code: i32) -> Child {
        Child::spawn(move || code)
    }

    /// Waits (waitpid) and returns the raw wait status.
    pub fn wait(&mut self) -> i32 {
        let mut status = 0;
        // SAFETY: reaps our own child.
        let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
        assert_eq!(r, self.pid);
        self.reaped = true;
        status
    }

    /// Marks the child as reaped by someone else (e.g. `pidfd_wait`).
    pub fn forget(&mut self) {
        self.reaped = true;
    }

    /// Waits until the child is a zombie (exited, not reaped).
    pub fn wait_zombie(&self) {
        // SAFETY: siginfo_t is plain data; all-zero is valid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: WNOWAIT leaves the child waitable.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid as _,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        assert_eq!(r, 0);
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: our own child.
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// Polls `cond` every millisecond for up to `timeout`.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    cond()
}

/// Installs a seccomp filter on the calling (forked, single-threaded)
/// process that makes `clone3` fail with `EPERM`, as the default profiles
/// of Docker before 20.10.9 and of containerd before 1.5 did, and lets
/// every other syscall through (`PR_SET_NO_NEW_PRIVS` first, so no
/// privilege is needed). Call it only in a forked child: a filter cannot
/// be removed. Returns the errno of `seccomp(2)` if the filter could not
/// be installed (qemu-user does not emulate it).
pub fn deny_clone3_with_seccomp() -> Result<(), i32> {
    const NR_CLONE3: u32 = 435; // the same number on every architecture
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const RET_ALLOW: u32 = 0x7fff_0000;
    const RET_ERRNO: u32 = 0x0005_0000;
    let ins = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    let mut prog = [
        ins(LD_W_ABS, 0, 0, 4),                           // seccomp_data.arch
        ins(JEQ_K, 0, 3, AUDIT_ARCH),                     // other arch: allow
        ins(LD_W_ABS, 0, 0, 0),                           // seccomp_data.nr
        ins(JEQ_K, 0, 1, NR_CLONE3),                      // clone3?
        ins(RET_K, 0, 0, RET_ERRNO | libc::EPERM as u32), // clone3: EPERM
        ins(RET_K, 0, 0, RET_ALLOW),                      // the rest: allow
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // SAFETY: prctl and seccomp on this process; `fprog` points at a live
    // program for the duration of the call (the kernel copies it).
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        const SECCOMP_SET_MODE_FILTER: libc::c_long = 1;
        if libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_SET_MODE_FILTER,
            0 as libc::c_long,
            &fprog as *const libc::sock_fprog,
        ) != 0
        {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
    }
    Ok(())
}

/// `AUDIT_ARCH_*` of this target (include/uapi/linux/audit.h): what a
/// seccomp filter compares `seccomp_data.arch` with.
#[cfg(target_arch = "x86_64")]
pub const AUDIT_ARCH: u32 = 0xc000_003e;
/// `AUDIT_ARCH_*` of this target.
#[cfg(target_arch = "x86")]
pub const AUDIT_ARCH: u32 = 0x4000_0003;
/// `AUDIT_ARCH_*` of this target.
#[cfg(target_arch = "aarch64")]
pub const AUDIT_ARCH: u32 = 0xc000_00b7;
/// `AUDIT_ARCH_*` of this target: EM_ARM | __AUDIT_ARCH_LE.
#[cfg(target_arch = "arm")]
pub const AUDIT_ARCH: u32 = 0x4000_0028;
/// `AUDIT_ARCH_*` of this target: EM_RISCV | 64BIT | LE.
#[cfg(target_arch = "riscv64")]
pub const AUDIT_ARCH: u32 = 0xc000_00f3;

/// Asserts that a libc call returned a non-negative value.
pub fn check(r: i32, what: &str) {
    assert!(r >= 0, "{what}: {}", std::io::Error::last_os_error());
}

/// Runs `f` as pid 1 of a new pid namespace (privilege from a fresh user
/// namespace where needed) with its own `/proc` mounted, and asserts it
/// passed.
pub fn in_private_pidns<F: FnOnce()>(f: F) {
    in_child(|| {
        become_root_in_userns();
        // SAFETY: single-threaded forked child; plain syscalls.
        unsafe {
            check(
                libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS),
                "unshare(NEWPID|NEWNS)",
            );
        }
        let code = run_in_child(|| {
            // SAFETY: as above; C0 is pid 1 of the new namespace.
            unsafe {
                check(
                    libc::mount(
                        std::ptr::null(),
                        c"/".as_ptr(),
                        std::ptr::null(),
                        libc::MS_REC | libc::MS_PRIVATE,
                        std::ptr::null(),
                    ),
                    "make / private",
                );
                check(
                    libc::mount(
                        c"proc".as_ptr(),
                        c"/proc".as_ptr(),
                        c"proc".as_ptr(),
                        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                        std::ptr::null(),
                    ),
                    "mount proc",
                );
            }
            assert_eq!(pidfs::getpid(), 1);
            f();
        });
        assert_eq!(code, 0, "C0 failed");
    });
}

/// Forks a sleeper that is pid 1 of a new pid namespace (`NSpid: <pid> 1`);
/// the caller's later children stay in its own namespace.
pub fn sleeper_in_new_pidns() -> Child {
    let own = std::fs::File::open("/proc/self/ns/pid").unwrap();
    // SAFETY: namespace syscalls on this single-threaded forked child.
    unsafe { check(libc::unshare(libc::CLONE_NEWPID), "unshare(NEWPID)") };
    let c = Child::sleeper();
    // SAFETY: back to our own pid namespace for later children.
    unsafe {
        check(
            libc::setns(std::os::fd::AsRawFd::as_raw_fd(&own), libc::CLONE_NEWPID),
            "setns(own)",
        )
    };
    c
}
