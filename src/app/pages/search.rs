//! `/search?q=…&tag=a,b`: full-text search and filtering by tag and category (`tag=` in the
//! address, `tag:` and `category:` typed among the words, [`filter`]). The address holds the whole
//! state ([`SearchQuery`]), so a search can be shared, reloaded, and walked back and forth with the
//! browser's buttons.

use super::{any_resource, value};
use crate::app::address::{base_path, data_url, href};
use crate::app::components::{
    arrow_keys, focus_result, with_site, LoadFailed, Loading, PostMeta, Ready,
};
use crate::app::data::{
    load_cards, load_list, load_list_page, load_post, load_post_text, SiteData,
};
use crate::app::head::set_head;
use crate::app::net::LoadError;
use crate::app::offline;
use crate::app::search_client;
use crate::app::timing::{sleep, Span};
use crate::listing::term_counts;
use crate::model::{Manifest, PostSummary, Taxonomy, TermIndex};
use crate::routes::{highlight_query, tag_segment, Route, SearchQuery};
use crate::search::filter::{self, Filter};
use crate::search::index::{self, Document, Hit};
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

/// How many posts a search found: all of them counted, or at least so many (a common word's
/// posts are counted as they are loaded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    Exact(usize),
    AtLeast(usize),
}

impl Count {
    /// `Exact` when `total` is known, else at least `found`.
    fn of(total: Option<usize>, found: usize) -> Count {
        total.map_or(Count::AtLeast(found), Count::Exact)
    }
}

/// Where the results of a search come from: the site's index (what it found for the first page;
/// more is loaded on demand), the posts stored in this browser (offline), the pages of a tag's
/// or category's list, or nowhere yet.
#[derive(Clone)]
enum Source {
    Index {
        entry: String,
        /// The words, as the search worker reads them.
        words: Arc<String>,
        first: Arc<index::Found>,
    },
    Stored(Arc<Results>),
    /// The list of the first filter's term; `spelled` when the filter names it as the site spells
    /// it (a chosen tag), else its spelling is looked up in the taxonomy's index.
    Term {
        first: Filter,
        spelled: bool,
    },
    Prompt,
}

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
    let (words, filters, typed) = filters_of(&query);
    let clauses = parse(&words);
    let body = if clauses.iter().any(|c| !matches!(c, Clause::Excluded(_))) {
        view! { <FullText site query filters words clauses/> }.into_any()
    } else {
        // Filters alone: the first one's list, narrowed by the others.
        let source = filters
            .first()
            .map_or(Source::Prompt, |first| Source::Term {
                first: first.clone(),
                spelled: typed == 0,
            });
        view! { <Found site query filters source/> }.into_any()
    };
    view! {
        <div class="page search">
            <h1 class="page-title">"Search"</h1>
            {body}
        </div>
    }
}

/// The words of a search and its filters: those typed among the words, then the chosen tags;
/// and how many were typed.
fn filters_of(query: &SearchQuery) -> (String, Vec<Filter>, usize) {
    let (words, mut filters) = filter::split(&query.q);
    let typed = filters.len();
    filters.extend(query.tags.iter().map(|tag| Filter {
        taxonomy: Taxonomy::Tags,
        term: tag.clone(),
    }));
    (words, filters, typed)
}

/// A search for words: the index files it needs are fetched, then the results drawn.
#[component]
fn FullText(
    site: Arc<SiteData>,
    query: SearchQuery,
    filters: Vec<Filter>,
    words: String,
    clauses: Vec<Clause>,
) -> impl IntoView {
    let (from_stored, set_from_stored) = signal(None::<usize>);
    let results = {
        let (site, filters) = (site.clone(), filters.clone());
        any_resource(move || {
            let (site, words, clauses, filters) = (
                site.clone(),
                words.clone(),
                clauses.clone(),
                filters.clone(),
            );
            async move { find(&site, words, clauses, &filters, set_from_stored).await }
        })
    };
    move || {
        match value::<Source>(&results) {
        None => view! { <Loading/> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadFailed error retry=move || results.refetch() what="Search could not load"/> }.into_any()
        }
        Some(Ok(source)) => {
            let source = Source::clone(&source);
            let note = from_stored.get().map(|n| {
                view! {
                    <p class="search-offline">
                        {format!("You are offline: these results come from the {n} posts stored in this browser.")}
                    </p>
                }
            });
            view! {
                {note}
                <Found site=site.clone() query=query.clone() filters=filters.clone() source/>
            }
            .into_any()
        }
    }
    }
}

