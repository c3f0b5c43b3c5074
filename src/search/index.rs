//! Searching the index: which of its files a query needs, and the query run over them once they
//! are loaded. The files themselves are described in [`crate::model::search`]; the builder writes
//! them.
//!
//! A search loads in rounds ([`needs`]): the key lists and shards along its words' paths, the
//! reversed tree when a long word is not in the index as typed (a typo in its first letters),
//! the chunks holding its terms' postings, its filters, and then, only while the first results
//! cannot yet be told apart from posts further down a common term's tail, the next tier of that
//! tail. [`search`] then lists every post that matches, best first, with how far it is sure.

use super::filter::{folded, Filter};
use super::query::{matches, Clause, Match};
use crate::model::{
    chunk_file, filter_file, is_reversible, keys_file, path_of, reversed, reversed_path,
    shard_file, tail_file, tail_tiers, top_key, Chunk, Docs, KeyList, Posting, SearchEntry, Shard,
    Taxonomy, Term, WEIGHT_SCALE,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// Terms other than exact matches that a typed word may expand to (prefix and typo matches), the
/// ones in most posts first: a search for `s` fetches the postings of a few words, not hundreds.
pub const MAX_EXPANSIONS: usize = 12;

/// A file of the index a search needs next.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    /// The key list below a key ([`top_key`]).
    List(String),
    Shard(String),
    /// Chunk `n` of the shard `key`.
    Chunk(String, u32),
    /// Tier `tier` (from 1) of pack `pack` of the shard `key`: tails of its terms.
    Tail(String, u32, u32),
    /// The posts of a tag or category, by its folded term.
    Filter(Taxonomy, String),
}

impl Need {
    /// The file, relative to the data folder: named by the hash the file leading to it gives
    /// (the entry, a key list, a shard), so only files of the entry's build are read. `None` when
    /// that file does not name it (a search asks only for files it found named).
    pub fn file(&self, entry: &SearchEntry, loaded: &Loaded) -> Option<String> {
        let dir = &entry.dir;
        Some(match self {
            Need::List(key) => keys_file(dir, key, entry.deep.get(key)?),
            Need::Shard(key) => shard_file(dir, key, entry.shard_hash(key, &loaded.lists)?),
            Need::Chunk(key, n) => {
                let shard = loaded.shards.get(key)?;
                chunk_file(dir, key, shard.chunks.get(*n as usize)?)
            }
            Need::Tail(key, pack, tier) => {
                let shard = loaded.shards.get(key)?;
                let hashes = shard.tails.get(*pack as usize)?;
                tail_file(dir, key, hashes.get(tier.checked_sub(1)? as usize)?, *tier)
            }
            Need::Filter(taxonomy, term) => {
                filter_file(dir, *taxonomy, term, entry.filter_hash(*taxonomy, term)?)
            }
        })
    }
}

/// The index files a search has in memory.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub dir: String,
    pub lists: HashMap<String, Arc<KeyList>>,
    pub shards: HashMap<String, Arc<Shard>>,
    /// By shard key and number.
    pub chunks: HashMap<(String, u32), Arc<Chunk>>,
    /// By shard key, pack and tier.
    pub tails: HashMap<(String, u32, u32), Arc<Chunk>>,
    pub filters: HashMap<(Taxonomy, String), Arc<Docs>>,
}

/// A loaded file, to keep in [`Loaded`].
#[derive(Clone)]
pub enum File {
    List(Arc<KeyList>),
    Shard(Arc<Shard>),
    Chunk(Arc<Chunk>),
    Tail(Arc<Chunk>),
    Filter(Arc<Docs>),
}

impl File {
    /// Whether the file `need` names is binary ([`crate::model::decode_index`]); the others
    /// (key lists, filters) are JSON.
    pub fn is_binary(need: &Need) -> bool {
        matches!(need, Need::Shard(_) | Need::Chunk(..) | Need::Tail(..))
    }

