//! `/tags`: every tag with its number of posts; `/tags/:tag` and `/tags/:tag/page/:n`: the posts
//! of one tag, a page at a time.

use super::with_list;
use crate::app::address::href;
use crate::app::components::{with_site, Pagination, PostList, Ready, SaveForOffline};
use crate::app::data::{load_list, load_list_page};
use crate::app::head::set_head;
use crate::listing::posts_label;
use crate::model::{tag_file, ListPage, Manifest, TagIndex};
use crate::routes::{tag_of_segment, tag_segment, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

#[component]
pub fn TagsPage() -> impl IntoView {
    with_site(|data| {
        let manifest = data.manifest.clone();
        let file = Route::Tags.data_file(&manifest.lists).unwrap_or_default();
        let info = manifest.site.clone();
        with_list(
            move || {
                let (manifest, file) = (manifest.clone(), file.clone());
                async move { load_list::<TagIndex>(&manifest, &file).await }
            },
            move |index| {
                let items = index
                    .tags
                    .iter()
                    .map(|(tag, count)| {
                        let link = href(&Route::Tag { tag, page: 1 });
                        let (tag, count) = (tag.clone(), *count);
                        view! {
                            <li><A href=link attr:class="tag">{tag}</A> " " <span class="count">{posts_label(count)}</span></li>
                        }
                    })
                    .collect_view();
                set_head(&Route::Tags.head(&info), &info);
                view! {
                    <div class="page tags">
                        <h1 class="page-title">"Tags"</h1>
                        <ul class="tag-cloud">{items}</ul>
                    </div>
                    <Ready/>
                }
            },
        )
    })
}

#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    with_site(move |data| {
        // The address holds the tag's segment, which reads back to at most one tag.
        let segment = params.read().get("tag").unwrap_or_default();
        let page = params
            .read()
            .get("n")
            .map_or(Some(1), |n| n.parse::<usize>().ok().filter(|n| *n >= 1));
        let (Some(tag), Some(page)) = (tag_of_segment(&segment), page) else {
            return view! { <super::NotFound/> }.into_any();
        };
        let manifest = data.manifest.clone();
        let file = Route::Tag { tag: &tag, page }
            .data_file(&manifest.lists)
            .unwrap_or_default();
        let load_manifest = manifest.clone();
        with_list(
            move || {
                let (manifest, file) = (load_manifest.clone(), file.clone());
                async move { load_list_page(&manifest, &file).await }
            },
            move |list| view! { <TagList manifest=manifest.clone() tag=tag.clone() list/> },
        )
        .into_any()
    })
}

#[component]
fn TagList(manifest: Manifest, tag: String, list: Arc<ListPage>) -> impl IntoView {
    let info = manifest.site.clone();
    let page = list.page;
    set_head(&Route::Tag { tag: &tag, page }.head(&info), &info);
    let count = posts_label(list.total);
    let link_tag = tag.clone();
    let link = Arc::new(move |page: usize| {
        href(&Route::Tag {
            tag: &link_tag,
            page,
        })
    });
    // Saving the whole tag fetches its other pages first.
    let (lists, segment) = (manifest.lists.clone(), tag_segment(&tag));
    let first = list.clone();
    // A tag of one page is known whole: the button can say whether it is saved.
    let known = (list.pages == 1).then(|| list.posts.clone());
    let whole = Arc::new(move || {
        let (manifest, first) = (manifest.clone(), first.clone());
        let (lists, segment) = (lists.clone(), segment.clone());
        Box::pin(async move {
            crate::app::data::load_whole_list(&manifest, &first, |n| tag_file(&lists, &segment, n))
                .await
        }) as crate::app::components::PostsFuture
    });
    view! {
        <div class="page tag">
            <h1 class="page-title">"Tagged “" {tag.clone()} "”"</h1>
            <p class="site-description">{count} " · " <A href={href(&Route::Tags)}>"All tags"</A></p>
            <SaveForOffline count=list.total bytes=list.bytes posts=whole what="this tag".to_string() search=None known=known/>
            <PostList posts=list.posts.clone()/>
            <Pagination page pages=list.pages link/>
        </div>
        <Ready/>
    }
}
