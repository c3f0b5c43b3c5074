//! The data contract between the builder and the app.
//!
//! Every JSON file the builder writes is one of these types, and the app reads it back through the
//! same type. Change a field here and both halves change together; bump [`FORMAT_VERSION`] when an
//! old app could no longer read the new files.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON layout below. The app refuses (and says so) a manifest of another version.
pub const FORMAT_VERSION: u32 = 2;

/// Name of the unhashed entry file, relative to the data folder. The app fetches it with `no-cache`;
/// every file it names is content-hashed and may be cached forever.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Folder, below the site root, that holds the builder's output.
pub const DATA_DIR: &str = "data";

/// `data/manifest.json`: what the site is and where its data lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Hash of every data file of this build: equal output gives an equal id.
    pub build_id: String,
    pub site: SiteInfo,
    /// Files of the post index, newest posts first, relative to the data folder.
    pub index_files: Vec<String>,
    /// Number of published posts.
    pub post_count: usize,
    /// The search index's entry file (`search/entry.<hash>.json`), relative to the data folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_file: Option<String>,
    /// Total size of the search index's files, uncompressed: what saving it for offline costs.
    #[serde(default, skip_serializing_if = "is_zero")]
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

/// An image the builder copied, under a content-hashed name, with its size when known so the
/// page can reserve its space before it loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// Relative to the data folder (`media/map.3f2a….svg`).
    pub src: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// A post's cover image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cover {
    #[serde(flatten)]
    pub image: ImageRef,
    pub alt: String,
}

/// A post's place in a series ("Day 2 of 5").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesRef {
    pub name: String,
    /// Position given by the author; posts without one follow in date order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
}

/// One file of the post index: summaries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPage {
    pub posts: Vec<PostSummary>,
}

/// What a list of posts shows about a post, and where to fetch the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// URL segment: the post lives at `/posts/{slug}`.
    pub slug: String,
    pub title: String,
    /// Publication date, `YYYY-MM-DD`; none when the author gave none (such posts sort last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Last significant update, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<Cover>,
    /// Plain text, no Markdown.
    pub summary: String,
    pub reading_minutes: u32,
    /// BCP 47 language of the post.
    pub lang: String,
    /// The post's own JSON file, relative to the data folder.
    pub file: String,
    /// Old paths of the post (`/2019/05/old-name/`) that must keep working: the app sends a
    /// reader who follows one to the post.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Bytes a reader stores to read the post offline: its file plus its images, uncompressed.
    /// Set in the post index only (0, and left out, in the post's own file).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
}

#[cfg(test)]
impl PostSummary {
    /// A post with a slug (its title in capitals), a date and tags, for tests.
    pub(crate) fn for_test(slug: &str, date: Option<&str>, tags: &[&str]) -> PostSummary {
        PostSummary {
            slug: slug.into(),
            title: slug.to_uppercase(),
            date: date.map(String::from),
            updated: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            categories: vec![],
            authors: vec![],
            series: None,
            cover: None,
            summary: String::new(),
            reading_minutes: 1,
            lang: "en".into(),
            file: String::new(),
            aliases: vec![],
            bytes: 0,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `data/posts/{slug}.{hash}.json`: one post, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    #[serde(flatten)]
    pub summary: PostSummary,
    /// The Markdown body, front matter removed and template tags converted. Rendered by
    /// [`crate::markdown`].
    pub body: String,
    /// Images of the body, by the URL written in the Markdown.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageRef>,
    /// Front matter fields Fieldnotes does not know, kept for themes and tools.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Formats a `YYYY-MM-DD` date for readers ("3 February 2025"); anything else is returned as is.
pub fn human_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = date.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_string();
    };
    match (m.parse::<usize>(), d.get(..2).unwrap_or(d).parse::<u32>()) {
        (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => date.to_string(),
    }
}

/// Writing direction of a language: `rtl` for Arabic, Hebrew, Persian, Urdu and their kin.
pub fn text_direction(lang: &str) -> &'static str {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => "rtl",
        _ => "ltr",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_follows_the_language() {
        assert_eq!(text_direction("en"), "ltr");
        assert_eq!(text_direction("km"), "ltr");
        assert_eq!(text_direction("ar-EG"), "rtl");
        assert_eq!(text_direction("HE"), "rtl");
    }

    #[test]
    fn human_date_reads_naturally() {
        assert_eq!(human_date("2025-02-03"), "3 February 2025");
        assert_eq!(human_date("2025-12-31"), "31 December 2025");
        assert_eq!(human_date("someday"), "someday");
        assert_eq!(human_date("2025-13-01"), "2025-13-01");
    }

    #[test]
    fn post_flattens_its_summary() {
        let post = Post {
            summary: PostSummary {
                slug: "a".into(),
                title: "A".into(),
                date: Some("2025-01-01".into()),
                updated: None,
                tags: vec!["x".into()],
                categories: vec![],
                authors: vec![],
                series: None,
                cover: None,
                summary: "s".into(),
                reading_minutes: 1,
                lang: "en".into(),
                file: "posts/a.0.json".into(),
                aliases: vec![],
                bytes: 0,
            },
            body: "hi".into(),
            images: BTreeMap::new(),
            extra: Default::default(),
        };
        let json = serde_json::to_value(&post).unwrap();
        assert_eq!(json["slug"], "a");
        assert_eq!(json["body"], "hi");
        assert!(json.get("updated").is_none());
        let back: Post = serde_json::from_value(json).unwrap();
        assert_eq!(back, post);
    }
}