    /// A shard, chunk or tail, read from its file's bytes.
    pub fn from_bytes(need: &Need, bytes: &[u8]) -> Result<File, String> {
        use crate::model::decode_index;
        Ok(match need {
            Need::Shard(_) => File::Shard(Arc::new(decode_index(bytes)?)),
            Need::Chunk(..) => File::Chunk(Arc::new(decode_index(bytes)?)),
            Need::Tail(..) => File::Tail(Arc::new(decode_index(bytes)?)),
            Need::List(_) | Need::Filter(..) => return Err("a JSON file of the index".into()),
        })
    }

    /// The file `need` names, read from its bytes as stored (for callers that read the files
    /// themselves: the tests, the benchmarks; the search worker has the browser parse JSON, so
    /// this is not linked into it).
    pub fn read(need: &Need, bytes: &[u8]) -> Result<File, String> {
        fn parsed<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<Arc<T>, String> {
            serde_json::from_slice(json)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        }
        Ok(match need {
            Need::List(_) => File::List(parsed(bytes)?),
            Need::Filter(..) => File::Filter(parsed(bytes)?),
            _ => File::from_bytes(need, bytes)?,
        })
    }
}

impl Loaded {
    /// Keeps a file the search needed; a file of another kind than `need` names is ignored.
    pub fn insert(&mut self, need: Need, file: File) {
        match (need, file) {
            (Need::List(key), File::List(list)) => drop(self.lists.insert(key, list)),
            (Need::Shard(key), File::Shard(shard)) => drop(self.shards.insert(key, shard)),
            (Need::Chunk(key, n), File::Chunk(chunk)) => drop(self.chunks.insert((key, n), chunk)),
            (Need::Tail(key, pack, tier), File::Tail(tail)) => {
                drop(self.tails.insert((key, pack, tier), tail))
            }
            (Need::Filter(taxonomy, term), File::Filter(docs)) => {
                drop(self.filters.insert((taxonomy, term), docs))
            }
            _ => {}
        }
    }

    /// Whether `need` is loaded.
    fn has(&self, need: &Need) -> bool {
        match need {
            Need::List(key) => self.lists.contains_key(key),
            Need::Shard(key) => self.shards.contains_key(key),
            Need::Chunk(key, n) => self.chunks.contains_key(&(key.clone(), *n)),
            Need::Tail(key, pack, tier) => self.tails.contains_key(&(key.clone(), *pack, *tier)),
            Need::Filter(taxonomy, term) => self.filters.contains_key(&(*taxonomy, term.clone())),
        }
    }

    /// The loaded shards along a path of keys.
    fn along<'a>(&'a self, keys: Vec<String>) -> impl Iterator<Item = (String, &'a Shard)> + 'a {
        keys.into_iter()
            .filter_map(|key| Some((key.clone(), self.shards.get(&key)?.as_ref())))
    }

    /// The first tier of `name`'s postings, if its shard (and chunk) are loaded.
    pub(crate) fn term(&self, name: &str) -> Option<&Term> {
        for (key, shard) in self.along(path_of(name)) {
            if let Some(term) = shard.terms.get(name) {
                return Some(term);
            }
            if let Some((_, n)) = shard.refs.get(name) {
                return self.chunks.get(&(key, *n))?.terms.get(name);
            }
        }
        None
    }

    /// The chunk holding `name`'s postings, when they are not inline: `(key, number)`.
    fn chunk_of(&self, name: &str) -> Option<(String, u32)> {
        self.along(path_of(name)).find_map(|(key, shard)| {
            let (_, n) = shard.refs.get(name)?;
            Some((key, *n))
        })
    }

    /// The shard of `name` and the number of its tails' pack, when it has tails.
    fn pack_of(&self, name: &str) -> Option<(String, u32)> {
        self.along(path_of(name)).find_map(|(key, shard)| {
            let pack = shard.packs.get(name)?;
            Some((key, *pack))
        })
    }

    /// The file with tier `tier` of `name`'s tails, once its shard is loaded.
    fn tail_need(&self, name: &str, tier: u32) -> Option<Need> {
        let (key, pack) = self.pack_of(name)?;
        Some(Need::Tail(key, pack, tier))
    }

    /// `name`'s postings as far as they are loaded (its first tier, then its tails in order), and
    /// whether that is all of them.
    fn postings(&self, name: &str) -> Option<(Vec<&Posting>, Reach)> {
        let first = self.term(name)?;
        let mut postings: Vec<&Posting> = first.postings.iter().collect();
        let mut floor = first.postings.iter().map(|p| p.1).min().unwrap_or(0);
        let tiers = tail_tiers(first.df);
        let pack = self.pack_of(name);
        for tier in 1..=tiers {
            let tail = pack.as_ref().and_then(|(key, pack)| {
                self.tails.get(&(key.clone(), *pack, tier))?.terms.get(name)
            });
            match tail {
                Some(tail) => {
                    postings.extend(tail.postings.iter());
                    floor = tail.postings.iter().map(|p| p.1).min().unwrap_or(0);
                }
                None => {
                    let reach = Reach::Partial { floor, next: tier };
                    return Some((postings, reach));
                }
            }
        }
        Some((postings, Reach::Whole))
    }
}

