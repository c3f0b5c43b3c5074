//! Fetching the builder's JSON: the manifest (never cached), then the hashed files it names.

use super::offline;
use crate::markdown::with_slashes;
use crate::model::{
    chunk_file, shard_file, Chunk, IndexPage, Manifest, Post, PostSummary, SearchEntry, Shard,
    DATA_DIR, FORMAT_VERSION, MANIFEST_FILE,
};
use crate::search::index::{chunks_for, Loaded};
use crate::search::query::Clause;
use futures::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::Request;
use leptos::prelude::LocalResource;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use web_sys::RequestCache;

/// Why data could not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The request failed or the server answered with an error status.
    Network(String),
    /// The file is not what this version of the app expects.
    Format(String),
    /// The site was rebuilt with a newer data format than this app understands.
    Version { found: u32 },
    /// A content-hashed file this page was told about is gone: the site was rebuilt since.
    Replaced,
}

impl LoadError {
    /// Whether only loading the new version of the site can help (not trying again).
    pub fn needs_reload(&self) -> bool {
        matches!(self, LoadError::Version { .. } | LoadError::Replaced)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Network(why) => write!(f, "The page could not be loaded ({why})."),
            LoadError::Format(why) => write!(f, "The site's data could not be read ({why})."),
            LoadError::Version { found } => write!(
                f,
                "This site has been updated (data format {found}, this page reads {FORMAT_VERSION}). Reload to get the new version."
            ),
            LoadError::Replaced => write!(
                f,
                "This site has been updated since this page was opened. Reload to get the new version."
            ),
        }
    }
}

/// The site as the home page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteData {
    pub manifest: Manifest,
    /// Newest first.
    pub posts: Vec<PostSummary>,
}

/// Shared by every page through context.
pub type SiteResource = LocalResource<Result<Arc<SiteData>, LoadError>>;

/// The path the site is served under, as the build wrote it into the page (`/` by default).
pub fn base_path() -> String {
    thread_local!(static BASE: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() });
    BASE.with(|base| base.get_or_init(read_base_path).clone())
}

fn read_base_path() -> String {
    let meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=fieldnotes-base]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"));
    with_slashes(meta.as_deref().unwrap_or("/"))
}

/// The address of a page of the site (`/posts/a`) under its base path (`/blog/posts/a`), for
/// links: the router's `A` leaves paths that start with `/` as they are.
pub fn site_path(path: impl AsRef<str>) -> String {
    format!("{}{}", base_path(), path.as_ref().trim_start_matches('/'))
}

/// URL of a file of the data folder.
pub fn data_url(file: &str) -> String {
    format!("{}{DATA_DIR}/{file}", base_path())
}

/// Fetches and parses one JSON file. `fresh` bypasses the HTTP cache (for the unhashed manifest).
pub async fn fetch_json<T: DeserializeOwned>(url: &str, fresh: bool) -> Result<T, LoadError> {
    let text = fetch_text(url, fresh).await?;
    parse_json(url, &text)
}

fn parse_json<T: DeserializeOwned>(url: &str, text: &str) -> Result<T, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError::Format(format!("{url}: {e}")))
}

/// A User Timing measure under way, so the browser's performance tools (and the project's
/// measurement commands) can see how long something took. Each has its own start mark, so
/// measures that overlap (searches while typing) do not mix.
pub struct Span {
    name: &'static str,
    mark: String,
}

