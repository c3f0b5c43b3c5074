//! Ranking on a blog of our own (`tests/fixtures/ranking/`, 30 posts), built by the builder and
//! searched with the app's own engine over the files it wrote, as the app fetches them. Each case
//! reproduces something readers meet on real blogs: a longer word said often in a release note
//! (`securityOptions`) must not outrank "security" in titles while the word is being typed; a word
//! typed whole ranks exact above prefix above typo; a title weighs more than tags, tags than
//! categories, categories than headings, headings than the body; among equal scores the most
//! recent post comes first.

mod common;

use common::{build_to, fixture};
use fieldnotes::model::{AllPosts, Manifest, SearchEntry, MANIFEST_FILE};
use fieldnotes::search::filter::split;
use fieldnotes::search::index::{load_now, File, Found, Loaded, Need};
use fieldnotes::search::query::parse;
use std::path::Path;

/// Each query as a reader types it and the slugs expected first, in order. The app reads a query
/// as [`top`] does: the last word may still be being typed, so it also matches longer words.
const CASES: &[(&str, &[&str])] = &[
    // The word in titles (and one body) above a release note full of `securityOptions`.
    (
        "security",
        &[
            "a-note-on-security",
            "security-at-the-border",
            "packing-list",
        ],
    ),
    // A title above the body; more mentions above one.
    (
        "ferry",
        &["the-night-ferry", "waiting-at-the-pier", "river-towns"],
    ),
    // A typo finds the same posts in the same order.
    (
        "ferrry",
        &["the-night-ferry", "waiting-at-the-pier", "river-towns"],
    ),
    // Exact above a typo said six times ("marker").
    (
        "market",
        &["the-night-market", "buying-rice", "marker-pens"],
    ),
    // Exact, once in a body, above a prefix in a title ("Boats everywhere").
    ("boat", &["a-small-boat", "boats-everywhere"]),
    // A tag above the body.
    ("recipes", &["fish-amok", "a-cooking-class"]),
    // A category above the body.
    ("letters", &["postcard-home", "the-post-office"]),
    // A heading above the body.
    ("monsoon", &["week-of-rain", "dry-season-notes"]),
    // Equal posts: the newer first.
    ("lanterns", &["paper-lanterns-2025", "paper-lanterns-2024"]),
    // Two words: posts with both, the title's first.
    ("night ferry", &["the-night-ferry"]),
];

/// The slugs a query lists first, at most `n`, with the engine as the app runs it (set
/// `RANKING_DEBUG` to see each hit's score and the terms it matched).
fn top(data: &Path, entry: &SearchEntry, slugs: &[String], query: &str, n: usize) -> Vec<String> {
    let (words, filters) = split(query);
    let clauses = parse(&words);
    let mut loaded = Loaded {
        dir: entry.dir.clone(),
        ..Loaded::default()
    };
    // Each file is named in one loaded before it (a copy: the engine holds `loaded`).
    let mut named = Loaded::default();
    let fetch = |round: Vec<Need>| {
        let files: Vec<(Need, File)> = round
            .into_iter()
            .map(|need| {
                let path = need.file(entry, &named).expect("named");
                let bytes = std::fs::read(data.join(path)).unwrap();
                let file = File::read(&need, &bytes).unwrap();
                named.insert(need.clone(), file.clone());
                (need, file)
            })
            .collect();
        Ok::<_, std::convert::Infallible>(files)
    };
    let Ok(found): Result<Found, _> = load_now(entry, &clauses, &filters, n, &mut loaded, fetch);
    found
        .hits
        .iter()
        .take(n)
        .map(|hit| {
            if std::env::var("RANKING_DEBUG").is_ok() {
                eprintln!(
                    "{} {} {:?}",
                    slugs[hit.doc as usize], hit.score, hit.matched
                );
            }
            slugs[hit.doc as usize].clone()
        })
        .collect()
}

#[test]
fn searches_rank_as_readers_expect() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let summary = build_to(&fixture("ranking"), &data).unwrap();
    assert_eq!(summary.posts, 30);
    let read = |file: &str| std::fs::read(data.join(file)).unwrap();
    let manifest: Manifest = serde_json::from_slice(&read(MANIFEST_FILE)).unwrap();
    let entry: SearchEntry =
        serde_json::from_slice(&read(manifest.search_file.as_ref().unwrap())).unwrap();
    // Posts are numbered in the index as in the list of all posts: newest first.
    let all: AllPosts = serde_json::from_slice(&read(&manifest.all_posts)).unwrap();
    let slugs: Vec<String> = all.posts.iter().map(|p| p.slug.clone()).collect();
    let mut wrong = Vec::new();
    for (query, expected) in CASES {
        let got = top(&data, &entry, &slugs, query, expected.len());
        if got != *expected {
            let more = top(&data, &entry, &slugs, query, 8);
            wrong.push(format!(
                "{query:?}: expected {expected:?}, got {got:?} (first 8: {more:?})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
