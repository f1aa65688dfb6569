//! The two files this crate parses, one line at a time: a pidfd's fdinfo
//! and `/proc/<pid>/status`.

use super::{Line, NsPids, parse_i32, parse_id4, parse_ns_pids, skip_blanks};

/// What the fdinfo of a pidfd says (`/proc/thread-self/fdinfo/<fd>`, 5.3+
/// for `Pid:`, 5.10+ for `NSpid:`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PidfdFdinfo {
    /// `Pid:` the pid in the pid namespace of the procfs the fdinfo was
    /// read through; -1 once the process is reaped, 0 if it has no pid in
    /// that namespace.
    pub pid: i32,
    /// `NSpid:`, if the kernel printed it (absent when `pid` is -1 or 0):
    /// the pids from that procfs's namespace down to the process's own.
    pub ns_pids: Option<NsPids>,
}

/// Why a text did not parse.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TextError {
    /// A line the parser needs is missing or malformed, or the text was cut
    /// (its last line has no newline).
    Malformed,
    /// A line the parser needs was longer than the reader's buffer
    /// ([`Line::Long`]): it could not be looked at.
    LineTooLong,
}

/// One keyed value: the first line with the key wins, as in [`field`](super::field).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Slot<T> {
    Unseen,
    Bad,
    Got(T),
}

impl<T: Copy> Slot<T> {
    /// Takes `line`'s value if it starts with `key` and no earlier line did.
    fn offer(&mut self, key: &[u8], line: &[u8], parse: impl FnOnce(&[u8]) -> Option<T>) {
        if let (Slot::Unseen, Some(rest)) = (&*self, line.strip_prefix(key)) {
            *self = parse(skip_blanks(rest)).map_or(Slot::Bad, Slot::Got);
        }
    }
    /// Whether a line too long to read starts with `key` before any
    /// complete line did (the value is then unknown).
    fn overflows(&mut self, key: &[u8], prefix: &[u8]) -> bool {
        if matches!(self, Slot::Unseen) && prefix.starts_with(key) {
            *self = Slot::Bad;
            return true;
        }
        false
    }
    fn get(self) -> Option<T> {
        match self {
            Slot::Got(v) => Some(v),
            _ => None,
        }
    }
}

fn pid_value(v: &[u8]) -> Option<i32> {
    parse_i32(trim(v))
}

/// The state every line parser shares: a cut last line, an unreadable
/// needed line.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
struct Flags {
    cut: bool,
    long: bool,
}

impl Flags {
    fn check(self) -> Result<(), TextError> {
        if self.long {
            Err(TextError::LineTooLong)
        } else if self.cut {
            Err(TextError::Malformed)
        } else {
            Ok(())
        }
    }
}

/// A pidfd's fdinfo, fed one line at a time (see [`for_each_line`](super::for_each_line)).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FdinfoParser {
    pid: Slot<i32>,
    ns_pids: Slot<NsPids>,
    flags: Flags,
}

impl Default for FdinfoParser {
    fn default() -> Self {
        FdinfoParser::new()
    }
}

impl FdinfoParser {
    /// A parser that has seen no line.
    pub const fn new() -> FdinfoParser {
        FdinfoParser {
            pid: Slot::Unseen,
            ns_pids: Slot::Unseen,
            flags: Flags {
                cut: false,
                long: false,
            },
        }
    }
    /// Takes the next line of the text.
    pub fn feed(&mut self, line: Line<'_>) {
        match line {
            Line::Whole(l) => {
                self.pid.offer(b"Pid:", l, pid_value);
                self.ns_pids.offer(b"NSpid:", l, parse_ns_pids);
            }
            Line::Long(p) => {
                let long = self.pid.overflows(b"Pid:", p) | self.ns_pids.overflows(b"NSpid:", p);
                self.flags.long |= long;
            }
            Line::Unterminated(_) => self.flags.cut = true,
        }
    }
    /// The answer once every line was fed: `Malformed` without a valid
    /// `Pid:` line (not a pidfd, or garbage) or when the text was cut.
    pub fn finish(self) -> Result<PidfdFdinfo, TextError> {
        self.flags.check()?;
        Ok(PidfdFdinfo {
            pid: self.pid.get().ok_or(TextError::Malformed)?,
            ns_pids: self.ns_pids.get(),
        })
    }
}

/// Feeds `text` to `feed` line by line: complete lines as
/// [`Line::Whole`], text after the last newline as [`Line::Unterminated`].
fn feed_text(text: &[u8], mut feed: impl FnMut(Line<'_>)) {
    for line in text.split_inclusive(|&b| b == b'\n') {
        match line.strip_suffix(b"\n") {
            Some(l) => feed(Line::Whole(l)),
            None => feed(Line::Unterminated(line)),
        }
    }
}

/// Parses a pidfd's fdinfo text. `None` if it has no valid `Pid:` line
/// (not a pidfd, or garbage), or if its last line has no newline.
pub fn parse_pidfd_fdinfo(text: &[u8]) -> Option<PidfdFdinfo> {
    let mut p = FdinfoParser::new();
    feed_text(text, |l| p.feed(l));
    p.finish().ok()
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
    /// `NSpid:` (4.1+), if present: numbered from the pid namespace of the
    /// procfs the file was read through down to the task's own.
    pub ns_pids: Option<NsPids>,
    /// `NStgid:` (4.1+), if present.
    pub ns_tgids: Option<NsPids>,
}

/// `/proc/<pid>/status`, fed one line at a time (see [`for_each_line`](super::for_each_line)).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct StatusParser {
    tgid: Slot<i32>,
    pid: Slot<i32>,
    ppid: Slot<i32>,
    uid: Slot<[u32; 4]>,
    gid: Slot<[u32; 4]>,
    ns_pids: Slot<NsPids>,
    ns_tgids: Slot<NsPids>,
    flags: Flags,
}

