//! The search index: built from the posts by the builder, and searched by the app, which fetches
//! only the files a query needs.
//!
//! Files, all in one folder named by the hash of the whole index:
//! - the **entry** (content-hashed itself, named in the manifest) lists the shard keys;
//! - a **shard** holds the terms starting with its key, each with its number of posts. Keys form
//!   a tree: the root shard is `""`; a shard over [`SHARD_BYTES`] keeps only its key's most common
//!   terms (its *head*) and hands the others to shards one letter longer. A word needs the shards
//!   along its path (`""`, `r`, `ri`, `ric`…), and a short prefix finds its commonest words in
//!   the heads. Pairs of characters of unspaced scripts go to 64 shards `~00`…`~63`.
//! - a **chunk** holds postings: in a shard over [`CHUNK_BYTES`], the postings of all but the
//!   rarest terms move into chunks of neighbouring terms, so one common word does not make its
//!   shard heavy.
//!
//! A posting holds the post's number (its place in the post index, newest first), its weight for
//! the term, already BM25 with title and tag boosts, so the browser needs no document lengths, and
//! the positions of the term in the post, for phrases. A term's postings are written as one flat
//! list of small numbers (see [`Term`]), which compresses well.

use super::query::{matches, Clause, Match};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Version of the index format; a mismatch means the app and the index come from different builds.
/// 3: terms follow the one table of scripts in `crate::text`.
pub const INDEX_VERSION: u32 = 3;

/// Weights are stored as integers: BM25 × this.
const WEIGHT_SCALE: f32 = 100.0;

/// The entry file: what a search must read first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    pub version: u32,
    /// Number of posts indexed.
    pub docs: u32,
    /// The folder of the shards and chunks, relative to the data folder.
    pub dir: String,
    /// The shard keys, sorted.
    pub keys: Vec<String>,
}

impl SearchEntry {
    /// The shards a query needs first: those along the path of each of its terms.
    pub fn keys_for(&self, clauses: &[Clause]) -> Vec<String> {
        let mut keys: Vec<String> = clauses
            .iter()
            .flat_map(|clause| match clause {
                Clause::Word { term, .. } => vec![term.as_str()],
                Clause::Phrase(terms) | Clause::Excluded(terms) => {
                    terms.iter().map(String::as_str).collect()
                }
            })
            .flat_map(path_of)
            .filter(|key| self.keys.binary_search(key).is_ok())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// One shard: terms of its key, with their postings or the chunk that has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Terms whose postings are here.
    pub terms: BTreeMap<String, Term>,
    /// Terms whose postings are in a chunk: `[posts containing it, chunk number]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refs: BTreeMap<String, (u32, u32)>,
}

/// A chunk: the postings of some terms of one shard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub terms: BTreeMap<String, Term>,
}

/// A term's postings: the posts it weighs most in, at most [`TOP_POSTINGS`], in post order.
///
/// Written as one list of numbers: the number of posts containing the term, then for each
/// posting the gap from the previous post number, the weight, the count of positions and the
/// positions as gaps (the first from 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<u32>", try_from = "Vec<u32>")]
pub struct Term {
    /// Posts containing the term; more than the postings when the list was cut.
    pub df: u32,
    pub postings: Vec<Posting>,
}

impl Term {
    /// Whether posts containing the term were left out (a very common word).
    pub fn is_cut(&self) -> bool {
        self.df as usize > self.postings.len()
    }
}

impl From<Term> for Vec<u32> {
    fn from(term: Term) -> Vec<u32> {
        let mut out = vec![term.df];
        let mut previous = 0;
        for Posting(doc, weight, positions) in term.postings {
            out.extend([doc - previous, weight, positions.len() as u32]);
            let mut last = 0;
            for p in positions {
                out.push(p - last);
                last = p;
            }
            previous = doc;
        }
        out
    }
}

impl TryFrom<Vec<u32>> for Term {
    type Error = String;

    fn try_from(flat: Vec<u32>) -> Result<Term, String> {
        let bad = || "a search term's postings are malformed".to_string();
        let mut numbers = flat.into_iter();
        let df = numbers.next().ok_or_else(bad)?;
        let mut postings = Vec::new();
        let mut doc = 0u32;
        while let Some(gap) = numbers.next() {
            doc = doc.checked_add(gap).ok_or_else(bad)?;
            let weight = numbers.next().ok_or_else(bad)?;
            let count = numbers.next().ok_or_else(bad)? as usize;
            if count > MAX_POSITIONS {
                return Err(bad());
            }
            let mut positions = Vec::with_capacity(count);
            let mut at = 0u32;
            for _ in 0..count {
                at = at
                    .checked_add(numbers.next().ok_or_else(bad)?)
                    .ok_or_else(bad)?;
                positions.push(at);
            }
            postings.push(Posting(doc, weight, positions));
        }
        Ok(Term { df, postings })
    }
}

