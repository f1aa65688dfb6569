//! Fuzz target for the pidfs handle decoders: `PidfsHandle::from_bytes`,
//! `PidfsHandle::from_str` and `PidfsHandle::from_file_handle`. The body is
//! `pidfs::fuzzing::file_handle_decode`, which `cargo test` also replays over
//! `fuzz/corpus/file_handle_decode/` on every target. No syscalls.
//!
//! Run (stable toolchain, no sanitizer), keeping the checked-in corpus
//! read-only by giving libFuzzer a scratch directory first:
//!
//! ```sh
//! cd fuzz && cargo fuzz run -s none file_handle_decode "$(mktemp -d)" corpus/file_handle_decode -- -max_total_time=20
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pidfs::fuzzing::file_handle_decode(data);
});
