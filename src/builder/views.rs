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
use crate::model::strings::{Strings, S};
use crate::model::{
    comments_label, format_label, text_direction, Comment, CommentThread, Page, PostLink, PostNav,
    PostSummary, SiteInfo, Taxonomy, Translation, COMMENT_REL, UNDATED,
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
    let s = site.text();
    let mut nav = vec![
        (
            Taxonomy::Tags.title(s).to_string(),
            Route::Terms(Taxonomy::Tags).href(base),
        ),
        (
            s.get(S::archive).to_string(),
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
        "<header class=\"site-header\"{}><a class=\"site-title\" href=\"{}\">{}</a><nav aria-label=\"{}\"><ul class=\"site-nav\">",
        site_language(site),
        escape_html(&Route::Home { page: 1 }.href(base)),
        escape_html(&site.title),
        escape_html(s.get(S::site_nav))
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
        "</ul></nav><form class=\"search-box\" role=\"search\" action=\"{}\" method=\"get\"><label for=\"search-box-page\" class=\"visually-hidden\">{search}</label><input id=\"search-box-page\" type=\"search\" name=\"q\" placeholder=\"{search}\" autocomplete=\"off\"></form></header>",
        escape_html(&Route::Search.href(base)),
        search = escape_html(s.get(S::search_posts))
    );
    html
}

fn footer(site: &SiteInfo) -> String {
    format!(
        "<footer class=\"site-footer\"{}><p>{} <a href=\"{}\">{}</a></p></footer>",
        site_language(site),
        escape_html(site.text().get(S::footer)),
        escape_html(&Route::Offline.href(&site.base_path)),
        escape_html(site.text().get(S::reading_offline))
    )
}

/// The line under a post's title: date, reading time, update, then its categories and tags.
fn post_meta(site: &SiteInfo, post: &PostSummary) -> String {
    let (base, s) = (site.base_path.as_str(), site.text());
    let mut line = String::new();
    if !post.authors.is_empty() {
        let names: Vec<String> = post
            .authors
            .iter()
            .map(|name| term_link(base, Taxonomy::Authors, name))
            .collect();
        let by = escape_html(s.get(S::by)).replace("{names}", &names.join(", "));
        let _ = write!(line, "{by} · ");
    }
    let mut parts = Vec::new();
    if let Some(date) = &post.date {
        parts.push(time(s, date));
    }
    // A protected post's length is its own.
    if !post.protected {
        parts.push(reading_label(s, post.reading_minutes));
    }
    if let Some(updated) = &post.updated {
        parts.push(escape_html(s.get(S::updated)).replace("{date}", &time(s, updated)));
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
            escape_html(taxonomy.title(s))
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

fn time(s: Strings, date: &str) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape_html(date),
        escape_html(&s.date(date))
    )
}

fn post_href(base: &str, slug: &str) -> String {
    escape_html(&Route::Post(slug).href(base))
}

/// Cards for `posts`: title, meta line, summary, as the app's `PostList`; with `pins` (the home
/// list), a pinned post's card says so.
fn post_list<'a>(
    site: &SiteInfo,
    posts: impl Iterator<Item = &'a PostSummary>,
    pins: bool,
) -> String {
    let (base, s) = (site.base_path.as_str(), site.text());
    let mut html = String::from("<ul class=\"post-list\">");
    for post in posts {
        let _ = write!(
            html,
            "<li class=\"post-card{}\" lang=\"{}\" dir=\"{}\">{}{}<h2><a href=\"{}\">{}</a></h2>{}<p class=\"summary\">{}</p>{}</li>",
            post.format.as_ref().map(|f| format!(" format-{f}")).unwrap_or_default(),
            escape_html(&post.lang),
            text_direction(&post.lang),
            if pins && post.pinned { pinned_mark(s) } else { String::new() },
            format_mark(post, s),
            post_href(base, &post.slug),
            escape_html(&post.title),
            post_meta(site, post),
            escape_html(&post.summary),
            comment_count(s, post.comments)
        );
    }
    html.push_str("</ul>");
    html
}

/// A card's mark of its post's format ("Aside", "Quote"), as the app's `PostList`; nothing for a
/// standard post.
fn format_mark(post: &PostSummary, s: Strings) -> String {
    post.format
        .as_deref()
        .and_then(format_label)
        .map(|label| format!("<p class=\"format\">{}</p>", escape_html(s.get(label))))
        .unwrap_or_default()
}

/// What a pinned post's card on the home list says first, as the app's `PostList`.
pub fn pinned_mark(s: Strings) -> String {
    format!("<p class=\"pinned\">{}</p>", escape_html(s.get(S::pinned)))
}

/// "3 comments" on a post's card, as the app's `PostList`; nothing for none.
fn comment_count(s: Strings, count: u32) -> String {
    if count == 0 {
        return String::new();
    }
    format!(
        "<p class=\"comment-count\">{}</p>",
        escape_html(&comments_label(s, count))
    )
}

