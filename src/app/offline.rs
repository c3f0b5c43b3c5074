//! Reading offline: registers the service worker the build wrote (`sw.js`), announces a new build
//! without forcing it, knows which posts are stored in the browser, and saves posts on request.
//!
//! The worker stores what the reader opens; saving writes into its own cache, [`SAVED_CACHE`],
//! which the worker reads but never evicts.

use super::address::{base_path, data_url};
use super::data;
use super::net::{self, LoadError};
use super::timing::sleep;
pub use crate::listing::human_bytes;
use crate::model::{ImageRef, Manifest, PostSummary, COLUMN_PX};
use crate::routes::WORKER_FILE;
use futures::future::join_all;
use js_sys::{Array, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, Request, Response, ServiceWorkerRegistration, ServiceWorkerState};

/// Posts (and their images, and the search index) the reader chose to keep.
pub const SAVED_CACHE: &str = "fieldnotes-saved";
/// The worker's cache of opened posts (see `sw.js`).
const POSTS_CACHE: &str = "fieldnotes-posts";
/// How often to look for a new build while the reader stays on the site.
const UPDATE_EVERY_MS: f64 = 60_000.0;
/// How long a first visit waits before installing the service worker.
const REGISTER_AFTER: std::time::Duration = std::time::Duration::from_secs(3);
/// Files saved at once.
const PARALLEL: usize = 6;

/// What the pages know about reading offline; provided to every page as context.
#[derive(Clone, Copy)]
pub struct Offline {
    /// The site answered the last time the app asked it (false: offline, or the server is down):
    /// [`net::online`].
    pub online: RwSignal<bool>,
    /// A new build is installed and waits for the reader to reload.
    pub update_ready: RwSignal<bool>,
    /// Site-absolute paths of the data files the browser holds (opened or saved).
    pub stored: RwSignal<HashSet<String>>,
    /// The subset of `stored` the reader saved.
    pub saved: RwSignal<HashSet<String>>,
}

impl Offline {
    /// Whether a post can be read without the network.
    pub fn has_post(&self, post: &PostSummary) -> bool {
        let url = data_url(&post.file);
        self.stored.with(|s| s.contains(&url))
    }

    /// Whether the reader saved a post (it then stays until they remove it).
    pub fn has_saved(&self, post: &PostSummary) -> bool {
        let url = data_url(&post.file);
        self.saved.with(|s| s.contains(&url))
    }
}

thread_local! {
    static STATE: Cell<Option<Offline>> = const { Cell::new(None) };
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    static LAST_UPDATE_CHECK: Cell<f64> = const { Cell::new(0.0) };
    /// Whether [`refresh_stored`] has read the caches at least once this visit.
    static STORED_READ: Cell<bool> = const { Cell::new(false) };
}

/// The context of the app; creates it on the first call.
pub fn state() -> Offline {
    STATE.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let state = Offline {
                online: net::online(),
                update_ready: RwSignal::new(false),
                stored: RwSignal::new(HashSet::new()),
                saved: RwSignal::new(HashSet::new()),
            };
            cell.set(Some(state));
            state
        })
    })
}

/// Sets everything up: the worker, the browser's online and offline events, the stored posts.
pub fn start() {
    let on_online = Closure::<dyn Fn()>::new(net::network_back);
    let on_offline = Closure::<dyn Fn()>::new(net::network_failed);
    let win = window();
    let _ = win.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    let _ = win.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
    on_online.forget();
    on_offline.forget();
    if !has_service_worker() {
        return;
    }
    leptos::task::spawn_local(async {
        refresh_stored().await;
        // A worker already in charge (a later visit) is registered again at once, to look for
        // updates. A first visit waits: installing stores about a megabyte, which would slow the
        // first post the reader opens (measured: 30-70 ms on a cold click). What that post
        // fetched meanwhile is handed to the worker once it takes over.
        if !is_controlled() {
            sleep(REGISTER_AFTER).await;
        }
        if let Err(e) = register().await {
            leptos::logging::warn!("offline reading is unavailable: {e:?}");
        }
    });
}

