//! The reader's own comments, from the moment they press Send until the blog publishes them.
//!
//! Each is written to the browser's Cache Storage ([`OUTBOX_CACHE`], one JSON record per comment)
//! before anything is sent, so neither a reload nor a lost connection loses it. It is then sent to
//! the intake server; one that cannot be sent stays queued and goes when the connection returns:
//! through Background Sync where the browser has it (the service worker reads the same records,
//! see `sw.js`), else on the next `online` event, a retry while the page is open, or the next
//! visit. The random client key each carries makes the server store it once however often it
//! arrives. Sent ones stay, marked "awaiting moderation", until the post's published thread holds
//! them or the server says they were rejected.

use super::address::base_path;
use super::timing::sleep;
use crate::model::outgoing::{answer, Answer, AnswerBody, FormToken, Outgoing, Settle, State};
use gloo_net::http::Request;
use js_sys::{Array, Reflect};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::time::Duration;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, RequestCache, Response};

/// The records of the reader's comments (the service worker reads and writes them too).
pub const OUTBOX_CACHE: &str = "fieldnotes-outbox";
/// The Background Sync tag under which the worker sends queued comments.
const SYNC_TAG: &str = "fieldnotes-comments";
/// While the page is open and comments are queued, how long to wait before trying again (the
/// wait doubles up to [`RETRY_MAX`]).
const RETRY_FIRST: Duration = Duration::from_secs(10);
const RETRY_MAX: Duration = Duration::from_secs(300);
/// A form token is used for at most this long (the server accepts a day).
const TOKEN_FRESH_MS: f64 = 12.0 * 3_600_000.0;

thread_local! {
    /// Reference counted, not owned by the page that first asked: it lives for the visit.
    static MINE: ArcRwSignal<Vec<Outgoing>> = ArcRwSignal::new(Vec::new());
    static TOKEN: RefCell<Option<(FormToken, f64)>> = const { RefCell::new(None) };
    static STARTED: Cell<bool> = const { Cell::new(false) };
    /// The stored comments have been read this visit.
    static LOADED: Cell<bool> = const { Cell::new(false) };
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
    static RETRYING: Cell<bool> = const { Cell::new(false) };
}

/// Every comment written in this browser and not yet settled, as the pages show them.
pub fn mine() -> ArcRwSignal<Vec<Outgoing>> {
    MINE.with(ArcRwSignal::clone)
}

/// Reads the stored comments and sends the queued ones; sends again whenever the connection
/// returns or the worker reports it sent some. Once per visit, on the first page with a form.
pub fn start() {
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async {
        reload().await;
        flush().await;
    });
    // Back online: send what waits.
    let on_online = Closure::<dyn Fn()>::new(|| leptos::task::spawn_local(flush()));
    let _ = window().add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
    // The worker sent queued comments in the background: show what it learnt.
    if let Some(container) = service_workers() {
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
                let data = event.data();
                if Reflect::get(&data, &JsValue::from_str("outbox")).is_ok_and(|v| v.is_truthy()) {
                    leptos::task::spawn_local(reload());
                }
            });
        let _ = container
            .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        on_message.forget();
    }
}

/// A new random client key.
pub fn new_client_key() -> String {
    let crypto = Reflect::get(&window(), &JsValue::from_str("crypto")).ok();
    let uuid = crypto.and_then(|c| {
        let f = Reflect::get(&c, &JsValue::from_str("randomUUID")).ok()?;
        f.dyn_into::<js_sys::Function>()
            .ok()?
            .call0(&c)
            .ok()?
            .as_string()
    });
    uuid.unwrap_or_else(|| {
        (0..4)
            .map(|_| {
                format!(
                    "{:08x}",
                    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
                )
            })
            .collect()
    })
}

/// Fetches a form token ahead of need (when the reader starts writing), so it is old enough by
/// the time they send.
pub fn prepare_token(endpoint: String) {
    if fresh_token().is_none() {
        leptos::task::spawn_local(async move {
            let _ = fetch_token(&endpoint).await;
        });
    }
}

/// Keeps `comment` in the browser, then sends it: what the server answered (or
/// [`Answer::Unreachable`], the comment then queued). A refused comment is dropped from the
/// store, so the form can offer it again.
pub async fn submit(mut comment: Outgoing) -> Answer {
    comment.state = State::Queued;
    put(&comment).await;
    mine().update(|all| all.push(comment.clone()));
    let result = send(&comment).await;
    match &result {
        Answer::Accepted { id } => {
            comment.state = State::Pending;
            comment.id = Some(id.clone());
            replace(comment).await;
        }
        Answer::Refused { .. } => forget(&comment.client_key).await,
        _ => {
            register_sync().await;
            retry_later();
        }
    }
    result
}

