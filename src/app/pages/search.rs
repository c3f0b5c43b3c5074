//! `/search?q=…&tag=a,b`: full-text search and tag filtering. The address holds the whole state,
//! so a search can be shared, reloaded, and walked back and forth with the browser's buttons.

use crate::app::components::{with_site, LoadFailed, Loading, PostMeta, Ready};
use crate::app::data::site_path;
use crate::app::data::{load_index, load_post_text, LoadError, SiteData, Span};
use crate::app::head::set_head;
use crate::app::offline;
use crate::head::PageHead;
use crate::listing::{tag_counts, with_tags};
use crate::model::PostSummary;
use crate::search::index::{search, Document, Hit};
use crate::search::query::{parse, Clause};
use crate::search::scan::scan;
use crate::search::{highlight, snippet};
use futures::future::join_all;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

/// The address of a search: `/search?q=…&tag=…`, with empty parts left out.
pub fn search_href(query: &str, tags: &[String]) -> String {
    let mut href = String::from("/search");
    let mut sep = '?';
    if !query.is_empty() {
        href.push_str(&format!("{sep}q={}", encode(query)));
        sep = '&';
    }
    if !tags.is_empty() {
        href.push_str(&format!("{sep}tag={}", encode(&tags.join(","))));
    }
    href
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}

/// The tags of `?tag=a,b`.
pub fn tags_of(param: Option<String>) -> Vec<String> {
    param
        .map(|t| {
            t.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    with_site(move |site| {
        let q = query.read().get("q").unwrap_or_default();
        let tags = tags_of(query.read().get("tag"));
        view! { <SearchResults site q tags/> }
    })
}

#[component]
fn SearchResults(site: Arc<SiteData>, q: String, tags: Vec<String>) -> impl IntoView {
    let info = &site.manifest.site;
    let heading = if q.trim().is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {q}")
    };
    set_head(&PageHead::list(info, "search", &heading), info);
    let clauses = parse(&q);
    let entry = site.manifest.search_file.clone();
    let has_words = clauses.iter().any(|c| !matches!(c, Clause::Excluded(_)));
    let body = if !has_words {
        // Tags alone filter the list; nothing to fetch.
        let posts: Vec<(PostSummary, Vec<String>)> = with_tags(&site.posts, &tags)
            .into_iter()
            .map(|p| (p.clone(), Vec::new()))
            .collect();
        let all = (tags.is_empty()).then_some(());
        view! { <Found site=site.clone() q=q.clone() tags=tags.clone() posts prompt=all.is_some()/> }
            .into_any()
    } else {
        let (site2, q2, tags2) = (site.clone(), q.clone(), tags.clone());
        let (from_stored, set_from_stored) = signal(None::<usize>);
        let site3 = site.clone();
        let results = LocalResource::new(move || {
            let (entry, clauses, site) = (entry.clone(), clauses.clone(), site3.clone());
            async move {
                let Some(entry) = entry else {
                    return Ok(Vec::new());
                };
                // Measured from here to the hits, fetching included.
                let span = Span::start("fieldnotes:search");
                let hits = match load_index(&entry, &clauses).await {
                    Ok(loaded) => search(&clauses, &loaded),
                    // Offline, and the index files this query needs are not stored: search the
                    // posts this browser holds instead.
                    Err(LoadError::Network(_)) if offline::is_controlled() => {
                        let (hits, searched) = search_stored(&site, &clauses).await;
                        set_from_stored.set(Some(searched));
                        hits
                    }
                    Err(error) => return Err(error),
                };
                span.end();
                Ok(hits)
            }
        });
        (move || match results.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(error)) => view! { <LoadFailed error retry=move || results.refetch()/> }.into_any(),
            Some(Ok(hits)) => {
                let note = from_stored.get().map(|n| {
                    view! {
                        <p class="search-offline">
                            {format!("You are offline: these results come from the {n} posts stored in this browser.")}
                        </p>
                    }
                });
                let posts: Vec<(PostSummary, Vec<String>)> = hits
                    .into_iter()
                    .filter_map(|hit| {
                        let post = site2.posts.get(hit.doc as usize)?;
                        tags2
                            .iter()
                            .all(|t| post.tags.contains(t))
                            .then(|| (post.clone(), hit.matched))
                    })
                    .collect();
                view! {
                    {note}
                    <Found site=site2.clone() q=q2.clone() tags=tags2.clone() posts prompt=false/>
                }
                .into_any()
            }
        })
        .into_any()
    };
    view! {
        <div class="page search">
            <h1 class="page-title">"Search"</h1>
            {body}
        </div>
    }
}

