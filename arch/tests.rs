//! The number table against two oracles (`libc::SYS_*` on every target;
//! `sc::nr` on x86_64, aarch64 and riscv64, the kernel's own table as
//! literals on i386 and ARM, where sc does not build), and the raw entry
//! against the kernel.

use super::*;
use std::format;

macro_rules! check_libc {
    ($($ours:ident = $libc:ident),* $(,)?) => {
        #[test]
        fn numbers_match_libc() {
            $( assert_eq!($ours.0 as libc::c_long, libc::$libc as libc::c_long, stringify!($ours)); )*
        }
    };
}

#[cfg(not(any(target_arch = "x86", target_arch = "arm")))]
check_libc!(
    __NR_read = SYS_read,
    __NR_write = SYS_write,
    __NR_close = SYS_close,
    __NR_ioctl = SYS_ioctl,
    __NR_getpid = SYS_getpid,
    __NR_gettid = SYS_gettid,
    __NR_getppid = SYS_getppid,
    __NR_kill = SYS_kill,
    __NR_tgkill = SYS_tgkill,
    __NR_exit = SYS_exit,
    __NR_exit_group = SYS_exit_group,
    __NR_execve = SYS_execve,
    __NR_clone = SYS_clone,
    __NR_clone3 = SYS_clone3,
    __NR_wait4 = SYS_wait4,
    __NR_waitid = SYS_waitid,
    __NR_openat = SYS_openat,
    __NR_pipe2 = SYS_pipe2,
    __NR_dup3 = SYS_dup3,
    __NR_fcntl = SYS_fcntl,
    __NR_socketpair = SYS_socketpair,
    __NR_sendmsg = SYS_sendmsg,
    __NR_recvmsg = SYS_recvmsg,
    __NR_setsockopt = SYS_setsockopt,
    __NR_ppoll = SYS_ppoll,
    __NR_fstatfs = SYS_fstatfs,
    __NR_statx = SYS_statx,
    __NR_unshare = SYS_unshare,
    __NR_setns = SYS_setns,
    __NR_uname = SYS_uname,
    __NR_prctl = SYS_prctl,
    __NR_name_to_handle_at = SYS_name_to_handle_at,
    __NR_open_by_handle_at = SYS_open_by_handle_at,
    __NR_pidfd_send_signal = SYS_pidfd_send_signal,
    __NR_pidfd_open = SYS_pidfd_open,
    __NR_pidfd_getfd = SYS_pidfd_getfd,
    __NR_rt_sigprocmask = SYS_rt_sigprocmask,
    __NR_rt_sigaction = SYS_rt_sigaction,
    __NR_rt_sigtimedwait = SYS_rt_sigtimedwait,
    __NR_clock_nanosleep = SYS_clock_nanosleep,
    __NR_getuid = SYS_getuid,
    __NR_getgid = SYS_getgid,
    __NR_geteuid = SYS_geteuid,
    __NR_getegid = SYS_getegid,
    __NR_sched_yield = SYS_sched_yield,
    __NR_getdents64 = SYS_getdents64,
    __NR_readlinkat = SYS_readlinkat,
    __NR_mount = SYS_mount,
    __NR_umount2 = SYS_umount2,
    __NR_chdir = SYS_chdir,
    __NR_setsid = SYS_setsid,
    __NR_lseek = SYS_lseek,
    __NR_getrandom = SYS_getrandom,
    __NR_copy_file_range = SYS_copy_file_range,
    __NR_openat2 = SYS_openat2,
    __NR_reboot = SYS_reboot,
    __NR_execveat = SYS_execveat,
    __NR_signalfd4 = SYS_signalfd4,
    __NR_setpgid = SYS_setpgid,
    __NR_getpgid = SYS_getpgid,
    __NR_sync = SYS_sync,
    __NR_prlimit64 = SYS_prlimit64,
    __NR_mkdirat = SYS_mkdirat,
    __NR_fchdir = SYS_fchdir,
    __NR_close_range = SYS_close_range,
    __NR_umask = SYS_umask,
    __NR_faccessat = SYS_faccessat,
    __NR_setuid = SYS_setuid,
    __NR_setgid = SYS_setgid,
    __NR_setgroups = SYS_setgroups,
    __NR_clock_gettime = SYS_clock_gettime,
);

