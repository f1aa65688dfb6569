//! `pidfs::Command` on real programs: `PATH` lookup (a non-executable
//! candidate first, as `execvp`), stdio piped / null / an fd / a
//! pipeline, the environment (inherited, set, removed, cleared), the
//! working directory, `setsid` and process groups, uid/gid/groups (as root
//! and the `EPERM` of an unprivileged caller), resource limits, new
//! namespaces with id maps, and the exec errors (`ENOENT`, `EACCES`,
//! `ENOEXEC`), each with no fd and no zombie left behind.
//!
//! The programs are the system's (`sleep`, `cat`, `env`, `pwd`, `printf`,
//! `true`, `false` from `/usr/bin`), or where it has none (the real-kernel
//! matrix) this binary acting as them (tests/common/programs.rs);
//! `applets_behave_like_the_system_programs` checks those on every run.
//! Under qemu-user the system's programs are run by the host kernel.

mod common;

use common::{QEMU_USER, in_child, no_fd_leak, qemu};
use pidfs::{CloneFlags, Command, Errno, Stdio, WaitStatus};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[path = "common/programs.rs"]
mod programs;

use programs::{applet_dir, bin, cmd};

const SCENARIO_ENV: &str = "PIDFS_COMMAND_SCENARIO";

/// Runs before `main`: when this binary was started by [`scenario`], run
/// that scenario in this fresh, single-threaded process and exit (0: it
/// passed, 101: it panicked, with the message on stderr).
extern "C" fn scenario_ctor() {
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    let v = unsafe { libc::getenv(c"PIDFS_COMMAND_SCENARIO".as_ptr()) };
    // An applet started from a scenario inherits its environment: it is
    // the program, not the scenario.
    if v.is_null() || programs::invoked_as_applet() {
        return;
    }
    // SAFETY: getenv returned a NUL-terminated string of the environment.
    let name = unsafe { std::ffi::CStr::from_ptr(v) }
        .to_string_lossy()
        .into_owned();
    let r = std::panic::catch_unwind(|| match name.as_str() {
        "inherited-path" => scenario_inherited_path(),
        "no-path" => scenario_no_path(),
        "environment" => scenario_environment(),
        other => panic!("no scenario {other}"),
    });
    // SAFETY: leave at once, without running the harness.
    unsafe { libc::_exit(if r.is_ok() { 0 } else { 101 }) }
}

#[used]
#[unsafe(link_section = ".init_array")]
static SCENARIO_CTOR: extern "C" fn() = scenario_ctor;

