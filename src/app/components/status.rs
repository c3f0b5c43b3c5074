//! What a page shows while it waits, when it fails, and the signal that it is drawn.

use crate::app::data::{SiteData, SiteResource};
use crate::app::net::LoadError;
use crate::app::words::t;
use crate::model::strings::S;
use leptos::prelude::*;
use std::sync::Arc;

/// Draws `page` once the site's data is there: a placeholder before, an error view with a retry
/// button if it failed. Re-runs when the data, or any signal `page` reads, changes.
pub fn with_site<V: IntoView + 'static>(
    page: impl Fn(Arc<SiteData>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let site = expect_context::<SiteResource>();
    move || match site.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(data)) => page(data).into_any(),
        Some(Err(error)) => view! { <LoadFailed error retry=move || site.refetch()/> }.into_any(),
    }
}

/// How long a page may wait for its data before the reader is offered a way out: a host this
/// slow is likely stuck, and the placeholder alone would look like it is working.
const SLOW: std::time::Duration = std::time::Duration::from_secs(4);

/// A placeholder the size of a short page, so the layout does not jump when content arrives;
/// after [`SLOW`], a note that the site is slow to answer, with a reload and a way home.
#[component]
pub fn Loading() -> impl IntoView {
    let slow = RwSignal::new(false);
    if let Ok(timer) = set_timeout_with_handle(move || slow.set(true), SLOW) {
        on_cleanup(move || timer.clear());
    }
    let note = move || {
        slow.get().then(|| {
            view! {
                <p class="loading-slow">
                    {t(S::slow)}" "
                    <button type="button" on:click=|_| { let _ = window().location().reload(); }>
                        {t(S::reload)}
                    </button>
                    " "<a href=home()>{t(S::home_page)}</a>
                </p>
            }
        })
    };
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="visually-hidden">{t(S::loading)}</span>
            {note}
            <div class="placeholder placeholder-title"></div>
            <div class="placeholder"></div>
            <div class="placeholder"></div>
            <div class="placeholder placeholder-short"></div>
        </div>
    }
}

/// The home page's address.
fn home() -> String {
    crate::app::address::href(&crate::routes::Route::Home { page: 1 })
}

/// An error the reader can act on: what went wrong, a way to try again (or to reload, when only
/// the site's new version can help) and a way home. `what` names what failed (the heading).
#[component]
pub fn LoadFailed(
    error: LoadError,
    retry: impl Fn() + 'static,
    #[prop(optional)] what: Option<&'static str>,
) -> impl IntoView {
    let reload = error.needs_reload();
    let reason = reload_reason(&error);
    // Reloaded for this very reason a moment ago: the host still sends what it sent.
    let stuck = reason.as_deref().is_some_and(reloaded_for);
    let again = move |_| {
        if let Some(reason) = &reason {
            note_reload(reason);
            crate::app::offline::reload_to_update();
        } else {
            retry();
        }
    };
    let stuck = stuck.then(|| {
        view! {
            <p class="load-stuck">{t(S::load_stuck)}</p>
        }
    });
    view! {
        <div class="load-failed" role="alert">
            <h1>{what.unwrap_or(t(S::went_wrong))}</h1>
            <p>{error.to_string()}</p>
            {stuck}
            <p class="load-failed-actions">
                <button type="button" on:click=again>
                    {t(if reload { S::reload } else { S::try_again })}
                </button>
                " "<a href=home()>{t(S::home_page)}</a>
            </p>
            <Ready/>
        </div>
    }
}

/// The session key that remembers why the page was last reloaded, and when.
const RELOADED_FOR: &str = "fieldnotes-reloaded-for";
/// How long after a reload the same error means reloading did not help.
const RELOAD_MEMORY_MS: f64 = 60_000.0;

/// What reloading is meant to cure, as a short key; `None` when a retry is the cure.
fn reload_reason(error: &LoadError) -> Option<String> {
    match error {
        LoadError::Version { found } => Some(format!("format {found}")),
        LoadError::Replaced => Some("replaced".into()),
        _ => None,
    }
}

fn note_reload(reason: &str) {
    if let Ok(Some(storage)) = window().session_storage() {
        let now = js_sys::Date::now();
        let _ = storage.set_item(RELOADED_FOR, &format!("{now} {reason}"));
    }
}

/// Whether the page was reloaded for `reason` in the last minute.
fn reloaded_for(reason: &str) -> bool {
    let Ok(Some(storage)) = window().session_storage() else {
        return false;
    };
    let Some(noted) = storage.get_item(RELOADED_FOR).ok().flatten() else {
        return false;
    };
    noted.split_once(' ').is_some_and(|(at, why)| {
        let age = js_sys::Date::now() - at.parse::<f64>().unwrap_or(0.0);
        why == reason && (0.0..RELOAD_MEMORY_MS).contains(&age)
    })
}

/// Moves the focus to the page's main heading, so screen readers announce the new page and the
/// next Tab starts from the top of it.
fn focus_heading() {
    // Not while the reader types a search: the results page follows their typing.
    let typing = document()
        .active_element()
        .is_some_and(|el| el.tag_name() == "INPUT");
    if typing {
        return;
    }
    // Without scrolling: on Back the browser has already restored the reader's place.
    move_focus(document().query_selector("main h1").ok().flatten(), false);
}

/// Moves the keyboard focus to `element`, making it focusable by script if it is not a control
/// (`tabindex="-1"`, so Tab does not stop on it), and scrolling it into view when `scroll`.
/// Returns whether there was an element to focus.
pub fn move_focus(element: Option<web_sys::Element>, scroll: bool) -> bool {
    let Some(element) =
        element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    else {
        return false;
    };
    if !element.has_attribute("tabindex") {
        let _ = element.set_attribute("tabindex", "-1");
    }
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(!scroll);
    let _ = element.focus_with_options(&options);
    true
}

thread_local! {
    /// The address of the page last drawn: the first page keeps the browser's own focus, and a
    /// page drawn again at the same address (its data arriving) does not steal it.
    static DRAWN_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

#[component]
pub fn Ready() -> impl IntoView {
    Effect::new(move |_| {
        let document = document();
        if let Some(el) = document.get_element_by_id("prerendered") {
            el.remove();
        }
        let here = window().location().pathname().unwrap_or_default();
        let previous = DRAWN_AT.with(|d| d.replace(Some(here.clone())));
        if previous.is_none() {
            crate::app::split::prefetch_on_idle();
        }
        if previous.is_some_and(|p| p != here) {
            // After the next paint: focusing forces a full layout at once, which for a long post
            // would hold the new page off the screen (measured: 100 ms and more for 50 KB).
            request_animation_frame(|| set_timeout(focus_heading, std::time::Duration::ZERO));
        }
    });
}