// i386 and ARM: the 64-bit-clean variants (libc has no `SYS_*_time64`
// names; the literal tables below cover those).
#[cfg(any(target_arch = "x86", target_arch = "arm"))]
check_libc!(
    __NR_read = SYS_read,
    __NR_write = SYS_write,
    __NR_close = SYS_close,
    __NR_ioctl = SYS_ioctl,
    __NR_getpid = SYS_getpid,
    __NR_gettid = SYS_gettid,
    __NR_getppid = SYS_getppid,
    __NR_kill = SYS_kill,
    __NR_tgkill = SYS_tgkill,
    __NR_exit = SYS_exit,
    __NR_exit_group = SYS_exit_group,
    __NR_execve = SYS_execve,
    __NR_clone = SYS_clone,
    __NR_clone3 = SYS_clone3,
    __NR_wait4 = SYS_wait4,
    __NR_waitid = SYS_waitid,
    __NR_openat = SYS_openat,
    __NR_pipe2 = SYS_pipe2,
    __NR_dup3 = SYS_dup3,
    __NR_fcntl64 = SYS_fcntl64,
    __NR_socketpair = SYS_socketpair,
    __NR_sendmsg = SYS_sendmsg,
    __NR_recvmsg = SYS_recvmsg,
    __NR_setsockopt = SYS_setsockopt,
    __NR_fstatfs64 = SYS_fstatfs64,
    __NR_statx = SYS_statx,
    __NR_unshare = SYS_unshare,
    __NR_setns = SYS_setns,
    __NR_uname = SYS_uname,
    __NR_prctl = SYS_prctl,
    __NR_name_to_handle_at = SYS_name_to_handle_at,
    __NR_open_by_handle_at = SYS_open_by_handle_at,
    __NR_pidfd_send_signal = SYS_pidfd_send_signal,
    __NR_pidfd_open = SYS_pidfd_open,
    __NR_pidfd_getfd = SYS_pidfd_getfd,
    __NR_rt_sigprocmask = SYS_rt_sigprocmask,
    __NR_rt_sigaction = SYS_rt_sigaction,
    __NR_getuid32 = SYS_getuid32,
    __NR_getgid32 = SYS_getgid32,
    __NR_geteuid32 = SYS_geteuid32,
    __NR_getegid32 = SYS_getegid32,
    __NR_sched_yield = SYS_sched_yield,
    __NR_getdents64 = SYS_getdents64,
    __NR_readlinkat = SYS_readlinkat,
    __NR_mount = SYS_mount,
    __NR_umount2 = SYS_umount2,
    __NR_chdir = SYS_chdir,
    __NR_setsid = SYS_setsid,
    __NR_lseek = SYS_lseek,
    __NR_getrandom = SYS_getrandom,
    __NR_copy_file_range = SYS_copy_file_range,
    __NR_openat2 = SYS_openat2,
    __NR_reboot = SYS_reboot,
    __NR_execveat = SYS_execveat,
    __NR_signalfd4 = SYS_signalfd4,
    __NR_setpgid = SYS_setpgid,
    __NR_getpgid = SYS_getpgid,
    __NR_sync = SYS_sync,
    __NR_prlimit64 = SYS_prlimit64,
    __NR_mkdirat = SYS_mkdirat,
    __NR_fchdir = SYS_fchdir,
    __NR_close_range = SYS_close_range,
    __NR_umask = SYS_umask,
    __NR_faccessat = SYS_faccessat,
    __NR_setuid32 = SYS_setuid32,
    __NR_setgid32 = SYS_setgid32,
    __NR_setgroups32 = SYS_setgroups32,
);

