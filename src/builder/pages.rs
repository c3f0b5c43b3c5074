//! The first output stage: one HTML file per route ([`crate::routes`]), a page at each old address
//! of a post that sends readers on, and the empty shell the service worker answers navigations
//! with offline.
//!
//! Every page is a copy of Trunk's shell with the page's title, description, canonical link and
//! OpenGraph tags, and its content rendered into `#prerendered`, so it reads without JavaScript
//! and deep links answer 200 on any static host. The app removes `#prerendered` once it has drawn
//! the same page itself. Every page carries a Content-Security-Policy that allows the shell's
//! inline scripts by their hashes (never `unsafe-inline`).

use super::site_files::SiteFiles;
use super::{offline, views};
use crate::head::PageHead;
use crate::listing;
use crate::markdown::{escape_html, Rendered};
use crate::model::strings::S;
use crate::model::ARCHIVE_PAGE;
use crate::model::{
    slug_file, CommentThread, Manifest, Page, Post, PostLink, PostNav, PostSummary, SiteInfo,
    Taxonomy, Theme, DATA_DIR,
};
use crate::routes::Route;
use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// The element of `index.html` that receives each page's content.
pub const PRERENDER_SLOT: &str = r#"<div id="prerendered"></div>"#;
/// How a filled slot starts and ends, so the step can run again on its own output.
const PRERENDER_OPEN: &str = r#"<div id="prerendered">"#;
const PRERENDER_CLOSE: &str = "</div><!--/prerendered-->";
/// The name of the `<meta>` that names a page's data files, relative to the data folder, a line
/// each, the page's own first.
pub const DATA_META: &str = "fieldnotes-data";
/// Marks the head tags this step adds, for the same reason.
const HEAD_OPEN: &str = "<!--fieldnotes:head-->";
const HEAD_CLOSE: &str = "<!--/fieldnotes:head-->";
/// Around the author's look, at the end of the head: after the site's stylesheet.
const THEME_OPEN: &str = "<!--fieldnotes:theme-->";
const THEME_CLOSE: &str = "<!--/fieldnotes:theme-->";

/// The page every route's file is made from.
pub struct Shell {
    /// Trunk's `index.html`, without what an earlier run of this step added.
    pub html: String,
    /// The head tags every page carries (security, installing, feeds).
    pub head: String,
}

impl Shell {
    /// Reads the shell from the built site's `index.html`.
    pub fn read(files: &dyn SiteFiles) -> Result<Shell> {
        let path = files.location("index.html");
        let html = files
            .read("index.html")
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .with_context(|| format!("cannot read the app shell {}", path.display()))?;
        let html = pristine(&html);
        if !html.contains(PRERENDER_SLOT) {
            bail!(
                "{} has no {PRERENDER_SLOT}: put one inside <body>",
                path.display()
            );
        }
        Ok(Shell {
            html,
            head: String::new(),
        })
    }

    /// Links the author's look ([`Theme`]) at the end of the head, after the site's own
    /// stylesheet, and puts the theme's icon in place of the shell's (which is dropped: Trunk
    /// writes a new shell for every build, and a page written from this one has no other).
    pub fn with_theme(&mut self, theme: &Theme, base: &str) {
        let data = format!("{}{DATA_DIR}/", escape_html(base));
        let mut tags = String::new();
        if let Some(icon) = &theme.favicon {
            if let Some(start) = self.html.find("<link rel=\"icon\"") {
                let end = self.html[start..]
                    .find('>')
                    .map_or(self.html.len(), |i| start + i + 1);
                self.html.replace_range(start..end, "");
            }
            tags.push_str(&format!(
                "<link rel=\"icon\" href=\"{data}{}\" type=\"{}\" sizes=\"{}\">",
                escape_html(&icon.src),
                icon.mime,
                icon.sizes
            ));
        }
        if let Some(font) = &theme.font {
            tags.push_str(&format!(
                "<link rel=\"preload\" href=\"{data}{}\" as=\"font\" type=\"{}\" crossorigin>",
                escape_html(&font.src),
                font.mime
            ));
        }
        if let Some(css) = &theme.css {
            tags.push_str(&format!(
                "<link rel=\"stylesheet\" href=\"{data}{}\">",
                escape_html(css)
            ));
        }
        let at = self.html.find("</head>").unwrap_or(self.html.len());
        self.html
            .insert_str(at, &format!("{THEME_OPEN}{tags}{THEME_CLOSE}\n"));
    }