/// How much of a term's postings is loaded.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reach {
    Whole,
    /// Tiers before `next` are loaded; posts not among them weigh at most `floor`.
    Partial {
        floor: u32,
        next: u32,
    },
}

/// Every term of a query, in words (as typed), phrases and exclusions.
fn terms_of(clauses: &[Clause]) -> impl Iterator<Item = &str> {
    clauses.iter().flat_map(|clause| match clause {
        Clause::Word { term, .. } => vec![term.as_str()],
        Clause::Phrase(terms) | Clause::Excluded(terms) => {
            terms.iter().map(String::as_str).collect()
        }
    })
}

/// What a search does next: fetch a round of files (together), or answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Fetch(Vec<Need>),
    /// What is loaded answers the query: its results (the search is not run again).
    Done(Found),
}

impl Step {
    /// The files to fetch; none when the search is done.
    pub fn round(&self) -> &[Need] {
        match self {
            Step::Fetch(round) => round,
            Step::Done(_) => &[],
        }
    }
}

/// The files a search must load next to answer `wanted` results, in one round (fetched
/// together), or its results when what is loaded answers it. Call again once they are loaded;
/// [`load_with`] and [`load_now`] do.
pub fn needs(
    entry: &SearchEntry,
    clauses: &[Clause],
    filters: &[Filter],
    loaded: &Loaded,
    wanted: usize,
) -> Step {
    match next_round(entry, clauses, filters, loaded) {
        Some(round) => Step::Fetch(round),
        None => {
            // 5. The next tier of each term still cut short, while the best `wanted` are not sure.
            let found = search(clauses, filters, loaded);
            if found.hits.len() >= wanted || found.whole || found.next.is_empty() {
                Step::Done(found)
            } else {
                Step::Fetch(found.next)
            }
        }
    }
}

/// The engine's loop, for a caller that fetches asynchronously: `fetch` loads one round's files
/// (all of them together, as it can) into `loaded`, which keeps them for the next query. Returns
/// what the search found for its first `wanted` results.
pub async fn load_with<E, F, Fut>(
    entry: &SearchEntry,
    clauses: &[Clause],
    filters: &[Filter],
    wanted: usize,
    loaded: &mut Loaded,
    mut fetch: F,
) -> Result<Found, E>
where
    F: FnMut(Vec<Need>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<(Need, File)>, E>>,
{
    loop {
        match needs(entry, clauses, filters, loaded, wanted) {
            Step::Done(found) => return Ok(found),
            Step::Fetch(round) => {
                for (need, file) in fetch(round).await? {
                    loaded.insert(need, file);
                }
            }
        }
    }
}

/// [`load_with`] for a caller that has the files at hand (the builder's tests, the benchmarks):
/// `fetch` loads one round's files at once.
pub fn load_now<E>(
    entry: &SearchEntry,
    clauses: &[Clause],
    filters: &[Filter],
    wanted: usize,
    loaded: &mut Loaded,
    mut fetch: impl FnMut(Vec<Need>) -> Result<Vec<(Need, File)>, E>,
) -> Result<Found, E> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let run = load_with(entry, clauses, filters, wanted, loaded, |round| {
        std::future::ready(fetch(round))
    });
    let mut run = std::pin::pin!(run);
    // Every future it awaits is ready: one poll runs it to the end.
    match run.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(found) => found,
        Poll::Pending => unreachable!("a search over files at hand never waits"),
    }
}

