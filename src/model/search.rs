//! The search index's files: what each holds, how they are named, and the limits the builder keeps
//! them to. The builder writes them (`crate::builder`'s `search_index`) and the app reads them
//! ([`crate::search::index`]).
//!
//! Every file is named by its key and by the hash of its own content, and the file that leads to
//! it names that hash: the manifest names the entry, the entry its shards, key lists and filters,
//! a key list its shards, a shard its chunks and tails. A reader that starts from one entry
//! therefore reads only files of that build, and an edit of one post renames only the files
//! whose bytes changed and the few files on the way to them (its shards, their key lists, the
//! entry), so a preview or a deploy replaces those alone. All files are in one folder
//! ([`index_dir`]).
//!
//! - the **entry** (named in the manifest) names the shards of the keys the alphabets bound
//!   (`""`, one letter, a bucket of an unspaced script), the key lists of those that have longer
//!   keys below, and every tag's and category's filter;
//! - a **key list** per such key names the longer keys below it ([`top_key`]) and their shards, so
//!   no file a search reads holds every key of the index, whose number grows with the blog;
//! - a **shard** holds the terms starting with its key, each with its number of posts. Keys form
//!   a tree: the root shard is `""`; a shard over [`SHARD_BYTES`] keeps only its key's
//!   [`HEAD_TERMS`] most common terms (its *head*) and hands the others to shards one letter
//!   longer. A word needs the shards along its path (`""`, `r`, `ri`, `ric`…), and a short prefix
//!   finds its commonest words in the heads. Pairs of characters of unspaced scripts go to
//!   [`BUCKETS`] trees of their own, `~00`…`~63`.
//! - a **chunk** holds postings: in a shard over [`CHUNK_BYTES`], the postings of all but the
//!   rarest terms move into chunks of neighbouring terms, so one common word does not make its
//!   shard heavy.
//!
//! - a **tail** holds more of common terms' postings: a term keeps its best [`TOP_POSTINGS`]
//!   in its shard or chunk, and the rest, best first, in tiers of growing size ([`tier_end`]),
//!   fetched only when a search needs them (a reader asks for more results, or another word or a
//!   filter must be checked against every post that has it). Neighbouring terms of one shard
//!   share their tail files, a *pack* per tier ([`Shard::packs`], [`PACK_BYTES`]): most tails
//!   are small, and a file each made thousands of them;
//! - a **filter** file per tag and per category lists every post that carries it, so a filter
//!   narrows any search exactly;
//! - the **reversed** tree (keys starting with [`REVERSED`]) holds every word of
//!   [`TYPO_MIN_CHARS`] letters or more spelled backwards, with its number of posts only: a typo
//!   in a word's first letters sends it down the wrong branch of the tree above, but its last
//!   letters still find it here.
//!
//! A posting holds the post's number (its place in the list of all posts, newest first, as the
//! cards number them), its weight for
//! the term, already BM25 with title and tag boosts, so the browser needs no document lengths, and
//! the positions of the term in the post, for phrases. A term's postings are written as one flat
//! list of small numbers (see [`Term`]), which compresses well.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The entry file: what a search must read first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    /// [`super::FORMAT_VERSION`] of the build that wrote it. Read under its old name too, so an
    /// index of an older build is refused by its version rather than as unreadable.
    #[serde(alias = "version")]
    pub format_version: u32,
    /// Number of posts indexed.
    pub docs: u32,
    /// The folder of the index's files, relative to the data folder.
    pub dir: String,
    /// The shard keys the alphabets bound (`""`, `r`, `~07`), each with its shard's hash
    /// ([`shard_file`]).
    #[serde(deserialize_with = "lenient")]
    pub keys: Hashes,
    /// Those of [`SearchEntry::keys`] that have longer keys below them, each with the hash of its
    /// [`KeyList`] ([`keys_file`]).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient"
    )]
    pub deep: Hashes,
    /// Every tag's and category's filter: by taxonomy folder (`tags`), the folded term and the
    /// hash of its [`Docs`] ([`filter_file`]). A filter not named here carries no post.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, Hashes>,
    /// The hash of the [`IndexFiles`] listing every file of the index ([`files_file`]).
    #[serde(default)]
    pub files: String,
}

