//! Lists of posts a reader browses by: pages of the home list, tags, the archive, neighbours and
//! series. Plain functions over the post index, shared by the app and the builder's route pages.

use crate::model::{PostLink, PostSummary, UNDATED};
use std::collections::HashMap;

/// Number of pages of a list of `count` posts, `per_page` to a page (at least one page).
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

/// The posts of page `page` (1-based); empty past the last page.
pub fn page_of(posts: &[PostSummary], page: usize, per_page: usize) -> &[PostSummary] {
    let per_page = per_page.max(1);
    let start = page
        .saturating_sub(1)
        .saturating_mul(per_page)
        .min(posts.len());
    let end = (start + per_page).min(posts.len());
    &posts[start..end]
}

/// Every tag with the number of posts that carry it, most used first, then by name.
pub fn tag_counts(posts: &[PostSummary]) -> Vec<(String, usize)> {
    tags_by_use(posts)
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect()
}

/// [`tag_counts`], borrowing the tags from the posts.
pub fn tags_by_use(posts: &[PostSummary]) -> Vec<(&str, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for post in posts {
        for tag in &post.tags {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut list: Vec<(&str, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    list
}

/// Posts carrying `tag`, in index order.
pub fn with_tag<'a>(posts: &'a [PostSummary], tag: &str) -> Vec<&'a PostSummary> {
    posts
        .iter()
        .filter(|p| p.tags.iter().any(|t| t == tag))
        .collect()
}

/// One month of a year of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveMonth<'a> {
    /// `YYYY-MM`.
    pub month: String,
    pub posts: Vec<&'a PostLink>,
}

/// The archive year of a post dated `date`: its first four digits, or [`UNDATED`].
pub fn year_of(date: Option<&str>) -> &str {
    match date {
        Some(date) if date.len() >= 7 && date.is_char_boundary(4) => &date[..4],
        _ => UNDATED,
    }
}

/// The archive's years with their number of posts, in index order (newest first), undated last.
pub fn archive_years(posts: &[PostSummary]) -> Vec<(&str, usize)> {
    let mut years: Vec<(&str, usize)> = Vec::new();
    let mut undated = 0;
    for post in posts {
        match year_of(post.date.as_deref()) {
            UNDATED => undated += 1,
            year => match years.last_mut() {
                Some((last, n)) if *last == year => *n += 1,
                _ => years.push((year, 1)),
            },
        }
    }
    if undated > 0 {
        years.push((UNDATED, undated));
    }
    years
}

/// The posts of one year of the archive, grouped by month in list order (undated posts form one
/// group named [`UNDATED`]).
pub fn months(posts: &[PostLink]) -> Vec<ArchiveMonth<'_>> {
    let mut months: Vec<ArchiveMonth> = Vec::new();
    for post in posts {
        let month = match post.date.as_deref() {
            Some(date) if date.len() >= 7 && date.is_char_boundary(7) => &date[..7],
            _ => UNDATED,
        };
        match months.last_mut() {
            Some(last) if last.month == month => last.posts.push(post),
            _ => months.push(ArchiveMonth {
                month: month.to_string(),
                posts: vec![post],
            }),
        }
    }
    months
}

/// The posts before and after `slug` in reading order: (newer, older).
pub fn neighbours<'a>(
    posts: &'a [PostSummary],
    slug: &str,
) -> (Option<&'a PostSummary>, Option<&'a PostSummary>) {
    let Some(i) = posts.iter().position(|p| p.slug == slug) else {
        return (None, None);
    };
    (i.checked_sub(1).map(|j| &posts[j]), posts.get(i + 1))
}

/// The posts of a series in reading order: by the author's order, then oldest first.
pub fn series<'a>(posts: &'a [PostSummary], name: &str) -> Vec<&'a PostSummary> {
    let mut list: Vec<&PostSummary> = posts
        .iter()
        .filter(|p| p.series.as_ref().is_some_and(|s| s.name == name))
        .collect();
    list.sort_by(|a, b| {
        let order = |p: &PostSummary| p.series.as_ref().and_then(|s| s.order).unwrap_or(u32::MAX);
        order(a)
            .cmp(&order(b))
            .then_with(|| a.date.cmp(&b.date))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    list
}

/// Up to `n` other posts that share the most tags with `slug`'s post (newest first among equals);
/// posts sharing no tag are not related.
pub fn related<'a>(posts: &'a [PostSummary], slug: &str, n: usize) -> Vec<&'a PostSummary> {
    let Some(post) = posts.iter().find(|p| p.slug == slug) else {
        return Vec::new();
    };
    let mut scored: Vec<(usize, usize, &PostSummary)> = posts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.slug != slug)
        .map(|(i, p)| {
            (
                p.tags.iter().filter(|t| post.tags.contains(t)).count(),
                i,
                p,
            )
        })
        .filter(|(shared, _, _)| *shared > 0)
        .collect();
    // Most shared tags first; the index order (newest first) breaks ties.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, _, p)| p).collect()
}

