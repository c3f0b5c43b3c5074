//! The search index kept between builds of the same site (the preview's rebuilds after an edit):
//! every post's terms, every term's postings and every shard as laid out, so that an edit
//! re-reads only the posts it changed, makes again only the terms they had or have, and lays out
//! again only the shards those terms are in. The files come out exactly as a full build of the
//! same posts makes them ([`super::search_index`]): the same code indexes a post, weighs a term
//! and lays out a shard, and each file is named by its own hash, so a file an edit left alone
//! keeps its name and bytes.
//!
//! Posts are numbered by their place in the list of all posts. An edit of a post's text or tags
//! keeps every number; a post added, removed or moved in that order (a new date) renumbers the
//! posts after it, so the index is then built again whole, as it is when the average body length
//! moves to another step ([`super::search_index::steady_avg`]).

use super::search_index::{
    average_length, filter_file_of, index_post, layout, post_filters, post_terms, reversed_term,
    shard_groups, tiered, top_files, weight, FilterKey, Laid, LaidShard,
};
use super::Site;
use crate::model::{index_dir, reversed, Hashes};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One post as the index last read it.
struct Seen {
    slug: String,
    /// A hash of everything the index reads of the post, to tell which posts an edit changed.
    print: u64,
    /// Its body length, for BM25.
    length: u32,
    /// Its terms' numbers, sorted.
    terms: Vec<u32>,
    filters: Vec<FilterKey>,
}

/// A term in one post: the post, its boosted and body counts, and its kept positions.
struct Occurrence {
    doc: u32,
    boosted: f32,
    body: f32,
    positions: Box<[u32]>,
}

/// A post's terms as read: `(term, boosted, body, positions)`.
type Read = Vec<(u32, f32, f32, Box<[u32]>)>;

/// A shard as laid out, with a fingerprint of the names of its terms (to tell whether it must be
/// laid out again) and its files by path.
struct Kept {
    members: u64,
    hash: String,
    files: Vec<(String, Arc<Vec<u8>>)>,
}

/// The search index of a site, kept to be updated after an edit ([`SearchState::update`]).
pub struct SearchState {
    posts: Vec<Seen>,
    avg_len: f32,
    /// Every term ever seen, by number; a term no post has any more keeps its number.
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
    /// Each term's occurrences, in post order: a term is made again from its own list, with
    /// no search through its posts.
    docs: Vec<Vec<Occurrence>>,
    /// Each term's postings laid out, and its place in the reversed tree; `None` when no post
    /// has it.
    terms: Vec<Option<Laid>>,
    back: Vec<Option<Laid>>,
    shards: BTreeMap<String, Kept>,
    filters: BTreeMap<FilterKey, Vec<u32>>,
    filter_files: BTreeMap<FilterKey, (String, String, Arc<Vec<u8>>)>,
    /// Every file of the index by path, relative to the data folder.
    files: BTreeMap<String, Arc<Vec<u8>>>,
    entry: String,
}

/// What an update did to the index's files: paths new since the last build (a changed file has
/// a new name) and paths gone, each sorted; and whether the index was built again whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchChanges {
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub whole: bool,
}

impl SearchState {
    /// The index of every post of `site`, built whole.
    pub fn new(site: &Site) -> SearchState {
        let stage = super::timings::Stage::start("search: build (kept)");
        let mut state = SearchState {
            posts: Vec::new(),
            avg_len: 1.0,
            names: Vec::new(),
            ids: FxHashMap::default(),
            docs: Vec::new(),
            terms: Vec::new(),
            back: Vec::new(),
            shards: BTreeMap::new(),
            filters: BTreeMap::new(),
            filter_files: BTreeMap::new(),
            files: BTreeMap::new(),
            entry: String::new(),
        };
        let read: Vec<_> = (0..site.posts.len())
            .into_par_iter()
            .map(|i| read_post(site, i))
            .collect();
        for (i, (slug, print, (terms, length), filters)) in read.into_iter().enumerate() {
            let (seen, read) = state.seen(slug, print, terms, length, filters);
            for (id, boosted, body, positions) in read {
                state.docs[id as usize].push(Occurrence {
                    doc: i as u32,
                    boosted,
                    body,
                    positions,
                });
            }
            for key in &seen.filters {
                state.filters.entry(key.clone()).or_default().push(i as u32);
            }
            state.posts.push(seen);
        }
        state.avg_len = state.average();
        let all: Vec<u32> = (0..state.names.len() as u32).collect();
        state.lay(&all);
        let keys: Vec<FilterKey> = state.filters.keys().cloned().collect();
        state.write_filters(&keys);
        state.relayout(None);
        state.finish();
        stage.done();
        state
    }

