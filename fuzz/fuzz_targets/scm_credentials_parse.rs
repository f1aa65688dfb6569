//! Fuzz target `scm_credentials_parse`: its body is `pidfs::fuzzing::scm_credentials_parse` (pure, no
//! syscalls), which `cargo test` also replays over `fuzz/corpus/scm_credentials_parse/` on
//! every target (tests/fuzz_corpus.rs). `ci/fuzz.sh` runs it for a bounded
//! time on stable (`cargo fuzz run -s none scm_credentials_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::scm_credentials_parse(data);
});