impl Default for StatusParser {
    fn default() -> Self {
        StatusParser::new()
    }
}

impl StatusParser {
    /// A parser that has seen no line.
    pub const fn new() -> StatusParser {
        StatusParser {
            tgid: Slot::Unseen,
            pid: Slot::Unseen,
            ppid: Slot::Unseen,
            uid: Slot::Unseen,
            gid: Slot::Unseen,
            ns_pids: Slot::Unseen,
            ns_tgids: Slot::Unseen,
            flags: Flags {
                cut: false,
                long: false,
            },
        }
    }
    /// Takes the next line of the text.
    pub fn feed(&mut self, line: Line<'_>) {
        match line {
            // The first byte picks the keys worth comparing: most of the
            // file's ~55 lines start with none of them.
            Line::Whole(l) => match l.first() {
                Some(b'T') => self.tgid.offer(b"Tgid:", l, pid_value),
                Some(b'P') => {
                    self.pid.offer(b"Pid:", l, pid_value);
                    self.ppid.offer(b"PPid:", l, pid_value);
                }
                Some(b'U') => self.uid.offer(b"Uid:", l, parse_id4),
                Some(b'G') => self.gid.offer(b"Gid:", l, parse_id4),
                Some(b'N') => {
                    self.ns_pids.offer(b"NSpid:", l, parse_ns_pids);
                    self.ns_tgids.offer(b"NStgid:", l, parse_ns_pids);
                }
                _ => {}
            },
            Line::Long(p) => {
                let long = self.tgid.overflows(b"Tgid:", p)
                    | self.pid.overflows(b"Pid:", p)
                    | self.ppid.overflows(b"PPid:", p)
                    | self.uid.overflows(b"Uid:", p)
                    | self.gid.overflows(b"Gid:", p)
                    | self.ns_pids.overflows(b"NSpid:", p)
                    | self.ns_tgids.overflows(b"NStgid:", p);
                self.flags.long |= long;
            }
            Line::Unterminated(_) => self.flags.cut = true,
        }
    }
    /// Whether every key has been seen: no later line can change the
    /// answer (the first line with a key wins), only a cut or an overlong
    /// line can still make it fail.
    fn complete(&self) -> bool {
        !matches!(self.tgid, Slot::Unseen)
            && !matches!(self.pid, Slot::Unseen)
            && !matches!(self.ppid, Slot::Unseen)
            && !matches!(self.uid, Slot::Unseen)
            && !matches!(self.gid, Slot::Unseen)
            && !matches!(self.ns_pids, Slot::Unseen)
            && !matches!(self.ns_tgids, Slot::Unseen)
    }
    /// The answer once every line was fed: `Malformed` if any of `Tgid:`,
    /// `Pid:`, `PPid:`, `Uid:`, `Gid:` is missing or malformed, or the text
    /// was cut. A malformed `NSpid:`/`NStgid:` line gives `None` there.
    pub fn finish(self) -> Result<ProcStatus, TextError> {
        self.flags.check()?;
        let need = TextError::Malformed;
        Ok(ProcStatus {
            tgid: self.tgid.get().ok_or(need)?,
            pid: self.pid.get().ok_or(need)?,
            ppid: self.ppid.get().ok_or(need)?,
            creds: StatusCreds {
                uid: self.uid.get().ok_or(need)?,
                gid: self.gid.get().ok_or(need)?,
            },
            ns_pids: self.ns_pids.get(),
            ns_tgids: self.ns_tgids.get(),
        })
    }
}

/// Parses `/proc/<pid>/status`. `None` if any of `Tgid:`, `Pid:`, `PPid:`,
/// `Uid:`, `Gid:` is missing or malformed, or if its last line has no
/// newline.
pub fn parse_proc_status(text: &[u8]) -> Option<ProcStatus> {
    // A whole text in memory: its last line is cut exactly when the text
    // does not end with a newline, so once every key has been seen the rest
    // need not be split into lines (the answer is the same as feeding every
    // line; the fuzz body checks that against the streaming reader).
    if text.last() != Some(&b'\n') {
        return None;
    }
    let mut p = StatusParser::new();
    for line in text.split(|&b| b == b'\n') {
        if p.complete() {
            break;
        }
        p.feed(Line::Whole(line));
    }
    p.finish().ok()
}

fn trim(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t' && b != b'\r')
        .map_or(0, |i| i + 1);
    &s[..end]
}
