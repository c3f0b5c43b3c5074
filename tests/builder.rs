//! The builder end to end: fixture sites in, files out, every file read back through the model.

mod common;

use common::{fixture, site_with, snapshot, write_shell};
use fieldnotes::builder::{self, BuildOptions, StubOptions};
use fieldnotes::model::{
    chunk_file, decode_index, dir_file, files_file, filter_file, home_file, keys_file, path_of,
    reversed, reversed_path, shard_file, slug_file, tail_file, tail_tiers, top_key, AllPosts,
    ArchiveIndex, ArchiveYear, Chunk, DocBlock, Docs, IndexFiles, KeyList, ListPage, Manifest,
    Post, SearchEntry, Shard, SlugShard, Taxonomy, Term, TermIndex, FORMAT_VERSION, MANIFEST_FILE,
    REVERSED,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

fn options(content: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        content: content.to_path_buf(),
        out: out.to_path_buf(),
        today: Some("2026-01-01".into()),
        ..BuildOptions::default()
    }
}

fn build_to(content: &Path, out: &Path) -> Result<builder::BuildSummary, builder::Problems> {
    builder::build(&options(content, out))
}

#[test]
fn every_output_file_parses_back_into_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("data");
    let summary = build_to(&fixture("site"), &out).unwrap();
    assert_eq!(summary.posts, 2);
    assert_eq!(summary.skipped.drafts, 1);

    let files = snapshot(&out);
    assert_eq!(files.len(), summary.files);
    let manifest: Manifest = serde_json::from_slice(&files[MANIFEST_FILE]).unwrap();
    assert_eq!(manifest.format_version, FORMAT_VERSION);
    assert_eq!(manifest.build_id, summary.build_id);
    assert_eq!(manifest.post_count, 2);
    assert_eq!(manifest.site.title, "Fixture Notes");
    assert_eq!(manifest.site.base_path, "/");

    let directory = builder::directory_in(&out, &manifest).unwrap();
    let mut parsed_posts = 0;
    for file in [&manifest.all_posts, &directory[&home_file(1)]] {
        assert!(file.ends_with(".json"), "{file}");
        let index: AllPosts = serde_json::from_slice(&files[file.as_str()]).unwrap();
        let slugs: Vec<_> = index.posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["second-day", "first-day"],
            "newest first, draft left out"
        );
        for summary in &index.posts {
            let post: Post = serde_json::from_slice(&files[summary.file.as_str()]).unwrap();
            assert_eq!(post.summary.slug, summary.slug);
            assert_eq!(post.summary.title, summary.title);
            parsed_posts += 1;
            // Its slug shard names its file and links to the other post, by its file too.
            let shard_file = &directory[&slug_file(&summary.slug, manifest.slug_shards)];
            let shard: SlugShard = serde_json::from_slice(&files[shard_file.as_str()]).unwrap();
            let entry = &shard.posts[&summary.slug];
            assert_eq!(entry.file, summary.file);
            let other = entry
                .nav
                .newer
                .as_ref()
                .or(entry.nav.older.as_ref())
                .unwrap();
            assert_ne!(other.slug, summary.slug);
            assert!(files.contains_key(other.file.as_str()));
        }
        let second = &index.posts[0];
        assert_eq!(
            second.date.as_deref(),
            Some("2025-03-02"),
            "time of day dropped"
        );
        assert_eq!(second.updated.as_deref(), Some("2025-03-05"));
        assert_eq!(second.lang, "km");
        assert_eq!(
            second.summary, "ថ្ងៃនេះយើងទៅផ្សារ។ The market opens early.",
            "first paragraph"
        );
        let first = &index.posts[1];
        assert_eq!(first.summary, "We arrive and eat.");
        assert_eq!(first.tags, ["travel", "food"]);
        assert_eq!(first.lang, "en", "site language by default");
    }
    assert_eq!(parsed_posts, 4, "each post read from both lists");
    // Every list the directory names parses as its type, under its key and the hash of its
    // bytes; the lists' folder holds nothing else but the directory's shards.
    for (key, file) in &directory {
        let bytes = &files[file.as_str()];
        let hash = &file[file.len() - "0123456789abcdef.json".len()..file.len() - ".json".len()];
        assert_eq!(
            hash,
            builder::content_hash(bytes),
            "{file}: named by its content"
        );
        let ok = match key.split('/').next().unwrap() {
            "home" => serde_json::from_slice::<ListPage>(bytes).is_ok(),
            "tags" | "categories" | "authors" => serde_json::from_slice::<ListPage>(bytes).is_ok(),
            "tags.json" | "categories.json" | "authors.json" => {
                serde_json::from_slice::<TermIndex>(bytes).is_ok()
            }
            "archive.json" => serde_json::from_slice::<ArchiveIndex>(bytes).is_ok(),
            "archive" => serde_json::from_slice::<ArchiveYear>(bytes).is_ok(),
            "docs" => serde_json::from_slice::<DocBlock>(bytes).is_ok(),
            "slugs" => serde_json::from_slice::<SlugShard>(bytes).is_ok(),
            _ => false,
        };
        assert!(ok, "{file} parses as its list type");
    }
    let in_lists: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("lists/"))
        .collect();
    let shard_files: BTreeSet<String> = (0..manifest.list_shards)
        .map(|n| format!("{}/{n}.json", manifest.lists))
        .collect();
    let expected: BTreeSet<&str> = directory
        .values()
        .chain(&shard_files)
        .map(String::as_str)
        .collect();
    assert_eq!(
        in_lists, expected,
        "the lists and their directory, nothing else"
    );
    let lists = in_lists;
    let list_files = lists.len();
    // The search index: an entry listing its shard keys, each shard a map of terms to postings,
    // all in one folder named by the index's hash.
    let index = read_search_index(&files, &manifest);
    assert_eq!(index.entry.docs, 2);
    assert!(index.chunks.is_empty(), "a site this small needs no chunks");
    let shards = index.shards.len();
    let shard = |term: &str| -> &Shard {
        let key = path_of(term)
            .into_iter()
            .rev()
            .find(|key| index.shards.contains_key(key))
            .unwrap();
        &index.shards[&key]
    };
    // "noodles" is in the body of the first day (post 1, newest first).
    let postings = &shard("noodles").terms["noodles"].postings;
    assert_eq!(postings.len(), 1);
    assert_eq!(postings[0].0, 1);
    // Every JSON file was read above except media; nothing else is in the output.
    let json_files = files.keys().filter(|k| k.ends_with(".json")).count();
    assert_eq!(
        json_files,
        1 + 1 + list_files + parsed_posts / 2 + 1 + 1 + index.filters.len()
    );
    // The search index's shards, chunks and tails are binary.
    let binary = files.keys().filter(|k| k.ends_with(".bin")).count();
    assert_eq!(binary, shards + index.chunks.len() + index.tails.len());
    assert!(!index.filters.is_empty(), "the fixture's tags have filters");
    let media: Vec<_> = files.keys().filter(|k| k.starts_with("media/")).collect();
    assert_eq!(media.len(), 1, "{media:?}");
    assert!(
        media[0].starts_with("media/map.") && media[0].ends_with(".svg"),
        "hashed name: {media:?}"
    );
    assert!(
        !files.keys().any(|k| k.contains("unfinished")),
        "drafts are not published"
    );
}

