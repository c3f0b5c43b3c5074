//! What makes a built site installable and readable offline: the web app manifest, the empty shell
//! served to navigations the network cannot answer, and the service worker with this build's
//! precache list. The last stage of the stub step ([`super::stubs`]), once the shell, the data
//! and the pages are final.

use super::site_files::SiteFiles;
use crate::model::{dir_file, home_file, Manifest, Theme, DATA_DIR, MANIFEST_FILE};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The service worker, with `__BUILD__`, `__BASE__`, `__PRECACHE__`, `__UNHASHED__` and
/// `__INDEX_END__` to fill in.
const WORKER_TEMPLATE: &str = include_str!("sw.js");
pub use crate::routes::WORKER_FILE;
/// The shell with no page content: what the worker answers a navigation with when offline.
pub const SHELL_FILE: &str = "shell.html";
/// The web app manifest.
pub const WEB_MANIFEST_FILE: &str = "manifest.webmanifest";
/// The app icons, copied from `public/icons/` into the site.
const ICONS: [(&str, &str, &str); 3] = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-512.png", "512x512", "maskable"),
];
/// The colour of the icon's background, used by the browser for the title bar and splash screen.
pub const THEME_COLOR: &str = "#2f5d50";

/// What the offline step wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offline {
    /// Changes whenever any precached file changes: names the worker's shell cache.
    pub build_id: String,
    /// Site-absolute URLs the worker stores on install.
    pub precache: Vec<String>,
    /// Their total size in bytes, uncompressed.
    pub precache_bytes: u64,
}

/// The head tags every page carries for installing: the manifest, the theme colour, the icon
/// (the author's, with a `theme` that has them).
pub fn head_tags(base: &str, theme: Option<&Theme>) -> String {
    let color = theme
        .and_then(|t| t.color.as_deref())
        .unwrap_or(THEME_COLOR);
    let touch = theme.and_then(|t| t.icons.first()).map_or_else(
        || ICONS[0].0.to_string(),
        |icon| format!("{DATA_DIR}/{}", icon.src),
    );
    format!(
        "<link rel=\"manifest\" href=\"{base}{WEB_MANIFEST_FILE}\">\n<meta name=\"theme-color\" content=\"{color}\">\n<link rel=\"apple-touch-icon\" href=\"{base}{touch}\">\n"
    )
}

/// The last output stage: writes the manifest and the worker into `dist`, where the first stage
/// has already written [`SHELL_FILE`]; `shell_assets` are the files the app shell loads
/// ([`shell_assets`]).
pub fn write_offline(
    files: &dyn SiteFiles,
    shell_assets: &[String],
    manifest: &Manifest,
    list_files: &BTreeMap<String, String>,
) -> Result<Offline> {
    write_web_manifest(files, manifest)?;
    let precached = precached_files(shell_assets, manifest, list_files)?;
    let base = manifest.site.base_path.as_str();
    let mut hasher = Sha256::new();
    hasher.update(WORKER_TEMPLATE.as_bytes());
    let mut bytes = 0;
    for file in &precached {
        let content = files
            .read(file)
            .with_context(|| format!("the precached file {file} is missing from the site"))?;
        bytes += content.len() as u64;
        hasher.update(file.as_bytes());
        hasher.update(b"\0");
        hasher.update(&content);
    }
    let digest = hasher.finalize();
    let build_id: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let precache: Vec<String> = precached.iter().map(|f| format!("{base}{f}")).collect();
    // Files whose names carry no hash could be stale in the HTTP cache, so the worker fetches them
    // past it; hashed ones may come from it (a first visit has just downloaded them).
    let mut unhashed: Vec<String> = [SHELL_FILE, WEB_MANIFEST_FILE]
        .into_iter()
        .chain(crate::pieces::ALL.iter().flat_map(|p| p.files()))
        .map(String::from)
        .chain([format!("{DATA_DIR}/{MANIFEST_FILE}")])
        .map(|f| format!("{base}{f}"))
        .collect();
    unhashed.sort();
    let worker = WORKER_TEMPLATE
        .replace("__BUILD__", &build_id)
        .replace("__BASE__", base)
        .replace("__PRECACHE__", &serde_json::to_string(&precache)?)
        .replace("__UNHASHED__", &serde_json::to_string(&unhashed)?)
        .replace(
            "__INDEX_END__",
            &serde_json::to_string(&crate::model::INDEX_END)?,
        );
    files.write(WORKER_FILE, worker.into_bytes())?;
    Ok(Offline {
        build_id,
        precache,
        precache_bytes: bytes,
    })
}

