//! Tour section: probed kernel features.

pub fn run() {}