/// The search index of a build, every file of it read back through the model.
struct SearchFiles {
    entry: SearchEntry,
    shards: BTreeMap<String, Shard>,
    /// Chunk files, each read once.
    chunks: BTreeSet<String>,
    /// Key lists read.
    lists: usize,
    /// Tail files and filter files, each read once.
    tails: BTreeSet<String>,
    filters: BTreeSet<String>,
}

/// Reads the entry the manifest names, every shard it lists, every chunk and tail those point to
/// and the filter of every tag and category, checking that each term is where its key says and
/// that a term's postings, its tails included, are every post that has it.
fn read_search_index(files: &BTreeMap<String, Vec<u8>>, manifest: &Manifest) -> SearchFiles {
    let entry_file = manifest.search_file.as_deref().expect("a search index");
    assert!(entry_file.starts_with("search/entry."), "{entry_file}");
    let entry: SearchEntry = serde_json::from_slice(&files[entry_file]).unwrap();
    assert_eq!(entry.format_version, FORMAT_VERSION);
    assert_eq!(entry.dir, "search/index");
    let mut shards = BTreeMap::new();
    let mut chunks = BTreeSet::new();
    // The entry names the keys of one letter or none; the longer ones are in a list per letter.
    let mut keys = entry.keys.clone();
    let mut lists = 0;
    for key in entry.keys.keys() {
        assert_eq!(top_key(key), None, "{key} is listed below its first letter");
    }
    for (top, hash) in &entry.deep {
        let list: KeyList =
            serde_json::from_slice(&files[keys_file(&entry.dir, top, hash).as_str()]).unwrap();
        assert!(!list.keys.is_empty());
        for key in list.keys.keys() {
            assert_eq!(
                top_key(key).as_ref(),
                Some(top),
                "{key} is listed below {top}"
            );
        }
        keys.extend(list.keys);
        lists += 1;
    }
    let mut tails = BTreeSet::new();
    for (key, hash) in &keys {
        let file = shard_file(&entry.dir, key, hash);
        let shard: Shard = decode_index(&files[file.as_str()]).unwrap();
        if key.starts_with(REVERSED) {
            // The reversed tree: words spelled backwards, with their counts only.
            for (name, term) in &shard.terms {
                assert!(
                    reversed_path(&reversed(name)).contains(key),
                    "{key}: {name}"
                );
                assert!(term.postings.is_empty() && term.df > 0, "{key}: {name}");
            }
            shards.insert(key.clone(), shard);
            continue;
        }
        assert!(
            shard
                .terms
                .keys()
                .chain(shard.refs.keys())
                .all(|t| path_of(t).contains(key)),
            "{key}: {file}"
        );
        let mut first_tiers: Vec<(String, Term)> = shard
            .terms
            .iter()
            .map(|(name, term)| (name.clone(), term.clone()))
            .collect();
        for (term, (df, n)) in &shard.refs {
            let file = chunk_file(&entry.dir, key, &shard.chunks[*n as usize]);
            let chunk: Chunk = decode_index(&files[file.as_str()]).unwrap();
            let postings = &chunk.terms[term];
            assert_eq!(postings.df, *df, "{term} in {file}");
            assert!(!postings.postings.is_empty(), "{term} in {file}");
            first_tiers.push((term.clone(), postings.clone()));
            chunks.insert(file);
        }
        for (name, first) in first_tiers {
            let mut docs: BTreeSet<u32> = first.postings.iter().map(|p| p.0).collect();
            let tiers = tail_tiers(first.df);
            assert_eq!(shard.packs.contains_key(&name), tiers > 0, "{name}");
            for tier in 1..=tiers {
                let pack = shard.packs[&name] as usize;
                let hash = &shard.tails[pack][tier as usize - 1];
                let file = tail_file(&entry.dir, key, hash, tier);
                let pack: Chunk = decode_index(&files[file.as_str()]).unwrap();
                let tail: &Term = &pack.terms[&name];
                assert_eq!(tail.df, first.df, "{file}");
                docs.extend(tail.postings.iter().map(|p| p.0));
                tails.insert(file);
            }
            assert_eq!(
                docs.len(),
                first.df as usize,
                "every post with {name}, once"
            );
        }
        shards.insert(key.clone(), shard);
    }
    // Every tag and category of the posts has the list of posts carrying it.
    let all: AllPosts = serde_json::from_slice(&files[manifest.all_posts.as_str()]).unwrap();
    let mut filters = BTreeSet::new();
    for (n, post) in all.posts.iter().enumerate() {
        for taxonomy in Taxonomy::ALL {
            for term in taxonomy.terms_of(post) {
                let folded = fieldnotes::search::filter::folded(term);
                let hash = entry.filter_hash(taxonomy, &folded).expect("named");
                let file = filter_file(&entry.dir, taxonomy, &folded, hash);
                let docs: Docs = serde_json::from_slice(&files[file.as_str()]).unwrap();
                assert!(docs.0.contains(&(n as u32)), "{file} lists post {n}");
                filters.insert(file);
            }
        }
    }
    // The folder's list of files names each of them, and nothing else.
    let list = files_file(&entry.dir, &entry.files);
    let listed: IndexFiles = serde_json::from_slice(&files[list.as_str()]).unwrap();
    let prefix = format!("{}/", entry.dir);
    let present: Vec<String> = files
        .keys()
        .filter(|f| **f != list)
        .filter_map(|f| f.strip_prefix(&prefix))
        .map(str::to_string)
        .collect();
    assert_eq!(listed.files, present);
    SearchFiles {
        entry,
        shards,
        chunks,
        lists,
        tails,
        filters,
    }
}

