//! `MINIT_BROKEN=1` builds a deliberately broken minit (it never reaps the
//! orphans it adopts), which ci/kernels-minit.sh --broken boots to show
//! that the matrix catches it.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(minit_broken)");
    println!("cargo::rerun-if-env-changed=MINIT_BROKEN");
    if std::env::var("MINIT_BROKEN").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=minit_broken");
    }
}
