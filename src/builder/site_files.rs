//! Where the stub step ([`super::write_stubs_to`]) reads the built site and writes what it adds:
//! a folder on disk ([`Folder`], what `fieldnotes stubs` writes into Trunk's output), or memory
//! ([`InMemory`], what `fieldnotes serve` holds, so a preview never writes a site to disk). One
//! trait, so the route pages, feeds, host files and worker are made by the same code either way.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The files of a built site, by path relative to its root with `/`.
pub trait SiteFiles {
    /// The bytes of `path`; an error names the file.
    fn read(&self, path: &str) -> Result<Vec<u8>>;
    /// Writes `path`, replacing what was there.
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<()>;
    /// [`SiteFiles::write`] for bytes that are kept elsewhere too (a page the preview reuses):
    /// memory holds them without a copy.
    fn write_shared(&self, path: &str, bytes: Arc<Vec<u8>>) -> Result<()> {
        self.write(path, Arc::unwrap_or_clone(bytes))
    }
    /// Where `path` is, for messages.
    fn location(&self, path: &str) -> PathBuf;
}

/// A built site on disk.
pub struct Folder<'a>(pub &'a Path);

impl SiteFiles for Folder<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        let full = self.location(path);
        std::fs::read(&full).with_context(|| format!("cannot read {}", full.display()))
    }

    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        let full = self.location(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        // Whole or not at all: a full disk never leaves a route page cut short.
        crate::writing::write_file(&full, &bytes)
            .with_context(|| format!("cannot write {}", full.display()))
    }

    fn location(&self, path: &str) -> PathBuf {
        self.0.join(path)
    }
}

/// A built site on disk, changed all or nothing: what is written waits in a
/// [`crate::writing::Batch`] (reads see it) until [`Staged::commit`] puts it in place; an error or
/// Ctrl-C before that leaves every file as it was.
pub struct Staged<'a> {
    root: &'a Path,
    batch: crate::writing::Batch,
}

impl<'a> Staged<'a> {
    /// Starts changing the site in `root`.
    pub fn new(root: &'a Path) -> Result<Staged<'a>> {
        let batch = crate::writing::Batch::start()
            .with_context(|| format!("nothing in {} was changed", root.display()))?;
        Ok(Staged { root, batch })
    }

    /// How many files the commit will put in place: the ones new or different.
    pub fn changed(&self) -> usize {
        self.batch.len()
    }

    /// Puts every file written in place.
    pub fn commit(self) -> Result<()> {
        let count = self.batch.len();
        self.batch.commit().with_context(|| {
            format!(
                "the {count} new files of {} were not put in place",
                self.root.display()
            )
        })
    }
}

impl SiteFiles for Staged<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        let full = self.location(path);
        std::fs::read(self.batch.current(&full))
            .with_context(|| format!("cannot read {}", full.display()))
    }

    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        let full = self.location(path);
        self.batch
            .write(&full, &bytes)
            .with_context(|| format!("cannot write {}", full.display()))
    }

    fn location(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

/// A built site in memory: the files given and written, over an app folder that is only read
/// (the shell `index.html` and the assets it loads, which the worker's precache list hashes).
pub struct InMemory {
    app: PathBuf,
    files: Mutex<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl InMemory {
    /// `files` (the data, under `data/`) over the app folder `app`.
    pub fn new(app: &Path, files: BTreeMap<String, Vec<u8>>) -> InMemory {
        InMemory {
            app: app.to_path_buf(),
            files: Mutex::new(files.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()),
        }
    }

    /// Every file held: the ones given and the ones written.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.into_shared()
            .into_iter()
            .map(|(path, bytes)| (path, Arc::unwrap_or_clone(bytes)))
            .collect()
    }

    /// [`InMemory::into_files`], each file's bytes as they were written (shared with whoever
    /// else keeps them).
    pub fn into_shared(self) -> BTreeMap<String, Arc<Vec<u8>>> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<Vec<u8>>>> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SiteFiles for InMemory {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        if let Some(bytes) = self.lock().get(path) {
            return Ok(bytes.to_vec());
        }
        let full = self.location(path);
        std::fs::read(&full).with_context(|| format!("cannot read {}", full.display()))
    }

    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        self.write_shared(path, Arc::new(bytes))
    }

    fn write_shared(&self, path: &str, bytes: Arc<Vec<u8>>) -> Result<()> {
        self.lock().insert(path.to_string(), bytes);
        Ok(())
    }

    fn location(&self, path: &str) -> PathBuf {
        self.app.join(path)
    }
}
