//! minit re-executing itself with 1,000 supervised children: the time from
//! SIGHUP to "every child resumed" (minit's second `ready` line, after
//! 1,000 `resumed` lines), with the children kept by pidfs file handle
//! (`open_by_handle_at`, 6.14+) and by pid + start time (`pidfd_open` and
//! `/proc/<pid>/stat`), measured in the same run; prints both medians and
//! their ratio.
//!
//! minit runs as PID 1 of a private pid (and mount) namespace, from a user
//! namespace of its own when not root. This bench binary is minit (it
//! includes examples/minit/core.rs): run as `minit ...` (argv[0]) or with
//! `--service`, it is minit or one of its sleeping services.
//!
//! `cargo bench -p pidfs-bench --bench minit_reexec` (PIDFS_MINIT_CHILDREN
//! and PIDFS_MINIT_ROUNDS change the 1,000 children and 5 re-execs).

#[path = "../../examples/minit/core.rs"]
#[allow(dead_code)]
mod logic;

use std::ffi::{CStr, CString};
use std::io::{BufRead, BufReader};
use std::os::fd::FromRawFd;
use std::os::unix::ffi::OsStringExt;
use std::time::{Duration, Instant};

fn as_minit(args: Vec<CString>) -> ! {
    let args: &'static [CString] = Vec::leak(args);
    let env: &'static [CString] = Vec::leak(
        std::env::vars_os()
            .filter_map(|(k, v)| {
                let mut kv = k.into_vec();
                kv.push(b'=');
                kv.extend_from_slice(&v.into_vec());
                CString::new(kv).ok()
            })
            .collect(),
    );
    let a: &'static [&'static CStr] = Vec::leak(args.iter().map(|c| c.as_c_str()).collect());
    let e: &'static [&'static CStr] = Vec::leak(env.iter().map(|c| c.as_c_str()).collect());
    let init = Box::leak(Box::new(logic::Init::new(e)));
    logic::run(init, a)
}

/// One minit in a fresh pid namespace; its stdout as lines.
struct Minit {
    host_pid: i32,
    holder: i32,
    lines: std::io::Lines<BufReader<std::fs::File>>,
}

fn start(dir: &std::path::Path, children: usize, no_handles: bool) -> Minit {
    let exe = std::env::current_exe().unwrap();
    let conf = dir.join("minit.conf");
    let mut text = String::new();
    for i in 0..children {
        text.push_str(&format!("s{i}: {} --service sleep\n", exe.display()));
    }
    std::fs::write(&conf, text).unwrap();
    let c = |s: &str| CString::new(s).unwrap();
    let mut argv = vec![
        c("minit"),
        c("--state-file"),
        c(dir.join("state").to_str().unwrap()),
    ];
    if no_handles {
        argv.push(c("--no-handles"));
    }
    argv.push(c(conf.to_str().unwrap()));
    let path = c(exe.to_str().unwrap());
    let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|c| c.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut p = [0; 2];
    let mut q = [0; 2];
    // SAFETY: pipe writes two fds each.
    unsafe {
        assert_eq!(libc::pipe(p.as_mut_ptr()), 0);
        assert_eq!(libc::pipe(q.as_mut_ptr()), 0);
    }
    // SAFETY: fork in a single-threaded bench; the children only make raw
    // calls and exec or _exit.
    let holder = unsafe { libc::fork() };
    if holder == 0 {
        // SAFETY: as above.
        unsafe {
            let root = libc::geteuid() == 0;
            if !root {
                let (uid, gid) = (libc::geteuid(), libc::getegid());
                assert_eq!(libc::unshare(libc::CLONE_NEWUSER), 0);
                std::fs::write("/proc/self/setgroups", "deny").unwrap();
                std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).unwrap();
                std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).unwrap();
            }
            assert_eq!(libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS), 0);
            let pid = libc::fork();
            if pid == 0 {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
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
                libc::dup2(p[1], 1);
                libc::close(p[0]);
                libc::execv(path.as_ptr(), argv_p.as_ptr());
                libc::_exit(121);
            }
            libc::write(q[1], (&pid as *const i32).cast(), 4);
            let mut st = 0;
            libc::waitpid(pid, &mut st, 0);
            libc::_exit(0);
        }
    }
    let mut host_pid = 0i32;
    // SAFETY: our pipe fds.
    unsafe {
        libc::close(p[1]);
        libc::close(q[1]);
        assert_eq!(libc::read(q[0], (&mut host_pid as *mut i32).cast(), 4), 4);
        libc::close(q[0]);
    }
    // SAFETY: the read end is ours alone from here on.
    let f = unsafe { std::fs::File::from_raw_fd(p[0]) };
    Minit {
        host_pid,
        holder,
        lines: BufReader::new(f).lines(),
    }
}

