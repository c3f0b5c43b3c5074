//! The line under a post title: its authors, date, update, reading time, then its categories and
//! tags.

use crate::app::address::href;
use crate::app::words;
use crate::markdown::reading_label;
use crate::model::strings::S;
use crate::model::{PostSummary, Taxonomy};
use crate::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn PostMeta(post: PostSummary) -> impl IntoView {
    // A protected post's length is its own: no reading time.
    let reading = (!post.protected).then(|| reading_label(words::s(), post.reading_minutes));
    let before_updated = post.date.is_some() || reading.is_some();
    let updated = post.updated.clone().map(|u| {
        let sep = if before_updated { " · " } else { "" };
        let (before, after) = words::s().around(S::updated, "date");
        view! { {sep} {before} <time datetime=u.clone()>{words::s().date(&u)}</time> {after} }
    });
    let after_date = if reading.is_some() { " · " } else { "" };
    let date = post.date.clone().map(|d| {
        view! { <time datetime=d.clone()>{words::s().date(&d)}</time> {after_date} }
    });
    let authors = byline(&post);
    let terms = [Taxonomy::Categories, Taxonomy::Tags].map(|taxonomy| terms(&post, taxonomy));
    view! {
        <div class="post-meta">
            <p>
                {authors}
                {date}
                {reading}
                {updated}
            </p>
            {terms}
        </div>
    }
}

/// `By Dara, Sok · `, each name a link to the author's posts; nothing when it names nobody.
fn byline(post: &PostSummary) -> Option<impl IntoView> {
    (!post.authors.is_empty()).then(|| {
        let names = post
            .authors
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let route = Route::Term {
                    taxonomy: Taxonomy::Authors,
                    term: name,
                    page: 1,
                };
                let sep = if i > 0 { ", " } else { "" };
                let (link, name) = (href(&route), name.clone());
                view! { {sep} <A href=link attr:class="author">{name}</A> }
            })
            .collect_view();
        let (before, after) = words::s().around(S::by, "names");
        view! { {before} {names} {after} " · " }
    })
}

/// The post's terms of one taxonomy, each a link to its list; nothing when it has none.
fn terms(post: &PostSummary, taxonomy: Taxonomy) -> Option<impl IntoView> {
    let terms = taxonomy.terms_of(post);
    (!terms.is_empty()).then(|| {
        let class = taxonomy.singular();
        let items = terms
            .iter()
            .map(|term| {
                let route = Route::Term {
                    taxonomy,
                    term,
                    page: 1,
                };
                let (link, label) = (href(&route), term.clone());
                view! { <li><A href=link attr:class=class>{label}</A></li> }
            })
            .collect_view();
        view! { <ul class=taxonomy.folder() aria-label=taxonomy.title(words::s())>{items}</ul> }
    })
}