/// The files of steps 1 to 4 of [`needs`] still missing; `None` when all are loaded.
fn next_round(
    entry: &SearchEntry,
    clauses: &[Clause],
    filters: &[Filter],
    loaded: &Loaded,
) -> Option<Vec<Need>> {
    let typed: Vec<&str> = terms_of(clauses).collect();
    // 1. The paths of the words as typed.
    let paths: Vec<Vec<String>> = typed.iter().map(|term| path_of(term)).collect();
    if let Some(round) = missing_along(entry, &paths, loaded) {
        return Some(round);
    }
    // 2. Long words not in the index as typed: the reversed tree, then the paths of the words
    // it finds.
    let unknown: Vec<&str> = clauses
        .iter()
        .filter_map(|clause| match clause {
            Clause::Word { term, prefix }
                if is_reversible(term) && !known(term, *prefix, loaded) =>
            {
                Some(term.as_str())
            }
            _ => None,
        })
        .collect();
    let back: Vec<Vec<String>> = unknown.iter().map(|term| reversed_path(term)).collect();
    if let Some(round) = missing_along(entry, &back, loaded) {
        return Some(round);
    }
    let found: Vec<Vec<String>> = unknown
        .iter()
        .flat_map(|term| reversed_candidates(term, loaded))
        .map(|(name, _, _)| path_of(&name))
        .collect();
    if let Some(round) = missing_along(entry, &found, loaded) {
        return Some(round);
    }
    // 3. The chunks of every term the query uses, and its filters.
    let mut round: BTreeSet<Need> = clauses
        .iter()
        .flat_map(|clause| clause_terms(clause, loaded))
        .filter_map(|name| loaded.chunk_of(&name))
        .map(|(key, n)| Need::Chunk(key, n))
        .chain(
            // A filter the entry does not name carries no post: nothing to fetch.
            filters
                .iter()
                .map(|f| (f.taxonomy, folded(&f.term)))
                .filter(|(taxonomy, term)| entry.filter_hash(*taxonomy, term).is_some())
                .map(|(taxonomy, term)| Need::Filter(taxonomy, term)),
        )
        .filter(|need| !loaded.has(need))
        .collect();
    if !round.is_empty() {
        return Some(round.into_iter().collect());
    }
    // 4. Exclusions are exact: every post with an excluded term is known.
    for clause in clauses {
        if let Clause::Excluded(terms) = clause {
            for term in terms {
                if let Some(first) = loaded.term(term) {
                    round.extend(
                        (1..=tail_tiers(first.df))
                            .filter_map(|tier| loaded.tail_need(term, tier))
                            .filter(|need| !loaded.has(need)),
                    );
                }
            }
        }
    }
    (!round.is_empty()).then(|| round.into_iter().collect())
}

/// The key lists and the shards missing along `paths` of keys (those the entry and the loaded key
/// lists know); `None` when all are loaded. The shards the entry names (`""`, `r`) are fetched
/// with the key lists, not after them: a word whose path the list extends by no key is then
/// found in one round, not two, and one whose path goes deeper waits for fewer files in its
/// second.
fn missing_along(entry: &SearchEntry, paths: &[Vec<String>], loaded: &Loaded) -> Option<Vec<Need>> {
    let mut round: BTreeSet<Need> = paths
        .iter()
        .filter_map(|path| path.last().and_then(|key| top_key(key)))
        .filter(|key| entry.deep.contains_key(key))
        .map(Need::List)
        .filter(|need| !loaded.has(need))
        .collect();
    let known = |key: &String| entry.shard_hash(key, &loaded.lists).is_some();
    round.extend(
        paths
            .iter()
            .flatten()
            .filter(|key| known(key))
            .map(|key| Need::Shard(key.clone()))
            .filter(|need| !loaded.has(need)),
    );
    (!round.is_empty()).then(|| round.into_iter().collect())
}

