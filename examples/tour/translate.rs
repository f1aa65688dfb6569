//! Tour section: PID translation across pid namespaces. A process two
//! pid namespaces down (and one in the middle one), their pids translated
//! both ways with each method, with the time each call took, next to the
//! kernel's own `NSpid:` line.

use pidfs::fd::{AsFd, FromRawFd, OwnedFd};
use pidfs::{Method, Translator};
use std::time::Instant;

pub fn run() {
    println!("\n== PID translation across pid namespaces ==");
    println!(
        "nsfs pid ioctls here: {} -> Translator::new() picks {:?}",
        pidfs::ns_pid_ioctls_supported(),
        Translator::new().method()
    );
    // Namespaces are made in a forked, single-threaded worker, so the
    // tour process itself stays where it is.
    // SAFETY: the child runs `worker` and _exits; the tour is single-threaded.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        println!("fork failed: {}", std::io::Error::last_os_error());
        return;
    }
    if pid == 0 {
        worker();
        // SAFETY: leave without running the parent's atexit handlers.
        unsafe { libc::_exit(0) };
    }
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
}

fn nspid(pid: &str) -> Option<Vec<i32>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let l = text.lines().find(|l| l.starts_with("NSpid:"))?;
    Some(
        l[6..]
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect(),
    )
}

fn wait_eof(fd: i32) {
    let mut b = 0u8;
    // SAFETY: reads one byte into a local until EOF.
    while unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) } > 0 {}
}

/// Pid 1 of a new namespace: forks a sleeper, then (one level more) the
/// next init; reports its own pid (in the tour's namespace) on `ready`.
fn init_of_level(level: u32, hold: i32, ready: i32) -> ! {
    // SAFETY: single-threaded forked processes; plain syscalls.
    unsafe {
        let sleeper = libc::fork();
        if sleeper == 0 {
            wait_eof(hold);
            libc::_exit(0);
        }
        let mut next = 0;
        if level == 1 && libc::unshare(libc::CLONE_NEWPID) == 0 {
            next = libc::fork();
            if next == 0 {
                init_of_level(2, hold, ready);
            }
        }
        let me = nspid("self").map_or(0, |l| l[0]);
        let mut rec = [0u8; 8];
        rec[..4].copy_from_slice(&level.to_ne_bytes());
        rec[4..].copy_from_slice(&me.to_ne_bytes());
        libc::write(ready, rec.as_ptr().cast(), 8);
        wait_eof(hold);
        libc::waitpid(sleeper, std::ptr::null_mut(), 0);
        if next > 0 {
            libc::waitpid(next, std::ptr::null_mut(), 0);
        }
        libc::_exit(0)
    }
}

fn worker() {
    // SAFETY: single-threaded forked child; plain syscalls.
    unsafe {
        if libc::geteuid() != 0 {
            let (uid, gid) = (libc::geteuid(), libc::getegid());
            if libc::unshare(libc::CLONE_NEWUSER) != 0 {
                println!("not root and no user namespaces: skipping this section");
                return;
            }
            std::fs::write("/proc/self/setgroups", "deny").ok();
            std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).ok();
            std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).ok();
            println!(
                "(root in a new user namespace: the fork method's \"in\" direction answers EPERM)"
            );
        }
    }
    let mut hold = [0; 2];
    let mut ready = [0; 2];
    // SAFETY: plain pipe2/fork/unshare; the children run init_of_level.
    let top = unsafe {
        libc::pipe2(hold.as_mut_ptr(), libc::O_CLOEXEC);
        libc::pipe2(ready.as_mut_ptr(), libc::O_CLOEXEC);
        let top = libc::fork();
        if top == 0 {
            libc::close(hold[1]);
            if libc::unshare(libc::CLONE_NEWPID) != 0 {
                println!("unshare(CLONE_NEWPID): {}", std::io::Error::last_os_error());
                libc::_exit(1);
            }
            let init = libc::fork();
            if init == 0 {
                init_of_level(1, hold[0], ready[1]);
            }
            libc::waitpid(init, std::ptr::null_mut(), 0);
            libc::_exit(0);
        }
        libc::close(hold[0]);
        libc::close(ready[1]);
        top
    };
    let mut inits = [0i32; 2];
    for _ in 0..2 {
        let mut rec = [0u8; 8];
        // SAFETY: reads 8 bytes into a local.
        if unsafe { libc::read(ready[0], rec.as_mut_ptr().cast(), 8) } != 8 {
            break;
        }
        let level = u32::from_ne_bytes(rec[..4].try_into().unwrap()) as usize;
        inits[level - 1] = i32::from_ne_bytes(rec[4..].try_into().unwrap());
    }
    if inits.contains(&0) {
        println!("could not build two nested pid namespaces (needs CAP_SYS_ADMIN)");
    } else {
        show(inits);
    }
    // SAFETY: our pipe ends; closing `hold` releases the namespaces.
    unsafe {
        libc::close(hold[1]);
        libc::close(ready[0]);
        libc::waitpid(top, std::ptr::null_mut(), 0);
    }
}

fn open_ns(pid: i32) -> Option<OwnedFd> {
    let path = std::ffi::CString::new(format!("/proc/{pid}/ns/pid")).ok()?;
    // SAFETY: plain open.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    // SAFETY: a fresh fd we own.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

fn show(inits: [i32; 2]) {
    let (Some(l1), Some(l2)) = (open_ns(inits[0]), open_ns(inits[1])) else {
        println!("cannot open the namespaces' fds");
        return;
    };
    for (name, pid) in [("level-1 init", inits[0]), ("level-2 init", inits[1])] {
        println!(
            "{name}: NSpid {:?} (pid here, in level 1, [in level 2])",
            nspid(&pid.to_string()).unwrap_or_default()
        );
    }
    let cases: [(&str, &OwnedFd, i32, bool); 4] = [
        ("from level 2, pid 1", &l2, 1, false),
        ("from level 1, pid 1", &l1, 1, false),
        ("level-2 init into level 1", &l1, inits[1], true),
        ("level-2 init into level 2", &l2, inits[1], true),
    ];
    for (what, ns, pid, into) in cases {
        print!("{what:<28}");
        for m in [Method::Ioctl, Method::Fork, Method::Proc] {
            let t = Translator::with_method(m);
            let start = Instant::now();
            let r = if into {
                t.pid_in_pidns(ns.as_fd(), pid)
            } else {
                t.pid_from_pidns(ns.as_fd(), pid)
            };
            let took = start.elapsed();
            let r = match r {
                Ok(p) => p.to_string(),
                Err(e) => format!("{e:?}"),
            };
            print!("  {m:?} {r} ({took:.1?})");
        }
        println!();
    }
}
