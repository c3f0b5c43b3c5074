//! The site's data, as the app reads it: the manifest (never cached), then only the hashed files
//! the page on screen needs — a list page, a post, search files, cards — each fetched once per
//! visit. Nothing here reads a file that grows with the number of posts, except
//! [`load_all_posts`], for saving every post offline.

use super::address::data_url;
use super::net::{fetch_json, fetch_text, parse_json, parse_value, read_value, LoadError};
use super::timing::timed;
use crate::model::{
    dir_file, doc_file, files_file, list_key_of, list_path, slug_file, AllPosts, ArchiveIndex,
    ArchiveYear, CommentThread, DocBlock, FormatCheck, FormatProbe, IndexFiles, ListDir, ListPage,
    Manifest, Post, PostNav, PostSummary, SearchEntry, SlugShard, DOC_BLOCK, FORMAT_VERSION,
    MANIFEST_FILE,
};
use futures::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::{GetUntracked, LocalResource};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// What every page needs first: the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteData {
    pub manifest: Manifest,
}

/// Shared by every page through context.
pub type SiteResource = LocalResource<Result<Arc<SiteData>, LoadError>>;

/// Loads the manifest, refused when another format wrote it. Its version is read first: a newer
/// format may have changed any other field, and must still be told apart from a damaged file.
pub async fn load_site() -> Result<Arc<SiteData>, LoadError> {
    if let Some(first) = FIRST.with(|f| f.borrow_mut().take()) {
        return first;
    }
    let url = data_url(MANIFEST_FILE);
    let value = parse_value(&url, &fetch_text(&url, true).await?)?;
    match read_value::<FormatProbe>(&url, value.clone())?.check() {
        FormatCheck::Readable => {}
        FormatCheck::Newer(found) | FormatCheck::Older(found) => {
            return Err(LoadError::Version { found })
        }
        FormatCheck::Missing => return Err(LoadError::Format(format!("{url}: no format_version"))),
    }
    let manifest: Manifest = read_value(&url, value)?;
    Ok(Arc::new(SiteData { manifest }))
}

thread_local! {
    /// The manifest as the app's start read it, for the first load of the site's resource.
    static FIRST: RefCell<Option<Result<Arc<SiteData>, LoadError>>> = const { RefCell::new(None) };
}

/// Hands the manifest read at the start to the first [`load_site`].
pub fn keep_first(first: Result<Arc<SiteData>, LoadError>) {
    FIRST.with(|f| *f.borrow_mut() = Some(first));
}

thread_local! {
    /// Post files by slug, learnt from every list and card this visit read, and from the page.
    static KNOWN: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Remembers where a post's file is, so opening it needs no lookup.
pub fn know(post: &PostSummary) {
    if !post.file.is_empty() {
        KNOWN.with(|k| k.borrow_mut().insert(post.slug.clone(), post.file.clone()));
    }
}

/// The data files the page the app started on names (`<meta name="fieldnotes-data">`, a line
/// each, the page's own first).
fn page_data_files() -> Vec<String> {
    thread_local!(static FILES: std::cell::OnceCell<Vec<String>> = const { std::cell::OnceCell::new() });
    FILES.with(|f| {
        f.get_or_init(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("meta[name=fieldnotes-data]").ok()?)
                .and_then(|meta| meta.get_attribute("content"))
                .map(|files| files.lines().map(String::from).collect())
                .unwrap_or_default()
        })
        .clone()
    })
}

/// The file of the list `key` (`home/2.json`, [`crate::routes::Route::data_file`]): named by the
/// page the app started on, else by the shard of the lists' directory that holds the key. `None`
/// when the site has no such list.
pub async fn list_file(manifest: &Manifest, key: &str) -> Result<Option<String>, LoadError> {
    let named = page_data_files()
        .into_iter()
        .find(|file| list_key_of(file).as_deref() == Some(key));
    if named.is_some() {
        return Ok(named);
    }
    let shard = dir_file(&manifest.lists, key, manifest.list_shards);
    // Through the lists' own cache: one more type through `fetch_once` would add its
    // shared-future machinery to the WASM again.
    let dir = load_file::<ListDir>(manifest, &shard)
        .await?
        .ok_or(LoadError::Replaced)?;
    Ok(dir.lists.get(key).map(|hash| list_path(key, hash)))
}