/// [`related`] for every post at once, as indexes into `posts`: posts with the same tags share
/// their candidates, so the work grows with the number of distinct sets of tags, not with the
/// square of the number of posts.
pub fn related_all(posts: &[PostSummary], n: usize) -> Vec<Vec<usize>> {
    // Each distinct set of tags, with its posts in index order (at most n + 1 are ever needed:
    // one of them may be the post itself).
    let mut groups: Vec<(Vec<&str>, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut post_group = Vec::with_capacity(posts.len());
    for (i, post) in posts.iter().enumerate() {
        let mut tags: Vec<&str> = post.tags.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        let g = *group_of.entry(tags.clone()).or_insert_with(|| {
            groups.push((tags, Vec::new()));
            groups.len() - 1
        });
        if groups[g].1.len() <= n {
            groups[g].1.push(i);
        }
        post_group.push(g);
    }
    // For each set of tags, the best n + 1 candidates: most shared tags, then index order.
    let best: Vec<Vec<usize>> = groups
        .iter()
        .map(|(tags, _)| {
            let mut scored: Vec<(usize, usize)> = Vec::new();
            for (other, members) in &groups {
                let shared = other
                    .iter()
                    .filter(|t| tags.binary_search(t).is_ok())
                    .count();
                if shared > 0 {
                    scored.extend(members.iter().map(|&i| (shared, i)));
                }
            }
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(n + 1).map(|(_, i)| i).collect()
        })
        .collect();
    posts
        .iter()
        .enumerate()
        .map(|(i, _)| {
            best[post_group[i]]
                .iter()
                .copied()
                .filter(|&j| j != i)
                .take(n)
                .collect()
        })
        .collect()
}

/// Every series with its posts in reading order ([`series`]), as indexes into `posts`.
pub fn series_all(posts: &[PostSummary]) -> HashMap<&str, Vec<usize>> {
    let mut all: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, post) in posts.iter().enumerate() {
        if let Some(s) = &post.series {
            all.entry(s.name.as_str()).or_default().push(i);
        }
    }
    for parts in all.values_mut() {
        parts.sort_by(|&a, &b| {
            let (a, b) = (&posts[a], &posts[b]);
            let order =
                |p: &PostSummary| p.series.as_ref().and_then(|s| s.order).unwrap_or(u32::MAX);
            order(a)
                .cmp(&order(b))
                .then_with(|| a.date.cmp(&b.date))
                .then_with(|| a.slug.cmp(&b.slug))
        });
    }
    all
}

/// "February 2025" for `2025-02`.
pub fn month_name(month: &str) -> String {
    crate::model::human_date(&format!("{month}-01"))
        .split_once(' ')
        .map_or_else(|| month.to_string(), |(_, rest)| rest.to_string())
}

/// Posts carrying every one of `tags`, in list order.
pub fn with_tags<'a>(posts: &'a [PostSummary], tags: &[String]) -> Vec<&'a PostSummary> {
    posts
        .iter()
        .filter(|p| tags.iter().all(|tag| p.tags.contains(tag)))
        .collect()
}

/// The post that used to live at `path` (relative to the site's base path), by its aliases.
/// Slashes at either end, a trailing `index.html`, a query and a fragment do not matter.
pub fn by_alias<'a>(posts: &'a [PostSummary], path: &str) -> Option<&'a PostSummary> {
    fn clean(path: &str) -> &str {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = path.trim_matches('/');
        path.strip_suffix("index.html")
            .unwrap_or(path)
            .trim_end_matches('/')
    }
    let wanted = clean(path);
    if wanted.is_empty() {
        return None;
    }
    posts
        .iter()
        .find(|p| p.aliases.iter().any(|a| clean(a) == wanted))
}

