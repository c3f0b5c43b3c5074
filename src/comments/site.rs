//! What the server knows of the built site: its posts and standalone pages, and the ids of each
//! one's published comments (a reply may answer one). Read from the site's data folder, through the same model
//! types the app reads, and read again whenever the manifest's `build_id` changes.

use crate::model::{slug_shard_file, AllPosts, Comment, CommentThread, Manifest, Page, SlugShard};
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The posts and pages of one build (by slug) and their published comment ids.
#[derive(Debug, Default)]
pub struct SiteIndex {
    pub build_id: String,
    /// The site's own origin (`https://example.org`), from `base_url` in its `site.toml`: its
    /// pages may send comments without `--origin`.
    pub origin: Option<String>,
    pub posts: HashMap<String, HashSet<String>>,
}

/// The data folder of `site`: `site/data` for a built site (`dist`), or `site` itself when it
/// holds the manifest (the builder's output folder).
pub fn data_dir(site: &Path) -> PathBuf {
    let nested = site.join("data");
    if nested.join("manifest.json").is_file() {
        nested
    } else {
        site.to_path_buf()
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read(path).with_context(|| {
        format!(
            "cannot read {}: build the site first (`fieldnotes build`) and pass its folder as --site",
            path.display()
        )
    })?;
    serde_json::from_slice(&text).with_context(|| format!("{} is not valid", path.display()))
}

/// The manifest's build id, read cheaply to learn whether the site was rebuilt.
pub fn build_id(data: &Path) -> Result<String> {
    Ok(read_json::<Manifest>(&data.join("manifest.json"))?.build_id)
}

fn collect_ids(comments: &[Comment], out: &mut HashSet<String>) {
    for c in comments {
        out.insert(c.id.clone());
        collect_ids(&c.replies, out);
    }
}

/// Reads the posts and published comments of the site in `data`.
pub fn load(data: &Path) -> Result<SiteIndex> {
    let manifest: Manifest = read_json(&data.join("manifest.json"))?;
    let all: AllPosts = read_json(&data.join(&manifest.all_posts))?;
    let mut posts: HashMap<String, HashSet<String>> = all
        .posts
        .into_iter()
        .map(|p| (p.slug, HashSet::new()))
        .collect();
    let lists = crate::builder::read_directory((&manifest.lists, manifest.list_shards), |file| {
        read_json(&data.join(file))
    })?;
    for n in 0..manifest.slug_shards.max(1) {
        let Some(file) = lists.get(&slug_shard_file(n)) else {
            continue;
        };
        let path = data.join(file);
        let shard: SlugShard = read_json(&path)?;
        for (slug, entry) in shard.posts {
            let (Some(file), Some(ids)) = (entry.comments, posts.get_mut(&slug)) else {
                continue;
            };
            let thread: CommentThread = read_json(&data.join(file))?;
            collect_ids(&thread.comments, ids);
        }
    }
    // Standalone pages take comments too; a page names its comments' file in its own.
    for file in manifest.pages.values() {
        let page: Page = read_json(&data.join(file))?;
        let ids = posts.entry(page.slug).or_default();
        if let Some(comments) = page.comments {
            let thread: CommentThread = read_json(&data.join(comments))?;
            collect_ids(&thread.comments, ids);
        }
    }
    Ok(SiteIndex {
        origin: origin_of(&manifest.site.base_url),
        build_id: manifest.build_id,
        posts,
    })
}

/// The origin of `url` (`https://example.org:8443` of `https://example.org:8443/blog/`): none
/// for an empty or relative one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (matches!(scheme, "http" | "https") && !host.is_empty())
        .then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}
