//! The bodies of the fuzz targets in `fuzz/fuzz_targets/`, one `pub fn`
//! per target, named after it.
//!
//! Each takes arbitrary bytes, feeds them to one pure decoder of this
//! crate (no syscalls, no fuzzed pointers or flags) and checks that the
//! answer is consistent with the input: what decodes re-encodes to an
//! equivalent input and decodes again to the same value, and what is
//! rejected is rejected for a reason visible in the input. The decoders
//! never panic; these bodies panic only when such an invariant breaks
//! (that is the finding). `cargo test` replays `fuzz/corpus/<target>/`
//! through the same functions on every target (`tests/fuzz_corpus.rs`),
//! and `ci/fuzz.sh` runs libFuzzer on them.
//!
//! Not part of the API: no stability promise.

use crate::flags::InfoMask;
use crate::info::{PIDFD_INFO_SIZE, PidfdInfo};
use crate::parse::{
    FdinfoParser, Line, MAX_NS_LEVELS, NsPids, StatusParser, TextError, field, for_each_line,
    parse_i32, parse_id4, parse_ns_pids, parse_pidfd_fdinfo, parse_proc_status, parse_u32,
};
use crate::raw;
use crate::signal::SigInfo;
use crate::sys::{cmsgs, parse_scm_credentials};
use crate::wait::WaitStatus;
mod handle;

pub use handle::file_handle_decode;

use core::fmt::{self, Write};
use core::mem::size_of;

/// The names of the fuzz targets, as in `fuzz/Cargo.toml` and
/// `fuzz/corpus/<name>/`.
pub const TARGETS: &[&str] = &[
    "file_handle_decode",
    "pidfd_fdinfo_parse",
    "proc_status_parse",
    "pidfd_info_decode",
    "wait_status_decode",
    "scm_credentials_parse",
];

/// Runs the body of the target called `name` on `data`; `false` if no
/// target has that name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "file_handle_decode" => file_handle_decode(data),
        "pidfd_fdinfo_parse" => pidfd_fdinfo_parse(data),
        "proc_status_parse" => proc_status_parse(data),
        "pidfd_info_decode" => pidfd_info_decode(data),
        "wait_status_decode" => wait_status_decode(data),
        "scm_credentials_parse" => scm_credentials_parse(data),
        _ => return false,
    }
    true
}

/// The fuzz bodies' format buffer (1 KiB).
type Buf = crate::path::FmtBuf<1024>;

/// Writes `pids` tab-separated, as the kernel prints an `NSpid:` value.
fn write_pids(b: &mut Buf, pids: &NsPids) -> fmt::Result {
    for (i, p) in pids.as_slice().iter().enumerate() {
        if i > 0 {
            b.write_char('\t')?;
        }
        write!(b, "{p}")?;
    }
    Ok(())
}

/// Checks the invariants of an `NsPids` value.
fn check_ns_pids(p: &NsPids) {
    assert!((1..=MAX_NS_LEVELS).contains(&p.levels()));
    assert_eq!(p.as_slice().len(), p.levels());
    assert_eq!(p.outermost(), p.as_slice()[0]);
    assert_eq!(p.innermost(), p.as_slice()[p.levels() - 1]);
}

/// Checks the number parsers on one word against `core::str::parse`.
fn check_numbers(w: &[u8]) {
    if let Some(v) = parse_i32(w) {
        let s = core::str::from_utf8(w).expect("parse_i32 accepted non-ASCII");
        assert_eq!(s.parse::<i32>(), Ok(v), "parse_i32 disagrees on {s:?}");
        let mut b = Buf::new();
        assert!(write!(b, "{v}").is_ok());
        assert_eq!(parse_i32(b.as_bytes()), Some(v));
    }
    if let Some(v) = parse_u32(w) {
        let s = core::str::from_utf8(w).expect("parse_u32 accepted non-ASCII");
        assert_eq!(s.parse::<u32>(), Ok(v), "parse_u32 disagrees on {s:?}");
    }
    // A canonical decimal (no sign, no leading zero) that fits must parse.
    if let Ok(s) = core::str::from_utf8(w)
        && let Ok(v) = s.parse::<i32>()
        && !s.starts_with('+')
        && !s.starts_with("0")
        && !s.starts_with("-0")
    {
        assert_eq!(parse_i32(w), Some(v), "parse_i32 rejected {s:?}");
    }
}

