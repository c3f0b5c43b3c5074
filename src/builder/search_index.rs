//! Building the search index (native only): every post's title, tags and text indexed, and the
//! index laid out into the files [`crate::model::search`] describes, which the app searches with
//! [`crate::search::index`]. Both read text through the same tokenizer.
//!
//! Built for large sites: posts are read in parallel batches whose occurrences stay where they
//! were made (one flat list per batch, grouped by term), terms are numbered once, and each term's
//! postings are written straight into the bytes of its flat list of numbers (varints, as
//! [`crate::model::encode_index`] writes them), so a build holds little more than the occurrences
//! themselves.

use super::output::Output;
use super::{content_hash, Site};
use crate::model::{
    bucket_of, chunk_file, entry_file, files_file, filter_file, index_dir, is_reversible,
    keys_file, reversed, shard_file, tail_file, tail_tiers, tier_end, top_key, Docs, Hashes,
    IndexFiles, SearchEntry, Taxonomy, CHUNK_BYTES, FORMAT_VERSION, HEAD_TERMS, INDEX_END, MAX_KEY,
    MAX_POSITIONS, PACK_BYTES, REVERSED, SHARD_BYTES, TOP_POSTINGS, WEIGHT_SCALE,
};
use crate::search::filter::folded;
use crate::search::index::Document;
use crate::search::query::{bm25, CATEGORY_BOOST, HEADING_BOOST, TAG_BOOST, TITLE_BOOST};
use crate::search::tokenize::each_term;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// In a shard with chunks, a term whose postings take at most this many bytes stays inline: rare
/// words are most of the terms, and a search for one then needs no second file.
const INLINE_BYTES: usize = 48;

/// Writes the search index into `files`: each shard with its chunks and tails as soon as it is
/// laid out, then the filters, the key lists, the list of files and the entry naming them;
/// returns the entry's name and the bytes of all its files. Posts are numbered in index order,
/// newest first.
pub(super) fn search_files(site: &Site, files: &Output) -> (String, u64) {
    let stage = super::timings::Stage::start("search: build");
    // A large site's tails are most of its index: they wait in a temporary file for their shard
    // to be laid out, rather than all in memory at once (in memory only when no file can be made).
    let spill = Spill::new();
    let terms = build_terms(
        site.posts.len(),
        &|i, index| index_post(&site.posts[i], index),
        spill.as_ref(),
    );
    let stage = stage.next("search: write");
    let dir = index_dir();
    let names = std::sync::Mutex::new(Vec::new());
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let put = |path: String, content: &[u8]| {
        bytes.fetch_add(content.len() as u64, std::sync::atomic::Ordering::Relaxed);
        files.insert(PathBuf::from(&path), content);
        let name = path[dir.len() + 1..].to_string();
        names.lock().expect("names are only pushed").push(name);
    };
    let back = reversed_terms(&terms);
    let shards: Hashes = shard_groups(&terms, back.iter().collect())
        .into_par_iter()
        .map(|(key, group)| {
            let shard = layout(group, spill.as_ref());
            for (path, content) in shard.files(&dir, &key) {
                put(path, content);
            }
            (key, shard.hash)
        })
        .collect();
    drop((terms, back, spill));
    let mut filters: BTreeMap<String, Hashes> = BTreeMap::new();
    for (key, docs) in filters_of(site) {
        let (hash, path, json) = filter_file_of(&dir, &key, docs);
        put(path, &json);
        filters
            .entry(key.0.folder().to_string())
            .or_default()
            .insert(key.1, hash);
    }
    let listed = std::mem::take(&mut *names.lock().expect("names are only pushed"));
    let (entry, top) = top_files(site.posts.len() as u32, shards, filters, listed);
    for (path, content) in top {
        bytes.fetch_add(content.len() as u64, std::sync::atomic::Ordering::Relaxed);
        files.insert(PathBuf::from(&path), content);
    }
    stage.done();
    (entry, bytes.into_inner())
}

/// Indexes one post's title, terms, headings and visible text. An unlisted post is numbered like
/// the others, so the cards line up, but found by no word.
pub(super) fn index_post(post: &crate::model::Post, index: &mut dyn FnMut(&Document)) {
    if post.summary.unlisted {
        return index(&Document {
            title: "",
            tags: &[],
            categories: &[],
            headings: &[],
            body: "",
        });
    }
    let headings: Vec<String> = post.toc.iter().map(|h| h.text.clone()).collect();
    index(&Document {
        title: &post.summary.title,
        tags: &post.summary.tags,
        categories: &post.summary.categories,
        headings: &headings,
        body: &post.text,
    });
}

/// A filter: a taxonomy and a term as filters compare it.
pub(super) type FilterKey = (Taxonomy, String);

/// The filters of one post (none when it is unlisted), as filters compare terms: two spellings
/// that fold alike are one filter.
pub(super) fn post_filters(post: &crate::model::Post) -> Vec<FilterKey> {
    if post.summary.unlisted {
        return Vec::new();
    }
    let mut out: Vec<FilterKey> = Taxonomy::ALL
        .into_iter()
        .flat_map(|taxonomy| {
            let terms = taxonomy.terms_of(&post.summary);
            terms
                .iter()
                .map(move |term| (taxonomy, folded(term)))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every tag's and category's posts, in order.
fn filters_of(site: &Site) -> BTreeMap<FilterKey, Vec<u32>> {
    let mut docs: BTreeMap<FilterKey, Vec<u32>> = BTreeMap::new();
    for (n, post) in site.posts.iter().enumerate() {
        for key in post_filters(post) {
            docs.entry(key).or_default().push(n as u32);
        }
    }
    docs
}

/// A filter's file: `(hash, path, JSON of its [`Docs`])`.
pub(super) fn filter_file_of(
    dir: &str,
    key: &FilterKey,
    docs: Vec<u32>,
) -> (String, String, Vec<u8>) {
    let json = serde_json::to_vec(&Docs(docs)).expect("filters serialise");
    let hash = content_hash(&json);
    (hash.clone(), filter_file(dir, key.0, &key.1, &hash), json)
}

/// The files above the shards, made from their hashes: the key lists, the list of every file of
/// the index (`names`, relative to its folder: shards, chunks, tails and filters; the key lists
/// are added) and the entry. Returns the entry's name, and these files by path.
pub(super) fn top_files(
    docs: u32,
    shards: Hashes,
    filters: BTreeMap<String, Hashes>,
    mut names: Vec<String>,
) -> (String, Vec<(String, Vec<u8>)>) {
    let dir = index_dir();
    let mut out = Vec::new();
    // The entry names the keys the alphabets bound; the longer ones are in a list per first
    // letter.
    let (keys, lists) = SearchEntry::split_keys(shards);
    let mut deep = Hashes::new();
    for (key, list) in lists {
        let json = serde_json::to_vec(&list).expect("key lists serialise");
        let hash = content_hash(&json);
        let path = keys_file(&dir, &key, &hash);
        names.push(path[dir.len() + 1..].to_string());
        out.push((path, json));
        deep.insert(key, hash);
    }
    names.sort();
    let json = serde_json::to_vec(&IndexFiles { files: names }).expect("file lists serialise");
    let files = content_hash(&json);
    out.push((files_file(&dir, &files), json));
    let entry = SearchEntry {
        format_version: FORMAT_VERSION,
        docs,
        dir,
        keys,
        deep,
        filters,
        files,
    };
    let json = serde_json::to_vec(&entry).expect("the search entry serialises");
    let file = entry_file(&content_hash(&json));
    out.push((file.clone(), json));
    (file, out)
}

/// Tails of common terms set aside in a temporary file until their shard is laid out: a term's
/// tiers one after another, read back by offset. The file is removed when this is dropped.
pub(super) struct Spill {
    file: std::sync::Mutex<std::fs::File>,
    path: PathBuf,
}

impl Spill {
    /// A new, empty temporary file; `None` when none can be made (tails then stay in memory).
    pub(super) fn new() -> Option<Spill> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "fieldnotes-tails-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        Some(Spill {
            file: std::sync::Mutex::new(file),
            path,
        })
    }

    /// Appends `bytes`; returns their offset.
    fn put(&self, bytes: &[u8]) -> std::io::Result<u64> {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = self.file.lock().expect("the spill file is not poisoned");
        let at = file.seek(SeekFrom::End(0))?;
        file.write_all(bytes)?;
        Ok(at)
    }

    /// The `len` bytes at `at`.
    fn get(&self, at: u64, len: usize) -> Vec<u8> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self.file.lock().expect("the spill file is not poisoned");
        let mut out = vec![0; len];
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(&mut out))
            .expect("the tails set aside read back");
        out
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// An index as built, for tests that read its files by key: its shards' bytes by key (the
/// reversed tree's among them), their chunks' by key and number, and the tails of common terms
/// by shard key, pack and tier.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Built {
    pub shards: BTreeMap<String, Vec<u8>>,
    pub chunks: Vec<(String, u32, Vec<u8>)>,
    pub tails: Vec<(String, u32, u32, Vec<u8>)>,
}

