//! Replays every checked-in fuzz seed (`fuzz/corpus/<target>/`, read
//! through the link `tests/seeds`, which is how the seeds reach the
//! published crate: cargo never packages a file of the nested `fuzz`
//! package) through the fuzz targets' bodies (`pidfs::fuzzing::*`) as ordinary tests, on all
//! three targets: the decoders never panic on any of them and every
//! invariant the fuzz targets check holds. The seeds are embedded at build
//! time (so the replay also runs in the kernel-matrix VM, where the source
//! tree is absent); where the tree is present, every file in it must be
//! one of the embedded seeds and unchanged, so the list cannot drift.
//! Regenerate the real-kernel seeds with `python3 fuzz/capture_seeds.py`.

mod common;

use std::path::PathBuf;

macro_rules! seeds {
    ($target:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("seeds/", $target, "/", $name)) as &[u8])),*]
    };
}

/// Runs every seed of `target` through its body, then checks the seed list
/// against the directory (when present).
fn replay(target: &str, seeds: &[(&str, &[u8])]) {
    assert!(pidfs::fuzzing::TARGETS.contains(&target));
    assert!(seeds.len() >= 2, "{target}: too few seeds");
    for (name, data) in seeds {
        let r = std::panic::catch_unwind(|| pidfs::fuzzing::run(target, data));
        assert_eq!(r.ok(), Some(true), "{target}/{name} failed");
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/seeds")
        .join(target);
    match std::fs::read_dir(&dir) {
        Ok(rd) => {
            for e in rd {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_owned();
                let data = std::fs::read(&path).unwrap();
                assert!(pidfs::fuzzing::run(target, &data));
                let known = seeds.iter().find(|(n, _)| *n == name);
                assert!(
                    known.is_some(),
                    "{target}/{name} is not listed in tests/fuzz_corpus.rs"
                );
                assert_eq!(
                    known.unwrap().1,
                    &data[..],
                    "{target}/{name} changed since the build"
                );
            }
        }
        Err(_) => assert!(
            common::kernel_matrix(),
            "{} missing outside the kernel matrix",
            dir.display()
        ),
    }
}

/// Fuzz corpus `file_handle_decode`: pidfs handle bytes, hex text and FileHandle payloads.
#[test]
fn corpus_file_handle_decode() {
    replay(
        "file_handle_decode",
        seeds!["file_handle_decode":
            "big-200",
            "empty",
            "filehandle-long",
            "filehandle-pidfs",
            "hex-bad-digit",
            "hex-lower",
            "hex-multibyte",
            "hex-short",
            "hex-upper",
            "long-17",
            "short-15",
            "type-negative",
            "type-nsfs",
            "valid-id-0",
            "valid-id-42",
            "valid-id-max",
            "version-16",
            "version-be",
        ],
    );
}

/// Fuzz corpus `pidfd_fdinfo_parse`: pidfd fdinfo text (live, reaped `Pid: -1`, nested `NSpid:`, garbage, cut inside `Pid:`, a line longer than the stream buffers).
#[test]
fn corpus_pidfd_fdinfo_parse() {
    replay(
        "pidfd_fdinfo_parse",
        seeds!["pidfd_fdinfo_parse":
            "binary",
            "crlf-no-newline",
            "cut-in-pid",
            "empty",
            "foreign-zero",
            "long-line-first",
            "nspid-garbage",
            "pid-empty",
            "pid-min-levels-34",
            "pid-overflow",
            "pid-plus",
            "pid-trailing-garbage",
            "real-live",
            "real-nested",
            "real-reaped",
        ],
    );
}

/// Fuzz corpus `proc_status_parse`: /proc/<pid>/status text (real files, missing/short/overlong Uid/Gid, 34-level NSpid, cut inside `NSpid:`, a 3 KB `Groups:` line, an `NSpid:` line padded past the stream buffers).
#[test]
fn corpus_proc_status_parse() {
    replay(
        "proc_status_parse",
        seeds!["proc_status_parse":
            "cut-in-nspid",
            "dup-pid",
            "empty",
            "gid-overflow",
            "long-groups",
            "minimal",
            "no-uid",
            "nspid-33",
            "nspid-34",
            "nspid-empty",
            "nspid-padded-300",
            "nul-bytes",
            "pid-spaces",
            "real-child",
            "real-init",
            "real-nested",
            "real-self",
            "uid-3",
            "uid-5",
            "uid-negative",
        ],
    );
}

/// Fuzz corpus `pidfd_info_decode`: PIDFD_GET_INFO bytes (real 64/80-byte answers, every wrong length).
#[test]
fn corpus_pidfd_info_decode() {
    replay(
        "pidfd_info_decode",
        seeds!["pidfd_info_decode":
            "all-ff-72",
            "all-ff-80",
            "exit-only",
            "len-0",
            "len-1",
            "len-128",
            "len-63",
            "len-65",
            "len-71",
            "len-73",
            "len-79",
            "len-81",
            "real-live-64",
            "real-live-80",
            "real-reaped-80",
            "zero-64",
        ],
    );
}

/// Fuzz corpus `wait_status_decode`: waitid siginfo bytes and wait4 status ints (exited, killed, stopped, continued, bogus codes).
#[test]
fn corpus_wait_status_decode() {
    replay(
        "wait_status_decode",
        seeds!["wait_status_decode":
            "empty",
            "raw-3-bytes",
            "raw-bad-ff",
            "raw-core",
            "raw-ffff",
            "raw-high-bits",
            "real-raw-continued",
            "real-raw-exited-7",
            "real-raw-killed",
            "real-raw-stopped",
            "real-siginfo-continued",
            "real-siginfo-exited-7",
            "real-siginfo-killed",
            "real-siginfo-stopped",
            "siginfo-code-0",
            "siginfo-code-7",
            "siginfo-code-neg",
            "siginfo-dumped",
            "siginfo-not-sigchld",
            "siginfo-short-20",
            "siginfo-trapped",
        ],
    );
}

/// Fuzz corpus `scm_credentials_parse`: recvmsg control buffers (a real SCM_CREDENTIALS, cmsg_len 0/short/huge/past the end, SCM_RIGHTS).
#[test]
fn corpus_scm_credentials_parse() {
    let seeds: &[(&str, &[u8])] = seeds!["scm_credentials_parse":
            "creds-pid-0",
            "creds-pid-neg",
            "empty",
            "header-only",
            "i386-layout",
            "len-0",
            "len-huge",
            "len-overflow-wrap",
            "len-past-end",
            "len-short-data",
            "real-creds",
            "real-creds-64",
            "scm-rights-then-creds",
            "two-creds",
            "wrong-level",
    ];
    replay("scm_credentials_parse", seeds);
    // The real recvmsg buffer (x86_64 layout) carries the sender's pid; the
    // i386-layout seed parses on 32-bit targets.
    let get = |n: &str| seeds.iter().find(|(name, _)| *name == n).unwrap().1;
    let parse = pidfs::hooks::parse_scm_credentials;
    if cfg!(target_pointer_width = "64") {
        assert!(parse(get("real-creds")).is_some_and(|c| c.pid > 0));
        assert_eq!(parse(get("two-creds")).map(|c| c.pid), Some(99));
        assert_eq!(parse(get("len-huge")), None);
    } else {
        assert_eq!(parse(get("i386-layout")).map(|c| c.pid), Some(1234));
    }
}

/// The seeds added for whole-file reading say what they are for: a text
/// cut inside its last line is rejected (the old one-read parser took
/// `23` for `2301`), a long `Groups:` line does not hide `NSpid:`.
#[test]
fn cut_and_long_seeds() {
    use pidfs::parse::{parse_pidfd_fdinfo, parse_proc_status};
    let cut = include_bytes!("../fuzz/corpus/proc_status_parse/cut-in-nspid");
    assert_eq!(parse_proc_status(cut), None);
    let cut = include_bytes!("../fuzz/corpus/pidfd_fdinfo_parse/cut-in-pid");
    assert_eq!(parse_pidfd_fdinfo(cut), None);
    let long = include_bytes!("../fuzz/corpus/proc_status_parse/long-groups");
    let st = parse_proc_status(long).unwrap();
    assert_eq!(st.ns_pids.unwrap().as_slice(), &[2301, 1]);
    let first = include_bytes!("../fuzz/corpus/pidfd_fdinfo_parse/long-line-first");
    assert_eq!(parse_pidfd_fdinfo(first).unwrap().pid, 2301);
}
