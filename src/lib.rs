//! Fieldnotes: a static, offline-capable blog. One crate, two halves sharing one contract.
//!
//! - [`model`] (the contract: every file the builder writes), [`routes`] (every address of a
//!   site), [`pieces`] (the app's parts loaded on use), [`markdown`], [`search`] and [`text`] (what a word is, in every script) are plain
//!   Rust used by both halves.
//! - `builder` (native only) turns `content/` into the static data the app reads.
//! - `comments` (native only) is the comment intake server and its moderation commands.
//! - `preview` (native only) is `fieldnotes serve`: the site built in memory, served, rebuilt
//!   after each edit.
//! - `import` (native only) turns other blogs' exports (WordPress) into a content folder.
//! - `writing` (native only): a file written whole or not at all, and Ctrl-C that leaves the
//!   previous output intact.
//! - `app` (WASM only) is the Leptos reader.

pub mod head;
pub mod listing;
pub mod markdown;
pub mod model;
pub mod pieces;
pub mod routes;
pub mod search;
pub mod text;

#[cfg(not(target_arch = "wasm32"))]
pub mod builder;

#[cfg(not(target_arch = "wasm32"))]
pub mod import;

#[cfg(not(target_arch = "wasm32"))]
pub mod comments;

#[cfg(not(target_arch = "wasm32"))]
pub mod preview;

#[cfg(not(target_arch = "wasm32"))]
pub mod writing;

#[cfg(target_arch = "wasm32")]
pub mod app;