    /// The entry's name, relative to the data folder.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// Every file of the index, by path relative to the data folder.
    pub fn files(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        &self.files
    }

    /// The bytes of all the index's files.
    pub fn bytes(&self) -> u64 {
        self.files.values().map(|bytes| bytes.len() as u64).sum()
    }

    /// Brings the index up to date with `site`: the posts whose text, title, tags, headings or
    /// listing changed are read again, and only the files their old and new terms are in are
    /// made again. When posts were added, removed or reordered, or the average body length moved
    /// to another step, the index is built again whole.
    pub fn update(&mut self, site: &Site) -> SearchChanges {
        let whole = super::timings::Stage::start("search: update");
        let same_posts = site.posts.len() == self.posts.len()
            && site
                .posts
                .iter()
                .zip(&self.posts)
                .all(|(post, seen)| post.summary.slug == seen.slug);
        if !same_posts {
            return self.replace(SearchState::new(site));
        }
        let stage = super::timings::Stage::start("  changed");
        let changed: Vec<usize> = site
            .posts
            .par_iter()
            .zip(&self.posts)
            .enumerate()
            .filter(|(_, (post, seen))| print_of(post) != seen.print)
            .map(|(i, _)| i)
            .collect();
        if changed.is_empty() {
            stage.done();
            whole.done();
            return SearchChanges::default();
        }
        let stage = stage.next("  read");
        let read: Vec<_> = changed
            .par_iter()
            .map(|&i| (i, read_post(site, i)))
            .collect();
        let old_avg = self.avg_len;
        let mut touched_ids: BTreeSet<u32> = BTreeSet::new();
        let mut touched_filters: BTreeSet<FilterKey> = BTreeSet::new();
        for (i, (slug, print, (terms, length), filters)) in read {
            let (seen, read) = self.seen(slug, print, terms, length, filters);
            let old = std::mem::replace(&mut self.posts[i], seen);
            self.move_post(i as u32, &old, read, &mut touched_ids, &mut touched_filters);
        }
        self.avg_len = self.average();
        if self.avg_len != old_avg {
            return self.replace(SearchState::new(site));
        }
        let stage = stage.next("  terms");
        let touched_ids: Vec<u32> = touched_ids.into_iter().collect();
        self.lay(&touched_ids);
        let touched: FxHashSet<String> = touched_ids
            .iter()
            .flat_map(|&id| {
                let name = &self.names[id as usize];
                [name.clone(), reversed(name)]
            })
            .collect();
        let touched_filters: Vec<FilterKey> = touched_filters.into_iter().collect();
        self.write_filters(&touched_filters);
        let stage = stage.next("  shards");
        self.relayout(Some(&touched));
        let stage = stage.next("  files");
        let before = std::mem::take(&mut self.files);
        self.finish();
        stage.done();
        whole.done();
        changes(&before, &self.files, false)
    }

    /// Takes the state of a whole build in; the changes between the two.
    fn replace(&mut self, new: SearchState) -> SearchChanges {
        let before = std::mem::replace(self, new);
        changes(&before.files, &self.files, true)
    }

