//! `/` and `/page/:n`: the posts, newest first, a page at a time, each page a file of its own.

use super::{with_list, NotFound};
use crate::app::address::href;
use crate::app::components::{with_site, Pagination, PostList, Ready};
use crate::app::data::load_list_page;
use crate::app::head::set_head;
use crate::app::net::LoadError;
use crate::listing::page_count;
use crate::model::{ListPage, SiteInfo};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

#[component]
pub fn Home() -> impl IntoView {
    super::not_found::follow_old_query();
    let params = use_params_map();
    with_site(move |data| {
        // `/` has no parameter; `/page/1` is the same page.
        let page = params
            .read()
            .get("n")
            .map_or(Some(1), |n| n.parse::<usize>().ok());
        let manifest = data.manifest.clone();
        let pages = page_count(manifest.listed_count(), manifest.site.posts_per_page);
        match page {
            Some(page) if (1..=pages).contains(&page) => {
                let file = Route::Home { page }.data_file().unwrap_or_default();
                let info = manifest.site.clone();
                with_list(
                    move || {
                        let (manifest, file) = (manifest.clone(), file.clone());
                        async move {
                            // The page is within the home list, so its file must exist: gone, it
                            // is the sign of a new or broken deploy, and a reload is the way on.
                            match load_list_page(&manifest, &file).await? {
                                None => Err(LoadError::Replaced),
                                found => Ok(found),
                            }
                        }
                    },
                    move |list| view! { <HomePage info=info.clone() list/> },
                )
                .into_any()
            }
            _ => view! { <NotFound/> }.into_any(),
        }
    })
}

#[component]
fn HomePage(info: SiteInfo, list: Arc<ListPage>) -> impl IntoView {
    let page = list.page;
    set_head(&Route::Home { page }.head(&info), &info);
    let link = Arc::new(|page: usize| href(&Route::Home { page }));
    view! {
        <div class="page home">
            <h1 class="page-title">{info.title}</h1>
            <p class="site-description">{info.description}</p>
            <PostList posts=list.posts.clone() pins=true/>
            <Pagination page pages=list.pages link/>
        </div>
        <Ready/>
    }
}
