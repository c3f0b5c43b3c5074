//! The view for any address that is not a page of the site. Reached by a link inside the app
//! (an old address of a post in a post's text, say), the address is loaded from the host
//! instead: the build wrote a page at each old address that sends the reader on.

use crate::app::address::href;
use crate::app::components::{with_site, Loading, Ready};
use crate::app::head::set_head;
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

thread_local! {
    /// The address the app was started at.
    static STARTED_AT: String = window().location().pathname().unwrap_or_default();
}

/// Notes the address the app starts at; call once, before the router runs.
pub fn note_start() {
    STARTED_AT.with(|_| {});
}

#[component]
pub fn NotFound() -> impl IntoView {
    // The router's address: during an in-app navigation the browser's may not have changed yet.
    let location = use_location();
    with_site(move |data| {
        let path = location.pathname.get_untracked();
        if STARTED_AT.with(|start| *start != path) {
            // Not the page the host answered: ask the host, which knows every old address.
            let search = location.search.get_untracked();
            let to = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            let _ = window().location().replace(&to);
            return view! { <Loading/> }.into_any();
        }
        set_head(
            &Route::NotFound.head(&data.manifest.site),
            &data.manifest.site,
        );
        view! {
            <div class="page not-found">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
                <p><A href={href(&Route::Home { page: 1 })}>"See all posts"</A></p>
            </div>
            <Ready/>
        }
        .into_any()
    })
}