/// A size as a reader reads it: "840 KB", "3.2 MB" (binary units, rounded up below a megabyte
/// so that nothing reads as 0 KB).
pub fn human_bytes(bytes: u64) -> String {
    // Whole numbers only: formatting a float would pull the float printer into the WASM.
    const KB: u64 = 1024;
    const MB: u64 = KB * KB;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB).max(1))
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeriesRef;

    fn post(slug: &str, date: Option<&str>, tags: &[&str]) -> PostSummary {
        PostSummary::for_test(slug, date, tags)
    }

    fn sample() -> Vec<PostSummary> {
        vec![
            post("e", Some("2025-03-02"), &["river"]),
            post("d", Some("2025-03-01"), &["food", "river"]),
            post("c", Some("2025-02-10"), &["food"]),
            post("b", Some("2024-12-31"), &["river"]),
            post("a", None, &[]),
        ]
    }

    #[test]
    fn pages_split_the_list() {
        let posts = sample();
        assert_eq!(page_count(posts.len(), 2), 3);
        assert_eq!(page_count(0, 10), 1);
        let slugs = |s: &[PostSummary]| s.iter().map(|p| p.slug.clone()).collect::<Vec<_>>();
        assert_eq!(slugs(page_of(&posts, 1, 2)), ["e", "d"]);
        assert_eq!(slugs(page_of(&posts, 3, 2)), ["a"]);
        assert!(page_of(&posts, 4, 2).is_empty());
        assert!(page_of(&posts, 0, 2).len() == 2, "page 0 reads as page 1");
    }

    #[test]
    fn tags_are_counted_most_used_first() {
        assert_eq!(
            tag_counts(&sample()),
            [("river".to_string(), 3), ("food".to_string(), 2)]
        );
        let slugs: Vec<_> = with_tag(&sample(), "food")
            .iter()
            .map(|p| p.slug.clone())
            .collect();
        assert_eq!(slugs, ["d", "c"]);
    }

    #[test]
    fn archive_groups_by_year_and_month() {
        let posts = sample();
        assert_eq!(
            archive_years(&posts),
            [("2025", 3), ("2024", 1), (UNDATED, 1)]
        );
        let links: Vec<PostLink> = posts.iter().map(PostLink::to).collect();
        let shape: Vec<_> = months(&links)
            .iter()
            .map(|m| (m.month.clone(), m.posts.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("2025-03".to_string(), 2),
                ("2025-02".to_string(), 1),
                ("2024-12".to_string(), 1),
                (UNDATED.to_string(), 1)
            ]
        );
        assert_eq!(month_name("2025-02"), "February 2025");
    }

    #[test]
    fn related_for_all_posts_agrees_with_one_at_a_time() {
        let mut posts = sample();
        posts.push(post("f", Some("2024-01-01"), &["food", "river", "boat"]));
        posts.push(post("g", Some("2023-01-01"), &["river", "food"]));
        let all = related_all(&posts, 3);
        for (i, p) in posts.iter().enumerate() {
            let one: Vec<&str> = related(&posts, &p.slug, 3)
                .iter()
                .map(|q| q.slug.as_str())
                .collect();
            let many: Vec<&str> = all[i].iter().map(|&j| posts[j].slug.as_str()).collect();
            assert_eq!(one, many, "{}", p.slug);
        }
    }

    #[test]
    fn neighbours_and_series_follow_reading_order() {
        let mut posts = sample();
        let (newer, older) = neighbours(&posts, "d");
        assert_eq!(
            (newer.unwrap().slug.as_str(), older.unwrap().slug.as_str()),
            ("e", "c")
        );
        assert_eq!(neighbours(&posts, "e").0, None);
        for (slug, order) in [("c", Some(2)), ("b", Some(1)), ("e", None)] {
            let p = posts.iter_mut().find(|p| p.slug == slug).unwrap();
            p.series = Some(SeriesRef {
                name: "Trip".into(),
                order,
            });
        }
        let list: Vec<_> = series(&posts, "Trip")
            .iter()
            .map(|p| p.slug.clone())
            .collect();
        assert_eq!(list, ["b", "c", "e"]);
        let all = series_all(&posts);
        let list: Vec<_> = all["Trip"].iter().map(|&i| posts[i].slug.clone()).collect();
        assert_eq!(list, ["b", "c", "e"]);
    }

    #[test]
    fn old_addresses_find_their_post() {
        let mut posts = sample();
        posts[1].aliases = vec!["/2019/05/old-name/".into(), "/old.html".into()];
        let slug = posts[1].slug.clone();
        for path in [
            "2019/05/old-name",
            "/2019/05/old-name/",
            "/2019/05/old-name/index.html",
            "old.html",
            "/old.html?x=1",
        ] {
            assert_eq!(
                by_alias(&posts, path).map(|p| &p.slug),
                Some(&slug),
                "{path}"
            );
        }
        assert!(by_alias(&posts, "/2019/05").is_none());
        assert!(by_alias(&posts, "/").is_none());
    }

    #[test]
    fn several_tags_combine() {
        let posts = sample();
        let both: Vec<_> = with_tags(&posts, &["food".into(), "river".into()])
            .iter()
            .map(|p| p.slug.as_str())
            .collect();
        assert_eq!(both, ["d"]);
        assert_eq!(with_tags(&posts, &[]).len(), posts.len());
        assert!(with_tags(&posts, &["river".into(), "nope".into()]).is_empty());
    }

    #[test]
    fn sizes_read_in_kilobytes_then_megabytes() {
        assert_eq!(human_bytes(0), "1 KB");
        assert_eq!(human_bytes(1500), "2 KB");
        assert_eq!(human_bytes(1024 * 1024 - 1), "1024 KB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 200 * 1024), "3.2 MB");
    }
}
