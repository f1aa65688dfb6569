//! `info`, `handle` and `open`: what the kernel tells about one process.

use super::{
    Args, Fail, Res, Target, errno_text, json, open_target, parse_pid, parse_target, sys_err,
};
use pidfs::fd::AsRawFd;
use pidfs::{Errno, InfoMask, PidFd, PidfdInfo, PidfsHandle};

/// `PIDFD_COREDUMPED` and friends: the bits of `coredump_mask`.
const COREDUMP_FLAGS: [(u32, &str); 4] = [
    (1 << 0, "dumped"),
    (1 << 1, "skipped"),
    (1 << 2, "as user"),
    (1 << 3, "as root"),
];

pub fn cmd_info(args: &[String]) -> Res {
    let a = Args::parse(args, &["--json"], &[])?;
    a.exactly(&["pid|handle"])?;
    let t = parse_target(&a.positional[0])?;
    let (pidfd, what) = open_target(t)?;
    print_info(&pidfd, &what, a.flag("--json"))
}

pub fn cmd_open(args: &[String]) -> Res {
    let a = Args::parse(args, &["--json"], &[])?;
    a.exactly(&["hex"])?;
    let s = &a.positional[0];
    let h: PidfsHandle = s
        .parse()
        .map_err(|e| super::usage(format!("bad handle '{s}': {e}")))?;
    let (pidfd, what) = open_target(Target::Handle(h))?;
    print_info(&pidfd, &what, a.flag("--json"))
}

pub fn cmd_handle(args: &[String]) -> Res {
    let a = Args::parse(args, &["--json"], &[])?;
    a.exactly(&["pid"])?;
    let pid = parse_pid(&a.positional[0])?;
    let (pidfd, _) = open_target(Target::Pid(pid))?;
    let h = pidfd.to_handle().map_err(|e| {
        let mut f = errno_text(&format!("name_to_handle_at(pidfd of {pid})"), e);
        if e == Errno::EOPNOTSUPP {
            f.push_str(" (pidfs file handles need kernel 6.14)");
        }
        Fail::Runtime(f)
    })?;
    if a.flag("--json") {
        let mut o = json::Obj::new();
        o.num("pid", pid)
            .num("id", h.id())
            .str("handle", &h.to_string());
        out!("{}", o.end());
    } else {
        out!("{h}");
    }
    Ok(0)
}

/// What /proc shows of the process, read through the directory
/// `procfd_from_pidfd` opened for its pidfd (so never another process's).
#[derive(Default)]
struct ProcView {
    command: Option<String>,
    cmdline: Option<Vec<String>>,
    state: Option<String>,
}

fn proc_view(pidfd: &PidFd) -> ProcView {
    let mut v = ProcView::default();
    let Ok(root) = std::fs::File::open("/proc") else {
        return v;
    };
    let Ok(dir) = pidfs::procfd_from_pidfd(pidfd, &root) else {
        return v;
    };
    let base = format!("/proc/self/fd/{}", dir.as_raw_fd());
    if let Ok(status) = std::fs::read_to_string(format!("{base}/status")) {
        let field = |k: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(k))
                .map(|s| s.trim().to_string())
        };
        v.command = field("Name:");
        v.state = field("State:");
    }
    if let Ok(c) = std::fs::read(format!("{base}/cmdline")) {
        let mut args: Vec<String> = c
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if c.last() == Some(&0) {
            args.pop();
        }
        v.cmdline = Some(args);
    }
    v
}

fn mask_names(m: InfoMask) -> Vec<String> {
    m.iter_names().map(|(n, _)| n.to_lowercase()).collect()
}

