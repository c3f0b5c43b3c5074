//! The benchmark corpus generator: deterministic, sized as asked, realistic enough, and every post
//! accepted by the builder.

// The product's test helpers (`snapshot`), shared rather than repeated.
#[path = "../../tests/common/mod.rs"]
mod common;

use common::snapshot;
use fieldnotes::builder::{self, BuildOptions};
use fieldnotes_bench::corpus::{write_corpus, Corpus, CorpusOptions, Script};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

fn write(dir: &Path, posts: usize, seed: u64) -> fieldnotes_bench::corpus::CorpusStats {
    write_corpus(dir, &CorpusOptions { posts, seed }).unwrap()
}

fn has_char_in(text: &str, range: std::ops::RangeInclusive<u32>) -> bool {
    text.chars().any(|c| range.contains(&(c as u32)))
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    let stats = write(&a, 120, 42);
    assert_eq!(write(&b, 120, 42), stats);
    write(&c, 120, 43);
    let (a, b, c) = (snapshot(&a), snapshot(&b), snapshot(&c));
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(a, c, "another seed, other text");
    assert_eq!(
        a.values().map(|v| v.len() as u64).sum::<u64>(),
        stats.bytes,
        "the stats count every byte written"
    );
}

#[test]
fn writes_the_requested_number_of_posts_and_the_site_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let stats = write(tmp.path(), 57, 7);
    assert_eq!(stats.posts, 57);
    let files: Vec<String> = fs::read_dir(tmp.path().join("posts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 57);
    for name in &files {
        let number = &name[..6];
        assert!(number.bytes().all(|b| b.is_ascii_digit()), "{name}");
        assert!(name.ends_with(".md") && name.is_ascii(), "{name}");
    }
    let site = fs::read_to_string(tmp.path().join("site.toml")).unwrap();
    assert!(site.contains("title = \"Benchmark corpus\""));
    assert!(site.contains("base_path = \"/\""));
    // A second run into the same folder is refused rather than mixing two corpora.
    assert!(write_corpus(tmp.path(), &CorpusOptions { posts: 3, seed: 7 }).is_err());
}

#[test]
fn every_post_of_a_300_post_corpus_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let stats = write(&content, 300, 42);
    let opts = BuildOptions {
        content: content.clone(),
        out: tmp.path().join("out"),
        // Warnings (a broken link between posts, say) fail the build too.
        strict: true,
        ..BuildOptions::default()
    };
    let summary = builder::build(&opts)
        .unwrap_or_else(|problems| panic!("the corpus does not build:\n{problems}"));
    assert_eq!(summary.posts, 300);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);

    // Front matter reads back as generated, links point at posts that exist.
    let site = builder::load_site(&opts).unwrap();
    let slugs: HashSet<&str> = site.posts.iter().map(|p| p.summary.slug.as_str()).collect();
    let corpus = Corpus::new(42);
    let mut links = 0;
    for i in 0..300 {
        let generated = corpus.post(i);
        let post = site
            .posts
            .iter()
            .find(|p| p.summary.slug == generated.slug)
            .unwrap();
        assert_eq!(post.summary.title, generated.title);
        assert_eq!(post.summary.date.as_deref(), Some(generated.date.as_str()));
        assert_eq!(post.summary.tags, generated.tags);
        assert_eq!(post.summary.lang, generated.lang.unwrap_or("en"));
        for target in post.html.as_str().split("href=\"/posts/").skip(1) {
            let slug = &target[..target.find('"').unwrap()];
            assert!(
                slugs.contains(slug),
                "{} links to missing {slug}",
                generated.slug
            );
            links += 1;
        }
    }
    assert!(links > 20, "only {links} links between posts");
    assert!(stats.words > 300 * 200);
}

#[test]
fn posts_carry_khmer_thai_and_chinese_and_declare_their_language() {
    let corpus = Corpus::new(42);
    let (mut km, mut th, mut zh) = (0, 0, 0);
    let mut langs = HashSet::new();
    for i in 0..400 {
        let post = corpus.post(i);
        let text = &post.markdown;
        match post.script {
            Some(Script::Khmer) => {
                assert!(has_char_in(text, 0x1780..=0x17FF), "{}", post.slug);
                km += 1;
            }
            Some(Script::Thai) => {
                assert!(has_char_in(text, 0x0E00..=0x0E7F), "{}", post.slug);
                th += 1;
            }
            Some(Script::Chinese) => {
                assert!(has_char_in(text, 0x4E00..=0x9FFF), "{}", post.slug);
                zh += 1;
            }
            None => {
                assert!(!has_char_in(text, 0x0E00..=0x0E7F));
                assert!(!has_char_in(text, 0x1780..=0x17FF));
                assert!(!has_char_in(text, 0x4E00..=0x9FFF));
            }
        }
        if let Some(lang) = post.lang {
            assert!(text.contains(&format!("\nlang: {lang}\n")));
            langs.insert(lang);
        }
    }
    // About 5% each: 20 of 400 expected.
    for (name, n) in [("Khmer", km), ("Thai", th), ("Chinese", zh)] {
        assert!((6..=40).contains(&n), "{n} {name} posts of 400");
    }
    assert_eq!(langs, HashSet::from(["km", "th", "zh"]));
}

#[test]
fn tags_words_and_lengths_look_like_a_real_blog() {
    let corpus = Corpus::new(1);
    let mut tags = HashSet::new();
    let mut tag_uses: BTreeMap<String, usize> = BTreeMap::new();
    let mut lengths = Vec::new();
    let mut word_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut features = [0usize; 5];
    for i in 0..2000 {
        let post = corpus.post(i);
        assert!((1..=5).contains(&post.tags.len()));
        for tag in &post.tags {
            assert!(
                tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{tag}"
            );
            tags.insert(tag.clone());
            *tag_uses.entry(tag.clone()).or_default() += 1;
        }
        lengths.push(post.words);
        let body = &post.markdown;
        for (k, marker) in ["\n## ", "\n- ", "\n> ", "\n```", "\n|---"]
            .iter()
            .enumerate()
        {
            if body.contains(marker) {
                features[k] += 1;
            }
        }
        if i < 200 && post.script.is_none() {
            for w in body.split(|c: char| !c.is_ascii_alphabetic()) {
                if !w.is_empty() {
                    *word_counts.entry(w.to_ascii_lowercase()).or_default() += 1;
                }
            }
        }
    }
    assert!(tags.len() >= 100, "only {} distinct tags", tags.len());
    // Zipf-ish popularity: the favourite tag is used far more than the median one.
    let mut uses: Vec<usize> = tag_uses.values().copied().collect();
    uses.sort_unstable();
    assert!(uses[uses.len() - 1] > 10 * uses[uses.len() / 2]);

    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    assert!((500..=760).contains(&median), "median length {median}");
    assert!(lengths[0] >= 200 && lengths[lengths.len() - 1] <= 2300);

    // Headings everywhere; lists often; quotes, code and tables now and then.
    assert_eq!(features[0], 2000, "every post has sections");
    for (k, name) in ["lists", "quotes", "code", "tables"].iter().enumerate() {
        let n = features[k + 1];
        assert!(n > 40 && n < 2000, "{n} posts with {name}");
    }

    // The commonest word is far commoner than the hundredth.
    let mut counts: Vec<usize> = word_counts.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        counts[0] > 20 * counts[99],
        "{} vs {}",
        counts[0],
        counts[99]
    );
    assert!(
        word_counts.len() > 2000,
        "{} distinct words",
        word_counts.len()
    );
}
