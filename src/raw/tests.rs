//! Every `O_*`, `CLONE_*`, `SO_*`, `SOL_*`, `SCM_*`, `MSG_*`, `AF_*`,
//! `SOCK_*`, `P_*`, `W*`, `CLD_*`, `SIG*`, `SI_*`, `POLL*`, `AT_*`, `F_*`,
//! `PR_*`, `RESOLVE_*` and `STATX_*` constant of `raw` against the `libc`
//! crate of the target being tested (glibc or musl flavour), compared as
//! bit patterns of the kernel field they go into.

use super::*;

/// The constant's bits, zero-extended from its own width, so that `i32`
/// `0x8000_0000` (libc's `CLONE_IO`) equals `u64` `0x8000_0000` (ours).
trait Bits {
    fn bits(self) -> u64;
}
macro_rules! bits {
    ($($t:ty => $u:ty),*) => { $( impl Bits for $t { fn bits(self) -> u64 { self as $u as u64 } } )* };
}
bits!(i16 => u16, u16 => u16, i32 => u32, u32 => u32, i64 => u64, u64 => u64, isize => usize, usize => usize);

macro_rules! same_as_libc {
    ($($name:ident),* $(,)?) => {
        $( assert_eq!($name.bits(), libc::$name.bits(), stringify!($name)); )*
    };
}

#[test]
fn constants_match_libc() {
    same_as_libc!(
        AT_FDCWD,
        AT_SYMLINK_NOFOLLOW,
        AT_SYMLINK_FOLLOW,
        AT_EMPTY_PATH,
        AT_HANDLE_FID,
        AT_HANDLE_MNT_ID_UNIQUE,
        AT_HANDLE_CONNECTABLE,
        O_RDONLY,
        O_WRONLY,
        O_RDWR,
        O_CREAT,
        O_EXCL,
        O_NOCTTY,
        O_TRUNC,
        O_APPEND,
        O_NONBLOCK,
        O_DIRECTORY,
        O_NOFOLLOW,
        O_CLOEXEC,
        O_PATH,
        F_GETFD,
        F_GETFL,
        F_DUPFD_CLOEXEC,
        FD_CLOEXEC,
        CSIGNAL,
        CLONE_VM,
        CLONE_FS,
        CLONE_FILES,
        CLONE_SIGHAND,
        CLONE_PIDFD,
        CLONE_PTRACE,
        CLONE_VFORK,
        CLONE_PARENT,
        CLONE_THREAD,
        CLONE_NEWNS,
        CLONE_SYSVSEM,
        CLONE_SETTLS,
        CLONE_PARENT_SETTID,
        CLONE_CHILD_CLEARTID,
        CLONE_UNTRACED,
        CLONE_CHILD_SETTID,
        CLONE_NEWCGROUP,
        CLONE_NEWUTS,
        CLONE_NEWIPC,
        CLONE_NEWUSER,
        CLONE_NEWPID,
        CLONE_NEWNET,
        CLONE_IO,
        CLONE_NEWTIME,
        P_ALL,
        P_PID,
        P_PGID,
        P_PIDFD,
        WNOHANG,
        WSTOPPED,
        WEXITED,
        WCONTINUED,
        WNOWAIT,
        __WALL,
        CLD_EXITED,
        CLD_KILLED,
        CLD_DUMPED,
        CLD_TRAPPED,
        CLD_STOPPED,
        CLD_CONTINUED,
        SIGHUP,
        SIGINT,
        SIGQUIT,
        SIGABRT,
        SIGKILL,
        SIGUSR1,
        SIGSEGV,
        SIGUSR2,
        SIGPIPE,
        SIGTERM,
        SIGCHLD,
        SIGCONT,
        SIGSTOP,
        SI_USER,
        SI_QUEUE,
        SI_TKILL,
        SIG_BLOCK,
        SIG_UNBLOCK,
        SIG_SETMASK,
        SIG_DFL,
        SIG_IGN,
        POLLIN,
        POLLPRI,
        POLLOUT,
        POLLERR,
        POLLHUP,
        POLLNVAL,
        STATX_TYPE,
        STATX_INO,
        AF_UNIX,
        SOCK_STREAM,
        SOCK_DGRAM,
        SOCK_CLOEXEC,
        SOCK_NONBLOCK,
        SOL_SOCKET,
        SO_PASSCRED,
        SCM_RIGHTS,
        SCM_CREDENTIALS,
        MSG_DONTWAIT,
        MSG_CMSG_CLOEXEC,
        MSG_CTRUNC,
        MSG_NOSIGNAL,
        PR_SET_PDEATHSIG,
        PR_SET_NAME,
        PR_SET_CHILD_SUBREAPER,
        RESOLVE_NO_XDEV,
        RESOLVE_NO_MAGICLINKS,
        RESOLVE_NO_SYMLINKS,
        RESOLVE_BENEATH,
        RESOLVE_IN_ROOT,
    );
}

