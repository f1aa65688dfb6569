#![no_std]
#![no_main]
pidfs::rt_main!(main);
fn main(_a: pidfs::rt::Args) -> i32 {
    0
}
