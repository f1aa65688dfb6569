//! LXCFS at scale: N containers (pid namespaces, each an init and
//! [`MEMBERS`] member processes; N = 1, 10, 100, 1000) and a stream of
//! "reads" from random members. For each read: the host pid of the init of
//! the reader's pid namespace, five ways:
//!
//! - `ioctl`: the reader's pidfd → `PIDFD_GET_PID_NAMESPACE` →
//!   `NS_GET_PID_FROM_PIDNS(1)` (6.11), no cache;
//! - `fork`: the fork-based translation, uncached (LXCFS without its
//!   store): `/proc/<pid>/ns/pid` → double fork + `setns` +
//!   `SCM_CREDENTIALS`;
//! - `fork+TTL`: LXCFS's init-pid store in front of it (support/lxcfs_ttl.rs,
//!   modelled on lxcfs `src/bindings.c`): keyed by the `stat` inode number of
//!   `/proc/<pid>/ns/pid`, entries checked with `pidfd_send_signal`;
//! - `InitCache`: `pidfs::InitCache` (entries hold the init's pidfd;
//!   readers memoized by pidfs id);
//! - `/proc scan`: `Translator::with_method(Method::Proc)`, a scan of
//!   every `/proc/<pid>/status` for pid 1 at the namespace's level.
//!
//! Cold = the first read of each namespace (caches empty; a random member);
//! warm = K random reads after every member has read once. Per method and
//! N: median and p99 per read, total for the K reads, the ratios against
//! `ioctl` measured in the same run, and at the largest N the fds and pids
//! each method uses. The pid-based methods (fork, fork+TTL, /proc) run
//! first, while this process holds no reader pidfds (a fork copies the fd
//! table: 3000 pidfds would slow every fork by itself); then the reader
//! pidfds are opened for `ioctl` and `InitCache`.
//!
//! Writes an SVG plot (median read latency against N, log-log; warm solid,
//! cold dashed) to `PIDFS_LXCFS_SVG`, by default `bench/results/lxcfs-<arch>.svg`
//! (quick mode: the temp directory). `--quick` (CI): N up to 100, fewer
//! reads. `PIDFS_LXCFS_N=1,10` picks the Ns. Needs root (new pid
//! namespaces); under qemu-user (no namespace flags on its fork path) it
//! prints `unsupported here` and stops.
//! `harness = false` with its own main: criterion reports no p99.

#[path = "support/lxcfs_ttl.rs"]
mod lxcfs_ttl;
#[path = "support/plot.rs"]
mod plot;

use pidfs::{CloneFlags, Forked, InitCache, Method, NsType, PidfdFlags, Translator};
use std::hint::black_box;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::time::Instant;

/// Member processes per container (besides the init).
const MEMBERS: usize = 3;
/// InitCache capacity: 8192 slots hold 1000 namespaces and memoize 4000
/// readers with room to spare (384 KiB).
const CACHE_SLOTS: usize = 8192;
type Cache = InitCache<CACHE_SLOTS>;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum M {
    Ioctl,
    /// Reference only: the bare ioctl on the reader's namespace fd, held
    /// per container (a real read does not know the container).
    IoctlHeld,
    Fork,
    ForkTtl,
    Cache,
    Proc,
}

impl M {
    const ALL: [M; 6] = [
        M::Ioctl,
        M::IoctlHeld,
        M::Fork,
        M::ForkTtl,
        M::Cache,
        M::Proc,
    ];
    fn name(self) -> &'static str {
        match self {
            M::Ioctl => "ioctl",
            M::IoctlHeld => "ioctl, ns fd held (ref.)",
            M::Fork => "fork (uncached)",
            M::ForkTtl => "fork+TTL (LXCFS)",
            M::Cache => "InitCache",
            M::Proc => "/proc scan",
        }
    }
    fn colour(self) -> &'static str {
        match self {
            M::Ioctl => "#1f77b4",
            M::IoctlHeld => "#17becf",
            M::Fork => "#d62728",
            M::ForkTtl => "#ff7f0e",
            M::Cache => "#2ca02c",
            M::Proc => "#9467bd",
        }
    }
}

/// Per-read latencies of one method at one N, one phase.
struct Stat {
    m: M,
    n: usize,
    warm: bool,
    samples: Vec<f64>,
}

