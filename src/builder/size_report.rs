//! The size report: every file of a built site, raw, gzip and brotli; what a first visit to the
//! home page downloads (the shell, every local file it references, the manifest and the first
//! index page, which is exactly what the app fetches to draw the post list) and what a first visit
//! to a post downloads (its route page, the files it references and the manifest). With a budgets
//! file ([`Budgets`]) those totals and named pieces of the site are checked against their budgets.

use crate::model::{Manifest, DATA_DIR, MANIFEST_FILE};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// What a first visit to one post downloads: its route page, every local file the page
/// references (the preloaded data file, images) and the manifest. Sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostVisit {
    /// The post's route, `posts/<slug>/`.
    pub slug: String,
    /// Relative to the site root, with `/` separators, in order.
    pub files: Vec<String>,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// Sizes of every file of a built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeReport {
    pub files: Vec<FileSize>,
    /// The first visit to each post, by slug; empty for a site without posts.
    pub posts: Vec<PostVisit>,
}

impl SizeReport {
    /// The post whose first visit downloads the most (brotli), if the site has posts.
    pub fn largest_post_visit(&self) -> Option<&PostVisit> {
        // The first of equals, so the report does not depend on how ties fall.
        self.posts
            .iter()
            .fold(None, |best: Option<&PostVisit>, visit| match best {
                Some(best) if best.brotli >= visit.brotli => Some(best),
                _ => Some(visit),
            })
    }

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
    let mut paths: Vec<String> = paths
        .iter()
        .map(|relative| relative.to_string_lossy().replace('\\', "/"))
        .collect();
    paths.sort();
    let manifest_path = dist.join(DATA_DIR).join(MANIFEST_FILE);
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(&manifest_path)?)
        .with_context(|| format!("cannot parse {}", manifest_path.display()))?;
    let install_icons = install_icons(&manifest);
    let known: BTreeSet<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| !install_icons.contains(*p))
        .collect();
    let base = manifest.site.base_path.as_str();
    let imports = module_imports(dist, &known)?;
    let mut first_visit = first_visit_files(dist, &manifest, &known)?;
    with_imports(&mut first_visit, &imports);
    let offline = offline_files(dist, base);
    let mut files = Vec::with_capacity(paths.len());
    let mut post_pages = Vec::new();
    for path in &paths {
        let full = dist.join(path);
        let bytes =
            std::fs::read(&full).with_context(|| format!("cannot read {}", full.display()))?;
        if let Some(slug) = post_slug(path) {
            // Scanned while its bytes are at hand: a large site has thousands of route pages.
            let html = String::from_utf8_lossy(&bytes);
            // A moved post's old address holds a redirect, not a post a reader lands on.
            if !html.contains("http-equiv=\"refresh\"") {
                let mut quoted = quoted_files(&html, base, &known);
                with_imports(&mut quoted, &imports);
                post_pages.push((slug.to_string(), path.clone(), quoted));
            }
        }
        files.push(FileSize {
            first_visit: first_visit.contains(path),
            offline: !first_visit.contains(path) && offline.contains(path),
            raw: bytes.len(),
            gzip: gzip_len(&bytes),
            brotli: brotli_len(&bytes),
            path: path.clone(),
        });
    }
    // Summed from the sizes above: each file is compressed once, however many visits load it.
    let by_path: HashMap<&str, &FileSize> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let manifest_file = format!("{DATA_DIR}/{MANIFEST_FILE}");
    let posts = post_pages
        .into_iter()
        .map(|(slug, page, mut quoted)| {
            quoted.insert(page);
            quoted.insert(manifest_file.clone());
            let mut visit = PostVisit {
                slug,
                files: Vec::with_capacity(quoted.len()),
                raw: 0,
                gzip: 0,
                brotli: 0,
            };
            for path in quoted {
                if let Some(size) = by_path.get(path.as_str()) {
                    visit.raw += size.raw;
                    visit.gzip += size.gzip;
                    visit.brotli += size.brotli;
                    visit.files.push(path);
                }
            }
            visit
        })
        .collect();
    Ok(SizeReport { files, posts })
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

/// The slug of a post's route page, `posts/<slug>/index.html`.
fn post_slug(path: &str) -> Option<&str> {
    let slug = path.strip_prefix("posts/")?.strip_suffix("/index.html")?;
    (!slug.is_empty() && !slug.contains('/')).then_some(slug)
}

