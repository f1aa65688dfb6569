//! Shared by the benches: a quick same-run median (to print ratios between
//! pidfs and its baselines without parsing criterion's output) and the C
//! baseline (`bench/c/baseline.c`), run as a subprocess in the same bench
//! run when `PIDFS_C_BASELINE` names its compiled binary.
#![allow(dead_code)]

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

fn first_ns(f: &mut impl FnMut()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_nanos() as f64
}

/// Median ns per call of `f` over 15 batches of ~2 ms each (3 batches of
/// one call when one call takes over 20 ms).
pub fn ns_per_op(mut f: impl FnMut()) -> f64 {
    // Calibrate a batch size of ~2 ms.
    let mut iters = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        if t.elapsed().as_micros() >= 2000 || iters >= 1 << 24 {
            break;
        }
        iters *= 2;
    }
    // Slow operations (a /proc scan, 100 forks): 3 batches of one call.
    let batches = if iters == 1 && first_ns(&mut f) > 20e6 {
        3
    } else {
        15
    };
    let mut samples: Vec<f64> = (0..batches)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    black_box(&samples);
    samples[samples.len() / 2]
}

/// Prints `name: X ns/op` lines and `ratio a/b` lines for a group.
pub fn report(group: &str, rows: &[(&str, f64)]) {
    println!("== {group}: same-run medians ==");
    for (name, ns) in rows {
        println!("{group:>10} {name:<34} {:>12.1} ns/op", ns);
    }
}

/// Prints `baseline/pidfs` (how many times slower the baseline is).
pub fn ratio(group: &str, pidfs: (&str, f64), baseline: (&str, f64)) {
    println!(
        "{group:>10} ratio {} / {} = {:.2}x",
        baseline.0,
        pidfs.0,
        baseline.1 / pidfs.1
    );
}

/// The C baseline's `name  X ns/op` results, if `PIDFS_C_BASELINE` names
/// the compiled `bench/c/baseline.c` (ci/bench.sh builds it into
/// `target/c-baseline/`). `PIDFS_C_BASELINE_ITERS` sets its iteration count
/// (default 200000), `PIDFS_C_BASELINE_RUNNER` a program to run it with
/// (`qemu-aarch64-static`). Run once per process.
pub fn c_baseline() -> Option<&'static HashMap<String, f64>> {
    static A: OnceLock<Option<HashMap<String, f64>>> = OnceLock::new();
    A.get_or_init(|| {
        let bin = std::env::var("PIDFS_C_BASELINE")
            .ok()
            .filter(|b| !b.is_empty())?;
        let iters = std::env::var("PIDFS_C_BASELINE_ITERS").unwrap_or_else(|_| "200000".into());
        run_c_baseline(&bin, &iters, "200")
    })
    .as_ref()
}

/// Runs the compiled C baseline once (`c-baseline ITERS FORK_ITERS`,
/// through `PIDFS_C_BASELINE_RUNNER` when set) and parses its
/// `name  X ns/op` lines (operations the kernel refuses print
/// `name unsupported here: ERRNO` and are left out).
pub fn run_c_baseline(bin: &str, iters: &str, fork_iters: &str) -> Option<HashMap<String, f64>> {
    let runner = std::env::var("PIDFS_C_BASELINE_RUNNER")
        .ok()
        .filter(|r| !r.is_empty());
    let mut cmd = match &runner {
        Some(r) => {
            let mut c = std::process::Command::new(r);
            c.arg(bin);
            c
        }
        None => std::process::Command::new(bin),
    };
    let out = match cmd.args([iters, fork_iters]).output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("C baseline {bin}: {e}");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut m = HashMap::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() == 3
            && w[2] == "ns/op"
            && let Ok(v) = w[1].parse::<f64>()
        {
            m.insert(w[0].to_string(), v);
        }
    }
    if !out.status.success() || m.is_empty() {
        eprintln!(
            "C baseline {bin} failed ({}): {text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        None
    } else {
        Some(m)
    }
}

/// Prints pidfs vs the C baseline for one operation (`name` as
/// `bench/c/baseline.c` names it), and whether it is within the 1.10x
/// target.
pub fn vs_c(group: &str, name: &str, pidfs_ns: f64) {
    match c_baseline().and_then(|m| m.get(name)) {
        Some(&c) => println!(
            "{group:>10} C baseline {name}: C {c:.1} ns/op, pidfs {pidfs_ns:.1} ns/op, pidfs/C = {:.3}x ({})",
            pidfs_ns / c,
            if pidfs_ns / c <= 1.10 {
                "within 1.10x"
            } else {
                "OVER 1.10x"
            }
        ),
        None => println!(
            "{group:>10} C baseline {name}: not measured (set PIDFS_C_BASELINE to the compiled bench/c/baseline.c)"
        ),
    }
}

