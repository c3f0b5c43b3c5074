//! Protected posts: what an author protects with a password is in no published file in clear:
//! every file of a whole built site (data, route pages, feeds, sitemap, service worker, host files,
//! and their .br/.gz copies) is read back, and none holds a sentence of it, its comments, its
//! photos' alt text or its password. The post opens with its password, and only with it.

mod common;

use common::{site_with, write_shell};
use fieldnotes::builder::{self, BuildOptions, StubOptions};
use fieldnotes::model::sealed::OpenError;
use fieldnotes::model::strings::{Strings, S};
use fieldnotes::model::{Manifest, Post, SlugShard, MANIFEST_FILE};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

/// A PNG of 2×2 pixels.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(2, 2, image::Rgb([200, 40, 40]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// Words of the protected posts and their comments: none may be published.
const SECRETS: [&str; 9] = [
    "The families by the old well asked us not to write their names",
    "Kept by the environment",
    "Kept by the passwords file",
    "Where the road ends",
    "A red boat by the landing",
    "ភូមិនៅជិតទន្លេ",
    "Thank you for keeping this quiet",
    "ferry at dawn",
    "the caretaker's phone number",
];

const ENV_PASSWORD: (&str, &str) = ("FIELDNOTES_TEST_PROTECTED_PASSWORD", "lantern-42");

fn content() -> tempfile::TempDir {
    let locked = "---\ntitle: The quiet village\ndate: 2025-03-02\ntags: [river]\ncategories: [journal]\npassword: \"ferry at dawn\"\nplace: the caretaker's phone number\n---\nThe families by the old well asked us not to write their names.\n\n## Where the road ends\n\nភូមិនៅជិតទន្លេ។\n\n![A red boat by the landing](boat.png)\n";
    let env = format!("---\ntitle: Second locked day\ndate: 2025-03-03\npassword_env: {}\n---\nKept by the environment, and the caretaker's phone number.\n", ENV_PASSWORD.0);
    let filed =
        "---\ntitle: Third locked day\ndate: 2025-03-04\nprotected: true\n---\nKept by the passwords file.\n";
    let open = "---\ntitle: An open day\ndate: 2025-03-01\ntags: [river]\n---\nAnyone may read this, and [the quiet village](/posts/locked).\n";
    let comment = "---\nid: one\npost: locked\nauthor: Dara\ndate: 2025-03-05T08:00:00+07:00\n---\nThank you for keeping this quiet.\n";
    let page = "---\ntitle: Secret page\npassword: pw\nlayout: page\n---\nA page that must not be published in clear.\n";
    let dir = site_with(&[
        ("locked.md", locked.as_bytes()),
        ("env.md", env.as_bytes()),
        ("filed.md", filed.as_bytes()),
        ("open.md", open.as_bytes()),
        ("boat.png", &png()),
        ("comments/locked/one.md", comment.as_bytes()),
        ("pages/secret.md", page.as_bytes()),
        (
            "passwords.toml",
            b"# private\nfiled = \"the passwords file's own\"\n",
        ),
    ]);
    fs::write(
        dir.path().join("site.toml"),
        "title = \"T\"\nbase_url = \"https://quiet.example\"\n",
    )
    .unwrap();
    dir
}

fn build(content: &Path, out: &Path) -> Result<builder::BuildSummary, builder::Problems> {
    builder::build(&BuildOptions {
        content: content.to_path_buf(),
        out: out.to_path_buf(),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    })
}

/// Every file below `dir` as text, .br and .gz copies decompressed, by path.
fn every_file(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let raw = fs::read(path).unwrap();
        let bytes = if name.ends_with(".br") {
            let mut plain = Vec::new();
            brotli::Decompressor::new(&raw[..], 4096)
                .read_to_end(&mut plain)
                .unwrap();
            plain
        } else if name.ends_with(".gz") {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut plain)
                .unwrap();
            plain
        } else {
            raw
        };
        out.insert(name, bytes);
    }
    out
}

/// Builds the whole site (data, then what needs the shell, then compressed copies).
fn whole_site() -> (tempfile::TempDir, tempfile::TempDir, builder::BuildSummary) {
    std::env::set_var(ENV_PASSWORD.0, ENV_PASSWORD.1);
    let content = content();
    let dist = tempfile::tempdir().unwrap();
    let summary = build(content.path(), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    builder::compress_site(dist.path()).unwrap();
    (content, dist, summary)
}

fn post_of(dist: &Path, slug: &str) -> Post {
    let data = dist.join("data");
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(data.join(MANIFEST_FILE)).unwrap()).unwrap();
    let lists = fieldnotes::builder::directory_in(&data, &manifest).unwrap();
    let shard = &lists[&fieldnotes::model::slug_file(slug, manifest.slug_shards)];
    let shard: SlugShard = serde_json::from_slice(&fs::read(data.join(shard)).unwrap()).unwrap();
    let entry = &shard.posts[slug];
    serde_json::from_slice(&fs::read(data.join(&entry.file)).unwrap()).unwrap()
}

