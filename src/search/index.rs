//! The search index: built from the posts by the builder, split into shards by the first letters
//! of each term so that a query fetches only the shards its words need, and searched by the app.
//!
//! A posting holds the post's number (its place in the post index, newest first), its weight for
//! the term, already BM25 with title and tag boosts, so the browser needs no document lengths, and
//! the positions of the term in the post, for phrases.

use super::query::{bm25, matches, Clause, Match, TAG_BOOST, TITLE_BOOST};
use super::tokenize::each_term;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Version of the index format; a mismatch means the app and the index come from different builds.
pub const INDEX_VERSION: u32 = 1;

/// Weights are stored as integers: BM25 × this.
const WEIGHT_SCALE: f32 = 100.0;

/// The entry file: what a search must read first, small whatever the size of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    pub version: u32,
    /// Number of posts indexed.
    pub docs: u32,
    /// Shard files by key (the first characters of their terms), relative to the data folder.
    pub shards: BTreeMap<String, String>,
}

/// One shard: its terms and their postings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub terms: BTreeMap<String, Term>,
}

/// A term's postings: the posts it weighs most in, at most [`TOP_POSTINGS`], in post order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Posts containing the term; more than the postings when the list was cut.
    pub df: u32,
    #[serde(rename = "p")]
    pub postings: Vec<Posting>,
}

impl Term {
    /// Whether posts containing the term were left out (a very common word).
    pub fn is_cut(&self) -> bool {
        self.df as usize > self.postings.len()
    }
}

/// A term in one post: `(post number, weight, positions)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting(pub u32, pub u32, pub Vec<u32>);

/// Postings kept per term: a word in more posts than this says little about any one of them, and
/// only its best posts are worth listing. Keeps shards small however large the site.
pub const TOP_POSTINGS: usize = 200;

/// Positions kept per posting, for phrases: a phrase is found among a term's first occurrences.
pub const MAX_POSITIONS: usize = 8;

/// What is indexed of a post.
pub struct Document<'a> {
    pub title: &'a str,
    pub tags: &'a [String],
    pub body: &'a str,
}

/// The shard a term belongs to: its first two characters (one for one-character terms), so a
/// prefix of two letters or more and the typos after them are all in one shard. Character pairs
/// of unspaced scripts are looked up whole, never by prefix: they go to one of 64 shards by their
/// first character, so a site in Chinese does not get a file per character.
pub fn shard_key(term: &str) -> String {
    match term.chars().next() {
        Some(first) if super::tokenize::is_unspaced(first) => format!("~{:02}", first as u32 % 64),
        _ => term.chars().take(2).collect(),
    }
}

/// Builds the shards of an index over `docs` (numbered in order).
pub fn build(docs: &[Document]) -> BTreeMap<String, Shard> {
    /// One term in one post, its positions in `arena`.
    struct Occurrence {
        doc: u32,
        /// In the title and tags, times their boosts.
        boosted: f32,
        body: f32,
        start: u32,
        count: u8,
    }
    // Terms are numbered once, so each post's occurrences cost a few integers, not a string.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut lists: Vec<Vec<Occurrence>> = Vec::new();
    let mut arena: Vec<u32> = Vec::new();
    let mut lengths: Vec<u32> = Vec::with_capacity(docs.len());
    let mut here: HashMap<u32, (f32, f32, Vec<u32>)> = HashMap::new();
    for (number, doc) in docs.iter().enumerate() {
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
                        let id = names.len() as u32;
                        ids.insert(term.to_string(), id);
                        names.push(term.to_string());
                        lists.push(Vec::new());
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
        lengths.push(body_length);
        for (id, (boosted, body, positions)) in here.drain() {
            lists[id as usize].push(Occurrence {
                doc: number as u32,
                boosted,
                body,
                start: arena.len() as u32,
                count: positions.len() as u8,
            });
            arena.extend(positions);
        }
    }
    let n = lengths.len() as u32;
    let avg_len = lengths.iter().map(|&l| l as f32).sum::<f32>() / n.max(1) as f32;
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for (name, list) in names.into_iter().zip(lists) {
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
        }
        postings.sort_by_key(|p| p.0);
        shards
            .entry(shard_key(&name))
            .or_default()
            .terms
            .insert(name, Term { df, postings });
    }
    shards
}