/// A term in one post: `(post number, weight, positions)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting(pub u32, pub u32, pub Vec<u32>);

/// Postings kept per term: a word in more posts than this says little about any one of them, and
/// only its best posts are worth listing. Keeps files small however large the site.
pub const TOP_POSTINGS: usize = 200;

/// Positions kept per posting, for phrases: a phrase is found among a term's first occurrences.
pub const MAX_POSITIONS: usize = 8;

/// A shard whose postings take fewer bytes than this (as JSON, before compression) keeps them all
/// inline; a larger one moves its larger terms into chunks of about this size.
pub const CHUNK_BYTES: usize = 12 * 1024;

/// A shard larger than this (as JSON, with only references to chunks) is split by one more letter.
pub const SHARD_BYTES: usize = 24 * 1024;

/// Terms a split shard keeps (its head): the most common of its key.
#[cfg(not(target_arch = "wasm32"))]
const HEAD_TERMS: usize = 32;

/// Keys are at most this long: past it, a shard is not split further.
#[cfg(not(target_arch = "wasm32"))]
const MAX_KEY: usize = 8;

/// In a shard with chunks, a term whose postings take at most this many bytes stays inline: rare
/// words are most of the terms, and a search for one then needs no second file.
#[cfg(not(target_arch = "wasm32"))]
const INLINE_BYTES: usize = 48;

/// Terms other than exact matches that a typed word may expand to (prefix and typo matches), the
/// ones in most posts first: a search for `s` fetches the postings of a few words, not hundreds.
pub const MAX_EXPANSIONS: usize = 12;

/// The keys a term's shard may have: every prefix of it, from `""` to the whole term. Pairs of
/// characters of unspaced scripts have a tree of their own in each of 64 buckets by first
/// character: `~NN`, then `~NN` and every prefix.
pub fn path_of(term: &str) -> Vec<String> {
    let bucket = bucket_of(term);
    std::iter::once(0)
        .chain(term.char_indices().map(|(i, c)| i + c.len_utf8()))
        .map(|end| format!("{bucket}{}", &term[..end]))
        .collect()
}

/// The bucket of a term: `~NN` for a pair of an unspaced script, else nothing.
fn bucket_of(term: &str) -> String {
    match term.chars().next() {
        Some(first) if crate::text::is_unspaced(first) => format!("~{:02}", first as u32 % 64),
        _ => String::new(),
    }
}

/// A key as a file name: letters and digits as they are, any other character as `_hex_`; the
/// root is `_`.
fn file_key(key: &str) -> String {
    if key.is_empty() {
        return "_".to_string();
    }
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("_{:x}_", c as u32)
            }
        })
        .collect()
}

/// The file of the shard `key`, relative to the data folder.
pub fn shard_file(dir: &str, key: &str) -> String {
    format!("{dir}/{}.json", file_key(key))
}

/// The file of chunk `n` of the shard `key`.
pub fn chunk_file(dir: &str, key: &str, n: u32) -> String {
    format!("{dir}/{}.{n}.json", file_key(key))
}

/// The index files a search has in memory: shards by key, chunks by file.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub dir: String,
    pub shards: HashMap<String, Arc<Shard>>,
    pub chunks: HashMap<String, Arc<Chunk>>,
}

impl Loaded {
    /// The loaded shards along a term's path.
    fn path<'a>(&'a self, term: &str) -> impl Iterator<Item = (String, &'a Shard)> + 'a {
        path_of(term)
            .into_iter()
            .filter_map(|key| Some((key.clone(), self.shards.get(&key)?.as_ref())))
    }

    /// The postings of `name`, if its shard (and chunk) are loaded.
    fn term(&self, name: &str) -> Option<&Term> {
        for (key, shard) in self.path(name) {
            if let Some(term) = shard.terms.get(name) {
                return Some(term);
            }
            if let Some((_, n)) = shard.refs.get(name) {
                return self
                    .chunks
                    .get(&chunk_file(&self.dir, &key, *n))?
                    .terms
                    .get(name);
            }
        }
        None
    }

    /// The chunk file holding `name`'s postings, when they are not inline.
    fn chunk_of(&self, name: &str) -> Option<String> {
        self.path(name).find_map(|(key, shard)| {
            let (_, n) = shard.refs.get(name)?;
            Some(chunk_file(&self.dir, &key, *n))
        })
    }
}

