//! The programs the spawning tests run, found where the system keeps
//! them (`sleep`, `cat`, `env`, `pwd`, `printf`, `true`, `false` from
//! `/usr/bin`). Where the system has none (the real-kernel matrix boots an
//! initramfs without `/bin`), the same names are symlinks to the test
//! binary, which acts as the program its `argv[0]` names (a constructor in
//! `.init_array`, before the harness). Include it with
//! `#[path = "common/programs.rs"] mod programs;`.
#![allow(dead_code)]

use pidfs::Command;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const APPLETS: [&str; 7] = ["sleep", "cat", "env", "pwd", "printf", "true", "false"];

/// Runs before `main`: when this binary was exec'd through one of the
/// applet names, act as that program and exit.
extern "C" fn applet_ctor() {
    if !invoked_as_applet() {
        return;
    }
    let comm = std::fs::read_to_string("/proc/self/comm").unwrap_or_default();
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    let mut args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    args.pop(); // the empty piece after the last NUL
    let code = applet(comm.trim_end().as_bytes(), args.get(1..).unwrap_or(&[]));
    // SAFETY: leave at once, without running the harness.
    unsafe { libc::_exit(code) }
}

#[used]
#[unsafe(link_section = ".init_array")]
static APPLET_CTOR: extern "C" fn() = applet_ctor;

fn write_fd(fd: i32, b: &[u8]) {
    // SAFETY: writes a live buffer.
    unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
}

/// The few behaviours of the system programs these tests use.
fn applet(name: &[u8], args: &[&[u8]]) -> i32 {
    match name {
        b"true" => 0,
        b"false" => 1,
        b"sleep" => {
            let secs: u64 = std::str::from_utf8(args.first().copied().unwrap_or(b"0"))
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            std::thread::sleep(Duration::from_secs(secs));
            0
        }
        b"cat" => {
            let mut buf = Vec::new();
            match args.first() {
                None => {
                    let _ = std::io::stdin().read_to_end(&mut buf);
                }
                Some(f) => match std::fs::read(std::str::from_utf8(f).unwrap_or("")) {
                    Ok(b) => buf = b,
                    Err(e) => {
                        let msg = format!("cat: {}: {e}\n", String::from_utf8_lossy(f));
                        write_fd(2, msg.as_bytes());
                        return 1;
                    }
                },
            }
            write_fd(1, &buf);
            0
        }
        b"env" => {
            let env = std::fs::read("/proc/self/environ").unwrap_or_default();
            for kv in env.split(|&b| b == 0).filter(|kv| !kv.is_empty()) {
                write_fd(1, kv);
                write_fd(1, b"\n");
            }
            0
        }
        b"pwd" => {
            let d = std::env::current_dir().unwrap();
            write_fd(1, format!("{}\n", d.display()).as_bytes());
            0
        }
        // Only `printf '%s\n' ARGS...`.
        b"printf" => {
            for a in args.iter().skip(1) {
                write_fd(1, a);
                write_fd(1, b"\n");
            }
            0
        }
        _ => 127,
    }
}

/// A directory of symlinks to this binary named after the applets.
pub fn applet_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pidfs-applets-{}", std::process::id()));
    let exe = std::env::current_exe().unwrap();
    let _ = std::fs::create_dir_all(&dir);
    for a in APPLETS {
        let _ = std::os::unix::fs::symlink(&exe, dir.join(a));
    }
    dir
}

/// True when this process was started through one of the applet names:
/// the kernel names a process after the file it exec'd (`comm`, the
/// symlink's name), whatever `argv[0]` says. Its other constructors must
/// then not act on the environment it inherited.
pub fn invoked_as_applet() -> bool {
    let comm = std::fs::read_to_string("/proc/self/comm").unwrap_or_default();
    APPLETS.iter().any(|a| *a == comm.trim_end())
}

/// The directory the tests take their programs from
/// (`PIDFS_TEST_APPLETS=1` takes the applets, as the kernel matrix does).
pub fn bin() -> PathBuf {
    if std::env::var_os("PIDFS_TEST_APPLETS").is_some() {
        return applet_dir();
    }
    for d in ["/usr/bin", "/bin"] {
        if APPLETS.iter().all(|a| Path::new(d).join(a).is_file()) {
            return PathBuf::from(d);
        }
    }
    assert!(
        std::env::var_os("PIDFS_KERNEL_MATRIX").is_some(),
        "the system programs are missing outside the kernel matrix"
    );
    applet_dir()
}

/// `Command::new(name)` searching only [`bin`].
pub fn cmd(name: &str) -> Command {
    let mut c = Command::new(name);
    c.env("PATH", bin());
    c
}