    /// A post as read, its terms numbered (new terms get the next numbers).
    fn seen(
        &mut self,
        slug: String,
        print: u64,
        terms: Vec<(String, f32, f32, Vec<u32>)>,
        length: u32,
        filters: Vec<FilterKey>,
    ) -> (Seen, Read) {
        let mut numbered: Read = terms
            .into_iter()
            .map(|(name, boosted, body, positions)| {
                let id = match self.ids.get(&name) {
                    Some(&id) => id,
                    None => {
                        let id = self.names.len() as u32;
                        self.ids.insert(name.clone(), id);
                        self.names.push(name);
                        self.docs.push(Vec::new());
                        self.terms.push(None);
                        self.back.push(None);
                        id
                    }
                };
                (id, boosted, body, positions.into_boxed_slice())
            })
            .collect();
        numbered.sort_by_key(|t| t.0);
        let seen = Seen {
            slug,
            print,
            length,
            terms: numbered.iter().map(|t| t.0).collect(),
            filters,
        };
        (seen, numbered)
    }

    /// Moves post `i` from the terms and filters of its old reading `old` to those of its new
    /// one (whose terms are `read`), noting every term and filter either has.
    fn move_post(
        &mut self,
        i: u32,
        old: &Seen,
        read: Read,
        terms: &mut BTreeSet<u32>,
        filters: &mut BTreeSet<FilterKey>,
    ) {
        for id in &old.terms {
            let docs = &mut self.docs[*id as usize];
            if let Ok(at) = docs.binary_search_by_key(&i, |o| o.doc) {
                docs.remove(at);
            }
            terms.insert(*id);
        }
        for (id, boosted, body, positions) in read {
            let docs = &mut self.docs[id as usize];
            let at = docs
                .binary_search_by_key(&i, |o| o.doc)
                .unwrap_or_else(|at| at);
            let occurrence = Occurrence {
                doc: i,
                boosted,
                body,
                positions,
            };
            docs.insert(at, occurrence);
            terms.insert(id);
        }
        for key in &old.filters {
            if let Some(docs) = self.filters.get_mut(key) {
                docs.retain(|&d| d != i);
            }
            filters.insert(key.clone());
        }
        for key in &self.posts[i as usize].filters {
            let docs = self.filters.entry(key.clone()).or_default();
            if let Err(at) = docs.binary_search(&i) {
                docs.insert(at, i);
            }
            filters.insert(key.clone());
        }
    }

    /// The average body length BM25 uses, from every post's.
    fn average(&self) -> f32 {
        let lengths: Vec<u32> = self.posts.iter().map(|p| p.length).collect();
        average_length(&lengths)
    }

    /// Makes the postings of the terms `ids` again from their posts, as a full build makes them.
    fn lay(&mut self, ids: &[u32]) {
        let n = self.posts.len() as u32;
        let made: Vec<(u32, Option<Laid>)> = ids
            .par_iter()
            .map(|&id| {
                let docs = &self.docs[id as usize];
                if docs.is_empty() {
                    return (id, None);
                }
                let df = docs.len() as u32;
                let postings: Vec<(u32, u32, &[u32])> = docs
                    .iter()
                    .map(|o| {
                        let length = self.posts[o.doc as usize].length;
                        let weight = weight(o.boosted, o.body, df, n, length, self.avg_len);
                        (o.doc, weight, &o.positions[..])
                    })
                    .collect();
                let name = self.names[id as usize].clone();
                (id, Some(Laid::new(name, tiered(df, postings), None)))
            })
            .collect();
        for (id, laid) in made {
            self.back[id as usize] = laid.as_ref().and_then(reversed_term);
            self.terms[id as usize] = laid;
        }
    }

    /// Writes the files of the filters `keys` again (a filter no post carries any more is gone).
    fn write_filters(&mut self, keys: &[FilterKey]) {
        let dir = index_dir();
        for key in keys {
            match self.filters.get(key).filter(|docs| !docs.is_empty()) {
                Some(docs) => {
                    let (hash, path, json) = filter_file_of(&dir, key, docs.clone());
                    self.filter_files
                        .insert(key.clone(), (hash, path, Arc::new(json)));
                }
                None => {
                    self.filters.remove(key);
                    self.filter_files.remove(key);
                }
            }
        }
    }

