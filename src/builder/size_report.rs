//! The size report: every file of a built site, raw, gzip and brotli, and what a first visit to the
//! home page downloads (the shell, every local file it references, the manifest and the first
//! index page, which is exactly what the app fetches to draw the post list).

use crate::model::{Manifest, DATA_DIR, MANIFEST_FILE};
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// One file's sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    /// Relative to the site root, with `/` separators.
    pub path: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
    /// Downloaded by a first visit to `/`.
    pub first_visit: bool,
    /// Downloaded on that visit for offline reading only: the service worker and what it stores
    /// that the page itself did not load.
    pub offline: bool,
}

/// Sizes of every file of a built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeReport {
    pub files: Vec<FileSize>,
}

impl SizeReport {
    /// Sum of (raw, gzip, brotli) over the first-visit files.
    pub fn first_visit_total(&self) -> (usize, usize, usize) {
        self.total(|f| f.first_visit)
    }

    /// Sum of (raw, gzip, brotli) over what offline support adds to a first visit.
    pub fn offline_total(&self) -> (usize, usize, usize) {
        self.total(|f| f.offline)
    }

    fn total(&self, counted: impl Fn(&FileSize) -> bool) -> (usize, usize, usize) {
        self.files
            .iter()
            .filter(|f| counted(f))
            .fold((0, 0, 0), |acc, f| {
                (acc.0 + f.raw, acc.1 + f.gzip, acc.2 + f.brotli)
            })
    }
}

/// Measures the built site in `dist`.
pub fn size_report(dist: &Path) -> Result<SizeReport> {
    let mut paths = Vec::new();
    collect(dist, dist, &mut paths)?;
    paths.sort();
    let manifest_path = dist.join(DATA_DIR).join(MANIFEST_FILE);
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(&manifest_path)?)
        .with_context(|| format!("cannot parse {}", manifest_path.display()))?;
    let first_visit = first_visit_files(dist, &manifest)?;
    let offline = offline_files(dist, &manifest.site.base_path);
    let mut files = Vec::with_capacity(paths.len());
    for relative in paths {
        let path = dist.join(&relative);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let path = relative.to_string_lossy().replace('\\', "/");
        files.push(FileSize {
            first_visit: first_visit.contains(&path),
            offline: !first_visit.contains(&path) && offline.contains(&path),
            raw: bytes.len(),
            gzip: gzip_len(&bytes),
            brotli: brotli_len(&bytes),
            path,
        });
    }
    Ok(SizeReport { files })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, out)?;
        } else if !super::compress::is_copy(&path) {
            // Compressed copies are the same bytes in another form: each file is counted once.
            out.push(path.strip_prefix(root).expect("below root").to_path_buf());
        }
    }
    Ok(())
}

/// The files a first visit to `/` downloads.
fn first_visit_files(dist: &Path, manifest: &Manifest) -> Result<BTreeSet<String>> {
    let html = std::fs::read_to_string(dist.join("index.html"))
        .with_context(|| format!("{} has no index.html: build the site first", dist.display()))?;
    let base = manifest.site.base_path.as_str();
    let mut files = BTreeSet::from([
        "index.html".to_string(),
        format!("{DATA_DIR}/{MANIFEST_FILE}"),
    ]);
    files.insert(format!(
        "{DATA_DIR}/{}",
        crate::model::home_file(&manifest.lists, 1)
    ));
    // Every quoted local path in the shell that names a file: stylesheets, the JS glue, the WASM
    // (from preload links and the loader script), icons.
    // Every quote opens a candidate, so an apostrophe in an inline script's comment cannot throw
    // the pairing of the others off.
    let quoted = html.match_indices(['"', '\'']).filter_map(|(at, quote)| {
        let rest = &html[at + 1..];
        rest.find(quote).map(|end| &rest[..end])
    });
    for quoted in quoted {
        if let Some(relative) = quoted.strip_prefix(base) {
            // The icons for installing are fetched only when the reader installs the site, the
            // feeds only by feed readers.
            let not_loaded = relative.starts_with("icons/")
                || [super::ATOM_FILE, super::RSS_FILE, super::JSON_FEED_FILE].contains(&relative);
            if !relative.is_empty() && !not_loaded && dist.join(relative).is_file() {
                files.insert(relative.to_string());
            }
        }
    }
    Ok(files)
}

/// The service worker and the files it precaches (from its `PRECACHE` list), relative to the
/// site's root under `base`; none when the site has no worker.
fn offline_files(dist: &Path, base: &str) -> BTreeSet<String> {
    let Ok(worker) = std::fs::read_to_string(dist.join(super::WORKER_FILE)) else {
        return BTreeSet::new();
    };
    let list = worker
        .lines()
        .find_map(|line| line.strip_prefix("const PRECACHE = "))
        .and_then(|json| serde_json::from_str::<Vec<String>>(json.trim_end_matches(';')).ok())
        .unwrap_or_default();
    let mut files: BTreeSet<String> = list
        .iter()
        .filter_map(|url| url.strip_prefix(base))
        .map(String::from)
        .collect();
    files.insert(super::WORKER_FILE.to_string());
    files
}

fn gzip_len(bytes: &[u8]) -> usize {
    super::compress::gzip(bytes).len()
}

fn brotli_len(bytes: &[u8]) -> usize {
    super::compress::brotli(bytes).len()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .files
            .iter()
            .map(|r| r.path.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>10}  first visit",
            "file", "raw", "gzip", "brotli"
        )?;
        for r in &self.files {
            writeln!(
                f,
                "{:<width$}  {:>10}  {:>10}  {:>10}  {}",
                r.path,
                kb(r.raw),
                kb(r.gzip),
                kb(r.brotli),
                if r.first_visit { "yes" } else { "" }
            )?;
        }
        let all = self.files.iter().fold((0, 0, 0), |a, r| {
            (a.0 + r.raw, a.1 + r.gzip, a.2 + r.brotli)
        });
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>10}",
            "all files",
            kb(all.0),
            kb(all.1),
            kb(all.2)
        )?;
        let (raw, gzip, brotli) = self.first_visit_total();
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>10}  ({} files)",
            "first visit to /",
            kb(raw),
            kb(gzip),
            kb(brotli),
            self.files.iter().filter(|r| r.first_visit).count()
        )?;
        let (raw, gzip, brotli) = self.offline_total();
        write!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>10}  ({} files: the service worker and what it stores beyond the first visit)",
            "+ offline support",
            kb(raw),
            kb(gzip),
            kb(brotli),
            self.files.iter().filter(|r| r.offline).count()
        )
    }
}
