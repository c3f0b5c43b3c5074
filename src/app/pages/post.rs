//! `/posts/:slug`: one post, fetched on its own and drawn from the HTML the builder rendered, with
//! its table of contents, series, comments, and the posts before and after it.

use super::{any_resource, value, NotFound};
use crate::app::address::href;
use crate::app::components::{
    move_focus, with_site, Article, LoadFailed, Loading, NotStored, OfflineMark, PostMeta, Ready,
};
use crate::app::data::{is_file_of, load_post, load_post_nav, post_file, SiteData};
use crate::app::head::set_head;
use crate::app::net::LoadError;
use crate::app::offline::{self, Offline};
use crate::app::words::{self, t};
use crate::markdown::Heading;
use crate::model::strings::S;
use crate::model::{text_direction, Post, PostLink, PostNav, PostSummary, SeriesRef, Translation};
use crate::routes::{highlight_words, slug_of_segment, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::sync::Arc;

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    with_site(move |site| {
        let slug = slug_of_segment(&params.read().get("slug").unwrap_or_default());
        // `?hl=…`: words to mark, from a search result.
        let highlight = highlight_words(query.read().get("hl").as_deref());
        let manifest = site.manifest.clone();
        let lookup = slug.clone();
        let file = any_resource(move || {
            let (manifest, slug) = (manifest.clone(), lookup.clone());
            async move { find_post_file(&manifest, &slug).await }
        });
        let network = expect_context::<Offline>().online;
        move || match value::<Option<String>>(&file) {
            None => view! { <Loading/> }.into_any(),
            Some(Ok(found)) => match found.as_ref() {
                None => view! { <NotFound/> }.into_any(),
                Some(file) => {
                    let (slug, file) = (slug.clone(), file.clone());
                    view! { <PostLoader site=site.clone() slug file highlight=highlight.clone()/> }
                        .into_any()
                }
            },
            Some(Err(LoadError::Network(_))) if !network.get() && offline::is_controlled() => {
                view! { <NotStored retry=move || file.refetch()/> }.into_any()
            }
            Some(Err(error)) => {
                view! { <LoadFailed error retry=move || file.refetch()/> }.into_any()
            }
        }
    })
}

/// The file of the post `slug`; offline, without its slug shard, whichever file of it this
/// browser stored.
async fn find_post_file(
    manifest: &crate::model::Manifest,
    slug: &str,
) -> Result<Option<String>, LoadError> {
    match post_file(manifest, slug).await {
        Err(LoadError::Network(why)) if offline::is_controlled() => {
            offline::stored_file(|file| is_file_of(file, slug))
                .await
                .map(Some)
                .ok_or(LoadError::Network(why))
        }
        other => other,
    }
}

/// Fetches one post's file (once: it is created only when the post's file is known) and, at the
/// same time, the links under it. Without its links (offline, say) the post still shows.
#[component]
fn PostLoader(
    site: Arc<SiteData>,
    slug: String,
    file: String,
    highlight: Vec<String>,
) -> impl IntoView {
    let file_opened = file.clone();
    let network = expect_context::<Offline>().online;
    let manifest = site.manifest.clone();
    let post = any_resource(move || {
        let (file, manifest, slug) = (file.clone(), manifest.clone(), slug.clone());
        async move {
            let (post, nav) = futures::join!(load_post(&file), load_post_nav(&manifest, &slug));
            post.map(|post| (post, nav.unwrap_or_default()))
        }
    });
    move || match value::<(Arc<Post>, PostNav)>(&post) {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(loaded)) => {
            offline::note_opened(&file_opened);
            let nav = loaded.1.clone();
            let mut post = Post::clone(&loaded.0);
            // The post's own file leaves its name out (it is hashed from the content).
            post.summary.file = file_opened.clone();
            view! { <PostView site=site.clone() post nav highlight=highlight.clone()/> }.into_any()
        }
        // Offline, a post the browser has not stored is not an error to retry but a fact to say.
        Some(Err(LoadError::Network(_))) if !network.get() && offline::is_controlled() => {
            view! { <NotStored retry=move || post.refetch()/> }.into_any()
        }
        Some(Err(error)) => view! { <LoadFailed error retry=move || post.refetch()/> }.into_any(),
    }
}