/// Names of files by key: each key's file's content hash.
pub type Hashes = BTreeMap<String, String>;

/// Reads [`Hashes`], or anything else as none: an entry of an older format (whose keys were a
/// list) then still reads, and is refused by its version, which the app explains, rather than
/// as unreadable.
fn lenient<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Hashes, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Now(Hashes),
        Older(serde::de::IgnoredAny),
    }
    Ok(match Either::deserialize(deserializer)? {
        Either::Now(hashes) => hashes,
        Either::Older(_) => Hashes::new(),
    })
}

/// `keys/<key>.<hash>.json` in the index's folder: the shard keys longer than `key` that start
/// with it (`ri`, `ric`… below `r`), each with its shard's hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyList {
    pub keys: Hashes,
}

impl SearchEntry {
    /// Splits every shard key of an index (with its shard's hash) into the entry's keys and the
    /// key lists below them: `(keys, lists)`. The entry's `deep` names the lists once they are
    /// written.
    pub fn split_keys(all: Hashes) -> (Hashes, BTreeMap<String, KeyList>) {
        let mut top = Hashes::new();
        let mut lists: BTreeMap<String, KeyList> = BTreeMap::new();
        for (key, hash) in all {
            match top_key(&key) {
                Some(parent) => drop(lists.entry(parent).or_default().keys.insert(key, hash)),
                None => drop(top.insert(key, hash)),
            }
        }
        (top, lists)
    }

    /// The hash of the shard `key`, from the entry or the loaded key list above it.
    pub fn shard_hash<'a>(
        &'a self,
        key: &str,
        lists: &'a HashMap<String, Arc<KeyList>>,
    ) -> Option<&'a str> {
        if let Some(hash) = self.keys.get(key) {
            return Some(hash);
        }
        let list = lists.get(&top_key(key)?)?;
        list.keys.get(key).map(String::as_str)
    }

    /// The hash of the filter file of a tag or category, by its folded term.
    pub fn filter_hash(&self, taxonomy: super::Taxonomy, folded: &str) -> Option<&str> {
        self.filters
            .get(taxonomy.folder())?
            .get(folded)
            .map(String::as_str)
    }
}

/// The key whose [`KeyList`] names `key`: a bucket's for the keys in it (`~07ក` is below `~07`:
/// an unspaced script has thousands of first characters), else the key's first letter (`ric` is
/// below `r`). `None` for the keys the entry lists itself: `""`, a letter, a bucket.
pub fn top_key(key: &str) -> Option<String> {
    // The reversed tree: `^` and its one-letter keys are the entry's; longer ones sit below
    // their first letter's (`^tek` below `^t`).
    if let Some(rest) = key.strip_prefix(REVERSED) {
        let first = rest.chars().next()?;
        return (rest.chars().nth(1).is_some()).then(|| format!("{REVERSED}{first}"));
    }
    // A bucket is `~` and two digits ([`bucket_of`]); no term starts with `~`.
    if let [b'~', a, b, rest @ ..] = key.as_bytes() {
        if a.is_ascii_digit() && b.is_ascii_digit() {
            return (!rest.is_empty()).then(|| key[..3].to_string());
        }
    }
    let mut chars = key.chars();
    let first = chars.next()?;
    chars.next()?;
    Some(first.to_string())
}

/// The key list below `key` whose content has the hash `hash`, relative to the data folder.
pub fn keys_file(dir: &str, key: &str, hash: &str) -> String {
    format!("{dir}/keys/{}.{hash}.json", file_key(key))
}

