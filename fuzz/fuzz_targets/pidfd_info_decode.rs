//! Fuzz target `pidfd_info_decode`: its body is `pidfs::fuzzing::pidfd_info_decode` (pure, no
//! syscalls), which `cargo test` also replays over `fuzz/corpus/pidfd_info_decode/` on
//! every target (tests/fuzz_corpus.rs). `ci/fuzz.sh` runs it for a bounded
//! time on stable (`cargo fuzz run -s none pidfd_info_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::pidfd_info_decode(data);
});
