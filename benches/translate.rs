//! PID translation: the nsfs ioctl vs the LXCFS fork method vs /proc
//! NSpid, for one pid (the seed mail's case: the init of a reader's pid
//! namespace, pid 1 there) and for 100 pids, both directions, measured in
//! the same run. Prints same-run medians and the ratios between the
//! methods, and with `PIDFS_ANCHOR` set, each against the C anchor.
//!
//! Setup: a child pid namespace whose init has 99 sleeping children (100
//! tasks). Needs root, or unprivileged user namespaces (then it becomes
//! root in a fresh one first, and the fork method's "in" direction, which
//! needs privilege over the caller's own pid namespace, is left out).

use criterion::Criterion;
use pidfs::fd::{AsFd, FromRawFd, OwnedFd};
use pidfs::{Method, Translator};
use std::hint::black_box;
use std::time::Duration;

#[path = "support/mod.rs"]
mod support;

const TASKS: usize = 100;

struct Setup {
    ns: OwnedFd,
    /// (pid in the caller's namespace, pid in `ns`) of every task there.
    pids: Vec<(i32, i32)>,
    hold_w: Option<OwnedFd>,
    top: i32,
    into_fork: bool,
}

fn die(what: &str) -> ! {
    eprintln!(
        "translate bench setup: {what}: {}",
        std::io::Error::last_os_error()
    );
    std::process::exit(1)
}

fn become_root() -> bool {
    // SAFETY: plain syscalls at the start of a single-threaded main.
    unsafe {
        if libc::geteuid() == 0 {
            return true;
        }
        let (uid, gid) = (libc::geteuid(), libc::getegid());
        if libc::unshare(libc::CLONE_NEWUSER) != 0 {
            die("unshare(CLONE_NEWUSER)");
        }
        std::fs::write("/proc/self/setgroups", "deny").ok();
        std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).ok();
        std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).ok();
        false
    }
}

fn ns_lines(path: &str) -> Option<Vec<i32>> {
    let text = std::fs::read_to_string(path).ok()?;
    let l = text.lines().find(|l| l.starts_with("NSpid:"))?;
    Some(
        l[6..]
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect(),
    )
}

impl Setup {
    fn new() -> Setup {
        let real_root = become_root();
        let mut hold = [0; 2];
        let mut ready = [0; 2];
        // SAFETY: plain pipe2 calls into local arrays.
        unsafe {
            if libc::pipe2(hold.as_mut_ptr(), libc::O_CLOEXEC) != 0
                || libc::pipe2(ready.as_mut_ptr(), libc::O_CLOEXEC) != 0
            {
                die("pipe2");
            }
        }
        // SAFETY: fork from a single-threaded main; the children only make
        // plain syscalls and _exit.
        let top = unsafe { libc::fork() };
        if top < 0 {
            die("fork");
        }
        if top == 0 {
            // SAFETY: single-threaded child; raw syscalls only.
            unsafe {
                libc::close(hold[1]);
                if libc::unshare(libc::CLONE_NEWPID) != 0 {
                    libc::_exit(2);
                }
                let init = libc::fork();
                if init == 0 {
                    // pid 1 of the new namespace: 99 children, then wait.
                    let mut kids = Vec::new();
                    for _ in 1..TASKS {
                        let k = libc::fork();
                        if k == 0 {
                            let mut b = 0u8;
                            while libc::read(hold[0], (&mut b as *mut u8).cast(), 1) != 0 {}
                            libc::_exit(0);
                        }
                        kids.push(k);
                    }
                    libc::write(ready[1], b"r".as_ptr().cast(), 1);
                    let mut b = 0u8;
                    while libc::read(hold[0], (&mut b as *mut u8).cast(), 1) != 0 {}
                    for k in kids {
                        libc::waitpid(k, std::ptr::null_mut(), 0);
                    }
                    libc::_exit(0);
                }
                libc::waitpid(init, std::ptr::null_mut(), 0);
                libc::_exit(0);
            }
        }
        // SAFETY: our copies of the pipe ends; read one byte.
        unsafe {
            libc::close(hold[0]);
            libc::close(ready[1]);
            let mut b = 0u8;
            if libc::read(ready[0], (&mut b as *mut u8).cast(), 1) != 1 {
                die("the namespace init died");
            }
            libc::close(ready[0]);
        }
        let children = std::fs::read_to_string(format!("/proc/{top}/task/{top}/children"))
            .unwrap_or_else(|_| die("children"));
        let init: i32 = children.split_whitespace().next().unwrap().parse().unwrap();
        let path = std::ffi::CString::new(format!("/proc/{init}/ns/pid")).unwrap();
        // SAFETY: plain open.
        let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        if fd < 0 {
            die("open ns");
        }
        // SAFETY: a fresh fd we own.
        let ns = unsafe { OwnedFd::from_raw_fd(fd) };
        let ino = std::fs::metadata(format!("/proc/{init}/ns/pid")).map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.ino()
        });
        let mut pids = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap() {
            let name = e.unwrap().file_name();
            let Ok(p) = name.to_str().unwrap_or("").parse::<i32>() else {
                continue;
            };
            let same = std::fs::metadata(format!("/proc/{p}/ns/pid")).map(|m| {
                use std::os::unix::fs::MetadataExt;
                m.ino()
            });
            if same.is_ok() && same.as_ref().ok() == ino.as_ref().ok() {
                if let Some(l) = ns_lines(&format!("/proc/{p}/status")) {
                    pids.push((l[0], *l.last().unwrap()));
                }
            }
        }
        pids.sort_by_key(|p| p.1);
        assert_eq!(pids.len(), TASKS, "tasks in the bench namespace");
        assert_eq!(pids[0], (init, 1));
        // SAFETY: a fresh fd we own.
        let hold_w = Some(unsafe { OwnedFd::from_raw_fd(hold[1]) });
        Setup {
            ns,
            pids,
            hold_w,
            top,
            into_fork: real_root,
        }
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.hold_w = None;
        // SAFETY: reaps our own child.
        unsafe { libc::waitpid(self.top, std::ptr::null_mut(), 0) };
    }
}