/// i386 literal values from arch/x86/entry/syscalls/syscall_32.tbl (sc does
/// not build for i386, so the table itself is the second oracle).
#[cfg(target_arch = "x86")]
#[test]
fn numbers_match_syscall_32_tbl() {
    let table: &[(Nr, u32)] = &[
        (__NR_ioctl, 54),
        (__NR_waitid, 284),
        (__NR_name_to_handle_at, 341),
        (__NR_open_by_handle_at, 342),
        (__NR_setns, 346),
        (__NR_statx, 383),
        (__NR_clone, 120),
        (__NR_pidfd_send_signal, 424),
        (__NR_pidfd_open, 434),
        (__NR_clone3, 435),
        (__NR_pidfd_getfd, 438),
        (__NR_ppoll_time64, 414),
        (__NR_rt_sigtimedwait_time64, 421),
        (__NR_clock_nanosleep_time64, 407),
        (__NR_fstatfs64, 269),
        (__NR_getpid, 20),
        (__NR_gettid, 224),
        (__NR_openat2, 437),
        (__NR_reboot, 88),
        (__NR_execveat, 358),
        (__NR_signalfd4, 327),
        (__NR_setuid32, 213),
        (__NR_setgroups32, 206),
        (__NR_clock_gettime64, 403),
        (__NR_close_range, 436),
    ];
    for (ours, want) in table {
        assert_eq!(ours.0, *want);
    }
}

/// ARM EABI literal values from arch/arm/tools/syscall.tbl (sc does not
/// build for 32-bit ARM): every name in arch/arm.rs, including the four
/// `*_time64` ones libc lacks.
#[cfg(target_arch = "arm")]
macro_rules! check_arm_tbl {
    ($($ours:ident = $n:literal),* $(,)?) => {
        #[test]
        fn numbers_match_arm_syscall_tbl() {
            $( assert_eq!($ours.0, $n, stringify!($ours)); )*
            assert_eq!([$(stringify!($ours)),*].len(), 71, "one row per name in arch/arm.rs");
        }
    };
}
#[cfg(target_arch = "arm")]
check_arm_tbl!(
    __NR_exit = 1,
    __NR_read = 3,
    __NR_write = 4,
    __NR_close = 6,
    __NR_execve = 11,
    __NR_chdir = 12,
    __NR_lseek = 19,
    __NR_getpid = 20,
    __NR_mount = 21,
    __NR_sync = 36,
    __NR_kill = 37,
    __NR_umount2 = 52,
    __NR_ioctl = 54,
    __NR_setpgid = 57,
    __NR_umask = 60,
    __NR_getppid = 64,
    __NR_setsid = 66,
    __NR_reboot = 88,
    __NR_wait4 = 114,
    __NR_clone = 120,
    __NR_uname = 122,
    __NR_getpgid = 132,
    __NR_fchdir = 133,
    __NR_sched_yield = 158,
    __NR_prctl = 172,
    __NR_rt_sigaction = 174,
    __NR_rt_sigprocmask = 175,
    __NR_getuid32 = 199,
    __NR_getgid32 = 200,
    __NR_geteuid32 = 201,
    __NR_getegid32 = 202,
    __NR_setgroups32 = 206,
    __NR_setuid32 = 213,
    __NR_setgid32 = 214,
    __NR_getdents64 = 217,
    __NR_fcntl64 = 221,
    __NR_gettid = 224,
    __NR_exit_group = 248,
    __NR_fstatfs64 = 267,
    __NR_tgkill = 268,
    __NR_waitid = 280,
    __NR_socketpair = 288,
    __NR_setsockopt = 294,
    __NR_sendmsg = 296,
    __NR_recvmsg = 297,
    __NR_openat = 322,
    __NR_mkdirat = 323,
    __NR_readlinkat = 332,
    __NR_faccessat = 334,
    __NR_unshare = 337,
    __NR_signalfd4 = 355,
    __NR_dup3 = 358,
    __NR_pipe2 = 359,
    __NR_prlimit64 = 369,
    __NR_name_to_handle_at = 370,
    __NR_open_by_handle_at = 371,
    __NR_setns = 375,
    __NR_getrandom = 384,
    __NR_execveat = 387,
    __NR_copy_file_range = 391,
    __NR_statx = 397,
    __NR_clock_gettime64 = 403,
    __NR_clock_nanosleep_time64 = 407,
    __NR_ppoll_time64 = 414,
    __NR_rt_sigtimedwait_time64 = 421,
    __NR_pidfd_send_signal = 424,
    __NR_pidfd_open = 434,
    __NR_clone3 = 435,
    __NR_close_range = 436,
    __NR_openat2 = 437,
    __NR_pidfd_getfd = 438,
);