impl Stat {
    fn sorted(&self) -> Vec<f64> {
        let mut s = self.samples.clone();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        s
    }
    fn median(&self) -> f64 {
        let s = self.sorted();
        s[s.len() / 2]
    }
    fn p99(&self) -> f64 {
        let s = self.sorted();
        s[((s.len() as f64 * 0.99).ceil() as usize).clamp(1, s.len()) - 1]
    }
    fn total(&self) -> f64 {
        self.samples.iter().sum()
    }
    fn mean(&self) -> f64 {
        self.total() / self.samples.len() as f64
    }
}

/// xorshift64*: reproducible reader choices.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// N containers: their inits (our children, by pid: unreaped children of
/// ours, so the pid cannot name anyone else) and their members' host pids.
struct World {
    inits: Vec<i32>,
    members: Vec<[i32; MEMBERS]>,
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// `close_range(3, ~0)` but `keep`, in a forked child.
fn close_all_but(keep: i32) {
    let keep = keep as libc::c_uint;
    // SAFETY: closes fds of this forked child only.
    unsafe {
        if keep > 3 {
            libc::syscall(
                libc::SYS_close_range,
                3 as libc::c_uint,
                keep - 1,
                0 as libc::c_uint,
            );
        }
        libc::syscall(
            libc::SYS_close_range,
            keep + 1,
            libc::c_uint::MAX,
            0 as libc::c_uint,
        );
    }
}

/// The container init: members that report their host pid and pause;
/// reaps them as they die; raw syscalls only (this process forked from a
/// single-threaded caller, but keeps to async-signal-safe calls anyway).
fn init_body(report: i32) -> ! {
    close_all_but(report);
    for _ in 0..MEMBERS {
        // SAFETY: the member runs readlink/write/pause only.
        match unsafe { pidfs::fork_pidfd(CloneFlags::empty()) } {
            Ok(Forked::Child) => {
                let mut b = [0u8; 16];
                // SAFETY: readlink into a local buffer.
                let n =
                    unsafe { libc::readlink(c"/proc/self".as_ptr(), b.as_mut_ptr().cast(), 16) };
                let me = pidfs::parse::parse_i32(&b[..n.max(0) as usize]).unwrap_or(-1);
                // SAFETY: writes 4 bytes from a local; pause waits for SIGKILL.
                unsafe {
                    libc::write(report, me.to_ne_bytes().as_ptr().cast(), 4);
                    loop {
                        libc::pause();
                    }
                }
            }
            Ok(Forked::Parent { pidfd, .. }) => drop(pidfd),
            // SAFETY: leave at once; the parent sees a short report.
            Err(_) => unsafe { libc::_exit(1) },
        }
    }
    // SAFETY: waits for our own children; pause once there are none.
    unsafe {
        loop {
            if libc::wait(std::ptr::null_mut()) < 0 {
                libc::pause();
            }
        }
    }
}

impl World {
    fn build(n: usize) -> Result<World, pidfs::Errno> {
        let mut w = World {
            inits: Vec::with_capacity(n),
            members: Vec::with_capacity(n),
        };
        for _ in 0..n {
            let mut p = [0i32; 2];
            // SAFETY: pipe2 into a 2-int array.
            assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
            // SAFETY: fresh fds we own.
            let (r, wr) = unsafe { (OwnedFd::from_raw_fd(p[0]), OwnedFd::from_raw_fd(p[1])) };
            // SAFETY: the child runs init_body (raw syscalls) and never
            // returns.
            match unsafe { pidfs::fork_pidfd(CloneFlags::NEWPID) }? {
                Forked::Child => init_body(wr.as_raw_fd()),
                Forked::Parent { pid, pidfd } => {
                    drop(pidfd);
                    drop(wr);
                    w.inits.push(pid);
                    let mut m = [0i32; MEMBERS];
                    for slot in m.iter_mut() {
                        let mut b = [0u8; 4];
                        // SAFETY: 4 bytes into a local buffer.
                        let got = unsafe { libc::read(r.as_raw_fd(), b.as_mut_ptr().cast(), 4) };
                        assert_eq!(got, 4, "a container member did not report");
                        *slot = i32::from_ne_bytes(b);
                    }
                    w.members.push(m);
                }
            }
        }
        Ok(w)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        for &p in &self.inits {
            // SAFETY: our own unreaped child: the pid is its own.
            unsafe { libc::kill(p, libc::SIGKILL) };
        }
        for &p in &self.inits {
            // SAFETY: reaps our own child.
            unsafe { libc::waitpid(p, std::ptr::null_mut(), 0) };
        }
    }
}

fn open_ns_of(pid: i32) -> Result<OwnedFd, pidfs::Errno> {
    std::fs::File::open(format!("/proc/{pid}/ns/pid"))
        .map(OwnedFd::from)
        .map_err(|_| pidfs::Errno::ESRCH)
}

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// /proc/loadavg: (total threads on the machine, last pid handed out).
fn loadavg() -> (i64, i64) {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let w: Vec<&str> = s.split_whitespace().collect();
    let total = w
        .get(3)
        .and_then(|t| t.split('/').nth(1))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let last = w.get(4).and_then(|t| t.parse().ok()).unwrap_or(0);
    (total, last)
}

/// What one method used at one N: fds it holds afterwards (its cache),
/// pid numbers it consumed per read (from the last pid handed out, so
/// other processes on the machine add noise).
struct Usage {
    m: M,
    fds: i64,
    pids_per_read: f64,
}

struct Plan {
    /// Warm reads for the fast methods, the fork method, the /proc scan.
    k_fast: usize,
    k_fork: usize,
    k_proc: usize,
    /// Cold reads of the /proc scan (one per namespace, at most this many).
    cold_proc: usize,
}

/// Cold passes: one read per namespace; repeated (with fresh caches) so
/// that a small N still gives at least 64 samples.
fn cold_reps(n: usize) -> usize {
    (64 / n).max(1)
}

/// Times `read` on `reads` (namespace, member) pairs, one sample each.
fn time_reads(reads: &[(usize, usize)], mut read: impl FnMut(usize, usize) -> i32) -> Vec<f64> {
    reads
        .iter()
        .map(|&(c, m)| {
            let t = Instant::now();
            let v = read(c, m);
            let ns = t.elapsed().as_nanos() as f64;
            black_box(v);
            ns
        })
        .collect()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let ns_list: Vec<usize> = std::env::var("PIDFS_LXCFS_N")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            if quick {
                vec![1, 10, 100]
            } else {
                vec![1, 10, 100, 1000]
            }
        });
    let plan = if quick {
        Plan {
            k_fast: 2000,
            k_fork: 40,
            k_proc: 3,
            cold_proc: 3,
        }
    } else {
        Plan {
            k_fast: 20000,
            k_fork: 2000,
            k_proc: 30,
            cold_proc: 30,
        }
    };
    let arch = arch();
    println!(
        "lxcfs: {arch}, {} containers of 1 init + {MEMBERS} members, warm reads: {} (ioctl, fork+TTL, InitCache), {} (fork), {} (/proc scan){}",
        ns_list
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("/"),
        plan.k_fast,
        plan.k_fork,
        plan.k_proc,
        if quick { ", quick mode" } else { "" }
    );
    // Probe: a new pid namespace (root; not under qemu-user).
    match World::build(1) {
        Ok(w) => drop(w),
        Err(e) => {
            println!(
                "     lxcfs unsupported here: {e:?} (a new pid namespace needs root; qemu-user forks without namespace flags)"
            );
            return;
        }
    }
    let max_n = ns_list.iter().copied().max().unwrap_or(1);
    raise_nofile(max_n * MEMBERS + 2 * max_n + 256);
    let (threads0, _) = loadavg();
    let t_ovh = {
        let mut v: Vec<f64> = (0..1001)
            .map(|_| {
                let t = Instant::now();
                t.elapsed().as_nanos() as f64
            })
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[500]
    };
    println!(
        "     timer overhead (Instant::now + elapsed): {t_ovh:.0} ns per read, included below"
    );
    let mut stats: Vec<Stat> = Vec::new();
    let mut usage: Vec<Usage> = Vec::new();
    let ioctls = pidfs::ns_pid_ioctls_supported();
    for &n in &ns_list {
        let t_build = Instant::now();
        let world = World::build(n).expect("build the containers");
        let (threads, _) = loadavg();
        println!(
            "-- N = {n}: {} containers built in {:.2} s ({} threads on the machine, {} before)",
            n,
            t_build.elapsed().as_secs_f64(),
            threads,
            threads0
        );
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
        // Cold: one read per namespace, shuffled, random member.
        let mut cold: Vec<(usize, usize)> = (0..n).map(|c| (c, rng.below(MEMBERS))).collect();
        for i in (1..cold.len()).rev() {
            cold.swap(i, rng.below(i + 1));
        }
        let every: Vec<(usize, usize)> = (0..n)
            .flat_map(|c| (0..MEMBERS).map(move |m| (c, m)))
            .collect();
        let warm = |k: usize, rng: &mut Rng| -> Vec<(usize, usize)> {
            (0..k).map(|_| (rng.below(n), rng.below(MEMBERS))).collect()
        };
        let last = n == max_n;
        let pid_of = |c: usize, m: usize| world.members[c][m];

        // --- pid-based methods, no reader pidfds open ---
        let fork = Translator::with_method(Method::Fork);
        let fork_read = |c: usize, m: usize| match open_ns_of(pid_of(c, m)) {
            Ok(ns) => fork.pid_from_pidns(ns.as_fd(), 1).unwrap_or(-1),
            Err(_) => -1,
        };
        let reps = cold_reps(n);
        let s_cold: Vec<f64> = (0..reps)
            .flat_map(|_| time_reads(&cold, fork_read))
            .collect();
        let reads = warm(plan.k_fork, &mut rng);
        let (_, p0) = loadavg();
        let s_warm = time_reads(&reads, fork_read);
        let (_, p1) = loadavg();
        if last {
            usage.push(Usage {
                m: M::Fork,
                fds: 0,
                pids_per_read: (p1 - p0) as f64 / reads.len() as f64,
            });
        }
        check_answers("fork", &world, &mut { fork_read });
        stats.push(Stat {
            m: M::Fork,
            n,
            warm: false,
            samples: s_cold,
        });
        stats.push(Stat {
            m: M::Fork,
            n,
            warm: true,
            samples: s_warm,
        });

        let fd0 = fd_count();
        let (_, p0) = loadavg();
        let mut ttl = lxcfs_ttl::TtlStore::new();
        let mut s_cold = Vec::new();
        for rep in 0..reps {
            if rep > 0 {
                ttl = lxcfs_ttl::TtlStore::new();
            }
            s_cold.extend(time_reads(&cold, |c, m| {
                ttl.lookup(pid_of(c, m)).unwrap_or(-1)
            }));
        }
        let (_, p1) = loadavg();
        let misses = ttl.translations;
        let _ = time_reads(&every, |c, m| ttl.lookup(pid_of(c, m)).unwrap_or(-1));
        let reads = warm(plan.k_fast, &mut rng);
        let s_warm = time_reads(&reads, |c, m| ttl.lookup(pid_of(c, m)).unwrap_or(-1));
        if ttl.translations != misses {
            println!(
                "     fork+TTL: {} misses after the cold pass (entries pruned after 10 s idle)",
                ttl.translations - misses
            );
        }
        if last {
            usage.push(Usage {
                m: M::ForkTtl,
                fds: fd_count() as i64 - fd0 as i64,
                pids_per_read: (p1 - p0) as f64 / s_cold.len() as f64,
            });
        }
        check_answers("fork+TTL", &world, &mut |c, m| {
            ttl.lookup(pid_of(c, m)).unwrap_or(-1)
        });
        drop(ttl);
        stats.push(Stat {
            m: M::ForkTtl,
            n,
            warm: false,
            samples: s_cold,
        });
        stats.push(Stat {
            m: M::ForkTtl,
            n,
            warm: true,
            samples: s_warm,
        });

        let procfs = Translator::with_method(Method::Proc);
        let proc_read = |c: usize, m: usize| match open_ns_of(pid_of(c, m)) {
            Ok(ns) => procfs.pid_from_pidns(ns.as_fd(), 1).unwrap_or(-1),
            Err(_) => -1,
        };
        let cold_p: Vec<_> = cold.iter().copied().take(plan.cold_proc).collect();
        let s_cold: Vec<f64> = (0..(plan.cold_proc / n).max(1))
            .flat_map(|_| time_reads(&cold_p, proc_read))
            .collect();
        let reads = warm(plan.k_proc, &mut rng);
        let s_warm = time_reads(&reads, proc_read);
        if last {
            usage.push(Usage {
                m: M::Proc,
                fds: 0,
                pids_per_read: 0.0,
            });
        }
        stats.push(Stat {
            m: M::Proc,
            n,
            warm: false,
            samples: s_cold,
        });
        stats.push(Stat {
            m: M::Proc,
            n,
            warm: true,
            samples: s_warm,
        });

        // --- pidfd-based methods: the readers' pidfds ---
        let readers: Vec<[OwnedFd; MEMBERS]> = world
            .members
            .iter()
            .map(|ms| {
                ms.map(|p| pidfs::pidfd_open(p, PidfdFlags::empty()).expect("pidfd of a member"))
            })
            .collect();
        let reader = |c: usize, m: usize| -> BorrowedFd<'_> { readers[c][m].as_fd() };
        if ioctls {
            let ioctl_read =
                |c: usize, m: usize| match pidfs::pidfd_get_namespace(reader(c, m), NsType::Pid) {
                    Ok(ns) => pidfs::ns_get_pid_from_pidns(ns.as_fd(), 1).unwrap_or(-1),
                    Err(_) => -1,
                };
            let s_cold: Vec<f64> = (0..reps)
                .flat_map(|_| time_reads(&cold, ioctl_read))
                .collect();
            let _ = time_reads(&every, ioctl_read);
            let reads = warm(plan.k_fast, &mut rng);
            let s_warm = time_reads(&reads, ioctl_read);
            if last {
                usage.push(Usage {
                    m: M::Ioctl,
                    fds: 0,
                    pids_per_read: 0.0,
                });
            }
            check_answers("ioctl", &world, &mut { ioctl_read });
            stats.push(Stat {
                m: M::Ioctl,
                n,
                warm: false,
                samples: s_cold,
            });
            stats.push(Stat {
                m: M::Ioctl,
                n,
                warm: true,
                samples: s_warm,
            });
            let held: Vec<OwnedFd> = world
                .members
                .iter()
                .map(|ms| open_ns_of(ms[0]).expect("ns of a member"))
                .collect();
            let held_read = |c: usize, _m: usize| {
                pidfs::ns_get_pid_from_pidns(held[c].as_fd(), 1).unwrap_or(-1)
            };
            let s_cold: Vec<f64> = (0..reps)
                .flat_map(|_| time_reads(&cold, held_read))
                .collect();
            let reads = warm(plan.k_fast, &mut rng);
            let s_warm = time_reads(&reads, held_read);
            check_answers("ioctl, ns fd held", &world, &mut { held_read });
            stats.push(Stat {
                m: M::IoctlHeld,
                n,
                warm: false,
                samples: s_cold,
            });
            stats.push(Stat {
                m: M::IoctlHeld,
                n,
                warm: true,
                samples: s_warm,
            });
        } else {
            println!("     ioctl unsupported here: ENOTTY (no nsfs pid ioctls before 6.11)");
        }

        let fd0 = fd_count();
        let mut cache: Box<Cache> = Box::new(Cache::new());
        let mut s_cold = Vec::new();
        for rep in 0..reps {
            if rep > 0 {
                cache = Box::new(Cache::new());
            }
            s_cold.extend(time_reads(&cold, |c, m| {
                cache.init_of(reader(c, m)).map(|i| i.pid()).unwrap_or(-1)
            }));
        }
        // Readers not seen yet, of namespaces the cache knows.
        let new: Vec<_> = every
            .iter()
            .copied()
            .filter(|r| !cold.contains(r))
            .collect();
        let s_new = time_reads(&new, |c, m| {
            cache.init_of(reader(c, m)).map(|i| i.pid()).unwrap_or(-1)
        });
        if !s_new.is_empty() {
            let st = Stat {
                m: M::Cache,
                n,
                warm: true,
                samples: s_new,
            };
            println!(
                "     InitCache N={n}: a new reader of a cached namespace: median {}, p99 {} ({} reads)",
                fmt_ns(st.median()),
                fmt_ns(st.p99()),
                st.samples.len()
            );
        }
        let reads = warm(plan.k_fast, &mut rng);
        let s_warm = time_reads(&reads, |c, m| {
            cache.init_of(reader(c, m)).map(|i| i.pid()).unwrap_or(-1)
        });
        if last {
            usage.push(Usage {
                m: M::Cache,
                fds: fd_count() as i64 - fd0 as i64,
                pids_per_read: 0.0,
            });
        }
        check_answers("InitCache", &world, &mut |c, m| {
            cache.init_of(reader(c, m)).map(|i| i.pid()).unwrap_or(-1)
        });
        drop(cache);
        stats.push(Stat {
            m: M::Cache,
            n,
            warm: false,
            samples: s_cold,
        });
        stats.push(Stat {
            m: M::Cache,
            n,
            warm: true,
            samples: s_warm,
        });
        drop(readers);
        drop(world);
    }
    report(&stats, &ns_list, &usage, max_n, threads0);
    write_svg(&stats, &ns_list, quick);
}

