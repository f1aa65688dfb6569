//! `PIDFD_GET_INFO` (`pidfd_get_info(pidfd, PID)`) against the fallback
//! that gives the same answer from `/proc` (the pidfd's fdinfo `Pid:`,
//! `/proc/<pid>/status`, then `pidfd_send_signal(pidfd, 0)` for liveness),
//! on a target in a new pid namespace. Prints same-run medians, the
//! fallback/ioctl ratio, and pidfs against the C baseline's `get_info` when
//! `PIDFS_C_BASELINE` names it. Under qemu-user (and before 6.13) the ioctl
//! prints "unsupported here: ENOTTY" and only the fallback is timed.

use criterion::Criterion;

#[path = "support/mod.rs"]
mod support;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let ops = support::Ops::new();
    let mut g = c.benchmark_group("info");
    support::bench_ok(&mut g, "pidfd_get_info (PIDFD_GET_INFO)", || ops.get_info());
    support::bench_ok(&mut g, "fallback (fdinfo + status)", || {
        ops.get_info_fallback()
    });
    g.finish();

    let grp = "info";
    let ioctl = support::try_ns_per_op(grp, "pidfd_get_info", || ops.get_info());
    let fb = support::try_ns_per_op(grp, "fallback (fdinfo + status)", || {
        ops.get_info_fallback()
    });
    let rows = [
        ("pidfd_get_info", ioctl),
        ("fallback (fdinfo + status)", fb),
    ];
    support::report_opt(grp, &rows);
    support::ratio_opt(grp, rows[0], rows[1]);
    support::vs_c_opt(grp, "get_info", ioctl);
    c.final_summary();
}
