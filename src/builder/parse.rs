//! Stage 2, parse: each post file becomes a [`Post`] on its own, in parallel. Front matter is read
//! by every name Jekyll, Hugo and Zola use, the body's images are matched to collected files, and
//! everything wrong with one file is reported with its line and column. Checks that need the whole
//! site (duplicate slugs, links between posts) wait for [`super::validate`].

use super::assets::Asset;
use super::collect::Collected;
use super::config;
use super::error::Problem;
use super::front_matter::{self, Field, FrontMatter, Moment};
use super::permalink::{self, Parts, Permalink};
use super::protect;
use super::{mdx, shortcodes};
use crate::markdown::{self, Analysis, RenderOptions};
use crate::model::{format_label, Cover, ImageRef, Post, PostSummary, SeriesRef, POST_FORMATS};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A post as read from its file, before the site-wide checks.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct LoadedPost {
    pub path: PathBuf,
    pub post: Post,
    pub draft: bool,
    /// A standalone page (under `pages/`, or `layout: page` / `type: page`), not a post.
    pub is_page: bool,
    pub sort_key: Option<Moment>,
    /// The slug was written in the front matter (`slug:`), not made from the file name or path:
    /// a clash of two such slugs is the author's to settle.
    pub slug_given: bool,
    pub publish: Option<Moment>,
    pub expiry: Option<Moment>,
    /// `/posts/<slug>` links, with their place in the file.
    pub post_links: Vec<(String, usize, usize)>,
    pub warnings: Vec<Problem>,
    /// A protected post's password ([`super::protect`]): it is sealed once its comments are known.
    pub password: Option<String>,
    /// The files of a protected post's photos, which it does not publish.
    pub withheld: Vec<String>,
    /// The files of the content folder it shows or links to, by their published name (an
    /// [`Asset`]'s `image.src`): only files some published post or page uses are published.
    pub uses: BTreeSet<String>,
}

/// What every post needs to know about the site while it is read.
struct PostContext<'a> {
    root: &'a Path,
    default_lang: &'a str,
    assets: &'a BTreeMap<String, Asset>,
    permalink: Option<&'a Permalink>,
    /// Where the site is served (`/`, `/blog/`): the rendered HTML's site links start with it.
    base_path: &'a str,
    /// Passwords of protected posts, by slug (`passwords.toml`).
    passwords: &'a BTreeMap<String, String>,
    /// Authors' names by key (Docusaurus's `authors.yml`).
    author_names: &'a BTreeMap<String, String>,
}

impl PostContext<'_> {
    /// The body as HTML; a protected post's photos drawn as their alt text.
    fn render(
        &self,
        body: &str,
        (images, files): (&BTreeMap<String, ImageRef>, &BTreeMap<String, String>),
        protected: bool,
    ) -> markdown::Rendered {
        let mut opts = RenderOptions::for_site(self.base_path, images.clone());
        opts.files = files.clone();
        opts.withhold_images = protected;
        markdown::render(body, &opts)
    }
}

/// What the posts of `collected` are read with.
fn post_context<'a>(content: &'a Path, collected: &'a Collected) -> PostContext<'a> {
    PostContext {
        root: content,
        default_lang: collected
            .info
            .as_ref()
            .map_or("en", |i| i.language.as_str()),
        assets: &collected.assets,
        permalink: collected.permalink.as_ref(),
        base_path: collected.base_path(),
        passwords: &collected.passwords,
        author_names: &collected.author_names,
    }
}

/// Parses every post file of `collected`, in parallel, keeping their order.
pub fn parse_all(
    content: &Path,
    collected: &Collected,
    progress: bool,
) -> Vec<Result<LoadedPost, Problem>> {
    let context = post_context(content, collected);
    let bar = progress_bar(progress, collected.post_files.len());
    let loaded = collected
        .post_files
        .par_iter()
        .map(|path| {
            let result = load_post(path, &context);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            result
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    loaded
}

fn progress_bar(wanted: bool, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    (wanted && len >= 500 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("reading posts {bar:40} {pos}/{len} {eta}")
                .expect("a valid template"),
        );
        bar
    })
}

