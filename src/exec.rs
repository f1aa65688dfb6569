//! `execve` and `execveat`: replace the calling process's program, as an
//! init re-executing itself (through `/proc/self/exe` or an fd it opened
//! on its own binary) keeps its pid, its children and its signal mask.
#![allow(unsafe_code)]

use crate::errno::{Errno, Result};
use crate::fd::{AsFd, fd_cwd};
use crate::flags::AtFlags;
use crate::sys;
use core::ffi::CStr;

/// The most `argv` or `envp` entries [`execve`]/[`execveat`] take (the
/// pointer arrays live on the stack).
pub const EXEC_MAX_ARGS: usize = 1024;

fn pointers(list: &[&CStr], out: &mut [*const u8; EXEC_MAX_ARGS + 1]) -> Result<()> {
    if list.len() > EXEC_MAX_ARGS {
        return Err(Errno::E2BIG);
    }
    for (slot, s) in out.iter_mut().zip(list) {
        *slot = s.as_ptr().cast();
    }
    out[list.len()] = core::ptr::null();
    Ok(())
}

/// `execve(path, argv, envp)`—run `path` in place of the calling program.
/// Returns only on failure, with the errno.
///
/// What survives: the pid, the children (and their zombies), the signal
/// mask and pending signals, ignored dispositions, fds without
/// `O_CLOEXEC`. Caught signals are reset to `SIG_DFL`.
///
/// # Errors
/// `E2BIG` more than [`EXEC_MAX_ARGS`] entries (checked here), or the
/// strings exceed the kernel's limit; `ENOENT`, `EACCES`, `ENOEXEC` (not an
/// executable of this architecture), `ENOTDIR`, `ETXTBSY`, `ENOMEM`.
///
/// # Kernel support
/// Every kernel. Under qemu-user the host kernel does the exec, so a
/// binary of the emulated architecture fails with `ENOEXEC` (unless
/// binfmt_misc is set up).
///
/// # References
/// execve(2)
pub fn execve(path: &CStr, argv: &[&CStr], envp: &[&CStr]) -> Errno {
    execveat(fd_cwd(), path, argv, envp, AtFlags::empty())
}

/// `execveat(dirfd, path, argv, envp, flags)`—as [`execve`], with `path`
/// relative to `dirfd`, or, with `AtFlags::EMPTY_PATH` and an empty path,
/// the program `dirfd` itself is open on (an `O_PATH` fd on one's own
/// binary re-executes it with no `/proc`). Returns only on failure.
///
/// # Errors
/// As [`execve`]; `EINVAL` a flag other than `EMPTY_PATH` (or `AT_SYMLINK_NOFOLLOW`);
/// `EBADF` `dirfd` not open (with a relative path); `ENOENT` an empty path
/// without `EMPTY_PATH`.
///
/// # Kernel support
/// 3.19. Debian's 5.10 (5.10.223, x86_64 and i386 programs) answered
/// `ENOENT` for `execveat(fd, "", EMPTY_PATH)` of a static binary, from an
/// `O_RDONLY` or an `O_PATH` fd, in the crate's kernel matrix; 6.1 and
/// later run it.
///
/// # References
/// execveat(2)
pub fn execveat(
    dirfd: impl AsFd,
    path: &CStr,
    argv: &[&CStr],
    envp: &[&CStr],
    flags: AtFlags,
) -> Errno {
    let mut argv_p = [core::ptr::null::<u8>(); EXEC_MAX_ARGS + 1];
    let mut envp_p = [core::ptr::null::<u8>(); EXEC_MAX_ARGS + 1];
    if let Err(e) = pointers(argv, &mut argv_p).and_then(|_| pointers(envp, &mut envp_p)) {
        return e;
    }
    // SAFETY: both arrays are NULL-terminated pointers to the caller's
    // NUL-terminated strings, borrowed across the call.
    unsafe {
        sys::execveat(
            dirfd.as_fd(),
            path,
            argv_p.as_ptr(),
            envp_p.as_ptr(),
            flags.bits(),
        )
    }
}
