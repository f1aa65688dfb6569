//! The hot paths allocate nothing: a counting `#[global_allocator]` sees
//! zero allocations across N iterations of the pidfs handle round trip
//! (`name_to_handle_at` -> 16 bytes -> `open_by_handle_at`, close), a pid
//! translation through the nsfs ioctl (`NS_GET_PID_FROM_PIDNS`, bare and
//! through `Translator::with_method(Method::Ioctl)`) and `PIDFD_GET_INFO`
//! (`pidfd_get_info`), and a warm `InitCache::init_of` (the reader memo and
//! the namespace table). Allocations are counted only on the measuring
//! thread (a thread-local flag), and this binary holds a single test.

use pidfs::fd::AsFd;
use pidfs::{InfoMask, InitCache, Method, OFlags, PidfdFlags, PidfsHandle, Translator};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.try_with(|c| c.get()).unwrap_or(false) {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; only
// counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Runs `f` `n` times with counting on for this thread; returns the count.
fn allocations(n: usize, mut f: impl FnMut()) -> usize {
    let before = ALLOCS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    for _ in 0..n {
        f();
    }
    COUNTING.with(|c| c.set(false));
    ALLOCS.load(Ordering::Relaxed) - before
}

/// pidfs handle round trip, nsfs pid translation (`NS_GET_PID_FROM_PIDNS`
/// on the caller's own pid namespace) and `PIDFD_GET_INFO` do not allocate,
/// whatever the kernel answers (qemu-user: `ENOTTY` for the ioctl and the
/// /proc fallback for GET_INFO; before 6.14 `EOPNOTSUPP` for handles).
#[test]
fn hot_paths_allocate_nothing() {
    const N: usize = 1000;
    // The counter itself counts: a Vec push on this thread is seen.
    assert_eq!(allocations(1, || drop(std::hint::black_box(vec![1u8]))), 1);

    let me = pidfs::getpid();
    let pidfd = pidfs::pidfd_open(me, PidfdFlags::empty()).expect("pidfd_open(self)");
    let ns = std::fs::File::open("/proc/self/ns/pid").expect("/proc/self/ns/pid");

    // Handle round trip (and its answer: the same process).
    let expect = pidfs::pidfd_to_handle(pidfd.as_fd());
    let mut seen = None;
    let n = allocations(N, || {
        let r = pidfs::pidfd_to_handle(pidfd.as_fd()).and_then(|h| {
            let bytes = std::hint::black_box(h.to_bytes());
            let back = PidfsHandle::from_bytes(&bytes).map_err(|_| pidfs::Errno::EINVAL)?;
            let fd = pidfs::pidfd_from_handle(&back, OFlags::RDONLY)?;
            pidfs::pidfd_to_handle(fd.as_fd())
        });
        seen = Some(r);
    });
    assert_eq!(n, 0, "handle round trip allocated {n} times in {N} calls");
    match expect {
        Ok(h) => assert_eq!(seen, Some(Ok(h))),
        Err(e) => {
            assert_eq!(e, pidfs::Errno::EOPNOTSUPP, "pidfd_to_handle");
            assert_eq!(seen, Some(Err(e)));
        }
    }

    // nsfs translation, bare and through the Translator.
    let t = Translator::with_method(Method::Ioctl);
    let mut seen = (None, None);
    let n = allocations(N, || {
        seen = (
            Some(pidfs::ns_get_pid_from_pidns(ns.as_fd(), me)),
            Some(t.pid_from_pidns(ns.as_fd(), me)),
        );
    });
    assert_eq!(n, 0, "ioctl translation allocated {n} times in {N} calls");
    let want = if common::qemu() || !pidfs::ns_pid_ioctls_supported() {
        Err(pidfs::Errno::ENOTTY)
    } else {
        Ok(me)
    };
    assert_eq!(seen, (Some(want), Some(want)));

    // PIDFD_GET_INFO (or its /proc fallback where the ioctl is unknown).
    let mut seen = None;
    let n = allocations(N, || {
        seen = Some(pidfs::pidfd_get_info(pidfd.as_fd(), InfoMask::PID).map(|i| i.pid()));
    });
    assert_eq!(n, 0, "pidfd_get_info allocated {n} times in {N} calls");
    assert_eq!(seen, Some(Ok(Some(me))));

    // InitCache, warm: the caller as the reader (its namespace's init is
    // its pid 1). The first call (a miss) is not counted; whatever it
    // answers (EPERM for the fork method without privilege), the warm
    // calls answer the same without allocating.
    let mut cache: Box<InitCache<64>> = Box::new(InitCache::new());
    let first = cache.init_of(pidfd.as_fd()).map(|i| i.pid());
    let mut seen = None;
    let n = allocations(N, || {
        seen = Some(cache.init_of(pidfd.as_fd()).map(|i| i.pid()));
    });
    assert_eq!(n, 0, "InitCache::init_of allocated {n} times in {N} calls");
    assert_eq!(seen, Some(first));
}
