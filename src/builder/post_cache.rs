//! `fieldnotes build --incremental`: the posts as read, kept on disk between builds, one file a
//! post, so that the next build reads and parses again only the post files that changed, as the
//! preview does in memory ([`ParseCache`]).
//!
//! Each file is named by a hash of its post file's path and holds one line of JSON (what the
//! builder made of the post, with the fingerprint of the post file's text and, when it can be
//! trusted, its size and modification time) followed by the post's HTML and visible text as they
//! are. A file is used only when it was written by this very builder (its version, size and
//! modification time) for posts read with the same site settings; anything else is read as
//! missing, and written again after the build.
//!
//! A protected post is never kept: its text and password stay in the content folder alone. No
//! password, nor any fingerprint of one, is written (the settings' fingerprint counts only which
//! slugs have one). The folder is as private as the content folder: it holds the drafts' text too.

use super::collect::Collected;
use super::parse::{self, LoadedPost, ParseCache, Parsed, Stamp};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The kept posts' files end with this.
const EXTENSION: &str = "post";

/// What a kept post's file says of it, on its first line.
#[derive(Serialize, Deserialize)]
struct Head {
    /// The builder that wrote it ([`builder_identity`]).
    builder: String,
    /// The site settings its post was read with ([`parse::context_keys`], without passwords).
    context: u64,
    /// The post file's size and modification time (seconds and nanoseconds since 1970), when
    /// they can be trusted.
    stamp: Option<(u64, u64, u32)>,
    /// The fingerprint of the post file's text.
    key: u64,
    /// The bytes of the HTML after this line; the visible text follows it.
    html: usize,
    /// The post as read, without its HTML and text.
    post: LoadedPost,
}

/// The folder of kept posts, as this builder reads and writes it for one site's settings.
pub struct Folder<'a> {
    dir: &'a Path,
    /// [`builder_identity`]; none when it cannot be told, and then nothing is kept.
    builder: Option<String>,
    /// The settings' fingerprint written with each post ([`parse::context_keys`]).
    context: u64,
}

/// The posts kept in `dir` by the last build for the posts of `collected`, as a [`ParseCache`]
/// that [`parse::parse_all_cached`] reads through (empty when `dir` holds none this builder can
/// use), and the folder to [`save`] them into.
pub fn load<'a>(dir: &'a Path, content: &Path, collected: &Collected) -> (Folder<'a>, ParseCache) {
    let (context, on_disk) = parse::context_keys(content, collected);
    let folder = Folder {
        dir,
        builder: builder_identity(),
        context: on_disk,
    };
    let Some(builder) = &folder.builder else {
        return (folder, ParseCache::default());
    };
    let files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|e| e == EXTENSION))
            .collect(),
        Err(_) => Vec::new(),
    };
    let posts: HashMap<PathBuf, Parsed> = files
        .par_iter()
        .filter_map(|file| read_kept(file, builder, on_disk))
        .map(|parsed| (parsed.post.path.clone(), parsed))
        .collect();
    let cache = ParseCache {
        context,
        posts,
        ..ParseCache::default()
    };
    (folder, cache)
}

/// Writes into `folder` each post of `cache` its file there does not hold yet, and removes the
/// files of posts gone. A failed write leaves that post to be parsed again next time.
pub fn save(folder: &Folder, cache: &mut ParseCache) -> io::Result<()> {
    let Some(builder) = &folder.builder else {
        return Ok(());
    };
    let dir = folder.dir;
    std::fs::create_dir_all(dir)?;
    let kept: HashSet<String> = cache
        .posts
        .values()
        .filter(|parsed| parsed.post.password.is_none())
        .map(|parsed| file_name(&parsed.post.path))
        .collect();
    cache
        .posts
        .par_iter_mut()
        .filter(|(_, parsed)| !parsed.stored && parsed.post.password.is_none())
        .for_each(|(_, parsed)| {
            parsed.stored = write_kept(dir, parsed, builder, folder.context).is_ok();
        });
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !kept.contains(&name) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The name of the file that keeps the post read from `path`.
fn file_name(path: &Path) -> String {
    let hash = super::content_hash(path.to_string_lossy().as_bytes());
    format!("{hash}.{EXTENSION}")
}

/// Who wrote a kept file: this builder's version and its program file's size and modification
/// time, so that a builder built again (with another way of reading posts) uses nothing an
/// earlier one kept. None when the program file cannot be found.
fn builder_identity() -> Option<String> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let (secs, nanos) = since_epoch(meta.modified().ok()?)?;
    Some(format!(
        "{} {} {secs}.{nanos:09}",
        env!("CARGO_PKG_VERSION"),
        meta.len()
    ))
}

fn since_epoch(time: SystemTime) -> Option<(u64, u32)> {
    let since = time.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    Some((since.as_secs(), since.subsec_nanos()))
}

/// Writes `parsed` into its file in `dir`, through a temporary file renamed into place.
fn write_kept(dir: &Path, parsed: &Parsed, builder: &str, context: u64) -> io::Result<()> {
    let mut post = LoadedPost::clone(&parsed.post);
    let html = std::mem::take(&mut post.post.html).into_string();
    let text = std::mem::take(&mut post.post.text);
    let stamp = match parsed.stamp {
        Some((len, modified)) => since_epoch(modified).map(|(secs, nanos)| (len, secs, nanos)),
        None => None,
    };
    let head = Head {
        builder: builder.to_string(),
        context,
        stamp,
        key: parsed.key,
        html: html.len(),
        post,
    };
    let mut bytes = serde_json::to_vec(&head).map_err(io::Error::other)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(html.as_bytes());
    bytes.extend_from_slice(text.as_bytes());
    let name = file_name(&parsed.post.path);
    let temporary = dir.join(format!("{name}.new"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, dir.join(name))
}

/// The post kept in `file`, when `builder` wrote it for posts read with `context`.
fn read_kept(file: &Path, builder: &str, context: u64) -> Option<Parsed> {
    let bytes = std::fs::read(file).ok()?;
    let line = bytes.iter().position(|&b| b == b'\n')?;
    let head: Head = serde_json::from_slice(&bytes[..line]).ok()?;
    if head.builder != builder || head.context != context || head.post.password.is_some() {
        return None;
    }
    let rest = std::str::from_utf8(&bytes[line + 1..]).ok()?;
    let html = rest.get(..head.html)?;
    let text = rest.get(head.html..)?;
    let mut post = head.post;
    // This builder rendered it: it is read back as the app reads a post's file.
    post.post.html = serde::Deserialize::deserialize(serde::de::IntoDeserializer::<
        serde::de::value::Error,
    >::into_deserializer(html))
    .ok()?;
    post.post.text = text.to_string();
    let stamp: Option<Stamp> = head
        .stamp
        .map(|(len, secs, nanos)| (len, SystemTime::UNIX_EPOCH + Duration::new(secs, nanos)));
    Some(Parsed {
        stamp,
        key: head.key,
        post: Arc::new(post),
        stored: true,
    })
}
