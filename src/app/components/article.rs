//! The one place where HTML is put into the page, and it only takes the safe renderer's output.

use crate::app::data::base_path;
use crate::markdown::{self, RenderOptions};
use crate::model::ImageRef;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A post body, rendered from Markdown by [`markdown::render`] (raw HTML inert, unsafe URLs gone).
#[component]
pub fn Article(
    /// Untrusted Markdown.
    markdown: String,
    /// The builder's copies of the post's images.
    images: BTreeMap<String, ImageRef>,
) -> impl IntoView {
    let html = markdown::render(&markdown, &RenderOptions::for_site(&base_path(), images)).html;
    view! { <div class="prose" inner_html=html></div> }
}
