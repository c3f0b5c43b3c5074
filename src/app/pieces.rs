//! Loading the app's pieces ([`crate::pieces`]) on first use: the piece's script is added to the
//! page once, its WASM started once, and every caller waits for the same load. A load that fails
//! (offline before the piece was stored, a host error) is forgotten, so the next use tries again.

use crate::app::address::{base_path, data_url};
use crate::markdown::SafeHtml;
use crate::model::Manifest;
use crate::pieces::{Piece, MARKDOWN, SEARCH};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a piece could not be used.
pub type PieceError = String;

type Loading = Shared<LocalBoxFuture<'static, Result<Function, PieceError>>>;

thread_local! {
    static MARKDOWN_LOAD: RefCell<Option<Loading>> = const { RefCell::new(None) };
}

/// The Markdown piece, started: its global holds `render_comment`.
async fn markdown() -> Result<Function, PieceError> {
    let loading = MARKDOWN_LOAD.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| load(MARKDOWN).boxed_local().shared())
            .clone()
    });
    let result = loading.await;
    if result.is_err() {
        MARKDOWN_LOAD.with(|slot| slot.borrow_mut().take());
    }
    result
}

/// Starts loading the Markdown piece without waiting for it (a reader has begun a comment).
pub fn prefetch_markdown() {
    leptos::task::spawn_local(async {
        let _ = markdown().await;
    });
}

/// A reader's comment rendered by the Markdown piece: the same HTML the builder will publish.
pub async fn render_comment(markdown_text: &str) -> Result<SafeHtml, PieceError> {
    render_with(&markdown().await?, markdown_text)
}

/// [`render_comment`] at once, when the piece is already started: a preview that follows the
/// reader's typing never flashes back to plain text.
pub fn render_comment_now(markdown_text: &str) -> Option<Result<SafeHtml, PieceError>> {
    let started = MARKDOWN_LOAD.with(|slot| slot.borrow().as_ref()?.peek()?.clone().ok())?;
    Some(render_with(&started, markdown_text))
}