/// Terms of the reversed tree's loaded shards within a typo of `typed`: `(term, match, posts)`.
fn reversed_candidates(typed: &str, loaded: &Loaded) -> Vec<(String, Match, u32)> {
    if !is_reversible(typed) {
        return Vec::new();
    }
    let back = reversed(typed);
    loaded
        .along(reversed_path(typed))
        .flat_map(|(_, shard)| shard.terms.iter())
        .filter_map(|(name, term)| {
            let kind = matches(&back, name, false)?;
            Some((reversed(name), kind, term.df))
        })
        .collect()
}

/// Terms along a typed word's path that it matches: `(term, match, posts)`.
fn forward_candidates(typed: &str, prefix: bool, loaded: &Loaded) -> Vec<(String, Match, u32)> {
    let mut found = Vec::new();
    for (_, shard) in loaded.along(path_of(typed)) {
        let with_df = shard
            .terms
            .iter()
            .map(|(name, term)| (name, term.df))
            .chain(shard.refs.iter().map(|(name, (df, _))| (name, *df)));
        found.extend(
            with_df
                .filter_map(|(name, df)| Some((name.clone(), matches(typed, name, prefix)?, df))),
        );
    }
    found
}

/// Whether a typed word is in the index as typed, or begins a word of it while it is being
/// typed: then a typo in its first letters is not looked for.
fn known(typed: &str, prefix: bool, loaded: &Loaded) -> bool {
    known_among(&forward_candidates(typed, prefix, loaded))
}

/// Whether forward candidates of a typed word hold it as typed (or a word it begins).
fn known_among(forward: &[(String, Match, u32)]) -> bool {
    forward
        .iter()
        .any(|f| matches!(f.1, Match::Exact | Match::Prefix))
}

/// Terms of the index a typed word matches: along its path, and in the reversed tree when the
/// word is not [`known`] (a typo in the first letters); exact first, then at most [`MAX_EXPANSIONS`] others,
/// better matches first and, among equals, those in more posts.
pub(crate) fn candidates(typed: &str, prefix: bool, loaded: &Loaded) -> Vec<(String, Match)> {
    let mut found = forward_candidates(typed, prefix, loaded);
    // The reversed tree only for a word the index does not have as typed (as [`needs`] fetches
    // it), so the answer does not depend on what else happens to be loaded.
    let mut seen: HashSet<String> = found.iter().map(|f| f.0.clone()).collect();
    let back = if known_among(&found) {
        Vec::new()
    } else {
        reversed_candidates(typed, loaded)
    };
    for candidate in back {
        if seen.insert(candidate.0.clone()) {
            found.push(candidate);
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let exact = found.iter().filter(|f| f.1 == Match::Exact).count();
    found.truncate(exact + MAX_EXPANSIONS);
    found
        .into_iter()
        .map(|(name, kind, _)| (name, kind))
        .collect()
}

/// The terms a clause needs postings for.
fn clause_terms(clause: &Clause, loaded: &Loaded) -> Vec<String> {
    match clause {
        Clause::Word { term, prefix } => candidates(term, *prefix, loaded)
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
        Clause::Phrase(terms) | Clause::Excluded(terms) => terms.clone(),
    }
}

/// What is indexed of a post: its fields, in the order they weigh (a word in the title counts
/// most, then in a tag, a category, a heading; the body least: [`crate::search::query::TITLE_BOOST`]
/// and the others).
#[derive(Default)]
pub struct Document<'a> {
    pub title: &'a str,
    pub tags: &'a [String],
    pub categories: &'a [String],
    /// The headings' text (also part of the body).
    pub headings: &'a [String],
    pub body: &'a str,
}

/// A post found, with its score and the terms of the index that matched (to highlight).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
    pub matched: Vec<String>,
}