/// One term in one post: 12 bytes, as a large site has tens of millions of them.
#[derive(Clone, Copy, Default)]
struct Occurrence {
    /// In the title and tags, times their boosts.
    boosted: f32,
    body: f32,
    /// The post, from the batch's first.
    doc: u16,
    /// Positions kept, the next ones of the term's in its batch's arena.
    count: u8,
}

// A post's place in its batch fits the two bytes an occurrence keeps for it.
const _: () = assert!(MAX_BATCH <= 1 << 16);

/// The terms of a batch of posts: each term's occurrences, in post order, side by side in one
/// list (`occurrences[starts[t]..starts[t + 1]]` for the batch's term `t`), and their positions
/// likewise (from `positions[t]` on).
#[derive(Default)]
struct Partial {
    /// The number of the batch's first post.
    first: u32,
    /// The batch's terms, in order of first use; taken by the merge.
    names: Vec<String>,
    /// The site-wide number of each of the batch's terms, set by the merge.
    ids: Vec<u32>,
    starts: Vec<u32>,
    occurrences: Vec<Occurrence>,
    positions: Vec<u32>,
    arena: Vec<u32>,
    lengths: Vec<u32>,
}

impl Partial {
    /// The occurrences of the batch's term `term` with the post number and positions of each.
    fn of(&self, term: usize) -> impl Iterator<Item = (u32, &Occurrence, &[u32])> {
        let mut at = self.positions[term] as usize;
        self.occurrences[self.starts[term] as usize..self.starts[term + 1] as usize]
            .iter()
            .map(move |o| {
                let positions = &self.arena[at..at + o.count as usize];
                at += o.count as usize;
                (self.first + o.doc as u32, o, positions)
            })
    }

    /// How many posts of the batch have the term `term`.
    fn df(&self, term: usize) -> u32 {
        self.starts[term + 1] - self.starts[term]
    }
}

/// A term ready to lay out: its postings as the bytes of their flat lists of numbers (see
/// [`crate::model::Term`]), and the length of the term with its first tier in a shard.
pub(super) struct Laid {
    pub(super) name: String,
    /// Posts containing the term.
    pub(super) df: u32,
    /// Its first tier of postings.
    bytes: Vec<u8>,
    /// Its tails, tier 1 first, when held in memory.
    tails: Vec<Vec<u8>>,
    /// Its tails when set aside in a [`Spill`]: each tier's offset and length.
    spilled: Vec<(u64, u32)>,
    len: usize,
}

impl Laid {
    /// A term with its tiers of postings ([`tiered`]); its tails go to `spill` when there is one.
    pub(super) fn new(name: String, tiers: Vec<Vec<u32>>, spill: Option<&Spill>) -> Laid {
        let df = tiers[0][0];
        let mut tiers = tiers.iter().map(|tier| numbers_bytes(tier));
        let bytes = tiers.next().expect("a term has postings");
        let mut tails: Vec<Vec<u8>> = tiers.collect();
        let mut spilled = Vec::new();
        if let Some(spill) = spill.filter(|_| !tails.is_empty()) {
            let all = tails.concat();
            if let Ok(mut at) = spill.put(&all) {
                for tail in std::mem::take(&mut tails) {
                    spilled.push((at, tail.len() as u32));
                    at += tail.len() as u64;
                }
            }
        }
        Laid {
            len: entry_len(&name, &bytes),
            df,
            name,
            bytes,
            tails,
            spilled,
        }
    }

    /// The number of its tails.
    fn tiers(&self) -> usize {
        self.tails.len().max(self.spilled.len())
    }

    /// The length of its tail `i` (tier `i + 1`).
    fn tail_len(&self, i: usize) -> usize {
        match self.tails.get(i) {
            Some(tail) => tail.len(),
            None => self.spilled[i].1 as usize,
        }
    }

    /// Its tail `i` (tier `i + 1`), if it has one.
    fn tail(&self, i: usize, spill: Option<&Spill>) -> Option<std::borrow::Cow<'_, [u8]>> {
        if let Some(tail) = self.tails.get(i) {
            return Some(tail.as_slice().into());
        }
        let (at, len) = *self.spilled.get(i)?;
        let spill = spill.expect("spilled tails have their spill");
        Some(spill.get(at, len as usize).into())
    }
}

/// BM25's average body length as the index uses it: rounded to a step of 1/16 of an octave
/// (about 4 %), so that an edit of one post, which moves the true average a little, leaves the
/// weight of every term the post does not contain as it was, and its files with it.
pub(super) fn steady_avg(avg: f32) -> f32 {
    if avg <= 1.0 {
        return 1.0;
    }
    ((avg.log2() * 16.0).round() / 16.0).exp2()
}

/// A term's weight in one post, as stored: BM25 × [`WEIGHT_SCALE`], at least 1.
pub(super) fn weight(boosted: f32, body: f32, df: u32, n: u32, length: u32, avg_len: f32) -> u32 {
    let weight = bm25(boosted, body, df, n, length, avg_len);
    (weight * WEIGHT_SCALE).round().max(1.0) as u32
}

/// A term's postings `(post, weight, positions)`, in post order, as flat lists
/// ([`crate::model::Term`]): its best [`TOP_POSTINGS`] (tier 0), then each tier of its tail
/// ([`tier_end`]). Each list holds the term's number of posts, then per post, in post order, the
/// gap from the previous post, the weight, the count of positions and the positions as gaps.
pub(super) fn tiered(df: u32, mut postings: Vec<(u32, u32, &[u32])>) -> Vec<Vec<u32>> {
    if postings.len() <= TOP_POSTINGS {
        return vec![flat(df, &postings)];
    }
    // Best first, each tier then back in post order.
    postings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (0..=tail_tiers(df))
        .map(|tier| {
            let start = if tier == 0 { 0 } else { tier_end(tier - 1) };
            let end = tier_end(tier).min(postings.len());
            let mut this = postings[start..end].to_vec();
            this.sort_by_key(|p| p.0);
            flat(df, &this)
        })
        .collect()
}

/// A list of numbers as the index's files hold it (its length, then each number, as varints).
fn numbers_bytes(numbers: &[u32]) -> Vec<u8> {
    // Sized first, so the bytes are written once and held without spare room until laid out.
    let len = varint_len(numbers.len())
        + numbers
            .iter()
            .map(|&n| varint_len(n as usize))
            .sum::<usize>();
    let bytes = postcard::to_extend(numbers, Vec::with_capacity(len)).expect("numbers serialise");
    debug_assert_eq!(bytes.len(), len);
    bytes
}

/// Appends `value` as the index's files hold it.
fn put(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    let taken = std::mem::take(out);
    *out = postcard::to_extend(value, taken).expect("index files serialise");
}

/// Posts indexed per task when building in parallel: enough tasks for every thread on a small
/// site, and batches of up to this many on a large one, where each batch's terms cost memory
/// and a merge whatever its size.
const MAX_BATCH: usize = 1024;
const MIN_BATCH: usize = 64;

/// The posts to index: `posts(i, index)` hands post `i` to `index`.
type Posts<'a> = dyn Fn(usize, &mut dyn FnMut(&Document)) + Sync + 'a;

/// Builds the index of `docs` (numbered in order), every file in memory.
#[cfg(test)]
pub fn build(docs: &[Document]) -> Built {
    let terms = build_terms(docs.len(), &|i, index| index(&docs[i]), None);
    let back = reversed_terms(&terms);
    let mut built = Built::default();
    for (key, group) in shard_groups(&terms, back.iter().collect()) {
        let shard = layout(group, None);
        built.chunks.extend(
            (0u32..)
                .zip(shard.chunks)
                .map(|(n, (_, bytes))| (key.clone(), n, bytes)),
        );
        built.tails.extend(
            shard
                .tails
                .into_iter()
                .map(|(pack, tier, _, bytes)| (key.clone(), pack, tier, bytes)),
        );
        built.shards.insert(key, shard.file);
    }
    built
}

