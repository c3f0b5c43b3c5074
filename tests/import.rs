//! Importing existing blogs: Jekyll, Hugo and Zola content folders build unchanged.

mod common;

use common::{fixture, write_shell};
use fieldnotes::builder::{self, BuildOptions, Severity, Site, StubOptions};
use fieldnotes::model::Post;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn options(content: PathBuf) -> BuildOptions {
    BuildOptions {
        content,
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    }
}

fn load(name: &str) -> Site {
    builder::load_site(&options(fixture(name))).unwrap_or_else(|p| panic!("{p}"))
}

fn post<'a>(site: &'a Site, slug: &str) -> &'a Post {
    site.posts
        .iter()
        .find(|p| p.summary.slug == slug)
        .unwrap_or_else(|| panic!("no post {slug}"))
}

#[test]
fn jekyll_posts_build_unchanged() {
    let site = load("jekyll");
    let slugs: Vec<_> = site.posts.iter().map(|p| p.summary.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["market-day", "river-crossing"],
        "dates and slugs from the file names"
    );
    assert_eq!(site.skipped.drafts, 1, "_drafts/ holds drafts");

    let crossing = post(&site, "river-crossing");
    let s = &crossing.summary;
    assert_eq!(
        s.date.as_deref(),
        Some("2024-03-05"),
        "date from the file name"
    );
    assert_eq!(s.tags, ["ferry", "river"], "space-separated tags");
    assert_eq!(s.categories, ["travel"]);
    assert_eq!(s.authors, ["Cleo"]);
    assert_eq!(s.summary, "We cross the river on a small ferry.", "excerpt");
    let cover = s.cover.as_ref().expect("cover image");
    assert_eq!(cover.alt, "The ferry at the landing");
    assert_eq!((cover.image.width, cover.image.height), (Some(6), Some(4)));
    // Published as resized copies: a WebP and a fallback every browser reads.
    assert!(
        cover.image.src.starts_with("media/boat."),
        "{}",
        cover.image.src
    );
    assert_eq!(cover.image.formats(), ["webp", "jpeg"]);
    assert_eq!(
        crossing.summary.aliases,
        ["/2024/03/05/river-crossing.html"]
    );
    assert_eq!(
        crossing.extra["layout"], "post",
        "unknown fields kept under extra"
    );
    // Liquid's highlight block, a post_url link and a site-rooted image, as the reader gets them.
    let html = crossing.html.as_str();
    assert!(
        html.contains("<code class=\"language-ruby\">puts \"crossing\"\n</code>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/posts/market-day\">the market</a>"),
        "{html}"
    );
    assert!(html.contains("alt=\"The ferry\""), "{html}");
    assert_eq!(crossing.images["/assets/boat.png"].width, Some(6));
    assert!(site.warnings.is_empty(), "{:?}", site.warnings);

    let market = post(&site, "market-day");
    assert_eq!(
        market.summary.summary, "Intro paragraph that is not the summary.",
        "text before <!-- more -->"
    );
}

#[test]
fn hugo_posts_build_unchanged() {
    let site = load("hugo");
    let slugs: Vec<_> = site.posts.iter().map(|p| p.summary.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["toml-post", "river-bundle", "undated"],
        "_index.md is a section, scheduled and expired posts are left out, undated sorts last"
    );
    assert_eq!((site.skipped.scheduled, site.skipped.expired), (1, 1));

    let toml = post(&site, "toml-post");
    let s = &toml.summary;
    assert_eq!(s.date.as_deref(), Some("2024-03-05"));
    assert_eq!(s.updated.as_deref(), Some("2024-04-01"), "lastmod");
    assert_eq!(s.summary, "A Hugo summary.", "description");
    assert_eq!(s.authors, ["Ana", "Ben"]);
    let series = s.series.as_ref().unwrap();
    assert_eq!(
        (series.name.as_str(), series.order),
        ("Down the river", Some(2))
    );
    assert_eq!(toml.summary.aliases, ["/old/toml-post/"]);
    assert_eq!(toml.extra["params"]["mood"], "calm");
    // Hugo's figure, ref and youtube shortcodes, as the reader gets them.
    let html = toml.html.as_str();
    assert!(
        html.contains("alt=\"The river\"") && html.contains("<figcaption>Late light</figcaption>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/posts/river-bundle\">the bundle</a>"),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://www.youtube.com/watch?v=abc123\""),
        "{html}"
    );
    assert_eq!(toml.images["river-bundle/photo.svg"].width, Some(120));

    let bundle = post(&site, "river-bundle");
    assert_eq!(
        bundle.images["photo.svg"].height,
        Some(80),
        "page bundle images sit beside the post"
    );
    assert_eq!(bundle.summary.series.as_ref().unwrap().order, Some(1));

    let warnings: Vec<_> = site.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("undated.md:2:1: warning: the post has no date; it is listed last"),
        "{warnings:?}"
    );

    // Asked for, scheduled and expired posts are published.
    let all = builder::load_site(&BuildOptions {
        future: true,
        expired: true,
        ..options(fixture("hugo"))
    })
    .unwrap();
    assert_eq!(all.posts.len(), 5);
}

