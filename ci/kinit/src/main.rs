//! `/init` for the pidfs real-kernel test matrix (see `ci/kernels.sh`).
//!
//! Runs as PID 1 in a throwaway initramfs booted under qemu-system:
//! mounts the usual pseudo file systems, runs every executable under
//! `/tests/` (and `/tests32/`, the i686 binaries on amd64 kernels) one after
//! the other with `--test-threads=1` and a timeout, streams their output to
//! the console, prints machine-parsable lines and powers the machine off.
//!
//! Console protocol (each line starts at column 0):
//!
//! ```text
//! KINIT-UNAME <release> <machine> <version...>
//! KINIT-START <name>
//! KINIT-RESULT <name> exit=<code> [signal=<n>] [timeout] time=<secs>s
//! KINIT-BENCH-START               (KINIT_BENCH=1 and /bench/bench_report present)
//! KINIT-BENCH-RESULT exit=<code> [signal=<n>] [timeout] time=<secs>s
//! KINIT-TAINTED before=<n> after=<n>
//! KINIT-KMSG <line>                 (only when the kernel got tainted)
//! KINIT-DONE passed=<n> failed=<m>
//! ```
//!
//! Configuration: words after `--` on the kernel command line are passed to
//! every test binary (after `--test-threads=1`), and so are the words of the
//! `KINIT_ARGS` environment variable (kernel parameters `KEY=VALUE` without a
//! dot become init's environment). `KINIT_TIMEOUT` is the per-binary timeout
//! in seconds (default 600). Test binaries get `PIDFS_KERNEL_MATRIX=1`.
//!
//! With `KINIT_BENCH=1` on the command line, after the tests it runs
//! `/bench/bench_report` (the static pidfs-bench example) with
//! `PIDFS_C_BASELINE=/bench/c-baseline` and `PIDFS_REPORT_ROUNDS` from
//! `KINIT_BENCH_ROUNDS` (default 1), under the same timeout, between the
//! two KINIT-BENCH lines; a non-zero exit counts as a failure.

use std::ffi::CString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // Leading newline: SeaBIOS leaves escape codes right before the first
    // guest output, and a test may have left a partial line.
    let _ = out.write_all(format!("\n{line}\n").as_bytes());
    let _ = out.flush();
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn mount(src: &str, target: &str, fstype: &str, flags: libc::c_ulong, data: &str) {
    let _ = fs::create_dir_all(target);
    let (s, t, f, d) = (cstr(src), cstr(target), cstr(fstype), cstr(data));
    // SAFETY: all pointers are valid NUL-terminated strings for the call.
    let r = unsafe { libc::mount(s.as_ptr(), t.as_ptr(), f.as_ptr(), flags, d.as_ptr().cast()) };
    if r != 0 {
        let e = std::io::Error::last_os_error();
        say(&format!("KINIT-NOTE mount {fstype} on {target}: {e}"));
    }
}

