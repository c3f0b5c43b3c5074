//! Processed images kept between builds: encoding a photo's variants takes about a second, so a
//! build processes only the images it has not seen with the same options.
//!
//! Each result is a folder named `<content hash>-<options hash>` holding `processed.json` (the
//! [`Processed`] without its bytes) and one file per variant, `<width>.<format>`. A folder is
//! written under a temporary name and renamed into place, so a build that stops half-way, or two
//! threads processing the same photo, never leave a partial entry; an entry that cannot be read
//! back is processed again.

use super::{process, ImageOptions, Processed};
use crate::builder::{content_hash, hex16};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where a site keeps its image cache, relative to the site's folder; safe to delete.
pub const CACHE_DIR: &str = ".fieldnotes-cache/images";

/// Changes whenever the output for the same input and options would change (an encoder
/// upgraded, a new kind of variant): every entry then misses.
const CACHE_FORMAT: &str = "images-2";

const ENTRY_FILE: &str = "processed.json";

/// How many images a [`Cache`] found ready and how many it processed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: usize,
    pub misses: usize,
}

/// [`process`] with its results kept in a folder. Shared across threads.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl Cache {
    /// A cache in `dir` (created when first written to).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The folder it keeps its entries in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What [`process`] returns for these bytes and options: read from the folder when an
    /// earlier call stored it, else processed and stored.
    pub fn process(&self, bytes: &[u8], extension: &str, opts: &ImageOptions) -> Result<Processed> {
        let entry = self.dir.join(entry_name(bytes, extension, opts));
        if let Some(processed) = read_entry(&entry) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(processed);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let processed = process(bytes, extension, opts)?;
        write_entry(&entry, &processed)
            .with_context(|| format!("cannot write the image cache at {}", entry.display()))?;
        Ok(processed)
    }

    /// Hits and misses since the cache was made.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

/// `<content hash>-<options hash>`: the extension counts as an option (it picks the pipeline).
fn entry_name(bytes: &[u8], extension: &str, opts: &ImageOptions) -> String {
    let options = serde_json::to_string(opts).unwrap_or_default();
    let extension = extension.trim_start_matches('.').to_ascii_lowercase();
    let digest = Sha256::digest(format!("{CACHE_FORMAT}\n{extension}\n{options}"));
    format!("{}-{}", content_hash(bytes), hex16(&digest))
}

fn variant_file(variant: &super::Variant) -> String {
    format!("{}.{}", variant.width, variant.format.extension())
}

/// The stored result, or None if there is none or it cannot be read whole.
fn read_entry(entry: &Path) -> Option<Processed> {
    let json = std::fs::read(entry.join(ENTRY_FILE)).ok()?;
    let mut processed: Processed = serde_json::from_slice(&json).ok()?;
    for variant in &mut processed.variants {
        variant.bytes = std::fs::read(entry.join(variant_file(variant))).ok()?;
    }
    Some(processed)
}

/// Stores a result: written beside the entry, then renamed into place.
fn write_entry(entry: &Path, processed: &Processed) -> Result<()> {
    let parent = entry.parent().context("the cache has no folder")?;
    std::fs::create_dir_all(parent)?;
    let staging = tempfile_dir(parent)?;
    for variant in &processed.variants {
        std::fs::write(staging.join(variant_file(variant)), &variant.bytes)?;
    }
    std::fs::write(staging.join(ENTRY_FILE), serde_json::to_vec(processed)?)?;
    if entry.exists() {
        // Another thread stored the same result first, or an unreadable entry is replaced.
        let _ = std::fs::remove_dir_all(entry);
    }
    if std::fs::rename(&staging, entry).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
        if read_entry(entry).is_none() {
            anyhow::bail!("cannot move the new entry into place");
        }
    }
    Ok(())
}

/// A new, uniquely named folder in `parent` for an entry being written.
fn tempfile_dir(parent: &Path) -> Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        ".partial-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = parent.join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
