//! `fieldnotes split`: cuts the app's WASM into its reading core and the chunks loaded on use.
//!
//! The app marks its split points in `src/app/split.rs`; each becomes an import that only this
//! step can resolve. Trunk builds and binds the app as one WASM; this step, run by Trunk's
//! post-build hook, reads cargo's own output of that build (kept with its relocations, see
//! `.cargo/config.toml`), splits it with `wasm_split_cli_support`, binds the new main module with
//! `wasm-bindgen` and shrinks every module with `wasm-opt` (release builds), in place of the files
//! Trunk wrote; release builds also minify the app's script, the chunks' loader, the workers'
//! scripts and the shell's stylesheet with esbuild (Trunk's own minifying would rewrite the shell's
//! HTML, which the later steps read). The chunks and their loader go into `pieces/app-<hash>/`,
//! named after the build they belong to, so a page never loads a chunk of another build.

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The app's binary, as Trunk names its files (`fieldnotes-app-<hash>.js`, `…_bg.wasm`).
const APP: &str = "fieldnotes-app";
/// The loader the main module imports the chunks' load functions from.
const LOADER: &str = "loader.js";

/// What the step did.
#[derive(Debug, Default)]
pub struct Split {
    /// The folder of the chunks, relative to the site's root (`pieces/app-<hash>`).
    pub folder: String,
    /// The chunks written, file names in `folder`.
    pub chunks: Vec<String>,
    /// The main module's size before and after (bytes of the bound, optimised WASM).
    pub main_before: u64,
    pub main_after: u64,
}

/// How to split: the staged site, cargo's WASM and whether to optimise.
pub struct SplitOptions<'a> {
    /// Trunk's staging folder (or a built `dist/`).
    pub dist: &'a Path,
    /// Cargo's output for the app, before wasm-bindgen.
    pub wasm: &'a Path,
    /// Run `wasm-opt -Oz` on every module, and minify the scripts and the stylesheet with esbuild
    /// (Trunk's release builds).
    pub optimise: bool,
}

/// Splits the app in `opts.dist`; see the module's documentation.
pub fn split_app(opts: &SplitOptions) -> Result<Split> {
    let dist = opts.dist;
    let (js_name, wasm_name) = app_files(dist)?;
    let hash = build_hash(&js_name)
        .context("the app's script has no hash in its name")?
        .to_string();
    let input = std::fs::read(opts.wasm)
        .with_context(|| format!("reading the app's WASM {}", opts.wasm.display()))?;
    let folder = format!("{}/app-{hash}", crate::pieces::PIECES_DIR);
    let work = WorkDir::new()?;
    let main_split = work.join("main.wasm");
    let link_name = format!("./{folder}/{LOADER}");
    let main_module = format!("../../{js_name}");
    let chunk_dir = work.join("chunks");
    std::fs::create_dir_all(chunk_dir.join(&folder))?;
    let done = wasm_split_cli_support::transform({
        let mut o = wasm_split_cli_support::Options::new(&input);
        o.output_dir = &chunk_dir;
        o.main_out_path = &main_split;
        o.link_name = &link_name;
        o.main_module = &main_module;
        o
    })
    .map_err(|e| anyhow::anyhow!("splitting the app's WASM: {e}"))?;

    // Bind the new main module under Trunk's names.
    let bound = work.join("bound");
    run(Command::new("wasm-bindgen")
        .arg("--target=web")
        .arg("--no-typescript")
        .arg("--keep-lld-exports")
        .arg("--no-demangle")
        .arg(format!("--out-dir={}", bound.display()))
        .arg(format!("--out-name={}", js_name.trim_end_matches(".js")))
        .arg(&main_split))?;
    let bound_wasm = bound.join(&wasm_name);
    let main_before = std::fs::metadata(dist.join(&wasm_name))?.len();
    let out_folder = dist.join(&folder);
    if out_folder.exists() {
        std::fs::remove_dir_all(&out_folder)?;
    }
    std::fs::create_dir_all(&out_folder)?;
    let mut chunks = Vec::new();
    for chunk in &done.split_modules {
        let name = chunk
            .file_name()
            .and_then(|n| n.to_str())
            .context("a chunk without a name")?
            .to_string();
        let target = out_folder.join(&name);
        optimise_into(chunk, &target, opts.optimise)?;
        chunks.push(name);
    }
    std::fs::copy(
        chunk_dir.join(&folder).join(LOADER),
        out_folder.join(LOADER),
    )
    .context("copying the chunks' loader")?;
    optimise_into(&bound_wasm, &dist.join(&wasm_name), opts.optimise)?;
    std::fs::copy(bound.join(&js_name), dist.join(&js_name))?;
    let main_after = std::fs::metadata(dist.join(&wasm_name))?.len();
    let shell = dist.join("index.html");
    let styles = shell_styles(&shell, dist)?;
    if opts.optimise {
        let mut texts = vec![js_name.clone(), format!("{folder}/{LOADER}")];
        texts.extend(styles.iter().cloned());
        texts.extend(worker_scripts(dist)?);
        minify(dist, &texts)?;
    }
    let mut named: Vec<&str> = vec![&js_name, &wasm_name];
    named.extend(styles.iter().map(String::as_str));
    fix_integrity(&shell, dist, &named)?;
    preload_loader(&shell, dist, &js_name, &format!("{folder}/{LOADER}"))?;
    chunks.sort();
    Ok(Split {
        folder,
        chunks,
        main_before,
        main_after,
    })
}