#[test]
fn a_large_site_puts_postings_in_chunks_and_each_parses_back() {
    // Common words in hundreds of posts: their postings outgrow a shard and move into chunks.
    // And words of their own (`cabe`, `cabf`…), enough for the `c` shard to split by letters.
    let letters = |n: usize| -> String {
        n.to_string()
            .bytes()
            .map(|d| char::from(b'a' + d - b'0'))
            .collect()
    };
    let posts: Vec<(String, Vec<u8>)> = (0..400)
        .map(|i| {
            let own: Vec<String> = (0..12).map(|j| format!("ca{}", letters(i * 12 + j))).collect();
            let body = format!(
                "---\ntitle: Camel {i}\ndate: 2025-01-{:02}\n---\nThe camel crossed the canal with cargo by car {} and cart {}, {}, {}. {}\n",
                i % 28 + 1,
                i % 50,
                i % 7,
                i % 11,
                i % 13,
                own.join(" ")
            );
            (format!("p{i}.md"), body.into_bytes())
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = posts
        .iter()
        .map(|(name, body)| (name.as_str(), body.as_slice()))
        .collect();
    let content = site_with(&refs);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("data");
    build_to(content.path(), &out).unwrap();
    let files = snapshot(&out);
    let manifest: Manifest = serde_json::from_slice(&files[MANIFEST_FILE]).unwrap();
    let index = read_search_index(&files, &manifest);
    assert_eq!(index.entry.docs, 400);
    assert!(!index.chunks.is_empty(), "chunks were written");
    assert!(
        index
            .tails
            .iter()
            .any(|f| f.contains("/more/") && f.ends_with(".1.bin")),
        "a word in every post keeps the posts past its best 200 in a tail"
    );
    // Every file of the index was read: the entry, its shards, chunks and tails, nothing else.
    let search_files = files.keys().filter(|k| k.starts_with("search/")).count();
    assert!(
        index.lists > 0,
        "a site this large has keys of two letters and more"
    );
    assert_eq!(
        search_files,
        1 + 1
            + index.lists
            + index.shards.len()
            + index.chunks.len()
            + index.tails.len()
            + index.filters.len()
    );
    let bytes: usize = files
        .iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .map(|(_, v)| v.len())
        .sum();
    assert_eq!(manifest.search_bytes, bytes as u64, "what saving it costs");
}

#[test]
fn drafts_are_published_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = builder::build(&BuildOptions {
        drafts: true,
        ..options(&fixture("site"), &tmp.path().join("data"))
    })
    .unwrap();
    assert_eq!(summary.posts, 3);
    assert_eq!(summary.skipped.drafts, 0);
}

#[test]
fn output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let first = build_to(&fixture("site"), &a).unwrap();
    let second = build_to(&fixture("site"), &b).unwrap();
    assert_eq!(first.build_id, second.build_id);
    assert_eq!(snapshot(&a), snapshot(&b));
    // Building over an existing output gives the same bytes too, with nothing stale left behind.
    fs::write(a.join("stale.json"), "{}").unwrap();
    build_to(&fixture("site"), &a).unwrap();
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn a_changed_post_changes_its_file_name_and_the_build_id() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).unwrap();
    for entry in fs::read_dir(fixture("site")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, content.join(path.file_name().unwrap())).unwrap();
        }
    }
    let before = build_to(&content, &tmp.path().join("a")).unwrap();
    let old_names: Vec<_> = snapshot(&tmp.path().join("a")).into_keys().collect();
    let post = content.join("first-day.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(&post, text.replace("noodles.", "noodles and rice.")).unwrap();
    let after = build_to(&content, &tmp.path().join("b")).unwrap();
    let new_names: Vec<_> = snapshot(&tmp.path().join("b")).into_keys().collect();
    assert_ne!(before.build_id, after.build_id);
    let changed: Vec<_> = new_names
        .iter()
        .filter(|n| !old_names.contains(n))
        .collect();
    // The post file, the list of all posts and the lists folder (as a whole) get new names, and
    // so do the search files whose terms' weights moved; nothing else: the other post links to
    // it by slug, so its file stays.
    let (search, other): (Vec<&String>, Vec<&String>) =
        changed.iter().partition(|n| n.starts_with("search/"));
    let (lists, other): (Vec<&String>, Vec<&String>) =
        other.into_iter().partition(|n| n.starts_with("lists/"));
    assert!(!lists.is_empty());
    assert_eq!(other.len(), 2, "{changed:?}");
    assert!(other.iter().any(|n| n.starts_with("posts/first-day.")));
    assert!(other.iter().any(|n| n.starts_with("posts.")));
    assert!(
        search.iter().any(|n| n.starts_with("search/entry.")),
        "{changed:?}"
    );
}

fn problems_of(posts: &[(&str, &[u8])]) -> Vec<String> {
    let content = site_with(posts);
    let out = content.path().join("out");
    let problems = build_to(content.path(), &out).unwrap_err();
    assert!(!out.exists(), "nothing is written when there are problems");
    problems
        .0
        .iter()
        .map(|p| {
            let file = p.path.file_name().unwrap().to_string_lossy().into_owned();
            format!("{file}:{}:{}: {} | {}", p.line, p.column, p.message, p.hint)
        })
        .collect()
}

#[test]
fn each_error_names_the_file_the_place_and_the_fix() {
    let problems = problems_of(&[
        ("no-title.md", b"---\ndate: 2025-01-01\n---\nbody\n"),
        (
            "bad-date.md",
            b"---\ntitle: Bad date\ndate: 2025-02-30\n---\nbody\n",
        ),
        ("broken-yaml.md", b"---\ntitle: x\ntags: [a, b\n---\nbody\n"),
        ("no-front-matter.md", b"# Just a heading\n"),
        ("latin1.md", b"---\ntitle: caf\xe9\ndate: 2025-01-01\n---\n"),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\nslug: same\n---\n",
        ),
        (
            "b.md",
            b"---\ntitle: B\ndate: 2025-01-02\nslug: same\n---\n",
        ),
    ]);
    let expect = |needle: &str| {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "no problem contains {needle:?}:\n{}",
            problems.join("\n")
        )
    };
    assert_eq!(
        problems.len(),
        6,
        "all problems of the run are reported together:\n{}",
        problems.join("\n")
    );
    expect("no-title.md:2:1: the post has no title | add a line to the front matter: title:");
    expect("bad-date.md:3:7: date \"2025-02-30\" is not a valid date | write dates as YYYY-MM-DD");
    expect("broken-yaml.md:");
    expect(": malformed front matter:");
    expect("no-front-matter.md:1:1: the file does not start with front matter");
    expect("latin1.md:2:11: the file is not valid UTF-8 | save the file as UTF-8");
    expect("b.md:1:1: duplicate slug \"same\", also used by");
}

