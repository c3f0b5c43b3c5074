//! The data contract between the builder and the app.
//!
//! Every JSON file the builder writes is one of these types, and the app reads it back through the
//! same type. Change a field here and both halves change together; bump [`FORMAT_VERSION`] when an
//! old app could no longer read the new files.
//!
//! By concern: [`site`] (the manifest and the site settings), [`post`] (a post and its summary),
//! [`comments`] (a post's published comments), [`outgoing`] (a comment a reader sends, until
//! it is published), [`page`] (a standalone page: About, Contact),
//! [`sealed`] (a protected post, encrypted), [`list`] (the lists readers browse), [`search`] (the search index's files, their names and
//! limits), and [`display`] (how dates and languages of the model read to a person). Everything is
//! re-exported here, so `crate::model::Manifest` names a type wherever it lives.

pub mod comments;
pub mod display;
pub mod list;
pub mod outgoing;
pub mod page;
pub mod post;
pub mod sealed;
pub mod search;
pub mod site;
pub mod strings;

pub use comments::*;
pub use display::*;
pub use list::*;
pub use page::*;
pub use post::*;
pub use sealed::{Opened, Sealed};
pub use search::*;
pub use site::*;

/// Version of the layout of every file below: the manifest, the lists, posts and the search
/// index. The app refuses (and says so) a manifest or a search entry of another version.
///
/// 3: the search entry carries `format_version` (it had its own `version`), and the index's terms
/// follow the one table of scripts in [`crate::text`].
/// 4: no post index on the reading path: lists in small files under `lists/<hash>/` (pages of the
/// home list and of each tag, the archive by year, search results' cards, and slug shards that
/// hold each post's file and its neighbours, series and related posts).
/// 5: comments: a post's slug shard entry names its comment file (`comments/<slug>.<hash>.json`),
/// and list cards carry its number of comments; standalone pages (`pages/<slug>.<hash>.json`,
/// named in the manifest's `pages`), and categories listed like tags (`categories.json`,
/// `categories/<term>/<n>.json`); the tag index is a [`TermIndex`] (`terms`, was `tags`).
/// 6: search: every posting of a common term, in tail files ([`tail_file`]); a filter file per
/// tag and category ([`filter_file`]); the reversed tree of long words (keys from [`REVERSED`]).
/// 7: posts, pages and comments carry the builder's rendered HTML (`html`, a post's `toc`), not
/// their Markdown: the app draws them without a Markdown parser.
/// 8: search: shards, chunks and tails are binary (`.bin`, [`encode_index`]); neighbouring terms
/// share tail files (packs, [`Shard::packs`]); the index's folder lists its files (`files.json`,
/// [`IndexFiles`]).
/// 9: each list is named by the hash of its own content (`lists/home/2.<hash>.json`, [`list_path`]),
/// and the manifest's `lists` is the folder of their directory ([`ListDir`], `list_shards` shards):
/// an edit renames only the lists that show the edited post;
/// search: every index file is named by its own content hash, which the file leading to it
/// names (the entry its shards, key lists and filters; a key list its shards; a shard its chunks
/// and tails), in one folder for every build, so an edit renames only the files it changed;
/// BM25's average body length is rounded to a step of 1/16 of an octave, so an edit of one post
/// leaves the weights of the terms it does not contain as they were.
pub const FORMAT_VERSION: u32 = 9;

/// Name of the unhashed entry file, relative to the data folder. The app fetches it with `no-cache`;
/// every file it names is content-hashed and may be cached forever.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Folder, below the site root, that holds the builder's output.
pub const DATA_DIR: &str = "data";

/// For `skip_serializing_if`: sizes left out when unknown.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// For `skip_serializing_if`: counts left out when zero.
fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

/// For `skip_serializing_if`: counts left out when zero.
fn is_zero_usize(n: &usize) -> bool {
    *n == 0
}
