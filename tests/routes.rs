//! The route table end to end: a fixture site with tags that are hard to put in an address is
//! built and its stubs written; then every address in the sitemap must have its page, and every
//! page must be in the sitemap.

mod common;

use common::{fixture, write_shell};
use fieldnotes::builder::{self, BuildOptions, StubOptions};
use percent_encoding::percent_decode_str;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const ROOT: &str = "https://routes.example.org/notes/";

/// The `routes` fixture, built and given its stubs in a temporary folder.
fn built_site() -> (tempfile::TempDir, builder::Stubs) {
    let dist = tempfile::tempdir().unwrap();
    builder::build(&BuildOptions {
        content: fixture("routes"),
        out: dist.path().join("data"),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    })
    .unwrap();
    write_shell(dist.path());
    // The shell as Trunk writes it for a site under `/notes/`.
    let shell = dist.path().join("index.html");
    let html = fs::read_to_string(&shell)
        .unwrap()
        .replace("/app", "/notes/app");
    fs::write(&shell, html).unwrap();
    let stubs = builder::write_stubs(
        dist.path(),
        &StubOptions {
            public_url: Some("/notes/".into()),
        },
    )
    .unwrap();
    (dist, stubs)
}

/// The sitemap's addresses, as paths below the base path, decoded as a host decodes them.
fn sitemap_paths(dist: &Path) -> Vec<String> {
    let xml = fs::read_to_string(dist.join(builder::SITEMAP_FILE)).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| {
            let url = n.text().unwrap();
            let path = url
                .strip_prefix(ROOT)
                .unwrap_or_else(|| panic!("{url} is not under {ROOT}"));
            percent_decode_str(path).decode_utf8().unwrap().into_owned()
        })
        .collect()
}

/// Every HTML file below `dir`, relative to it.
fn html_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy();
            out.push(rel.replace('\\', "/"));
        }
    }
}

#[test]
fn every_sitemap_address_has_a_page_and_every_page_is_in_the_sitemap() {
    let (dist, stubs) = built_site();
    let dist = dist.path();
    let listed = sitemap_paths(dist);
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "no address twice: {listed:?}");
    // Home, page 2, 3 posts, a page, tags, 12 tags, categories, 2 categories, authors, 2
    // authors, archive and its one year, search, offline.
    assert_eq!(listed.len(), 29, "{listed:?}");
    for path in &listed {
        let file = if path.is_empty() {
            dist.join("index.html")
        } else {
            dist.join(path).join("index.html")
        };
        assert!(file.is_file(), "{path:?} is in the sitemap but has no page");
    }

    let mut pages = Vec::new();
    html_files(dist, dist, &mut pages);
    let mut checked = 0;
    for page in &pages {
        let html = fs::read_to_string(dist.join(page)).unwrap();
        if page == "404.html"
            || page == builder::SHELL_FILE
            || html.contains("<meta http-equiv=\"refresh\"")
        {
            continue;
        }
        let path = page
            .strip_suffix("index.html")
            .unwrap_or_else(|| panic!("{page} is not a route's page"));
        assert!(
            unique.contains(&path.to_string()),
            "{page} is not in the sitemap"
        );
        checked += 1;
    }
    assert_eq!(checked, listed.len());
    assert_eq!(
        stubs.pages,
        listed.len() + 4,
        "the places, 404.html, the offline shell and two alias pages: {pages:?}"
    );
}

