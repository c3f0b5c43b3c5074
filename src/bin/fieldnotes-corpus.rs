//! The corpus generator CLI.
fn main() {}
