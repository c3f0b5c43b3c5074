//! Atomic output: the new site is written beside the old one, file by file as it is made, then
//! swapped in. Or, for `fieldnotes serve`, kept in memory ([`Output::in_memory`]), where a preview
//! holds the site and writes nothing to disk.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A new output folder being written. Files go into a staging folder beside `out` as soon as they
/// are made, so a build never holds the whole site in memory; [`Output::finish`] then moves the
/// old folder aside and renames the new one into place. Until then `out` is untouched: a build
/// that fails (or is dropped) before the swap leaves the previous output as it was, and removes
/// its staging folder. A file whose bytes the previous output already has is taken over from it
/// (a hard link, see [`reused`]) instead of written again: it keeps its modification time, so a
/// deploy that compares times uploads only what changed.
pub struct Output {
    out: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
    written: Mutex<Written>,
    /// The output being replaced, whose unchanged files the new one takes over ([`reused`]).
    old: Option<PathBuf>,
    finished: bool,
    /// Files are kept in [`Written::bytes`] instead of the staging folder.
    in_memory: bool,
    /// Held while the staging folder exists, so Ctrl-C lets it be removed ([`crate::writing`]).
    _writing: Option<crate::writing::Writing>,
}

#[derive(Default)]
struct Written {
    /// Every file written to disk, relative to the output folder.
    paths: BTreeSet<PathBuf>,
    /// Folders of the staging area already created.
    folders: HashSet<PathBuf>,
    /// The first write that failed; reported by [`Output::finish`].
    error: Option<io::Error>,
    /// Every file's bytes, for an output in memory, by its path with `/`.
    bytes: BTreeMap<String, Vec<u8>>,
}

impl Output {
    /// Starts a new output for the folder `out`, removing what an interrupted build left.
    pub fn begin(out: &Path) -> io::Result<Output> {
        let name = out
            .file_name()
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the output folder needs a name",
                )
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let staging = parent.join(format!(".{name}.new"));
        let previous = parent.join(format!(".{name}.old"));
        let writing = crate::writing::Writing::start()?;
        remove_if_present(&staging)?;
        remove_if_present(&previous)?;
        let output = Output {
            out: out.to_path_buf(),
            staging,
            previous,
            written: Mutex::new(Written::default()),
            old: out.is_dir().then(|| out.to_path_buf()),
            finished: false,
            in_memory: false,
            _writing: Some(writing),
        };
        // Made after `output`, so its drop removes what a failure here leaves.
        std::fs::create_dir_all(&output.staging)?;
        Ok(output)
    }

    /// An output that keeps every file in memory, for [`Output::into_files`].
    pub fn in_memory() -> Output {
        Output {
            out: PathBuf::new(),
            staging: PathBuf::new(),
            previous: PathBuf::new(),
            written: Mutex::new(Written::default()),
            old: None,
            finished: true,
            in_memory: true,
            _writing: None,
        }
    }

    /// The files of an output in memory, by path relative to the output folder with `/`.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        std::mem::take(&mut self.lock().bytes)
    }

    /// Writes one file of the new output (`path` relative to the output folder). May be called
    /// from several threads at once. A failure is kept and returned by [`Output::finish`]. In
    /// memory, bytes handed over owned are kept without a copy.
    pub fn insert<'a>(&self, path: impl Into<PathBuf>, bytes: impl Into<Cow<'a, [u8]>>) {
        let path = path.into();
        let bytes = bytes.into();
        if self.in_memory {
            let key = slashed(&path);
            let bytes = bytes.into_owned();
            self.lock().bytes.insert(key, bytes);
            return;
        }
        if let Err(e) = crate::writing::check() {
            self.lock().error.get_or_insert(e);
            return;
        }
        let folder = path.parent().filter(|f| !f.as_os_str().is_empty());
        if let Some(folder) = folder {
            let mut written = self.lock();
            if !written.folders.contains(folder) {
                match std::fs::create_dir_all(self.staging.join(folder)) {
                    Ok(()) => {
                        written.folders.insert(folder.to_path_buf());
                    }
                    Err(e) => {
                        written.error.get_or_insert(e);
                        return;
                    }
                }
            }
        }
        let target = self.staging.join(&path);
        let bytes = &*bytes;
        let taken = (self.old.as_ref()).is_some_and(|old| reused(&old.join(&path), bytes, &target));
        let result = if taken {
            Ok(())
        } else {
            write_new(&target, bytes)
        };
        let mut written = self.lock();
        match result {
            Ok(()) => {
                written.paths.insert(path);
            }
            Err(e) => {
                written.error.get_or_insert(e);
            }
        }
    }

    /// Moves the folder `from` of the new output, and every file in it, to `to` (both relative to
    /// the output folder): for files whose folder is named by the hash of them all, written before
    /// the hash is known.
    pub fn rename_dir(&self, from: &Path, to: &Path) {
        if self.in_memory {
            let (from, to) = (slashed(from) + "/", slashed(to) + "/");
            let mut written = self.lock();
            let moved: Vec<String> = written
                .bytes
                .range(from.clone()..)
                .take_while(|(p, _)| p.starts_with(&from))
                .map(|(p, _)| p.clone())
                .collect();
            for path in moved {
                let bytes = written.bytes.remove(&path).expect("listed above");
                written
                    .bytes
                    .insert(format!("{to}{}", &path[from.len()..]), bytes);
            }
            return;
        }
        if let Some(parent) = to.parent() {
            if let Err(e) = std::fs::create_dir_all(self.staging.join(parent)) {
                self.lock().error.get_or_insert(e);
                return;
            }
        }
        let result = std::fs::rename(self.staging.join(from), self.staging.join(to));
        let mut written = self.lock();
        if let Err(e) = result {
            written.error.get_or_insert(e);
            return;
        }
        let moved: Vec<PathBuf> = written
            .paths
            .iter()
            .filter(|p| p.starts_with(from))
            .cloned()
            .collect();
        for path in moved {
            written.paths.remove(&path);
            let rest = path.strip_prefix(from).expect("filtered by prefix");
            written.paths.insert(to.join(rest));
        }
        written.folders.retain(|f| !f.starts_with(from));
    }

    /// Every file written so far, sorted as paths are (folder by folder).
    pub fn keys(&self) -> Vec<PathBuf> {
        let written = self.lock();
        if !self.in_memory {
            return written.paths.iter().cloned().collect();
        }
        // `/` ranked below every other byte orders the names as their paths are ordered.
        fn folder_first(name: &str) -> impl Iterator<Item = u8> + '_ {
            name.bytes().map(|b| if b == b'/' { 0 } else { b })
        }
        let mut names: Vec<&String> = written.bytes.keys().collect();
        names.sort_unstable_by(|a, b| folder_first(a).cmp(folder_first(b)));
        names.into_iter().map(PathBuf::from).collect()
    }

    /// How many files were written.
    pub fn len(&self) -> usize {
        let written = self.lock();
        match self.in_memory {
            true => written.bytes.len(),
            false => written.paths.len(),
        }
    }

    /// Swaps the new output in for the old, or reports the first write that failed or Ctrl-C
    /// (the old output then stays).
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.lock().error.take() {
            return Err(e);
        }
        crate::writing::check()?;
        if self.out.exists() {
            std::fs::rename(&self.out, &self.previous)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.out) {
            // Put the old site back rather than leave none.
            let _ = std::fs::rename(&self.previous, &self.out);
            return Err(e);
        }
        self.finished = true;
        remove_in_parallel(&self.previous)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Written> {
        // A panic while holding the lock leaves the sets usable.
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_if_present(&self.staging);
        }
    }
}

