//! The author's look (`[theme]` in `site.toml`) end to end: the `themed` fixture built with its
//! stubs, and each setting found where readers' browsers look for it; accents that fail WCAG AA
//! refused with their ratio; stylesheets that would load another site's files refused.

mod common;

use common::{build_to as build, fixture, write_shell};
use fieldnotes::builder::{self, StubOptions};
use fieldnotes::model::{Manifest, MANIFEST_FILE};
use std::fs;
use std::path::Path;

/// Not a font a browser could draw with, but one the builder takes: a TrueType header.
const FONT: &[u8] = b"\x00\x01\x00\x00\x00\x0a\x00\x80\x00\x03\x00\x20";

/// The fixture copied into a temporary folder, with its font and `site.toml` changed by `edit`.
fn themed(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("themed");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
    fs::write(dir.path().join("theme/body.ttf"), FONT).unwrap();
    let toml = dir.path().join("site.toml");
    fs::write(&toml, edit(fs::read_to_string(&toml).unwrap())).unwrap();
    dir
}

/// The message of the one problem building `content` finds.
fn refusal(content: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let problems = build(content, out.path()).expect_err("the build must refuse this theme");
    assert_eq!(problems.0.len(), 1, "{problems}");
    problems.to_string()
}

/// The fixture built, with the stubs written around a shell that has its own icon and stylesheet.
fn built() -> (tempfile::TempDir, Manifest) {
    let content = themed(|toml| toml);
    let dist = tempfile::tempdir().unwrap();
    let summary = build(content.path(), &dist.path().join("data")).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    // The theme's own files are not counted as files no post uses.
    assert_eq!(summary.skipped.unused_files, 0);
    write_shell(dist.path());
    let shell = common::SHELL.replace(
        "</head>",
        "<link rel=\"icon\" href=\"/favicon-1.svg\"/>\n<link rel=\"stylesheet\" href=\"/main-2.css\"/>\n</head>",
    );
    fs::write(dist.path().join("index.html"), shell).unwrap();
    fs::write(dist.path().join("favicon-1.svg"), "<svg/>").unwrap();
    fs::write(dist.path().join("main-2.css"), "body{}").unwrap();
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(dist.path().join("data").join(MANIFEST_FILE)).unwrap())
            .unwrap();
    (dist, manifest)
}

