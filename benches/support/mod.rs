//! Shared by the benches: a quick same-run median (to print ratios between
//! pidfs and its baselines without parsing criterion's output) and the C
//! anchor (`../shared/anchor/anchor.c`), run as a subprocess in the same
//! bench run when `PIDFS_ANCHOR` names its binary.
#![allow(dead_code)]

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

/// Median ns per call of `f` over 15 batches of ~2 ms each.
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
    let mut samples: Vec<f64> = (0..15)
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

/// The anchor's `name  X ns/op` results, if `PIDFS_ANCHOR` points at the
/// compiled `anchor.c` (ci/anchor.sh builds it). Run once per process.
pub fn anchor() -> Option<&'static HashMap<String, f64>> {
    static A: OnceLock<Option<HashMap<String, f64>>> = OnceLock::new();
    A.get_or_init(|| {
        let bin = std::env::var("PIDFS_ANCHOR").ok()?;
        let iters = std::env::var("PIDFS_ANCHOR_ITERS").unwrap_or_else(|_| "200000".into());
        let out = std::process::Command::new(&bin)
            .args([iters.as_str(), "200"])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut m = HashMap::new();
        for line in text.lines() {
            let w: Vec<&str> = line.split_whitespace().collect();
            if w.len() == 3 && w[2] == "ns/op" {
                if let Ok(v) = w[1].parse::<f64>() {
                    m.insert(w[0].to_string(), v);
                }
            }
        }
        if m.is_empty() {
            eprintln!("anchor at {bin} printed no results: {text}");
            None
        } else {
            Some(m)
        }
    })
    .as_ref()
}

/// Prints pidfs vs the C anchor for one operation (`name` as anchor.c
/// names it), and whether it is within the 1.10x target.
pub fn vs_anchor(group: &str, name: &str, pidfs_ns: f64) {
    match anchor().and_then(|m| m.get(name)) {
        Some(&c) => println!(
            "{group:>10} anchor {name}: C {c:.1} ns/op, pidfs {pidfs_ns:.1} ns/op, pidfs/C = {:.3}x ({})",
            pidfs_ns / c,
            if pidfs_ns / c <= 1.10 {
                "within 1.10x"
            } else {
                "OVER 1.10x"
            }
        ),
        None => println!(
            "{group:>10} anchor {name}: not measured (set PIDFS_ANCHOR to the compiled anchor.c)"
        ),
    }
}