/// The first page of hits of `clauses` and `filters`, from the site's index; offline, without the
/// index files it needs, from the posts this browser holds instead (then `from_stored` hears how
/// many it read).
async fn find(
    site: &SiteData,
    words: String,
    clauses: Vec<Clause>,
    filters: &[Filter],
    from_stored: WriteSignal<Option<usize>>,
) -> Result<Source, LoadError> {
    let Some(entry) = &site.manifest.search_file else {
        return Ok(Source::Stored(Arc::default()));
    };
    // Measured from here to the hits, fetching included.
    let span = Span::start("fieldnotes:search");
    let source = match search_client::find(entry, &words, filters, RESULTS_PAGE).await {
        Ok(found) => Source::Index {
            entry: entry.clone(),
            first: Arc::new(found),
            words: Arc::new(words),
        },
        Err(LoadError::Network(_)) if offline::is_controlled() => {
            let (results, searched) = search_stored(&clauses).await;
            from_stored.set(Some(searched));
            Source::Stored(Arc::new(results))
        }
        Err(error) => return Err(error),
    };
    span.end();
    Ok(source)
}

/// A query run over the text of the posts this browser has stored (offline, without the index
/// files it needs). Also returns how many posts it read.
async fn search_stored(clauses: &[Clause]) -> (Results, usize) {
    offline::stored_known().await;
    let prefix = data_url("posts/");
    let files: Vec<String> = offline::state()
        .stored
        .get_untracked()
        .into_iter()
        .filter_map(|url| url.strip_prefix(&prefix).map(|f| format!("posts/{f}")))
        .collect();
    let posts = join_all(files.iter().map(|f| load_post(f))).await;
    let texts = join_all(files.iter().map(|f| load_post_text(f))).await;
    let mut read = Vec::new();
    for ((file, post), text) in files.iter().zip(posts).zip(texts) {
        if let (Ok(post), Ok(text)) = (post, text) {
            let mut summary = post.summary.clone();
            summary.file = file.clone();
            let headings: Vec<String> = post.toc.iter().map(|h| h.text.clone()).collect();
            read.push((summary, headings, text));
        }
    }
    let docs: Vec<Document> = read
        .iter()
        .map(|(summary, headings, body)| Document {
            title: &summary.title,
            tags: &summary.tags,
            categories: &summary.categories,
            headings,
            body,
        })
        .collect();
    let results = scan(clauses, &docs)
        .into_iter()
        .map(|hit| (read[hit.doc as usize].0.clone(), hit.matched))
        .collect();
    (results, read.len())
}

/// The first `wanted` results of `source` that pass every filter, fetching only the cards or list
/// pages that takes, and the number of all results when it is known.
///
/// The first page's first [`FIRST_CARDS`] results are handed to `early` as soon as their cards
/// are in, so a reader sees them while the others' cards are still on their way (each card of a
/// result is in its own small file: at 10,000 posts, 20 results fetch about 20 files).
async fn resolve(
    manifest: &Manifest,
    source: &Source,
    filters: &[Filter],
    wanted: usize,
    early: impl Fn(Results, Count),
) -> Result<(Results, Count), LoadError> {
    let keep = |p: &PostSummary| filter::keeps_all(filters, p);
    match source {
        Source::Prompt => Ok((Vec::new(), Count::Exact(0))),
        Source::Stored(results) => {
            let found: Results = results.iter().filter(|(p, _)| keep(p)).cloned().collect();
            let total = found.len();
            Ok((found, Count::Exact(total)))
        }
        Source::Index {
            entry,
            words,
            first,
        } => index_results(manifest, entry, words, first, filters, wanted, early).await,
        Source::Term { first, spelled } => {
            // The term as the site spells it, which names its list.
            let term = match spelled {
                true => Some(first.term.clone()),
                false => spelling(manifest, first).await?,
            };
            let Some(term) = term else {
                return Ok((Vec::new(), Count::Exact(0)));
            };
            let segment = tag_segment(&term);
            let mut found = Results::new();
            let mut page = 1;
            loop {
                let file = first.taxonomy.term_file(&manifest.lists, &segment, page);
                let Some(list) = load_list_page(manifest, &file).await? else {
                    return Ok((found, Count::Exact(0)));
                };
                found.extend(
                    list.posts
                        .iter()
                        .filter(|p| keep(p))
                        .map(|p| (p.clone(), Vec::new())),
                );
                let all_read = page >= list.pages;
                if found.len() >= wanted || all_read {
                    let total = if filters.len() == 1 {
                        Some(list.total)
                    } else {
                        all_read.then_some(found.len())
                    };
                    let count = Count::of(total, found.len());
                    return Ok((found, count));
                }
                page += 1;
            }
        }
    }
}