    /// The shell with one page's head tags and content, and the data files the page shows
    /// (relative to the data folder): the page names the first for the app, and has the browser
    /// fetch them all at once, beside the app itself.
    fn page(&self, site: &SiteInfo, head: &PageHead, content: &str, data: &[String]) -> String {
        let base = escape_html(&site.base_path);
        let mut data_tags = String::new();
        // Every data file the page shows, a line each, named for the app: a list's file (named
        // by its hash) is then known without a shard of the lists' directory. No file name holds
        // a line break: a slug is letters, digits and hyphens, and a tag's segment escapes
        // control characters (`routes::tag_segment`).
        if !data.is_empty() {
            data_tags.push_str(&format!(
                "<meta name=\"{DATA_META}\" content=\"{}\">\n",
                escape_html(&data.join("\n"))
            ));
        }
        for file in data {
            data_tags.push_str(&format!(
                "<link rel=\"preload\" href=\"{base}{DATA_DIR}/{}\" as=\"fetch\" crossorigin>\n",
                escape_html(&crate::routes::url_path(file))
            ));
        }
        let tags = format!(
            "{HEAD_OPEN}{}\n{}{data_tags}{HEAD_CLOSE}",
            self.head,
            head_tags(site, head)
        );
        let with_title =
            replace_between(&self.html, "<title>", "</title>", &escape_html(&head.title));
        // The document's language and direction: the post's or page's own, else the site's.
        // (The shell's `<html>` carries no other attribute; its own are replaced, so running
        // the step again on its output changes nothing.)
        let mut out = replace_between(
            &with_title,
            "<html",
            ">",
            &format!(
                " lang=\"{}\" dir=\"{}\"",
                escape_html(head.language(site)),
                head.direction(site)
            ),
        );
        // Right after `<meta charset>`, so the policy applies before any script or style is seen.
        let anchor = out
            .find("<meta charset")
            .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
            .or_else(|| out.find("<head>").map(|i| i + "<head>".len()))
            .unwrap_or(0);
        out.insert_str(anchor, &tags);
        out.replacen(
            PRERENDER_SLOT,
            &format!("{PRERENDER_OPEN}{content}{PRERENDER_CLOSE}"),
            1,
        )
    }
}

/// What the route pages are made from, beside the shell and the manifest.
pub struct Sources<'a> {
    /// Every post's summary, newest first.
    pub posts: &'a [PostSummary],
    /// The standalone pages, in the manifest's order.
    pub pages: &'a [Page],
    /// Each post's links, by slug (from its slug shard).
    pub navs: &'a HashMap<String, PostNav>,
    /// The comments' file of each post and page that has comments, by slug.
    pub comment_files: &'a HashMap<String, String>,
    /// Every list's file, by key (the lists' directory).
    pub list_files: &'a BTreeMap<String, String>,
    /// Reads a post's own file.
    pub load_post: &'a dyn Fn(&PostSummary) -> Result<Post>,
    /// Reads a comments' file.
    pub load_comments: &'a dyn Fn(&str) -> Result<CommentThread>,
}

/// Route pages made by an earlier run, each with a key of everything it is made from, so that a
/// run over an edited site makes again only the pages whose inputs changed (`fieldnotes serve`).
/// A post's or a standalone page's inputs are its data files, all named by their content; a
/// list's page's are the posts it shows ([`Lists::inputs`]); a taxonomy's index, drawn from every
/// post, is drawn each time and keyed by what it draws.
#[derive(Default)]
pub struct PageCache {
    kept: HashMap<String, (u64, Arc<Vec<u8>>)>,
    /// Whether pages are kept for the next run (`false`: a one-off build).
    keep: bool,
    /// Of the last run: route pages made, and route pages reused.
    pub made: usize,
    pub reused: usize,
}

impl PageCache {
    /// A cache that keeps every page it makes for the next run.
    pub fn new() -> PageCache {
        PageCache {
            keep: true,
            ..PageCache::default()
        }
    }