fn fd_is_open(fd: libc::c_int) -> bool {
    // SAFETY: F_GETFD on any int is harmless.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

fn ensure_console() {
    if fd_is_open(0) && fd_is_open(1) && fd_is_open(2) {
        return;
    }
    let path = cstr("/dev/console");
    // SAFETY: valid path; the fds are dup'ed onto 0..2, which are free here.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        if fd >= 0 {
            for target in 0..3 {
                if !fd_is_open(target) || target != fd {
                    libc::dup2(fd, target);
                }
            }
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
}

fn uname() -> String {
    // SAFETY: utsname is plain data; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: u is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return "unknown unknown unknown".into();
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    format!("{} {} {}", field(&u.release), field(&u.machine), field(&u.version))
}

fn tainted() -> String {
    fs::read_to_string("/proc/sys/kernel/tainted")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Kernel log records of level warning or worse (used when a test tainted the kernel).
fn dump_kmsg() {
    let Ok(mut f) = fs::OpenOptions::new()
        .read(true)
        .custom_flags_nonblock()
        .open("/dev/kmsg")
    else {
        return;
    };
    let mut buf = vec![0u8; 8192];
    let mut lines = Vec::new();
    while let Ok(n) = f.read(&mut buf) {
        if n == 0 {
            break;
        }
        let rec = String::from_utf8_lossy(&buf[..n]);
        let Some((hdr, msg)) = rec.split_once(';') else { continue };
        let prio: u32 = hdr.split(',').next().and_then(|p| p.parse().ok()).unwrap_or(7);
        if prio & 7 <= 4 {
            lines.push(msg.lines().next().unwrap_or("").to_string());
        }
    }
    // Keep the console readable: the last 200 records are enough to see a splat.
    let skip = lines.len().saturating_sub(200);
    for l in &lines[skip..] {
        say(&format!("KINIT-KMSG {l}"));
    }
}

trait NonBlock {
    fn custom_flags_nonblock(&mut self) -> &mut Self;
}
impl NonBlock for fs::OpenOptions {
    fn custom_flags_nonblock(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.custom_flags(libc::O_NONBLOCK)
    }
}

fn list_tests(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                fs::metadata(p)
                    .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                    .unwrap_or(false)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Reaps every child that has exited; returns the status of `pid` if it was among them.
fn reap_all(pid: libc::pid_t) -> Option<libc::c_int> {
    let mut found = None;
    loop {
        let mut st: libc::c_int = 0;
        // SAFETY: st is a valid out pointer.
        let r = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
        if r <= 0 {
            return found;
        }
        if r == pid {
            found = Some(st);
        }
    }
}

fn sigchld_set() -> libc::sigset_t {
    // SAFETY: sigset manipulation on a local.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        set
    }
}

fn wait_sigchld(set: &libc::sigset_t, d: Duration) {
    let ts = libc::timespec { tv_sec: d.as_secs() as _, tv_nsec: d.subsec_nanos() as _ };
    // SAFETY: valid set and timespec; info may be NULL.
    unsafe { libc::sigtimedwait(set, std::ptr::null_mut(), &ts) };
}

/// Kills everything but us (PID 1 is exempt from kill(-1)) and reaps it.
fn kill_leftovers(set: &libc::sigset_t) {
    // SAFETY: plain syscalls.
    unsafe { libc::kill(-1, libc::SIGKILL) };
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        reap_all(-2);
        let mut st = 0;
        // SAFETY: probe whether any child is left.
        let r = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
        if r < 0 {
            return; // ECHILD: nothing left
        }
        wait_sigchld(set, Duration::from_millis(50));
    }
}

struct Outcome {
    code: i32,
    signal: Option<i32>,
    timed_out: bool,
}

fn run_one(path: &Path, args: &[String], timeout: Duration, set: &libc::sigset_t) -> Outcome {
    let mut cmd = Command::new(path);
    cmd.arg("--test-threads=1").args(args);
    run_cmd(cmd, path, timeout, set)
}

fn run_cmd(mut cmd: Command, path: &Path, timeout: Duration, set: &libc::sigset_t) -> Outcome {
    let child = cmd
        .current_dir("/tmp")
        .process_group(0)
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            say(&format!("KINIT-NOTE cannot start {}: {e}", path.display()));
            return Outcome { code: 127, signal: None, timed_out: false };
        }
    };
    let pid = child.id() as libc::pid_t;
    // The child is reaped with waitpid below, never through `child`.
    std::mem::forget(child);
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = reap_all(pid) {
            break st;
        }
        if !timed_out && Instant::now() >= deadline {
            timed_out = true;
            say(&format!("KINIT-NOTE timeout after {}s: killing {}", timeout.as_secs(), path.display()));
            // SAFETY: plain syscalls on our own child and its process group.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
                libc::kill(pid, libc::SIGKILL);
            }
        }
        wait_sigchld(set, Duration::from_millis(200));
    };
    kill_leftovers(set);
    if libc::WIFEXITED(status) {
        Outcome { code: libc::WEXITSTATUS(status), signal: None, timed_out }
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        Outcome { code: if timed_out { 124 } else { 128 + sig }, signal: Some(sig), timed_out }
    } else {
        Outcome { code: 255, signal: None, timed_out }
    }
}

fn power_off() -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: plain syscalls; RB_POWER_OFF ends the machine.
    unsafe {
        libc::sync();
        libc::tcdrain(1);
        libc::tcdrain(2);
        libc::reboot(libc::RB_POWER_OFF);
    }
    // If power-off failed, exiting PID 1 panics the kernel and panic=-1 +
    // qemu -no-reboot end the guest anyway.
    std::process::exit(1)
}