/// Runs a scenario in a fresh copy of this binary whose environment is
/// exactly `env` (a forked test child must not change its environment:
/// another test thread may have held std's environment lock at the fork,
/// and `set_var` would then wait for ever).
#[track_caller]
fn scenario(name: &str, env: &[(&str, &OsStr)]) {
    let exe = std::env::current_exe().unwrap();
    let mut c = if qemu() {
        let mut c = std::process::Command::new(QEMU_USER);
        c.arg(exe);
        c
    } else {
        std::process::Command::new(exe)
    };
    c.env_clear()
        .env(SCENARIO_ENV, name)
        .envs(env.iter().copied());
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "scenario {name}: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

fn out(c: &mut Command) -> (WaitStatus, String, String) {
    let o = c.output().unwrap();
    (
        WaitStatus::try_from(o.status).unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn io_errno(e: &std::io::Error) -> Option<Errno> {
    Errno::try_from(e).ok()
}

/// A field of /proc/<pid>/status.
fn status_field(pid: i32, key: &str) -> String {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key} in /proc/{pid}/status"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fields of /proc/<pid>/stat after the command name: [state, ppid,
/// pgrp, session, ...].
fn stat_fields(pid: i32) -> Vec<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &s[s.rfind(')').unwrap() + 2..];
    rest.split_whitespace().map(str::to_owned).collect()
}

/// No child of this (forked, single-threaded checker) process remains.
fn assert_no_children() {
    // SAFETY: siginfo_t is plain data; WNOHANG|WNOWAIT never blocks or reaps.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let r = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    assert_eq!(r, -1, "a child is left behind");
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::ECHILD)
    );
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pidfs-command-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_file(path: &Path, data: &[u8], mode: u32) {
    std::fs::write(path, data).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// ---- the tests ----

/// The applets do what the tests expect of the system programs (the
/// kernel matrix runs them instead). Under qemu-user the host kernel
/// cannot exec this aarch64 binary: ENOEXEC.
#[test]
fn applets_behave_like_the_system_programs() {
    let dir = applet_dir();
    let mut c = Command::new("printf");
    c.env("PATH", &dir).args(["%s\\n", "a", "b c"]);
    if qemu() {
        assert_eq!(io_errno(&c.output().unwrap_err()), Some(Errno::ENOEXEC));
        return;
    }
    assert_eq!(out(&mut c).1, "a\nb c\n");
    for (name, code) in [("true", 0), ("false", 1)] {
        let mut c = Command::new(dir.join(name));
        assert_eq!(out(&mut c).0, WaitStatus::Exited(code));
    }
    let mut c = Command::new(dir.join("cat"));
    c.stdin(std::fs::File::open("/proc/self/cmdline").unwrap());
    assert!(!out(&mut c).1.is_empty());
    let (st, _, e) = out(Command::new(dir.join("cat")).arg("/nonexistent"));
    assert_eq!(st, WaitStatus::Exited(1));
    assert!(e.starts_with("cat: /nonexistent: "), "{e}");
    let (_, o, _) = out(Command::new(dir.join("env")).env_clear().env("A", "1"));
    assert_eq!(o, "A=1\n");
    let (_, o, _) = out(Command::new(dir.join("pwd")).current_dir("/proc"));
    assert_eq!(o, "/proc\n");
}

/// The program is found by name through PATH (as `sleep` and `true`, not
/// `/usr/bin/true`), `argv[0]` is the name as given, and the status comes
/// back through the pidfd: exit codes, and a signal.
#[test]
fn spawn_by_name_through_path_and_wait() {
    assert!(cmd("true").status().unwrap().success());
    assert_eq!(cmd("false").status().unwrap().code(), Some(1));
    let mut child = cmd("sleep").arg("60").spawn().unwrap();
    assert!(child.pid > 0);
    assert_eq!(child.try_wait(), Ok(None));
    child.kill().unwrap();
    let st = child.wait().unwrap();
    assert_eq!(
        st,
        WaitStatus::Signaled {
            signal: libc::SIGKILL,
            core_dumped: false
        }
    );
    // Reaped once: the same status again, and kill has nothing to do.
    assert_eq!(child.wait(), Ok(st));
    assert_eq!(child.kill(), Ok(()));
    assert_eq!(child.send_signal(0), Err(Errno::ESRCH));
    let (_, o, _) = out(cmd("cat").arg("/proc/self/cmdline"));
    assert_eq!(o, "cat\0/proc/self/cmdline\0");
    let (_, o, _) = out(cmd("cat").arg("/proc/self/cmdline").arg0("renamed"));
    assert_eq!(o, "renamed\0/proc/self/cmdline\0");
}

/// With no PATH change, the caller's PATH is searched; with none at all,
/// execvp's default, `/bin:/usr/bin`.
#[test]
fn inherited_path_is_searched() {
    let path = format!("/nonexistent:{}", bin().display());
    scenario("inherited-path", &[("PATH", OsStr::new(&path))]);
    scenario("no-path", &[]);
}

fn scenario_inherited_path() {
    assert!(Command::new("true").status().unwrap().success());
}

fn scenario_no_path() {
    let r = Command::new("true").status();
    if ["/bin/true", "/usr/bin/true"]
        .iter()
        .any(|p| Path::new(p).is_file())
    {
        assert!(r.unwrap().success());
    } else {
        assert_eq!(io_errno(&r.unwrap_err()), Some(Errno::ENOENT));
    }
}

/// As execvp: a PATH entry whose candidate exists but cannot be executed
/// (EACCES) is passed over for a later one; EACCES only when none runs;
/// ENOENT when no entry has it.
#[test]
fn path_skips_a_non_executable_first_entry() {
    let dir = tmpdir("path");
    write_file(&dir.join("true"), b"#!/bin/false\n", 0o644);
    let path = format!("{}:{}", dir.display(), bin().display());
    let mut c = Command::new("true");
    assert!(c.env("PATH", &path).status().unwrap().success());
    let e = Command::new("true").env("PATH", &dir).status().unwrap_err();
    assert_eq!(io_errno(&e), Some(Errno::EACCES));
    let e = Command::new("true")
        .env("PATH", "/nonexistent:/also-not")
        .status()
        .unwrap_err();
    assert_eq!(io_errno(&e), Some(Errno::ENOENT));
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `printf` with stdout piped, read from `Child::stdout` (a
/// `std::process::ChildStdout`).
#[test]
fn piped_stdout() {
    let mut child = cmd("printf")
        .args(["%s\\n", "a", "b c", ""])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(child.stdin.is_none() && child.stderr.is_none());
    let mut s = String::new();
    child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
    assert_eq!(s, "a\nb c\n\n");
    assert_eq!(child.wait(), Ok(WaitStatus::Exited(0)));
}

/// `cat` with stdin and stdout piped: what goes in comes out; `wait`
/// closes stdin first, so `cat` sees end of file.
#[test]
fn piped_stdin_and_stdout() {
    let mut child = cmd("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"round trip")
        .unwrap();
    let out = child.stdout.take().unwrap();
    assert_eq!(child.wait(), Ok(WaitStatus::Exited(0)));
    let mut s = String::new();
    { out }.read_to_string(&mut s).unwrap();
    assert_eq!(s, "round trip");
}

/// `output()`: stdin is /dev/null, stdout and stderr are both collected
/// (a program that fills one while the other is read cannot block it);
/// `Stdio::null()` throws output away; `status` inherits.
#[test]
fn output_null_and_both_streams() {
    let (st, o, e) = out(&mut cmd("cat"));
    assert_eq!(
        (st, o.as_str(), e.as_str()),
        (WaitStatus::Exited(0), "", "")
    );
    let (st, o, e) = out(cmd("cat").arg("/nonexistent/file"));
    assert_eq!(st, WaitStatus::Exited(1));
    assert_eq!(o, "");
    assert!(e.contains("/nonexistent/file"), "{e}");
    let (_, o, _) = out(cmd("printf").args(["%s\\n", "x"]).stdout(Stdio::null()));
    assert_eq!(o, "");
    // 1 MiB through stdout while stderr stays open.
    let dir = tmpdir("big");
    let big = dir.join("big");
    std::fs::write(&big, vec![b'x'; 1 << 20]).unwrap();
    let (_, o, e) = out(cmd("cat").arg(&big));
    assert_eq!((o.len(), e.len()), (1 << 20, 0));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Stdio from a file (an fd), and a pipeline (`printf | cat`): one
/// child's `ChildStdout` as the next one's stdin.
#[test]
fn stdio_from_file_and_pipeline() {
    let dir = tmpdir("fd");
    let path = dir.join("out");
    let f = std::fs::File::create(&path).unwrap();
    let st = cmd("printf")
        .args(["%s\\n", "to a file"])
        .stdout(f)
        .status();
    assert!(st.unwrap().success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "to a file\n");
    let mut first = cmd("printf")
        .args(["%s\\n", "piped", "along"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut second = cmd("cat");
    second.stdin(first.stdout.take().unwrap());
    let (st, o, _) = out(&mut second);
    assert_eq!((st, o.as_str()), (WaitStatus::Exited(0), "piped\nalong\n"));
    assert_eq!(first.wait(), Ok(WaitStatus::Exited(0)));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The environment: inherited by default, `env` adds, `env_remove`
/// removes (inherited or added), `env_clear` starts empty.
#[test]
fn environment_inherited_set_removed_cleared() {
    let bin = bin();
    scenario(
        "environment",
        &[
            ("PATH", bin.as_os_str()),
            ("PIDFS_INHERITED", OsStr::new("1")),
            ("PIDFS_GONE", OsStr::new("2")),
        ],
    );
}

fn scenario_environment() {
    let lines = |c: &mut Command| -> Vec<String> {
        let (_, o, _) = out(c);
        o.lines().map(str::to_owned).collect()
    };
    let all = lines(
        Command::new("env")
            .env("PIDFS_ADDED", "3")
            .env_remove("PIDFS_GONE"),
    );
    // This process's environment, less the removed one, plus the added one.
    let mut want: Vec<String> = std::env::vars()
        .filter(|(k, _)| k != "PIDFS_GONE")
        .map(|(k, v)| format!("{k}={v}"))
        .chain(["PIDFS_ADDED=3".to_owned()])
        .collect();
    want.sort();
    let mut got = all.clone();
    got.sort();
    assert_eq!(got, want);
    assert!(got.contains(&"PIDFS_INHERITED=1".to_owned()));
    let env = PathBuf::from(std::env::var_os("PATH").unwrap()).join("env");
    let mut c = Command::new(&env);
    c.env("PIDFS_X", "dropped").env_clear().env("ONLY", "x=y");
    assert_eq!(lines(&mut c), ["ONLY=x=y"]);
    // An empty environment.
    assert_eq!(lines(Command::new(&env).env_clear()), [""; 0]);
}

/// `current_dir`: the program runs there (`pwd`); a missing directory is
/// the child's `chdir` ENOENT, with nothing left behind.
#[test]
fn current_dir_and_its_errors() {
    let dir = tmpdir("cwd");
    let (_, o, _) = out(cmd("pwd").current_dir(&dir));
    assert_eq!(o.trim_end(), dir.canonicalize().unwrap().to_str().unwrap());
    no_fd_leak(|| {
        let e = cmd("true")
            .current_dir("/nonexistent/dir")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_err();
        assert_eq!(io_errno(&e), Some(Errno::ENOENT));
        assert_no_children();
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `setsid(true)`: the program leads a new session and group (its pid);
/// `process_group(0)`: a new group, same session; by default both are
/// the caller's.
#[test]
fn setsid_and_process_group() {
    // Not /proc/self/stat: qemu-user fakes that file for the emulated
    // process (pgrp and session 0).
    // SAFETY: plain getters.
    let my = unsafe {
        [
            "".to_owned(),
            "".to_owned(),
            libc::getpgrp().to_string(),
            libc::getsid(0).to_string(),
        ]
    };
    let mut plain = cmd("sleep").arg("60").spawn().unwrap();
    let mut sid = cmd("sleep").arg("60").setsid(true).spawn().unwrap();
    let mut pg = cmd("sleep").arg("60").process_group(0).spawn().unwrap();
    let f = stat_fields(plain.pid);
    assert_eq!((&f[2], &f[3]), (&my[2], &my[3]));
    let f = stat_fields(sid.pid);
    let p = sid.pid.to_string();
    assert_eq!((&f[2], &f[3]), (&p, &p));
    let f = stat_fields(pg.pid);
    let p = pg.pid.to_string();
    assert_eq!((&f[2], &f[3]), (&p, &my[3]));
    for c in [&mut plain, &mut sid, &mut pg] {
        c.kill().unwrap();
        c.wait().unwrap();
    }
}

/// True for root of the initial user namespace (all ids mapped).
fn privileged() -> bool {
    // SAFETY: plain id getter.
    let euid = unsafe { libc::geteuid() };
    euid == 0
        && std::fs::read_to_string("/proc/self/uid_map")
            .is_ok_and(|m| m.split_whitespace().nth(2) == Some("4294967295"))
}

/// uid, gid and groups as root (here; for an unprivileged run, root of a
/// fresh user namespace, where only id 0 is mapped and `setgroups` is
/// denied), and EPERM for a caller without the privilege, with nothing
/// left behind.
#[test]
fn uid_gid_groups_as_root_and_eperm_unprivileged() {
    in_child(|| {
        let root = privileged();
        if !root {
            common::become_root_in_userns();
        }
        let (id, groups): (u32, &[u32]) = if root {
            (65534, &[65534, 100])
        } else {
            (0, &[])
        };
        let mut c = cmd("sleep");
        c.arg("60").uid(id).gid(id);
        if root {
            c.groups(groups);
        }
        let mut child = c.spawn().unwrap();
        let four = format!("{id} {id} {id} {id}");
        assert_eq!(status_field(child.pid, "Uid:"), four);
        assert_eq!(status_field(child.pid, "Gid:"), four);
        if root {
            assert_eq!(status_field(child.pid, "Groups:"), "100 65534");
        }
        child.kill().unwrap();
        child.wait().unwrap();
    });
    // Unprivileged (a root test drops to nobody first): EPERM from the
    // child's setuid / setgid / setgroups.
    in_child(|| {
        if privileged() {
            // SAFETY: drops privileges in this forked child.
            unsafe {
                assert_eq!(libc::setgroups(0, std::ptr::null()), 0);
                assert_eq!(libc::setgid(65534), 0);
                assert_eq!(libc::setuid(65534), 0);
            }
        }
        no_fd_leak(|| {
            let mut cases = [cmd("true"), cmd("true"), cmd("true")];
            cases[0].uid(0);
            cases[1].gid(0);
            cases[2].groups(&[0]);
            for mut c in cases {
                let e = c.stdout(Stdio::piped()).spawn().unwrap_err();
                assert_eq!(io_errno(&e), Some(Errno::EPERM), "{c:?}");
            }
            assert_no_children();
        });
    });
}

/// New namespaces: NEWUSER|NEWPID maps 0 to the caller's ids by default
/// (the program is root inside, pid 1 of its pid namespace); explicit
/// maps need privilege for more than the caller's own id (EPERM
/// otherwise, nothing left behind); maps without NEWUSER are EINVAL.
#[test]
fn new_namespaces_with_id_maps() {
    if qemu() {
        // qemu-user takes no namespace flag in its clone emulation.
        let e = cmd("true")
            .clone_flags(CloneFlags::NEWUSER)
            .status()
            .unwrap_err();
        assert_eq!(io_errno(&e), Some(Errno::EINVAL));
        return;
    }
    in_child(|| {
        // SAFETY: plain id getters.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let mut c = cmd("sleep")
            .arg("60")
            .clone_flags(CloneFlags::NEWUSER | CloneFlags::NEWPID)
            .spawn()
            .unwrap();
        let map = std::fs::read_to_string(format!("/proc/{}/uid_map", c.pid)).unwrap();
        assert_eq!(
            map.split_whitespace().collect::<Vec<_>>(),
            ["0", &euid.to_string(), "1"]
        );
        let map = std::fs::read_to_string(format!("/proc/{}/gid_map", c.pid)).unwrap();
        assert_eq!(
            map.split_whitespace().collect::<Vec<_>>(),
            ["0", &egid.to_string(), "1"]
        );
        let nspid = status_field(c.pid, "NSpid:");
        assert_eq!(nspid.split(' ').next_back(), Some("1"), "{nspid}");
        c.kill().unwrap();
        c.wait().unwrap();

        // A range of ids: needs CAP_SETUID over the caller's namespace.
        let mut cmd2 = cmd("sleep");
        cmd2.arg("60")
            .clone_flags(CloneFlags::NEWUSER)
            .uid_map(0, 100_000, 65536)
            .gid_map(0, 100_000, 65536)
            .uid(1000)
            .gid(1000);
        if privileged() {
            let mut c = cmd2.spawn().unwrap();
            // Seen from here: the outside ids.
            assert_eq!(status_field(c.pid, "Uid:"), "101000 101000 101000 101000");
            assert_eq!(status_field(c.pid, "Gid:"), "101000 101000 101000 101000");
            // Privileged: setgroups stays allowed inside.
            let sg = std::fs::read_to_string(format!("/proc/{}/setgroups", c.pid)).unwrap();
            assert_eq!(sg.trim(), "allow");
            c.kill().unwrap();
            c.wait().unwrap();
            // A map the kernel refuses (the range wraps around): the
            // caller's write fails, the waiting child is killed and reaped.
            no_fd_leak(|| {
                let e = cmd("true")
                    .clone_flags(CloneFlags::NEWUSER)
                    .uid_map(0, u32::MAX - 1, 10)
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap_err();
                assert_eq!(io_errno(&e), Some(Errno::EINVAL));
                assert_no_children();
            });
        } else {
            no_fd_leak(|| {
                let e = cmd2.spawn().unwrap_err();
                assert_eq!(io_errno(&e), Some(Errno::EPERM));
                assert_no_children();
            });
        }
        // Unprivileged default maps deny setgroups (the kernel requires it).
        common::become_root_in_userns();
        if euid != 0 {
            let mut c = cmd("sleep")
                .arg("60")
                .clone_flags(CloneFlags::NEWUSER)
                .spawn()
                .unwrap();
            let sg = std::fs::read_to_string(format!("/proc/{}/setgroups", c.pid)).unwrap();
            assert_eq!(sg.trim(), "deny");
            c.kill().unwrap();
            c.wait().unwrap();
        }
    });
    let e = cmd("true").uid_map(0, 0, 1).status().unwrap_err();
    assert_eq!(io_errno(&e), Some(Errno::EINVAL));
    let e = cmd("true")
        .clone_flags(CloneFlags::PARENT)
        .status()
        .unwrap_err();
    assert_eq!(io_errno(&e), Some(Errno::EINVAL));
}

/// Resource limits are set in the child before exec.
#[test]
fn rlimit_is_set_in_the_child() {
    let mut c = cmd("sleep")
        .arg("60")
        .rlimit(pidfs::raw::RLIMIT_NOFILE, 64, 128)
        .spawn()
        .unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", c.pid)).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        line.split_whitespace().skip(3).take(2).collect::<Vec<_>>(),
        ["64", "128"]
    );
    c.kill().unwrap();
    c.wait().unwrap();
}

/// The program starts with SIGPIPE at its default (this process ignores
/// it, as every Rust program does), so `prog | head` behaves as from a
/// shell: `SigIgn` bit 12 is clear.
#[test]
fn sigpipe_is_default_in_the_program() {
    let (_, o, _) = out(cmd("cat").arg("/proc/self/status"));
    let ign = o
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(|v| u64::from_str_radix(v.trim(), 16).unwrap())
        .unwrap();
    assert_eq!(ign & (1 << (libc::SIGPIPE - 1)), 0, "SigIgn {ign:#x}");
}

/// Exec errors come back as the errno, with no fd (pipes included) and
/// no zombie left: ENOENT (no such program), EACCES (not executable, a
/// directory), ENOEXEC (no format the kernel runs; no /bin/sh retry, as
/// std), and InvalidInput for a NUL byte (nothing is forked).
#[test]
fn exec_errors_leave_nothing_behind() {
    let dir = tmpdir("exec");
    let noexec = dir.join("noexec");
    write_file(&noexec, b"#!/bin/true\n", 0o644);
    let garbage = dir.join("garbage");
    write_file(&garbage, b"\x01\x02\x03 not a program\n", 0o755);
    let cases: [(PathBuf, Errno); 5] = [
        (PathBuf::from("pidfs-no-such-program"), Errno::ENOENT),
        (PathBuf::from("/nonexistent/program"), Errno::ENOENT),
        (noexec, Errno::EACCES),
        (dir.clone(), Errno::EACCES),
        (garbage, Errno::ENOEXEC),
    ];
    no_fd_leak(|| {
        for (prog, want) in &cases {
            let e = cmd(prog.to_str().unwrap())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_err();
            assert_eq!(io_errno(&e), Some(*want), "{prog:?}");
            let e = cmd(prog.to_str().unwrap()).output().unwrap_err();
            assert_eq!(io_errno(&e), Some(*want), "{prog:?}");
        }
        let e = cmd("true").arg("a\0b").spawn().unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let e = cmd("true").env("K", "v\0").spawn().unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let e = Command::new("").spawn().unwrap_err();
        assert_eq!(io_errno(&e), Some(Errno::ENOENT));
        assert_no_children();
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Success leaves nothing behind either: after `wait`, no fd of the
/// spawn (pidfd, pipes, /dev/null) and no child remain.
#[test]
fn success_leaves_nothing_behind() {
    no_fd_leak(|| {
        let o = cmd("printf")
            .args(["%s\\n", "ok"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.stdout, b"ok\n");
        let mut c = cmd("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert_eq!(c.wait(), Ok(WaitStatus::Exited(0)));
        drop(c);
        assert_no_children();
    });
}

/// `Child` is `AsFd` (its pidfd): the free functions take it directly.
#[test]
fn child_as_fd_is_the_pidfd() {
    let mut c = cmd("sleep").arg("60").spawn().unwrap();
    assert_eq!(pidfs::pidfd_poll(&c, Some(Duration::ZERO)), Ok(false));
    pidfs::pidfd_send_signal(&c, libc::SIGTERM, None, pidfs::SignalFlags::empty()).unwrap();
    assert_eq!(
        pidfs::pidfd_poll(&c, Some(Duration::from_secs(10))),
        Ok(true)
    );
    assert_eq!(
        c.wait(),
        Ok(WaitStatus::Signaled {
            signal: libc::SIGTERM,
            core_dumped: false
        })
    );
}