#[test]
fn malformed_yaml_points_at_its_line() {
    let problems = problems_of(&[(
        "broken.md",
        b"---\ntitle: ok\ndate: 2025-01-01\ntags: [a, b\n---\nbody\n",
    )]);
    assert_eq!(problems.len(), 1);
    let line: usize = problems[0].split(':').nth(1).unwrap().parse().unwrap();
    assert!((4..=5).contains(&line), "{}", problems[0]);
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let content = site_with(&[("good.md", b"---\ntitle: Good\ndate: 2025-01-01\n---\nok\n")]);
    let out = content.path().join("out");
    build_to(content.path(), &out).unwrap();
    let before = snapshot(&out);
    fs::write(
        content.path().join("bad.md"),
        "---\ntitle: Bad\ndate: someday\n---\n",
    )
    .unwrap();
    assert!(build_to(content.path(), &out).is_err());
    assert_eq!(snapshot(&out), before);
    let siblings: Vec<_> = fs::read_dir(content.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !siblings
            .iter()
            .any(|n| n.to_string_lossy().starts_with(".out.")),
        "no temp folders left: {siblings:?}"
    );
}

#[test]
fn the_cli_exits_2_with_the_problems_on_stderr() {
    let content = site_with(&[("bad.md", b"---\ntitle: Bad\ndate: 2025-13-01\n---\n")]);
    let output = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["build", "--content"])
        .arg(content.path())
        .arg("--out")
        .arg(content.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.md:3:7: error: date \"2025-13-01\" is not a valid date"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: write dates as YYYY-MM-DD"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 problem found; nothing was written"),
        "{stderr}"
    );

    let ok = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["build", "--content"])
        .arg(fixture("site"))
        .arg("--out")
        .arg(content.path().join("ok"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn a_bad_site_toml_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("site.toml"),
        "title = \"T\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let problems = build_to(dir.path(), &dir.path().join("out")).unwrap_err();
    let text = problems.to_string();
    assert!(
        text.contains("site.toml:2:1: error: unknown field `colour`"),
        "{text}"
    );
    assert!(
        text.contains("known settings: title, description"),
        "{text}"
    );
}

#[test]
fn stubs_give_every_route_a_real_page() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let written = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert_eq!(
        written.pages, 13,
        "home, two posts, tags, two tag pages, categories, archive and its one year, search, offline, 404, the offline shell"
    );
    let search = fs::read_to_string(dist.path().join("search/index.html")).unwrap();
    assert!(
        search.contains("<title>Search · Fixture Notes</title>"),
        "{search}"
    );
    let tag = fs::read_to_string(dist.path().join("tags/food/index.html")).unwrap();
    assert!(
        tag.contains("<title>Tagged “food” · Fixture Notes</title>"),
        "{tag}"
    );
    assert!(
        tag.contains("<a href=\"/posts/first-day/\">First day: arrival</a>"),
        "{tag}"
    );
    let archive = fs::read_to_string(dist.path().join("archive/index.html")).unwrap();
    assert!(
        archive.contains("<h2>2025</h2><section><h3>March 2025</h3><ul class=\"archive-list\">"),
        "{archive}"
    );

    let post = fs::read_to_string(dist.path().join("posts/first-day/index.html")).unwrap();
    assert!(
        post.contains("<title>First day: arrival · Fixture Notes</title>"),
        "{post}"
    );
    assert!(post.contains("<meta name=\"description\" content=\"We arrive and eat.\">"));
    assert!(post
        .contains("<link rel=\"canonical\" href=\"https://notes.example.org/posts/first-day/\">"));
    assert!(
        post.contains("<meta name=\"fieldnotes-data\" content=\"posts/first-day.")
            && post.contains("<link rel=\"preload\" href=\"/data/posts/first-day."),
        "the page names its data file: {post}"
    );
    assert!(post.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(
        post.contains("<td class=\"align-right\">2</td>"),
        "article body prerendered"
    );
    assert!(
        post.contains("src=\"/data/media/map."),
        "media resolved to its hashed copy: {post}"
    );
    assert!(
        post.contains("width=\"40\" height=\"20\""),
        "image size recorded: {post}"
    );
    assert!(post.contains("Content-Security-Policy"));
    assert!(!post.contains("unsafe-inline"));

    let khmer = fs::read_to_string(dist.path().join("posts/second-day/index.html")).unwrap();
    assert!(
        khmer.contains("<article class=\"page post\" lang=\"km\" dir=\"ltr\">"),
        "{khmer}"
    );

    let not_found = fs::read_to_string(dist.path().join("404.html")).unwrap();
    assert!(not_found.contains("<title>Page not found · Fixture Notes</title>"));

    let home = fs::read_to_string(dist.path().join("index.html")).unwrap();
    assert!(
        home.contains("<a href=\"/posts/second-day/\">Second day: ផ្សារ</a>"),
        "{home}"
    );
    assert!(!home.contains("unfinished"));

    assert!(
        home.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"),
        "{home}"
    );

    // Running the step again on its own output changes nothing.
    let before = snapshot(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert_eq!(snapshot(dist.path()), before);
}

#[test]
fn stubs_refuse_a_public_url_that_differs_from_the_base_path() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let err = builder::write_stubs(
        dist.path(),
        &StubOptions {
            public_url: Some("/blog/".into()),
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("site.toml sets base_path = \"/\""),
        "{err}"
    );
}

#[test]
fn size_report_counts_what_a_first_visit_downloads() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let report = builder::size_report(dist.path()).unwrap();
    let first: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.first_visit)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(first.len(), 6, "{first:?}");
    assert!(
        first.contains(&"index.html")
            && first.contains(&"app.js")
            && first.contains(&"app_bg.wasm")
            && first.contains(&"manifest.webmanifest")
            && first.contains(&"data/manifest.json")
    );
    // Offline support adds the worker and what it stores that the page did not load.
    let offline: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.offline)
        .map(|f| f.path.as_str())
        .collect();
    assert!(
        offline.contains(&"sw.js") && offline.contains(&"shell.html"),
        "{offline:?}"
    );
    assert!(
        !offline.iter().any(|f| f.starts_with("icons/")),
        "{offline:?}"
    );
    assert!(
        offline.iter().any(|f| f.starts_with("data/search/entry.")),
        "{offline:?}"
    );
    assert!(
        !offline.contains(&"app_bg.wasm"),
        "loaded by the page already"
    );
    assert!(first
        .iter()
        .any(|f| f.starts_with("data/lists/home/1.") && f.ends_with(".json")));
    let js = report.files.iter().find(|f| f.path == "app.js").unwrap();
    assert_eq!(js.raw, "export default function init() {}\n".len() * 50);
    assert!(js.brotli < js.gzip && js.gzip < js.raw, "{js:?}");
    let text = report.to_string();
    assert!(text.contains("first visit to /"), "{text}");
    assert!(text.contains("+ offline support"), "{text}");
}

