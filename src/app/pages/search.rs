//! `/search?q=…&tag=a,b`: full-text search and tag filtering. The address holds the whole state
//! ([`SearchQuery`]), so a search can be shared, reloaded, and walked back and forth with the
//! browser's buttons.

use crate::app::address::{base_path, href};
use crate::app::components::{
    arrow_keys, focus_result, with_site, LoadFailed, Loading, PostMeta, Ready,
};
use crate::app::data::{load_index, load_post_text, SiteData};
use crate::app::head::set_head;
use crate::app::net::LoadError;
use crate::app::offline;
use crate::app::timing::Span;
use crate::listing::{tag_counts, with_tags};
use crate::model::PostSummary;
use crate::routes::{highlight_query, Route, SearchQuery};
use crate::search::index::{search, Document, Hit};
use crate::search::query::{parse, Clause};
use crate::search::scan::scan;
use crate::search::{highlight, snippet};
use futures::future::join_all;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

/// Posts found, each with the words of the query it matched (none when only tags were chosen).
type Results = Vec<(PostSummary, Vec<String>)>;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    with_site(move |site| {
        let query = SearchQuery::from_params(query.read().get("q"), query.read().get("tag"));
        view! { <SearchResults site query/> }
    })
}

#[component]
fn SearchResults(site: Arc<SiteData>, query: SearchQuery) -> impl IntoView {
    let info = &site.manifest.site;
    let head = Route::Search.head(info);
    let head = if query.q.trim().is_empty() {
        head
    } else {
        head.retitled(&format!("Search: {}", query.q), info)
    };
    set_head(&head, info);
    let clauses = parse(&query.q);
    let body = if clauses.iter().any(|c| !matches!(c, Clause::Excluded(_))) {
        view! { <FullText site query clauses/> }.into_any()
    } else {
        // Tags alone filter the list; nothing to fetch.
        let posts: Results = with_tags(&site.posts, &query.tags)
            .into_iter()
            .map(|p| (p.clone(), Vec::new()))
            .collect();
        let prompt = query.tags.is_empty();
        view! { <Found site query posts prompt/> }.into_any()
    };
    view! {
        <div class="page search">
            <h1 class="page-title">"Search"</h1>
            {body}
        </div>
    }
}

/// A search for words: the index files it needs are fetched, then the results drawn.
#[component]
fn FullText(site: Arc<SiteData>, query: SearchQuery, clauses: Vec<Clause>) -> impl IntoView {
    let (from_stored, set_from_stored) = signal(None::<usize>);
    let results = {
        let site = site.clone();
        LocalResource::new(move || {
            let (site, clauses) = (site.clone(), clauses.clone());
            async move { find(&site, &clauses, set_from_stored).await }
        })
    };
    move || match results.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadFailed error retry=move || results.refetch()/> }.into_any()
        }
        Some(Ok(hits)) => {
            let note = from_stored.get().map(|n| {
                view! {
                    <p class="search-offline">
                        {format!("You are offline: these results come from the {n} posts stored in this browser.")}
                    </p>
                }
            });
            let posts: Results = hits
                .into_iter()
                .filter_map(|hit| {
                    let post = site.posts.get(hit.doc as usize)?;
                    query
                        .tags
                        .iter()
                        .all(|t| post.tags.contains(t))
                        .then(|| (post.clone(), hit.matched))
                })
                .collect();
            view! {
                {note}
                <Found site=site.clone() query=query.clone() posts prompt=false/>
            }
            .into_any()
        }
    }
}

/// The hits of `clauses`, from the site's index; offline, without the index files it needs, from
/// the posts this browser holds instead (then `from_stored` hears how many it read).
async fn find(
    site: &SiteData,
    clauses: &[Clause],
    from_stored: WriteSignal<Option<usize>>,
) -> Result<Vec<Hit>, LoadError> {
    let Some(entry) = &site.manifest.search_file else {
        return Ok(Vec::new());
    };
    // Measured from here to the hits, fetching included.
    let span = Span::start("fieldnotes:search");
    let hits = match load_index(entry, clauses).await {
        Ok(loaded) => search(clauses, &loaded),
        Err(LoadError::Network(_)) if offline::is_controlled() => {
            let (hits, searched) = search_stored(site, clauses).await;
            from_stored.set(Some(searched));
            hits
        }
        Err(error) => return Err(error),
    };
    span.end();
    Ok(hits)
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

/// What the status line says: a prompt, no match, or how many posts were found.
fn status_text(prompt: bool, count: usize, q: &str) -> String {
    if prompt {
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
    }
}

/// The results: how many (announced), the tags to narrow by, and the posts.
#[component]
fn Found(site: Arc<SiteData>, query: SearchQuery, posts: Results, prompt: bool) -> impl IntoView {
    let count = posts.len();
    let status = status_text(prompt, count, &query.q);
    // Tag chips: the tags of what is found now, with counts; choosing one narrows the results.
    let found: Vec<PostSummary> = if prompt {
        site.posts.clone()
    } else {
        posts.iter().map(|(p, _)| p.clone()).collect()
    };
    let chips = tag_chips(&query, &found);
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

/// The commonest tags of what is found (and those chosen), not hundreds: the tags page lists all.
/// Each link adds its tag to the search, or takes a chosen one out.
fn tag_chips(query: &SearchQuery, found: &[PostSummary]) -> impl IntoView {
    tag_counts(found)
        .into_iter()
        .enumerate()
        .filter(|(i, (tag, _))| *i < TAG_CHIPS || query.tags.contains(tag))
        .map(|(_, (tag, n))| {
            let chosen = query.tags.contains(&tag);
            let link = query.toggled(&tag).href(&base_path());
            let class = if chosen { "tag chosen" } else { "tag" };
            let label = if chosen {
                format!("{tag} ✓")
            } else {
                tag.clone()
            };
            view! {
                <li>
                    <A href=link attr:class=class attr:aria-current=chosen.then_some("true")>
                        {label} " " <span class="count">{n}</span>
                    </A>
                </li>
            }
        })
        .collect_view()
}

/// Tag chips offered to narrow a search.
const TAG_CHIPS: usize = 24;

/// Results per page.
const RESULTS_PAGE: usize = 30;

/// One page of results: their cards.
fn result_page(posts: &Results, page: usize) -> impl IntoView {
    let start = page * RESULTS_PAGE;
    posts
        .iter()
        .enumerate()
        .skip(start)
        .take(RESULTS_PAGE)
        .map(|(i, (post, matched))| {
            let (post, matched) = (post.clone(), matched.clone());
            // The post marks the words that matched.
            let link = href(&Route::Post(&post)) + &highlight_query(&matched);
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
                    <h2><A href=link>{title}</A></h2>
                    <PostMeta post=post/>
                    <p class="summary">{snippet_or_summary}</p>
                </li>
            }
        })
        .collect_view()
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