/// One shard: terms of its key, with their postings or the chunk that has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Terms whose postings are here.
    pub terms: BTreeMap<String, Term>,
    /// Terms whose postings are in a chunk: `[posts containing it, chunk number]`. Written even
    /// when empty: the binary form has no field names, so no field may be left out.
    #[serde(default)]
    pub refs: BTreeMap<String, (u32, u32)>,
    /// Terms of this shard (inline or in a chunk) with tails: the number of their pack. Tier `t`
    /// of the term is in the pack's file of that tier, with the same tier of the pack's other
    /// terms.
    #[serde(default)]
    pub packs: BTreeMap<String, u32>,
    /// The hash of each chunk, by number ([`chunk_file`]).
    #[serde(default)]
    pub chunks: Vec<String>,
    /// The hashes of each pack's tail files, by pack, tier 1 first ([`tail_file`]).
    #[serde(default)]
    pub tails: Vec<Vec<String>>,
}

/// A chunk: the postings of some terms of one shard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub terms: BTreeMap<String, Term>,
}

/// A term's postings: the posts it weighs most in, at most [`TOP_POSTINGS`], in post order. A
/// tail file holds the same: the next tier of postings by weight ([`tier_end`]), in post order.
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

/// Tiers of a term's postings, by weight: tier 0 (its best [`TOP_POSTINGS`]) is in its shard or
/// chunk, and tier `n` holds those ranked from `tier_end(n - 1)` to `tier_end(n)` (each tier five
/// times the postings of all before it: 200, 1,000, 5,000, 25,000…), so a word in every post of a
/// site of 100,000 is whole after five tail files, and a reader asking for the next page of
/// results rarely waits for more than one.
pub fn tier_end(tier: u32) -> usize {
    TOP_POSTINGS.saturating_mul(5usize.saturating_pow(tier))
}

/// The number of tail files of a term in `df` posts (0 when its postings fit in tier 0).
pub fn tail_tiers(df: u32) -> u32 {
    (1..).find(|&n| tier_end(n - 1) >= df as usize).unwrap_or(1) - 1
}

/// The tail file of tier `tier` (from 1) of a pack of the shard `key` ([`Shard::packs`]), a
/// [`Chunk`] of the pack's terms that have that tier, whose content has the hash `hash`, relative
/// to the data folder.
pub fn tail_file(dir: &str, key: &str, hash: &str, tier: u32) -> String {
    format!("{dir}/more/{}.{hash}.{tier}.bin", file_key(key))
}

/// The terms of a shard that have tails are packed in name order while their first tail takes
/// at most this many bytes together (a term whose first tail is larger has a pack of its own). A
/// pack's later tiers are larger, but only terms in thousands of posts have them.
pub const PACK_BYTES: usize = 16 * 1024;

/// Every post carrying a tag or category: post numbers, in order, written as gaps (the first
/// from 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<u32>", try_from = "Vec<u32>")]
pub struct Docs(pub Vec<u32>);

impl From<Docs> for Vec<u32> {
    fn from(docs: Docs) -> Vec<u32> {
        let mut previous = 0;
        docs.0
            .into_iter()
            .map(|doc| {
                let gap = doc - previous;
                previous = doc;
                gap
            })
            .collect()
    }
}

impl TryFrom<Vec<u32>> for Docs {
    type Error = String;

    fn try_from(gaps: Vec<u32>) -> Result<Docs, String> {
        let mut doc = 0u32;
        let mut docs = Vec::with_capacity(gaps.len());
        for (i, gap) in gaps.into_iter().enumerate() {
            // Posts are listed once each, in order: only the first may be post 0.
            if i > 0 && gap == 0 {
                return Err("a filter's posts are malformed".to_string());
            }
            doc = doc
                .checked_add(gap)
                .ok_or_else(|| "a filter's posts are malformed".to_string())?;
            docs.push(doc);
        }
        Ok(Docs(docs))
    }
}

/// The filter file of the tag or category `folded` (as filters compare terms: lower case, spaces
/// for hyphens; see `crate::search::filter`) whose content has the hash `hash`, relative to the
/// data folder.
pub fn filter_file(dir: &str, taxonomy: super::Taxonomy, folded: &str, hash: &str) -> String {
    format!(
        "{dir}/filters/{}/{}.{hash}.json",
        taxonomy.folder(),
        file_key(folded)
    )
}

/// The first character of every key of the reversed tree; no term starts with it.
pub const REVERSED: char = '^';

