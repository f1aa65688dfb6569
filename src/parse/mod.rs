//! Parsers for the kernel's text files this crate reads: the fdinfo of a
//! pidfd (`/proc/thread-self/fdinfo/<fd>`) and `/proc/<pid>/status`.
//!
//! They never allocate and never panic: garbage, truncated or hostile text
//! gives `None`. Each works line by line ([`FdinfoParser`],
//! [`StatusParser`]), so that a file is read to its end through one small
//! stack buffer ([`for_each_line`]) however long it is (a status file of a
//! process with 65,536 supplementary groups is about 600 KiB, almost all
//! of it one `Groups:` line); [`parse_pidfd_fdinfo`] and
//! [`parse_proc_status`] feed a whole text through the same parsers.
//!
//! Every parser rejects text whose last line has no newline: the kernel
//! ends every line of these files with one, so such text was cut (a read
//! that stopped short) and its last value may be a prefix of the real one
//! (`29` for `2957`). Each is fuzzed
//! (`fuzz/fuzz_targets/{pidfd_fdinfo_parse,proc_status_parse}.rs`).

mod files;
mod lines;

pub use files::{
    FdinfoParser, PidfdFdinfo, ProcStatus, StatusCreds, StatusParser, TextError,
    parse_pidfd_fdinfo, parse_proc_status,
};
pub use lines::{Line, for_each_line};

/// The most pid-namespace levels an `NSpid:` line can list (the kernel's
/// `MAX_PID_NS_LEVEL` is 32, plus the initial namespace).
pub const MAX_NS_LEVELS: usize = 33;

/// The value part of the first complete line of `text` that starts with
/// `key` (for example `b"Pid:"`), without leading blanks or the newline.
/// `None` if no newline-terminated line has that key: text after the last
/// `\n` is a cut line (a short read), never the kernel's output, and is not
/// looked at.
pub fn field<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    if key.is_empty() {
        return None;
    }
    for line in text.split_inclusive(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\n")?;
        if let Some(rest) = line.strip_prefix(key) {
            return Some(skip_blanks(rest));
        }
    }
    None
}

pub(crate) fn skip_blanks(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(s.len());
    &s[start..]
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

/// The inode number in a namespace link's text (`readlink` of
/// `/proc/<pid>/ns/<kind>`: `pid:[4026531836]`), if the text is exactly
/// `<kind>:[<decimal u64>]`.
pub fn ns_link_ino(text: &[u8], kind: &[u8]) -> Option<u64> {
    let digits = text
        .strip_prefix(kind)?
        .strip_prefix(b":[")?
        .strip_suffix(b"]")?;
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u64, |v, &d| {
        v.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
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

/// Field 22 (`starttime`, clock ticks after boot) of a
/// `/proc/<pid>/stat` line: the fields after `comm`, which may itself hold
/// spaces and `)`, start after the last `)`. `None` for a malformed line,
/// or one cut before its newline. Pure, never panics.
pub fn parse_stat_starttime(text: &[u8]) -> Option<u64> {
    if text.last() != Some(&b'\n') {
        return None;
    }
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

    /// A last line without its newline is a cut read: the whole text is
    /// rejected (`29` may be the start of `2957`), and `field` does not
    /// look at it.
    #[test]
    fn cut_text_is_none() {
        assert_eq!(parse_pidfd_fdinfo(b"Pid:\t29"), None);
        assert_eq!(parse_pidfd_fdinfo(b"Pid:\t2957\nNSpid:\t2957\t2"), None);
        assert!(parse_pidfd_fdinfo(b"Pid:\t2957\nNSpid:\t2957\t2\n").is_some());
        let cut = &STATUS[..STATUS.len() - 1];
        assert_eq!(parse_proc_status(cut), None);
        assert_eq!(field(b"Pid:\t29", b"Pid:"), None);
        assert_eq!(field(b"A:\t1\nPid:\t29", b"Pid:"), None);
        assert_eq!(field(b"Pid:\t7\nPid:\t29", b"Pid:"), Some(&b"7"[..]));
    }

    /// Fed through a buffer smaller than the `Groups:` line, the parser
    /// skips that line and still gets every field; a needed line longer
    /// than the buffer is `LineTooLong`, never a cut value.
    #[test]
    fn long_lines() {
        let mut text = std::vec::Vec::from(&STATUS[..STATUS.len()]);
        let groups: std::string::String = (0..2000).map(|g| std::format!("{g} ")).collect();
        let at = text.windows(7).position(|w| w == b"FDSize:").unwrap();
        text.splice(at..at, std::format!("Groups:\t{groups}\n").into_bytes());
        let run = |text: &[u8], cap: usize| {
            let mut p = StatusParser::new();
            let mut buf = std::vec![0u8; cap];
            let mut pos = 0;
            let r: Result<(), ()> = for_each_line(
                &mut buf,
                |b| {
                    let n = b.len().min(text.len() - pos);
                    b[..n].copy_from_slice(&text[pos..pos + n]);
                    pos += n;
                    Ok(n)
                },
                |l| p.feed(l),
            );
            assert_eq!(r, Ok(()));
            p.finish()
        };
        assert_eq!(run(&text, 64), Ok(parse_proc_status(STATUS).unwrap()));
        assert_eq!(parse_proc_status(&text), parse_proc_status(STATUS));
        let mut wide = std::vec::Vec::from(&b"NSpid:\t"[..]);
        wide.extend(core::iter::repeat_n(b' ', 100));
        wide.extend(b"5\n");
        wide.extend(STATUS);
        assert_eq!(run(&wide, 64), Err(TextError::LineTooLong));
        assert_eq!(run(&text[..text.len() - 1], 64), Err(TextError::Malformed));
    }

    #[test]
    fn ns_link_text() {
        assert_eq!(ns_link_ino(b"pid:[4026531836]", b"pid"), Some(4026531836));
        assert_eq!(ns_link_ino(b"net:[4026531836]", b"pid"), None);
        assert_eq!(ns_link_ino(b"pid:[]", b"pid"), None);
        assert_eq!(ns_link_ino(b"pid:[12x]", b"pid"), None);
        assert_eq!(
            ns_link_ino(b"pid:[18446744073709551615]", b"pid"),
            Some(u64::MAX)
        );
        assert_eq!(ns_link_ino(b"pid:[18446744073709551616]", b"pid"), None);
        assert_eq!(ns_link_ino(b"pid:[1]\n", b"pid"), None);
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
