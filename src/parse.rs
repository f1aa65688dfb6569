//! Parsers for the kernel's text files this crate reads: the fdinfo of a
//! pidfd (`/proc/self/fdinfo/<fd>`) and `/proc/<pid>/status`.
//!
//! They work on a byte slice (a stack buffer the caller filled), never
//! allocate and never panic: garbage, truncated or hostile text gives
//! `None`. Each is fuzzed (`fuzz/fuzz_targets/proc_status_parse.rs`).

/// The most pid-namespace levels an `NSpid:` line can list (the kernel's
/// `MAX_PID_NS_LEVEL` is 32, plus the initial namespace).
pub const MAX_NS_LEVELS: usize = 33;

/// The value part of the first line of `text` that starts with `key`
/// (for example `b"Pid:"`), without leading blanks or the newline.
/// `None` if no line has that key.
pub fn field<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    if key.is_empty() {
        return None;
    }
    for line in text.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(key) {
            let start = rest
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .unwrap_or(rest.len());
            return Some(&rest[start..]);
        }
    }
    None
}

/// Parses one decimal integer (optional leading `-`) that fits an `i32`.
pub fn parse_i32(s: &[u8]) -> Option<i32> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 11 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    if neg {
        v = -v;
    }
    i32::try_from(v).ok()
}

/// Parses one decimal `u32`.
pub fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in s {
        v = v * 10 + u64::from(d - b'0');
    }
    u32::try_from(v).ok()
}

/// The whitespace-separated words of a field value.
fn words(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
}

/// A list of pids, one per pid-namespace level, outermost first: the
/// `NSpid:` (or `NStgid:`) line.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct NsPids {
    ids: [i32; MAX_NS_LEVELS],
    len: usize,
}

impl NsPids {
    /// The pids, outermost (the reader's namespace) first.
    pub fn as_slice(&self) -> &[i32] {
        &self.ids[..self.len]
    }
    /// The pid in the innermost namespace (the process's own).
    pub fn innermost(&self) -> i32 {
        self.ids[self.len - 1]
    }
    /// The pid as seen from the reader's namespace.
    pub fn outermost(&self) -> i32 {
        self.ids[0]
    }
    /// Number of levels listed (always >= 1).
    pub fn levels(&self) -> usize {
        self.len
    }
}

/// Parses a `NSpid:`-style value: 1 to [`MAX_NS_LEVELS`] decimal pids.
pub fn parse_ns_pids(value: &[u8]) -> Option<NsPids> {
    let mut out = NsPids {
        ids: [0; MAX_NS_LEVELS],
        len: 0,
    };
    for w in words(value) {
        if out.len == MAX_NS_LEVELS {
            return None;
        }
        out.ids[out.len] = parse_i32(w)?;
        out.len += 1;
    }
    if out.len == 0 { None } else { Some(out) }
}

/// The four ids of a `Uid:` or `Gid:` status line: real, effective, saved,
/// filesystem.
pub fn parse_id4(value: &[u8]) -> Option<[u32; 4]> {
    let mut out = [0u32; 4];
    let mut n = 0;
    for w in words(value) {
        if n == 4 {
            return None;
        }
        out[n] = parse_u32(w)?;
        n += 1;
    }
    if n == 4 { Some(out) } else { None }
}

/// What the fdinfo of a pidfd says (`/proc/self/fdinfo/<fd>`, 5.3+ for
/// `Pid:`, 5.10+ for `NSpid:`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PidfdFdinfo {
    /// `Pid:` the pid in the reader's pid namespace; -1 once the process is
    /// reaped, 0 if it is outside the reader's namespace.
    pub pid: i32,
    /// `NSpid:`, if the kernel printed it (absent when `pid` is -1 or 0).
    pub ns_pids: Option<NsPids>,
}

/// Parses a pidfd's fdinfo text. `None` if it has no valid `Pid:` line
/// (not a pidfd, or garbage).
pub fn parse_pidfd_fdinfo(text: &[u8]) -> Option<PidfdFdinfo> {
    let pid = parse_i32(trim(field(text, b"Pid:")?))?;
    let ns_pids = field(text, b"NSpid:").and_then(parse_ns_pids);
    Some(PidfdFdinfo { pid, ns_pids })
}

/// The credentials lines of `/proc/<pid>/status`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct StatusCreds {
    /// `Uid:` real, effective, saved, filesystem.
    pub uid: [u32; 4],
    /// `Gid:` real, effective, saved, filesystem.
    pub gid: [u32; 4],
}