/// What the libc crate lacks or gets wrong, against the UAPI headers:
/// include/uapi/linux/prctl.h; asm-generic/socket.h (x86, arm, arm64 and
/// riscv all take their `SO_*` numbers from it), whose `SO_RCVTIMEO_OLD`
/// is libc's `SO_RCVTIMEO` wherever `time_t` is the kernel's `long`; and
/// include/uapi/linux/sched.h for the two clone3-only flags, which musl's
/// part of libc lacks and glibc's declares as a `c_int` that overflows to 0
/// (libc issue 3584).
#[test]
fn constants_libc_lacks_match_the_uapi_headers() {
    assert_eq!(CLONE_CLEAR_SIGHAND, 0x1_0000_0000);
    assert_eq!(CLONE_INTO_CGROUP, 0x2_0000_0000);
    assert_eq!(PR_GET_AUXV, 0x4155_5856, "'AUXV'");
    assert_eq!(SO_RCVTIMEO_OLD, 20);
    if cfg!(target_pointer_width = "64") {
        assert_eq!(SO_RCVTIMEO_OLD, libc::SO_RCVTIMEO);
    }
}

/// `O_LARGEFILE`, which glibc defines as 0 on 64-bit targets (the kernel
/// sets the bit on every open there) and musl and 32-bit glibc as the
/// arch's bit: ours is that bit, except on x86_64, where it is glibc's 0.
/// A file std opened shows the bit in `F_GETFL` (64-bit kernels force it,
/// 32-bit libcs ask for it).
#[test]
fn o_largefile_is_the_arch_bit() {
    let bit: u32 = if cfg!(any(target_arch = "aarch64", target_arch = "arm")) {
        0o400000
    } else {
        0o100000
    };
    let ours = if cfg!(target_arch = "x86_64") { 0 } else { bit };
    assert_eq!(O_LARGEFILE, ours);
    let glibc64 = cfg!(all(target_env = "gnu", target_pointer_width = "64"));
    assert_eq!(libc::O_LARGEFILE as u32, if glibc64 { 0 } else { bit });
    // qemu-aarch64 (10.0, x86_64 host) hands the host kernel's bit
    // (0o100000, which is O_NOFOLLOW on arm64) back from F_GETFL
    // untranslated; qemu-arm translates it. The real arm64 kernels of the
    // kernel matrix (same `--cfg qemu` binaries) answer 0o400000.
    let qemu_aarch64 = cfg!(all(qemu, target_arch = "aarch64"))
        && std::env::var_os("PIDFS_KERNEL_MATRIX").is_none();
    let want = if qemu_aarch64 { 0o100000 } else { bit };
    let f = std::fs::File::open("/").unwrap();
    use std::os::fd::AsRawFd;
    #[allow(unsafe_code)]
    // SAFETY: F_GETFL on an fd this test owns; no pointer.
    let fl = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFL) } as u32;
    assert_eq!(fl & (0o100000 | 0o400000), want, "F_GETFL {fl:#o}");
}
