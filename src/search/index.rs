//! Searching the index: which of its files a query needs, and the query run over them once they
//! are loaded. The files themselves are described in [`crate::model::search`]; the builder writes
//! them.

use super::query::{matches, Clause, Match};
use crate::model::{
    chunk_file, path_of, top_key, Chunk, KeyList, Posting, SearchEntry, Shard, Term, WEIGHT_SCALE,
};
use std::collections::HashMap;
use std::sync::Arc;

// The entry's type belongs to the model; what a query needs of it is search's business.
impl SearchEntry {
    /// The key lists a query needs before its shards: the one each of its terms' keys sit below
    /// ([`top_key`]), when the entry says there is one.
    pub fn lists_for(&self, clauses: &[Clause]) -> Vec<String> {
        let mut lists: Vec<String> = terms_of(clauses)
            .filter_map(|term| path_of(term).last().and_then(|key| top_key(key)))
            .filter(|key| self.deep.binary_search(key).is_ok())
            .collect();
        lists.sort();
        lists.dedup();
        lists
    }

    /// The shards a query needs first: those along the path of each of its terms, as the entry
    /// and the key lists `deeper` (those of [`SearchEntry::lists_for`]) name them.
    pub fn keys_for(&self, clauses: &[Clause], deeper: &[&KeyList]) -> Vec<String> {
        let known = |key: &String| {
            self.keys.binary_search(key).is_ok()
                || deeper
                    .iter()
                    .any(|list| list.keys.binary_search(key).is_ok())
        };
        let mut keys: Vec<String> = terms_of(clauses).flat_map(path_of).filter(known).collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Every term of a query, in words, phrases and exclusions.
fn terms_of(clauses: &[Clause]) -> impl Iterator<Item = &str> {
    clauses.iter().flat_map(|clause| match clause {
        Clause::Word { term, .. } => vec![term.as_str()],
        Clause::Phrase(terms) | Clause::Excluded(terms) => {
            terms.iter().map(String::as_str).collect()
        }
    })
}

/// Terms other than exact matches that a typed word may expand to (prefix and typo matches), the
/// ones in most posts first: a search for `s` fetches the postings of a few words, not hundreds.
pub const MAX_EXPANSIONS: usize = 12;

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
    pub(crate) fn term(&self, name: &str) -> Option<&Term> {
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
pub(crate) fn candidates<'a>(
    typed: &str,
    prefix: bool,
    loaded: &'a Loaded,
) -> Vec<(&'a str, Match)> {
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
/// cut (see [`TOP_POSTINGS`](crate::model::TOP_POSTINGS)) cannot decide which posts match: it only adds to their scores, unless
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

    #[test]
    fn a_query_needs_only_the_shards_along_its_terms_paths() {
        let entry = SearchEntry {
            format_version: crate::model::FORMAT_VERSION,
            docs: 0,
            dir: "t".into(),
            keys: ["", "b", "m", "n", "r", "x", "~09"]
                .map(String::from)
                .to_vec(),
            deep: ["b", "m", "n", "r"].map(String::from).to_vec(),
        };
        let all = [
            "", "b", "bu", "m", "ma", "mar", "n", "ni", "r", "ri", "x", "~09",
        ];
        let (top, deep, lists) = SearchEntry::split_keys(all.map(String::from).to_vec());
        assert_eq!((top, deep), (entry.keys.clone(), entry.deep.clone()));
        let query = parse("river \"night market\" -bus");
        assert_eq!(entry.lists_for(&query), ["b", "m", "n", "r"]);
        let deeper: Vec<&KeyList> = entry.lists_for(&query).iter().map(|k| &lists[k]).collect();
        let keys = entry.keys_for(&query, &deeper);
        assert_eq!(
            keys,
            ["", "b", "bu", "m", "ma", "mar", "n", "ni", "r", "ri"]
        );
        assert_eq!(entry.keys_for(&query, &[]), ["", "b", "m", "n", "r"]);
    }

    /// A term in posts `docs`, each with weight 100 and the given position.
    fn term(df: u32, docs: &[(u32, u32)]) -> Term {
        Term {
            df,
            postings: docs
                .iter()
                .map(|&(doc, at)| Posting(doc, 100, vec![at]))
                .collect(),
        }
    }

    #[test]
    fn postings_in_a_chunk_are_found_once_the_chunk_is_loaded() {
        // The root shard keeps "ferry" inline and points to chunk 0 for "river".
        let mut shard = Shard::default();
        shard.terms.insert("ferry".into(), term(1, &[(0, 0)]));
        shard.refs.insert("river".into(), (2, 0));
        let mut chunk = Chunk::default();
        chunk
            .terms
            .insert("river".into(), term(2, &[(0, 1), (1, 4)]));
        let mut loaded = Loaded {
            dir: "t".into(),
            ..Loaded::default()
        };
        loaded.shards.insert(String::new(), Arc::new(shard));
        assert_eq!(chunks_for(&parse("river "), &loaded), ["t/_.0.json"]);
        assert!(chunks_for(&parse("ferry "), &loaded).is_empty());
        assert!(
            search(&parse("river "), &loaded).is_empty(),
            "not loaded yet"
        );
        loaded
            .chunks
            .insert(chunk_file("t", "", 0), Arc::new(chunk));
        let docs = |query: &str| -> Vec<u32> {
            search(&parse(query), &loaded)
                .into_iter()
                .map(|h| h.doc)
                .collect()
        };
        assert_eq!(docs("river "), [0, 1]);
        assert_eq!(docs("\"ferry river\""), [0]);
        assert_eq!(docs("river -ferry"), [1]);
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
}
