//! The one place where HTML is put into the page, and it only takes the safe renderer's output.

use crate::app::data::render_options;
use crate::markdown;
use leptos::prelude::*;

/// A post body, rendered from Markdown by [`markdown::render`] (raw HTML inert, unsafe URLs gone).
#[component]
pub fn Article(
    /// Untrusted Markdown.
    markdown: String,
) -> impl IntoView {
    let html = markdown::render(&markdown, &render_options()).html;
    view! { <div class="prose" inner_html=html></div> }
}