#[test]
fn zola_posts_build_unchanged() {
    let site = load("zola");
    let zola = post(&site, "some-post");
    let s = &zola.summary;
    assert_eq!(
        s.date.as_deref(),
        Some("2020-03-12"),
        "date from a date-shaped path"
    );
    assert_eq!(s.tags, ["rust", "notes"], "[taxonomies] tags");
    assert_eq!(s.categories, ["dev"]);
    assert_eq!(s.summary, "From Zola.");
    assert_eq!(zola.extra["comments"], false, "[extra] kept");
    let html = zola.html.as_str();
    assert!(
        html.contains("href=\"https://www.youtube.com/watch?v=xyz\""),
        "{html}"
    );
    assert!(
        html.contains("<p>Quoted words.</p>") && !html.contains("{%"),
        "{html}"
    );
}

#[test]
fn aliases_become_redirect_pages() {
    let dist = tempfile::tempdir().unwrap();
    builder::build(&BuildOptions {
        out: dist.path().join("data"),
        ..options(fixture("jekyll"))
    })
    .unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let redirect = fs::read_to_string(dist.path().join("2024/03/05/river-crossing.html")).unwrap();
    assert!(
        redirect
            .contains("<meta http-equiv=\"refresh\" content=\"0; url=/posts/river-crossing/\">"),
        "{redirect}"
    );
    assert!(redirect.contains("<link rel=\"canonical\" href=\"/posts/river-crossing/\">"));
    // Hosts that read `_redirects` answer the old address with a real 301.
    let rules = fs::read_to_string(dist.path().join(builder::REDIRECTS_FILE)).unwrap();
    assert!(
        rules.contains("\n/2024/03/05/river-crossing.html /posts/river-crossing/ 301\n"),
        "{rules}"
    );
}

fn site_with(posts: &[(&str, &str)]) -> tempfile::TempDir {
    let files: Vec<(&str, &[u8])> = posts
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    common::site_with(&files)
}

#[test]
fn images_without_alt_text_warn_at_their_place_and_fail_with_strict() {
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/jekyll/assets/boat.png"),
    )
    .unwrap();
    let content = common::site_with(&[
        (
            "a/index.md",
            b"---\ntitle: A\ndate: 2025-01-01\ncover: boat.png\n---\nIntro.\n\n![](boat.png)\n\n![A boat](boat.png)\n\n![ ](boat.png \"only a title\")\n",
        ),
        ("a/boat.png", &png),
    ]);
    let site = builder::load_site(&options(content.path().to_path_buf())).unwrap();
    let warnings: Vec<_> = site.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("index.md:2:1: warning: cover image without alt text: boat.png")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("index.md:8:1: warning: image without alt text: boat.png")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("index.md:12:1: warning: image without alt text: boat.png")),
        "{warnings:?}"
    );
    let strict = builder::build(&BuildOptions {
        strict: true,
        out: content.path().join("out"),
        ..options(content.path().to_path_buf())
    })
    .unwrap_err();
    assert_eq!(strict.0.len(), 3);
}