fn render_with(piece: &Function, markdown_text: &str) -> Result<SafeHtml, PieceError> {
    let render = Reflect::get(piece, &"render_comment".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("the comment renderer has no render_comment")?;
    let html = render
        .call2(
            &JsValue::UNDEFINED,
            &markdown_text.into(),
            &base_path().into(),
        )
        .map_err(describe)?;
    // The piece's one export returns `markdown::render_comment`'s HTML: read back as the
    // renderer's output, as data files are.
    serde_wasm_bindgen::from_value::<SafeHtml>(html).map_err(|e| e.to_string())
}

/// Adds the piece's scripts to the page (its own once: run twice, it would declare its loader
/// again), then starts its WASM; resolves to its global.
async fn load(piece: Piece) -> Result<Function, PieceError> {
    let window = leptos::prelude::window();
    let global = |window: &web_sys::Window| {
        Reflect::get(window, &piece.global.into())
            .ok()
            .and_then(|g| g.dyn_into::<Function>().ok())
    };
    if global(&window).is_none() {
        // Fetched together, run in order: the piece's script, then ours that names its loader.
        let scripts = [piece.script, piece.ready]
            .into_iter()
            .filter(|&script| {
                script != piece.script || !RAN.with(|ran| ran.borrow().contains(&script))
            })
            .map(add_script)
            .collect::<Result<Vec<_>, _>>()?;
        // Every one awaited, so a failure of each is handled (none left unobserved).
        let (paths, runs): (Vec<_>, Vec<_>) = scripts.into_iter().unzip();
        let outcomes = futures::future::join_all(runs).await;
        let mut failed = None;
        for (script, outcome) in paths.into_iter().zip(outcomes) {
            match outcome {
                Ok(()) => RAN.with(|ran| ran.borrow_mut().push(script)),
                Err(()) => failed = failed.or(Some(script)),
            }
        }
        if let Some(script) = failed {
            return Err(format!("{script} could not be loaded"));
        }
    }
    let global = global(&window)
        .ok_or_else(|| format!("{} did not define {}", piece.ready, piece.global))?;
    let options = Object::new();
    Reflect::set(
        &options,
        &"module_or_path".into(),
        &format!("{}{}", base_path(), piece.wasm).into(),
    )
    .map_err(describe)?;
    let started = global
        .call1(&JsValue::UNDEFINED, &options)
        .map_err(describe)?;
    JsFuture::from(Promise::resolve(&started))
        .await
        .map_err(|_| format!("{} could not be started", piece.wasm))?;
    Ok(global)
}

thread_local! {
    /// The pieces' own scripts that have run in this page.
    static RAN: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Adds the script `path` to the page, to run in the order added; the future resolves once it
/// ran, or fails if it could not be loaded (its element is then removed, so a retry adds another).
fn add_script(
    path: &'static str,
) -> Result<
    (
        &'static str,
        impl std::future::Future<Output = Result<(), ()>>,
    ),
    PieceError,
> {
    let document = leptos::prelude::document();
    let script: web_sys::HtmlScriptElement = document
        .create_element("script")
        .map_err(describe)?
        .unchecked_into();
    script.set_async(false);
    script.set_src(&format!("{}{path}", base_path()));
    let ran = Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or("the page has no head")?
        .append_child(&script)
        .map_err(describe)?;
    Ok((path, async move {
        let outcome = JsFuture::from(ran).await;
        script.remove();
        outcome.map(|_| ()).map_err(|_| ())
    }))
}

fn describe(error: JsValue) -> PieceError {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "an error in the browser".into())
}

thread_local! {
    static SEARCH_WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// The search worker ([`crate::pieces::SEARCH`]): started on first use, then kept for the visit.
pub fn search_worker() -> Result<web_sys::Worker, PieceError> {
    SEARCH_WORKER.with(|slot| {
        if let Some(worker) = slot.borrow().as_ref() {
            return Ok(worker.clone());
        }
        let worker =
            web_sys::Worker::new(&format!("{}{}", base_path(), SEARCH.ready)).map_err(describe)?;
        *slot.borrow_mut() = Some(worker.clone());
        Ok(worker)
    })
}

/// Stops a search worker that failed (its script or module could not be loaded): the next search
/// starts another.
pub fn forget_search_worker() {
    if let Some(worker) = SEARCH_WORKER.with(|slot| slot.borrow_mut().take()) {
        worker.terminate();
    }
}

/// Starts the search worker and has it fetch what every search needs first, the index's entry and
/// root shard: a reader has focused the search box. Its answer is not awaited.
pub fn warm_search(manifest: &Manifest) {
    let Some(entry) = &manifest.search_file else {
        return;
    };
    let Ok(worker) = search_worker() else {
        return;
    };
    // A warm-up request (`crate::search::worker::Request`), written by hand: the core carries no
    // serialiser for it.
    let message = Object::new();
    let fields: [(&str, JsValue); 7] = [
        ("id", 0.into()),
        ("data", data_url("").into()),
        ("entry", entry.into()),
        ("words", "".into()),
        ("filters", js_sys::Array::new().into()),
        ("wanted", 0.into()),
        ("warm", true.into()),
    ];
    for (name, value) in fields {
        let _ = Reflect::set(&message, &name.into(), &value);
    }
    let _ = worker.post_message(&message);
}

/// Loads the Markdown piece once `element` (the comment form) comes near the screen: a reader who
/// reaches the comments may write one, and the preview is then drawn at once. Under Save-Data the
/// piece waits for the reader to start a comment.
pub fn load_markdown_when_seen(element: &web_sys::Element) {
    if !saves_data() {
        when_seen(element, prefetch_markdown);
    }
}

/// Runs `then` once `element` comes within 200 px of the screen.
pub fn when_seen(element: &web_sys::Element, then: impl FnOnce() + 'static) {
    let mut then = Some(then);
    let callback = wasm_bindgen::closure::Closure::<
        dyn FnMut(js_sys::Array, web_sys::IntersectionObserver),
    >::new(
        move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            let seen = entries.iter().any(|entry| {
                entry
                    .unchecked_into::<web_sys::IntersectionObserverEntry>()
                    .is_intersecting()
            });
            if seen {
                observer.disconnect();
                if let Some(then) = then.take() {
                    then();
                }
            }
        },
    );
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin("200px");
    if let Ok(observer) =
        web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
    {
        observer.observe(element);
        // The observer holds the callback until it disconnects (once seen, or with the page).
        callback.forget();
    }
}

/// The reader asked to save data (`Save-Data`, `navigator.connection.saveData`).
pub fn saves_data() -> bool {
    connection("saveData")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The connection is fast enough to fetch what the reader may use (`navigator.connection`'s
/// `effectiveType` is `4g`, or the browser does not say).
pub fn fast_connection() -> bool {
    connection("effectiveType")
        .and_then(|v| v.as_string())
        .is_none_or(|kind| kind == "4g")
}

/// A property of `navigator.connection`, in the browsers that have it.
fn connection(property: &str) -> Option<JsValue> {
    let navigator = leptos::prelude::window().navigator();
    Reflect::get(&navigator, &"connection".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| Reflect::get(&c, &property.into()).ok())
}
