//! Under a post: its readers' comments, threaded as the builder ordered them, fetched once the
//! post is drawn so they never hold it up. The same markup as the route pages' copy
//! (`builder::views::comment_section`), so a reader without JavaScript reads the same thread.

use super::Article;
use crate::app::address::base_path;
use crate::app::data::{comments_file, is_comments_of, load_comments, SiteData};
use crate::app::net::LoadError;
use crate::app::offline;
use crate::app::pages::{any_resource, value};
use crate::markdown::render_comment;
use crate::model::{comments_label, human_date, Comment, CommentThread, Manifest, COMMENT_REL};
use leptos::prelude::*;
use std::sync::Arc;

/// "N comments" and the thread, for the post `slug`; nothing while they load, when it has none,
/// or when they cannot be fetched (the post itself stays readable).
#[component]
pub fn CommentSection(site: Arc<SiteData>, slug: String) -> impl IntoView {
    let thread = any_resource(move || {
        let (manifest, slug) = (site.manifest.clone(), slug.clone());
        async move { find_comments(&manifest, &slug).await }
    });
    move || match value::<Option<Arc<CommentThread>>>(&thread) {
        Some(Ok(found)) => found.as_ref().as_ref().map(|thread| {
            let heading = comments_label(thread.count);
            let list = comment_list(&thread.comments, "comment-list", &base_path());
            view! {
                <section class="comments" id="comments" aria-labelledby="comments-heading">
                    <h2 id="comments-heading">{heading}</h2>
                    {list}
                </section>
            }
        }),
        _ => None,
    }
}

/// The post's comments; offline, without its slug shard, whichever comment file of it this
/// browser stored.
async fn find_comments(
    manifest: &Manifest,
    slug: &str,
) -> Result<Option<Arc<CommentThread>>, LoadError> {
    let file = match comments_file(manifest, slug).await {
        Err(LoadError::Network(why)) if offline::is_controlled() => {
            offline::stored_file(|file| is_comments_of(file, slug))
                .await
                .ok_or(LoadError::Network(why))?
        }
        found => match found? {
            Some(file) => file,
            None => return Ok(None),
        },
    };
    load_comments(&file).await.map(Some)
}

/// One level of a thread: each comment, then the list of its replies.
fn comment_list(comments: &[Comment], class: &'static str, base: &str) -> AnyView {
    let items = comments
        .iter()
        .map(|comment| {
            let name = comment.author.clone();
            let author = match &comment.website {
                Some(site) => view! {
                    <a class="comment-author" href=site.clone() rel=COMMENT_REL>{name}</a>
                }
                .into_any(),
                None => view! { <span class="comment-author">{name}</span> }.into_any(),
            };
            let replies = (!comment.replies.is_empty())
                .then(|| comment_list(&comment.replies, "comment-replies", base));
            let (date, day) = (comment.date.clone(), human_date(comment.day()));
            let rendered = render_comment(&comment.body, base);
            view! {
                <li id=comment.anchor()>
                    <article class="comment">
                        <header class="comment-meta">
                            {author}" "<time datetime=date>{day}</time>
                        </header>
                        <Article rendered/>
                    </article>
                    {replies}
                </li>
            }
        })
        .collect_view();
    view! { <ol class=class>{items}</ol> }.into_any()
}
