//! The one place where HTML is put into the page, and it only takes the safe renderer's output.

use crate::markdown::Rendered;
use leptos::prelude::*;

/// A post body as [`crate::markdown::render`] made it (raw HTML inert, unsafe URLs gone): the
/// only type it accepts. Its HTML is a [`crate::markdown::SafeHtml`], which no other code can make.
#[component]
pub fn Article(rendered: Rendered) -> impl IntoView {
    view! { <div class="prose" inner_html=rendered.html.into_string()></div> }
}