/// Words at least this long are in the reversed tree, and a typo in their first letters is
/// found: a shorter word has too few letters left after a typo to tell it from others.
pub const TYPO_MIN_CHARS: usize = 5;

/// Whether `term` has a place in the reversed tree: a word of a spaced script, long enough.
pub fn is_reversible(term: &str) -> bool {
    bucket_of(term).is_empty() && term.chars().count() >= TYPO_MIN_CHARS
}

/// `term` spelled backwards, as the reversed tree names it (without [`REVERSED`]).
pub fn reversed(term: &str) -> String {
    term.chars().rev().collect()
}

/// The keys along `term`'s path in the reversed tree: [`REVERSED`], then it and every prefix of
/// the reversed term (`^`, `^t`, `^te`… for `market`).
pub fn reversed_path(term: &str) -> Vec<String> {
    let back = reversed(term);
    std::iter::once(0)
        .chain(back.char_indices().map(|(i, c)| i + c.len_utf8()))
        .map(|end| format!("{REVERSED}{}", &back[..end]))
        .collect()
}

/// A term in one post: `(post number, weight, positions)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting(pub u32, pub u32, pub Vec<u32>);

/// Weights are stored as integers: BM25 × this.
pub const WEIGHT_SCALE: f32 = 100.0;

/// Postings a term keeps in its shard or chunk (its first tier): the first page of a search for
/// it, and far more, without its tail. Keeps the files of a search's first answer small however
/// large the site.
pub const TOP_POSTINGS: usize = 200;

/// Positions kept per posting, for phrases: a phrase is found among a term's first occurrences.
pub const MAX_POSITIONS: usize = 8;

/// A shard whose postings take fewer bytes than this (as JSON, before compression) keeps them all
/// inline; a larger one moves its larger terms into chunks of about this size.
pub const CHUNK_BYTES: usize = 12 * 1024;

/// A shard larger than this (as JSON, with only references to chunks) is split by one more letter.
pub const SHARD_BYTES: usize = 24 * 1024;

/// Terms a split shard keeps (its head): the most common of its key.
pub const HEAD_TERMS: usize = 32;

/// Keys are at most this long (in characters, after the bucket): past it, a shard is not split.
pub const MAX_KEY: usize = 8;

/// Trees of pairs of unspaced scripts, by first character.
pub const BUCKETS: u32 = 64;

/// The folder of the search index's files, relative to the data folder.
pub const SEARCH_DIR: &str = "search";

/// The entry file whose JSON has the hash `hash`, relative to the data folder.
pub fn entry_file(hash: &str) -> String {
    format!("{SEARCH_DIR}/entry.{hash}.json")
}

/// The folder of the index's files, relative to the data folder. The same for every build: each
/// file's name carries its own hash, so the files of two builds can sit side by side, and those
/// an edit left alone keep their names.
pub fn index_dir() -> String {
    format!("{SEARCH_DIR}/index")
}

/// The keys a term's shard may have: every prefix of it, from `""` to the whole term. Pairs of
/// characters of unspaced scripts have a tree of their own in each of [`BUCKETS`] buckets by
/// first character: `~NN`, then `~NN` and every prefix.
pub fn path_of(term: &str) -> Vec<String> {
    let bucket = bucket_of(term);
    std::iter::once(0)
        .chain(term.char_indices().map(|(i, c)| i + c.len_utf8()))
        .map(|end| format!("{bucket}{}", &term[..end]))
        .collect()
}

