//! What the renderer's HTML becomes away from the page it was made for: its visible text (search
//! snippets and the offline search read posts as text, without a Markdown parser in the app) and
//! its site URLs made absolute (feeds are read away from the site).
//!
//! Both read only [`SafeHtml`], whose every tag the renderer wrote itself: a literal `<` in text is
//! always escaped, so `<` always opens a tag and `>` always closes it, and attribute values are
//! double-quoted with their quotes escaped. That is what keeps these scanners short and exact.

use super::SafeHtml;

/// Elements whose end ends a block of text: a line break there keeps the words of neighbouring
/// blocks apart, as [`super::analyze`] does.
const BLOCK_ENDS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "pre",
    "blockquote",
    "figcaption",
    "div",
];

/// The visible text of rendered HTML, one block a line: entities decoded, an image's alt text
/// kept (a reader searching for it finds the post), the heading anchors' `#` and footnote numbers
/// left out.
pub fn text_of_html(html: &SafeHtml) -> String {
    let html = html.as_str();
    let mut text = String::with_capacity(html.len() / 2);
    // Inside an element whose text is not the post's (`<a class="anchor">`, a footnote mark).
    let mut skipping: Option<&str> = None;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            push_decoded(&mut text, &rest[..open]);
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name = tag_name(tag);
        if let Some(end) = skipping {
            if tag.strip_prefix('/') == Some(end) {
                skipping = None;
            }
            continue;
        }
        match name {
            "a" if tag.contains("class=\"anchor\"") => skipping = Some("a"),
            // A footnote's number, where it is cited and where it is defined.
            "sup" if tag.contains("class=\"footnote-") => skipping = Some("sup"),
            "img" if !tag.contains("class=\"photo-placeholder\"") => {
                if let Some(alt) = attribute(tag, "alt") {
                    push_decoded(&mut text, alt);
                }
            }
            "br" => text.push(' '),
            _ => {
                if let Some(end) = name.strip_prefix('/') {
                    if BLOCK_ENDS.contains(&end) && !text.ends_with('\n') {
                        text.push('\n');
                    }
                }
            }
        }
    }
    if skipping.is_none() {
        push_decoded(&mut text, rest);
    }
    text
}

/// The HTML with every URL of the site (a path from the root, `/posts/…`, `/data/media/…`) in
/// `href`, `src` and `srcset` preceded by `origin` (`https://example.org`), as [`super::render`]
/// writes it when given that origin, except that links to the site itself carry no `rel` (they
/// lead to no other site).
pub fn absolute_urls(html: &SafeHtml, origin: &str) -> SafeHtml {
    let html = html.as_str();
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        out.push_str(&rest[..open]);
        let tag = &rest[open..open + close + 1];
        rest = &rest[open + close + 1..];
        let mut tag_rest = tag;
        while let Some((at, len)) = next_url_attribute(tag_rest) {
            let value_start = at + len;
            let value_end = value_start + tag_rest[value_start..].find('"').unwrap_or(0);
            out.push_str(&tag_rest[..value_start]);
            let value = &tag_rest[value_start..value_end];
            if tag_rest[at..].starts_with(" srcset=") {
                let entries: Vec<String> = value
                    .split(", ")
                    .map(|entry| with_origin(entry, origin))
                    .collect();
                out.push_str(&entries.join(", "));
            } else {
                out.push_str(&with_origin(value, origin));
            }
            tag_rest = &tag_rest[value_end..];
        }
        out.push_str(tag_rest);
    }
    out.push_str(rest);
    SafeHtml(out)
}

/// The first ` href="`, ` src="` or ` srcset="` of a tag: its place and length.
fn next_url_attribute(tag: &str) -> Option<(usize, usize)> {
    [" href=\"", " src=\"", " srcset=\""]
        .iter()
        .filter_map(|name| tag.find(name).map(|at| (at, name.len())))
        .min()
}