/// The shard keys a query needs: one per word, phrase term and excluded term.
pub fn keys_for(clauses: &[Clause]) -> Vec<String> {
    let mut keys: Vec<String> = clauses
        .iter()
        .flat_map(|clause| match clause {
            Clause::Word { term, .. } => vec![term.as_str()],
            Clause::Phrase(terms) | Clause::Excluded(terms) => {
                terms.iter().map(String::as_str).collect()
            }
        })
        .map(shard_key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A post found, with its score and the terms of the index that matched (to highlight).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
    pub matched: Vec<String>,
}

type Matches = HashMap<u32, (f32, Vec<String>)>;

/// Runs a parsed query over the shards it needs (`shard` gives the shard of a key, if loaded):
/// posts must match every word and phrase and no exclusion. A word so common that its list was
/// cut (see [`TOP_POSTINGS`]) cannot decide which posts match: it only adds to their scores, unless
/// the query has nothing else. Best first; ties keep post order (newest first).
pub fn search<'a>(clauses: &[Clause], shard: impl Fn(&str) -> Option<&'a Shard>) -> Vec<Hit> {
    let mut required: Option<Matches> = None;
    let mut scoring_only: Vec<Matches> = Vec::new();
    let mut excluded: Vec<u32> = Vec::new();
    for clause in clauses {
        let (matches_here, cut) = match clause {
            Clause::Word { term, prefix } => word_matches(term, *prefix, &shard),
            Clause::Phrase(terms) => phrase_matches(terms, &shard),
            Clause::Excluded(terms) => {
                excluded.extend(phrase_matches(terms, &shard).0.into_keys());
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
fn word_matches<'a>(
    typed: &str,
    prefix: bool,
    shard: &impl Fn(&str) -> Option<&'a Shard>,
) -> (Matches, bool) {
    let mut best: Matches = HashMap::new();
    let Some(shard) = shard(&shard_key(typed)) else {
        return (best, false);
    };
    let mut all_cut = true;
    for (name, term) in &shard.terms {
        let Some(kind) = matches(typed, name, prefix) else {
            continue;
        };
        all_cut &= term.is_cut();
        for Posting(doc, weight, _) in &term.postings {
            let score = *weight as f32 / WEIGHT_SCALE * kind.weight();
            let entry = best.entry(*doc).or_insert((0.0, Vec::new()));
            if score > entry.0 {
                entry.0 = score;
            }
            entry.1.push(name.clone());
        }
    }
    let cut = all_cut && !best.is_empty();
    (best, cut)
}

/// Posts where `terms` stand side by side, exactly; and whether every term's list was cut.
fn phrase_matches<'a>(
    terms: &[String],
    shard: &impl Fn(&str) -> Option<&'a Shard>,
) -> (Matches, bool) {
    let mut lists = Vec::with_capacity(terms.len());
    for term in terms {
        match shard(&shard_key(term)).and_then(|s| s.terms.get(term)) {
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
        let shards = build(&input);
        search(&parse(query), |key| shards.get(key))
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
        let shards = build(&input);
        let hits = search(&parse("ferry "), |key| shards.get(key));
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
        let shards = build(&input);
        assert_eq!(search(&parse("boats "), |key| shards.get(key))[0].doc, 1);
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
        let shards = build(&input);
        let hits = search(&parse("boat"), |key| shards.get(key));
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
    fn a_query_needs_only_the_shards_of_its_terms() {
        let keys = keys_for(&parse("river \"night market\" -bus"));
        assert_eq!(keys, ["bu", "ma", "ni", "ri"]);
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
        let tags: Vec<String> = vec![];
        let bodies: Vec<String> = (0..TOP_POSTINGS + 20)
            .map(|i| {
                if i == TOP_POSTINGS + 10 {
                    "the ferry left the pier".to_string()
                } else {
                    format!("the day {i} was long")
                }
            })
            .collect();
        let input: Vec<Document> = bodies
            .iter()
            .map(|body| Document {
                title: "",
                tags: &tags,
                body,
            })
            .collect();
        let shards = build(&input);
        let the = &shards["th"].terms["the"];
        assert!(the.is_cut());
        assert_eq!(the.postings.len(), TOP_POSTINGS);
        assert_eq!(the.df as usize, TOP_POSTINGS + 20);
        // The ferry post is found with "the" even if "the" did not keep it in its list.
        let hits = search(&parse("the ferry "), |key| shards.get(key));
        assert_eq!(
            hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
            [(TOP_POSTINGS + 10) as u32]
        );
        // Alone, the common word still answers, with its best posts.
        assert_eq!(
            search(&parse("the "), |key| shards.get(key)).len(),
            TOP_POSTINGS
        );
    }
}
