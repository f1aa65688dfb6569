//! examples/minit.rs as PID 1 of a new pid namespace: it starts two
//! services, restarts one that is killed (a new 64-bit id), survives its own
//! re-exec on SIGHUP with both children still supervised under the same ids
//! (by pidfs file handle, or by pid + start time with `--no-handles`),
//! reaps and restarts a child that died while it was stopped before the
//! exec, and on SIGTERM stops everything and exits 0 with no process left.
//!
//! minit is the example binary cargo built next to this test (a plain
//! `cargo test` builds it, `cargo test --test minit` alone does not rebuild it); where it is
//! not shipped (the real-kernel matrix copies only test binaries) this test
//! binary runs the same code (it includes the example's source and a
//! constructor runs it when `PIDFS_MINIT_SELF` is set). The services are
//! this test binary with the argument `minit-helper-sleep`, which sleeps
//! (no /bin/sleep in the kernel matrix). Under qemu-user minit and the
//! services are started through the target's qemu-user binary
//! (`common::QEMU_USER`), and minit's `execve("/proc/self/exe")` fails with
//! ENOEXEC (the host kernel cannot exec a foreign binary): minit must say so
//! and keep the same children.

mod common;

#[allow(dead_code)]
#[path = "../examples/minit.rs"]
mod minit_ex;

use common::{Child, QEMU_USER, qemu};
use pidfs::fd::AsFd;
use pidfs::{Errno, OFlags, PidFd, PidfsHandle, Translator};
use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::time::Duration;

const HELPER_ARG: &[u8] = b"minit-helper-sleep";
/// A service that double-forks a sleeper (an orphan minit adopts), then
/// sleeps.
const ORPHAN_ARG: &[u8] = b"minit-helper-orphan";

/// Runs before main: a service (`minit-helper-sleep`) sleeps until killed;
/// with `PIDFS_MINIT_SELF` set this binary is minit.
extern "C" fn minit_ctor() {
    let mut cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    // Every argument ends with a NUL; an empty one is still an argument.
    cmdline.pop();
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    if args.get(1) == Some(&ORPHAN_ARG) {
        // SAFETY: fork before main, single-threaded; the children only
        // pause or _exit.
        unsafe {
            let mid = libc::fork();
            if mid == 0 {
                if libc::fork() == 0 {
                    loop {
                        libc::pause();
                    }
                }
                libc::_exit(0);
            }
            libc::waitpid(mid, std::ptr::null_mut(), 0);
        }
    }
    if args.get(1) == Some(&HELPER_ARG) || args.get(1) == Some(&ORPHAN_ARG) {
        loop {
            // SAFETY: waits for a signal.
            unsafe { libc::pause() };
        }
    }
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    if unsafe { libc::getenv(c"PIDFS_MINIT_SELF".as_ptr()) }.is_null() {
        return;
    }
    let args: Vec<OsString> = args
        .iter()
        .skip(1)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect();
    minit_ex::run(args)
}

#[used]
#[unsafe(link_section = ".init_array")]
static MINIT_CTOR: extern "C" fn() = minit_ctor;

/// The minit program and whether it is this test binary.
fn program() -> (PathBuf, bool) {
    let exe = std::env::current_exe().expect("current_exe");
    let example = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("examples").join("minit"));
    match example {
        Some(p) if p.is_file() => (p, false),
        _ => (exe, true),
    }
}

/// The qemu-user binary's path (from $PATH) under qemu-user.
fn qemu_path() -> Option<PathBuf> {
    if !qemu() {
        return None;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(QEMU_USER))
        .find(|p| p.is_file())
        .or_else(|| panic!("{QEMU_USER} not in PATH"))
}

struct Run {
    dir: PathBuf,
    log: PathBuf,
    /// The forked process that holds the namespace; exits with minit's code.
    holder: Child,
    /// minit's pid in this test's pid namespace.
    host_pid: i32,
}

