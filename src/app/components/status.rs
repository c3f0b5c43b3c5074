//! What a page shows while it waits, when it fails, and the signal that it is drawn.

use crate::app::data::LoadError;
use leptos::prelude::*;

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
    let is_version = matches!(error, LoadError::Version { .. });
    let again = move |_| {
        if is_version {
            let _ = window().location().reload();
        } else {
            retry();
        }
    };
    view! {
        <div class="load-failed" role="alert">
            <h1>"Something went wrong"</h1>
            <p>{error.to_string()}</p>
            <button type="button" on:click=again>
                {if is_version { "Reload" } else { "Try again" }}
            </button>
            <Ready/>
        </div>
    }
}

/// Marks the page as drawn by the app: the build's no-JavaScript copy (`#prerendered`) is removed.
#[component]
pub fn Ready() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(el) = document().get_element_by_id("prerendered") {
            el.remove();
        }
    });
}