    /// The page `file` of the last run if its key was `key`, else the one `make` makes.
    fn page(
        &mut self,
        (file, key): (&str, u64),
        last: &mut HashMap<String, (u64, Arc<Vec<u8>>)>,
        make: impl FnOnce() -> Result<String>,
    ) -> Result<Arc<Vec<u8>>> {
        let bytes = match last.remove(file) {
            Some((was, bytes)) if was == key => {
                self.reused += 1;
                bytes
            }
            _ => {
                self.made += 1;
                Arc::new(make()?.into_bytes())
            }
        };
        if self.keep {
            self.kept.insert(file.to_string(), (key, bytes.clone()));
        }
        Ok(bytes)
    }
}

/// Writes every route's page, the alias pages and the offline shell into `dist`, reusing the
/// pages of `cache` whose inputs did not change. Returns how many HTML files it wrote.
pub fn write_pages(
    files: &dyn SiteFiles,
    shell: &Shell,
    manifest: &Manifest,
    sources: &Sources,
    cache: &mut PageCache,
) -> Result<usize> {
    let site = &manifest.site;
    // Alias pages first, so a route's own page wins where an old address names the same file.
    let mut written = 0;
    for post in sources.posts {
        let target = Route::Post(&post.slug);
        written += write_alias_pages(files, site, (target, &post.title), &post.aliases)?;
    }
    for page in sources.pages {
        let target = Route::Page(&page.slug);
        written += write_alias_pages(files, site, (target, &page.title), &page.aliases)?;
    }
    let maker = Maker::new(shell, manifest, sources);
    let mut last = std::mem::take(&mut cache.kept);
    (cache.made, cache.reused) = (0, 0);
    for route in Route::all(site, sources.posts, manifest.pages.keys()) {
        let file = route.file();
        let (key, make) = maker.page(&route, &file);
        let page = cache.page((&file, key), &mut last, make)?;
        files.write_shared(&file, page)?;
        written += 1;
    }
    // The shell with no content, for the service worker to answer navigations with offline.
    let empty = shell
        .page(site, &Route::Home { page: 1 }.head(site), "", &[])
        .replacen(
            HEAD_CLOSE,
            &format!("<meta name=\"robots\" content=\"noindex\">\n{HEAD_CLOSE}"),
            1,
        );
    files.write(offline::SHELL_FILE, empty.into_bytes())?;
    Ok(written + 1)
}

/// Makes route pages: looks up what each is made from, keys it, and draws it when asked.
struct Maker<'a> {
    shell: &'a Shell,
    manifest: &'a Manifest,
    sources: &'a Sources<'a>,
    lists: Lists<'a>,
    by_slug: HashMap<&'a str, &'a Page>,
    /// The key of what every page is made from: the shell, its head tags and the site.
    base: u64,
    no_links: PostNav,
}

/// What makes a page, called only when the page must be made.
type Make<'f> = dyn FnOnce() -> Result<String> + 'f;