/// [`resolve`] for results of the index: the hits of the first `wanted`, with their cards.
async fn index_results(
    manifest: &Manifest,
    entry: &str,
    words: &str,
    first: &Arc<index::Found>,
    filters: &[Filter],
    wanted: usize,
    early: impl Fn(Results, Count),
) -> Result<(Results, Count), LoadError> {
    // The first page is found already; more may need the next tier of a common word.
    let found = if first.whole || first.hits.len() >= wanted {
        first.clone()
    } else {
        Arc::new(search_client::find(entry, words, filters, wanted).await?)
    };
    let hits = &found.hits[..wanted.min(found.hits.len())];
    let count = match found.total {
        Some(total) => Count::Exact(total),
        None => Count::AtLeast(found.at_least.max(found.hits.len())),
    };
    // Filters were applied by the index, on every post that carries them.
    let with_cards = |hits: &[Hit], cards: Vec<Option<PostSummary>>| -> Results {
        cards
            .into_iter()
            .zip(hits)
            .filter_map(|(card, hit)| card.map(|c| (c, hit.matched.clone())))
            .collect()
    };
    // The first cards are fetched and drawn first (on the first page only: more results
    // add to those drawn); the others a moment later, once the reader has stopped
    // typing: a keystroke in between replaces this page, so its other cards are never
    // fetched and do not hold up the next search's files. The measure covers the cards
    // drawn first.
    let span = Span::start("fieldnotes:search-cards");
    let split = if wanted == RESULTS_PAGE {
        FIRST_CARDS.min(hits.len())
    } else {
        0
    };
    let (head, rest) = hits.split_at(split);
    let docs = |hits: &[Hit]| hits.iter().map(|h| h.doc).collect::<Vec<u32>>();
    let (head_docs, rest_docs) = (docs(head), docs(rest));
    let first = load_cards(manifest, &head_docs).await;
    span.end();
    let mut results = with_cards(head, first?);
    if !head.is_empty() && !rest.is_empty() {
        early(results.clone(), count);
        sleep(REST_AFTER).await;
    }
    results.extend(with_cards(rest, load_cards(manifest, &rest_docs).await?));
    Ok((results, count))
}

/// The term `filter` names as the site spells it (a reader may type `category:cambodia` for
/// "Cambodia"), from the taxonomy's index; `None` when no post carries it.
async fn spelling(manifest: &Manifest, filter: &Filter) -> Result<Option<String>, LoadError> {
    let file = filter.taxonomy.index_file(&manifest.lists);
    let index = load_list::<TermIndex>(manifest, &file).await?;
    Ok(index.and_then(|index| {
        index
            .terms
            .iter()
            .find(|(term, _)| filter.matches(term))
            .map(|(term, _)| term.clone())
    }))
}

/// What the status line says: a prompt, no match, or how many posts were found (`count` of which
/// are listed).
fn status_text(prompt: bool, listed: usize, count: Count, q: &str) -> String {
    let (count, total) = match count {
        Count::Exact(total) => (listed, Some(total)),
        Count::AtLeast(n) => (n.max(listed), None),
    };
    if prompt {
        "Type words to search, or choose tags to see their posts.".to_string()
    } else if count == 0 {
        let what = if q.trim().is_empty() {
            "these tags".to_string()
        } else {
            format!("“{}”", q.trim())
        };
        format!("No posts match {what}. Check the spelling, use fewer words, or remove a tag.")
    } else if let Some(total) = total {
        format!("{total} post{} found", if total == 1 { "" } else { "s" })
    } else {
        format!("At least {count} posts found")
    }
}

