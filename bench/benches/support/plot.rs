//! A hand-written SVG line plot with log-scale axes (no dependency): the
//! `lxcfs` bench's latency-against-N figure.
#![allow(dead_code)]

use std::fmt::Write;

/// One line: a label, a colour, dashed or not, and (x, y) points (> 0).
pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 760.0;
const H: f64 = 480.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 250.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 58.0;

fn decades(lo: f64, hi: f64) -> (i32, i32) {
    (lo.log10().floor() as i32, hi.log10().ceil() as i32)
}

/// Nanoseconds as a short axis label (1 ns, 10 µs, 1 s).
pub fn ns_label(ns: f64) -> String {
    match ns {
        v if v >= 1e9 => format!("{} s", v / 1e9),
        v if v >= 1e6 => format!("{} ms", v / 1e6),
        v if v >= 1e3 => format!("{} µs", v / 1e3),
        v => format!("{v} ns"),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Renders the plot: log x (values of `x_ticks`), log y (decades of the
/// data, labelled by `y_label`), a legend on the right.
pub fn svg(
    title: &str,
    x_title: &str,
    y_title: &str,
    x_ticks: &[f64],
    y_label: impl Fn(f64) -> String,
    series: &[Series],
    hline: Option<(f64, &str)>,
) -> String {
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut ylo, mut yhi) = (f64::MAX, f64::MIN);
    for &(_, y) in pts.clone() {
        ylo = ylo.min(y);
        yhi = yhi.max(y);
    }
    if ylo > yhi {
        (ylo, yhi) = (1.0, 10.0);
    }
    let (xlo, xhi) = (
        x_ticks.iter().cloned().fold(f64::MAX, f64::min),
        x_ticks.iter().cloned().fold(f64::MIN, f64::max),
    );
    let (d0, d1) = decades(ylo, yhi);
    let d1 = d1.max(d0 + 1);
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let xspan = (xhi.log10() - xlo.log10()).max(1e-9);
    let px = |x: f64| LEFT + (x.log10() - xlo.log10()) / xspan * pw;
    let py = |y: f64| TOP + ph - (y.log10() - d0 as f64) / (d1 - d0) as f64 * ph;
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(o, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        o,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{}</text>"#,
        LEFT + pw / 2.0,
        esc(title)
    );
    for d in d0..=d1 {
        let y = py(10f64.powi(d));
        let _ = writeln!(
            o,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            esc(&y_label(10f64.powi(d)))
        );
    }
    for &x in x_ticks {
        let xp = px(x);
        let _ = writeln!(
            o,
            r##"<line x1="{xp:.1}" y1="{TOP}" x2="{xp:.1}" y2="{:.1}" stroke="#eee"/><text x="{xp:.1}" y="{:.1}" text-anchor="middle">{x}</text>"##,
            TOP + ph,
            TOP + ph + 18.0
        );
    }
    let _ = writeln!(
        o,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>"##
    );
    let _ = writeln!(
        o,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + pw / 2.0,
        H - 16.0,
        esc(x_title)
    );
    let _ = writeln!(
        o,
        r#"<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">{}</text>"#,
        TOP + ph / 2.0,
        TOP + ph / 2.0,
        esc(y_title)
    );
    if let Some((y, label)) = hline {
        let yp = py(y);
        let _ = writeln!(
            o,
            r##"<line x1="{LEFT}" y1="{yp:.1}" x2="{:.1}" y2="{yp:.1}" stroke="#000" stroke-dasharray="2 3"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
            LEFT + pw,
            LEFT + 6.0,
            yp - 4.0,
            esc(label)
        );
    }
    for (i, s) in series.iter().enumerate() {
        let dash = if s.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let path: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            o,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            path.join(" "),
            s.colour
        );
        for &(x, y) in &s.points {
            let _ = writeln!(
                o,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                px(x),
                py(y),
                s.colour
            );
        }
        let ly = TOP + 10.0 + i as f64 * 20.0;
        let lx = W - RIGHT + 16.0;
        let _ = writeln!(
            o,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{}">{}</text>"#,
            lx + 28.0,
            s.colour,
            lx + 34.0,
            ly + 4.0,
            esc(&s.label)
        );
    }
    o.push_str("</svg>\n");
    o
}
