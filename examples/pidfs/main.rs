//! `pidfs`: look at, signal and wait for processes through pidfds and
//! pidfs file handles, from the command line.
//!
//! ```text
//! pidfs info <pid|handle> [--json]      the process: command, state, PIDFD_GET_INFO (or /proc), id, handle
//! pidfs handle <pid> [--json]           its pidfs file handle, as 32 hex digits
//! pidfs open <handle> [--json]          reopen a handle and print the info (fails once it is gone)
//! pidfs kill [-s SIG] <pid|handle>...   signal through a pidfd: never a recycled pid
//! pidfs wait <pid|handle>... [--timeout D] [--any]
//! pidfs translate --ns <path> <pid> [--method ioctl|fork|proc] [--into] [--json]
//! pidfs features [--json]               which process-handle features this kernel offers
//! ```
//!
//! Exit codes: 0 success, 1 a call failed (the message names the call and
//! its errno), 2 usage error (one line and a `--help` hint); `wait` exits
//! with the process's own status, as a shell does (see its `--help`).
//! `--json` output has stable keys (README.md, "Command-line tool").
//! Argument parsing and JSON are written by hand: the example needs no
//! dependency beyond the crate.
//!
//! Build it static for a small musl system:
//! `cargo build --release --example pidfs --target i686-unknown-linux-musl`.

/// `println!` that ends the tool quietly when stdout is a closed pipe
/// (`pidfs info 1 | head -3`): the Rust runtime ignores SIGPIPE, so a
/// plain `println!` would panic there. Exit code 141 (128 + SIGPIPE), as
/// a shell reports a program killed by it.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        if o.write_fmt(format_args!($($t)*)).and_then(|()| o.write_all(b"\n")).is_err() {
            std::process::exit(141);
        }
    }};
}

mod info;
mod json;
mod procs;

use pidfs::{Errno, Method, OFlags, PidFd, PidfdFlags, PidfsHandle, Translator};
use std::process::ExitCode;

const VERSION: &str = env!("CARGO_PKG_VERSION");

const USAGE: &str = "\
usage: pidfs <command> [args]

commands:
  info <pid|handle> [--json]       the process: command, state, what PIDFD_GET_INFO
                                   (or its /proc fallback) knows, its 64-bit id and handle
  handle <pid> [--json]            print the process's pidfs file handle (32 hex digits)
  open <handle> [--json]           reopen a handle and print the process's info
  kill [-s SIG] <pid|handle>...    send a signal (default TERM) through a pidfd
  wait <pid|handle>... [--timeout D] [--any]
                                   wait until processes (any, not only children) end
  translate --ns <pid-ns file> <pid> [--method ioctl|fork|proc] [--into] [--json]
                                   translate a pid between a pid namespace and this one
  features [--json]                probe which process-handle features this kernel offers

A <handle> (32 hex digits, from `pidfs handle`) names one process for good:
once it is gone, commands fail with ESTALE instead of reaching another one.
A <pid> names whichever process has that number when pidfs opens it.

`pidfs <command> --help` describes one command; `pidfs --version`.
exit codes: 0 ok, 1 a call failed, 2 usage error; `wait`: the process's status";

const HELP_INFO: &str = "\
usage: pidfs info <pid|handle> [--json]

Opens a pidfd for the process and prints its command name, command line
and state (from /proc, race-free through the pidfd), what PIDFD_GET_INFO
knows (pid, tgid, ppid, the eight credentials, cgroup id, exit status,
coredump flags; kernel 6.13+) or what the /proc fallback knows on older
kernels (pid and credentials), then the 64-bit process id (6.9+) and its
file handle (6.14+). --json prints one JSON object (keys in README.md).";

const HELP_HANDLE: &str = "\
usage: pidfs handle <pid> [--json]

