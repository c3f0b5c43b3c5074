//! The builder: turns a content folder (`site.toml`, Markdown posts, `media/`) into the static data
//! the app reads, as [`crate::model`] types serialised to JSON.
//!
//! A build reads everything, reports every problem it finds at once, and writes only when there
//! are none, atomically, so a failed build leaves the previous output as it was. Output depends on
//! the input alone: the same content gives byte-identical files.

mod assets;
mod config;
mod error;
mod feeds;
mod front_matter;
mod hosting;
mod offline;
mod output;
mod search_index;
mod shortcodes;
mod size_report;
mod stubs;

pub use config::CONFIG_FILE;
pub use error::{Problem, Problems, Severity};
pub use front_matter::{parse as parse_front_matter, parse_date, today};
pub use size_report::{size_report, SizeReport};

pub use feeds::{ATOM_FILE, FEED_ENTRIES, JSON_FEED_FILE, ROBOTS_FILE, RSS_FILE, SITEMAP_FILE};
use front_matter::Moment;
pub use hosting::{HEADERS_FILE, REDIRECTS_FILE};
pub use offline::{Offline, SHELL_FILE, WEB_MANIFEST_FILE, WORKER_FILE};
pub use stubs::{write_stubs, StubOptions, Stubs};

use crate::markdown;
use crate::model::{
    Cover, IndexPage, Manifest, Post, PostSummary, SeriesRef, SiteInfo, FORMAT_VERSION,
    MANIFEST_FILE,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What to build, from where, to where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub out: PathBuf,
    /// Publish drafts too (for previewing).
    pub drafts: bool,
    /// Publish posts whose publication date is still to come.
    pub future: bool,
    /// Publish posts past their expiry date.
    pub expired: bool,
    /// Treat warnings (broken internal links, missing images, posts without a date) as errors.
    pub strict: bool,
    /// The date that decides what is scheduled or expired (`YYYY-MM-DD`); today when `None`.
    pub today: Option<String>,
    /// Show a progress bar while reading posts.
    pub progress: bool,
    /// Serve the site under this path instead of `site.toml`'s `base_path` (`/blog/`).
    pub base_path: Option<String>,
}

/// What a successful build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    pub posts: usize,
    /// Drafts, scheduled and expired posts left out.
    pub skipped: Skipped,
    pub files: usize,
    pub build_id: String,
    pub warnings: Vec<Problem>,
}

/// Posts left out of a build, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub drafts: usize,
    pub scheduled: usize,
    pub expired: usize,
}

/// A parsed, validated site, before it is written.
#[derive(Debug, Clone)]
pub struct Site {
    pub info: SiteInfo,
    /// Newest first; posts without a date last.
    pub posts: Vec<Post>,
    pub skipped: Skipped,
    /// Copied files, by output path relative to the output folder.
    pub media: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Problem>,
}

/// Builds the site in `opts.content` into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Problems> {
    let site = load_site(opts)?;
    let (files, build_id) = render_files(&site);
    output::write_atomically(&opts.out, &files).map_err(|e| {
        Problems::from(Problem::new(
            &opts.out,
            format!("cannot write the output: {e}"),
            "check that the folder is writable",
        ))
    })?;
    Ok(BuildSummary {
        posts: site.posts.len(),
        skipped: site.skipped,
        files: files.len(),
        build_id,
        warnings: site.warnings,
    })
}

/// A post as read from its file, before the site-wide checks.
struct LoadedPost {
    path: PathBuf,
    post: Post,
    draft: bool,
    sort_key: Option<Moment>,
    publish: Option<Moment>,
    expiry: Option<Moment>,
    /// `/posts/<slug>` links, with their place in the file.
    post_links: Vec<(String, usize, usize)>,
    warnings: Vec<Problem>,
}

