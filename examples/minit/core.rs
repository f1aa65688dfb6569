//! minit's logic, written for `core` and pidfs alone (no allocation, no
//! libc), so that the std build (`examples/minit.rs`) and the no-libc
//! build (`examples/nolibc/minit.rs`) are the same program. See
//! `examples/minit.rs` for what minit does and the lines it logs.

use core::ffi::CStr;
use core::fmt::Write;
use core::time::Duration;
use pidfs::io::{self, write_all};
use pidfs::{
    CloneFlags, Errno, Forked, MountFlags, OFlags, PidFd, PidfdFlags, PidfsHandle, RebootCommand,
    SigSet, SigmaskHow, WaitId, WaitOptions, WaitStatus, raw,
};

/// The most services a config may name (the re-exec bench runs 1,000).
pub const MAX_SERVICES: usize = 1100;
/// The most words on one config line (program and arguments).
pub const MAX_ARGV: usize = 8;
const CONFIG_MAX: usize = 128 * 1024;
const STATE_MAX: usize = 256 * 1024;
const NAME_MAX: usize = 32;
/// The grace period between SIGTERM and SIGKILL at shutdown.
const GRACE: Duration = Duration::from_secs(5);

/// One output line, written to its fd with one `write` when dropped.
pub struct Line {
    fd: i32,
    buf: [u8; 512],
    len: usize,
}

impl Line {
    pub fn out() -> Line {
        Line {
            fd: 1,
            buf: [0; 512],
            len: 0,
        }
    }
    pub fn err() -> Line {
        Line {
            fd: 2,
            buf: [0; 512],
            len: 0,
        }
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let b = s.as_bytes();
        let n = b.len().min(self.buf.len() - 1 - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
        self.len += n;
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        self.buf[self.len] = b'\n';
        // SAFETY: fds 1 and 2 live as long as the process (writes to a
        // closed one fail with EBADF).
        let fd = unsafe { pidfs::fd::BorrowedFd::borrow_raw(self.fd) };
        let _ = write_all(fd, &self.buf[..=self.len]);
    }
}

/// `minit: ...` on stdout.
macro_rules! say {
    ($($t:tt)*) => {{ let mut l = Line::out(); let _ = write!(l, $($t)*); }};
}
/// `minit: ...` on stderr.
macro_rules! warn {
    ($($t:tt)*) => {{ let mut l = Line::err(); let _ = write!(l, $($t)*); }};
}

/// `call: ENAME (os error N)`.
struct E<'a>(&'a str, Errno);
impl core::fmt::Display for E<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let n = self.1.raw_os_error();
        write!(
            f,
            "{}: {} (os error {n})",
            self.0,
            self.1.name().unwrap_or("?")
        )
    }
}

/// `Some(v)` as `v`, `None` as `-`.
struct Opt<T>(Option<T>);
impl<T: core::fmt::Display> core::fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("-"),
        }
    }
}

struct St(Option<WaitStatus>);
impl core::fmt::Display for St {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(WaitStatus::Exited(c)) => write!(f, "exit:{c}"),
            Some(WaitStatus::Signaled { signal, .. }) => write!(f, "signal:{signal}"),
            Some(WaitStatus::Stopped(s)) => write!(f, "stopped:{s}"),
            Some(WaitStatus::Continued) => f.write_str("continued"),
            None => f.write_str("unknown"),
        }
    }
}

fn s(b: &[u8]) -> &str {
    core::str::from_utf8(b).unwrap_or("?")
}

fn now() -> Duration {
    pidfs::time::monotonic().unwrap_or_default()
}

/// A running child.
struct Running {
    pid: i32,
    pidfd: PidFd,
    id: Option<u64>,
    handle: Option<PidfsHandle>,
}

struct Service {
    name: [u8; NAME_MAX],
    name_len: usize,
    /// Offsets of the NUL-terminated words in the config buffer.
    argv: [u32; MAX_ARGV],
    argc: usize,
    child: Option<Running>,
    restarts: u32,
    started: Duration,
    pending: bool,
}

