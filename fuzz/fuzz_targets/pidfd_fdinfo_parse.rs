//! Fuzz target `pidfd_fdinfo_parse`: its body is `pidfs::fuzzing::pidfd_fdinfo_parse` (pure, no
//! syscalls), which `cargo test` also replays over `fuzz/corpus/pidfd_fdinfo_parse/` on
//! every target (tests/fuzz_corpus.rs). `ci/fuzz.sh` runs it for a bounded
//! time on stable (`cargo fuzz run -s none pidfd_fdinfo_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::pidfd_fdinfo_parse(data);
});
