//! The site's data, as the app reads it: the manifest (never cached), the post index, then the
//! hashed files it names (posts, search index files), each fetched once per visit.

use super::address::data_url;
use super::net::{fetch_json, fetch_text, parse_json, LoadError};
use super::timing::timed;
use crate::model::{
    chunk_file, shard_file, Chunk, IndexPage, Manifest, Post, PostSummary, SearchEntry, Shard,
    FORMAT_VERSION, MANIFEST_FILE,
};
use crate::search::index::{chunks_for, Loaded};
use crate::search::query::Clause;
use futures::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::LocalResource;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// The site as the home page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteData {
    pub manifest: Manifest,
    /// Newest first.
    pub posts: Vec<PostSummary>,
}

/// Shared by every page through context.
pub type SiteResource = LocalResource<Result<Arc<SiteData>, LoadError>>;

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
