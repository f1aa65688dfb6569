//! Tour section: a pidfd's life. Fork a child with a pidfd made by the
//! same syscall, look at it through the pidfd (GET_INFO or its /proc
//! fallback, the 64-bit id), signal it, wait for it and decode the status.

use pidfs::{CloneFlags, Forked, InfoMask, WaitOptions};
use std::time::Duration;

pub fn run() {
    println!("\n== a pidfd's life ==");
    // SAFETY: the child only calls pause(2) (async-signal-safe) until the
    // signal below ends it; it never returns into this function.
    let forked = unsafe { pidfs::fork_pidfd(CloneFlags::empty()) };
    let (pid, pidfd) = match forked {
        Ok(Forked::Child) => loop {
            // SAFETY: waits for a signal; no memory involved.
            unsafe { libc::pause() };
        },
        Ok(Forked::Parent { pid, pidfd }) => (pid, pidfd),
        Err(e) => {
            println!("fork_pidfd failed: {e}");
            return;
        }
    };
    println!(
        "forked child: pid {pid} (a hint), pidfd {:?}",
        pidfd.as_fd()
    );
    println!("fdinfo Pid: {:?}", pidfd.pid());

    let how = if pidfs::Features::probe().pidfd_get_info {
        "PIDFD_GET_INFO ioctl"
    } else {
        "/proc fallback (no PIDFD_GET_INFO here)"
    };
    match pidfd.info(InfoMask::PID | InfoMask::CREDS | InfoMask::CGROUPID) {
        Ok(i) => {
            println!("info via {how}: mask {:?}", i.mask());
            println!(
                "  pid {:?} tgid {:?} ppid {:?} ruid {:?} euid {:?} rgid {:?} egid {:?} cgroupid {:?}",
                i.pid(),
                i.tgid(),
                i.ppid(),
                i.ruid(),
                i.euid(),
                i.rgid(),
                i.egid(),
                i.cgroupid()
            );
        }
        Err(e) => println!("info via {how}: {e}"),
    }
    match pidfd.id() {
        Ok(id) => println!("64-bit process id: {id:#x} (never reused, unlike pid {pid})"),
        Err(e) => println!("64-bit process id: not available here ({e:?}: no pidfs before 6.9)"),
    }
    println!(
        "running? poll says exited = {:?}",
        pidfd.poll(Some(Duration::ZERO))
    );

    println!(
        "sending SIGTERM through the pidfd: {:?}",
        pidfd.kill(libc::SIGTERM)
    );
    println!("poll (no timeout) says exited = {:?}", pidfd.poll(None));
    println!("waitid(P_PIDFD): {:?}", pidfd.wait(WaitOptions::EXITED));
    println!(
        "after the reap: fdinfo Pid: {:?}, signal 0: {:?}",
        pidfd.pid(),
        pidfd.kill(0)
    );
    match pidfd.info(InfoMask::EXIT) {
        Ok(i) => println!(
            "PIDFD_INFO_EXIT: exit_code {:?} = {:?}",
            i.exit_code(),
            i.wait_status()
        ),
        Err(e) => println!("PIDFD_INFO_EXIT: {e:?} (needs 6.15; nothing is left in /proc)"),
    }
}