/// Posts already parsed, by file, kept by `fieldnotes serve` between rebuilds: parsing is the
/// costliest stage of a build (about 0.7 s of a 10,000-post site), and an edit changes one file.
/// An entry is reused while its file's text and everything else a post is read with (the site's
/// language, its permalink pattern, the media it may point to) are the same. A file whose size
/// and modification time are those it had when it was read, long enough before the read that no
/// write could have come in the same tick of the clock, is not even read again.
#[derive(Default)]
pub struct ParseCache {
    /// What posts were last read with ([`context_key`]); any change empties the cache.
    pub(super) context: u64,
    pub(super) posts: HashMap<PathBuf, Parsed>,
    /// Files read again and files reused by the last run.
    pub parsed: usize,
    pub reused: usize,
}

/// A post as parsed, with the fingerprint of its text and, when it can be trusted, its file's
/// size and modification time.
pub(super) struct Parsed {
    pub(super) stamp: Option<Stamp>,
    pub(super) key: u64,
    pub(super) post: Arc<LoadedPost>,
    /// Its file in the cache folder of `fieldnotes build --incremental` holds it as it is
    /// ([`super::post_cache`]).
    pub(super) stored: bool,
}

/// A post parsed through a [`ParseCache`], shared with it, or what was wrong with its file.
pub type Shared = Result<Arc<LoadedPost>, Problem>;

/// A file's size and modification time.
pub(super) type Stamp = (u64, std::time::SystemTime);

/// How long after its last modification a file's stamp is trusted: longer than the coarsest
/// modification time a file system keeps (two seconds, FAT's), so that a write in the same tick
/// as the read, of the same size, is never missed.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

/// `path`'s stamp, if its file was last modified [`SETTLED`] before now.
fn settled_stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    let age = std::time::SystemTime::now().duration_since(modified).ok()?;
    (age > SETTLED).then_some((meta.len(), modified))
}

/// [`parse_all`] through `cache`: only files whose text changed are parsed again. Failed files
/// are never kept, so fixing one is always seen. Each post is shared with the cache: a caller
/// that lets the cache go first takes them without a copy ([`Arc::unwrap_or_clone`]).
pub fn parse_all_cached(
    content: &Path,
    collected: &Collected,
    cache: &mut ParseCache,
) -> Vec<Shared> {
    let ctx = post_context(content, collected);
    let context = context_key(&ctx);
    if context != cache.context {
        cache.posts.clear();
        cache.context = context;
    }
    let previous = std::mem::take(&mut cache.posts);
    let results: Vec<(Option<Parsed>, bool, Shared)> = collected
        .post_files
        .par_iter()
        .map(|path| {
            let known = previous.get(path);
            let stamp = settled_stamp(path);
            let unread = known.filter(|k| stamp.is_some() && k.stamp == stamp);
            if let Some(known) = unread {
                let kept = Parsed {
                    stamp,
                    key: known.key,
                    post: Arc::clone(&known.post),
                    stored: known.stored,
                };
                return (Some(kept), true, Ok(Arc::clone(&known.post)));
            }
            let text = match read_text(path) {
                Ok(text) => text,
                Err(problem) => return (None, false, Err(problem)),
            };
            let key = text_key(&text);
            let (kept, reused) = match known {
                Some(known) if known.key == key => (Arc::clone(&known.post), true),
                _ => match load_text(path, text, &ctx) {
                    Ok(post) => (Arc::new(post), false),
                    Err(problem) => return (None, false, Err(problem)),
                },
            };
            let result = Ok(Arc::clone(&kept));
            (
                Some(Parsed {
                    stamp,
                    key,
                    post: kept,
                    stored: false,
                }),
                reused,
                result,
            )
        })
        .collect();
    cache.reused = results.iter().filter(|(_, reused, _)| *reused).count();
    cache.parsed = results.len() - cache.reused;
    results
        .into_iter()
        .map(|(kept, _, result)| {
            if let Some(kept) = kept {
                cache.posts.insert(kept.post.path.clone(), kept);
            }
            result
        })
        .collect()
}