#[test]
fn stubs_write_a_service_worker_that_precaches_this_build() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let stubs = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(dist.path().join("data").join(MANIFEST_FILE)).unwrap())
            .unwrap();
    let mut expected = vec![
        "/app.js".to_string(),
        "/app_bg.wasm".into(),
        "/data/manifest.json".into(),
        format!(
            "/data/{}",
            builder::directory_in(&dist.path().join("data"), &manifest).unwrap()[&home_file(1)]
        ),
        // The shell names no list: the app finds the home list's file in the directory.
        format!(
            "/data/{}",
            dir_file(&manifest.lists, &home_file(1), manifest.list_shards)
        ),
        format!("/data/{}", manifest.search_file.clone().unwrap()),
        "/manifest.webmanifest".into(),
        "/pieces/fieldnotes-markdown-ready.js".into(),
        "/pieces/fieldnotes-markdown.js".into(),
        "/pieces/fieldnotes-markdown_bg.wasm".into(),
        "/pieces/fieldnotes-search-worker.js".into(),
        "/pieces/fieldnotes-search.js".into(),
        "/pieces/fieldnotes-search_bg.wasm".into(),
        "/shell.html".into(),
    ];
    expected.sort();
    assert_eq!(
        stubs.offline.precache, expected,
        "the shell and every piece"
    );
    let total: u64 = expected
        .iter()
        .map(|f| fs::metadata(dist.path().join(&f[1..])).unwrap().len())
        .sum();
    assert_eq!(stubs.offline.precache_bytes, total);

    let worker = fs::read_to_string(dist.path().join(builder::WORKER_FILE)).unwrap();
    assert!(worker.contains(&format!("const BUILD = '{}';", stubs.offline.build_id)));
    assert!(worker.contains("const BASE = '/';"));
    assert!(worker.contains(&serde_json::to_string(&expected).unwrap()));
    assert!(!worker.contains("__"), "every placeholder filled");

    let web: serde_json::Value =
        serde_json::from_slice(&fs::read(dist.path().join(builder::WEB_MANIFEST_FILE)).unwrap())
            .unwrap();
    assert_eq!(web["name"], "Fixture Notes");
    assert_eq!(web["start_url"], "/");
    assert_eq!(web["display"], "standalone");
    assert_eq!(web["icons"].as_array().unwrap().len(), 3);

    // The offline shell: the app's page with no content, not for search engines.
    let shell = fs::read_to_string(dist.path().join(builder::SHELL_FILE)).unwrap();
    assert!(
        shell.contains("<div id=\"prerendered\"></div><!--/prerendered-->"),
        "{shell}"
    );
    assert!(shell.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(shell.contains("Content-Security-Policy"));

    // Any change to a precached file is a new build; the same files are the same build.
    let again = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert_eq!(again.offline.build_id, stubs.offline.build_id);
    fs::write(dist.path().join("app_bg.wasm"), b"\0asm\x01\0\0\0\x01").unwrap();
    let changed = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert_ne!(changed.offline.build_id, stubs.offline.build_id);
}

#[test]
fn the_post_index_tells_what_saving_a_post_costs() {
    let out = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), out.path()).unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(out.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    let index: AllPosts =
        serde_json::from_slice(&fs::read(out.path().join(&manifest.all_posts)).unwrap()).unwrap();
    for summary in &index.posts {
        let file = fs::read(out.path().join(&summary.file)).unwrap();
        let post: Post = serde_json::from_slice(&file).unwrap();
        assert_eq!(
            post.summary.bytes, 0,
            "the post's own file does not carry it"
        );
        let images: u64 = post
            .images
            .values()
            .map(|i| fs::metadata(out.path().join(&i.src)).unwrap().len())
            .sum();
        assert_eq!(
            summary.bytes,
            file.len() as u64 + images,
            "{}",
            summary.slug
        );
    }
    assert!(
        index
            .posts
            .iter()
            .any(|p| p.bytes > 0 && p.slug == "first-day"),
        "a post with an image"
    );
    let search: u64 = walk_size(&out.path().join("search"));
    assert_eq!(manifest.search_bytes, search);
}

fn walk_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk_size(&path)
            } else {
                fs::metadata(&path).unwrap().len()
            }
        })
        .sum()
}

