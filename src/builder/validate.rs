//! Stage 3, validate: the checks that need every post at once. Drafts, scheduled and expired posts
//! are left out, standalone pages are set apart from posts (their slugs must not take an address of
//! the site's own), slugs must be unique, links between posts must land, comments must belong to a
//! post (and are threaded), and the posts are put in reading order. Every problem of the run is
//! returned together, sorted by file and line.

use super::collect::Collected;
use super::comments::{self, LoadedComments};
use super::error::{Problem, Problems, Severity};
use super::parse::LoadedPost;
use super::protect;
use super::{BuildOptions, Site, Skipped};
use crate::model::{Page, Post};
use crate::routes;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The site, or every problem found while collecting, parsing and validating it.
pub fn validate(
    opts: &BuildOptions,
    collected: Collected,
    loaded: Vec<Result<LoadedPost, Problem>>,
    comments: LoadedComments,
) -> Result<Site, Problems> {
    let mut problems = collected.problems;
    let mut warnings = collected.warnings;
    problems.extend(comments.problems);
    warnings.extend(comments.warnings);
    let (posts, not_posts) = sort_out(loaded, &mut problems, &mut warnings);
    let known: HashSet<String> = posts.iter().map(|p| p.post.summary.slug.clone()).collect();
    let (published, mut skipped) = published(opts, posts);
    skipped.not_posts = not_posts;
    let (mut pages, mut posts): (Vec<_>, Vec<_>) = published.into_iter().partition(|p| p.is_page);
    warnings.extend(unique_slugs(&mut posts));
    problems.extend(duplicate_slugs(&posts));
    problems.extend(duplicate_slugs(&pages));
    problems.extend(reserved_page_slugs(&pages));
    let mut comments = {
        let known: HashSet<&str> = known.iter().map(String::as_str).collect();
        let published: HashSet<&str> = posts.iter().map(|p| p.post.summary.slug.as_str()).collect();
        let pages: HashSet<&str> = pages.iter().map(|p| p.post.summary.slug.as_str()).collect();
        comments::threads(
            comments.comments,
            (&published, &pages),
            &known,
            &mut problems,
            &mut warnings,
        )
    };
    for post in posts.iter().chain(&pages) {
        warnings.extend(post.warnings.iter().cloned());
    }
    warnings.extend(broken_post_links(&posts));
    warnings.extend(unknown_translations(&posts));

    if opts.strict {
        problems.append(&mut warnings);
    }
    if !problems.is_empty() {
        sort_by_place(&mut problems);
        return Err(Problems(problems));
    }
    sort_by_place(&mut warnings);
    newest_first(&mut posts);
    let located = collected
        .assets
        .iter()
        .filter(|(_, a)| a.had_gps)
        .map(|(path, _)| path.clone())
        .collect();
    // The theme's own files are used, by the theme (which publishes them in its own form).
    let by_theme = collected.theme.as_ref().map(|built| &built.sources);
    let (mut media, unused) = used_media(collected.assets, posts.iter().chain(&pages), by_theme);
    skipped.unused_files = unused;
    // Last, once comments are threaded: nothing after this sees a protected post's text.
    let strings = collected
        .info
        .as_ref()
        .expect("no problems means the config loaded")
        .text();
    protect::seal_all(&mut posts, &mut pages, &mut comments, &mut media, strings);
    let theme = collected.theme.map(|built| {
        media.extend(built.files);
        built.theme
    });
    Ok(Site {
        info: collected.info.expect("no problems means the config loaded"),
        posts: posts.into_iter().map(|p| p.post).collect(),
        comments,
        pages: pages.into_iter().map(|p| page_of(p.post)).collect(),
        skipped,
        media,
        located,
        theme,
        warnings,
    })
}

/// The files of the assets some published post or page shows or links to; and how many files of
/// the content folder none uses, which are not published: a settings file of another engine
/// (`_config.yml`, `authors.yml`, `hugo.toml`, which may hold e-mail addresses), a draft's photo,
/// a file nothing links to (its published name is a hash no one could guess). The files of
/// `by_theme` are not counted.
fn used_media<'a>(
    assets: BTreeMap<String, super::assets::Asset>,
    published: impl Iterator<Item = &'a LoadedPost>,
    by_theme: Option<&std::collections::BTreeSet<String>>,
) -> (BTreeMap<String, Vec<u8>>, usize) {
    let used: HashSet<&str> = published
        .flat_map(|p| p.uses.iter().map(String::as_str))
        .collect();
    let mut unused = 0;
    let mut media = BTreeMap::new();
    for (path, asset) in assets {
        if used.contains(asset.image.src.as_str()) {
            media.extend(asset.files);
        } else if !by_theme.is_some_and(|theme| theme.contains(&path)) {
            unused += 1;
        }
    }
    (media, unused)
}

/// The posts that were read, and how many files were clearly not posts (skipped with a warning);
/// the other failures go to `problems`.
fn sort_out(
    loaded: Vec<Result<LoadedPost, Problem>>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> (Vec<LoadedPost>, usize) {
    let mut posts = Vec::new();
    let mut not_posts = 0;
    for result in loaded {
        match result {
            // A file that is clearly not a post, skipped.
            Err(problem) if problem.severity == Severity::Warning => {
                not_posts += 1;
                warnings.push(problem);
            }
            Err(problem) => problems.push(problem),
            Ok(post) => posts.push(post),
        }
    }
    (posts, not_posts)
}

/// Newest first; undated posts last; the slug breaks ties so the order is stable.
fn newest_first(posts: &mut [LoadedPost]) {
    posts.sort_by(|a, b| {
        match (&a.sort_key, &b.sort_key) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.post.summary.slug.cmp(&b.post.summary.slug))
    });
}

