//! `/` and `/page/:n`: the posts, newest first, a page at a time.

use super::NotFound;
use crate::app::components::{with_site, Pagination, PostList, Ready};
use crate::app::data::SiteData;
use crate::app::head::set_head;
use crate::listing::{page_count, page_of};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

#[component]
pub fn Home() -> impl IntoView {
    let params = use_params_map();
    with_site(move |data| {
        // `/` has no parameter; `/page/1` is the same page.
        let page = params
            .read()
            .get("n")
            .map_or(Some(1), |n| n.parse::<usize>().ok());
        let pages = page_count(data.posts.len(), data.manifest.site.posts_per_page);
        match page {
            Some(page) if (1..=pages).contains(&page) => view! { <HomePage data page/> }.into_any(),
            _ => view! { <NotFound/> }.into_any(),
        }
    })
}

#[component]
fn HomePage(data: Arc<SiteData>, page: usize) -> impl IntoView {
    let info = data.manifest.site.clone();
    let pages = page_count(data.posts.len(), info.posts_per_page);
    let posts = page_of(&data.posts, page, info.posts_per_page).to_vec();
    set_head(&Route::Home { page }.head(&info), &info);
    view! {
        <div class="page home">
            <h1 class="page-title">{info.title}</h1>
            <p class="site-description">{info.description}</p>
            <PostList posts/>
            <Pagination page pages/>
        </div>
        <Ready/>
    }
}
