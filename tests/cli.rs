//! The `pidfs` command-line tool (examples/pidfs.rs), run as a program on
//! real processes: every subcommand, and every error path with its exit
//! code (0 ok, 1 runtime error naming the call and errno, 2 usage error).
//!
//! The program is the example binary cargo built next to this test
//! (`target/<triple>/<profile>/examples/pidfs`; a plain `cargo test` builds
//! it, `cargo test --test cli` alone does not rebuild it). Where it is not shipped
//! (the real-kernel matrix copies only test binaries), this test binary
//! runs the same code: it includes the example's source, and a constructor
//! in `.init_array` runs it when `PIDFS_CLI_SELF` is set. Under qemu-user
//! the program is started through the target's qemu-user binary
//! (`common::QEMU_USER`; the host kernel cannot exec a foreign binary
//! itself).

mod common;

#[path = "common/programs.rs"]
mod programs;

#[allow(dead_code)]
#[path = "../examples/pidfs/main.rs"]
mod pidfs_cli;

use common::{Child, QEMU_USER, qemu};
use pidfs::{Errno, Features, InfoMask, PidFd, PidfdFlags};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const SELF_ENV: &str = "PIDFS_CLI_SELF";

/// Runs the tool's code instead of the test harness when this binary was
/// started as the tool.
extern "C" fn cli_ctor() {
    // SAFETY: getenv before main, single-threaded; the name is a C string.
    if unsafe { libc::getenv(c"PIDFS_CLI_SELF".as_ptr()) }.is_null() {
        return;
    }
    // std::env::args is not set up yet on musl: read the command line.
    let mut cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    // Every argument ends with a NUL; an empty one is still an argument.
    cmdline.pop();
    let args: Vec<String> = cmdline
        .split(|&b| b == 0)
        .skip(1)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let code = pidfs_cli::run(args);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // SAFETY: leave at once, without running the harness.
    unsafe { libc::_exit(i32::from(code)) }
}

#[used]
#[unsafe(link_section = ".init_array")]
static CLI_CTOR: extern "C" fn() = cli_ctor;

/// The program to run and whether it is this test binary in tool mode.
fn program() -> (PathBuf, bool) {
    let exe = std::env::current_exe().expect("current_exe");
    let example = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("examples").join("pidfs"));
    match example {
        Some(p) if p.is_file() => (p, false),
        _ => (exe, true),
    }
}

/// A `Command` for the tool (through qemu-user under qemu).
pub fn pidfs_cmd() -> Command {
    let (prog, this) = program();
    let mut c = if qemu() {
        let mut c = Command::new(QEMU_USER);
        c.arg(&prog);
        c
    } else {
        Command::new(&prog)
    };
    if this {
        c.env(SELF_ENV, "1");
    }
    c
}

fn run(args: &[&str]) -> Output {
    pidfs_cmd().args(args).output().expect("run pidfs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code and returns (stdout, stderr).
#[track_caller]
fn expect(args: &[&str], code: i32) -> (String, String) {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "pidfs {args:?}\nstdout:\n{}\nstderr:\n{}",
        out(&o),
        err(&o)
    );
    (out(&o), err(&o))
}

/// Waits until `pid` is asleep (a fresh process may still be running on
/// its way to `pause` or `nanosleep`).
fn wait_sleeping(pid: i32) {
    let asleep = common::wait_until(std::time::Duration::from_secs(10), || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.rsplit(')').next().is_some_and(|r| r.starts_with(" S")))
    });
    assert!(asleep, "pid {pid} never went to sleep");
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key).map(str::trim))
}

