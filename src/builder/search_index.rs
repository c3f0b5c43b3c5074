//! Building the search index (native only): every post's title, tags and text indexed, and the
//! index laid out into the files [`crate::model::search`] describes, which the app searches with
//! [`crate::search::index`]. Both read text through the same tokenizer.

use super::output::Output;
use super::{content_hash, hex16, Site};
use crate::markdown;
use crate::model::{
    bucket_of, chunk_file, entry_file, index_dir, shard_file, Chunk, Posting, SearchEntry, Shard,
    Term, CHUNK_BYTES, FORMAT_VERSION, HEAD_TERMS, MAX_KEY, MAX_POSITIONS, SHARD_BYTES,
    TOP_POSTINGS, WEIGHT_SCALE,
};
use crate::search::index::Document;
use crate::search::query::{bm25, TAG_BOOST, TITLE_BOOST};
use crate::search::tokenize::each_term;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// In a shard with chunks, a term whose postings take at most this many bytes stays inline: rare
/// words are most of the terms, and a search for one then needs no second file.
const INLINE_BYTES: usize = 48;

/// Writes the search index (its shards, then the entry naming them) to `files`; returns the
/// entry's name and the bytes of all its files. Posts are numbered in index order, newest first.
pub(super) fn search_files(site: &Site, files: &Output) -> (String, u64) {
    // The posts' visible text in parallel; indexing it then streams through the posts, so the
    // terms of only one post are held at a time.
    let stage = super::timings::Stage::start("search: text");
    let texts: Vec<String> = site
        .posts
        .par_iter()
        .map(|post| markdown::analyze(&post.body).text)
        .collect();
    let docs: Vec<Document> = site
        .posts
        .iter()
        .zip(&texts)
        .map(|(post, text)| Document {
            title: &post.summary.title,
            tags: &post.summary.tags,
            body: text,
        })
        .collect();
    let stage = stage.next("search: build");
    let built = build(&docs);
    let stage = stage.next("search: json");
    let shards: Vec<(String, Vec<u8>)> = built
        .shards
        .into_par_iter()
        .map(|(key, shard)| (key, serde_json::to_vec(&shard).expect("shards serialise")))
        .collect();
    // The folder is named by the hash of every shard and chunk, so the entry need not name each.
    let mut hasher = Sha256::new();
    for (key, json) in &shards {
        hasher.update(format!("{key}\0{}\0", json.len()));
        hasher.update(json);
    }
    for (key, n, json) in &built.chunks {
        hasher.update(format!("{key}\0{n}\0{}\0", json.len()));
        hasher.update(json);
    }
    let dir = index_dir(&hex16(&hasher.finalize()));
    let mut entry = SearchEntry {
        format_version: FORMAT_VERSION,
        docs: docs.len() as u32,
        dir: dir.clone(),
        keys: shards.iter().map(|(key, _)| key.clone()).collect(),
    };
    entry.keys.sort();
    let mut bytes = 0;
    for (key, json) in shards {
        bytes += json.len() as u64;
        files.insert(PathBuf::from(shard_file(&dir, &key)), json);
    }
    for (key, n, json) in built.chunks {
        bytes += json.len() as u64;
        files.insert(PathBuf::from(chunk_file(&dir, &key, n)), json);
    }
    let json = serde_json::to_vec(&entry).expect("the search entry serialises");
    let file = entry_file(&content_hash(&json));
    bytes += json.len() as u64;
    files.insert(PathBuf::from(&file), json);
    stage.done();
    (file, bytes)
}

/// An index as built: its shards by key, and their chunks' JSON by key and number.
#[derive(Debug, Default)]
pub struct Built {
    pub shards: BTreeMap<String, Shard>,
    pub chunks: Vec<(String, u32, Vec<u8>)>,
}

/// One term in one post, its positions in an arena.
struct Occurrence {
    doc: u32,
    /// In the title and tags, times their boosts.
    boosted: f32,
    body: f32,
    start: u32,
    count: u8,
}

/// The terms of some posts, numbered in order of first use.
#[derive(Default)]
struct Partial {
    names: Vec<String>,
    lists: Vec<Vec<Occurrence>>,
    arena: Vec<u32>,
    lengths: Vec<u32>,
}

/// Posts indexed per task when building in parallel.
const BATCH: usize = 256;

/// Builds the index of `docs` (numbered in order). Posts are read in parallel batches, and
/// shards laid out in parallel.
pub fn build(docs: &[Document]) -> Built {
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
fn merge(all: &mut Partial, ids: &mut FxHashMap<String, u32>, partial: Partial) {
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
fn index_batch(first: u32, docs: &[Document]) -> Partial {
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
fn dict_len(term: &str, postings: &Term) -> usize {
    let inline = json_len(term, postings);
    if inline <= INLINE_BYTES {
        inline
    } else {
        term.len() + 16
    }
}

/// The length of a term and its postings as JSON: `"term":[…],`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::{candidates, chunks_for, search, Loaded, MAX_EXPANSIONS};
    use crate::search::query::parse;
    use std::sync::Arc;

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
            format_version: FORMAT_VERSION,
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
    fn sizes_are_estimated_exactly() {
        let term = Term {
            df: 300,
            postings: vec![Posting(4, 250, vec![3, 10, 11]), Posting(9, 80, vec![0])],
        };
        let json = serde_json::to_string(&term).unwrap();
        // `"":` before it and `,` after.
        assert_eq!(json.len() + 4, json_len("", &term));
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