/// A process living as pid 1 of a new pid namespace, like the C
/// baseline's target: this process forks an "outer" child that `unshare`s
/// `CLONE_NEWPID` and forks the target, which blocks reading a pipe until
/// the fixture is dropped. Needs root (`CAP_SYS_ADMIN`); where `unshare`
/// fails the target is a plain child in the caller's namespace
/// (`new_pidns` false).
pub struct NsTarget {
    /// The target's pid in the caller's pid namespace.
    pub pid: i32,
    /// The target's pid in its own pid namespace (1 when `new_pidns`).
    pub pid_in_ns: i32,
    /// Whether the target got a new pid namespace.
    pub new_pidns: bool,
    /// A pidfd for the target.
    pub pidfd: std::os::fd::OwnedFd,
    /// `/proc/<pid>/ns/pid` of the target.
    pub nsfd: std::os::fd::OwnedFd,
    outer: i32,
    release: Option<std::os::fd::OwnedFd>,
}

impl NsTarget {
    /// Starts the target alone in its namespace.
    pub fn new() -> NsTarget {
        NsTarget::with_children(0)
    }

    /// Starts the target and `children` more processes, its children, in
    /// the same pid namespace (pids 2..=children+1 there); panics when
    /// fork fails.
    pub fn with_children(children: usize) -> NsTarget {
        use std::os::fd::{FromRawFd, OwnedFd};
        let mut rel = [0i32; 2];
        let mut rep = [0i32; 2];
        // SAFETY: two 2-int arrays for pipe2.
        unsafe {
            assert_eq!(libc::pipe2(rel.as_mut_ptr(), libc::O_CLOEXEC), 0);
            assert_eq!(libc::pipe2(rep.as_mut_ptr(), libc::O_CLOEXEC), 0);
        }
        // SAFETY: the children run only async-signal-safe libc calls on
        // stack data and leave with _exit.
        let outer = unsafe { libc::fork() };
        assert!(outer >= 0, "fork: {}", std::io::Error::last_os_error());
        if outer == 0 {
            // SAFETY: as above.
            unsafe {
                libc::close(rel[1]);
                libc::close(rep[0]);
                let unshared = libc::unshare(libc::CLONE_NEWPID) == 0;
                let mut rdy = [0i32; 2];
                libc::pipe2(rdy.as_mut_ptr(), libc::O_CLOEXEC);
                let t = libc::fork();
                if t == 0 {
                    libc::close(rdy[0]);
                    for _ in 0..children {
                        if libc::fork() == 0 {
                            let mut b = 0u8;
                            libc::read(rel[0], (&raw mut b).cast(), 1);
                            libc::_exit(0);
                        }
                    }
                    libc::write(rdy[1], b"r".as_ptr().cast(), 1);
                    let mut b = 0u8;
                    libc::read(rel[0], (&raw mut b).cast(), 1);
                    // Leaving as the namespace's init kills and reaps the
                    // rest.
                    libc::_exit(0);
                }
                libc::close(rdy[1]);
                let mut b = 0u8;
                libc::read(rdy[0], (&raw mut b).cast(), 1);
                let msg = [t, unshared as i32];
                libc::write(rep[1], msg.as_ptr().cast(), 8);
                let mut st = 0;
                libc::waitpid(t, &mut st, 0);
                libc::_exit(0);
            }
        }
        let mut msg = [0i32; 2];
        // SAFETY: closing our copies of the children's ends; reading 8
        // bytes into an 8-byte array.
        let n = unsafe {
            libc::close(rel[0]);
            libc::close(rep[1]);
            let n = libc::read(rep[0], msg.as_mut_ptr().cast(), 8);
            libc::close(rep[0]);
            n
        };
        assert_eq!(n, 8, "the namespace target did not start");
        // SAFETY: our own pipe write end.
        let release = Some(unsafe { OwnedFd::from_raw_fd(rel[1]) });
        let pid = msg[0];
        assert!(pid > 0, "fork in the new pid namespace failed");
        let pidfd = pidfs::pidfd_open(pid, pidfs::PidfdFlags::empty()).expect("pidfd_open");
        let nsfd = std::fs::File::open(format!("/proc/{pid}/ns/pid"))
            .expect("/proc/<pid>/ns/pid")
            .into();
        NsTarget {
            pid,
            pid_in_ns: if msg[1] != 0 { 1 } else { pid },
            new_pidns: msg[1] != 0,
            pidfd,
            nsfd,
            outer,
            release,
        }
    }
}

