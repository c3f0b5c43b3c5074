//! Helpers shared by the native integration tests.
#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A fixture site in `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every file below `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A content folder made of a minimal `site.toml` plus the given files (paths may have folders).
pub fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("site.toml"), "title = \"T\"\n").unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// A stand-in for the shell Trunk writes: the same slot, an inline settings script, and a loader
/// that preloads its JavaScript and WASM.
pub const SHELL: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>x</title>\n<script>// the reader's settings\nlet k = \"a\";</script>\n<script type=\"module\">import init from '/app.js'; await init({ module_or_path: '/app_bg.wasm' });</script>\n<link rel=\"modulepreload\" href=\"/app.js\"><link rel=\"preload\" href=\"/app_bg.wasm\" as=\"fetch\" type=\"application/wasm\">\n</head>\n<body>\n<div id=\"prerendered\"></div>\n</body>\n</html>\n";

/// Puts what Trunk adds to a built site into `dist` (beside the builder's `data/`): the shell
/// [`SHELL`], its script and WASM, and the icons `public/` holds.
pub fn write_shell(dist: &Path) {
    fs::write(dist.join("index.html"), SHELL).unwrap();
    fs::write(
        dist.join("app.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    fs::write(dist.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    // The pieces Trunk builds beside the app, which the service worker stores.
    for piece in fieldnotes::pieces::ALL {
        fs::create_dir_all(dist.join(fieldnotes::pieces::PIECES_DIR)).unwrap();
        fs::write(
            dist.join(piece.script),
            "var wasm_bindgen = function () {};\n",
        )
        .unwrap();
        fs::write(dist.join(piece.wasm), b"\0asm\x01\0\0\0").unwrap();
        fs::write(dist.join(piece.ready), "self.piece = wasm_bindgen;\n").unwrap();
    }
    let icons = Path::new(env!("CARGO_MANIFEST_DIR")).join("public/icons");
    fs::create_dir_all(dist.join("icons")).unwrap();
    for entry in fs::read_dir(icons).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dist.join("icons").join(path.file_name().unwrap())).unwrap();
    }
}

/// Builds `content` into `out` as of 2026-01-01 (so scheduled and expired posts are stable).
pub fn build_to(
    content: &Path,
    out: &Path,
) -> Result<fieldnotes::builder::BuildSummary, fieldnotes::builder::Problems> {
    fieldnotes::builder::build(&fieldnotes::builder::BuildOptions {
        content: content.to_path_buf(),
        out: out.to_path_buf(),
        today: Some("2026-01-01".into()),
        ..Default::default()
    })
}