#[test]
fn no_published_file_holds_a_word_of_a_protected_post() {
    let (_content, dist, summary) = whole_site();
    assert_eq!(
        summary.posts, 4,
        "the protected posts are published, sealed"
    );
    let files = every_file(dist.path());
    assert!(
        files.keys().any(|f| f.ends_with(".br")),
        "compressed copies are read too"
    );
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for secret in SECRETS
            .iter()
            .chain(&[ENV_PASSWORD.1, "the passwords file's own"])
        {
            assert!(!text.contains(secret), "{name} holds “{secret}”");
        }
        assert!(
            !text.contains("must not be published"),
            "{name} holds the protected page"
        );
    }
    assert!(
        !files.keys().any(|f| f.contains("passwords")),
        "passwords.toml is never published"
    );
    // The photo of a protected post is not published, under any name, in any size.
    assert!(
        !files.keys().any(|f| f.contains("boat")),
        "{:?}",
        files
            .keys()
            .filter(|f| f.contains("media"))
            .collect::<Vec<_>>()
    );
    assert!(summary.warnings.iter().any(|w| w
        .message
        .contains("photo(s) of this protected post are not published")));
    // A protected page is published sealed, at its address, and opens with its password.
    let page_file = files
        .keys()
        .find(|f| f.starts_with("data/pages/secret."))
        .expect("the protected page is published");
    let page: fieldnotes::model::Page = serde_json::from_slice(&files[page_file]).unwrap();
    let opened = builder::open_sealed(page.sealed.as_ref().unwrap(), "secret", "pw").unwrap();
    assert!(opened
        .html
        .as_str()
        .contains("must not be published in clear"));
    assert!(matches!(
        builder::open_sealed(page.sealed.as_ref().unwrap(), "secret", "wrong"),
        Err(OpenError::WrongPassword)
    ));
    let route = String::from_utf8_lossy(&files["secret/index.html"]).into_owned();
    assert!(
        route.contains("Secret page") && route.contains("This page is protected with a password"),
        "{route}"
    );
    // What stays public: the title, the date, the tags, on the cards and the post's page.
    let home = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(
        home.contains("The quiet village")
            && home.contains(Strings::new("en", &[]).get(S::protected_summary)),
        "{home}"
    );
    let page = String::from_utf8_lossy(&files["posts/locked/index.html"]).into_owned();
    assert!(
        page.contains("This post is protected with a password"),
        "{page}"
    );
    assert!(
        !page.contains("min read"),
        "a protected post's length is its own"
    );
    // The open post is untouched.
    assert!(
        String::from_utf8_lossy(&files["posts/open/index.html"]).contains("Anyone may read this")
    );
}

#[test]
fn a_protected_post_opens_with_its_password_only() {
    let (_content, dist, _) = whole_site();
    let post = post_of(dist.path(), "locked");
    assert!(post.summary.protected && post.toc.is_empty() && post.images.is_empty());
    let sealed = post.sealed.as_ref().expect("sealed");
    let opened = builder::open_sealed(sealed, "locked", "ferry at dawn").unwrap();
    let html = opened.html.as_str();
    assert!(
        html.contains(SECRETS[0]) && html.contains("ភូមិនៅជិតទន្លេ"),
        "{html}"
    );
    assert!(
        html.contains("Photo not published: A red boat by the landing") && !html.contains("<img"),
        "{html}"
    );
    assert_eq!(opened.toc[0].text, "Where the road ends");
    let thread = opened.comments.expect("its comments, sealed with it");
    assert_eq!(thread.count, 1);
    assert!(thread.comments[0]
        .html
        .as_str()
        .contains("keeping this quiet"));
    assert_eq!(
        builder::open_sealed(sealed, "locked", "ferry at dusk"),
        Err(OpenError::WrongPassword)
    );
    // The other two, from the environment and from passwords.toml.
    let env = post_of(dist.path(), "env");
    let opened = builder::open_sealed(env.sealed.as_ref().unwrap(), "env", ENV_PASSWORD.1).unwrap();
    assert!(opened.html.as_str().contains("Kept by the environment"));
    let filed = post_of(dist.path(), "filed");
    let password = "the passwords file's own";
    let opened = builder::open_sealed(filed.sealed.as_ref().unwrap(), "filed", password).unwrap();
    assert!(opened.html.as_str().contains("Kept by the passwords file"));
    // The open post has nothing sealed.
    assert!(post_of(dist.path(), "open").sealed.is_none());
}

#[test]
fn a_protected_post_without_its_password_stops_the_build() {
    for (name, front) in [
        ("flag.md", "protected: true\n"),
        ("env.md", "password_env: FIELDNOTES_TEST_NEVER_SET\n"),
        ("empty.md", "password: \"\"\n"),
    ] {
        let text = format!("---\ntitle: Locked\ndate: 2025-01-01\n{front}---\nSecret words.\n");
        let content = site_with(&[(name, text.as_bytes())]);
        let out = tempfile::tempdir().unwrap();
        let problems = build(content.path(), &out.path().join("data")).unwrap_err();
        assert!(
            problems.0.iter().any(|p| p.path.ends_with(name)),
            "{name}: {problems:?}"
        );
        assert!(
            !out.path().join("data").exists(),
            "{name}: nothing is written"
        );
    }
}

#[test]
fn a_bad_passwords_file_is_an_error_with_its_name() {
    let content = site_with(&[
        ("a.md", b"---\ntitle: A\ndate: 2025-01-01\n---\nA.\n"),
        ("passwords.toml", b"a = 3\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let problems = build(content.path(), &out.path().join("data")).unwrap_err();
    assert!(
        problems.0[0].path.ends_with("passwords.toml")
            && problems.0[0].message.contains("not a string"),
        "{problems:?}"
    );
}

#[test]
fn check_names_the_files_git_tracks_that_hold_a_password() {
    let content = site_with(&[
        ("inline.md", b"---\ntitle: A\npassword: pw\n---\nA.\n"),
        ("filed.md", b"---\ntitle: B\nprotected: true\n---\nB.\n"),
        ("untracked.md", b"---\ntitle: C\npassword: pw\n---\nC.\n"),
        ("passwords.toml", b"filed = \"pw\"\n"),
    ]);
    assert!(
        builder::tracked_passwords(content.path()).is_empty(),
        "not a repository"
    );
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(content.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "inline.md", "filed.md", "passwords.toml"]);
    assert_eq!(
        builder::tracked_passwords(content.path()),
        ["inline.md", "passwords.toml"]
    );
}
