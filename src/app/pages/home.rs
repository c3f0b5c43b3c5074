//! `/`: every post, newest first.

use crate::app::components::{LoadFailed, Loading, PostMeta, Ready};
use crate::app::data::{SiteData, SiteResource};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn Home() -> impl IntoView {
    let site = expect_context::<SiteResource>();
    move || match site.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(data)) => view! { <PostList data/> }.into_any(),
        Some(Err(error)) => view! { <LoadFailed error retry=move || site.refetch()/> }.into_any(),
    }
}

#[component]
fn PostList(data: Arc<SiteData>) -> impl IntoView {
    let info = data.manifest.site.clone();
    let cards = data
        .posts
        .iter()
        .map(|post| {
            let href = format!("/posts/{}", post.slug);
            let (lang, title, summary) =
                (post.lang.clone(), post.title.clone(), post.summary.clone());
            view! {
                <li class="post-card" lang=lang>
                    <h2><A href=href>{title}</A></h2>
                    <PostMeta post=post.clone()/>
                    <p class="summary">{summary}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=info.title.clone()/>
        <Meta name="description" content=info.description.clone()/>
        <div class="page home">
            <h1 class="page-title">{info.title}</h1>
            <p class="site-description">{info.description}</p>
            <ul class="post-list">{cards}</ul>
        </div>
        <Ready/>
    }
}
