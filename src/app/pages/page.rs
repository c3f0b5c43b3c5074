//! `/:slug`: a standalone page (About), named in the manifest, fetched and drawn like a post,
//! without a post's date, tags or neighbours. Any other top-level address is not found.

use super::{with_list, NotFound};
use crate::app::components::{with_site, Article, Published, Ready};
use crate::app::data::{load_file, SiteData};
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
                async move { load_file::<Page>(&manifest, &file).await }
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
    let (lang, dir) = (page.lang.clone(), text_direction(&page.lang));
    // A protected page opens with its password, its comments with it, as a post does; any other
    // has its comments and the form under it, as a post.
    let (text, comments) = match page.sealed.clone() {
        Some(sealed) => {
            let slug = page.slug.clone();
            let opener =
                crate::app::split::protected(site.clone(), slug, sealed, (Vec::new(), true));
            (opener.into_any(), None)
        }
        None => {
            let html = page.html.clone();
            let published = Published::File(page.comments.clone());
            let comments = crate::app::split::comments(site.clone(), page.slug.clone(), published);
            (view! { <Article html/> }.into_any(), Some(comments))
        }
    };
    view! {
        <article class="page standalone" lang=lang dir=dir>
            <header>
                <h1 class="page-title">{page.title.clone()}</h1>
            </header>
            {text}
        </article>
        {comments}
        <Ready/>
    }
}
