//! Split points: the parts of the app cut out of the reading core into chunks of their own, so a
//! feature's weight falls on the readers who use it.
//!
//! Each function below marked `wasm_split` is where a chunk begins: what it calls, and nothing
//! the core also calls, is moved by `fieldnotes split` (`builder::split`) into a WASM file of its
//! own under `pieces/app-<hash>/`, loaded the first time the function is called. Calling one
//! returns a future: the chunk is fetched (once; a failed fetch is tried again on the next call),
//! then the function runs. [`Lazy`] draws such a function's view once it is there (until then, a page
//! loaded from its address still shows the build's copy of it; otherwise the place stays empty) and a
//! way to try again when it cannot be loaded.
//!
//! | chunk | what it holds | when it loads |
//! |---|---|---|
//! | `search` | the search page: the engine, its index reader, results, filters | `/search` is opened (typing in the header's box opens it) |
//! | `comments` | the comment thread, the form, the outbox | the post's end comes near the screen, the address names a comment, or the chunks were fetched ahead |
//! | `offline` | the "Reading offline" page: saved posts, storage | `/offline` is opened |
//! | `saving` | storing posts (and the search index) for offline reading | a "Save … for offline" button is pressed |
//! | `protected` | a protected post's password form, the key derived and the post opened by WebCrypto | a protected post is opened |
//!
//! On a fast connection whose reader has not asked to save data, every chunk is fetched ahead once
//! the first page is drawn ([`prefetch_on_idle`]).
//!
//! A chunk's view is created under the owner of the [`Lazy`] that asked for it, so it is part of
//! the page (context, cleanup) as if it had been drawn in place.
//!
//! The `wasm_split` macro writes the `extern` declarations and the loader's static that tie a
//! function to its chunk: the only `unsafe` code of the project, allowed in this module alone.
#![allow(unsafe_code)]

use crate::app::components::Published;
use crate::app::data::SiteData;
use crate::app::words::t;
use crate::model::strings::{Text, S};
use crate::model::Sealed;
use leptos::prelude::*;
#[cfg(feature = "split")]
use leptos::wasm_split::wasm_split;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A split point: with the `split` feature, a function whose body (and what only it calls) goes
/// into the chunk `$chunk`, with `$preload` fetching that chunk; without it (the pieces' own
/// builds, which leave the app out), the same function, unsplit. Called, it gives a future of the
/// body's `Result<$ret, SplitLoaderError>`.
macro_rules! split_point {
    ($chunk:ident, $preload:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg(feature = "split")]
        #[wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split, preload($preload))]
        fn $name($($arg: $ty),*) -> Result<$ret, SplitLoaderError> $body

        #[cfg(not(feature = "split"))]
        async fn $name($($arg: $ty),*) -> Result<$ret, SplitLoaderError> $body

        #[cfg(not(feature = "split"))]
        #[allow(dead_code)]
        async fn $preload() -> Result<(), SplitLoaderError> {
            Ok(())
        }
    };
}

split_point!(
    search,
    preload_search,
    fn search_page(owner: Owner) -> AnyView {
        Ok(owner.with(|| view! { <super::pages::SearchPage/> }.into_any()))
    }
);

split_point!(
    offline,
    preload_offline,
    fn offline_page(owner: Owner) -> AnyView {
        Ok(owner.with(|| view! { <super::pages::OfflinePage/> }.into_any()))
    }
);

split_point!(
    comments,
    preload_comments,
    fn comment_section(
        owner: Owner,
        site: Arc<SiteData>,
        slug: String,
        published: Published,
    ) -> AnyView {
        Ok(owner
            .with(|| view! { <super::components::CommentSection site slug published/> }.into_any()))
    }
);

split_point!(
    protected,
    preload_protected,
    fn protected_post(
        owner: Owner,
        site: Arc<SiteData>,
        slug: String,
        sealed: Sealed,
        shown: (Vec<String>, bool),
    ) -> AnyView {
        let (highlight, page) = shown;
        Ok(owner.with(|| {
            view! { <super::components::ProtectedPost site slug sealed highlight page/> }.into_any()
        }))
    }
);

split_point!(
    saving,
    preload_saving,
    fn saving(job: super::components::SaveJob) -> Pin<Box<dyn Future<Output = ()>>> {
        Ok(Box::pin(super::components::save(job)))
    }
);

/// Saves posts for offline reading (the "Save … for offline" buttons): the work is in the `saving`
/// chunk. Fails when the chunk cannot be had.
pub async fn save_for_offline(job: super::components::SaveJob) -> Result<(), SplitLoaderError> {
    saving(job).await?.await;
    Ok(())
}

/// A split point, started: the future of its view.
type Loading = Pin<Box<dyn Future<Output = Drawn>>>;

/// `/search`.
#[component]
pub fn LazySearch() -> impl IntoView {
    view! { <Lazy what=S::piece_search load=Arc::new(|owner| Box::pin(search_page(owner)) as Loading)/> }
}

/// `/offline`.
#[component]
pub fn LazyOffline() -> impl IntoView {
    view! { <Lazy what=S::piece_page load=Arc::new(|owner| Box::pin(offline_page(owner)) as Loading)/> }
}