/// Reads and validates a content folder: every problem of the run, or the site and its warnings.
pub fn load_site(opts: &BuildOptions) -> Result<Site, Problems> {
    let content = &opts.content;
    let mut problems = Vec::new();
    let info = config::load(content)
        .map(|mut info| {
            if let Some(base) = &opts.base_path {
                info.base_path = markdown::with_slashes(base);
            }
            info
        })
        .map_err(|p| problems.push(p))
        .ok();
    let mut files = Vec::new();
    if let Err(e) = walk(content, &mut files) {
        problems.push(Problem::new(
            content,
            format!("cannot read the content folder: {e}"),
            "pass the folder that holds site.toml with --content",
        ));
    }
    let (posts_files, other_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|p| is_post_file(p));
    let other_files: Vec<_> = other_files
        .into_iter()
        .filter(|p| p.strip_prefix(content).ok() != Some(Path::new(CONFIG_FILE)))
        .collect();
    let (assets, asset_problems) = assets::load(content, &other_files);
    problems.extend(asset_problems);

    let default_lang = info
        .as_ref()
        .map_or("en", |i| i.language.as_str())
        .to_string();
    let context = PostContext {
        root: content,
        default_lang: &default_lang,
        assets: &assets,
    };
    let bar = progress_bar(opts.progress, posts_files.len());
    let loaded: Vec<Result<LoadedPost, Problem>> = posts_files
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

    let today = opts.today.clone().unwrap_or_else(today);
    let mut skipped = Skipped::default();
    let mut posts = Vec::new();
    let mut warnings = Vec::new();
    for result in loaded {
        match result {
            Err(problem) => problems.push(problem),
            Ok(post) => {
                if post.draft && !opts.drafts {
                    skipped.drafts += 1;
                } else if !opts.future && post.publish.as_ref().is_some_and(|p| p.date > today) {
                    skipped.scheduled += 1;
                } else if !opts.expired && post.expiry.as_ref().is_some_and(|e| e.date <= today) {
                    skipped.expired += 1;
                } else {
                    posts.push(post);
                }
            }
        }
    }

    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for post in &posts {
        if let Some(first) = seen.insert(&post.post.summary.slug, &post.path) {
            problems.push(
                Problem::new(
                    &post.path,
                    format!(
                        "duplicate slug \"{}\", also used by {}",
                        post.post.summary.slug,
                        first.display()
                    ),
                    "rename one of the files or give one a different `slug:` in its front matter",
                )
                .at(1, 1),
            );
        }
    }
    let slugs: HashSet<&str> = posts.iter().map(|p| p.post.summary.slug.as_str()).collect();
    for post in &posts {
        warnings.extend(post.warnings.iter().cloned());
        for (slug, line, column) in &post.post_links {
            if !slugs.contains(slug.as_str()) {
                warnings.push(
                    Problem::new(
                        &post.path,
                        format!("link to a post that does not exist: /posts/{slug}"),
                        "check the slug (the file name without .md, or its `slug:`), or whether that post is a draft",
                    )
                    .at(*line, *column)
                    .warning(),
                );
            }
        }
    }

    if opts.strict {
        problems.append(&mut warnings);
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        return Err(Problems(problems));
    }
    warnings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    posts.sort_by(|a, b| {
        match (&a.sort_key, &b.sort_key) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.post.summary.slug.cmp(&b.post.summary.slug))
    });
    let media = assets
        .into_values()
        .map(|a| (a.image.src, a.bytes))
        .collect();
    Ok(Site {
        info: info.expect("no problems means the config loaded"),
        posts: posts.into_iter().map(|p| p.post).collect(),
        skipped,
        media,
        warnings,
    })
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

/// Markdown files that are posts: `.md` and `.markdown`, but not section files (`_index.md`).
fn is_post_file(path: &Path) -> bool {
    let is_markdown = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let is_section = path.file_stem().and_then(|s| s.to_str()) == Some("_index");
    is_markdown && !is_section
}

/// What every post needs to know about the site while it is read.
struct PostContext<'a> {
    root: &'a Path,
    default_lang: &'a str,
    assets: &'a BTreeMap<String, assets::Asset>,
}