#[test]
fn broken_links_and_missing_images_warn_and_fail_with_strict() {
    let content = site_with(&[
        ("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nSee [b](/posts/b) and [gone](/posts/gone).\n\n![x](media/none.png)\n"),
        ("b.md", "---\ntitle: B\ndate: 2025-01-02\n---\nHi.\n"),
    ]);
    let site = builder::load_site(&options(content.path().to_path_buf())).unwrap();
    let warnings: Vec<_> = site.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("a.md:5:23: warning: link to a post that does not exist: /posts/gone"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains(
            "a.md:7:1: warning: image not found: media/none.png (looked for media/none.png)"
        ),
        "{warnings:?}"
    );
    assert!(site
        .warnings
        .iter()
        .all(|w| w.severity == Severity::Warning));

    let strict = builder::build(&BuildOptions {
        strict: true,
        out: content.path().join("out"),
        ..options(content.path().to_path_buf())
    })
    .unwrap_err();
    assert_eq!(strict.0.len(), 2);
    assert!(
        !content.path().join("out").exists(),
        "a strict failure writes nothing"
    );
    assert!(strict
        .to_string()
        .ends_with("2 problems found; nothing was written"));
}

#[test]
fn a_ten_megabyte_post_builds() {
    let paragraph =
        "The river was wide and brown, and the ferry waited for one more passenger. ".repeat(40);
    let mut body = String::with_capacity(10_600_000);
    let mut n = 0;
    while body.len() < 10 * 1024 * 1024 {
        n += 1;
        body.push_str(&format!("## Part {n}\n\n{paragraph}\n\n"));
    }
    let content = site_with(&[(
        "huge.md",
        &format!("---\ntitle: Huge\ndate: 2025-01-01\n---\n{body}"),
    )]);
    let out = content.path().join("out");
    let summary = builder::build(&BuildOptions {
        out: out.clone(),
        ..options(content.path().to_path_buf())
    })
    .unwrap();
    assert_eq!(summary.posts, 1);
    let site = builder::load_site(&options(content.path().to_path_buf())).unwrap();
    assert!(
        site.posts[0].summary.reading_minutes > 5000,
        "{}",
        site.posts[0].summary.reading_minutes
    );
}

#[test]
fn check_writes_nothing_and_new_scaffolds_a_draft() {
    let content = site_with(&[("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHi.\n")]);
    let bin = env!("CARGO_BIN_EXE_fieldnotes");
    let check = Command::new(bin)
        .args(["check", "--content"])
        .arg(content.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stderr).contains("1 posts checked, no errors"));
    assert!(!Path::new("public/data").starts_with(content.path()));

    let new = Command::new(bin)
        .args(["new", "Day 3: The river", "--content"])
        .arg(content.path())
        .output()
        .unwrap();
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let path = content.path().join("day-3-the-river.md");
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Day 3: The river\"\ndate: "),
        "{text}"
    );
    assert!(text.contains("draft: true"));
    // The scaffold is a valid post (a draft, so left out), and `new` never overwrites.
    let site = builder::load_site(&BuildOptions {
        drafts: true,
        ..options(content.path().to_path_buf())
    })
    .unwrap();
    assert_eq!(site.posts.len(), 2);
    let again = Command::new(bin)
        .args(["new", "Day 3: The river", "--content"])
        .arg(content.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let bad = site_with(&[("a.md", "---\ntitle: A\ndate: 2025-02-30\n---\n")]);
    let check = Command::new(bin)
        .args(["check", "--content"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
}

/// Every warning of a site, as `file:line:col: warning: message` lines.
fn warnings_of(site: &Site) -> Vec<String> {
    site.warnings
        .iter()
        .map(|w| {
            let file = w.path.file_name().unwrap().to_string_lossy().into_owned();
            format!("{file}: {}", w.message)
        })
        .collect()
}

#[test]
fn zola_posts_sharing_a_slug_across_years_all_build() {
    let site = load("zola-paths");
    let mut slugs: Vec<_> = site
        .posts
        .iter()
        .map(|p| (p.summary.slug.as_str(), p.summary.aliases.clone()))
        .collect();
    slugs.sort();
    assert_eq!(
        slugs,
        [
            ("the-lake", vec!["/2014/03/02/the-lake/".to_string()]),
            ("the-lake-2015", vec!["/2015/03/08/the-lake/".to_string()]),
            (
                "the-lake-2015-04-20",
                vec!["/2015/04/20/the-lake/".to_string()]
            ),
        ],
        "the oldest keeps the slug; the others get the year, then the date; each keeps its path as an alias"
    );
    let warnings = warnings_of(&site);
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings.iter().any(|w| w.starts_with("lake-2015.md: slug \"the-lake\" is also used by")
            && w.ends_with("lake-2014.md: this post is published at /posts/the-lake-2015/; its old address /2015/03/08/the-lake/ leads there")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "latest.md: skipped: a page with no title and `template = \"latest.html\"`"
        )),
        "{warnings:#?}"
    );
    assert_eq!(site.skipped.not_posts, 1);

    // The same content gives the same addresses, whatever order the files are read in.
    let again = load("zola-paths");
    let slugs_again: Vec<_> = again.posts.iter().map(|p| &p.summary.slug).collect();
    let slugs_first: Vec<_> = site.posts.iter().map(|p| &p.summary.slug).collect();
    assert_eq!(slugs_again, slugs_first);
}

