//! A post: `data/posts/<slug>.<hash>.json`, and the summary of it that lists show.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Set in lists and cards only (0, and left out, in the post's own file).
    #[serde(default, skip_serializing_if = "super::is_zero")]
    pub bytes: u64,
    /// Published comments on the post. Set in lists and cards only (0, and left out, in the
    /// post's own file, so a new comment does not rename the post).
    #[serde(default, skip_serializing_if = "super::is_zero_u32")]
    pub comments: u32,
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
            comments: 0,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
                comments: 0,
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
