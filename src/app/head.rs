//! Keeps the document head true to the page on screen: title, description, canonical link and
//! OpenGraph tags, the document's language and direction: the same ones the build wrote into that
//! route's static page.

use crate::head::PageHead;
use crate::model::SiteInfo;
use leptos::prelude::document;

/// Writes `page` into the head, updating the tags the static page brought rather than adding more.
pub fn set_head(page: &PageHead, site: &SiteInfo) {
    let document = document();
    document.set_title(&page.title);
    let canonical = page.canonical(site);
    set_tag(
        "meta",
        "name",
        "description",
        "content",
        Some(&page.description),
    );
    set_tag("link", "rel", "canonical", "href", canonical.as_deref());
    set_tag(
        "meta",
        "property",
        "og:url",
        "content",
        canonical.as_deref(),
    );
    set_tag("meta", "property", "og:title", "content", Some(&page.title));
    set_tag(
        "meta",
        "property",
        "og:description",
        "content",
        Some(&page.description),
    );
    set_tag("meta", "property", "og:type", "content", Some(page.og_type));
    let robots = page.noindex.then_some("noindex");
    set_tag("meta", "name", "robots", "content", robots);
    set_tag(
        "meta",
        "property",
        "og:site_name",
        "content",
        Some(&site.title),
    );
    // The document's language and direction, as the static page of the route has them: a
    // screen reader reads a Khmer post with a Khmer voice, and an Arabic one runs right to left.
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", page.language(site));
        let _ = root.set_attribute("dir", page.direction(site));
    }
    // The header and footer stay in the site's language, whatever the post's. A page drawn first
    // is set before they are in the document: they are set once it is (the task after this one).
    let lang = site.language.clone();
    leptos::prelude::queue_microtask(move || {
        let dir = crate::model::text_direction(&lang);
        for part in ["body > .site-header", "body > .site-footer"] {
            if let Ok(Some(element)) = document.query_selector(part) {
                let _ = element.set_attribute("lang", &lang);
                let _ = element.set_attribute("dir", dir);
            }
        }
    });
}

/// Sets `<{element} {key}="{name}" {attr}="{value}">` in the head, creating it if missing, or
/// removes it when there is no value.
fn set_tag(element: &str, key: &str, name: &str, attr: &str, value: Option<&str>) {
    let document = document();
    let existing = document
        .query_selector(&format!("head > {element}[{key}=\"{name}\"]"))
        .ok()
        .flatten();
    match (existing, value) {
        (Some(tag), Some(value)) => {
            let _ = tag.set_attribute(attr, value);
        }
        (Some(tag), None) => tag.remove(),
        (None, Some(value)) => {
            let Some(head) = document.head() else { return };
            if let Ok(tag) = document.create_element(element) {
                let _ = tag.set_attribute(key, name);
                let _ = tag.set_attribute(attr, value);
                let _ = head.append_child(&tag);
            }
        }
        (None, None) => {}
    }
}
