//! The one place where HTML is put into the page, and it only takes the safe renderer's output:
//! a [`SafeHtml`] the builder wrote into a post's, a page's or a comment's data file, or one the
//! Markdown piece made for a reader's own comment.

use crate::app::timing::Span;
use crate::markdown::SafeHtml;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A body as [`crate::markdown::render`] made it (raw HTML inert, unsafe URLs gone): the only
/// type it accepts. The words of `highlight` (a reader arriving from search results) are marked
/// in its text once it is in the page. `measure` names a User Timing measure of the time from
/// here to the body's elements being made (`fieldnotes:render-post`).
#[component]
pub fn Article(
    html: SafeHtml,
    #[prop(optional)] highlight: Vec<String>,
    #[prop(optional)] measure: Option<&'static str>,
) -> impl IntoView {
    let body = NodeRef::<Div>::new();
    let span = measure.map(Span::start);
    body.on_load(move |element| {
        if !highlight.is_empty() {
            mark_words(&element, &highlight);
        }
        if let Some(span) = span {
            span.end();
        }
    });
    view! { <div class="prose" node_ref=body inner_html=html.into_string()></div> }
}

/// Wraps each word of `words` found in the text under `node` in a `<mark>`, with the same rule of
/// what a matching word is as search itself ([`crate::search::highlight`]).
fn mark_words(node: &web_sys::Node, words: &[String]) {
    let children = node.child_nodes();
    // Collected first: marking replaces nodes of the list being walked.
    let nodes: Vec<web_sys::Node> = (0..children.length())
        .filter_map(|i| children.item(i))
        .collect();
    for child in nodes {
        if child.node_type() != web_sys::Node::TEXT_NODE {
            mark_words(&child, words);
            continue;
        }
        let text = child.node_value().unwrap_or_default();
        let runs = crate::search::highlight(&text, words);
        if !runs.iter().any(|(_, marked)| *marked) {
            continue;
        }
        let (Some(parent), Some(document)) = (child.parent_node(), node.owner_document()) else {
            continue;
        };
        for (run, marked) in runs {
            let piece: web_sys::Node = if marked {
                let Ok(mark) = document.create_element("mark") else {
                    continue;
                };
                mark.set_text_content(Some(&run));
                mark.unchecked_into()
            } else {
                document.create_text_node(&run).unchecked_into()
            };
            let _ = parent.insert_before(&piece, Some(&child));
        }
        let _ = parent.remove_child(&child);
    }
}