type Case<'a> = (String, Box<dyn Fn() + 'a>);

fn one_pid_cases<'a>(s: &'a Setup, methods: &[Method]) -> Vec<Case<'a>> {
    let ns = s.ns.as_fd();
    let (target_ours, _) = s.pids[TASKS / 2];
    let mut v: Vec<Case<'a>> = Vec::new();
    for &m in methods {
        let t = Translator::with_method(m);
        v.push((
            format!("{m:?} from (init)"),
            Box::new(move || assert_eq!(black_box(t.pid_from_pidns(ns, 1)), Ok(s.pids[0].0))),
        ));
        if m != Method::Fork || s.into_fork {
            v.push((
                format!("{m:?} in"),
                Box::new(move || {
                    black_box(t.pid_in_pidns(ns, target_ours)).unwrap();
                }),
            ));
        }
    }
    v
}

fn many_cases<'a>(s: &'a Setup, methods: &[Method]) -> Vec<Case<'a>> {
    let ns = s.ns.as_fd();
    let mut v: Vec<Case<'a>> = Vec::new();
    for &m in methods {
        let t = Translator::with_method(m);
        v.push((
            format!("{m:?} from x{TASKS}"),
            Box::new(move || {
                for &(ours, theirs) in &s.pids {
                    assert_eq!(black_box(t.pid_from_pidns(ns, theirs)), Ok(ours));
                }
            }),
        ));
        if m != Method::Fork || s.into_fork {
            v.push((
                format!("{m:?} in x{TASKS}"),
                Box::new(move || {
                    for &(ours, theirs) in &s.pids {
                        assert_eq!(black_box(t.pid_in_pidns(ns, ours)), Ok(theirs));
                    }
                }),
            ));
        }
    }
    v
}

fn median_of(name: &str, rows: &[(String, f64)]) -> Option<f64> {
    rows.iter().find(|r| r.0 == name).map(|r| r.1)
}

fn ratios(group: &str, rows: &[(String, f64)], suffixes: &[&str]) {
    for sfx in suffixes {
        let get = |m: &str| median_of(&format!("{m} {sfx}"), rows);
        let (i, f, p) = (get("Ioctl"), get("Fork"), get("Proc"));
        if let (Some(i), Some(f)) = (i, f) {
            println!("{group:>10} ratio Fork/Ioctl ({sfx}) = {:.0}x", f / i);
        }
        if let (Some(i), Some(p)) = (i, p) {
            println!("{group:>10} ratio Proc/Ioctl ({sfx}) = {:.1}x", p / i);
        }
        if let (Some(f), Some(p)) = (f, p) {
            println!("{group:>10} ratio Fork/Proc ({sfx}) = {:.2}x", f / p);
        }
    }
}

fn main() {
    let setup = Setup::new();
    let methods: Vec<Method> = if pidfs::ns_pid_ioctls_supported() {
        vec![Method::Ioctl, Method::Fork, Method::Proc]
    } else {
        println!(
            "translate: no nsfs pid ioctls here (before 6.11, or qemu-user): Fork and Proc only"
        );
        vec![Method::Fork, Method::Proc]
    };
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    {
        let mut g = c.benchmark_group("translate one pid");
        g.sample_size(20);
        for (name, f) in one_pid_cases(&setup, &methods) {
            g.bench_function(name, |b| b.iter(&f));
        }
        g.finish();
    }
    {
        let mut g = c.benchmark_group("translate 100 pids");
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        for (name, f) in many_cases(&setup, &methods) {
            g.bench_function(name, |b| b.iter(&f));
        }
        g.finish();
    }
    c.final_summary();

    // Same-run medians and ratios.
    let one: Vec<(String, f64)> = one_pid_cases(&setup, &methods)
        .into_iter()
        .map(|(n, f)| {
            let ns = support::ns_per_op(&f);
            (n, ns)
        })
        .collect();
    let rows: Vec<(&str, f64)> = one.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    support::report("1 pid", &rows);
    ratios("1 pid", &one, &["from (init)", "in"]);
    if let Some(v) = median_of("Ioctl from (init)", &one) {
        support::vs_anchor("1 pid", "ns_ioctl", v);
    }
    if let Some(v) = median_of("Fork from (init)", &one) {
        support::vs_anchor("1 pid", "fork_translate", v);
    }
    if let Some(v) = median_of("Proc in", &one) {
        support::vs_anchor("1 pid", "proc_nspid", v);
    }
    let many: Vec<(String, f64)> = many_cases(&setup, &methods)
        .into_iter()
        .map(|(n, f)| {
            let ns = support::ns_per_op(&f);
            (n, ns)
        })
        .collect();
    let rows: Vec<(&str, f64)> = many.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    support::report("100 pids", &rows);
    ratios("100 pids", &many, &["from x100", "in x100"]);
    drop(setup);
}
