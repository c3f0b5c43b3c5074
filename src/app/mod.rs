//! The reader: a Leptos app that fetches the builder's JSON and draws the blog in the browser.

mod components;
mod data;
mod head;
mod offline;
mod pages;

use crate::app::data::site_path;
use components::SiteHeader;
use data::SiteResource;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The whole app: site data for every page, the layout and the route table.
#[component]
pub fn App() -> impl IntoView {
    let site: SiteResource = LocalResource::new(data::load_site);
    provide_context(site);
    provide_context(offline::state());
    offline::start();
    // Leptos wants the base without its trailing slash; the site root is no base at all.
    let base = data::base_path().trim_end_matches('/').to_string();

    view! {
        <Router base=base>
            <a class="skip-link" href="#main" on:click=skip_to_content>"Skip to content"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/page/:n") view=pages::Home/>
                    <Route path=path!("/posts/:slug") view=pages::PostPage/>
                    <Route path=path!("/tags") view=pages::TagsPage/>
                    <Route path=path!("/tags/:tag") view=pages::TagPage/>
                    <Route path=path!("/archive") view=pages::ArchivePage/>
                    <Route path=path!("/search") view=pages::SearchPage/>
                    <Route path=path!("/offline") view=pages::OfflinePage/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    "Made with Fieldnotes. No trackers, no third parties. "
                    <A href={site_path("/offline")}>"Reading offline"</A>
                </p>
            </footer>
        </Router>
    }
}

/// Moves the focus (not only the view) to the page's content, so the next Tab continues there;
/// handled here because the router would otherwise treat `#main` as an in-app navigation.
fn skip_to_content(event: leptos::ev::MouseEvent) {
    event.prevent_default();
    components::move_focus(document().get_element_by_id("main"), true);
}

/// Starts the app: called by the WASM entry point.
pub fn start() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}