/// Every answer must be the container's init (a few readers of each).
fn check_answers(what: &str, world: &World, read: &mut dyn FnMut(usize, usize) -> i32) {
    let n = world.inits.len();
    for c in (0..n).step_by((n / 8).max(1)) {
        let got = read(c, c % MEMBERS);
        assert_eq!(got, world.inits[c], "{what}: wrong init for container {c}");
    }
}

fn raise_nofile(need: usize) {
    // SAFETY: getrlimit/setrlimit on this process.
    unsafe {
        let mut rl: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl);
        let want = need as libc::rlim_t;
        if rl.rlim_cur < want {
            let old = rl.rlim_cur;
            rl.rlim_cur = want.min(rl.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &rl);
            println!(
                "     RLIMIT_NOFILE: soft limit {old} raised to {} (this run may hold up to {need} fds)",
                rl.rlim_cur
            );
            if rl.rlim_cur < want {
                println!(
                    "     RLIMIT_NOFILE: hard limit {} is below {need}; the largest N may run out of fds",
                    rl.rlim_max
                );
            }
        } else {
            println!(
                "     RLIMIT_NOFILE: soft limit {} covers the up to {need} fds this run may hold",
                rl.rlim_cur
            );
        }
    }
}

fn find(stats: &[Stat], m: M, n: usize, warm: bool) -> Option<&Stat> {
    stats
        .iter()
        .find(|s| s.m == m && s.n == n && s.warm == warm)
}

