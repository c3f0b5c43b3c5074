//! What the reader sees of offline reading: the header's offline mark and new-version prompt,
//! the "available offline" mark, the message for a post that is not stored, and the buttons
//! that save posts.

use super::Ready;
use crate::app::address::href;
use crate::app::net::LoadError;
use crate::app::offline::{self, human_bytes, Offline, Progress};
use crate::app::words::{self, t};
use crate::model::strings::S;
use crate::model::PostSummary;
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

/// In the header: "Offline" while the site cannot be reached, and the prompt to load a new build.
/// Both sit in live regions that exist from the start, so screen readers announce the change.
#[component]
pub fn OfflineStatus() -> impl IntoView {
    let offline = expect_context::<Offline>();
    view! {
        <p class="network-status" role="status">
            <Show when=move || !offline.online.get()>
                <A href={href(&Route::Offline)} attr:class="offline-badge" attr:title=t(S::offline_title)>
                    // The browser online and the site not answering: the host is in trouble,
                    // and the worker shows the copies it saved.
                    {if window().navigator().on_line() { t(S::site_trouble) } else { t(S::offline) }}
                </A>
            </Show>
        </p>
        <div class="update-prompt" role="status">
            <Show when=move || offline.update_ready.get()>
                <p>
                    {t(S::new_version)}" "
                    <button type="button" on:click=|_| offline::reload_to_update()>{t(S::reload)}</button>
                </p>
            </Show>
        </div>
    }
}

/// Beside a post in a list: whether it can be read offline.
#[component]
pub fn OfflineMark(post: PostSummary) -> impl IntoView {
    let offline = expect_context::<Offline>();
    move || {
        if offline.has_post(&post) {
            Some(view! { <span class="offline-mark">{t(S::available_offline)}</span> }.into_any())
        } else if !offline.online.get() {
            Some(view! { <span class="offline-mark missing">{t(S::not_saved)}</span> }.into_any())
        } else {
            None
        }
    }
}

/// Shown instead of a post that could not be fetched while offline.
#[component]
pub fn NotStored(retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="load-failed not-stored" role="alert">
            <h1>{t(S::post_not_saved)}</h1>
            <p>
                {t(S::offline_post_text)}" "
                <A href={href(&Route::Offline)}>{t(S::see_offline)}</A>
            </p>
            <button type="button" on:click=move |_| retry()>{t(S::try_again)}</button>
            <Ready/>
        </div>
    }
}

/// The posts a save button stores, fetched when the reader presses it (a whole tag's pages).
pub type PostsFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<PostSummary>, LoadError>>>>;

/// A button that stores `count` posts (`bytes` in all), which `posts` fetches when pressed (and,
/// with `search`, the search index) for offline reading, telling the size before and the space
/// used after.
#[component]
pub fn SaveForOffline(
    count: usize,
    bytes: u64,
    posts: std::sync::Arc<dyn Fn() -> PostsFuture + Send + Sync>,
    /// What is saved, for the button: "all posts", "this tag".
    what: String,
    /// The search index entry and its size, when searching offline is part of it.
    search: Option<(String, u64)>,
    /// The posts, when they are known already: the button then says whether all are saved.
    known: Option<Vec<PostSummary>>,
) -> impl IntoView {
    let offline = expect_context::<Offline>();
    let estimate: u64 = bytes + search.as_ref().map_or(0, |(_, b)| *b);
    let (progress, set_progress) = signal(None::<Progress>);
    let (message, set_message) = signal(String::new());
    let busy = move || progress.get().is_some();
    // The posts, once known: given, or fetched by the last save.
    let known = RwSignal::new(known);
    let all_saved = move || {
        known.with(|posts| {
            posts
                .as_ref()
                .is_some_and(|posts| posts.iter().all(|p| offline.has_saved(p)))
        })
    };
    let site = expect_context::<crate::app::data::SiteResource>();
    let save = move |_| {
        let search = search.clone();
        let manifest = site
            .get_untracked()
            .and_then(Result::ok)
            .map(|site| site.manifest.clone());
        let job = SaveJob {
            posts: posts(),
            entry: search.map(|(entry, _)| entry),
            manifest,
            count,
            known,
            progress: set_progress,
            message: set_message,
        };
        leptos::task::spawn_local(async move {
            set_message.set(String::new());
            // The saving itself is a chunk of the app, fetched on the first save.
            if crate::app::split::save_for_offline(job).await.is_err() {
                set_progress.set(None);
                set_message.set(t(S::saving_not_started).to_string());
            }
        });
    };
    let label = move || {
        let s = words::s();
        let n = s.number(count as u64);
        if all_saved() {
            s.fill(S::saved_what, &[("what", &what), ("n", &n)])
        } else {
            let size = human_bytes(estimate);
            s.fill(
                S::save_offline,
                &[("what", &what), ("n", &n), ("size", &size)],
            )
        }
    };
    view! {
        <div class="save-offline">
            <button type="button" on:click=save disabled=move || busy() || !offline.online.get()>
                {label}
            </button>
            <p class="save-status" role="status">
                {move || match progress.get() {
                    Some(p) => saving_progress(&p),
                    None => message.get(),
                }}
            </p>
        </div>
    }
}

/// "Saving… 3 of 12 (40 KB)".
fn saving_progress(p: &Progress) -> String {
    let s = words::s();
    let (done, total) = (s.number(p.done as u64), s.number(p.total as u64));
    let size = human_bytes(p.bytes);
    s.fill(
        S::saving_progress,
        &[("done", &done), ("total", &total), ("size", &size)],
    )
}

/// A save asked for by a [`SaveForOffline`] button: what to store, and where to report.
pub struct SaveJob {
    posts: PostsFuture,
    entry: Option<String>,
    manifest: Option<crate::model::Manifest>,
    count: usize,
    known: RwSignal<Option<Vec<PostSummary>>>,
    progress: WriteSignal<Option<Progress>>,
    message: WriteSignal<String>,
}

/// Runs a save: fetches the posts, stores them (and the search index), then reports what was
/// stored and the storage the site uses. Called from the `saving` chunk.
pub async fn save(job: SaveJob) {
    let SaveJob {
        posts,
        entry,
        manifest,
        count,
        known,
        progress,
        message,
    } = job;
    let result = match posts.await {
        Ok(posts) => {
            known.set(Some(posts.clone()));
            offline::save_posts(posts, entry, manifest, move |p| progress.set(Some(p))).await
        }
        Err(error) => Err(error),
    };
    progress.set(None);
    let used = offline::storage_used().await;
    message.set(match result {
        Ok(bytes) => {
            let s = words::s();
            let mut text = crate::model::strings::fill(
                &s.count(S::saved_posts, count as u64),
                &[("size", &human_bytes(bytes))],
            );
            if let Some(used) = used {
                text.push(' ');
                text.push_str(&words::s().fill(S::storage_used, &[("size", &human_bytes(used))]));
            }
            text
        }
        Err(error) => words::s().fill(S::saving_stopped, &[("why", &error.to_string())]),
    });
}