/// A fingerprint of a file's text. Not cryptographic: it only tells an edited file from the same
/// file, and a 64-bit SipHash of the bytes does that.
fn text_key(text: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// A fingerprint of what every post is read with besides its own text.
fn context_key(ctx: &PostContext) -> u64 {
    context_hash(ctx, true)
}

/// What the posts of `collected` are read with, as [`context_key`] and as it may be written to
/// disk ([`super::post_cache`]): there the passwords are left out, only which slugs have one is
/// in (a post that has one is never kept on disk), so that no fingerprint of a password is ever
/// written anywhere.
pub(super) fn context_keys(content: &Path, collected: &Collected) -> (u64, u64) {
    let ctx = post_context(content, collected);
    (context_hash(&ctx, true), context_hash(&ctx, false))
}

fn context_hash(ctx: &PostContext, with_passwords: bool) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    ctx.default_lang.hash(&mut hasher);
    ctx.base_path.hash(&mut hasher);
    format!("{:?}", ctx.permalink).hash(&mut hasher);
    if with_passwords {
        ctx.passwords.hash(&mut hasher);
    } else {
        ctx.passwords.keys().for_each(|slug| slug.hash(&mut hasher));
    }
    ctx.author_names.hash(&mut hasher);
    for (path, asset) in ctx.assets {
        path.hash(&mut hasher);
        serde_json::to_string(&asset.image)
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    hasher.finish()
}

/// Reads one post file.
fn load_post(path: &Path, ctx: &PostContext) -> Result<LoadedPost, Problem> {
    load_text(path, read_text(path)?, ctx)
}

/// Reads one post from its file's text.
fn load_text(path: &Path, text: String, ctx: &PostContext) -> Result<LoadedPost, Problem> {
    skip_repository_notes(path, &text)?;
    let doc = front_matter::parse(path, &text)?;
    let front = doc.front;
    let relative = path.strip_prefix(ctx.root).unwrap_or(path);
    let folder = folder_of(relative);
    let title = title_of(path, &front)?;
    let name = FileName::of(path, relative, &front);
    let mut warnings = Vec::new();
    let dates = Dates::of(path, &front, &name, &mut warnings)?;
    let is_page = is_page(relative, &front);
    // A page has no date by nature; only a post without one is worth a word.
    warnings.extend(dates.missing(path).filter(|_| !is_page));
    let slug = slug_of(path, &front, &name)?;
    let aliases = aliases_of(&front, &name, &dates, &slug, ctx.permalink);
    let password = protect::password_of(path, &front, &slug, ctx.passwords)?;
    let body = body_of(path, doc.body, doc.body_line, &mut warnings);
    let analysis = markdown::analyze(&body);
    let place = |offset: usize| {
        let (line, column) = config::line_column(&body, offset);
        (line + doc.body_line - 1, column)
    };
    let media = PostMedia::new(path, &folder, ctx.assets);
    let images = media.images(&analysis, &place, &mut warnings);
    let files = media.files(&analysis, password.is_some(), &mut warnings);
    let post_links = post_links(&analysis, &place);
    let in_drafts_folder = relative.components().any(|c| c.as_os_str() == "_drafts");
    // Rendered once, here: the app, the route pages and the feeds all start from this HTML.
    let rendered = ctx.render(&body, (&images, &files), password.is_some());
    let mut post = Post {
        summary: PostSummary {
            slug,
            title,
            date: dates.date.as_ref().map(|d| d.date.clone()),
            updated: dates.updated.map(|u| u.date),
            tags: without_repeats(&front.tags),
            categories: without_repeats(&front.categories),
            authors: authors_of(&front, ctx.author_names),
            series: front
                .series
                .clone()
                .map(|(name, order)| SeriesRef { name, order }),
            cover: media.cover(front.cover.as_ref(), &mut warnings),
            summary: summary_of(&front, &body, &analysis),
            reading_minutes: markdown::minutes_for_text(&analysis.text),
            lang: lang_of(&front, &analysis.text, password.is_some(), ctx.default_lang),
            file: String::new(),
            aliases,
            bytes: 0,
            comments: 0,
            pinned: front.pinned,
            protected: false,
            unlisted: front.unlisted,
            format: format_of(path, &front, &mut warnings),
            translation_of: front.translation_of.clone(),
        },
        html: rendered.html,
        toc: rendered.headings,
        text: analysis.text.into_boxed_str().into_string(),
        images,
        extra: front.extra,
        sealed: None,
    };
    let withheld = withhold_photos(path, &mut post, password.is_some(), &mut warnings);
    let uses = uses_of(&post, files);
    Ok(LoadedPost {
        path: path.to_path_buf(),
        post,
        draft: front.draft || in_drafts_folder,
        is_page,
        sort_key: dates.date,
        slug_given: front.slug.is_some(),
        publish: dates.publish,
        expiry: dates.expiry,
        post_links,
        warnings,
        password,
        withheld,
        uses,
    })
}

/// The post's authors, each by the name a Docusaurus `authors.yml` gives its key, else as written.
fn authors_of(front: &FrontMatter, names: &BTreeMap<String, String>) -> Vec<String> {
    front
        .authors
        .iter()
        .map(|a| names.get(a).unwrap_or(a).clone())
        .collect()
}

/// The published names of the files a post shows (its images and cover, as they stand after
/// a protected post's are withheld) and links to.
fn uses_of(post: &Post, files: BTreeMap<String, String>) -> BTreeSet<String> {
    post.images
        .values()
        .chain(post.summary.cover.as_ref().map(|c| &c.image))
        .map(|image| image.src.clone())
        .chain(files.into_values())
        .collect()
}

/// The body as Markdown: an `.mdx` file's read as Markdown ([`mdx`], with a word on what was
/// dropped), then the template tags of other engines converted and admonitions made block quotes
/// ([`shortcodes`]).
fn body_of(path: &Path, body: &str, body_line: usize, warnings: &mut Vec<Problem>) -> String {
    let is_mdx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mdx"));
    if !is_mdx {
        return shortcodes::admonitions(&shortcodes::convert(body));
    }
    let converted = mdx::convert(body);
    if let Some((message, line, column)) = &converted.not_mdx {
        warnings.push(
            Problem::new(
                path,
                format!("not valid MDX ({message}); read as Markdown"),
                "if this file is plain Markdown, name it .md",
            )
            .warning()
            .at(line + body_line - 1, *column),
        );
    }
    if let Some(report) = converted.report() {
        warnings.push(
            Problem::new(
                path,
                report,
                "what a component or script drew is not on the page; write what matters of it in Markdown",
            )
            .warning(),
        );
    }
    shortcodes::admonitions(&shortcodes::convert(&converted.body))
}

/// The post's language: its front matter's; else the language of its script when its text is
/// mostly in one that the site's language does not write (a Khmer post on an English blog is
/// `km`), so screen readers and fonts follow; else the site's. A protected post's text says
/// nothing, not even its script.
fn lang_of(front: &FrontMatter, text: &str, protected: bool, site: &str) -> String {
    if let Some(lang) = &front.lang {
        return lang.clone();
    }
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    crate::text::language_of_script(text)
        .filter(|found| !protected && primary(found) != primary(site))
        .map_or_else(|| site.to_string(), str::to_string)
}

/// The post's format when it is one of WordPress's (a standard post has none); another is a
/// warning and left out.
fn format_of(path: &Path, front: &FrontMatter, warnings: &mut Vec<Problem>) -> Option<String> {
    let format = front.format.as_deref()?;
    if format == "standard" {
        return None;
    }
    if format_label(format).is_none() {
        let known: Vec<&str> = POST_FORMATS.iter().map(|(name, _)| *name).collect();
        warnings.push(
            Problem::new(
                path,
                format!("unknown post format: {format}"),
                format!("use one of {}, or leave it out", known.join(", ")),
            )
            .warning(),
        );
        return None;
    }
    Some(format.to_string())
}

/// A protected post's photos are not published: their files, and a warning when it has any.
fn withhold_photos(
    path: &Path,
    post: &mut Post,
    protected: bool,
    warnings: &mut Vec<Problem>,
) -> Vec<String> {
    if !protected || (post.images.is_empty() && post.summary.cover.is_none()) {
        return Vec::new();
    }
    let withheld = protect::withheld_files(post);
    let count = post.images.len() + usize::from(post.summary.cover.is_some());
    warnings.push(
        Problem::new(
            path,
            format!("{count} photo(s) of this protected post are not published: readers see their alt text"),
            "photos cannot be protected yet; leave them out, or publish them in a post that may be public",
        )
        .warning(),
    );
    post.images.clear();
    post.summary.cover = None;
    withheld
}

/// The folder of a post's file in the content folder, with `/` between folders ("" at the top).
fn folder_of(relative: &Path) -> String {
    relative
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// The folder of standalone pages, in the content folder (any depth below it).
pub const PAGES_DIR: &str = "pages";

/// Whether a file is a standalone page rather than a post: it sits under [`PAGES_DIR`], or its
/// front matter says `layout: page` (Jekyll) or `type: page` (Hugo, WordPress exports).
fn is_page(relative: &Path, front: &FrontMatter) -> bool {
    let in_pages = relative
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == PAGES_DIR);
    let says_page = ["layout", "type"]
        .iter()
        .any(|key| front.extra.get(*key).and_then(|v| v.as_str()) == Some("page"));
    in_pages || says_page
}

/// Front matter fields of pages that are not posts: a template to render with, or a section's
/// list settings (Zola, Hugo, Jekyll). A `layout` of a post's kind does not count.
const NOT_A_POST: &[&str] = &[
    "template",
    "layout",
    "paginate_by",
    "sort_by",
    "page_template",
];
const POST_LAYOUTS: &[&str] = &["post", "posts", "single", "article"];

/// The post's title, which it must have. A file without one that names a template or section
/// settings (`template = "latest.html"`) is clearly not a post: a warning, and it is skipped.
fn title_of(path: &Path, front: &FrontMatter) -> Result<String, Problem> {
    match front.title.as_deref() {
        Some(title) if !title.is_empty() => Ok(title.to_string()),
        _ if not_a_post(front).is_some() => {
            let (key, value) = not_a_post(front).expect("checked above");
            Err(Problem::new(
                path,
                format!("skipped: a page with no title and `{key} = {value}` is a template or section page, not a post"),
                "give it a title if it is a post",
            )
            .at(1, 1)
            .warning())
        }
        _ => Err(Problem::new(
            path,
            "the post has no title",
            "add a line to the front matter: title: \"Day 1: Arrival\"",
        )
        .at(2, 1)),
    }
}

/// A warning, and the file skipped, when it is a repository's notes without front matter.
fn skip_repository_notes(path: &Path, text: &str) -> Result<(), Problem> {
    match repository_notes(path) {
        Some(name) if !front_matter::has_front_matter(text) => Err(Problem::new(
            path,
            format!(
                "skipped: {name} has no front matter; it is the repository's notes, not a post"
            ),
            "give it front matter with a title if it is a post",
        )
        .at(1, 1)
        .warning()),
        _ => Ok(()),
    }
}

/// The file's name when it is one of the notes a repository keeps beside a blog (README, LICENSE,
/// …): a Jekyll or Hugo site's folder holds them, and without front matter they are not posts.
fn repository_notes(path: &Path) -> Option<&str> {
    const NOTES: &[&str] = &[
        "README",
        "LICENSE",
        "LICENCE",
        "CHANGELOG",
        "CHANGES",
        "CONTRIBUTING",
        "CODE_OF_CONDUCT",
        "SECURITY",
        "AUTHORS",
        "NOTICE",
    ];
    let name = path.file_name()?.to_str()?;
    let stem = path.file_stem()?.to_str()?;
    NOTES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(stem))
        .then_some(name)
}

