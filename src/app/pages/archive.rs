//! `/archive`: every post by year and month.

use crate::app::address::href;
use crate::app::components::{with_site, Ready};
use crate::app::head::set_head;
use crate::listing::{archive, month_name};
use crate::model::{human_date, PostSummary};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

fn entry(post: &PostSummary) -> impl IntoView {
    let date = post.date.clone().unwrap_or_default();
    let (link, title) = (href(&Route::Post(post)), post.title.clone());
    view! {
        <li>
            <time datetime=date.clone()>{human_date(&date)}</time>
            " "
            <A href=link>{title}</A>
        </li>
    }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    with_site(|data| {
        let (years, undated) = archive(&data.posts);
        let years = years
            .into_iter()
            .map(|(year, months)| {
                let months = months
                    .into_iter()
                    .map(|m| {
                        view! {
                            <section>
                                <h3>{month_name(&m.month)}</h3>
                                <ul class="archive-list">{m.posts.into_iter().map(entry).collect_view()}</ul>
                            </section>
                        }
                    })
                    .collect_view();
                view! { <section><h2>{year}</h2>{months}</section> }
            })
            .collect_view();
        let undated = (!undated.is_empty()).then(|| {
            view! {
                <section>
                    <h2>"Undated"</h2>
                    <ul class="archive-list">{undated.into_iter().map(entry).collect_view()}</ul>
                </section>
            }
        });
        set_head(
            &Route::Archive.head(&data.manifest.site),
            &data.manifest.site,
        );
        view! {
            <div class="page archive">
                <h1 class="page-title">"Archive"</h1>
                {years}
                {undated}
            </div>
            <Ready/>
        }
    })
}