impl Service {
    const EMPTY: Service = Service {
        name: [0; NAME_MAX],
        name_len: 0,
        argv: [0; MAX_ARGV],
        argc: 0,
        child: None,
        restarts: 0,
        started: Duration::ZERO,
        pending: false,
    };
    fn name(&self) -> &str {
        s(&self.name[..self.name_len])
    }
}

/// Options and the whole state; lives on `run`'s stack.
pub struct Init<'a> {
    env: &'a [&'a CStr],
    /// The arguments to pass again on re-exec (without `--resume`).
    args: [&'a CStr; 8],
    nargs: usize,
    config: Option<&'a CStr>,
    state_file: &'a CStr,
    resume: Option<&'a CStr>,
    poweroff: bool,
    handles_ok: bool,
    pid1: bool,
    text: [u8; CONFIG_MAX],
    services: [Service; MAX_SERVICES],
    n: usize,
}

fn usage(msg: core::fmt::Arguments<'_>) -> ! {
    warn!("minit: {msg}");
    warn!("usage: minit [--state-file <path>] [--poweroff] [--no-handles] <config>");
    pidfs::exit_group(2)
}

impl<'a> Init<'a> {
    pub const fn new(env: &'a [&'a CStr]) -> Init<'a> {
        Init {
            env,
            args: [c""; 8],
            nargs: 0,
            config: None,
            state_file: c"/run/minit.state",
            resume: None,
            poweroff: false,
            handles_ok: true,
            pid1: false,
            text: [0; CONFIG_MAX],
            services: [const { Service::EMPTY }; MAX_SERVICES],
            n: 0,
        }
    }

    fn keep(&mut self, a: &'a CStr) {
        if self.nargs < self.args.len() {
            self.args[self.nargs] = a;
            self.nargs += 1;
        }
    }

    fn parse_opts(&mut self, args: &[&'a CStr]) {
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            let next = |i: usize, what: &str| {
                *args
                    .get(i + 1)
                    .unwrap_or_else(|| usage(format_args!("{what} needs a path")))
            };
            match a.to_bytes() {
                b"-h" | b"--help" => {
                    say!("usage: minit [--state-file <path>] [--poweroff] [--no-handles] <config>");
                    say!("config: one service per line, `[name:] /path/to/program args...`");
                    say!(
                        "SIGHUP: re-exec, keeping every child; SIGTERM: stop everything; SIGINT (ctrl-alt-del): stop and restart"
                    );
                    pidfs::exit_group(0)
                }
                b"--state-file" => {
                    self.state_file = next(i, "--state-file");
                    self.keep(a);
                    self.keep(self.state_file);
                    i += 1;
                }
                b"--resume" => {
                    self.resume = Some(next(i, "--resume"));
                    i += 1;
                }
                b"--poweroff" => {
                    self.poweroff = true;
                    self.keep(a);
                }
                b"--no-handles" => {
                    self.handles_ok = false;
                    self.keep(a);
                }
                b if b.starts_with(b"-") => usage(format_args!("unknown option '{}'", s(b))),
                b => {
                    if self.config.is_some() {
                        usage(format_args!("unexpected argument '{}'", s(b)));
                    }
                    self.config = Some(a);
                    self.keep(a);
                }
            }
            i += 1;
        }
        if self.config.is_none() {
            if !self.pid1 {
                usage(format_args!("missing <config>"));
            }
            // The system's init, started with no arguments.
            self.config = Some(c"/etc/minit.conf");
            self.poweroff = true;
            self.keep(c"--poweroff");
            self.keep(c"/etc/minit.conf");
        }
    }

    /// Reads and parses the config: words become NUL-terminated in place.
    fn load_config(&mut self, path: &CStr) {
        let n = match read_file(path, &mut self.text[..CONFIG_MAX - 1]) {
            Ok(n) => n,
            Err(e) => {
                warn!("minit: {}", E_path("read", path, e));
                pidfs::exit_group(1)
            }
        };
        self.text[n] = 0;
        let mut pos = 0;
        let mut lineno = 0;
        while pos < n {
            lineno += 1;
            let end = self.text[pos..n]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(n, |e| pos + e);
            let mut words = [0u32; MAX_ARGV + 1];
            let mut nw = 0;
            let mut i = pos;
            while i < end {
                while i < end && self.text[i].is_ascii_whitespace() {
                    self.text[i] = 0;
                    i += 1;
                }
                if i >= end {
                    break;
                }
                if nw == 0 && self.text[i] == b'#' {
                    break;
                }
                if nw == words.len() {
                    bad_config(path, lineno, "too many words");
                }
                words[nw] = i as u32;
                nw += 1;
                while i < end && !self.text[i].is_ascii_whitespace() {
                    i += 1;
                }
            }
            if end < n {
                self.text[end] = 0;
            }
            // Comments after the first word are not comments: zero the rest.
            if nw > 0 && self.text[words[0] as usize] == b'#' {
                nw = 0;
            }
            pos = end + 1;
            if nw == 0 {
                continue;
            }
            let first = word(&self.text, words[0]).to_bytes();
            let (name, skip): (&[u8], usize) = if let Some(nm) = first.strip_suffix(b":") {
                if nw == 1 {
                    bad_config(path, lineno, "names no program");
                }
                (nm, 1)
            } else {
                (first.rsplit(|&b| b == b'/').next().unwrap_or(first), 0)
            };
            if name.is_empty() || name.len() > NAME_MAX || self.find(name).is_some() {
                bad_config(
                    path,
                    lineno,
                    "service name is empty, too long or used twice",
                );
            }
            if nw - skip > MAX_ARGV {
                bad_config(path, lineno, "too many words");
            }
            if self.n == MAX_SERVICES {
                bad_config(path, lineno, "too many services");
            }
            let mut svc = Service::EMPTY;
            svc.name[..name.len()].copy_from_slice(name);
            svc.name_len = name.len();
            svc.argc = nw - skip;
            svc.argv[..svc.argc].copy_from_slice(&words[skip..nw]);
            svc.pending = true;
            self.services[self.n] = svc;
            self.n += 1;
        }
    }

    fn find(&self, name: &[u8]) -> Option<usize> {
        (0..self.n).find(|&i| &self.services[i].name[..self.services[i].name_len] == name)
    }

    fn start(&mut self, i: usize) {
        let mut argv = [c""; MAX_ARGV];
        let svc = &self.services[i];
        for (k, &off) in svc.argv[..svc.argc].iter().enumerate() {
            argv[k] = word(&self.text, off);
        }
        let argv = &argv[..svc.argc];
        let r = pidfs::spawn(argv[0], argv, self.env, CloneFlags::empty());
        let svc = &mut self.services[i];
        svc.started = now();
        match r {
            Ok(child) => {
                let id = child.pidfd.id().ok();
                let handle = child.pidfd.to_handle().ok();
                say!(
                    "minit: started {} pid={} id={} handle={} restarts={}",
                    svc.name(),
                    child.pid,
                    Opt(id),
                    Opt(handle),
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
                let prog = s(argv[0].to_bytes());
                say!(
                    "minit: failed {} spawn({prog}): {} (os error {})",
                    svc.name(),
                    e.name().unwrap_or("?"),
                    e.raw_os_error()
                );
                svc.pending = true;
            }
        }
    }

    /// Restarts services whose last start is at least a second ago.
    fn restart_pending(&mut self) {
        let t = now();
        for i in 0..self.n {
            let s = &self.services[i];
            if s.pending
                && s.argc > 0
                && s.child.is_none()
                && t >= s.started + Duration::from_secs(1)
            {
                self.services[i].restarts += 1;
                self.start(i);
            }
        }
    }

    fn exited(&mut self, i: usize, status: Option<WaitStatus>) {
        let svc = &mut self.services[i];
        if let Some(r) = svc.child.take() {
            say!(
                "minit: exited {} pid={} id={} status={}",
                svc.name(),
                r.pid,
                Opt(r.id),
                St(status)
            );
        }
        svc.pending = svc.argc > 0;
    }

    /// Reaps every child that has exited: services through their pidfd,
    /// then anything else (orphans re-parented to us) with `P_ALL`.
    fn reap(&mut self) {
        for i in 0..self.n {
            let Some(r) = &self.services[i].child else {
                continue;
            };
            match r.pidfd.wait(WaitOptions::EXITED | WaitOptions::NOHANG) {
                Ok(None) | Err(Errno::EINTR) => {}
                Ok(Some(st)) => self.exited(i, Some(st)),
                Err(e) => {
                    say!("minit: error {}", E("waitid(P_PIDFD)", e));
                    self.exited(i, None);
                }
            }
        }
        // The deliberately broken build (ci/kernels-minit.sh --broken)
        // forgets the orphans.
        #[cfg(not(minit_broken))]
        while let Ok(Some(w)) =
            pidfs::waitid(WaitId::All, WaitOptions::EXITED | WaitOptions::NOHANG)
        {
            // A service reaped here died between the two passes: the pid
            // is still its own, since only we reap our children.
            match (0..self.n).find(|&i| {
                self.services[i]
                    .child
                    .as_ref()
                    .is_some_and(|r| r.pid == w.pid)
            }) {
                Some(i) => self.exited(i, Some(w.status)),
                None => say!("minit: orphan pid={} status={}", w.pid, St(Some(w.status))),
            }
        }
    }

    fn write_state(&self) -> Result<(), Errno> {
        let mut st = [0u8; STATE_MAX];
        let mut w = Buf { b: &mut st, len: 0 };
        let _ = writeln!(w, "minit-state 1");
        for svc in &self.services[..self.n] {
            let _ = write!(w, "svc {} restarts={}", svc.name(), svc.restarts);
            match &svc.child {
                Some(r) => {
                    let h = if self.handles_ok { r.handle } else { None };
                    let _ = writeln!(
                        w,
                        " pid={} handle={} start={}",
                        r.pid,
                        Opt(h),
                        Opt(pidfs::proc_start_time(r.pid).ok())
                    );
                }
                None => {
                    let _ = writeln!(w, " pid=- handle=- start=-");
                }
            }
        }
        if w.len == w.b.len() {
            return Err(Errno::E2BIG);
        }
        let fd = io::open(
            self.state_file,
            OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC,
            0o600,
        )?;
        write_all(&fd, &w.b[..w.len])
    }

    /// SIGHUP: save the children, exec ourselves. Returns only on failure.
    fn reexec(&mut self) {
        if self.handles_ok {
            for i in 0..self.n {
                let Some(r) = &mut self.services[i].child else {
                    continue;
                };
                match r.pidfd.to_handle() {
                    Ok(h) => r.handle = Some(h),
                    Err(e) => {
                        warn!(
                            "minit: {}; no pidfs file handles on this kernel: falling back to pids + start-time checks",
                            E("name_to_handle_at(pidfd)", e)
                        );
                        self.handles_ok = false;
                        break;
                    }
                }
            }
        }
        if let Err(e) = self.write_state() {
            say!(
                "minit: reexec-failed {}",
                E_path("write", self.state_file, e)
            );
            return;
        }
        say!(
            "minit: reexec state={} mode={}",
            s(self.state_file.to_bytes()),
            if self.handles_ok { "handles" } else { "pids" }
        );
        let mut argv = [c""; 12];
        argv[0] = c"minit";
        argv[1..=self.nargs].copy_from_slice(&self.args[..self.nargs]);
        argv[self.nargs + 1] = c"--resume";
        argv[self.nargs + 2] = self.state_file;
        let argv = &argv[..self.nargs + 3];
        // Not a spawn: the signal mask and the pending signals survive the
        // exec, and so do the children; the pidfds are O_CLOEXEC.
        let e = pidfs::execve(c"/proc/self/exe", argv, self.env);
        say!(
            "minit: reexec-failed {}; keeping the same children",
            E("execve(/proc/self/exe)", e)
        );
    }

    /// After a re-exec: adopt the children named in the state file.
    fn resume(&mut self, path: &CStr) {
        let mut st = [0u8; STATE_MAX];
        let n = match read_file(path, &mut st) {
            Ok(n) => n,
            Err(e) => {
                warn!(
                    "minit: {}; starting every service afresh",
                    E_path("read", path, e)
                );
                return;
            }
        };
        let mut said_fallback = false;
        let text = &st[..n];
        for line in text.split(|&b| b == b'\n').skip(1) {
            let mut w = line.split(|&b| b == b' ').filter(|w| !w.is_empty());
            if w.next() != Some(b"svc") {
                continue;
            }
            let Some(name) = w.next() else { continue };
            let (mut restarts, mut pid, mut handle, mut start) = (0u32, None, None, None);
            for kv in w {
                let Some(eq) = kv.iter().position(|&b| b == b'=') else {
                    continue;
                };
                let (k, v) = (&kv[..eq], s(&kv[eq + 1..]));
                match k {
                    b"restarts" => restarts = v.parse().unwrap_or(0),
                    b"pid" => pid = v.parse::<i32>().ok(),
                    b"handle" => handle = v.parse::<PidfsHandle>().ok(),
                    b"start" => start = v.parse::<u64>().ok(),
                    _ => {}
                }
            }
            let i = match self.find(name) {
                Some(i) => i,
                None if self.n < MAX_SERVICES && name.len() <= NAME_MAX => {
                    // Gone from the config: keep reaping it, never restart.
                    let mut svc = Service::EMPTY;
                    svc.name[..name.len()].copy_from_slice(name);
                    svc.name_len = name.len();
                    self.services[self.n] = svc;
                    self.n += 1;
                    self.n - 1
                }
                None => continue,
            };
            self.services[i].restarts = restarts;
            let name = self.services[i].name();
            let Some(pid) = pid else { continue };
            let (pidfd, via) = match handle {
                Some(h) => match PidFd::from_handle(&h, OFlags::empty()) {
                    Ok(p) => (p, "handle"),
                    Err(e) => {
                        say!(
                            "minit: lost {name} pid={pid} id={} {}",
                            h.id(),
                            E("open_by_handle_at", e)
                        );
                        continue;
                    }
                },
                None => {
                    if !said_fallback {
                        warn!(
                            "minit: the state has no pidfs handles (kernel without them, EOPNOTSUPP): adopting children by pid + start time (/proc/<pid>/stat field 22)"
                        );
                        said_fallback = true;
                    }
                    let p = match PidFd::open(pid, PidfdFlags::empty()) {
                        Ok(p) => p,
                        Err(e) => {
                            say!("minit: lost {name} pid={pid} {}", E("pidfd_open", e));
                            continue;
                        }
                    };
                    // The pidfd pins the pid: check after opening that it
                    // still names the process we recorded.
                    let now = pidfs::proc_start_time(pid).ok();
                    if start.is_none() || now != start {
                        say!(
                            "minit: lost {name} pid={pid} start={} now={} (another process has this pid)",
                            Opt(start),
                            Opt(now)
                        );
                        continue;
                    }
                    (p, "pid+starttime")
                }
            };
            let id = pidfd.id().ok();
            // Never adopt one process twice (a corrupt or replayed state).
            // By the 64-bit id where it came from a handle; without handles
            // (before 6.14) by pid: every child here is alive and pinned by
            // its pidfd, so equal pids are one process, while the id is then
            // statx's inode number, only 32 bits and reused on a 32-bit
            // kernel (armhf 6.12 gives each restarted service its
            // predecessor's number).
            let dup = (0..self.n).any(|k| {
                self.services[k]
                    .child
                    .as_ref()
                    .is_some_and(|r| match (via, id, r.id) {
                        ("handle", Some(a), Some(b)) => a == b,
                        _ => r.pid == pid,
                    })
            });
            if dup {
                say!(
                    "minit: duplicate {name} pid={pid} id={} not adopted",
                    Opt(id)
                );
                continue;
            }
            let handle = if via == "handle" {
                handle
            } else {
                pidfd.to_handle().ok()
            };
            say!(
                "minit: resumed {name} pid={pid} id={} via={via} restarts={restarts}",
                Opt(id)
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
        // Services with no live child: started at once after the resume.
        for svc in &mut self.services[..self.n] {
            if svc.child.is_none() && svc.argc > 0 {
                svc.pending = true;
            }
        }
    }

    fn alive(&self) -> bool {
        self.services[..self.n].iter().any(|s| s.child.is_some())
    }

    fn signal_services(&self, sig: i32) {
        for svc in &self.services[..self.n] {
            if let Some(r) = &svc.child {
                let _ = r.pidfd.kill(sig);
            }
        }
    }

    /// Stop: services first, then (as PID 1) every process with kill(-1),
    /// SIGKILL after the grace period, reaping all; then power off, restart
    /// or exit. Never returns.
    fn shutdown(&mut self, set: &SigSet, restart: bool) -> ! {
        say!("minit: stopping");
        self.signal_services(raw::SIGTERM);
        for svc in &mut self.services[..self.n] {
            svc.argc = 0; // no restarts from now on
            svc.pending = false;
        }
        if self.pid1 {
            // Everything else: the orphans we adopted and their like.
            let r = pidfs::kill(-1, raw::SIGTERM);
            say!(
                "minit: killall signal=15 {}",
                if r.is_ok() { "sent" } else { "none-left" }
            );
        }
        let t0 = now();
        let mut killed = false;
        loop {
            self.reap();
            let others = self.pid1
                && !matches!(
                    pidfs::waitid(
                        WaitId::All,
                        WaitOptions::EXITED | WaitOptions::NOHANG | WaitOptions::NOWAIT
                    ),
                    Err(Errno::ECHILD)
                );
            if !self.alive() && !others {
                break;
            }
            let t = now();
            if !killed && t >= t0 + GRACE {
                self.signal_services(raw::SIGKILL);
                if self.pid1 {
                    let _ = pidfs::kill(-1, raw::SIGKILL);
                    say!("minit: killall signal=9");
                }
                killed = true;
            }
            if killed && t >= t0 + GRACE + GRACE {
                say!("minit: giving up on processes that do not die");
                break;
            }
            let _ = pidfs::sigtimedwait(set, Some(Duration::from_millis(100)));
        }
        say!("minit: stopped");
        if self.poweroff {
            pidfs::sync();
            let cmd = if restart {
                RebootCommand::Restart
            } else {
                RebootCommand::PowerOff
            };
            say!("minit: {}", if restart { "restart" } else { "poweroff" });
            let e = pidfs::reboot(cmd);
            say!("minit: reboot failed {e:?}");
            if self.pid1 {
                loop {
                    let _ = pidfs::time::sleep(Duration::from_secs(3600));
                }
            }
        }
        pidfs::exit_group(0)
    }

    /// PID 1 of a system: mount what is missing (before anything needs
    /// /proc), and have ctrl-alt-del send SIGINT.
    fn setup_pid1(&mut self) {
        mount_if_missing(
            c"/proc/self/stat",
            c"/proc",
            c"proc",
            MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC,
            None,
        );
        mount_if_missing(
            c"/dev/null",
            c"/dev",
            c"devtmpfs",
            MountFlags::NOSUID,
            Some(c"mode=0755"),
        );
        if self.state_file.to_bytes().starts_with(b"/run/") {
            mount_if_missing(
                c"/run/.",
                c"/run",
                c"tmpfs",
                MountFlags::NOSUID | MountFlags::NODEV,
                Some(c"mode=0755"),
            );
        }
        match pidfs::reboot(RebootCommand::CadOff) {
            Ok(()) => say!("minit: ctrl-alt-del sends SIGINT"),
            // A pid namespace's init: ctrl-alt-del is the machine's.
            Err(Errno::EINVAL) => {}
            Err(e) => say!("minit: error {}", E("reboot(CAD_OFF)", e)),
        }
    }
}

fn mount_if_missing(
    probe: &CStr,
    dir: &CStr,
    fstype: &CStr,
    flags: MountFlags,
    data: Option<&CStr>,
) {
    if io::open(probe, OFlags::PATH, 0).is_ok() {
        return;
    }
    let _ = io::mkdir(dir, 0o755);
    match pidfs::mount(Some(fstype), dir, Some(fstype), flags, data) {
        Ok(()) => say!(
            "minit: mounted {} type={}",
            s(dir.to_bytes()),
            s(fstype.to_bytes())
        ),
        Err(e) => say!("minit: error {}", E_path("mount", dir, e)),
    }
}

/// `call(path): ENAME (os error N)`.
#[allow(non_snake_case)]
fn E_path<'p>(call: &'p str, path: &'p CStr, e: Errno) -> impl core::fmt::Display + 'p {
    struct P<'p>(&'p str, &'p CStr, Errno);
    impl core::fmt::Display for P<'_> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            let n = self.2.raw_os_error();
            write!(
                f,
                "{}({}): {} (os error {n})",
                self.0,
                s(self.1.to_bytes()),
                self.2.name().unwrap_or("?")
            )
        }
    }
    P(call, path, e)
}