impl Drop for NsTarget {
    fn drop(&mut self) {
        self.release = None;
        let mut st = 0;
        // SAFETY: reaps exactly our own child.
        unsafe { libc::waitpid(self.outer, &mut st, 0) };
    }
}

/// Times `f` with [`ns_per_op`] when a first call succeeds; otherwise
/// prints `unsupported here: <errno>` and returns `None` (qemu-user answers
/// ENOTTY for nsfs ioctls and PIDFD_GET_INFO).
pub fn try_ns_per_op<T, E: std::fmt::Debug>(
    group: &str,
    name: &str,
    mut f: impl FnMut() -> Result<T, E>,
) -> Option<f64> {
    match f() {
        Ok(_) => Some(ns_per_op(|| {
            black_box(f().ok());
        })),
        Err(e) => {
            println!("{group:>10} {name:<34} unsupported here: {e:?}");
            None
        }
    }
}

/// The innermost `NSpid:` entry of `/proc/<pid>/status`, read like the
/// C baseline's `proc_nspid` (open, one read into a stack buffer, close)
/// and parsed by `pidfs::parse`; no allocation.
pub fn proc_nspid_last(path: &std::ffi::CStr) -> Option<i32> {
    let mut buf = [0u8; 4096];
    // SAFETY: a NUL-terminated path; read into a 4096-byte stack buffer.
    let n = unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return None;
        }
        let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        libc::close(fd);
        n
    };
    if n <= 0 {
        return None;
    }
    let st = pidfs::parse::parse_proc_status(&buf[..n as usize])?;
    st.ns_pids.map(|p| p.innermost())
}

/// How many pids the translation loops translate (the target and its
/// children in its namespace).
pub const NS_PIDS: i32 = 100;

/// Every operation the benches and `examples/bench_report.rs` time, on one
/// [`NsTarget`]: the measured closures live here so criterion and the
/// report time exactly the same code.
pub struct Ops {
    /// The target process (pid 1 of a new pid namespace).
    pub t: NsTarget,
    /// `/proc/<target>/status`.
    pub status_path: std::ffi::CString,
    /// The target's handle as stored bytes (zero where handles are
    /// unsupported).
    pub bytes: [u8; 16],
    /// The caller's pids of the namespace's pids 1..=[`NS_PIDS`] (empty
    /// where no method could translate them).
    pub outer_pids: Vec<i32>,
    /// The errno of the bare `PIDFD_GET_INFO` here (`ENOTTY` under
    /// qemu-user), where `pidfd_get_info` answers through its fallback.
    pub get_info_errno: Option<pidfs::Errno>,
    fork: pidfs::Translator,
    procfs: pidfs::Translator,
    ioctl: pidfs::Translator,
}

/// What every op returns: its answer or the errno.
pub type R<T> = Result<T, pidfs::Errno>;

impl Ops {
    /// Starts the target and [`NS_PIDS`]` - 1` siblings-to-be in its
    /// namespace, and stores its handle.
    pub fn new() -> Ops {
        use pidfs::{Method, Translator};
        let t = NsTarget::with_children(NS_PIDS as usize - 1);
        let status_path = std::ffi::CString::new(format!("/proc/{}/status", t.pid)).unwrap();
        let mut o = Ops {
            t,
            status_path,
            bytes: [0; 16],
            outer_pids: Vec::new(),
            get_info_errno: None,
            fork: Translator::with_method(Method::Fork),
            procfs: Translator::with_method(Method::Proc),
            ioctl: Translator::with_method(Method::Ioctl),
        };
        if let Ok(b) = o.handle_encode() {
            o.bytes = b;
        }
        o.get_info_errno = raw_get_info_errno(o.pidfd());
        let best = Translator::new();
        let first = o.t.pid_in_ns;
        o.outer_pids = (first..first + NS_PIDS)
            .map_while(|p| best.pid_from_pidns(o.nsfd(), p).ok())
            .collect();
        o
    }