#[cfg(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64"
))]
mod sc_oracle {
    use super::*;
    use static_assertions::const_assert_eq;
    macro_rules! check_sc {
        ($($ours:ident = $sc:ident),* $(,)?) => { $( const_assert_eq!($ours.0 as usize, sc::nr::$sc); )* };
    }
    check_sc!(
        __NR_read = READ,
        __NR_write = WRITE,
        __NR_close = CLOSE,
        __NR_ioctl = IOCTL,
        __NR_getpid = GETPID,
        __NR_gettid = GETTID,
        __NR_kill = KILL,
        __NR_exit_group = EXIT_GROUP,
        __NR_execve = EXECVE,
        __NR_clone = CLONE,
        __NR_waitid = WAITID,
        __NR_openat = OPENAT,
        __NR_pipe2 = PIPE2,
        __NR_dup3 = DUP3,
        __NR_socketpair = SOCKETPAIR,
        __NR_sendmsg = SENDMSG,
        __NR_recvmsg = RECVMSG,
        __NR_setsockopt = SETSOCKOPT,
        __NR_ppoll = PPOLL,
        __NR_fstatfs = FSTATFS,
        __NR_statx = STATX,
        __NR_unshare = UNSHARE,
        __NR_setns = SETNS,
        __NR_uname = UNAME,
        __NR_prctl = PRCTL,
        __NR_name_to_handle_at = NAME_TO_HANDLE_AT,
        __NR_open_by_handle_at = OPEN_BY_HANDLE_AT,
        __NR_pidfd_send_signal = PIDFD_SEND_SIGNAL,
        __NR_pidfd_open = PIDFD_OPEN,
        __NR_clone3 = CLONE3,
        __NR_pidfd_getfd = PIDFD_GETFD,
        __NR_wait4 = WAIT4,
        __NR_fcntl = FCNTL,
        __NR_tgkill = TGKILL,
        __NR_copy_file_range = COPY_FILE_RANGE,
    );

    /// pidfs's raw entry and sc's give the same answers.
    #[test]
    fn raw_entry_matches_sc() {
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let ours = unsafe { syscall0(__NR_getpid) }.0;
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let theirs = unsafe { sc::syscall!(GETPID) };
        assert_eq!(ours, theirs);
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let ours = unsafe { syscall1(__NR_close, Arg::int(-1)) }.0;
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let theirs = unsafe { sc::syscall!(CLOSE, -1isize as usize) };
        assert_eq!(ours, theirs);
        assert_eq!(ours as isize, -9, "close(-1) is -EBADF");
    }
}