/// Terms of the index a typed word matches, in the shards along its path: exact first, then at
/// most [`MAX_EXPANSIONS`] others, better matches first and, among equals, those in more posts.
fn candidates<'a>(typed: &str, prefix: bool, loaded: &'a Loaded) -> Vec<(&'a str, Match)> {
    let mut found: Vec<(&str, Match, u32)> = Vec::new();
    for (_, shard) in loaded.path(typed) {
        let with_df = shard
            .terms
            .iter()
            .map(|(name, term)| (name, term.df))
            .chain(shard.refs.iter().map(|(name, (df, _))| (name, *df)));
        found.extend(
            with_df
                .filter_map(|(name, df)| Some((name.as_str(), matches(typed, name, prefix)?, df))),
        );
    }
    found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let exact = found.iter().filter(|f| f.1 == Match::Exact).count();
    found.truncate(exact + MAX_EXPANSIONS);
    found
        .into_iter()
        .map(|(name, kind, _)| (name, kind))
        .collect()
}

/// The terms a clause needs postings for.
fn clause_terms<'a>(clause: &'a Clause, loaded: &'a Loaded) -> Vec<&'a str> {
    match clause {
        Clause::Word { term, prefix } => candidates(term, *prefix, loaded)
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
        Clause::Phrase(terms) | Clause::Excluded(terms) => {
            terms.iter().map(String::as_str).collect()
        }
    }
}

/// The chunk files a query needs next, once its shards are loaded.
pub fn chunks_for(clauses: &[Clause], loaded: &Loaded) -> Vec<String> {
    let mut files: Vec<String> = clauses
        .iter()
        .flat_map(|clause| clause_terms(clause, loaded))
        .filter_map(|name| loaded.chunk_of(name))
        .collect();
    files.sort();
    files.dedup();
    files
}

/// What is indexed of a post.
pub struct Document<'a> {
    pub title: &'a str,
    pub tags: &'a [String],
    pub body: &'a str,
}

/// An index as built: its shards by key, and their chunks' JSON by key and number.
#[derive(Debug, Default)]
pub struct Built {
    pub shards: BTreeMap<String, Shard>,
    pub chunks: Vec<(String, u32, Vec<u8>)>,
}

/// One term in one post, its positions in an arena.
#[cfg(not(target_arch = "wasm32"))]
struct Occurrence {
    doc: u32,
    /// In the title and tags, times their boosts.
    boosted: f32,
    body: f32,
    start: u32,
    count: u8,
}

/// The terms of some posts, numbered in order of first use.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
struct Partial {
    names: Vec<String>,
    lists: Vec<Vec<Occurrence>>,
    arena: Vec<u32>,
    lengths: Vec<u32>,
}

/// Posts indexed per task when building in parallel.
#[cfg(not(target_arch = "wasm32"))]
const BATCH: usize = 256;