fn text(dist: &Path, file: &str) -> String {
    fs::read_to_string(dist.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn the_theme_stylesheet_carries_accent_logo_font_and_the_authors_rules() {
    let (dist, manifest) = built();
    let theme = manifest.theme.expect("the manifest names the theme");
    let css = text(&dist.path().join("data"), theme.css.as_deref().unwrap());
    // The accent as given for the light theme; for the dark one, a lighter shade that passes.
    assert!(
        css.contains("--accent: light-dark(#8a3b12, #f0a070)"),
        "{css}"
    );
    assert_eq!(theme.color.as_deref(), Some("#8a3b12"));
    let logo = theme
        .uses
        .iter()
        .find(|f| f.starts_with("theme/logo."))
        .unwrap();
    assert!(logo.ends_with(".svg"));
    assert!(
        css.contains(&format!("url(\"{}\")", &logo["theme/".len()..])),
        "{css}"
    );
    let font = theme.font.as_ref().unwrap();
    assert_eq!(font.mime, "font/ttf");
    assert!(css.contains("font-display: swap"), "{css}");
    assert!(css.contains("--theme-font: \"Fieldnotes theme\","), "{css}");
    // The author's rules come last, their url() pointing at the published copy of the file.
    let waves = theme
        .uses
        .iter()
        .find(|f| f.starts_with("theme/waves."))
        .unwrap();
    let authors = css
        .find("/* theme/extra.css */")
        .expect("the author's rules");
    assert!(authors > css.find("--accent").unwrap());
    assert!(
        css[authors..].contains(&format!("url(\"{}\")", &waves["theme/".len()..])),
        "{css}"
    );
    assert!(css.contains("text-transform: uppercase"));
    for file in theme.uses.iter().chain([theme.css.as_ref().unwrap()]) {
        assert!(dist.path().join("data").join(file).is_file(), "{file}");
    }
    // The published SVGs went through the sanitiser like every other.
    assert!(!text(&dist.path().join("data"), logo).contains("<script"));
}

#[test]
fn the_favicon_becomes_the_tabs_icon_and_the_install_icons() {
    let (dist, manifest) = built();
    let theme = manifest.theme.unwrap();
    let favicon = theme.favicon.as_ref().unwrap();
    assert_eq!(
        (favicon.mime.as_str(), favicon.sizes.as_str()),
        ("image/svg+xml", "any")
    );
    let sizes: Vec<(&str, &str)> = theme
        .icons
        .iter()
        .map(|i| (i.sizes.as_str(), i.purpose.as_str()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("192x192", "any"),
            ("512x512", "any"),
            ("512x512", "maskable")
        ]
    );
    for icon in &theme.icons {
        let png = image::open(dist.path().join("data").join(&icon.src))
            .unwrap()
            .to_rgba8();
        let side: u32 = icon.sizes.split('x').next().unwrap().parse().unwrap();
        assert_eq!(png.dimensions(), (side, side), "{}", icon.src);
        // The icon's own colour is drawn in the middle.
        assert_eq!(
            png.get_pixel(side / 2, side / 4).0,
            [0x8a, 0x3b, 0x12, 255],
            "{}",
            icon.src
        );
        let corner = png.get_pixel(0, 0).0;
        if icon.purpose == "maskable" {
            // A maskable icon fills its square: the light background in the corner.
            assert_eq!(corner, [0xfb, 0xfa, 0xf7, 255]);
        } else {
            assert_eq!(corner[3], 0, "the rounded corner stays transparent");
        }
    }
    let web: serde_json::Value =
        serde_json::from_str(&text(dist.path(), builder::WEB_MANIFEST_FILE)).unwrap();
    assert_eq!(web["theme_color"], "#8a3b12");
    assert_eq!(
        web["icons"][2]["src"],
        format!("/data/{}", theme.icons[2].src)
    );
    assert_eq!(web["icons"][2]["purpose"], "maskable");
}

#[test]
fn every_page_links_the_theme_after_the_sites_stylesheet_and_shows_its_icon() {
    let (dist, manifest) = built();
    let theme = manifest.theme.unwrap();
    for page in [
        "index.html",
        "posts/low-tide/index.html",
        "404.html",
        builder::SHELL_FILE,
    ] {
        let html = text(dist.path(), page);
        let ours = html.find("/main-2.css").unwrap();
        let link = format!(
            "<link rel=\"stylesheet\" href=\"/data/{}\">",
            theme.css.as_ref().unwrap()
        );
        let at = html.find(&link).unwrap_or_else(|| panic!("{page}: {html}"));
        assert!(
            at > ours,
            "{page}: the theme comes after the site's stylesheet"
        );
        assert!(
            html.contains(&format!(
                "<link rel=\"icon\" href=\"/data/{}\" type=\"image/svg+xml\"",
                theme.favicon.as_ref().unwrap().src
            )),
            "{page}"
        );
        assert!(
            !html.contains("<link rel=\"icon\" href=\"/favicon-1.svg\""),
            "{page}: the shell's icon gives way"
        );
        assert!(
            html.contains("rel=\"preload\"")
                && html.contains("as=\"font\" type=\"font/ttf\" crossorigin"),
            "{page}"
        );
        assert!(
            html.contains("<meta name=\"theme-color\" content=\"#8a3b12\">"),
            "{page}"
        );
        // Nothing from elsewhere: the policy is the site's own.
        assert!(
            html.contains("style-src 'self';") && html.contains("font-src 'self';"),
            "{page}"
        );
    }
    // The theme's files are cached for good and stored for offline reading with the shell.
    let headers = text(dist.path(), builder::HEADERS_FILE);
    assert!(
        headers.contains("/data/theme/*\n  Cache-Control: public, max-age=31536000, immutable"),
        "{headers}"
    );
    let worker = text(dist.path(), builder::WORKER_FILE);
    for file in theme.uses.iter().chain([theme.css.as_ref().unwrap()]) {
        assert!(
            worker.contains(&format!("/data/{file}")),
            "{file} is precached"
        );
    }
    // What a first visit downloads: the theme's stylesheet, its tab icon and its font, never the
    // install icons (fetched only when a reader installs the site).
    let report = builder::size_report(dist.path()).unwrap();
    let first: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.first_visit && f.path.starts_with("data/theme/"))
        .map(|f| f.path.as_str())
        .collect();
    let css = format!("data/{}", theme.css.as_ref().unwrap());
    let tab = format!("data/{}", theme.favicon.as_ref().unwrap().src);
    let font = format!("data/{}", theme.font.as_ref().unwrap().src);
    let mut wanted = vec![css.as_str(), tab.as_str(), font.as_str()];
    wanted.sort_unstable();
    assert_eq!(first, wanted);
    // Writing the stubs again gives the same pages.
    let before = text(dist.path(), "index.html");
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert_eq!(text(dist.path(), "index.html"), before);
}

#[test]
fn an_accent_that_fails_aa_is_refused_with_its_ratio_and_a_shade_that_passes() {
    let pale = themed(|toml| toml.replace("accent = \"#8a3b12\"", "accent = \"#e8c547\""));
    let message = refusal(pale.path());
    assert!(message.contains("site.toml:10"), "{message}");
    assert!(
        message.contains("accent #e8c547 has a contrast of 1.6"),
        "{message}"
    );
    assert!(message.contains("WCAG AA needs 4.5:1"), "{message}");
    assert!(
        message.contains("a shade that passes: accent = \"#"),
        "{message}"
    );
    let dark = themed(|toml| toml.replace("#f0a070", "#3a3a3a"));
    let message = refusal(dark.path());
    assert!(
        message.contains("accent_dark #3a3a3a has a contrast of 1."),
        "{message}"
    );
    assert!(
        message.contains("the dark theme's background #151917"),
        "{message}"
    );
    let word = themed(|toml| toml.replace("\"#8a3b12\"", "\"rust\""));
    assert!(refusal(word.path()).contains("accent \"rust\" is not a colour"));
}

#[test]
fn a_dark_accent_is_used_as_given_or_derived_with_a_warning() {
    let given = themed(|toml| toml);
    let out = tempfile::tempdir().unwrap();
    let summary = build(given.path(), out.path()).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(out.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    let css = text(out.path(), manifest.theme.unwrap().css.as_deref().unwrap());
    assert!(
        css.contains("--accent: light-dark(#8a3b12, #f0a070)"),
        "{css}"
    );
    // Without one, the light theme's accent lightened for the dark theme, and said so.
    let deep = themed(|toml| toml.replace("accent_dark = \"#f0a070\"\n", ""));
    let out = tempfile::tempdir().unwrap();
    let summary = build(deep.path(), out.path()).unwrap();
    let said: Vec<String> = summary.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(
        said.iter()
            .any(|m| m.contains("too dark for the dark theme") && m.contains("set accent_dark")),
        "{said:?}"
    );
}

#[test]
fn a_stylesheet_may_not_load_other_sites_or_import() {
    let elsewhere = themed(|toml| toml);
    fs::write(
        elsewhere.path().join("theme/extra.css"),
        "body { background: url(https://cdn.example.com/paper.png); }\n",
    )
    .unwrap();
    let message = refusal(elsewhere.path());
    assert!(
        message.contains("loads https://cdn.example.com/paper.png from another site"),
        "{message}"
    );
    let import = themed(|toml| toml);
    fs::write(
        import.path().join("theme/extra.css"),
        "@import \"more.css\";\n",
    )
    .unwrap();
    assert!(refusal(import.path()).contains("has an @import"));
    // A commented-out import is no import.
    let comment = themed(|toml| toml);
    fs::write(
        comment.path().join("theme/extra.css"),
        "/* @import \"more.css\"; */ p { margin: 0 }\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(comment.path(), out.path()).unwrap();
}

#[test]
fn theme_files_must_be_what_they_say_and_inside_the_content_folder() {
    let not_font = themed(|toml| toml);
    fs::write(
        not_font.path().join("theme/body.ttf"),
        "<html>not a font</html>",
    )
    .unwrap();
    assert!(refusal(not_font.path()).contains("is not a truetype font"));
    let outside = themed(|toml| toml.replace("theme/logo.svg", "../logo.svg"));
    assert!(refusal(outside.path()).contains("is not a path inside the content folder"));
    let heavy = themed(|toml| toml);
    let mut font = FONT.to_vec();
    font.resize(300 * 1024, 0);
    fs::write(heavy.path().join("theme/body.ttf"), font).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = build(heavy.path(), out.path()).unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.message.contains("the font is 300 KB")),
        "{:?}",
        summary.warnings
    );
    let missing = themed(|toml| toml.replace("theme/icon.svg", "theme/none.png"));
    assert!(refusal(missing.path()).contains("[theme] favicon: cannot read theme/none.png"));
}

#[test]
fn a_logo_alone_keeps_the_title_for_screen_readers_and_forced_colours() {
    let alone = themed(|toml| toml.replace("show_title = true", "show_title = false"));
    let out = tempfile::tempdir().unwrap();
    build(alone.path(), out.path()).unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(out.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    let css = text(out.path(), manifest.theme.unwrap().css.as_deref().unwrap());
    assert!(css.contains(".site-title { font-size: 0; }"), "{css}");
    assert!(css.contains("@media (forced-colors: active)"), "{css}");
}

#[test]
fn a_site_without_a_theme_has_none() {
    let dist = tempfile::tempdir().unwrap();
    build(&fixture("site"), dist.path()).unwrap();
    let manifest = fs::read_to_string(dist.path().join(MANIFEST_FILE)).unwrap();
    assert!(!manifest.contains("\"theme\""), "{manifest}");
    assert!(!dist.path().join("theme").exists());
}

#[test]
fn a_raster_favicon_is_drawn_at_each_size_and_a_small_one_warned_of() {
    let content = themed(|toml| toml.replace("theme/icon.svg", "theme/icon.png"));
    let square = image::RgbaImage::from_pixel(64, 64, image::Rgba([0x8a, 0x3b, 0x12, 255]));
    square.save(content.path().join("theme/icon.png")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = build(content.path(), out.path()).unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.message.contains("the favicon is 64 px")),
        "{:?}",
        summary.warnings
    );
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(out.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    let theme = manifest.theme.unwrap();
    let tab = theme.favicon.unwrap();
    assert_eq!(
        (tab.mime.as_str(), tab.sizes.as_str()),
        ("image/png", "32x32")
    );
    for (icon, side) in [(&tab.src, 32), (&theme.icons[1].src, 512)] {
        let png = image::open(out.path().join(icon)).unwrap().to_rgba8();
        assert_eq!(png.dimensions(), (side, side));
        assert_eq!(png.get_pixel(side / 2, side / 2).0, [0x8a, 0x3b, 0x12, 255]);
    }
}
