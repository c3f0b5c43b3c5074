//! Every address of a site, defined once for both halves: the app links to routes and draws them,
//! the builder writes one page per route, lists them in the sitemap and points old addresses at
//! them. A route knows its path below the base path, the file a static host serves it from, and
//! what its page says about itself ([`PageHead`]).
//!
//! Also here: the search page's address (`search?q=…&tag=a,b`) and a post's highlight query
//! (`?hl=…`), built and read back the same way everywhere.

use crate::head::PageHead;
use crate::listing;
use crate::model::strings::S;
use crate::model::{
    archive_file, home_file, year_file, PostSummary, SiteInfo, Taxonomy, ARCHIVE_PAGE, DATA_DIR,
};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The folder of the later pages of the home list: `page/2`.
pub const PAGE: &str = "page";
/// The folder of the posts: `posts/{slug}`.
pub const POSTS: &str = "posts";
/// The tags page, and the folder of each tag's page: `tags/{segment}`.
pub const TAGS: &str = "tags";
/// The categories page, and the folder of each category's page: `categories/{segment}`.
pub const CATEGORIES: &str = "categories";
/// The authors page, and the folder of each author's page: `authors/{segment}`.
pub const AUTHORS: &str = "authors";
pub const ARCHIVE: &str = "archive";
pub const SEARCH: &str = "search";
pub const OFFLINE: &str = "offline";
/// The folder of the pages that stand for old addresses made of a query alone: WordPress's
/// short links (`/?p=12` → `moved/p/12/`, [`query_alias_path`]).
pub const MOVED: &str = "moved";
/// The folder copied media are served from, beside the data folder.
pub const MEDIA: &str = "media";
/// The file static hosts answer every other address with.
pub const NOT_FOUND_FILE: &str = "404.html";
/// The service worker's file, at the root of the site so its scope is the whole site: the build
/// writes it and the app registers it.
pub const WORKER_FILE: &str = "sw.js";

/// Characters a path segment keeps as they are; every other byte is percent-encoded, as
/// RFC 3986 allows for the unreserved characters. Non-Latin script is encoded too (browsers
/// show it decoded in the address bar).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// What `encodeURIComponent` leaves alone, so query values read the same as the browser writes.
const COMPONENT: &AsciiSet = &SEGMENT
    .remove(b'!')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// What a browser escapes in a URL's path when it reads one (the URL standard's path set:
/// controls, space, `"`, `<`, `>`, `` ` ``, `{`, `}`; anything not ASCII is escaped too).
const PATH: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A path escaped as the browser escapes it: a valid URL path that names the same file the
/// browser asks for (a list folder named by the category `Day by day`, a Khmer tag).
pub fn url_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// One page of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/` for the first page of the post list, `page/{n}/` for the later ones.
    Home { page: usize },
    /// `posts/{slug}/`.
    Post(&'a str),
    /// `{slug}/`: a standalone page (About), at the top level.
    Page(&'a str),
    /// `tags/`, `categories/`: every term of a taxonomy with its number of posts.
    Terms(Taxonomy),
    /// `tags/{segment}/` (see [`tag_segment`]), then `tags/{segment}/page/{n}/`; the same under
    /// `categories/`.
    Term {
        taxonomy: Taxonomy,
        term: &'a str,
        page: usize,
    },
    /// `archive/`: the years, and the newest year's first posts; `archive/{year}/` for one year
    /// (`archive/undated/` for posts without a date), then `archive/{year}/page/{n}/`: a year of a
    /// busy blog is long, so it comes [`crate::model::ARCHIVE_PAGE`] posts at a time.
    Archive { year: Option<&'a str>, page: usize },
    /// `search/`, with its query in the address ([`SearchQuery`]).
    Search,
    /// `offline/`: what this browser keeps for reading offline.
    Offline,
    /// Any other address; not a place of its own.
    NotFound,
}

impl<'a> Route<'a> {
    /// Every route of a site with these posts (newest first) and standalone pages (their slugs),
    /// the not-found page last: the home list's pages, the posts, the pages, the tags page and
    /// each tag's pages (most used first), the same for categories and (when posts name any)
    /// authors, the archive and each of its years, search and the offline page.
    pub fn all(
        site: &SiteInfo,
        posts: &'a [PostSummary],
        pages: impl IntoIterator<Item = &'a String>,
    ) -> Vec<Route<'a>> {
        let per_page = site.posts_per_page;
        let home_pages = listing::page_count(listing::listed(posts).count(), per_page);
        let mut routes: Vec<Route> = (1..=home_pages).map(|page| Route::Home { page }).collect();
        routes.extend(posts.iter().map(|p| Route::Post(&p.slug)));
        routes.extend(pages.into_iter().map(|slug| Route::Page(slug)));
        for taxonomy in Taxonomy::ALL {
            let terms = listing::terms_by_use(taxonomy, posts);
            // A blog that names no author (most have one, the site's) has no authors page.
            if taxonomy != Taxonomy::Authors || !terms.is_empty() {
                routes.push(Route::Terms(taxonomy));
            }
            for (term, count) in terms {
                let pages = listing::page_count(count, per_page);
                routes.extend((1..=pages).map(|page| Route::Term {
                    taxonomy,
                    term,
                    page,
                }));
            }
        }
        routes.push(Route::Archive {
            year: None,
            page: 1,
        });
        for (year, count) in listing::archive_years(posts) {
            let pages = listing::page_count(count, ARCHIVE_PAGE);
            routes.extend((1..=pages).map(|page| Route::Archive {
                year: Some(year),
                page,
            }));
        }
        routes.extend([Route::Search, Route::Offline, Route::NotFound]);
        routes
    }

    /// Whether the route is an address of its own: in the sitemap, with a canonical URL. Only
    /// the not-found page is not.
    pub fn is_place(&self) -> bool {
        !matches!(self, Route::NotFound)
    }

    /// The route's path below the base path, percent-encoded as it goes into a link: `""` for the
    /// home page, `posts/day-1/`, `tags/street%20food/`; the not-found page's file for that page.
    ///
    /// Every page lives in a folder's `index.html`, so every path but the home page's ends in
    /// `/`: GitHub Pages, S3 and others answer a folder's address without it with a redirect
    /// first, which costs a reader on a slow network one more round trip.
    pub fn path(&self) -> String {
        match self {
            Route::Home { page } if *page <= 1 => String::new(),
            Route::NotFound => NOT_FOUND_FILE.into(),
            _ => format!("{}/", self.segments(encode_segment)),
        }
    }

    /// The path's segments without the trailing slash, each passed through `encode`.
    fn segments(&self, encode: fn(&str) -> String) -> String {
        match self {
            Route::Home { page } => format!("{PAGE}/{page}"),
            Route::Post(slug) => format!("{POSTS}/{}", encode(slug)),
            Route::Page(slug) => encode(slug),
            Route::Terms(taxonomy) => taxonomy.folder().into(),
            Route::Term {
                taxonomy,
                term,
                page,
            } => {
                let folder = format!("{}/{}", taxonomy.folder(), encode(&tag_segment(term)));
                if *page <= 1 {
                    folder
                } else {
                    format!("{folder}/{PAGE}/{page}")
                }
            }
            Route::Archive { year: None, .. } => ARCHIVE.into(),
            Route::Archive {
                year: Some(year),
                page,
            } if *page <= 1 => format!("{ARCHIVE}/{}", encode(year)),
            Route::Archive {
                year: Some(year),
                page,
            } => format!("{ARCHIVE}/{}/{PAGE}/{page}", encode(year)),
            Route::Search => SEARCH.into(),
            Route::Offline => OFFLINE.into(),
            Route::NotFound => NOT_FOUND_FILE.into(),
        }
    }

    /// The route's address under the base path `base` (`/` or `/blog/`), for links.
    pub fn href(&self, base: &str) -> String {
        format!("{base}{}", self.path())
    }

    /// Where the built site holds the route's page, relative to its root: `index.html`,
    /// `posts/day-1/index.html`, `404.html`. Static hosts decode an address before they look for
    /// its file, so the file's folders are the path's segments decoded.
    pub fn file(&self) -> String {
        match self {
            Route::Home { page } if *page <= 1 => "index.html".into(),
            Route::NotFound => NOT_FOUND_FILE.into(),
            _ => format!("{}/index.html", self.segments(|s| s.to_string())),
        }
    }

    /// The key of the list the route's page shows (`home/2.json`; the lists' directory names its
    /// file, [`crate::model::ListDir`]); none for a post or a standalone page (its file is named
    /// by its page and by every link to it, or by the manifest) and for pages that list nothing.
    pub fn data_file(&self) -> Option<String> {
        match self {
            Route::Home { page } => Some(home_file((*page).max(1))),
            Route::Terms(taxonomy) => Some(taxonomy.index_file()),
            Route::Term {
                taxonomy,
                term,
                page,
            } => Some(taxonomy.term_file(&tag_segment(term), (*page).max(1))),
            Route::Archive { year: None, .. } => Some(archive_file()),
            Route::Archive {
                year: Some(year),
                page,
            } => Some(year_file(year, (*page).max(1))),
            Route::Post(_) | Route::Page(_) | Route::Search | Route::Offline | Route::NotFound => {
                None
            }
        }
    }

    /// The page's heading, as its list page shows it (`Tagged “food”`); the post's or page's
    /// title is not known to the route, so their heading is their slug.
    pub fn heading(&self, site: &SiteInfo) -> String {
        let s = site.text();
        let paged = |heading: String, page: usize| {
            if page <= 1 {
                heading
            } else {
                let page = s.number(page as u64);
                s.fill(S::heading_page, &[("heading", &heading), ("page", &page)])
            }
        };
        match self {
            Route::Home { page } if *page <= 1 => site.title.clone(),
            Route::Home { page } => s.fill(S::page_n, &[("page", &s.number(*page as u64))]),
            Route::Post(slug) | Route::Page(slug) => slug.to_string(),
            Route::Terms(taxonomy) => taxonomy.title(s).into(),
            Route::Term {
                taxonomy,
                term,
                page,
            } => paged(taxonomy.term_heading(s, term), *page),
            Route::Archive { year: None, .. } => s.get(S::archive).into(),
            Route::Archive {
                year: Some(year),
                page,
            } => {
                let name = crate::listing::year_name(s, year);
                paged(s.fill(S::archive_year, &[("year", &name)]), *page)
            }
            Route::Search => s.get(S::search).into(),
            Route::Offline => s.get(S::reading_offline).into(),
            Route::NotFound => s.get(S::not_found).into(),
        }
    }

    /// What the page says about itself in the document head; a post's from its summary.
    pub fn head(&self, site: &SiteInfo) -> PageHead {
        let title = match self {
            Route::Home { page } if *page <= 1 => site.title.clone(),
            _ => format!("{} · {}", self.heading(site), site.title),
        };
        PageHead {
            title,
            description: site.description.clone(),
            route: self.is_place().then(|| self.path()),
            og_type: "website",
            noindex: false,
            lang: None,
            alternates: Vec::new(),
        }
    }

    /// A post's head: its title and summary; an unlisted post asks not to be indexed.
    pub fn post_head(post: &PostSummary, site: &SiteInfo) -> PageHead {
        PageHead {
            noindex: post.unlisted,
            lang: Some(post.lang.clone()),
            ..Route::Post(&post.slug).titled(&post.title, &post.summary, "article", site)
        }
    }

    /// A standalone page's head: its title and summary.
    pub fn page_head(page: &crate::model::Page, site: &SiteInfo) -> PageHead {
        PageHead {
            lang: Some(page.lang.clone()),
            ..Route::Page(&page.slug).titled(&page.title, &page.summary, "website", site)
        }
    }

    /// The head of this route for a document of its own title and description.
    fn titled(
        &self,
        title: &str,
        description: &str,
        og_type: &'static str,
        site: &SiteInfo,
    ) -> PageHead {
        PageHead {
            title: format!("{title} · {}", site.title),
            description: description.to_string(),
            route: Some(self.path()),
            og_type,
            noindex: false,
            lang: None,
            alternates: Vec::new(),
        }
    }
}

/// The first segments of the site's own addresses and files, which a standalone page's slug
/// (`/{slug}/`) must not take: the folders of the routes, the data and media folders, and the
/// files every build writes at the top level beside the route pages (feeds, sitemap, host and
/// offline files). Compared without regard to case, as some hosts' file systems do.
pub const RESERVED_SEGMENTS: &[&str] = &[
    PAGE,
    POSTS,
    TAGS,
    CATEGORIES,
    AUTHORS,
    ARCHIVE,
    SEARCH,
    OFFLINE,
    DATA_DIR,
    MEDIA,
    MOVED,
    "icons",
    "index.html",
    NOT_FOUND_FILE,
    WORKER_FILE,
    "shell.html",
    "manifest.webmanifest",
    "favicon.svg",
    "sitemap.xml",
    "robots.txt",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "_headers",
    "_redirects",
];

/// Whether `slug` would put a standalone page where the site has an address or file of its own.
pub fn is_reserved(slug: &str) -> bool {
    RESERVED_SEGMENTS
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(slug))
        || slug.starts_with("sitemap-")
}