/// All six argument registers reach the kernel: `copy_file_range` takes six
/// arguments and each one changes the result.
#[test]
fn six_argument_syscall() {
    use std::io::{Read, Seek, Write};
    use std::os::fd::AsRawFd;
    let dir = std::env::temp_dir();
    let p_in = dir.join(format!("pidfs-cfr-in-{}", std::process::id()));
    let p_out = dir.join(format!("pidfs-cfr-out-{}", std::process::id()));
    let mut fin = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&p_in)
        .unwrap();
    fin.write_all(b"0123456789abcdef").unwrap();
    let mut fout = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&p_out)
        .unwrap();
    let mut off_in: i64 = 4;
    let mut off_out: i64 = 2;
    // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
    let r = unsafe {
        syscall6(
            __NR_copy_file_range,
            Arg::int(fin.as_raw_fd()),
            Arg::mut_ptr(&mut off_in as *mut i64),
            Arg::int(fout.as_raw_fd()),
            Arg::mut_ptr(&mut off_out as *mut i64),
            Arg::usize(5),
            Arg::uint(0),
        )
    };
    assert_eq!(r.0, 5, "copied 5 bytes");
    assert_eq!(
        (off_in, off_out),
        (9, 7),
        "both offsets advanced by the kernel"
    );
    let mut got = std::vec::Vec::new();
    fout.seek(std::io::SeekFrom::Start(0)).unwrap();
    fout.read_to_end(&mut got).unwrap();
    assert_eq!(&got, &[0, 0, b'4', b'5', b'6', b'7', b'8']);
    // Flags (6th argument) must be 0: a non-zero value is EINVAL, so the
    // sixth register really is read.
    // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
    let r = unsafe {
        syscall6(
            __NR_copy_file_range,
            Arg::int(fin.as_raw_fd()),
            Arg::mut_ptr(&mut off_in as *mut i64),
            Arg::int(fout.as_raw_fd()),
            Arg::mut_ptr(&mut off_out as *mut i64),
            Arg::usize(5),
            Arg::uint(1),
        )
    };
    assert_eq!(r.0 as isize, -22);
    let _ = std::fs::remove_file(p_in);
    let _ = std::fs::remove_file(p_out);
}

/// Every `syscallN` reaches the kernel with its registers in place: each
/// call below gives a different answer when any one argument is lost
/// (`pipe2` flags, `write` length, `pidfd_send_signal` flags, `waitid`
/// options); six arguments are `six_argument_syscall`'s.
#[test]
fn each_arity_reaches_the_kernel() {
    // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
    let pid = unsafe { syscall0(__NR_getpid) }.0;
    assert_eq!(pid as u32, std::process::id());
    // SAFETY: as above.
    let r = unsafe { syscall1(__NR_close, Arg::int(-1)) }.0;
    assert_eq!(r as isize, -9, "close(-1) is EBADF");
    let mut fds = [-1i32; 2];
    // SAFETY: as above (pipe2 writes two ints into `fds`).
    let r = unsafe { syscall2(__NR_pipe2, Arg::mut_ptr(fds.as_mut_ptr()), Arg::uint(1)) }.0;
    assert_eq!(r as isize, -22, "pipe2 with an unknown flag is EINVAL");
    // SAFETY: as above.
    let r = unsafe {
        syscall2(
            __NR_pipe2,
            Arg::mut_ptr(fds.as_mut_ptr()),
            Arg::uint(0o2000000),
        )
    }
    .0;
    assert_eq!(r, 0);
    let buf = *b"arity";
    // SAFETY: as above.
    let w = unsafe {
        syscall3(
            __NR_write,
            Arg::int(fds[1]),
            Arg::ptr(buf.as_ptr()),
            Arg::usize(3),
        )
    };
    assert_eq!(w.0, 3, "the length register is read");
    let mut got = [0u8; 8];
    // SAFETY: as above (read writes at most 8 bytes into `got`).
    let n = unsafe {
        syscall3(
            __NR_read,
            Arg::int(fds[0]),
            Arg::mut_ptr(got.as_mut_ptr()),
            Arg::usize(8),
        )
    };
    assert_eq!(&got[..n.0], b"ari");
    // SAFETY: as above.
    let pidfd = unsafe { syscall2(__NR_pidfd_open, Arg::int(pid as i32), Arg::uint(0)) }.0 as i32;
    assert!(pidfd >= 0, "pidfd_open: {pidfd}");
    for (flags, want) in [(0, 0isize), (0x80, -22)] {
        // SAFETY: as above (no siginfo).
        let r = unsafe {
            syscall4(
                __NR_pidfd_send_signal,
                Arg::int(pidfd),
                Arg::int(0),
                Arg::null(),
                Arg::uint(flags),
            )
        };
        assert_eq!(r.0 as isize, want, "pidfd_send_signal flags {flags:#x}");
    }
    let mut info = [0u8; 128];
    for (options, want) in [(0, -22isize), (4, -10)] {
        // SAFETY: as above (waitid writes at most one 128-byte siginfo).
        let r = unsafe {
            syscall5(
                __NR_waitid,
                Arg::uint(1),
                Arg::int(pid as i32),
                Arg::mut_ptr(info.as_mut_ptr()),
                Arg::uint(options),
                Arg::null(),
            )
        };
        assert_eq!(
            r.0 as isize, want,
            "waitid(P_PID, self) options {options}: EINVAL, then ECHILD"
        );
    }
    for fd in [fds[0], fds[1], pidfd] {
        // SAFETY: closes fds this test opened.
        assert_eq!(unsafe { syscall1(__NR_close, Arg::int(fd)) }.0, 0);
    }
}