fn word(text: &[u8], off: u32) -> &CStr {
    CStr::from_bytes_until_nul(&text[off as usize..]).unwrap_or(c"")
}

fn bad_config(path: &CStr, line: usize, what: &str) -> ! {
    warn!(
        "minit: {}: line {line}: {what} (write 'name: path args')",
        s(path.to_bytes())
    );
    pidfs::exit_group(2)
}

struct Buf<'b> {
    b: &'b mut [u8],
    len: usize,
}
impl Write for Buf<'_> {
    fn write_str(&mut self, t: &str) -> core::fmt::Result {
        let n = t.len().min(self.b.len() - self.len);
        self.b[self.len..self.len + n].copy_from_slice(&t.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize, Errno> {
    let fd = io::open(path, OFlags::RDONLY, 0)?;
    let mut n = 0;
    while n < buf.len() {
        match io::read(&fd, &mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The test services minit can be (`minit --service <kind> ...`), so that
/// a system booted with minit as /init needs no other program:
/// `sleep` sleeps; `orphan` double-forks a sleeper that is re-parented to
/// minit; `flaky <ms> <code>` exits after `ms`; `driver <ms> <ms>` sends
/// its parent SIGHUP, then SIGTERM.
fn service(args: &[&CStr]) -> ! {
    let num = |i: usize, d: u64| {
        args.get(i)
            .and_then(|a| s(a.to_bytes()).parse().ok())
            .unwrap_or(d)
    };
    let forever = || -> ! {
        loop {
            let _ = pidfs::time::sleep(Duration::from_secs(3600));
        }
    };
    let ms = |v: u64| pidfs::time::sleep(Duration::from_millis(v));
    match args.first().map(|a| a.to_bytes()) {
        Some(b"sleep") => forever(),
        Some(b"orphan") => {
            // SAFETY: this process is single-threaded.
            match unsafe { pidfs::fork_pidfd(CloneFlags::empty()) } {
                Ok(Forked::Child) => {
                    // SAFETY: as above.
                    if let Ok(Forked::Child) = unsafe { pidfs::fork_pidfd(CloneFlags::empty()) } {
                        let _ = ms(100);
                        say!(
                            "minit-svc: orphan pid={} ppid={}",
                            pidfs::getpid(),
                            pidfs::getppid()
                        );
                        forever()
                    }
                    pidfs::exit_group(0)
                }
                Ok(Forked::Parent { pidfd, .. }) => {
                    let _ = pidfd.wait(WaitOptions::EXITED);
                    forever()
                }
                Err(e) => {
                    say!("minit-svc: {}", E("fork", e));
                    pidfs::exit_group(1)
                }
            }
        }
        Some(b"flaky") => {
            let _ = ms(num(1, 500));
            pidfs::exit_group(num(2, 3) as i32)
        }
        Some(b"driver") => {
            let _ = ms(num(1, 3000));
            say!("minit-svc: driver sends SIGHUP to {}", pidfs::getppid());
            let _ = pidfs::kill(pidfs::getppid(), raw::SIGHUP);
            let _ = ms(num(2, 3000));
            say!("minit-svc: driver sends SIGTERM to {}", pidfs::getppid());
            let _ = pidfs::kill(pidfs::getppid(), raw::SIGTERM);
            forever()
        }
        _ => usage(format_args!(
            "--service sleep | orphan | flaky <ms> <code> | driver <ms> <ms>"
        )),
    }
}

/// minit with `args` (without the program name) and `env`; never returns.
pub fn run<'a>(init: &mut Init<'a>, args: &[&'a CStr]) -> ! {
    if args.first().is_some_and(|a| a.to_bytes() == b"--service") {
        service(&args[1..])
    }
    init.pid1 = pidfs::getpid() == 1;
    init.parse_opts(args);
    // Block the signals we handle before anything can send them; the mask
    // survives execve, so nothing is lost across a re-exec.
    let set =
        SigSet::of(&[raw::SIGCHLD, raw::SIGHUP, raw::SIGTERM, raw::SIGINT]).unwrap_or_default();
    let _ = pidfs::sigprocmask(SigmaskHow::Block, Some(&set));
    if init.pid1 {
        if init.resume.is_none() {
            init.setup_pid1();
        }
    } else if let Err(e) = pidfs::set_child_subreaper(true) {
        warn!("minit: {}", E("prctl(PR_SET_CHILD_SUBREAPER)", e));
    }
    let config = init.config.unwrap_or(c"/etc/minit.conf");
    init.load_config(config);
    if !init.handles_ok {
        warn!("minit: --no-handles: adopting children by pid + start time after a re-exec");
    }
    if let Some(state) = init.resume {
        init.resume(state);
        // Children that died during the exec are zombies of ours now.
        init.reap();
        for i in 0..init.n {
            if init.services[i].pending && init.services[i].argc > 0 {
                init.services[i].restarts += 1;
                init.start(i);
            }
        }
    } else {
        for i in 0..init.n {
            init.start(i);
        }
    }
    // i386: how this process enters the kernel (the vDSO's
    // `__kernel_vsyscall` or `int 0x80`), which the kernel matrix checks.
    #[cfg(target_arch = "x86")]
    say!(
        "minit: syscall entry={}",
        if pidfs::i386::uses_vdso() {
            "vdso"
        } else {
            "int80"
        }
    );
    say!(
        "minit: ready pid={} services={}",
        pidfs::getpid(),
        init.services[..init.n]
            .iter()
            .filter(|s| s.child.is_some())
            .count()
    );
    loop {
        let pending = init.services[..init.n].iter().any(|s| s.pending);
        let timeout = Duration::from_millis(if pending { 200 } else { 5000 });
        match pidfs::sigtimedwait(&set, Some(timeout)) {
            // No reaping first: a child that is already dead stays a
            // zombie of ours across the exec and is reaped after it.
            Ok(i) if i.signo() == raw::SIGHUP => init.reexec(),
            Ok(i) if i.signo() == raw::SIGTERM => init.shutdown(&set, false),
            Ok(i) if i.signo() == raw::SIGINT => init.shutdown(&set, init.pid1 && init.poweroff),
            // SIGCHLD says a child may be waiting; the timeout reaps too.
            Ok(_) | Err(Errno::EAGAIN) => init.reap(),
            // Stopped and continued, or another signal: nothing to do.
            Err(_) => continue,
        }
        init.restart_pending();
    }
}
