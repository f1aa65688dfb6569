//! # pidfs
//!
//! Name a process so that the name can never silently point at another
//! one: pidfds, pidfs file handles, PID translation across pid namespaces
//! and `clone3(CLONE_PIDFD)`, spoken directly to the kernel from this
//! crate's own entry points on x86_64, i386, aarch64, 32-bit ARM (EABI)
//! and riscv64, with no libc.
//!
//! # Quick start
//!
//! Signal and wait without pid races: the signal goes through the pidfd
//! the kernel made together with the process, so it reaches `sleep` or
//! fails with `ESRCH`, never a stranger that got its pid.
//!
//! ```
//! use pidfs::{Command, WaitStatus};
//! let mut child = Command::new("sleep").arg("60").spawn()?;
//! child.pidfd.kill(15)?; // SIGTERM, through the pidfd
//! let status = child.wait()?;
//! assert_eq!(status, WaitStatus::Signaled { signal: 15, core_dumped: false });
//! println!("sleep: {status}");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Name a process and find it again later (after a re-exec, in another
//! program, from a file): its pidfs handle is 16 bytes or 32 hex digits
//! that name that process for the system's lifetime (Linux 6.14+).
//!
//! ```
//! use pidfs::{Command, Errno, OFlags, PidFd, PidfsHandle};
//! let mut child = Command::new("sleep").arg("60").spawn()?;
//! match child.pidfd.to_handle() {
//!     Ok(handle) => {
//!         let stored = handle.to_string(); // e.g. in an environment variable
//!         // ... execve(), and in the new program:
//!         let handle: PidfsHandle = stored.parse()?;
//!         let again = PidFd::from_handle(&handle, OFlags::empty())?;
//!         assert!(again.same_process(&child.pidfd)?);
//!     }
//!     // Before 6.14: keep the pid and `pidfs::proc_start_time` instead.
//!     Err(Errno::EOPNOTSUPP) => {}
//!     Err(e) => return Err(e.into()),
//! }
//! child.kill()?;
//! child.wait()?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Translate a pid into and out of a container: here `sleep` is pid 1 of
//! a new pid namespace (in a new user namespace, so no privilege is needed
//! where the kernel allows unprivileged user namespaces).
//!
//! ```
//! use pidfs::{CloneFlags, Command, NsType, Translator};
//! let Ok(mut init) = Command::new("sleep")
//!     .arg("60")
//!     .clone_flags(CloneFlags::NEWUSER | CloneFlags::NEWPID)
//!     .spawn()
//! else {
//!     return Ok(()); // user namespaces are disabled here
//! };
//! let ns = init.pidfd.namespace(NsType::Pid)?;
//! let t = Translator::new(); // nsfs ioctls (6.11+), else the fork method
//! assert_eq!(t.pid_in_pidns(&ns, init.pid)?, 1); // ours -> the container's
//! assert_eq!(t.pid_from_pidns(&ns, 1)?, init.pid); // and back
//! init.kill()?;
//! init.wait()?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The main types: [`PidFd`] (a process, as an fd), [`PidfsHandle`] (its
//! storable 64-bit id), [`Translator`] (pids across pid namespaces),
//! [`Command`] and [`spawn()`] (start a process and get its pidfd
//! atomically), [`InitCache`] (the init of a container, never stale),
//! [`procfd_from_pidfd`] (its `/proc` directory, race-free).
//!
//! The crate is always `#![no_std]` and never allocates. The `std` feature
//! (default) only adds interop: `pidfs::fd` is `std::os::fd`, and
//! [`Errno`] converts into `std::io::Error`.
//!
//! # no_std, no libc
//!
//! With `default-features = false` the crate needs nothing but `core`. The
//! `rt` feature adds what a program needs to link no C library at all
//! (`_start`, the memory functions, a panic handler, `argv`/`envp`/`auxv`);
//! the `pidfs::rt` module documents the recipe (link flags included) with a
//! complete example, and the process-control calls a PID 1 needs
//! ([`waitid`], [`sigprocmask`], [`sigtimedwait`], [`signalfd()`],
//! [`reboot`], [`mount()`], [`execve`], ...) are all here. The repository's
//! `examples/nolibc/` builds an init (`minit`) that way, under 64 KiB.
//!
//! Every function documents the syscall or ioctl it wraps, the kernel that
//! introduced it, and what older kernels answer (or which fallback gives
//! the same answer there).
#![no_std]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]
// Without `std` the docs still name `Command` (a `std` item); CI checks
// every link in the default (`std`) build.
#![cfg_attr(not(feature = "std"), allow(rustdoc::broken_intra_doc_links))]

#[cfg(any(feature = "std", test))]
extern crate std;

#[path = "../arch/mod.rs"]
mod arch;

// Base: knows no feature.
pub mod errno;
pub mod fd;
mod flags;
pub mod parse;
mod path;
mod procfs;
pub mod raw;
mod sys;

