//! Unlisted posts (`unlisted: true`, Hugo's `build: {list: never}`): published at their own
//! address, with their page, and in no list: not the home list, a tag's, an author's, the
//! archive, the feeds, the sitemap, search, nor another post's links.

mod common;

use common::{site_with, write_shell};
use fieldnotes::builder::{self, BuildOptions, StubOptions};
use fieldnotes::model::{Manifest, Post, SlugShard, MANIFEST_FILE};
use std::fs;
use std::path::Path;

fn built() -> tempfile::TempDir {
    let post = |title: &str, date: &str, extra: &str, word: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ntags: [river]\nauthor: Dara\n{extra}---\nA day by the water, {word}.\n")
    };
    let content = site_with(&[
        (
            "older.md",
            post("Older day", "2025-03-01", "", "riverlistedword").as_bytes(),
        ),
        (
            "hidden.md",
            post(
                "Hidden day",
                "2025-03-02",
                "unlisted: true\n",
                "zanzibarish",
            )
            .as_bytes(),
        ),
        (
            "newer.md",
            post("Newer day", "2025-03-03", "", "plainword").as_bytes(),
        ),
        (
            "hugo.md",
            post(
                "Hugo day",
                "2025-03-04",
                "_build:\n  list: never\n",
                "hugowordish",
            )
            .as_bytes(),
        ),
    ]);
    fs::write(
        content.path().join("site.toml"),
        "title = \"T\"\nbase_url = \"https://unlisted.example\"\nposts_per_page = 2\n",
    )
    .unwrap();
    let dist = tempfile::tempdir().unwrap();
    builder::build(&BuildOptions {
        content: content.path().to_path_buf(),
        out: dist.path().join("data"),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    })
    .unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    dist
}

/// Every file below `dir` by path relative to it, without the compressed copies.
fn files(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                String::from_utf8_lossy(&fs::read(e.path()).unwrap()).into_owned(),
            )
        })
        .filter(|(name, _)| !name.ends_with(".br") && !name.ends_with(".gz"))
        .collect()
}

#[test]
fn an_unlisted_post_has_its_page_and_is_in_no_list() {
    let dist = built();
    let data = dist.path().join("data");
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(data.join(MANIFEST_FILE)).unwrap()).unwrap();
    assert_eq!((manifest.post_count, manifest.unlisted), (4, 2));
    assert_eq!(manifest.listed_count(), 2);

    // Its own file and page are there, the page asking search engines not to list it.
    let page = fs::read_to_string(dist.path().join("posts/hidden/index.html")).unwrap();
    assert!(page.contains("zanzibarish"), "{page}");
    assert!(
        page.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{page}"
    );
    let listed_page = fs::read_to_string(dist.path().join("posts/newer/index.html")).unwrap();
    assert!(!listed_page.contains("noindex"));

    // The app finds it by its address: its slug shard names its file, with no neighbours.
    let shard_files: Vec<_> = files(&data)
        .into_iter()
        .filter(|(name, _)| name.contains("/slugs/"))
        .collect();
    let mut found = None;
    for (name, json) in &shard_files {
        let shard: SlugShard = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (slug, entry) in shard.posts {
            let links: Vec<_> = [&entry.nav.newer, &entry.nav.older]
                .into_iter()
                .flatten()
                .map(|l| l.slug.clone())
                .chain(entry.nav.related.iter().map(|l| l.slug.clone()))
                .collect();
            match slug.as_str() {
                "hidden" | "hugo" => {
                    assert!(links.is_empty(), "{slug}: {links:?}");
                    if slug == "hidden" {
                        found = Some(entry.file.clone());
                    }
                }
                _ => assert!(
                    !links.iter().any(|l| l == "hidden" || l == "hugo"),
                    "{slug} links {links:?}"
                ),
            }
        }
    }
    let file = found.expect("the unlisted post is in its slug shard");
    let post: Post = serde_json::from_slice(&fs::read(data.join(&file)).unwrap()).unwrap();
    assert!(post.summary.unlisted);

    // No list names it: lists, feeds, sitemap, the pages of lists, the search index.
    let mut lists_checked = 0;
    for (name, text) in files(dist.path()) {
        let is_list = name.contains("/home/")
            || name.contains("/tags/")
            || name.contains("/authors/")
            || name.contains("/archive")
            || name.starts_with("data/search/")
            || name.ends_with(".xml")
            || name.starts_with("feed")
            || name == "index.html"
            || ["tags/", "authors/", "archive/", "page/"]
                .iter()
                .any(|p| name.starts_with(p));
        if !is_list {
            continue;
        }
        lists_checked += 1;
        for secret in [
            "Hidden day",
            "zanzibarish",
            "Hugo day",
            "hugowordish",
            "posts/hidden",
            "posts/hugo",
        ] {
            assert!(
                !text.contains(secret),
                "{name} names the unlisted post ({secret})"
            );
        }
    }
    assert!(lists_checked > 10, "{lists_checked}");
    // And the only files that name it at all are its own, and the two that hold every post's
    // summary: the file for saving every post offline and the search results' cards.
    for (name, text) in files(dist.path()) {
        if !text.contains("Hidden day") {
            continue;
        }
        let own = name == "posts/hidden/index.html" || name.starts_with("data/posts/hidden.");
        let every_post =
            (name.starts_with("data/posts.") && name.ends_with(".json")) || name.contains("/docs/");
        assert!(own || every_post, "{name} names the unlisted post");
    }
    // The listed posts are in the same lists and index, which proves the check can fail.
    let everything: String = files(dist.path())
        .into_iter()
        .filter(|(name, _)| name.starts_with("data/search/") || name == "sitemap.xml")
        .map(|(_, text)| text)
        .collect();
    assert!(everything.contains("riverlistedword") && everything.contains("posts/newer"));
    // Two listed posts, two to a page: one home page, no second.
    assert!(!dist.path().join("page/2/index.html").exists());
}