/// Indexes `count` posts and makes each term's postings. Posts are read in parallel batches,
/// and terms made in parallel; their tails go to `spill` when there is one.
fn build_terms(count: usize, doc: &Posts, spill: Option<&Spill>) -> Vec<Laid> {
    let stage = super::timings::Stage::start("  index");
    let (mut partials, names) = index_all(count, doc);
    let stage = stage.next("  terms");
    let (starts, places) = term_places(&partials, names.len());
    for partial in &mut partials {
        partial.ids = Vec::new();
    }
    let lengths: Vec<u32> = partials
        .iter()
        .flat_map(|p| p.lengths.iter().copied())
        .collect();
    let n = lengths.len() as u32;
    let avg_len = average_length(&lengths);
    let corpus = Corpus {
        partials: &partials,
        lengths: &lengths,
        n,
        avg_len,
    };
    let terms: Vec<Laid> = names
        .into_par_iter()
        .enumerate()
        .map(|(id, name)| {
            let places = &places[starts[id] as usize..starts[id + 1] as usize];
            Laid::new(name, corpus.postings(places), spill)
        })
        .collect();
    stage.done();
    terms
}

/// The average body length BM25 is computed against ([`steady_avg`]), from every post's.
pub(super) fn average_length(lengths: &[u32]) -> f32 {
    let n = lengths.len().max(1) as f64;
    steady_avg((lengths.iter().map(|&l| l as f64).sum::<f64>() / n) as f32)
}

/// One post's terms, as a full build indexes them ([`index_batch`]): each term with its boosted
/// and body counts and its kept positions, in order of first use; and the post's body length.
pub(super) type PostTerms = (Vec<(String, f32, f32, Vec<u32>)>, u32);

/// One post to index: `post(index)` hands it to `index`.
pub(super) type OnePost<'a> = dyn Fn(&mut dyn FnMut(&Document)) + Sync + 'a;

/// Indexes one post.
pub(super) fn post_terms(post: &OnePost) -> PostTerms {
    let partial = index_batch(0, 1, &|_, index| post(index));
    let terms = (0..partial.names.len())
        .flat_map(|t| {
            let name = &partial.names[t];
            partial
                .of(t)
                .map(move |(_, o, positions)| (name.clone(), o.boosted, o.body, positions.to_vec()))
        })
        .collect();
    (terms, partial.lengths.first().copied().unwrap_or(0))
}

/// Indexes every post, in parallel batches a round at a time; each round's terms are numbered
/// site-wide (in post order) while the next round is indexed. Returns the batches and the terms'
/// names by number (each name is held once, in the table, until then).
fn index_all(count: usize, doc: &Posts) -> (Vec<Partial>, Vec<String>) {
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut partials: Vec<Partial> = Vec::new();
    let threads = rayon::current_num_threads().max(1);
    let batch = (count / (threads * 8)).clamp(MIN_BATCH, MAX_BATCH);
    let round = batch * threads * 2;
    let mut unmerged: Vec<Partial> = Vec::new();
    for start in (0..count).step_by(round) {
        let end = (start + round).min(count);
        let (indexed, ()) = rayon::join(
            || {
                (start..end)
                    .step_by(batch)
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .map(|first| index_batch(first, (first + batch).min(end), doc))
                    .collect::<Vec<Partial>>()
            },
            || {
                for partial in unmerged.drain(..) {
                    partials.push(number_terms(&mut ids, partial));
                }
            },
        );
        unmerged = indexed;
    }
    for partial in unmerged {
        partials.push(number_terms(&mut ids, partial));
    }
    let mut names = vec![String::new(); ids.len()];
    for (name, id) in ids {
        names[id as usize] = name;
    }
    (partials, names)
}

/// Where each term's occurrences are: (batch, the batch's number for it), in post order, with
/// `starts[id]..starts[id + 1]` the places of term `id`.
fn term_places(partials: &[Partial], terms: usize) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut starts = vec![0u32; terms + 1];
    for partial in partials {
        for &id in &partial.ids {
            starts[id as usize + 1] += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut places = vec![(0u32, 0u32); starts[terms] as usize];
    let mut next = starts.clone();
    for (b, partial) in partials.iter().enumerate() {
        for (local, &id) in partial.ids.iter().enumerate() {
            places[next[id as usize] as usize] = (b as u32, local as u32);
            next[id as usize] += 1;
        }
    }
    (starts, places)
}

/// What a term's weights are computed against: every post's occurrences and length.
struct Corpus<'a> {
    partials: &'a [Partial],
    lengths: &'a [u32],
    n: u32,
    avg_len: f32,
}

impl Corpus<'_> {
    /// A term's postings as flat lists, tier by tier ([`tiered`]).
    fn postings(&self, places: &[(u32, u32)]) -> Vec<Vec<u32>> {
        let df = places
            .iter()
            .map(|&(b, local)| self.partials[b as usize].df(local as usize))
            .sum::<u32>();
        let mut postings: Vec<(u32, u32, &[u32])> = Vec::with_capacity(df as usize);
        for &(b, local) in places {
            for (doc, o, positions) in self.partials[b as usize].of(local as usize) {
                let length = self.lengths[doc as usize];
                let weight = weight(o.boosted, o.body, df, self.n, length, self.avg_len);
                postings.push((doc, weight, positions));
            }
        }
        tiered(df, postings)
    }
}

/// Postings `(post, weight, positions)`, in post order, as a flat list after `df`.
fn flat(df: u32, postings: &[(u32, u32, &[u32])]) -> Vec<u32> {
    let mut out = Vec::with_capacity(1 + postings.iter().map(|p| 3 + p.2.len()).sum::<usize>());
    out.push(df);
    let mut previous = 0;
    for &(doc, weight, positions) in postings {
        out.extend([doc - previous, weight, positions.len() as u32]);
        let mut last = 0;
        for &p in positions {
            out.push(p - last);
            last = p;
        }
        previous = doc;
    }
    out
}

/// The reversed tree's terms: long words spelled backwards, with their number of posts alone.
pub(super) fn reversed_terms(terms: &[Laid]) -> Vec<Laid> {
    terms.iter().filter_map(reversed_term).collect()
}

/// A term's place in the reversed tree, if it has one.
pub(super) fn reversed_term(term: &Laid) -> Option<Laid> {
    if !is_reversible(&term.name) {
        return None;
    }
    let bytes = numbers_bytes(&[term.df]);
    let name = reversed(&term.name);
    Some(Laid {
        len: entry_len(&name, &bytes),
        df: term.df,
        name,
        bytes,
        tails: Vec::new(),
        spilled: Vec::new(),
    })
}

/// Each bucket (pairs of unspaced scripts by first character, the reversed tree, and the rest)
/// down its tree of shards: each shard's key and terms, the shards of a bucket in tree order.
pub(super) fn shard_groups<'a>(
    terms: impl IntoIterator<Item = &'a Laid>,
    back: Vec<&'a Laid>,
) -> Vec<(String, Vec<&'a Laid>)> {
    let stage = super::timings::Stage::start("  split");
    let mut buckets: BTreeMap<String, Vec<&Laid>> = BTreeMap::new();
    if !back.is_empty() {
        buckets.insert(REVERSED.to_string(), back);
    }
    for term in terms {
        buckets.entry(bucket_of(&term.name)).or_default().push(term);
    }
    // Sorted by name, each shard's children are neighbours ([`head_and_children`]).
    let groups = buckets
        .into_par_iter()
        .flat_map_iter(|(bucket, mut terms)| {
            terms.par_sort_unstable_by(|a, b| a.name.cmp(&b.name));
            split(&bucket, bucket.clone(), terms)
        })
        .collect();
    stage.done();
    groups
}

