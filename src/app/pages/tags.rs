//! The pages of a [`Taxonomy`], tags and categories alike: `/tags` (`/categories`) lists every
//! term with its number of posts; `/tags/:tag` and `/tags/:tag/page/:n` (the same under
//! `/categories`) show the posts of one term, a page at a time.

use super::with_list;
use crate::app::address::href;
use crate::app::components::{with_site, Pagination, PostList, Ready, SaveForOffline};
use crate::app::data::{load_list, load_list_page};
use crate::app::head::set_head;
use crate::app::words;
use crate::listing::posts_label;
use crate::model::{ListPage, Manifest, Taxonomy, TermIndex};
use crate::routes::{tag_of_segment, tag_segment, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

/// Every term of `taxonomy`, most used first.
#[component]
pub fn TermsPage(taxonomy: Taxonomy) -> impl IntoView {
    with_site(move |data| {
        let manifest = data.manifest.clone();
        let route = Route::Terms(taxonomy);
        let file = route.data_file().unwrap_or_default();
        let info = manifest.site.clone();
        with_list(
            move || {
                let (manifest, file) = (manifest.clone(), file.clone());
                async move { load_list::<TermIndex>(&manifest, &file).await }
            },
            move |index| {
                let items = index
                    .terms
                    .iter()
                    .map(|(term, count)| {
                        let link = href(&Route::Term {
                            taxonomy,
                            term,
                            page: 1,
                        });
                        let (term, count) = (term.clone(), *count);
                        view! {
                            <li><A href=link attr:class=taxonomy.singular()>{term}</A> " " <span class="count">{posts_label(words::s(), count)}</span></li>
                        }
                    })
                    .collect_view();
                set_head(&route.head(&info), &info);
                view! {
                    <div class=format!("page {}", taxonomy.folder())>
                        <h1 class="page-title">{taxonomy.title(words::s())}</h1>
                        <ul class="tag-cloud">{items}</ul>
                    </div>
                    <Ready/>
                }
            },
        )
    })
}

/// One page of the posts of one term of `taxonomy`, named by the address.
#[component]
pub fn TermPage(taxonomy: Taxonomy) -> impl IntoView {
    let params = use_params_map();
    with_site(move |data| {
        // The address holds the term's segment, which reads back to at most one term.
        let segment = params.read().get("term").unwrap_or_default();
        let page = params
            .read()
            .get("n")
            .map_or(Some(1), |n| n.parse::<usize>().ok().filter(|n| *n >= 1));
        let (Some(term), Some(page)) = (tag_of_segment(&segment), page) else {
            return view! { <super::NotFound/> }.into_any();
        };
        let manifest = data.manifest.clone();
        let file = Route::Term {
            taxonomy,
            term: &term,
            page,
        }
        .data_file()
        .unwrap_or_default();
        let load_manifest = manifest.clone();
        with_list(
            move || {
                let (manifest, file) = (load_manifest.clone(), file.clone());
                async move { load_list_page(&manifest, &file).await }
            },
            move |list| view! { <TermList manifest=manifest.clone() taxonomy term=term.clone() list/> },
        )
        .into_any()
    })
}

#[component]
fn TermList(
    manifest: Manifest,
    taxonomy: Taxonomy,
    term: String,
    list: Arc<ListPage>,
) -> impl IntoView {
    let info = manifest.site.clone();
    let page = list.page;
    let route = Route::Term {
        taxonomy,
        term: &term,
        page,
    };
    set_head(&route.head(&info), &info);
    let count = posts_label(words::s(), list.total);
    let link_term = term.clone();
    let link = Arc::new(move |page: usize| {
        href(&Route::Term {
            taxonomy,
            term: &link_term,
            page,
        })
    });
    // Saving the whole term fetches its other pages first.
    let segment = tag_segment(&term);
    let first = list.clone();
    // A term of one page is known whole: the button can say whether it is saved.
    let known = (list.pages == 1).then(|| list.posts.clone());
    let whole = Arc::new(move || {
        let (manifest, first) = (manifest.clone(), first.clone());
        let segment = segment.clone();
        Box::pin(async move {
            crate::app::data::load_whole_list(&manifest, &first, |n| {
                taxonomy.term_file(&segment, n)
            })
            .await
        }) as crate::app::components::PostsFuture
    });
    let what = taxonomy.this_one(words::s()).to_string();
    let all = taxonomy.all_label(words::s());
    view! {
        <div class=format!("page {}", taxonomy.singular())>
            <h1 class="page-title">{taxonomy.term_heading(words::s(), &term)}</h1>
            <p class="site-description">{count} " · " <A href={href(&Route::Terms(taxonomy))}>{all}</A></p>
            <SaveForOffline count=list.total bytes=list.bytes posts=whole what search=None known=known/>
            <PostList posts=list.posts.clone()/>
            <Pagination page pages=list.pages link/>
        </div>
        <Ready/>
    }
}
