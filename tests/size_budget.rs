//! The size budget: the first visit to a post in the size report, and `fieldnotes size-report
//! --budgets` holding, failing and refusing a budgets file that cannot measure what it names.

mod common;

use common::{build_to, fixture, site_with, write_shell};
use fieldnotes::builder::{self, Budgets, StubOptions};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The fixture site built into a temporary dist, with the shell and the route pages.
fn built_site() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    dist
}

/// `fieldnotes size-report --dist <dist> --budgets <file>`, the file holding `budgets`; the
/// folder holding it is returned to live as long as the output is read.
fn size_report_with(dist: &Path, budgets: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("budgets.toml");
    fs::write(&file, budgets).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["size-report", "--dist"])
        .arg(dist)
        .arg("--budgets")
        .arg(&file)
        .output()
        .unwrap();
    (dir, output)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Bytes no compressor can shrink (a xorshift stream), so a piece's brotli size is its raw size.
fn incompressible(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// The number before " KB brotli" in a violation line: `… is 201.3 KB brotli, …`.
fn reported_kb(text: &str, name: &str) -> f64 {
    let start = text
        .find(&format!("{name} is "))
        .unwrap_or_else(|| panic!("{text}"));
    let rest = &text[start + name.len() + 4..];
    rest[..rest.find(" KB brotli").unwrap()].parse().unwrap()
}

const GENEROUS: &str = "
[first_visit.home]
budget = 10000.0
goal = 1.0
[first_visit.post]
budget = 10000
[pieces.core]
about = \"the app\"
files = [\"app.js\", \"app_bg.wasm\"]
budget = 10000.0
[pieces.data]
files = [\"data/**/*.json\"]
budget = 10000.0
";

#[test]
fn the_report_names_the_largest_first_visit_to_a_post() {
    let dist = built_site();
    let report = builder::size_report(dist.path()).unwrap();
    let slugs: Vec<_> = report.posts.iter().map(|v| v.slug.as_str()).collect();
    assert_eq!(slugs, ["first-day", "second-day"]);
    let largest = report.largest_post_visit().unwrap();
    assert!(
        report.posts.iter().all(|v| v.brotli <= largest.brotli),
        "{:?}",
        report.posts
    );
    let page = format!("posts/{}/index.html", largest.slug);
    let data_prefix = format!("data/posts/{}.", largest.slug);
    for needed in [page.as_str(), "data/manifest.json", "app.js", "app_bg.wasm"] {
        assert!(
            largest.files.iter().any(|f| f == needed),
            "{needed}: {largest:?}"
        );
    }
    let data = report
        .files
        .iter()
        .find(|f| f.path.starts_with(&data_prefix) && f.path.ends_with(".json"))
        .unwrap_or_else(|| panic!("the post's data file: {largest:?}"));
    assert!(
        largest.files.contains(&data.path),
        "the route page preloads its data file: {largest:?}"
    );
    assert!(
        largest.brotli > data.brotli,
        "{} <= {}",
        largest.brotli,
        data.brotli
    );
    // Summed from each file's own sizes, not compressed again.
    let summed: usize = report
        .files
        .iter()
        .filter(|f| largest.files.contains(&f.path))
        .map(|f| f.brotli)
        .sum();
    assert_eq!(largest.brotli, summed);
    let text = report.to_string();
    assert!(
        text.contains(&format!(
            "first visit to a post (largest: {})",
            largest.slug
        )),
        "{text}"
    );
}

#[test]
fn a_site_without_posts_has_no_post_line() {
    let content = site_with(&[]);
    let dist = tempfile::tempdir().unwrap();
    build_to(content.path(), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let report = builder::size_report(dist.path()).unwrap();
    assert!(report.posts.is_empty(), "{:?}", report.posts);
    assert!(report.largest_post_visit().is_none());
    let text = report.to_string();
    assert!(text.contains("first visit to /"), "{text}");
    assert!(!text.contains("first visit to a post"), "{text}");
}

#[test]
fn generous_budgets_hold() {
    let dist = built_site();
    let (_dir, output) = size_report_with(dist.path(), GENEROUS);
    let out = stdout(&output);
    assert!(output.status.success(), "{}\n{out}", stderr(&output));
    let budgets = &out[out.find("\nBudgets").unwrap_or_else(|| panic!("{out}"))..];
    for row in [
        "first visit to /",
        "first visit to a post (largest: ",
        "piece core",
        "piece data",
    ] {
        let line = budgets
            .lines()
            .find(|line| line.starts_with(row))
            .unwrap_or_else(|| panic!("{row}: {budgets}"));
        assert!(line.ends_with("  ok"), "{line}");
    }
    assert!(budgets.contains("10000.0 KB"), "{budgets}");
    assert!(!budgets.contains("OVER"), "{budgets}");
}

#[test]
fn without_budgets_the_report_checks_nothing() {
    let dist = built_site();
    let output = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["size-report", "--dist"])
        .arg(dist.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("first visit to a post (largest: "), "{out}");
    assert!(!out.contains("Budgets"), "{out}");
}

#[test]
fn an_oversized_piece_fails_naming_it_its_size_and_its_budget() {
    let dist = built_site();
    fs::create_dir_all(dist.path().join("pieces")).unwrap();
    fs::write(
        dist.path().join("pieces/markdown_bg.wasm"),
        incompressible(200 * 1024),
    )
    .unwrap();
    fs::write(
        dist.path().join("pieces/markdown.js"),
        "export default 1;\n",
    )
    .unwrap();
    let budgets = format!(
        "{GENEROUS}[pieces.markdown]\nabout = \"the comment preview\"\nfiles = [\"pieces/markdown*\"]\nbudget = 50.0\n"
    );
    let (_dir, output) = size_report_with(dist.path(), &budgets);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: piece markdown is ")
            && err.contains(" KB brotli, over its budget of 50.0 KB (")
            && err.contains("budgets.toml)"),
        "{err}"
    );
    let kb = reported_kb(&err, "piece markdown");
    assert!((200.0..210.0).contains(&kb), "{kb}: {err}");
    assert_eq!(err.lines().count(), 1, "only the piece over: {err}");
    let out = stdout(&output);
    let line = out
        .lines()
        .find(|line| line.starts_with("piece markdown"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("OVER by 15"), "{line}");
    assert!(
        out.lines()
            .find(|line| line.starts_with("piece core"))
            .is_some_and(|line| line.ends_with("  ok")),
        "{out}"
    );
}

#[test]
fn an_exceeded_first_visit_budget_fails() {
    let dist = built_site();
    let budgets = "
[first_visit.home]
budget = 0.5
[first_visit.post]
budget = 0.3
goal = 0.1
";
    let (_dir, output) = size_report_with(dist.path(), budgets);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: first visit to / is ") && err.contains("over its budget of 0.5 KB"),
        "{err}"
    );
    assert!(reported_kb(&err, "first visit to /") > 0.5, "{err}");
    let report = builder::size_report(dist.path()).unwrap();
    let largest = report.largest_post_visit().unwrap();
    let post = format!("first visit to a post (largest: {})", largest.slug);
    assert!(
        err.contains(&format!("error: {post} is ")) && err.contains("over its budget of 0.3 KB"),
        "{err}"
    );
    let kb = reported_kb(&err, &post);
    assert!(
        (kb - largest.brotli as f64 / 1024.0).abs() < 0.06,
        "{kb}: {err}"
    );
}

#[test]
fn a_piece_matching_no_file_is_an_error() {
    let dist = built_site();
    let budgets = "[pieces.markdown]\nfiles = [\"pieces/markdown*\"]\nbudget = 80.0\n";
    let (_dir, output) = size_report_with(dist.path(), budgets);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("piece markdown: no file of ") && err.contains(" matches pieces/markdown*"),
        "{err}"
    );
    // `*` stays within a folder: a file further down is not the piece.
    fs::create_dir_all(dist.path().join("pieces/old")).unwrap();
    fs::write(dist.path().join("pieces/old/markdown.js"), "1").unwrap();
    let (_dir, output) = size_report_with(dist.path(), budgets);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn an_unknown_key_is_an_error_naming_the_file_and_the_key() {
    let dist = built_site();
    let budgets = "[pieces.core]\nfiles = [\"app.js\"]\nbudget = 80.0\ncolour = \"red\"\n";
    let (_dir, output) = size_report_with(dist.path(), budgets);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("budgets.toml") && err.contains("unknown field `colour`"),
        "{err}"
    );
    assert!(
        stdout(&output).is_empty(),
        "read before anything is measured"
    );

    let err = Budgets::parse("[first_visit.article]\nbudget = 1.0\n", "budgets.toml").unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("budgets.toml") && err.contains("unknown field `article`"),
        "{err}"
    );
}