/// Puts `terms` (all of `bucket` and starting with the rest of `key`) in the shard `key` when they
/// fit, else keeps the key's commonest terms there and splits the others by one more letter.
/// Children that would be small shards of their own (a leaf, below a key list) go back into the
/// shard `key`, smallest first, while it stays under [`SHARD_BYTES`]: a word finds them there, on
/// its path, and a tree of thousands of tiny files is a few hundred. Returns the shards, each
/// before its children, the children in key order.
fn split<'a>(bucket: &str, key: String, terms: Vec<&'a Laid>) -> Vec<(String, Vec<&'a Laid>)> {
    let depth = key[bucket.len()..].chars().count();
    let size: usize = terms.iter().map(|t| dict_len(t)).sum();
    if size <= SHARD_BYTES || depth >= MAX_KEY {
        return vec![(key, terms)];
    }
    let (head, children) = head_and_children(bucket, depth, terms);
    let below: Vec<Vec<(String, Vec<&Laid>)>> = children
        .into_par_iter()
        .map(|(child, group)| split(bucket, child, group))
        .collect();
    let mut room = SHARD_BYTES.saturating_sub(head.iter().map(|t| dict_len(t)).sum());
    let mut leaves: Vec<(usize, usize)> = below
        .iter()
        .enumerate()
        .filter(|(_, shards)| shards.len() == 1 && top_key(&shards[0].0).is_some())
        .map(|(i, shards)| (shards[0].1.iter().map(|t| dict_len(t)).sum(), i))
        .collect();
    leaves.sort_unstable();
    let mut folded = vec![false; below.len()];
    for (size, i) in leaves {
        if size > room {
            break;
        }
        room -= size;
        folded[i] = true;
    }
    let mut out = vec![(key, head)];
    for (shards, folded) in below.into_iter().zip(folded) {
        if folded {
            out[0]
                .1
                .extend(shards.into_iter().flat_map(|(_, terms)| terms));
        } else {
            out.extend(shards);
        }
    }
    out
}

/// The head of a shard of `depth` letters that splits (the key itself if it is a term, and the
/// commonest other terms), and its other terms by their key one letter longer, in key order.
/// `terms` are sorted by name, so each child's terms are neighbours, and stay sorted.
fn head_and_children<'a>(
    bucket: &str,
    depth: usize,
    terms: Vec<&'a Laid>,
) -> (Vec<&'a Laid>, Vec<(String, Vec<&'a Laid>)>) {
    let (mut head, rest): (Vec<_>, Vec<_>) = terms
        .into_iter()
        .partition(|term| term.name.chars().nth(depth).is_none());
    // The commonest: the first HEAD_TERMS by posts, then name (a selection, not a sort).
    let mut order: Vec<usize> = (0..rest.len()).collect();
    let by_posts = |a: &usize, b: &usize| {
        let (a, b) = (rest[*a], rest[*b]);
        b.df.cmp(&a.df).then(a.name.cmp(&b.name))
    };
    if order.len() > HEAD_TERMS {
        order.select_nth_unstable_by(HEAD_TERMS - 1, by_posts);
        order.truncate(HEAD_TERMS);
    }
    let mut chosen = vec![false; rest.len()];
    for i in order {
        chosen[i] = true;
        head.push(rest[i]);
    }
    let mut children: Vec<(String, Vec<&Laid>)> = Vec::new();
    for (term, chosen) in rest.into_iter().zip(chosen) {
        if chosen {
            continue;
        }
        let end = term
            .name
            .char_indices()
            .nth(depth + 1)
            .map_or(term.name.len(), |(i, _)| i);
        let prefix = &term.name[..end];
        match children.last_mut() {
            Some((key, group)) if key[bucket.len()..] == *prefix => group.push(term),
            _ => children.push((format!("{bucket}{prefix}"), vec![term])),
        }
    }
    (head, children)
}

/// Numbers the terms of `partial` (the posts after those already numbered) site-wide, in order of
/// first use, taking their names.
fn number_terms(ids: &mut FxHashMap<String, u32>, mut partial: Partial) -> Partial {
    partial.ids = std::mem::take(&mut partial.names)
        .into_iter()
        .map(|term| {
            let next = ids.len() as u32;
            *ids.entry(term).or_insert(next)
        })
        .collect();
    partial
}

/// A term in the post being indexed: its boosted and body counts and its first positions.
struct Here {
    term: u32,
    boosted: f32,
    body: f32,
    count: u8,
    positions: [u32; MAX_POSITIONS],
}

/// Indexes posts `first..end`.
fn index_batch(first: usize, end: usize, doc: &Posts) -> Partial {
    // Terms are numbered once, so each post's occurrences cost a few integers, not a string.
    let mut ids: FxHashMap<String, u32> =
        FxHashMap::with_capacity_and_hasher(16 * 1024, Default::default());
    let mut out = Partial {
        first: first as u32,
        ..Partial::default()
    };
    // The post's terms, and where each batch term is among them (its place + 1, 0 if absent).
    let mut here: Vec<Here> = Vec::new();
    let mut slot: Vec<u32> = Vec::new();
    // The batch's occurrences by term number, with their positions' place in `arena`, before
    // they are grouped.
    let mut found: Vec<(u32, Occurrence, u32)> = Vec::new();
    let mut arena: Vec<u32> = Vec::new();
    for number in first..end {
        doc(number, &mut |doc| {
            // The title and tags come first in position order, then the body (boost 0 marks it:
            // its occurrences are counted apart), with a gap of one position between fields so
            // a phrase never joins the end of one to the start of the next.
            let fields = std::iter::once((doc.title, TITLE_BOOST))
                .chain(doc.tags.iter().map(|t| (t.as_str(), TAG_BOOST)))
                .chain(doc.categories.iter().map(|c| (c.as_str(), CATEGORY_BOOST)))
                .chain(doc.headings.iter().map(|h| (h.as_str(), HEADING_BOOST)))
                .chain(std::iter::once((doc.body, 0.0)));
            let mut offset = 0u32;
            let mut body_length = 0u32;
            for (text, boost) in fields {
                let mut last = 0;
                each_term(text, |term, position| {
                    let id = match ids.get(term) {
                        Some(id) => *id,
                        None => {
                            let id = out.names.len() as u32;
                            ids.insert(term.to_string(), id);
                            out.names.push(term.to_string());
                            slot.push(0);
                            id
                        }
                    };
                    let entry = entry_of(&mut here, &mut slot, id);
                    if boost == 0.0 {
                        entry.body += 1.0;
                    } else {
                        entry.boosted += boost;
                    }
                    if (entry.count as usize) < MAX_POSITIONS {
                        entry.positions[entry.count as usize] = offset + position;
                        entry.count += 1;
                    }
                    last = position + 1;
                });
                if boost == 0.0 {
                    body_length = last;
                }
                offset += last + 1;
            }
            out.lengths.push(body_length);
        });
        for entry in here.drain(..) {
            slot[entry.term as usize] = 0;
            found.push((
                entry.term,
                Occurrence {
                    boosted: entry.boosted,
                    body: entry.body,
                    doc: (number - first) as u16,
                    count: entry.count,
                },
                arena.len() as u32,
            ));
            arena.extend_from_slice(&entry.positions[..entry.count as usize]);
        }
    }
    group_by_term(&mut out, found, &arena);
    out.lengths.shrink_to_fit();
    out
}

/// The post's entry for term `id`, made the first time the post uses it.
fn entry_of<'a>(here: &'a mut Vec<Here>, slot: &mut [u32], id: u32) -> &'a mut Here {
    match slot[id as usize] {
        0 => {
            here.push(Here {
                term: id,
                boosted: 0.0,
                body: 0.0,
                count: 0,
                positions: [0; MAX_POSITIONS],
            });
            slot[id as usize] = here.len() as u32;
            here.last_mut().expect("just pushed")
        }
        place => &mut here[place as usize - 1],
    }
}

/// Puts a batch's occurrences (term number, occurrence, place of its positions in `arena`) into
/// `out` grouped by term, keeping post order within each (a counting sort), and their positions
/// with them.
fn group_by_term(out: &mut Partial, found: Vec<(u32, Occurrence, u32)>, arena: &[u32]) {
    let terms = out.names.len();
    let mut starts = vec![0u32; terms + 1];
    let mut positions = vec![0u32; terms + 1];
    for (term, occurrence, _) in &found {
        starts[*term as usize + 1] += 1;
        positions[*term as usize + 1] += occurrence.count as u32;
    }
    for i in 1..=terms {
        starts[i] += starts[i - 1];
        positions[i] += positions[i - 1];
    }
    let mut next = starts.clone();
    let mut next_position = positions.clone();
    out.occurrences = vec![Occurrence::default(); found.len()];
    out.arena = vec![0; arena.len()];
    for (term, occurrence, at) in found {
        let term = term as usize;
        out.occurrences[next[term] as usize] = occurrence;
        next[term] += 1;
        let count = occurrence.count as usize;
        let to = next_position[term] as usize;
        out.arena[to..to + count].copy_from_slice(&arena[at as usize..at as usize + count]);
        next_position[term] += count as u32;
    }
    out.starts = starts;
    out.positions = positions;
}

