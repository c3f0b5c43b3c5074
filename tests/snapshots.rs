//! Output kept as reviewed files (`tests/snapshots/`): the rendered Markdown of the fixture posts,
//! every route page of a fixture site, its feeds, sitemap and host files. A change to any of them
//! fails here and shows as a diff; accept it, once read, with `INSTA_UPDATE=always cargo test
//! --test snapshots` and commit the updated files.

mod common;

use common::{fixture, write_shell};
use fieldnotes::builder::{self, BuildOptions, StubOptions};
use fieldnotes::model::{AllPosts, Manifest, Post, MANIFEST_FILE};
use std::fs;
use std::path::Path;

fn build(name: &str, out: &Path) {
    builder::build(&BuildOptions {
        content: fixture(name),
        out: out.to_path_buf(),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    })
    .unwrap();
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn rendered_markdown_of_the_fixture_posts() {
    for site in ["site", "hostile"] {
        let tmp = tempfile::tempdir().unwrap();
        build(site, tmp.path());
        let manifest: Manifest = read(&tmp.path().join(MANIFEST_FILE));
        for file in [&manifest.all_posts] {
            let index: AllPosts = read(&tmp.path().join(file));
            for summary in index.posts {
                // The HTML the builder wrote into the post's file, which the app draws as it is.
                let post: Post = read(&tmp.path().join(&summary.file));
                let html = post.html;
                settings().bind(|| {
                    insta::assert_snapshot!(format!("markdown-{site}-{}", summary.slug), html)
                });
            }
        }
    }
}

#[test]
fn route_pages_feeds_and_host_files_of_a_fixture_site() {
    let dist = tempfile::tempdir().unwrap();
    build("site", &dist.path().join("data"));
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let files = [
        "index.html",
        "posts/first-day/index.html",
        "posts/second-day/index.html",
        "tags/index.html",
        "tags/food/index.html",
        "archive/index.html",
        "search/index.html",
        "offline/index.html",
        "404.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "_headers",
        "_redirects",
        "manifest.webmanifest",
    ];
    for file in files {
        let text =
            fs::read_to_string(dist.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = format!("site-{}", file.replace(['/', '.'], "-"));
        settings().bind(|| insta::assert_snapshot!(name, text));
    }
}
