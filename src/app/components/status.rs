//! What a page shows while it waits, when it fails, and the signal that it is drawn.

use crate::app::data::{SiteData, SiteResource};
use crate::app::net::LoadError;
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

/// A placeholder the size of a short page, so the layout does not jump when content arrives.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="visually-hidden">"Loading…"</span>
            <div class="placeholder placeholder-title"></div>
            <div class="placeholder"></div>
            <div class="placeholder"></div>
            <div class="placeholder placeholder-short"></div>
        </div>
    }
}

/// An error the reader can act on: what went wrong and a way to try again.
#[component]
pub fn LoadFailed(error: LoadError, retry: impl Fn() + 'static) -> impl IntoView {
    let reload = error.needs_reload();
    let again = move |_| {
        if reload {
            crate::app::offline::reload_to_update();
        } else {
            retry();
        }
    };
    view! {
        <div class="load-failed" role="alert">
            <h1>"Something went wrong"</h1>
            <p>{error.to_string()}</p>
            <button type="button" on:click=again>
                {if reload { "Reload" } else { "Try again" }}
            </button>
            <Ready/>
        </div>
    }
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
        if previous.is_some_and(|p| p != here) {
            // After the next paint: focusing forces a full layout at once, which for a long post
            // would hold the new page off the screen (measured: 100 ms and more for 50 KB).
            request_animation_frame(|| set_timeout(focus_heading, std::time::Duration::ZERO));
        }
    });
}