/// The build's hash in the name Trunk gave the app's script (`fieldnotes-app-<hash>.js`).
fn build_hash(js_name: &str) -> Option<&str> {
    js_name
        .strip_prefix(APP)?
        .strip_prefix('-')?
        .strip_suffix(".js")
}

/// A file's Subresource Integrity value (`sha384-…`).
fn integrity(bytes: &[u8]) -> String {
    let digest = sha2::Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Cargo's WASM of the app for a Trunk profile (`release` or `debug`), under `CARGO_TARGET_DIR` or
/// `target/`.
pub fn app_wasm(profile: &str) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join(format!("{APP}.wasm"))
}

/// The files of the split the shell's app script (among `assets`, files relative to the site's
/// root) belongs to: its loader, then its chunks, relative to the site's root. None when the app
/// was not split. `read` gives a file of the site.
pub fn split_files(assets: &[String], read: impl Fn(&str) -> Option<Vec<u8>>) -> Vec<String> {
    let mut found = Vec::new();
    for asset in assets {
        let Some(hash) = build_hash(asset) else {
            continue;
        };
        let folder = format!("{}/app-{hash}", crate::pieces::PIECES_DIR);
        let loader = format!("{folder}/{LOADER}");
        let Some(script) = read(&loader) else {
            continue;
        };
        let script = String::from_utf8_lossy(&script);
        let mut chunks: Vec<String> = script
            .split('"')
            .filter_map(|quoted| quoted.strip_prefix("./"))
            .filter(|name| name.ends_with(".wasm") && !name.contains(['/', '\\']))
            .map(|name| format!("{folder}/{name}"))
            .collect();
        chunks.sort();
        chunks.dedup();
        found.push(loader);
        found.extend(chunks);
    }
    found
}

/// Trunk's names for the app's script and WASM in `dist`.
fn app_files(dist: &Path) -> Result<(String, String)> {
    let mut found = None;
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix("_bg.wasm") {
            if stem.starts_with(&format!("{APP}-")) {
                if found.is_some() {
                    bail!("more than one {APP} WASM in {}", dist.display());
                }
                found = Some((format!("{stem}.js"), name.clone()));
            }
        }
    }
    found.with_context(|| {
        format!(
            "no {APP}-*_bg.wasm in {}: is it Trunk's output?",
            dist.display()
        )
    })
}

/// A fresh work folder in the system's temporary folder, removed when dropped (also when a step
/// fails), so nothing of the work is ever published with the site.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<WorkDir> {
        let dir = std::env::temp_dir().join(format!("fieldnotes-split-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for WorkDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// The stylesheets Trunk wrote at the site's root that the shell links to.
fn shell_styles(shell: &Path, dist: &Path) -> Result<Vec<String>> {
    let html = std::fs::read_to_string(shell)?;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".css") && html.contains(&format!("/{name}\"")) {
            found.push(name);
        }
    }
    found.sort();
    Ok(found)
}

