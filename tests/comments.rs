//! Comments end to end: comment files in a fixture site, their thread in a hashed data file named
//! by the post's slug shard, the count on list cards, and the thread in the post's static page.

mod common;

use common::{build_to as build, fixture, site_with, snapshot, write_shell};
use fieldnotes::builder::{self, StubOptions};
use fieldnotes::model::{
    home_file, slug_file, CommentThread, ListPage, Manifest, Post, SlugShard, FORMAT_VERSION,
    MANIFEST_FILE,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn json<T: serde::de::DeserializeOwned>(files: &BTreeMap<String, Vec<u8>>, file: &str) -> T {
    serde_json::from_slice(&files[file]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn comments_are_threaded_into_a_hashed_file_the_slug_shard_names() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("data");
    let summary = build(&fixture("comments"), &out).unwrap();
    assert_eq!(summary.posts, 2, "comment files are not posts");
    let said: Vec<String> = summary.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        said.iter()
            .any(|w| w.contains("hostile.md:5:10: warning: website")),
        "{said:#?}"
    );
    let files = snapshot(&out);
    assert!(
        !files
            .keys()
            .any(|f| f.starts_with("media/") || f.contains(".md")),
        "comment files are not copied as media: {:?}",
        files.keys().collect::<Vec<_>>()
    );
    let manifest: Manifest = json(&files, MANIFEST_FILE);
    assert_eq!(manifest.format_version, FORMAT_VERSION);
    let lists = fieldnotes::builder::directory_in(&out, &manifest).unwrap();

    let shard: SlugShard = json(
        &files,
        &lists[&slug_file("talked-about", manifest.slug_shards)],
    );
    let entry = &shard.posts["talked-about"];
    let file = entry
        .comments
        .clone()
        .expect("the shard names the comment file");
    let thread: CommentThread = json(&files, &file);
    let hash = fieldnotes::builder::content_hash(&files[&file]);
    assert_eq!(file, format!("comments/talked-about.{hash}.json"));
    assert_eq!(thread.count, 4);
    let top: Vec<&str> = thread.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(top, ["first", "hostile"], "oldest first");
    let first = &thread.comments[0];
    assert_eq!(first.replies[0].id, "reply");
    assert_eq!(first.replies[0].replies[0].id, "deeper");
    assert_eq!(
        thread.comments[1].website, None,
        "a javascript: website is dropped"
    );
    let quiet: SlugShard = json(&files, &lists[&slug_file("quiet", manifest.slug_shards)]);
    assert_eq!(quiet.posts["quiet"].comments, None);
    assert!(
        !files.keys().any(|f| f.starts_with("comments/quiet")),
        "no file for a post without comments"
    );

    // Cards count them; the post's own file does not (a new comment must not rename it).
    let home: ListPage = json(&files, &lists[&home_file(1)]);
    let counts: Vec<(&str, u32)> = home
        .posts
        .iter()
        .map(|p| (p.slug.as_str(), p.comments))
        .collect();
    assert_eq!(counts, [("talked-about", 4), ("quiet", 0)]);
    let post: Post = json(&files, &entry.file);
    assert_eq!(post.summary.comments, 0);
    assert!(!String::from_utf8_lossy(&files[&entry.file]).contains("\"comments\""));
}

#[test]
fn a_new_comment_renames_only_the_comment_file() {
    let content = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        for entry in walkdir(from) {
            let target = to.join(entry.strip_prefix(from).unwrap());
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(&entry, target).unwrap();
        }
    };
    copy(&fixture("comments"), content.path());
    let tmp = tempfile::tempdir().unwrap();
    build(content.path(), &tmp.path().join("a")).unwrap();
    fs::write(
        content.path().join("comments/talked-about/later.md"),
        "---\npost: talked-about\nparent: deeper\nauthor: Sok\ndate: 2025-05-01\n---\nLater.\n",
    )
    .unwrap();
    build(content.path(), &tmp.path().join("b")).unwrap();
    let (a, b) = (
        snapshot(&tmp.path().join("a")),
        snapshot(&tmp.path().join("b")),
    );
    let names = |files: &BTreeMap<String, Vec<u8>>, prefix: &str| -> Vec<String> {
        files
            .keys()
            .filter(|f| f.starts_with(prefix))
            .cloned()
            .collect()
    };
    assert_eq!(
        names(&a, "posts/"),
        names(&b, "posts/"),
        "posts keep their names"
    );
    assert_ne!(names(&a, "comments/"), names(&b, "comments/"));
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn comment_errors_stop_the_build_with_file_and_fix() {
    let post = b"---\ntitle: P\ndate: 2025-01-01\n---\nBody\n" as &[u8];
    let site = site_with(&[
        ("p.md", post),
        (
            "comments/gone/a.md",
            b"---\npost: gone\nauthor: A\ndate: 2025-01-02\n---\nHi\n",
        ),
        (
            "comments/p/b.md",
            b"---\npost: p\ndate: 2025-01-02\n---\nHi\n",
        ),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let problems = build(site.path(), &tmp.path().join("data")).unwrap_err();
    let said = problems.to_string();
    assert_eq!(problems.0.len(), 2, "{said}");
    assert!(
        said.contains("a.md:2:1: error: comment on a post that does not exist: gone"),
        "{said}"
    );
    assert!(
        said.contains("b.md:2:1: error: the comment has no author"),
        "{said}"
    );
    assert!(!tmp.path().join("data").exists(), "nothing written");
}

#[test]
fn the_post_page_holds_its_comments_and_preloads_them() {
    let dist = tempfile::tempdir().unwrap();
    build(&fixture("comments"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let page = fs::read_to_string(dist.path().join("posts/talked-about/index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"preload\" href=\"/data/comments/talked-about."),
        "{page}"
    );
    let start = page
        .find("<section class=\"comments\"")
        .expect("a comment section");
    let section = &page[start..page[start..].find("</section>").unwrap() + start];
    assert!(section.starts_with("<section class=\"comments\" id=\"comments\" aria-labelledby=\"comments-heading\"><h2 id=\"comments-heading\">4 comments</h2><ol class=\"comment-list\"><li id=\"comment-first\"><article class=\"comment\"><header class=\"comment-meta\"><a class=\"comment-author\" href=\"https://dara.example.org\" rel=\"nofollow ugc noopener noreferrer\">Dara</a> <time datetime=\"2025-04-02T08:00:00+07:00\">2 April 2025</time></header>"), "{section}");
    // Nested: the reply's list sits inside the first comment's item, the third level inside it.
    let nested = section
        .find("<ol class=\"comment-replies\"><li id=\"comment-reply\">")
        .unwrap();
    let deeper = section
        .find("<ol class=\"comment-replies\"><li id=\"comment-deeper\">")
        .unwrap();
    let hostile = section.find("<li id=\"comment-hostile\">").unwrap();
    assert!(nested < deeper && deeper < hostile, "{section}");
    // The hostile comment is inert: its tags are text (`&lt;img … onerror=…&gt;`), no URL but
    // the web one is kept.
    let hostile = &section[hostile..];
    assert!(hostile.contains("&lt;img src=x onerror="), "{hostile}");
    for refused in [
        "<script",
        "<img",
        "javascript:",
        "<h1",
        "<b>",
        "evil.example",
    ] {
        assert!(!hostile.contains(refused), "{refused} in {hostile}");
    }
    assert!(hostile.contains("<span class=\"comment-author\">&lt;b&gt;Mallory&lt;/b&gt;</span>"));
    assert!(hostile.contains(
        "<a href=\"https://spam.example/buy\" rel=\"nofollow ugc noopener noreferrer\">spam</a>"
    ));
    let quiet = fs::read_to_string(dist.path().join("posts/quiet/index.html")).unwrap();
    assert!(!quiet.contains("class=\"comments\"") && !quiet.contains("/data/comments/"));
    let home = fs::read_to_string(dist.path().join("index.html")).unwrap();
    assert_eq!(
        home.matches("<p class=\"comment-count\">4 comments</p>")
            .count(),
        1,
        "{home}"
    );
}

#[test]
fn a_page_shows_its_comments_like_a_post_and_the_intake_server_knows_it() {
    let page = b"---\ntitle: About us\n---\nWho we are.\n";
    let comment = b"---\nid: hello\npost: about\nauthor: Dara\ndate: 2025-04-02T08:00:00+07:00\n---\nA kind word about the page.\n";
    let content = site_with(&[
        ("pages/about.md", page),
        (
            "pages/contact.md",
            b"---\ntitle: Contact\n---\nWrite to us.\n",
        ),
        (
            "day.md",
            b"---\ntitle: Day\ndate: 2025-01-01\n---\nA day.\n",
        ),
        ("comments/about/hello.md", comment),
    ]);
    let dist = tempfile::tempdir().unwrap();
    let data = dist.path().join("data");
    let summary = build(content.path(), &data).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let files = snapshot(&data);
    let manifest: Manifest = json(&files, MANIFEST_FILE);
    let about: fieldnotes::model::Page = json(&files, &manifest.pages["about"]);
    let thread: CommentThread = json(&files, about.comments.as_ref().expect("its comments' file"));
    assert_eq!(thread.count, 1);
    assert!(thread.comments[0].html.as_str().contains("A kind word"));
    let contact: fieldnotes::model::Page = json(&files, &manifest.pages["contact"]);
    assert_eq!(contact.comments, None);
    // The page without JavaScript holds the thread and preloads its file.
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let html = fs::read_to_string(dist.path().join("about/index.html")).unwrap();
    assert!(
        html.contains("A kind word about the page.") && html.contains("1 comment"),
        "{html}"
    );
    assert!(html.contains(about.comments.as_ref().unwrap()), "preloaded");
    // The intake server takes comments on pages, and knows the page's published ids.
    let index = fieldnotes::comments::site::load(&data).unwrap();
    assert!(index.posts["about"].contains("hello"));
    assert!(index.posts["contact"].is_empty() && index.posts.contains_key("day"));
}
