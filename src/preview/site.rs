//! The site a preview holds: every file `trunk build` would deploy except the app's own (data,
//! route pages, feeds, host files), built in memory and rebuilt after each edit. A rebuild reads
//! again only the posts whose text changed ([`ParseCache`]), renders the whole site (cheap beside
//! parsing), and keeps the previous bytes of every file that came out the same, so the summary
//! of a rebuild says exactly which files an edit touched.

use crate::builder::{
    self, BuildOptions, InMemory, PageCache, ParseCache, SearchState, StubOptions,
};
use crate::model::DATA_DIR as DATA;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The files of the previewed site, by path from its root with `/` (`data/manifest.json`,
/// `posts/some-post/index.html`).
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// A content folder built in memory, with what the next build can reuse.
pub struct Site {
    opts: BuildOptions,
    app: PathBuf,
    cache: ParseCache,
    /// The search index of the last build, updated for the posts an edit changed.
    search: Option<SearchState>,
    /// The route pages of the last build, made again only where their inputs changed.
    pages: PageCache,
    files: Files,
}

/// What one rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuild {
    pub posts: usize,
    /// Post files read and parsed again, and post files whose parse was reused.
    pub parsed: usize,
    pub reused: usize,
    /// Files that are new or whose bytes changed, and files that are gone.
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Route pages made (the others were the last build's, their inputs unchanged).
    pub pages_made: usize,
    pub warnings: usize,
    pub took: Duration,
    /// Where the time went: reading and checking the content, making the data files, making the
    /// route pages, feeds and host files.
    pub stages: [Duration; 3],
}

impl Site {
    /// A site for the content of `opts`, over the app shell in the folder `app`; empty until
    /// [`Site::rebuild`].
    pub fn new(opts: BuildOptions, app: &Path) -> Site {
        Site {
            opts,
            app: app.to_path_buf(),
            cache: ParseCache::default(),
            search: None,
            pages: PageCache::new(),
            files: Files::new(),
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Builds the site again. On a content problem (or an app folder the stub step cannot use),
    /// the files of the last good build stay and the error says what to fix.
    pub fn rebuild(&mut self) -> Result<Rebuild, String> {
        let start = Instant::now();
        let site =
            builder::load_site_cached(&self.opts, &mut self.cache).map_err(|p| p.to_string())?;
        let read = start.elapsed();
        let (_, data) = builder::render_in_memory_with(&site, &mut self.search);
        let rendered = start.elapsed();
        let data = data
            .into_iter()
            .map(|(path, bytes)| (format!("{DATA}/{path}"), bytes))
            .collect();
        let memory = InMemory::new(&self.app, data);
        builder::write_stubs_cached(&memory, &StubOptions::default(), &mut self.pages)
            .map_err(|e| format!("fieldnotes serve: {e:#}"))?;
        let (changed, removed) = self.replace(memory.into_shared());
        Ok(Rebuild {
            posts: site.posts.len(),
            parsed: self.cache.parsed,
            reused: self.cache.reused,
            changed,
            removed,
            pages_made: self.pages.made,
            warnings: site.warnings.len(),
            took: start.elapsed(),
            stages: [read, rendered - read, start.elapsed() - rendered],
        })
    }

    /// Takes the new files in, keeping the old copy of each file that did not change; returns
    /// the paths that changed (or are new) and the paths that are gone.
    fn replace(&mut self, new: Files) -> (Vec<String>, Vec<String>) {
        let removed: Vec<String> = self
            .files
            .keys()
            .filter(|path| !new.contains_key(*path))
            .cloned()
            .collect();
        for path in &removed {
            self.files.remove(path);
        }
        let mut changed = Vec::new();
        for (path, bytes) in new {
            // A reused page is the same allocation: no need to compare its bytes.
            if self
                .files
                .get(&path)
                .is_some_and(|old| Arc::ptr_eq(old, &bytes) || old == &bytes)
            {
                continue;
            }
            changed.push(path.clone());
            self.files.insert(path, bytes);
        }
        (changed, removed)
    }
}