/// The field that says a file is a template or section page, with its value.
fn not_a_post(front: &FrontMatter) -> Option<(&str, &serde_json::Value)> {
    NOT_A_POST.iter().find_map(|key| {
        let value = front.extra.get(*key)?;
        let post_layout =
            *key == "layout" && value.as_str().is_some_and(|v| POST_LAYOUTS.contains(&v));
        (!post_layout).then_some((*key, value))
    })
}

/// The file's text; a file that is not UTF-8 is reported where its first bad byte is.
fn read_text(path: &Path) -> Result<String, Problem> {
    let bytes =
        std::fs::read(path).map_err(|e| Problem::new(path, format!("cannot read: {e}"), ""))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
        let (line, column) = config::line_column(valid, offset);
        Problem::new(
            path,
            "the file is not valid UTF-8",
            "save the file as UTF-8 in your editor",
        )
        .at(line, column)
    })
}

/// What the file's name and `path` field say: Jekyll's `2024-03-05-slug.md`, a bundle's folder
/// (`slug/index.md`), or a date-shaped permalink (`2020/03/12/some-post`).
struct FileName<'a> {
    /// The file's name without its extension (the folder's, for `index.md`).
    stem: &'a str,
    date: Option<Moment>,
    slug: &'a str,
    /// The `path`/`permalink` field without slashes and `.html`.
    path_field: Option<&'a str>,
    path_date: Option<Moment>,
}

