//! `data/manifest.json` and the site settings it carries.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `data/manifest.json`: what the site is and where its data lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Hash of every data file of this build: equal output gives an equal id.
    pub build_id: String,
    pub site: SiteInfo,
    /// The folder of the lists readers browse (`lists/<hash>`), relative to the data folder: the
    /// home list's pages, the tags, the archive, the search results' cards ([`super::list`]).
    pub lists: String,
    /// Every post's summary in one file ([`super::AllPosts`]), for saving all posts offline only.
    pub all_posts: String,
    /// How many [`super::SlugShard`] files the lists folder holds (at least one).
    pub slug_shards: u32,
    /// Number of published posts.
    pub post_count: usize,
    /// Every published page ([`super::Page`]) by its slug: its file (`pages/<slug>.<hash>.json`),
    /// relative to the data folder. A blog has a handful of pages, so the manifest names them
    /// all and a page's address costs no list file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pages: BTreeMap<String, String>,
    /// The search index's entry file (`search/entry.<hash>.json`), relative to the data folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_file: Option<String>,
    /// Total size of the search index's files, uncompressed: what saving it for offline costs.
    #[serde(default, skip_serializing_if = "super::is_zero")]
    pub search_bytes: u64,
}

/// The site settings a reader sees, as given in `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub author: String,
    /// Absolute URL of the deployed site, without the base path (`https://example.org`).
    #[serde(default)]
    pub base_url: String,
    /// Path the site is served under; starts and ends with `/` (`/` or `/blog/`).
    pub base_path: String,
    /// BCP 47 language of the site, the default for posts.
    pub language: String,
    /// Posts on each page of the home list.
    #[serde(default = "default_posts_per_page")]
    pub posts_per_page: usize,
    /// Links in the site's header, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nav: Vec<NavLink>,
    /// Where readers' new comments go (`[comments] endpoint` in `site.toml`): the comment intake
    /// server's `/api/comments`, on the site's own origin (`/api/comments`) or another
    /// (`https://comments.example.org/api/comments`). None: no comment form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_endpoint: Option<String>,
}

impl SiteInfo {
    /// The origin (`https://comments.example.org`) of the comments endpoint when it is on another
    /// site than this one: the one connection the Content-Security-Policy then allows.
    pub fn comments_origin(&self) -> Option<String> {
        let endpoint = self.comments_endpoint.as_deref()?;
        let (scheme, rest) = endpoint.split_once("://")?;
        let host = rest.split(['/', '?', '#']).next()?;
        (matches!(scheme, "http" | "https") && !host.is_empty())
            .then(|| format!("{scheme}://{host}"))
    }
}

fn default_posts_per_page() -> usize {
    10
}

/// A link in the site's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    pub title: String,
    /// A path on the site (`/posts/about`) or a full URL.
    pub url: String,
}