/// Reads one post file.
fn load_post(path: &Path, ctx: &PostContext) -> Result<LoadedPost, Problem> {
    let bytes =
        std::fs::read(path).map_err(|e| Problem::new(path, format!("cannot read: {e}"), ""))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
        let (line, column) = config::line_column(valid, offset);
        Problem::new(
            path,
            "the file is not valid UTF-8",
            "save the file as UTF-8 in your editor",
        )
        .at(line, column)
    })?;
    let doc = front_matter::parse(path, &text)?;
    let front = doc.front;
    let relative = path.strip_prefix(ctx.root).unwrap_or(path);
    let folder = relative
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let mut warnings = Vec::new();

    let title = front.title.as_deref().unwrap_or("");
    if title.is_empty() {
        return Err(Problem::new(
            path,
            "the post has no title",
            "add a line to the front matter: title: \"Day 1: Arrival\"",
        )
        .at(2, 1));
    }

    // The file's own name, and what it says: Jekyll's `2024-03-05-slug.md`, or a bundle's folder.
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
    let (name_date, name_slug) = match front_matter::date_prefix(stem) {
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

    let check = |field: &front_matter::Field<String>, name: &str| {
        parse_date(&field.value).ok_or_else(|| {
            Problem::new(
                path,
                format!("{name} \"{}\" is not a valid date", field.value),
                "write dates as YYYY-MM-DD, e.g. 2025-02-03 (a time may follow: 2025-02-03T10:20:00+07:00)",
            )
            .at(field.line, field.column)
        })
    };
    let date = match &front.date {
        Some(field) => Some(check(field, "date")?),
        None => name_date.or(path_date),
    };
    if date.is_none() {
        warnings.push(
            Problem::new(
                path,
                "the post has no date; it is listed last",
                "add a line to the front matter: date: 2025-02-03",
            )
            .at(2, 1)
            .warning(),
        );
    }
    let updated = front
        .updated
        .as_ref()
        .map(|f| check(f, "updated"))
        .transpose()?;
    let publish = front
        .publish_date
        .as_ref()
        .map(|f| check(f, "publishDate"))
        .transpose()?;
    let expiry = front
        .expiry_date
        .as_ref()
        .map(|f| check(f, "expiryDate"))
        .transpose()?;

    let slug = match (&front.slug, path_field) {
        (Some(slug), _) => slug.trim().to_string(),
        (None, Some(p)) if !p.is_empty() => p.rsplit('/').next().unwrap_or(p).to_string(),
        _ => name_slug.to_string(),
    };
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err(Problem::new(
            path,
            format!("\"{slug}\" cannot be used as a URL slug"),
            "use letters, digits and hyphens in the file name or the `slug:` field",
        )
        .at(1, 1));
    }

    let body = shortcodes::convert(doc.body);
    let analysis = markdown::analyze(&body);
    let place = |offset: usize| {
        let (line, column) = config::line_column(&body, offset);
        (line + doc.body_line - 1, column)
    };

    let mut images = BTreeMap::new();
    for (url, offset) in &analysis.images {
        match resolve_asset(url, &folder, ctx.assets) {
            Resolved::Found(asset) => {
                images.insert(url.clone(), asset.image.clone());
            }
            Resolved::External => {}
            Resolved::Missing(wanted) => {
                let (line, column) = place(*offset);
                warnings.push(
                    Problem::new(
                        path,
                        format!("image not found: {url} (looked for {wanted})"),
                        "put the file beside the post or in media/, or fix the path",
                    )
                    .at(line, column)
                    .warning(),
                );
            }
        }
    }
    let cover =
        front
            .cover
            .as_ref()
            .and_then(|(src, alt)| match resolve_asset(src, &folder, ctx.assets) {
                Resolved::Found(asset) => Some(Cover {
                    image: asset.image.clone(),
                    alt: alt.clone(),
                }),
                Resolved::External => None,
                Resolved::Missing(wanted) => {
                    warnings.push(
                        Problem::new(
                            path,
                            format!("cover image not found: {src} (looked for {wanted})"),
                            "fix the path of the cover image",
                        )
                        .at(2, 1)
                        .warning(),
                    );
                    None
                }
            });
    let post_links = analysis
        .links
        .iter()
        .filter_map(|(url, offset)| {
            let rest = url.strip_prefix("/posts/")?;
            let slug = rest.split(['#', '?']).next()?.trim_end_matches('/');
            let (line, column) = place(*offset);
            (!slug.is_empty()).then(|| (slug.to_string(), line, column))
        })
        .collect();

    let summary = front
        .summary
        .clone()
        .or_else(|| {
            body.find("<!-- more -->")
                .map(|i| collapse_whitespace(&markdown::to_plain_text(&body[..i])))
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| analysis.first_paragraph.clone());
    let mut tags = front.tags.clone();
    dedup_keep_order(&mut tags);
    let mut categories = front.categories.clone();
    dedup_keep_order(&mut categories);
    let in_drafts_folder = relative.components().any(|c| c.as_os_str() == "_drafts");

    let post = Post {
        summary: PostSummary {
            slug,
            title: title.to_string(),
            date: date.as_ref().map(|d| d.date.clone()),
            updated: updated.map(|u| u.date),
            tags,
            categories,
            authors: front.authors.clone(),
            series: front
                .series
                .clone()
                .map(|(name, order)| SeriesRef { name, order }),
            cover,
            summary,
            reading_minutes: markdown::minutes_for_text(&analysis.text),
            lang: front
                .lang
                .clone()
                .unwrap_or_else(|| ctx.default_lang.to_string()),
            file: String::new(),
            aliases: front.aliases.clone(),
            bytes: 0,
        },
        body,
        images,
        extra: front.extra,
    };
    Ok(LoadedPost {
        path: path.to_path_buf(),
        post,
        draft: front.draft || in_drafts_folder,
        sort_key: date,
        publish,
        expiry,
        post_links,
        warnings,
    })
}