#[test]
fn feeds_sitemap_and_robots_parse_and_use_absolute_urls() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let stubs = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert!(stubs.warnings.is_empty(), "{:?}", stubs.warnings);
    let read = |file: &str| fs::read(dist.path().join(file)).unwrap();

    for file in [
        builder::ATOM_FILE,
        builder::RSS_FILE,
        builder::JSON_FEED_FILE,
    ] {
        let feed =
            feed_rs::parser::parse(&read(file)[..]).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(feed.title.unwrap().content, "Fixture Notes", "{file}");
        let titles: Vec<_> = feed
            .entries
            .iter()
            .map(|e| e.title.clone().unwrap().content)
            .collect();
        assert_eq!(
            titles,
            ["Second day: ផ្សារ", "First day: arrival"],
            "{file}: newest first, no drafts"
        );
        let first_day = &feed.entries[1];
        assert_eq!(
            first_day.links[0].href, "https://notes.example.org/posts/first-day/",
            "{file}"
        );
        assert!(first_day.published.is_some(), "{file}");
        // The full post, with its image at an absolute address.
        let html = first_day
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(
            html.contains("We arrive late and eat noodles."),
            "{file}: {html}"
        );
        assert!(
            html.contains("src=\"https://notes.example.org/data/media/map."),
            "{file}: {html}"
        );
        assert!(
            !html.contains("src=\"/"),
            "{file}: no site-relative URLs: {html}"
        );
        let tags: Vec<_> = first_day
            .categories
            .iter()
            .map(|c| c.term.as_str())
            .collect();
        assert_eq!(tags, ["travel", "food"], "{file}");
        if file != builder::RSS_FILE {
            // Atom needs an author on every entry; the site's stands in for the post's.
            let authors: Vec<_> = first_day
                .authors
                .iter()
                .map(|a| a.name.as_deref().unwrap_or_default())
                .collect();
            assert_eq!(authors, ["Tester"], "{file}");
        }
    }
    let json: serde_json::Value = serde_json::from_slice(&read(builder::JSON_FEED_FILE)).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], "https://notes.example.org/feed.json");

    let sitemap = String::from_utf8(read(builder::SITEMAP_FILE)).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    for url in [
        "https://notes.example.org/",
        "https://notes.example.org/posts/first-day/",
        "https://notes.example.org/posts/second-day/",
        "https://notes.example.org/tags/",
        "https://notes.example.org/tags/food/",
        "https://notes.example.org/archive/",
    ] {
        assert!(locs.contains(&url.to_string()), "{url} in {locs:?}");
    }
    assert!(!locs.iter().any(|l| l.contains("unfinished")));
    assert!(
        sitemap.contains("<lastmod>2025-03-05</lastmod>"),
        "the update date"
    );

    let robots = String::from_utf8(read(builder::ROBOTS_FILE)).unwrap();
    assert!(
        robots.contains("Sitemap: https://notes.example.org/sitemap.xml"),
        "{robots}"
    );

    let post = String::from_utf8(read("posts/first-day/index.html")).unwrap();
    for (kind, file) in [
        ("application/atom+xml", "atom.xml"),
        ("application/rss+xml", "rss.xml"),
        ("application/feed+json", "feed.json"),
    ] {
        assert!(
            post.contains(&format!("type=\"{kind}\""))
                && post.contains(&format!("href=\"/{file}\"")),
            "{kind} link in the head"
        );
    }
}

#[test]
fn without_a_base_url_there_are_no_feeds_and_a_warning_says_why() {
    let content = site_with(&[("a.md", b"---\ntitle: A\ndate: 2025-01-01\n---\nText.\n")]);
    let dist = tempfile::tempdir().unwrap();
    build_to(content.path(), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    let stubs = builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    assert!(
        stubs.warnings[0].contains("no base_url"),
        "{:?}",
        stubs.warnings
    );
    assert!(!dist.path().join(builder::ATOM_FILE).exists());
    assert!(!dist.path().join(builder::SITEMAP_FILE).exists());
    let robots = fs::read_to_string(dist.path().join(builder::ROBOTS_FILE)).unwrap();
    assert!(!robots.contains("Sitemap"));
}

#[test]
fn host_rules_cache_hashed_files_for_good_and_revalidate_the_rest() {
    let dist = tempfile::tempdir().unwrap();
    build_to(&fixture("site"), &dist.path().join("data")).unwrap();
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let rules = fs::read_to_string(dist.path().join(builder::HEADERS_FILE)).unwrap();
    // Each rule: a path line, then its indented headers.
    let mut by_path: Vec<(String, Vec<String>)> = Vec::new();
    for line in rules.lines().filter(|l| !l.starts_with('#')) {
        if let Some(header) = line.strip_prefix("  ") {
            by_path.last_mut().unwrap().1.push(header.to_string());
        } else {
            by_path.push((line.to_string(), Vec::new()));
        }
    }
    let headers_of = |path: &str| {
        by_path
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| panic!("no rule for {path}: {rules}"))
    };
    let all = headers_of("/*");
    let csp = all
        .iter()
        .find(|h| h.starts_with("Content-Security-Policy: "))
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert!(all.contains(&"X-Content-Type-Options: nosniff".to_string()));
    let immutable = "Cache-Control: public, max-age=31536000, immutable";
    for path in [
        "/app.js",
        "/app_bg.wasm",
        "/data/posts/*",
        "/data/media/*",
        "/data/search/*",
    ] {
        assert_eq!(headers_of(path), [immutable], "{path}");
    }
    for path in ["/data/manifest.json", "/sw.js", "/manifest.webmanifest"] {
        assert_eq!(headers_of(path), ["Cache-Control: no-cache"], "{path}");
    }
    // No path has two rules, and only the catch-all sets anything but caching.
    let mut paths: Vec<_> = by_path.iter().map(|(p, _)| p).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), by_path.len());
}