fn cstr(s: impl Into<Vec<u8>>) -> CString {
    CString::new(s).unwrap()
}

/// Starts minit as PID 1 of a new pid (and mount) namespace, with a fresh
/// /proc, two services and `extra` arguments.
fn start(tag: &str, extra: &[&str]) -> Run {
    start_with(tag, extra, &[("a", HELPER_ARG), ("b", HELPER_ARG)])
}

/// As [`start`], with the services `(name, helper argument)`.
fn start_with(tag: &str, extra: &[&str], services: &[(&str, &[u8])]) -> Run {
    let dir = std::env::temp_dir().join(format!("pidfs-minit-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let me = std::env::current_exe().unwrap();
    let service = match qemu_path() {
        Some(q) => format!("{} {}", q.display(), me.display()),
        None => me.display().to_string(),
    };
    let mut conf = String::from("# the services\n");
    for (name, helper) in services {
        let helper = std::str::from_utf8(helper).unwrap();
        conf.push_str(&format!("{name}: {service} {helper} {name}\n\n"));
    }
    std::fs::write(dir.join("services.conf"), conf).unwrap();
    let log = dir.join("log");
    let (prog, this) = program();
    let mut argv: Vec<CString> = Vec::new();
    let path = match qemu_path() {
        Some(q) => {
            argv.push(cstr(q.to_str().unwrap()));
            argv.push(cstr(prog.to_str().unwrap()));
            cstr(q.to_str().unwrap())
        }
        None => {
            argv.push(cstr("minit"));
            cstr(prog.to_str().unwrap())
        }
    };
    let state = dir.join("state");
    argv.push(cstr("--state-file"));
    argv.push(cstr(state.to_str().unwrap()));
    for e in extra {
        argv.push(cstr(*e));
    }
    argv.push(cstr(dir.join("services.conf").to_str().unwrap()));
    let mut env: Vec<CString> = std::env::vars()
        .map(|(k, v)| cstr(format!("{k}={v}")))
        .collect();
    if this {
        env.push(cstr("PIDFS_MINIT_SELF=1"));
    }
    let logc = cstr(log.to_str().unwrap());
    let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|c| c.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut env_p: Vec<*const libc::c_char> = env.iter().map(|c| c.as_ptr()).collect();
    env_p.push(std::ptr::null());
    let mut fds = [0; 2];
    // SAFETY: pipe writes two fds.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let [rd, wr] = fds;
    let holder = Child::spawn(move || {
        common::become_root_in_userns();
        // SAFETY: raw syscalls in a forked child on data prepared above.
        unsafe {
            assert_eq!(
                libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS),
                0,
                "unshare: {}",
                std::io::Error::last_os_error()
            );
            let pid = libc::fork();
            if pid == 0 {
                // Never outlive the test (the holder is SIGKILLed on drop).
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                // PID 1 of the new namespace: a /proc of its own.
                let ok = libc::mount(
                    std::ptr::null(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ) == 0
                    && libc::mount(
                        c"proc".as_ptr(),
                        c"/proc".as_ptr(),
                        c"proc".as_ptr(),
                        0,
                        std::ptr::null(),
                    ) == 0;
                if !ok {
                    libc::_exit(120);
                }
                let fd = libc::open(
                    logc.as_ptr(),
                    libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
                    0o644,
                );
                libc::dup2(fd, 1);
                libc::dup2(fd, 2);
                libc::execve(path.as_ptr(), argv_p.as_ptr(), env_p.as_ptr());
                libc::_exit(121);
            }
            libc::write(wr, (&pid as *const i32).cast(), 4);
            let mut st = 0;
            libc::waitpid(pid, &mut st, 0);
            if libc::WIFEXITED(st) {
                libc::WEXITSTATUS(st)
            } else {
                128 + libc::WTERMSIG(st)
            }
        }
    });
    let mut host_pid = 0i32;
    // SAFETY: our pipe fds; read the 4-byte pid.
    unsafe {
        libc::close(wr);
        assert_eq!(libc::read(rd, (&mut host_pid as *mut i32).cast(), 4), 4);
        libc::close(rd);
    }
    Run {
        dir,
        log,
        holder,
        host_pid,
    }
}

impl Run {
    fn text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log has `n` lines matching `pred`; returns the log.
    #[track_caller]
    fn wait_for(&self, n: usize, what: &str) -> String {
        let timeout = Duration::from_secs(if qemu() { 60 } else { 20 });
        let ok = common::wait_until(timeout, || {
            self.text().lines().filter(|l| l.starts_with(what)).count() >= n
        });
        let t = self.text();
        assert!(ok, "no {n}x '{what}' in minit's log:\n{t}");
        t
    }

    fn signal(&self, sig: i32) {
        // SAFETY: signals minit by pid: it cannot be reaped (hence its pid
        // not reused) before `holder` waits for it.
        assert_eq!(unsafe { libc::kill(self.host_pid, sig) }, 0);
    }

    /// A pidfd for the service that minit logged with pid `ns_pid` in its
    /// namespace and `handle`: from the handle, else by translating the pid.
    fn service_pidfd(&self, ns_pid: i32, handle: Option<PidfsHandle>) -> PidFd {
        if let Some(h) = handle {
            return PidFd::from_handle(&h, OFlags::empty()).unwrap();
        }
        let ns = std::fs::File::open(format!("/proc/{}/ns/pid", self.host_pid)).unwrap();
        let pid = Translator::new()
            .pid_from_pidns(ns.as_fd(), ns_pid)
            .unwrap();
        PidFd::open(pid, pidfs::PidfdFlags::empty()).unwrap()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `key=value` from a log line.
fn kv<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in '{line}'"))
}

/// The last line starting with `prefix`.
fn last<'a>(log: &'a str, prefix: &str) -> &'a str {
    log.lines()
        .rfind(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no '{prefix}' in\n{log}"))
}

/// A started process's identity: its 64-bit id, or where there is none
/// (`id=-`: before 6.9, and on a 32-bit kernel without handles, whose
/// 32-bit pidfs inode numbers `pidfd_id` refuses) its pid in minit's fresh
/// namespace, where pids are not reused this soon.
fn ident(line: &str) -> String {
    match kv(line, "id") {
        "-" => format!("pid {}", kv(line, "pid")),
        id => id.to_string(),
    }
}

fn handle_of(line: &str) -> Option<PidfsHandle> {
    kv(line, "handle").parse().ok()
}

/// The whole life: start, restart after a kill, re-exec, stop.
fn life(tag: &str, extra: &[&str]) {
    let no_handles = extra.contains(&"--no-handles");
    let mut run = start(tag, extra);
    let log = run.wait_for(1, "minit: ready");
    assert!(log.contains("minit: ready pid=1 services=2"), "{log}");
    let a0 = last(&log, "minit: started a ").to_string();
    let b0 = last(&log, "minit: started b ").to_string();
    assert_ne!(ident(&a0), ident(&b0));
    let has_handles = handle_of(&a0).is_some();
    assert_eq!(has_handles, pidfs::Features::probe().file_handles, "{a0}");

    // Kill a: minit reaps it and starts it again, a new process (new id).
    let a_fd = run.service_pidfd(kv(&a0, "pid").parse().unwrap(), handle_of(&a0));
    a_fd.kill(libc::SIGKILL).unwrap();
    let log = run.wait_for(2, "minit: started a ");
    let exited = last(&log, "minit: exited a ");
    assert_eq!(kv(exited, "id"), kv(&a0, "id"));
    assert_eq!(kv(exited, "status"), "signal:9");
    let a1 = last(&log, "minit: started a ").to_string();
    assert_eq!(kv(&a1, "restarts"), "1");
    assert_ne!(ident(&a1), ident(&a0), "a restarted is a new process");

    // SIGHUP: re-exec; both children kept, same ids.
    run.signal(libc::SIGHUP);
    run.wait_for(1, "minit: reexec ");
    let reexec_works = !qemu();
    if reexec_works {
        let log = run.wait_for(2, "minit: ready");
        let via = if has_handles && !no_handles {
            "handle"
        } else {
            "pid+starttime"
        };
        let ra = last(&log, "minit: resumed a ");
        let rb = last(&log, "minit: resumed b ");
        assert_eq!(kv(ra, "id"), kv(&a1, "id"), "{log}");
        assert_eq!(kv(rb, "id"), kv(&b0, "id"), "{log}");
        assert_eq!(kv(ra, "via"), via);
        assert_eq!(kv(ra, "restarts"), "1");
        assert_eq!(kv(rb, "pid"), kv(&b0, "pid"));
        assert!(log.contains("minit: ready pid=1 services=2"));
        if via == "pid+starttime" {
            assert!(
                log.contains("adopting children by pid + start time"),
                "{log}"
            );
        }
        assert_eq!(log.matches("minit: resumed ").count(), 2, "{log}");
        assert!(!log.contains("minit: lost"), "{log}");
        assert!(!log.contains("minit: orphan"), "{log}");
    } else {
        // qemu-user: execve("/proc/self/exe") is the aarch64 binary, which
        // the host kernel cannot exec: minit reports it and carries on.
        let log = run.wait_for(1, "minit: reexec-failed ");
        assert!(
            log.contains("execve(/proc/self/exe): ENOEXEC (os error 8)"),
            "{log}"
        );
        assert!(!log.contains("minit: resumed"), "{log}");
    }

    // b dies while minit is stopped and a SIGHUP is pending: it is still a
    // zombie of minit's at the exec, reopened, reaped and restarted after.
    let b_fd = run.service_pidfd(kv(&b0, "pid").parse().unwrap(), handle_of(&b0));
    run.signal(libc::SIGSTOP);
    // kill() returns before the stop takes effect; a SIGCHLD that arrived
    // first would be taken by minit's sigtimedwait before it stops.
    let stat = format!("/proc/{}/stat", run.host_pid);
    let stopped = common::wait_until(Duration::from_secs(20), || {
        let s = std::fs::read_to_string(&stat).unwrap_or_default();
        s.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
    });
    assert!(
        stopped,
        "minit did not stop: {:?}",
        std::fs::read_to_string(&stat)
    );
    b_fd.kill(libc::SIGKILL).unwrap();
    assert!(b_fd.poll(Some(Duration::from_secs(10))).unwrap());
    run.signal(libc::SIGHUP);
    run.signal(libc::SIGCONT);
    let log = run.wait_for(2, "minit: started b ");
    let eb = last(&log, "minit: exited b ");
    assert_eq!(kv(eb, "id"), kv(&b0, "id"));
    assert_eq!(kv(eb, "status"), "signal:9");
    let b1 = last(&log, "minit: started b ").to_string();
    assert_ne!(ident(&b1), ident(&b0));
    assert_eq!(kv(&b1, "restarts"), "1");
    if reexec_works {
        let log = run.wait_for(3, "minit: ready");
        // b was adopted (as the zombie) exactly once before being reaped.
        let after = &log[log.rfind("minit: reexec ").unwrap()..];
        assert_eq!(after.matches("minit: resumed b ").count(), 1, "{log}");
        assert!(after.contains(&format!("id={}", kv(&b0, "id"))), "{log}");
        assert_eq!(kv(last(after, "minit: resumed a "), "id"), kv(&a1, "id"));
    }

    // SIGTERM: services stopped, minit exits 0, nothing left.
    let a_fd = run.service_pidfd(kv(&a1, "pid").parse().unwrap(), handle_of(&a1));
    let b_fd = run.service_pidfd(kv(&b1, "pid").parse().unwrap(), handle_of(&b1));
    run.signal(libc::SIGTERM);
    let status = run.holder.wait();
    let log = run.text();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {status:#x}\n{log}"
    );
    assert!(log.contains("minit: stopping\n"), "{log}");
    assert!(log.ends_with("minit: stopped\n"), "{log}");
    assert_eq!(kv(last(&log, "minit: exited a "), "status"), "signal:15");
    assert_eq!(kv(last(&log, "minit: exited b "), "status"), "signal:15");
    for fd in [a_fd, b_fd] {
        assert!(fd.poll(Some(Duration::ZERO)).unwrap());
        assert_eq!(fd.pid(), Err(Errno::ESRCH), "reaped");
    }
}

/// Handles mode: minit writes pidfs file handles (6.14+) to its state and
/// reopens them after the exec, matching children by 64-bit id.
#[test]
fn minit_pid1_restart_reexec_by_handle_stop() {
    life("handles", &[]);
}

/// The fallback of kernels without pidfs handles, forced: pids + start
/// times (/proc/<pid>/stat field 22) in the state, `pidfd_open(pid)` and a
/// start-time check after the exec; minit says so on stderr.
#[test]
fn minit_pid1_restart_reexec_by_pid_and_starttime_stop() {
    life("pids", &["--no-handles"]);
}

/// As PID 1 (of a pid namespace), the stop signals the services, then
/// every other process with kill(-1): the orphan a service double-forked,
/// which minit adopted, is stopped and reaped too; nothing is left. The
/// stop comes from SIGINT here, what the kernel sends PID 1 on
/// ctrl-alt-del once minit has set CAD_OFF (without `--poweroff` minit
/// then exits 0, as for SIGTERM).
#[test]
fn minit_pid1_stops_adopted_orphans() {
    let mut run = start_with("orphans", &[], &[("o", ORPHAN_ARG), ("s", HELPER_ARG)]);
    run.wait_for(1, "minit: ready");
    // The orphan exists once the service's middle process is reaped: wait
    // until minit has three children (o, s and the orphan).
    let children = format!("/proc/{}/task/{}/children", run.host_pid, run.host_pid);
    let ok = common::wait_until(Duration::from_secs(if qemu() { 60 } else { 20 }), || {
        std::fs::read_to_string(&children)
            .unwrap_or_default()
            .split_whitespace()
            .count()
            == 3
    });
    assert!(
        ok,
        "{:?}\n{}",
        std::fs::read_to_string(&children),
        run.text()
    );
    run.signal(libc::SIGINT);
    let status = run.holder.wait();
    let log = run.text();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {status:#x}\n{log}"
    );
    assert!(log.contains("minit: killall signal=15 sent\n"), "{log}");
    // The sleeper the service left behind, adopted and stopped by kill(-1).
    // (The service's middle process may show up too, `exit:0`, when the
    // service died before reaping it.)
    assert!(
        log.lines()
            .any(|l| l.starts_with("minit: orphan ") && kv(l, "status") == "signal:15"),
        "{log}"
    );
    assert_eq!(kv(last(&log, "minit: exited o "), "status"), "signal:15");
    assert!(log.ends_with("minit: stopped\n"), "{log}");
}

/// Usage errors: exit 2; a missing config: exit 1 naming ENOENT.
#[test]
fn minit_usage_errors() {
    let (prog, this) = program();
    let cmd = |args: &[&str]| {
        let mut c = match qemu_path() {
            Some(q) => {
                let mut c = std::process::Command::new(q);
                c.arg(&prog);
                c
            }
            None => std::process::Command::new(&prog),
        };
        if this {
            c.env("PIDFS_MINIT_SELF", "1");
        }
        c.args(args).output().unwrap()
    };
    let o = cmd(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("minit: missing <config>"));
    let o = cmd(&["--bogus", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("minit: unknown option '--bogus'"));
    let o = cmd(&["--state-file", "/nonexistent/state", "/nonexistent/conf"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "minit: read(/nonexistent/conf): ENOENT (os error 2)"
    );
}
