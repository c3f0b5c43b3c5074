//! `fieldnotes import wordpress`: the fixture export (a travel journal, `tests/fixtures/wordpress/`)
//! imported and compared file by file with the reviewed expected files, plus what must never
//! happen to a content folder (overwritten files, a half-written import).
//!
//! `UPDATE_EXPECT=1 cargo test --test import_wordpress` rewrites the expected files; review the
//! diff before committing it.

mod common;

use common::{fixture, snapshot};
use fieldnotes::builder::{self, BuildOptions};
use fieldnotes::import::{self, WordpressOptions};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn export() -> PathBuf {
    fixture("wordpress/export.xml")
}

fn options(content: &Path) -> WordpressOptions {
    WordpressOptions {
        exports: vec![export()],
        content: content.to_path_buf(),
        media: Some(fixture("wordpress/uploads")),
        force: false,
        menu: None,
    }
}

/// Imports the fixture into a new temporary folder; returns it and the content folder.
fn imported() -> (tempfile::TempDir, PathBuf, import::Report) {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let report = import::wordpress(&options(&content)).unwrap_or_else(|e| panic!("{e:#}"));
    (tmp, content, report)
}

#[test]
fn the_fixture_imports_as_the_expected_files() {
    let (_tmp, content, _) = imported();
    let written = snapshot(&content);
    let expected_dir = fixture("wordpress/expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = fs::remove_dir_all(&expected_dir);
        for (path, bytes) in &written {
            if path.ends_with(".md") || path.ends_with(".toml") {
                let target = expected_dir.join(path);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::write(target, bytes).unwrap();
            }
        }
    }
    let expected = snapshot(&expected_dir);
    let text_files: Vec<&String> = written
        .keys()
        .filter(|p| p.ends_with(".md") || p.ends_with(".toml"))
        .collect();
    assert_eq!(
        text_files,
        expected.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &expected {
        assert_eq!(
            String::from_utf8_lossy(&written[path]),
            String::from_utf8_lossy(bytes),
            "{path} differs from tests/fixtures/wordpress/expected/{path}"
        );
    }
    // Images sit beside their post: the original when present, else the largest copy.
    let images: Vec<&str> = written
        .keys()
        .filter(|p| !p.ends_with(".md") && !p.ends_with(".toml"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        images,
        [
            "pages/about/market.png",
            "posts/day-1-phnom-penh/market.png",
            "posts/day-1-phnom-penh/riverfront.jpg",
            "posts/day-1-phnom-penh/temple.jpg",
            "posts/kampot-pepper/market.png",
            "posts/kampot-pepper/tuk-tuk.png",
            "posts/សៀមរាប/temple.jpg",
        ]
    );
    let uploads = fixture("wordpress/uploads/2024/03");
    assert_eq!(
        written["posts/day-1-phnom-penh/riverfront.jpg"],
        fs::read(uploads.join("riverfront.jpg")).unwrap(),
        "the original, not the 1024x768 copy the post names"
    );
    assert_eq!(
        written["posts/សៀមរាប/temple.jpg"],
        fs::read(uploads.join("temple-300x200.jpg")).unwrap(),
        "only a copy exists: it is used"
    );
}

#[test]
fn no_email_or_address_of_a_commenter_is_written() {
    let (_tmp, content, _) = imported();
    for (path, bytes) in snapshot(&content) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "@mail.example",
            "@slowroads.example",
            "203.0.113.7",
            "192.0.2.66",
            "javascript:",
            "<script",
            "onerror",
        ] {
            assert!(!text.contains(secret), "{path} contains {secret}");
        }
    }
}