/// Builds the index of `docs` (numbered in order). Posts are read in parallel batches, and
/// shards laid out in parallel.
#[cfg(not(target_arch = "wasm32"))]
pub fn build(docs: &[Document]) -> Built {
    use super::query::bm25;
    use rayon::prelude::*;
    use rustc_hash::FxHashMap;
    // Batches are indexed a round at a time, in parallel, then merged in post order, so each
    // term's list stays in post order and only one round's batches are held beside the merge.
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut all = Partial::default();
    let round = BATCH * rayon::current_num_threads().max(1) * 2;
    for (r, docs) in docs.chunks(round).enumerate() {
        let partials: Vec<Partial> = docs
            .par_chunks(BATCH)
            .enumerate()
            .map(|(i, batch)| index_batch((r * round + i * BATCH) as u32, batch))
            .collect();
        for partial in partials {
            merge(&mut all, &mut ids, partial);
        }
    }
    drop(ids);
    let Partial {
        names,
        lists,
        arena,
        lengths,
    } = all;
    let n = lengths.len() as u32;
    let avg_len = lengths.iter().map(|&l| l as f32).sum::<f32>() / n.max(1) as f32;
    let terms: Vec<(String, Term)> = names
        .into_par_iter()
        .zip(lists.into_par_iter())
        .map(|(term, list)| {
            let df = list.len() as u32;
            let mut postings: Vec<Posting> = list
                .iter()
                .map(|o| {
                    let weight = bm25(o.boosted, o.body, df, n, lengths[o.doc as usize], avg_len);
                    let positions =
                        arena[o.start as usize..o.start as usize + o.count as usize].to_vec();
                    Posting(
                        o.doc,
                        (weight * WEIGHT_SCALE).round().max(1.0) as u32,
                        positions,
                    )
                })
                .collect();
            if postings.len() > TOP_POSTINGS {
                // The best posts for the term, then back in post order.
                postings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                postings.truncate(TOP_POSTINGS);
                postings.sort_by_key(|p| p.0);
            }
            (term, Term { df, postings })
        })
        .collect();
    // Each bucket (pairs of unspaced scripts by first character, and the rest) down its tree.
    let mut buckets: BTreeMap<String, Vec<(String, Term)>> = BTreeMap::new();
    for (term, postings) in terms {
        buckets
            .entry(bucket_of(&term))
            .or_default()
            .push((term, postings));
    }
    let mut groups: Vec<(String, Vec<(String, Term)>)> = Vec::new();
    for (bucket, terms) in buckets {
        split(&bucket, bucket.clone(), terms, &mut groups);
    }
    let laid_out: Vec<(String, Shard, Vec<Vec<u8>>)> = groups
        .into_par_iter()
        .map(|(key, terms)| {
            let (shard, chunks) = layout(terms);
            (key, shard, chunks)
        })
        .collect();
    let mut built = Built::default();
    for (key, shard, chunks) in laid_out {
        built
            .chunks
            .extend((0u32..).zip(chunks).map(|(n, json)| (key.clone(), n, json)));
        built.shards.insert(key, shard);
    }
    built
}

/// Puts `terms` (all of `bucket` and starting with the rest of `key`) in the shard `key` when they
/// fit, else keeps the key's commonest terms there and splits the others by one more letter.
#[cfg(not(target_arch = "wasm32"))]
fn split(
    bucket: &str,
    key: String,
    terms: Vec<(String, Term)>,
    out: &mut Vec<(String, Vec<(String, Term)>)>,
) {
    let depth = key[bucket.len()..].chars().count();
    let size: usize = terms.iter().map(|(t, p)| dict_len(t, p)).sum();
    if size <= SHARD_BYTES || depth >= MAX_KEY {
        out.push((key, terms));
        return;
    }
    // The head: the key itself if it is a term, and the commonest terms.
    let (mut head, mut rest): (Vec<_>, Vec<_>) = terms
        .into_iter()
        .partition(|(term, _)| term.chars().count() <= depth);
    rest.sort_by(|a, b| b.1.df.cmp(&a.1.df).then(a.0.cmp(&b.0)));
    let others = rest.split_off(HEAD_TERMS.min(rest.len()));
    head.extend(rest);
    out.push((key, head));
    let mut children: BTreeMap<String, Vec<(String, Term)>> = BTreeMap::new();
    for (term, postings) in others {
        let child: String = term.chars().take(depth + 1).collect();
        children
            .entry(format!("{bucket}{child}"))
            .or_default()
            .push((term, postings));
    }
    for (child, group) in children {
        split(bucket, child, group, out);
    }
}

/// Adds `partial` (the posts after those already merged) to `all`.
#[cfg(not(target_arch = "wasm32"))]
fn merge(all: &mut Partial, ids: &mut rustc_hash::FxHashMap<String, u32>, partial: Partial) {
    let base = all.arena.len() as u32;
    all.arena.extend(partial.arena);
    all.lengths.extend(partial.lengths);
    for (term, list) in partial.names.into_iter().zip(partial.lists) {
        let id = match ids.get(&term) {
            Some(id) => *id as usize,
            None => {
                ids.insert(term.clone(), all.names.len() as u32);
                all.names.push(term);
                all.lists.push(Vec::new());
                all.names.len() - 1
            }
        };
        all.lists[id].extend(list.into_iter().map(|o| Occurrence {
            start: o.start + base,
            ..o
        }));
    }
}

