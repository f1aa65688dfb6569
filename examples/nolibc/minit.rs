//! minit with no C library: the same program as `examples/minit.rs` (its
//! logic is `examples/minit/core.rs`), on pidfs's `rt` runtime. This is
//! the build the kernel matrix boots as the real /init
//! (ci/kernels-minit.sh).
#![no_std]
#![no_main]

#[path = "../minit/core.rs"]
#[allow(dead_code)]
mod logic;

use core::ffi::CStr;

pidfs::rt_main!(main);

fn main(args: pidfs::rt::Args) -> i32 {
    let mut argv = [c""; 64];
    let mut n = 0;
    for a in args.iter().skip(1).take(argv.len()) {
        argv[n] = a;
        n += 1;
    }
    let mut env: [&CStr; 256] = [c""; 256];
    let mut m = 0;
    for e in pidfs::rt::env().take(env.len()) {
        env[m] = e;
        m += 1;
    }
    let mut init = logic::Init::new(&env[..m]);
    logic::run(&mut init, &argv[..n])
}
