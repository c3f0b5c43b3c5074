//! `/offline`: what this browser can show without the network, and saving the rest.

use crate::app::components::{with_site, PostList, Ready, SaveForOffline};
use crate::app::head::set_head;
use crate::app::offline::{self, human_bytes, Offline};
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
        let all = data.posts.clone();
        let total = all.len();
        let search = data
            .manifest
            .search_file
            .clone()
            .map(|entry| (entry, data.manifest.search_bytes));
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
        view! {
            <div class="page offline">
                <h1 class="page-title">"Reading offline"</h1>
                <p>
                    "Posts you open are kept in this browser, so you can read them again without a connection. "
                    "Save them all to read anything, and search, while offline."
                </p>
                <p class="offline-summary">
                    {move || format!("{} of {total} posts are available offline.", count())}
                    {move || used.get().map(|u| format!(" This site uses {} of this browser's storage.", human_bytes(u)))}
                </p>
                <SaveForOffline posts=all.clone() what="all posts".to_string() search=search.clone()/>
                <Show when=move || offline.saved.with(|s| !s.is_empty())>
                    <button type="button" class="remove-saved" on:click=forget>"Remove saved posts"</button>
                </Show>
                <h2>"Available offline"</h2>
                {move || {
                    let posts = available();
                    if posts.is_empty() {
                        view! { <p>"Nothing yet: open a post, or save them all above."</p> }.into_any()
                    } else {
                        view! { <PostList posts/> }.into_any()
                    }
                }}
            </div>
            <Ready/>
        }
    })
}