/// Where an image URL of a post points.
enum Resolved<'a> {
    Found(&'a assets::Asset),
    /// Another site, or a scheme that is not a file.
    External,
    /// The content-relative path that was looked for.
    Missing(String),
}

/// Finds the file an image URL names: relative to the post's folder, or to the content root for
/// root-relative URLs (`/assets/a.png`, Jekyll's habit).
fn resolve_asset<'a>(
    url: &str,
    folder: &str,
    assets: &'a BTreeMap<String, assets::Asset>,
) -> Resolved<'a> {
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

fn dedup_keep_order(items: &mut Vec<String>) {
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// Every file below `dir`, sorted, skipping hidden files and folders (`.git`, editor files).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Content hash used in file names and the build id: the first 16 hex digits of SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    hex16(&Sha256::digest(bytes))
}

/// The first 8 bytes of a digest as 16 hex digits.
fn hex16(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Every output file of a site, by path relative to the output folder, and the build id.
pub fn render_files(site: &Site) -> (BTreeMap<PathBuf, Vec<u8>>, String) {
    // Serialising and hashing posts is the bulk of the work: done in parallel, in order.
    let rendered: Vec<(String, Vec<u8>, PostSummary)> = site
        .posts
        .par_iter()
        .map(|post| {
            // The post file repeats its summary; its own `file` field is left empty to keep the
            // hash a function of the content alone.
            let json = serde_json::to_vec(post).expect("posts serialise");
            let file = format!("posts/{}.{}.json", post.summary.slug, content_hash(&json));
            let mut summary = post.summary.clone();
            summary.file = file.clone();
            // What saving it for offline stores: the file and each image once.
            let images: BTreeSet<&str> = post
                .images
                .values()
                .chain(post.summary.cover.as_ref().map(|c| &c.image))
                .map(|image| image.src.as_str())
                .collect();
            summary.bytes = json.len() as u64
                + images
                    .iter()
                    .filter_map(|src| site.media.get(*src))
                    .map(|bytes| bytes.len() as u64)
                    .sum::<u64>();
            (file, json, summary)
        })
        .collect();
    let mut files = BTreeMap::new();
    let mut summaries = Vec::with_capacity(rendered.len());
    for (file, json, summary) in rendered {
        files.insert(PathBuf::from(file), json);
        summaries.push(summary);
    }
    let index = serde_json::to_vec(&IndexPage { posts: summaries }).expect("index serialises");
    let index_file = format!("index.{}.json", content_hash(&index));
    files.insert(PathBuf::from(&index_file), index);
    for (path, bytes) in &site.media {
        files.insert(PathBuf::from(path), bytes.clone());
    }
    let (search_file, search_bytes) = search_index::search_files(site, &mut files);

    // Every file name carries the hash of its content, so the names and the site settings
    // identify the build.
    let mut hasher = Sha256::new();
    for path in files.keys() {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(serde_json::to_vec(&site.info).expect("site info serialises"));
    let build_id = hex16(&hasher.finalize());

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        build_id: build_id.clone(),
        site: site.info.clone(),
        index_files: vec![index_file],
        post_count: site.posts.len(),
        search_file: Some(search_file),
        search_bytes,
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    json.push(b'\n');
    files.insert(PathBuf::from(MANIFEST_FILE), json);
    (files, build_id)
}