/// One shard laid out: its file and that file's hash, its chunks (hash and bytes) in order, and
/// its tail packs' files.
pub(super) struct LaidShard {
    pub(super) file: Vec<u8>,
    pub(super) hash: String,
    pub(super) chunks: Vec<(String, Vec<u8>)>,
    pub(super) tails: Vec<PackFile>,
}

impl LaidShard {
    /// Its files by path: the shard, its chunks and its tails.
    pub(super) fn files<'a>(&'a self, dir: &str, key: &str) -> Vec<(String, &'a [u8])> {
        let mut out = vec![(shard_file(dir, key, &self.hash), self.file.as_slice())];
        for (hash, bytes) in &self.chunks {
            out.push((chunk_file(dir, key, hash), bytes));
        }
        for (_, tier, hash, bytes) in &self.tails {
            out.push((tail_file(dir, key, hash, *tier), bytes));
        }
        out
    }
}

/// A file of tails: `(pack, tier, hash, bytes)`.
type PackFile = (u32, u32, String, Vec<u8>);

/// Lays out one shard's terms: all inline when they are few, else the small ones inline and the
/// others in chunks of about [`CHUNK_BYTES`]; the tails of its terms in packs ([`packs`]). The
/// shard names the hashes of its chunks and tails, so it is written last.
pub(super) fn layout(mut terms: Vec<&Laid>, spill: Option<&Spill>) -> LaidShard {
    terms.sort_by(|a, b| a.name.cmp(&b.name));
    let (packs, tails) = packs(&terms, spill);
    let mut by_pack: Vec<Vec<String>> = Vec::new();
    for (pack, _, hash, _) in &tails {
        if by_pack.len() <= *pack as usize {
            by_pack.resize(*pack as usize + 1, Vec::new());
        }
        by_pack[*pack as usize].push(hash.clone());
    }
    let hashed = |bytes: Vec<u8>| (content_hash(&bytes), bytes);
    if terms.iter().map(|t| t.len).sum::<usize>() <= CHUNK_BYTES {
        let all: Vec<(&str, &[u8])> = terms.iter().map(|t| t.entry()).collect();
        let (hash, file) = hashed(shard_bytes(&all, &[], &packs, &[], &by_pack));
        return LaidShard {
            file,
            hash,
            chunks: Vec::new(),
            tails,
        };
    }
    let mut inline = Vec::new();
    let mut refs: Vec<(&str, u32, u32)> = Vec::new();
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut filled = 0;
    for term in &terms {
        if term.len <= INLINE_BYTES {
            inline.push(term.entry());
            continue;
        }
        if filled > 0 && filled + term.len > CHUNK_BYTES {
            chunks.push(hashed(chunk_bytes(&std::mem::take(&mut chunk))));
            filled = 0;
        }
        refs.push((&term.name, term.df, chunks.len() as u32));
        chunk.push(term.entry());
        filled += term.len;
    }
    if filled > 0 {
        chunks.push(hashed(chunk_bytes(&chunk)));
    }
    let chunk_hashes: Vec<String> = chunks.iter().map(|(hash, _)| hash.clone()).collect();
    let (hash, file) = hashed(shard_bytes(&inline, &refs, &packs, &chunk_hashes, &by_pack));
    LaidShard {
        file,
        hash,
        chunks,
        tails,
    }
}

/// The tails of a shard's terms (sorted by name) in packs: neighbours share one while their first
/// tails take at most [`PACK_BYTES`] together. Returns each such term's pack, and each pack's
/// files by tier, in order.
fn packs<'a>(terms: &[&'a Laid], spill: Option<&Spill>) -> (Vec<(&'a str, u32)>, Vec<PackFile>) {
    let mut groups: Vec<Vec<&Laid>> = Vec::new();
    let mut filled = 0;
    for &term in terms.iter().filter(|t| t.tiers() > 0) {
        let size = term.tail_len(0);
        match groups.last_mut() {
            Some(group) if filled + size <= PACK_BYTES => group.push(term),
            _ => {
                groups.push(vec![term]);
                filled = 0;
            }
        }
        filled += size;
    }
    let mut packs = Vec::new();
    let mut files = Vec::new();
    for (pack, group) in (0u32..).zip(&groups) {
        packs.extend(group.iter().map(|term| (term.name.as_str(), pack)));
        let tiers = group.iter().map(|t| t.tiers()).max().unwrap_or(0);
        for tier in 1..=tiers {
            let held: Vec<(&str, std::borrow::Cow<[u8]>)> = group
                .iter()
                .filter_map(|t| Some((t.name.as_str(), t.tail(tier - 1, spill)?)))
                .collect();
            let entries: Vec<(&str, &[u8])> = held.iter().map(|(n, b)| (*n, b.as_ref())).collect();
            let bytes = chunk_bytes(&entries);
            files.push((pack, tier as u32, content_hash(&bytes), bytes));
        }
    }
    (packs, files)
}

impl Laid {
    /// The term and its first tier, as a shard or chunk lists them.
    fn entry(&self) -> (&str, &[u8]) {
        (&self.name, &self.bytes)
    }
}

/// A [`crate::model::Chunk`]'s file (a chunk, or a pack of tails): its terms with their postings.
fn chunk_bytes(terms: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        terms
            .iter()
            .map(|t| t.0.len() + t.1.len() + 2)
            .sum::<usize>()
            + 8,
    );
    put_terms(&mut out, terms);
    out.extend_from_slice(&INDEX_END);
    out
}

/// A [`crate::model::Shard`]'s file: its inline terms, its references to chunks, its terms'
/// packs of tails, and the hashes of its chunks and of each pack's tails.
fn shard_bytes(
    terms: &[(&str, &[u8])],
    refs: &[(&str, u32, u32)],
    packs: &[(&str, u32)],
    chunks: &[String],
    tails: &[Vec<String>],
) -> Vec<u8> {
    let mut out = Vec::new();
    put_terms(&mut out, terms);
    put(&mut out, &refs.len());
    for &(name, df, chunk) in refs {
        put(&mut out, name);
        put(&mut out, &(df, chunk));
    }
    put(&mut out, &packs.len());
    for &(name, pack) in packs {
        put(&mut out, name);
        put(&mut out, &pack);
    }
    put(&mut out, chunks);
    put(&mut out, tails);
    out.extend_from_slice(&INDEX_END);
    out
}

/// A map of terms to their postings, written as serde writes the model's maps: its length, then
/// each entry. Terms come sorted, as the model's maps are.
fn put_terms(out: &mut Vec<u8>, terms: &[(&str, &[u8])]) {
    put(out, &terms.len());
    for (name, bytes) in terms {
        put(out, *name);
        out.extend_from_slice(bytes);
    }
}

/// What a term costs its shard: its postings if they stay inline, else a reference; and the
/// number of its tails' pack.
fn dict_len(term: &Laid) -> usize {
    let pack = if term.tiers() == 0 {
        0
    } else {
        term.name.len() + 2
    };
    pack + if term.len <= INLINE_BYTES {
        term.len
    } else {
        term.name.len() + 16
    }
}

/// The length of a term and its postings in a shard: the term's length and bytes, then theirs.
fn entry_len(term: &str, postings: &[u8]) -> usize {
    varint_len(term.len()) + term.len() + postings.len()
}