/// The scripts of the workers (`pieces/*.js`), which Trunk leaves as wasm-bindgen wrote them.
fn worker_scripts(dist: &Path) -> Result<Vec<String>> {
    let dir = dist.join(crate::pieces::PIECES_DIR);
    let mut found = Vec::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".js") {
                found.push(format!("{}/{name}", crate::pieces::PIECES_DIR));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Minifies scripts and stylesheets (files of `dist`) in place with esbuild, without bundling:
/// every import, export and file name stays as it was; comments, spaces and long local names go.
/// Measured on the sample blog: the app's script 10.2 → 8.3 KB brotli, the stylesheet 4.9 → 3.6,
/// the chunks' loader 0.9 → 0.5: 3.6 KB less for every first visit.
fn minify(dist: &Path, files: &[String]) -> Result<()> {
    for file in files {
        let path = dist.join(file);
        run(Command::new("esbuild")
            .arg(&path)
            .arg("--minify")
            .arg("--log-level=warning")
            .arg("--allow-overwrite")
            .arg(format!("--outfile={}", path.display())))?;
    }
    Ok(())
}

/// Writes `from` to `to`, through `wasm-opt -Oz` when `optimise`.
fn optimise_into(from: &Path, to: &Path, optimise: bool) -> Result<()> {
    if optimise {
        run(Command::new("wasm-opt")
            .arg("-Oz")
            .arg("--enable-reference-types")
            .arg("--enable-bulk-memory")
            .arg("--enable-nontrapping-float-to-int")
            .arg("--enable-sign-ext")
            .arg("--enable-mutable-globals")
            .arg(from)
            .arg("-o")
            .arg(to))
    } else {
        std::fs::copy(from, to)?;
        Ok(())
    }
}

fn run(cmd: &mut Command) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd
        .output()
        .with_context(|| format!("running {program} (is it on PATH? scripts/setup installs it)"))?;
    if !out.status.success() {
        bail!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Adds to the shell a `modulepreload` of the chunks' loader, beside Trunk's of the app's script
/// (under the same public URL): the app's script imports the loader as it starts, and the browser
/// would otherwise ask for it only once that script has arrived, a round trip later.
fn preload_loader(shell: &Path, dist: &Path, js_name: &str, loader: &str) -> Result<()> {
    let mut html = std::fs::read_to_string(shell)?;
    let Some(at) = html.find(&format!("{js_name}\"")) else {
        return Ok(());
    };
    let Some(tag_start) = html[..at].rfind('<') else {
        return Ok(());
    };
    let Some(href) = html[tag_start..at].rfind("href=\"") else {
        return Ok(());
    };
    let public_url = html[tag_start + href + "href=\"".len()..at].to_string();
    if !html[tag_start..at].contains("modulepreload")
        || html.contains(&format!("{public_url}{loader}"))
    {
        return Ok(());
    }
    let integrity = integrity(&std::fs::read(dist.join(loader))?);
    let link = format!(
        "<link rel=\"modulepreload\" href=\"{public_url}{loader}\" crossorigin=\"anonymous\" integrity=\"{integrity}\">"
    );
    html.insert_str(tag_start, &link);
    std::fs::write(shell, html)?;
    Ok(())
}

/// Rewrites the `integrity` attribute Trunk gave each of `files` in the shell, for their new
/// contents.
fn fix_integrity(shell: &Path, dist: &Path, files: &[&str]) -> Result<()> {
    let mut html = std::fs::read_to_string(shell)?;
    for file in files {
        let value = integrity(&std::fs::read(dist.join(file))?);
        let Some(at) = html.find(&format!("{file}\"")) else {
            continue;
        };
        let tag_end = at + html[at..].find('>').unwrap_or(html.len() - at);
        if let Some(rel) = html[at..tag_end].find("integrity=\"") {
            let start = at + rel + "integrity=\"".len();
            let end = start + html[start..].find('"').context("an unclosed integrity")?;
            html.replace_range(start..end, &value);
        }
    }
    std::fs::write(shell, html)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of the loader `wasm_split_cli_support` writes: chunks named in quotes, relative
    /// to the loader, among the import of the app's script.
    const LOADER_TEXT: &str = r#"import { initSync } from "../../fieldnotes-app-abc.js";
const __chunk_4 = makeLoad(() => {
    const src = fetch(new URL("./chunk_4.wasm", import.meta.url));
}, []);
export const __wasm_split_load_search = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_search.wasm", import.meta.url));
}, [__chunk_4]));
export const __wasm_split_load_comments = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_comments.wasm", import.meta.url));
}, [__chunk_4]));
"#;

    #[test]
    fn the_files_of_a_split_are_its_loader_and_the_chunks_it_names() {
        let assets = vec![
            "main-1.css".to_string(),
            "fieldnotes-app-abc.js".to_string(),
        ];
        let read = |file: &str| {
            (file == "pieces/app-abc/loader.js").then(|| LOADER_TEXT.as_bytes().to_vec())
        };
        assert_eq!(
            split_files(&assets, read),
            [
                "pieces/app-abc/loader.js",
                "pieces/app-abc/chunk_4.wasm",
                "pieces/app-abc/split_comments.wasm",
                "pieces/app-abc/split_search.wasm",
            ]
        );
    }

    #[test]
    fn an_app_that_was_not_split_has_no_split_files() {
        let assets = vec!["fieldnotes-app-abc.js".to_string()];
        assert!(split_files(&assets, |_| None).is_empty());
    }

    #[test]
    fn integrity_is_rewritten_for_the_new_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "new script").unwrap();
        let shell = dir.path().join("index.html");
        std::fs::write(
            &shell,
            r#"<link rel="modulepreload" href="/a.js" integrity="sha384-old"><link rel="stylesheet" href="/b.css" integrity="sha384-keep">"#,
        )
        .unwrap();
        fix_integrity(&shell, dir.path(), &["a.js"]).unwrap();
        let html = std::fs::read_to_string(&shell).unwrap();
        let expected =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(b"new script"));
        assert!(
            html.contains(&format!("href=\"/a.js\" integrity=\"sha384-{expected}\"")),
            "{html}"
        );
        assert!(html.contains("integrity=\"sha384-keep\""), "{html}");
    }

    #[test]
    fn the_files_to_minify_are_the_shells_stylesheets_and_the_workers_scripts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pieces/app-1f")).unwrap();
        for file in [
            "main-1.css",
            "old-2.css",
            "pieces/fieldnotes-search.js",
            "pieces/fieldnotes-search_bg.wasm",
            "pieces/app-1f/loader.js",
        ] {
            std::fs::write(dir.path().join(file), "x").unwrap();
        }
        let shell = dir.path().join("index.html");
        std::fs::write(&shell, r#"<link rel="stylesheet" href="/blog/main-1.css">"#).unwrap();
        assert_eq!(shell_styles(&shell, dir.path()).unwrap(), ["main-1.css"]);
        assert_eq!(
            worker_scripts(dir.path()).unwrap(),
            ["pieces/fieldnotes-search.js"]
        );
    }

    #[test]
    fn the_loader_is_preloaded_beside_the_apps_script_under_its_public_url() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pieces/app-1f")).unwrap();
        std::fs::write(dir.path().join("pieces/app-1f/loader.js"), "loader").unwrap();
        let shell = dir.path().join("index.html");
        let trunk = r#"<link rel="modulepreload" href="/blog/fieldnotes-app-1f.js" crossorigin="anonymous">"#;
        std::fs::write(&shell, format!("<head>{trunk}</head>")).unwrap();
        for _ in 0..2 {
            preload_loader(
                &shell,
                dir.path(),
                "fieldnotes-app-1f.js",
                "pieces/app-1f/loader.js",
            )
            .unwrap();
        }
        let html = std::fs::read_to_string(&shell).unwrap();
        let integrity =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(b"loader"));
        assert_eq!(
            html,
            format!(
                "<head><link rel=\"modulepreload\" href=\"/blog/pieces/app-1f/loader.js\" crossorigin=\"anonymous\" integrity=\"sha384-{integrity}\">{trunk}</head>"
            ),
            "once, before Trunk's link"
        );
    }

    #[test]
    fn the_app_files_are_found_by_trunks_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "fieldnotes-app-1f.js",
            "fieldnotes-app-1f_bg.wasm",
            "other_bg.wasm",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(
            app_files(dir.path()).unwrap(),
            (
                "fieldnotes-app-1f.js".to_string(),
                "fieldnotes-app-1f_bg.wasm".to_string()
            )
        );
        std::fs::write(dir.path().join("fieldnotes-app-2e_bg.wasm"), "").unwrap();
        assert!(
            app_files(dir.path()).is_err(),
            "two builds in one folder is an error"
        );
    }
}