/// `manifest.webmanifest`: what installing the site shows.
fn write_web_manifest(files: &dyn SiteFiles, manifest: &Manifest) -> Result<()> {
    let site = &manifest.site;
    let base = site.base_path.as_str();
    let theme = manifest.theme.as_ref().filter(|t| !t.icons.is_empty());
    let icons: Vec<serde_json::Value> = match theme {
        Some(theme) => theme
            .icons
            .iter()
            .map(|icon| {
                serde_json::json!({ "src": format!("{base}{DATA_DIR}/{}", icon.src), "sizes": icon.sizes, "type": icon.mime, "purpose": icon.purpose })
            })
            .collect(),
        None => ICONS
            .iter()
            .map(|(src, sizes, purpose)| {
                serde_json::json!({ "src": format!("{base}{src}"), "sizes": sizes, "type": "image/png", "purpose": purpose })
            })
            .collect(),
    };
    let color = manifest
        .theme
        .as_ref()
        .and_then(|t| t.color.as_deref())
        .unwrap_or(THEME_COLOR);
    let web_manifest = serde_json::json!({
        "name": site.title,
        "short_name": short_name(&site.title),
        "description": site.description,
        "lang": site.language,
        "start_url": base,
        "scope": base,
        "display": "standalone",
        "background_color": "#fbfaf7",
        "theme_color": color,
        "icons": icons,
    });
    let mut text = serde_json::to_string_pretty(&web_manifest)?;
    text.push('\n');
    files.write(WEB_MANIFEST_FILE, text.into_bytes())?;
    Ok(())
}

/// What the worker stores on install, relative to the site's root: the shell, what it loads, and
/// the data a first screen needs. Not the icons: the browser fetches them when the reader
/// installs the site, and they would cost every first visit 8 KB. Not the route pages either: the
/// shell stands in for all of them.
fn precached_files(
    shell_assets: &[String],
    manifest: &Manifest,
    list_files: &BTreeMap<String, String>,
) -> Result<Vec<String>> {
    let mut files = vec![SHELL_FILE.to_string(), WEB_MANIFEST_FILE.to_string()];
    files.extend(shell_assets.iter().cloned());
    files.push(format!("{DATA_DIR}/{MANIFEST_FILE}"));
    // The pieces the app loads on use: offline, a reader can still preview a comment.
    files.extend(
        crate::pieces::ALL
            .iter()
            .flat_map(|p| p.files().map(String::from)),
    );
    // The first page of the home list: what a reader opening the site offline sees first.
    // The shell names no data file, so the app looks the list up in the lists' directory: the
    // shard that names it too.
    let home = home_file(1);
    files.extend(
        list_files
            .get(&home)
            .map(|file| format!("{DATA_DIR}/{file}")),
    );
    let shard = dir_file(&manifest.lists, &home, manifest.list_shards);
    files.push(format!("{DATA_DIR}/{shard}"));
    if let Some(entry) = &manifest.search_file {
        files.push(format!("{DATA_DIR}/{entry}"));
    }
    files.sort();
    files.dedup();
    if !files.iter().any(|f| f.ends_with(".wasm")) || !files.iter().any(|f| f.ends_with(".js")) {
        let base = &manifest.site.base_path;
        bail!("the app shell loads no .js and .wasm files under {base:?}: is it Trunk's output?");
    }
    Ok(files)
}

/// The files the shell loads from the site (`href` and `src` attributes under `base`), relative to
/// the site's root.
pub fn shell_assets(shell: &str, base: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = shell;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = &rest[..end];
            if let Some(file) = url.strip_prefix(base) {
                let file = file.split(['?', '#']).next().unwrap_or_default();
                // Pages are never precached: the shell stands in for all of them.
                if !file.is_empty() && !file.ends_with(".html") && !file.contains("..") {
                    found.push(file.to_string());
                }
            }
            rest = &rest[end..];
        }
    }
    found
}

/// The name under an installed app's icon: the title, or its first word when long.
fn short_name(title: &str) -> String {
    if title.chars().count() <= 12 {
        return title.to_string();
    }
    title
        .split_whitespace()
        .next()
        .unwrap_or(title)
        .chars()
        .take(12)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_assets_are_the_files_under_the_base() {
        let shell = r#"<link rel="icon" href="/blog/favicon-1.svg"><link rel="stylesheet" href="/blog/main-2.css">
<link rel="modulepreload" href="/blog/app-3.js"><link rel="preload" href="/blog/app-3_bg.wasm">
<a href="https://example.org/x">x</a><link rel="canonical" href="/blog/posts/a.html"><img src="/blog/data/media/m.png?v=1">"#;
        assert_eq!(
            shell_assets(shell, "/blog/"),
            [
                "favicon-1.svg",
                "main-2.css",
                "app-3.js",
                "app-3_bg.wasm",
                "data/media/m.png"
            ]
        );
    }

    #[test]
    fn short_names_fit_under_an_icon() {
        assert_eq!(short_name("Fieldnotes"), "Fieldnotes");
        assert_eq!(short_name("Notes from the Mekong"), "Notes");
    }
}
