//! The std bridge on real processes: a `PidFd` from a
//! `std::process::Child` (and ESRCH once std has reaped it), `?` from
//! `Errno` and `HandleError` in `std::io::Result` functions, `WaitStatus`
//! against std's `ExitStatus` for the same endings, the raw-fd
//! conversions of `PidFd`, `TryFrom<[u8; 16]>` for `PidfsHandle`, and
//! `Errno`'s `Display`.

mod common;

#[path = "common/programs.rs"]
mod programs;

use pidfs::fd::{AsRawFd, FromRawFd, IntoRawFd};
use pidfs::{Command, Errno, HandleError, PidFd, PidfdFlags, PidfsHandle, WaitStatus};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

fn sleeper() -> std::process::Child {
    std::process::Command::new(programs::bin().join("sleep"))
        .arg("60")
        .spawn()
        .expect("sleep")
}

/// `PidFd::try_from(&std::process::Child)` names the child while std has
/// not reaped it: a signal through the pidfd ends it, std's `wait` sees
/// the signal; once std has reaped it, ESRCH (the pid may already be
/// someone else's).
#[test]
fn pidfd_from_std_child_until_reaped() {
    let mut child = sleeper();
    let pidfd = PidFd::try_from(&child).unwrap();
    assert_eq!(pidfd.pid(), Ok(child.id() as i32));
    pidfd.kill(libc::SIGTERM).unwrap();
    let st = child.wait().unwrap();
    assert_eq!(st.signal(), Some(libc::SIGTERM));
    // The pidfd outlives the reap and never names another process.
    assert_eq!(pidfd.kill(0), Err(Errno::ESRCH));
    assert_eq!(PidFd::try_from(&child).err(), Some(Errno::ESRCH));
}

/// `?` turns an `Errno` and a `HandleError` into `std::io::Error` in a
/// function returning `std::io::Result`, keeping the OS error and the
/// kind.
#[test]
fn question_mark_in_io_result_functions() {
    fn open_gone() -> std::io::Result<PidFd> {
        Ok(PidFd::open(i32::MAX, PidfdFlags::empty())?)
    }
    fn parse(s: &str) -> std::io::Result<PidfsHandle> {
        Ok(s.parse::<PidfsHandle>()?)
    }
    fn spawn_and_wait() -> std::io::Result<WaitStatus> {
        let mut c = programs::cmd("false").spawn()?;
        Ok(c.wait()?)
    }
    let e = open_gone().unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ESRCH));
    assert_eq!(Errno::try_from(&e), Ok(Errno::ESRCH));
    let e = parse("1234").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(e.to_string(), "pidfs handle: length 4, expected 32");
    let inner = e.get_ref().unwrap().downcast_ref::<HandleError>();
    assert!(matches!(inner, Some(HandleError::BadLength { len: 4, .. })));
    assert_eq!(spawn_and_wait().unwrap(), WaitStatus::Exited(1));
}

/// A `WaitStatus` and std's `ExitStatus` for the same process endings
/// agree (code, signal, core dump, success, the raw status), both ways.
#[test]
fn wait_status_matches_std_exit_status() {
    let bin = programs::bin();
    let ending = |prog: &str, sig: Option<i32>| -> (ExitStatus, WaitStatus) {
        let mut theirs = std::process::Command::new(bin.join(prog));
        let mut ours = Command::new(bin.join(prog));
        if sig.is_some() {
            theirs.arg("60");
            ours.arg("60");
        }
        let mut theirs = theirs.spawn().unwrap();
        let mut ours = ours.spawn().unwrap();
        if let Some(s) = sig {
            PidFd::try_from(&theirs).unwrap().kill(s).unwrap();
            ours.send_signal(s).unwrap();
        }
        (theirs.wait().unwrap(), ours.wait().unwrap())
    };
    for (prog, sig) in [
        ("true", None),
        ("false", None),
        ("sleep", Some(libc::SIGTERM)),
        ("sleep", Some(libc::SIGKILL)),
    ] {
        let (theirs, ours) = ending(prog, sig);
        let as_std: ExitStatus = ours.into();
        assert_eq!(as_std, theirs, "{prog} {sig:?}");
        assert_eq!(ours.code(), theirs.code());
        assert_eq!(ours.signal(), theirs.signal());
        assert_eq!(ours.success(), theirs.success());
        assert_eq!(WaitStatus::try_from(theirs), Ok(ours));
        assert_eq!(ours.to_raw(), theirs.into_raw());
    }
    let core = WaitStatus::Signaled {
        signal: libc::SIGSEGV,
        core_dumped: true,
    };
    assert!(ExitStatus::from(core).core_dumped());
    assert_eq!(
        core.to_string(),
        "killed by signal 11 (SIGSEGV), core dumped"
    );
    assert_eq!(
        WaitStatus::Stopped(19).to_string(),
        "stopped by signal 19 (SIGSTOP)"
    );
    assert_eq!(
        ExitStatus::from(WaitStatus::Stopped(19)).stopped_signal(),
        Some(19)
    );
    assert!(ExitStatus::from(WaitStatus::Continued).continued());
    assert_eq!(WaitStatus::Continued.to_string(), "continued");
    let rt = WaitStatus::Signaled {
        signal: 40,
        core_dumped: false,
    };
    assert_eq!(rt.to_string(), "killed by signal 40");
    assert_eq!(WaitStatus::try_from(ExitStatus::from_raw(0xff)), Err(()));
}