// Features, one job per file.
#[cfg(feature = "std")]
pub mod command;
pub mod exec;
pub mod handle;
pub mod info;
pub mod init_cache;
pub mod io;
pub mod mount;
pub mod ns;
pub mod pidfd;
pub mod probe;
pub mod proc;
pub mod process;
pub mod signal;
pub mod signalfd;
pub mod signame;
pub mod spawn;
pub mod time;
pub mod translate;
pub mod wait;

#[cfg(feature = "rt")]
pub mod rt;

#[cfg(feature = "test-hooks")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "test-hooks")]
#[doc(hidden)]
pub mod hooks;

#[cfg(feature = "std")]
#[doc(inline)]
pub use command::{Command, Stdio};
#[doc(inline)]
pub use errno::{Errno, Result, retry_on_intr};
#[doc(inline)]
pub use exec::{EXEC_MAX_ARGS, execve, execveat};
#[doc(inline)]
pub use flags::{
    AtFlags, CloneFlags, InfoMask, NsFlags, OFlags, PidfdFlags, SignalFlags, WaitOptions,
};
#[doc(inline)]
pub use handle::{
    FD_PIDFS_ROOT, FileHandle, HandleError, MAX_HANDLE_SZ, PIDFS_HANDLE_BYTES, PIDFS_HANDLE_TYPE,
    PidfsHandle, RawPidfsHandle, name_to_handle_at, name_to_handle_at_into, open_by_handle_at,
    pidfd_from_handle, pidfd_to_handle,
};
#[doc(inline)]
pub use info::{PIDFD_INFO_SIZE, PidfdInfo, pidfd_get_info, pidfd_id};
#[doc(inline)]
pub use init_cache::{InitCache, NsInit};
pub use mount::{MountFlags, UnmountFlags, mount, umount};
#[doc(inline)]
pub use ns::{
    NsType, ns_get_mntns_id, ns_get_nstype, ns_get_owner_uid, ns_get_parent, ns_get_pid_from_pidns,
    ns_get_pid_in_pidns, ns_get_tgid_from_pidns, ns_get_tgid_in_pidns, ns_get_userns,
    ns_pid_ioctls_supported, pidfd_get_namespace, setns,
};
#[doc(inline)]
pub use pidfd::{
    ForeignRawFd, PIDFD_SELF_THREAD, PIDFD_SELF_THREAD_GROUP, PidFd, pidfd_getfd, pidfd_open,
    pidfd_poll, pidfd_send_signal,
};
#[doc(inline)]
pub use probe::{Features, KernelRelease};
#[doc(inline)]
pub use proc::{pidfd_from_procfd, proc_start_time, procfd_from_pidfd};
#[doc(inline)]
pub use process::{
    RebootCommand, child_subreaper, exit_group, getpid, getppid, gettid, kill, name, reboot,
    set_child_subreaper, set_name, set_parent_death_signal, setpgid, setsid, sync,
};
#[doc(inline)]
pub use signal::{SigInfo, SigSet, SigmaskHow, sigprocmask, sigtimedwait};
#[doc(inline)]
pub use signalfd::{SfdFlags, SignalfdInfo, signalfd, signalfd_read, signalfd_set_mask};
#[doc(inline)]
pub use signame::{signal_from_name, signal_name};
#[doc(inline)]
pub use spawn::{Child, Forked, SPAWN_MAX_ARGS, fork_pidfd, spawn};
#[doc(inline)]
pub use translate::{DEFAULT_FORK_TIMEOUT, Method, Translator};
#[doc(inline)]
pub use wait::{WaitId, WaitStatus, Waited, pidfd_wait, waitid};

/// How this process enters the kernel on i386.
///
/// pidfs calls the vDSO's `__kernel_vsyscall` (found through `AT_SYSINFO`
/// in the aux vector, read once with `PR_GET_AUXV` on 6.4+ or from
/// `/proc/self/auxv`) and falls back to `int 0x80` when neither is
/// available. Only on `target_arch = "x86"`.
#[cfg(target_arch = "x86")]
pub mod i386 {
    /// True when syscalls go through `__kernel_vsyscall` rather than
    /// `int 0x80`.
    ///
    /// # Kernel support
    /// `AT_SYSINFO` is given to every i386 process; `PR_GET_AUXV` needs 6.4,
    /// older kernels need `/proc` mounted, else `int 0x80` is used.
    pub fn uses_vdso() -> bool {
        crate::arch::uses_vdso()
    }

    /// `getpid()` through `int 0x80`, whatever entry is in use: the
    /// baseline of the `syscall` bench.
    ///
    /// # Kernel support
    /// Every kernel.
    pub fn getpid_int80() -> i32 {
        #[allow(unsafe_code)]
        // SAFETY: getpid takes no arguments; the stub is the int 0x80 entry.
        unsafe {
            crate::arch::syscall0_via(crate::arch::int80_entry(), crate::arch::__NR_getpid).0 as i32
        }
    }
}
