//! Standalone pages and categories end to end: the `pages` fixture (three posts in two
//! countries' categories, an About page under `pages/`, a Contact page marked `layout: page`, a
//! draft page) built, its stubs written, and what a reader and a crawler find checked.

mod common;

use common::{build_to as build, fixture, site_with, write_shell};
use fieldnotes::builder::{self, StubOptions};
use fieldnotes::model::{
    doc_file, AllPosts, DocBlock, ListPage, Manifest, Page, Taxonomy, TermIndex, DOC_BLOCK,
    MANIFEST_FILE,
};
use fieldnotes::search::filter;
use std::fs;
use std::path::Path;

fn read<T: serde::de::DeserializeOwned>(data: &Path, file: &str) -> T {
    let bytes = fs::read(data.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The fixture built into a temporary site with its stubs.
fn built() -> (tempfile::TempDir, Manifest) {
    let dist = tempfile::tempdir().unwrap();
    let data = dist.path().join("data");
    let summary = build(&fixture("pages"), &data).unwrap();
    assert_eq!((summary.posts, summary.pages), (3, 2));
    assert_eq!(summary.skipped.drafts, 1, "the draft page");
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let manifest = read(&data, MANIFEST_FILE);
    (dist, manifest)
}

#[test]
fn pages_are_written_apart_from_the_posts() {
    let (dist, manifest) = built();
    let data = dist.path().join("data");
    let slugs: Vec<&str> = manifest.pages.keys().map(String::as_str).collect();
    assert_eq!(
        slugs,
        ["about", "contact"],
        "`layout: page` makes a page; drafts stay out"
    );
    let about: Page = read(&data, &manifest.pages["about"]);
    assert!(manifest.pages["about"].starts_with("pages/about."));
    assert_eq!(about.title, "About");
    assert_eq!(about.summary, "Who keeps these notes.");
    assert_eq!(about.aliases, ["/about-us/"]);
    assert!(about.images["../media/dot.svg"]
        .src
        .starts_with("media/dot."));
    assert!(data.join(&about.images["../media/dot.svg"].src).exists());

    // Not a post anywhere: not in the lists, the cards, the search index or the feeds.
    assert_eq!(manifest.post_count, 3);
    let all: AllPosts = read(&data, &manifest.all_posts);
    let posts: Vec<&str> = all.posts.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(posts, ["bangkok", "river", "market"]);
    let mut outside_pages = Vec::new();
    for entry in walkdir::WalkDir::new(dist.path()) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(dist.path()).unwrap();
        let in_own_files = relative.starts_with("data/pages")
            || relative.starts_with("about")
            || relative.starts_with("about-us");
        if entry.file_type().is_file() && !in_own_files {
            let text = String::from_utf8_lossy(&fs::read(entry.path()).unwrap()).into_owned();
            if text.contains("zanzibarish") || text.contains("quillwort") {
                outside_pages.push(relative.display().to_string());
            }
        }
    }
    // Contact's words are in its own page only (`contact/index.html`).
    assert_eq!(outside_pages, ["contact/index.html"]);
}

#[test]
fn a_page_has_its_route_page_sitemap_entry_and_old_address() {
    let (dist, _) = built();
    let about = fs::read_to_string(dist.path().join("about/index.html")).unwrap();
    for needle in [
        "<title>About · Pages Fixture</title>",
        "<meta name=\"description\" content=\"Who keeps these notes.\">",
        "<link rel=\"canonical\" href=\"https://pages.example.org/about/\">",
        "<meta name=\"fieldnotes-data\" content=\"pages/about.",
        "<link rel=\"preload\" href=\"/data/pages/about.",
        "<article class=\"page standalone\" lang=\"en\" dir=\"ltr\"><header><h1 class=\"page-title\">About</h1></header>",
        "one zanzibarish traveller",
        "src=\"/data/media/dot.",
        "<li><a href=\"/about/\">About</a></li>",
    ] {
        assert!(about.contains(needle), "{needle} in {about}");
    }
    let article = &about[about.find("<article").unwrap()..about.find("</article>").unwrap()];
    assert!(!article.contains("<time"), "a page has no date: {article}");
    assert!(!about.contains("class=\"post-nav\""), "no neighbours");
    let contact = fs::read_to_string(dist.path().join("contact/index.html")).unwrap();
    assert!(contact.contains("<h1 class=\"page-title\">Contact</h1>"));
    assert!(
        !dist.path().join("hidden").exists(),
        "the draft page is not published"
    );

    let sitemap = fs::read_to_string(dist.path().join(builder::SITEMAP_FILE)).unwrap();
    assert!(sitemap.contains("<loc>https://pages.example.org/about/</loc>"));
    assert!(sitemap.contains("<loc>https://pages.example.org/contact/</loc>"));
    assert!(!sitemap.contains("posts/about"), "{sitemap}");
    let atom = fs::read_to_string(dist.path().join(builder::ATOM_FILE)).unwrap();
    assert!(!atom.contains("/about/"), "{atom}");

    let old = fs::read_to_string(dist.path().join("about-us/index.html")).unwrap();
    assert!(old.contains("url=/about/"), "{old}");
    let redirects = fs::read_to_string(dist.path().join(builder::REDIRECTS_FILE)).unwrap();
    assert!(redirects.contains("/about-us/ /about/ 301"), "{redirects}");
}

#[test]
fn a_page_may_not_take_an_address_of_the_site() {
    let problems = build_problems(&[
        ("pages/search.md", b"---\ntitle: Search me\n---\nx\n"),
        (
            "tagged.md",
            b"---\ntitle: Tags\nlayout: page\nslug: tags\n---\nx\n",
        ),
        ("pages/fine.md", b"---\ntitle: Fine\n---\nx\n"),
    ]);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with("pages/search.md:1:1: the page's address /search/ is taken by the site itself | give the page another `slug:`"), "{problems:#?}");
    assert!(
        problems[1].starts_with("tagged.md:1:1: the page's address /tags/"),
        "{problems:#?}"
    );
}