    /// The pidfd of the target.
    pub fn pidfd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&self.t.pidfd)
    }

    /// The target's pid namespace.
    pub fn nsfd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&self.t.nsfd)
    }

    /// `pidfs::getpid()` (C baseline: getpid).
    pub fn getpid(&self) -> R<i32> {
        Ok(pidfs::getpid())
    }

    /// pidfd -> `PidfsHandle` -> 16 bytes -> `PidfsHandle` -> pidfd, and
    /// the close (C baseline: handle_roundtrip).
    pub fn handle_roundtrip(&self) -> R<std::os::fd::OwnedFd> {
        let h = pidfs::pidfd_to_handle(self.pidfd())?;
        let bytes = black_box(h.to_bytes());
        let back = pidfs::PidfsHandle::from_bytes(&bytes).map_err(|_| pidfs::Errno::EINVAL)?;
        pidfs::pidfd_from_handle(&back, pidfs::OFlags::RDONLY)
    }

    /// First half: pidfd -> handle -> 16 bytes (`name_to_handle_at`).
    pub fn handle_encode(&self) -> R<[u8; 16]> {
        Ok(pidfs::pidfd_to_handle(self.pidfd())?.to_bytes())
    }

    /// Second half: 16 bytes -> handle -> pidfd, and the close
    /// (`open_by_handle_at`).
    pub fn handle_decode(&self) -> R<std::os::fd::OwnedFd> {
        let back = pidfs::PidfsHandle::from_bytes(black_box(&self.bytes))
            .map_err(|_| pidfs::Errno::EINVAL)?;
        pidfs::pidfd_from_handle(&back, pidfs::OFlags::RDONLY)
    }

    /// `ns_get_pid_from_pidns(ns, 1)` (C baseline: ns_ioctl).
    pub fn ns_ioctl(&self) -> R<i32> {
        pidfs::ns_get_pid_from_pidns(self.nsfd(), self.t.pid_in_ns)
    }

    /// The same through `Translator::with_method(Method::Ioctl)`.
    pub fn translate_ioctl(&self) -> R<i32> {
        self.ioctl.pid_from_pidns(self.nsfd(), self.t.pid_in_ns)
    }

    /// `Translator::with_method(Method::Fork).pid_from_pidns(ns, 1)`: the
    /// LXCFS double fork + setns + SCM_CREDENTIALS (C baseline: fork_translate).
    pub fn translate_fork(&self) -> R<i32> {
        self.fork.pid_from_pidns(self.nsfd(), self.t.pid_in_ns)
    }

    /// `Translator::with_method(Method::Ioctl).pid_in_pidns(ns, pid)`
    /// (`NS_GET_PID_IN_PIDNS`).
    pub fn translate_ioctl_in(&self) -> R<i32> {
        self.ioctl.pid_in_pidns(self.nsfd(), self.t.pid)
    }

    /// `Translator::with_method(Method::Fork).pid_in_pidns(ns, pid)`: the
    /// caller sends the pid, the grandchild in `ns` receives it translated.
    pub fn translate_fork_in(&self) -> R<i32> {
        self.fork.pid_in_pidns(self.nsfd(), self.t.pid)
    }

    /// `Translator::with_method(Method::Proc).pid_in_pidns(ns, pid)`: the
    /// target's `NSpid:` line, with the method's checks (nstype, procfs
    /// ownership, namespace depth).
    pub fn translate_proc_in(&self) -> R<i32> {
        self.procfs.pid_in_pidns(self.nsfd(), self.t.pid)
    }

    /// `Translator::with_method(Method::Proc).pid_from_pidns(ns, 1)`: a
    /// scan of /proc for the task whose `NSpid:` entry at `ns`'s level is 1.
    pub fn translate_proc_from(&self) -> R<i32> {
        self.procfs.pid_from_pidns(self.nsfd(), self.t.pid_in_ns)
    }

    /// [`NS_PIDS`] pids in a loop through `NS_GET_PID_FROM_PIDNS`.
    pub fn loop_ioctl(&self) -> R<i32> {
        self.loop_from(|p| pidfs::ns_get_pid_from_pidns(self.nsfd(), p))
    }

    /// [`NS_PIDS`] pids in a loop through the fork method.
    pub fn loop_fork(&self) -> R<i32> {
        self.loop_from(|p| self.fork.pid_from_pidns(self.nsfd(), p))
    }

    /// [`NS_PIDS`] pids in a loop through the /proc scan.
    pub fn loop_proc_from(&self) -> R<i32> {
        self.loop_from(|p| self.procfs.pid_from_pidns(self.nsfd(), p))
    }

    /// [`NS_PIDS`] pids in a loop, the other way, through `NSpid:` lines.
    pub fn loop_proc_in(&self) -> R<i32> {
        self.loop_in(|p| self.procfs.pid_in_pidns(self.nsfd(), p))
    }

    /// [`NS_PIDS`] pids in a loop, the other way, through
    /// `NS_GET_PID_IN_PIDNS`.
    pub fn loop_ioctl_in(&self) -> R<i32> {
        self.loop_in(|p| self.ioctl.pid_in_pidns(self.nsfd(), p))
    }

    fn loop_in(&self, mut f: impl FnMut(i32) -> R<i32>) -> R<i32> {
        if self.outer_pids.len() != NS_PIDS as usize {
            return Err(pidfs::Errno::ESRCH);
        }
        let mut sum = 0;
        for &p in &self.outer_pids {
            sum += f(p)?;
        }
        Ok(sum)
    }

    fn loop_from(&self, mut f: impl FnMut(i32) -> R<i32>) -> R<i32> {
        let mut sum = 0;
        for p in self.t.pid_in_ns..self.t.pid_in_ns + NS_PIDS {
            sum += f(p)?;
        }
        Ok(sum)
    }

    /// One read of `/proc/<pid>/status`, parsed by `pidfs::parse`:
    /// innermost `NSpid:` (C baseline: proc_nspid).
    pub fn proc_nspid(&self) -> R<i32> {
        proc_nspid_last(&self.status_path).ok_or(pidfs::Errno::ESRCH)
    }

    /// `pidfd_get_info(pidfd, PID)` (C baseline: get_info); the errno of the
    /// bare ioctl where it falls back (that is timed separately).
    pub fn get_info(&self) -> R<pidfs::PidfdInfo> {
        if let Some(e) = self.get_info_errno {
            return Err(e);
        }
        pidfs::pidfd_get_info(self.pidfd(), pidfs::InfoMask::PID)
    }

    /// The fdinfo + status fallback of `pidfd_get_info`.
    pub fn get_info_fallback(&self) -> R<pidfs::PidfdInfo> {
        pidfs::hooks::pidfd_get_info_fallback(self.pidfd(), pidfs::InfoMask::PID)
    }
}

