//! The view for any address that is not a page of the site, unless it is an old address of a
//! post (an alias from its front matter): then the reader is sent on to the post.

use crate::app::address::{base_path, href, in_app};
use crate::app::components::{with_site, Loading, Ready};
use crate::app::head::set_head;
use crate::listing::by_alias;
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

#[component]
pub fn NotFound() -> impl IntoView {
    let navigate = use_navigate();
    // The router's address: during an in-app navigation the browser's may not have changed yet.
    let location = use_location();
    with_site(move |data| {
        let path = location.pathname.get_untracked();
        let base = base_path();
        let below_base = path.strip_prefix(base.as_str()).unwrap_or(&path);
        if let Some(post) = by_alias(&data.posts, below_base) {
            // Replace, so Back does not return to the old address and bounce here again.
            let to = in_app(&Route::Post(post).path());
            let navigate = navigate.clone();
            request_animation_frame(move || {
                navigate(
                    &to,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                )
            });
            return view! { <Loading/> }.into_any();
        }
        set_head(
            &Route::NotFound.head(&data.manifest.site),
            &data.manifest.site,
        );
        view! {
            <div class="page not-found">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
                <p><A href={href(&Route::Home { page: 1 })}>"See all posts"</A></p>
            </div>
            <Ready/>
        }
        .into_any()
    })
}