/// Names an author (or an import) controls never lead a file outside the site: a slug with `..`
/// is refused, and tags, categories and old addresses made of `..`, `/` and `.` are written
/// inside the site, encoded, or not at all.
#[test]
fn hostile_slugs_tags_and_aliases_never_write_outside_the_site() {
    let refused = site_with(&[(
        "a.md",
        b"---\ntitle: Up\ndate: 2024-01-01\nslug: ../../escaped\n---\nbody\n",
    )]);
    let tmp = tempfile::tempdir().unwrap();
    let problems = build_to(refused.path(), &tmp.path().join("site/data")).unwrap_err();
    assert!(
        problems
            .to_string()
            .contains("cannot be used as a URL slug"),
        "{problems}"
    );
    assert!(!tmp.path().join("site").exists(), "a refused build wrote");

    let content = site_with(&[(
        "a.md",
        b"---\ntitle: Up\ndate: 2024-01-01\nslug: fine\naliases: [\"/../../alias-escaped/\", \"/ok/../../x/\", \"/./y/\"]\ntags: [\"../../tag-escaped\", \"..\", \".\"]\ncategories: [\"../../category-escaped\"]\n---\nbody\n",
    )]);
    let site = tmp.path().join("a/b/site");
    build_to(content.path(), &site.join("data")).unwrap();
    write_shell(&site);
    builder::write_stubs(&site, &StubOptions::default()).unwrap();
    // Everything written is inside the site folder: nothing beside it, above it, or in its parents.
    for dir in [
        tmp.path().to_path_buf(),
        tmp.path().join("a"),
        tmp.path().join("a/b"),
    ] {
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        let expected = if dir == tmp.path().join("a/b") {
            "site"
        } else if dir == tmp.path() {
            "a"
        } else {
            "b"
        };
        assert_eq!(names, [expected], "{}", dir.display());
    }
    let files = snapshot(&site);
    assert!(files.keys().any(|f| f.starts_with("posts/fine/")));
    for name in files.keys() {
        assert!(
            name.split('/').all(|part| part != ".." && part != "."),
            "{name}"
        );
    }
    // The hostile tag has its page, under an encoded name inside tags/.
    assert!(
        files
            .keys()
            .any(|f| f.starts_with("tags/") && f.contains("tag-escaped")),
        "{:?}",
        files
            .keys()
            .filter(|f| f.starts_with("tags/"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_pinned_post_leads_the_home_list_and_only_there_says_so() {
    let post = |title: &str, date: &str, extra: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ntags: [road]\n{extra}---\nText of {title}.\n")
    };
    let content = site_with(&[
        (
            "old.md",
            post("Old", "2024-01-01", "pinned: true\n").as_bytes(),
        ),
        ("new.md", post("New", "2025-06-01", "").as_bytes()),
        (
            "mid.md",
            post("Mid", "2025-01-01", "sticky: true\n").as_bytes(),
        ),
    ]);
    let dist = tempfile::tempdir().unwrap();
    build_to(content.path(), &dist.path().join("data")).unwrap();
    let data = dist.path().join("data");
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(data.join(MANIFEST_FILE)).unwrap()).unwrap();
    let directory = builder::directory_in(&data, &manifest).unwrap();
    let list = |key: String| -> ListPage {
        serde_json::from_slice(&fs::read(data.join(&directory[&key])).unwrap()).unwrap()
    };
    let slugs = |page: &ListPage| -> Vec<(String, bool)> {
        page.posts
            .iter()
            .map(|p| (p.slug.clone(), p.pinned))
            .collect()
    };
    let s = |slug: &str, pinned: bool| (slug.to_string(), pinned);
    // The pinned posts first (newest first among them), then the others.
    assert_eq!(
        slugs(&list(home_file(1))),
        [s("mid", true), s("old", true), s("new", false)]
    );
    // Other lists keep the order of dates.
    let tag = list(Taxonomy::Tags.term_file("road", 1));
    assert_eq!(
        tag.posts
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>(),
        ["new", "mid", "old"]
    );
    // The page without JavaScript: the same order, and the mark on the home list alone.
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let home = fs::read_to_string(dist.path().join("index.html")).unwrap();
    let pinned = builder::pinned_mark(fieldnotes::model::strings::Strings::new("en", &[]));
    let at = |title: &str| home.find(&format!(">{title}</a></h2>")).unwrap();
    assert!(at("Mid") < at("Old") && at("Old") < at("New"), "{home}");
    assert_eq!(home.matches(&pinned).count(), 2, "{home}");
    let tag = fs::read_to_string(dist.path().join("tags/road/index.html")).unwrap();
    assert!(!tag.contains(&pinned), "{tag}");
}

/// The first page of the home list of the site built into `data`.
fn first_home_page(data: &Path) -> ListPage {
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(data.join(MANIFEST_FILE)).unwrap()).unwrap();
    let home = &builder::directory_in(data, &manifest).unwrap()[&home_file(1)];
    serde_json::from_slice(&fs::read(data.join(home)).unwrap()).unwrap()
}

#[test]
fn a_post_format_is_kept_and_its_card_says_so() {
    let post = |title: &str, extra: &str| {
        format!("---\ntitle: {title}\ndate: 2025-01-01\n{extra}---\nText of {title}.\n")
    };
    let content = site_with(&[
        ("aside.md", post("Aside", "format: aside\n").as_bytes()),
        ("quote.md", post("Quote", "post_format: Quote\n").as_bytes()),
        ("plain.md", post("Plain", "format: standard\n").as_bytes()),
        ("odd.md", post("Odd", "format: poem\n").as_bytes()),
    ]);
    let dist = tempfile::tempdir().unwrap();
    let summary = build_to(content.path(), &dist.path().join("data")).unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.path.ends_with("odd.md") && w.message == "unknown post format: poem"),
        "{:?}",
        summary.warnings
    );
    let data = dist.path().join("data");
    let home = first_home_page(&data);
    let formats: BTreeMap<&str, Option<&str>> = home
        .posts
        .iter()
        .map(|p| (p.slug.as_str(), p.format.as_deref()))
        .collect();
    assert_eq!(
        formats,
        BTreeMap::from([
            ("aside", Some("aside")),
            ("odd", None),
            ("plain", None),
            ("quote", Some("quote"))
        ])
    );
    write_shell(dist.path());
    builder::write_stubs(dist.path(), &StubOptions::default()).unwrap();
    let page = fs::read_to_string(dist.path().join("index.html")).unwrap();
    assert!(
        page.contains(
            "<li class=\"post-card format-aside\" lang=\"en\" dir=\"ltr\"><p class=\"format\">Aside</p><h2>"
        ),
        "{page}"
    );
    assert!(page.contains("<p class=\"format\">Quote</p>"));
    assert_eq!(page.matches("class=\"format\"").count(), 2);
}

#[test]
fn a_post_mostly_in_another_script_gets_its_language() {
    let khmer = "ភូមិនៅជិតទន្លេ ហើយយើងបានដើរទៅផ្សារ ពេលព្រឹក ដើម្បីទិញបន្លែ។";
    let post = |extra: &str| format!("---\ntitle: ថ្ងៃទីមួយ\ndate: 2025-01-01\n{extra}---\n{khmer}\n");
    let content = site_with(&[
        ("found.md", post("").as_bytes()),
        ("told.md", post("lang: en\n").as_bytes()),
        ("locked.md", post("password: pw\n").as_bytes()),
        (
            "mixed.md",
            format!("---\ntitle: Market day\ndate: 2025-01-01\n---\nWe walked to the market early and bought greens from a seller who said {} to us.\n", "អរគុណ").as_bytes(),
        ),
    ]);
    let dist = tempfile::tempdir().unwrap();
    build_to(content.path(), &dist.path().join("data")).unwrap();
    let data = dist.path().join("data");
    let home = first_home_page(&data);
    let langs: BTreeMap<&str, &str> = home
        .posts
        .iter()
        .map(|p| (p.slug.as_str(), p.lang.as_str()))
        .collect();
    assert_eq!(
        langs,
        BTreeMap::from([
            ("found", "km"),
            ("locked", "en"),
            ("mixed", "en"),
            ("told", "en")
        ]),
        "detected from the script; the front matter wins; a protected post's text says nothing"
    );
}

