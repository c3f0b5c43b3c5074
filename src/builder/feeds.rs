//! Feeds and discovery: Atom, RSS 2.0 and JSON Feed 1.1 with each post's full content, a sitemap
//! of every route, and `robots.txt` pointing at it. All URLs in them are absolute, so they need
//! the site's `base_url`.

use super::site_files::SiteFiles;
use crate::markdown::{self, escape_html};
use crate::model::{Post, PostSummary, SiteInfo};
use crate::routes::Route;
use anyhow::Result;
use serde::Serialize;

/// How many of the newest posts the feeds carry.
pub const FEED_ENTRIES: usize = 20;
pub const ATOM_FILE: &str = "atom.xml";
pub const RSS_FILE: &str = "rss.xml";
pub const JSON_FEED_FILE: &str = "feed.json";
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";

/// The head tags every page carries so feed readers find the feeds.
pub fn head_tags(site: &SiteInfo) -> String {
    let base = &site.base_path;
    let title = escape_html(&site.title);
    format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title} (Atom)\" href=\"{base}{ATOM_FILE}\">\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{title} (RSS)\" href=\"{base}{RSS_FILE}\">\n\
         <link rel=\"alternate\" type=\"application/feed+json\" title=\"{title} (JSON Feed)\" href=\"{base}{JSON_FEED_FILE}\">\n"
    )
}

/// The site's absolute root URL (`https://example.org/blog/`), if it has a `base_url`.
pub fn site_url(site: &SiteInfo) -> Option<String> {
    let origin = site.base_url.trim_end_matches('/');
    (!origin.is_empty()).then(|| format!("{origin}{}", site.base_path))
}

/// The site's author, or the site's own name when `site.toml` names none: Atom requires an
/// author for every entry.
fn site_authors(site: &SiteInfo) -> Vec<String> {
    let name = if site.author.is_empty() {
        &site.title
    } else {
        &site.author
    };
    vec![name.clone()]
}

/// A post as the feeds show it.
pub struct FeedPost<'a> {
    pub post: &'a Post,
    /// Its summary from the list of all posts.
    pub summary: &'a PostSummary,
}

/// The second output stage: writes the feeds, the sitemap and `robots.txt` at the site's root;
/// `load_post` reads a post's own file (the feeds carry the newest posts in full).
pub fn write_feeds(
    files: &dyn SiteFiles,
    site: &SiteInfo,
    (posts, pages): (&[PostSummary], &[String]),
    load_post: impl Fn(&PostSummary) -> Result<Post>,
) -> Result<()> {
    if site_url(site).is_some() {
        let newest: Vec<&PostSummary> = crate::listing::listed(posts)
            .filter(|p| p.date.is_some())
            .take(FEED_ENTRIES)
            .collect();
        let full = newest
            .iter()
            .map(|summary| load_post(summary))
            .collect::<Result<Vec<Post>>>()?;
        let feed_posts: Vec<FeedPost> = full
            .iter()
            .zip(newest)
            .map(|(post, summary)| FeedPost { post, summary })
            .collect();
        for (file, text) in feed_files(site, &feed_posts)? {
            files.write(file, text.into_bytes())?;
        }
        for (file, xml) in sitemaps(site, (posts, pages), SITEMAP_URLS) {
            files.write(&file, xml.into_bytes())?;
        }
    }
    files.write(ROBOTS_FILE, robots(site).into_bytes())?;
    Ok(())
}

/// The files of this step: (name at the site's root, content). Empty without a `base_url`.
pub fn feed_files(site: &SiteInfo, posts: &[FeedPost]) -> Result<Vec<(&'static str, String)>> {
    let Some(root) = site_url(site) else {
        return Ok(Vec::new());
    };
    let origin = site.base_url.trim_end_matches('/');
    let entries: Vec<Entry> = posts
        .iter()
        .filter(|p| p.summary.date.is_some())
        .take(FEED_ENTRIES)
        .map(|p| Entry::of(site, origin, &root, p))
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    Ok(vec![
        (ATOM_FILE, atom(site, &root, &entries, &updated)),
        (RSS_FILE, rss(site, &root, &entries)),
        (JSON_FEED_FILE, json_feed(site, &root, &entries)?),
    ])
}

/// One feed entry, worked out once for the three formats.
struct Entry {
    url: String,
    title: String,
    summary: String,
    html: String,
    /// RFC 3339.
    published: String,
    updated: String,
    /// `YYYY-MM-DD`, for RSS's date format.
    date: String,
    authors: Vec<String>,
    tags: Vec<String>,
    lang: String,
}