/// The bucket of a term: `~NN` for a pair of an unspaced script, else nothing.
pub fn bucket_of(term: &str) -> String {
    match term.chars().next() {
        Some(first) if crate::text::is_unspaced(first) => {
            format!("~{:02}", first as u32 % BUCKETS)
        }
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

/// The file of the shard `key` whose content has the hash `hash`, relative to the data folder.
pub fn shard_file(dir: &str, key: &str, hash: &str) -> String {
    format!("{dir}/{}.{hash}.bin", file_key(key))
}

/// The file of a chunk of the shard `key` whose content has the hash `hash`.
pub fn chunk_file(dir: &str, key: &str, hash: &str) -> String {
    format!("{dir}/{}.c.{hash}.bin", file_key(key))
}

/// The list of every file of the index ([`IndexFiles`]) whose content has the hash `hash`,
/// relative to the data folder.
pub fn files_file(dir: &str, hash: &str) -> String {
    format!("{dir}/files.{hash}.json")
}

/// `files.<hash>.json` in the index's folder: every other file of the index (key lists, shards,
/// chunks, tails, filters), relative to the folder, sorted. Saving the whole index for offline search reads it,
/// rather than every shard to learn the names of chunks and tails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFiles {
    pub files: Vec<String>,
}

/// The last bytes of every binary file of the index: a file cut short (by a host, a proxy, a
/// broken upload) lacks them, which the service worker can check without reading the rest.
pub const INDEX_END: [u8; 4] = *b"fnix";

/// A shard, chunk or tail as its file holds it: [`postcard`] (serde with integers as varints:
/// a posting's small numbers take a byte or two each, about 45 % of their JSON), then
/// [`INDEX_END`].
pub fn encode_index<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = postcard::to_allocvec(value).expect("index files serialise");
    bytes.extend_from_slice(&INDEX_END);
    bytes
}