/// The bytes of `n` as a varint: seven bits a byte, one at least.
fn varint_len(n: usize) -> usize {
    (usize::BITS - n.leading_zeros()).div_ceil(7).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{decode_index, encode_index, Chunk, Posting, Shard, Term};
    use crate::search::filter::Filter;
    use crate::search::index::{
        candidates, load_now, search, File, Hit, Loaded, Need, MAX_EXPANSIONS,
    };
    use crate::search::query::parse;
    use std::collections::BTreeSet;
    use std::sync::Arc;

    /// Posts with these bodies, no title and no tags.
    fn untitled(bodies: &[String]) -> Vec<Document<'_>> {
        bodies
            .iter()
            .map(|body| Document {
                title: "",
                tags: &[],
                body,
                ..Default::default()
            })
            .collect()
    }

    /// Builds an index of `docs` and loads all of it.
    fn index_of(docs: &[Document]) -> Loaded {
        loaded(build(docs))
    }

    /// The whole index, every file loaded.
    fn loaded(built: Built) -> Loaded {
        fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> T {
            crate::model::decode_index(bytes).unwrap()
        }
        let (_, lists) = SearchEntry::split_keys(unnamed(built.shards.keys()));
        Loaded {
            dir: "t".into(),
            lists: lists
                .into_iter()
                .map(|(key, list)| (key, Arc::new(list)))
                .collect(),
            shards: built
                .shards
                .iter()
                .map(|(key, json)| (key.clone(), Arc::new(parse(json))))
                .collect(),
            chunks: built
                .chunks
                .iter()
                .map(|(key, n, json)| ((key.clone(), *n), Arc::new(parse(json))))
                .collect(),
            tails: built
                .tails
                .iter()
                .map(|(key, pack, tier, bytes)| {
                    ((key.clone(), *pack, *tier), Arc::new(parse(bytes)))
                })
                .collect(),
            filters: Default::default(),
        }
    }

    /// Keys with no file names: the tests hand a search its files by key.
    fn unnamed<'a>(keys: impl Iterator<Item = &'a String>) -> Hashes {
        keys.map(|key| (key.clone(), String::new())).collect()
    }

    fn entry_of(index: &Loaded) -> SearchEntry {
        let (keys, lists) = SearchEntry::split_keys(unnamed(index.shards.keys()));
        let mut filters: BTreeMap<String, Hashes> = BTreeMap::new();
        for (taxonomy, term) in index.filters.keys() {
            filters
                .entry(taxonomy.folder().to_string())
                .or_default()
                .insert(term.clone(), String::new());
        }
        SearchEntry {
            format_version: FORMAT_VERSION,
            docs: 0,
            dir: index.dir.clone(),
            keys,
            deep: unnamed(lists.keys()),
            filters,
            files: String::new(),
        }
    }

    /// Loads what [`needs`] asks for, round after round, from the whole index `from`; returns the
    /// rounds.
    pub(crate) fn load_rounds(
        entry: &SearchEntry,
        query: &str,
        filters: &[Filter],
        from: &Loaded,
        into: &mut Loaded,
        wanted: usize,
    ) -> Vec<Vec<Need>> {
        let clauses = parse(query);
        let mut rounds = Vec::new();
        let fetch = |round: Vec<Need>| {
            assert!(rounds.len() < 50, "a search that never ends: {rounds:?}");
            rounds.push(round.clone());
            let files = round.into_iter().map(|need| {
                let file = match &need {
                    Need::List(key) => File::List(from.lists[key].clone()),
                    Need::Shard(key) => File::Shard(from.shards[key].clone()),
                    Need::Chunk(key, n) => File::Chunk(from.chunks[&(key.clone(), *n)].clone()),
                    Need::Tail(key, pack, tier) => {
                        File::Tail(from.tails[&(key.clone(), *pack, *tier)].clone())
                    }
                    Need::Filter(taxonomy, term) => File::Filter(
                        from.filters
                            .get(&(*taxonomy, term.clone()))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                };
                (need, file)
            });
            Ok::<_, std::convert::Infallible>(files.collect())
        };
        let Ok(_) = load_now(entry, &clauses, filters, wanted, into, fetch);
        rounds
    }

    /// Only the files a query needs for its first `wanted` results, as the app fetches them.
    fn fetched_for(index: &Loaded, query: &str, wanted: usize) -> Loaded {
        let mut out = Loaded {
            dir: index.dir.clone(),
            ..Loaded::default()
        };
        load_rounds(&entry_of(index), query, &[], index, &mut out, wanted);
        out
    }

    /// The posts a query finds in the whole index, best first.
    fn hits(query: &str, index: &Loaded) -> Vec<Hit> {
        search(&parse(query), &[], index).hits
    }

    /// The first results a query finds with only the files it fetched are the first of all.
    fn same_first(index: &Loaded, query: &str, wanted: usize) -> Vec<Hit> {
        let fetched = search(&parse(query), &[], &fetched_for(index, query, wanted)).hits;
        let all = hits(query, index);
        assert!(fetched.len() >= wanted.min(all.len()), "{query}");
        // The same posts and scores (a post may show fewer of the terms it matched, those in
        // tails not fetched); among the lowest score, posts found later may come first.
        let last = fetched.last().map_or(0.0, |h| h.score);
        let key = |h: &Hit| (h.doc, h.score);
        let above = |hits: &[Hit]| -> Vec<(u32, f32)> {
            hits.iter().filter(|h| h.score > last).map(key).collect()
        };
        assert_eq!(above(&fetched), above(&all[..fetched.len()]), "{query}");
        let scores = |hits: &[Hit]| hits.iter().map(|h| h.score).collect::<Vec<_>>();
        assert_eq!(scores(&fetched), scores(&all[..fetched.len()]), "{query}");
        fetched
    }

    fn docs() -> Vec<(String, Vec<String>, String)> {
        vec![
            (
                "Night market".into(),
                vec!["food".into()],
                "Mango sticky rice at the night market, then the slow boat home.".into(),
            ),
            (
                "The river".into(),
                vec!["river".into()],
                "The Mekong river runs wide here; a boat crossed at dawn. No market today.".into(),
            ),
            (
                "Buses".into(),
                vec!["transport".into()],
                "The bus to Kratie was late. The market by the bus station sold bread.".into(),
            ),
            ("ផ្សារថ្មី".into(), vec![], "ខ្ញុំទៅផ្សារថ្មីព្រឹកនេះ ហើយទិញផ្លែឈើ".into()),
            ("ตลาดน้ำ".into(), vec![], "เราไปตลาดน้ำตอนเช้า".into()),
            ("市场".into(), vec![], "我们在市场买了水果".into()),
        ]
    }

    fn run(query: &str) -> Vec<u32> {
        let owned = docs();
        let input: Vec<Document> = owned
            .iter()
            .map(|(title, tags, body)| Document {
                title,
                tags,
                body,
                ..Default::default()
            })
            .collect();
        hits(query, &index_of(&input))
            .into_iter()
            .map(|h| h.doc)
            .collect()
    }

    #[test]
    fn a_title_match_beats_a_body_match() {
        let tags: Vec<String> = vec![];
        let input = [
            // Once in a short body,
            Document {
                title: "Notes",
                tags: &tags,
                body: "the ferry was late",
                ..Default::default()
            },
            // against once in the title of a post with a longer body.
            Document {
                title: "Ferry",
                tags: &tags,
                body: "we waited at the pier for an hour with coffee and a book of stories",
                ..Default::default()
            },
        ];
        let index = index_of(&input);
        let found = hits("ferry ", &index);
        assert_eq!(found.iter().map(|h| h.doc).collect::<Vec<_>>(), [1, 0]);
        // And a tag counts more than the body too.
        let boats = vec!["boats".to_string()];
        let input = [
            Document {
                title: "x",
                tags: &tags,
                body: "we saw boats again on the river near the old town",
                ..Default::default()
            },
            Document {
                title: "y",
                tags: &boats,
                body: "a long day of walking in the hills with no water",
                ..Default::default()
            },
        ];
        let index = index_of(&input);
        assert_eq!(hits("boats ", &index)[0].doc, 1);
    }

    #[test]
    fn prefix_typo_phrase_and_exclusion() {
        assert_eq!(run("mek"), [1], "prefix while typing");
        assert_eq!(
            run("mek "),
            Vec::<u32>::new(),
            "a finished word is not a prefix"
        );
        assert_eq!(run("mekkong "), [1], "one typo in a word of 4 to 7 letters");
        assert_eq!(run("\"night market\""), [0]);
        assert_eq!(
            run("\"market night\""),
            Vec::<u32>::new(),
            "phrase order matters"
        );
        let mut markets = run("market -bus");
        markets.sort();
        assert_eq!(markets, [0, 1]);
        let mut both = run("boat market ");
        both.sort();
        assert_eq!(both, [0, 1], "every word must match");
        assert_eq!(run("zzzz "), Vec::<u32>::new());
    }

    #[test]
    fn exact_before_prefix_before_typo() {
        let tags: Vec<String> = vec![];
        let input = [
            Document {
                title: "a",
                tags: &tags,
                body: "boats and boats on the water",
                ..Default::default()
            },
            Document {
                title: "b",
                tags: &tags,
                body: "a boat on the water today",
                ..Default::default()
            },
            Document {
                title: "c",
                tags: &tags,
                body: "a bost on the water today",
                ..Default::default()
            },
            Document {
                title: "d",
                tags: &tags,
                body: "nothing on the water today",
                ..Default::default()
            },
        ];
        let index = index_of(&input);
        let found = hits("boat", &index);
        assert_eq!(found.iter().map(|h| h.doc).collect::<Vec<_>>(), [1, 0, 2]);
        assert_eq!(found[0].matched, ["boat"]);
        assert_eq!(found[1].matched, ["boats"]);
        assert_eq!(found[2].matched, ["bost"]);
    }

    #[test]
    fn khmer_thai_and_chinese_words_are_found() {
        assert_eq!(run("ផ្សារ"), [3]);
        assert_eq!(run("ตลาด"), [4]);
        assert_eq!(run("市场"), [5]);
        assert_eq!(run("水果 "), [5]);
    }

    #[test]
    fn a_word_in_every_post_lists_every_post_a_tier_at_a_time() {
        // Posts of different lengths, so the word weighs differently in each.
        let bodies: Vec<String> = (0..TOP_POSTINGS + 20)
            .map(|i| {
                if i == TOP_POSTINGS + 10 {
                    "the ferry left the pier".to_string()
                } else {
                    format!("the day {i} was long{}", " and".repeat(i % 7))
                }
            })
            .collect();
        let input = untitled(&bodies);
        let built = build(&input);
        // The posts past the best TOP_POSTINGS of a common word are in a tail; a rare word has none.
        let tails: Vec<(String, u32, u32, Chunk)> = built
            .tails
            .iter()
            .map(|(key, pack, tier, bytes)| {
                (key.clone(), *pack, *tier, decode_index(bytes).unwrap())
            })
            .collect();
        assert!(tails.iter().all(|t| !t.3.terms.contains_key("ferry")));
        let (key, pack, tier, _) = tails
            .into_iter()
            .find(|t| t.3.terms.contains_key("the"))
            .expect("a tail of the");
        assert_eq!(tier, 1);
        let shard: Shard = decode_index(&built.shards[&key]).unwrap();
        assert_eq!(shard.packs["the"], pack);
        let index = loaded(built);
        let the = index.term("the").unwrap();
        assert!(the.is_cut());
        assert_eq!(the.postings.len(), TOP_POSTINGS);
        assert_eq!(the.df as usize, TOP_POSTINGS + 20);
        let tail = &index.tails[&(key, pack, 1)];
        assert_eq!(tail.terms["the"].postings.len(), 20);
        // With a rarer word, every post with both.
        let both = hits("the ferry ", &index);
        assert_eq!(
            both.iter().map(|h| h.doc).collect::<Vec<_>>(),
            [(TOP_POSTINGS + 10) as u32]
        );
        // Alone, every post, and the first page needs no tail; its count is known at once.
        assert_eq!(hits("the ", &index).len(), TOP_POSTINGS + 20);
        let first = fetched_for(&index, "the ", 20);
        assert!(first.tails.is_empty());
        let found = search(&parse("the "), &[], &first);
        assert_eq!(found.total, Some(TOP_POSTINGS + 20));
        assert!(!found.whole);
        // Quoted, the same word is one term too: its count is exact, not "at least" a page.
        let quoted = fetched_for(&index, "\"the\"", 20);
        assert!(quoted.tails.is_empty());
        let found = search(&parse("\"the\""), &[], &quoted);
        assert!(!found.whole);
        assert_eq!(found.total, Some(TOP_POSTINGS + 20));
        same_first(&index, "the ", 20);
        // Asking for more than the first tier holds fetches the next.
        let more = fetched_for(&index, "the ", TOP_POSTINGS + 5);
        assert_eq!(more.tails.len(), 1);
        assert_eq!(
            same_first(&index, "the ", TOP_POSTINGS + 5).len(),
            TOP_POSTINGS + 20
        );
    }

    #[test]
    fn a_filter_is_exact_even_for_a_post_deep_in_a_common_words_tail() {
        let bodies: Vec<String> = (0..TOP_POSTINGS + 20)
            .map(|i| format!("the day {i} was long"))
            .collect();
        let index = index_of(&untitled(&bodies));
        // Equal weights: the first tier is the first posts, so the last ones are in the tail.
        let deep = (TOP_POSTINGS + 15) as u32;
        let filter = Filter {
            taxonomy: Taxonomy::Tags,
            term: "Street-Food".into(),
        };
        let mut whole = index.clone();
        whole.filters.insert(
            (Taxonomy::Tags, "street food".into()),
            Arc::new(Docs(vec![3, deep])),
        );
        let mut fetched = Loaded::default();
        // The entry names the filter's file (it is `whole`'s).
        let rounds = load_rounds(
            &entry_of(&whole),
            "the ",
            std::slice::from_ref(&filter),
            &whole,
            &mut fetched,
            20,
        );
        assert!(rounds
            .iter()
            .flatten()
            .any(|need| *need == Need::Filter(Taxonomy::Tags, "street food".into())));
        let found = search(&parse("the "), std::slice::from_ref(&filter), &fetched);
        assert_eq!(
            found.hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
            [3, deep]
        );
        assert_eq!(found.total, Some(2));
        // An exclusion is exact too: every post with the excluded word is known first.
        let bodies: Vec<String> = (0..TOP_POSTINGS + 20)
            .map(|i| {
                format!(
                    "the day {i} was long{}",
                    if i > TOP_POSTINGS { " rain" } else { "" }
                )
            })
            .collect();
        let index = index_of(&untitled(&bodies));
        let found = search(
            &parse("day -the"),
            &[],
            &fetched_for(&index, "day -the", 20),
        );
        assert!(found.hits.is_empty() && found.whole);
        let kept = search(
            &parse("long -rain"),
            &[],
            &fetched_for(&index, "long -rain", 500),
        );
        assert_eq!(kept.hits.len(), TOP_POSTINGS + 1);
    }

    #[test]
    fn shards_and_chunks_are_written_as_the_model_writes_them() {
        let terms: Vec<Laid> = [("a\"b", vec![3, 0, 90, 1, 4]), ("été", vec![1, 7, 80, 0])]
            .into_iter()
            .map(|(name, flat)| Laid::new(name.to_string(), vec![flat], None))
            .collect();
        let model: BTreeMap<String, Term> = terms
            .iter()
            .map(|t| (t.name.clone(), postcard::from_bytes(&t.bytes).unwrap()))
            .collect();
        let terms: Vec<(&str, &[u8])> = terms.iter().map(Laid::entry).collect();
        let chunk = Chunk {
            terms: model.clone(),
        };
        assert_eq!(chunk_bytes(&terms), encode_index(&chunk));
        let shard = Shard {
            terms: model.clone(),
            ..Shard::default()
        };
        assert_eq!(
            shard_bytes(&terms, &[], &[], &[], &[]),
            encode_index(&shard)
        );
        let chunks: Vec<String> = ["c0", "c1", "c2"].map(String::from).to_vec();
        let tails = vec![
            vec!["t0".to_string()],
            vec![],
            vec![],
            vec![],
            vec!["t4".into(), "u4".into()],
        ];
        let shard = Shard {
            terms: model,
            refs: [("x\\y".to_string(), (300, 2)), ("z".to_string(), (9, 0))].into(),
            packs: [("a\"b".to_string(), 0), ("z".to_string(), 4)].into(),
            chunks: chunks.clone(),
            tails: tails.clone(),
        };
        let bytes = shard_bytes(
            &terms,
            &[("x\\y", 300, 2), ("z", 9, 0)],
            &[("a\"b", 0), ("z", 4)],
            &chunks,
            &tails,
        );
        assert_eq!(bytes, encode_index(&shard));
        assert_eq!(decode_index::<Shard>(&bytes).unwrap(), shard);
    }

    #[test]
    fn sizes_are_estimated_exactly() {
        let term = Term {
            df: 300,
            postings: vec![Posting(4, 250, vec![3, 10, 11]), Posting(9, 80, vec![0])],
        };
        let bytes = postcard::to_allocvec(&term).unwrap();
        let laid = Laid::new("ab".into(), vec![Vec::<u32>::from(term.clone())], None);
        assert!(laid.tails.is_empty());
        assert_eq!(laid.df, 300);
        assert_eq!(laid.bytes, bytes);
        // The term's length (a byte) and its two bytes before it.
        assert_eq!(laid.len, bytes.len() + 3);
        let mut entry = Vec::new();
        put(&mut entry, "ab");
        assert_eq!(entry.len() + bytes.len(), laid.len);
    }

    #[test]
    fn neighbouring_terms_share_their_tails_packs_and_each_finds_its_own() {
        // Terms in 300 posts (one tail each, 100 postings) and one in 1,300 (two tails).
        let flat = |df: u32, posts: u32| {
            let mut out = vec![df];
            for i in 0..posts {
                out.extend([u32::from(i > 0), 100 + i % 50, 1, i % 9]);
            }
            out
        };
        let mut terms: Vec<Laid> = (0..40)
            .map(|i| {
                Laid::new(
                    format!("w{i:02}"),
                    vec![flat(300, 200), flat(300, 100)],
                    None,
                )
            })
            .collect();
        terms.push(Laid::new(
            "zz".into(),
            vec![flat(1300, 200), flat(1300, 800), flat(1300, 300)],
            None,
        ));
        terms.push(Laid::new("rare".into(), vec![flat(3, 3)], None));
        let tail_size = terms[0].tails[0].len();
        let shard = layout(terms.iter().collect(), None);
        let model: Shard = decode_index(&shard.file).unwrap();
        assert!(
            !model.packs.contains_key("rare"),
            "a term without tails has no pack"
        );
        assert_eq!(model.packs.len(), 41);
        // Packs of neighbours, none over its size unless one term alone is.
        let per_pack = PACK_BYTES / tail_size;
        assert_eq!(model.packs["w00"], 0);
        assert_eq!(model.packs[&format!("w{:02}", per_pack - 1)], 0);
        assert_eq!(model.packs[&format!("w{per_pack:02}")], 1);
        let packs = model.packs.values().collect::<BTreeSet<_>>().len();
        assert!(packs < 41 / 4, "{packs} packs");
        for (pack, tier, _, bytes) in &shard.tails {
            let tail: Chunk = decode_index(bytes).unwrap();
            for (name, term) in &tail.terms {
                assert_eq!(model.packs[name], *pack, "{name} in its own pack");
                let expected = if name == "zz" {
                    [800, 300][*tier as usize - 1]
                } else {
                    100
                };
                assert_eq!(term.postings.len(), expected, "{name} tier {tier}");
            }
            if *tier == 2 {
                assert_eq!(tail.terms.keys().collect::<Vec<_>>(), ["zz"]);
            } else {
                assert!(bytes.len() <= PACK_BYTES + 64 || tail.terms.len() == 1);
            }
        }
        let files: BTreeSet<(u32, u32)> = shard.tails.iter().map(|t| (t.0, t.1)).collect();
        assert!(files.contains(&(model.packs["zz"], 2)));
    }

    #[test]
    fn a_large_shard_puts_common_words_in_chunks_and_a_query_fetches_only_its_own() {
        // Many posts with words of one shard ("ca…"), a few with a rare one.
        let bodies: Vec<String> = (0..1500)
            .map(|i| {
                let rare = if i == 77 { " caravanserai" } else { "" };
                format!("cat camel canal {} cargo car{}{rare}", i % 7, i % 50)
            })
            .collect();
        let input = untitled(&bodies);
        let built = build(&input);
        let shard: Shard = decode_index(&built.shards[""]).unwrap();
        assert!(!shard.refs.is_empty(), "postings moved to chunks");
        assert!(
            shard.refs.contains_key("camel"),
            "a common word is in a chunk"
        );
        assert!(
            shard.terms.contains_key("caravanserai"),
            "a rare word stays inline"
        );
        for (_, _, json) in &built.chunks {
            assert!(json.len() <= CHUNK_BYTES + 8 * 1024, "chunks stay small");
        }
        let index = loaded(built);
        // A rare word needs its shard only.
        assert!(fetched_for(&index, "caravanserai ", 20).chunks.is_empty());
        assert_eq!(hits("caravanserai ", &index).len(), 1);
        // A common word needs one chunk, not all of them.
        assert_eq!(fetched_for(&index, "camel ", 20).chunks.len(), 1);
        assert!(index.chunks.len() > 1);
        // Searching with only the files it named gives the same first answers as with everything.
        same_first(&index, "camel ", 20);
        same_first(&index, "camel canal ", 20);
        assert_eq!(hits("camel canal ", &index).len(), 1500);
    }

    #[test]
    fn a_short_prefix_expands_to_the_commonest_words_only() {
        let bodies: Vec<String> = (0..40)
            .map(|i| format!("ba{i:02}x {}", "ba00x ".repeat(i % 3)))
            .collect();
        let input = untitled(&bodies);
        let index = index_of(&input);
        let expanded = candidates("ba", true, &index);
        assert_eq!(expanded.len(), MAX_EXPANSIONS);
        assert_eq!(expanded[0].0, "ba00x", "the word in most posts first");
    }

    #[test]
    fn a_large_dictionary_splits_into_a_tree_of_shards_and_a_word_needs_only_its_path() {
        // Thousands of distinct words: more than one shard can hold.
        // And one word of its own below `w`: `wzq`.
        let bodies: Vec<String> = (0..3000)
            .map(|i| format!("walk w{i}a wb{}c river", i % 97))
            .chain(["wzq".to_string()])
            .collect();
        let input = untitled(&bodies);
        let index = index_of(&input);
        assert!(index.shards.len() > 3, "split: {:?}", index.shards.keys());
        let root = &index.shards[""];
        assert!(root.terms.len() + root.refs.len() <= HEAD_TERMS);
        // A child that would be a tiny shard of its own stays in its parent, on the word's path.
        assert!(
            index.shards.keys().any(|k| k.starts_with("w1")),
            "w is split"
        );
        assert!(!index.shards.contains_key("wz"));
        assert!(index.shards["w"].terms.contains_key("wzq"));
        assert_eq!(hits("wzq ", &index)[0].doc, 3000);
        assert!(fetched_for(&index, "wzq ", 20).shards.len() <= 3);
        for query in [
            "w1234a ", "w2a ", "wb5c ", "walk ", "river ", "w12", "w", "rivr ", "x1234a ",
        ] {
            let fetched = fetched_for(&index, query, 20);
            assert!(fetched.shards.len() < index.shards.len(), "{query}");
            same_first(&index, query, 20);
        }
        let found = hits("w1234a ", &index);
        assert_eq!(
            (found[0].doc, found[0].matched.as_slice()),
            (1234, ["w1234a".to_string()].as_slice())
        );
        assert!(found.len() > 1, "and its neighbours by one typo");
        assert_eq!(hits("rivr ", &index).len(), 3000, "a typo");
        // One letter typed already finds the commonest words.
        assert!(!search(&parse("w"), &[], &fetched_for(&index, "w", 20))
            .hits
            .is_empty());
        // A typo in the first letter: the word's last letters find it in the reversed tree, which
        // a word spelled right never fetches.
        let typo = hits("x1234a ", &index);
        assert_eq!(typo[0].doc, 1234);
        assert_eq!(typo[0].matched, ["w1234a"]);
        let reversed_keys = |query: &str| {
            fetched_for(&index, query, 20)
                .shards
                .into_keys()
                .filter(|key| key.starts_with(REVERSED))
                .count()
        };
        assert!(reversed_keys("x1234a ") > 0);
        assert_eq!(reversed_keys("w1234a "), 0);
        assert_eq!(
            reversed_keys("walk "),
            0,
            "a short word has no reversed path"
        );
        // Every shard file is under its limit (a head, or a shard small enough).
        for shard in index.shards.values() {
            let bytes = encode_index(shard.as_ref());
            assert!(bytes.len() <= SHARD_BYTES + 4 * 1024, "{}", bytes.len());
        }
    }
}
