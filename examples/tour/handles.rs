//! Tour: a stored file handle. A child's pidfs handle goes to a file, every
//! fd naming the child is dropped, and the handle read back from the file
//! reopens the very same process: same 64-bit id, and a signal sent through
//! the reopened pidfd is what the child dies of.

use pidfs::{Errno, OFlags, PidFd, PidfdFlags, PidfsHandle};

pub fn run() {
    println!("== file handles");
    // SAFETY: the child only sleeps until a signal ends it.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        println!("fork failed: {}", std::io::Error::last_os_error());
        return;
    }
    if pid == 0 {
        loop {
            // SAFETY: waits for a signal; async-signal-safe.
            unsafe { libc::pause() };
        }
    }
    let reap = || {
        let mut status = 0;
        // SAFETY: reaps our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        status
    };

    let pidfd = PidFd::open(pid, PidfdFlags::empty()).expect("pidfd_open(child)");
    let handle = match pidfd.to_handle() {
        Ok(h) => h,
        Err(e) => {
            // Kernels before 6.14 have no pidfs handles.
            assert_eq!(e, Errno::EOPNOTSUPP);
            println!("pidfs file handles: not on this kernel ({e}); needs 6.14");
            let _ = pidfd.kill(libc::SIGKILL);
            reap();
            return;
        }
    };
    let path = std::env::temp_dir().join(format!("pidfs-tour-{}.handle", std::process::id()));
    std::fs::write(&path, handle.to_bytes()).expect("write the handle");
    println!(
        "child pid {pid}: handle {handle} (id {}) stored in {}",
        handle.id(),
        path.display()
    );
    drop(pidfd);
    println!("every fd naming the child is closed");

    let bytes = std::fs::read(&path).expect("read the handle back");
    let _ = std::fs::remove_file(&path);
    let stored = PidfsHandle::from_bytes(&bytes).expect("16 valid bytes");
    let reopened = PidFd::from_handle(&stored, OFlags::RDONLY).expect("open_by_handle_at");
    let again = pidfs::pidfd_to_handle(reopened.as_fd()).expect("handle of the reopened pidfd");
    println!(
        "reopened from the file: id {} ({})",
        again.id(),
        if again == handle {
            "the same process"
        } else {
            "A DIFFERENT PROCESS"
        }
    );
    reopened.kill(libc::SIGTERM).expect("pidfd_send_signal");
    let status = reap();
    let by_term = libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGTERM;
    println!(
        "SIGTERM through the reopened pidfd: child {}",
        if by_term { "died of it" } else { "did not" }
    );
    match PidFd::from_handle(&stored, OFlags::RDONLY) {
        Err(e) => println!("after the reap the handle answers {e:?}: never another process"),
        Ok(_) => println!("after the reap the handle still opened (unexpected)"),
    }
}
