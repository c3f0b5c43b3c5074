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
use crate::app::words::{self, t};
use crate::listing::term_counts;
use crate::model::strings::S;
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
use std::cell::Cell;
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

/// Where the results of a search come from: the site's index (the hits it found for the results
/// wanted), the posts stored in this browser (offline), the pages of a tag's or category's list,
/// or nowhere yet.
#[derive(Clone)]
enum Source {
    Index(Arc<index::Found>),
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
    // The page stays drawn while the reader types: only what a search finds changes.
    let search = Memo::new(move |_| {
        SearchQuery::from_params(query.read().get("q"), query.read().get("tag"))
    });
    with_site(move |site| view! { <SearchResults site search/> })
}

/// What the page draws of one search: for which query and how many results were asked for, the
/// results and how many there are.
#[derive(Clone)]
struct Shown {
    query: SearchQuery,
    wanted: usize,
    /// Nothing was typed or chosen: the page offers the commonest tags.
    prompt: bool,
    results: Arc<Results>,
    count: Count,
    /// Offline, the results come from this many posts stored in this browser.
    from_stored: Option<usize>,
}

/// The search page. The results of the last search stay on screen, marked busy, until the next
/// one's are in, and its cards are keyed by post, so a keystroke redraws only the cards that
/// change (typing "secu" then "secur" mostly finds the same posts).
#[component]
fn SearchResults(site: Arc<SiteData>, search: Memo<SearchQuery>) -> impl IntoView {
    let info = site.manifest.site.clone();
    Effect::new(move |_| {
        let query = search.get();
        let head = Route::Search.head(&info);
        let head = if query.q.trim().is_empty() {
            head
        } else {
            head.retitled(&format!("Search: {}", query.q), &info)
        };
        set_head(&head, &info);
    });
    // "Show more results" asks for more of the search it was pressed on; a new search starts
    // with one page.
    let more = RwSignal::new(None::<(SearchQuery, usize)>);
    let wanted = move || {
        more.track();
        search.track();
        wanted_untracked(more, search)
    };
    let shown = RwSignal::new(None::<Shown>);
    let failed = RwSignal::new(None::<LoadError>);
    // The first new result takes the focus once drawn, so keyboard readers go on from where
    // they were.
    let focus_next = RwSignal::new(None::<usize>);
    // Each search runs in its own task: a keystroke starts the next at once, and the one it
    // supersedes stops at its next step (its worker request is dropped, its cards never fetched).
    let start = {
        let site = site.clone();
        move |query: SearchQuery, wanted: usize| {
            let this = SEARCHES.with(|n| {
                n.set(n.get() + 1);
                n.get()
            });
            let current = move || SEARCHES.with(Cell::get) == this;
            let site = site.clone();
            leptos::task::spawn_local(async move {
                let early = {
                    let query = query.clone();
                    // The first cards of the first page, drawn while the others are fetched.
                    move |results: Results, count: Count| {
                        if current() {
                            failed.try_set(None);
                            shown.try_set(Some(Shown {
                                query: query.clone(),
                                wanted,
                                prompt: false,
                                results: Arc::new(results),
                                count,
                                from_stored: None,
                            }));
                        }
                    }
                };
                let outcome = run_search(&site, query, wanted, current, early).await;
                // A search the reader has typed past is not drawn over the newer one.
                if !current() {
                    return;
                }
                match outcome {
                    Ok(done) => {
                        failed.try_set(None);
                        shown.try_set(Some(done));
                        if let Some(n) = focus_next.try_update(Option::take).flatten() {
                            request_animation_frame(move || focus_result(n));
                        }
                    }
                    Err(error) => {
                        failed.try_set(Some(error));
                    }
                }
            });
        }
    };
    let retry = {
        let start = start.clone();
        move || start(search.get_untracked(), wanted_untracked(more, search))
    };
    Effect::new(move |_| start(search.get(), wanted()));
    // Leaving the page stops the search under way.
    on_cleanup(|| SEARCHES.with(|n| n.set(n.get() + 1)));
    // Busy from a keystroke until its results are drawn.
    let busy = move || {
        failed.with(Option::is_none)
            && shown.with(|s| s.as_ref().is_none_or(|s| s.query != search.get()))
    };
    let prompt_now = Memo::new(move |_| is_prompt(&search.get()));
    // With nothing typed, the chips offer the site's commonest tags.
    let manifest = site.manifest.clone();
    let top_tags = any_resource(move || {
        let (manifest, prompt) = (manifest.clone(), prompt_now.get());
        async move {
            if !prompt {
                return Ok(Vec::new());
            }
            let file = Taxonomy::Tags.index_file();
            Ok(match load_list::<TermIndex>(&manifest, &file).await {
                Ok(Some(index)) => index.terms.clone(),
                _ => Vec::new(),
            })
        }
    });
    let note = move || {
        let n = shown.with(|s| s.as_ref().and_then(|s| s.from_stored))?;
        Some(view! {
            <p class="search-offline">
                // The browser online and the index out of reach: the site is in trouble.
                {words::s().fill(
                    if window().navigator().on_line() { S::search_trouble } else { S::search_offline },
                    &[("n", &words::s().number(n as u64))],
                )}
            </p>
        })
    };
    let status = move || {
        shown.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                status_text(s.prompt, s.results.len(), s.count, &s.query.q)
            })
        })
    };
    let chips = move || {
        let Some(s) = shown.get() else {
            return ().into_any();
        };
        let found: Vec<(String, usize)> = if s.prompt {
            match value::<Vec<(String, usize)>>(&top_tags) {
                Some(Ok(tags)) => Vec::clone(&tags),
                _ => Vec::new(),
            }
        } else {
            let posts: Vec<PostSummary> = s.results.iter().map(|(p, _)| p.clone()).collect();
            term_counts(Taxonomy::Tags, &posts)
        };
        tag_chips(&s.query, found).into_any()
    };
    // A place for each result the search asked for: what a search finds changes what the places
    // hold, not the places.
    let places = Memo::new(move |_| shown.with(|s| s.as_ref().map_or(0, |s| s.wanted)));
    let cards = move || {
        (0..places.get())
            .map(|place| view! { <ResultPlace shown place/> })
            .collect_view()
    };
    let more_button = move || {
        let s = shown.get()?;
        let more_left = match s.count {
            Count::Exact(total) => s.results.len() < total,
            Count::AtLeast(_) => true,
        };
        (s.results.len() >= s.wanted && more_left).then(|| {
            let on_more = move |_| {
                focus_next.set(Some(s.results.len()));
                more.set(Some((s.query.clone(), s.wanted + RESULTS_PAGE)));
            };
            view! { <button type="button" class="more-results" on:click=on_more>{t(S::show_more)}</button> }
        })
    };
    let failed_view = move || {
        failed.get().map(|error| {
            let retry = retry.clone();
            view! { <LoadFailed error retry=move || retry() what=t(S::search_failed)/> }
        })
    };
    let drawn = Memo::new(move |_| shown.with(Option::is_some));
    view! {
        <div class="page search">
            <h1 class="page-title">{t(S::search)}</h1>
            {note}
            <p class="search-status" role="status" aria-live="polite">{status}</p>
            <nav aria-label=t(S::filter_by_tag)><ul class="tags tag-filter">{chips}</ul></nav>
            {failed_view}
            {move || (!drawn.get() && failed.with(Option::is_none)).then(|| view! { <Loading/> })}
            <ul
                class="post-list search-results"
                aria-busy=move || busy().then_some("true")
                on:keydown=arrow_keys
            >
                {cards}
            </ul>
            {more_button}
            {move || drawn.get().then(|| view! { <Ready/> })}
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

/// How many results the search in the address is to show: more after "Show more results" was
/// pressed on it, else one page.
fn wanted_untracked(
    more: RwSignal<Option<(SearchQuery, usize)>>,
    search: Memo<SearchQuery>,
) -> usize {
    more.with_untracked(|m| match m {
        Some((q, n)) if search.with_untracked(|s| s == q) => *n,
        _ => RESULTS_PAGE,
    })
}

thread_local! {
    /// The number of the latest search started: an older one stops at its next step.
    static SEARCHES: Cell<u64> = const { Cell::new(0) };
}

/// Whether `clauses` ask for words (a query of exclusions alone lists by its filters).
fn wants_words(clauses: &[Clause]) -> bool {
    clauses.iter().any(|c| !matches!(c, Clause::Excluded(_)))
}

/// Nothing typed or chosen.
fn is_prompt(query: &SearchQuery) -> bool {
    let (words, filters, _) = filters_of(query);
    filters.is_empty() && !wants_words(&parse(&words))
}

/// One search, whole: its first `wanted` results with their cards. Words are looked up in the
/// index (offline, without the files it needs, in the posts stored in this browser); filters
/// alone list the first one's posts, narrowed by the others.
async fn run_search(
    site: &SiteData,
    query: SearchQuery,
    wanted: usize,
    current: impl Fn() -> bool,
    early: impl Fn(Results, Count),
) -> Result<Shown, LoadError> {
    let (words, filters, typed) = filters_of(&query);
    let clauses = parse(&words);
    let mut from_stored = None;
    let source = if wants_words(&clauses) {
        find(
            site,
            words,
            clauses,
            &filters,
            wanted,
            &current,
            &mut from_stored,
        )
        .await?
    } else {
        filters
            .first()
            .map_or(Source::Prompt, |first| Source::Term {
                first: first.clone(),
                spelled: typed == 0,
            })
    };
    let prompt = matches!(source, Source::Prompt);
    let (results, count) = match current() {
        true => resolve(&site.manifest, &source, &filters, wanted, &current, early).await?,
        false => (Vec::new(), Count::Exact(0)),
    };
    Ok(Shown {
        query,
        wanted,
        prompt,
        results: Arc::new(results),
        count,
        from_stored,
    })
}

/// The first `wanted` hits of `clauses` and `filters`, from the site's index; offline, without
/// the index files it needs, from the posts this browser holds instead (then `from_stored` is how
/// many it read).
async fn find(
    site: &SiteData,
    words: String,
    clauses: Vec<Clause>,
    filters: &[Filter],
    wanted: usize,
    current: impl Fn() -> bool,
    from_stored: &mut Option<usize>,
) -> Result<Source, LoadError> {
    let Some(entry) = &site.manifest.search_file else {
        return Ok(Source::Stored(Arc::default()));
    };
    // Measured from here to the hits, fetching included.
    let span = Span::start("fieldnotes:search");
    let source = match search_client::find(entry, &words, filters, wanted).await {
        Ok(found) => Source::Index(Arc::new(found)),
        // A newer search superseded this one in the worker: nothing to draw.
        Err(_) if !current() => Source::Prompt,
        Err(LoadError::Network(_)) if offline::is_controlled() => {
            let (results, searched) = search_stored(&clauses).await;
            *from_stored = Some(searched);
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
    current: impl Fn() -> bool,
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
        Source::Index(found) => index_results(manifest, found, wanted, current, early).await,
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
                let file = first.taxonomy.term_file(&segment, page);
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

/// [`resolve`] for results of the index: the first `wanted` hits, with their cards. Filters were
/// applied by the index, on every post that carries them.
async fn index_results(
    manifest: &Manifest,
    found: &index::Found,
    wanted: usize,
    current: impl Fn() -> bool,
    early: impl Fn(Results, Count),
) -> Result<(Results, Count), LoadError> {
    let hits = &found.hits[..wanted.min(found.hits.len())];
    let count = match found.total {
        Some(total) => Count::Exact(total),
        None => Count::AtLeast(found.at_least.max(found.hits.len())),
    };
    let with_cards = |hits: &[Hit], cards: Vec<Option<PostSummary>>| -> Results {
        cards
            .into_iter()
            .zip(hits)
            .filter_map(|(card, hit)| card.map(|c| (c, hit.matched.clone())))
            .collect()
    };
    // The first cards are fetched and drawn first (on the first page only: more results
    // add to those drawn); the others a moment later, once the reader has stopped
    // typing: a keystroke in between supersedes this search, so its other cards are never
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
        if !current() {
            return Ok((results, count));
        }
    }
    results.extend(with_cards(rest, load_cards(manifest, &rest_docs).await?));
    Ok((results, count))
}

/// The term `filter` names as the site spells it (a reader may type `category:cambodia` for
/// "Cambodia"), from the taxonomy's index; `None` when no post carries it.
async fn spelling(manifest: &Manifest, filter: &Filter) -> Result<Option<String>, LoadError> {
    let file = filter.taxonomy.index_file();
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
    let s = words::s();
    if prompt {
        s.get(S::search_prompt).to_string()
    } else if count == 0 {
        let what = if q.trim().is_empty() {
            s.get(S::these_tags).to_string()
        } else {
            format!("“{}”", q.trim())
        };
        s.fill(S::search_none, &[("what", &what)])
    } else if let Some(total) = total {
        s.count(S::found, total as u64)
    } else {
        s.fill(S::found_at_least, &[("n", &s.number(count as u64))])
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

/// The result at `place` in the list: its card is drawn again only when the post there, or the
/// words it matched, change. Typing on mostly finds the same posts in the same order, so their
/// cards (and the snippets they fetched) stay as they are. (Leptos' keyed `For` would also keep
/// cards that move, for 4.4 KB more of the search chunk.)
#[component]
fn ResultPlace(shown: RwSignal<Option<Shown>>, place: usize) -> impl IntoView {
    let at = move |s: &Option<Shown>| {
        let (post, matched) = s.as_ref()?.results.get(place)?;
        Some((post.clone(), matched.clone()))
    };
    let drawn = Memo::new(move |_| {
        shown.with(|s| {
            let (post, matched) = s.as_ref()?.results.get(place)?;
            Some((post.slug.clone(), matched.clone()))
        })
    });
    move || {
        // Read, not only tracked: a memo never read is never computed, so it would hear nothing.
        drawn.with(|_| ());
        let (post, matched) = shown.with_untracked(at)?;
        let with_snippet = place < SNIPPETS && !matched.is_empty();
        Some(view! { <ResultCard post matched with_snippet/> })
    }
}

/// A result's card: its title and summary with the matched words marked. For the first results,
/// the words around the match in the post replace the summary once the post's text arrives (it is
/// then in memory for opening the post, too); the card is drawn before, never held for it.
#[component]
fn ResultCard(post: PostSummary, matched: Vec<String>, with_snippet: bool) -> impl IntoView {
    // The post marks the words that matched.
    let link = href(&Route::Post(&post.slug)) + &highlight_query(&matched);
    let lang = post.lang.clone();
    let title = marked(&post.title, &matched);
    let summary = post.summary.clone();
    let text = with_snippet.then(|| {
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
        <li class="post-card" dir=crate::model::text_direction(&lang) lang=lang>
            <h2><A href=link>{title}</A></h2>
            <PostMeta post=post/>
            <p class="summary">{snippet_or_summary}</p>
        </li>
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