impl<'a> Maker<'a> {
    fn new(shell: &'a Shell, manifest: &'a Manifest, sources: &'a Sources<'a>) -> Maker<'a> {
        let mut hasher = DefaultHasher::new();
        shell.html.hash(&mut hasher);
        shell.head.hash(&mut hasher);
        serde_json::to_vec(&manifest.site)
            .expect("site info serialises")
            .hash(&mut hasher);
        Maker {
            shell,
            manifest,
            sources,
            lists: Lists::new(sources.posts),
            by_slug: sources.pages.iter().map(|p| (p.slug.as_str(), p)).collect(),
            base: hasher.finish(),
            no_links: PostNav::default(),
        }
    }

    /// The key of a page: the route's file, the data files it names and `more` of its inputs.
    fn key(&self, file: &str, data: &[String], more: impl Hash) -> u64 {
        let mut hasher = DefaultHasher::new();
        (self.base, file, data, more).hash(&mut hasher);
        hasher.finish()
    }

    /// The key of `route`'s page (whose file is `file`), and what makes it.
    fn page(&self, route: &'a Route<'a>, file: &str) -> (u64, Box<Make<'_>>) {
        match *route {
            Route::Page(slug) => self.standalone(slug, file),
            Route::Post(slug) => self.post(slug, file),
            _ => self.list(route, file),
        }
    }

    /// The comments' file of a post or page, if it has comments.
    fn comments(&self, slug: &str) -> Option<String> {
        self.sources.comment_files.get(slug).cloned()
    }

    /// The thread in a comments' file.
    fn thread(&self, file: &Option<String>) -> Result<Option<CommentThread>> {
        file.as_deref()
            .map(|f| (self.sources.load_comments)(f))
            .transpose()
    }

    /// A standalone page's key, and what makes it.
    fn standalone(&self, slug: &str, file: &str) -> (u64, Box<Make<'_>>) {
        let site = &self.manifest.site;
        let page = self.by_slug[slug];
        let file_of_comments = self.comments(slug);
        let mut data = vec![self.manifest.pages[slug].clone()];
        data.extend(file_of_comments.clone());
        let key = self.key(file, &data, ());
        let make = move || {
            let thread = self.thread(&file_of_comments)?;
            let rendered = Rendered {
                html: page.html.clone(),
                headings: Vec::new(),
            };
            let view = views::standalone(site, page, &rendered, thread.as_ref());
            let head = Route::page_head(page, site);
            Ok(self
                .shell
                .page(site, &head, &views::page(site, &view), &data))
        };
        (key, Box::new(make))
    }

    /// A post's page's key, and what makes it.
    fn post(&self, slug: &str, file: &str) -> (u64, Box<Make<'_>>) {
        let (site, sources) = (&self.manifest.site, self.sources);
        let (_, summary) = self.lists.by_slug[slug];
        let nav = sources.navs.get(slug).unwrap_or(&self.no_links);
        let file_of_comments = self.comments(slug);
        // Its links live in its slug shard, and its comments in their own file: fetched at once
        // too.
        let shard = slug_file(slug, self.manifest.slug_shards);
        let mut data = vec![summary.file.clone()];
        data.extend(sources.list_files.get(&shard).cloned());
        data.extend(file_of_comments.clone());
        // What the summary holds beside its post file's content.
        let key = self.key(file, &data, (summary.comments, summary.bytes));
        let make = move || {
            let post = (sources.load_post)(summary)?;
            let rendered = Rendered {
                html: post.html,
                headings: post.toc,
            };
            let thread = self.thread(&file_of_comments)?;
            let view = views::post(site, summary, &rendered, nav, thread.as_ref());
            let head = PageHead {
                alternates: alternates(summary, nav),
                ..Route::post_head(summary, site)
            };
            Ok(self
                .shell
                .page(site, &head, &views::page(site, &view), &data))
        };
        (key, Box::new(make))
    }

    /// A list's page's key (by the posts it shows where they are few, else by what it draws),
    /// and what makes it.
    fn list(&self, route: &'a Route<'a>, file: &str) -> (u64, Box<Make<'_>>) {
        let site = &self.manifest.site;
        let data: Vec<String> = route
            .data_file()
            .and_then(|key| self.sources.list_files.get(&key).cloned())
            .into_iter()
            .collect();
        let (key, drawn) = match self.lists.inputs(route, site) {
            Some(inputs) => (self.key(file, &data, inputs), None),
            None => {
                let drawn = content(route, site, &self.lists);
                (self.key(file, &data, &drawn), Some(drawn))
            }
        };
        let make = move || {
            let content = drawn.unwrap_or_else(|| content(route, site, &self.lists));
            Ok(self.shell.page(site, &route.head(site), &content, &data))
        };
        (key, Box::new(make))
    }
}

