//! Fuzz target `proc_status_parse`: its body is `pidfs::fuzzing::proc_status_parse` (pure, no
//! syscalls), which `cargo test` also replays over `fuzz/corpus/proc_status_parse/` on
//! every target (tests/fuzz_corpus.rs). `ci/fuzz.sh` runs it for a bounded
//! time on stable (`cargo fuzz run -s none proc_status_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::proc_status_parse(data);
});
