//! Under a post: its readers' comments, threaded as the builder ordered them, fetched once the
//! post is drawn so they never hold it up. The same markup as the route pages' copy
//! (`builder::views::comment_section`), so a reader without JavaScript reads the same thread.
//!
//! When the site takes comments (`[comments] endpoint`), the section also holds the form
//! ([`super::comment_form`]), a Reply button under each comment, and the reader's own comments
//! that are not published yet, each where it will appear and marked with where it stands.

use super::comment_form::{CommentForm, ReplyTo};
use super::{Article, CommentBody};
use crate::app::data::{comments_file, is_comments_of, load_comments, SiteData};
use crate::app::net::LoadError;
use crate::app::pages::{any_resource, value};
use crate::app::words::{self, t};
use crate::app::{offline, outbox};
use crate::model::outgoing::{attach_under, published_ids, Outgoing, State};
use crate::model::strings::S;
use crate::model::{comments_label, Comment, CommentThread, Manifest, COMMENT_REL};
use leptos::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

/// Where the published comments of a post or page come from.
#[derive(Clone, Debug)]
pub enum Published {
    /// A post's: the file its slug shard names.
    OfPost,
    /// A standalone page's: the file its page names (none: it has no comments yet).
    File(Option<String>),
    /// A protected post's, opened with it (none: it has none).
    Known(Option<CommentThread>),
}

/// "N comments" and the thread, for the post or page `slug`. Without a comment form: nothing while
/// they load, when it has none, or when they cannot be fetched (the post itself stays readable).
#[component]
pub fn CommentSection(site: Arc<SiteData>, slug: String, published: Published) -> impl IntoView {
    let endpoint = site.manifest.site.comments_endpoint.clone();
    let thread = {
        let slug = slug.clone();
        any_resource(move || {
            let (manifest, slug, source) = (site.manifest.clone(), slug.clone(), published.clone());
            async move {
                match source {
                    Published::OfPost => find_comments(&manifest, &slug).await,
                    Published::File(Some(file)) => load_comments(&file).await.map(Some),
                    Published::File(None) => Ok(None),
                    Published::Known(thread) => Ok(thread.map(Arc::new)),
                }
            }
        })
    };
    let published = move || match value::<Option<Arc<CommentThread>>>(&thread) {
        Some(Ok(found)) => Some(found.as_ref().clone()),
        _ => None,
    };
    let Some(endpoint) = endpoint else {
        return (move || {
            published().flatten().map(|thread| {
                let heading = comments_label(words::s(), thread.count);
                let list = comment_list(&thread.comments, "comment-list", &Thread::default());
                view! {
                    <section class="comments" id="comments" aria-labelledby="comments-heading">
                        <h2 id="comments-heading">{heading}</h2>
                        {list}
                    </section>
                }
            })
        })
        .into_any();
    };
    outbox::start();
    let reply_to = RwSignal::new(None::<ReplyTo>);
    // Once the published thread is known: the reader's comments it now holds, or that the author
    // rejected, are settled.
    let settled = {
        let slug = slug.clone();
        move || {
            if let Some(found) = published() {
                let ids = found
                    .map(|t| published_ids(&t.comments))
                    .unwrap_or_default();
                let slug = slug.clone();
                leptos::task::spawn_local(async move { outbox::settle_post(&slug, ids).await });
            }
        }
    };
    Effect::new(settled);
    let post = slug.clone();
    let heading = move || match published().flatten() {
        Some(thread) if thread.count > 0 => comments_label(words::s(), thread.count),
        _ => t(S::comments).to_string(),
    };
    let list = move || {
        let comments = published()
            .flatten()
            .map(|t| t.comments.clone())
            .unwrap_or_default();
        let mut on_page = published_ids(&comments);
        // A comment of the reader's that the thread now holds shows once, as published (its
        // copy in the browser is dropped as the thread settles).
        let mine: Vec<Outgoing> = outbox::mine().with(|all| {
            all.iter()
                .filter(|c| c.post == post)
                .filter(|c| !c.id.as_ref().is_some_and(|id| on_page.contains(id)))
                .cloned()
                .collect()
        });
        on_page.extend(mine.iter().filter_map(|c| c.id.clone()));
        let context = Thread {
            mine,
            on_page,
            reply_to: Some(reply_to),
        };
        let tail = mine_under(&context, None);
        (!comments.is_empty() || !tail.is_empty()).then(|| {
            let list =
                (!comments.is_empty()).then(|| comment_list(&comments, "comment-list", &context));
            let tail = (!tail.is_empty())
                .then(|| view! { <ol class="comment-list comment-list-mine">{tail}</ol> });
            view! { {list} {tail} }
        })
    };
    view! {
        <section class="comments" id="comments" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{heading}</h2>
            {list}
            <CommentForm endpoint post=slug reply_to/>
        </section>
    }
    .into_any()
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

/// What a thread is drawn with besides its published comments: the reader's own, and the form's
/// reply target (none when the site takes no comments).
#[derive(Default)]
struct Thread {
    mine: Vec<Outgoing>,
    /// Ids of the comments on the page: published, and the reader's that the server has.
    on_page: HashSet<String>,
    reply_to: Option<RwSignal<Option<ReplyTo>>>,
}

/// One level of a thread: each comment, then the list of its replies (the reader's own last).
fn comment_list(comments: &[Comment], class: &'static str, thread: &Thread) -> AnyView {
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
            let mine = mine_under(thread, Some(&comment.id));
            let replies = (!comment.replies.is_empty() || !mine.is_empty()).then(|| {
                let published = (!comment.replies.is_empty())
                    .then(|| comment_list(&comment.replies, "comment-replies", thread));
                let mine =
                    (!mine.is_empty()).then(|| view! { <ol class="comment-replies">{mine}</ol> });
                view! { {published} {mine} }
            });
            let (date, day) = (comment.date.clone(), words::s().date(comment.day()));
            let html = comment.html.clone();
            let reply = thread
                .reply_to
                .map(|target| reply_button(target, &comment.id, &comment.author));
            view! {
                <li id=comment.anchor()>
                    <article class="comment">
                        <header class="comment-meta">
                            {author}" "<time datetime=date>{day}</time>
                        </header>
                        <Article html/>
                        {reply}
                    </article>
                    {replies}
                </li>
            }
        })
        .collect_view();
    view! { <ol class=class>{items}</ol> }.into_any()
}