/// Text that does not end with a newline was cut: every whole-text parser
/// must reject it.
fn cut(data: &[u8]) -> bool {
    !data.is_empty() && !data.ends_with(b"\n")
}

/// Feeds `data` to `feed` the way `procfs` reads a file: through a buffer
/// of `cap` bytes (at most 256), `chunk` bytes per read.
fn stream(data: &[u8], cap: usize, chunk: usize, feed: impl FnMut(Line<'_>)) {
    let mut buf = [0u8; 256];
    let mut pos = 0usize;
    let r: Result<(), ()> = for_each_line(
        &mut buf[..cap.min(256)],
        |b| {
            let n = b.len().min(chunk.max(1)).min(data.len() - pos);
            b[..n].copy_from_slice(&data[pos..pos + n]);
            pos += n;
            Ok(n)
        },
        feed,
    );
    assert!(r.is_ok());
    assert_eq!(pos, data.len(), "the line reader stopped before the end");
}

/// The buffer sizes and read sizes the streaming checks use for `data`:
/// read sizes from its first byte, so the fuzzer steers them.
fn stream_shapes(data: &[u8]) -> [(usize, usize); 3] {
    let k = usize::from(data.first().copied().unwrap_or(0));
    [(16, 1 + k % 5), (61, 1 + k % 64), (256, 256)]
}

/// The body of the `pidfd_fdinfo_parse` fuzz target: a pidfd's
/// `/proc/thread-self/fdinfo/<fd>` text through [`parse_pidfd_fdinfo`],
/// the line-by-line [`FdinfoParser`] fed through small buffers (which
/// must agree with it unless a needed line did not fit), and the field
/// helpers. Text whose last line has no newline is rejected.
pub fn pidfd_fdinfo_parse(data: &[u8]) {
    let whole = parse_pidfd_fdinfo(data);
    if cut(data) {
        assert_eq!(whole, None, "a cut text parsed");
    }
    for (cap, chunk) in stream_shapes(data) {
        let mut p = FdinfoParser::new();
        stream(data, cap, chunk, |l| p.feed(l));
        match p.finish() {
            Err(TextError::LineTooLong) => assert!(cap <= data.len()),
            r => assert_eq!(r.ok(), whole, "streamed through {cap} bytes"),
        }
    }
    // The first line's words go through the number parsers too.
    for w in data.split(|&b| b == b'\n' || b == b'\t' || b == b' ') {
        check_numbers(w);
    }
    // `field` with a key taken from the input: its value is a suffix of
    // the line that starts with the key.
    if let Some((&k, rest)) = data.split_first() {
        let klen = usize::from(k % 8).min(rest.len());
        let (key, text) = rest.split_at(klen);
        // The first line (newline-terminated or the cut last one) whose
        // text starts with the key.
        let first = text
            .split_inclusive(|&b| b == b'\n')
            .map(|l| (l.strip_suffix(b"\n"), l))
            .find(|(whole, l)| !key.is_empty() && whole.unwrap_or(l).starts_with(key));
        match field(text, key) {
            Some(v) => {
                assert!(!key.is_empty());
                let (whole, _) = first.expect("field found a value without a line");
                let line = whole.expect("field took a cut line");
                assert!(line.ends_with(v));
            }
            // Not found only if the first such line is the cut last one.
            None => assert!(first.is_none_or(|(whole, _)| whole.is_none())),
        }
    }
    let Some(f) = whole else {
        return;
    };
    let pid_value = field(data, b"Pid:").expect("parsed without a Pid: line");
    assert!(pid_value.starts_with(match f.pid {
        p if p < 0 => b"-".as_slice(),
        _ => b"",
    }));
    if let Some(ns) = &f.ns_pids {
        check_ns_pids(ns);
    }
    // Re-render as the kernel would and parse again: same answer.
    let mut b = Buf::new();
    assert!(write!(b, "pos:\t0\nflags:\t02000002\nPid:\t{}\n", f.pid).is_ok());
    if let Some(ns) = &f.ns_pids {
        assert!(b.write_str("NSpid:\t").is_ok());
        assert!(write_pids(&mut b, ns).is_ok());
        assert!(b.write_char('\n').is_ok());
    }
    assert_eq!(parse_pidfd_fdinfo(b.as_bytes()), Some(f));
}

/// The body of the `proc_status_parse` fuzz target: `/proc/<pid>/status`
/// text through [`parse_proc_status`] (`Tgid:`, `Pid:`, `PPid:`, `Uid:`,
/// `Gid:`, `NSpid:`, `NStgid:`), through the line-by-line
/// [`StatusParser`] fed through small buffers (which must agree unless a
/// needed line did not fit), and the line parsers on their own. Text
/// whose last line has no newline is rejected.
pub fn proc_status_parse(data: &[u8]) {
    let whole = parse_proc_status(data);
    if cut(data) {
        assert_eq!(whole, None, "a cut text parsed");
    }
    for (cap, chunk) in stream_shapes(data) {
        let mut p = StatusParser::new();
        stream(data, cap, chunk, |l| p.feed(l));
        match p.finish() {
            Err(TextError::LineTooLong) => assert!(cap <= data.len()),
            r => assert_eq!(r.ok(), whole, "streamed through {cap} bytes"),
        }
    }
    if let Some(p) = parse_ns_pids(data) {
        check_ns_pids(&p);
    }
    if let Some(ids) = parse_id4(data) {
        let mut b = Buf::new();
        assert!(write!(b, "{}\t{}\t{}\t{}", ids[0], ids[1], ids[2], ids[3]).is_ok());
        assert_eq!(parse_id4(b.as_bytes()), Some(ids));
    }
    let Some(s) = whole else {
        return;
    };
    for key in [&b"Tgid:"[..], b"Pid:", b"PPid:", b"Uid:", b"Gid:"] {
        assert!(field(data, key).is_some(), "parsed without {key:?}");
    }
    for p in [&s.ns_pids, &s.ns_tgids].into_iter().flatten() {
        check_ns_pids(p);
    }
    let mut b = Buf::new();
    let (u, g) = (s.creds.uid, s.creds.gid);
    assert!(
        write!(
            b,
            "Name:\tx\nTgid:\t{}\nPid:\t{}\nPPid:\t{}\nUid:\t{}\t{}\t{}\t{}\nGid:\t{}\t{}\t{}\t{}\n",
            s.tgid, s.pid, s.ppid, u[0], u[1], u[2], u[3], g[0], g[1], g[2], g[3]
        )
        .is_ok()
    );
    for (key, v) in [("NStgid:\t", &s.ns_tgids), ("NSpid:\t", &s.ns_pids)] {
        if let Some(p) = v {
            assert!(b.write_str(key).is_ok());
            assert!(write_pids(&mut b, p).is_ok());
            assert!(b.write_char('\n').is_ok());
        }
    }
    assert_eq!(parse_proc_status(b.as_bytes()), Some(s));
}

/// The body of the `pidfd_info_decode` fuzz target: the bytes a kernel
/// wrote for `PIDFD_GET_INFO` through [`PidfdInfo::from_bytes`], at the
/// input's own length and at each valid struct size that fits in it.
pub fn pidfd_info_decode(data: &[u8]) {
    check_info(data);
    for size in [
        raw::PIDFD_INFO_SIZE_VER0,
        raw::PIDFD_INFO_SIZE_VER1,
        raw::PIDFD_INFO_SIZE_VER2,
    ] {
        if let Some(prefix) = data.get(..size) {
            assert!(PidfdInfo::from_bytes(prefix).is_some());
            check_info(prefix);
        }
    }
}

fn check_info(data: &[u8]) {
    let valid = matches!(
        data.len(),
        raw::PIDFD_INFO_SIZE_VER0 | raw::PIDFD_INFO_SIZE_VER1 | raw::PIDFD_INFO_SIZE_VER2
    );
    let Some(info) = PidfdInfo::from_bytes(data) else {
        assert!(!valid, "{} bytes rejected", data.len());
        return;
    };
    assert!(valid, "{} bytes accepted", data.len());
    let bytes = info.to_bytes();
    assert_eq!(&bytes[..data.len()], data);
    assert!(bytes[data.len()..].iter().all(|&b| b == 0));
    assert_eq!(PidfdInfo::from_bytes(&bytes), Some(info));
    let m = info.mask();
    assert_eq!(
        m.bits(),
        u64::from_ne_bytes(data[..8].try_into().unwrap_or([0; 8]))
    );
    assert_eq!(info.pid().is_some(), m.contains(InfoMask::PID));
    assert_eq!(info.tgid().is_some(), m.contains(InfoMask::PID));
    assert_eq!(info.ppid().is_some(), m.contains(InfoMask::PID));
    assert_eq!(info.ruid().is_some(), m.contains(InfoMask::CREDS));
    assert_eq!(info.fsgid().is_some(), m.contains(InfoMask::CREDS));
    assert_eq!(info.cgroupid().is_some(), m.contains(InfoMask::CGROUPID));
    assert_eq!(info.exit_code().is_some(), m.contains(InfoMask::EXIT));
    assert_eq!(
        info.coredump_mask().is_some(),
        m.contains(InfoMask::COREDUMP)
    );
    assert_eq!(
        info.supported_mask().is_some(),
        m.contains(InfoMask::SUPPORTED_MASK)
    );
    if let Some(code) = info.exit_code() {
        assert_eq!(info.wait_status(), WaitStatus::from_raw(code));
    } else {
        assert_eq!(info.wait_status(), None);
    }
    // Debug never panics and fits a modest buffer or fails cleanly.
    let mut b = Buf::new();
    let _ = write!(b, "{info:?}");
}

/// A `siginfo_t` from up to 128 bytes in native byte order (zero-padded).
fn siginfo_from_bytes(data: &[u8]) -> raw::siginfo_t {
    let mut b = [0u8; 128];
    let n = data.len().min(128);
    b[..n].copy_from_slice(&data[..n]);
    let word = |i: usize| [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
    let mut s = raw::siginfo_t::zeroed();
    s.si_signo = i32::from_ne_bytes(word(0));
    s.si_errno = i32::from_ne_bytes(word(1));
    s.si_code = i32::from_ne_bytes(word(2));
    for (k, w) in s._sifields.iter_mut().enumerate() {
        *w = u32::from_ne_bytes(word(raw::__SI_HDR_WORDS + k));
    }
    s
}

/// The classic `wait(2)` status a [`WaitStatus`] stands for (the inverse
/// of [`WaitStatus::from_raw`] for values it can produce).
fn encode_raw(ws: WaitStatus) -> i32 {
    match ws {
        WaitStatus::Exited(c) => (c & 0xff) << 8,
        WaitStatus::Signaled {
            signal,
            core_dumped,
        } => (signal & 0x7f) | if core_dumped { 0x80 } else { 0 },
        WaitStatus::Stopped(s) => ((s & 0xff) << 8) | 0x7f,
        WaitStatus::Continued => 0xffff,
    }
}

/// The body of the `wait_status_decode` fuzz target: the input as a
/// `waitid` `siginfo_t` ([`WaitStatus::from_siginfo`], 128 bytes,
/// zero-padded), as its `si_code`/`si_status` pair
/// ([`WaitStatus::from_code_status`]) and its first 4 bytes as a classic
/// wait status int ([`WaitStatus::from_raw`], what `PIDFD_INFO_EXIT`
/// holds).
pub fn wait_status_decode(data: &[u8]) {
    // Raw int form.
    let mut w = [0u8; 4];
    let n = data.len().min(4);
    w[..n].copy_from_slice(&data[..n]);
    let status = i32::from_ne_bytes(w);
    match WaitStatus::from_raw(status) {
        Some(ws) => {
            match ws {
                WaitStatus::Exited(c) | WaitStatus::Stopped(c) => {
                    assert!((0..=255).contains(&c))
                }
                WaitStatus::Signaled { signal, .. } => assert!((1..0x7f).contains(&signal)),
                WaitStatus::Continued => assert_eq!(status, 0xffff),
            }
            assert_eq!(WaitStatus::from_raw(encode_raw(ws)), Some(ws));
        }
        None => assert_eq!(status & 0xff, 0x7f | 0x80, "{status:#x} rejected"),
    }
    // siginfo form.
    let si = siginfo_from_bytes(data);
    let info = SigInfo::from_raw(si);
    let from_pair = WaitStatus::from_code_status(si.si_code, si.si_status());
    match WaitStatus::from_siginfo(&info) {
        Some(ws) => {
            assert_eq!(si.si_signo, raw::SIGCHLD);
            assert_eq!(Some(ws), from_pair);
        }
        None => assert!(si.si_signo != raw::SIGCHLD || from_pair.is_none()),
    }
    match from_pair {
        Some(_) => assert!((raw::CLD_EXITED..=raw::CLD_CONTINUED).contains(&si.si_code)),
        None => assert!(!(raw::CLD_EXITED..=raw::CLD_CONTINUED).contains(&si.si_code)),
    }
    // Debug of the siginfo never panics.
    let mut b = Buf::new();
    let _ = write!(b, "{info:?}");
}

/// The body of the `scm_credentials_parse` fuzz target: the input as the
/// control buffer `recvmsg` filled, through the parser the fork-based
/// translation uses.
pub fn scm_credentials_parse(data: &[u8]) {
    const HDR: usize = raw::CMSG_ALIGN(size_of::<raw::cmsghdr>());
    let got = parse_scm_credentials(data);
    // A second, index-based walk with checked arithmetic must agree.
    let mut want = None;
    let mut off = 0usize;
    let mut n = 0usize;
    let base = data.as_ptr() as usize;
    let mut walked = cmsgs(data);
    while let Some(end) = off.checked_add(HDR).filter(|&e| e <= data.len()) {
        let len = usize::from_ne_bytes(data[off..off + USZ].try_into().unwrap_or([0; USZ]));
        let level = i32::from_ne_bytes(data[off + USZ..off + USZ + 4].try_into().unwrap_or([0; 4]));
        let ty = i32::from_ne_bytes(data[off + USZ + 4..end].try_into().unwrap_or([0; 4]));
        match off.checked_add(len) {
            Some(stop) if len >= HDR && stop <= data.len() => {
                let c = walked.next().expect("cmsgs stopped early");
                assert_eq!((c.level, c.ty), (level, ty));
                assert_eq!(c.data.as_ptr() as usize - base, end);
                assert_eq!(c.data.len(), len - HDR);
                if level == raw::SOL_SOCKET && ty == raw::SCM_CREDENTIALS && len - HDR >= 12 {
                    let w = |i: usize| data[end + i..end + i + 4].try_into().unwrap_or([0; 4]);
                    want = Some(raw::ucred {
                        pid: i32::from_ne_bytes(w(0)),
                        uid: u32::from_ne_bytes(w(4)),
                        gid: u32::from_ne_bytes(w(8)),
                    });
                }
                n += 1;
                off = match off.checked_add(raw::CMSG_ALIGN(len)) {
                    Some(o) => o,
                    None => break,
                };
            }
            _ => break,
        }
    }
    assert!(walked.next().is_none(), "cmsgs walked past a bad header");
    assert!(n <= data.len() / HDR);
    assert_eq!(got, want);
    // What the crate's sender writes parses back to the same credentials.
    if let Some(c) = got {
        let mut b = [0u8; raw::CMSG_SPACE(12)];
        b[..USZ].copy_from_slice(&raw::CMSG_LEN(12).to_ne_bytes());
        b[USZ..USZ + 4].copy_from_slice(&raw::SOL_SOCKET.to_ne_bytes());
        b[USZ + 4..USZ + 8].copy_from_slice(&raw::SCM_CREDENTIALS.to_ne_bytes());
        b[HDR..HDR + 4].copy_from_slice(&c.pid.to_ne_bytes());
        b[HDR + 4..HDR + 8].copy_from_slice(&c.uid.to_ne_bytes());
        b[HDR + 8..HDR + 12].copy_from_slice(&c.gid.to_ne_bytes());
        assert_eq!(parse_scm_credentials(&b), Some(c));
    }
}

const USZ: usize = size_of::<usize>();

const _: () = assert!(PIDFD_INFO_SIZE == raw::PIDFD_INFO_SIZE_VER2);
