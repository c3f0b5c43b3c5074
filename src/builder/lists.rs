//! Stage 4b, the lists readers browse ([`crate::model::list`]): the home list's pages, each tag's
//! and category's pages, their indexes, the archive by year, the search results' cards and the slug
//! shards, each named by the hash of its own content, and the directory that tells each list's
//! hash by its key ([`ListDir`]). The slug shards carry each post's links to the posts around it
//! ([`PostNav`]).

use super::hex16;
use super::output::Output;
use crate::listing::{self, page_count};
use crate::model::ARCHIVE_PAGE;
use crate::model::{
    archive_file, dir_file, dir_shards, doc_file, home_file, list_path, slug_file, slug_shard_file,
    year_file, ArchiveIndex, ArchiveYear, DocBlock, ListDir, ListPage, PostLink, PostNav,
    PostSummary, ShardEntry, SiteInfo, SlugShard, Taxonomy, TermIndex, Translation, DOC_BLOCK,
    LISTS_DIR, SLUGS_PER_SHARD,
};
use crate::routes::tag_segment;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// Each post's links, in the order of `posts` (newest first, their `file` set). Unlisted posts
/// have none and are none of the others' links.
pub fn navs(posts: &[PostSummary]) -> Vec<PostNav> {
    if !posts.iter().any(|p| p.unlisted) {
        return listed_navs(posts);
    }
    let listed: Vec<PostSummary> = listing::listed(posts).cloned().collect();
    let mut navs = listed_navs(&listed).into_iter();
    posts
        .iter()
        .map(|p| match p.unlisted {
            true => PostNav::default(),
            false => navs.next().unwrap_or_default(),
        })
        .collect()
}

/// [`navs`] of posts that are all listed.
fn listed_navs(posts: &[PostSummary]) -> Vec<PostNav> {
    let stage = super::timings::Stage::start("  lists: related");
    let related = related(posts);
    let series = listing::series_all(posts);
    let translations = translation_groups(posts);
    stage.done();
    let link = |i: usize| PostLink::to(&posts[i]);
    posts
        .iter()
        .enumerate()
        .map(|(i, post)| PostNav {
            newer: i.checked_sub(1).map(link),
            older: (i + 1 < posts.len()).then(|| link(i + 1)),
            series: post
                .series
                .as_ref()
                .and_then(|s| series.get(s.name.as_str()))
                .map(|parts| parts.iter().map(|&j| link(j)).collect())
                .unwrap_or_default(),
            related: related[i].iter().map(|&j| link(j)).collect(),
            translations: translations[i]
                .iter()
                .map(|&j| Translation {
                    lang: posts[j].lang.clone(),
                    name: crate::model::language_name(&posts[j].lang).to_string(),
                    slug: posts[j].slug.clone(),
                })
                .collect(),
        })
        .collect()
}

/// [`listing::related_all`] (three to a post), kept for the next call over posts with the same
/// tags in the same order, which gives the same answer: a preview's rebuild after an edit that
/// moves no post and changes no tags finds it here instead of working it out again (a sixth of
/// a rebuild at 10,000 posts).
fn related(posts: &[PostSummary]) -> Vec<Vec<usize>> {
    static LAST: Mutex<Option<(u64, Vec<Vec<usize>>)>> = Mutex::new(None);
    let mut hasher = DefaultHasher::new();
    posts.len().hash(&mut hasher);
    for post in posts {
        post.tags.hash(&mut hasher);
    }
    let key = hasher.finish();
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((was, related)) = &*last {
        if *was == key {
            return related.clone();
        }
    }
    let related = listing::related_all(posts, 3);
    *last = Some((key, related.clone()));
    related
}

