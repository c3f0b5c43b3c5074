//! Pre-compressed copies of a built site's text files: `<file>.br` (brotli, quality 11) and
//! `<file>.gz` (gzip, level 9) beside each HTML, JS, CSS, JSON, SVG, XML, text, web manifest and
//! WASM file, for hosts that serve a stored copy instead of compressing on each request:
//!
//! - nginx with `gzip_static on;` (and `brotli_static on;` from the ngx_brotli module);
//! - Caddy with `file_server { precompressed br gzip }`;
//! - Apache with rewrite rules to the `.br`/`.gz` file and its `Content-Encoding`;
//! - S3 (+ CloudFront), uploading each copy under the original's name with `Content-Encoding: br`
//!   or `gzip` (see the README).
//!
//! Netlify, Cloudflare Pages and GitHub Pages compress on their own and ignore these files.
//!
//! A copy is written only where it pays: the file is at least [`MIN_SIZE`] bytes and the copy
//! saves at least a tenth of it. Output is deterministic (no time stamp or file name in the gzip
//! header), and copies left by an earlier run are replaced or, where they no longer pay, removed.

use anyhow::{Context, Result};
use rayon::prelude::*;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Extensions of the files that get compressed copies.
pub const COMPRESSIBLE: [&str; 11] = [
    "html",
    "js",
    "css",
    "json",
    "svg",
    "xml",
    "txt",
    "webmanifest",
    "wasm",
    "map",
    // The search index's postings (varints compress by about a tenth more).
    "bin",
];

/// The extensions of the copies, each added to the original's full name (`app.js.br`).
pub const COPY_EXTENSIONS: [&str; 2] = ["br", "gz"];

/// Below this, a compressed copy saves too little to be worth a file.
pub const MIN_SIZE: usize = 256;

/// What [`compress_site`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compressed {
    /// Files with at least one copy.
    pub files: usize,
    /// Their total size, and the total of their brotli and gzip copies (the original's size
    /// where a copy was not worth writing).
    pub raw: usize,
    pub brotli: usize,
    pub gzip: usize,
}

/// Brotli at its best quality, with the reference encoder's default window (4 MiB).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// Gzip at level 9, with a header naming no file and no time, so the same input gives the same
/// bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Whether `path` is a compressed copy made by this step (`app.js.br`, `index.html.gz`).
pub fn is_copy(path: &Path) -> bool {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return false;
    };
    COPY_EXTENSIONS.contains(&ext)
        && Path::new(path.file_stem().unwrap_or_default())
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|inner| COMPRESSIBLE.contains(&inner))
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| COMPRESSIBLE.contains(&ext))
}

/// Whether a copy of `compressed` bytes is worth keeping beside `raw` bytes.
fn pays(raw: usize, compressed: usize) -> bool {
    raw >= MIN_SIZE && compressed * 10 <= raw * 9
}

/// Writes `.br` and `.gz` copies of every compressible file below `dist` where they pay, all or
/// nothing: a failure or Ctrl-C midway leaves every copy as it was.
pub fn compress_site(dist: &Path) -> Result<Compressed> {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    let batch = crate::writing::Batch::start()
        .with_context(|| format!("nothing in {} was changed", dist.display()))?;
    let results = files
        .par_iter()
        .map(|path| compress_file(path, &batch))
        .collect::<Result<Vec<_>>>()?;
    batch
        .commit()
        .with_context(|| format!("the copies in {} were not put in place", dist.display()))?;
    let mut total = Compressed::default();
    for (raw, brotli, gzip) in results.into_iter().flatten() {
        total.files += 1;
        total.raw += raw;
        total.brotli += brotli;
        total.gzip += gzip;
    }
    Ok(total)
}

/// Compresses one file; its (raw, brotli, gzip) sizes if any copy paid.
fn compress_file(
    path: &Path,
    batch: &crate::writing::Batch,
) -> Result<Option<(usize, usize, usize)>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut sizes = [bytes.len(); 2];
    let mut any = false;
    for (i, ext) in COPY_EXTENSIONS.iter().enumerate() {
        let copy = copy_path(path, ext);
        let compressed = if *ext == "br" {
            brotli(&bytes)
        } else {
            gzip(&bytes)
        };
        if pays(bytes.len(), compressed.len()) {
            batch
                .write(&copy, &compressed)
                .with_context(|| format!("cannot write {}", copy.display()))?;
            sizes[i] = compressed.len();
            any = true;
        } else if copy.exists() {
            batch.remove(&copy);
        }
    }
    Ok(any.then_some((bytes.len(), sizes[0], sizes[1])))
}

fn copy_path(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(&path, out)?;
        } else if is_compressible(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_told_from_originals() {
        assert!(is_copy(Path::new("dist/app-1a2b.js.br")));
        assert!(is_copy(Path::new("index.html.gz")));
        assert!(!is_copy(Path::new("app.js")));
        assert!(!is_copy(Path::new("photo.jpg.gz")));
        assert!(!is_copy(Path::new("archive.gz")));
    }

    #[test]
    fn a_copy_pays_when_it_saves_a_tenth_of_a_file_worth_compressing() {
        assert!(pays(1000, 900));
        assert!(!pays(1000, 901));
        assert!(!pays(MIN_SIZE - 1, 10));
    }

    #[test]
    fn a_site_gets_copies_that_read_back_only_where_they_pay() {
        use std::io::Read as _;
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        let page = "<p>Day 2: the central market, its stalls and its noise.</p>\n".repeat(40);
        std::fs::create_dir_all(dist.join("data/posts")).unwrap();
        std::fs::write(dist.join("index.html"), &page).unwrap();
        std::fs::write(dist.join("data/posts/a.json"), page.replace('<', "{")).unwrap();
        std::fs::write(dist.join("robots.txt"), "User-agent: *\n").unwrap();
        std::fs::write(dist.join("photo.jpg"), page.as_bytes()).unwrap();
        std::fs::write(dist.join("_headers"), &page).unwrap();

        let done = compress_site(dist).unwrap();
        assert_eq!(done.files, 2);
        let br = std::fs::read(dist.join("index.html.br")).unwrap();
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, page.as_bytes());
        let gz = std::fs::read(dist.join("data/posts/a.json.gz")).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, page.replace('<', "{"));
        // Too small to pay, not text, or not served: no copies.
        for skipped in ["robots.txt.br", "photo.jpg.br", "_headers.gz"] {
            assert!(!dist.join(skipped).exists(), "{skipped}");
        }

        // The same input gives the same bytes; copies are never compressed again; a copy that
        // no longer pays is removed.
        std::fs::write(dist.join("data/posts/a.json"), "{}").unwrap();
        compress_site(dist).unwrap();
        assert_eq!(std::fs::read(dist.join("index.html.br")).unwrap(), br);
        assert!(!dist.join("index.html.br.gz").exists());
        assert!(!dist.join("data/posts/a.json.gz").exists());
    }
}