/// A tag's segment in `tags/{segment}`, before percent-encoding, which is also the name of its
/// page's folder.
///
/// Not a slug: two tags that differ only in punctuation or case would share one, and a reader's
/// Khmer or Arabic tag would lose its words. Not percent-encoding alone either: a host decodes the
/// address before it looks for the file, so `a%2Fb` would be looked for as `a/b/index.html` (or
/// refused, as some servers refuse encoded slashes), and `%2E%2E` is `..` to every URL parser.
/// So the tag stays as it is, except the characters that cannot be part of one folder name or one
/// path segment (`/`, `\`, `?`, `#`, `%`, control characters) and a leading `.` (`.`, `..`, and a
/// hidden folder that some hosts and upload tools skip), which become `~` and their two hex
/// digits, as does `~` itself so the segment reads back to exactly one tag ([`tag_of_segment`]).
/// The empty tag is `~`. Tags without those characters keep the addresses they always had.
pub fn tag_segment(tag: &str) -> String {
    if tag.is_empty() {
        return "~".into();
    }
    let mut out = String::with_capacity(tag.len());
    for (i, c) in tag.char_indices() {
        let unsafe_here = matches!(
            c,
            '/' | '\\' | '?' | '#' | '%' | '~' | '\0'..='\x1f' | '\x7f'
        ) || (i == 0 && c == '.');
        if unsafe_here {
            out.push_str(&format!("~{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The tag whose segment is `segment` ([`tag_segment`]); accepts the segment still
/// percent-encoded, as an address holds it, or already decoded. `None` when it is not one.
pub fn tag_of_segment(segment: &str) -> Option<String> {
    let segment = decode(segment);
    if segment == "~" {
        return Some(String::new());
    }
    let mut bytes = Vec::with_capacity(segment.len());
    let mut rest = segment.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'~' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    let tag = String::from_utf8(bytes).ok()?;
    // Only the spelling `tag_segment` writes is accepted, so each tag has one address.
    (tag_segment(&tag) == segment).then_some(tag)
}

/// Where the page for an old address that is only a query lives (`p=12` → `moved/p/12/`), below
/// the base path. Static hosts cannot answer by query, so the build writes this page and the app,
/// started at `/?p=12`, asks for it. `None` unless the query is one `key=value` of letters, digits,
/// `-` and `_`.
pub fn query_alias_path(query: &str) -> Option<String> {
    let (key, value) = query.trim_start_matches('?').split_once('=')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    (plain(key) && plain(value)).then(|| format!("{MOVED}/{key}/{value}/"))
}

/// A post's slug as the address holds it, decoded.
pub fn slug_of_segment(segment: &str) -> String {
    decode(segment)
}

/// `%`-escapes decoded; text that is not a valid escape stays as it is.
fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// One path segment, percent-encoded.
fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// One query value, percent-encoded as `encodeURIComponent` would.
fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// A search, as its address holds it: `search?q=…&tag=a,b`. The address is the whole state of
/// the search page, so a search can be shared, reloaded and walked back and forth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words, as typed.
    pub q: String,
    /// Tags every result carries.
    pub tags: Vec<String>,
}

impl SearchQuery {
    pub fn new(q: impl Into<String>, tags: Vec<String>) -> Self {
        SearchQuery { q: q.into(), tags }
    }

    /// The search from the address's decoded `q` and `tag` parameters.
    pub fn from_params(q: Option<String>, tag: Option<String>) -> Self {
        SearchQuery {
            q: q.unwrap_or_default(),
            tags: tags_of(tag.as_deref()),
        }
    }

    /// The search in a query string (`?q=…&tag=…`, the `?` optional), still percent-encoded.
    pub fn parse(query: &str) -> Self {
        let (mut q, mut tag) = (None, None);
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // A form submitted without the app writes spaces as `+`.
            let value = decode(&value.replace('+', " "));
            match key {
                "q" => q = Some(value),
                "tag" => tag = Some(value),
                _ => {}
            }
        }
        Self::from_params(q, tag)
    }

    /// The address below the base path, with empty parts left out: `search`, `search?q=boat`,
    /// `search?q=boat&tag=river%2Cfood`.
    pub fn path(&self) -> String {
        let mut path = format!("{SEARCH}/");
        let mut sep = '?';
        if !self.q.is_empty() {
            path.push_str(&format!("{sep}q={}", encode_component(&self.q)));
            sep = '&';
        }
        if !self.tags.is_empty() {
            path.push_str(&format!(
                "{sep}tag={}",
                encode_component(&self.tags.join(","))
            ));
        }
        path
    }

    /// The address under the base path `base`.
    pub fn href(&self, base: &str) -> String {
        format!("{base}{}", self.path())
    }

    /// The same words with `tag` added to the tags, or taken out when it is there.
    pub fn toggled(&self, tag: &str) -> SearchQuery {
        let tags = if self.tags.iter().any(|t| t == tag) {
            self.tags.iter().filter(|t| *t != tag).cloned().collect()
        } else {
            self.tags.iter().cloned().chain([tag.to_string()]).collect()
        };
        SearchQuery::new(self.q.clone(), tags)
    }
}

/// The tags of a `tag=a,b` parameter, decoded; none for an empty or missing one.
pub fn tags_of(param: Option<&str>) -> Vec<String> {
    param
        .map(|t| {
            t.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// A post's address with the words a search matched, for the post to mark: `?hl=a%20b`, or
/// nothing when there are none.
pub fn highlight_query(words: &[String]) -> String {
    if words.is_empty() {
        String::new()
    } else {
        format!("?hl={}", encode_component(&words.join(" ")))
    }
}

/// The words of a decoded `hl` parameter.
pub fn highlight_words(param: Option<&str>) -> Vec<String> {
    param
        .map(|hl| {
            hl.split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_are_escaped_as_a_browser_escapes_them() {
        assert_eq!(
            url_path("lists/ab/categories/Day by day/1.json"),
            "lists/ab/categories/Day%20by%20day/1.json"
        );
        assert_eq!(
            url_path("lists/ab/tags/ផ្សារ/1.json"),
            "lists/ab/tags/%E1%9E%95%E1%9F%92%E1%9E%9F%E1%9E%B6%E1%9E%9A/1.json"
        );
        assert_eq!(
            url_path("lists/ab/tags/~2F-x_y.z/1.json"),
            "lists/ab/tags/~2F-x_y.z/1.json"
        );
    }

    fn site(base_url: &str, base_path: &str) -> SiteInfo {
        SiteInfo {
            title: "Field".into(),
            description: "Notes".into(),
            base_url: base_url.into(),
            base_path: base_path.into(),
            author: String::new(),
            language: "en".into(),
            posts_per_page: 2,
            nav: vec![],
            comments_endpoint: None,
            strings: Vec::new(),
        }
    }

    #[test]
    fn canonical_urls_join_base_url_base_path_and_route() {
        let s = site("https://example.org/", "/blog/");
        assert_eq!(
            Route::Terms(Taxonomy::Tags)
                .head(&s)
                .canonical(&s)
                .as_deref(),
            Some("https://example.org/blog/tags/")
        );
        assert_eq!(
            Route::Home { page: 1 }.head(&s).canonical(&s).as_deref(),
            Some("https://example.org/blog/")
        );
        assert_eq!(
            Route::Term {
                taxonomy: Taxonomy::Tags,
                term: "street food",
                page: 1
            }
            .head(&s)
            .canonical(&s)
            .as_deref(),
            Some("https://example.org/blog/tags/street%20food/")
        );
        assert_eq!(Route::NotFound.head(&s).canonical(&s), None);
        let local = site("", "/");
        assert_eq!(
            Route::Archive {
                year: None,
                page: 1
            }
            .head(&local)
            .canonical(&local),
            None
        );
    }

    #[test]
    fn titles_name_the_page_then_the_site() {
        let s = site("", "/");
        assert_eq!(Route::Home { page: 1 }.head(&s).title, "Field");
        assert_eq!(Route::Home { page: 3 }.head(&s).title, "Page 3 · Field");
        assert_eq!(
            Route::Home { page: 3 }.head(&s).route.as_deref(),
            Some("page/3/")
        );
        assert_eq!(
            Route::Term {
                taxonomy: Taxonomy::Tags,
                term: "boats",
                page: 1
            }
            .head(&s)
            .title,
            "Tagged “boats” · Field"
        );
        assert_eq!(Route::NotFound.head(&s).title, "Page not found · Field");
        let post = PostSummary::for_test("day-1", Some("2025-01-01"), &[]);
        let head = Route::post_head(&post, &s);
        assert_eq!(head.title, "DAY-1 · Field");
        assert_eq!(head.og_type, "article");
        assert_eq!(head.description, post.summary);
    }

    fn term(taxonomy: Taxonomy, term: &str, page: usize) -> Route<'_> {
        Route::Term {
            taxonomy,
            term,
            page,
        }
    }

    /// Each route has its path, its file, and its link under a base path.
    fn paths_and_files_are(cases: &[(Route, &str, &str)]) {
        for (route, path, file) in cases {
            assert_eq!(route.path(), *path, "{route:?}");
            assert_eq!(route.file(), *file, "{route:?}");
            assert_eq!(route.href("/blog/"), format!("/blog/{path}"));
        }
    }

    #[test]
    fn paths_links_and_files_agree() {
        let tag = |t, page| term(Taxonomy::Tags, t, page);
        let cases = [
            (Route::Home { page: 1 }, "", "index.html"),
            (Route::Home { page: 2 }, "page/2/", "page/2/index.html"),
            (
                Route::Post("day-1"),
                "posts/day-1/",
                "posts/day-1/index.html",
            ),
            (Route::Terms(Taxonomy::Tags), "tags/", "tags/index.html"),
            (tag("food", 1), "tags/food/", "tags/food/index.html"),
            (
                tag("food", 3),
                "tags/food/page/3/",
                "tags/food/page/3/index.html",
            ),
            (tag("a/b", 1), "tags/a~2Fb/", "tags/a~2Fb/index.html"),
            (
                tag("street food", 1),
                "tags/street%20food/",
                "tags/street food/index.html",
            ),
            (
                Route::Archive {
                    year: None,
                    page: 1,
                },
                "archive/",
                "archive/index.html",
            ),
            (
                Route::Archive {
                    year: Some("2024"),
                    page: 1,
                },
                "archive/2024/",
                "archive/2024/index.html",
            ),
            (Route::Search, "search/", "search/index.html"),
            (Route::Offline, "offline/", "offline/index.html"),
            (Route::NotFound, "404.html", "404.html"),
        ];
        paths_and_files_are(&cases);
        assert_eq!(
            tag("street food", 2).data_file().as_deref(),
            Some("tags/street food/2.json")
        );
        assert_eq!(
            Route::Home { page: 1 }.data_file().as_deref(),
            Some("home/1.json")
        );
        assert_eq!(Route::Post("a").data_file(), None);
        let year = |page| Route::Archive {
            year: Some("2024"),
            page,
        };
        assert_eq!(year(2).path(), "archive/2024/page/2/");
        assert_eq!(year(2).file(), "archive/2024/page/2/index.html");
        assert_eq!(year(2).data_file().as_deref(), Some("archive/2024/2.json"));
        assert_eq!(year(2).heading(&site("", "/")), "Archive: 2024, page 2");
    }

    #[test]
    fn pages_and_categories_have_paths_files_and_lists() {
        let category = |t, page| term(Taxonomy::Categories, t, page);
        let cases = [
            (
                Route::Terms(Taxonomy::Categories),
                "categories/",
                "categories/index.html",
            ),
            (
                category("Day by day", 1),
                "categories/Day%20by%20day/",
                "categories/Day by day/index.html",
            ),
            (
                category("Cambodia", 2),
                "categories/Cambodia/page/2/",
                "categories/Cambodia/page/2/index.html",
            ),
            (Route::Page("about"), "about/", "about/index.html"),
        ];
        paths_and_files_are(&cases);
        // The app reads the segments back to the route's own.
        let segment = Route::Page("a b").path();
        assert_eq!(slug_of_segment(segment.trim_end_matches('/')), "a b");
        let path = category("Mekong / Laos", 1).path();
        let segment = path.trim_end_matches('/').rsplit('/').next().unwrap();
        assert_eq!(tag_of_segment(segment).as_deref(), Some("Mekong / Laos"));
        assert_eq!(Route::Page("about").data_file(), None);
        assert_eq!(
            category("Cambodia", 2).data_file().as_deref(),
            Some("categories/Cambodia/2.json")
        );
        assert_eq!(
            Route::Terms(Taxonomy::Categories).data_file().as_deref(),
            Some("categories.json")
        );
        assert_eq!(
            category("Cambodia", 2).heading(&site("", "/")),
            "In “Cambodia”, page 2"
        );
    }

    #[test]
    fn every_tag_has_one_segment_that_reads_back() {
        for tag in [
            "food",
            "a/b",
            "back\\slash",
            ".",
            "..",
            "...",
            ".hidden",
            "",
            "what?",
            "#hash",
            "100%",
            "~home",
            "a~2Fb",
            "street food",
            "ផ្សារ",
            "ملاحظات",
            "tab\there",
            "C++",
        ] {
            let segment = tag_segment(tag);
            assert!(
                !segment.contains(['/', '\\', '?', '#', '%'])
                    && !segment.is_empty()
                    && !segment.starts_with('.'),
                "{tag:?} → {segment:?}"
            );
            assert_eq!(tag_of_segment(&segment).as_deref(), Some(tag), "{segment}");
            let encoded = encode_segment(&segment);
            assert_eq!(tag_of_segment(&encoded).as_deref(), Some(tag), "{encoded}");
        }
        assert_eq!(tag_segment("food"), "food", "plain tags keep their address");
        assert_eq!(tag_segment("ផ្សារ"), "ផ្សារ");
        assert_eq!(tag_segment(".."), "~2E.");
        assert_eq!(tag_segment(".hidden"), "~2Ehidden");
        assert_eq!(tag_segment("a.b"), "a.b");
        assert_ne!(tag_segment("a/b"), tag_segment("a~2Fb"));
        for not_a_segment in ["~2", "~zz", "a~2F~", "a~2f", ".", "a/b", "~2E~2E"] {
            assert_eq!(tag_of_segment(not_a_segment), None, "{not_a_segment}");
        }
    }

    #[test]
    fn a_site_lists_every_route_once() {
        let s = site("https://example.org", "/");
        let mut posts = vec![
            PostSummary::for_test("c", Some("2025-03-01"), &["river", "a/b"]),
            PostSummary::for_test("b", Some("2025-02-01"), &["river"]),
            PostSummary::for_test("a", None, &["river"]),
        ];
        posts[1].categories = vec!["Cambodia".into()];
        let pages = vec!["about".to_string()];
        let no_authors = Route::all(&s, &posts, &pages);
        assert!(
            !no_authors.iter().any(|r| r.path().starts_with("authors")),
            "no author named, no authors page"
        );
        posts[0].authors = vec!["Dara Chan".into()];
        let paths: Vec<String> = Route::all(&s, &posts, &pages)
            .iter()
            .map(Route::path)
            .collect();
        assert_eq!(
            paths,
            [
                "",
                "page/2/",
                "posts/c/",
                "posts/b/",
                "posts/a/",
                "about/",
                "tags/",
                "tags/river/",
                "tags/river/page/2/",
                "tags/a~2Fb/",
                "categories/",
                "categories/Cambodia/",
                "authors/",
                "authors/Dara%20Chan/",
                "archive/",
                "archive/2025/",
                "archive/undated/",
                "search/",
                "offline/",
                "404.html"
            ]
        );
        let places = Route::all(&s, &posts, &pages)
            .iter()
            .filter(|r| r.is_place())
            .count();
        assert_eq!(places, paths.len() - 1);
    }

    #[test]
    fn old_query_addresses_have_a_page_of_their_own() {
        assert_eq!(query_alias_path("?p=12").as_deref(), Some("moved/p/12/"));
        assert_eq!(
            query_alias_path("page_id=7").as_deref(),
            Some("moved/page_id/7/")
        );
        for not_one in ["", "?", "p=", "=1", "p=1&q=2", "p=../x", "q=a%20b"] {
            assert_eq!(query_alias_path(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn page_slugs_may_not_take_the_site_s_own_addresses() {
        for taken in [
            "posts",
            "Tags",
            "categories",
            "authors",
            "data",
            "media",
            "search",
            "sitemap.xml",
            "404.html",
            "sitemap-2.xml",
        ] {
            assert!(is_reserved(taken), "{taken}");
        }
        for free in ["about", "contact", "postscript", "tagsoup"] {
            assert!(!is_reserved(free), "{free}");
        }
        let every_route_folder = [
            PAGE, POSTS, TAGS, CATEGORIES, AUTHORS, ARCHIVE, SEARCH, OFFLINE,
        ];
        assert!(every_route_folder.iter().all(|f| is_reserved(f)));
    }

    #[test]
    fn search_addresses_round_trip() {
        let query = SearchQuery::new("boat & rain", vec!["river".into(), "ផ្សារ".into()]);
        let path = query.path();
        assert_eq!(
            path,
            "search/?q=boat%20%26%20rain&tag=river%2C%E1%9E%95%E1%9F%92%E1%9E%9F%E1%9E%B6%E1%9E%9A"
        );
        assert_eq!(SearchQuery::parse(&path["search/".len()..]), query);
        assert_eq!(SearchQuery::default().path(), "search/");
        assert_eq!(
            SearchQuery::new("", vec!["a".into()]).path(),
            "search/?tag=a"
        );
        assert_eq!(
            SearchQuery::new("it's (ok)!", vec![]).path(),
            "search/?q=it's%20(ok)!"
        );
        assert_eq!(SearchQuery::parse("?q=two+words&x=1").q, "two words");
        assert_eq!(
            SearchQuery::new("x", vec![]).href("/blog/"),
            "/blog/search/?q=x"
        );
    }

    #[test]
    fn tag_lists_toggle_and_parse() {
        assert_eq!(tags_of(Some("a,b,,c")), ["a", "b", "c"]);
        assert!(tags_of(Some("")).is_empty());
        assert!(tags_of(None).is_empty());
        let query = SearchQuery::new("q", vec!["a".into(), "b".into()]);
        assert_eq!(query.toggled("a").tags, ["b"]);
        assert_eq!(query.toggled("c").tags, ["a", "b", "c"]);
        assert_eq!(query.toggled("c").q, "q");
    }

    #[test]
    fn highlights_travel_in_the_post_address() {
        let words = vec!["river".to_string(), "boat".to_string()];
        assert_eq!(highlight_query(&words), "?hl=river%20boat");
        assert_eq!(highlight_query(&[]), "");
        assert_eq!(highlight_words(Some("river  boat")), words);
        assert!(highlight_words(None).is_empty());
    }
}