impl Span {
    pub fn start(name: &'static str) -> Span {
        thread_local!(static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let n = NEXT.with(|next| next.replace(next.get().wrapping_add(1)));
        let mark = format!("{name}:start:{n}");
        if let Some(p) = performance() {
            let _ = p.mark(&mark);
        }
        Span { name, mark }
    }

    /// Records the measure `name`, from the start to now.
    pub fn end(self) {
        if let Some(p) = performance() {
            let _ = p.measure_with_start_mark(self.name, &self.mark);
            p.clear_marks_with_mark_name(&self.mark);
        }
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// Runs `work` inside a User Timing measure named `name`.
pub fn timed<R>(name: &'static str, work: impl FnOnce() -> R) -> R {
    let span = Span::start(name);
    let result = work();
    span.end();
    result
}

/// Fetches one file as text. `fresh` bypasses the HTTP cache (for the unhashed manifest); its
/// answer also tells [`super::offline`] whether the site is reachable.
pub(crate) async fn fetch_text(url: &str, fresh: bool) -> Result<String, LoadError> {
    let mut request = Request::get(url);
    if fresh {
        request = request.cache(RequestCache::NoCache);
    }
    let response = request.send().await.map_err(|e| {
        offline::network_failed();
        LoadError::Network(e.to_string())
    })?;
    offline::network_answer(response.headers().has(offline::OFFLINE_HEADER), fresh);
    // Hashed files never change, they only disappear when a new build replaces them.
    if response.status() == 404 && !fresh {
        return Err(LoadError::Replaced);
    }
    if !response.ok() {
        return Err(LoadError::Network(format!("{} {}", response.status(), url)));
    }
    response
        .text()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))
}

/// Loads the manifest and the post index.
pub async fn load_site() -> Result<Arc<SiteData>, LoadError> {
    let manifest: Manifest = fetch_json(&data_url(MANIFEST_FILE), true).await?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(LoadError::Version {
            found: manifest.format_version,
        });
    }
    let mut posts = Vec::with_capacity(manifest.post_count);
    for file in &manifest.index_files {
        let page: IndexPage = fetch_json(&data_url(file), false).await?;
        posts.extend(page.posts);
    }
    Ok(Arc::new(SiteData { manifest, posts }))
}

/// A fetch any number of callers can wait on: typing fast starts several searches before the
/// first shard arrives, and a post hovered then clicked must still be fetched once.
type SharedFetch<T> = Shared<LocalBoxFuture<'static, Result<Arc<T>, LoadError>>>;

/// A visit's cache of hashed files by URL. They are content-hashed, so an entry never goes stale;
/// a visit touches few enough of them to keep them all.
type Cache<T> = RefCell<HashMap<String, SharedFetch<T>>>;

thread_local! {
    static POSTS: Cache<Post> = RefCell::new(HashMap::new());
    static ENTRIES: Cache<SearchEntry> = RefCell::new(HashMap::new());
    static SHARDS: Cache<Shard> = RefCell::new(HashMap::new());
    static CHUNKS: Cache<Chunk> = RefCell::new(HashMap::new());
}

