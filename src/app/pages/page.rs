//! `/:slug`: a standalone page (About), named in the manifest, fetched and drawn like a post,
//! without a post's date, tags or neighbours. Any other top-level address is not found.

use super::{with_list, NotFound};
use crate::app::components::{with_site, Article, Published, Ready};
use crate::app::data::{load_list, SiteData};
use crate::app::head::set_head;
use crate::model::{text_direction, Page};
use crate::routes::{slug_of_segment, Route};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

#[component]
pub fn StandalonePage() -> impl IntoView {
    let params = use_params_map();
    with_site(move |site| {
        let slug = slug_of_segment(&params.read().get("slug").unwrap_or_default());
        let Some(file) = site.manifest.pages.get(&slug).cloned() else {
            return view! { <NotFound/> }.into_any();
        };
        let manifest = site.manifest.clone();
        // A page's file is hashed and immutable like a list's, and read the same way.
        with_list(
            move || {
                let (manifest, file) = (manifest.clone(), file.clone());
                async move { load_list::<Page>(&manifest, &file).await }
            },
            move |page| view! { <PageView site=site.clone() page/> },
        )
        .into_any()
    })
}

#[component]
fn PageView(site: Arc<SiteData>, page: Arc<Page>) -> impl IntoView {
    let info = &site.manifest.site;
    set_head(&Route::page_head(&page, info), info);
    let html = page.html.clone();
    let (lang, dir) = (page.lang.clone(), text_direction(&page.lang));
    // Its comments and the form, as under a post.
    let published = Published::File(page.comments.clone());
    view! {
        <article class="page standalone" lang=lang dir=dir>
            <header>
                <h1 class="page-title">{page.title.clone()}</h1>
            </header>
            <Article html/>
        </article>
        {crate::app::split::comments(site.clone(), page.slug.clone(), published)}
        <Ready/>
    }
}
