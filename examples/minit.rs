//! `minit`: a minimal init for static musl systems that survives its own
//! re-exec without losing or double-adopting a child.
//!
//! ```text
//! minit [--state-file <path>] [--poweroff] [--no-handles] <config>
//! ```
//!
//! The config names one service per line: `[name:] /path/to/program args...`
//! (blank lines and `#` comments are skipped; the name defaults to the
//! program's file name). minit runs as PID 1, or anywhere else as a child
//! subreaper (`PR_SET_CHILD_SUBREAPER`), and:
//!
//! - starts every service with [`pidfs::spawn`] and keeps its pidfd;
//! - reaps every child: services through their pidfd (`waitid(P_PIDFD)`),
//!   orphans re-parented to it with `waitid(P_ALL)` (fine here: it is the
//!   init, every child is its own), and restarts a service that died;
//! - on `SIGHUP` writes each service's pidfs file handle (its 64-bit id),
//!   pid, start time and restart count to the state file, re-execs itself
//!   (`execve("/proc/self/exe", ..., --resume <state>)`), reopens every
//!   child from its handle (`open_by_handle_at`) and checks the ids: no
//!   child is lost (one that died during the exec is still a zombie of
//!   ours: it is reaped and restarted) and none is adopted twice. On
//!   kernels without pidfs handles (`EOPNOTSUPP`, before 6.14) it records
//!   pids and start times instead (`/proc/<pid>/stat` field 22), reopens
//!   with `pidfd_open(pid)` and adopts only when the start time still
//!   matches, and says so on stderr;
//! - on `SIGTERM`/`SIGINT` stops the services (`SIGTERM`, then `SIGKILL`
//!   after 5 s) and exits 0, or powers off with `--poweroff` (for the
//!   system's real PID 1, whose exit would panic the kernel).
//!
//! Signals are blocked and taken with `sigtimedwait`, so none is lost
//! across the exec (the mask and pending set survive `execve`).
//!
//! Every event is one machine-readable line on stdout:
//! `minit: started <name> pid=<p> id=<id> handle=<hex> restarts=<n>`,
//! `minit: exited <name> pid=<p> id=<id> status=<...>`,
//! `minit: resumed <name> pid=<p> id=<id> via=<handle|pid+starttime>`,
//! `minit: reexec state=<file>`, `minit: ready pid=<p> services=<n>`,
//! `minit: orphan pid=<p> status=<...>`, `minit: stopped`.

use pidfs::{CloneFlags, Errno, OFlags, PidFd, PidfdFlags, PidfsHandle, WaitOptions, WaitStatus};
use std::collections::HashSet;
use std::ffi::{CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::time::{Duration, Instant};

/// A child we supervise.
struct Running {
    pid: i32,
    pidfd: PidFd,
    id: Option<u64>,
    handle: Option<PidfsHandle>,
}

struct Service {
    name: String,
    argv: Vec<CString>,
    child: Option<Running>,
    restarts: u32,
    /// When the current (or last) instance was started.
    started: Instant,
    /// Dead and waiting to be restarted.
    pending: bool,
}

struct Opts {
    config: String,
    state_file: String,
    poweroff: bool,
    no_handles: bool,
    resume: Option<String>,
    /// The arguments to pass again on re-exec (without `--resume`).
    args: Vec<OsString>,
}

fn errno_text(call: &str, e: Errno) -> String {
    let n = e.raw_os_error();
    let mut desc = std::io::Error::from_raw_os_error(n).to_string();
    if let Some(i) = desc.find(" (os error") {
        desc.truncate(i);
    }
    format!("{call}: {} (os error {n}): {desc}", e.name().unwrap_or("?"))
}

fn io_errno(e: &std::io::Error) -> Errno {
    Errno::from_raw_os_error(e.raw_os_error().unwrap_or(libc::EIO))
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "minit: {msg}\nusage: minit [--state-file <path>] [--poweroff] [--no-handles] <config>"
    );
    std::process::exit(2)
}

