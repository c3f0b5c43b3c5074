//! Moving through search results by keyboard: the arrows step from one result's link to the
//! next, as in a list box, and the search box hands the focus to the first.

use leptos::prelude::*;

/// Focuses the link of result `n` (counted from 0), if it is drawn.
pub fn focus_result(n: usize) {
    if let Ok(links) = document().query_selector_all(RESULT_LINKS) {
        focus_link(&links, n as u32);
    }
}

/// The links of the results, in order.
const RESULT_LINKS: &str = ".search-results h2 a";

fn focus_link(links: &web_sys::NodeList, n: u32) {
    let link = links
        .item(n)
        .and_then(|l| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(l).ok());
    if let Some(link) = link {
        let _ = link.focus();
    }
}

/// Up and down arrows move between results, as in a list box.
pub fn arrow_keys(event: leptos::ev::KeyboardEvent) {
    let step: i32 = match event.key().as_str() {
        "ArrowDown" => 1,
        "ArrowUp" => -1,
        _ => return,
    };
    event.prevent_default();
    move_through_results(step);
}

/// Focuses the result `step` places from the focused one (the first, from outside the list).
pub fn move_through_results(step: i32) {
    let document = document();
    let Ok(links) = document.query_selector_all(RESULT_LINKS) else {
        return;
    };
    let active = document.active_element();
    let mut at: Option<i32> = None;
    for i in 0..links.length() {
        if let (Some(link), Some(active)) = (links.item(i), active.as_ref()) {
            if link.is_same_node(Some(active)) {
                at = Some(i as i32);
            }
        }
    }
    let next = at.map_or(0, |i| (i + step).clamp(0, links.length() as i32 - 1));
    focus_link(&links, next as u32);
}