/// `fieldnotes import wordpress EXPORT --content CONTENT [--media MEDIA]`, which must succeed; its
/// report.
fn import_report(export: &Path, content: &Path, media: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldnotes"));
    command
        .args(["import", "wordpress"])
        .arg(export)
        .arg("--content")
        .arg(content);
    if let Some(media) = media {
        command.arg("--media").arg(media);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_lists_counts_skipped_items_and_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let report = import_report(&export(), &content, Some(&fixture("wordpress/uploads")));
    for line in [
        "posts: 2 published",
        "posts: 1 draft",
        "posts: 1 private",
        "posts: 1 scheduled",
        "pages: 1 published",
        "comments: 4 approved",
        "comments: 1 awaiting moderation (left out)",
        "comments: 1 pingbacks and trackbacks (left out)",
        "images copied: 7 (6 attachments in the export)",
        "  1 × revision",
        "  1 × nav_menu_item (publish)",
        "  1 × post (trash)",
        "\"Day 1: Landing in Phnom Penh\" (https://slowroads.example/2024/03/05/day-1-phnom-penh/): image not found in the media folder: https://slowroads.example/wp-content/uploads/2024/03/lost-photo.jpg (kept as a link)",
        "comment 506 by Mallory: <script> removed",
        "comment 506 by Mallory: unsafe link (javascript) removed, its text kept",
        "<iframe> removed",
        "the shortcode [contact-form-7] has no equivalent here; it was left out",
        "the block \"latest-posts\" is made by WordPress on each visit",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

#[test]
fn existing_files_are_never_replaced_without_force() {
    let (_tmp, content, _) = imported();
    let post = content.join("posts/day-1-phnom-penh/index.md");
    fs::write(&post, "---\ntitle: Mine\n---\nMy own edit.\n").unwrap();
    fs::remove_file(content.join("posts/kampot-pepper/index.md")).unwrap();
    let before = snapshot(&content);

    let err = import::wordpress(&options(&content)).unwrap_err();
    let message = format!("{err:#}");
    assert!(
        message.contains("nothing was written") && message.contains("--force"),
        "{message}"
    );
    assert!(
        message.contains("day-1-phnom-penh/index.md"),
        "the conflicts are listed: {message}"
    );
    assert_eq!(
        snapshot(&content),
        before,
        "not even the missing file was written"
    );

    let forced = WordpressOptions {
        force: true,
        ..options(&content)
    };
    import::wordpress(&forced).unwrap();
    assert!(fs::read_to_string(&post)
        .unwrap()
        .contains("Landing in Phnom Penh"));
    assert!(content.join("posts/kampot-pepper/index.md").exists());
}

#[test]
fn a_failed_import_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(content.join("posts")).unwrap();
    fs::write(content.join("posts/mine.md"), "---\ntitle: Mine\n---\n").unwrap();
    let before = snapshot(&content);
    let full = fs::read_to_string(export()).unwrap();
    let cut = tmp.path().join("cut.xml");
    // Cut inside the last attachment item, as an interrupted download would.
    fs::write(&cut, &full[..full.rfind("<wp:attachment_url>").unwrap()]).unwrap();

    let opts = WordpressOptions {
        exports: vec![export(), cut],
        ..options(&content)
    };
    let err = import::wordpress(&opts).unwrap_err();
    assert!(format!("{err:#}").contains("cut short"), "{err:#}");
    assert_eq!(snapshot(&content), before);
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "no staging folder left behind: {left:?}");
}

/// A minimal export with one post and its comments.
fn one_post_export(title: &str, comments: &[(u64, &str)]) -> String {
    let comments: String = comments
        .iter()
        .map(|(id, text)| {
            format!("<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Reader</wp:comment_author><wp:comment_date_gmt>2024-01-02 03:04:05</wp:comment_date_gmt><wp:comment_content>{text}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>")
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss><channel><title>Two files</title><item><title>{title}</title><link>https://two.example/hello/</link><wp:post_id>1</wp:post_id><wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>hello</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><content:encoded>{title} body</content:encoded>{comments}</item></channel></rss>")
}

#[test]
fn two_exports_merge_by_post_and_comment_id() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first.xml");
    let second = tmp.path().join("second.xml");
    fs::write(
        &first,
        one_post_export("Old title", &[(1, "First"), (2, "Edited later")]),
    )
    .unwrap();
    fs::write(
        &second,
        one_post_export("New title", &[(2, "Edited"), (3, "Third")]),
    )
    .unwrap();
    let content = tmp.path().join("content");
    let report = import::wordpress(&WordpressOptions {
        exports: vec![first, second],
        content: content.clone(),
        media: None,
        force: false,
        menu: None,
    })
    .unwrap();
    assert_eq!(
        report.entries.values().sum::<usize>(),
        1,
        "one post: {report}"
    );
    let post = fs::read_to_string(content.join("posts/hello/index.md")).unwrap();
    assert!(
        post.contains("title: New title") && post.contains("New title body"),
        "{post}"
    );
    let comments: Vec<String> = snapshot(&content.join("comments/hello"))
        .into_keys()
        .collect();
    assert_eq!(comments, ["wp-1.md", "wp-2.md", "wp-3.md"]);
    let edited = fs::read_to_string(content.join("comments/hello/wp-2.md")).unwrap();
    assert!(
        edited.ends_with("---\nEdited\n"),
        "the later file wins: {edited}"
    );
}

/// The imported folder builds as it is: posts, the About page, the comments threaded.
#[test]
fn the_imported_folder_builds() {
    let (tmp, content, _) = imported();
    let opts = BuildOptions {
        content: content.clone(),
        out: tmp.path().join("out"),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    };
    let site = builder::load_site(&opts).unwrap_or_else(|p| panic!("{p}"));
    let slugs: Vec<&str> = site.posts.iter().map(|p| p.summary.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["សៀមរាប", "day-1-phnom-penh"],
        "the About page is not a post"
    );
    assert_eq!(site.skipped.drafts, 3, "draft, private and scheduled");
    let pages: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(pages, ["about"]);
    let day1 = &site.posts[1];
    assert_eq!(day1.summary.cover.as_ref().unwrap().image.width, Some(16));
    assert_eq!(day1.images.len(), 3, "{:?}", day1.images);
    assert_eq!(
        day1.summary.aliases,
        ["/2024/03/05/day-1-phnom-penh/", "/?p=10"]
    );
    let thread = &site.comments["day-1-phnom-penh"];
    assert_eq!(thread.count, 4, "approved comments only");
    let first = &thread.comments[0];
    assert_eq!(first.author, "Sophea");
    assert_eq!(first.replies[0].replies[0].author, "Sophea", "three levels");
    let warnings: Vec<String> = site.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "{warnings:?}");
    builder::build(&opts).unwrap_or_else(|p| panic!("{p}"));
}

/// The protected post's password, with characters that need care in XML and TOML.
const PASSWORD: &str = "kept-out-1 \"q\" \\ & ក";
const PASSWORD_XML: &str = "kept-out-1 \"q\" \\ &amp; ក";

/// A post and a page WordPress protects with a password, each with its own secret words, beside
/// an ordinary post that links to the protected one.
fn protected_export() -> String {
    let item = |id: u32,
                kind: &str,
                slug: &str,
                status: &str,
                password: &str,
                body: &str,
                extra: &str| {
        format!("<item><title>{slug} title</title><link>https://locked.example/{slug}/</link><wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2024-01-0{id} 00:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type><wp:post_password>{password}</wp:post_password><content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded>{extra}</excerpt:encoded><category domain=\"post_tag\" nicename=\"village\"><![CDATA[village]]></category>{comment}</item>",
            comment = if password.is_empty() { String::new() } else {
                format!("<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Reader</wp:comment_author><wp:comment_date_gmt>2024-01-02 03:04:05</wp:comment_date_gmt><wp:comment_content>secret-comment-{id}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>")
            })
    };
    format!(
        "<?xml version=\"1.0\"?><rss><channel><title>Locked</title><link>https://locked.example</link>{}{}{}{}</channel></rss>",
        item(1, "post", "open", "publish", "", "An open post, see <a href=\"https://locked.example/hidden/\">the other</a>.", ""),
        item(2, "post", "hidden", "publish", PASSWORD_XML, "<p>secret-body-2 names a village</p>", "secret-summary-2"),
        item(3, "post", "later", "future", "kept-out-3", "secret-body-3", ""),
        item(4, "page", "family", "publish", "kept-out-4", "secret-body-4", ""),
    )
}

/// A published post or page WordPress protects with a password is imported protected, its
/// password in `passwords.toml` (merged with the folder's, and listed in `.gitignore`), never in
/// the post; an unpublished protected post is imported as a draft. Built, nothing of them is
/// readable but the sealed post and page, with their passwords.
#[test]
fn a_password_protected_post_is_imported_protected_and_never_published_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("locked.xml");
    fs::write(&export, protected_export()).unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).unwrap();
    let own = "# my own note\nearlier = \"kept\"\n# the walk's is mine\nhidden = \"changed-by-me\"";
    fs::write(content.join("passwords.toml"), own).unwrap();
    fs::write(content.join(".gitignore"), "node_modules").unwrap();
    let report = import_report(&export, &content, None);
    for line in [
        "posts: 1 published",
        "posts: 1 protected by a password (published sealed;",
        "posts: 1 protected by a password (imported as drafts)",
        "pages: 1 protected by a password (published sealed;",
        import::PROTECTED_WARNING,
        import::PROTECTED_NOTE,
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
    assert_eq!(
        report.matches(import::PROTECTED_WARNING).count(),
        1,
        "{report}"
    );
    assert_eq!(
        report.matches(import::PROTECTED_NOTE).count(),
        2,
        "{report}"
    );
    let written = snapshot(&content);
    for (path, bytes) in &written {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            path == "passwords.toml" || !text.contains("kept-out"),
            "{path} holds a password"
        );
    }
    let passwords: toml::Table =
        toml::from_str(&String::from_utf8_lossy(&written["passwords.toml"])).unwrap();
    assert_eq!(
        passwords["hidden"].as_str(),
        Some("changed-by-me"),
        "a password the file already holds is the author's"
    );
    assert_eq!(
        passwords["earlier"].as_str(),
        Some("kept"),
        "the folder's own kept"
    );
    assert_eq!(
        passwords["family"].as_str(),
        Some("kept-out-4"),
        "the published page's"
    );
    assert_eq!(
        passwords.len(),
        3,
        "only the published post's and page's passwords"
    );
    let text = String::from_utf8_lossy(&written["passwords.toml"]);
    assert!(
        text.starts_with(own),
        "the file's own text, comments and all: {text}"
    );
    // Into an empty folder, the export's password is written as it is.
    let fresh = tmp.path().join("fresh");
    fs::create_dir_all(&fresh).unwrap();
    import_report(&export, &fresh, None);
    let passwords: toml::Table =
        toml::from_str(&fs::read_to_string(fresh.join("passwords.toml")).unwrap()).unwrap();
    assert_eq!(
        passwords["hidden"].as_str(),
        Some(PASSWORD),
        "written as it is"
    );
    assert!(fs::read_to_string(fresh.join("passwords.toml"))
        .unwrap()
        .starts_with("# The passwords of protected posts"));
    assert_eq!(
        String::from_utf8_lossy(&written[".gitignore"]),
        "node_modules\npasswords.toml\n"
    );
    for file in ["posts/hidden/index.md", "pages/family.md"] {
        let text = String::from_utf8_lossy(&written[file]);
        assert!(
            text.contains("\nprotected: true\n") && !text.contains("draft"),
            "{file}:\n{text}"
        );
    }
    let later = String::from_utf8_lossy(&written["posts/later/index.md"]);
    assert!(later.contains("\ndraft: true\n"), "{later}");

    // Built from the folder the export was imported into alone, with WordPress's password.
    let dist = tmp.path().join("dist");
    let summary = common::build_to(&fresh, &dist.join("data")).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(summary.posts, 2, "the open post and the sealed one");
    common::write_shell(&dist);
    builder::write_stubs(&dist, &builder::StubOptions::default()).unwrap();
    let published = snapshot(&dist);
    assert!(
        published.keys().any(|p| p.starts_with("posts/hidden/")),
        "the sealed post has its page"
    );
    for (path, bytes) in &published {
        // Compressed copies hold the same text as their originals, which are checked.
        if path.ends_with(".br") || path.ends_with(".gz") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for secret in ["secret-", "kept-out"] {
            assert!(!text.contains(secret), "{path} publishes {secret}…");
        }
        assert!(!path.contains("later"), "{path} is published");
    }
    // The sealed page opens with its own password, its comment with it.
    let page_file = published
        .keys()
        .find(|p| p.starts_with("data/pages/family."))
        .expect("the protected page is published, sealed");
    let page: fieldnotes::model::Page = serde_json::from_slice(&published[page_file]).unwrap();
    let opened =
        builder::open_sealed(page.sealed.as_ref().unwrap(), "family", "kept-out-4").unwrap();
    assert!(opened.html.as_str().contains("secret-body-4"));
    assert!(opened.comments.unwrap().comments[0]
        .html
        .as_str()
        .contains("secret-comment-4"));
    // The sealed post opens with the password WordPress had, its comment with it.
    let post_file = published
        .keys()
        .find(|p| p.starts_with("data/posts/hidden."))
        .unwrap();
    let post: fieldnotes::model::Post = serde_json::from_slice(&published[post_file]).unwrap();
    let opened = builder::open_sealed(post.sealed.as_ref().unwrap(), "hidden", PASSWORD).unwrap();
    assert!(
        opened.html.as_str().contains("secret-body-2"),
        "{}",
        opened.html.as_str()
    );
    assert!(opened.comments.unwrap().comments[0]
        .html
        .as_str()
        .contains("secret-comment-2"));
}

