//! The data files, corrupted: every reader of the model turns random bytes, and the files of a
//! real build with bytes flipped, cut or spliced, into a value or an error, never a panic, and
//! never an allocation sized by a number in the file.

use super::strategies::{mutate, mutations};
use fieldnotes::builder::{self, BuildOptions};
use fieldnotes::model::*;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Reads `bytes` as a `T`; whether it succeeded.
fn read<T: DeserializeOwned>(bytes: &[u8]) -> bool {
    serde_json::from_slice::<T>(bytes).is_ok()
}

/// Reads `bytes` as a binary file of the search index holding a `T`; whether it succeeded.
fn read_binary<T: DeserializeOwned>(bytes: &[u8]) -> bool {
    decode_index::<T>(bytes).is_ok()
}

/// Every file type of the data folder, and the app's own stored state.
fn read_all(bytes: &[u8]) -> usize {
    [
        read::<Manifest>(bytes),
        read::<Post>(bytes),
        read::<PostSummary>(bytes),
        read::<AllPosts>(bytes),
        read::<ListPage>(bytes),
        read::<SlugShard>(bytes),
        read::<ListDir>(bytes),
        read::<TermIndex>(bytes),
        read::<ArchiveIndex>(bytes),
        read::<ArchiveYear>(bytes),
        read::<DocBlock>(bytes),
        read::<CommentThread>(bytes),
        read::<Page>(bytes),
        read::<SearchEntry>(bytes),
        read::<KeyList>(bytes),
        read::<Shard>(bytes),
        read::<Chunk>(bytes),
        read::<Term>(bytes),
        read::<Docs>(bytes),
        read::<IndexFiles>(bytes),
        read_binary::<Shard>(bytes),
        read_binary::<Chunk>(bytes),
        read_binary::<Term>(bytes),
        read::<fieldnotes::model::outgoing::Outgoing>(bytes),
    ]
    .into_iter()
    .filter(|ok| *ok)
    .count()
}

/// The JSON and binary files of the fixture site, built once for all cases.
fn built_files() -> &'static [(PathBuf, Vec<u8>)] {
    static FILES: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        builder::build(&BuildOptions {
            content,
            out: out.path().join("data"),
            today: Some("2026-01-01".into()),
            ..BuildOptions::default()
        })
        .unwrap();
        let mut files = Vec::new();
        for entry in walk(&out.path().join("data")) {
            if entry.extension().is_some_and(|e| e == "json" || e == "bin") {
                files.push((entry.clone(), std::fs::read(&entry).unwrap()));
            }
        }
        files.sort();
        assert!(
            files.len() > 10,
            "the fixture site built {} files",
            files.len()
        );
        files
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

proptest! {
    #![proptest_config(super::config(20_000))]

    #[test]
    fn model_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        read_all(&bytes);
    }

    #[test]
    fn model_random_binary_index_files(mut bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Past the end mark, so the bytes reach the binary reader (random varints, lengths that
        // claim more than there is).
        bytes.extend_from_slice(&INDEX_END);
        read_all(&bytes);
    }

    #[test]
    fn model_random_json(numbers in proptest::collection::vec(any::<u32>(), 0..64), nest in 0usize..4) {
        // Lists of numbers are what terms and filters are made of; nested, what others hold.
        let list = serde_json::to_string(&numbers).unwrap();
        let json = format!("{}{list}{}", "[".repeat(nest), "]".repeat(nest));
        read_all(json.as_bytes());
    }

    #[test]
    fn model_mutated_files(index in any::<proptest::sample::Index>(), m in mutations()) {
        let files = built_files();
        let (_, bytes) = &files[index.index(files.len())];
        read_all(&mutate(bytes, &m));
    }
}

#[test]
fn model_every_built_file_is_read_by_some_reader() {
    // Guards the seeds above: were the build's files unreadable, the mutations would test nothing.
    for (path, bytes) in built_files() {
        assert!(read_all(bytes) > 0, "{} is read by no type", path.display());
    }
}

#[test]
fn model_term_claiming_four_billion_positions_is_refused_at_once() {
    // A term whose one posting claims u32::MAX positions, with none given: an error, found before
    // anything is allocated for them (a `Vec::with_capacity` of that count would abort).
    let started = std::time::Instant::now();
    assert!(serde_json::from_str::<Term>("[1, 0, 5, 4294967295]").is_err());
    assert!(serde_json::from_str::<Term>("[1, 0, 5, 4294967295, 1, 2, 3]").is_err());
    assert!(serde_json::from_str::<Shard>(r#"{"terms":{"a":[1,0,5,4294967295]}}"#).is_err());
    assert!(started.elapsed().as_secs() < 1);
}

#[test]
fn model_overflowing_gaps_are_refused() {
    assert!(serde_json::from_str::<Docs>("[4294967295, 1]").is_err());
    assert!(serde_json::from_str::<Docs>("[1, 0]").is_err());
    assert!(serde_json::from_str::<Term>("[2, 4294967295, 1, 0, 1, 1, 0]").is_err());
    assert!(serde_json::from_str::<Term>("[1, 0, 1, 2, 4294967295, 1]").is_err());
}

#[test]
fn model_deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(read_all(deep.as_bytes()), 0);
    let deep = "{\"terms\":".repeat(50_000);
    assert_eq!(read_all(deep.as_bytes()), 0);
}