/// The theme's install icons: like ours (`icons/`), fetched only when a reader installs the site.
fn install_icons(manifest: &Manifest) -> BTreeSet<String> {
    manifest
        .theme
        .iter()
        .flat_map(|t| &t.icons)
        .map(|icon| format!("{DATA_DIR}/{}", icon.src))
        .collect()
}

/// The files a first visit to `/` downloads.
fn first_visit_files(
    dist: &Path,
    manifest: &Manifest,
    known: &BTreeSet<&str>,
) -> Result<BTreeSet<String>> {
    let html = std::fs::read_to_string(dist.join("index.html"))
        .with_context(|| format!("{} has no index.html: build the site first", dist.display()))?;
    let mut files = quoted_files(&html, &manifest.site.base_path, known);
    files.insert("index.html".to_string());
    files.insert(format!("{DATA_DIR}/{MANIFEST_FILE}"));
    // The home page names its list in its head (a preload, quoted above); the lists' directory
    // says the same when the page does not.
    let home = crate::model::home_file(1);
    let read = |file: &str| -> Result<crate::model::ListDir> {
        let bytes = std::fs::read(dist.join(DATA_DIR).join(file))
            .with_context(|| format!("reading {DATA_DIR}/{file}"))?;
        Ok(serde_json::from_slice(&bytes)?)
    };
    let lists = crate::builder::read_directory((&manifest.lists, manifest.list_shards), read)?;
    if let Some(file) = lists.get(&home) {
        files.insert(format!("{DATA_DIR}/{file}"));
    }
    Ok(files)
}

/// Every local file of the site (`known`) that a page quotes under `base`: stylesheets, the JS
/// glue, the WASM (from preload links and the loader script), preloaded data files, images.
fn quoted_files(html: &str, base: &str, known: &BTreeSet<&str>) -> BTreeSet<String> {
    // Every quote opens a candidate, so an apostrophe in an inline script's comment cannot throw
    // the pairing of the others off.
    let quoted = html.match_indices(['"', '\'']).filter_map(|(at, quote)| {
        let rest = &html[at + 1..];
        rest.find(quote).map(|end| &rest[..end])
    });
    let mut files = BTreeSet::new();
    for quoted in quoted {
        if let Some(relative) = quoted.strip_prefix(base) {
            // The icons for installing are fetched only when the reader installs the site, the
            // feeds only by feed readers.
            let not_loaded = relative.starts_with("icons/")
                || [super::ATOM_FILE, super::RSS_FILE, super::JSON_FEED_FILE].contains(&relative);
            if !not_loaded && known.contains(relative) {
                files.insert(relative.to_string());
            }
        }
    }
    files
}

/// What each script of the site imports as it starts (`import … from "./…"`, resolved against the
/// script's folder), for the scripts among `known`: the app's script imports the loader of its
/// chunks (`super::split`), which a first visit downloads too.
fn module_imports(dist: &Path, known: &BTreeSet<&str>) -> Result<HashMap<String, Vec<String>>> {
    let mut imports = HashMap::new();
    for script in known.iter().filter(|path| path.ends_with(".js")) {
        let text = std::fs::read_to_string(dist.join(script)).unwrap_or_default();
        let folder = script.rsplit_once('/').map_or("", |(folder, _)| folder);
        let found: Vec<String> = text
            .lines()
            .take_while(|line| line.starts_with("import ") || line.trim().is_empty())
            .filter_map(|line| line.rsplit_once(" from ").map(|(_, from)| from))
            .filter_map(|from| {
                let from = from.trim().trim_end_matches(';');
                let path = from.strip_prefix('"')?.strip_suffix('"')?;
                let path = path.strip_prefix("./")?;
                let full = if folder.is_empty() {
                    path.to_string()
                } else {
                    format!("{folder}/{path}")
                };
                known.contains(full.as_str()).then_some(full)
            })
            .collect();
        if !found.is_empty() {
            imports.insert(script.to_string(), found);
        }
    }
    Ok(imports)
}

/// Adds to `files` the scripts their scripts import, and those theirs.
fn with_imports(files: &mut BTreeSet<String>, imports: &HashMap<String, Vec<String>>) {
    let mut todo: Vec<String> = files.iter().cloned().collect();
    while let Some(file) = todo.pop() {
        for imported in imports.get(&file).into_iter().flatten() {
            if files.insert(imported.clone()) {
                todo.push(imported.clone());
            }
        }
    }
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
    format!("{:.1} KB", kilobytes(bytes))
}

