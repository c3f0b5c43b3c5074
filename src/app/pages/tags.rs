//! `/tags`: every tag with its number of posts; `/tags/:tag`: the posts of one tag.

use super::NotFound;
use crate::app::components::{with_site, PostList, Ready, SaveForOffline};
use crate::app::data::site_path;
use crate::app::head::set_head;
use crate::head::PageHead;
use crate::listing::{tag_counts, with_tag};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn posts_label(count: usize) -> String {
    format!("{count} post{}", if count == 1 { "" } else { "s" })
}

#[component]
pub fn TagsPage() -> impl IntoView {
    with_site(|data| {
        let items = tag_counts(&data.posts)
            .into_iter()
            .map(|(tag, count)| {
                let href = format!("/tags/{tag}");
                view! {
                    <li><A href={site_path(href)} attr:class="tag">{tag}</A> " " <span class="count">{posts_label(count)}</span></li>
                }
            })
            .collect_view();
        set_head(&PageHead::tags(&data.manifest.site), &data.manifest.site);
        view! {
            <div class="page tags">
                <h1 class="page-title">"Tags"</h1>
                <ul class="tag-cloud">{items}</ul>
            </div>
            <Ready/>
        }
    })
}

#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    with_site(move |data| {
        let tag = params.read().get("tag").unwrap_or_default();
        let posts: Vec<_> = with_tag(&data.posts, &tag).into_iter().cloned().collect();
        if posts.is_empty() {
            return view! { <NotFound/> }.into_any();
        }
        let count = posts_label(posts.len());
        set_head(
            &PageHead::tag(&data.manifest.site, &tag),
            &data.manifest.site,
        );
        view! {
            <div class="page tag">
                <h1 class="page-title">"Tagged “" {tag.clone()} "”"</h1>
                <p class="site-description">{count} " · " <A href={site_path("/tags")}>"All tags"</A></p>
                <SaveForOffline posts=posts.clone() what="this tag".to_string() search=None/>
                <PostList posts/>
            </div>
            <Ready/>
        }
        .into_any()
    })
}
