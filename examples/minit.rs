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
//! - as the system's PID 1 (pid 1, no `--resume`): mounts `/proc` (and
//!   `/dev` as devtmpfs, `/run` as tmpfs) where missing, before anything
//!   needs them, and asks the kernel to send `SIGINT` on ctrl-alt-del
//!   (`reboot(CAD_OFF)`); started with no arguments it reads
//!   `/etc/minit.conf` and powers off at the end;
//! - on `SIGTERM` (or `SIGINT`, ctrl-alt-del) stops the services
//!   (`SIGTERM`), then, as PID 1, every other process it can
//!   (`kill(-1, SIGTERM)`: the orphans it adopted), `SIGKILL` to all
//!   after 5 s, reaps everything, and exits 0, or with `--poweroff` syncs
//!   and powers off (restarts for `SIGINT`) through `reboot(2)`, never
//!   exiting (the exit of the system's PID 1 panics the kernel).
//!
//! Signals are blocked and taken with `sigtimedwait`, so none is lost
//! across the exec (the mask and pending set survive `execve`).
//!
//! Every event is one machine-readable line on stdout:
//! `minit: started <name> pid=<p> id=<id> handle=<hex> restarts=<n>`,
//! `minit: exited <name> pid=<p> id=<id> status=<...>`,
//! `minit: resumed <name> pid=<p> id=<id> via=<handle|pid+starttime>`,
//! `minit: reexec state=<file>`, `minit: ready pid=<p> services=<n>`,
//! `minit: orphan pid=<p> status=<...>`, `minit: stopping`,
//! `minit: killall signal=<n> ...`, `minit: stopped`, `minit: poweroff`,
//! `minit: mounted <dir> type=<fs>`.
//!
//! `minit --service sleep | orphan | flaky <ms> <code> | driver <ms> <ms>`
//! makes minit one of the test services of the kernel matrix
//! (ci/kernels-minit.sh), so a system booted with minit as /init needs no
//! other program.
//!
//! The logic is `examples/minit/core.rs`, written for `core` and pidfs
//! only: this std build and the no-libc build (`examples/nolibc/minit.rs`,
//! pidfs's `rt` feature) are the same program. Neither calls a C library:
//! this one links musl (or glibc) only as std's runtime.

#[path = "minit/core.rs"]
#[allow(dead_code)]
mod logic;

use std::ffi::{CStr, CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

fn main() {
    run(std::env::args_os().skip(1).collect())
}

/// minit with `args` (without the program name); never returns. tests/minit.rs
/// also runs it from inside its test binary where no example binary is shipped.
pub fn run(args: Vec<OsString>) -> ! {
    // Never freed: minit runs until the process ends.
    let args: &'static [CString] = Vec::leak(
        args.into_iter()
            .map(|a| CString::new(a.into_vec()).unwrap_or_default())
            .collect(),
    );
    let env: &'static [CString] = Vec::leak(
        std::env::vars_os()
            .filter_map(|(k, v)| {
                let mut kv = k.into_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                CString::new(kv).ok()
            })
            .collect(),
    );
    let args: &'static [&'static CStr] = Vec::leak(args.iter().map(|c| c.as_c_str()).collect());
    let env: &'static [&'static CStr] = Vec::leak(env.iter().map(|c| c.as_c_str()).collect());
    let init = Box::leak(Box::new(logic::Init::new(env)));
    logic::run(init, args)
}