fn coredump_names(mask: u32) -> Vec<&'static str> {
    COREDUMP_FLAGS
        .iter()
        .filter(|(b, _)| mask & b != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// Prints GET_INFO (or its fallback), /proc's view, the id and the handle
/// of `pidfd`.
fn print_info(pidfd: &PidFd, what: &str, as_json: bool) -> Res {
    let mask = InfoMask::PID
        | InfoMask::CREDS
        | InfoMask::CGROUPID
        | InfoMask::EXIT
        | InfoMask::COREDUMP
        | InfoMask::COREDUMP_SIGNAL;
    let info = pidfd
        .info(mask)
        .map_err(|e| sys_err(&format!("PIDFD_GET_INFO on the pidfd of {what}"), e))?;
    let source = if pidfs::Features::probe().pidfd_get_info {
        "PIDFD_GET_INFO"
    } else {
        "/proc fallback (no PIDFD_GET_INFO on this kernel)"
    };
    let view = proc_view(pidfd);
    let id = pidfd.id();
    let handle = pidfd.to_handle();
    if as_json {
        out!("{}", info_json(&info, source, &view, id, handle));
        return Ok(0);
    }
    let opt = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
    out!("source:   {source}");
    out!("mask:     {}", mask_names(info.mask()).join(", "));
    out!("pid:      {}", opt(info.pid().map(i64::from)));
    out!("command:  {}", view.command.as_deref().unwrap_or("-"));
    if let Some(c) = &view.cmdline {
        out!("cmdline:  {}", c.join(" "));
    }
    out!("state:    {}", view.state.as_deref().unwrap_or("-"));
    out!("tgid:     {}", opt(info.tgid().map(i64::from)));
    out!("ppid:     {}", opt(info.ppid().map(i64::from)));
    if info.mask().contains(InfoMask::CREDS) {
        out!(
            "uid:      real {} effective {} saved {} fs {}",
            opt(info.ruid().map(i64::from)),
            opt(info.euid().map(i64::from)),
            opt(info.suid().map(i64::from)),
            opt(info.fsuid().map(i64::from))
        );
        out!(
            "gid:      real {} effective {} saved {} fs {}",
            opt(info.rgid().map(i64::from)),
            opt(info.egid().map(i64::from)),
            opt(info.sgid().map(i64::from)),
            opt(info.fsgid().map(i64::from))
        );
    }
    if let Some(c) = info.cgroupid() {
        out!("cgroupid: {c}");
    }
    if let Some(s) = info.wait_status() {
        out!("exit:     {s}");
    }
    if let Some(m) = info.coredump_mask() {
        let mut line = coredump_names(m).join(", ");
        if let Some(sig) = info.coredump_signal().filter(|&s| s != 0) {
            let sig = sig as i32;
            let name = pidfs::signal_name(sig).unwrap_or("?");
            line.push_str(&format!("; signal {sig} ({name})"));
        }
        if line.is_empty() {
            line.push_str("none");
        }
        out!("coredump: {line} (mask {m:#x})");
    }
    match id {
        Ok(id) => out!("id:       {id}"),
        Err(e) => out!("id:       unavailable ({})", errno_text("pidfd_id", e)),
    }
    match handle {
        Ok(h) => out!("handle:   {h}"),
        Err(e) => out!(
            "handle:   unavailable ({})",
            errno_text("name_to_handle_at", e)
        ),
    }
    Ok(0)
}

fn info_json(
    info: &PidfdInfo,
    source: &str,
    view: &ProcView,
    id: Result<u64, Errno>,
    handle: Result<PidfsHandle, Errno>,
) -> String {
    let ids = |r: Option<u32>, e: Option<u32>, s: Option<u32>, f: Option<u32>| {
        let mut o = json::Obj::new();
        o.opt("real", r)
            .opt("effective", e)
            .opt("saved", s)
            .opt("fs", f);
        o.end()
    };
    let mut o = json::Obj::new();
    o.str(
        "source",
        if source == "PIDFD_GET_INFO" {
            "PIDFD_GET_INFO"
        } else {
            "proc"
        },
    )
    .raw("mask", &json::str_array(&mask_names(info.mask())))
    .opt("pid", info.pid())
    .opt("tgid", info.tgid())
    .opt("ppid", info.ppid())
    .opt_str("command", view.command.as_deref())
    .raw(
        "cmdline",
        &view
            .cmdline
            .as_ref()
            .map_or("null".to_string(), |c| json::str_array(c)),
    )
    .opt_str("state", view.state.as_deref());
    if info.mask().contains(InfoMask::CREDS) {
        o.raw(
            "uid",
            &ids(info.ruid(), info.euid(), info.suid(), info.fsuid()),
        )
        .raw(
            "gid",
            &ids(info.rgid(), info.egid(), info.sgid(), info.fsgid()),
        );
    } else {
        o.null("uid").null("gid");
    }
    o.opt("cgroupid", info.cgroupid());
    match info.wait_status() {
        Some(s) => {
            let mut e = json::Obj::new();
            e.opt("code", s.code())
                .opt("signal", s.signal())
                .bool(
                    "core_dumped",
                    matches!(
                        s,
                        pidfs::WaitStatus::Signaled {
                            core_dumped: true,
                            ..
                        }
                    ),
                )
                .str("text", &s.to_string());
            o.raw("exit", &e.end())
        }
        None => o.null("exit"),
    };
    match info.coredump_mask() {
        Some(m) => {
            let mut c = json::Obj::new();
            c.num("mask", m)
                .raw("flags", &json::str_array(&coredump_names(m)))
                .opt("signal", info.coredump_signal().filter(|&s| s != 0));
            o.raw("coredump", &c.end())
        }
        None => o.null("coredump"),
    };
    o.opt("id", id.ok())
        .opt_str("handle", handle.ok().map(|h| h.to_string()).as_deref());
    o.end()
}