/// What this crate reads from `/proc/<pid>/status`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ProcStatus {
    /// `Tgid:`.
    pub tgid: i32,
    /// `Pid:`.
    pub pid: i32,
    /// `PPid:`.
    pub ppid: i32,
    /// `Uid:` and `Gid:`.
    pub creds: StatusCreds,
    /// `NSpid:` (4.1+), if present.
    pub ns_pids: Option<NsPids>,
    /// `NStgid:` (4.1+), if present.
    pub ns_tgids: Option<NsPids>,
}

/// Parses `/proc/<pid>/status`. `None` if any of `Tgid:`, `Pid:`, `PPid:`,
/// `Uid:`, `Gid:` is missing or malformed.
pub fn parse_proc_status(text: &[u8]) -> Option<ProcStatus> {
    Some(ProcStatus {
        tgid: parse_i32(trim(field(text, b"Tgid:")?))?,
        pid: parse_i32(trim(field(text, b"Pid:")?))?,
        ppid: parse_i32(trim(field(text, b"PPid:")?))?,
        creds: StatusCreds {
            uid: parse_id4(field(text, b"Uid:")?)?,
            gid: parse_id4(field(text, b"Gid:")?)?,
        },
        ns_pids: field(text, b"NSpid:").and_then(parse_ns_pids),
        ns_tgids: field(text, b"NStgid:").and_then(parse_ns_pids),
    })
}

fn trim(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t' && b != b'\r')
        .map_or(0, |i| i + 1);
    &s[..end]
}

/// Field 22 (`starttime`, clock ticks after boot) of a
/// `/proc/<pid>/stat` line: the fields after `comm`, which may itself hold
/// spaces and `)`, start after the last `)`. `None` for a malformed line.
/// Pure, never panics.
pub fn parse_stat_starttime(text: &[u8]) -> Option<u64> {
    let close = text.iter().rposition(|&b| b == b')')?;
    // After ')' comes field 3 (state); field 22 is the 20th from there.
    let f = text[close + 1..]
        .split(|&b| b == b' ' || b == b'\n')
        .filter(|w| !w.is_empty())
        .nth(19)?;
    if f.is_empty() || f.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in f {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &[u8] = b"Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t42\nNgid:\t0\nPid:\t43\nPPid:\t7\n\
TracerPid:\t0\nUid:\t0\t1\t2\t3\nGid:\t4\t5\t6\t7\nFDSize:\t64\nNStgid:\t42\t1\nNSpid:\t43\t2\nNSpgid:\t42\t1\n";

    #[test]
    fn status_fields() {
        let s = parse_proc_status(STATUS).unwrap();
        assert_eq!((s.tgid, s.pid, s.ppid), (42, 43, 7));
        assert_eq!(s.creds.uid, [0, 1, 2, 3]);
        assert_eq!(s.creds.gid, [4, 5, 6, 7]);
        assert_eq!(s.ns_pids.unwrap().as_slice(), &[43, 2]);
        assert_eq!(s.ns_tgids.unwrap().innermost(), 1);
    }

    #[test]
    fn fdinfo_reaped_and_foreign() {
        let f =
            parse_pidfd_fdinfo(b"pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\nPid:\t-1\n")
                .unwrap();
        assert_eq!(f.pid, -1);
        assert!(f.ns_pids.is_none());
        let f = parse_pidfd_fdinfo(b"Pid:\t1234\nNSpid:\t1234\t5\t1\n").unwrap();
        assert_eq!(f.ns_pids.unwrap().as_slice(), &[1234, 5, 1]);
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse_pidfd_fdinfo(b""), None);
        assert_eq!(parse_pidfd_fdinfo(b"Pid:\t\n"), None);
        assert_eq!(parse_pidfd_fdinfo(b"Pid:\t99999999999\n"), None);
        assert_eq!(parse_pidfd_fdinfo(b"Pid:\t12x\n"), None);
        assert_eq!(parse_ns_pids(b""), None);
        assert_eq!(parse_id4(b"1 2 3"), None);
        assert_eq!(parse_id4(b"1 2 3 4 5"), None);
        let many = b"1 ".repeat(40);
        assert_eq!(parse_ns_pids(&many), None);
        assert_eq!(parse_proc_status(b"Tgid:\t1\nPid:\t1\n"), None);
        assert_eq!(parse_i32(b"-"), None);
        assert_eq!(parse_i32(b"-2147483648"), Some(i32::MIN));
        assert_eq!(parse_i32(b"2147483648"), None);
        assert_eq!(parse_u32(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32(b"4294967296"), None);
    }
}
