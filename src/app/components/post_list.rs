//! A list of post cards, and the links between pages of a long list.

use super::{OfflineMark, PostMeta};
use crate::app::address::href;
use crate::app::data::{prefetch_post, SiteResource};
use crate::app::words::{self, t};
use crate::model::strings::S;
use crate::model::{comments_label, format_label, PostSummary};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

/// Cards for `posts`: title, meta line, summary, number of comments; with `pins` (the home list),
/// a pinned post's card says so first.
#[component]
pub fn PostList(posts: Vec<PostSummary>, #[prop(optional)] pins: bool) -> impl IntoView {
    let site = expect_context::<SiteResource>();
    let cards = posts
        .into_iter()
        .map(|post| {
            let link = href(&Route::Post(&post.slug));
            let (lang, title, summary) =
                (post.lang.clone(), post.title.clone(), post.summary.clone());
            // Fetch the post and its links while the reader points at it or tabs to it.
            let (slug, file) = (post.slug.clone(), post.file.clone());
            let (on_point, on_focus) = (
                (slug.clone(), file.clone()),
                (slug, file),
            );
            let mark = post.clone();
            let pinned = (pins && post.pinned).then(|| view! { <p class="pinned">{t(S::pinned)}</p> });
            let label = post.format.as_deref().and_then(format_label);
            let format = label.map(|label| view! { <p class="format">{t(label)}</p> });
            let class = match &post.format {
                Some(f) => format!("post-card format-{f}"),
                None => "post-card".to_string(),
            };
            let count = (post.comments > 0).then(|| {
                view! { <p class="comment-count">{comments_label(words::s(), post.comments)}</p> }
            });
            view! {
                <li
                    class=class
                    dir=crate::model::text_direction(&lang)
                    lang=lang
                    on:mouseenter=move |_| prefetch_post(site, on_point.0.clone(), on_point.1.clone())
                    on:focusin=move |_| prefetch_post(site, on_focus.0.clone(), on_focus.1.clone())
                >
                    {pinned}
                    {format}
                    <h2><A href=link>{title}</A></h2>
                    <PostMeta post=post/>
                    <p class="summary">{summary}</p>
                    {count}
                    <OfflineMark post=mark/>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="post-list">{cards}</ul> }
}

/// "Page 2 of 5", in the site's words and digits.
fn page_of(page: usize, pages: usize) -> String {
    let s = words::s();
    let (n, of) = (s.number(page as u64), s.number(pages as u64));
    s.fill(S::page_of, &[("page", &n), ("pages", &of)])
}

/// "Newer posts · Page 2 of 5 · Older posts" under a paginated list whose page `n` is at the
/// address `link(n)`.
#[component]
pub fn Pagination(
    page: usize,
    pages: usize,
    link: std::sync::Arc<dyn Fn(usize) -> String + Send + Sync>,
) -> impl IntoView {
    // The arrows before and after are the stylesheet's: they point the way the page runs.
    let newer = (page > 1)
        .then(|| view! { <A href={link(page - 1)} attr:rel="prev">{t(S::newer_posts)}</A> });
    let older = (page < pages)
        .then(|| view! { <A href={link(page + 1)} attr:rel="next">{t(S::older_posts)}</A> });
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t(S::pages_nav)>
                {newer}
                <span>{page_of(page, pages)}</span>
                {older}
            </nav>
        }
    })
}
