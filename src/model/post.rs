//! A post: `data/posts/<slug>.<hash>.json`, and the summary of it that lists show.

use super::strings::{Text, S};
use crate::markdown::{Heading, SafeHtml};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An image the builder copied, under a content-hashed name, with its size when known so the
/// page can reserve its space before it loads; for photos, smaller copies the browser chooses
/// from for the reader's screen, and a placeholder shown while it loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// Relative to the data folder (`media/map.3f2a….svg`): the image for a browser that takes
    /// no `srcset` (the largest copy in the original's format, or the file itself).
    pub src: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Copies at several widths, in the original's format and in a smaller modern one; empty
    /// for an image kept as it is (GIF, SVG, or one the builder could not decode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// A `data:` URL drawn in the image's place until it arrives (a few hundred bytes at most).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Relative to the data folder.
    pub src: String,
    pub width: u32,
    /// `webp`, `avif`, `jpeg` or `png`.
    pub format: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The width of the text column a photo fills, in CSS pixels (the page's default `--measure`
/// of 40rem), and the `sizes` attribute that tells the browser so.
pub const COLUMN_PX: u32 = 640;
pub const IMAGE_SIZES: &str = "(min-width: 42rem) 40rem, 100vw";

/// Formats browsers take without asking, best first: a `<source>` is written for each but the
/// last, which is the `<img>`'s own.
const MODERN: [&str; 2] = ["avif", "webp"];

impl ImageRef {
    /// The formats of its variants, modern ones first.
    pub fn formats(&self) -> Vec<&str> {
        let mut formats: Vec<&str> = Vec::new();
        for v in &self.variants {
            if !formats.contains(&v.format.as_str()) {
                formats.push(&v.format);
            }
        }
        formats.sort_by_key(|f| MODERN.iter().position(|m| m == f).unwrap_or(MODERN.len()));
        formats
    }

    /// `srcset` for one format: `src 480w, src 800w, …`, with `prefix` before each file.
    pub fn srcset(&self, format: &str, prefix: &str) -> String {
        let mut widths: Vec<&Variant> = self
            .variants
            .iter()
            .filter(|v| v.format == format)
            .collect();
        widths.sort_by_key(|v| v.width);
        widths
            .iter()
            .map(|v| format!("{prefix}{} {}w", v.src, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The copy a browser showing it `css_px` wide on a screen of `dpr` device pixels per CSS
    /// pixel fetches, in the first of `formats` it has: the narrowest at least that many device
    /// pixels wide, else the widest. The file itself when it has no variants.
    pub fn pick(&self, css_px: f64, dpr: f64, formats: &[&str]) -> &str {
        let needed = (css_px * dpr).ceil() as u32;
        let format = formats
            .iter()
            .find(|f| self.variants.iter().any(|v| v.format == **f));
        let Some(format) = format else {
            return &self.src;
        };
        let mut copies: Vec<&Variant> = self
            .variants
            .iter()
            .filter(|v| v.format == *format)
            .collect();
        copies.sort_by_key(|v| v.width);
        copies
            .iter()
            .find(|v| v.width >= needed)
            .or(copies.last())
            .map_or(&self.src, |v| &v.src)
    }

    /// Bytes of the copy [`Self::pick`] chooses, when a variant: for size estimates.
    pub fn picked_bytes(&self, css_px: f64, dpr: f64, formats: &[&str]) -> Option<u64> {
        let src = self.pick(css_px, dpr, formats);
        self.variants.iter().find(|v| v.src == src).map(|v| v.bytes)
    }
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
    /// Pinned by its author to the top of the home page (`pinned: true`; WordPress's sticky
    /// posts), where its card says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Protected by a password: its body, summary and comments are sealed in its own file
    /// ([`Post::sealed`]); its card shows its title, date and tags, and says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
    /// Left out of every list by its author (`unlisted: true`): the home list, tags, categories,
    /// authors, the archive, feeds, the sitemap, search, other posts' links; found by its
    /// address alone. Not a secret: its summary is in the file of every post.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
    /// WordPress's post format (`aside`, `quote`, `link`, …, one of [`POST_FORMATS`]): its card
    /// says so and is drawn to match. None for a standard post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The slug of the post this one translates (`translation_of`): the posts so joined link to
    /// each other ("Read this in …", [`super::PostNav::translations`]). The builder's: the app
    /// reads the links, not this (nor has the code to read it).
    #[cfg_attr(target_arch = "wasm32", serde(skip))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
}

/// The post formats WordPress themes draw apart from standard posts, and what a card calls each.
pub const POST_FORMATS: [(&str, Text); 9] = [
    ("aside", S::format_aside),
    ("audio", S::format_audio),
    ("chat", S::format_chat),
    ("gallery", S::format_gallery),
    ("image", S::format_image),
    ("link", S::format_link),
    ("quote", S::format_quote),
    ("status", S::format_status),
    ("video", S::format_video),
];

/// What a card calls the post format `format` (a text of the interface); none for an unknown one.
pub fn format_label(format: &str) -> Option<Text> {
    POST_FORMATS
        .iter()
        .find(|(name, _)| *name == format)
        .map(|(_, label)| *label)
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
            pinned: false,
            protected: false,
            unlisted: false,
            format: None,
            translation_of: None,
        }
    }
}

/// `data/posts/{slug}.{hash}.json`: one post, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    #[serde(flatten)]
    pub summary: PostSummary,
    /// The body as the builder rendered it ([`crate::markdown::render`], for the site's base
    /// path): the app draws it as it comes, with no Markdown parser of its own.
    pub html: SafeHtml,
    /// The headings of [`Post::html`], for a table of contents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub toc: Vec<Heading>,
    /// The body's visible text, without markup, as the builder read it once: the builder's own
    /// (the search index reads it), never written into the post's file. Every post holds it
    /// until the index is made, so it is kept without spare capacity.
    #[serde(skip)]
    pub text: String,
    /// Images of the body, by the URL written in the Markdown.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageRef>,
    /// Front matter fields Fieldnotes does not know, kept for themes and tools.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// A protected post's body, summary and comments, encrypted ([`super::sealed`]); its `html`,
    /// `toc`, `images` and summary are then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<super::Sealed>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> ImageRef {
        let variant = |width: u32, format: &str| Variant {
            src: format!("media/boat.{width}.h.{format}"),
            width,
            format: format.to_string(),
            bytes: u64::from(width) * if format == "webp" { 50 } else { 80 },
        };
        ImageRef {
            src: "media/boat.1200.h.jpeg".into(),
            width: Some(1200),
            height: Some(800),
            variants: vec![
                variant(480, "jpeg"),
                variant(800, "jpeg"),
                variant(1200, "jpeg"),
                variant(1200, "webp"),
                variant(480, "webp"),
                variant(800, "webp"),
            ],
            placeholder: None,
        }
    }

    #[test]
    fn a_photo_offers_each_format_by_width_and_picks_as_a_browser_would() {
        let image = photo();
        assert_eq!(image.formats(), ["webp", "jpeg"]);
        assert_eq!(
            image.srcset("webp", "/data/"),
            "/data/media/boat.480.h.webp 480w, /data/media/boat.800.h.webp 800w, /data/media/boat.1200.h.webp 1200w"
        );
        // A phone 375 px wide at 2 device pixels per px needs 750: the 800 copy.
        assert_eq!(
            image.pick(375.0, 2.0, &["webp", "jpeg"]),
            "media/boat.800.h.webp"
        );
        assert_eq!(
            image.pick(375.0, 1.0, &["webp", "jpeg"]),
            "media/boat.480.h.webp"
        );
        assert_eq!(
            image.pick(640.0, 3.0, &["jpeg"]),
            "media/boat.1200.h.jpeg",
            "the widest"
        );
        assert_eq!(image.picked_bytes(375.0, 2.0, &["webp"]), Some(40_000));
        let plain = ImageRef {
            src: "media/map.h.svg".into(),
            ..ImageRef::default()
        };
        assert_eq!(plain.pick(375.0, 2.0, &["webp"]), "media/map.h.svg");
        assert!(plain.formats().is_empty());
        // Old files (no variants, no placeholder) read as before.
        let old: ImageRef =
            serde_json::from_str(r#"{"src":"media/a.h.png","width":4,"height":3}"#).unwrap();
        assert!(old.variants.is_empty() && old.placeholder.is_none());
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
                comments: 0,
                pinned: false,
                protected: false,
                unlisted: false,
                format: None,
                translation_of: None,
            },
            html: Default::default(),
            toc: vec![],
            text: "hi".into(),
            images: BTreeMap::new(),
            extra: Default::default(),
            sealed: None,
        };
        let json = serde_json::to_value(&post).unwrap();
        assert_eq!(json["slug"], "a");
        assert!(json.get("text").is_none(), "the text stays in the builder");
        assert!(json.get("updated").is_none());
        let back: Post = serde_json::from_value(json).unwrap();
        assert_eq!(
            back,
            Post {
                text: String::new(),
                ..post
            }
        );
    }
}
