//! The network, below everything else in the app: fetching the site's files (fresh or from the
//! HTTP cache), the errors a fetch can end in, and whether the site is reachable, learnt from
//! every answer and probed again while it is not.

use super::address::data_url;
use super::timing::sleep;
use crate::model::strings::S;
use crate::model::{FORMAT_VERSION, MANIFEST_FILE};
use gloo_net::http::Request;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::fmt;
use web_sys::RequestCache;

/// Set by the service worker on a response it made without the network.
pub const OFFLINE_HEADER: &str = "fieldnotes-offline";
/// How often to try the network again while it is unreachable.
const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

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
        let s = crate::app::words::s();
        let text = match self {
            LoadError::Network(why) => s.fill(S::error_network, &[("why", why)]),
            LoadError::Format(why) => s.fill(S::error_data, &[("why", why)]),
            LoadError::Version { found } => {
                let key = if *found > FORMAT_VERSION {
                    S::error_newer
                } else {
                    S::error_older
                };
                let (found, reads) = (found.to_string(), FORMAT_VERSION.to_string());
                s.fill(key, &[("found", &found), ("reads", &reads)])
            }
            LoadError::Replaced => s.get(S::error_replaced).to_string(),
        };
        f.write_str(&text)
    }
}

/// Fetches and parses one JSON file. `fresh` bypasses the HTTP cache (for the unhashed manifest).
pub async fn fetch_json<T: DeserializeOwned>(url: &str, fresh: bool) -> Result<T, LoadError> {
    let text = fetch_text(url, fresh).await?;
    parse_json(url, &text)
}

/// Parses a file fetched from `url`: the browser's `JSON.parse`, then `serde-wasm-bindgen` into the
/// model's type. The WASM then carries no JSON parser of its own (3 KB brotli less than
/// `serde_json` there, measured on the release build).
pub fn parse_json<T: DeserializeOwned>(url: &str, text: &str) -> Result<T, LoadError> {
    read_value(url, parse_value(url, text)?)
}

/// The first half of [`parse_json`]: the text as a JavaScript value, to read as more than one type.
pub fn parse_value(url: &str, text: &str) -> Result<wasm_bindgen::JsValue, LoadError> {
    js_sys::JSON::parse(text).map_err(|e| {
        let why = js_sys::Error::from(e).message();
        damaged(url, format!("{url}: {}", String::from(why)))
    })
}

/// The second half of [`parse_json`]: a parsed value as the model's type.
pub fn read_value<T: DeserializeOwned>(
    url: &str,
    value: wasm_bindgen::JsValue,
) -> Result<T, LoadError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| damaged(url, format!("{url}: {e}")))
}

thread_local! {
    /// Files that arrived damaged or not at all this visit.
    static FAILED: std::cell::RefCell<std::collections::HashSet<String>> = Default::default();
}

/// A file that could not be read: asked for again past the HTTP cache, which may hold the damaged
/// copy for a year (hashed files are `immutable`).
fn damaged(url: &str, why: String) -> LoadError {
    failed(url);
    LoadError::Format(why)
}

/// Remembers that `url` arrived damaged or not at all, for [`fetch_text`] to ask past the cache.
fn failed(url: &str) {
    FAILED.with(|f| f.borrow_mut().insert(url.to_string()));
}

/// Fetches one file as text. `fresh` bypasses the HTTP cache (for the unhashed manifest); its
/// answer also tells whether the site is reachable ([`online`]).
pub async fn fetch_text(url: &str, fresh: bool) -> Result<String, LoadError> {
    let mut request = Request::get(url);
    if FAILED.with(|f| f.borrow_mut().remove(url)) {
        request = request.cache(RequestCache::Reload);
    } else if fresh {
        request = request.cache(RequestCache::NoCache);
    }
    let response = request.send().await.map_err(|e| {
        network_failed();
        LoadError::Network(e.to_string())
    })?;
    network_answer(response.headers().has(OFFLINE_HEADER), fresh);
    // Hashed files never change, they only disappear when a new build replaces them.
    if response.status() == 404 && !fresh {
        return Err(LoadError::Replaced);
    }
    if !response.ok() {
        return Err(LoadError::Network(format!("{} {}", response.status(), url)));
    }
    // A host that answers any address with its page (a single-page-app fallback) sends HTML for
    // a data file it does not have.
    let html = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.contains("text/html"));
    if html {
        return Err(damaged(
            url,
            format!("{url}: the host sent a web page instead"),
        ));
    }
    response.text().await.map_err(|e| {
        failed(url);
        LoadError::Network(e.to_string())
    })
}

thread_local! {
    static ONLINE: Cell<Option<RwSignal<bool>>> = const { Cell::new(None) };
    static PROBING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the site answered the last time the app asked it (false: offline, or the server is
/// down). Created on the first call, from what the browser believes.
pub fn online() -> RwSignal<bool> {
    ONLINE.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let online = RwSignal::new(window().navigator().on_line());
            cell.set(Some(online));
            online
        })
    })
}

/// Records what an answer says about the network: called for every fetch. `marked` when the
/// worker made it up without the network; `reached` when it can only have come from the site
/// itself (a fresh request).
pub fn network_answer(marked: bool, reached: bool) {
    if marked {
        network_failed();
    } else if reached {
        online().set(true);
    }
}

/// A request found no network: say so, and keep trying until it is back.
pub fn network_failed() {
    // The manifest is read before the app is drawn: what it found is kept for the page.
    let online = online();
    online.set(false);
    if !PROBING.with(|p| p.replace(true)) {
        // Not the app's executor: this may run before the app is mounted.
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                sleep(PROBE_EVERY).await;
                probe().await;
                if online.get_untracked() {
                    break;
                }
            }
            PROBING.with(|p| p.set(false));
        });
    }
}

/// The browser thinks the network is back; the next answer from the site says for sure.
pub fn network_back() {
    online().set(true);
    leptos::task::spawn_local(probe());
}

/// Asks the site for its manifest, only to learn whether it answers.
async fn probe() {
    let _ = fetch_text(&data_url(MANIFEST_FILE), true).await;
}
