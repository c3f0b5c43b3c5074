//! Atomic output: the new site is written beside the old one, then swapped in.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// Replaces the folder `out` with exactly `files` (paths relative to `out`).
///
/// Everything is written to a sibling folder first; only when that succeeded is the old folder
/// moved aside and the new one renamed into place. A failure before the swap leaves `out` as it was.
pub fn write_atomically(out: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> io::Result<()> {
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
    remove_if_present(&staging)?;
    remove_if_present(&previous)?;

    std::fs::create_dir_all(&staging)?;
    let folders: BTreeSet<&Path> = files.keys().filter_map(|p| p.parent()).collect();
    for folder in folders {
        std::fs::create_dir_all(staging.join(folder))?;
    }
    // Sequential on purpose: parallel writes measured slower (file system locks), not faster.
    for (path, bytes) in files {
        std::fs::write(staging.join(path), bytes)?;
    }

    if out.exists() {
        std::fs::rename(out, &previous)?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        // Put the old site back rather than leave none.
        let _ = std::fs::rename(&previous, out);
        return Err(e);
    }
    remove_if_present(&previous)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
