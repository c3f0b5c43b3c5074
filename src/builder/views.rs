//! The build's copy of what the app draws on each route: the same elements with the same classes
//! (the header, the post cards, the article, a standalone page, the lists, the footer), so the page
//! a host serves reads without JavaScript, and the app can take it over without anything moving or
//! being painted larger: the largest paint is the static page's ([`super::pages`] writes it into
//! each route's file; the stylesheet keeps the app's own copy hidden until it is drawn).
//!
//! Kept beside the app's views by the browser tests, which compare the head and the visible text
//! of each route before and after the app takes over.

use crate::listing::{self, page_count, posts_label, year_name};
use crate::markdown::{escape_html, reading_label, Heading, Rendered};
use crate::model::{
    comments_label, format_label, human_date, text_direction, Comment, CommentThread, Page,
    PostLink, PostNav, PostSummary, SiteInfo, Taxonomy, Translation, COMMENT_REL, UNDATED,
};
use crate::routes::Route;
use std::fmt::Write as _;

/// The whole visible page: the header, `main` holding `content`, the footer.
pub fn page(site: &SiteInfo, content: &str) -> String {
    format!("{}<main>{content}</main>{}", header(site), footer(site))
}

/// ` lang="…" dir="…"` of the site's language: the header and footer are in it, whatever the
/// language of the post between them (which the document as a whole takes).
fn site_language(site: &SiteInfo) -> String {
    format!(
        " lang=\"{}\" dir=\"{}\"",
        escape_html(&site.language),
        text_direction(&site.language)
    )
}

/// The site's banner, as the app's `SiteHeader` draws it, with a search form that works without
/// JavaScript (the app's display settings and offline mark need it, and are left out).
fn header(site: &SiteInfo) -> String {
    let base = site.base_path.as_str();
    let mut nav = vec![
        (
            Taxonomy::Tags.title().to_string(),
            Route::Terms(Taxonomy::Tags).href(base),
        ),
        (
            "Archive".to_string(),
            Route::Archive {
                year: None,
                page: 1,
            }
            .href(base),
        ),
    ];
    for link in &site.nav {
        let url = if link.url.starts_with('/') {
            format!("{base}{}", link.url.trim_start_matches('/'))
        } else {
            link.url.clone()
        };
        nav.push((link.title.clone(), url));
    }
    let mut html = format!(
        "<header class=\"site-header\"{}><a class=\"site-title\" href=\"{}\">{}</a><nav aria-label=\"Site\"><ul class=\"site-nav\">",
        site_language(site),
        escape_html(&Route::Home { page: 1 }.href(base)),
        escape_html(&site.title)
    );
    for (title, url) in nav {
        let rel = if url.starts_with('/') {
            ""
        } else {
            " rel=\"noopener noreferrer\""
        };
        let _ = write!(
            html,
            "<li><a href=\"{}\"{rel}>{}</a></li>",
            escape_html(&url),
            escape_html(&title)
        );
    }
    let _ = write!(
        html,
        "</ul></nav><form class=\"search-box\" role=\"search\" action=\"{}\" method=\"get\"><label for=\"search-box-page\" class=\"visually-hidden\">Search posts</label><input id=\"search-box-page\" type=\"search\" name=\"q\" placeholder=\"Search posts\" autocomplete=\"off\"></form></header>",
        escape_html(&Route::Search.href(base))
    );
    html
}

fn footer(site: &SiteInfo) -> String {
    format!(
        "<footer class=\"site-footer\"{}><p>Made with Fieldnotes. No trackers, no third parties. <a href=\"{}\">Reading offline</a></p></footer>",
        site_language(site),
        escape_html(&Route::Offline.href(&site.base_path))
    )
}