/// "Newer posts · Page 2 of 5 · Older posts", as the app's `Pagination`.
fn pagination(s: Strings, page: usize, pages: usize, link: impl Fn(usize) -> String) -> String {
    if pages <= 1 {
        return String::new();
    }
    let mut html = format!(
        "<nav class=\"pagination\" aria-label=\"{}\">",
        escape_html(s.get(S::pages_nav))
    );
    if page > 1 {
        let _ = write!(
            html,
            "<a href=\"{}\" rel=\"prev\">{}</a>",
            escape_html(&link(page - 1)),
            escape_html(s.get(S::newer_posts))
        );
    }
    let (n, of) = (s.number(page as u64), s.number(pages as u64));
    let _ = write!(
        html,
        "<span>{}</span>",
        escape_html(&s.fill(S::page_of, &[("page", &n), ("pages", &of)]))
    );
    if page < pages {
        let _ = write!(
            html,
            "<a href=\"{}\" rel=\"next\">{}</a>",
            escape_html(&link(page + 1)),
            escape_html(s.get(S::older_posts))
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
        post_list(site, list.iter().copied(), true),
        pagination(site.text(), page, pages, |n| Route::Home { page: n }.href(base))
    )
}

/// The index of a taxonomy: every term with its number of posts.
pub fn terms(site: &SiteInfo, taxonomy: Taxonomy, posts: &[PostSummary]) -> String {
    let base = site.base_path.as_str();
    let mut html = format!(
        "<div class=\"page {}\"><h1 class=\"page-title\">{}</h1><ul class=\"tag-cloud\">",
        taxonomy.folder(),
        escape_html(taxonomy.title(site.text()))
    );
    for (term, count) in listing::terms_by_use(taxonomy, posts) {
        let _ = write!(
            html,
            "<li>{} <span class=\"count\">{}</span></li>",
            term_link(base, taxonomy, term),
            escape_html(&posts_label(site.text(), count))
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
    let s = site.text();
    let save = s.fill(
        S::save_offline,
        &[
            ("what", taxonomy.this_one(s)),
            ("n", &s.number(listed.len() as u64)),
            ("size", &listing::human_bytes(bytes)),
        ],
    );
    format!(
        "<div class=\"page {}\"><h1 class=\"page-title\">{}</h1><p class=\"site-description\">{} · <a href=\"{}\">{}</a></p><div class=\"save-offline\"><button type=\"button\" disabled>{}</button><p class=\"save-status\" role=\"status\"></p></div>{}{}</div>",
        taxonomy.singular(),
        escape_html(&taxonomy.term_heading(s, term)),
        escape_html(&posts_label(s, listed.len())),
        escape_html(&Route::Terms(taxonomy).href(base)),
        escape_html(taxonomy.all_label(s)),
        escape_html(&save),
        post_list(site, listing::page_of(listed, page, per_page).iter().copied(), false),
        pagination(s, page, pages, |n| Route::Term { taxonomy, term, page: n }.href(base))
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
    let (base, s) = (site.base_path.as_str(), site.text());
    let mut html = format!(
        "<div class=\"page archive\"><h1 class=\"page-title\">{}</h1><nav aria-label=\"{}\"><ul class=\"archive-years\">",
        escape_html(s.get(S::archive)),
        escape_html(s.get(S::years_nav))
    );
    for (year, count) in years {
        let current = if *year == shown {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            html,
            "<li><a href=\"{}\"{current}>{}</a> <span class=\"count\">{}</span></li>",
            escape_html(
                &Route::Archive {
                    year: Some(year),
                    page: 1
                }
                .href(base)
            ),
            escape_html(&year_name(s, year)),
            s.number(*count as u64)
        );
    }
    html.push_str("</ul></nav><section>");
    if !shown.is_empty() {
        let _ = write!(html, "<h2>{}</h2>", escape_html(&year_name(s, shown)));
    }
    for month in listing::months(posts) {
        html.push_str("<section>");
        if month.month != UNDATED {
            let _ = write!(
                html,
                "<h3>{}</h3>",
                escape_html(&listing::month_name(s, &month.month))
            );
        }
        html.push_str("<ul class=\"archive-list\">");
        for link in month.posts {
            let date = link.date.clone().unwrap_or_default();
            let _ = write!(
                html,
                "<li><time datetime=\"{}\">{}</time> <a href=\"{}\">{}</a></li>",
                escape_html(&date),
                escape_html(&s.date(&date)),
                post_href(base, &link.slug),
                escape_html(&link.title)
            );
        }
        html.push_str("</ul></section>");
    }
    html.push_str("</section>");
    html.push_str(&pagination(s, page, pages, |n| {
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
    let (base, s) = (site.base_path.as_str(), site.text());
    let mut html = format!(
        "<article class=\"page post\" lang=\"{}\" dir=\"{}\"><header><h1 class=\"page-title\">{}</h1>{}</header>",
        escape_html(&summary.lang),
        text_direction(&summary.lang),
        escape_html(&summary.title),
        post_meta(site, summary)
    );
    html.push_str(&translations(site, &nav.translations));
    html.push_str(&series_nav(site, summary, nav));
    html.push_str(&contents(s, &rendered.headings));
    let _ = write!(
        html,
        "<div class=\"prose\">{}</div></article>",
        rendered.html.as_str()
    );
    if let Some(thread) = comments.filter(|t| t.count > 0) {
        html.push_str(&comment_section(s, thread));
    }
    if !nav.related.is_empty() {
        let _ = write!(
            html,
            "<nav class=\"related\" aria-label=\"{related}\"><h2>{related}</h2><ul>",
            related = escape_html(s.get(S::related_posts))
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
    let _ = write!(
        html,
        "<nav class=\"post-nav\" aria-label=\"{}\">",
        escape_html(s.get(S::more_posts))
    );
    for (link, rel, label) in [
        (&nav.newer, "prev", escape_html(s.get(S::newer))),
        (&nav.older, "next", escape_html(s.get(S::older))),
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
fn translations(site: &SiteInfo, translations: &[Translation]) -> String {
    let base = site.base_path.as_str();
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
        "<p class=\"translations\">{} {}</p>",
        escape_html(site.text().get(S::read_this_in)),
        links.join(", ")
    )
}

/// The parts of the series a post belongs to, the post itself marked, as the app draws them.
fn series_nav(site: &SiteInfo, summary: &PostSummary, nav: &PostNav) -> String {
    let (base, s) = (site.base_path.as_str(), site.text());
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
        "<nav class=\"series\" aria-label=\"{}\"><p>{}</p><ol>",
        escape_html(s.get(S::series)),
        escape_html(&s.fill(
            S::series_part,
            &[
                ("position", &s.number(position as u64)),
                ("count", &s.number(nav.series.len() as u64)),
                ("name", &series.name),
            ]
        ))
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
pub fn comment_section(s: Strings, thread: &CommentThread) -> String {
    format!(
        "<section class=\"comments\" id=\"comments\" aria-labelledby=\"comments-heading\"><h2 id=\"comments-heading\">{}</h2>{}</section>",
        escape_html(&comments_label(s, thread.count)),
        comment_list(s, &thread.comments, "comment-list")
    )
}

/// One level of a thread: each comment, then the list of its replies.
fn comment_list(s: Strings, comments: &[Comment], class: &str) -> String {
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
            escape_html(&s.date(comment.day())),
            comment.html.clone()
        );
        if !comment.replies.is_empty() {
            html.push_str(&comment_list(s, &comment.replies, "comment-replies"));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    html
}

/// A standalone page (About): its title, contents and text, without a post's date, tags or
/// neighbours, as the app's page view.
pub fn standalone(
    site: &SiteInfo,
    page: &Page,
    rendered: &Rendered,
    comments: Option<&CommentThread>,
) -> String {
    let s = site.text();
    let mut html = format!(
        "<article class=\"page standalone\" lang=\"{}\" dir=\"{}\"><header><h1 class=\"page-title\">{}</h1></header>{}<div class=\"prose\">{}</div></article>",
        escape_html(&page.lang),
        text_direction(&page.lang),
        escape_html(&page.title),
        contents(s, &rendered.headings),
        rendered.html.as_str()
    );
    if let Some(thread) = comments.filter(|t| t.count > 0) {
        html.push_str(&comment_section(s, thread));
    }
    html
}

/// The table of contents of a long post (three sections or more), as the app draws it.
fn contents(s: Strings, headings: &[Heading]) -> String {
    if headings.iter().filter(|h| h.level >= 2).count() < 3 {
        return String::new();
    }
    let mut html = format!(
        "<nav class=\"toc\" aria-label=\"{contents}\"><h2>{contents}</h2><ul>",
        contents = escape_html(s.get(S::contents))
    );
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
    let (base, s) = (site.base_path.as_str(), site.text());
    let link = |href: String, key| {
        format!(
            "<a href=\"{}\">{}</a>",
            escape_html(&href),
            escape_html(s.get(key))
        )
    };
    let browse = escape_html(s.get(S::browse))
        .replace(
            "{tags}",
            &link(Route::Terms(Taxonomy::Tags).href(base), S::by_tag),
        )
        .replace(
            "{archive}",
            &link(
                Route::Archive {
                    year: None,
                    page: 1,
                }
                .href(base),
                S::the_archive,
            ),
        );
    format!(
        "<div class=\"page search\"><h1 class=\"page-title\">{}</h1><p class=\"search-status\">{} {browse}</p></div>",
        escape_html(s.get(S::search)),
        escape_html(s.get(S::search_needs_js)),
    )
}

/// The offline page, which needs JavaScript to save anything.
pub fn offline(s: Strings) -> String {
    format!(
        "<div class=\"page offline\"><h1 class=\"page-title\">{}</h1><p>{}</p></div>",
        escape_html(s.get(S::reading_offline)),
        escape_html(s.get(S::offline_needs_js))
    )
}

/// The not-found page.
pub fn not_found(site: &SiteInfo) -> String {
    let s = site.text();
    format!(
        "<div class=\"page not-found\"><h1>{}</h1><p>{}</p><p><a href=\"{}\">{}</a></p></div>",
        escape_html(s.get(S::not_found)),
        escape_html(s.get(S::not_found_text)),
        escape_html(&Route::Home { page: 1 }.href(&site.base_path)),
        escape_html(s.get(S::see_all_posts))
    )
}