/// Takes over the old output's file `old` as the new output's `target` when its bytes are
/// `bytes`: a hard link, so the file keeps its inode and modification time, nothing is written, and
/// removing the old output frees nothing a new file must replace. (Creating a file where many were
/// just deleted is slow on some file systems: ext4 without a journal skips every inode freed in
/// the last minute or more.) Only a regular file no other link shares is taken, so a later change
/// to the new output can never reach a copy the author keeps elsewhere.
#[cfg(unix)]
fn reused(old: &Path, bytes: &[u8], target: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let taken = std::fs::symlink_metadata(old)
        .is_ok_and(|meta| meta.is_file() && meta.nlink() == 1 && meta.len() == bytes.len() as u64);
    taken
        && std::fs::read(old).is_ok_and(|was| was == bytes)
        && std::fs::hard_link(old, target).is_ok()
}

#[cfg(not(unix))]
fn reused(_old: &Path, _bytes: &[u8], _target: &Path) -> bool {
    false
}

/// A relative path as a name with `/` between its parts, on any system.
fn slashed(path: &Path) -> String {
    let name = path.to_string_lossy();
    match std::path::MAIN_SEPARATOR {
        '/' => name.into_owned(),
        separator => name.replace(separator, "/"),
    }
}

/// Writes `bytes` into a new file `target`. A path written twice is replaced, never written
/// through: its first file may be a link to the old output's ([`reused`]), still live.
fn write_new(target: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = match std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(target)
    {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(target)?;
            return std::fs::write(target, bytes);
        }
        opened => opened?,
    };
    file.write_all(bytes)
}

