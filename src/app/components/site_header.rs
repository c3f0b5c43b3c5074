//! The banner at the top of every page: the site's name, linking home.

use crate::app::data::SiteResource;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let site = expect_context::<SiteResource>();
    let title = move || {
        site.get()
            .and_then(|r| r.ok())
            .map(|s| s.manifest.site.title.clone())
            .unwrap_or_else(|| "Fieldnotes".to_string())
    };
    view! {
        <header class="site-header">
            <A href="/" attr:class="site-title">{title}</A>
        </header>
    }
}