/// The file of the post `slug`: known from a list or the page, else read from its slug shard.
/// `None` when the site has no such post.
pub async fn post_file(manifest: &Manifest, slug: &str) -> Result<Option<String>, LoadError> {
    if let Some(file) = KNOWN.with(|k| k.borrow().get(slug).cloned()) {
        return Ok(Some(file));
    }
    if let Some(file) = page_data_files().into_iter().find(|f| is_file_of(f, slug)) {
        return Ok(Some(file));
    }
    let shard = load_shard(manifest, slug).await?;
    Ok(shard.posts.get(slug).map(|entry| entry.file.clone()))
}

/// The slug shard that holds `slug`.
async fn load_shard(manifest: &Manifest, slug: &str) -> Result<Arc<SlugShard>, LoadError> {
    let key = slug_file(slug, manifest.slug_shards);
    let file = list_file(manifest, &key)
        .await?
        .ok_or(LoadError::Replaced)?;
    fetch_once(&SLUGS, &file, None).await
}

/// The links under the post `slug` (newer, older, series, related), from its slug shard; the
/// files they name are remembered.
pub async fn load_post_nav(manifest: &Manifest, slug: &str) -> Result<PostNav, LoadError> {
    let shard = load_shard(manifest, slug).await?;
    let nav = shard
        .posts
        .get(slug)
        .map(|entry| entry.nav.clone())
        .unwrap_or_default();
    let links = nav
        .newer
        .iter()
        .chain(&nav.older)
        .chain(&nav.series)
        .chain(&nav.related);
    KNOWN.with(|k| {
        let mut known = k.borrow_mut();
        for link in links {
            known.insert(link.slug.clone(), link.file.clone());
        }
    });
    Ok(nav)
}

/// The comment file of the post `slug`, from its slug shard: `None` when it has no comments.
pub async fn comments_file(manifest: &Manifest, slug: &str) -> Result<Option<String>, LoadError> {
    let shard = load_shard(manifest, slug).await?;
    Ok(shard
        .posts
        .get(slug)
        .and_then(|entry| entry.comments.clone()))
}

thread_local! {
    /// The comment files this visit read, for the service worker to store on a first visit.
    static COMMENT_URLS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A post's comments. Fetched plainly rather than through [`fetch_once`]: a post asks for them
/// once, the HTTP cache keeps them (their name is hashed), and one more type through `fetch_once`
/// would add its shared-future machinery to the WASM again.
pub async fn load_comments(file: &str) -> Result<Arc<CommentThread>, LoadError> {
    let url = data_url(file);
    let text = fetch_text(&url, false).await?;
    let thread = parse_json::<CommentThread>(&url, &text)?;
    COMMENT_URLS.with(|urls| urls.borrow_mut().push(url));
    Ok(Arc::new(thread))
}

/// Whether `file` is a post file of `slug` (`posts/<slug>.<hash>.json`).
pub fn is_file_of(file: &str, slug: &str) -> bool {
    is_in(file, "posts/", slug)
}

/// Whether `file` is the comment file of `slug` (`comments/<slug>.<hash>.json`).
pub fn is_comments_of(file: &str, slug: &str) -> bool {
    is_in(file, "comments/", slug)
}

/// Whether `file` is `<folder><slug>.<hash>.json`.
fn is_in(file: &str, folder: &str, slug: &str) -> bool {
    file.strip_prefix(folder)
        .and_then(|rest| rest.strip_prefix(slug))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|hash| hash.ends_with(".json") && !hash[..hash.len() - 5].contains('.'))
}

/// The list `key` ([`crate::routes::Route::data_file`]): `None` when the site has no such list (a
/// tag that does not exist), an error when it cannot be read.
pub async fn load_list<T: DeserializeOwned + Send + Sync + 'static>(
    manifest: &Manifest,
    key: &str,
) -> Result<Option<Arc<T>>, LoadError> {
    match list_file(manifest, key).await? {
        Some(file) => load_file(manifest, &file).await,
        None => Ok(None),
    }
}