#[test]
fn zola_old_paths_redirect_to_the_new_addresses() {
    let dist = tempfile::tempdir().unwrap();
    builder::build(&BuildOptions {
        out: dist.path().join("data"),
        ..options(fixture("zola-paths"))
    })
    .unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let redirect = fs::read_to_string(dist.path().join("2015/03/08/the-lake/index.html")).unwrap();
    assert!(redirect.contains("url=/posts/the-lake-2015/"), "{redirect}");
    let rules = fs::read_to_string(dist.path().join(builder::REDIRECTS_FILE)).unwrap();
    assert!(
        rules.contains("/2014/03/02/the-lake/ /posts/the-lake/ 301"),
        "{rules}"
    );
}

#[test]
fn a_jekyll_date_typo_falls_back_to_the_file_name() {
    let site = load("jekyll-dates");
    let market = post(&site, "night-market");
    assert_eq!(market.summary.date.as_deref(), Some("2023-01-29"));
    assert_eq!(
        market.summary.aliases,
        ["/food/2023/01/29/night-market.html"],
        "the site's permalink pattern gives each post its old address"
    );
    let ferry = post(&site, "ferry-notes");
    assert_eq!(ferry.summary.aliases, ["/2023/02/02/ferry-notes.html"]);

    let warnings = warnings_of(&site);
    assert!(
        warnings.contains(
            &"2023-01-29-night-market.md: date \"2023-01-29 18:30:22 2023 -0800\" is not a valid date; the date of the file name, 2023-01-29, is used".to_string()
        ),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w
                .starts_with("index.md: skipped: a page with no title and `layout = \"home\"`")),
        "{warnings:#?}"
    );
    assert!(
        warnings.contains(
            &"README.md: skipped: README.md has no front matter; it is the repository's notes, not a post".to_string()
        ),
        "{warnings:#?}"
    );
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert_eq!(
        (site.skipped.not_posts, site.skipped.drafts),
        (2, 1),
        "the home page and the README are not posts; the private post is a draft"
    );

    // A preview build with drafts shows the private post; --strict makes the typo an error.
    let preview = builder::load_site(&BuildOptions {
        drafts: true,
        ..options(fixture("jekyll-dates"))
    })
    .unwrap();
    assert!(preview
        .posts
        .iter()
        .any(|p| p.summary.slug == "letter-home"));
    let strict = builder::load_site(&BuildOptions {
        strict: true,
        ..options(fixture("jekyll-dates"))
    })
    .unwrap_err();
    assert!(
        strict.to_string().contains("is not a valid date"),
        "{strict}"
    );
}