/// One hashed JSON file, fetched once per visit however many callers want it; its parsing is
/// measured as `measure` when given.
async fn fetch_once<T: DeserializeOwned + 'static>(
    cache: &'static std::thread::LocalKey<Cache<T>>,
    file: &str,
    measure: Option<&'static str>,
) -> Result<Arc<T>, LoadError> {
    let url = data_url(file);
    let fetch = cache.with(|c| {
        c.borrow_mut()
            .entry(url.clone())
            .or_insert_with(|| {
                let url = url.clone();
                async move {
                    let text = fetch_text(&url, false).await?;
                    let parsed = match measure {
                        Some(name) => timed(name, || parse_json::<T>(&url, &text)),
                        None => parse_json::<T>(&url, &text),
                    };
                    parsed.map(Arc::new)
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    let result = fetch.await;
    if result.is_err() {
        // A failure is not kept: the next try fetches again.
        cache.with(|c| c.borrow_mut().remove(&url));
    }
    result
}

/// One post, from this visit's memory or the network.
pub async fn load_post(file: &str) -> Result<Arc<Post>, LoadError> {
    fetch_once(&POSTS, file, Some("fieldnotes:parse-post")).await
}

/// A post's visible text (what search snippets and the offline search read), worked out once
/// per visit: typing repeats the same searches, and analysing a long post costs milliseconds.
pub async fn load_post_text(file: &str) -> Result<Arc<String>, LoadError> {
    thread_local!(static TEXTS: RefCell<HashMap<String, Arc<String>>> = RefCell::new(HashMap::new()));
    if let Some(text) = TEXTS.with(|t| t.borrow().get(file).cloned()) {
        return Ok(text);
    }
    let post = load_post(file).await?;
    let text = Arc::new(crate::markdown::analyze(&post.body).text);
    TEXTS.with(|t| t.borrow_mut().insert(file.to_string(), text.clone()));
    Ok(text)
}

/// Starts fetching a post the reader is likely to open (a link under the pointer or the focus),
/// so it shows at once when they do.
pub fn prefetch_post(file: String) {
    // A failure here is not the reader's problem: opening the post tries again and says so.
    leptos::task::spawn_local(async move {
        let _ = load_post(&file).await;
    });
}

/// The index files a query needs, fetched if not yet in memory: the entry, the shards of its
/// words, then the chunks holding their postings. Keys the index lacks (no post has such a term)
/// are simply absent.
pub async fn load_index(entry_file: &str, clauses: &[Clause]) -> Result<Loaded, LoadError> {
    let entry = load_entry(entry_file).await?;
    let mut loaded = Loaded {
        dir: entry.dir.clone(),
        ..Loaded::default()
    };
    let shards = entry.keys_for(clauses).into_iter().map(|key| {
        let file = shard_file(&entry.dir, &key);
        async move { (key, fetch_once(&SHARDS, &file, None).await) }
    });
    for (key, shard) in join_all(shards).await {
        loaded.shards.insert(key, shard?);
    }
    let chunks = chunks_for(clauses, &loaded)
        .into_iter()
        .map(|file| async move { (file.clone(), fetch_once(&CHUNKS, &file, None).await) });
    for (file, chunk) in join_all(chunks).await {
        loaded.chunks.insert(file, chunk?);
    }
    Ok(loaded)
}

/// The search index's entry, refused (as the manifest is) when another build's format wrote it.
async fn load_entry(entry_file: &str) -> Result<Arc<SearchEntry>, LoadError> {
    let entry = fetch_once(&ENTRIES, entry_file, None).await?;
    if entry.format_version != FORMAT_VERSION {
        return Err(LoadError::Version {
            found: entry.format_version,
        });
    }
    Ok(entry)
}

/// Every file of the search index, as URLs: the entry, each shard, each chunk (the shards are
/// read to learn their chunks). For saving the whole index for offline search.
pub async fn search_index_files(entry_file: &str) -> Result<Vec<String>, LoadError> {
    let entry = load_entry(entry_file).await?;
    let mut urls = vec![data_url(entry_file)];
    let shards = entry.keys.iter().map(|key| {
        let file = shard_file(&entry.dir, key);
        async move { (key, fetch_once(&SHARDS, &file, None).await, file) }
    });
    for (key, shard, file) in join_all(shards).await {
        let shard = shard?;
        urls.push(data_url(&file));
        let mut chunks: Vec<u32> = shard.refs.values().map(|(_, n)| *n).collect();
        chunks.sort_unstable();
        chunks.dedup();
        urls.extend(
            chunks
                .into_iter()
                .map(|n| data_url(&chunk_file(&entry.dir, key, n))),
        );
    }
    Ok(urls)
}

/// The URLs of every file this visit has fetched and kept in memory (posts and search files).
pub fn fetched_urls() -> Vec<String> {
    fn keys<T>(cache: &'static std::thread::LocalKey<Cache<T>>) -> Vec<String> {
        cache.with(|c| c.borrow().keys().cloned().collect())
    }
    let mut urls = keys(&POSTS);
    urls.extend(keys(&ENTRIES));
    urls.extend(keys(&SHARDS));
    urls.extend(keys(&CHUNKS));
    urls
}