/// The posts, looked up the ways the route pages need them.
struct Lists<'a> {
    all: &'a [PostSummary],
    /// The home list's order: the pinned posts first.
    home: Vec<&'a PostSummary>,
    /// Each post with its place in `all`.
    by_slug: HashMap<&'a str, (usize, &'a PostSummary)>,
    /// Each tag's and category's posts.
    by_term: HashMap<(Taxonomy, &'a str), Vec<&'a PostSummary>>,
    by_year: HashMap<&'a str, Vec<&'a PostSummary>>,
    /// The archive's years with their number of posts, newest first.
    years: Vec<(&'a str, usize)>,
}

impl<'a> Lists<'a> {
    fn new(all: &'a [PostSummary]) -> Self {
        let mut lists = Lists {
            all,
            home: listing::home_order(all),
            by_slug: HashMap::new(),
            by_term: HashMap::new(),
            by_year: HashMap::new(),
            years: listing::archive_years(all),
        };
        for (i, post) in all.iter().enumerate() {
            lists.by_slug.insert(&post.slug, (i, post));
            // An unlisted post has its own page, and is in no list.
            if post.unlisted {
                continue;
            }
            for taxonomy in Taxonomy::ALL {
                for term in taxonomy.terms_of(post) {
                    lists
                        .by_term
                        .entry((taxonomy, term))
                        .or_default()
                        .push(post);
                }
            }
            let year = listing::year_of(post.date.as_deref());
            lists.by_year.entry(year).or_default().push(post);
        }
        lists
    }
}

impl<'a> Lists<'a> {
    /// The posts of a term.
    fn of_term<'s>(&'s self, taxonomy: Taxonomy, term: &'s str) -> &'s [&'a PostSummary] {
        self.by_term
            .get(&(taxonomy, term))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The year an archive page shows (`year`, else the newest), and its posts.
    fn of_year<'s>(&'s self, year: Option<&'s str>) -> (&'s str, &'s [&'a PostSummary]) {
        let shown = year
            .or_else(|| self.years.first().map(|(y, _)| *y))
            .unwrap_or("");
        (
            shown,
            self.by_year.get(shown).map_or(&[][..], Vec::as_slice),
        )
    }

    /// The key of what a list's page ([`content`]) draws from beside the site, without drawing
    /// it: how many posts the list has (and their bytes, which a term's page offers to save) and
    /// the posts of the page, each by its file (named by its content), comments and bytes.
    /// `None` for a page drawn from every post (a taxonomy's index).
    fn inputs(&self, route: &Route, site: &SiteInfo) -> Option<u64> {
        let mut hasher = DefaultHasher::new();
        let mut posts = |all: &[&PostSummary], page: usize, per_page: usize| {
            all.len().hash(&mut hasher);
            for post in listing::page_of(all, page, per_page) {
                (&post.file, post.comments, post.bytes).hash(&mut hasher);
            }
        };
        match route {
            Route::Home { page } => posts(&self.home, *page, site.posts_per_page),
            Route::Term {
                taxonomy,
                term,
                page,
            } => {
                let listed = self.of_term(*taxonomy, term);
                posts(listed, *page, site.posts_per_page.max(1));
                listed
                    .iter()
                    .map(|p| p.bytes)
                    .sum::<u64>()
                    .hash(&mut hasher);
            }
            Route::Archive { year, page } => {
                let (shown, of_year) = self.of_year(*year);
                posts(of_year, *page, ARCHIVE_PAGE);
                (&self.years, shown).hash(&mut hasher);
            }
            Route::Search | Route::Offline | Route::NotFound => {}
            Route::Terms(_) | Route::Post(_) | Route::Page(_) => return None,
        }
        Some(hasher.finish())
    }
}

/// Any route's page content: what the app draws there ([`views`]).
fn content(route: &Route, site: &SiteInfo, lists: &Lists) -> String {
    let inner = match route {
        Route::Home { page } => views::home(site, &lists.home, *page),
        Route::Terms(taxonomy) => views::terms(site, *taxonomy, lists.all),
        Route::Term {
            taxonomy,
            term,
            page,
        } => views::term(
            site,
            (*taxonomy, term),
            lists.of_term(*taxonomy, term),
            *page,
        ),
        Route::Archive { year, page } => {
            let (shown, of_year) = lists.of_year(*year);
            let pages = listing::page_count(of_year.len(), ARCHIVE_PAGE);
            let posts: Vec<PostLink> = listing::page_of(of_year, *page, ARCHIVE_PAGE)
                .iter()
                .map(|p| PostLink::to(p))
                .collect();
            views::archive(site, &lists.years, shown, &posts, (*page, pages))
        }
        Route::Search => views::search(site),
        Route::Offline => views::offline(site.text()),
        Route::NotFound => views::not_found(site),
        Route::Post(_) | Route::Page(_) => unreachable!("a post's or page's route is its article"),
    };
    views::page(site, &inner)
}

