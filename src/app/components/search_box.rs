//! The search box in the header: typing searches as you go (the address follows, replaced rather
//! than stacked so Back leaves the search in one step), `/` anywhere focuses it, and the down
//! arrow moves into the results.

use super::move_through_results;
use crate::app::address::{href, in_app};
use crate::app::data::SiteResource;
use crate::app::pieces::warm_search;
use crate::app::words::t;
use crate::model::strings::S;
use crate::routes::{self, tags_of, Route, SearchQuery};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn SearchBox() -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let query = use_query_map();
    let on_search = move || {
        location
            .pathname
            .get()
            .trim_end_matches('/')
            .ends_with(&format!("/{}", routes::SEARCH))
    };
    // The box shows the query of the page on screen (after Back, too).
    let value = move || {
        if on_search() {
            query.read().get("q").unwrap_or_default()
        } else {
            String::new()
        }
    };
    let go = {
        let navigate = navigate.clone();
        move |text: String, replace: bool| {
            let tags = if on_search() {
                tags_of(query.read_untracked().get("tag").as_deref())
            } else {
                Vec::new()
            };
            navigate(
                &in_app(&SearchQuery::new(text, tags).path()),
                NavigateOptions {
                    replace,
                    ..Default::default()
                },
            );
        }
    };
    let typing = {
        let go = go.clone();
        move |event: leptos::ev::Event| {
            let text = event_target_value(&event);
            // The first keystroke leaves the page the reader was on: Back returns to it.
            let replace = on_search();
            go(text, replace)
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        go(typed(), on_search());
        move_through_results(0);
    };
    let keys = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "ArrowDown" {
            event.prevent_default();
            move_through_results(0);
        }
    };
    // Focus says a search is coming: the search chunk, the search worker and the index's entry
    // and root shard are fetched now, once, rather than after the first keystroke.
    let site = expect_context::<SiteResource>();
    let warm = move |_: leptos::ev::FocusEvent| {
        if WARMED.replace(true) {
            return;
        }
        crate::app::split::warm_search_chunk();
        if let Some(Ok(site)) = site.get_untracked() {
            warm_search(&site.manifest);
        }
    };
    let shortcut = window_event_listener(leptos::ev::keydown, slash_focuses_the_box);
    on_cleanup(move || shortcut.remove());
    view! {
        <form class="search-box" role="search" action=href(&Route::Search) method="get" on:submit=submit>
            <label for="search-box" class="visually-hidden">{t(S::search_posts)}</label>
            <input
                id="search-box"
                type="search"
                name="q"
                placeholder=t(S::search_hint)
                autocomplete="off"
                prop:value=value
                on:input=typing
                on:keydown=keys
                on:focus=warm
            />
        </form>
    }
}

thread_local! {
    /// The search was warmed this visit.
    static WARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// What is typed in the box now.
fn typed() -> String {
    document()
        .get_element_by_id("search-box")
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
        .map(|input| input.value())
        .unwrap_or_default()
}

/// `/` focuses the box from anywhere but a field being typed in.
fn slash_focuses_the_box(event: leptos::ev::KeyboardEvent) {
    let typing_elsewhere = event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    if event.key() == "/" && !typing_elsewhere && !event.ctrl_key() && !event.meta_key() {
        if let Some(input) = document()
            .get_element_by_id("search-box")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            event.prevent_default();
            let _ = input.focus();
        }
    }
}
