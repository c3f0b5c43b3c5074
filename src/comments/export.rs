//! `fieldnotes comments export --content DIR`: approved comments written as content files,
//! `DIR/comments/<post>/<id>.md`, in the format the builder reads (README, "Comments").
//! Never the email, never an address hash. The same database gives the same bytes, and a file
//! that already says the same is left untouched, so the content folder's history stays clean.

use super::store::{Status, Store, StoredComment};
use anyhow::{Context, Result};
use std::path::Path;

/// A YAML double-quoted scalar: JSON's string syntax is a subset of it.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

/// The content file of one comment.
pub fn render(comment: &StoredComment) -> String {
    let mut out = String::from("---\n");
    out += &format!("id: {}\n", quoted(&comment.id));
    out += &format!("post: {}\n", quoted(&comment.post));
    if let Some(parent) = &comment.parent {
        out += &format!("parent: {}\n", quoted(parent));
    }
    out += &format!("author: {}\n", quoted(&comment.author));
    if let Some(website) = &comment.website {
        out += &format!("website: {}\n", quoted(website));
    }
    out += &format!("date: {}\n", comment.created);
    out += "---\n";
    out += comment.body.trim_end();
    out += "\n";
    out
}

/// Writes every approved comment into `content`; returns (files written, files already current).
pub fn export(store: &Store, content: &Path) -> Result<(usize, usize)> {
    let (mut written, mut current) = (0, 0);
    for comment in store.list(false)? {
        if comment.status != Status::Approved {
            continue;
        }
        let dir = content.join("comments").join(&comment.post);
        let path = dir.join(format!("{}.md", comment.id));
        let text = render(&comment);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            current += 1;
            continue;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot make the folder {}", dir.display()))?;
        crate::writing::write_file(&path, text.as_bytes())
            .with_context(|| format!("cannot write the comment file {}", path.display()))?;
        written += 1;
    }
    Ok((written, current))
}