fn parse_opts(raw: Vec<OsString>) -> Opts {
    let mut o = Opts {
        config: String::new(),
        state_file: "/run/minit.state".into(),
        poweroff: false,
        no_handles: false,
        resume: None,
        args: Vec::new(),
    };
    let mut config = None;
    let mut it = raw.into_iter();
    while let Some(a) = it.next() {
        let s = a.to_string_lossy().into_owned();
        match s.as_str() {
            "-h" | "--help" => {
                println!(
                    "usage: minit [--state-file <path>] [--poweroff] [--no-handles] <config>\n\
                     config: one service per line, `[name:] /path/to/program args...`\n\
                     SIGHUP: re-exec, keeping every child; SIGTERM: stop services and exit"
                );
                std::process::exit(0)
            }
            "--state-file" => {
                let v = it
                    .next()
                    .unwrap_or_else(|| usage("--state-file needs a path"));
                o.state_file = v.to_string_lossy().into_owned();
                o.args.push(a);
                o.args.push(v);
            }
            "--resume" => {
                let v = it.next().unwrap_or_else(|| usage("--resume needs a path"));
                o.resume = Some(v.to_string_lossy().into_owned());
            }
            "--poweroff" => {
                o.poweroff = true;
                o.args.push(a);
            }
            "--no-handles" => {
                o.no_handles = true;
                o.args.push(a);
            }
            _ if s.starts_with('-') => usage(&format!("unknown option '{s}'")),
            _ => {
                if config.is_some() {
                    usage(&format!("unexpected argument '{s}'"));
                }
                config = Some(s);
                o.args.push(a);
            }
        }
    }
    o.config = config.unwrap_or_else(|| usage("missing <config>"));
    o
}

fn parse_config(text: &str) -> Result<Vec<Service>, String> {
    let mut out: Vec<Service> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words: Vec<&str> = line.split_whitespace().collect();
        let name = if words[0].ends_with(':') {
            let name = words.remove(0).trim_end_matches(':').to_string();
            if words.is_empty() {
                return Err(format!("line {}: '{name}:' names no program", n + 1));
            }
            name
        } else {
            words[0].rsplit('/').next().unwrap_or(words[0]).to_string()
        };
        if name.is_empty() || out.iter().any(|s| s.name == name) {
            return Err(format!(
                "line {}: service name '{name}' is empty or used twice (write 'name: path args')",
                n + 1
            ));
        }
        let argv = words
            .iter()
            .map(|w| CString::new(*w).map_err(|_| format!("line {}: NUL byte", n + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Service {
            name,
            argv,
            child: None,
            restarts: 0,
            started: Instant::now(),
            pending: true,
        });
    }
    Ok(out)
}

/// Field 22 of `/proc/<pid>/stat`: the start time in clock ticks after
/// boot, which tells a process from a later one that got the same pid.
fn start_time(pid: i32) -> Option<u64> {
    let s = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    // comm (field 2) may contain spaces and ')': fields resume after the
    // last ')'.
    let close = s.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&s[close + 1..]).ok()?;
    // rest starts with field 3 (state); field 22 is the 20th from there.
    rest.split_whitespace().nth(19)?.parse().ok()
}

fn env_cstrings() -> Vec<CString> {
    std::env::vars_os()
        .filter_map(|(k, v)| {
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            CString::new(kv).ok()
        })
        .collect()
}