/// The `wide::` aliases name calls that give libc's answers: ids, fcntl,
/// fstatfs (the 84-byte `fstatfs64` on i386 and ARM), clock_gettime.
#[test]
fn wide_aliases_agree_with_libc() {
    // SAFETY: a test syscall without arguments; libc's getters likewise.
    unsafe {
        assert_eq!(syscall0(wide::GETUID).0 as u32, libc::getuid());
        assert_eq!(syscall0(wide::GETEUID).0 as u32, libc::geteuid());
        assert_eq!(syscall0(wide::GETGID).0 as u32, libc::getgid());
        assert_eq!(syscall0(wide::GETEGID).0 as u32, libc::getegid());
    }
    let dir = std::fs::File::open("/proc/self").unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: F_GETFD takes no pointer.
    let ours = unsafe {
        syscall3(
            wide::FCNTL,
            Arg::int(dir.as_raw_fd()),
            Arg::uint(1),
            Arg::usize(0),
        )
    };
    // SAFETY: as above.
    let theirs = unsafe { libc::fcntl(dir.as_raw_fd(), libc::F_GETFD) };
    assert_eq!(ours.0 as i32, theirs);
    assert_eq!(theirs, libc::FD_CLOEXEC, "std opens with O_CLOEXEC");
    let mut buf = [0u64; 16];
    let out = Arg::mut_ptr(buf.as_mut_ptr());
    // SAFETY: the kernel writes at most 120 bytes (statfs) or `size` bytes
    // (statfs64) into the 128-byte `buf`.
    let r = unsafe {
        match wide::FSTATFS64_SIZE {
            Some(size) => syscall3(
                wide::FSTATFS,
                Arg::int(dir.as_raw_fd()),
                Arg::usize(size),
                out,
            ),
            None => syscall2(wide::FSTATFS, Arg::int(dir.as_raw_fd()), out),
        }
    };
    assert_eq!(r.0, 0, "fstatfs");
    assert_eq!(
        buf[0] & 0xffff_ffff,
        0x9fa0,
        "f_type of /proc is PROC_SUPER_MAGIC"
    );
    // 64-bit seconds and nanoseconds on every target.
    let mut ts = [0i64; 2];
    // SAFETY: the kernel writes one 16-byte __kernel_timespec into `ts`.
    let r = unsafe {
        syscall2(
            wide::CLOCK_GETTIME,
            Arg::int(1),
            Arg::mut_ptr(ts.as_mut_ptr()),
        )
    };
    assert_eq!(r.0, 0, "clock_gettime(CLOCK_MONOTONIC)");
    // SAFETY: timespec is plain integers; all-zero is valid.
    let mut mine: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: libc writes one timespec into `mine`.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut mine) };
    assert_eq!(r, 0);
    let (a, b) = (
        ts[0] * 1_000_000_000 + ts[1],
        mine.tv_sec as i64 * 1_000_000_000 + mine.tv_nsec as i64,
    );
    assert!(
        (0..1_000_000_000).contains(&(b - a)),
        "monotonic: ours {a} ns, libc's {b} ns later"
    );
    assert!(
        (0..1_000_000_000).contains(&ts[1]),
        "tv_nsec in range: {}",
        ts[1]
    );
}

