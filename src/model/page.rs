//! A standalone page (About, Contact): `data/pages/<slug>.<hash>.json`, at the address
//! `/<slug>/`. Written like a post, but outside the blog's stream: no date, tags or categories,
//! never in a list, a feed, the archive or search. Its comments are shown under it, as a post's.

use super::ImageRef;
use crate::markdown::SafeHtml;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `data/pages/{slug}.{hash}.json`: one page, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// URL segment: the page lives at `/{slug}/`.
    pub slug: String,
    pub title: String,
    /// Plain text, for the page's description and link previews.
    pub summary: String,
    /// BCP 47 language of the page.
    pub lang: String,
    /// Old paths of the page that must keep working, as a post's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The body as the builder rendered it ([`crate::markdown::render`]).
    pub html: SafeHtml,
    /// Images of the body, by the URL written in the Markdown.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageRef>,
    /// Its published comments' file (`comments/<slug>.<hash>.json`), when it has any: a page's
    /// comments are shown under it as a post's are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Protected by a password, as a post may be ([`super::Post::sealed`]): its text and comments
    /// are in here, and `html` only says that it is protected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<super::Sealed>,
}

/// The file name of a page whose JSON hashes to `hash`, relative to the data folder.
pub fn page_file(slug: &str, hash: &str) -> String {
    format!("pages/{slug}.{hash}.json")
}