    /// Splits every term into shards again, and lays out again each shard whose terms are not
    /// those it had, or include one of `touched` (by name, or reversed name in the reversed
    /// tree); `None` lays out every shard.
    fn relayout(&mut self, touched: Option<&FxHashSet<String>>) {
        let dir = index_dir();
        let groups = shard_groups(
            self.terms.iter().flatten(),
            self.back.iter().flatten().collect(),
        );
        let stage = super::timings::Stage::start("  lay out");
        let old = &self.shards;
        let kept: BTreeMap<String, Kept> = groups
            .into_par_iter()
            .map(|(key, group)| {
                let mut names: Vec<&str> = group.iter().map(|t| t.name.as_str()).collect();
                names.sort_unstable();
                let mut hasher = std::hash::DefaultHasher::new();
                names.hash(&mut hasher);
                let members = hasher.finish();
                let unchanged = old.get(&key).filter(|kept| {
                    touched.is_some_and(|touched| {
                        kept.members == members && !names.iter().any(|m| touched.contains(*m))
                    })
                });
                let kept = match unchanged {
                    Some(kept) => Kept {
                        members,
                        hash: kept.hash.clone(),
                        files: kept.files.clone(),
                    },
                    None => kept_of(&dir, &key, members, layout(group, None)),
                };
                (key, kept)
            })
            .collect();
        stage.done();
        self.shards = kept;
    }

    /// Makes the files above the shards and the map of every file.
    fn finish(&mut self) {
        let dir = index_dir();
        let shards: Hashes = self
            .shards
            .iter()
            .map(|(key, kept)| (key.clone(), kept.hash.clone()))
            .collect();
        let mut filters: BTreeMap<String, Hashes> = BTreeMap::new();
        for ((taxonomy, term), (hash, ..)) in &self.filter_files {
            filters
                .entry(taxonomy.folder().to_string())
                .or_default()
                .insert(term.clone(), hash.clone());
        }
        let mut files: BTreeMap<String, Arc<Vec<u8>>> = BTreeMap::new();
        for kept in self.shards.values() {
            files.extend(kept.files.iter().cloned());
        }
        for (_, path, json) in self.filter_files.values() {
            files.insert(path.clone(), json.clone());
        }
        let names = files
            .keys()
            .map(|path| path[dir.len() + 1..].to_string())
            .collect();
        let (entry, top) = top_files(self.posts.len() as u32, shards, filters, names);
        files.extend(top.into_iter().map(|(path, bytes)| (path, Arc::new(bytes))));
        self.files = files;
        self.entry = entry;
    }
}

/// A shard as laid out, kept with its terms and files.
fn kept_of(dir: &str, key: &str, members: u64, shard: LaidShard) -> Kept {
    let files = shard
        .files(dir, key)
        .into_iter()
        .map(|(path, bytes)| (path, Arc::new(bytes.to_vec())))
        .collect();
    Kept {
        members,
        hash: shard.hash,
        files,
    }
}

/// Post `i` as the index reads it: `(slug, print, terms, filters)`.
fn read_post(
    site: &Site,
    i: usize,
) -> (String, u64, super::search_index::PostTerms, Vec<FilterKey>) {
    let post = &site.posts[i];
    let terms = post_terms(&|index| index_post(post, index));
    (
        post.summary.slug.clone(),
        print_of(post),
        terms,
        post_filters(post),
    )
}

/// A hash of everything the index reads of a post. Not a content hash for names: it only tells
/// an edited post from the one read before (64 bits: an edit that left it unchanged by chance is
/// too unlikely to weigh).
fn print_of(post: &crate::model::Post) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    post.summary.unlisted.hash(&mut hasher);
    post.summary.title.hash(&mut hasher);
    post.summary.tags.hash(&mut hasher);
    post.summary.categories.hash(&mut hasher);
    for heading in &post.toc {
        heading.text.hash(&mut hasher);
    }
    post.text.hash(&mut hasher);
    hasher.finish()
}