/// What a search found in the files loaded so far (sent by the search worker without `next`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Found {
    /// The posts known to match and known to rank at least as high as any post not yet known,
    /// best first (ties in post order: newest first).
    pub hits: Vec<Hit>,
    /// Whether `hits` is every post that matches (the search worker sends only the first
    /// `wanted` hits, and then says `false`).
    pub whole: bool,
    /// How many posts match, when that is known.
    pub total: Option<usize>,
    /// How many posts match at least, when not all are known: those listed, or the number of
    /// posts of the commonest term a one-word query matched.
    pub at_least: usize,
    /// The tail files that would tell more, when `hits` is not whole.
    #[serde(skip)]
    pub next: Vec<Need>,
}

/// A clause's posts as far as they are known: the score of each, the terms that matched, and
/// the most a post not among them could score (`None` when none can: the clause is whole).
struct Known {
    scores: HashMap<u32, (f32, Vec<String>)>,
    beyond: Option<f32>,
    next: Vec<Need>,
}

/// Runs a parsed query over the loaded index files (see [`needs`]): posts must match every word
/// and phrase, carry every filter and have no exclusion.
pub fn search(clauses: &[Clause], filters: &[Filter], loaded: &Loaded) -> Found {
    let mut known: Vec<Known> = Vec::new();
    let mut excluded: HashSet<u32> = HashSet::new();
    // The terms each word matched, worked out once.
    let mut expanded: Vec<Vec<(String, Match)>> = Vec::new();
    for clause in clauses {
        match clause {
            Clause::Word { term, prefix } => {
                let terms = candidates(term, *prefix, loaded);
                known.push(word_matches(&terms, loaded));
                expanded.push(terms);
            }
            Clause::Phrase(terms) => known.push(phrase_matches(terms, loaded)),
            Clause::Excluded(terms) => {
                excluded.extend(phrase_matches(terms, loaded).scores.into_keys())
            }
        }
    }
    // The posts every filter lets through, when there are filters.
    let allowed = filters.iter().fold(None::<HashSet<u32>>, |so_far, f| {
        let docs = loaded.filters.get(&(f.taxonomy, folded(&f.term)));
        let these = docs
            .map(|d| d.0.iter().copied().collect())
            .unwrap_or_default();
        Some(match so_far {
            None => these,
            Some(before) => before.intersection(&these).copied().collect(),
        })
    });
    let allowed = allowed.map(|set| &set - &excluded);
    let mut found = rank(known, &excluded, allowed.as_ref());
    // One term, typed or quoted: its count is in its shard, known before its posts are all
    // loaded. One word that expands to several terms: at least as many posts as the commonest.
    let df = |name: &str| loaded.term(name).map(|t| t.df as usize);
    match (clauses, filters, expanded.as_slice()) {
        ([Clause::Word { .. }], [], [terms]) => match terms.as_slice() {
            [(name, _)] => found.total = found.total.or(df(name)),
            terms => {
                let most = terms.iter().filter_map(|(name, _)| df(name)).max();
                found.at_least = found.at_least.max(most.unwrap_or(0));
            }
        },
        ([Clause::Phrase(terms)], [], _) if terms.len() == 1 => {
            found.total = found.total.or(df(&terms[0]));
        }
        _ => {}
    }
    found
}