/// The line under a post's title: date, reading time, update, then its categories and tags.
fn post_meta(base: &str, post: &PostSummary) -> String {
    let mut line = String::new();
    if !post.authors.is_empty() {
        let names: Vec<String> = post
            .authors
            .iter()
            .map(|name| term_link(base, Taxonomy::Authors, name))
            .collect();
        let _ = write!(line, "By {} · ", names.join(", "));
    }
    let mut parts = Vec::new();
    if let Some(date) = &post.date {
        parts.push(time(date));
    }
    // A protected post's length is its own.
    if !post.protected {
        parts.push(reading_label(post.reading_minutes));
    }
    if let Some(updated) = &post.updated {
        parts.push(format!("updated {}", time(updated)));
    }
    line.push_str(&parts.join(" · "));
    let mut html = format!("<div class=\"post-meta\"><p>{line}</p>");
    for taxonomy in [Taxonomy::Categories, Taxonomy::Tags] {
        let terms = taxonomy.terms_of(post);
        if terms.is_empty() {
            continue;
        }
        let _ = write!(
            html,
            "<ul class=\"{}\" aria-label=\"{}\">",
            taxonomy.folder(),
            taxonomy.title()
        );
        for term in terms {
            let _ = write!(html, "<li>{}</li>", term_link(base, taxonomy, term));
        }
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    html
}

/// A link to a tag's or category's first page, as the app draws it.
fn term_link(base: &str, taxonomy: Taxonomy, term: &str) -> String {
    let route = Route::Term {
        taxonomy,
        term,
        page: 1,
    };
    format!(
        "<a class=\"{}\" href=\"{}\">{}</a>",
        term_class(taxonomy),
        escape_html(&route.href(base)),
        escape_html(term)
    )
}

/// The class of a link to a term, as the app gives it: `tag`, `category`.
pub fn term_class(taxonomy: Taxonomy) -> &'static str {
    taxonomy.singular()
}

fn time(date: &str) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape_html(date),
        escape_html(&human_date(date))
    )
}

fn post_href(base: &str, slug: &str) -> String {
    escape_html(&Route::Post(slug).href(base))
}

/// Cards for `posts`: title, meta line, summary, as the app's `PostList`; with `pins` (the home
/// list), a pinned post's card says so.
fn post_list<'a>(base: &str, posts: impl Iterator<Item = &'a PostSummary>, pins: bool) -> String {
    let mut html = String::from("<ul class=\"post-list\">");
    for post in posts {
        let _ = write!(
            html,
            "<li class=\"post-card{}\" lang=\"{}\" dir=\"{}\">{}{}<h2><a href=\"{}\">{}</a></h2>{}<p class=\"summary\">{}</p>{}</li>",
            post.format.as_ref().map(|f| format!(" format-{f}")).unwrap_or_default(),
            escape_html(&post.lang),
            text_direction(&post.lang),
            if pins && post.pinned { PINNED_MARK } else { "" },
            format_mark(post),
            post_href(base, &post.slug),
            escape_html(&post.title),
            post_meta(base, post),
            escape_html(&post.summary),
            comment_count(post.comments)
        );
    }
    html.push_str("</ul>");
    html
}

/// A card's mark of its post's format ("Aside", "Quote"), as the app's `PostList`; nothing for a
/// standard post.
fn format_mark(post: &PostSummary) -> String {
    post.format
        .as_deref()
        .and_then(format_label)
        .map(|label| format!("<p class=\"format\">{label}</p>"))
        .unwrap_or_default()
}

/// What a pinned post's card on the home list says first, as the app's `PostList`.
pub const PINNED_MARK: &str = "<p class=\"pinned\">Pinned</p>";

/// "3 comments" on a post's card, as the app's `PostList`; nothing for none.
fn comment_count(count: u32) -> String {
    if count == 0 {
        return String::new();
    }
    format!("<p class=\"comment-count\">{}</p>", comments_label(count))
}

/// "Newer posts · Page 2 of 5 · Older posts", as the app's `Pagination`.
fn pagination(page: usize, pages: usize, link: impl Fn(usize) -> String) -> String {
    if pages <= 1 {
        return String::new();
    }
    let mut html = String::from("<nav class=\"pagination\" aria-label=\"Pages\">");
    if page > 1 {
        let _ = write!(
            html,
            "<a href=\"{}\" rel=\"prev\">Newer posts</a>",
            escape_html(&link(page - 1))
        );
    }
    let _ = write!(html, "<span>Page {page} of {pages}</span>");
    if page < pages {
        let _ = write!(
            html,
            "<a href=\"{}\" rel=\"next\">Older posts</a>",
            escape_html(&link(page + 1))
        );
    }
    html.push_str("</nav>");
    html
}