impl<'a> FileName<'a> {
    fn of(path: &'a Path, relative: &'a Path, front: &'a FrontMatter) -> Self {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let stem = if stem == "index" {
            relative
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|s| s.to_str())
                .unwrap_or(stem)
        } else {
            stem
        };
        let (date, slug) = match front_matter::date_prefix(stem) {
            Some((moment, rest)) if !rest.is_empty() => (Some(moment), rest),
            _ => (None, stem),
        };
        let path_field = front
            .path
            .as_deref()
            .map(|p| p.trim_matches('/').trim_end_matches(".html"));
        let path_date = path_field
            .and_then(front_matter::date_prefix)
            .map(|(m, _)| m);
        FileName {
            stem,
            date,
            slug,
            path_field,
            path_date,
        }
    }
}

/// Every date of a post, checked.
struct Dates {
    /// The front matter's, else the file name's, else the permalink's.
    date: Option<Moment>,
    updated: Option<Moment>,
    publish: Option<Moment>,
    expiry: Option<Moment>,
}

impl Dates {
    fn of(
        path: &Path,
        front: &FrontMatter,
        name: &FileName,
        warnings: &mut Vec<Problem>,
    ) -> Result<Self, Problem> {
        let check = |field: &Option<Field<String>>, label: &str| {
            field
                .as_ref()
                .map(|field| {
                    front_matter::parse_date(&field.value).ok_or_else(|| {
                        Problem::new(
                            path,
                            format!("{label} \"{}\" is not a valid date", field.value),
                            "write dates as YYYY-MM-DD, e.g. 2025-02-03 (a time may follow: 2025-02-03T10:20:00+07:00)",
                        )
                        .at(field.line, field.column)
                    })
                })
                .transpose()
        };
        let from_name = name.date.clone().or(name.path_date.clone());
        // A date the file name or path also gives is the author's intent: an unreadable
        // `date:` (Jekyll accepts `2023-01-29 18:30:22 2023 -0800`) falls back to it.
        let date = match (check(&front.date, "date"), from_name) {
            (Ok(date), from_name) => date.or(from_name),
            (Err(problem), Some(from_name)) => {
                let mut problem = problem.warning();
                problem.message +=
                    &format!("; the date of the file name, {}, is used", from_name.date);
                warnings.push(problem);
                Some(from_name)
            }
            (Err(problem), None) => return Err(problem),
        };
        Ok(Dates {
            date,
            updated: check(&front.updated, "updated")?,
            publish: check(&front.publish_date, "publishDate")?,
            expiry: check(&front.expiry_date, "expiryDate")?,
        })
    }

