//! Lists of posts a reader browses by: pages of the home list, tags and categories, the archive,
//! neighbours and series. Plain functions over the list of all posts, used by the builder to write
//! the lists and route pages, and by the app to group what a list file holds.

use crate::model::strings::{Strings, S};
use crate::model::{PostLink, PostSummary, Taxonomy, UNDATED};
use std::collections::HashMap;

/// Number of pages of a list of `count` posts, `per_page` to a page (at least one page).
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

/// The items of page `page` (1-based, `per_page` to a page); empty past the last page.
/// The home list's order: the pinned posts first, then the others, each as `posts` has them
/// (newest first); unlisted posts are left out, as from every list.
pub fn home_order(posts: &[PostSummary]) -> Vec<&PostSummary> {
    let mut order: Vec<&PostSummary> = listed(posts).collect();
    order.sort_by_key(|p| !p.pinned);
    order
}

/// The posts that lists show: all but the unlisted ones ([`PostSummary::unlisted`]).
pub fn listed(posts: &[PostSummary]) -> impl Iterator<Item = &PostSummary> {
    posts.iter().filter(|p| !p.unlisted)
}

pub fn page_of<T>(posts: &[T], page: usize, per_page: usize) -> &[T] {
    let per_page = per_page.max(1);
    let start = page
        .saturating_sub(1)
        .saturating_mul(per_page)
        .min(posts.len());
    let end = (start + per_page).min(posts.len());
    &posts[start..end]
}

/// Every term of `taxonomy` with the number of posts that carry it, most used first, then by name.
pub fn term_counts(taxonomy: Taxonomy, posts: &[PostSummary]) -> Vec<(String, usize)> {
    terms_by_use(taxonomy, posts)
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect()
}

/// [`term_counts`], borrowing the terms from the posts; unlisted posts are not counted.
pub fn terms_by_use(taxonomy: Taxonomy, posts: &[PostSummary]) -> Vec<(&str, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for post in listed(posts) {
        for term in taxonomy.terms_of(post) {
            *counts.entry(term).or_default() += 1;
        }
    }
    let mut list: Vec<(&str, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    list
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

/// The archive's years with their number of posts, in index order (newest first), undated last;
/// unlisted posts are not counted.
pub fn archive_years(posts: &[PostSummary]) -> Vec<(&str, usize)> {
    let mut years: Vec<(&str, usize)> = Vec::new();
    let mut undated = 0;
    for post in listed(posts) {
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

/// For every post, as indexes into `posts` (newest first): up to `n` other posts that share the
/// most tags with it, the nearest in time among equals (a journal's neighbouring days go
/// together). Only the [`RELATED_WINDOW`] posts nearest to it in each of its tags' lists are
/// candidates, so the work grows with the number of posts, not with its square; a post with no
/// tag has no related posts.
pub fn related_all(posts: &[PostSummary], n: usize) -> Vec<Vec<usize>> {
    let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, post) in posts.iter().enumerate() {
        for tag in &post.tags {
            let list = by_tag.entry(tag.as_str()).or_default();
            // A tag written twice on one post counts once.
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let half = RELATED_WINDOW / 2;
    posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let mut shared: Vec<(usize, usize)> = Vec::new();
            let mut seen_tags: Vec<&str> = Vec::new();
            for tag in &post.tags {
                if seen_tags.contains(&tag.as_str()) {
                    continue;
                }
                seen_tags.push(tag);
                let list = &by_tag[tag.as_str()];
                let at = list.binary_search(&i).unwrap_or_else(|x| x);
                let window = &list[at.saturating_sub(half)..(at + half + 1).min(list.len())];
                for &j in window.iter().filter(|&&j| j != i) {
                    match shared.iter_mut().find(|(k, _)| *k == j) {
                        Some((_, count)) => *count += 1,
                        None => shared.push((j, 1)),
                    }
                }
            }
            // Most shared tags first, then the nearest, then the newer.
            shared.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
                    .then(a.0.cmp(&b.0))
            });
            shared.into_iter().take(n).map(|(j, _)| j).collect()
        })
        .collect()
}

/// Posts around a post in each of its tags' lists that [`related_all`] weighs.
pub const RELATED_WINDOW: usize = 64;

/// Every series with its posts in reading order (by the author's order, then oldest first), as
/// indexes into `posts`.
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
pub fn month_name(s: Strings, month: &str) -> String {
    s.month_year(month)
}

/// "3 posts", "1 post".
pub fn posts_label(s: Strings, count: usize) -> String {
    s.count(S::post_count, count as u64)
}

/// A year of the archive as its heading says it: `2024`, or "Undated".
pub fn year_name(s: Strings, year: &str) -> String {
    match year.parse::<u64>() {
        _ if year == UNDATED => s.get(S::undated).into(),
        Ok(y) => s.year(y),
        Err(_) => year.into(),
    }
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
            term_counts(Taxonomy::Tags, &sample()),
            [("river".to_string(), 3), ("food".to_string(), 2)]
        );
        let mut posts = sample();
        posts[0].categories = vec!["Cambodia".into()];
        posts[2].categories = vec!["Cambodia".into(), "Thailand".into()];
        assert_eq!(
            term_counts(Taxonomy::Categories, &posts),
            [("Cambodia".to_string(), 2), ("Thailand".to_string(), 1)]
        );
        let s = Strings::new("en", &[]);
        assert_eq!(posts_label(s, 1), "1 post");
        assert_eq!(posts_label(s, 3), "3 posts");
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
        let s = Strings::new("en", &[]);
        assert_eq!(month_name(s, "2025-02"), "February 2025");
        assert_eq!(year_name(s, "2025"), "2025");
        assert_eq!(year_name(s, UNDATED), "Undated");
    }

    #[test]
    fn related_posts_share_the_most_tags_then_are_nearest() {
        let mut posts = sample();
        posts.push(post("f", Some("2024-01-01"), &["food", "river", "boat"]));
        posts.push(post("g", Some("2023-01-01"), &["river", "food"]));
        let all = related_all(&posts, 3);
        let slugs =
            |i: usize| -> Vec<String> { all[i].iter().map(|&j| posts[j].slug.clone()).collect() };
        // d (food, river): f and g share both, f the nearer; then e, the nearest sharing one.
        assert_eq!(slugs(1), ["f", "g", "e"]);
        // a has no tags: nothing is related.
        assert!(all[4].is_empty());
        // Never itself, never more than asked.
        for (i, list) in all.iter().enumerate() {
            assert!(!list.contains(&i) && list.len() <= 3);
        }
        assert_eq!(related_all(&posts, 1)[1], [5]);
    }

    #[test]
    fn series_follow_reading_order() {
        let mut posts = sample();
        for (slug, order) in [("c", Some(2)), ("b", Some(1)), ("e", None)] {
            let p = posts.iter_mut().find(|p| p.slug == slug).unwrap();
            p.series = Some(SeriesRef {
                name: "Trip".into(),
                order,
            });
        }
        let all = series_all(&posts);
        let list: Vec<_> = all["Trip"].iter().map(|&i| posts[i].slug.clone()).collect();
        assert_eq!(list, ["b", "c", "e"]);
    }

    #[test]
    fn sizes_read_in_kilobytes_then_megabytes() {
        assert_eq!(human_bytes(0), "1 KB");
        assert_eq!(human_bytes(1500), "2 KB");
        assert_eq!(human_bytes(1024 * 1024 - 1), "1024 KB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 200 * 1024), "3.2 MB");
    }
}