fn report(stats: &[Stat], ns_list: &[usize], usage: &[Usage], max_n: usize, threads0: i64) {
    println!("== lxcfs: per-read latency (same run) ==");
    println!(
        "| N | method | cold median | cold p99 | warm median | warm p99 | warm reads | warm total | per 1000 reads (warm mean) | warm median / ioctl |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &n in ns_list {
        let base = find(stats, M::Ioctl, n, true).map(Stat::median);
        for m in M::ALL {
            let (Some(c), Some(w)) = (find(stats, m, n, false), find(stats, m, n, true)) else {
                continue;
            };
            let ratio = base.map_or(String::new(), |b| format!("{:.2}x", w.median() / b));
            println!(
                "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {ratio} |",
                m.name(),
                fmt_ns(c.median()),
                fmt_ns(c.p99()),
                fmt_ns(w.median()),
                fmt_ns(w.p99()),
                w.samples.len(),
                fmt_ns(w.total()),
                fmt_ns(w.mean() * 1000.0),
            );
        }
    }
    for &n in ns_list {
        let med = |m, warm| find(stats, m, n, warm).map(Stat::median);
        if let (Some(i), Some(f)) = (med(M::Ioctl, true), med(M::Fork, true)) {
            println!(
                "     lxcfs N={n:<5} ratio fork (uncached) / ioctl = {:.0}x (warm medians; goal >= 500x)",
                f / i
            );
        }
        if let (Some(i), Some(f)) = (med(M::IoctlHeld, true), med(M::Fork, true)) {
            println!(
                "     lxcfs N={n:<5} ratio fork (uncached) / ioctl on a held ns fd = {:.0}x (reference)",
                f / i
            );
        }
        if let (Some(i), Some(t)) = (med(M::Cache, true), med(M::ForkTtl, true)) {
            println!(
                "     lxcfs N={n:<5} ratio fork+TTL / InitCache = {:.2}x (warm medians)",
                t / i
            );
        }
        if let (Some(i), Some(c)) = (med(M::Ioctl, true), med(M::Cache, true)) {
            println!(
                "     lxcfs N={n:<5} ratio InitCache / ioctl = {:.2}x (warm medians; goal <= 1.10x)",
                c / i
            );
        }
    }
    // Where the uncached fork method crosses 1 s per 1000 reads: by the
    // median read (the method's own cost) and by the mean (what a thousand
    // reads took here, scheduling tail included).
    for (what, f) in [
        ("median", Stat::median as fn(&Stat) -> f64),
        ("mean", Stat::mean),
    ] {
        let fork: Vec<(f64, f64)> = ns_list
            .iter()
            .filter_map(|&n| find(stats, M::Fork, n, true).map(|s| (n as f64, f(s) * 1000.0)))
            .collect();
        let per: Vec<String> = fork
            .iter()
            .map(|&(n, y)| format!("N={n}: {}", fmt_ns(y)))
            .collect();
        let first = fork.iter().find(|p| p.1 >= 1e9);
        println!(
            "     lxcfs fork (uncached), 1000 reads by the {what} read: {}; {}",
            per.join(", "),
            match first {
                Some(&(n, _)) => format!("first at or over 1 s at N = {n}"),
                None => format!("under 1 s up to N = {max_n}"),
            }
        );
    }
    if !usage.is_empty() {
        println!("== lxcfs: what each method uses at N = {max_n} ==");
        println!(
            "     containers: {} host pids ({} inits + {} members; {threads0} threads on the machine before)",
            max_n * (1 + MEMBERS),
            max_n,
            max_n * MEMBERS
        );
        println!(
            "     readers (ioctl, InitCache): {} pidfds held by the caller",
            max_n * MEMBERS
        );
        for u in usage {
            println!(
                "     lxcfs {:<18} fds held afterwards {:>5}   host pids used per read {:>5.2}{}",
                u.m.name(),
                u.fds,
                u.pids_per_read,
                if u.m == M::ForkTtl {
                    " (cold reads: misses)"
                } else {
                    ""
                }
            );
        }
    }
}