fn has_service_worker() -> bool {
    Reflect::has(&window().navigator(), &JsValue::from_str("serviceWorker")).unwrap_or(false)
}

async fn register() -> Result<(), JsValue> {
    let container = window().navigator().service_worker();
    let options = web_sys::RegistrationOptions::new();
    let base = base_path();
    options.set_scope(&base);
    let registration: ServiceWorkerRegistration =
        JsFuture::from(container.register_with_options(&format!("{base}{WORKER_FILE}"), &options))
            .await?
            .dyn_into()?;
    let state = state();
    let had_controller = container.controller().is_some();
    if registration.waiting().is_some() && had_controller {
        state.update_ready.set(true);
    }
    // A new build found while the page is open: it installs, then waits for the reader.
    let found = {
        let registration = registration.clone();
        Closure::<dyn Fn()>::new(move || {
            let Some(worker) = registration.installing() else {
                return;
            };
            let watched = worker.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                let controlled = window().navigator().service_worker().controller().is_some();
                if watched.state() == ServiceWorkerState::Installed && controlled {
                    state.update_ready.set(true);
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        })
    };
    registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
    found.forget();
    // The first visit's worker takes over this page: it is told what the page fetched before,
    // and stores that too (the posts already opened, the search files used).
    let on_control = Closure::<dyn Fn()>::new(move || {
        if RELOADING.with(Cell::get) {
            let _ = window().location().reload();
        } else if !had_controller {
            if let Some(worker) = window().navigator().service_worker().controller() {
                let urls: Array = data::fetched_urls()
                    .into_iter()
                    .map(JsValue::from)
                    .collect();
                let message = js_sys::Object::new();
                let _ = Reflect::set(&message, &JsValue::from_str("store"), &urls);
                let _ = worker.post_message(&message);
            }
        }
    });
    container.set_oncontrollerchange(Some(on_control.as_ref().unchecked_ref()));
    on_control.forget();
    // Coming back to the tab is a good moment to look for a new build.
    let on_visible = Closure::<dyn Fn()>::new(|| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            check_for_update();
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget();
    LAST_UPDATE_CHECK.with(|t| t.set(js_sys::Date::now()));
    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    Ok(())
}

thread_local!(static RELOADING: Cell<bool> = const { Cell::new(false) });

/// Asks the browser to look for a new build, at most once a minute (on page changes and when the
/// tab is shown again).
pub fn check_for_update() {
    let now = js_sys::Date::now();
    if now - LAST_UPDATE_CHECK.with(Cell::get) < UPDATE_EVERY_MS {
        return;
    }
    LAST_UPDATE_CHECK.with(|t| t.set(now));
    REGISTRATION.with(|r| {
        if let Some(registration) = r.borrow().as_ref() {
            if let Ok(promise) = registration.update() {
                // Offline, the check fails; the next one tries again.
                leptos::task::spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
            }
        }
    });
}

/// Switches to the new build: the waiting worker (if one is installed) takes over, then the page
/// reloads.
pub fn reload_to_update() {
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    match waiting {
        Some(worker) => {
            RELOADING.with(|r| r.set(true));
            let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
        }
        None => {
            let _ = window().location().reload();
        }
    }
}

/// Whether the service worker answers this page's requests (so what it stored can be read).
pub fn is_controlled() -> bool {
    has_service_worker() && window().navigator().service_worker().controller().is_some()
}

/// Data files fetched for a search (index files, result cards): the service worker stores them
/// for offline. Where the browser routes them past it (see `sw.js`), it never saw them; elsewhere
/// it ignores this.
pub fn store_fetched(urls: &[String]) {
    if urls.is_empty() || !has_service_worker() {
        return;
    }
    if let Some(worker) = window().navigator().service_worker().controller() {
        let urls: Array = urls.iter().map(|url| JsValue::from_str(url)).collect();
        let message = js_sys::Object::new();
        let _ = Reflect::set(&message, &JsValue::from_str("fetched"), &urls);
        let _ = worker.post_message(&message);
    }
}

/// A post was just shown: the worker stores it (when there is one), so mark it at once.
pub fn note_opened(file: &str) {
    if is_controlled() {
        state().stored.update(|s| {
            s.insert(data_url(file));
        });
    }
}

/// Reads which data files the browser holds into [`Offline::stored`] and [`Offline::saved`].
pub async fn refresh_stored() {
    let (Ok(posts), Ok(saved)) = (
        cache_paths(POSTS_CACHE).await,
        cache_paths(SAVED_CACHE).await,
    ) else {
        return;
    };
    let state = state();
    let mut stored = posts;
    stored.extend(saved.iter().cloned());
    state.stored.set(stored);
    state.saved.set(saved);
    STORED_READ.with(|r| r.set(true));
}

/// A data file this browser stores that `wanted` picks (relative to the data folder): how a page
/// opened offline finds a post's files without the slug shard that names them.
pub async fn stored_file(wanted: impl Fn(&str) -> bool) -> Option<String> {
    stored_known().await;
    let prefix = data_url("");
    state().stored.with_untracked(|stored| {
        stored
            .iter()
            .filter_map(|url| url.strip_prefix(&prefix))
            .find(|file| wanted(file))
            .map(String::from)
    })
}

/// Makes sure [`Offline::stored`] has been read from the caches (a page loaded offline may search
/// before the start-up read is done); reads them only the first time.
pub async fn stored_known() {
    if !STORED_READ.with(Cell::get) {
        refresh_stored().await;
    }
}

async fn open_cache(name: &str) -> Result<Cache, JsValue> {
    let caches = window().caches()?;
    JsFuture::from(caches.open(name)).await?.dyn_into()
}

/// The site-absolute paths stored in one cache.
async fn cache_paths(name: &str) -> Result<HashSet<String>, JsValue> {
    let caches = window().caches()?;
    // Opening a cache creates it: look first.
    if !JsFuture::from(caches.has(name)).await?.is_truthy() {
        return Ok(HashSet::new());
    }
    let cache = open_cache(name).await?;
    let keys: Array = JsFuture::from(cache.keys()).await?.dyn_into()?;
    let origin = window().location().origin()?;
    Ok(keys
        .iter()
        .filter_map(|key| key.dyn_into::<Request>().ok())
        .map(|request| {
            let url = request.url();
            url.strip_prefix(&origin).unwrap_or(&url).to_string()
        })
        .collect())
}

/// Progress of a save, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub bytes: u64,
}

/// Stores `posts`, with their images and comments, in [`SAVED_CACHE`] (and, with `search_entry`,
/// the whole search index and the lists that browsing and searching read,
/// [`data::offline_lists`]); `progress` hears after each post. Returns the bytes stored.
pub async fn save_posts(
    posts: Vec<PostSummary>,
    search_entry: Option<String>,
    manifest: Option<Manifest>,
    progress: impl Fn(Progress),
) -> Result<u64, LoadError> {
    let cache = open_cache(SAVED_CACHE).await.map_err(js_error)?;
    let mut search_urls = Vec::new();
    if let Some(entry) = &search_entry {
        search_urls = data::search_index_files(entry).await?;
        // With the search index go the lists that show what it finds, offline too.
        if let Some(manifest) = &manifest {
            search_urls.extend(data::offline_lists(manifest).await?);
        }
    }
    let mut report = Progress {
        done: 0,
        total: posts.len() + usize::from(search_entry.is_some()),
        bytes: 0,
    };
    progress(report);
    // A few at a time: a large site saves in minutes, not in one request after another.
    for batch in posts.chunks(PARALLEL) {
        let saved = join_all(
            batch
                .iter()
                .map(|summary| save_post(&cache, summary, manifest.as_ref())),
        )
        .await;
        for bytes in saved {
            report.bytes += bytes?;
            report.done += 1;
        }
        progress(report);
    }
    if !search_urls.is_empty() {
        for batch in search_urls.chunks(PARALLEL) {
            for bytes in join_all(batch.iter().map(|url| store(&cache, url))).await {
                report.bytes += bytes?;
            }
        }
        report.done += 1;
        progress(report);
    }
    refresh_stored().await;
    Ok(report.bytes)
}

/// Stores one post's file, its images and its comments (named in its slug shard, read through
/// `manifest`); returns their size.
async fn save_post(
    cache: &Cache,
    summary: &PostSummary,
    manifest: Option<&Manifest>,
) -> Result<u64, LoadError> {
    let post = data::load_post(&summary.file).await?;
    let mut urls = vec![data_url(&summary.file)];
    if let (Some(manifest), true) = (manifest, summary.comments > 0) {
        urls.extend(
            data::comments_file(manifest, &summary.slug)
                .await?
                .map(|file| data_url(&file)),
        );
    }
    urls.extend(
        post.images
            .values()
            .map(|image| data_url(screen_copy(image))),
    );
    urls.extend(
        summary
            .cover
            .iter()
            .map(|c| data_url(screen_copy(&c.image))),
    );
    let mut bytes = 0;
    for url in urls {
        bytes += store(cache, &url).await?;
    }
    Ok(bytes)
}

/// The copy of an image this screen shows (the one its page's `srcset` makes the browser fetch):
/// what saving a post stores.
fn screen_copy(image: &ImageRef) -> &str {
    let win = window();
    let width = win
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(f64::from(COLUMN_PX));
    let column = width.min(f64::from(COLUMN_PX));
    image.pick(column, win.device_pixel_ratio(), &image.formats())
}

/// Fetches one file (through the worker, so a stored copy serves) and keeps it; returns its size.
async fn store(cache: &Cache, url: &str) -> Result<u64, LoadError> {
    if JsFuture::from(cache.match_with_str(url))
        .await
        .map_err(js_error)?
        .is_truthy()
    {
        return Ok(0);
    }
    let response: Response = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(|_| LoadError::Network(format!("offline: {url}")))?
        .dyn_into()
        .map_err(js_error)?;
    if !response.ok() || sent_a_web_page(&response) {
        return Err(LoadError::Network(format!("{} {url}", response.status())));
    }
    let copy = response.clone().map_err(js_error)?;
    let body = JsFuture::from(copy.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    // A damaged data file (cut short, say) is not kept: it would be read instead of a good one.
    if url.ends_with(".json") {
        let text = js_sys::Uint8Array::new(&body).to_vec();
        net::parse_value(url, &String::from_utf8_lossy(&text))?;
    }
    JsFuture::from(cache.put_with_str(url, &response))
        .await
        .map_err(js_error)?;
    Ok(js_sys::ArrayBuffer::from(body).byte_length() as u64)
}

/// Forgets every saved post (opened posts stay until the worker needs their room).
pub async fn remove_saved() {
    if let Ok(caches) = window().caches() {
        let _ = JsFuture::from(caches.delete(SAVED_CACHE)).await;
    }
    refresh_stored().await;
}

/// How much the browser stores for this site, all caches and storage together, if it says.
pub async fn storage_used() -> Option<u64> {
    let promise = window().navigator().storage().estimate().ok()?;
    let estimate = JsFuture::from(promise).await.ok()?;
    Reflect::get(&estimate, &JsValue::from_str("usage"))
        .ok()?
        .as_f64()
        .map(|n| n as u64)
}

fn js_error(e: JsValue) -> LoadError {
    LoadError::Network(format!("{e:?}"))
}

/// Whether a host answered with a web page where a data file was asked for (a single-page-app
/// fallback answers any address with its page).
pub fn sent_a_web_page(response: &Response) -> bool {
    response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.contains("text/html"))
}