/// `info <pid>`: PIDFD_GET_INFO where the kernel has it (the /proc fallback
/// under qemu-user and before 6.13), with the pid, the parent (this test)
/// and the 64-bit id the test's own pidfd reports.
#[test]
fn info_of_a_live_process_get_info_or_proc_fallback() {
    let child = Child::sleeper();
    wait_sleeping(child.pid);
    let pid = child.pid.to_string();
    let (o, _) = expect(&["info", &pid], 0);
    let f = Features::probe();
    let source = field(&o, "source:").unwrap();
    if f.pidfd_get_info {
        assert_eq!(source, "PIDFD_GET_INFO");
        assert!(field(&o, "cgroupid:").is_some(), "{o}");
    } else {
        assert!(source.starts_with("/proc fallback"), "{o}");
        assert_eq!(field(&o, "mask:"), Some("pid, creds"));
    }
    // The command name and state, from /proc through the pidfd.
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
    assert_eq!(field(&o, "command:"), Some(comm.trim()));
    assert_eq!(field(&o, "state:"), Some("S (sleeping)"));
    assert!(!qemu() || !f.pidfd_get_info, "qemu-user answers ENOTTY");
    assert_eq!(field(&o, "pid:"), Some(pid.as_str()));
    assert_eq!(field(&o, "tgid:"), Some(pid.as_str()));
    assert_eq!(
        field(&o, "ppid:"),
        Some(std::process::id().to_string().as_str())
    );
    // SAFETY: plain id getter.
    let uid = unsafe { libc::getuid() };
    assert!(
        field(&o, "uid:")
            .unwrap()
            .starts_with(&format!("real {uid} ")),
        "{o}"
    );
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    match pidfd.id() {
        Ok(id) => assert_eq!(field(&o, "id:"), Some(id.to_string().as_str())),
        Err(e) => {
            assert_eq!(e, Errno::EOPNOTSUPP);
            assert!(field(&o, "id:").unwrap().starts_with("unavailable"), "{o}");
        }
    }
}

/// `handle <pid>` prints the same 32 hex digits as `pidfd_to_handle`;
/// `open <hex>` reopens the process while it lives and fails with ESTALE
/// (exit 1, "the process is gone") once it is reaped.
#[test]
fn handle_open_round_trip_then_estale_once_reaped() {
    let mut child = Child::sleeper();
    let pid = child.pid.to_string();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let h = match pidfd.to_handle() {
        Ok(h) => h,
        Err(e) => {
            assert_eq!(e, Errno::EOPNOTSUPP, "no pidfs handles before 6.14");
            let (_, se) = expect(&["handle", &pid], 1);
            assert!(se.contains("EOPNOTSUPP (os error 95)"), "{se}");
            assert!(!Features::probe().file_handles);
            return;
        }
    };
    let (o, _) = expect(&["handle", &pid], 0);
    assert_eq!(o.trim(), h.to_string());
    assert_eq!(o.trim().len(), 32);
    let hex = h.to_string();
    let (o, _) = expect(&["open", &hex], 0);
    assert_eq!(field(&o, "pid:"), Some(pid.as_str()));
    assert_eq!(field(&o, "id:"), Some(h.id().to_string().as_str()));
    // Uppercase is accepted too.
    let (o, _) = expect(&["open", &hex.to_uppercase()], 0);
    assert_eq!(field(&o, "handle:"), Some(hex.as_str()));

    pidfd.kill(libc::SIGKILL).unwrap();
    child.wait();
    let (o, se) = expect(&["open", &hex], 1);
    assert!(o.is_empty(), "{o}");
    assert_eq!(
        se.trim(),
        format!(
            "pidfs: open_by_handle_at({hex}): ESTALE (os error 116): stale file handle: \
             the process is gone (reaped), or not visible in this pid namespace"
        )
    );
}

/// Bad pids: not a number, not positive (usage errors, exit 2), and no
/// such process (ESRCH from pidfd_open, exit 1, with the errno's name).
#[test]
fn bad_pid_usage_errors_and_esrch() {
    for cmd in ["info", "handle", "wait"] {
        let (_, se) = expect(&[cmd, "abc"], 2);
        assert!(
            se.starts_with(&format!("pidfs {cmd}: bad pid 'abc': not a number")),
            "{se}"
        );
        assert!(
            se.ends_with(&format!("\nTry 'pidfs {cmd} --help'.\n")),
            "{se}"
        );
        assert_eq!(se.lines().count(), 2, "{se}");
        let (_, se) = expect(&[cmd, "0"], 2);
        assert!(
            se.contains("bad pid '0': must be a positive number"),
            "{se}"
        );
        let (_, se) = expect(&[cmd, "-7"], 2);
        assert!(
            se.contains("bad pid '-7': must be a positive number"),
            "{se}"
        );
        // Above PID_MAX_LIMIT (4M): never a process. `wait` says so as a
        // shell's `wait` does, with 127.
        let code = if cmd == "wait" { 127 } else { 1 };
        let (o, se) = expect(&[cmd, "1073741823"], code);
        assert!(o.is_empty());
        assert_eq!(
            se.trim(),
            "pidfs: pidfd_open(1073741823): ESRCH (os error 3): no such process"
        );
    }
}