#[test]
fn tags_that_cannot_be_folder_names_get_pages_all_the_same() {
    let (dist, _) = built_site();
    let read = |file: &str| {
        fs::read_to_string(dist.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    for (folder, tag) in [
        ("a~2Fb", "a/b"),
        ("back~5Cslash", "back\\slash"),
        ("~2E", "."),
        ("~2E.", ".."),
        ("~2Ehidden", ".hidden"),
        ("what~3F", "what?"),
        ("~23hash", "#hash"),
        ("100~25", "100%"),
        ("~7Ehome", "~home"),
        ("street food", "street food"),
        ("ផ្សារ", "ផ្សារ"),
    ] {
        let page = read(&format!("tags/{folder}/index.html"));
        let title = format!("<title>Tagged “{tag}” · Route Fixture</title>").replace('&', "&amp;");
        assert!(page.contains(&title), "{folder}: {page}");
        // The page names its list file, which is there under the same folder name.
        let meta = "<meta name=\"fieldnotes-data\" content=\"";
        let at = page
            .find(meta)
            .unwrap_or_else(|| panic!("{folder}: no data file named"))
            + meta.len();
        let file = &page[at..at + page[at..].find('"').unwrap()];
        // Under its key and the hash of its content: `lists/tags/<folder>/1.<hash>.json`.
        let hash = file
            .strip_prefix(&format!("lists/tags/{folder}/1."))
            .and_then(|rest| rest.strip_suffix(".json"));
        assert!(hash.is_some_and(|h| h.len() == 16), "{file}");
        assert!(dist.path().join("data").join(file).is_file(), "{file}");
    }
    let both = read("tags/a~2Fb/index.html");
    assert!(
        both.contains("<a href=\"/notes/posts/slashes/\">Slashes and dots</a>")
            && both.contains("<a href=\"/notes/posts/scripts/\">Other scripts</a>"),
        "{both}"
    );
    assert!(
        both.contains(
            "<link rel=\"canonical\" href=\"https://routes.example.org/notes/tags/a~2Fb/\">"
        ),
        "{both}"
    );
    let tags = read("tags/index.html");
    for href in [
        "/notes/tags/a~2Fb/",
        "/notes/tags/street%20food/",
        "/notes/tags/100~25/",
        "/notes/tags/%E1%9E%95%E1%9F%92%E1%9E%9F%E1%9E%B6%E1%9E%9A/",
    ] {
        assert!(
            tags.contains(&format!("<a class=\"tag\" href=\"{href}\">")),
            "{href}: {tags}"
        );
    }
    let redirects = read(builder::REDIRECTS_FILE);
    assert!(
        redirects.contains("/notes/2019/05/slashes/ /notes/posts/slashes/ 301"),
        "{redirects}"
    );
}

#[test]
fn pages_and_categories_have_their_addresses_and_files() {
    let (dist, _) = built_site();
    let read = |file: &str| {
        fs::read_to_string(dist.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let listed = sitemap_paths(dist.path());
    // Each address of the sitemap is the path of its file, and back.
    for (path, file, title) in [
        ("about/", "about/index.html", "About these routes"),
        ("categories/", "categories/index.html", "Categories"),
        (
            "categories/Mekong ~2F Laos/",
            "categories/Mekong ~2F Laos/index.html",
            "In “Mekong / Laos”",
        ),
        (
            "categories/Day by day/",
            "categories/Day by day/index.html",
            "In “Day by day”",
        ),
    ] {
        assert!(listed.iter().any(|p| p == path), "{path} in {listed:?}");
        let page = read(file);
        assert!(
            page.contains(&format!("<title>{title} · Route Fixture</title>")),
            "{file}: {page}"
        );
    }
    let about = read("about/index.html");
    assert!(
        about.contains("<link rel=\"canonical\" href=\"https://routes.example.org/notes/about/\">")
    );
    assert!(about.contains("<link rel=\"preload\" href=\"/notes/data/pages/about."));
    let post = read("posts/slashes/index.html");
    assert!(
        post.contains("href=\"/notes/categories/Mekong%20~2F%20Laos/\">Mekong / Laos</a>"),
        "{post}"
    );
    assert!(read("who/index.html").contains("url=/notes/about/"));
    assert!(read(builder::REDIRECTS_FILE).contains("/notes/who/ /notes/about/ 301"));
}

#[test]
fn each_author_has_a_page_of_their_posts_and_no_e_mail_is_written() {
    let (dist, _) = built_site();
    let read = |file: &str| {
        fs::read_to_string(dist.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let listed = sitemap_paths(dist.path());
    for (path, title) in [
        ("authors/", "Authors"),
        ("authors/Sok Dara/", "Posts by Sok Dara"),
        ("authors/ស្រីពៅ/", "Posts by ស្រីពៅ"),
    ] {
        assert!(listed.iter().any(|p| p == path), "{path} in {listed:?}");
        let page = read(&format!("{path}index.html"));
        assert!(
            page.contains(&format!("<title>{title} · Route Fixture</title>")),
            "{path}: {page}"
        );
    }
    let dara = read("authors/Sok Dara/index.html");
    assert!(
        dara.contains("<a href=\"/notes/posts/slashes/\">Slashes and dots</a>")
            && dara.contains("<a href=\"/notes/posts/scripts/\">Other scripts</a>")
            && !dara.contains("Question marks"),
        "{dara}"
    );
    let authors = read("authors/index.html");
    assert!(
        authors.contains("<a class=\"author\" href=\"/notes/authors/Sok%20Dara/\">"),
        "{authors}"
    );
    // The byline links each name to its page.
    let post = read("posts/slashes/index.html");
    assert!(
        post.contains("By <a class=\"author\" href=\"/notes/authors/Sok%20Dara/\">Sok Dara</a>, <a class=\"author\""),
        "{post}"
    );
    for entry in walkdir::WalkDir::new(dist.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("sok.dara@example.org"),
                "{} holds the author's e-mail",
                entry.path().display()
            );
        }
    }
}

/// `content` built and given its stubs in a temporary folder, at the site root; with what the
/// build said.
fn built_content(content: &Path) -> (tempfile::TempDir, builder::BuildSummary) {
    let dist = tempfile::tempdir().unwrap();
    let summary = builder::build(&BuildOptions {
        content: content.to_path_buf(),
        out: dist.path().join("data"),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    })
    .unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions { public_url: None }).unwrap();
    (dist, summary)
}

/// The opening `<html …>` tag of a built page, and its header's and footer's.
fn language_tags(dist: &Path, page: &str) -> (String, String, String) {
    let html = fs::read_to_string(dist.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
    let tag = |start: &str| {
        let at = html
            .find(start)
            .unwrap_or_else(|| panic!("{page}: no {start}"));
        html[at..at + html[at..].find('>').unwrap() + 1].to_string()
    };
    (tag("<html"), tag("<header"), tag("<footer"))
}

#[test]
fn a_page_takes_the_language_and_direction_of_its_post_and_the_interface_keeps_the_sites() {
    let post = |lang: &str, title: &str| {
        format!("---\ntitle: {title}\ndate: 2025-02-0{}\nlang: {lang}\n---\n\nText of the post, long enough to read.\n", title.len() % 9 + 1)
    };
    let content = common::site_with(&[
        ("posts/english.md", post("en", "English").as_bytes()),
        ("posts/khmer.md", post("km", "Khmer").as_bytes()),
        ("posts/arabic.md", post("ar", "Arabic").as_bytes()),
    ]);
    let (dist, _) = built_content(content.path());
    let site = (
        "<header class=\"site-header\" lang=\"en\" dir=\"ltr\">".to_string(),
        "<footer class=\"site-footer\" lang=\"en\" dir=\"ltr\">".to_string(),
    );
    for (page, html) in [
        ("index.html", "<html lang=\"en\" dir=\"ltr\">"),
        ("posts/english/index.html", "<html lang=\"en\" dir=\"ltr\">"),
        ("posts/khmer/index.html", "<html lang=\"km\" dir=\"ltr\">"),
        ("posts/arabic/index.html", "<html lang=\"ar\" dir=\"rtl\">"),
    ] {
        assert_eq!(
            language_tags(dist.path(), page),
            (html.to_string(), site.0.clone(), site.1.clone()),
            "{page}"
        );
    }

    // A site in a right-to-left language runs right to left on every page of its interface.
    fs::write(
        content.path().join("site.toml"),
        "title = \"T\"\nlanguage = \"ar\"\n",
    )
    .unwrap();
    let (dist, _) = built_content(content.path());
    let (html, header, footer) = language_tags(dist.path(), "tags/index.html");
    assert_eq!(html, "<html lang=\"ar\" dir=\"rtl\">");
    assert_eq!(
        header,
        "<header class=\"site-header\" lang=\"ar\" dir=\"rtl\">"
    );
    assert_eq!(
        footer,
        "<footer class=\"site-footer\" lang=\"ar\" dir=\"rtl\">"
    );
    let (html, ..) = language_tags(dist.path(), "posts/english/index.html");
    assert_eq!(html, "<html lang=\"en\" dir=\"ltr\">");
}

#[test]
fn translations_link_to_each_other_by_language_and_name_their_alternates() {
    let post = |lang: &str, day: u32, of: Option<&str>| {
        let of = of
            .map(|s| format!("translation_of: {s}\n"))
            .unwrap_or_default();
        format!("---\ntitle: The ferry ({lang})\ndate: 2025-02-0{day}\nlang: {lang}\n{of}---\n\nText of the post, long enough to read.\n")
    };
    let content = common::site_with(&[
        ("posts/ferry.md", post("en", 1, None).as_bytes()),
        ("posts/ferry-km.md", post("km", 2, Some("ferry")).as_bytes()),
        // Joined through the English post, not named by the Khmer one.
        ("posts/ferry-fr.md", post("fr", 3, Some("ferry")).as_bytes()),
        (
            "posts/alone.md",
            post("ar", 4, Some("no-such-post")).as_bytes(),
        ),
    ]);
    let (dist, summary) = built_content(content.path());
    let warned: Vec<String> = summary.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warned.iter().any(|w| w.contains("alone.md")
            && w.contains("translation_of: no post has the slug `no-such-post`")),
        "{warned:?}"
    );
    let read = |slug: &str| {
        fs::read_to_string(dist.path().join(format!("posts/{slug}/index.html"))).unwrap()
    };
    let link = |slug: &str, lang: &str, name: &str| {
        format!("<a href=\"/posts/{slug}/\" hreflang=\"{lang}\" lang=\"{lang}\">{name}</a>")
    };
    let (en, fr, km) = (
        link("ferry", "en", "English"),
        link("ferry-fr", "fr", "Français"),
        link("ferry-km", "km", "ភាសាខ្មែរ"),
    );
    for (slug, others) in [
        ("ferry", [&fr, &km]),
        ("ferry-km", [&en, &fr]),
        ("ferry-fr", [&en, &km]),
    ] {
        let page = read(slug);
        let line = format!(
            "<p class=\"translations\">Read this in {}, {}</p>",
            others[0], others[1]
        );
        assert!(page.contains(&line), "{slug}: {line}\n{page}");
        // Every language of the post, its own included, for search engines.
        for (lang, of) in [("en", "ferry"), ("fr", "ferry-fr"), ("km", "ferry-km")] {
            let alternate =
                format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"/posts/{of}/\">");
            assert!(page.contains(&alternate), "{slug}: {alternate}");
        }
    }
    let alone = read("alone");
    assert!(
        !alone.contains("class=\"translations\"") && !alone.contains("hreflang"),
        "{alone}"
    );
}