/// A hashed data file of this build (a list's, a standalone page's): `None` when it is gone
/// and the manifest is still this build's, an error when it cannot be read.
pub async fn load_file<T: DeserializeOwned + Send + Sync + 'static>(
    manifest: &Manifest,
    file: &str,
) -> Result<Option<Arc<T>>, LoadError> {
    thread_local!(static LISTS: RefCell<HashMap<String, Arc<dyn std::any::Any + Send + Sync>>> = RefCell::new(HashMap::new()));
    let url = data_url(file);
    if let Some(hit) = LISTS.with(|l| l.borrow().get(&url).cloned()) {
        if let Ok(list) = hit.downcast::<T>() {
            return Ok(Some(list));
        }
    }
    match fetch_text(&url, false).await {
        Ok(text) => {
            let list: Arc<T> = Arc::new(parse_json(&url, &text)?);
            LISTS.with(|l| l.borrow_mut().insert(url, list.clone()));
            Ok(Some(list))
        }
        // Lists live in a folder a new build replaces: a missing one is either not a list of this
        // site, or the sign of a new build, which the manifest tells apart.
        Err(LoadError::Replaced) => {
            let now: Manifest = fetch_json(&data_url(MANIFEST_FILE), true).await?;
            if now.lists == manifest.lists {
                Ok(None)
            } else {
                Err(LoadError::Replaced)
            }
        }
        Err(error) => Err(error),
    }
}

/// A page of a list of posts (its key); its posts' files are remembered.
pub async fn load_list_page(
    manifest: &Manifest,
    key: &str,
) -> Result<Option<Arc<ListPage>>, LoadError> {
    let page = load_list::<ListPage>(manifest, key).await?;
    if let Some(page) = &page {
        page.posts.iter().for_each(know);
    }
    Ok(page)
}

/// The archive's years, and one year's posts.
pub async fn load_archive(
    manifest: &Manifest,
    index: &str,
    year: Option<&str>,
    page: usize,
) -> Result<Option<(Arc<ArchiveIndex>, Arc<ArchiveYear>)>, LoadError> {
    let Some(years) = load_list::<ArchiveIndex>(manifest, index).await? else {
        return Ok(None);
    };
    let Some(shown) = year.or_else(|| years.years.first().map(|(y, _)| y.as_str())) else {
        let empty = ArchiveYear {
            year: String::new(),
            page: 1,
            pages: 1,
            total: 0,
            posts: Vec::new(),
        };
        return Ok(Some((years, Arc::new(empty))));
    };
    let key = crate::model::year_file(shown, page);
    Ok(load_list::<ArchiveYear>(manifest, &key)
        .await?
        .map(|posts| (years, posts)))
}

/// The cards of posts numbered `docs` (search hits), in that order; `None` for a number the
/// site has no card for.
pub async fn load_cards(
    manifest: &Manifest,
    docs: &[u32],
) -> Result<Vec<Option<PostSummary>>, LoadError> {
    let mut blocks: Vec<u32> = docs.iter().map(|d| d / DOC_BLOCK as u32).collect();
    blocks.sort_unstable();
    blocks.dedup();
    let keys: Vec<String> = blocks
        .iter()
        .map(|b| doc_file(b * DOC_BLOCK as u32))
        .collect();
    let files: Vec<Option<String>> = join_all(keys.iter().map(|key| list_file(manifest, key)))
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let fetched = join_all(files.iter().map(|file| async move {
        match file {
            Some(file) => load_file::<DocBlock>(manifest, file).await,
            None => Ok(None),
        }
    }))
    .await;
    // The browser fetches cards past the service worker where it can (see `sw.js`).
    super::offline::store_fetched(
        &files
            .iter()
            .flatten()
            .map(|f| data_url(f))
            .collect::<Vec<_>>(),
    );
    let mut by_block = HashMap::new();
    for (block, fetched) in blocks.into_iter().zip(fetched) {
        if let Some(cards) = fetched? {
            by_block.insert(block, cards);
        }
    }
    Ok(docs
        .iter()
        .map(|d| {
            let block = by_block.get(&(d / DOC_BLOCK as u32))?;
            let card = block.posts.get(*d as usize % DOC_BLOCK)?;
            know(card);
            Some(card.clone())
        })
        .collect())
}

/// Every post's summary but the unlisted ones: only for saving all posts offline.
pub async fn load_all_posts(manifest: &Manifest) -> Result<Arc<AllPosts>, LoadError> {
    let mut all = fetch_json::<AllPosts>(&data_url(&manifest.all_posts), false).await?;
    all.posts.retain(|p| !p.unlisted);
    all.posts.iter().for_each(know);
    Ok(Arc::new(all))
}