/// Bad handles: wrong length, non-hex digits, a well-formed encoding of
/// another handle type: usage errors (exit 2) naming the defect.
#[test]
fn bad_hex_is_a_usage_error() {
    let cases = [
        ("zz", "length 2, expected 32"),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", ""),
        ("08000000ff0000000100000000000000", ""),
        ("", ""),
    ];
    for (hex, why) in cases {
        let (o, se) = expect(&["open", hex], 2);
        assert!(o.is_empty());
        assert!(
            se.starts_with(&format!("pidfs open: bad handle '{hex}': ")),
            "{se}"
        );
        assert!(se.contains(why), "{se}");
        assert!(hex.parse::<pidfs::PidfsHandle>().is_err());
    }
}

/// Missing arguments, extra arguments, unknown options and subcommands:
/// exit 2 with a message and the usage; `--help` on every subcommand: 0.
#[test]
fn usage_errors_and_help() {
    let (_, se) = expect(&[], 2);
    assert_eq!(se, "pidfs: missing command\nTry 'pidfs --help'.\n");
    let (_, se) = expect(&["bogus"], 2);
    assert_eq!(se, "pidfs: unknown command 'bogus'\nTry 'pidfs --help'.\n");
    for (cmd, what) in [
        ("info", "pid|handle"),
        ("handle", "pid"),
        ("wait", "pid|handle"),
        ("kill", "pid|handle"),
    ] {
        let (_, se) = expect(&[cmd], 2);
        assert_eq!(
            se,
            format!("pidfs {cmd}: missing <{what}>\nTry 'pidfs {cmd} --help'.\n")
        );
        let (_, se) = expect(&[cmd, "--bogus"], 2);
        assert!(
            se.starts_with(&format!("pidfs {cmd}: unknown option '--bogus'\n")),
            "{se}"
        );
    }
    for cmd in ["info", "handle"] {
        let (_, se) = expect(&[cmd, "1", "2"], 2);
        assert!(
            se.starts_with(&format!("pidfs {cmd}: unexpected argument '2'")),
            "{se}"
        );
    }
    let (_, se) = expect(&["open"], 2);
    assert!(se.starts_with("pidfs open: missing <hex>"), "{se}");
    let (_, se) = expect(&["features", "x"], 2);
    assert!(
        se.starts_with("pidfs features: unexpected argument 'x'"),
        "{se}"
    );
    let (_, se) = expect(&["translate", "1"], 2);
    assert!(
        se.starts_with("pidfs translate: missing --ns <pid-ns file>"),
        "{se}"
    );
    let (_, se) = expect(&["translate", "--ns", "/proc/self/ns/pid"], 2);
    assert!(se.starts_with("pidfs translate: missing <pid>"), "{se}");
    let (_, se) = expect(&["translate", "--ns"], 2);
    assert!(
        se.starts_with("pidfs translate: --ns needs a value"),
        "{se}"
    );
    let (_, se) = expect(&["kill", "-s", "NOPE", "1"], 2);
    assert!(se.starts_with("pidfs kill: unknown signal 'NOPE'"), "{se}");
    let (_, se) = expect(&["wait", "1", "--timeout", "soon"], 2);
    assert!(se.starts_with("pidfs wait: bad duration 'soon'"), "{se}");
    let (_, se) = expect(&["translate", "--ns", "/x", "1", "--method", "magic"], 2);
    assert!(
        se.contains("unknown method 'magic' (ioctl, fork or proc)"),
        "{se}"
    );
    let (_, se) = expect(&["translate", "--ns", "/x", "1", "2"], 2);
    assert!(se.contains("unexpected argument '2'"), "{se}");
    for cmd in [
        "info",
        "handle",
        "open",
        "kill",
        "translate",
        "wait",
        "features",
    ] {
        let (o, se) = expect(&[cmd, "--help"], 0);
        assert!(o.starts_with(&format!("usage: pidfs {cmd}")), "{o}");
        assert!(se.is_empty());
        let (o2, _) = expect(&["help", cmd], 0);
        assert_eq!(o2, o);
    }
    let (o, _) = expect(&["--help"], 0);
    assert!(o.starts_with("usage: pidfs <command>"), "{o}");
    assert!(o.contains("exit codes:"), "{o}");
    let (o, _) = expect(&["--version"], 0);
    assert_eq!(o, format!("pidfs {}\n", env!("CARGO_PKG_VERSION")));
    let (o2, _) = expect(&["-V"], 0);
    assert_eq!(o2, o);
}