#[test]
fn two_chosen_slugs_that_clash_stay_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("site.toml"), "title = \"T\"\n").unwrap();
    fs::write(
        tmp.path().join("a.md"),
        "---\ntitle: A\ndate: 2025-01-01\nslug: same\n---\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("b.md"),
        "---\ntitle: B\ndate: 2025-01-02\nslug: same\n---\n",
    )
    .unwrap();
    let problems = builder::load_site(&options(tmp.path().to_path_buf())).unwrap_err();
    assert!(
        problems.to_string().contains("duplicate slug \"same\""),
        "{problems}"
    );
}

#[test]
fn a_bad_permalink_setting_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("site.toml"),
        "title = \"T\"\npermalink = \"/:year/:colour/\"\n",
    )
    .unwrap();
    let problems = builder::load_site(&options(tmp.path().to_path_buf())).unwrap_err();
    let text = problems.to_string();
    assert!(
        text.contains("site.toml:2:1") && text.contains(":colour"),
        "{text}"
    );
}

#[test]
fn the_previous_generators_permalink_setting_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("site.toml"), "title = \"T\"\n").unwrap();
    fs::write(
        tmp.path().join("_config.yml"),
        "title: Old\npermalink: pretty\n",
    )
    .unwrap();
    fs::create_dir(tmp.path().join("_posts")).unwrap();
    fs::write(
        tmp.path().join("_posts/2022-07-01-rain.md"),
        "---\ntitle: Rain\ncategories: [weather]\n---\nIt rained.\n",
    )
    .unwrap();
    let site = builder::load_site(&options(tmp.path().to_path_buf())).unwrap();
    assert_eq!(site.posts[0].summary.aliases, ["/weather/2022/07/01/rain/"]);

    fs::remove_file(tmp.path().join("_config.yml")).unwrap();
    fs::write(
        tmp.path().join("hugo.toml"),
        "title = \"Old\"\n[permalinks]\nposts = \"/:year/:month/:slug/\"\n",
    )
    .unwrap();
    let site = builder::load_site(&options(tmp.path().to_path_buf())).unwrap();
    assert_eq!(site.posts[0].summary.aliases, ["/2022/07/rain/"]);
}

#[test]
fn an_old_short_link_gets_a_page_the_app_can_find() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir(&content).unwrap();
    fs::write(content.join("site.toml"), "title = \"T\"\n").unwrap();
    fs::write(
        content.join("river.md"),
        "---\ntitle: River\ndate: 2024-03-05\naliases: [\"/?p=12\", \"/?page_id=x y\"]\n---\nBody\n",
    )
    .unwrap();
    let dist = tmp.path().join("dist");
    builder::build(&BuildOptions {
        out: dist.join("data"),
        ..options(content)
    })
    .unwrap();
    write_shell(&dist);
    builder::write_stubs(&dist, &StubOptions::default()).unwrap();
    let page = fs::read_to_string(dist.join("moved/p/12/index.html")).unwrap();
    assert!(page.contains("url=/posts/river/"), "{page}");
    let rules = fs::read_to_string(dist.join(builder::REDIRECTS_FILE)).unwrap();
    assert_eq!(
        rules.lines().count(),
        1,
        "no rule for the home page: {rules}"
    );
    assert!(
        !dist.join("moved/page_id").exists(),
        "a query that is not plain has no page"
    );
}