/// A page of the home list.
pub fn home(site: &SiteInfo, posts: &[&PostSummary], page: usize) -> String {
    let base = site.base_path.as_str();
    let per_page = site.posts_per_page;
    let pages = page_count(posts.len(), per_page);
    let list = listing::page_of(posts, page, per_page);
    format!(
        "<div class=\"page home\"><h1 class=\"page-title\">{}</h1><p class=\"site-description\">{}</p>{}{}</div>",
        escape_html(&site.title),
        escape_html(&site.description),
        post_list(base, list.iter().copied(), true),
        pagination(page, pages, |n| Route::Home { page: n }.href(base))
    )
}

/// The index of a taxonomy: every term with its number of posts.
pub fn terms(site: &SiteInfo, taxonomy: Taxonomy, posts: &[PostSummary]) -> String {
    let base = site.base_path.as_str();
    let mut html = format!(
        "<div class=\"page {}\"><h1 class=\"page-title\">{}</h1><ul class=\"tag-cloud\">",
        taxonomy.folder(),
        taxonomy.title()
    );
    for (term, count) in listing::terms_by_use(taxonomy, posts) {
        let _ = write!(
            html,
            "<li>{} <span class=\"count\">{}</span></li>",
            term_link(base, taxonomy, term),
            posts_label(count)
        );
    }
    html.push_str("</ul></div>");
    html
}

/// A page of one term's list (`listed` is every post of the term).
pub fn term(
    site: &SiteInfo,
    (taxonomy, term): (Taxonomy, &str),
    listed: &[&PostSummary],
    page: usize,
) -> String {
    let base = site.base_path.as_str();
    let per_page = site.posts_per_page.max(1);
    let pages = page_count(listed.len(), per_page);
    let bytes: u64 = listed.iter().map(|p| p.bytes).sum();
    format!(
        "<div class=\"page {}\"><h1 class=\"page-title\">{}</h1><p class=\"site-description\">{} · <a href=\"{}\">All {}</a></p><div class=\"save-offline\"><button type=\"button\" disabled>Save this {} for offline ({} posts, about {})</button><p class=\"save-status\" role=\"status\"></p></div>{}{}</div>",
        taxonomy.singular(),
        escape_html(&taxonomy.term_heading(term)),
        posts_label(listed.len()),
        escape_html(&Route::Terms(taxonomy).href(base)),
        taxonomy.folder(),
        taxonomy.singular(),
        listed.len(),
        listing::human_bytes(bytes),
        post_list(base, listing::page_of(listed, page, per_page).iter().copied(), false),
        pagination(page, pages, |n| Route::Term { taxonomy, term, page: n }.href(base))
    )
}

/// The archive: its years, then one page of one year's posts by month (`shown`, the page's posts
/// in `posts`, page `page` of `pages`).
pub fn archive(
    site: &SiteInfo,
    years: &[(&str, usize)],
    shown: &str,
    posts: &[PostLink],
    (page, pages): (usize, usize),
) -> String {
    let base = site.base_path.as_str();
    let mut html = String::from(
        "<div class=\"page archive\"><h1 class=\"page-title\">Archive</h1><nav aria-label=\"Years\"><ul class=\"archive-years\">",
    );
    for (year, count) in years {
        let current = if *year == shown {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            html,
            "<li><a href=\"{}\"{current}>{}</a> <span class=\"count\">{count}</span></li>",
            escape_html(
                &Route::Archive {
                    year: Some(year),
                    page: 1
                }
                .href(base)
            ),
            escape_html(&year_name(year))
        );
    }
    html.push_str("</ul></nav><section>");
    if !shown.is_empty() {
        let _ = write!(html, "<h2>{}</h2>", escape_html(&year_name(shown)));
    }
    for month in listing::months(posts) {
        html.push_str("<section>");
        if month.month != UNDATED {
            let _ = write!(
                html,
                "<h3>{}</h3>",
                escape_html(&listing::month_name(&month.month))
            );
        }
        html.push_str("<ul class=\"archive-list\">");
        for link in month.posts {
            let date = link.date.clone().unwrap_or_default();
            let _ = write!(
                html,
                "<li><time datetime=\"{}\">{}</time> <a href=\"{}\">{}</a></li>",
                escape_html(&date),
                escape_html(&human_date(&date)),
                post_href(base, &link.slug),
                escape_html(&link.title)
            );
        }
        html.push_str("</ul></section>");
    }
    html.push_str("</section>");
    html.push_str(&pagination(page, pages, |n| {
        Route::Archive {
            year: Some(shown),
            page: n,
        }
        .href(base)
    }));
    html.push_str("</div>");
    html
}

