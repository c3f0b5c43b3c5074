//! The app's side of the search worker ([`crate::search::worker`]): each search is a message to
//! the worker, answered with what it found. Only the search page (the `search` chunk) asks. A
//! newer search supersedes an older one in the worker, and the page drops what an older search
//! still brings back, so a result for "ab" is never drawn after the one for "abc".

use super::address::data_url;
use super::data::fetched_by_worker;
use super::net::LoadError;
use super::pieces::{forget_search_worker, search_worker};
use crate::search::filter::Filter;
use crate::search::index::Found;
use crate::search::worker::{Outcome, Reply, Request};
use futures::channel::oneshot;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

type Answer = Result<Reply, LoadError>;

/// The worker's `onmessage` and `onerror` handlers.
type Handlers = (
    Closure<dyn Fn(web_sys::MessageEvent)>,
    Closure<dyn Fn(web_sys::Event)>,
);

thread_local! {
    static NEXT: Cell<u32> = const { Cell::new(0) };
    /// Searches waiting for their answer, by id.
    static WAITING: RefCell<HashMap<u32, oneshot::Sender<Answer>>> = RefCell::new(HashMap::new());
    /// The worker's two handlers, made once and kept for the visit (a worker started again after a
    /// failure gets the same ones).
    static HANDLERS: Handlers = (
        Closure::new(|event: web_sys::MessageEvent| {
            let Ok(reply) = serde_wasm_bindgen::from_value::<Reply>(event.data()) else {
                return;
            };
            if let Some(waiting) = WAITING.with(|w| w.borrow_mut().remove(&reply.id)) {
                let _ = waiting.send(Ok(reply));
            }
        }),
        // The worker's script or module could not be loaded: every search waiting fails (the
        // page offers to try again), and the next one starts a new worker.
        Closure::new(|_: web_sys::Event| {
            forget_search_worker();
            let waiting: Vec<_> = WAITING.with(|w| w.borrow_mut().drain().collect());
            for (_, sender) in waiting {
                let _ = sender.send(Err(not_loaded()));
            }
        }),
    );
}

fn not_loaded() -> LoadError {
    LoadError::Network("the search engine could not be loaded".into())
}

/// What the index finds for `words` and `filters`, its first `wanted` results.
pub async fn find(
    entry: &str,
    words: &str,
    filters: &[Filter],
    wanted: usize,
) -> Result<Found, LoadError> {
    let id = NEXT.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let request = Request {
        id,
        data: data_url(""),
        entry: entry.to_string(),
        words: words.to_string(),
        filters: Request::carried(filters),
        wanted: wanted as u32,
        warm: false,
    };
    let reply = ask(request).await?;
    fetched_by_worker(&reply.fetched);
    super::offline::store_fetched(&reply.fetched);
    // The worker's timing, as the measures the app would record itself (the search benchmark
    // reads them): the rounds of index files and their parsing.
    let timing = reply.timing;
    for _ in 0..timing.rounds {
        record(
            "fieldnotes:search-round",
            timing.fetch / timing.rounds as f64,
        );
    }
    record("fieldnotes:search-parse", timing.parse);
    match reply.outcome {
        Outcome::Found(found) => Ok(found),
        Outcome::Warmed => Err(LoadError::Format("the search worker only warmed up".into())),
        Outcome::Superseded => Err(LoadError::Network(
            "a newer search replaced this one".into(),
        )),
        Outcome::Failed { kind, why, version } => Err(match kind.as_str() {
            "replaced" => LoadError::Replaced,
            "version" => LoadError::Version { found: version },
            "format" => LoadError::Format(why),
            _ => LoadError::Network(why),
        }),
    }
}

/// A User Timing measure `name` of `duration` ms, ending now.
fn record(name: &str, duration: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"duration".into(), &duration.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    let measure = js_sys::Reflect::get(&performance, &"measure".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(measure) = measure {
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}

/// Posts `request` to the worker (started if need be) and waits for its answer.
async fn ask(request: Request) -> Answer {
    let worker = search_worker().map_err(|_| not_loaded())?;
    HANDLERS.with(|(message, error)| {
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(error.as_ref().unchecked_ref()));
    });
    let message =
        serde_wasm_bindgen::to_value(&request).map_err(|e| LoadError::Format(e.to_string()))?;
    let (sender, answer) = oneshot::channel();
    WAITING.with(|w| w.borrow_mut().insert(request.id, sender));
    if worker.post_message(&message).is_err() {
        WAITING.with(|w| w.borrow_mut().remove(&request.id));
        return Err(not_loaded());
    }
    answer.await.unwrap_or_else(|_| Err(not_loaded()))
}
