//! How the commands write to disk: a file whole or not at all, and Ctrl-C that never leaves half
//! an output behind.
//!
//! A command that writes installs [`on_ctrl_c`] once. While nothing is being written, Ctrl-C ends
//! the process at once (exit 130): no file is open. While a writer holds a [`Writing`]
//! guard (the builder's staging folder, the import's, a file being replaced), Ctrl-C only marks
//! the run as interrupted: the writer's next step fails with [`ErrorKind::Interrupted`], its
//! temporary files are removed as the error unwinds, and the command exits 130 with the previous
//! output as it was. A second Ctrl-C ends the process at once.

use std::io::{self, ErrorKind};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: u8 = 130;

#[derive(Default)]
struct State {
    /// Writers under way ([`Writing`] guards alive).
    writers: usize,
    interrupted: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    writers: 0,
    interrupted: false,
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the Ctrl-C handler described above; `program` starts its message.
pub fn on_ctrl_c(program: &'static str) {
    // Without a handler Ctrl-C still stops the command, only less tidily: not worth failing for.
    let _ = ctrlc::set_handler(move || {
        let mut state = state();
        if state.writers == 0 || state.interrupted {
            eprintln!("{program}: interrupted by Ctrl-C; no file was left half-written");
            // The lock is held to the end: no writer can start between the check and the exit.
            std::process::exit(i32::from(INTERRUPTED_EXIT));
        }
        state.interrupted = true;
    });
}

/// A writer under way: while one is alive, Ctrl-C waits for it to clean up.
pub struct Writing(());

impl Writing {
    /// Starts a writer, or fails if Ctrl-C was pressed already.
    pub fn start() -> io::Result<Writing> {
        let mut state = state();
        if state.interrupted {
            return Err(interrupted());
        }
        state.writers += 1;
        Ok(Writing(()))
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        state().writers -= 1;
    }
}

/// Fails with [`ErrorKind::Interrupted`] once Ctrl-C was pressed.
pub fn check() -> io::Result<()> {
    if state().interrupted {
        Err(interrupted())
    } else {
        Ok(())
    }
}

/// Whether Ctrl-C was pressed.
pub fn was_interrupted() -> bool {
    state().interrupted
}

/// The error of a step refused after Ctrl-C.
pub fn interrupted() -> io::Error {
    io::Error::new(ErrorKind::Interrupted, "interrupted by Ctrl-C")
}

/// Replaces `path` with `bytes` as a whole: they are written to a hidden file beside it, which is
/// renamed over it only once complete. A full disk, a failure or Ctrl-C leaves the old file (or
/// none) and no hidden file.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let _writing = Writing::start()?;
    let temp = hidden_beside(path, "tmp")?;
    let written = std::fs::write(&temp, bytes)
        .and_then(|()| check())
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The hidden file beside `path` that a writer fills before renaming it over `path`:
/// `.<name>.<tag>-<process id>`.
fn hidden_beside(path: &Path, tag: &str) -> io::Result<std::path::PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "a file needs a name"))?;
    Ok(path.with_file_name(format!(
        ".{}.{tag}-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Files replaced together, all or none: each is written beside its place under a hidden name
/// as the command makes it, and only [`Batch::commit`] puts them in place, by renames (quick, and
/// not interrupted once begun), with the removals asked for. Dropped before that (an error,
/// Ctrl-C), the batch removes its hidden files and every old file stays as it was.
pub struct Batch {
    _writing: Writing,
    /// By the path each file replaces: the hidden file that holds it.
    staged: Mutex<std::collections::BTreeMap<std::path::PathBuf, std::path::PathBuf>>,
    removed: Mutex<Vec<std::path::PathBuf>>,
}

impl Batch {
    /// Starts a batch, or fails if Ctrl-C was pressed already.
    pub fn start() -> io::Result<Batch> {
        Ok(Batch {
            _writing: Writing::start()?,
            staged: Mutex::default(),
            removed: Mutex::default(),
        })
    }

    /// Writes what will replace `path` (its folders are made now). A file that already holds
    /// `bytes` is left as it is, its time included: a deploy that compares times uploads only
    /// what changed.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        check()?;
        let same = std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(path).is_ok_and(|old| old == bytes);
        if same {
            // Written earlier in the batch with other bytes: that copy goes.
            if let Some(temp) = lock(&self.staged).remove(path) {
                let _ = std::fs::remove_file(temp);
            }
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temp = hidden_beside(path, "new")?;
        let written = std::fs::write(&temp, bytes);
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        } else {
            lock(&self.staged).insert(path.to_path_buf(), temp);
        }
        written
    }

    /// Where `path` is to be read from now: its new bytes when the batch wrote some.
    pub fn current(&self, path: &Path) -> std::path::PathBuf {
        lock(&self.staged)
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.to_path_buf())
    }

    /// Removes `path` when the batch is committed.
    pub fn remove(&self, path: &Path) {
        lock(&self.removed).push(path.to_path_buf());
    }

    /// How many files the batch replaces.
    pub fn len(&self) -> usize {
        lock(&self.staged).len()
    }

    /// Whether it replaces none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts every file in place and makes the removals. Ctrl-C pressed before this fails it, and
    /// nothing is replaced; pressed during it, it waits for the renames to end.
    pub fn commit(self) -> io::Result<()> {
        check()?;
        let staged = std::mem::take(&mut *lock(&self.staged));
        let mut renames = staged.iter();
        for (path, temp) in renames.by_ref() {
            if let Err(e) = std::fs::rename(temp, path) {
                // What is left is removed; what was renamed is in place, whole.
                for (_, temp) in renames {
                    let _ = std::fs::remove_file(temp);
                }
                let _ = std::fs::remove_file(temp);
                return Err(e);
            }
        }
        for path in lock(&self.removed).iter() {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for temp in lock(&self.staged).values() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_puts_its_files_in_place_only_on_commit_and_leaves_unchanged_ones_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (same, changed, new) = (
            dir.path().join("same.html"),
            dir.path().join("changed.html"),
            dir.path().join("sub/new.html"),
        );
        std::fs::write(&same, "kept").unwrap();
        std::fs::write(&changed, "old").unwrap();
        let before = std::fs::metadata(&same).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let batch = Batch::start().unwrap();
        for (path, text) in [(&same, "kept"), (&changed, "new"), (&new, "fresh")] {
            batch.write(path, text.as_bytes()).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&changed).unwrap(),
            "old",
            "not before the commit"
        );
        assert_eq!(
            std::fs::read_to_string(batch.current(&changed)).unwrap(),
            "new"
        );
        assert_eq!(batch.len(), 2, "the unchanged file is not staged");
        batch.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&changed).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "fresh");
        assert_eq!(
            std::fs::metadata(&same).unwrap().modified().unwrap(),
            before
        );
        // Dropped uncommitted: nothing changes, and no hidden file is left.
        let batch = Batch::start().unwrap();
        batch.write(&changed, b"newer").unwrap();
        drop(batch);
        assert_eq!(std::fs::read_to_string(&changed).unwrap(), "new");
        let hidden = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.')
            })
            .count();
        assert_eq!(hidden, 0);
    }
}