/// `features` prints the probe table: pidfd_open is there on every
/// supported kernel; clone3 is "no" exactly under qemu-user.
#[test]
fn features_prints_the_probe_table() {
    let (o, _) = expect(&["features"], 0);
    let row = |name: &str| {
        o.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{o}"))
            .to_string()
    };
    assert!(row("pidfd_open ").contains(" yes "), "{o}");
    let clone3 = row("clone3 ");
    assert_eq!(clone3.contains(" no "), qemu(), "{clone3}");
    let f = Features::probe();
    assert_eq!(row("PIDFD_GET_INFO").contains(" yes "), f.pidfd_get_info);
    assert_eq!(row("pidfs file handles").contains(" yes "), f.file_handles);
}

/// A process in a new pid namespace: pid 1 there is its host pid here;
/// `--into` gives 1 back.
fn nested_pidns() -> (Child, i32) {
    let (rd, wr) = {
        let mut fds = [0; 2];
        // SAFETY: pipe writes two fds.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    };
    let holder = Child::spawn(move || {
        common::become_root_in_userns();
        // SAFETY: plain syscalls in a forked, single-threaded child.
        unsafe {
            assert_eq!(libc::unshare(libc::CLONE_NEWPID), 0);
            let pid = libc::fork();
            if pid == 0 {
                // Pid 1 of the namespace: gone with its parent.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                loop {
                    libc::pause();
                }
            }
            libc::write(wr, (&pid as *const i32).cast(), 4);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
        0
    });
    let mut gpid = 0i32;
    // SAFETY: close our copy of the write end; read the grandchild's pid.
    unsafe {
        libc::close(wr);
        assert_eq!(libc::read(rd, (&mut gpid as *mut i32).cast(), 4), 4);
        libc::close(rd);
    }
    (holder, gpid)
}

/// `translate` by each method on a nested pid namespace, and its errors:
/// a file that is not a pid namespace (EINVAL), a missing file (ENOENT),
/// a pid that does not exist there (ESRCH); ENOTTY for the ioctls under
/// qemu-user.
#[test]
fn translate_nested_namespace_each_method_and_errors() {
    let (holder, host_pid) = nested_pidns();
    let ns = format!("/proc/{}/ns/pid_for_children", holder.pid);
    let host = host_pid.to_string();
    let first = |s: &str| s.split('\t').next().unwrap().trim().to_string();
    let (o, _) = expect(&["translate", "--ns", &ns, "1"], 0);
    assert_eq!(first(&o), host, "{o}");
    let (o, _) = expect(&["translate", "--ns", &ns, &host, "--into"], 0);
    assert_eq!(first(&o), "1", "{o}");
    let ioctls = Features::probe().nsfs_pid_ioctls;
    for m in ["ioctl", "fork", "proc"] {
        let args = ["translate", "--method", m, "--ns", &ns, "1"];
        if m == "ioctl" && !ioctls {
            let (_, se) = expect(&args, 1);
            assert!(se.contains("ENOTTY (os error 25)"), "{se}");
            assert!(se.contains("no nsfs pid ioctls"), "{se}");
            continue;
        }
        let (o, _) = expect(&args, 0);
        assert_eq!(o, format!("{host}\n"), "method {m}: the number alone");
        let (o, _) = expect(&["translate", "--method", m, "--ns", &ns, "1", "--json"], 0);
        assert_eq!(
            o,
            format!(
                "{{\"input\":1,\"output\":{host},\"into\":false,\"namespace\":\"{ns}\",\"method\":\"{m}\"}}\n"
            )
        );
        let (o, _) = expect(
            &["translate", "--method", m, "--ns", &ns, &host, "--into"],
            0,
        );
        assert_eq!(first(&o), "1", "method {m}: {o}");
        // A number never allocated in this fresh namespace (the fork method's
        // own helpers take the low ones).
        let (_, se) = expect(&["translate", "--method", m, "--ns", &ns, "30000"], 1);
        assert!(se.contains("ESRCH (os error 3)"), "method {m}: {se}");
    }
    assert!(!qemu() || !ioctls);
    // Not a pid namespace: every method says EINVAL.
    let (_, se) = expect(&["translate", "--ns", "/proc/self/ns/net", "1"], 1);
    assert!(
        se.contains("EINVAL (os error 22): invalid argument: not a pid namespace"),
        "{se}"
    );
    let (_, se) = expect(&["translate", "--ns", "/proc/self/status", "1"], 1);
    assert!(se.contains("EINVAL (os error 22)"), "{se}");
    let (_, se) = expect(&["translate", "--ns", "/nonexistent/ns", "1"], 1);
    assert_eq!(
        se.trim(),
        "pidfs: open(/nonexistent/ns): ENOENT (os error 2): no such file or directory"
    );
    drop(holder);
}

/// Spawns `pidfs wait <pid>` and returns it once it has printed its
/// "waiting for" line (its pidfd is open).
fn start_wait(pid: i32) -> (std::process::Child, BufReader<std::process::ChildStdout>) {
    let mut c = pidfs_cmd()
        .args(["wait", &pid.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(c.stdout.take().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(
        line.starts_with(&format!("waiting for pid {pid}")),
        "{line}"
    );
    (c, r)
}

/// `wait` on a process that is not the tool's child: poll on its pidfd;
/// the exit status comes from PIDFD_INFO_EXIT once the real parent (this
/// test) reaps it (6.15+), else "status unknown to a non-parent".
#[test]
fn wait_for_a_non_child_reports_how_it_ended() {
    for (sig, code) in [(Some(libc::SIGTERM), 0), (None, 7)] {
        let code_of = |c: Option<i32>| c.expect("exited");
        let mut child = if sig.is_some() {
            Child::sleeper()
        } else {
            Child::spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(300));
                7
            })
        };
        let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
        let (mut c, mut r) = start_wait(child.pid);
        if let Some(s) = sig {
            pidfd.kill(s).unwrap();
        }
        child.wait();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut r, &mut rest).unwrap();
        let got = c.wait().unwrap().code();
        // What this kernel keeps for a reaped process, seen from here.
        let exit = pidfs::pidfd_get_info(pidfd.as_fd(), InfoMask::EXIT)
            .ok()
            .and_then(|i| i.wait_status());
        let expected = match (exit, sig) {
            (Some(_), Some(s)) => format!("pid {} killed by signal {s} (SIGTERM)", child.pid),
            (Some(_), None) => format!("pid {} exited with status {code}", child.pid),
            (None, _) => format!(
                "pid {} exited (status unknown to a non-parent on this kernel)",
                child.pid
            ),
        };
        assert_eq!(rest.trim(), expected);
        // Exit status as a shell's `wait`: the code, 128 + the signal, or
        // 125 when the kernel does not tell.
        let want = match (exit, sig) {
            (Some(_), Some(s)) => 128 + s,
            (Some(_), None) => code,
            (None, _) => 125,
        };
        assert_eq!(code_of(got), want);
        if qemu() {
            assert!(exit.is_none(), "qemu-user has no PIDFD_GET_INFO");
        }
    }
}