#[test]
fn a_post_under_its_own_slug_does_not_clash_with_a_page() {
    // Pages live at `/<slug>/`, posts at `/posts/<slug>/`: one slug may serve both.
    let content = site_with(&[
        (
            "about.md",
            b"---\ntitle: About a day\ndate: 2025-01-01\n---\nx\n",
        ),
        ("pages/about.md", b"---\ntitle: About\n---\ny\n"),
    ]);
    let summary = build(content.path(), &content.path().join("out")).unwrap();
    assert_eq!((summary.posts, summary.pages), (1, 1));
}

/// Each problem of a failed build as `path:line:column: message | hint`, the path relative to the
/// content folder.
fn build_problems(files: &[(&str, &[u8])]) -> Vec<String> {
    let content = site_with(files);
    let problems = build(content.path(), &content.path().join("out")).unwrap_err();
    problems
        .0
        .iter()
        .map(|p| {
            let file = p.path.strip_prefix(content.path()).unwrap().display();
            format!("{file}:{}:{}: {} | {}", p.line, p.column, p.message, p.hint)
        })
        .collect()
}

#[test]
fn categories_are_listed_and_paged_like_tags() {
    let (dist, manifest) = built();
    let data = dist.path().join("data");
    let lists = fieldnotes::builder::directory_in(&data, &manifest).unwrap();
    let index: TermIndex = read(&data, &lists[&Taxonomy::Categories.index_file()]);
    assert_eq!(
        index.terms,
        [
            ("Cambodia".to_string(), 2),
            ("Day by day".to_string(), 1),
            ("Thailand".to_string(), 1)
        ]
    );
    let page = |n| -> ListPage {
        read(
            &data,
            &lists[&Taxonomy::Categories.term_file("Cambodia", n)],
        )
    };
    let (first, second) = (page(1), page(2));
    assert_eq!(
        (first.page, first.pages, first.total),
        (1, 2, 2),
        "one post a page"
    );
    assert_eq!(first.posts[0].slug, "river");
    assert_eq!(second.posts[0].slug, "market");

    let route = |file: &str| fs::read_to_string(dist.path().join(file)).unwrap();
    let categories = route("categories/index.html");
    assert!(categories.contains("<title>Categories · Pages Fixture</title>"));
    assert!(
        categories.contains("<li><a class=\"category\" href=\"/categories/Cambodia/\">Cambodia</a> <span class=\"count\">2 posts</span></li>"),
        "{categories}"
    );
    let cambodia = route("categories/Cambodia/index.html");
    assert!(
        cambodia.contains("<h1 class=\"page-title\">In “Cambodia”</h1>"),
        "{cambodia}"
    );
    assert!(cambodia.contains("<a href=\"/posts/river/\">Down the river</a>"));
    assert!(cambodia.contains("<a href=\"/categories/Cambodia/page/2/\" rel=\"next\">"));
    let second = route("categories/Cambodia/page/2/index.html");
    assert!(second.contains("<a href=\"/posts/market/\">The morning market</a>"));
    assert!(route("categories/Day by day/index.html").contains("In “Day by day”"));

    let post = route("posts/river/index.html");
    assert!(
        post.contains("<ul class=\"categories\" aria-label=\"Categories\"><li><a class=\"category\" href=\"/categories/Cambodia/\">Cambodia</a></li><li><a class=\"category\" href=\"/categories/Day%20by%20day/\">Day by day</a></li></ul><ul class=\"tags\""),
        "categories before tags: {post}"
    );
    let sitemap = route(builder::SITEMAP_FILE);
    for url in [
        "categories/",
        "categories/Cambodia/",
        "categories/Cambodia/page/2/",
        "categories/Day%20by%20day/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://pages.example.org/{url}</loc>")),
            "{url}"
        );
    }
}

#[test]
fn a_category_filter_keeps_the_posts_in_that_category() {
    let (dist, manifest) = built();
    let data = dist.path().join("data");
    // The search results' cards carry what the filter reads.
    let lists = fieldnotes::builder::directory_in(&data, &manifest).unwrap();
    let cards: Vec<_> = (0..manifest.post_count as u32)
        .step_by(DOC_BLOCK)
        .map(|doc| read::<DocBlock>(&data, &lists[&doc_file(doc)]))
        .flat_map(|block| block.posts)
        .collect();
    let found = |query: &str| {
        let (words, filters) = filter::split(query);
        let slugs: Vec<String> = cards
            .iter()
            .filter(|card| filter::keeps_all(&filters, card))
            .map(|card| card.slug.clone())
            .collect();
        (words, slugs)
    };
    assert_eq!(
        found("category:cambodia"),
        (String::new(), vec!["river".into(), "market".into()])
    );
    assert_eq!(
        found("boat category:\"day by day\""),
        ("boat".into(), vec!["river".into()])
    );
    assert_eq!(found("category:Thailand tag:food").1, ["bangkok"]);
    assert!(found("category:Laos").1.is_empty());
}
