//! What a search costs a reader and what it lists, computed natively with the app's own search
//! code over a built site's data folder: for each query, the index files the first page of
//! results needs (count, bytes raw and brotli, round trips), the same for listing every result,
//! and how many posts it lists in the end.
//!
//! `cargo bench -p fieldnotes-bench --bench search_cost -- --data DIST/data WORD [WORD…]` prints a
//! Markdown table. Words are searched as finished words (as after a space); quote a query to give
//! several words, filters (`"ferry tag:river"`) or exclusions. Under `cargo test` it builds a small
//! site and checks that a common word lists every post, as a smoke test.

use fieldnotes::model::{Manifest, SearchEntry};
use fieldnotes::search::filter::{split, Filter};
use fieldnotes::search::index::{load_now, File, Found, Loaded, Need};
use fieldnotes::search::query::{parse, Clause};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Results on a page of the app's search.
const PAGE: usize = 20;

/// What loading a search's files took.
#[derive(Default)]
struct Cost {
    files: usize,
    raw: usize,
    brotli: usize,
    rounds: usize,
}

/// A built data folder, with the brotli size of each file read (once).
struct Data {
    dir: PathBuf,
    entry: SearchEntry,
    entry_bytes: (usize, usize),
    sizes: HashMap<String, (usize, usize)>,
}

impl Data {
    fn open(dir: &Path) -> Data {
        let manifest: Manifest = serde_json::from_slice(&read(&dir.join("manifest.json"))).unwrap();
        let entry_file = manifest.search_file.expect("the site has a search index");
        let bytes = read(&dir.join(&entry_file));
        Data {
            dir: dir.to_path_buf(),
            entry: serde_json::from_slice(&bytes).unwrap(),
            entry_bytes: (bytes.len(), brotli_len(&bytes)),
            sizes: HashMap::new(),
        }
    }

    /// Loads what `needs` names, round after round, for `wanted` results.
    fn load(&mut self, clauses: &[Clause], filters: &[Filter], wanted: usize) -> (Found, Cost) {
        let mut loaded = Loaded {
            dir: self.entry.dir.clone(),
            ..Loaded::default()
        };
        let mut cost = Cost {
            files: 1,
            raw: self.entry_bytes.0,
            brotli: self.entry_bytes.1,
            rounds: 1,
        };
        let (dir, entry, sizes) = (&self.dir, &self.entry, &mut self.sizes);
        // Each file is named in one loaded before it (a copy: the engine holds `loaded`).
        let mut named = Loaded::default();
        let fetch = |round: Vec<Need>| {
            cost.rounds += 1;
            let files: Vec<(Need, File)> = round
                .into_iter()
                .map(|need| {
                    let file = need
                        .file(entry, &named)
                        .expect("every file a search needs is named");
                    let path = dir.join(&file);
                    let bytes = read(&path);
                    let (raw, brotli) = *sizes
                        .entry(file)
                        .or_insert_with(|| (bytes.len(), brotli_len(&bytes)));
                    cost.files += 1;
                    cost.raw += raw;
                    cost.brotli += brotli;
                    let parsed = File::read(&need, &bytes).expect("an index file of this build");
                    named.insert(need.clone(), parsed.clone());
                    (need, parsed)
                })
                .collect();
            Ok::<_, std::convert::Infallible>(files)
        };
        let Ok(found) = load_now(entry, clauses, filters, wanted, &mut loaded, fetch);
        (found, cost)
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Bytes of `bytes` as brotli at quality 11, as a CDN serves them.
fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).unwrap();
    }
    out.len()
}

/// One row of the table: the query, the posts it lists, and what its first page and every
/// result cost.
fn row(data: &mut Data, query: &str) -> (String, usize) {
    let (words, filters) = split(&format!("{query} "));
    let clauses = parse(&format!("{words} "));
    let (first, first_cost) = data.load(&clauses, &filters, PAGE);
    let (all, all_cost) = data.load(&clauses, &filters, usize::MAX);
    let listed = all.hits.len();
    let count = match first.total {
        Some(n) => n.to_string(),
        None => format!("at least {}", first.at_least.max(first.hits.len())),
    };
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1024.0);
    let line = format!(
        "| {query} | {listed} | {count} | {} files, {} rounds, {} ({}) | {} files, {} ({}) |",
        first_cost.files,
        first_cost.rounds,
        kb(first_cost.brotli),
        kb(first_cost.raw),
        all_cost.files,
        kb(all_cost.brotli),
        kb(all_cost.raw),
    );
    (line, listed)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.split_first() {
        Some((flag, rest)) if flag == "--data" && rest.len() >= 2 => {
            let mut data = Data::open(Path::new(&rest[0]));
            println!("| Query | Posts listed (every page) | Count on the first page | First page: index files, brotli (raw) | Every result |");
            println!("| --- | ---: | ---: | ---: | ---: |");
            for query in &rest[1..] {
                println!("{}", row(&mut data, query).0);
            }
        }
        Some(_) => {
            eprintln!("usage: search_cost --data DIST/data WORD [WORD…]");
            std::process::exit(2);
        }
        None => smoke(),
    }
}

/// A site of 260 posts that all have one word: it lists all 260, and a tag filter finds a post
/// past the word's first tier.
fn smoke() {
    let work = tempfile::tempdir().unwrap();
    let content = work.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Smoke\"\n").unwrap();
    for i in 0..260 {
        let tag = if i == 5 { "deep" } else { "shallow" };
        let post = format!(
            "---\ntitle: \"Crossing {i}\"\ndate: 2020-01-01\ntags: [{tag}]\n---\n\nThe ferry left at dawn, day {i}.\n"
        );
        std::fs::write(content.join(format!("crossing-{i}.md")), post).unwrap();
    }
    let out = work.path().join("data");
    fieldnotes::builder::build(&fieldnotes::builder::BuildOptions {
        content,
        out: out.clone(),
        ..Default::default()
    })
    .expect("the smoke site builds");
    let mut data = Data::open(&out);
    assert_eq!(row(&mut data, "ferry").1, 260);
    assert_eq!(row(&mut data, "ferry tag:deep").1, 1);
}