fn main() {
    ensure_console();
    say("KINIT-BOOT");
    mount("proc", "/proc", "proc", 0, "");
    mount("sysfs", "/sys", "sysfs", 0, "");
    mount("devtmpfs", "/dev", "devtmpfs", 0, "mode=0755");
    ensure_console();
    // Files packed under /tmp (a test crate built in /tmp puts its [[bin]]s
    // there) must stay visible: the rootfs is writable anyway.
    let tmp_empty = fs::read_dir("/tmp").map(|mut d| d.next().is_none()).unwrap_or(true);
    if tmp_empty {
        mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
    }
    mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
    mount("devpts", "/dev/pts", "devpts", 0, "");
    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, "");

    std::env::set_var("PATH", "/bin:/sbin:/usr/bin:/usr/sbin:/tests");
    std::env::set_var("HOME", "/tmp");
    std::env::set_var("TMPDIR", "/tmp");
    std::env::set_var("PIDFS_KERNEL_MATRIX", "1");
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::env::set_var("RUST_BACKTRACE", "1");
    }

    // SAFETY: plain prctl; we are PID 1 anyway, this also covers running kinit elsewhere.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    let set = sigchld_set();
    // SAFETY: blocks SIGCHLD so sigtimedwait can wait for it (children get a clean mask).
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };

    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Ok(extra) = std::env::var("KINIT_ARGS") {
        args.extend(extra.split_whitespace().map(String::from));
    }
    let timeout = std::env::var("KINIT_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600u64);
    let timeout = Duration::from_secs(timeout);

    say(&format!("KINIT-UNAME {}", uname()));
    let taint0 = tainted();

    let mut tests: Vec<(String, PathBuf)> = Vec::new();
    for (dir, prefix) in [("/tests", ""), ("/tests32", "32/")] {
        for p in list_tests(dir) {
            let name = format!("{prefix}{}", p.file_name().unwrap().to_string_lossy());
            tests.push((name, p));
        }
    }
    say(&format!("KINIT-TESTS {}", tests.len()));

    let (mut passed, mut failed) = (0, 0);
    for (name, path) in &tests {
        say(&format!("KINIT-START {name}"));
        let t0 = Instant::now();
        let o = run_one(path, &args, timeout, &set);
        let secs = t0.elapsed().as_secs_f64();
        let mut line = format!("KINIT-RESULT {name} exit={}", o.code);
        if let Some(s) = o.signal {
            line.push_str(&format!(" signal={s}"));
        }
        if o.timed_out {
            line.push_str(" timeout");
        }
        line.push_str(&format!(" time={secs:.1}s"));
        say(&line);
        if o.code == 0 && !o.timed_out {
            passed += 1;
        } else {
            failed += 1;
        }
    }

    if std::env::var("KINIT_BENCH").is_ok_and(|v| v == "1") && Path::new("/bench/bench_report").exists() {
        say("KINIT-BENCH-START");
        let rounds = std::env::var("KINIT_BENCH_ROUNDS").unwrap_or_else(|_| "1".into());
        let mut cmd = Command::new("/bench/bench_report");
        cmd.env("PIDFS_REPORT_ROUNDS", rounds).env("PIDFS_C_BASELINE", "/bench/c-baseline");
        let t0 = Instant::now();
        let o = run_cmd(cmd, Path::new("/bench/bench_report"), timeout, &set);
        let mut line = format!("KINIT-BENCH-RESULT exit={}", o.code);
        if let Some(s) = o.signal {
            line.push_str(&format!(" signal={s}"));
        }
        if o.timed_out {
            line.push_str(" timeout");
        }
        line.push_str(&format!(" time={:.1}s", t0.elapsed().as_secs_f64()));
        say(&line);
        if o.code != 0 || o.timed_out {
            failed += 1;
        }
    }

    let taint1 = tainted();
    say(&format!("KINIT-TAINTED before={taint0} after={taint1}"));
    if taint1 != taint0 {
        dump_kmsg();
    }
    say(&format!("KINIT-DONE passed={passed} failed={failed}"));
    power_off();
}