/// A query run over the text of the posts this browser has stored (offline, without the index
/// files it needs); hits are numbered like the site's posts. Also returns how many posts it read.
async fn search_stored(site: &SiteData, clauses: &[Clause]) -> (Vec<Hit>, usize) {
    offline::stored_known().await;
    let state = offline::state();
    let stored: Vec<usize> = (0..site.posts.len())
        .filter(|&i| state.has_post(&site.posts[i]))
        .collect();
    let texts = join_all(stored.iter().map(|&i| load_post_text(&site.posts[i].file))).await;
    let mut read = Vec::new();
    for (&i, text) in stored.iter().zip(texts) {
        if let Ok(text) = text {
            read.push((i, text));
        }
    }
    let docs: Vec<Document> = read
        .iter()
        .map(|(i, body)| Document {
            title: &site.posts[*i].title,
            tags: &site.posts[*i].tags,
            body,
        })
        .collect();
    let hits = scan(clauses, &docs)
        .into_iter()
        .map(|hit| Hit {
            doc: read[hit.doc as usize].0 as u32,
            ..hit
        })
        .collect();
    (hits, read.len())
}

/// The results: how many (announced), the tags to narrow by, and the posts.
#[component]
fn Found(
    site: Arc<SiteData>,
    q: String,
    tags: Vec<String>,
    posts: Vec<(PostSummary, Vec<String>)>,
    prompt: bool,
) -> impl IntoView {
    let count = posts.len();
    let status = if prompt {
        "Type words to search, or choose tags to see their posts.".to_string()
    } else if count == 0 {
        let what = if q.trim().is_empty() {
            "these tags".to_string()
        } else {
            format!("“{}”", q.trim())
        };
        format!("No posts match {what}. Check the spelling, use fewer words, or remove a tag.")
    } else {
        format!("{count} post{} found", if count == 1 { "" } else { "s" })
    };
    // Tag chips: the tags of what is found now, with counts; choosing one narrows the results.
    let found: Vec<PostSummary> = if prompt {
        site.posts.clone()
    } else {
        posts.iter().map(|(p, _)| p.clone()).collect()
    };
    // The commonest tags of what is found (and those chosen), not hundreds: the tags page lists all.
    let chips = tag_counts(&found)
        .into_iter()
        .enumerate()
        .filter(|(i, (tag, _))| *i < TAG_CHIPS || tags.contains(tag))
        .map(|(_, (tag, n))| {
            let chosen = tags.contains(&tag);
            let next: Vec<String> = if chosen {
                tags.iter().filter(|t| **t != tag).cloned().collect()
            } else {
                tags.iter().cloned().chain([tag.clone()]).collect()
            };
            let href = search_href(&q, &next);
            let class = if chosen { "tag chosen" } else { "tag" };
            let label = if chosen {
                format!("{tag} ✓")
            } else {
                tag.clone()
            };
            view! {
                <li>
                    <A href={site_path(href)} attr:class=class attr:aria-current=chosen.then_some("true")>
                        {label} " " <span class="count">{n}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    // Results a page at a time, so a one-letter search does not draw hundreds of cards.
    let list = Arc::new(posts);
    let pages = RwSignal::new(1usize);
    let more = move |_| {
        let first_new = pages.get_untracked() * RESULTS_PAGE;
        pages.update(|p| *p += 1);
        // The first new result takes the focus, so keyboard readers go on from where they were.
        request_animation_frame(move || focus_result(first_new));
    };
    let items = view! {
        <For each=move || 0..pages.get() key=|page| *page children=move |page| {
            result_page(&list, page)
        }/>
    };
    let more_button = move || {
        (pages.get() * RESULTS_PAGE < count).then(|| {
            view! { <button type="button" class="more-results" on:click=more>"Show more results"</button> }
        })
    };
    view! {
        <p class="search-status" role="status" aria-live="polite">{status}</p>
        <nav aria-label="Filter by tag"><ul class="tags tag-filter">{chips}</ul></nav>
        <ul class="post-list search-results" on:keydown=arrow_keys>{items}</ul>
        {more_button}
        <Ready/>
    }
}

/// Tag chips offered to narrow a search.
const TAG_CHIPS: usize = 24;

/// Results per page.
const RESULTS_PAGE: usize = 30;

/// One page of results: their cards.
fn result_page(posts: &[(PostSummary, Vec<String>)], page: usize) -> impl IntoView {
    let start = page * RESULTS_PAGE;
    posts
        .iter()
        .enumerate()
        .skip(start)
        .take(RESULTS_PAGE)
        .map(|(i, (post, matched))| {
            let (post, matched) = (post.clone(), matched.clone());
            // The post marks the words that matched.
            let href = if matched.is_empty() {
                format!("/posts/{}", post.slug)
            } else {
                format!("/posts/{}?hl={}", post.slug, encode(&matched.join(" ")))
            };
            let lang = post.lang.clone();
            let title = marked(&post.title, &matched);
            // The summary at once; for the first results, the words around the match in the post
            // once its file arrives (it is then in memory for opening the post, too).
            let summary = post.summary.clone();
            let text = (i < SNIPPETS && !matched.is_empty()).then(|| {
                let file = post.file.clone();
                LocalResource::new(move || {
                    let file = file.clone();
                    async move { load_post_text(&file).await }
                })
            });
            let snippet_or_summary = move || {
                let body = text.and_then(|t| match t.get() {
                    Some(Ok(text)) => snippet(&text, &matched, SNIPPET_WIDTH),
                    _ => None,
                });
                marked(body.as_deref().unwrap_or(&summary), &matched)
            };
            view! {
                <li class="post-card" lang=lang>
                    <h2><A href={site_path(href)}>{title}</A></h2>
                    <PostMeta post=post/>
                    <p class="summary">{snippet_or_summary}</p>
                </li>
            }
        })
        .collect_view()
}

/// Focuses the link of result `n` (counted from 0), if it is drawn.
fn focus_result(n: usize) {
    if let Ok(links) = document().query_selector_all(RESULT_LINKS) {
        focus_link(&links, n as u32);
    }
}

/// The links of the results, in order.
const RESULT_LINKS: &str = ".search-results h2 a";

fn focus_link(links: &web_sys::NodeList, n: u32) {
    let link = links
        .item(n)
        .and_then(|l| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(l).ok());
    if let Some(link) = link {
        let _ = link.focus();
    }
}

/// Results shown with the words around their match, fetched from the posts' files.
const SNIPPETS: usize = 5;

/// Characters of a snippet.
const SNIPPET_WIDTH: usize = 180;

/// `text` with the words the search matched in `<mark>`.
fn marked(text: &str, matched: &[String]) -> AnyView {
    highlight(text, matched)
        .into_iter()
        .map(|(text, marked)| {
            if marked {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// Up and down arrows move between results, as in a list box.
fn arrow_keys(event: leptos::ev::KeyboardEvent) {
    let step: i32 = match event.key().as_str() {
        "ArrowDown" => 1,
        "ArrowUp" => -1,
        _ => return,
    };
    event.prevent_default();
    move_through_results(step);
}

/// Focuses the result `step` places from the focused one (the first, from outside the list).
pub fn move_through_results(step: i32) {
    let document = document();
    let Ok(links) = document.query_selector_all(RESULT_LINKS) else {
        return;
    };
    let active = document.active_element();
    let mut at: Option<i32> = None;
    for i in 0..links.length() {
        if let (Some(link), Some(active)) = (links.item(i), active.as_ref()) {
            if link.is_same_node(Some(active)) {
                at = Some(i as i32);
            }
        }
    }
    let next = at.map_or(0, |i| (i + step).clamp(0, links.length() as i32 - 1));
    focus_link(&links, next as u32);
}