/// `info --json` on a real program: one line, one object, stable keys; the
/// command name and line, the state; `handle --json` agrees with it.
#[test]
fn info_and_handle_json() {
    let mut child = programs::cmd("sleep").arg("60").spawn().unwrap();
    wait_sleeping(child.pid);
    let pid = child.pid.to_string();
    let (o, _) = expect(&["info", &pid, "--json"], 0);
    assert_eq!(o.lines().count(), 1, "{o}");
    assert!(o.starts_with('{') && o.ends_with("}\n"), "{o}");
    for key in [
        "source", "mask", "pid", "tgid", "ppid", "command", "cmdline", "state", "uid", "gid",
        "cgroupid", "exit", "coredump", "id", "handle",
    ] {
        assert!(o.contains(&format!("\"{key}\":")), "no {key} in {o}");
    }
    assert!(o.contains(&format!("\"pid\":{pid},")), "{o}");
    assert!(o.contains("\"command\":\"sleep\""), "{o}");
    assert!(o.contains("\"cmdline\":[\"sleep\",\"60\"]"), "{o}");
    assert!(o.contains("\"state\":\"S (sleeping)\""), "{o}");
    assert!(o.contains("\"exit\":null"), "{o}");
    let (text, _) = expect(&["info", &pid], 0);
    assert_eq!(field(&text, "command:"), Some("sleep"));
    assert_eq!(field(&text, "cmdline:"), Some("sleep 60"));
    match child.pidfd.to_handle() {
        Ok(h) => {
            let (j, _) = expect(&["handle", &pid, "--json"], 0);
            assert_eq!(
                j,
                format!("{{\"pid\":{pid},\"id\":{},\"handle\":\"{h}\"}}\n", h.id())
            );
            assert!(o.contains(&format!("\"handle\":\"{h}\"")), "{o}");
            // info takes the handle too.
            let (t, _) = expect(&["info", &h.to_string()], 0);
            assert_eq!(field(&t, "pid:"), Some(pid.as_str()));
        }
        Err(e) => {
            assert_eq!(e, Errno::EOPNOTSUPP);
            assert!(o.contains("\"handle\":null"), "{o}");
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `features --json`: every row of the probe table, with its answer.
#[test]
fn features_json() {
    let (o, _) = expect(&["features", "--json"], 0);
    assert!(o.starts_with("{\"architecture\":\""), "{o}");
    assert!(o.contains(&format!("\"bits\":{},", usize::BITS)), "{o}");
    for (name, ok, since) in Features::probe().table() {
        let row = format!("{{\"name\":\"{name}\",\"available\":{ok},\"since\":\"{since}\"}}");
        assert!(o.contains(&row), "no {row} in {o}");
    }
}

/// A pidfd's pidfs handle, or `None` before 6.14.
fn handle_of(pidfd: &PidFd) -> Option<String> {
    match pidfd.to_handle() {
        Ok(h) => Some(h.to_string()),
        Err(e) => {
            assert_eq!(e, Errno::EOPNOTSUPP);
            None
        }
    }
}

/// `kill`: through a pid or a handle, with `-s NAME`, `-s NUM`, `-NAME`,
/// `-NUM`, and 0 to test for life; a gone process is an error (exit 1)
/// naming the call, and a handle never reaches a recycled pid (ESTALE).
#[test]
fn kill_through_pid_and_handle() {
    for (args, sig) in [
        (vec!["kill"], libc::SIGTERM),
        (vec!["kill", "-s", "KILL"], libc::SIGKILL),
        (vec!["kill", "-s", "10"], libc::SIGUSR1),
        (vec!["kill", "-INT"], libc::SIGINT),
        (vec!["kill", "-9"], libc::SIGKILL),
        (vec!["kill", "--signal=SIGHUP"], libc::SIGHUP),
    ] {
        let mut child = common::Child::sleeper();
        let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
        let target = handle_of(&pidfd).unwrap_or(child.pid.to_string());
        let pid = child.pid.to_string();
        let mut a = args.clone();
        a.push(&pid);
        let (o, e) = expect(&["kill", "-s", "0", &target], 0);
        assert_eq!((o.as_str(), e.as_str()), ("", ""));
        let (o, e) = expect(&a, 0);
        assert_eq!((o.as_str(), e.as_str()), ("", ""));
        let st = child.wait();
        assert!(libc::WIFSIGNALED(st), "{args:?}: {st:#x}");
        assert_eq!(libc::WTERMSIG(st), sig, "{args:?}");
        let (_, e) = expect(&["kill", &pid], 1);
        assert_eq!(
            e.trim(),
            format!("pidfs: pidfd_open({pid}): ESRCH (os error 3): no such process")
        );
        if target != pid {
            let (_, e) = expect(&["kill", &target], 1);
            assert!(e.contains("ESTALE (os error 116)"), "{e}");
        }
    }
    // Several targets: each gets the signal; one bad one makes exit 1.
    let mut a = common::Child::sleeper();
    let mut b = common::Child::sleeper();
    let (pa, pb) = (a.pid.to_string(), b.pid.to_string());
    let (_, e) = expect(&["kill", "-s", "TERM", &pa, "1073741823", &pb], 1);
    assert!(e.contains("pidfd_open(1073741823): ESRCH"), "{e}");
    assert_eq!(libc::WTERMSIG(a.wait()), libc::SIGTERM);
    assert_eq!(libc::WTERMSIG(b.wait()), libc::SIGTERM);
}

/// Runs `pidfs wait ARGS...` in the background; returns it once it has
/// printed one "waiting for" line per target.
fn start_wait_args(
    args: &[String],
    n: usize,
) -> (std::process::Child, BufReader<std::process::ChildStdout>) {
    let mut c = pidfs_cmd()
        .arg("wait")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(c.stdout.take().unwrap());
    for _ in 0..n {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with("waiting for pid "), "{line}");
    }
    (c, r)
}

/// What a reaped child's exit looks like to `pidfs wait` here: its shell
/// status when the kernel keeps it for non-parents (6.15+), else 125.
fn shell_status(pidfd: &PidFd, code: i32) -> i32 {
    match pidfs::pidfd_get_info(pidfd.as_fd(), InfoMask::EXIT)
        .ok()
        .and_then(|i| i.wait_status())
    {
        Some(_) => code,
        None => 125,
    }
}

/// `wait` on several processes (by pid and by handle): it waits for all
/// and exits with the last one's status (128 + signal for a signal), as
/// a shell's `wait`; `--any` returns with the first to end; `--timeout`
/// gives up with 124.
#[test]
fn wait_several_any_and_timeout() {
    // All: the second (listed last) is killed by SIGTERM: 143.
    let mut a = common::Child::spawn(|| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        3
    });
    let mut b = common::Child::sleeper();
    let pb = PidFd::open(b.pid, PidfdFlags::empty()).unwrap();
    let tb = handle_of(&pb).unwrap_or(b.pid.to_string());
    let (mut c, mut r) = start_wait_args(&[a.pid.to_string(), tb], 2);
    a.wait();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with(&format!("pid {} exited", a.pid)), "{line}");
    pb.kill(libc::SIGTERM).unwrap();
    b.wait();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut r, &mut rest).unwrap();
    assert!(rest.starts_with(&format!("pid {} ", b.pid)), "{rest}");
    let st = c.wait().unwrap();
    assert_eq!(st.code(), Some(shell_status(&pb, 128 + libc::SIGTERM)));

    // --any: the one that ends first decides.
    let a = common::Child::sleeper();
    let mut b = common::Child::spawn(|| 9);
    let pb = PidFd::open(b.pid, PidfdFlags::empty()).unwrap();
    let (mut c, _r) = start_wait_args(&[a.pid.to_string(), b.pid.to_string(), "--any".into()], 2);
    b.wait();
    let st = c.wait().unwrap();
    assert_eq!(st.code(), Some(shell_status(&pb, 9)));
    let alive = PidFd::open(a.pid, PidfdFlags::empty()).unwrap();
    assert_eq!(alive.poll(Some(std::time::Duration::ZERO)), Ok(false));

    // --timeout: nothing ends in time.
    let (o, e) = expect(&["wait", &a.pid.to_string(), "--timeout", "200ms"], 124);
    assert!(o.starts_with(&format!("waiting for pid {}", a.pid)), "{o}");
    assert_eq!(
        e.trim(),
        "pidfs: wait: timed out after 200ms (1 of 1 still running)"
    );
}
