//! `/posts/:slug`: one post, fetched on its own and rendered from Markdown in the browser.

use super::NotFound;
use crate::app::components::{Article, LoadFailed, Loading, PostMeta, Ready};
use crate::app::data::{data_url, fetch_json, LoadError, SiteResource};
use crate::model::{text_direction, Post};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let site = expect_context::<SiteResource>();
    let post = LocalResource::new(move || {
        let slug = params.read().get("slug").unwrap_or_default();
        async move {
            let site = site.await?;
            let Some(summary) = site.posts.iter().find(|p| p.slug == slug) else {
                return Ok::<_, LoadError>(None);
            };
            let post: Post = fetch_json(&data_url(&summary.file), false).await?;
            Ok(Some((site.manifest.site.title.clone(), post)))
        }
    });
    move || match post.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(None)) => view! { <NotFound/> }.into_any(),
        Some(Ok(Some((site_title, post)))) => view! { <PostView site_title post/> }.into_any(),
        Some(Err(error)) => view! {
            <LoadFailed error retry=move || { site.refetch(); post.refetch(); }/>
        }
        .into_any(),
    }
}

#[component]
fn PostView(site_title: String, post: Post) -> impl IntoView {
    let summary = post.summary;
    let (lang, dir) = (summary.lang.clone(), text_direction(&summary.lang));
    let title = summary.title.clone();
    view! {
        <Title text=format!("{title} · {site_title}")/>
        <Meta name="description" content=summary.summary.clone()/>
        <article class="page post" lang=lang dir=dir>
            <header>
                <h1 class="page-title">{title}</h1>
                <PostMeta post=summary/>
            </header>
            <Article markdown=post.body images=post.images/>
        </article>
        <Ready/>
    }
}