/// Indexes a batch of posts, the first numbered `first`.
#[cfg(not(target_arch = "wasm32"))]
fn index_batch(first: u32, docs: &[Document]) -> Partial {
    use super::query::{TAG_BOOST, TITLE_BOOST};
    use super::tokenize::each_term;
    use rustc_hash::FxHashMap;
    // Terms are numbered once, so each post's occurrences cost a few integers, not a string.
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut out = Partial::default();
    let mut here: FxHashMap<u32, (f32, f32, Vec<u32>)> = FxHashMap::default();
    for (number, doc) in (first..).zip(docs) {
        // The title and tags come first in position order, then the body (boost 0 marks it: its
        // occurrences are counted apart), with a gap of one position between fields so a phrase
        // never joins the end of one to the start of the next.
        let fields = std::iter::once((doc.title, TITLE_BOOST))
            .chain(doc.tags.iter().map(|t| (t.as_str(), TAG_BOOST)))
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
                        out.lists.push(Vec::new());
                        id
                    }
                };
                let entry = here.entry(id).or_default();
                if boost == 0.0 {
                    entry.1 += 1.0;
                } else {
                    entry.0 += boost;
                }
                if entry.2.len() < MAX_POSITIONS {
                    entry.2.push(offset + position);
                }
                last = position + 1;
            });
            if boost == 0.0 {
                body_length = last;
            }
            offset += last + 1;
        }
        out.lengths.push(body_length);
        for (id, (boosted, body, positions)) in here.drain() {
            out.lists[id as usize].push(Occurrence {
                doc: number,
                boosted,
                body,
                start: out.arena.len() as u32,
                count: positions.len() as u8,
            });
            out.arena.extend(positions);
        }
    }
    out
}

/// Lays out one shard's terms: all inline when they are few, else the small ones inline and the
/// others in chunks of about [`CHUNK_BYTES`], returned as JSON in chunk order.
#[cfg(not(target_arch = "wasm32"))]
fn layout(mut terms: Vec<(String, Term)>) -> (Shard, Vec<Vec<u8>>) {
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let sizes: Vec<usize> = terms.iter().map(|(t, p)| json_len(t, p)).collect();
    if sizes.iter().sum::<usize>() <= CHUNK_BYTES {
        let shard = Shard {
            terms: terms.into_iter().collect(),
            ..Shard::default()
        };
        return (shard, Vec::new());
    }
    let mut shard = Shard::default();
    let mut chunks = Vec::new();
    let mut chunk = Chunk::default();
    let mut filled = 0;
    let flush = |chunk: &mut Chunk, chunks: &mut Vec<Vec<u8>>| {
        chunks.push(serde_json::to_vec(&std::mem::take(chunk)).expect("chunks serialise"));
    };
    for ((term, postings), size) in terms.into_iter().zip(sizes) {
        if size <= INLINE_BYTES {
            shard.terms.insert(term, postings);
            continue;
        }
        if filled > 0 && filled + size > CHUNK_BYTES {
            flush(&mut chunk, &mut chunks);
            filled = 0;
        }
        shard
            .refs
            .insert(term.clone(), (postings.df, chunks.len() as u32));
        chunk.terms.insert(term, postings);
        filled += size;
    }
    if filled > 0 {
        flush(&mut chunk, &mut chunks);
    }
    (shard, chunks)
}

/// What a term costs its shard: its postings if they stay inline, else a reference.
#[cfg(not(target_arch = "wasm32"))]
fn dict_len(term: &str, postings: &Term) -> usize {
    let inline = json_len(term, postings);
    if inline <= INLINE_BYTES {
        inline
    } else {
        term.len() + 16
    }
}

/// The length of a term and its postings as JSON: `"term":[…],`.
#[cfg(not(target_arch = "wasm32"))]
fn json_len(term: &str, postings: &Term) -> usize {
    fn digits(n: u32) -> usize {
        n.checked_ilog10().unwrap_or(0) as usize + 1
    }
    let mut len = term.len() + 6 + digits(postings.df);
    let mut previous = 0;
    for Posting(doc, weight, positions) in &postings.postings {
        len += digits(doc - previous) + digits(*weight) + digits(positions.len() as u32) + 3;
        let mut last = 0;
        for p in positions {
            len += digits(p - last) + 1;
            last = *p;
        }
        previous = *doc;
    }
    len
}

/// A post found, with its score and the terms of the index that matched (to highlight).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
    pub matched: Vec<String>,
}

type Matches = HashMap<u32, (f32, Vec<String>)>;

