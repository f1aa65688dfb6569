//! `pidfs`: look at processes through pidfds from the command line.
//!
//! ```text
//! pidfs info <pid>            everything PIDFD_GET_INFO (or its /proc fallback) knows, and the 64-bit id
//! pidfs handle <pid>          the process's pidfs file handle, as 32 hex digits
//! pidfs open <hex>            reopen a handle and print the process's info (fails once it is gone)
//! pidfs translate --ns <path> <pid> [--method ioctl|fork|proc] [--into]
//! pidfs wait <pid>            wait for any process (not only a child) to exit, and say how it ended
//! pidfs features              which process-handle features this kernel offers
//! ```
//!
//! Exit codes: 0 success, 1 runtime error (the message names the call and
//! its errno), 2 usage error. Argument parsing is written by hand: the
//! example needs no dependency beyond the crate.
//!
//! Build it static for a small musl system:
//! `cargo build --release --example pidfs --target i686-unknown-linux-musl`.

use pidfs::fd::AsFd;
use pidfs::{Errno, InfoMask, Method, OFlags, PidFd, PidfdFlags, PidfsHandle, Translator};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: pidfs <command> [args]

commands:
  info <pid>        what PIDFD_GET_INFO (or its /proc fallback) knows, plus the 64-bit id
  handle <pid>      print the process's pidfs file handle (32 hex digits)
  open <hex>        reopen a handle and print the process's info
  translate --ns <pid-ns file> <pid> [--method ioctl|fork|proc] [--into]
                    translate a pid between a pid namespace and this one
  wait <pid>        wait until a process (any, not only a child) exits; say how it ended
  features          probe which process-handle features this kernel offers

`pidfs <command> --help` describes one command.
exit codes: 0 ok, 1 runtime error, 2 usage error";

const HELP_INFO: &str = "\
usage: pidfs info <pid>

Opens a pidfd for <pid> and prints what PIDFD_GET_INFO knows about the
process (pid, tgid, ppid, the eight credentials, cgroup id; kernel 6.13+),
or what the /proc fallback knows on older kernels (pid and credentials),
then the 64-bit process id (pidfs inode number, 6.9+) and its file handle.";

const HELP_HANDLE: &str = "\
usage: pidfs handle <pid>

Prints the pidfs file handle of <pid> as 32 lowercase hex digits (a stable
encoding, the same on every architecture). The handle names this process
and never another one: `pidfs open <hex>` fails once it is gone, even if its
pid has been reused. Needs kernel 6.14 (EOPNOTSUPP before).";

const HELP_OPEN: &str = "\
usage: pidfs open <hex>

Reopens a pidfd from a handle printed by `pidfs handle` (open_by_handle_at)
and prints the process's info. Fails with ESTALE (exit code 1) once the
process has been reaped, or when it is not visible in this pid namespace.";

const HELP_TRANSLATE: &str = "\
usage: pidfs translate --ns <pid-ns file> <pid> [--method ioctl|fork|proc] [--into]

Without --into: <pid> is a pid as seen in the pid namespace <pid-ns file>
(e.g. /proc/1234/ns/pid); prints its number in this process's pid namespace.
With --into: <pid> is a pid of this namespace; prints its number inside
<pid-ns file>'s namespace. --method forces the nsfs ioctls (6.11+), the
LXCFS fork + SCM_CREDENTIALS method, or /proc NSpid; by default the best
one the kernel supports.";

const HELP_WAIT: &str = "\
usage: pidfs wait <pid>

Waits (poll on a pidfd) until <pid> exits; it need not be a child of this
process. Then prints how it ended: the exit status or signal comes from
PIDFD_GET_INFO with PIDFD_INFO_EXIT (kernel 6.15+) once its parent has
reaped it; older kernels do not tell a non-parent.";

const HELP_FEATURES: &str = "\
usage: pidfs features

Probes, live, which process-handle features the running kernel offers.";

/// Why a command failed.
enum Fail {
    /// Bad command line: exit code 2.
    Usage(String),
    /// The command ran and a call failed: exit code 1.
    Runtime(String),
}

type Res = Result<(), Fail>;

fn usage(msg: impl Into<String>) -> Fail {
    Fail::Usage(msg.into())
}

/// `"pidfd_open(42): ESRCH (os error 3): no such process"`.
fn sys_err(call: &str, e: Errno) -> Fail {
    Fail::Runtime(errno_text(call, e))
}

