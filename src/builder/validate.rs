//! Stage 3, validate: the checks that need every post at once. Drafts, scheduled and expired posts
//! are left out, standalone pages are set apart from posts (their slugs must not take an address of
//! the site's own), slugs must be unique, links between posts must land, and the posts are put in
//! reading order. Every problem of the run is returned together, sorted by file and line.

use super::collect::Collected;
use super::error::{Problem, Problems};
use super::parse::LoadedPost;
use super::{BuildOptions, Site, Skipped};
use crate::model::{Page, Post};
use crate::routes;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The site, or every problem found while collecting, parsing and validating it.
pub fn validate(
    opts: &BuildOptions,
    collected: Collected,
    loaded: Vec<Result<LoadedPost, Problem>>,
) -> Result<Site, Problems> {
    let mut problems = collected.problems;
    let mut warnings = collected.warnings;
    let mut posts = Vec::new();
    for result in loaded {
        match result {
            Err(problem) => problems.push(problem),
            Ok(post) => posts.push(post),
        }
    }
    let (published, skipped) = published(opts, posts);
    let (pages, mut posts): (Vec<_>, Vec<_>) = published.into_iter().partition(|p| p.is_page);
    problems.extend(duplicate_slugs(&posts));
    problems.extend(duplicate_slugs(&pages));
    problems.extend(reserved_page_slugs(&pages));
    for post in posts.iter().chain(&pages) {
        warnings.extend(post.warnings.iter().cloned());
    }
    warnings.extend(broken_post_links(&posts));

    if opts.strict {
        problems.append(&mut warnings);
    }
    if !problems.is_empty() {
        sort_by_place(&mut problems);
        return Err(Problems(problems));
    }
    sort_by_place(&mut warnings);
    posts.sort_by(|a, b| {
        // Newest first; undated posts last; the slug breaks ties so the order is stable.
        match (&a.sort_key, &b.sort_key) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.post.summary.slug.cmp(&b.post.summary.slug))
    });
    let media = collected
        .assets
        .into_values()
        .map(|a| (a.image.src, a.bytes))
        .collect();
    Ok(Site {
        info: collected.info.expect("no problems means the config loaded"),
        posts: posts.into_iter().map(|p| p.post).collect(),
        pages: pages.into_iter().map(|p| page_of(p.post)).collect(),
        skipped,
        media,
        warnings,
    })
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

/// A standalone page from what was read as a post: what a page shows, nothing else.
fn page_of(post: Post) -> Page {
    Page {
        slug: post.summary.slug,
        title: post.summary.title,
        summary: post.summary.summary,
        lang: post.summary.lang,
        aliases: post.summary.aliases,
        body: post.body,
        images: post.images,
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

fn sort_by_place(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
}
