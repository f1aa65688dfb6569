//! PID translation between a new pid namespace and the caller's, three
//! ways (`Translator::with_method`): the nsfs ioctls
//! (`NS_GET_PID_FROM_PIDNS`/`NS_GET_PID_IN_PIDNS`, also bare), the LXCFS
//! fork method (double fork + setns + SCM_CREDENTIALS) and /proc (`NSpid:`
//! of one status file for the "in" direction; a scan of /proc for
//! "from"), for one pid (the namespace's init, pid 1 there, as in the C
//! baseline) and for [`support::NS_PIDS`] pids in a loop (the init and its
//! 99 children). Prints same-run medians, the baseline/ioctl ratios and
//! pidfs against the C baseline's `ns_ioctl`, `proc_nspid` and
//! `fork_translate` when `PIDFS_C_BASELINE` names it. Needs root (the new pid namespace; the
//! fork method's `setns`). Under qemu-user (and before 6.11) the ioctl
//! rows print "unsupported here: ENOTTY". 100 pids through the /proc scan
//! take most of a second each, so criterion leaves that one out, and the
//! same-run medians too in quick mode (`-- --quick`, which also leaves
//! the 100-pid loops out of criterion, and under qemu-user the fork and
//! /proc loops out of the same-run medians).

use criterion::Criterion;

#[path = "support/mod.rs"]
mod support;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let quick = support::quick();
    let ops = support::Ops::new();
    println!(
        "target pid {} (pid {} in {} pid namespace, {} pids there)",
        ops.t.pid,
        ops.t.pid_in_ns,
        if ops.t.new_pidns {
            "a new"
        } else {
            "the caller's"
        },
        ops.outer_pids.len()
    );
    let mut g = c.benchmark_group("translate one pid");
    support::bench_ok(&mut g, "ns_get_pid_from_pidns", || ops.ns_ioctl());
    support::bench_ok(&mut g, "Ioctl from", || ops.translate_ioctl());
    support::bench_ok(&mut g, "Ioctl in", || ops.translate_ioctl_in());
    support::bench_ok(&mut g, "Proc in (NSpid)", || ops.translate_proc_in());
    support::bench_ok(&mut g, "/proc NSpid bare read", || ops.proc_nspid());
    g.sample_size(10);
    support::bench_ok(&mut g, "Fork from", || ops.translate_fork());
    support::bench_ok(&mut g, "Fork in", || ops.translate_fork_in());
    support::bench_ok(&mut g, "Proc from (scan)", || ops.translate_proc_from());
    g.finish();
    // Quick mode (CI's smoke run) leaves the 100-pid loops to the
    // same-run medians below.
    if !quick {
        let mut g = c.benchmark_group("translate 100 pids");
        support::bench_ok(&mut g, "Ioctl from", || ops.loop_ioctl());
        support::bench_ok(&mut g, "Ioctl in", || ops.loop_ioctl_in());
        support::bench_ok(&mut g, "Proc in", || ops.loop_proc_in());
        g.sample_size(10);
        support::bench_ok(&mut g, "Fork from", || ops.loop_fork());
        g.finish();
    }

    let grp = "translate";
    let m = |name, f: &dyn Fn() -> support::R<i32>| (name, support::try_ns_per_op(grp, name, f));
    let one = [
        m("Ioctl from", &|| ops.translate_ioctl()),
        m("Fork from", &|| ops.translate_fork()),
        m("Proc from (scan)", &|| ops.translate_proc_from()),
        m("Ioctl in", &|| ops.translate_ioctl_in()),
        m("Fork in", &|| ops.translate_fork_in()),
        m("Proc in (NSpid)", &|| ops.translate_proc_in()),
        m("ns_get_pid_from_pidns", &|| ops.ns_ioctl()),
        m("/proc NSpid bare read", &|| ops.proc_nspid()),
    ];
    // Under qemu-user a fork costs ~3 ms: its quick run skips the slow
    // loops.
    let slow = !(quick && cfg!(qemu));
    let skip = |name| (name, None);
    let mut many = vec![
        m("100 pids Ioctl from", &|| ops.loop_ioctl()),
        if slow {
            m("100 pids Fork from", &|| ops.loop_fork())
        } else {
            skip("100 pids Fork from")
        },
        m("100 pids Ioctl in", &|| ops.loop_ioctl_in()),
        if slow {
            m("100 pids Proc in", &|| ops.loop_proc_in())
        } else {
            skip("100 pids Proc in")
        },
    ];
    if !quick {
        many.push(m("100 pids Proc from (scan)", &|| ops.loop_proc_from()));
    }
    support::report_opt(grp, &one);
    support::report_opt(grp, &many);
    support::ratio_opt(grp, one[0], one[1]);
    support::ratio_opt(grp, one[0], one[2]);
    support::ratio_opt(grp, one[3], one[4]);
    support::ratio_opt(grp, one[3], one[5]);
    support::ratio_opt(grp, many[0], many[1]);
    support::ratio_opt(grp, many[2], many[3]);
    if let Some(&scan) = many.get(4) {
        support::ratio_opt(grp, many[0], scan);
    }
    support::vs_c_opt(grp, "ns_ioctl", one[6].1);
    support::vs_c_opt(grp, "ns_ioctl", one[0].1);
    support::vs_c_opt(grp, "proc_nspid", one[7].1);
    support::vs_c_opt(grp, "proc_nspid", one[5].1);
    support::vs_c_opt(grp, "fork_translate", one[1].1);
    c.final_summary();
}