fn errno_text(call: &str, e: Errno) -> String {
    let n = e.raw_os_error();
    let mut desc = std::io::Error::from_raw_os_error(n).to_string();
    if let Some(i) = desc.find(" (os error") {
        desc.truncate(i);
    }
    let desc = lowercase_first(&desc);
    match e.name() {
        Some(name) => format!("{call}: {name} (os error {n}): {desc}"),
        None => format!("{call}: os error {n}: {desc}"),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn main() -> ExitCode {
    ExitCode::from(run(std::env::args().skip(1).collect()))
}

/// The whole tool, for `args` without the program name (tests/cli.rs also
/// runs it from inside its test binary where no example binary is shipped).
pub fn run(args: Vec<String>) -> u8 {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => {
            eprintln!("pidfs: missing command\n{USAGE}");
            return 2;
        }
    };
    let (help, result) = match cmd {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return 0;
        }
        "info" => (HELP_INFO, with_help(rest, HELP_INFO, cmd_info)),
        "handle" => (HELP_HANDLE, with_help(rest, HELP_HANDLE, cmd_handle)),
        "open" => (HELP_OPEN, with_help(rest, HELP_OPEN, cmd_open)),
        "translate" => (
            HELP_TRANSLATE,
            with_help(rest, HELP_TRANSLATE, cmd_translate),
        ),
        "wait" => (HELP_WAIT, with_help(rest, HELP_WAIT, cmd_wait)),
        "features" => (HELP_FEATURES, with_help(rest, HELP_FEATURES, cmd_features)),
        other => {
            eprintln!("pidfs: unknown command '{other}'\n{USAGE}");
            return 2;
        }
    };
    match result {
        Ok(()) => 0,
        Err(Fail::Runtime(msg)) => {
            eprintln!("pidfs: {msg}");
            1
        }
        Err(Fail::Usage(msg)) => {
            eprintln!("pidfs {cmd}: {msg}\n{help}");
            2
        }
    }
}

/// Runs `f` unless `--help`/`-h` is among the arguments.
fn with_help(args: &[String], help: &str, f: fn(&[String]) -> Res) -> Res {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{help}");
        return Ok(());
    }
    f(args)
}

/// Exactly `n` positional arguments, no options.
fn positional<'a>(args: &'a [String], names: &[&str]) -> Result<Vec<&'a str>, Fail> {
    for a in args {
        if a.starts_with('-') && a.len() > 1 && a.parse::<i64>().is_err() {
            return Err(usage(format!("unknown option '{a}'")));
        }
    }
    if args.len() < names.len() {
        return Err(usage(format!("missing <{}>", names[args.len()])));
    }
    if args.len() > names.len() {
        return Err(usage(format!(
            "unexpected argument '{}'",
            args[names.len()]
        )));
    }
    Ok(args.iter().map(String::as_str).collect())
}

fn parse_pid(s: &str) -> Result<i32, Fail> {
    match s.parse::<i32>() {
        Ok(p) if p > 0 => Ok(p),
        Ok(_) => Err(usage(format!("bad pid '{s}': must be a positive number"))),
        Err(_) => Err(usage(format!("bad pid '{s}': not a number"))),
    }
}

fn open_pid(pid: i32) -> Result<PidFd, Fail> {
    PidFd::open(pid, PidfdFlags::empty()).map_err(|e| sys_err(&format!("pidfd_open({pid})"), e))
}

fn cmd_info(args: &[String]) -> Res {
    let a = positional(args, &["pid"])?;
    let pid = parse_pid(a[0])?;
    let pidfd = open_pid(pid)?;
    print_info(&pidfd, &format!("pidfd_open({pid})"))
}

