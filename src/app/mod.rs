//! The reader: a Leptos app that fetches the builder's JSON and draws the blog in the browser.
//!
//! Its modules stand in layers, each using only those below it: [`timing`] and [`address`];
//! [`net`] (fetching, network state); [`data`] (the site and its posts); [`offline`] (the service
//! worker, saving); then the components and pages that draw them.

mod address;
mod components;
mod data;
mod head;
mod net;
mod offline;
mod outbox;
mod pages;
mod pieces;
mod search_client;
mod split;
mod timing;
mod words;

/// For the search worker, which reads index files as the app does.
pub use offline::sent_a_web_page;

use crate::model::strings::S;
use crate::model::Taxonomy;
use crate::routes::{self, Route as Page};
use components::SiteHeader;
use data::SiteResource;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, ParamSegment, StaticSegment};
use words::t;

/// The whole app: site data for every page, the layout and the route table.
#[component]
pub fn App() -> impl IntoView {
    let site: SiteResource = LocalResource::new(data::load_site);
    provide_context(site);
    provide_context(offline::state());
    offline::start();
    // Leptos wants the base without its trailing slash; the site root is no base at all.
    let base = address::base_path().trim_end_matches('/').to_string();

    view! {
        <Router base=base>
            <a class="skip-link" href="#main" on:click=skip_to_content>{t(S::skip_to_content)}</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                // The segments of `crate::routes`, which the build writes a page for each of.
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=(StaticSegment(routes::PAGE), ParamSegment("n")) view=pages::Home/>
                    <Route path=(StaticSegment(routes::POSTS), ParamSegment("slug")) view=pages::PostPage/>
                    <Route path=StaticSegment(routes::TAGS) view=|| view! { <pages::TermsPage taxonomy=Taxonomy::Tags/> }/>
                    <Route path=(StaticSegment(routes::TAGS), ParamSegment("term")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Tags/> }/>
                    <Route path=(StaticSegment(routes::TAGS), ParamSegment("term"), StaticSegment(routes::PAGE), ParamSegment("n")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Tags/> }/>
                    <Route path=StaticSegment(routes::CATEGORIES) view=|| view! { <pages::TermsPage taxonomy=Taxonomy::Categories/> }/>
                    <Route path=(StaticSegment(routes::CATEGORIES), ParamSegment("term")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Categories/> }/>
                    <Route path=(StaticSegment(routes::CATEGORIES), ParamSegment("term"), StaticSegment(routes::PAGE), ParamSegment("n")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Categories/> }/>
                    <Route path=StaticSegment(routes::AUTHORS) view=|| view! { <pages::TermsPage taxonomy=Taxonomy::Authors/> }/>
                    <Route path=(StaticSegment(routes::AUTHORS), ParamSegment("term")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Authors/> }/>
                    <Route path=(StaticSegment(routes::AUTHORS), ParamSegment("term"), StaticSegment(routes::PAGE), ParamSegment("n")) view=|| view! { <pages::TermPage taxonomy=Taxonomy::Authors/> }/>
                    <Route path=StaticSegment(routes::ARCHIVE) view=pages::ArchivePage/>
                    <Route path=(StaticSegment(routes::ARCHIVE), ParamSegment("year")) view=pages::ArchivePage/>
                    <Route path=(StaticSegment(routes::ARCHIVE), ParamSegment("year"), StaticSegment(routes::PAGE), ParamSegment("n")) view=pages::ArchivePage/>
                    <Route path=StaticSegment(routes::SEARCH) view=split::LazySearch/>
                    <Route path=StaticSegment(routes::OFFLINE) view=split::LazyOffline/>
                    // Last: a standalone page (About) takes any other top-level segment.
                    <Route path=ParamSegment("slug") view=pages::StandalonePage/>
                </Routes>
            </main>
            // Its language is set with the document's (`head::set_head`).
            <footer class="site-footer">
                <p>
                    {t(S::footer)}" "
                    <A href={address::href(&Page::Offline)}>{t(S::reading_offline)}</A>
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
    pages::note_start();
    // The manifest first, so the app draws in the site's language from its first frame; until
    // then the page the host served stays on screen.
    wasm_bindgen_futures::spawn_local(async {
        let first = data::load_site().await;
        if let Ok(site) = &first {
            words::install(&site.manifest.site);
        }
        data::keep_first(first);
        mount_to_body(App);
    });
}