    /// A warning when the post has no date at all (it is then listed last).
    fn missing(&self, path: &Path) -> Option<Problem> {
        self.date.is_none().then(|| {
            Problem::new(
                path,
                "the post has no date; it is listed last",
                "add a line to the front matter: date: 2025-02-03",
            )
            .at(2, 1)
            .warning()
        })
    }
}

/// Every old address of the post: its `aliases`, its own `path`/`permalink`, and the site's
/// `permalink` pattern filled in; never its address here.
fn aliases_of(
    front: &FrontMatter,
    name: &FileName,
    dates: &Dates,
    slug: &str,
    permalink: Option<&Permalink>,
) -> Vec<String> {
    let here = format!("/posts/{slug}/");
    let own = front.path.as_deref().and_then(permalink::path_alias);
    let pattern = permalink.and_then(|p| {
        p.expand(&Parts {
            date: dates.date.as_ref(),
            slug,
            categories: &front.categories,
            file_stem: name.stem,
        })
    });
    let all = front.aliases.iter().cloned().chain(own).chain(pattern);
    without_repeats(&all.filter(|a| *a != here).collect::<Vec<_>>())
}

/// The post's URL segment: `slug:`, else the last segment of its permalink, else its file name.
fn slug_of(path: &Path, front: &FrontMatter, name: &FileName) -> Result<String, Problem> {
    let slug = match (&front.slug, name.path_field) {
        (Some(slug), _) => slug.trim().to_string(),
        (None, Some(p)) if !p.is_empty() => p.rsplit('/').next().unwrap_or(p).to_string(),
        _ => name.slug.to_string(),
    };
    if slug.is_empty() || !slug.chars().all(crate::text::in_slug) {
        return Err(Problem::new(
            path,
            format!("\"{slug}\" cannot be used as a URL slug"),
            "use letters, digits and hyphens in the file name or the `slug:` field",
        )
        .at(1, 1));
    }
    Ok(slug)
}

