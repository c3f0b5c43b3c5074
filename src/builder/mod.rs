//! The builder: turns a content folder (`site.toml`, Markdown posts, media) into the static site
//! the app reads, in named stages, each a module of its own:
//!
//! 1. [`collect`]: the settings, the post files and every other file;
//! 2. [`parse`]: each post (or standalone page) on its own, in parallel, and each comment file
//!    ([`comments`]);
//! 3. [`validate`]: the checks that need every post (drafts, pages set apart, duplicate slugs,
//!    links, the posts comments belong to), and each post's comments threaded;
//! 4. [`write`](mod@write): the data files ([`crate::model`] types as JSON) and the manifest, each
//!    written as it is made into the staging folder of [`output`], swapped in atomically at the end.
//!
//! Those make `fieldnotes build`. Once Trunk has built the app shell, `fieldnotes stubs`
//! ([`write_stubs`]) adds what needs the shell: route pages, feeds and sitemap, host files and
//! offline files.
//!
//! A build reads everything, reports every problem it finds at once, and writes only when there
//! are none, so a failed build leaves the previous output as it was. Output depends on the input
//! alone: the same content gives byte-identical files.

mod assets;
mod collect;
mod comments;
mod compress;
mod config;
pub mod credit;
mod error;
mod feeds;
mod front_matter;
mod hosting;
pub mod images;
mod lists;
mod mdx;
mod offline;
mod output;
mod pages;
mod parse;
mod permalink;
mod post_cache;
mod protect;
mod search_index;
mod search_state;
mod shortcodes;
mod site_files;
mod size_report;
pub mod split;
pub mod strings;
mod stubs;
mod theme;
mod timings;
mod validate;
mod views;
mod write;

pub use compress::{compress_site, Compressed};
pub use config::CONFIG_FILE;
pub use error::{Problem, Problems, Severity};
pub use front_matter::{parse as parse_front_matter, parse_date, today};
pub use lists::{directory_in, read_directory};
pub use size_report::{
    size_report, BudgetCheck, BudgetPiece, BudgetRow, Budgets, PostVisit, SizeLimit, SizeReport,
};
pub use split::{split_app, Split, SplitOptions};
pub use views::pinned_mark;

pub use feeds::{ATOM_FILE, FEED_ENTRIES, JSON_FEED_FILE, ROBOTS_FILE, RSS_FILE, SITEMAP_FILE};
pub use hosting::{HEADERS_FILE, REDIRECTS_FILE};
pub use offline::{Offline, SHELL_FILE, WEB_MANIFEST_FILE, WORKER_FILE};
pub use pages::PageCache;
pub use parse::ParseCache;
pub use protect::{
    derive_key, open as open_sealed, open_with_key, seal, tracked_passwords, PASSWORDS_FILE,
};
pub use search_state::{SearchChanges, SearchState};
pub use site_files::{Folder, InMemory, SiteFiles};
pub use stubs::{write_stubs, write_stubs_cached, write_stubs_to, StubOptions, Stubs};
pub use write::{render_files, render_files_with};

use crate::model::{CommentThread, Page, Post, SiteInfo};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to build, from where, to where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub out: PathBuf,
    /// Publish drafts too (for previewing).
    pub drafts: bool,
    /// Publish posts whose publication date is still to come.
    pub future: bool,
    /// Publish posts past their expiry date.
    pub expired: bool,
    /// Treat warnings (broken internal links, missing images, posts without a date) as errors.
    pub strict: bool,
    /// The date that decides what is scheduled or expired (`YYYY-MM-DD`); today when `None`.
    pub today: Option<String>,
    /// Show a progress bar while reading posts.
    pub progress: bool,
    /// Serve the site under this path instead of `site.toml`'s `base_path` (`/blog/`).
    pub base_path: Option<String>,
    /// Where processed images are kept between builds ([`images::Cache`]); none: every build
    /// processes every image.
    pub image_cache: Option<PathBuf>,
}

/// What a successful build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    pub posts: usize,
    /// Standalone pages.
    pub pages: usize,
    /// Drafts, scheduled and expired posts left out.
    pub skipped: Skipped,
    pub files: usize,
    pub build_id: String,
    pub warnings: Vec<Problem>,
}

/// Posts left out of a build, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub drafts: usize,
    pub scheduled: usize,
    pub expired: usize,
    /// Files that are clearly not posts (a template or section page with no title), skipped with
    /// a warning.
    pub not_posts: usize,
    /// Files of the content folder that no published post or page shows or links to: not
    /// published.
    pub unused_files: usize,
}

/// A parsed, validated site, before it is written.
#[derive(Debug, Clone)]
pub struct Site {
    pub info: SiteInfo,
    /// Newest first; posts without a date last.
    pub posts: Vec<Post>,
    /// The published comments of each post that has any, by slug.
    pub comments: BTreeMap<String, CommentThread>,
    /// Standalone pages (About), by file path order.
    pub pages: Vec<Page>,
    pub skipped: Skipped,
    /// Copied files, by output path relative to the output folder.
    pub media: BTreeMap<String, Vec<u8>>,
    /// Images of the content folder whose file carries a GPS position (relative paths, with
    /// `/`); what the site publishes of them never does.
    pub located: Vec<String>,
    /// The author's look: the files it names are in `media`.
    pub theme: Option<crate::model::Theme>,
    pub warnings: Vec<Problem>,
}