#[component]
fn PostView(
    site: Arc<SiteData>,
    post: Post,
    nav: PostNav,
    highlight: Vec<String>,
) -> impl IntoView {
    let summary = post.summary;
    let (lang, dir) = (summary.lang.clone(), text_direction(&summary.lang));
    let (title, summary_slug) = (summary.title.clone(), summary.slug.clone());
    // A protected post's text is drawn once its password opens it (the `protected` chunk), its
    // comments with it.
    let (text, comments) = match post.sealed {
        Some(sealed) => {
            let opener = crate::app::split::protected(
                site.clone(),
                summary_slug.clone(),
                sealed,
                (highlight.clone(), false),
            );
            (opener.into_any(), None)
        }
        None => (
            post_text(post.toc, post.html, highlight).into_any(),
            Some(crate::app::split::comments(
                site.clone(),
                summary_slug,
                crate::app::components::Published::OfPost,
            )),
        ),
    };
    let series_nav = summary
        .series
        .as_ref()
        .filter(|_| !nav.series.is_empty())
        .map(|s| series_nav(&nav.series, &summary, s));
    let related_nav = related_nav(&nav.related);
    let translations = translations(nav.translations);
    let link = |p: PostLink, rel: &'static str, label: &'static str| {
        let title = p.title.clone();
        view! { <A href={href(&Route::Post(&p.slug))} attr:rel=rel><span class="label">{label}</span>" "{title}</A> }
    };
    let older = nav.older.map(|p| link(p, "next", t(S::older)));
    let newer = nav.newer.map(|p| link(p, "prev", t(S::newer)));
    set_head(
        &Route::post_head(&summary, &site.manifest.site),
        &site.manifest.site,
    );
    view! {
        <article class="page post" lang=lang dir=dir>
            <header>
                <h1 class="page-title">{title}</h1>
                <PostMeta post=summary.clone()/>
                <OfflineMark post=summary/>
            </header>
            {translations}
            {series_nav}
            {text}
        </article>
        {comments}
        {related_nav}
        <nav class="post-nav" aria-label=t(S::more_posts)>{newer}{older}</nav>
        <Ready/>
    }
}

/// A post's text: its table of contents (when it has three sections or more) and its body, the
/// words of `highlight` marked.
pub fn post_text(
    toc: Vec<Heading>,
    html: crate::markdown::SafeHtml,
    highlight: Vec<String>,
) -> impl IntoView {
    let toc = (toc.iter().filter(|h| h.level >= 2).count() >= 3)
        .then(|| view! { <TableOfContents headings=toc/> });
    view! {
        {toc}
        <Article html highlight measure="fieldnotes:render-post"/>
    }
}

/// "Read this in ភាសាខ្មែរ, English": the post in other languages, each named in itself. (Plain
/// links: the router follows them all the same.)
fn translations(translations: Vec<Translation>) -> Option<impl IntoView> {
    (!translations.is_empty()).then(|| {
        let links = translations
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                view! {
                    {(i > 0).then_some(", ")}
                    <a href=href(&Route::Post(&t.slug)) hreflang=t.lang.clone() lang=t.lang>{t.name}</a>
                }
            })
            .collect_view();
        view! { <p class="translations">{t(S::read_this_in)}" "{links}</p> }
    })
}

/// The parts of the series the post belongs to, the post itself marked.
fn series_nav(parts: &[PostLink], post: &PostSummary, s: &SeriesRef) -> impl IntoView {
    let position = parts
        .iter()
        .position(|p| p.slug == post.slug)
        .map_or(0, |i| i + 1);
    let items = parts
        .iter()
        .map(|p| {
            let current = p.slug == post.slug;
            let (link, title) = (href(&Route::Post(&p.slug)), p.title.clone());
            let link = view! { <A href=link>{title}</A> };
            view! { <li aria-current=current.then_some("page")>{link}</li> }
        })
        .collect_view();
    let words = words::s();
    let (position, count) = (
        words.number(position as u64),
        words.number(parts.len() as u64),
    );
    let heading = words.fill(
        S::series_part,
        &[
            ("position", &position),
            ("count", &count),
            ("name", &s.name),
        ],
    );
    view! {
        <nav class="series" aria-label=t(S::series)>
            <p>{heading}</p>
            <ol>{items}</ol>
        </nav>
    }
}

/// Up to three posts sharing the most tags with the post; nothing when none shares one.
fn related_nav(related: &[PostLink]) -> Option<impl IntoView> {
    let related_posts: Vec<_> = related
        .iter()
        .map(|p| (href(&Route::Post(&p.slug)), p.title.clone()))
        .collect();
    (!related_posts.is_empty()).then(|| {
        let items = related_posts
            .into_iter()
            .map(|(link, title)| view! { <li><A href=link>{title}</A></li> })
            .collect_view();
        view! {
            <nav class="related" aria-label=t(S::related_posts)>
                <h2>{t(S::related_posts)}</h2>
                <ul>{items}</ul>
            </nav>
        }
    })
}

/// Links to the sections of a long post.
#[component]
fn TableOfContents(headings: Vec<Heading>) -> impl IntoView {
    let items = headings
        .into_iter()
        .filter(|h| h.level >= 2 && h.level <= 3)
        .map(|h| {
            let class = format!("toc-level-{}", h.level);
            let href = format!("#{}", h.id);
            let go = move |event: leptos::ev::MouseEvent| {
                event.prevent_default();
                focus_section(&h.id);
            };
            view! { <li class=class><a href=href on:click=go>{h.text}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="toc" aria-label=t(S::contents)>
            <h2>{t(S::contents)}</h2>
            <ul>{items}</ul>
        </nav>
    }
}

/// Takes the reader to a section: the focus moves with the view (the next Tab continues from
/// the heading), and the address names the section so it can be shared. Done here because the
/// router would otherwise only scroll.
fn focus_section(id: &str) {
    if !move_focus(document().get_element_by_id(id), true) {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{id}")),
        );
    }
}