/// The URLs of the lists a reader who saves every post needs to browse and search offline: the home
/// list's pages, the tag and category indexes, the archive's years, every card and every slug
/// shard, the list of all posts, and the lists' directory that names them.
pub async fn offline_lists(manifest: &Manifest) -> Result<Vec<String>, LoadError> {
    let per_page = manifest.site.posts_per_page;
    let pages = crate::listing::page_count(manifest.listed_count(), per_page);
    let mut keys: Vec<String> = (1..=pages).map(crate::model::home_file).collect();
    keys.extend(crate::model::Taxonomy::ALL.map(|t| t.index_file()));
    keys.push(crate::model::archive_file());
    keys.extend(
        (0..manifest.post_count.div_ceil(DOC_BLOCK)).map(|b| doc_file((b * DOC_BLOCK) as u32)),
    );
    keys.extend((0..manifest.slug_shards).map(crate::model::slug_shard_file));
    // The whole directory, fetched at once; each look-up below then reads it from memory.
    let shards: Vec<String> = (0..manifest.list_shards)
        .map(|n| format!("{}/{n}.json", manifest.lists))
        .collect();
    for fetched in join_all(
        shards
            .iter()
            .map(|shard| load_file::<ListDir>(manifest, shard)),
    )
    .await
    {
        fetched?;
    }
    let mut files = shards;
    for key in &keys {
        files.extend(list_file(manifest, key).await?);
    }
    files.push(manifest.all_posts.clone());
    Ok(files.iter().map(|f| data_url(f)).collect())
}

/// Every page of a list after its first, fetched: for saving a whole tag offline.
pub async fn load_whole_list(
    manifest: &Manifest,
    first: &ListPage,
    file_of: impl Fn(usize) -> String,
) -> Result<Vec<PostSummary>, LoadError> {
    let mut posts = first.posts.clone();
    for page in 2..=first.pages {
        if let Some(more) = load_list_page(manifest, &file_of(page)).await? {
            posts.extend(more.posts.iter().cloned());
        }
    }
    Ok(posts)
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
    static SLUGS: Cache<SlugShard> = RefCell::new(HashMap::new());
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
    let text = Arc::new(crate::markdown::text_of_html(&post.html));
    TEXTS.with(|t| t.borrow_mut().insert(file.to_string(), text.clone()));
    Ok(text)
}

/// Starts fetching a post the reader is likely to open (a link under the pointer or the focus),
/// so it shows at once when they do.
pub fn prefetch_post(site: SiteResource, slug: String, file: String) {
    // A failure here is not the reader's problem: opening the post tries again and says so.
    leptos::task::spawn_local(async move {
        let manifest = site
            .get_untracked()
            .and_then(Result::ok)
            .map(|site| site.manifest.clone());
        match manifest {
            Some(manifest) => {
                let _ = futures::join!(load_post(&file), load_post_nav(&manifest, &slug));
            }
            None => {
                let _ = load_post(&file).await;
            }
        }
    });
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

/// Every file of the search index, as URLs: the entry, the list of the index's files, and each
/// file it names. For saving the whole index for offline search.
pub async fn search_index_files(entry_file: &str) -> Result<Vec<String>, LoadError> {
    let entry = load_entry(entry_file).await?;
    let list = files_file(&entry.dir, &entry.files);
    let listed: IndexFiles = fetch_json(&data_url(&list), false).await?;
    let mut urls = vec![data_url(entry_file), data_url(&list)];
    urls.extend(
        listed
            .files
            .iter()
            .map(|file| data_url(&format!("{}/{file}", entry.dir))),
    );
    Ok(urls)
}

thread_local! {
    /// The search index files the search worker fetched this visit.
    static WORKER_URLS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Remembers the index files the search worker fetched, for [`fetched_urls`].
pub fn fetched_by_worker(urls: &[String]) {
    WORKER_URLS.with(|known| known.borrow_mut().extend(urls.iter().cloned()));
}

/// The URLs of every file this visit has fetched and kept in memory (posts, their comments and
/// search files, the search worker's among them).
pub fn fetched_urls() -> Vec<String> {
    fn keys<T>(cache: &'static std::thread::LocalKey<Cache<T>>) -> Vec<String> {
        cache.with(|c| c.borrow().keys().cloned().collect())
    }
    let mut urls = keys(&POSTS);
    urls.extend(COMMENT_URLS.with(|c| c.borrow().clone()));
    urls.extend(keys(&ENTRIES));
    urls.extend(WORKER_URLS.with(|known| known.borrow().clone()));
    urls
}
