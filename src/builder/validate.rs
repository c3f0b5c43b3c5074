//! Stage 3, validate: the checks that need every post at once. Drafts, scheduled and expired
//! posts are left out, slugs must be unique, links between posts must land, comments must belong
//! to a post (and are threaded), and the posts are put in reading order. Every problem of the run is returned together, sorted by file and line.

use super::collect::Collected;
use super::comments::{self, LoadedComments};
use super::error::{Problem, Problems};
use super::parse::LoadedPost;
use super::{BuildOptions, Site, Skipped};
use std::collections::{HashMap, HashSet};
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
    let mut posts = Vec::new();
    for result in loaded {
        match result {
            Err(problem) => problems.push(problem),
            Ok(post) => posts.push(post),
        }
    }
    let known: HashSet<String> = posts.iter().map(|p| p.post.summary.slug.clone()).collect();
    let (mut posts, skipped) = published(opts, posts);
    problems.extend(duplicate_slugs(&posts));
    let comments = {
        let known: HashSet<&str> = known.iter().map(String::as_str).collect();
        let published: HashSet<&str> = posts.iter().map(|p| p.post.summary.slug.as_str()).collect();
        comments::threads(
            comments.comments,
            &published,
            &known,
            &mut problems,
            &mut warnings,
        )
    };
    for post in &posts {
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
        comments,
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
