//! A reader's own comment, drawn by the Markdown piece ([`crate::app::pieces`]): a preview in the
//! comment form, or a comment waiting for the author under the post. Its plain text shows at once
//! and stays if the piece cannot be loaded, with a note and a way to try again.

use super::Article;
use crate::app::net::LoadError;
use crate::app::pages::{any_resource, value};
use crate::app::pieces;
use crate::app::words::t;
use crate::markdown::SafeHtml;
use crate::model::strings::S;
use leptos::prelude::*;

#[component]
pub fn CommentBody(markdown: String) -> AnyView {
    if let Some(Ok(html)) = pieces::render_comment_now(&markdown) {
        return view! { <Article html/> }.into_any();
    }
    let rendered = {
        let markdown = markdown.clone();
        any_resource(move || {
            let markdown = markdown.clone();
            async move {
                pieces::render_comment(&markdown)
                    .await
                    .map_err(LoadError::Network)
            }
        })
    };
    let plain = move || {
        let text = markdown.clone();
        view! { <div class="prose comment-plain"><p>{text}</p></div> }
    };
    (move || match value::<SafeHtml>(&rendered) {
        Some(Ok(html)) => view! { <Article html=SafeHtml::clone(&html)/> }.into_any(),
        None => plain().into_any(),
        Some(Err(_)) => view! {
            {plain()}
            <p class="piece-failed" role="status">
                {t(S::comment_format_failed)}" "
                <button type="button" on:click=move |_| rendered.refetch()>{t(S::try_again)}</button>
            </p>
        }
        .into_any(),
    })
    .into_any()
}