/// Registers `f` with criterion when a first call succeeds (so qemu-user's
/// ENOTTY skips the case instead of failing the bench).
pub fn bench_ok<T, E: std::fmt::Debug>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    mut f: impl FnMut() -> Result<T, E>,
) {
    if f().is_ok() {
        g.bench_function(name, |b| b.iter(|| black_box(f().ok())));
    }
}

/// Prints `baseline/pidfs` when both were measured.
pub fn ratio_opt(group: &str, pidfs: (&str, Option<f64>), baseline: (&str, Option<f64>)) {
    if let (Some(p), Some(b)) = (pidfs.1, baseline.1) {
        ratio(group, (pidfs.0, p), (baseline.0, b));
    }
}

/// [`vs_c`] when `pidfs_ns` was measured.
pub fn vs_c_opt(group: &str, name: &str, pidfs_ns: Option<f64>) {
    if let Some(ns) = pidfs_ns {
        vs_c(group, name, ns);
    }
}

/// Prints the measured rows of a group (unsupported ones were already
/// reported by [`try_ns_per_op`]).
pub fn report_opt(group: &str, rows: &[(&str, Option<f64>)]) {
    let got: Vec<(&str, f64)> = rows
        .iter()
        .filter_map(|(n, v)| v.map(|v| (*n, v)))
        .collect();
    report(group, &got);
}

/// The errno of the bare 64-byte `PIDFD_GET_INFO` (the request every
/// kernel with the ioctl takes), if it fails.
pub fn raw_get_info_errno(pidfd: std::os::fd::BorrowedFd<'_>) -> Option<pidfs::Errno> {
    use std::os::fd::AsRawFd;
    let mut info = [0u64; 8];
    info[0] = 1;
    // SAFETY: a 64-byte buffer for the 64-byte request.
    let r = unsafe { libc::ioctl(pidfd.as_raw_fd(), 0xc040_ff0b_u32 as _, info.as_mut_ptr()) };
    if r < 0 {
        let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        Some(pidfs::Errno::from_raw_os_error(e))
    } else {
        None
    }
}

/// Whether criterion runs in quick mode (`-- --quick`): the slowest
/// same-run measurements are then left out.
pub fn quick() -> bool {
    std::env::args().any(|a| a == "--quick")
}