#[test]
fn mdx_posts_build_as_markdown_with_what_was_dropped_reported() {
    let site = load("mdx");
    let slugs: Vec<_> = site.posts.iter().map(|p| p.summary.slug.as_str()).collect();
    assert_eq!(slugs, ["water-filters", "plain-notes"]);

    let filters = post(&site, "water-filters");
    let html = filters.html.as_str();
    for kept in [
        "<h2 id=\"results\">The results",
        "<code class=\"language-text\">litres per minute: 1.2",
        "<p>The gravity bag needs <strong>no effort</strong> at all.</p>",
        "<p>Boiling for one minute still works when a filter clogs.</p>",
        "Open the lid with two hands, then wait a minute.<br />",
        "<p>Brown after rain, clear by noon.</p>",
        // A Docusaurus admonition, as a block quote led by its title.
        "<blockquote>\n<p><strong>Cold water</strong></p>\n<p>Keep the filter from freezing.</p>\n</blockquote>",
    ] {
        assert!(html.contains(kept), "{kept} missing from {html}");
    }
    for gone in [
        "import",
        "export",
        "Tabs",
        "TabItem",
        "Admonition",
        "Kbd",
        "&lt;",
        "{",
        "Photos to add",
        "fourth filter",
    ] {
        assert!(!html.contains(gone), "{gone} left in {html}");
    }

    let warnings = warnings_of(&site);
    let dropped = warnings
        .iter()
        .find(|w| w.contains("water-filters.mdx") && w.contains("MDX: dropped"))
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(
        dropped.contains("<Tabs>, <TabItem>, <Admonition>"),
        "{dropped}"
    );
    assert!(dropped.contains("4 import/export statements"), "{dropped}");

    // Not valid MDX: read as Markdown, the place named, its import still dropped.
    let plain = post(&site, "plain-notes");
    let html = plain.html.as_str();
    assert!(
        html.contains("When the river is &lt; 2 metres deep"),
        "{html}"
    );
    assert!(!html.contains("import"), "{html}");
    assert!(
        site.warnings
            .iter()
            .any(|w| w.path.ends_with("plain-notes.mdx")
                && w.line == 8
                && w.message.contains("not valid MDX")),
        "{warnings:?}"
    );
}

/// Only the files that published posts and pages show or link to are published: another engine's
/// settings (which may hold e-mail addresses), a draft's photo and a file nothing links to stay
/// home; a link to a file of the site goes to its published copy. Docusaurus's `authors.yml`
/// gives the authors' names.
#[test]
fn only_files_that_posts_use_are_published_and_links_to_them_work() {
    let boat = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jekyll/assets/boat.png"),
    )
    .unwrap();
    let dir = common::site_with(&[
        ("_config.yml", b"title: Old\nemail: owner@private.example\n"),
        ("blog/authors.yml", b"dara:\n  name: Dara\n  email: dara@private.example\n"),
        ("blog/notes.pdf", b"%PDF-1.4 notes"),
        ("blog/locked.pdf", b"%PDF-1.4 locked"),
        ("blog/unused.pdf", b"%PDF-1.4 unused"),
        ("blog/boat.png", &boat),
        ("blog/draft-boat.png", &boat[..]),
        (
            "blog/2025-01-01-open.md",
            b"---\ntitle: Open\nauthors: [dara, Guest]\n---\nRead [the notes](notes.pdf#page=2), [again](/blog/notes.pdf) and ![A boat](boat.png).\n",
        ),
        (
            "blog/2025-01-02-draft.md",
            b"---\ntitle: Draft\ndraft: true\n---\n![A boat, again](draft-boat.png) [locked](locked.pdf)\n",
        ),
        (
            "blog/2025-01-03-locked.md",
            b"---\ntitle: Locked\npassword: pw\n---\nSee [the locked notes](locked.pdf).\n",
        ),
    ]);
    let site = builder::load_site(&options(dir.path().to_path_buf())).unwrap();
    let open = post(&site, "open");
    // Docusaurus's authors.yml names the author the post names by key; only the name is read.
    assert_eq!(open.summary.authors, ["Dara", "Guest"]);
    let html = open.html.as_str();
    let pdf = site
        .media
        .keys()
        .find(|k| k.starts_with("media/notes."))
        .expect("the linked file is published");
    assert!(
        html.contains(&format!("<a href=\"/data/{pdf}#page=2\">the notes</a>"))
            && html.contains(&format!("<a href=\"/data/{pdf}\">again</a>")),
        "{html}"
    );
    assert!(site.media.keys().any(|k| k.starts_with("media/boat")));
    for (path, bytes) in &site.media {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("private.example"),
            "{path} publishes an e-mail"
        );
        assert!(
            !path.contains("unused") && !path.contains("locked") && !path.contains("draft-boat"),
            "{path} is published"
        );
    }
    // The settings files, the unused PDF, the draft's photo (the draft is left out) and the
    // protected post's PDF.
    assert_eq!(site.skipped.unused_files, 5);
    assert!(
        warnings_of(&site)
            .iter()
            .any(|w| w.contains("1 file(s) this protected post links to are not published")),
        "{:?}",
        warnings_of(&site)
    );
}