Prints the pidfs file handle of <pid> as 32 lowercase hex digits (a stable
encoding, the same on every architecture). The handle names this process
and never another one: `pidfs info <hex>` fails once it is gone, even if
its pid has been reused. Needs kernel 6.14 (EOPNOTSUPP before).
--json prints {\"pid\", \"id\", \"handle\"}.";

const HELP_OPEN: &str = "\
usage: pidfs open <handle> [--json]

Reopens a pidfd from a handle printed by `pidfs handle` (open_by_handle_at)
and prints the process's info, as `pidfs info <handle>`. Fails with ESTALE
(exit code 1) once the process has been reaped, or when it is not visible
in this pid namespace.";

const HELP_KILL: &str = "\
usage: pidfs kill [-s SIG | -SIG] <pid|handle>...

Sends SIG (a name such as TERM, SIGKILL or RTMIN+1, or a number; default
TERM; 0 only checks that the process is there) to each process through a
pidfd (pidfd_send_signal). Through a handle the signal reaches exactly the
process the handle was taken from, or none (ESTALE); a <pid> is turned
into a pidfd first. Prints nothing on success; exit code 1 if any process
could not be signalled.";

const HELP_WAIT: &str = "\
usage: pidfs wait <pid|handle>... [--timeout D] [--any]

Waits (poll on pidfds) until each process has ended; they need not be
children of this process. Prints one line per process as it ends: the exit
status or signal comes from PIDFD_GET_INFO with PIDFD_INFO_EXIT (kernel
6.15+) once its parent has reaped it; older kernels do not tell a
non-parent. --any returns when the first one ends. --timeout D gives up
after D (500ms, 10, 10s, 2m, 1h; seconds by default).

exit codes, as a shell's `wait`: the status of the last process listed
(with --any: of the first to end): its exit code, or 128+N when signal N
killed it; 124 the timeout expired first; 125 it ended but the kernel does
not tell a non-parent how; 127 a process could not be waited for (no such
process: ESRCH, ESTALE); 2 usage error.";

const HELP_TRANSLATE: &str = "\
usage: pidfs translate --ns <pid-ns file> <pid> [--method ioctl|fork|proc] [--into] [--json]

Without --into: <pid> is a pid as seen in the pid namespace <pid-ns file>
(e.g. /proc/1234/ns/pid); prints its number in this process's pid namespace.
With --into: <pid> is a pid of this namespace; prints its number inside
<pid-ns file>'s namespace. Prints the number alone; --json prints
{\"input\", \"output\", \"into\", \"namespace\", \"method\"}. --method forces the nsfs
ioctls (6.11+), the LXCFS fork + SCM_CREDENTIALS method, or /proc NSpid; by
default the best one the kernel supports.";

const HELP_FEATURES: &str = "\
usage: pidfs features [--json]

Probes, live, which process-handle features the running kernel offers.
--json prints {\"architecture\", \"bits\", \"kernel\", \"features\": [{\"name\",
\"available\", \"since\"}]}.";

/// Why a command failed.
pub enum Fail {
    /// Bad command line: exit code 2.
    Usage(String),
    /// The command ran and a call failed: exit code 1.
    Runtime(String),
    /// The command decided its own exit code (`wait`), after printing
    /// `message` to stderr if there is one.
    Exit(u8, Option<String>),
}

/// What a command returns: its exit code.
pub type Res = Result<u8, Fail>;

pub fn usage(msg: impl Into<String>) -> Fail {
    Fail::Usage(msg.into())
}

/// `"pidfd_open(42): ESRCH (os error 3): no such process"`.
pub fn sys_err(call: &str, e: Errno) -> Fail {
    Fail::Runtime(errno_text(call, e))
}

pub fn errno_text(call: &str, e: Errno) -> String {
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
            eprintln!("pidfs: missing command\nTry 'pidfs --help'.");
            return 2;
        }
    };
    let (help, f): (&str, fn(&[String]) -> Res) = match cmd {
        "-h" | "--help" => {
            out!("{USAGE}");
            return 0;
        }
        "help" => {
            out!("{}", rest.first().and_then(|c| help_of(c)).unwrap_or(USAGE));
            return 0;
        }
        "-V" | "--version" => {
            out!("pidfs {VERSION}");
            return 0;
        }
        "info" => (HELP_INFO, info::cmd_info),
        "handle" => (HELP_HANDLE, info::cmd_handle),
        "open" => (HELP_OPEN, info::cmd_open),
        "kill" => (HELP_KILL, procs::cmd_kill),
        "wait" => (HELP_WAIT, procs::cmd_wait),
        "translate" => (HELP_TRANSLATE, cmd_translate),
        "features" => (HELP_FEATURES, cmd_features),
        other => {
            eprintln!("pidfs: unknown command '{other}'\nTry 'pidfs --help'.");
            return 2;
        }
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        out!("{help}");
        return 0;
    }
    match f(rest) {
        Ok(code) => code,
        Err(Fail::Runtime(msg)) => {
            eprintln!("pidfs: {msg}");
            1
        }
        Err(Fail::Usage(msg)) => {
            eprintln!("pidfs {cmd}: {msg}\nTry 'pidfs {cmd} --help'.");
            2
        }
        Err(Fail::Exit(code, msg)) => {
            if let Some(m) = msg {
                eprintln!("pidfs: {m}");
            }
            code
        }
    }
}

fn help_of(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "info" => HELP_INFO,
        "handle" => HELP_HANDLE,
        "open" => HELP_OPEN,
        "kill" => HELP_KILL,
        "wait" => HELP_WAIT,
        "translate" => HELP_TRANSLATE,
        "features" => HELP_FEATURES,
        _ => return None,
    })
}