/// Bytes in KB (1024 bytes), the unit of the report and of the budgets.
fn kilobytes(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

/// How the report and the budgets name the largest first visit to a post.
fn post_visit_label(slug: &str) -> String {
    format!("first visit to a post (largest: {slug})")
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let largest = self.largest_post_visit();
        let post_label = largest.map(|visit| post_visit_label(&visit.slug));
        // Wide enough for the longest path or total's label, so the columns stay aligned.
        let width = self
            .files
            .iter()
            .map(|r| r.path.chars().count())
            .chain(post_label.iter().map(|label| label.chars().count()))
            .chain([4, "+ offline support".len()])
            .max()
            .unwrap_or(4);
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
        if let (Some(visit), Some(label)) = (largest, &post_label) {
            writeln!(
                f,
                "{:<width$}  {:>10}  {:>10}  {:>10}  ({} files)",
                label,
                kb(visit.raw),
                kb(visit.gzip),
                kb(visit.brotli),
                visit.files.len()
            )?;
        }
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

/// The sizes a site must stay within, read from a budgets file (`budgets.toml`): the first visit
/// to `/`, the largest first visit to a post, and named pieces of the site, each in brotli KB.
#[derive(Debug, Clone, PartialEq)]
pub struct Budgets {
    /// The file they were read from, as given: named in every violation.
    pub source: String,
    pub home: Option<SizeLimit>,
    pub post: Option<SizeLimit>,
    /// In the order of the file.
    pub pieces: Vec<BudgetPiece>,
}

/// A budget (enforced) and a goal (shown only), in brotli KB.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeLimit {
    pub budget: f64,
    pub goal: Option<f64>,
}

/// A named set of files of the built site, given by glob patterns relative to its root.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetPiece {
    pub name: String,
    pub about: Option<String>,
    pub files: Vec<String>,
    pub limit: SizeLimit,
}

/// The budgets file as written; every key not named here is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetsFile {
    #[serde(default)]
    first_visit: FirstVisitFile,
    #[serde(default)]
    pieces: BTreeMap<String, toml::Spanned<PieceFile>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstVisitFile {
    home: Option<SizeLimit>,
    post: Option<SizeLimit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PieceFile {
    files: Vec<String>,
    budget: f64,
    goal: Option<f64>,
    about: Option<String>,
}

impl Budgets {
    /// Reads a budgets file.
    pub fn load(path: &Path) -> Result<Budgets> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the budgets file {}", path.display()))?;
        Budgets::parse(&text, &path.display().to_string())
    }

    /// Reads the text of a budgets file; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Budgets> {
        let file: BudgetsFile =
            toml::from_str(text).with_context(|| format!("{source} is not a budgets file"))?;
        let mut pieces: Vec<_> = file.pieces.into_iter().collect();
        // Shown in the order they are written: the file's authors group them as they think.
        pieces.sort_by_key(|(_, piece)| piece.span().start);
        let pieces: Vec<BudgetPiece> = pieces
            .into_iter()
            .map(|(name, piece)| {
                let piece = piece.into_inner();
                BudgetPiece {
                    name,
                    about: piece.about,
                    files: piece.files,
                    limit: SizeLimit {
                        budget: piece.budget,
                        goal: piece.goal,
                    },
                }
            })
            .collect();
        let mut limits = vec![
            ("first_visit.home".to_string(), file.first_visit.home),
            ("first_visit.post".to_string(), file.first_visit.post),
        ];
        for piece in &pieces {
            if piece.files.is_empty() {
                bail!("{source}: pieces.{}.files is empty", piece.name);
            }
            limits.push((format!("pieces.{}", piece.name), Some(piece.limit)));
        }
        for (name, limit) in limits {
            let Some(limit) = limit else { continue };
            for (key, kb) in [("budget", Some(limit.budget)), ("goal", limit.goal)] {
                if let Some(kb) = kb.filter(|kb| !kb.is_finite() || *kb < 0.0) {
                    bail!("{source}: {name}.{key} is {kb}: sizes are KB, zero or more");
                }
            }
        }
        Ok(Budgets {
            source: source.to_string(),
            home: file.first_visit.home,
            post: file.first_visit.post,
            pieces,
        })
    }

    /// Measures each budgeted size in `report` (the report of `dist`). A pattern of a piece that
    /// matches no file is an error: a budget that measures nothing cannot hold.
    pub fn check(&self, report: &SizeReport, dist: &Path) -> Result<BudgetCheck> {
        let mut rows = Vec::new();
        if let Some(limit) = self.home {
            rows.push(BudgetRow {
                name: "first visit to /".to_string(),
                brotli: Some(report.first_visit_total().2),
                limit,
            });
        }
        if let Some(limit) = self.post {
            // A site without posts has no such visit: the row is shown, with nothing to hold.
            let largest = report.largest_post_visit();
            rows.push(BudgetRow {
                name: largest.map_or("first visit to a post (no posts)".to_string(), |visit| {
                    post_visit_label(&visit.slug)
                }),
                brotli: largest.map(|visit| visit.brotli),
                limit,
            });
        }
        for piece in &self.pieces {
            let mut matched = BTreeSet::new();
            for pattern in &piece.files {
                // `*` stays within a folder and `**` crosses folders, as in a shell.
                let glob = globset::GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .with_context(|| {
                        format!(
                            "{}: piece {}: bad pattern {pattern}",
                            self.source, piece.name
                        )
                    })?
                    .compile_matcher();
                let mut any = false;
                for (at, file) in report.files.iter().enumerate() {
                    if glob.is_match(&file.path) {
                        any = true;
                        matched.insert(at);
                    }
                }
                if !any {
                    bail!(
                        "piece {}: no file of {} matches {pattern} ({})",
                        piece.name,
                        dist.display(),
                        self.source
                    );
                }
            }
            rows.push(BudgetRow {
                name: format!("piece {}", piece.name),
                brotli: Some(matched.iter().map(|&at| report.files[at].brotli).sum()),
                limit: piece.limit,
            });
        }
        Ok(BudgetCheck {
            source: self.source.clone(),
            rows,
        })
    }
}