/// An export with two menus: the main one becomes the header's links, each resolved to its new
/// address; its sub-items and placeholders are reported; `--menu` picks the other. (Its post
/// carries a post format, which becomes `format:`.)
#[test]
fn the_main_menu_becomes_the_header() {
    let page = |id: u32, slug: &str| {
        format!("<item><title>{slug} page</title><link>https://menu.example/{slug}/</link><wp:post_id>{id}</wp:post_id><wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type><content:encoded><![CDATA[Text.]]></content:encoded></item>")
    };
    let post = "<item><title>A walk</title><link>https://menu.example/2019/05/a-walk/</link><wp:post_id>5</wp:post_id><wp:post_date_gmt>2019-05-01 00:00:00</wp:post_date_gmt><wp:post_name>a-walk</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><category domain=\"post_format\" nicename=\"post-format-aside\"><![CDATA[Aside]]></category><content:encoded><![CDATA[We walked.]]></content:encoded></item>";
    let entry = |id: u32, menu: &str, order: u32, title: &str, meta: &[(&str, &str)]| {
        let meta: String = meta
            .iter()
            .map(|(k, v)| format!("<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value></wp:postmeta>"))
            .collect();
        format!("<item><title>{title}</title><wp:post_id>{id}</wp:post_id><wp:menu_order>{order}</wp:menu_order><wp:status>publish</wp:status><wp:post_type>nav_menu_item</wp:post_type><category domain=\"nav_menu\" nicename=\"{menu}\"><![CDATA[{menu}]]></category>{meta}</item>")
    };
    let items = [
        page(1, "about"),
        page(2, "team"),
        post.to_string(),
        entry(
            10,
            "main-menu",
            1,
            "",
            &[
                ("_menu_item_type", "post_type"),
                ("_menu_item_object", "page"),
                ("_menu_item_object_id", "1"),
                ("_menu_item_menu_item_parent", "0"),
            ],
        ),
        entry(
            11,
            "main-menu",
            2,
            "The walk",
            &[
                ("_menu_item_type", "custom"),
                ("_menu_item_object", "custom"),
                ("_menu_item_url", "https://menu.example/2019/05/a-walk/"),
                ("_menu_item_menu_item_parent", "0"),
            ],
        ),
        entry(
            12,
            "main-menu",
            3,
            "Team",
            &[
                ("_menu_item_type", "post_type"),
                ("_menu_item_object", "page"),
                ("_menu_item_object_id", "2"),
                ("_menu_item_menu_item_parent", "10"),
            ],
        ),
        entry(
            13,
            "main-menu",
            4,
            "Nowhere",
            &[
                ("_menu_item_type", "custom"),
                ("_menu_item_object", "custom"),
                ("_menu_item_url", "#"),
                ("_menu_item_menu_item_parent", "0"),
            ],
        ),
        entry(
            14,
            "main-menu",
            5,
            "Friends",
            &[
                ("_menu_item_type", "custom"),
                ("_menu_item_object", "custom"),
                ("_menu_item_url", "https://friends.example/"),
                ("_menu_item_menu_item_parent", "0"),
            ],
        ),
        entry(
            20,
            "footer-links",
            1,
            "",
            &[
                ("_menu_item_type", "post_type"),
                ("_menu_item_object", "page"),
                ("_menu_item_object_id", "2"),
                ("_menu_item_menu_item_parent", "0"),
            ],
        ),
    ];
    let export_text = format!(
        "<?xml version=\"1.0\"?><rss><channel><title>Menus</title><link>https://menu.example</link>{}</channel></rss>",
        items.concat()
    );
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("menus.xml");
    fs::write(&export, export_text).unwrap();
    let content = tmp.path().join("content");
    let report = import_report(&export, &content, None);
    for line in [
        "menu \"main-menu\": 3 links, the header's links in site.toml",
        "1 sub-items left out: the header has one level",
        "left out, leading nowhere the import could place: Nowhere",
        "other menus, not used: footer-links (choose one with --menu NAME)",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
    assert!(
        !report.contains("nav_menu_item"),
        "menu items are not reported as skipped:\n{report}"
    );
    let site: toml::Table =
        toml::from_str(&fs::read_to_string(content.join("site.toml")).unwrap()).unwrap();
    let nav: Vec<(String, String)> = site["nav"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["title"].as_str().unwrap().into(),
                l["url"].as_str().unwrap().into(),
            )
        })
        .collect();
    let pair = |t: &str, u: &str| (t.to_string(), u.to_string());
    assert_eq!(
        nav,
        [
            pair("about page", "/about/"),
            pair("The walk", "/posts/a-walk/"),
            pair("Friends", "https://friends.example/")
        ]
    );
    // The post's format comes along.
    let walk = fs::read_to_string(content.join("posts/a-walk/index.md")).unwrap();
    assert!(walk.contains("\nformat: aside\n"), "{walk}");
    common::build_to(&content, &tmp.path().join("out")).unwrap_or_else(|p| panic!("{p}"));

    // Asked for by name.
    let other = tmp.path().join("other");
    let out = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["import", "wordpress"])
        .arg(&export)
        .arg("--content")
        .arg(&other)
        .args(["--menu", "footer-links"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(fs::read_to_string(other.join("site.toml"))
        .unwrap()
        .contains("title = \"team page\""));
}