/// A command line split by a spec: boolean `flags`, `options` that take a
/// value (`--opt v` or `--opt=v`), and the positionals in order. A
/// negative number is a positional (a bad pid), not an option.
pub struct Args {
    pub flags: Vec<&'static str>,
    pub options: Vec<(&'static str, String)>,
    pub positional: Vec<String>,
}

impl Args {
    pub fn parse(
        args: &[String],
        flags: &[&'static str],
        options: &[&'static str],
    ) -> Result<Args, Fail> {
        let mut out = Args {
            flags: Vec::new(),
            options: Vec::new(),
            positional: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(f) = flags.iter().find(|f| **f == a) {
                out.flags.push(f);
            } else if let Some(o) = options.iter().find(|o| **o == a) {
                let v = it
                    .next()
                    .ok_or_else(|| usage(format!("{o} needs a value")))?;
                out.options.push((o, v.clone()));
            } else if let Some((o, v)) = options.iter().find_map(|o| {
                a.strip_prefix(o)
                    .and_then(|r| r.strip_prefix('='))
                    .map(|v| (*o, v))
            }) {
                out.options.push((o, v.to_string()));
            } else if a.starts_with('-') && a.len() > 1 && a.parse::<i64>().is_err() {
                return Err(usage(format!("unknown option '{a}'")));
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    pub fn flag(&self, f: &str) -> bool {
        self.flags.contains(&f)
    }

    pub fn option(&self, o: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| *k == o)
            .map(|(_, v)| v.as_str())
    }

    /// Exactly the positionals `names`.
    pub fn exactly(&self, names: &[&str]) -> Result<(), Fail> {
        if self.positional.len() < names.len() {
            return Err(usage(format!("missing <{}>", names[self.positional.len()])));
        }
        if let Some(extra) = self.positional.get(names.len()) {
            return Err(usage(format!("unexpected argument '{extra}'")));
        }
        Ok(())
    }
}

pub fn parse_pid(s: &str) -> Result<i32, Fail> {
    match s.parse::<i32>() {
        Ok(p) if p > 0 => Ok(p),
        Ok(_) => Err(usage(format!("bad pid '{s}': must be a positive number"))),
        Err(_) => Err(usage(format!("bad pid '{s}': not a number"))),
    }
}

/// A process as named on the command line.
#[derive(Clone, Copy)]
pub enum Target {
    Pid(i32),
    Handle(PidfsHandle),
}

/// 32 hex digits are a handle; anything else must be a pid.
pub fn parse_target(s: &str) -> Result<Target, Fail> {
    if s.len() == PidfsHandle::HEX_LEN && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return s
            .parse()
            .map(Target::Handle)
            .map_err(|e| usage(format!("bad handle '{s}': {e}")));
    }
    parse_pid(s).map(Target::Pid)
}

/// A pidfd for the target, and how to name the target in messages.
pub fn open_target(t: Target) -> Result<(PidFd, String), Fail> {
    match t {
        Target::Pid(pid) => PidFd::open(pid, PidfdFlags::empty())
            .map(|p| (p, format!("pid {pid}")))
            .map_err(|e| sys_err(&format!("pidfd_open({pid})"), e)),
        Target::Handle(h) => PidFd::from_handle(&h, OFlags::empty())
            .map(|p| (p, format!("handle {h}")))
            .map_err(|e| Fail::Runtime(handle_err(&h, e))),
    }
}

pub fn handle_err(h: &PidfsHandle, e: Errno) -> String {
    let mut f = errno_text(&format!("open_by_handle_at({h})"), e);
    match e {
        Errno::ESTALE => {
            f.push_str(": the process is gone (reaped), or not visible in this pid namespace")
        }
        Errno::EOPNOTSUPP => f.push_str(" (pidfs file handles need kernel 6.14)"),
        _ => {}
    }
    f
}

fn cmd_translate(args: &[String]) -> Res {
    let a = Args::parse(args, &["--into", "--json"], &["--ns", "--method"])?;
    let ns_path = a
        .option("--ns")
        .ok_or_else(|| usage("missing --ns <pid-ns file>"))?;
    let method = match a.option("--method") {
        None => None,
        Some("ioctl") => Some(Method::Ioctl),
        Some("fork") => Some(Method::Fork),
        Some("proc") => Some(Method::Proc),
        Some(other) => {
            return Err(usage(format!(
                "unknown method '{other}' (ioctl, fork or proc)"
            )));
        }
    };
    a.exactly(&["pid"])?;
    let pid = parse_pid(&a.positional[0])?;
    let into = a.flag("--into");
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
        t.pid_in_pidns(&ns, pid)
    } else {
        t.pid_from_pidns(&ns, pid)
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
    if a.flag("--json") {
        let mut o = json::Obj::new();
        o.num("input", pid)
            .num("output", out)
            .bool("into", into)
            .str("namespace", ns_path)
            .str("method", &m);
        out!("{}", o.end());
    } else {
        out!("{out}");
    }
    Ok(0)
}

fn cmd_features(args: &[String]) -> Res {
    let a = Args::parse(args, &["--json"], &[])?;
    a.exactly(&[])?;
    let f = pidfs::Features::probe();
    let release = pidfs::KernelRelease::get().to_string();
    if a.flag("--json") {
        let rows: Vec<String> = f
            .table()
            .iter()
            .map(|(name, ok, since)| {
                let mut o = json::Obj::new();
                o.str("name", name)
                    .bool("available", *ok)
                    .str("since", since);
                o.end()
            })
            .collect();
        let mut o = json::Obj::new();
        o.str("architecture", std::env::consts::ARCH)
            .num("bits", usize::BITS)
            .str("kernel", &release)
            .raw("features", &format!("[{}]", rows.join(",")));
        out!("{}", o.end());
        return Ok(0);
    }
    out!(
        "architecture: {} ({}-bit)",
        std::env::consts::ARCH,
        usize::BITS
    );
    out!("kernel release: {release}");
    for (name, ok, since) in f.table() {
        out!(
            "  {:<32} {:<4} (since {since})",
            name,
            if ok { "yes" } else { "no" }
        );
    }
    Ok(0)
}
