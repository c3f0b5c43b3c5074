//! The banner at the top of every page: the site's name, linking home, and the author's nav links.

use super::{OfflineStatus, ReaderSettings, SearchBox};
use crate::app::address::{href, site_path};
use crate::app::data::SiteResource;
use crate::app::words::{self, t};
use crate::model::strings::S;
use crate::model::{NavLink, Taxonomy};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let site = expect_context::<SiteResource>();
    // Each change of page is a moment to look for a new build (at most once a minute).
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        crate::app::offline::check_for_update();
    });
    let info = move || {
        site.get()
            .and_then(|r| r.ok())
            .map(|s| s.manifest.site.clone())
    };
    let title = move || info().map_or_else(|| "Fieldnotes".to_string(), |i| i.title);
    let nav = move || {
        let mut links = vec![
            NavLink {
                title: Taxonomy::Tags.title(words::s()).into(),
                url: href(&Route::Terms(Taxonomy::Tags)),
            },
            NavLink {
                title: t(S::archive).into(),
                url: href(&Route::Archive {
                    year: None,
                    page: 1,
                }),
            },
        ];
        // The author's links name paths of the site without its base path.
        links.extend(info().into_iter().flat_map(|i| i.nav).map(|link| NavLink {
            url: if link.url.starts_with('/') {
                site_path(&link.url)
            } else {
                link.url
            },
            ..link
        }));
        view! {
                <nav aria-label=t(S::site_nav)>
                    <ul class="site-nav">
                        {links
                            .into_iter()
                            .map(|link| {
                                // Paths of the site navigate inside the app; full URLs leave it.
                                if link.url.starts_with('/') {
                                    view! { <li><A href={link.url}>{link.title}</A></li> }.into_any()
                                } else {
                                    view! { <li><a href=link.url rel="noopener noreferrer">{link.title}</a></li> }
                                        .into_any()
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
        }
    };
    // Its language is set with the document's (`crate::app::head::set_head`).
    view! {
        <header class="site-header">
            <A href={href(&Route::Home { page: 1 })} attr:class="site-title">{title}</A>
            {nav}
            <SearchBox/>
            <OfflineStatus/>
            <ReaderSettings/>
        </header>
    }
}