/// For each post, the others joined to it by `translation_of`, directly or through other posts
/// (a Khmer and a French post that both name the English one are each other's translations too),
/// by language and then slug. A `translation_of` naming no post of `posts` joins nothing.
pub fn translation_groups(posts: &[PostSummary]) -> Vec<Vec<usize>> {
    if posts.iter().all(|p| p.translation_of.is_none()) {
        return vec![Vec::new(); posts.len()];
    }
    let by_slug: BTreeMap<&str, usize> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect();
    // Union-find over the posts, each joined to the one it translates.
    let mut parent: Vec<usize> = (0..posts.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, post) in posts.iter().enumerate() {
        if let Some(&j) = post
            .translation_of
            .as_deref()
            .and_then(|slug| by_slug.get(slug))
        {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..posts.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out = vec![Vec::new(); posts.len()];
    for members in groups.values().filter(|m| m.len() > 1) {
        let mut sorted = members.clone();
        sorted.sort_by(|&a, &b| {
            (&posts[a].lang, &posts[a].slug).cmp(&(&posts[b].lang, &posts[b].slug))
        });
        for &i in members {
            out[i] = sorted.iter().copied().filter(|&j| j != i).collect();
        }
    }
    out
}

/// The number of slug shards for `count` posts.
pub fn slug_shards(count: usize) -> u32 {
    count.div_ceil(SLUGS_PER_SHARD).max(1) as u32
}

/// The lists' directory a build wrote: its folder (the manifest's `lists`) and its shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub dir: String,
    pub shards: u32,
}

/// Writes every list file of a site whose posts (newest first, their `file` and `bytes` set) are
/// `posts` into `files`, each under its key and the hash of its content ([`list_path`]) as it is
/// made, then the shards of the directory that names them, in a folder named by the hash of the
/// whole directory.
/// `comments` names the comment file of each post that has one, by slug (see [`ShardEntry`]).
pub fn write_lists(
    info: &SiteInfo,
    posts: &[PostSummary],
    comments: &BTreeMap<String, String>,
    files: &Output,
) -> Written {
    let mut lists = Lists {
        files,
        hashes: BTreeMap::new(),
        per_page: info.posts_per_page.max(1),
    };
    let stage = super::timings::Stage::start("  lists: home");
    lists.home(posts);
    let stage = stage.next("  lists: tags");
    for taxonomy in Taxonomy::ALL {
        lists.terms(taxonomy, posts);
    }
    let stage = stage.next("  lists: archive");
    lists.archive(posts);
    let stage = stage.next("  lists: cards");
    lists.cards(posts);
    let stage = stage.next("  lists: slugs");
    lists.slugs(posts, comments);
    stage.done();
    write_directory(lists.hashes, files)
}

/// Every list's file (relative to the data folder) by its key, from the `shards` shards of the
/// lists' directory in the folder `lists` (the manifest's `lists` and `list_shards`); `read` gives
/// a data file (relative to the data folder) as its model type.
pub fn read_directory(
    (lists, shards): (&str, u32),
    read: impl Fn(&str) -> anyhow::Result<ListDir>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    for n in 0..shards {
        let shard = read(&format!("{lists}/{n}.json"))?;
        for (key, hash) in shard.lists {
            let file = list_path(&key, &hash);
            files.insert(key, file);
        }
    }
    Ok(files)
}

/// [`read_directory`] of the manifest's lists' directory in the data folder `data` on disk.
pub fn directory_in(
    data: &std::path::Path,
    manifest: &crate::model::Manifest,
) -> anyhow::Result<BTreeMap<String, String>> {
    read_directory((&manifest.lists, manifest.list_shards), |file| {
        let bytes = std::fs::read(data.join(file))?;
        Ok(serde_json::from_slice(&bytes)?)
    })
}

/// Writes the shards of the lists' directory `hashes` (each list's key and hash).
fn write_directory(hashes: BTreeMap<String, String>, files: &Output) -> Written {
    let mut hasher = Sha256::new();
    for (key, hash) in &hashes {
        hasher.update(key.as_bytes());
        hasher.update(b" ");
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    let dir = format!("{LISTS_DIR}/{}", hex16(&hasher.finalize()));
    let shards = dir_shards(hashes.len());
    // Every shard the manifest counts exists, even empty, so a missing one always means a newer
    // build.
    let mut by_shard: BTreeMap<String, ListDir> = (0..shards)
        .map(|n| (format!("{dir}/{n}.json"), ListDir::default()))
        .collect();
    for (key, hash) in hashes {
        let shard = by_shard.entry(dir_file(&dir, &key, shards)).or_default();
        shard.lists.insert(key, hash);
    }
    for (path, shard) in by_shard {
        files.insert(
            PathBuf::from(path),
            serde_json::to_vec(&shard).expect("directory serialises"),
        );
    }
    Written { dir, shards }
}

/// Writes list files under their keys and the hash of their content, keeping each key's hash.
struct Lists<'a> {
    files: &'a Output,
    hashes: BTreeMap<String, String>,
    per_page: usize,
}

impl Lists<'_> {
    fn put(&mut self, key: String, value: &dyn erased::Json) {
        let bytes = value.json();
        let hash = super::content_hash(&bytes);
        self.files
            .insert(PathBuf::from(list_path(&key, &hash)), bytes);
        self.hashes.insert(key, hash);
    }

    /// The home list's pages.
    fn home(&mut self, posts: &[PostSummary]) {
        let everything = listing::home_order(posts);
        // No total here: nothing offers to save the home list (saving every post is the offline
        // page's), and a total on each page would rename them all after any edit.
        for list in paged(&everything, self.per_page, 0) {
            self.put(home_file(list.page), &list);
        }
    }

    /// The index of a taxonomy's terms, then each term's pages.
    fn terms(&mut self, taxonomy: Taxonomy, posts: &[PostSummary]) {
        let index = TermIndex {
            terms: listing::term_counts(taxonomy, posts),
        };
        self.put(taxonomy.index_file(), &index);
        let mut by_term: BTreeMap<&str, Vec<&PostSummary>> = BTreeMap::new();
        for post in listing::listed(posts) {
            for term in taxonomy.terms_of(post) {
                by_term.entry(term).or_default().push(post);
            }
        }
        for (term, listed) in &by_term {
            let bytes = about(listed.iter().map(|p| p.bytes).sum());
            let segment = tag_segment(term);
            for list in paged(listed, self.per_page, bytes) {
                self.put(taxonomy.term_file(&segment, list.page), &list);
            }
        }
    }

    /// The archive's years, then each year's pages.
    fn archive(&mut self, posts: &[PostSummary]) {
        let index = ArchiveIndex {
            years: listing::archive_years(posts)
                .into_iter()
                .map(|(y, n)| (y.to_string(), n))
                .collect(),
        };
        self.put(archive_file(), &index);
        let mut by_year: BTreeMap<&str, Vec<PostLink>> = BTreeMap::new();
        for post in listing::listed(posts) {
            by_year
                .entry(listing::year_of(post.date.as_deref()))
                .or_default()
                .push(PostLink::to(post));
        }
        for (year, links) in by_year {
            let pages = page_count(links.len(), ARCHIVE_PAGE);
            for (i, chunk) in links.chunks(ARCHIVE_PAGE).enumerate() {
                let page = ArchiveYear {
                    year: year.to_string(),
                    page: i + 1,
                    pages,
                    total: links.len(),
                    posts: chunk.to_vec(),
                };
                self.put(year_file(year, i + 1), &page);
            }
        }
    }

    /// The search results' cards, [`DOC_BLOCK`] to a file.
    fn cards(&mut self, posts: &[PostSummary]) {
        for (n, block) in posts.chunks(DOC_BLOCK).enumerate() {
            let cards = DocBlock {
                posts: block.to_vec(),
            };
            self.put(doc_file((n * DOC_BLOCK) as u32), &cards);
        }
    }

    /// The slug shards: each post's file, comment file and links.
    fn slugs(&mut self, posts: &[PostSummary], comments: &BTreeMap<String, String>) {
        let shards = slug_shards(posts.len());
        let mut slugs: BTreeMap<String, SlugShard> = BTreeMap::new();
        for (post, nav) in posts.iter().zip(navs(posts)) {
            let entry = ShardEntry {
                file: post.file.clone(),
                comments: comments.get(&post.slug).cloned(),
                nav,
            };
            slugs
                .entry(slug_file(&post.slug, shards))
                .or_insert_with(|| SlugShard {
                    posts: BTreeMap::new(),
                })
                .posts
                .insert(post.slug.clone(), entry);
        }
        // Every shard the manifest counts exists, even empty (a blog with no posts yet), so a
        // missing one always means a newer build.
        for n in 0..shards {
            slugs
                .entry(slug_shard_file(n))
                .or_insert_with(|| SlugShard {
                    posts: BTreeMap::new(),
                });
        }
        for (path, shard) in &slugs {
            self.put(path.clone(), shard);
        }
    }
}

