//! The number table against two oracles (`libc::SYS_*` on every target,
//! `sc::nr` on x86_64 and aarch64), and the raw entry against the kernel.

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

#[cfg(not(target_arch = "x86"))]
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

#[cfg(target_arch = "x86")]
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

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
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