/// Prints GET_INFO (or its fallback), the id and the handle of `pidfd`.
fn print_info(pidfd: &PidFd, what: &str) -> Res {
    let mask =
        InfoMask::PID | InfoMask::CREDS | InfoMask::CGROUPID | InfoMask::EXIT | InfoMask::COREDUMP;
    let info = pidfd
        .info(mask)
        .map_err(|e| sys_err(&format!("PIDFD_GET_INFO on {what}"), e))?;
    let source = if pidfs::Features::probe().pidfd_get_info {
        "PIDFD_GET_INFO"
    } else {
        "/proc fallback (no PIDFD_GET_INFO on this kernel)"
    };
    println!("source:   {source}");
    println!("mask:     {:?}", info.mask());
    let opt = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
    println!("pid:      {}", opt(info.pid().map(i64::from)));
    println!("tgid:     {}", opt(info.tgid().map(i64::from)));
    println!("ppid:     {}", opt(info.ppid().map(i64::from)));
    if info.mask().contains(InfoMask::CREDS) {
        println!(
            "uid:      real {} effective {} saved {} fs {}",
            opt(info.ruid().map(i64::from)),
            opt(info.euid().map(i64::from)),
            opt(info.suid().map(i64::from)),
            opt(info.fsuid().map(i64::from))
        );
        println!(
            "gid:      real {} effective {} saved {} fs {}",
            opt(info.rgid().map(i64::from)),
            opt(info.egid().map(i64::from)),
            opt(info.sgid().map(i64::from)),
            opt(info.fsgid().map(i64::from))
        );
    }
    if let Some(c) = info.cgroupid() {
        println!("cgroupid: {c}");
    }
    if let Some(s) = info.wait_status() {
        println!("exit:     {}", describe_status(s));
    }
    if let Some(m) = info.coredump_mask() {
        println!("coredump: mask {m:#x}");
    }
    match pidfd.id() {
        Ok(id) => println!("id:       {id}"),
        Err(e) => println!("id:       unavailable ({})", errno_text("pidfd_id", e)),
    }
    match pidfd.to_handle() {
        Ok(h) => println!("handle:   {h}"),
        Err(e) => println!(
            "handle:   unavailable ({})",
            errno_text("name_to_handle_at", e)
        ),
    }
    Ok(())
}

fn cmd_handle(args: &[String]) -> Res {
    let a = positional(args, &["pid"])?;
    let pid = parse_pid(a[0])?;
    let pidfd = open_pid(pid)?;
    let h = pidfd.to_handle().map_err(|e| {
        let mut f = errno_text(&format!("name_to_handle_at(pidfd of {pid})"), e);
        if e == Errno::EOPNOTSUPP {
            f.push_str(" (pidfs file handles need kernel 6.14)");
        }
        Fail::Runtime(f)
    })?;
    println!("{h}");
    Ok(())
}

fn cmd_open(args: &[String]) -> Res {
    let a = positional(args, &["hex"])?;
    let h: PidfsHandle = a[0]
        .parse()
        .map_err(|e| usage(format!("bad handle '{}': {e}", a[0])))?;
    let pidfd = PidFd::from_handle(&h, OFlags::empty()).map_err(|e| {
        let mut f = errno_text(&format!("open_by_handle_at({h})"), e);
        match e {
            Errno::ESTALE => {
                f.push_str(": the process is gone (reaped), or not visible in this pid namespace")
            }
            Errno::EOPNOTSUPP => f.push_str(" (pidfs file handles need kernel 6.14)"),
            _ => {}
        }
        Fail::Runtime(f)
    })?;
    print_info(&pidfd, &format!("the pidfd for {h}"))
}

fn cmd_translate(args: &[String]) -> Res {
    let mut ns_path: Option<&str> = None;
    let mut method: Option<Method> = None;
    let mut into = false;
    let mut pid: Option<&str> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--ns" => {
                let v = it.next().ok_or_else(|| usage("--ns needs a path"))?;
                ns_path = Some(v);
            }
            "--method" => {
                let v = it
                    .next()
                    .ok_or_else(|| usage("--method needs ioctl, fork or proc"))?;
                method = Some(match v.as_str() {
                    "ioctl" => Method::Ioctl,
                    "fork" => Method::Fork,
                    "proc" => Method::Proc,
                    other => {
                        return Err(usage(format!(
                            "unknown method '{other}' (ioctl, fork or proc)"
                        )));
                    }
                });
            }
            "--into" => into = true,
            s if s.starts_with("--ns=") => ns_path = Some(&s[5..]),
            s if s.starts_with('-') && s.parse::<i64>().is_err() => {
                return Err(usage(format!("unknown option '{s}'")));
            }
            s => {
                if let Some(p) = pid {
                    return Err(usage(format!(
                        "unexpected argument '{s}' (pid already given: {p})"
                    )));
                }
                pid = Some(s);
            }
        }
    }
    let ns_path = ns_path.ok_or_else(|| usage("missing --ns <pid-ns file>"))?;
    let pid = parse_pid(pid.ok_or_else(|| usage("missing <pid>"))?)?;
    let ns = std::fs::File::open(ns_path).map_err(|e| {
        let errno = Errno::from_raw_os_error(e.raw_os_error().unwrap_or(5));
        sys_err(&format!("open({ns_path})"), errno)
    })?;
    let t = match method {
        Some(m) => Translator::with_method(m),
        None => Translator::new(),
    };
    let m = format!("{:?}", t.method()).to_lowercase();
    let r = if into {
        t.pid_in_pidns(ns.as_fd(), pid)
    } else {
        t.pid_from_pidns(ns.as_fd(), pid)
    };
    let call = if into {
        format!("translate pid {pid} into {ns_path} (method {m})")
    } else {
        format!("translate pid {pid} of {ns_path} (method {m})")
    };
    let out = r.map_err(|e| {
        let mut f = errno_text(&call, e);
        match e {
            Errno::EINVAL => f.push_str(": not a pid namespace (or not one this method can enter)"),
            Errno::ESRCH => f.push_str(
                ": no such process in the source namespace, or it has no number in the target one",
            ),
            Errno::ENOTTY => f.push_str(": this kernel has no nsfs pid ioctls (6.11+)"),
            _ => {}
        }
        Fail::Runtime(f)
    })?;
    if into {
        println!("{out}\t(pid {pid} here is {out} in {ns_path}; method {m})");
    } else {
        println!("{out}\t(pid {pid} in {ns_path} is {out} here; method {m})");
    }
    Ok(())
}