/// Matches a post's image URLs to the collected files.
struct PostMedia<'a> {
    path: &'a Path,
    /// The post's folder, relative to the content folder.
    folder: &'a str,
    assets: &'a BTreeMap<String, Asset>,
}

impl<'a> PostMedia<'a> {
    fn new(path: &'a Path, folder: &'a str, assets: &'a BTreeMap<String, Asset>) -> Self {
        PostMedia {
            path,
            folder,
            assets,
        }
    }

    /// The body's images that are files of the site, by the URL written in the Markdown; a
    /// missing one is a warning at its place.
    fn images(
        &self,
        analysis: &Analysis,
        place: &dyn Fn(usize) -> (usize, usize),
        warnings: &mut Vec<Problem>,
    ) -> BTreeMap<String, ImageRef> {
        let mut images = BTreeMap::new();
        for (url, offset) in &analysis.images {
            match resolve_asset(url, self.folder, self.assets) {
                Resolved::Found(asset) => {
                    images.insert(url.clone(), asset.image.clone());
                }
                Resolved::External => {}
                Resolved::Missing(wanted) => {
                    let (line, column) = place(*offset);
                    warnings.push(
                        Problem::new(
                            self.path,
                            format!("image not found: {url} (looked for {wanted})"),
                            "put the file beside the post or in media/, or fix the path",
                        )
                        .at(line, column)
                        .warning(),
                    );
                }
            }
        }
        for (url, offset) in &analysis.unlabelled {
            let (line, column) = place(*offset);
            warnings.push(
                Problem::new(
                    self.path,
                    format!("image without alt text: {url}"),
                    "say what it shows between the brackets, ![a boat on the Mekong at dawn](photo.jpg), for readers who cannot see it",
                )
                .at(line, column)
                .warning(),
            );
        }
        images
    }