/// Each budgeted size beside its budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetCheck {
    /// The budgets file, named in the errors.
    pub source: String,
    pub rows: Vec<BudgetRow>,
}

/// One budgeted size: the first visit to `/`, the largest first visit to a post, or a piece.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    /// `first visit to /`, `first visit to a post (largest: <slug>)`, `piece <name>`.
    pub name: String,
    /// Brotli bytes; `None` when there is nothing to measure (a post budget on a site without posts).
    pub brotli: Option<usize>,
    pub limit: SizeLimit,
}

impl BudgetRow {
    /// The size in brotli KB.
    pub fn kb(&self) -> Option<f64> {
        self.brotli.map(kilobytes)
    }

    /// By how many KB the size exceeds its budget, if it does.
    pub fn over(&self) -> Option<f64> {
        self.kb()
            .map(|kb| kb - self.limit.budget)
            .filter(|over| *over > 0.0)
    }
}

impl BudgetCheck {
    /// Every size is within its budget.
    pub fn holds(&self) -> bool {
        self.rows.iter().all(|row| row.over().is_none())
    }

    /// One line per size over its budget, naming it, its size, its budget and the budgets file.
    pub fn violations(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|row| row.over().is_some())
            .map(|row| {
                format!(
                    "{} is {:.1} KB brotli, over its budget of {:.1} KB ({})",
                    row.name,
                    row.kb().unwrap_or_default(),
                    row.limit.budget,
                    self.source
                )
            })
            .collect()
    }
}

impl fmt::Display for BudgetCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|row| row.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("Budgets".len());
        write!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>10}",
            "Budgets", "brotli", "budget", "goal"
        )?;
        for row in &self.rows {
            let size = row.kb().map_or("-".to_string(), |kb| format!("{kb:.1} KB"));
            let goal = row
                .limit
                .goal
                .map_or("-".to_string(), |goal| format!("{goal:.1} KB"));
            let status = match (row.brotli, row.over()) {
                (None, _) => "nothing to measure".to_string(),
                (Some(_), None) => "ok".to_string(),
                (Some(_), Some(over)) => format!("OVER by {over:.1} KB"),
            };
            write!(
                f,
                "\n{:<width$}  {:>10}  {:>10}  {:>10}  {status}",
                row.name,
                size,
                format!("{:.1} KB", row.limit.budget),
                goal
            )?;
        }
        Ok(())
    }
}