fn status_text(s: WaitStatus) -> String {
    match s {
        WaitStatus::Exited(c) => format!("exit:{c}"),
        WaitStatus::Signaled { signal, .. } => format!("signal:{signal}"),
        WaitStatus::Stopped(s) => format!("stopped:{s}"),
        WaitStatus::Continued => "continued".into(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

struct Init {
    opts: Opts,
    services: Vec<Service>,
    env: Vec<CString>,
    handles_ok: bool,
}

impl Init {
    fn start(&mut self, i: usize) {
        let env: Vec<&std::ffi::CStr> = self.env.iter().map(|c| c.as_c_str()).collect();
        let svc = &mut self.services[i];
        let argv: Vec<&std::ffi::CStr> = svc.argv.iter().map(|c| c.as_c_str()).collect();
        svc.started = Instant::now();
        match pidfs::spawn(argv[0], &argv, &env, CloneFlags::empty()) {
            Ok(child) => {
                let id = child.pidfd.id().ok();
                let handle = child.pidfd.to_handle().ok();
                println!(
                    "minit: started {} pid={} id={} handle={} restarts={}",
                    svc.name,
                    child.pid,
                    opt(id),
                    opt(handle),
                    svc.restarts
                );
                svc.child = Some(Running {
                    pid: child.pid,
                    pidfd: child.pidfd,
                    id,
                    handle,
                });
                svc.pending = false;
            }
            Err(e) => {
                println!(
                    "minit: failed {} {}",
                    svc.name,
                    errno_text(&format!("spawn({:?})", svc.argv[0]), e)
                );
                svc.pending = true;
            }
        }
    }

    /// Restarts services whose last start is at least a second ago (a
    /// crash loop costs one spawn per second).
    fn restart_pending(&mut self) {
        for i in 0..self.services.len() {
            let s = &self.services[i];
            if s.pending && s.child.is_none() && s.started.elapsed() >= Duration::from_secs(1) {
                self.services[i].restarts += 1;
                self.start(i);
            }
        }
    }

    fn exited(&mut self, i: usize, status: Option<WaitStatus>) {
        let svc = &mut self.services[i];
        if let Some(r) = svc.child.take() {
            println!(
                "minit: exited {} pid={} id={} status={}",
                svc.name,
                r.pid,
                opt(r.id),
                status.map_or("unknown".into(), status_text)
            );
        }
        svc.pending = !svc.argv.is_empty();
    }

    /// Reaps every child that has exited: services through their pidfd,
    /// then anything else (orphans re-parented to us) with `P_ALL`.
    fn reap(&mut self) {
        for i in 0..self.services.len() {
            let Some(r) = &self.services[i].child else {
                continue;
            };
            match r.pidfd.wait(WaitOptions::EXITED | WaitOptions::NOHANG) {
                Ok(None) => {}
                Ok(Some(st)) => self.exited(i, Some(st)),
                Err(Errno::EINTR) => {}
                Err(e) => {
                    println!(
                        "minit: error {}",
                        errno_text(&format!("waitid(P_PIDFD, {})", self.services[i].name), e)
                    );
                    self.exited(i, None);
                }
            }
        }
        loop {
            // SAFETY: siginfo_t is plain data; all-zero is valid.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: reaps any exited child of ours; we are the init (or
            // the subreaper) of every process we may find here.
            let r =
                unsafe { libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED | libc::WNOHANG) };
            // SAFETY: filled by a successful waitid.
            let pid = unsafe { info.si_pid() };
            if r != 0 || pid == 0 {
                break;
            }
            // SAFETY: as above.
            let status = WaitStatus::from_code_status(info.si_code, unsafe { info.si_status() });
            // A service reaped here (it died between the two passes): the
            // pid is still its own, since only we reap our children.
            if let Some(i) = self
                .services
                .iter()
                .position(|s| s.child.as_ref().is_some_and(|r| r.pid == pid))
            {
                self.exited(i, status);
            } else {
                println!(
                    "minit: orphan pid={pid} status={}",
                    status.map_or("unknown".into(), status_text)
                );
            }
        }
    }

    fn write_state(&self) -> std::io::Result<()> {
        let mut s = String::from("minit-state 1\n");
        for svc in &self.services {
            let (pid, handle, start) = match &svc.child {
                Some(r) => (
                    r.pid.to_string(),
                    if self.handles_ok {
                        opt(r.handle)
                    } else {
                        "-".into()
                    },
                    opt(start_time(r.pid)),
                ),
                None => ("-".into(), "-".into(), "-".into()),
            };
            s.push_str(&format!(
                "svc {} restarts={} pid={pid} handle={handle} start={start}\n",
                svc.name, svc.restarts
            ));
        }
        let tmp = format!("{}.tmp", self.opts.state_file);
        std::fs::write(&tmp, s)?;
        std::fs::rename(&tmp, &self.opts.state_file)
    }

    /// SIGHUP: save the children, exec ourselves. Returns only on failure.
    fn reexec(&mut self) {
        if self.handles_ok {
            for svc in &mut self.services {
                if let Some(r) = &mut svc.child {
                    match r.pidfd.to_handle() {
                        Ok(h) => r.handle = Some(h),
                        Err(e) => {
                            eprintln!(
                                "minit: {}; no pidfs file handles on this kernel: falling back to pids + start-time checks",
                                errno_text("name_to_handle_at(pidfd)", e)
                            );
                            self.handles_ok = false;
                            break;
                        }
                    }
                }
            }
        }
        if let Err(e) = self.write_state() {
            println!(
                "minit: reexec-failed {}",
                errno_text(&format!("write({})", self.opts.state_file), io_errno(&e))
            );
            return;
        }
        println!(
            "minit: reexec state={} mode={}",
            self.opts.state_file,
            if self.handles_ok { "handles" } else { "pids" }
        );
        let mut argv: Vec<CString> = vec![CString::new("minit").unwrap()];
        for a in &self.opts.args {
            argv.push(CString::new(a.as_bytes()).unwrap_or_default());
        }
        argv.push(CString::new("--resume").unwrap());
        argv.push(CString::new(self.opts.state_file.as_bytes()).unwrap_or_default());
        let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|c| c.as_ptr()).collect();
        argv_p.push(std::ptr::null());
        let mut envp_p: Vec<*const libc::c_char> = self.env.iter().map(|c| c.as_ptr()).collect();
        envp_p.push(std::ptr::null());
        // Not std's Command::exec: it would unblock every signal first, and
        // a pending SIGHUP or SIGCHLD would then kill us or be lost. The
        // pidfds are O_CLOEXEC; the children and the signal mask survive.
        // SAFETY: NULL-terminated arrays of live C strings.
        unsafe { libc::execve(c"/proc/self/exe".as_ptr(), argv_p.as_ptr(), envp_p.as_ptr()) };
        let e =
            Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(5));
        println!(
            "minit: reexec-failed {}; keeping the same children",
            errno_text("execve(/proc/self/exe)", e)
        );
        let _ = std::fs::remove_file(&self.opts.state_file);
    }

    /// After a re-exec: adopt the children named in the state file.
    fn resume(&mut self, path: &str) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "minit: {}; starting every service afresh",
                    errno_text(&format!("read({path})"), io_errno(&e))
                );
                return;
            }
        };
        let _ = std::fs::remove_file(path);
        let mut adopted: HashSet<u64> = HashSet::new();
        let mut adopted_pids: HashSet<i32> = HashSet::new();
        let mut said_fallback = false;
        for line in text.lines().skip(1) {
            let mut w = line.split_whitespace();
            if w.next() != Some("svc") {
                continue;
            }
            let Some(name) = w.next() else { continue };
            let mut restarts = 0;
            let mut pid = None;
            let mut handle = None;
            let mut start = None;
            for kv in w {
                match kv.split_once('=') {
                    Some(("restarts", v)) => restarts = v.parse().unwrap_or(0),
                    Some(("pid", v)) => pid = v.parse::<i32>().ok(),
                    Some(("handle", v)) => handle = v.parse::<PidfsHandle>().ok(),
                    Some(("start", v)) => start = v.parse::<u64>().ok(),
                    _ => {}
                }
            }
            let i = match self.services.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    // Gone from the config: keep reaping it, never restart.
                    self.services.push(Service {
                        name: name.to_string(),
                        argv: Vec::new(),
                        child: None,
                        restarts,
                        started: Instant::now(),
                        pending: false,
                    });
                    self.services.len() - 1
                }
            };
            self.services[i].restarts = restarts;
            let Some(pid) = pid else { continue };
            let (pidfd, via) = match handle {
                Some(h) => match PidFd::from_handle(&h, OFlags::empty()) {
                    Ok(p) => (p, "handle"),
                    Err(e) => {
                        println!(
                            "minit: lost {name} pid={pid} id={} {}",
                            h.id(),
                            errno_text("open_by_handle_at", e)
                        );
                        continue;
                    }
                },
                None => {
                    if !said_fallback {
                        eprintln!(
                            "minit: the state has no pidfs handles (kernel without them, EOPNOTSUPP): \
                             adopting children by pid + start time (/proc/<pid>/stat field 22)"
                        );
                        said_fallback = true;
                    }
                    let p = match PidFd::open(pid, PidfdFlags::empty()) {
                        Ok(p) => p,
                        Err(e) => {
                            println!(
                                "minit: lost {name} pid={pid} {}",
                                errno_text(&format!("pidfd_open({pid})"), e)
                            );
                            continue;
                        }
                    };
                    // The pidfd pins the pid: check after opening that it
                    // still names the process we recorded.
                    let now = start_time(pid);
                    if start.is_none() || now != start {
                        println!(
                            "minit: lost {name} pid={pid} start={} now={} (another process has this pid)",
                            opt(start),
                            opt(now)
                        );
                        continue;
                    }
                    (p, "pid+starttime")
                }
            };
            let id = pidfd.id().ok();
            // Never adopt one process twice (a corrupt or replayed state).
            let fresh = match id {
                Some(id) => adopted.insert(id),
                None => adopted_pids.insert(pid),
            };
            if !fresh {
                println!(
                    "minit: duplicate {name} pid={pid} id={} not adopted",
                    opt(id)
                );
                continue;
            }
            let handle = if via == "handle" {
                handle
            } else {
                pidfd.to_handle().ok()
            };
            println!(
                "minit: resumed {name} pid={pid} id={} via={via} restarts={restarts}",
                opt(id)
            );
            let svc = &mut self.services[i];
            svc.child = Some(Running {
                pid,
                pidfd,
                id,
                handle,
            });
            svc.pending = false;
        }
        // Services that had no live child at the exec, or whose child was
        // lost: started below like any dead service.
        for s in &mut self.services {
            if s.child.is_none() && !s.argv.is_empty() {
                s.pending = true;
                s.started = Instant::now() - Duration::from_secs(1);
            }
        }
    }

    /// SIGTERM: stop every service, reap, and leave.
    fn shutdown(&mut self, set: &libc::sigset_t) -> ! {
        println!("minit: stopping");
        for s in &self.services {
            if let Some(r) = &s.child {
                let _ = r.pidfd.kill(libc::SIGTERM);
            }
        }
        for s in &mut self.services {
            s.argv.clear(); // no restarts from now on
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut killed = false;
        loop {
            self.reap();
            if self.services.iter().all(|s| s.child.is_none()) {
                break;
            }
            if !killed && Instant::now() >= deadline {
                for s in &self.services {
                    if let Some(r) = &s.child {
                        let _ = r.pidfd.kill(libc::SIGKILL);
                    }
                }
                killed = true;
            }
            sigwait_for(set, Duration::from_millis(100));
        }
        self.reap();
        println!("minit: stopped");
        if self.opts.poweroff {
            // SAFETY: plain syscalls; we are the system's init.
            unsafe {
                libc::sync();
                libc::reboot(libc::RB_POWER_OFF);
            }
        }
        std::process::exit(0)
    }
}