/// `bytes` to two significant digits, rounded up. What saving a list costs is shown as "about
/// …" on each of its pages; rounded, it stays the same when one of the list's posts is edited a
/// little, and so do the pages that do not show that post.
fn about(bytes: u64) -> u64 {
    let mut step = 1;
    while bytes / step >= 100 {
        step *= 10;
    }
    bytes.div_ceil(step) * step
}

/// The pages of `posts`, `per_page` to a page (one empty page for no posts); `bytes` is what
/// saving the whole list costs.
fn paged<'a>(
    posts: &'a [&'a PostSummary],
    per_page: usize,
    bytes: u64,
) -> impl Iterator<Item = ListPage> + 'a {
    let pages = page_count(posts.len(), per_page);
    (1..=pages).map(move |page| ListPage {
        page,
        pages,
        total: posts.len(),
        bytes,
        posts: listing::page_of(posts, page, per_page)
            .iter()
            .map(|p| (*p).clone())
            .collect(),
    })
}

/// Serialising the list types through one function without making `put` generic.
mod erased {
    pub trait Json {
        fn json(&self) -> Vec<u8>;
    }
    impl<T: super::Serialize> Json for T {
        fn json(&self) -> Vec<u8> {
            serde_json::to_vec(self).expect("lists serialise")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeriesRef;

    fn post(slug: &str, date: &str, tags: &[&str]) -> PostSummary {
        PostSummary::for_test(slug, Some(date), tags)
    }

    /// The lists' directory written into `out`: each list's file by key.
    fn directory(out: &std::path::Path, written: &Written) -> BTreeMap<String, String> {
        read_directory((&written.dir, written.shards), |file| {
            Ok(serde_json::from_slice(&std::fs::read(out.join(file))?)?)
        })
        .unwrap()
    }

    #[test]
    fn translations_join_through_each_other_and_a_loop_or_a_stranger_breaks_nothing() {
        let of = |slug: &str, lang: &str, original: Option<&str>| PostSummary {
            lang: lang.into(),
            translation_of: original.map(str::to_string),
            ..post(slug, "2025-01-01", &[])
        };
        let posts = vec![
            of("a", "en", None),
            of("b", "km", Some("a")),
            of("c", "fr", Some("b")),
            // Two posts naming each other.
            of("d", "en", Some("e")),
            of("e", "th", Some("d")),
            of("f", "de", Some("nowhere")),
            of("g", "de", Some("g")),
        ];
        let groups = translation_groups(&posts);
        // By language: fr (c) before km (b).
        assert_eq!(groups[0], vec![2, 1]);
        assert_eq!(groups[1], vec![0, 2]);
        assert_eq!(groups[2], vec![0, 1]);
        assert_eq!(groups[3], vec![4]);
        assert_eq!(groups[4], vec![3]);
        assert!(groups[5].is_empty() && groups[6].is_empty());
        let navs = navs(&posts);
        assert_eq!(navs[1].translations[0].lang, "en");
        assert_eq!(navs[1].translations[0].slug, "a");
        assert_eq!(navs[1].translations[0].name, "English");
    }

    #[test]
    fn links_follow_reading_order_and_tag_pages_the_list() {
        let mut posts = vec![
            post("e", "2025-03-02", &["river"]),
            post("d", "2025-03-01", &["food", "river"]),
            post("c", "2025-02-10", &["food"]),
            post("b", "2024-12-31", &["river"]),
        ];
        for (slug, order) in [("c", Some(2)), ("b", Some(1)), ("e", None)] {
            let p = posts.iter_mut().find(|p| p.slug == slug).unwrap();
            p.series = Some(SeriesRef {
                name: "Trip".into(),
                order,
            });
        }
        let slug = |link: &Option<PostLink>| link.as_ref().map(|l| l.slug.clone());
        let navs = navs(&posts);
        assert_eq!(
            (slug(&navs[1].newer), slug(&navs[1].older)),
            (Some("e".into()), Some("c".into()))
        );
        assert_eq!(slug(&navs[0].newer), None);
        assert_eq!(slug(&navs[3].older), None);
        let parts: Vec<&str> = navs[2].series.iter().map(|l| l.slug.as_str()).collect();
        assert_eq!(parts, ["b", "c", "e"]);
        assert!(navs[1].series.is_empty(), "d is in no series");

        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("data");
        let files = Output::begin(&out).unwrap();
        let info: SiteInfo = serde_json::from_str(
            r#"{"title":"T","description":"","base_path":"/","language":"en","posts_per_page":1}"#,
        )
        .unwrap();
        let written = write_lists(&info, &posts, &BTreeMap::new(), &files);
        files.finish().unwrap();
        let lists = directory(&out, &written);
        let page = |n| -> ListPage {
            let file = out.join(&lists[&Taxonomy::Tags.term_file("food", n)]);
            serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
        };
        let (first, second) = (page(1), page(2));
        assert_eq!((first.page, first.pages, first.total), (1, 2, 2));
        assert_eq!(first.posts[0].slug, "d");
        assert_eq!(second.posts[0].slug, "c");
    }

    #[test]
    fn what_saving_a_list_costs_is_kept_to_two_digits() {
        assert_eq!(about(0), 0);
        assert_eq!(about(87), 87);
        assert_eq!(about(1234), 1300);
        assert_eq!(about(345_001), 350_000);
        // A small edit of one of its posts leaves a list's total as it was.
        assert_eq!(about(345_600), about(345_900));
    }

    #[test]
    fn a_blog_with_no_posts_has_its_first_page_and_its_shard() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("data");
        let files = Output::begin(&out).unwrap();
        let info: SiteInfo = serde_json::from_str(
            r#"{"title":"T","description":"","base_path":"/","language":"en"}"#,
        )
        .unwrap();
        let written = write_lists(&info, &[], &BTreeMap::new(), &files);
        files.finish().unwrap();
        let lists = directory(&out, &written);
        let home: ListPage =
            serde_json::from_slice(&std::fs::read(out.join(&lists[&home_file(1)])).unwrap())
                .unwrap();
        assert_eq!((home.page, home.pages, home.total), (1, 1, 0));
        let shard = out.join(&lists[&slug_shard_file(0)]);
        let shard: SlugShard = serde_json::from_slice(&std::fs::read(shard).unwrap()).unwrap();
        assert!(shard.posts.is_empty());
    }
}
