//! Benchmark tooling for Fieldnotes, kept apart from the product so the site's library and its
//! dependencies carry nothing that only benchmarks need.
//!
//! - [`corpus`] writes synthetic content folders of any size (the `fieldnotes-corpus` binary).
//! - [`wxr`] writes a synthetic WordPress export of any size (the `fieldnotes-wxr` binary).
//!
//! Beside this crate: `benches/render.rs` (the Markdown render benchmark), `scripts/` (the build,
//! search and browser measurement commands) and `perf/` (their browser harness).

pub mod corpus;
pub mod wxr;