#[test]
fn the_repository_budgets_file_reads_in_its_own_order() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("budgets.toml");
    let budgets = Budgets::load(&path).unwrap();
    assert!(budgets.home.is_some() && budgets.post.is_some());
    let names: Vec<_> = budgets.pieces.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "core",
            "markdown",
            "search",
            "search-worker",
            "comments",
            "offline",
            "saving",
            "protected",
            "shared"
        ]
    );
    assert!(budgets.pieces[1].about.is_some());

    let reordered = Budgets::parse(
        "[pieces.zeta]\nfiles = [\"a\"]\nbudget = 1\n[pieces.alpha]\nfiles = [\"b\"]\nbudget = 2\n",
        "b.toml",
    )
    .unwrap();
    let names: Vec<_> = reordered.pieces.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha"]);

    let err = Budgets::parse("[pieces.core]\nfiles = []\nbudget = 1\n", "b.toml").unwrap_err();
    assert!(
        err.to_string().contains("pieces.core.files is empty"),
        "{err}"
    );
    let err = Budgets::parse("[first_visit.home]\nbudget = -1\n", "b.toml").unwrap_err();
    assert!(err.to_string().contains("first_visit.home.budget"), "{err}");
}

/// The fixture site with its app split as `fieldnotes split` leaves it: the app's script (under
/// Trunk's name) imports the chunks' loader, which names its chunks.
fn split_site() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let shell = common::SHELL
        .replace("/app.js", "/fieldnotes-app-5e.js")
        .replace("/app_bg.wasm", "/fieldnotes-app-5e_bg.wasm");
    fs::write(dist.path().join("index.html"), shell).unwrap();
    fs::remove_file(dist.path().join("app.js")).unwrap();
    fs::rename(
        dist.path().join("app_bg.wasm"),
        dist.path().join("fieldnotes-app-5e_bg.wasm"),
    )
    .unwrap();
    fs::write(
        dist.path().join("fieldnotes-app-5e.js"),
        "import * as import1 from \"./pieces/app-5e/loader.js\"\nexport default function init() {}\n",
    )
    .unwrap();
    let folder = dist.path().join("pieces/app-5e");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("loader.js"),
        "import { initSync } from \"../../fieldnotes-app-5e.js\";\nconst src = fetch(new URL(\"./split_search.wasm\", import.meta.url));\n",
    )
    .unwrap();
    fs::write(folder.join("split_search.wasm"), incompressible(40 * 1024)).unwrap();
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    dist
}

#[test]
fn a_split_apps_loader_counts_in_the_first_visit_and_its_chunks_are_stored_for_offline() {
    let dist = split_site();
    let report = builder::size_report(dist.path()).unwrap();
    let file = |path: &str| {
        report
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}: {:?}", report.files))
    };
    // Imported by the app's script as it starts: every first visit downloads it.
    assert!(file("pieces/app-5e/loader.js").first_visit);
    assert!(file("fieldnotes-app-5e.js").first_visit);
    // A chunk is loaded on use, and the service worker stores it.
    let chunk = file("pieces/app-5e/split_search.wasm");
    assert!(!chunk.first_visit && chunk.offline, "{chunk:?}");
    let largest = report.largest_post_visit().unwrap();
    assert!(
        largest.files.iter().any(|f| f == "pieces/app-5e/loader.js"),
        "{largest:?}"
    );
    assert!(
        !largest.files.iter().any(|f| f.contains("split_search")),
        "{largest:?}"
    );
    let worker = fs::read_to_string(dist.path().join("sw.js")).unwrap();
    assert!(
        worker.contains("\"/pieces/app-5e/split_search.wasm\""),
        "precached"
    );
}
