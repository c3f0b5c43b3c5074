//! Fetching the builder's JSON: the manifest (never cached), then the hashed files it names.

use crate::markdown::with_slashes;
use crate::model::{
    IndexPage, Manifest, Post, PostSummary, DATA_DIR, FORMAT_VERSION, MANIFEST_FILE,
};
use crate::search::index::{SearchEntry, Shard};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::Request;
use leptos::prelude::LocalResource;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
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

/// Runs `work` inside a User Timing measure named `name`, so the browser's performance tools (and
/// the project's measurement command) can see how long it took.
pub fn timed<R>(name: &str, work: impl FnOnce() -> R) -> R {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let result = work();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    result
}

async fn fetch_text(url: &str, fresh: bool) -> Result<String, LoadError> {
    let mut request = Request::get(url);
    if fresh {
        request = request.cache(RequestCache::NoCache);
    }
    let response = request
        .send()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))?;
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

thread_local! {
    /// Posts fetched in this visit, by file. The files are content-hashed, so an entry never goes
    /// stale; a reader's visit touches few enough posts to keep them all.
    static POSTS: RefCell<HashMap<String, Post>> = RefCell::new(HashMap::new());
    /// Files being prefetched, so hovering twice does not fetch twice.
    static PREFETCHING: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// One post, from this visit's memory or the network.
pub async fn load_post(file: &str) -> Result<Post, LoadError> {
    if let Some(post) = POSTS.with(|posts| posts.borrow().get(file).cloned()) {
        return Ok(post);
    }
    let url = data_url(file);
    let text = fetch_text(&url, false).await?;
    let post: Post = timed("fieldnotes:parse-post", || parse_json(&url, &text))?;
    POSTS.with(|posts| posts.borrow_mut().insert(file.to_string(), post.clone()));
    Ok(post)
}

/// Starts fetching a post the reader is likely to open (a link under the pointer or the focus),
/// so it shows at once when they do.
pub fn prefetch_post(file: String) {
    let known = POSTS.with(|posts| posts.borrow().contains_key(&file));
    let started = PREFETCHING.with(|set| !set.borrow_mut().insert(file.clone()));
    if known || started {
        return;
    }
    leptos::task::spawn_local(async move {
        // A failure here is not the reader's problem: opening the post tries again and says so.
        let _ = load_post(&file).await;
        PREFETCHING.with(|set| set.borrow_mut().remove(&file));
    });
}

/// A fetch any number of searches can wait on: typing fast starts several searches before the
/// first shard arrives, and each file must still be fetched once.
type SharedFetch<T> = Shared<LocalBoxFuture<'static, Result<Arc<T>, LoadError>>>;

thread_local! {
    /// The search index's files fetched (or being fetched) in this visit, by URL. They are
    /// content-hashed, so an entry never goes stale.
    static ENTRIES: RefCell<HashMap<String, SharedFetch<SearchEntry>>> = RefCell::new(HashMap::new());
    static SHARDS: RefCell<HashMap<String, SharedFetch<Shard>>> = RefCell::new(HashMap::new());
}

/// One hashed JSON file, fetched once per visit however many callers want it.
async fn fetch_once<T: DeserializeOwned + 'static>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, SharedFetch<T>>>>,
    file: &str,
) -> Result<Arc<T>, LoadError> {
    let url = data_url(file);
    let fetch = cache.with(|c| {
        c.borrow_mut()
            .entry(url.clone())
            .or_insert_with(|| {
                let url = url.clone();
                async move { fetch_json::<T>(&url, false).await.map(Arc::new) }
                    .boxed_local()
                    .shared()
            })
            .clone()
    });
    let result = fetch.await;
    if result.is_err() {
        // A failure is not kept: the next search tries again.
        cache.with(|c| c.borrow_mut().remove(&url));
    }
    result
}

/// The shards of `keys` that the index has, fetched if not yet in memory. Keys the index lacks
/// (no post has such a term) are simply absent.
pub async fn load_shards(
    entry_file: &str,
    keys: &[String],
) -> Result<HashMap<String, Arc<Shard>>, LoadError> {
    let entry = fetch_once(&ENTRIES, entry_file).await?;
    let mut out = HashMap::new();
    for key in keys {
        if let Some(file) = entry.shards.get(key) {
            out.insert(key.clone(), fetch_once(&SHARDS, file).await?);
        }
    }
    Ok(out)
}
