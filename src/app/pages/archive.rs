//! `/archive`: the years that have posts, and the newest year's posts by month;
//! `/archive/:year`: one year's. Each year is a file of its own.

use super::with_list;
use crate::app::address::href;
use crate::app::components::{with_site, Pagination, Ready};
use crate::app::data::load_archive;
use crate::app::head::set_head;
use crate::app::words::{self, t};
use crate::listing::{month_name, months, year_name};
use crate::model::strings::S;
use crate::model::{PostLink, UNDATED};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn entry(post: &PostLink) -> impl IntoView {
    let date = post.date.clone().unwrap_or_default();
    let (link, title) = (href(&Route::Post(&post.slug)), post.title.clone());
    view! {
        <li>
            <time datetime=date.clone()>{words::s().date(&date)}</time>
            " "
            <A href=link>{title}</A>
        </li>
    }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    let params = use_params_map();
    with_site(move |data| {
        let year = params.read().get("year");
        let page = params
            .read()
            .get("n")
            .map_or(Some(1), |n| n.parse::<usize>().ok().filter(|n| *n >= 1));
        let Some(page) = page else {
            return view! { <super::NotFound/> }.into_any();
        };
        let manifest = data.manifest.clone();
        let index = Route::Archive {
            year: None,
            page: 1,
        }
        .data_file()
        .unwrap_or_default();
        let info = manifest.site.clone();
        let wanted = year.clone();
        with_list(
            move || {
                let (manifest, index, year) = (manifest.clone(), index.clone(), year.clone());
                async move {
                    load_archive(&manifest, &index, year.as_deref(), page)
                        .await
                        .map(|found| found.map(std::sync::Arc::new))
                }
            },
            move |found| {
                let (index, shown) = (found.0.clone(), found.1.clone());
                let years = index
                    .years
                    .clone()
                    .into_iter()
                    .map(|(y, count)| {
                        let link = href(&Route::Archive { year: Some(&y), page: 1 });
                        let current = *y == shown.year;
                        view! {
                            <li><A href=link attr:aria-current=current.then_some("page")>{year_name(words::s(), &y)}</A> " " <span class="count">{words::s().number(count as u64)}</span></li>
                        }
                    })
                    .collect_view();
                let groups = months(&shown.posts)
                    .into_iter()
                    .map(|m| {
                        let heading = (m.month != UNDATED).then(|| view! { <h3>{month_name(words::s(), &m.month)}</h3> });
                        view! {
                            <section>
                                {heading}
                                <ul class="archive-list">{m.posts.into_iter().map(entry).collect_view()}</ul>
                            </section>
                        }
                    })
                    .collect_view();
                let route = Route::Archive {
                    year: wanted.as_deref(),
                    page,
                };
                let shown_year = shown.year.clone();
                let link = std::sync::Arc::new(move |n: usize| {
                    href(&Route::Archive {
                        year: Some(&shown_year),
                        page: n,
                    })
                });
                let (page, pages) = (shown.page, shown.pages);
                set_head(&route.head(&info), &info);
                let heading =
                    (!shown.year.is_empty()).then(|| view! { <h2>{year_name(words::s(), &shown.year)}</h2> });
                view! {
                    <div class="page archive">
                        <h1 class="page-title">{t(S::archive)}</h1>
                        <nav aria-label=t(S::years_nav)><ul class="archive-years">{years}</ul></nav>
                        <section>{heading}{groups}</section>
                        <Pagination page pages link/>
                    </div>
                    <Ready/>
                }
            },
        )
        .into_any()
    })
}