/// A page at each old address (`aliases`) of a post or a standalone page (its route and title)
/// that sends readers on to it; returns how many.
fn write_alias_pages(
    files: &dyn SiteFiles,
    site: &SiteInfo,
    (route, title): (Route, &str),
    aliases: &[String],
) -> Result<usize> {
    let target = route.href(&site.base_path);
    let mut written = 0;
    for alias in aliases {
        if let Some(file) = alias_file(alias) {
            files.write(&file, redirect_page(site, &target, title).into_bytes())?;
            written += 1;
        }
    }
    Ok(written)
}

/// Where an old URL of a post lives in the built site: `/2019/05/old/` → `2019/05/old/index.html`,
/// `/old.html` as is, `/?p=12` → `moved/p/12/index.html` (for the app to find). `None` for paths that would leave the site or replace a real page.
fn alias_file(alias: &str) -> Option<String> {
    let (path, query) = alias.split_once('?').unwrap_or((alias, ""));
    if path.trim_matches('/').is_empty() {
        let query = query.split('#').next().unwrap_or_default();
        return crate::routes::query_alias_path(query).map(|p| format!("{p}index.html"));
    }
    let clean = path.split('#').next()?.trim_matches('/');
    if clean.is_empty()
        || clean
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty())
    {
        return None;
    }
    if clean == crate::routes::POSTS || clean == crate::model::DATA_DIR {
        return None;
    }
    let relative = if clean.ends_with(".html") || clean.ends_with(".htm") {
        clean.to_string()
    } else {
        format!("{clean}/index.html")
    };
    Some(relative)
}

/// A page that sends readers (and search engines) from an old URL to the post's new one; it
/// works on every static host, without JavaScript. Its empty icon spares the browser a request
/// for `/favicon.ico`, which does not exist and would only answer 404.
fn redirect_page(site: &SiteInfo, target: &str, title: &str) -> String {
    let target = escape_html(target);
    let moved = escape_html(site.text().get(S::moved))
        .replace("{link}", &format!("<a href=\"{target}\">{target}</a>"));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n<p>{moved}</p>\n</body>\n</html>\n",
        escape_html(&site.language),
        crate::model::text_direction(&site.language),
        escape_html(title)
    )
}

/// The shell as Trunk wrote it: anything an earlier run of this step added is taken out.
fn pristine(shell: &str) -> String {
    let mut out = shell.to_string();
    if let (Some(a), Some(b)) = (out.find(HEAD_OPEN), out.find(HEAD_CLOSE)) {
        if a < b {
            out.replace_range(a..b + HEAD_CLOSE.len(), "");
        }
    }
    if let (Some(a), Some(b)) = (out.find(THEME_OPEN), out.find(THEME_CLOSE)) {
        if a < b {
            let end = b + THEME_CLOSE.len();
            let end = if out[end..].starts_with('\n') {
                end + 1
            } else {
                end
            };
            out.replace_range(a..end, "");
        }
    }
    if let Some(a) = out.find(PRERENDER_OPEN) {
        if let Some(b) = out[a..].find(PRERENDER_CLOSE) {
            out.replace_range(a..a + b + PRERENDER_CLOSE.len(), PRERENDER_SLOT);
        }
    }
    out
}

/// A post's languages for search engines, `(language, route)`: its own and its translations';
/// none when it has no translation.
fn alternates(summary: &PostSummary, nav: &PostNav) -> Vec<(String, String)> {
    if nav.translations.is_empty() {
        return Vec::new();
    }
    std::iter::once((summary.lang.clone(), Route::Post(&summary.slug).path()))
        .chain(
            nav.translations
                .iter()
                .map(|t| (t.lang.clone(), Route::Post(&t.slug).path())),
        )
        .collect()
}