/// Combines the clauses' known posts: a post known in every clause is sure; one known in some
/// could still match, up to a bound; posts known in none, up to the sum of every bound. Posts
/// `excluded` never match, and only those `allowed` (by the filters, when there are any) do.
fn rank(known: Vec<Known>, excluded: &HashSet<u32>, allowed: Option<&HashSet<u32>>) -> Found {
    if known.is_empty() {
        return Found {
            whole: true,
            total: Some(0),
            ..Found::default()
        };
    }
    let keep = |doc: &u32| !excluded.contains(doc) && allowed.is_none_or(|a| a.contains(doc));
    let seen: BTreeSet<u32> = known
        .iter()
        .flat_map(|k| k.scores.keys().copied())
        .collect();
    // The most any post not yet sure could score: first those known in no clause, if any may be
    // left (with filters, only their posts may).
    let unseen_left = allowed.is_none_or(|a| a.iter().any(|doc| !seen.contains(doc)));
    let mut unsure = known
        .iter()
        .map(|k| k.beyond)
        .sum::<Option<f32>>()
        .filter(|_| unseen_left)
        .unwrap_or(f32::NEG_INFINITY);
    let mut sure: Vec<Hit> = Vec::new();
    for doc in seen.into_iter().filter(|doc| keep(doc)) {
        let mut score = 0.0;
        let mut bound = 0.0;
        let mut matched = Vec::new();
        let mut possible = true;
        let mut everywhere = true;
        for clause in &known {
            match (clause.scores.get(&doc), clause.beyond) {
                (Some((s, terms)), _) => {
                    score += s;
                    matched.extend(terms.iter().cloned());
                }
                (None, Some(b)) => {
                    bound += b;
                    everywhere = false;
                }
                (None, None) => possible = false,
            }
        }
        if !possible {
            continue;
        }
        if everywhere {
            sure.push(Hit {
                doc,
                score,
                matched,
            });
        } else {
            unsure = unsure.max(score + bound);
        }
    }
    sure.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    // Nothing left to find: every post that may match is sure.
    let whole = unsure == f32::NEG_INFINITY;
    let total = whole.then_some(sure.len());
    if !whole {
        // Only those that rank at least as high as any post still unsure. A post of the same
        // score found later may then come before one already listed: for one term it cannot,
        // as each tier ends with the posts of its lowest weight in post order; and a word in
        // almost every post weighs the same in most of them, so a strict bound would fetch all.
        sure.retain(|hit| hit.score >= unsure);
    }
    let mut next: Vec<Need> = known.into_iter().flat_map(|k| k.next).collect();
    next.sort();
    next.dedup();
    Found {
        at_least: sure.len(),
        hits: sure,
        whole,
        total,
        next,
    }
}

/// Posts with one of a word's `terms` (its [`candidates`]): for each post the best match,
/// weighted by its kind.
fn word_matches(terms: &[(String, Match)], loaded: &Loaded) -> Known {
    let mut scores: HashMap<u32, (f32, Vec<String>)> = HashMap::new();
    let mut beyond: Option<f32> = None;
    let mut next = Vec::new();
    for (name, kind) in terms {
        let kind = *kind;
        let Some((postings, reach)) = loaded.postings(name) else {
            continue;
        };
        for Posting(doc, weight, _) in postings {
            let score = kind.score(*weight as f32 / WEIGHT_SCALE);
            let entry = scores.entry(*doc).or_insert((0.0, Vec::new()));
            entry.0 = entry.0.max(score);
            entry.1.push(name.clone());
        }
        if let Reach::Partial { floor, next: tier } = reach {
            let most = kind.score(floor as f32 / WEIGHT_SCALE);
            beyond = Some(beyond.unwrap_or(0.0).max(most));
            next.extend(loaded.tail_need(name, tier));
        }
    }
    Known {
        scores,
        beyond,
        next,
    }
}

