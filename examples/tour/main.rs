//! `cargo run --release --example tour`: pidfs on the running machine.
//!
//! Each section lives in its own file: the kernel's features, a pidfd's
//! life, a stored file handle, PID translation across namespaces.

mod features;
mod handles;
mod pidfds;
mod translate;

fn main() {
    features::run();
    pidfds::run();
    handles::run();
    translate::run();
}