/// What `sigtimedwait` brought.
enum Woke {
    Signal(i32),
    Timeout,
    /// `EINTR`: stopped and continued (`SIGSTOP`/`SIGCONT`), or another
    /// signal; nothing to do.
    Interrupted,
}

/// `sigtimedwait` on `set` for at most `timeout`.
fn sigwait_for(set: &libc::sigset_t, timeout: Duration) -> Woke {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as _,
        tv_nsec: timeout.subsec_nanos() as _,
    };
    // SAFETY: valid set and timespec; the siginfo out-pointer may be NULL.
    let r = unsafe { libc::sigtimedwait(set, std::ptr::null_mut(), &ts) };
    if r > 0 {
        Woke::Signal(r)
    } else if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
        Woke::Interrupted
    } else {
        Woke::Timeout
    }
}

fn main() {
    run(std::env::args_os().skip(1).collect())
}

/// minit with `args` (without the program name); never returns. tests/minit.rs
/// also runs it from inside its test binary where no example binary is shipped.
pub fn run(args: Vec<OsString>) -> ! {
    let opts = parse_opts(args);
    // Block the signals we handle before anything can send them; the mask
    // survives execve, so nothing is lost across a re-exec.
    // SAFETY: sigset_t is plain data, filled by sigemptyset.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid set pointers.
    unsafe {
        libc::sigemptyset(&mut set);
        for s in [libc::SIGCHLD, libc::SIGHUP, libc::SIGTERM, libc::SIGINT] {
            libc::sigaddset(&mut set, s);
        }
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
    let me = pidfs::getpid();
    if me != 1 {
        // SAFETY: prctl with integer arguments.
        let r = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        if r != 0 {
            eprintln!(
                "minit: prctl(PR_SET_CHILD_SUBREAPER): {}",
                std::io::Error::last_os_error()
            );
        }
    }
    let text = match std::fs::read_to_string(&opts.config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "minit: {}",
                errno_text(&format!("read({})", opts.config), io_errno(&e))
            );
            std::process::exit(1)
        }
    };
    let services = match parse_config(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("minit: {}: {e}", opts.config);
            std::process::exit(2)
        }
    };
    let mut init = Init {
        handles_ok: !opts.no_handles,
        opts,
        services,
        env: env_cstrings(),
    };
    if init.opts.no_handles {
        eprintln!("minit: --no-handles: adopting children by pid + start time after a re-exec");
    }
    if let Some(state) = init.opts.resume.clone() {
        init.resume(&state);
        // Children that died during the exec are zombies of ours now.
        init.reap();
        for i in 0..init.services.len() {
            if init.services[i].pending && !init.services[i].argv.is_empty() {
                init.services[i].restarts += 1;
                init.start(i);
            }
        }
    } else {
        for i in 0..init.services.len() {
            init.start(i);
        }
    }
    println!(
        "minit: ready pid={me} services={}",
        init.services.iter().filter(|s| s.child.is_some()).count()
    );
    loop {
        let pending = init.services.iter().any(|s| s.pending);
        let timeout = if pending {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        match sigwait_for(&set, timeout) {
            // No reaping first: a child that is already dead stays a
            // zombie of ours across the exec and is reaped after it.
            Woke::Signal(libc::SIGHUP) => init.reexec(),
            Woke::Signal(libc::SIGTERM | libc::SIGINT) => init.shutdown(&set),
            // Only SIGCHLD says a child may be waiting; the timeout reaps
            // too, as a safety net.
            Woke::Signal(_) | Woke::Timeout => init.reap(),
            Woke::Interrupted => continue,
        }
        init.restart_pending();
    }
}
