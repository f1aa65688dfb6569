//! Fuzz target `wait_status_decode`: its body is `pidfs::fuzzing::wait_status_decode` (pure, no
//! syscalls), which `cargo test` also replays over `fuzz/corpus/wait_status_decode/` on
//! every target (tests/fuzz_corpus.rs). `ci/fuzz.sh` runs it for a bounded
//! time on stable (`cargo fuzz run -s none wait_status_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::wait_status_decode(data);
});
