//! Kernel structs and constants under their kernel names (UAPI headers),
//! each constant typed as the field or argument it goes into. Every struct
//! has size/align/offset assertions next to it, checked for every target.
//! One file per UAPI header group, re-exported flat as the kernel names
//! them (`raw::O_CLOEXEC`, `raw::clone_args`).
#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    missing_docs,
    dead_code
)]

mod fcntl;
mod fs;
mod ioctl;
mod misc;
mod net;
mod nsfs;
mod pidfd;
mod reboot;
mod sched;
mod signal;

pub use fcntl::*;
pub use fs::*;
pub use ioctl::*;
pub use misc::*;
pub use net::*;
pub use nsfs::*;
pub use pidfd::*;
pub use reboot::*;
pub use sched::*;
pub use signal::*;

#[cfg(test)]
mod tests;