/// The paths in `after` and not `before`, and those in `before` and not `after`. Every file is
/// named by its content, so a path in both holds the same bytes.
fn changes(
    before: &BTreeMap<String, Arc<Vec<u8>>>,
    after: &BTreeMap<String, Arc<Vec<u8>>>,
    whole: bool,
) -> SearchChanges {
    SearchChanges {
        changed: after
            .keys()
            .filter(|path| !before.contains_key(*path))
            .cloned()
            .collect(),
        removed: before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned()
            .collect(),
        whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::output::Output;
    use crate::builder::{load_site, BuildOptions};
    use crate::model::{decode_index, SearchEntry};
    use crate::search::index::{load_now, File, Loaded, Need};
    use crate::search::query::parse;
    use std::path::Path;

    /// Words of the generated posts: a few in every post (their postings have tails), others in
    /// some.
    const WORDS: [&str; 12] = [
        "river", "market", "temple", "ferry", "noodles", "monsoon", "village", "bicycle",
        "lantern", "harbour", "orchard", "caravan",
    ];

    /// The text of post `i`: common words, a mix of the others by its number, and words of its
    /// own (its number's digits as letters), enough for the index to have many shards.
    fn body(i: usize) -> String {
        let letters = |n: usize| -> String {
            n.to_string()
                .bytes()
                .map(|d| char::from(b'a' + d - b'0'))
                .collect()
        };
        let own: Vec<String> = (0..24)
            .map(|j| format!("{}o", letters(i * 24 + j)))
            .collect();
        let mut text = format!(
            "the day {i} was long and the road was dusty. {}\n\n",
            own.join(" ")
        );
        for (w, word) in WORDS.iter().enumerate() {
            if (i + w).is_multiple_of(w + 2) {
                text.push_str(&format!("A {word} near stop {} ", i % (w + 3)));
            }
        }
        text
    }

    fn write_post(content: &Path, i: usize, title: &str, tags: &str, text: &str) {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2000 + i / 336;
        let post = format!(
            "---\ntitle: \"{title}\"\ndate: {year}-{month:02}-{day:02}\ntags: [{tags}]\n---\n\n{text}\n"
        );
        std::fs::write(content.join(format!("post-{i:04}.md")), post).unwrap();
    }

    /// A content folder of `count` posts; the posts have one date each, so their order is fixed.
    fn content(count: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"http://example.com\"\n",
        )
        .unwrap();
        for i in 0..count {
            let tags = if i % 3 == 0 { "walks, food" } else { "walks" };
            write_post(dir.path(), i, &format!("Post {i}"), tags, &body(i));
        }
        dir
    }

    fn site_of(dir: &Path) -> Site {
        let opts = BuildOptions {
            content: dir.to_path_buf(),
            ..BuildOptions::default()
        };
        load_site(&opts).unwrap()
    }

    /// A full build's search files, by path, and its entry.
    fn full(site: &Site) -> (BTreeMap<String, Vec<u8>>, String) {
        let files = Output::in_memory();
        let (entry, _) = super::super::search_index::search_files(site, &files);
        let files = files
            .into_files()
            .into_iter()
            .filter(|(path, _)| path.starts_with("search/"))
            .collect();
        (files, entry)
    }

    fn kept(state: &SearchState) -> BTreeMap<String, Vec<u8>> {
        state
            .files()
            .iter()
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect()
    }

    /// The kept index is the full build's, file for file and byte for byte.
    fn assert_same_as_full(state: &SearchState, site: &Site) {
        let (files, entry) = full(site);
        assert_eq!(state.entry(), entry);
        let kept = kept(state);
        assert_eq!(
            kept.keys().collect::<Vec<_>>(),
            files.keys().collect::<Vec<_>>()
        );
        assert!(kept == files, "the same names hold the same bytes");
        assert_eq!(
            state.bytes(),
            files.values().map(|b| b.len() as u64).sum::<u64>()
        );
    }

    /// The posts a query finds, best first, reading the files as the app does: from the entry,
    /// each file by the name the file before it gives.
    fn found(files: &BTreeMap<String, Arc<Vec<u8>>>, entry: &str, query: &str) -> Vec<u32> {
        let entry: SearchEntry = serde_json::from_slice(&files[entry]).unwrap();
        let mut loaded = Loaded::default();
        let mut named = Loaded::default();
        let fetch = |round: Vec<Need>| -> Result<Vec<(Need, File)>, String> {
            let mut out = Vec::new();
            for need in round {
                let path = need.file(&entry, &named).ok_or("a file not named")?;
                let file = File::read(&need, &files[&path])?;
                named.insert(need.clone(), file.clone());
                out.push((need, file));
            }
            Ok(out)
        };
        let found = load_now(&entry, &parse(query), &[], 10_000, &mut loaded, fetch).unwrap();
        found.hits.into_iter().map(|h| h.doc).collect()
    }

    const QUERIES: [&str; 8] = [
        "the ",
        "river ",
        "market temple",
        "noodle",
        "\"road was dusty\"",
        "monsoon -ferry",
        "lanterm ",
        "zebra ",
    ];

    #[test]
    fn an_edit_rewrites_only_the_files_of_the_edited_posts_terms_as_a_full_build_would() {
        let dir = content(260);
        let site = site_of(dir.path());
        let mut state = SearchState::new(&site);
        assert_same_as_full(&state, &site);
        let before = state.files().clone();
        let old_entry = state.entry().to_string();
        // Post 12 (numbered 247: newest first) loses "river" and gains a word no post had.
        let edited = body(12).replace("river", "zebra") + " zebra crossing";
        assert!(body(12).contains("river"));
        write_post(dir.path(), 12, "Post 12", "walks, food", &edited);
        let site = site_of(dir.path());
        let changes = state.update(&site);
        assert!(!changes.whole);
        assert_same_as_full(&state, &site);
        // Few files changed, and every other one kept its name and bytes.
        assert!(!changes.changed.is_empty());
        assert!(
            changes.changed.len() * 3 < state.files().len(),
            "{} of {} files changed: {:?}",
            changes.changed.len(),
            state.files().len(),
            changes.changed
        );
        for (path, bytes) in state.files() {
            if !changes.changed.contains(path) {
                assert_eq!(before[path], *bytes, "{path} kept");
            }
        }
        for path in &changes.removed {
            assert!(before.contains_key(path) && !state.files().contains_key(path));
        }
        // The old index still reads whole, from its own entry.
        let number = site
            .posts
            .iter()
            .position(|p| p.summary.slug == "post-0012")
            .unwrap() as u32;
        assert!(found(&before, &old_entry, "river ").contains(&number));
        assert!(!found(&before, &old_entry, "zebra ").contains(&number));
        // The new one finds the post by its new word, not its old one.
        assert!(!found(state.files(), state.entry(), "river ").contains(&number));
        assert_eq!(found(state.files(), state.entry(), "zebra "), [number]);
        for query in QUERIES {
            let fresh = SearchState::new(&site);
            assert_eq!(
                found(state.files(), state.entry(), query),
                found(fresh.files(), fresh.entry(), query),
                "{query}"
            );
        }
        // Nothing changed: nothing to write.
        assert_eq!(state.update(&site), SearchChanges::default());
    }

    #[test]
    fn tags_titles_added_and_removed_posts_end_as_a_full_build() {
        let dir = content(230);
        let mut state = SearchState::new(&site_of(dir.path()));
        // A post's tags (its filters change, and the words of its tags).
        write_post(dir.path(), 7, "Post 7", "walks, harbours", &body(7));
        let site = site_of(dir.path());
        assert!(!state.update(&site).whole);
        assert_same_as_full(&state, &site);
        // A title and a whole body.
        write_post(dir.path(), 100, "Ferry to the orchard", "walks", "the day");
        let site = site_of(dir.path());
        assert!(!state.update(&site).whole);
        assert_same_as_full(&state, &site);
        // A new post renumbers the posts after it: built again whole.
        write_post(dir.path(), 500, "New", "walks", &body(3));
        let site = site_of(dir.path());
        let changes = state.update(&site);
        assert!(changes.whole);
        assert_same_as_full(&state, &site);
        // And a post removed.
        std::fs::remove_file(dir.path().join("post-0020.md")).unwrap();
        let site = site_of(dir.path());
        assert!(state.update(&site).whole);
        assert_same_as_full(&state, &site);
        for query in QUERIES {
            let (files, entry) = full(&site);
            let files: BTreeMap<String, Arc<Vec<u8>>> =
                files.into_iter().map(|(p, b)| (p, Arc::new(b))).collect();
            assert_eq!(
                found(state.files(), state.entry(), query),
                found(&files, &entry, query),
                "{query}"
            );
        }
    }

    #[test]
    fn a_shard_names_its_chunks_and_tails_by_their_hashes() {
        let dir = content(240);
        let state = SearchState::new(&site_of(dir.path()));
        let mut tails = 0;
        for (path, bytes) in state.files() {
            if !path.ends_with(".bin") || path.contains("/more/") || path.contains(".c.") {
                continue;
            }
            let shard: crate::model::Shard = decode_index(bytes).unwrap();
            for hash in &shard.chunks {
                let end = format!(".c.{hash}.bin");
                assert!(state.files().keys().any(|p| p.ends_with(&end)), "{end}");
            }
            for (tier, hash) in shard.tails.iter().flat_map(|t| t.iter().enumerate()) {
                tails += 1;
                let end = format!(".{hash}.{}.bin", tier + 1);
                assert!(state.files().keys().any(|p| p.ends_with(&end)), "{end}");
            }
        }
        assert!(tails > 0, "common words have tails");
        // Every file's name ends with its hash (a tail's, then its tier).
        for (path, bytes) in state.files() {
            let from_end = if path.contains("/more/") { 2 } else { 1 };
            let hash = path.split('.').rev().nth(from_end).unwrap();
            assert_eq!(hash, crate::builder::content_hash(bytes), "{path}");
        }
    }

    /// Times the update after an edit of one post, against building the index whole, on the
    /// content folder named by `FIELDNOTES_SEARCH_BENCH` (a large corpus):
    /// `FIELDNOTES_SEARCH_BENCH=DIR cargo test --profile builder --lib one_post_edit_timed --
    /// --ignored --nocapture`. It prints times and asserts only what the other tests do.
    #[test]
    #[ignore]
    fn one_post_edit_timed() {
        let Some(dir) = std::env::var_os("FIELDNOTES_SEARCH_BENCH") else {
            return;
        };
        let mut site = site_of(Path::new(&dir));
        let start = std::time::Instant::now();
        let (files, _) = full(&site);
        let whole = start.elapsed();
        let start = std::time::Instant::now();
        let mut state = SearchState::new(&site);
        let kept = start.elapsed();
        eprintln!(
            "{} posts, {} files: a full build {whole:?}, kept {kept:?}",
            site.posts.len(),
            files.len()
        );
        for round in 0..3 {
            let at = site.posts.len() / 2 + round;
            site.posts[at]
                .text
                .push_str("\n\nA zebra crossing by the harbour, then the ferry.\n");
            let start = std::time::Instant::now();
            let changes = state.update(&site);
            eprintln!(
                "edit of post {at}: update {:?}, {} files new, {} gone, whole: {}",
                start.elapsed(),
                changes.changed.len(),
                changes.removed.len(),
                changes.whole
            );
        }
    }
}