/// Removes the folder `path` and all in it, its entries side by side: the old output's posts and
/// its lists are removed at once (unlinking is a system call a file, most of a large site's swap).
fn remove_in_parallel(path: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = match std::fs::read_dir(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        listed => listed?.collect::<io::Result<_>>()?,
    };
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_if_present(&entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(path)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_folder_named_after_its_files_is_renamed_with_them() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let output = super::Output::begin(&out).unwrap();
        output.insert("lists/.new/a/1.json", b"1");
        output.insert("lists/.new/b.json", b"2");
        output.insert("other.json", b"3");
        output.rename_dir(Path::new("lists/.new"), Path::new("lists/abc"));
        let keys: Vec<String> = output
            .keys()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            keys,
            ["lists/abc/a/1.json", "lists/abc/b.json", "other.json"]
        );
        output.finish().unwrap();
        assert_eq!(std::fs::read(out.join("lists/abc/a/1.json")).unwrap(), b"1");
        assert!(!out.join("lists/.new").exists());
    }

    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy();
                format!("{relative}={}", std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn the_new_output_replaces_the_old_only_when_finished() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("data");
        let first = Output::begin(&out).unwrap();
        first.insert("a/b.json", b"1");
        first.insert("c.json", b"2");
        first.insert("c.json", b"2");
        assert_eq!(first.len(), 2);
        assert!(!out.exists(), "nothing appears before the swap");
        first.finish().unwrap();
        assert_eq!(listing(&out), ["a/b.json=1", "c.json=2"]);

        let second = Output::begin(&out).unwrap();
        second.insert("d.json", b"3");
        assert_eq!(listing(&out), ["a/b.json=1", "c.json=2"]);
        second.finish().unwrap();
        assert_eq!(listing(&out), ["d.json=3"], "exactly the new files");
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["data"], "no staging or old folder left");
    }

    #[test]
    fn an_output_dropped_or_failed_before_the_swap_leaves_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("data");
        let first = Output::begin(&out).unwrap();
        first.insert("a.json", b"1");
        first.finish().unwrap();

        let dropped = Output::begin(&out).unwrap();
        dropped.insert("b.json", b"2");
        drop(dropped);
        assert_eq!(listing(&out), ["a.json=1"]);

        let failed = Output::begin(&out).unwrap();
        failed.insert("b.json", b"2");
        // A file where a folder must go: the write fails, and so does the swap.
        failed.insert("b.json/c.json", b"3");
        assert!(failed.finish().is_err());
        assert_eq!(listing(&out), ["a.json=1"]);
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["data"], "no staging folder left");
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_takes_over_the_unchanged_files_and_never_writes_through_them() {
        use std::os::unix::fs::MetadataExt;
        let inode = |path: &Path| std::fs::metadata(path).unwrap().ino();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("data");
        let first = Output::begin(&out).unwrap();
        first.insert("posts/a.json", b"same");
        first.insert("b.json", b"old");
        first.insert("kept-elsewhere.json", b"kept");
        first.finish().unwrap();
        let a = inode(&out.join("posts/a.json"));
        let b = inode(&out.join("b.json"));
        // The author keeps a link to one file elsewhere: that file is never shared again.
        let elsewhere = tmp.path().join("copy.json");
        std::fs::hard_link(out.join("kept-elsewhere.json"), &elsewhere).unwrap();

        let second = Output::begin(&out).unwrap();
        second.insert("posts/a.json", b"same");
        second.insert("b.json", b"new");
        second.insert("kept-elsewhere.json", b"kept");
        second.finish().unwrap();
        assert_eq!(
            inode(&out.join("posts/a.json")),
            a,
            "unchanged: the same file"
        );
        assert_ne!(inode(&out.join("b.json")), b, "changed: a new file");
        assert_ne!(
            inode(&out.join("kept-elsewhere.json")),
            inode(&elsewhere),
            "a file linked elsewhere is written anew"
        );
        assert_eq!(
            listing(&out),
            [
                "b.json=new",
                "kept-elsewhere.json=kept",
                "posts/a.json=same"
            ]
        );

        // Written twice, the second time with other bytes: the live output keeps its own until
        // the swap.
        let third = Output::begin(&out).unwrap();
        third.insert("posts/a.json", b"same");
        third.insert("posts/a.json", b"other");
        assert_eq!(std::fs::read(out.join("posts/a.json")).unwrap(), b"same");
        third.finish().unwrap();
        assert_eq!(listing(&out), ["posts/a.json=other"]);
    }

    #[test]
    fn in_memory_the_files_and_their_order_are_those_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let on_disk = Output::begin(&tmp.path().join("out")).unwrap();
        let in_memory = Output::in_memory();
        for output in [&on_disk, &in_memory] {
            for name in [
                "lists.json",
                "lists/b/c.json",
                "lists-x.json",
                "a.json",
                "lists/a.json",
            ] {
                output.insert(name, name.as_bytes().to_vec());
            }
            output.insert("lists/.new/1.json", b"1".as_slice());
            output.insert("lists/.newer.json", b"2".as_slice());
            output.insert("a.json", b"again".as_slice());
            output.rename_dir(Path::new("lists/.new"), Path::new("lists/f0"));
        }
        assert_eq!(in_memory.keys(), on_disk.keys());
        assert_eq!(in_memory.len(), 7);
        let files = in_memory.into_files();
        assert_eq!(files["a.json"], b"again");
        assert_eq!(files["lists/f0/1.json"], b"1");
        assert_eq!(files["lists/.newer.json"], b"2", "only the folder moves");
        let keys: Vec<String> = on_disk
            .keys()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert_eq!(keys.len(), 7);
        assert!(
            keys.iter().zip(files.keys()).any(|(a, b)| a != b),
            "paths sort apart from names"
        );
    }
}