impl Minit {
    /// Reads lines until one starts with `what`; counts those starting with
    /// `count` on the way.
    fn until(&mut self, what: &str, count: &str) -> usize {
        let mut n = 0;
        for l in self.lines.by_ref() {
            let l = l.unwrap();
            if l.starts_with(count) {
                n += 1;
            }
            if l.starts_with("minit: lost") || l.starts_with("minit: reexec-failed") {
                panic!("{l}");
            }
            if l.starts_with(what) {
                return n;
            }
        }
        panic!("minit's output ended before '{what}'");
    }
    fn signal(&self, sig: i32) {
        // SAFETY: signals minit by its host pid (it is not reaped before
        // the holder waits for it).
        assert_eq!(unsafe { libc::kill(self.host_pid, sig) }, 0);
    }
}

impl Drop for Minit {
    fn drop(&mut self) {
        self.signal(libc::SIGTERM);
        // Drain until minit's stdout closes.
        for _ in self.lines.by_ref() {}
        // SAFETY: reaps our own holder.
        unsafe { libc::waitpid(self.holder, std::ptr::null_mut(), 0) };
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `rounds` re-execs of one minit with `children` children; each the
/// time from SIGHUP to the `ready` line after `children` `resumed` lines.
fn measure(children: usize, rounds: usize, no_handles: bool) -> (Vec<Duration>, String) {
    let dir = std::env::temp_dir().join(format!(
        "pidfs-minit-bench-{}-{no_handles}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut m = start(&dir, children, no_handles);
    let started = m.until("minit: ready", "minit: started");
    assert_eq!(started, children);
    let mut times = Vec::new();
    let mut mode = String::new();
    for _ in 0..rounds {
        let t = Instant::now();
        m.signal(libc::SIGHUP);
        for l in m.lines.by_ref() {
            let l = l.unwrap();
            if let Some(r) = l.strip_prefix("minit: reexec ") {
                mode = r.rsplit('=').next().unwrap_or("").to_string();
                break;
            }
        }
        let resumed = m.until("minit: ready", "minit: resumed");
        times.push(t.elapsed());
        assert_eq!(resumed, children, "every child resumed");
    }
    drop(m);
    let _ = std::fs::remove_dir_all(&dir);
    (times, mode)
}

fn main() {
    let args: Vec<CString> = std::env::args_os()
        .map(|a| CString::new(a.into_vec()).unwrap())
        .collect();
    if args.first().is_some_and(|a| a.as_bytes() == b"minit")
        || args.get(1).is_some_and(|a| a.as_bytes() == b"--service")
    {
        as_minit(args.into_iter().skip(1).collect())
    }
    if args.iter().skip(1).any(|a| a.as_bytes() == b"--list") {
        println!("minit_reexec: bench");
        return;
    }
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let children = env("PIDFS_MINIT_CHILDREN", 1000);
    let rounds = env("PIDFS_MINIT_ROUNDS", 5);
    let (h, hmode) = measure(children, rounds, false);
    let (p, pmode) = measure(children, rounds, true);
    let (hm, pm) = (median(h.clone()), median(p.clone()));
    println!(
        "minit re-exec, {children} children, {rounds} rounds each (SIGHUP -> every child resumed, median):"
    );
    println!(
        "  mode={hmode:<8} {:>8.1} ms   (all: {:?})",
        hm.as_secs_f64() * 1e3,
        h
    );
    println!(
        "  mode={pmode:<8} {:>8.1} ms   (all: {:?})",
        pm.as_secs_f64() * 1e3,
        p
    );
    println!(
        "  ratio {hmode}/{pmode}: {:.2}  ({:.1} us vs {:.1} us per child)",
        hm.as_secs_f64() / pm.as_secs_f64(),
        hm.as_secs_f64() * 1e6 / children as f64,
        pm.as_secs_f64() * 1e6 / children as f64
    );
}