/// Sends every queued comment, one after another.
pub async fn flush() {
    if FLUSHING.with(|f| f.replace(true)) {
        return;
    }
    let queued: Vec<Outgoing> = mine()
        .get_untracked()
        .into_iter()
        .filter(|c| c.state == State::Queued)
        .collect();
    let mut waiting = false;
    for mut comment in queued {
        match send(&comment).await {
            Answer::Accepted { id } => {
                comment.state = State::Pending;
                comment.id = Some(id);
            }
            Answer::Refused { message, .. } => {
                comment.state = State::Refused;
                comment.error = Some(message);
            }
            _ => {
                waiting = true;
                continue;
            }
        }
        replace(comment).await;
    }
    FLUSHING.with(|f| f.set(false));
    if waiting {
        retry_later();
    }
}

/// Settles the reader's comments on `post` against its published thread (`published` ids) and
/// what the server says of them now: published or rejected ones go, approved ones say so.
pub async fn settle_post(post: &str, published: HashSet<String>) {
    if !LOADED.with(Cell::get) {
        reload().await;
    }
    let ours: Vec<Outgoing> = mine()
        .get_untracked()
        .into_iter()
        .filter(|c| c.post == post)
        .collect();
    let asked: Vec<&str> = ours
        .iter()
        .filter(|c| c.id.as_ref().is_some_and(|id| !published.contains(id)))
        .filter_map(|c| c.id.as_deref())
        .collect();
    let statuses = match (asked.is_empty(), ours.first()) {
        (false, Some(first)) => statuses(&first.endpoint, post, &asked).await,
        _ => None,
    };
    for comment in ours {
        let status = statuses.as_ref().map(|known| {
            let id = comment.id.as_deref().unwrap_or_default();
            known.iter().find(|s| s.id == id).map(|s| s.status.as_str())
        });
        match crate::model::outgoing::settle(&comment, &published, status) {
            Settle::Drop => forget(&comment.client_key).await,
            Settle::Keep(state) if state != comment.state => {
                replace(Outgoing { state, ..comment }).await
            }
            Settle::Keep(_) => {}
        }
    }
}

/// Forgets one of the reader's comments (a refused one they dismiss, or a settled one).
pub async fn forget(client_key: &str) {
    if let Some(cache) = open().await {
        let _ = JsFuture::from(cache.delete_with_str(&record_url(client_key))).await;
    }
    mine().update(|all| all.retain(|c| c.client_key != client_key));
}

#[derive(serde::Deserialize)]
struct StatusList {
    comments: Vec<CommentStatus>,
}

#[derive(serde::Deserialize)]
struct CommentStatus {
    id: String,
    status: String,
}

/// The server's status of the comments `ids` of `post`; `None` when it did not answer.
async fn statuses(endpoint: &str, post: &str, ids: &[&str]) -> Option<Vec<CommentStatus>> {
    let url = format!(
        "{endpoint}?post={}&ids={}",
        js_sys::encode_uri_component(post),
        js_sys::encode_uri_component(&ids.join(","))
    );
    get_json::<StatusList>(&url).await.map(|l| l.comments)
}

/// A JSON answer of the intake server, never from a cache; none when it did not answer well.
async fn get_json<T: DeserializeOwned>(url: &str) -> Option<T> {
    let response = Request::get(url)
        .cache(RequestCache::NoStore)
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    parse(&response.text().await.ok()?)
}

/// Sends one comment: a token old enough, then the comment; a token sent too early or refused
/// is replaced once.
async fn send(comment: &Outgoing) -> Answer {
    if !window().navigator().on_line() {
        return Answer::Unreachable;
    }
    let mut retried = false;
    loop {
        let Some((token, got)) = (match fresh_token() {
            Some(t) => Some(t),
            None => fetch_token(&comment.endpoint).await,
        }) else {
            return Answer::Unreachable;
        };
        let age = js_sys::Date::now() - got;
        let wait = token.wait_ms as f64 + 250.0 - age;
        if wait > 0.0 {
            sleep(Duration::from_millis(wait as u64)).await;
        }
        let result = post(comment, &token.token, retried).await;
        match result {
            Answer::TooEarly | Answer::NewToken if !retried => {
                if result == Answer::NewToken {
                    TOKEN.with(|t| t.borrow_mut().take());
                }
                retried = true;
            }
            other => return other,
        }
    }
}