/// Reads a file [`encode_index`] wrote; a file cut short, or with bytes past its value, is
/// refused.
pub fn decode_index<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let body = bytes
        .strip_suffix(&INDEX_END)
        .ok_or_else(|| "an index file cut short".to_string())?;
    match postcard::take_from_bytes(body) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err("an index file with bytes past its end".to_string()),
        Err(e) => Err(format!("an index file that does not read: {e}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_keys_sit_below_their_first_letter() {
        use super::top_key;
        assert_eq!(top_key(""), None);
        assert_eq!(top_key("r"), None);
        assert_eq!(top_key("ri").as_deref(), Some("r"));
        assert_eq!(top_key("rice").as_deref(), Some("r"));
        assert_eq!(top_key("~07"), None);
        assert_eq!(top_key("~07ក").as_deref(), Some("~07"));
        assert_eq!(top_key("~07កា").as_deref(), Some("~07"));
        assert_eq!(top_key("éa").as_deref(), Some("é"));
        assert_eq!(top_key("^"), None);
        assert_eq!(top_key("^t"), None);
        assert_eq!(top_key("^te").as_deref(), Some("^t"));
        assert_eq!(top_key("^tekram").as_deref(), Some("^t"));
    }

    #[test]
    fn tiers_grow_fivefold_and_a_term_has_as_many_tails_as_its_posts_need() {
        use super::{tail_tiers, tier_end};
        assert_eq!(
            (0..4).map(tier_end).collect::<Vec<_>>(),
            [200, 1000, 5000, 25000]
        );
        assert_eq!(tail_tiers(1), 0);
        assert_eq!(tail_tiers(200), 0);
        assert_eq!(tail_tiers(201), 1);
        assert_eq!(tail_tiers(1000), 1);
        assert_eq!(tail_tiers(7743), 3);
        assert_eq!(tail_tiers(100_000), 4);
    }

    #[test]
    fn a_filters_posts_are_gaps_and_a_repeated_post_is_refused() {
        use super::Docs;
        let docs = Docs(vec![0, 3, 4, 10]);
        let json = serde_json::to_string(&docs).unwrap();
        assert_eq!(json, "[0,3,1,6]");
        assert_eq!(serde_json::from_str::<Docs>(&json).unwrap(), docs);
        assert!(serde_json::from_str::<Docs>("[2,0]").is_err());
        assert!(serde_json::from_str::<Docs>("[4294967295,1]").is_err());
    }

    #[test]
    fn the_reversed_tree_spells_words_backwards() {
        use super::{is_reversible, reversed_path};
        assert_eq!(reversed_path("cafe"), ["^", "^e", "^ef", "^efa", "^efac"]);
        assert!(is_reversible("market"));
        assert!(!is_reversible("boat"));
        assert!(
            !is_reversible("ផ្សារ"),
            "pairs of an unspaced script are not words"
        );
    }

    use super::*;

    #[test]
    fn postings_are_written_as_small_numbers_and_read_back() {
        let term = Term {
            df: 300,
            postings: vec![Posting(4, 250, vec![3, 10, 11]), Posting(9, 80, vec![0])],
        };
        let json = serde_json::to_string(&term).unwrap();
        assert_eq!(json, "[300,4,250,3,3,7,1,5,80,1,0]");
        assert_eq!(serde_json::from_str::<Term>(&json).unwrap(), term);
        // Cut short, or claiming more positions than are kept: refused, not misread.
        assert!(serde_json::from_str::<Term>("[300,4,250,3,3]").is_err());
        assert!(serde_json::from_str::<Term>("[1,0,5,99,1]").is_err());

        // In a file, the same numbers as varints (a byte each here but 300 and 250), counted
        // first, then the end mark.
        let bytes = encode_index(&term);
        assert_eq!(bytes.len(), 1 + 11 + 2 + 4);
        assert_eq!(&bytes[..3], &[11, 0xac, 0x02], "11 numbers, then 300");
        assert!(bytes.ends_with(&INDEX_END));
        assert_eq!(decode_index::<Term>(&bytes).unwrap(), term);
    }

    #[test]
    fn a_binary_index_file_damaged_in_any_way_is_refused() {
        let mut shard = Shard::default();
        shard.terms.insert(
            "rice".to_string(),
            Term {
                df: 2,
                postings: vec![Posting(1, 90, vec![4]), Posting(7, 120, vec![0, 9])],
            },
        );
        shard.refs.insert("river".to_string(), (900, 0));
        let bytes = encode_index(&shard);
        assert_eq!(decode_index::<Shard>(&bytes).unwrap(), shard);
        // Every cut, with or without the end mark put back, is refused.
        for len in 0..bytes.len() {
            assert!(
                decode_index::<Shard>(&bytes[..len]).is_err(),
                "cut at {len}"
            );
            let mut marked = bytes[..len.saturating_sub(INDEX_END.len())].to_vec();
            marked.extend_from_slice(&INDEX_END);
            if marked != bytes {
                assert!(
                    decode_index::<Shard>(&marked).is_err(),
                    "cut at {len}, marked"
                );
            }
        }
        // Bytes past the value, or a file of another kind.
        let mut longer = bytes[..bytes.len() - 4].to_vec();
        longer.extend_from_slice(&[0, 0]);
        longer.extend_from_slice(&INDEX_END);
        assert!(decode_index::<Shard>(&longer).is_err());
        assert!(decode_index::<Shard>(b"{\"terms\":{}}").is_err());
    }

    #[test]
    fn files_are_named_by_their_key_along_a_terms_path() {
        assert_eq!(path_of("市场"), ["~02", "~02市", "~02市场"]);
        assert_eq!(path_of("ab"), ["", "a", "ab"]);
        assert_eq!(file_key("~09"), "_7e_09");
        assert_eq!(file_key("пр"), "_43f__440_");
        assert_eq!(shard_file("search/abc", "", "f0"), "search/abc/_.f0.bin");
        assert_eq!(
            chunk_file("search/abc", "ab", "f1"),
            "search/abc/ab.c.f1.bin"
        );
        assert_eq!(index_dir(), "search/index");
        assert_eq!(entry_file("abc"), "search/entry.abc.json");
        assert_eq!(
            tail_file("search/abc", "th", "f2", 2),
            "search/abc/more/th.f2.2.bin"
        );
        assert_eq!(
            filter_file(
                "search/abc",
                crate::model::Taxonomy::Tags,
                "street food",
                "f3"
            ),
            "search/abc/filters/tags/street_20_food.f3.json"
        );
    }

    #[test]
    fn an_entry_of_an_older_build_shows_its_version() {
        let old = r#"{"version":2,"docs":1,"dir":"search/x","keys":[""],"deep":["a"]}"#;
        let entry: SearchEntry = serde_json::from_str(old).unwrap();
        assert_eq!(entry.format_version, 2);
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["format_version"], 2, "written under one name");
    }
}
