//! Signal names: `SIGTERM` <-> 15, for messages ([`WaitStatus`]'s
//! `Display`) and for parsing what a user typed (`kill -s TERM`).
//!
//! The numbers are the kernel's generic ones, the same on every
//! architecture this crate supports (x86, arm, riscv; not MIPS, SPARC or
//! Alpha, which number them differently).
//!
//! [`WaitStatus`]: crate::WaitStatus

/// The names of signals 1 to 31, index = number - 1.
const NAMES: [&str; 31] = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// The name of a standard signal (`15` -> `"SIGTERM"`); `None` for 0, the
/// real-time signals (32 to 64) and anything else.
///
/// # Kernel support
/// Every kernel (a fixed table, no syscall).
///
/// # Examples
/// ```
/// assert_eq!(pidfs::signal_name(15), Some("SIGTERM"));
/// assert_eq!(pidfs::signal_name(40), None);
/// ```
pub const fn signal_name(sig: i32) -> Option<&'static str> {
    if sig >= 1 && sig <= 31 {
        Some(NAMES[(sig - 1) as usize])
    } else {
        None
    }
}

/// The number of a signal given by name, as `kill -s` takes it: `SIGTERM`,
/// `TERM` or `term`; also `SIGIOT` (6), `SIGPOLL` (29) and `SIGRTMIN`,
/// `SIGRTMIN+n`, `SIGRTMAX-n` (the kernel's 32 to 64). `None` for anything
/// else (a number is not a name).
///
/// # Kernel support
/// Every kernel (a fixed table, no syscall).
///
/// # Examples
/// ```
/// assert_eq!(pidfs::signal_from_name("TERM"), Some(15));
/// assert_eq!(pidfs::signal_from_name("sigkill"), Some(9));
/// assert_eq!(pidfs::signal_from_name("SIGRTMIN+2"), Some(34));
/// assert_eq!(pidfs::signal_from_name("15"), None);
/// ```
pub fn signal_from_name(name: &str) -> Option<i32> {
    let mut buf = [0u8; 16];
    let b = name.as_bytes();
    if b.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_uppercase();
    }
    let up = &buf[..b.len()];
    let bare = up.strip_prefix(b"SIG").unwrap_or(up);
    match bare {
        b"IOT" => return Some(6),
        b"POLL" => return Some(29),
        b"RTMIN" => return Some(RTMIN),
        b"RTMAX" => return Some(RTMAX),
        _ => {}
    }
    if let Some(n) = bare.strip_prefix(b"RTMIN+") {
        return small(n).map(|n| RTMIN + n).filter(|&s| s <= RTMAX);
    }
    if let Some(n) = bare.strip_prefix(b"RTMAX-") {
        return small(n).map(|n| RTMAX - n).filter(|&s| s >= RTMIN);
    }
    (1..=31).find(|&s| NAMES[s as usize - 1].as_bytes()[3..] == *bare)
}

/// The kernel's first and last real-time signal.
const RTMIN: i32 = 32;
const RTMAX: i32 = 64;

/// One or two decimal digits.
fn small(d: &[u8]) -> Option<i32> {
    if d.is_empty() || d.len() > 2 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |a, &c| a * 10 + i32::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table agrees with libc's numbers and round-trips.
    #[test]
    fn names_round_trip_and_match_libc() {
        for s in 1..=31 {
            let n = signal_name(s).unwrap();
            assert_eq!(signal_from_name(n), Some(s));
            assert_eq!(signal_from_name(&n[3..].to_lowercase()), Some(s));
        }
        for (n, v) in [
            ("SIGTERM", libc::SIGTERM),
            ("SIGCHLD", libc::SIGCHLD),
            ("SIGSTOP", libc::SIGSTOP),
            ("SIGSYS", libc::SIGSYS),
            ("SIGPWR", libc::SIGPWR),
            ("SIGWINCH", libc::SIGWINCH),
        ] {
            assert_eq!(signal_from_name(n), Some(v));
        }
        assert_eq!(signal_name(0), None);
        assert_eq!(signal_name(32), None);
        assert_eq!(signal_name(-1), None);
        assert_eq!(signal_from_name("SIGIOT"), Some(6));
        assert_eq!(signal_from_name("RTMAX-0"), Some(64));
        assert_eq!(signal_from_name("RTMIN+33"), None);
        assert_eq!(signal_from_name("RTMAX-33"), None);
        for bad in [
            "", "SIG", "9", "SIGFOO", "TERMX", "SIGTERM ", "RTMIN+", "RTMIN+x1",
        ] {
            assert_eq!(signal_from_name(bad), None, "{bad:?}");
        }
        assert_eq!(signal_from_name(&"A".repeat(100)), None);
    }
}