/// i386: the vDSO entry is found natively and agrees with `int 0x80`.
#[cfg(target_arch = "x86")]
#[test]
fn i386_vdso_entry_found_and_agrees() {
    // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
    let v = unsafe { syscall0(__NR_getpid) }.0;
    // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
    let i = unsafe { syscall0_via(int80_entry(), __NR_getpid) }.0;
    assert_eq!(v, i);
    assert_eq!(v as u32, std::process::id());
    // Every process gets AT_SYSINFO from a 64-bit kernel with IA32
    // emulation and from an i386 kernel; PR_GET_AUXV (6.4+) or
    // /proc/self/auxv exposes it. Not from a kernel booted with vdso32=0:
    // the kernel matrix's int 0x80 guest, which sets PIDFS_EXPECT_INT80.
    if std::env::var_os("PIDFS_EXPECT_INT80").is_some() {
        assert!(!uses_vdso(), "AT_SYSINFO found although vdso32=0");
    } else {
        assert!(
            uses_vdso(),
            "AT_SYSINFO not found: syscalls would pay int 0x80's cost"
        );
    }
    // 4- and 5-argument paths through both entries.
    for callee in [entry(), int80_entry()] {
        let mut fds = [0i32; 2];
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let r = unsafe {
            syscall2_via(
                callee,
                __NR_pipe2,
                Arg::mut_ptr(fds.as_mut_ptr()),
                Arg::uint(0o2000000),
            )
        };
        assert_eq!(r.0, 0);
        let buf = *b"four";
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let w = unsafe {
            syscall3_via(
                callee,
                __NR_write,
                Arg::int(fds[1]),
                Arg::ptr(buf.as_ptr()),
                Arg::usize(4),
            )
        };
        assert_eq!(w.0, 4);
        // 5 args: waitid(P_PID, own pid, ...) on a non-child is ECHILD; the
        // 4th (options) and 5th (rusage) registers are read: options 0 is EINVAL.
        let mut info = [0u8; 128];
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let r = unsafe {
            syscall5_via(
                callee,
                __NR_waitid,
                Arg::uint(1),
                Arg::int(v as i32),
                Arg::mut_ptr(info.as_mut_ptr()),
                Arg::uint(0),
                Arg::null(),
            )
        };
        assert_eq!(r.0 as isize, -22, "waitid with options 0 is EINVAL");
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let r = unsafe {
            syscall5_via(
                callee,
                __NR_waitid,
                Arg::uint(1),
                Arg::int(v as i32),
                Arg::mut_ptr(info.as_mut_ptr()),
                Arg::uint(4),
                Arg::null(),
            )
        };
        assert_eq!(r.0 as isize, -10, "waitid on a non-child is ECHILD");
        // 4 args: pidfd_send_signal(pidfd, 0, NULL, flags): a bad flag is EINVAL.
        let pidfd =
            // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
            unsafe { syscall2_via(callee, __NR_pidfd_open, Arg::int(v as i32), Arg::uint(0)) }.0
                as i32;
        assert!(pidfd >= 0);
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let r = unsafe {
            syscall4_via(
                callee,
                __NR_pidfd_send_signal,
                Arg::int(pidfd),
                Arg::int(0),
                Arg::null(),
                Arg::uint(0),
            )
        };
        assert_eq!(r.0, 0);
        // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
        let r = unsafe {
            syscall4_via(
                callee,
                __NR_pidfd_send_signal,
                Arg::int(pidfd),
                Arg::int(0),
                Arg::null(),
                Arg::uint(0x80),
            )
        };
        assert_eq!(r.0 as isize, -22);
        for fd in [fds[0], fds[1], pidfd] {
            // SAFETY: a test syscall; every pointer argument is a live local of the size the syscall uses.
            let _ = unsafe { syscall1_via(callee, __NR_close, Arg::int(fd)) };
        }
    }
}
