//! Edits, as the file system reports them (inotify on Linux, through `notify`), gathered into
//! batches: an editor's save is often several events (write, rename, metadata), and a `git
//! checkout` many, so events are collected until none has come for [`QUIET`].

use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long a batch stays open after its last event: an editor's save comes within a few
/// milliseconds, and each one waited here is one more before the author sees the edit.
pub const QUIET: Duration = Duration::from_millis(20);

/// Folders being watched, and the events they send.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
}

impl Watch {
    /// Watches each of `roots` and everything below it; a root that does not exist is skipped.
    pub fn new(roots: &[PathBuf]) -> Result<Watch> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)
            .context("cannot watch files for edits (inotify): raise fs.inotify.max_user_watches")?;
        for root in roots.iter().filter(|r| r.exists()) {
            watcher
                .watch(root, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {} for edits", root.display()))?;
        }
        Ok(Watch {
            _watcher: watcher,
            events,
        })
    }

    /// Waits for the next batch of edits: the paths touched, sorted. `None` when the watcher
    /// has stopped.
    pub fn next_batch(&self) -> Option<BTreeSet<PathBuf>> {
        let mut paths = BTreeSet::new();
        loop {
            let event = if paths.is_empty() {
                self.events.recv().ok()?
            } else {
                match self.events.recv_timeout(QUIET) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => return Some(paths),
                    Err(RecvTimeoutError::Disconnected) => return Some(paths),
                }
            };
            if let Ok(event) = event {
                if !matches!(event.kind, EventKind::Access(_)) {
                    paths.extend(event.paths);
                }
            }
        }
    }
}

/// `path` relative to whichever of `roots` holds it.
pub fn relative_to<'a>(path: &'a Path, root: &Path) -> Option<&'a Path> {
    path.strip_prefix(root).ok()
}
