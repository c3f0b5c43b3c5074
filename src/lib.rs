//! Fieldnotes: a static, offline-capable blog. One crate, two halves sharing one contract.
//!
//! - [`model`] and [`markdown`] are plain Rust used by both halves.
//! - `builder` (native only) turns `content/` into the static data the app reads.
//! - `app` (WASM only) is the Leptos reader.

pub mod head;
pub mod listing;
pub mod markdown;
pub mod model;
pub mod search;

#[cfg(not(target_arch = "wasm32"))]
pub mod builder;

#[cfg(target_arch = "wasm32")]
pub mod app;