/// Posts where `terms` stand side by side, exactly.
fn phrase_matches(terms: &[String], loaded: &Loaded) -> Known {
    let mut lists = Vec::with_capacity(terms.len());
    for term in terms {
        match loaded.postings(term) {
            Some(list) => lists.push(list),
            None => {
                return Known {
                    scores: HashMap::new(),
                    beyond: None,
                    next: Vec::new(),
                }
            }
        }
    }
    // A post missing from a term cut short may still have it: it could score up to every
    // term's most.
    let mut beyond = None;
    let mut next = Vec::new();
    let mut most = 0.0;
    for (term, (postings, reach)) in terms.iter().zip(&lists) {
        match reach {
            Reach::Partial { floor, next: tier } => {
                beyond = Some(());
                most += *floor as f32;
                next.extend(loaded.tail_need(term, *tier));
            }
            Reach::Whole => most += postings.iter().map(|p| p.1).max().unwrap_or(0) as f32,
        }
    }
    let by_doc: Vec<HashMap<u32, &Posting>> = lists
        .iter()
        .map(|(postings, _)| postings.iter().map(|p| (p.0, *p)).collect())
        .collect();
    let mut scores = HashMap::new();
    let Some((first, rest)) = by_doc.split_first() else {
        return Known {
            scores,
            beyond: None,
            next,
        };
    };
    'posts: for (doc, Posting(_, weight, positions)) in first {
        let mut score = *weight as f32;
        let mut others = Vec::with_capacity(rest.len());
        for list in rest {
            match list.get(doc) {
                Some(p) => {
                    score += p.1 as f32;
                    others.push(&p.2);
                }
                None => continue 'posts,
            }
        }
        let side_by_side = positions.iter().any(|start| {
            others
                .iter()
                .enumerate()
                .all(|(i, list)| list.contains(&(start + i as u32 + 1)))
        });
        if side_by_side {
            scores.insert(
                *doc,
                (Match::Exact.score(score / WEIGHT_SCALE), terms.to_vec()),
            );
        }
    }
    Known {
        scores,
        beyond: beyond.map(|()| Match::Exact.score(most / WEIGHT_SCALE)),
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::super::query::parse;
    use super::*;

    #[test]
    fn a_query_needs_only_the_shards_along_its_terms_paths() {
        let hashed = |keys: &[&str]| -> crate::model::Hashes {
            keys.iter()
                .map(|k| (k.to_string(), format!("h{k}")))
                .collect()
        };
        let entry = SearchEntry {
            format_version: crate::model::FORMAT_VERSION,
            docs: 0,
            dir: "t".into(),
            keys: hashed(&["", "b", "m", "n", "r", "x", "~09"]),
            deep: hashed(&["b", "m", "n", "r"]),
            filters: Default::default(),
            files: String::new(),
        };
        let all = [
            "", "b", "bu", "m", "ma", "mar", "n", "ni", "r", "ri", "x", "~09",
        ];
        let (top, lists) = SearchEntry::split_keys(hashed(&all));
        assert_eq!(top, entry.keys);
        assert_eq!(
            lists.keys().collect::<Vec<_>>(),
            entry.deep.keys().collect::<Vec<_>>()
        );
        let query = parse("river \"night market\" -bus");
        let mut loaded = Loaded::default();
        // The key lists below the entry's keys, and the shards the entry names, together.
        let first = needs(&entry, &query, &[], &loaded, 20).round().to_vec();
        let lists_needed = ["b", "m", "n", "r"].map(|k| Need::List(k.into()));
        let top = ["", "b", "m", "n", "r"].map(|k| Need::Shard(k.into()));
        assert_eq!(first, [&lists_needed[..], &top[..]].concat());
        for need in lists_needed {
            let Need::List(key) = &need else { panic!() };
            loaded.insert(need.clone(), File::List(Arc::new(lists[key].clone())));
        }
        // Then the shards the lists name.
        let shards = needs(&entry, &query, &[], &loaded, 20).round().to_vec();
        assert_eq!(
            shards,
            ["", "b", "bu", "m", "ma", "mar", "n", "ni", "r", "ri"].map(|k| Need::Shard(k.into()))
        );
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
        shard.chunks.push("c0".into());
        let mut loaded = Loaded {
            dir: "t".into(),
            ..Loaded::default()
        };
        loaded.shards.insert(String::new(), Arc::new(shard));
        let entry = SearchEntry {
            format_version: crate::model::FORMAT_VERSION,
            docs: 2,
            dir: "t".into(),
            keys: [(String::new(), "s0".to_string())].into(),
            deep: Default::default(),
            filters: Default::default(),
            files: String::new(),
        };
        let river = needs(&entry, &parse("river "), &[], &loaded, 20)
            .round()
            .to_vec();
        assert_eq!(river, [Need::Chunk(String::new(), 0)]);
        assert_eq!(river[0].file(&entry, &loaded).unwrap(), "t/_.c.c0.bin");
        assert!(matches!(
            needs(&entry, &parse("ferry "), &[], &loaded, 20),
            Step::Done(found) if found.hits.len() == 1
        ));
        assert!(
            search(&parse("river "), &[], &loaded).hits.is_empty(),
            "not loaded yet"
        );
        loaded.insert(river[0].clone(), File::Chunk(Arc::new(chunk)));
        let docs = |query: &str| -> Vec<u32> {
            search(&parse(query), &[], &loaded)
                .hits
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
