//! The line under a post title: date, update, reading time and tags.

use crate::app::address::href;
use crate::markdown::reading_label;
use crate::model::{human_date, PostSummary};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn PostMeta(post: PostSummary) -> impl IntoView {
    let updated = post.updated.clone().map(|u| {
        view! { " · updated " <time datetime=u.clone()>{human_date(&u)}</time> }
    });
    let date = post.date.clone().map(|d| {
        view! { <time datetime=d.clone()>{human_date(&d)}</time> " · " }
    });
    let authors = (!post.authors.is_empty()).then(|| format!("By {} · ", post.authors.join(", ")));
    let tags = (!post.tags.is_empty()).then(|| {
        view! {
            <ul class="tags" aria-label="Tags">
                {post
                    .tags
                    .iter()
                    .map(|t| {
                        let (link, label) = (href(&Route::Tag { tag: t, page: 1 }), t.clone());
                        view! { <li><A href=link attr:class="tag">{label}</A></li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <div class="post-meta">
            <p>
                {authors}
                {date}
                {reading_label(post.reading_minutes)}
                {updated}
            </p>
            {tags}
        </div>
    }
}
