//! Waiting for processes with tokio: a pidfd becomes readable when its
//! process exits, so `tokio::io::unix::AsyncFd` turns it into a future
//! (epoll on the pidfd, kernel 5.3+), without a thread or a `SIGCHLD`
//! handler per process.
//!
//! Starts three `sleep`s with `pidfs::Command`, waits for all of them at
//! once (they end in order, whatever the order of the waits), then shows
//! a timeout: a `sleep 60` that `tokio::time::timeout` gives up on is
//! killed through its pidfd and reaped.
//!
//! Run it with `cargo run -p pidfs-async-wait` (a workspace member, so
//! tokio is not a dependency of pidfs itself).

use pidfs::{Child, Command, WaitOptions, WaitStatus};
use std::io;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// Registers a pidfd (or any fd) with tokio's reactor for readability.
fn watch<T: AsRawFd>(fd: T) -> io::Result<AsyncFd<T>> {
    // SAFETY: `fd` owns its descriptor (a `PidFd` or an `OwnedFd`): it stays
    // open, and `as_raw_fd` returns the same number, until the `AsyncFd`
    // that now owns it is dropped.
    unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Waits until the child has exited (the pidfd polls readable), then
/// reaps it without blocking.
async fn wait(child: Child) -> io::Result<(i32, WaitStatus)> {
    let pid = child.pid;
    let pidfd = watch(child.pidfd)?;
    loop {
        let mut ready = pidfd.readable().await?;
        // Readable means exited: WNOHANG finds the status at once.
        match pidfd
            .get_ref()
            .wait(WaitOptions::EXITED | WaitOptions::NOHANG)?
        {
            Some(status) => return Ok((pid, status)),
            None => ready.clear_ready(),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    // Started longest first; they end shortest first.
    for secs in ["0.3", "0.2", "0.1"] {
        let child = Command::new("sleep").arg(secs).spawn()?;
        println!("started sleep {secs} (pid {})", child.pid);
        tasks.push(tokio::spawn(wait(child)));
    }
    let mut ended = Vec::new();
    for t in tasks {
        let (pid, status) = t.await.map_err(io::Error::other)??;
        ended.push((pid, status));
    }
    for (pid, status) in &ended {
        println!("pid {pid}: {status}");
        assert_eq!(*status, WaitStatus::Exited(0));
    }
    let took = start.elapsed();
    println!("all three in {} ms (they ran at once)", took.as_millis());
    assert!(
        took < Duration::from_millis(2900),
        "the waits did not overlap"
    );

    // A timeout: give up on `sleep 60`, kill it through the pidfd (never a
    // recycled pid), and reap it.
    let mut child = Command::new("sleep").arg("60").spawn()?;
    let pidfd = watch(child.pidfd.as_fd().try_clone_to_owned()?)?;
    let r = tokio::time::timeout(Duration::from_millis(200), pidfd.readable()).await;
    assert!(r.is_err(), "sleep 60 ended early");
    println!(
        "sleep 60 (pid {}) still running after 200 ms: killing it",
        child.pid
    );
    child.kill()?;
    let status = child.wait()?;
    println!("pid {}: {status}", child.pid);
    assert_eq!(status.signal(), Some(9));
    Ok(())
}