/// A protected post's or page's (`page`) password form, then its text (its comments with it).
/// One body for both callers, not one copy each.
#[inline(never)]
pub fn protected(
    site: Arc<SiteData>,
    slug: String,
    sealed: Sealed,
    (highlight, page): (Vec<String>, bool),
) -> AnyView {
    let load = Arc::new(move |owner| {
        let (site, slug, sealed) = (site.clone(), slug.clone(), sealed.clone());
        let shown = (highlight.clone(), page);
        Box::pin(protected_post(owner, site, slug, sealed, shown)) as Loading
    });
    view! { <Lazy what=S::piece_password load/> }.into_any()
}

/// The comments of a post or page, and the form, from wherever its published thread is.
pub fn comments(site: Arc<SiteData>, slug: String, published: Published) -> impl IntoView {
    let load = Arc::new(move |owner| {
        Box::pin(comment_section(
            owner,
            site.clone(),
            slug.clone(),
            published.clone(),
        )) as Loading
    });
    view! { <Lazy what=S::piece_comments load when_seen=!names_a_comment()/> }
}

/// The address points into the comments (`#comments`, `#comment-…`, `#mine-…`): the reader came
/// for them, so they load at once rather than when scrolled near.
fn names_a_comment() -> bool {
    let hash = window().location().hash().unwrap_or_default();
    hash.starts_with("#comment") || hash.starts_with("#mine-")
}

/// A split point that draws a view, started: the future of its view.
type Drawn = Result<AnyView, SplitLoaderError>;

/// Draws what `load` draws once its chunk is there: nothing before (the page around it is already
/// on screen), and when the chunk cannot be loaded (offline before a first visit stored it, a
/// host that lost the file), the note `what` (that it could not be loaded) with a button that
/// tries again. With `when_seen`, it starts when its place comes near the screen rather than at
/// once.
#[component]
fn Lazy(
    what: Text,
    load: Arc<dyn Fn(Owner) -> Loading + Send + Sync>,
    #[prop(optional)] when_seen: bool,
) -> impl IntoView {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Loading,
        Ready,
        Failed,
    }
    let state = RwSignal::new(State::Loading);
    let drawn = StoredValue::new_local(None::<AnyView>);
    let owner = Owner::current().unwrap_or_default();
    let start = move || {
        let (load, owner) = (load.clone(), owner.clone());
        if state.get_untracked() != State::Loading {
            state.set(State::Loading);
        }
        leptos::task::spawn_local(async move {
            let done = load(owner).await;
            let next = match done {
                Ok(view) => {
                    drawn.try_set_value(Some(view));
                    State::Ready
                }
                Err(_) => State::Failed,
            };
            state.try_set(next);
        });
    };
    let slot = NodeRef::<leptos::html::Div>::new();
    if when_seen {
        // Started once, whichever comes first: its place comes near the screen, or the chunk is
        // already here (fetched ahead on a fast connection, so drawing it costs no download).
        let started = StoredValue::new(false);
        let start = start.clone();
        let once = move || {
            if !started.get_value() {
                started.set_value(true);
                start();
            }
        };
        let watched = StoredValue::new(false);
        let on_seen = once.clone();
        Effect::new(move |_| {
            if watched.get_value() {
                return;
            }
            if let Some(element) = slot.get() {
                watched.set_value(true);
                crate::app::pieces::when_seen(&element, on_seen.clone());
            }
        });
        let prefetched = PREFETCHED.with(Clone::clone);
        Effect::new(move |_| {
            if prefetched.get() {
                once();
            }
        });
    } else {
        start();
    }
    move || match state.get() {
        State::Loading => view! { <div class="lazy-slot" node_ref=slot></div> }.into_any(),
        State::Ready => drawn.try_update_value(Option::take).flatten().into_any(),
        State::Failed => {
            let start = start.clone();
            view! {
                <p class="piece-failed" role="alert">
                    {t(what)}" "
                    <button type="button" on:click=move |_| start()>{t(S::try_again)}</button>
                </p>
                // A page that is only this note is drawn all the same.
                <crate::app::components::Ready/>
            }
            .into_any()
        }
    }
}

/// Starts fetching the search chunk without running it: a reader has focused the search box, and
/// the first keystroke opens the search page.
pub fn warm_search_chunk() {
    leptos::task::spawn_local(async {
        let _ = preload_search().await;
    });
}

thread_local! {
    /// The chunks were fetched ahead: what waits to be seen can be drawn now.
    static PREFETCHED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Fetches every chunk a reader may want next, without running it: called once the first page is
/// drawn, a moment later, on a fast connection whose reader has not asked to save data (then a
/// chunk is fetched when it is used).
pub fn prefetch_on_idle() {
    if crate::app::pieces::saves_data() || !crate::app::pieces::fast_connection() {
        return;
    }
    let run = || {
        leptos::task::spawn_local(async {
            let comments = preload_comments().await;
            let _ = preload_search().await;
            let _ = preload_offline().await;
            let _ = preload_saving().await;
            let _ = preload_protected().await;
            if comments.is_ok() {
                PREFETCHED.with(|done| done.set(true));
            }
        })
    };
    set_timeout(run, std::time::Duration::from_millis(1500));
}