/// A post: its header, series, contents, article, comments, related posts and neighbours, as
/// the app's post page.
pub fn post(
    site: &SiteInfo,
    summary: &PostSummary,
    rendered: &Rendered,
    nav: &PostNav,
    comments: Option<&CommentThread>,
) -> String {
    let base = site.base_path.as_str();
    let mut html = format!(
        "<article class=\"page post\" lang=\"{}\" dir=\"{}\"><header><h1 class=\"page-title\">{}</h1>{}</header>",
        escape_html(&summary.lang),
        text_direction(&summary.lang),
        escape_html(&summary.title),
        post_meta(base, summary)
    );
    html.push_str(&translations(base, &nav.translations));
    html.push_str(&series_nav(base, summary, nav));
    html.push_str(&contents(&rendered.headings));
    let _ = write!(
        html,
        "<div class=\"prose\">{}</div></article>",
        rendered.html.as_str()
    );
    if let Some(thread) = comments.filter(|t| t.count > 0) {
        html.push_str(&comment_section(thread));
    }
    if !nav.related.is_empty() {
        html.push_str(
            "<nav class=\"related\" aria-label=\"Related posts\"><h2>Related posts</h2><ul>",
        );
        for link in &nav.related {
            let _ = write!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                post_href(base, &link.slug),
                escape_html(&link.title)
            );
        }
        html.push_str("</ul></nav>");
    }
    html.push_str("<nav class=\"post-nav\" aria-label=\"More posts\">");
    for (link, rel, label) in [
        (&nav.newer, "prev", "Newer:"),
        (&nav.older, "next", "Older:"),
    ] {
        if let Some(link) = link {
            let _ = write!(
                html,
                "<a href=\"{}\" rel=\"{rel}\"><span class=\"label\">{label}</span> {}</a>",
                post_href(base, &link.slug),
                escape_html(&link.title)
            );
        }
    }
    html.push_str("</nav>");
    html
}

/// "Read this in ភាសាខ្មែរ, English": the post in other languages, each named in itself, as the
/// app's post page.
fn translations(base: &str, translations: &[Translation]) -> String {
    if translations.is_empty() {
        return String::new();
    }
    let links: Vec<String> = translations
        .iter()
        .map(|t| {
            format!(
                "<a href=\"{}\" hreflang=\"{lang}\" lang=\"{lang}\">{}</a>",
                post_href(base, &t.slug),
                escape_html(&t.name),
                lang = escape_html(&t.lang),
            )
        })
        .collect();
    format!(
        "<p class=\"translations\">Read this in {}</p>",
        links.join(", ")
    )
}

/// The parts of the series a post belongs to, the post itself marked, as the app draws them.
fn series_nav(base: &str, summary: &PostSummary, nav: &PostNav) -> String {
    let (Some(series), false) = (&summary.series, nav.series.is_empty()) else {
        return String::new();
    };
    let position = nav
        .series
        .iter()
        .position(|p| p.slug == summary.slug)
        .map_or(0, |i| i + 1);
    let mut html = String::new();
    let _ = write!(
        html,
        "<nav class=\"series\" aria-label=\"Series\"><p>Part {position} of {} in “{}”</p><ol>",
        nav.series.len(),
        escape_html(&series.name)
    );
    for part in &nav.series {
        let current = if part.slug == summary.slug {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            html,
            "<li{current}><a href=\"{}\">{}</a></li>",
            post_href(base, &part.slug),
            escape_html(&part.title)
        );
    }
    html.push_str("</ol></nav>");
    html
}