/// The target's name as the README uses it (`x86` is i686).
fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "i686",
        a => a,
    }
}

fn write_svg(stats: &[Stat], ns_list: &[usize], quick: bool) {
    let arch = arch();
    let path = std::env::var("PIDFS_LXCFS_SVG").unwrap_or_else(|_| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/results");
        if quick || !std::path::Path::new(dir).is_dir() {
            std::env::temp_dir()
                .join(format!(
                    "pidfs-lxcfs-{arch}{}.svg",
                    if quick { "-quick" } else { "" }
                ))
                .display()
                .to_string()
        } else {
            format!("{dir}/lxcfs-{arch}.svg")
        }
    });
    let mut series = Vec::new();
    for m in M::ALL {
        for warm in [true, false] {
            let points: Vec<(f64, f64)> = ns_list
                .iter()
                .filter_map(|&n| find(stats, m, n, warm).map(|s| (n as f64, s.median())))
                .collect();
            if !points.is_empty() {
                series.push(plot::Series {
                    label: format!("{} ({})", m.name(), if warm { "warm" } else { "cold" }),
                    colour: m.colour(),
                    dashed: !warm,
                    points,
                });
            }
        }
    }
    let ticks: Vec<f64> = ns_list.iter().map(|&n| n as f64).collect();
    let svg = plot::svg(
        &format!("LXCFS at scale: init pid of the reader's namespace ({arch})"),
        "containers (N), log scale",
        "median time per read, log scale",
        &ticks,
        plot::ns_label,
        &series,
        Some((1e6, "1 ms per read = 1 s per 1000 reads")),
    );
    match std::fs::write(&path, svg) {
        Ok(()) => println!("     lxcfs plot written to {path}"),
        Err(e) => println!("     lxcfs plot not written ({path}: {e})"),
    }
}
