//! The uploads folder of a WordPress site (`wp-content/uploads/2024/03/photo.jpg`) and how an
//! image address in a post finds its best file there.
//!
//! WordPress serves resized copies (`photo-1024x768.jpg`, `photo-scaled.jpg`, `photo.jpg?w=640`
//! on WordPress.com); a post usually names one of them. The import copies the original when the
//! folder has it, else the largest copy present.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The files of an uploads folder, grouped by the original each one is a copy of.
#[derive(Debug, Default)]
pub struct Uploads {
    root: PathBuf,
    /// Original's path (`2024/03/photo.jpg`, lower-case) → files present for it:
    /// `(path relative to root, width × height in the name, or 0 for the original, byte size)`.
    by_original: HashMap<String, Vec<(String, u64, u64)>>,
}

/// The original an uploaded file's name is a copy of, and the copy's pixel count (`u64::MAX` for
/// the original itself, so it always wins; `-scaled` is WordPress's large copy of a huge upload).
pub fn original_of(relative: &str) -> (String, u64) {
    let (dir, name) = relative
        .rsplit_once('/')
        .map_or(("", relative), |(d, n)| (d, n));
    let (stem, ext) = name.rsplit_once('.').map_or((name, ""), |(s, e)| (s, e));
    let mut stem = stem;
    let mut size = u64::MAX;
    if let Some((base, dims)) = stem.rsplit_once('-') {
        if let Some((w, h)) = dims.split_once('x') {
            if let (Ok(w), Ok(h)) = (w.parse::<u64>(), h.parse::<u64>()) {
                stem = base;
                size = w * h;
            }
        }
    }
    for suffix in ["-scaled", "-rotated"] {
        if let Some(base) = stem.strip_suffix(suffix) {
            stem = base;
            size = size.min(u64::MAX - 1);
        }
    }
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let ext = if ext.is_empty() {
        String::new()
    } else {
        format!(".{ext}")
    };
    (format!("{dir}{stem}{ext}").to_lowercase(), size)
}

/// The path below the uploads folder that an image address names: after `/wp-content/uploads/`
/// or `/files/` (old multisite), or a WordPress.com `files.wordpress.com` path; query and
/// percent-encoding removed.
pub fn uploads_path(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next()?;
    let path = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            &after[after.find('/')?..]
        }
        None => url,
    };
    let rest = if let Some(i) = path.find("/wp-content/uploads/") {
        &path[i + "/wp-content/uploads/".len()..]
    } else if let Some(i) = path.find("/files/") {
        &path[i + "/files/".len()..]
    } else if url.contains(".files.wordpress.com/") || url.contains(".wp.com/") {
        path.trim_start_matches('/')
    } else {
        return None;
    };
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty() && !decoded.split('/').any(|p| p == ".." || p.is_empty()))
        .then(|| decoded.into_owned())
}

impl Uploads {
    /// Lists the files below `root` (the unpacked uploads folder).
    pub fn scan(root: &Path) -> anyhow::Result<Self> {
        anyhow::ensure!(
            root.is_dir(),
            "the media folder {} does not exist: give --media the unpacked wp-content/uploads folder",
            root.display()
        );
        let mut by_original: HashMap<String, Vec<(String, u64, u64)>> = HashMap::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let (original, size) = original_of(&relative);
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            by_original
                .entry(original)
                .or_default()
                .push((relative, size, bytes));
        }
        Ok(Uploads {
            root: root.to_path_buf(),
            by_original,
        })
    }

    /// The best file for an image address: the original, else the largest copy.
    pub fn best(&self, url: &str) -> Option<PathBuf> {
        let (original, _) = original_of(&uploads_path(url)?);
        let files = self.by_original.get(&original)?;
        files
            .iter()
            .max_by_key(|(_, size, bytes)| (*size, *bytes))
            .map(|(relative, _, _)| self.root.join(relative))
    }
}

/// The file name a copied image gets beside its post: the original's name.
pub fn file_name(url: &str) -> Option<String> {
    let (original, _) = original_of(&uploads_path(url)?);
    let name = original.rsplit('/').next()?.to_string();
    Some(
        name.chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '-'
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_variants_map_to_their_original() {
        assert_eq!(
            original_of("2024/03/photo-1024x768.jpg"),
            ("2024/03/photo.jpg".into(), 1024 * 768)
        );
        assert_eq!(
            original_of("2024/03/photo-scaled.jpg").0,
            "2024/03/photo.jpg"
        );
        assert_eq!(
            original_of("2024/03/photo.jpg"),
            ("2024/03/photo.jpg".into(), u64::MAX)
        );
        assert_eq!(
            original_of("2024/03/day-2.png").0,
            "2024/03/day-2.png",
            "a number alone is part of the name"
        );
    }

    #[test]
    fn addresses_name_their_uploads_path() {
        assert_eq!(
            uploads_path("https://ex.org/wp-content/uploads/2024/03/a-300x200.jpg?w=640")
                .as_deref(),
            Some("2024/03/a-300x200.jpg")
        );
        assert_eq!(
            uploads_path("https://me.files.wordpress.com/2024/03/a.jpg").as_deref(),
            Some("2024/03/a.jpg")
        );
        assert_eq!(
            uploads_path("https://ex.org/wp-content/uploads/2024/03/%E1%9E%80.jpg").as_deref(),
            Some("2024/03/\u{1780}.jpg")
        );
        assert_eq!(uploads_path("https://other.org/pic.jpg"), None);
        assert_eq!(
            uploads_path("https://ex.org/wp-content/uploads/../etc/passwd"),
            None
        );
    }

    #[test]
    fn the_original_or_the_largest_copy_is_chosen() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("2024/03");
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a-150x100.jpg", "a-300x200.jpg", "b.jpg", "b-300x200.jpg"] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let uploads = Uploads::scan(tmp.path()).unwrap();
        let best = |url: &str| {
            uploads
                .best(url)
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        };
        assert_eq!(
            best("https://x/wp-content/uploads/2024/03/a-150x100.jpg").as_deref(),
            Some("a-300x200.jpg")
        );
        assert_eq!(
            best("https://x/wp-content/uploads/2024/03/b-300x200.jpg?w=64").as_deref(),
            Some("b.jpg")
        );
        assert_eq!(best("https://x/wp-content/uploads/2024/03/c.jpg"), None);
    }
}