#[test]
fn a_build_on_disk_writes_exactly_the_files_a_build_in_memory_makes() {
    // A build on disk goes through the staging folder, the preview's in memory: the same files,
    // the search index's included, must come out of both.
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).unwrap();
    fs::write(
        content.join("site.toml"),
        "title = \"Texts\"\ndescription = \"Taken or read.\"\nbase_url = \"https://texts.example.org\"\n",
    )
    .unwrap();
    let words = [
        "river",
        "market",
        "ferry",
        "rice",
        "school",
        "rain",
        "ភូមិ",
        "café",
    ];
    for n in 0..120 {
        let body: Vec<&str> = (0..40)
            .map(|i| words[(n * 7 + i * i) % words.len()])
            .collect();
        fs::write(
            content.join(format!("day-{n:03}.md")),
            format!(
                "---\ntitle: \"Day {n}\"\ndate: 2024-{:02}-{:02}\ntags: [{}]\n---\n\nWord {n}: {}.\n",
                n % 12 + 1,
                n % 28 + 1,
                words[n % 5],
                body.join(" ")
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("data");
    let opts = options(&content, &out);
    builder::build(&opts).unwrap();
    let (_, in_memory) = builder::render_in_memory(&builder::load_site(&opts).unwrap());
    let on_disk = snapshot(&out);
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        in_memory.keys().collect::<Vec<_>>()
    );
    assert!(on_disk.keys().any(|k| k.starts_with("search/")));
    for (path, bytes) in &in_memory {
        assert!(on_disk[path] == *bytes, "{path} differs");
    }
}

/// A content folder of `count` dated posts, `day-NNN.md`, each with its own words.
fn numbered_posts(content: &Path, count: usize) {
    fs::create_dir_all(content).unwrap();
    fs::write(
        content.join("site.toml"),
        "title = \"Kept\"\ndescription = \"Posts kept between builds.\"\nbase_url = \"https://kept.example.org\"\n",
    )
    .unwrap();
    for n in 0..count {
        fs::write(
            content.join(format!("day-{n:03}.md")),
            format!(
                "---\ntitle: \"Day {n}\"\ndate: 2024-03-{:02}\ntags: [river]\n---\n\nThe ferry on day {n}.\n",
                n % 28 + 1
            ),
        )
        .unwrap();
    }
}

#[test]
fn an_incremental_build_parses_only_what_changed_and_writes_what_a_full_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    numbered_posts(&content, 30);
    let kept = tmp.path().join("kept");
    let out = tmp.path().join("data");
    let opts = options(&content, &out);
    let build = || {
        let (site, reread) = builder::load_site_incremental(&opts, &kept).unwrap();
        builder::write_site(site, &out).unwrap();
        (reread.parsed, reread.kept)
    };
    // What was built is what a build without kept posts makes of the same content.
    let same_as_fresh = |when: &str| {
        let fresh = tmp.path().join(format!("fresh-{when}"));
        build_to(&content, &fresh).unwrap();
        let (built, fresh) = (snapshot(&out), snapshot(&fresh));
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{when}"
        );
        for (path, bytes) in &fresh {
            assert!(built[path] == *bytes, "{when}: {path} differs");
        }
    };
    let kept_files = || snapshot(&kept);

    assert_eq!(build(), (30, 0));
    same_as_fresh("first");
    assert_eq!(kept_files().len(), 30, "a file a post");
    assert_eq!(build(), (0, 30));
    same_as_fresh("unchanged");

    // An edit, a new post and a post gone.
    let edited = content.join("day-007.md");
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, text.replace("The ferry", "The late ferry")).unwrap();
    fs::write(
        content.join("day-100.md"),
        "---\ntitle: \"Day 100\"\ndate: 2024-05-01\n---\n\nA new day.\n",
    )
    .unwrap();
    fs::remove_file(content.join("day-003.md")).unwrap();
    assert_eq!(build(), (2, 28));
    same_as_fresh("edited");
    assert_eq!(kept_files().len(), 30, "the gone post's file is removed");

    // A kept file another builder wrote, or a torn one, is read as missing.
    let names: Vec<String> = kept_files().into_keys().collect();
    let other = fs::read_to_string(kept.join(&names[0])).unwrap();
    let other = other.replacen("\"builder\":\"", "\"builder\":\"0", 1);
    fs::write(kept.join(&names[0]), other).unwrap();
    fs::write(kept.join(&names[1]), b"{\"torn").unwrap();
    assert_eq!(build(), (2, 28));
    same_as_fresh("damaged");

    // Another site setting: every post is read again.
    let settings = fs::read_to_string(content.join("site.toml")).unwrap();
    fs::write(
        content.join("site.toml"),
        format!("{settings}language = \"fr\"\n"),
    )
    .unwrap();
    assert_eq!(build(), (30, 0));
    same_as_fresh("settings");

    // A protected post is never kept: neither its text nor its password (its sealed file differs
    // from build to build, so it is not compared).
    fs::write(
        content.join("locked.md"),
        "---\ntitle: Locked\ndate: 2024-04-01\npassword: open-sesame\n---\n\nThe secret harbour.\n",
    )
    .unwrap();
    assert_eq!(build(), (1, 30));
    assert_eq!(build(), (1, 30), "the protected post is read every time");
    assert_eq!(kept_files().len(), 30);
    for (name, bytes) in kept_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("open-sesame") && !text.contains("secret harbour"),
            "{name}"
        );
    }
}

#[test]
fn build_incremental_keeps_the_posts_where_asked_and_says_what_it_read() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    numbered_posts(&content, 4);
    let kept = tmp.path().join("kept");
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
            .args(["build", "--incremental", "--content"])
            .arg(&content)
            .arg("--out")
            .arg(tmp.path().join("out"))
            .arg("--post-cache")
            .arg(&kept)
            .env("FIELDNOTES_IMAGE_CACHE", tmp.path().join("images"))
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let first = run();
    assert!(
        first.contains("4 post files read and parsed, 0 taken as"),
        "{first}"
    );
    assert_eq!(fs::read_dir(&kept).unwrap().count(), 4);
    let second = run();
    assert!(
        second.contains("0 post files read and parsed, 4 taken as"),
        "{second}"
    );
}