/// A site path (`/…`, never `//…`, which the renderer turns into `https:`) with the origin before it.
fn with_origin(url: &str, origin: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

fn tag_name(tag: &str) -> &str {
    let end = tag
        .find(|c: char| c.is_ascii_whitespace() || c == '/' && !tag.starts_with('/'))
        .unwrap_or(tag.len());
    let name = &tag[..end];
    // `/p` keeps its slash; `br/` would not, but the renderer writes `<br />` with a space.
    name.trim_end_matches('/')
}

/// The value of the attribute `name` of a tag, still escaped.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Text of the HTML with the entities the renderers write decoded.
fn push_decoded(out: &mut String, escaped: &str) {
    let mut rest = escaped;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;"]
            .iter()
            .zip(['&', '<', '>', '"', '\'', '\''])
            .find(|(name, _)| rest.starts_with(**name));
        match entity {
            Some((name, ch)) => {
                out.push(ch);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::super::{analyze, render, RenderOptions};
    use super::*;
    use crate::search::tokenize::terms;
    use std::collections::BTreeMap;

    fn site(origin: &str) -> RenderOptions {
        RenderOptions {
            origin: origin.into(),
            ..RenderOptions::for_site("/blog/", BTreeMap::new())
        }
    }

    /// Documents of every block kind, links of every kind, entities, scripts other than Latin.
    const DOCS: &[&str] = &[
        "# Ferry\nBoats\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n",
        "A [link](/posts/x/) and [another](other/) and [away](https://example.org/a?b=1&c=2).\n\nTom & Jerry < 3 > 2 \"quoted\" 'single'\n",
        "## Heading one\n\nText with a footnote[^1].\n\n[^1]: The note itself.\n\n### Heading two\n\n> quoted words\n> over two lines\n\n```\ncode <here>\n```\n",
        "ភ្នំពេញ ជា រាជធានី\n\n1. first item\n2. second *item*\n\n![a boat at dawn](/media/boat.jpg) and ![](photo.png)\n",
        "Text with `inline code` and a hard  \nbreak.\n\n- [x] done\n- [ ] not done\n",
    ];

    #[test]
    fn the_text_of_the_html_has_the_words_of_the_markdown() {
        for doc in DOCS {
            let html = render(doc, &site("")).html;
            assert_eq!(
                terms(&text_of_html(&html)),
                terms(&analyze(doc).text),
                "{doc}\n{html}"
            );
        }
        let html = render(DOCS[0], &site("")).html;
        let text = text_of_html(&html);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines, ["Ferry", "Boats", "one", "two", "a", "b", "c", "d"]);
        // Raw HTML is shown as text, so it is text here too (the parser's own text leaves it out).
        let html = render("Some <b>bold</b> words.", &site("")).html;
        assert_eq!(text_of_html(&html).trim(), "Some <b>bold</b> words.");
        let html = render(DOCS[1], &site("")).html;
        assert!(
            text_of_html(&html).contains("Tom & Jerry < 3 > 2 \u{201c}quoted\u{201d}"),
            "{}",
            text_of_html(&html)
        );
    }

    #[test]
    fn absolute_urls_are_what_the_renderer_writes_with_an_origin() {
        let mut images = BTreeMap::new();
        images.insert(
            "boat.jpg".to_string(),
            crate::model::ImageRef {
                src: "media/boat.1200.h.jpeg".into(),
                width: Some(1200),
                height: Some(800),
                variants: ["480.h.jpeg", "800.h.webp", "1200.h.webp"]
                    .iter()
                    .map(|v| crate::model::Variant {
                        src: format!("media/boat.{v}"),
                        width: v[..v.find('.').unwrap()].parse().unwrap(),
                        format: v.rsplit('.').next().unwrap().to_string(),
                        bytes: 10,
                    })
                    .collect(),
                placeholder: None,
            },
        );
        let photo = "![A boat](boat.jpg \"At dawn\")\n\nAnd a [link](/posts/x/) with href=\"/kept\" as text.\n";
        // With an origin, the renderer takes the site's own links for another site's.
        let own_link =
            regex::Regex::new(r#"href="(https://notes\.example/[^"]*)" rel="noopener noreferrer""#)
                .unwrap();
        for doc in DOCS.iter().chain([&photo]) {
            let with = |origin: &str| RenderOptions {
                images: images.clone(),
                ..site(origin)
            };
            let relative = render(doc, &with("")).html;
            let absolute = render(doc, &with("https://notes.example")).html;
            let expected = own_link.replace_all(absolute.as_str(), r#"href="$1""#);
            assert_eq!(
                absolute_urls(&relative, "https://notes.example").as_str(),
                expected,
                "{doc}"
            );
        }
    }
}