/// "Reply": the form answers this comment, and the focus goes to its text.
fn reply_button(target: RwSignal<Option<ReplyTo>>, id: &str, author: &str) -> impl IntoView {
    let to = ReplyTo {
        id: id.to_string(),
        author: author.to_string(),
    };
    let label = words::s().fill(S::reply_to, &[("name", author)]);
    view! {
        <button type="button" class="comment-reply" aria-label=label
            on:click=move |_| {
                target.set(Some(to.clone()));
                super::comment_form::focus_text();
            }>
            {t(S::reply)}
        </button>
    }
}

/// The reader's own comments that answer `parent` (the thread itself when none), each with its
/// own replies under it.
fn mine_under(thread: &Thread, parent: Option<&str>) -> Vec<AnyView> {
    thread
        .mine
        .iter()
        .filter(|c| attach_under(c, &thread.on_page).as_deref() == parent)
        .map(|comment| {
            let body = comment.body.clone();
            let nested = comment
                .id
                .as_deref()
                .map(|id| mine_under(thread, Some(id)))
                .unwrap_or_default();
            let replies =
                (!nested.is_empty()).then(|| view! { <ol class="comment-replies">{nested}</ol> });
            let state = comment.state;
            let label = comment.state_label(words::s());
            let dismiss = (state == State::Refused).then(|| {
                let key = comment.client_key.clone();
                view! {
                    <button type="button" class="comment-dismiss" on:click=move |_| {
                        let key = key.clone();
                        leptos::task::spawn_local(async move { outbox::forget(&key).await });
                    }>{t(S::dismiss)}</button>
                }
            });
            let day = words::s().date(comment.written.get(..10).unwrap_or_default());
            let date = comment.written.clone();
            let anchor = format!("mine-{}", comment.client_key);
            let class = format!("comment comment-mine comment-{}", state_class(state));
            view! {
                <li id=anchor>
                    <article class=class>
                        <header class="comment-meta">
                            <span class="comment-author">{comment.author.clone()}</span>" "
                            <time datetime=date>{day}</time>
                        </header>
                        <p class="comment-state">{label}" "{dismiss}</p>
                        <CommentBody markdown=body/>
                    </article>
                    {replies}
                </li>
            }
            .into_any()
        })
        .collect()
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Queued => "queued",
        State::Pending => "pending",
        State::Approved => "approved",
        State::Refused => "refused",
    }
}