/// Builds the site in `opts.content` into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Problems> {
    let site = load_site(opts)?;
    write_site(site, &opts.out).map_err(|e| {
        Problems::from(Problem::new(
            &opts.out,
            format!("cannot write the output: {e}"),
            "check that the folder is writable",
        ))
    })
}

/// Writes a loaded site into `out`, replacing it atomically: on a failed write (a full disk, a
/// folder that cannot be written, Ctrl-C) `out` stays as it was and the staging folder is removed.
pub fn write_site(site: Site, out: &Path) -> std::io::Result<BuildSummary> {
    let stage = timings::Stage::start("write");
    let files = output::Output::begin(out)?;
    let build_id = write::render_files(&site, &files);
    let count = files.len();
    let stage = stage.next("swap");
    files.finish()?;
    stage.done();
    Ok(BuildSummary {
        posts: site.posts.len(),
        pages: site.pages.len(),
        skipped: site.skipped,
        files: count,
        build_id,
        warnings: site.warnings,
    })
}

/// Reads and validates a content folder: every problem of the run, or the site and its warnings.
pub fn load_site(opts: &BuildOptions) -> Result<Site, Problems> {
    let stage = timings::Stage::start("collect");
    let collected = collect::collect(opts);
    let stage = stage.next("parse");
    let loaded = parse::parse_all(&opts.content, &collected, opts.progress);
    validated(opts, collected, loaded, stage.next("validate"))
}

/// Reads and validates a content folder like [`load_site`], parsing again only the post files
/// whose text changed since the last call with the same `cache` (`fieldnotes serve`).
pub fn load_site_cached(opts: &BuildOptions, cache: &mut ParseCache) -> Result<Site, Problems> {
    let stage = timings::Stage::start("  collect");
    let collected = collect::collect(opts);
    let stage = stage.next("  parse (kept)");
    let loaded = owned(parse::parse_all_cached(&opts.content, &collected, cache));
    validated(opts, collected, loaded, stage.next("  validate"))
}

/// The site of the `loaded` posts of `collected`, with their comments, checked as a whole; the
/// timings' `stage` ends with it.
fn validated(
    opts: &BuildOptions,
    collected: collect::Collected,
    loaded: Vec<Result<parse::LoadedPost, Problem>>,
    stage: timings::Stage,
) -> Result<Site, Problems> {
    let comments = comments::load_all(
        &opts.content,
        &collected.comment_files,
        collected.base_path(),
    );
    let site = validate::validate(opts, collected, loaded, comments);
    stage.done();
    site
}

/// How many post files a build read and parsed again, and how many it took as they were kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reread {
    pub parsed: usize,
    pub kept: usize,
}

/// [`load_site`] through the posts the last build kept in `dir` (`fieldnotes build
/// --incremental`): only the post files that changed are read and parsed again, and the posts as
/// read are kept in `dir` for the next build. A folder that cannot be written only costs the next
/// build its time.
pub fn load_site_incremental(opts: &BuildOptions, dir: &Path) -> Result<(Site, Reread), Problems> {
    let stage = timings::Stage::start("collect");
    let collected = collect::collect(opts);
    let stage = stage.next("kept posts: read");
    let (folder, mut cache) = post_cache::load(dir, &opts.content, &collected);
    let stage = stage.next("parse");
    let loaded = parse::parse_all_cached(&opts.content, &collected, &mut cache);
    let stage = stage.next("kept posts: write");
    if let Err(e) = post_cache::save(&folder, &mut cache) {
        eprintln!(
            "fieldnotes: warning: cannot keep the posts as read in {}: {e}",
            dir.display()
        );
    }
    let reread = Reread {
        parsed: cache.parsed,
        kept: cache.reused,
    };
    drop(cache);
    let loaded = owned(loaded);
    validated(opts, collected, loaded, stage.next("validate")).map(|site| (site, reread))
}

/// The posts parsed through a cache, each taken as it is when the cache has let it go, else a
/// copy.
fn owned(loaded: Vec<parse::Shared>) -> Vec<Result<parse::LoadedPost, Problem>> {
    loaded
        .into_iter()
        .map(|post| post.map(std::sync::Arc::unwrap_or_clone))
        .collect()
}

/// Every data file of `site` (what `fieldnotes build` writes into `public/data`), in memory, by
/// path relative to the data folder with `/`; and the build id.
pub fn render_in_memory(site: &Site) -> (String, BTreeMap<String, Vec<u8>>) {
    let files = output::Output::in_memory();
    let build_id = write::render_files(site, &files);
    (build_id, files.into_files())
}

/// [`render_in_memory`] with the search index kept in `search` between builds: made whole the
/// first time, then updated for the posts that changed ([`SearchState::update`]).
pub fn render_in_memory_with(
    site: &Site,
    search: &mut Option<SearchState>,
) -> (String, BTreeMap<String, Vec<u8>>) {
    let files = output::Output::in_memory();
    let build_id = write::render_files_with(site, &files, search);
    (build_id, files.into_files())
}

/// Content hash used in file names and the build id: the first 16 hex digits of SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    hex16(&Sha256::digest(bytes))
}

/// The first 8 bytes of a digest as 16 hex digits.
pub(crate) fn hex16(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}