/// The tags of one page's head: description, canonical link, OpenGraph.
fn head_tags(site: &SiteInfo, head: &PageHead) -> String {
    let mut tags = String::new();
    let description = escape_html(&head.description);
    tags.push_str(&format!(
        "<meta name=\"description\" content=\"{description}\">\n"
    ));
    if let Some(url) = head.canonical(site) {
        let url = escape_html(&url);
        tags.push_str(&format!("<link rel=\"canonical\" href=\"{url}\">\n"));
        tags.push_str(&format!("<meta property=\"og:url\" content=\"{url}\">\n"));
    }
    tags.push_str(&format!(
        "<meta property=\"og:title\" content=\"{}\">\n",
        escape_html(&head.title)
    ));
    tags.push_str(&format!(
        "<meta property=\"og:description\" content=\"{description}\">\n"
    ));
    tags.push_str(&format!(
        "<meta property=\"og:type\" content=\"{}\">\n",
        head.og_type
    ));
    tags.push_str(&format!(
        "<meta property=\"og:site_name\" content=\"{}\">\n",
        escape_html(&site.title)
    ));
    if head.noindex {
        tags.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    }
    // The page in each of its languages; absolute where the site has a `base_url`.
    for (lang, route) in &head.alternates {
        let url = match site.base_url.is_empty() {
            true => format!("{}{route}", site.base_path),
            false => crate::head::absolute(site, route),
        };
        tags.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
            escape_html(lang),
            escape_html(&url)
        ));
    }
    tags
}

fn replace_between(text: &str, start: &str, end: &str, with: &str) -> String {
    let Some(a) = text.find(start).map(|i| i + start.len()) else {
        return text.to_string();
    };
    let Some(b) = text[a..].find(end).map(|i| a + i) else {
        return text.to_string();
    };
    format!("{}{with}{}", &text[..a], &text[b..])
}

/// The base-path meta tag and the Content-Security-Policy `policy`.
pub fn security_tags(policy: &str, base: &str) -> String {
    format!(
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<meta name=\"fieldnotes-base\" content=\"{}\">",
        escape_html(base)
    )
}

/// The site's Content-Security-Policy: only the site itself, and exactly the shell's inline
/// scripts (by SHA-256), never `unsafe-inline` or `unsafe-eval`.
pub fn content_security_policy(shell: &str, site: &SiteInfo) -> String {
    let mut hashes = String::new();
    let mut rest = shell;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after_open[body_start..].find("</script>") else {
            break;
        };
        let body = &after_open[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after_open[body_start + close..];
    }
    // No third-party scripts, styles, fonts, images or connections; the one exception is the
    // comment intake server the author configured on another origin.
    let comments = site
        .comments_origin()
        .map_or(String::new(), |origin| format!(" {origin}"));
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'{comments}; object-src 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let shell = "<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>x</title></head><body><script type=\"module\">import init from '/a.js';</script><script src=\"/b.js\"></script></body></html>";
        let site: SiteInfo = serde_json::from_str(
            r#"{"title":"T","description":"","base_path":"/","language":"en"}"#,
        )
        .unwrap();
        let out = security_tags(&content_security_policy(shell, &site), "/");
        assert!(out.contains("connect-src 'self';"), "{out}");
        let with_comments = SiteInfo {
            comments_endpoint: Some("https://talk.example.org/api/comments".into()),
            ..site.clone()
        };
        let policy = content_security_policy(shell, &with_comments);
        assert!(
            policy.contains("connect-src 'self' https://talk.example.org;"),
            "{policy}"
        );
        let same_origin = SiteInfo {
            comments_endpoint: Some("/api/comments".into()),
            ..site
        };
        assert!(content_security_policy(shell, &same_origin).contains("connect-src 'self';"));
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest("import init from '/a.js';".as_bytes()));
        assert!(out.contains(&format!("'sha256-{expected}'")), "{out}");
        assert_eq!(out.matches("'sha256-").count(), 1, "{out}");
        assert!(!out.contains("unsafe-inline"));
        assert!(out.contains("<meta name=\"fieldnotes-base\" content=\"/\">"));
    }

    #[test]
    fn replace_between_replaces_only_the_inside() {
        assert_eq!(
            replace_between("<title>a</title>", "<title>", "</title>", "b &amp; c"),
            "<title>b &amp; c</title>"
        );
        assert_eq!(replace_between("none", "<title>", "</title>", "b"), "none");
    }
}