/// `IntoRawFd` gives the pidfd up without closing it; `FromRawFd` takes
/// it back; the process is still the same one.
#[test]
fn pidfd_raw_fd_round_trip() {
    let mut child = sleeper();
    let pidfd = PidFd::try_from(&child).unwrap();
    let low = pidfd.into_raw_fd();
    // The test harness runs other tests on other threads, and they open
    // and close fds all the time: a low number freed by `drop` below can
    // be taken again before the check that it is closed. Numbers are
    // handed out lowest first, so move the pidfd up out of their way.
    // SAFETY: `low` was just released by the PidFd above and is owned
    // here; F_DUPFD_CLOEXEC only reads it and returns a new number.
    let raw = unsafe { libc::fcntl(low, libc::F_DUPFD_CLOEXEC, 512) };
    assert!(raw >= 512, "F_DUPFD_CLOEXEC: {raw}");
    // SAFETY: `low` is owned here and closed once; `raw` keeps the file.
    assert_eq!(unsafe { libc::close(low) }, 0);
    // SAFETY: `raw` is a pidfd owned here and given to the PidFd.
    let back = unsafe { PidFd::from_raw_fd(raw) };
    assert_eq!(back.as_raw_fd(), raw);
    assert_eq!(back.pid(), Ok(child.id() as i32));
    pidfs::pidfd_send_signal(
        back.as_fd(),
        libc::SIGKILL,
        None,
        pidfs::SignalFlags::empty(),
    )
    .unwrap();
    child.wait().unwrap();
    drop(back);
    // The number is closed now (no other test asks for numbers >= 512).
    // SAFETY: F_GETFD on a closed number only reports EBADF.
    assert_eq!(unsafe { libc::fcntl(raw, libc::F_GETFD) }, -1);
}

/// `TryFrom<[u8; 16]>` is `from_bytes` on an array: the stored form
/// converts back, and a bad array gives the same `HandleError`.
#[test]
fn handle_from_byte_array() {
    let h = PidfsHandle::from_id(0x1234_5678_9abc);
    let b: [u8; 16] = h.into();
    assert_eq!(PidfsHandle::try_from(b), Ok(h));
    let mut bad = b;
    bad[0] = 16;
    assert_eq!(
        PidfsHandle::try_from(bad),
        Err(HandleError::BadVersion { handle_bytes: 16 })
    );
    assert_eq!(PidfsHandle::try_from(bad), PidfsHandle::from_bytes(&bad));
}

/// `Errno`'s `Display`: name, the kernel's description and the number
/// (the same text without std); `Debug` stays `Errno(NAME)`; it is a
/// `std::error::Error`, so `Box<dyn Error>` takes it.
#[test]
fn errno_display_debug_and_error() {
    assert_eq!(
        Errno::ESRCH.to_string(),
        "ESRCH: No such process (os error 3)"
    );
    assert_eq!(
        Errno::ENOTTY.to_string(),
        "ENOTTY: Not a typewriter (inappropriate ioctl) (os error 25)"
    );
    assert_eq!(format!("{:?}", Errno::ESRCH), "Errno(ESRCH)");
    assert_eq!(Errno::from_raw_os_error(4000).to_string(), "os error 4000");
    let boxed: Box<dyn std::error::Error> = Box::new(Errno::EPERM);
    assert_eq!(
        boxed.to_string(),
        "EPERM: Operation not permitted (os error 1)"
    );
    fn dyn_err() -> Result<(), Box<dyn std::error::Error>> {
        PidFd::open(i32::MAX, PidfdFlags::empty())?;
        Ok(())
    }
    assert_eq!(
        dyn_err().unwrap_err().to_string(),
        "ESRCH: No such process (os error 3)"
    );
}