impl Entry {
    fn of(site: &SiteInfo, origin: &str, root: &str, p: &FeedPost) -> Entry {
        let summary = p.summary;
        let html = markdown::absolute_urls(&p.post.html, origin).into_string();
        let date = summary.date.clone().unwrap_or_default();
        let updated = summary.updated.clone().unwrap_or_else(|| date.clone());
        let authors = if summary.authors.is_empty() {
            site_authors(site)
        } else {
            summary.authors.clone()
        };
        Entry {
            url: format!("{root}{}", Route::Post(&summary.slug).path()),
            title: summary.title.clone(),
            summary: summary.summary.clone(),
            html,
            published: format!("{date}T00:00:00Z"),
            updated: format!("{updated}T00:00:00Z"),
            date,
            authors,
            tags: summary.tags.clone(),
            lang: summary.lang.clone(),
        }
    }
}

fn atom(site: &SiteInfo, root: &str, entries: &[Entry], updated: &str) -> String {
    use atom_syndication::{Category, Content, Entry as AtomEntry, Feed, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: mime.map(String::from),
        ..Default::default()
    };
    let date = |d: &str| d.parse().expect("dates are RFC 3339");
    let person = |name: &String| Person {
        name: name.clone(),
        ..Default::default()
    };
    let feed = Feed {
        id: root.to_string(),
        title: Text::plain(site.title.clone()),
        subtitle: (!site.description.is_empty()).then(|| Text::plain(site.description.clone())),
        updated: date(updated),
        authors: site_authors(site).iter().map(person).collect(),
        links: vec![
            link(
                &format!("{root}{ATOM_FILE}"),
                "self",
                Some("application/atom+xml"),
            ),
            link(root, "alternate", Some("text/html")),
        ],
        lang: Some(site.language.clone()),
        entries: entries
            .iter()
            .map(|e| AtomEntry {
                id: e.url.clone(),
                title: Text::plain(e.title.clone()),
                updated: date(&e.updated),
                published: Some(date(&e.published)),
                authors: e.authors.iter().map(person).collect(),
                links: vec![link(&e.url, "alternate", Some("text/html"))],
                categories: e
                    .tags
                    .iter()
                    .map(|t| Category {
                        term: t.clone(),
                        ..Default::default()
                    })
                    .collect(),
                summary: Some(Text::plain(e.summary.clone())),
                content: Some(Content {
                    value: Some(e.html.clone()),
                    content_type: Some("html".into()),
                    lang: Some(e.lang.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    feed.to_string()
}

fn rss(site: &SiteInfo, root: &str, entries: &[Entry]) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::{Category, Channel, Guid, Item};
    let channel = Channel {
        title: site.title.clone(),
        link: root.to_string(),
        // RSS requires a description; the title stands in for a site without one.
        description: if site.description.is_empty() {
            site.title.clone()
        } else {
            site.description.clone()
        },
        language: Some(site.language.clone()),
        last_build_date: entries.first().map(|e| rfc2822(&e.date)),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: format!("{root}{RSS_FILE}"),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Default::default()
            }],
        }),
        items: entries
            .iter()
            .map(|e| Item {
                title: Some(e.title.clone()),
                link: Some(e.url.clone()),
                guid: Some(Guid {
                    value: e.url.clone(),
                    permalink: true,
                }),
                pub_date: Some(rfc2822(&e.date)),
                description: Some(e.summary.clone()),
                content: Some(e.html.clone()),
                categories: e
                    .tags
                    .iter()
                    .map(|t| Category {
                        name: t.clone(),
                        domain: None,
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    channel.to_string()
}

/// `2025-02-04` as RFC 2822 (`Tue, 04 Feb 2025 00:00:00 +0000`), the date format of RSS. Dates
/// come from the build, which checked them; anything else falls back to the Unix epoch. The day
/// keeps its leading zero, as RFC 822 writes it and feed readers expect.
fn rfc2822(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap_or_default()
        .format("%a, %d %b %Y 00:00:00 +0000")
        .to_string()
}

/// JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    summary: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    language: &'a str,
}

fn json_feed(site: &SiteInfo, root: &str, entries: &[Entry]) -> Result<String> {
    let site_authors = site_authors(site);
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &site.title,
        home_page_url: root,
        feed_url: format!("{root}{JSON_FEED_FILE}"),
        description: &site.description,
        language: &site.language,
        authors: site_authors
            .iter()
            .map(|name| JsonAuthor { name })
            .collect(),
        items: entries
            .iter()
            .map(|e| JsonItem {
                id: &e.url,
                url: &e.url,
                title: &e.title,
                content_html: &e.html,
                summary: &e.summary,
                date_published: &e.published,
                date_modified: &e.updated,
                authors: e.authors.iter().map(|name| JsonAuthor { name }).collect(),
                tags: &e.tags,
                language: &e.lang,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&feed)?;
    json.push('\n');
    Ok(json)
}

/// URLs one sitemap file may list (the sitemaps protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap: every route's page ([`Route::all`]: the posts and the standalone pages, whose
/// slugs are `pages`), posts with their last change, as `(file, XML)` pairs. Up to
/// `per_file` URLs it is `sitemap.xml` alone; past that, `sitemap-1.xml`, `sitemap-2.xml`… and
/// `sitemap.xml` is their index. Empty without a `base_url`.
pub fn sitemaps(
    site: &SiteInfo,
    (posts, pages): (&[PostSummary], &[String]),
    per_file: usize,
) -> Vec<(String, String)> {
    let Some(root) = site_url(site) else {
        return Vec::new();
    };
    let by_slug: std::collections::HashMap<&str, &PostSummary> =
        posts.iter().map(|p| (p.slug.as_str(), p)).collect();
    let urls: Vec<(String, Option<String>)> = Route::all(site, posts, pages)
        .into_iter()
        .filter(Route::is_place)
        // An unlisted post has its page, but no search engine is told of it.
        .filter(|route| !matches!(route, Route::Post(slug) if by_slug.get(slug).is_some_and(|p| p.unlisted)))
        .map(|route| {
            let changed = match route {
                Route::Post(slug) => by_slug
                    .get(slug)
                    .and_then(|post| post.updated.clone().or_else(|| post.date.clone())),
                _ => None,
            };
            (format!("{root}{}", route.path()), changed)
        })
        .collect();
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
    let urlset = |urls: &[(String, Option<String>)]| {
        let mut xml = format!("{HEAD}<urlset {NS}>\n");
        for (url, changed) in urls {
            xml.push_str(&format!("  <url><loc>{}</loc>", escape_html(url)));
            if let Some(date) = changed {
                xml.push_str(&format!("<lastmod>{}</lastmod>", escape_html(date)));
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if urls.len() <= per_file {
        return vec![(SITEMAP_FILE.to_string(), urlset(&urls))];
    }
    let mut files = Vec::new();
    let mut index = format!("{HEAD}<sitemapindex {NS}>\n");
    for (n, part) in urls.chunks(per_file.max(1)).enumerate() {
        let file = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            escape_html(&format!("{root}{file}"))
        ));
        files.push((file, urlset(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.push((SITEMAP_FILE.to_string(), index));
    files
}

/// `robots.txt`: everything may be crawled (crawlers that run the app need its data too), and
/// here is the sitemap.
pub fn robots(site: &SiteInfo) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(root) = site_url(site) {
        text.push_str(&format!("\nSitemap: {root}{SITEMAP_FILE}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_dates_know_their_weekday() {
        assert_eq!(rfc2822("2025-02-04"), "Tue, 04 Feb 2025 00:00:00 +0000");
        assert_eq!(rfc2822("1970-01-01"), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822("2000-02-29"), "Tue, 29 Feb 2000 00:00:00 +0000");
        assert_eq!(rfc2822("2026-11-28"), "Sat, 28 Nov 2026 00:00:00 +0000");
    }

    #[test]
    fn a_large_site_gets_a_sitemap_index() {
        let site = SiteInfo {
            title: "T".into(),
            description: String::new(),
            author: String::new(),
            base_url: "https://example.org".into(),
            base_path: "/".into(),
            language: "en".into(),
            posts_per_page: 10,
            nav: vec![],
            comments_endpoint: None,
            strings: Vec::new(),
        };
        let posts: Vec<PostSummary> = (0..5)
            .map(|i| PostSummary::for_test(&format!("p{i}"), Some("2025-01-01"), &[]))
            .collect();
        // Home, 5 posts, a page, tags, categories, the archive and its one year, search, offline:
        // 13 URLs, 4 to a file.
        let pages = ["about".to_string()];
        let files = sitemaps(&site, (&posts, &pages), 4);
        let names: Vec<_> = files.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap-4.xml",
                "sitemap.xml"
            ]
        );
        assert!(files[1].1.contains("<loc>https://example.org/about/</loc>"));
        let index = &files[4].1;
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(index.contains("<loc>https://example.org/sitemap-2.xml</loc>"));
        assert_eq!(files[0].1.matches("<url>").count(), 4);
        assert_eq!(files[3].1.matches("<url>").count(), 1);
        assert_eq!(sitemaps(&site, (&posts, &[]), SITEMAP_URLS).len(), 1);
    }

    #[test]
    fn urls_are_absolute_and_encoded() {
        let site = SiteInfo {
            title: "T".into(),
            description: String::new(),
            author: String::new(),
            base_url: "https://example.org".into(),
            base_path: "/blog/".into(),
            language: "en".into(),
            posts_per_page: 10,
            nav: vec![],
            comments_endpoint: None,
            strings: Vec::new(),
        };
        let posts = [PostSummary::for_test(
            "p",
            Some("2025-01-01"),
            &["street food", "ផ្សារ"],
        )];
        let xml = &sitemaps(&site, (&posts, &[]), SITEMAP_URLS)[0].1;
        for url in [
            "https://example.org/blog/tags/street%20food/",
            "https://example.org/blog/tags/%E1%9E%95%E1%9F%92%E1%9E%9F%E1%9E%B6%E1%9E%9A/",
        ] {
            assert!(xml.contains(&format!("<loc>{url}</loc>")), "{url} in {xml}");
        }
    }
}