/// Runs a parsed query over the index files it needs ([`SearchEntry::keys_for`], then [`chunks_for`]):
/// posts must match every word and phrase and no exclusion. A word so common that its list was
/// cut (see [`TOP_POSTINGS`]) cannot decide which posts match: it only adds to their scores, unless
/// the query has nothing else. Best first; ties keep post order (newest first).
pub fn search(clauses: &[Clause], loaded: &Loaded) -> Vec<Hit> {
    let mut required: Option<Matches> = None;
    let mut scoring_only: Vec<Matches> = Vec::new();
    let mut excluded: Vec<u32> = Vec::new();
    for clause in clauses {
        let (matches_here, cut) = match clause {
            Clause::Word { term, prefix } => word_matches(term, *prefix, loaded),
            Clause::Phrase(terms) => phrase_matches(terms, loaded),
            Clause::Excluded(terms) => {
                excluded.extend(phrase_matches(terms, loaded).0.into_keys());
                continue;
            }
        };
        if cut {
            scoring_only.push(matches_here);
            continue;
        }
        required = Some(match required {
            None => matches_here,
            Some(so_far) => so_far
                .into_iter()
                .filter_map(|(doc, (score, mut terms))| {
                    let (more, more_terms) = matches_here.get(&doc)?;
                    terms.extend(more_terms.iter().cloned());
                    Some((doc, (score + more, terms)))
                })
                .collect(),
        });
    }
    let found = match required {
        Some(mut found) => {
            for extra in scoring_only {
                for (doc, (score, terms)) in extra {
                    if let Some(entry) = found.get_mut(&doc) {
                        entry.0 += score;
                        entry.1.extend(terms);
                    }
                }
            }
            found
        }
        // Only very common words: their best posts, by all of them together.
        None => {
            let mut union: Matches = HashMap::new();
            for extra in scoring_only {
                for (doc, (score, terms)) in extra {
                    let entry = union.entry(doc).or_default();
                    entry.0 += score;
                    entry.1.extend(terms);
                }
            }
            union
        }
    };
    let mut hits: Vec<Hit> = found
        .into_iter()
        .filter(|(doc, _)| !excluded.contains(doc))
        .map(|(doc, (score, matched))| Hit {
            doc,
            score,
            matched,
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits
}

/// Posts with a term near `typed`: for each post the best match, weighted by its kind; and
/// whether every matching term's list was cut.
fn word_matches(typed: &str, prefix: bool, loaded: &Loaded) -> (Matches, bool) {
    let mut best: Matches = HashMap::new();
    let mut all_cut = true;
    for (name, kind) in candidates(typed, prefix, loaded) {
        let Some(term) = loaded.term(name) else {
            continue;
        };
        all_cut &= term.is_cut();
        for Posting(doc, weight, _) in &term.postings {
            let score = *weight as f32 / WEIGHT_SCALE * kind.weight();
            let entry = best.entry(*doc).or_insert((0.0, Vec::new()));
            if score > entry.0 {
                entry.0 = score;
            }
            entry.1.push(name.to_string());
        }
    }
    let cut = all_cut && !best.is_empty();
    (best, cut)
}

/// Posts where `terms` stand side by side, exactly; and whether every term's list was cut.
fn phrase_matches(terms: &[String], loaded: &Loaded) -> (Matches, bool) {
    let mut lists = Vec::with_capacity(terms.len());
    for term in terms {
        match loaded.term(term) {
            Some(t) => lists.push(t),
            None => return (HashMap::new(), false),
        }
    }
    let cut = lists.iter().all(|t| t.is_cut());
    let Some((first, rest)) = lists.split_first() else {
        return (HashMap::new(), false);
    };
    let mut out = HashMap::new();
    'posts: for Posting(doc, weight, positions) in &first.postings {
        let mut score = *weight as f32;
        let mut others = Vec::with_capacity(rest.len());
        for list in rest {
            // Postings are in post order.
            match list.postings.binary_search_by_key(doc, |p| p.0) {
                Ok(i) => {
                    score += list.postings[i].1 as f32;
                    others.push(&list.postings[i].2);
                }
                Err(_) => continue 'posts,
            }
        }
        let side_by_side = positions.iter().any(|start| {
            others
                .iter()
                .enumerate()
                .all(|(i, list)| list.contains(&(start + i as u32 + 1)))
        });
        if side_by_side {
            out.insert(
                *doc,
                (score / WEIGHT_SCALE * Match::Exact.weight(), terms.to_vec()),
            );
        }
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::super::query::parse;
    use super::*;

    /// Posts with these bodies, no title and no tags.
    fn untitled(bodies: &[String]) -> Vec<Document<'_>> {
        bodies
            .iter()
            .map(|body| Document {
                title: "",
                tags: &[],
                body,
            })
            .collect()
    }

    /// Builds an index of `docs` and loads all of it.
    fn index_of(docs: &[Document]) -> Loaded {
        loaded(build(docs))
    }

    fn loaded(built: Built) -> Loaded {
        Loaded {
            dir: "t".into(),
            shards: built
                .shards
                .into_iter()
                .map(|(key, shard)| (key, Arc::new(shard)))
                .collect(),
            chunks: built
                .chunks
                .into_iter()
                .map(|(key, n, json)| {
                    let chunk = serde_json::from_slice(&json).unwrap();
                    (chunk_file("t", &key, n), Arc::new(chunk))
                })
                .collect(),
        }
    }

    fn entry_of(index: &Loaded) -> SearchEntry {
        let mut keys: Vec<String> = index.shards.keys().cloned().collect();
        keys.sort();
        SearchEntry {
            version: INDEX_VERSION,
            docs: 0,
            dir: index.dir.clone(),
            keys,
        }
    }

    /// Only the files a query names, as the app fetches them: the shards of its terms' paths,
    /// then the chunks those shards point to.
    fn fetched_for(index: &Loaded, query: &str) -> Loaded {
        let clauses = parse(query);
        let mut out = Loaded {
            dir: index.dir.clone(),
            ..Loaded::default()
        };
        for key in entry_of(index).keys_for(&clauses) {
            out.shards.insert(key.clone(), index.shards[&key].clone());
        }
        for file in chunks_for(&clauses, &out) {
            out.chunks.insert(file.clone(), index.chunks[&file].clone());
        }
        out
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
            .map(|(title, tags, body)| Document { title, tags, body })
            .collect();
        search(&parse(query), &index_of(&input))
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
            },
            // against once in the title of a post with a longer body.
            Document {
                title: "Ferry",
                tags: &tags,
                body: "we waited at the pier for an hour with coffee and a book of stories",
            },
        ];
        let index = index_of(&input);
        let hits = search(&parse("ferry "), &index);
        assert_eq!(hits.iter().map(|h| h.doc).collect::<Vec<_>>(), [1, 0]);
        // And a tag counts more than the body too.
        let boats = vec!["boats".to_string()];
        let input = [
            Document {
                title: "x",
                tags: &tags,
                body: "we saw boats again on the river near the old town",
            },
            Document {
                title: "y",
                tags: &boats,
                body: "a long day of walking in the hills with no water",
            },
        ];
        let index = index_of(&input);
        assert_eq!(search(&parse("boats "), &index)[0].doc, 1);
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
            },
            Document {
                title: "b",
                tags: &tags,
                body: "a boat on the water today",
            },
            Document {
                title: "c",
                tags: &tags,
                body: "a bost on the water today",
            },
            Document {
                title: "d",
                tags: &tags,
                body: "nothing on the water today",
            },
        ];
        let index = index_of(&input);
        let hits = search(&parse("boat"), &index);
        assert_eq!(hits.iter().map(|h| h.doc).collect::<Vec<_>>(), [1, 0, 2]);
        assert_eq!(hits[0].matched, ["boat"]);
        assert_eq!(hits[1].matched, ["boats"]);
        assert_eq!(hits[2].matched, ["bost"]);
    }

    #[test]
    fn khmer_thai_and_chinese_words_are_found() {
        assert_eq!(run("ផ្សារ"), [3]);
        assert_eq!(run("ตลาด"), [4]);
        assert_eq!(run("市场"), [5]);
        assert_eq!(run("水果 "), [5]);
    }

    #[test]
    fn a_query_needs_only_the_shards_along_its_terms_paths() {
        let entry = SearchEntry {
            version: INDEX_VERSION,
            docs: 0,
            dir: "t".into(),
            keys: ["", "b", "bu", "ma", "mar", "ni", "ri", "x", "~09"]
                .map(String::from)
                .to_vec(),
        };
        let keys = entry.keys_for(&parse("river \"night market\" -bus"));
        assert_eq!(keys, ["", "b", "bu", "ma", "mar", "ni", "ri"]);
        assert_eq!(path_of("市场"), ["~02", "~02市", "~02市场"]);
        assert_eq!(path_of("ab"), ["", "a", "ab"]);
        assert_eq!(file_key("~09"), "_7e_09");
        assert_eq!(file_key("пр"), "_43f__440_");
        assert_eq!(shard_file("search/abc", ""), "search/abc/_.json");
    }

    #[test]
    fn words_of_neighbouring_blocks_stay_apart() {
        let text = crate::markdown::analyze(
            "# Ferry\nBoats\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n",
        )
        .text;
        assert_eq!(
            crate::search::tokenize::terms(&text),
            ["ferry", "boats", "one", "two", "a", "b", "c", "d"]
        );
    }

    #[test]
    fn a_word_in_too_many_posts_ranks_but_does_not_filter() {
        let bodies: Vec<String> = (0..TOP_POSTINGS + 20)
            .map(|i| {
                if i == TOP_POSTINGS + 10 {
                    "the ferry left the pier".to_string()
                } else {
                    format!("the day {i} was long")
                }
            })
            .collect();
        let input = untitled(&bodies);
        let index = index_of(&input);
        let the = index.term("the").unwrap();
        assert!(the.is_cut());
        assert_eq!(the.postings.len(), TOP_POSTINGS);
        assert_eq!(the.df as usize, TOP_POSTINGS + 20);
        // The ferry post is found with "the" even if "the" did not keep it in its list.
        let hits = search(&parse("the ferry "), &index);
        assert_eq!(
            hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
            [(TOP_POSTINGS + 10) as u32]
        );
        // Alone, the common word still answers, with its best posts.
        assert_eq!(search(&parse("the "), &index).len(), TOP_POSTINGS);
    }

    #[test]
    fn postings_are_written_as_small_numbers_and_read_back() {
        let term = Term {
            df: 300,
            postings: vec![Posting(4, 250, vec![3, 10, 11]), Posting(9, 80, vec![0])],
        };
        let json = serde_json::to_string(&term).unwrap();
        assert_eq!(json, "[300,4,250,3,3,7,1,5,80,1,0]");
        assert_eq!(serde_json::from_str::<Term>(&json).unwrap(), term);
        // `"":` before it and `,` after.
        assert_eq!(
            json.len() + 4,
            json_len("", &term),
            "sizes are estimated exactly"
        );
        // Cut short, or claiming more positions than are kept: refused, not misread.
        assert!(serde_json::from_str::<Term>("[300,4,250,3,3]").is_err());
        assert!(serde_json::from_str::<Term>("[1,0,5,99,1]").is_err());
    }

    #[test]
    fn a_large_shard_puts_common_words_in_chunks_and_a_query_fetches_only_its_own() {
        // Many posts with words of one shard ("ca…"), a few with a rare one.
        let bodies: Vec<String> = (0..600)
            .map(|i| {
                let rare = if i == 77 { " caravanserai" } else { "" };
                format!("cat camel canal {} cargo car{}{rare}", i % 7, i % 50)
            })
            .collect();
        let input = untitled(&bodies);
        let built = build(&input);
        let shard = &built.shards[""];
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
        assert!(chunks_for(&parse("caravanserai "), &index).is_empty());
        assert_eq!(search(&parse("caravanserai "), &index).len(), 1);
        // A common word needs one chunk, not all of them.
        let needed = chunks_for(&parse("camel "), &index);
        assert_eq!(needed.len(), 1);
        assert!(index.chunks.len() > 1);
        // Searching with only the files it named gives the same answer as with everything.
        assert_eq!(
            search(&parse("camel "), &fetched_for(&index, "camel ")),
            search(&parse("camel "), &index)
        );
        assert_eq!(search(&parse("camel canal "), &index).len(), TOP_POSTINGS);
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
        let bodies: Vec<String> = (0..3000)
            .map(|i| format!("walk w{i}a wb{}c river", i % 97))
            .collect();
        let input = untitled(&bodies);
        let index = index_of(&input);
        assert!(index.shards.len() > 3, "split: {:?}", index.shards.keys());
        let root = &index.shards[""];
        assert!(root.terms.len() + root.refs.len() <= HEAD_TERMS);
        for query in [
            "w1234a ", "w2a ", "wb5c ", "walk ", "river ", "w12", "w", "rivr ",
        ] {
            let fetched = fetched_for(&index, query);
            assert!(fetched.shards.len() < index.shards.len(), "{query}");
            assert_eq!(
                search(&parse(query), &fetched),
                search(&parse(query), &index),
                "{query}"
            );
        }
        let hits = search(&parse("w1234a "), &index);
        assert_eq!(
            (hits[0].doc, hits[0].matched.as_slice()),
            (1234, ["w1234a".to_string()].as_slice())
        );
        assert!(hits.len() > 1, "and its neighbours by one typo");
        assert_eq!(
            search(&parse("rivr "), &index).len(),
            TOP_POSTINGS,
            "a typo"
        );
        // One letter typed already finds the commonest words.
        assert!(!search(&parse("w"), &fetched_for(&index, "w")).is_empty());
        // Every shard file is under its limit (a head, or a shard small enough).
        for shard in index.shards.values() {
            let json = serde_json::to_vec(shard.as_ref()).unwrap();
            assert!(json.len() <= SHARD_BYTES + 4 * 1024, "{}", json.len());
        }
    }
}