/// The results: how many (announced), the tags to narrow by, and the posts, a page at a time
/// (each page fetches only the cards it shows).
#[component]
fn Found(
    site: Arc<SiteData>,
    query: SearchQuery,
    filters: Vec<Filter>,
    source: Source,
) -> impl IntoView {
    let prompt = matches!(source, Source::Prompt);
    let wanted = RwSignal::new(RESULTS_PAGE);
    let manifest = site.manifest.clone();
    // The last results drawn stay while more are fetched, so the list does not blink.
    let shown = RwSignal::new(None::<(Arc<Results>, Count)>);
    let results = any_resource(move || {
        let (manifest, source, filters) = (manifest.clone(), source.clone(), filters.clone());
        let wanted = wanted.get();
        let early = move |first: Results, count: Count| shown.set(Some((Arc::new(first), count)));
        async move { resolve(&manifest, &source, &filters, wanted, early).await }
    });
    // With nothing typed, the chips offer the site's commonest tags.
    let manifest = site.manifest.clone();
    let top_tags = any_resource(move || {
        let manifest = manifest.clone();
        async move {
            if !prompt {
                return Ok(Vec::new());
            }
            let file = Taxonomy::Tags.index_file(&manifest.lists);
            Ok(match load_list::<TermIndex>(&manifest, &file).await {
                Ok(Some(index)) => index.terms.clone(),
                _ => Vec::new(),
            })
        }
    });
    // The first new result takes the focus once drawn, so keyboard readers go on from where
    // they were.
    let focus_next = RwSignal::new(None::<usize>);
    let more = move |_| {
        focus_next.set(Some(wanted.get_untracked()));
        wanted.update(|w| *w += RESULTS_PAGE);
    };
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = value::<(Results, Count)>(&results) {
            shown.set(Some((Arc::new(loaded.0.clone()), loaded.1)));
            if let Some(n) = focus_next.try_update(Option::take).flatten() {
                request_animation_frame(move || focus_result(n));
            }
        }
    });
    let q = query.q.clone();
    let status = move || match shown.get() {
        None => String::new(),
        Some((found, total)) => status_text(prompt, found.len(), total, &q),
    };
    let chips = move || {
        let found: Vec<(String, usize)> = if prompt {
            match value::<Vec<(String, usize)>>(&top_tags) {
                Some(Ok(tags)) => Vec::clone(&tags),
                _ => Vec::new(),
            }
        } else {
            shown
                .get()
                .map(|(found, _)| {
                    let posts: Vec<PostSummary> = found.iter().map(|(p, _)| p.clone()).collect();
                    term_counts(Taxonomy::Tags, &posts)
                })
                .unwrap_or_default()
        };
        tag_chips(&query, found)
    };
    let items = move || {
        shown
            .get()
            .map(|(found, _)| result_page(&found, 0, found.len()))
    };
    let more_button = move || {
        let (found, total) = shown.get()?;
        let more_left = match total {
            Count::Exact(total) => found.len() < total,
            Count::AtLeast(_) => true,
        };
        (found.len() >= wanted.get() && more_left).then(|| {
            view! { <button type="button" class="more-results" on:click=more>"Show more results"</button> }
        })
    };
    let failed = move || match value::<(Results, Count)>(&results) {
        Some(Err(error)) => Some(
            view! { <LoadFailed error retry=move || results.refetch() what="Search could not load"/> },
        ),
        _ => None,
    };
    view! {
        <p class="search-status" role="status" aria-live="polite">{status}</p>
        <nav aria-label="Filter by tag"><ul class="tags tag-filter">{chips}</ul></nav>
        {failed}
        <ul class="post-list search-results" on:keydown=arrow_keys>{items}</ul>
        {more_button}
        {move || shown.get().map(|_| view! { <Ready/> })}
    }
}

/// The commonest tags of what is found (and those chosen), not hundreds: the tags page lists all.
/// Each link adds its tag to the search, or takes a chosen one out.
fn tag_chips(query: &SearchQuery, counts: Vec<(String, usize)>) -> impl IntoView {
    counts
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

/// Results per page: each costs its card's block, so not more than a phone's few screens.
const RESULTS_PAGE: usize = 20;

/// Results drawn as soon as their cards are in, before the rest of the page's: a phone's first
/// screen.
const FIRST_CARDS: usize = 5;

/// How long after the first results the page's other cards are fetched: longer than the pause
/// between two keystrokes of someone typing.
const REST_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// Results `start..start + count`: their cards.
fn result_page(posts: &Results, start: usize, count: usize) -> impl IntoView {
    posts
        .iter()
        .enumerate()
        .skip(start)
        .take(count)
        .map(|(i, (post, matched))| {
            let (post, matched) = (post.clone(), matched.clone());
            // The post marks the words that matched.
            let link = href(&Route::Post(&post.slug)) + &highlight_query(&matched);
            let lang = post.lang.clone();
            let title = marked(&post.title, &matched);
            // The summary at once; for the first results, the words around the match in the post
            // once its file arrives (it is then in memory for opening the post, too).
            let summary = post.summary.clone();
            let text = (i < SNIPPETS && !matched.is_empty()).then(|| {
                let file = post.file.clone();
                any_resource(move || {
                    let file = file.clone();
                    async move { load_post_text(&file).await }
                })
            });
            let snippet_or_summary = move || {
                let body = text.and_then(|t| match value::<Arc<String>>(&t) {
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