    /// The files of the site the body links to (`[the notes](notes.pdf)`, `[full size](a.jpg)`),
    /// by the URL written: their published name. A link that is no file of the site (another
    /// post, a page, another site) is not one. A protected post links to none: its files would be
    /// published in clear, so its links to them are left as written, with a warning.
    fn files(
        &self,
        analysis: &Analysis,
        protected: bool,
        warnings: &mut Vec<Problem>,
    ) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        for (url, _) in &analysis.links {
            if url.starts_with('#') || url.starts_with("/posts/") {
                continue;
            }
            if let Resolved::Found(asset) = resolve_asset(url, self.folder, self.assets) {
                files.insert(url.clone(), asset.image.src.clone());
            }
        }
        if protected && !files.is_empty() {
            warnings.push(
                Problem::new(
                    self.path,
                    format!(
                        "{} file(s) this protected post links to are not published",
                        files.len()
                    ),
                    "files cannot be protected yet; link to them from a post that may be public",
                )
                .warning(),
            );
            files.clear();
        }
        files
    }

    /// The cover named in the front matter (`(src, alt)`), when it is a file of the site.
    fn cover(
        &self,
        cover: Option<&(String, String)>,
        warnings: &mut Vec<Problem>,
    ) -> Option<Cover> {
        let (src, alt) = cover?;
        if alt.trim().is_empty() {
            warnings.push(
                Problem::new(
                    self.path,
                    format!("cover image without alt text: {src}"),
                    "add cover_alt: \"what it shows\" to the front matter, for readers who cannot see it",
                )
                .at(2, 1)
                .warning(),
            );
        }
        match resolve_asset(src, self.folder, self.assets) {
            Resolved::Found(asset) => Some(Cover {
                image: asset.image.clone(),
                alt: alt.clone(),
            }),
            Resolved::External => None,
            Resolved::Missing(wanted) => {
                warnings.push(
                    Problem::new(
                        self.path,
                        format!("cover image not found: {src} (looked for {wanted})"),
                        "fix the path of the cover image",
                    )
                    .at(2, 1)
                    .warning(),
                );
                None
            }
        }
    }
}

/// The `/posts/<slug>` links of a body with their place, for the site-wide link check.
fn post_links(
    analysis: &Analysis,
    place: &dyn Fn(usize) -> (usize, usize),
) -> Vec<(String, usize, usize)> {
    analysis
        .links
        .iter()
        .filter_map(|(url, offset)| {
            let rest = url.strip_prefix("/posts/")?;
            let slug = rest.split(['#', '?']).next()?.trim_end_matches('/');
            let (line, column) = place(*offset);
            (!slug.is_empty()).then(|| (slug.to_string(), line, column))
        })
        .collect()
}

/// The author's `summary:`, else the text before `<!-- more -->`, else the first paragraph.
fn summary_of(front: &FrontMatter, body: &str, analysis: &Analysis) -> String {
    front
        .summary
        .clone()
        .or_else(|| {
            body.find("<!-- more -->")
                .map(|i| collapse_whitespace(&markdown::to_plain_text(&body[..i])))
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| markdown::capped(&analysis.first_paragraph, SUMMARY_WORDS))
}

/// The length of a summary made from the first paragraph, in words (as WordPress's excerpts).
const SUMMARY_WORDS: usize = 55;

/// Where an image URL of a post points.
enum Resolved<'a> {
    Found(&'a Asset),
    /// Another site, or a scheme that is not a file.
    External,
    /// The content-relative path that was looked for.
    Missing(String),
}

/// Finds the file an image URL names: relative to the post's folder, or to the content root for
/// root-relative URLs (`/assets/a.png`, Jekyll's habit).
fn resolve_asset<'a>(url: &str, folder: &str, assets: &'a BTreeMap<String, Asset>) -> Resolved<'a> {
    if url.contains("://") || url.starts_with("//") || url.starts_with("data:") || url.is_empty() {
        return Resolved::External;
    }
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let joined = match url.strip_prefix('/') {
        Some(rooted) => rooted.to_string(),
        None if folder.is_empty() => url.to_string(),
        None => format!("{folder}/{url}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let normalised = parts.join("/");
    // Root-relative URLs may also be relative to a `static/` folder (Hugo) in imported sites.
    let candidates = [normalised.clone(), format!("static/{normalised}")];
    candidates
        .iter()
        .find_map(|c| assets.get(c))
        .map_or(Resolved::Missing(normalised), Resolved::Found)
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `items` in their order, each once.
fn without_repeats(items: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|item| seen.insert(item.as_str()))
        .cloned()
        .collect()
}
