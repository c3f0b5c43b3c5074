//! `/offline`: what this browser can show without the network, and saving the rest.

use crate::app::components::{
    with_site, LoadFailed, Loading, PostList, PostsFuture, Ready, SaveForOffline,
};
use crate::app::data::load_all_posts;
use crate::app::head::set_head;
use crate::app::offline::{self, human_bytes, Offline};
use crate::app::words::{self, t};
use crate::model::strings::S;
use crate::routes::Route;
use leptos::prelude::*;

#[component]
pub fn OfflinePage() -> impl IntoView {
    let offline = expect_context::<Offline>();
    let (used, set_used) = signal(None::<u64>);
    let forget = move |_| {
        leptos::task::spawn_local(async move {
            offline::remove_saved().await;
            set_used.set(offline::storage_used().await);
        })
    };
    leptos::task::spawn_local(async move { set_used.set(offline::storage_used().await) });
    with_site(move |data| {
        set_head(
            &Route::Offline.head(&data.manifest.site),
            &data.manifest.site,
        );
        // Every post's summary: this page, and only this one, reads the list that grows with
        // the blog, to offer saving it all.
        let manifest = data.manifest.clone();
        let all = super::any_resource(move || {
            let manifest = manifest.clone();
            async move { load_all_posts(&manifest).await }
        });
        let search = data
            .manifest
            .search_file
            .clone()
            .map(|entry| (entry, data.manifest.search_bytes));
        move || {
            let all = match super::value::<std::sync::Arc<crate::model::AllPosts>>(&all) {
                None => return view! { <Loading/> }.into_any(),
                Some(Err(error)) => {
                    return view! { <LoadFailed error retry=move || all.refetch()/> }.into_any()
                }
                Some(Ok(all)) => all,
            };
            let all = all.posts.clone();
            let total = all.len();
            let bytes = all.iter().map(|p| p.bytes).sum();
            let available = {
                let all = all.clone();
                move || {
                    all.iter()
                        .filter(|p| offline.has_post(p))
                        .cloned()
                        .collect::<Vec<_>>()
                }
            };
            let count = {
                let available = available.clone();
                move || available().len()
            };
            let to_save = all.clone();
            let posts = std::sync::Arc::new(move || {
                let posts = to_save.clone();
                Box::pin(async move { Ok(posts) }) as PostsFuture
            });
            view! {
                <div class="page offline">
                    <h1 class="page-title">{t(S::reading_offline)}</h1>
                    <p>{t(S::offline_intro)}</p>
                    <p class="offline-summary">
                        {move || {
                            let s = words::s();
                            let (n, total) = (s.number(count() as u64), s.number(total as u64));
                            s.fill(S::offline_count, &[("n", &n), ("total", &total)])
                        }}
                        {move || used.get().map(|u| format!(" {}", words::s().fill(S::storage_used, &[("size", &human_bytes(u))])))}
                    </p>
                    <SaveForOffline count=total bytes posts what=t(S::all_posts).to_string() search=search.clone() known=Some(all.clone())/>
                    <Show when=move || offline.saved.with(|s| !s.is_empty())>
                        <button type="button" class="remove-saved" on:click=forget>{t(S::remove_saved)}</button>
                    </Show>
                    <h2>{t(S::available_offline)}</h2>
                    {move || {
                        let posts = available();
                        if posts.is_empty() {
                            view! { <p>{t(S::nothing_saved)}</p> }.into_any()
                        } else {
                            view! { <PostList posts/> }.into_any()
                        }
                    }}
                </div>
                <Ready/>
            }
            .into_any()
        }
    })
}