/// A post's comments, threaded, as the app's `CommentSection`.
pub fn comment_section(thread: &CommentThread) -> String {
    format!(
        "<section class=\"comments\" id=\"comments\" aria-labelledby=\"comments-heading\"><h2 id=\"comments-heading\">{}</h2>{}</section>",
        comments_label(thread.count),
        comment_list(&thread.comments, "comment-list")
    )
}

/// One level of a thread: each comment, then the list of its replies.
fn comment_list(comments: &[Comment], class: &str) -> String {
    let mut html = format!("<ol class=\"{class}\">");
    for comment in comments {
        let author = match &comment.website {
            Some(site) => format!(
                "<a class=\"comment-author\" href=\"{}\" rel=\"{COMMENT_REL}\">{}</a>",
                escape_html(site),
                escape_html(&comment.author)
            ),
            None => format!(
                "<span class=\"comment-author\">{}</span>",
                escape_html(&comment.author)
            ),
        };
        let _ = write!(
            html,
            "<li id=\"{}\"><article class=\"comment\"><header class=\"comment-meta\">{author} <time datetime=\"{}\">{}</time></header><div class=\"prose\">{}</div></article>",
            escape_html(&comment.anchor()),
            escape_html(&comment.date),
            escape_html(&human_date(comment.day())),
            comment.html.clone()
        );
        if !comment.replies.is_empty() {
            html.push_str(&comment_list(&comment.replies, "comment-replies"));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    html
}

/// A standalone page (About): its title, contents and text, without a post's date, tags or
/// neighbours, as the app's page view.
pub fn standalone(page: &Page, rendered: &Rendered, comments: Option<&CommentThread>) -> String {
    let mut html = format!(
        "<article class=\"page standalone\" lang=\"{}\" dir=\"{}\"><header><h1 class=\"page-title\">{}</h1></header>{}<div class=\"prose\">{}</div></article>",
        escape_html(&page.lang),
        text_direction(&page.lang),
        escape_html(&page.title),
        contents(&rendered.headings),
        rendered.html.as_str()
    );
    if let Some(thread) = comments.filter(|t| t.count > 0) {
        html.push_str(&comment_section(thread));
    }
    html
}

/// The table of contents of a long post (three sections or more), as the app draws it.
fn contents(headings: &[Heading]) -> String {
    if headings.iter().filter(|h| h.level >= 2).count() < 3 {
        return String::new();
    }
    let mut html = String::from("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ul>");
    for h in headings.iter().filter(|h| (2..=3).contains(&h.level)) {
        let _ = write!(
            html,
            "<li class=\"toc-level-{}\"><a href=\"#{}\">{}</a></li>",
            h.level,
            escape_html(&h.id),
            escape_html(&h.text)
        );
    }
    html.push_str("</ul></nav>");
    html
}

/// The search page, which needs JavaScript; its form still sends a search to the app.
pub fn search(site: &SiteInfo) -> String {
    let base = site.base_path.as_str();
    format!(
        "<div class=\"page search\"><h1 class=\"page-title\">Search</h1><p class=\"search-status\">Search runs in your browser and needs JavaScript. Browse <a href=\"{}\">by tag</a> or <a href=\"{}\">the archive</a>.</p></div>",
        escape_html(&Route::Terms(Taxonomy::Tags).href(base)),
        escape_html(&Route::Archive { year: None, page: 1 }.href(base))
    )
}

/// The offline page, which needs JavaScript to save anything.
pub fn offline() -> String {
    "<div class=\"page offline\"><h1 class=\"page-title\">Reading offline</h1><p>Posts you open are kept in your browser for reading offline; saving more needs JavaScript.</p></div>".into()
}

/// The not-found page.
pub fn not_found(site: &SiteInfo) -> String {
    format!(
        "<div class=\"page not-found\"><h1>Page not found</h1><p>There is no page at this address. It may have moved, or the link may be mistyped.</p><p><a href=\"{}\">See all posts</a></p></div>",
        escape_html(&Route::Home { page: 1 }.href(&site.base_path))
    )
}