async fn post(comment: &Outgoing, token: &str, retried: bool) -> Answer {
    let Some(body) = to_json(&comment.submission(token)) else {
        return Answer::Unreachable;
    };
    let request = Request::post(&comment.endpoint)
        .header("Content-Type", "application/json")
        .cache(RequestCache::NoStore)
        .body(body);
    let Ok(request) = request else {
        return Answer::Unreachable;
    };
    match request.send().await {
        Ok(response) => {
            let text = response.text().await.unwrap_or_default();
            answer(
                response.status(),
                parse::<AnswerBody>(&text).as_ref(),
                retried,
            )
        }
        Err(_) => Answer::Unreachable,
    }
}

fn fresh_token() -> Option<(FormToken, f64)> {
    TOKEN.with(|t| {
        t.borrow()
            .clone()
            .filter(|(_, got)| js_sys::Date::now() - got < TOKEN_FRESH_MS)
    })
}

async fn fetch_token(endpoint: &str) -> Option<(FormToken, f64)> {
    let token: FormToken = get_json(&format!("{endpoint}/token")).await?;
    let got = (token, js_sys::Date::now());
    TOKEN.with(|t| *t.borrow_mut() = Some(got.clone()));
    Some(got)
}

/// While comments wait and the page is open: tries again, waiting longer each time.
fn retry_later() {
    if RETRYING.with(|r| r.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async {
        let mut wait = RETRY_FIRST;
        loop {
            sleep(wait).await;
            flush().await;
            let queued = mine()
                .get_untracked()
                .iter()
                .any(|c| c.state == State::Queued);
            if !queued {
                break;
            }
            wait = (wait * 2).min(RETRY_MAX);
        }
        RETRYING.with(|r| r.set(false));
    });
}

/// Asks the browser to wake the service worker when the connection returns, where it can.
async fn register_sync() {
    let Some(container) = service_workers() else {
        return;
    };
    let Ok(ready) = container.ready() else {
        return;
    };
    let Ok(registration) = JsFuture::from(ready).await else {
        return;
    };
    let Ok(sync) = Reflect::get(&registration, &JsValue::from_str("sync")) else {
        return;
    };
    if sync.is_undefined() {
        return;
    }
    let register = Reflect::get(&sync, &JsValue::from_str("register"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(register) = register {
        if let Ok(promise) = register.call1(&sync, &JsValue::from_str(SYNC_TAG)) {
            let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
        }
    }
}

fn service_workers() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = window().navigator();
    Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

/// Reads every stored comment into [`mine`].
async fn reload() {
    let Some(cache) = open().await else {
        return;
    };
    let mut found = Vec::new();
    if let Ok(keys) = JsFuture::from(cache.keys()).await {
        for request in Array::from(&keys).iter() {
            let request: web_sys::Request = request.unchecked_into();
            if let Some(comment) = read(&cache, &request.url()).await {
                // Oldest first; kept in order as they come (no sort: its code would ship too).
                let at = found.partition_point(|c: &Outgoing| c.written <= comment.written);
                found.insert(at, comment);
            }
        }
    }
    LOADED.with(|l| l.set(true));
    mine().set(found);
}

async fn read(cache: &Cache, url: &str) -> Option<Outgoing> {
    let response: Response = JsFuture::from(cache.match_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    parse(&text)
}

/// Stores `comment` and shows it as it now is.
async fn replace(comment: Outgoing) {
    put(&comment).await;
    mine().update(|all| {
        if let Some(slot) = all.iter_mut().find(|c| c.client_key == comment.client_key) {
            *slot = comment;
        }
    });
}

async fn put(comment: &Outgoing) {
    let (Some(cache), Some(json)) = (open().await, to_json(comment)) else {
        return;
    };
    let init = web_sys::ResponseInit::new();
    let headers = web_sys::Headers::new().ok();
    if let Some(h) = &headers {
        let _ = h.set("content-type", "application/json");
        init.set_headers(h);
    }
    if let Ok(response) = Response::new_with_opt_str_and_init(Some(&json), &init) {
        let url = record_url(&comment.client_key);
        let _ = JsFuture::from(cache.put_with_str(&url, &response)).await;
    }
}

async fn open() -> Option<Cache> {
    let caches = window().caches().ok()?;
    JsFuture::from(caches.open(OUTBOX_CACHE))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The key of a comment's record: a URL on the site that is never fetched.
fn record_url(client_key: &str) -> String {
    format!("{}{OUTBOX_CACHE}/{client_key}", base_path())
}

fn to_json<T: serde::Serialize>(value: &T) -> Option<String> {
    let js = serde_wasm_bindgen::to_value(value).ok()?;
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}
