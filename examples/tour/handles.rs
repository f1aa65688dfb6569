//! Tour section (being written).

pub fn run() {}