fn describe_status(s: pidfs::WaitStatus) -> String {
    match s {
        pidfs::WaitStatus::Exited(c) => format!("exited with status {c}"),
        pidfs::WaitStatus::Signaled {
            signal,
            core_dumped,
        } => format!(
            "killed by signal {signal} ({}){}",
            signal_name(signal),
            if core_dumped { ", core dumped" } else { "" }
        ),
        pidfs::WaitStatus::Stopped(sig) => format!("stopped by signal {sig}"),
        pidfs::WaitStatus::Continued => "continued".to_string(),
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => "?",
    }
}

fn cmd_wait(args: &[String]) -> Res {
    let a = positional(args, &["pid"])?;
    let pid = parse_pid(a[0])?;
    let pidfd = open_pid(pid)?;
    // The 64-bit id names the process in the output (the pid may be reused
    // by the time anyone reads it).
    let id = pidfd.id().ok();
    match id {
        Some(id) => println!("waiting for pid {pid} (id {id})"),
        None => println!("waiting for pid {pid}"),
    }
    loop {
        match pidfd.poll(None) {
            Ok(true) => break,
            Ok(false) | Err(Errno::EINTR) => continue,
            Err(e) => return Err(sys_err(&format!("poll(pidfd of {pid})"), e)),
        }
    }
    // The exit status reaches PIDFD_INFO_EXIT when the parent reaps the
    // process (6.15+). Give a parent a moment to do so.
    let deadline = Instant::now() + Duration::from_secs(2);
    let have_info = pidfs::Features::probe().pidfd_get_info;
    const UNKNOWN: &str = "exited (status unknown to a non-parent on this kernel)";
    let how = loop {
        match pidfd.info(InfoMask::EXIT) {
            Ok(info) => {
                if let Some(s) = info.wait_status() {
                    break describe_status(s);
                }
                // The /proc fallback never knows the status.
                if !have_info {
                    break UNKNOWN.to_string();
                }
                // Still a zombie: give its parent a moment to reap it.
                if Instant::now() > deadline {
                    break "exited (a zombie: its parent has not reaped it yet, so no status)"
                        .into();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            // Reaped, and the kernel keeps no exit status for others
            // (PIDFD_INFO_EXIT is 6.15+).
            Err(Errno::ESRCH) => break UNKNOWN.to_string(),
            Err(e) => return Err(sys_err(&format!("PIDFD_GET_INFO(pidfd of {pid})"), e)),
        }
    };
    println!("pid {pid} {how}");
    Ok(())
}

fn cmd_features(args: &[String]) -> Res {
    positional(args, &[])?;
    println!(
        "architecture: {} ({}-bit)",
        std::env::consts::ARCH,
        usize::BITS
    );
    println!("kernel release: {}", pidfs::KernelRelease::get());
    let f = pidfs::Features::probe();
    let rows = f.table();
    for (name, ok, since) in rows {
        println!(
            "  {:<32} {:<4} (since {since})",
            name,
            if ok { "yes" } else { "no" }
        );
    }
    Ok(())
}
