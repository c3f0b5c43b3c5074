//! The view for any address that is not a page of the site. Reached by a link inside the app
//! (an old address of a post in a post's text, say), the address is asked of the host first:
//! the build wrote a small page at each old address that names the post, and the reader is sent
//! on to it without leaving the app.

use crate::app::address::{base_path, href, in_app};
use crate::app::components::{with_site, Loading, Ready};
use crate::app::head::set_head;
use crate::app::words::t;
use crate::model::strings::S;
use crate::routes::Route;
use gloo_net::http::Request;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

thread_local! {
    /// The address the app was started at: the host has answered that one already.
    static STARTED_AT: String = window().location().pathname().unwrap_or_default();
}

/// Notes the address the app starts at; call once, before the router runs.
pub fn note_start() {
    STARTED_AT.with(|_| {});
}

/// Where the host's page at `path` sends readers on to (`<meta http-equiv="refresh">` of an
/// old address's page), as a path below the base path; `None` for any other answer.
async fn moved_to(path: &str) -> Option<String> {
    let response = Request::get(path).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let html = response.text().await.ok()?;
    let marker = "http-equiv=\"refresh\" content=\"0; url=";
    let start = html.find(marker)? + marker.len();
    let target = &html[start..start + html[start..].find('"')?];
    let below = target.strip_prefix(base_path().as_str())?;
    Some(in_app(below))
}

/// At `/?p=12` (an old short link), asks the host for the page the build wrote for that query
/// and, when it names a post, sends the reader there. Call from the home page.
pub fn follow_old_query() {
    let query = use_location().search.get_untracked();
    let Some(path) = crate::routes::query_alias_path(&query) else {
        return;
    };
    let navigate = use_navigate();
    leptos::task::spawn_local(async move {
        if let Some(to) = moved_to(&format!("{}{path}", base_path())).await {
            navigate(
                &to,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
}

#[component]
pub fn NotFound() -> impl IntoView {
    let navigate = use_navigate();
    // The router's address: during an in-app navigation the browser's may not have changed yet.
    let location = use_location();
    let path = location.pathname.get_untracked();
    let asked = STARTED_AT.with(|start| *start == path);
    let moved = super::any_resource(move || {
        let path = path.clone();
        async move { Ok(if asked { None } else { moved_to(&path).await }) }
    });
    with_site(move |data| {
        match super::value::<Option<String>>(&moved) {
            None => return view! { <Loading/> }.into_any(),
            Some(Ok(to)) if to.is_some() => {
                let to = to.as_ref().clone().unwrap_or_default();
                // Replace, so Back does not return to the old address and bounce here again.
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
            Some(_) => {}
        }
        set_head(
            &Route::NotFound.head(&data.manifest.site),
            &data.manifest.site,
        );
        view! {
            <div class="page not-found">
                <h1>{t(S::not_found)}</h1>
                <p>{t(S::not_found_text)}</p>
                <p><A href={href(&Route::Home { page: 1 })}>{t(S::see_all_posts)}</A></p>
            </div>
            <Ready/>
        }
        .into_any()
    })
}
