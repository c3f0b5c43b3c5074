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
    /// The folder of the directory of the lists readers browse (`lists/<hash>`, relative to the
    /// data folder), named by the hash of the whole directory: its shards ([`super::ListDir`]) name
    /// the file of each list (the home list's pages, the tags, the archive, the search results'
    /// cards, the slug shards; [`super::list`]).
    pub lists: String,
    /// How many shards the lists' directory has ([`super::dir_shard`]).
    pub list_shards: u32,
    /// Every post's summary in one file ([`super::AllPosts`]), for saving all posts offline only.
    pub all_posts: String,
    /// How many [`super::SlugShard`] lists there are (at least one).
    pub slug_shards: u32,
    /// Number of published posts.
    pub post_count: usize,
    /// How many of them are unlisted ([`super::PostSummary::unlisted`]): in no list.
    #[serde(default, skip_serializing_if = "super::is_zero_usize")]
    pub unlisted: usize,
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
    /// The author's look (`[theme]` in `site.toml`), for the step that writes the pages; the app
    /// never reads it, so it is not even compiled into the app.
    #[cfg(not(target_arch = "wasm32"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
}

/// The files of the author's look, relative to the data folder.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// The stylesheet every page loads after the site's own: the accent, the logo, the font and
    /// the author's own rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// The files that stylesheet draws on (the logo, the font, the images of the author's rules):
    /// stored for offline reading with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    /// The font file, fetched early by every page (`<link rel="preload">`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<Icon>,
    /// The icon of the browser's tab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon: Option<Icon>,
    /// The icons of the installed site, for the web manifest; the first is also the
    /// `apple-touch-icon`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub icons: Vec<Icon>,
    /// The browser's colour for the site (`theme-color`): the accent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// A file of the theme as a page or the web manifest names it.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Icon {
    pub src: String,
    /// `192x192`, or `any` for an SVG.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sizes: String,
    /// The MIME type.
    #[serde(rename = "type")]
    pub mime: String,
    /// `any` or `maskable` (the web manifest's).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
}

impl Manifest {
    /// How many posts the home list holds: the published ones but the unlisted.
    pub fn listed_count(&self) -> usize {
        self.post_count.saturating_sub(self.unlisted)
    }
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
    /// The interface's words in the site's language, in the order of [`super::strings::S`]
    /// (`strings/<language>.toml` and the author's `content/strings.toml`); none for English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strings: Vec<String>,
}

impl SiteInfo {
    /// The interface's words for this site.
    pub fn text(&self) -> super::strings::Strings<'_> {
        super::strings::Strings::new(&self.language, &self.strings)
    }

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

/// The one field of a manifest every format shares: read before the rest, so a manifest of another
/// format (whose other fields may have changed shape) is told apart from a damaged one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct FormatProbe {
    #[serde(default)]
    pub format_version: Option<u32>,
}

/// How a manifest's format compares with the one this build reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatCheck {
    /// The same format: read the rest.
    Readable,
    /// Written by a newer build: only a newer app reads it.
    Newer(u32),
    /// Written by an older build: the host serves this app beside older data (mid-deploy).
    Older(u32),
    /// No version at all: not a manifest.
    Missing,
}

impl FormatProbe {
    /// What this build can do with the manifest the probe was read from.
    pub fn check(self) -> FormatCheck {
        match self.format_version {
            None => FormatCheck::Missing,
            Some(v) if v == super::FORMAT_VERSION => FormatCheck::Readable,
            Some(v) if v > super::FORMAT_VERSION => FormatCheck::Newer(v),
            Some(v) => FormatCheck::Older(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FORMAT_VERSION;

    fn probe(json: &str) -> FormatCheck {
        serde_json::from_str::<FormatProbe>(json).unwrap().check()
    }

    #[test]
    fn a_newer_manifest_is_told_apart_whatever_shape_its_other_fields_take() {
        let newer = FORMAT_VERSION + 1;
        let json =
            format!(r#"{{"format_version": {newer}, "site": [1, 2], "lists": {{"moved": true}}}}"#);
        assert_eq!(probe(&json), FormatCheck::Newer(newer));
        assert!(
            serde_json::from_str::<Manifest>(&json).is_err(),
            "the full manifest would fail"
        );
    }

    #[test]
    fn the_same_format_reads_on_and_an_older_or_missing_one_does_not() {
        assert_eq!(
            probe(&format!(r#"{{"format_version": {FORMAT_VERSION}}}"#)),
            FormatCheck::Readable
        );
        assert_eq!(probe(r#"{"format_version": 1}"#), FormatCheck::Older(1));
        assert_eq!(probe(r#"{"build_id": "x"}"#), FormatCheck::Missing);
        assert_eq!(probe("{}"), FormatCheck::Missing);
    }
}
