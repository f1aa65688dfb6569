//! `kill` and `wait`: act on processes through pidfds, so a recycled pid
//! is never reached.

use super::{Args, Fail, Res, Target, errno_text, open_target, parse_target, usage};
use pidfs::{Errno, InfoMask, PidFd, WaitStatus};
use std::io::Write;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// A signal as `kill` takes it: a number (0 to 64) or a name.
fn parse_signal(s: &str) -> Option<i32> {
    match s.parse::<i32>() {
        Ok(n) if (0..=64).contains(&n) => Some(n),
        Ok(_) => None,
        Err(_) => pidfs::signal_from_name(s),
    }
}

fn signal_text(sig: i32) -> String {
    match pidfs::signal_name(sig) {
        Some(n) => n.to_string(),
        None => format!("signal {sig}"),
    }
}

pub fn cmd_kill(args: &[String]) -> Res {
    let mut sig = 15; // SIGTERM
    let mut rest = args;
    // `-KILL`, `-9`: the signal as the first argument, as kill(1).
    if let Some(first) = args.first()
        && let Some(s) = first.strip_prefix('-')
        && !s.starts_with('-')
        && s != "s"
        && let Some(n) = parse_signal(s)
    {
        sig = n;
        rest = &args[1..];
    }
    let a = Args::parse(rest, &[], &["-s", "--signal"])?;
    if let Some(s) = a.option("-s").or(a.option("--signal")) {
        sig = parse_signal(s).ok_or_else(|| usage(format!("unknown signal '{s}'")))?;
    }
    if a.positional.is_empty() {
        return Err(usage("missing <pid|handle>"));
    }
    // Every target is checked before any signal is sent.
    let targets = a
        .positional
        .iter()
        .map(|t| parse_target(t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut failed = false;
    for t in targets {
        let r = open_target(t).and_then(|(pidfd, what)| {
            pidfd.kill(sig).map_err(|e| {
                Fail::Runtime(errno_text(
                    &format!("pidfd_send_signal({what}, {})", signal_text(sig)),
                    e,
                ))
            })
        });
        match r {
            Ok(()) => {}
            Err(Fail::Runtime(m)) => {
                eprintln!("pidfs: {m}");
                failed = true;
            }
            Err(other) => return Err(other),
        }
    }
    Ok(u8::from(failed))
}

/// `500ms`, `10`, `10s`, `1.5s`, `2m`, `1h`.
fn parse_duration(s: &str) -> Result<Duration, Fail> {
    let bad = || usage(format!("bad duration '{s}' (e.g. 500ms, 10s, 2m, 1h)"));
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num.parse().map_err(|_| bad())?;
    if !v.is_finite() || v < 0.0 {
        return Err(bad());
    }
    Duration::try_from_secs_f64(v * scale).map_err(|_| bad())
}

/// The shell's exit code for a status: the code, or 128 + the signal.
fn shell_code(s: WaitStatus) -> u8 {
    match s {
        WaitStatus::Exited(c) => c as u8,
        WaitStatus::Signaled { signal, .. } => (128 + signal) as u8,
        WaitStatus::Stopped(sig) => (128 + sig) as u8,
        WaitStatus::Continued => 0,
    }
}

/// How a process that has exited ended, and the exit code to report.
fn how_it_ended(pidfd: &PidFd, what: &str) -> Result<(String, u8), Fail> {
    const UNKNOWN: &str = "exited (status unknown to a non-parent on this kernel)";
    // The exit status reaches PIDFD_INFO_EXIT when the parent reaps the
    // process (6.15+). Give a parent a moment to do so.
    let deadline = Instant::now() + Duration::from_secs(2);
    let have_info = pidfs::Features::probe().pidfd_get_info;
    loop {
        match pidfd.info(InfoMask::EXIT) {
            Ok(info) => {
                if let Some(s) = info.wait_status() {
                    return Ok((s.to_string(), shell_code(s)));
                }
                // The /proc fallback never knows the status.
                if !have_info {
                    return Ok((UNKNOWN.into(), 125));
                }
                // Still a zombie: give its parent a moment to reap it.
                if Instant::now() > deadline {
                    return Ok((
                        "exited (a zombie: its parent has not reaped it yet, so no status)".into(),
                        125,
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            // Reaped, and the kernel keeps no exit status for others
            // (PIDFD_INFO_EXIT is 6.15+).
            Err(Errno::ESRCH) => return Ok((UNKNOWN.into(), 125)),
            Err(e) => {
                return Err(Fail::Exit(
                    127,
                    Some(errno_text(&format!("PIDFD_GET_INFO(pidfd of {what})"), e)),
                ));
            }
        }
    }
}

pub fn cmd_wait(args: &[String]) -> Res {
    let a = Args::parse(args, &["--any"], &["--timeout"])?;
    if a.positional.is_empty() {
        return Err(usage("missing <pid|handle>"));
    }
    let timeout = a.option("--timeout").map(parse_duration).transpose()?;
    let targets = a
        .positional
        .iter()
        .map(|t| parse_target(t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut procs = Vec::new();
    for t in targets {
        let (pidfd, what) = match open_target(t) {
            Ok(p) => p,
            Err(Fail::Runtime(m)) => return Err(Fail::Exit(127, Some(m))),
            Err(e) => return Err(e),
        };
        // Name it by its pid where it has one; the 64-bit id names it in
        // the output for good (the pid may be reused by the time anyone
        // reads it).
        let what = match (t, pidfd.pid()) {
            (Target::Handle(_), Ok(pid)) => format!("pid {pid}"),
            _ => what,
        };
        match pidfd.id() {
            Ok(id) => out!("waiting for {what} (id {id})"),
            Err(_) => out!("waiting for {what}"),
        }
        procs.push((Arc::new(pidfd), what));
    }
    let _ = std::io::stdout().flush();
    let (tx, rx) = mpsc::channel();
    for (i, (pidfd, _)) in procs.iter().enumerate() {
        let (pidfd, tx) = (Arc::clone(pidfd), tx.clone());
        std::thread::spawn(move || {
            let r = loop {
                match pidfd.poll(None) {
                    Ok(true) => break Ok(()),
                    Ok(false) | Err(Errno::EINTR) => continue,
                    Err(e) => break Err(e),
                }
            };
            let _ = tx.send((i, r));
        });
    }
    let deadline = timeout.map(|d| Instant::now() + d);
    let mut last = vec![None; procs.len()];
    let mut left = procs.len();
    while left > 0 {
        let got = match deadline {
            Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        let (i, r) = match got {
            Ok(m) => m,
            Err(_) => {
                let d = a.option("--timeout").unwrap_or("");
                return Err(Fail::Exit(
                    124,
                    Some(format!(
                        "wait: timed out after {d} ({left} of {} still running)",
                        procs.len()
                    )),
                ));
            }
        };
        let (pidfd, what) = &procs[i];
        if let Err(e) = r {
            return Err(Fail::Exit(
                127,
                Some(errno_text(&format!("poll(pidfd of {what})"), e)),
            ));
        }
        let (how, code) = how_it_ended(pidfd, what)?;
        out!("{what} {how}");
        let _ = std::io::stdout().flush();
        if a.flag("--any") {
            return Ok(code);
        }
        last[i] = Some(code);
        left -= 1;
    }
    Ok(last.last().copied().flatten().unwrap_or(0))
}
