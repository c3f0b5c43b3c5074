//! The search index's files: what each holds, how they are named, and the limits the builder keeps
//! them to. The builder writes them (`crate::builder`'s `search_index`) and the app reads them
//! ([`crate::search::index`]).
//!
//! Files, all in one folder named by the hash of the whole index:
//! - the **entry** (content-hashed itself, named in the manifest) lists the shard keys the
//!   alphabets bound (`""`, one letter, a bucket of an unspaced script), and which of them have
//!   longer keys below;
//! - a **key list** per such key lists the longer keys below it ([`top_key`]), so no file a search
//!   reads holds every key of the index, whose number grows with the blog;
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
//! A posting holds the post's number (its place in the list of all posts, newest first, as the
//! cards number them), its weight for
//! the term, already BM25 with title and tag boosts, so the browser needs no document lengths, and
//! the positions of the term in the post, for phrases. A term's postings are written as one flat
//! list of small numbers (see [`Term`]), which compresses well.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The entry file: what a search must read first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    /// [`super::FORMAT_VERSION`] of the build that wrote it. Read under its old name too, so an
    /// index of an older build is refused by its version rather than as unreadable.
    #[serde(alias = "version")]
    pub format_version: u32,
    /// Number of posts indexed.
    pub docs: u32,
    /// The folder of the shards and chunks, relative to the data folder.
    pub dir: String,
    /// The shard keys the alphabets bound (`""`, `r`, `~07`), sorted.
    pub keys: Vec<String>,
    /// Those of [`SearchEntry::keys`] that have longer keys below them, in their [`KeyList`],
    /// sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deep: Vec<String>,
}

/// `keys/<key>.json` in the index's folder: the shard keys longer than `key` that start with it
/// (`ri`, `ric`… below `r`), sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyList {
    pub keys: Vec<String>,
}

impl SearchEntry {
    /// Splits every shard key of an index into the entry's keys and deep keys, and the key lists
    /// below them: `(keys, deep, lists)`.
    pub fn split_keys(all: Vec<String>) -> (Vec<String>, Vec<String>, BTreeMap<String, KeyList>) {
        let mut top = Vec::new();
        let mut lists: BTreeMap<String, KeyList> = BTreeMap::new();
        for key in all {
            match top_key(&key) {
                Some(parent) => lists.entry(parent).or_default().keys.push(key),
                None => top.push(key),
            }
        }
        top.sort();
        for list in lists.values_mut() {
            list.keys.sort();
        }
        let deep = lists.keys().cloned().collect();
        (top, deep, lists)
    }
}

/// The key whose [`KeyList`] names `key`: a bucket's for the keys in it (`~07ក` is below `~07`:
/// an unspaced script has thousands of first characters), else the key's first letter (`ric` is
/// below `r`). `None` for the keys the entry lists itself: `""`, a letter, a bucket.
pub fn top_key(key: &str) -> Option<String> {
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

/// The key list below `key`, relative to the data folder.
pub fn keys_file(dir: &str, key: &str) -> String {
    format!("{dir}/keys/{}.json", file_key(key))
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

/// Weights are stored as integers: BM25 × this.
pub const WEIGHT_SCALE: f32 = 100.0;

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

/// The folder of shards and chunks whose content has the hash `hash`, relative to the data folder.
pub fn index_dir(hash: &str) -> String {
    format!("{SEARCH_DIR}/{hash}")
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

/// The file of the shard `key`, relative to the data folder.
pub fn shard_file(dir: &str, key: &str) -> String {
    format!("{dir}/{}.json", file_key(key))
}

/// The file of chunk `n` of the shard `key`.
pub fn chunk_file(dir: &str, key: &str, n: u32) -> String {
    format!("{dir}/{}.{n}.json", file_key(key))
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
    }

    #[test]
    fn files_are_named_by_their_key_along_a_terms_path() {
        assert_eq!(path_of("市场"), ["~02", "~02市", "~02市场"]);
        assert_eq!(path_of("ab"), ["", "a", "ab"]);
        assert_eq!(file_key("~09"), "_7e_09");
        assert_eq!(file_key("пр"), "_43f__440_");
        assert_eq!(shard_file("search/abc", ""), "search/abc/_.json");
        assert_eq!(chunk_file("search/abc", "ab", 2), "search/abc/ab.2.json");
        assert_eq!(index_dir("abc"), "search/abc");
        assert_eq!(entry_file("abc"), "search/entry.abc.json");
    }

    #[test]
    fn an_entry_of_an_older_build_shows_its_version() {
        let old = r#"{"version":2,"docs":1,"dir":"search/x","keys":[""]}"#;
        let entry: SearchEntry = serde_json::from_str(old).unwrap();
        assert_eq!(entry.format_version, 2);
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["format_version"], 2, "written under one name");
    }
}