/// The posts this build publishes, and how many were left out for each reason.
fn published(opts: &BuildOptions, posts: Vec<LoadedPost>) -> (Vec<LoadedPost>, Skipped) {
    let today = opts.today.clone().unwrap_or_else(super::today);
    let mut skipped = Skipped::default();
    let mut kept = Vec::new();
    for post in posts {
        if post.draft && !opts.drafts {
            skipped.drafts += 1;
        } else if !opts.future && post.publish.as_ref().is_some_and(|p| p.date > today) {
            skipped.scheduled += 1;
        } else if !opts.expired && post.expiry.as_ref().is_some_and(|e| e.date <= today) {
            skipped.expired += 1;
        } else {
            kept.push(post);
        }
    }
    (kept, skipped)
}

/// Posts that share a slug they did not choose (two Zola posts with `path = "2014/…/river"` and
/// `path = "2015/…/river"`) each get an address of their own, deterministically: the oldest (then
/// the first by path) keeps the slug, the others get the year, then the date, then a number
/// added. Each has its old address as an alias already; a warning says where it went. Slugs
/// written in two posts' `slug:` fields are left for [`duplicate_slugs`] to report.
fn unique_slugs(posts: &mut [LoadedPost]) -> Vec<Problem> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, post) in posts.iter().enumerate() {
        groups
            .entry(post.post.summary.slug.clone())
            .or_default()
            .push(i);
    }
    let mut taken: HashSet<String> = groups.keys().cloned().collect();
    let mut warnings = Vec::new();
    for (slug, mut group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
        // Chosen slugs first, then by date (undated last), then by path.
        group.sort_by(|&a, &b| {
            let key = |p: &LoadedPost| {
                (
                    !p.slug_given,
                    p.sort_key.is_none(),
                    p.sort_key.clone(),
                    p.path.clone(),
                )
            };
            key(&posts[a]).cmp(&key(&posts[b]))
        });
        let keeper = posts[group[0]].path.clone();
        for &i in &group[1..] {
            let post = &mut posts[i];
            if post.slug_given {
                continue;
            }
            let new = free_slug(&slug, post.sort_key.as_ref(), &taken);
            taken.insert(new.clone());
            let old = match post.post.summary.aliases.first() {
                Some(alias) => format!("; its old address {alias} leads there"),
                None => String::new(),
            };
            warnings.push(
                Problem::new(
                    &post.path,
                    format!(
                        "slug \"{slug}\" is also used by {}: this post is published at /posts/{new}/{old}",
                        keeper.display()
                    ),
                    "give it a `slug:` of its own in its front matter to choose its address",
                )
                .at(1, 1)
                .warning(),
            );
            post.post.summary.slug = new;
        }
    }
    warnings
}

/// The first of `slug-YEAR`, `slug-YYYY-MM-DD`, `slug-2`, `slug-3`, … that no post has.
fn free_slug(
    slug: &str,
    date: Option<&super::front_matter::Moment>,
    taken: &HashSet<String>,
) -> String {
    let dated = date.map(|d| {
        [
            format!("{slug}-{}", &d.date[..4]),
            format!("{slug}-{}", d.date),
        ]
    });
    dated
        .into_iter()
        .flatten()
        .chain((2..).map(|n| format!("{slug}-{n}")))
        .find(|candidate| !taken.contains(candidate))
        .expect("the numbers never run out")
}

/// A standalone page from what was read as a post: what a page shows, nothing else.
fn page_of(post: Post) -> Page {
    Page {
        slug: post.summary.slug,
        title: post.summary.title,
        summary: post.summary.summary,
        lang: post.summary.lang,
        aliases: post.summary.aliases,
        html: post.html,
        images: post.images,
        comments: None,
        sealed: post.sealed,
    }
}

/// An error for each page whose slug is a folder or file of the site's own: the page would hide
/// it, or be hidden by it.
fn reserved_page_slugs(pages: &[LoadedPost]) -> Vec<Problem> {
    pages
        .iter()
        .filter(|page| routes::is_reserved(&page.post.summary.slug))
        .map(|page| {
            let slug = &page.post.summary.slug;
            Problem::new(
                &page.path,
                format!("the page's address /{slug}/ is taken by the site itself"),
                format!(
                    "give the page another `slug:` in its front matter (e.g. slug: about-{slug}) or rename the file; reserved: {}",
                    routes::RESERVED_SEGMENTS.join(", ")
                ),
            )
            .at(1, 1)
        })
        .collect()
}

/// An error for each post whose slug an earlier post already has.
fn duplicate_slugs(posts: &[LoadedPost]) -> Vec<Problem> {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    let mut problems = Vec::new();
    for post in posts {
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
    problems
}

/// A warning for each `/posts/<slug>` link to a post this build does not publish.
fn broken_post_links(posts: &[LoadedPost]) -> Vec<Problem> {
    let slugs: HashSet<&str> = posts.iter().map(|p| p.post.summary.slug.as_str()).collect();
    let mut warnings = Vec::new();
    for post in posts {
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
    warnings
}

/// A warning for each `translation_of` that names no post this build publishes (the post is then
/// joined to none).
fn unknown_translations(posts: &[LoadedPost]) -> Vec<Problem> {
    let slugs: HashSet<&str> = posts.iter().map(|p| p.post.summary.slug.as_str()).collect();
    posts
        .iter()
        .filter_map(|post| {
            let of = post.post.summary.translation_of.as_deref()?;
            (!slugs.contains(of)).then(|| {
                Problem::new(
                    &post.path,
                    format!("translation_of: no post has the slug `{of}`"),
                    "name the slug of the post this one translates (the file name without .md, or its `slug:`); a draft's does not count",
                )
                .warning()
            })
        })
        .collect()
}

fn sort_by_place(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
}
