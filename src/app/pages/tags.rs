//! `/tags`: every tag with its number of posts; `/tags/:tag`: the posts of one tag.

use super::NotFound;
use crate::app::address::href;
use crate::app::components::{with_site, PostList, Ready, SaveForOffline};
use crate::app::head::set_head;
use crate::listing::{tags_by_use, with_tag};
use crate::routes::{tag_of_segment, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn posts_label(count: usize) -> String {
    format!("{count} post{}", if count == 1 { "" } else { "s" })
}

#[component]
pub fn TagsPage() -> impl IntoView {
    with_site(|data| {
        let items = tags_by_use(&data.posts)
            .into_iter()
            .map(|(tag, count)| {
                let link = href(&Route::Tag(tag));
                let tag = tag.to_string();
                view! {
                    <li><A href=link attr:class="tag">{tag}</A> " " <span class="count">{posts_label(count)}</span></li>
                }
            })
            .collect_view();
        set_head(&Route::Tags.head(&data.manifest.site), &data.manifest.site);
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
        // The address holds the tag's segment, which reads back to at most one tag.
        let segment = params.read().get("tag").unwrap_or_default();
        let tag = tag_of_segment(&segment).unwrap_or_default();
        let posts: Vec<_> = with_tag(&data.posts, &tag).into_iter().cloned().collect();
        if posts.is_empty() {
            return view! { <NotFound/> }.into_any();
        }
        let count = posts_label(posts.len());
        set_head(
            &Route::Tag(&tag).head(&data.manifest.site),
            &data.manifest.site,
        );
        view! {
            <div class="page tag">
                <h1 class="page-title">"Tagged “" {tag.clone()} "”"</h1>
                <p class="site-description">{count} " · " <A href={href(&Route::Tags)}>"All tags"</A></p>
                <SaveForOffline posts=posts.clone() what="this tag".to_string() search=None/>
                <PostList posts/>
            </div>
            <Ready/>
        }
        .into_any()
    })
}
