//! SVG made safe to publish. An SVG is a document, not a picture: opened on its own it can run
//! scripts, and anywhere it can load things from other sites. [`sanitise_svg`] rewrites it
//! through a streaming XML parser, element by element, keeping the drawing and leaving out:
//!
//! - `<script>`, `<foreignObject>` (HTML inside SVG), `<iframe>`, `<embed>`, `<object>`,
//!   `<handler>`, `<listener>` and `<base>`, with everything inside them;
//! - every `on*` attribute (event handlers) and `xml:base`;
//! - `href`/`xlink:href` (and `src`) unless it points into the document (`#id`), to a path on
//!   the site (`images/a.png`, `/media/b.svg`), or is an inline raster image (`data:image/png`,
//!   `jpeg`, `gif`, `webp`); so no `http:`, `https:`, `//host`, `javascript:` or other `data:`;
//! - attributes whose `url(…)` points elsewhere (`fill="url(https://…)"`);
//! - `<style>` with `@import`, an external `url(…)`, a CSS escape or an entity that could hide
//!   either;
//! - `<set>`/`<animate…>` that target an `href` or a handler (the way around the rules above);
//! - the DOCTYPE (entities are refused: they could expand to anything), processing
//!   instructions (`<?xml-stylesheet?>` loads a stylesheet) and comments.
//!
//! What cannot be parsed is refused with an error rather than guessed at.

use anyhow::{bail, Context, Result};
use quick_xml::encoding::Decoder;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// Elements left out with all they contain.
const DROPPED_ELEMENTS: [&str; 8] = [
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "base",
];

/// Raster formats an SVG may carry inline.
const DATA_IMAGES: [&str; 4] = ["png", "jpeg", "gif", "webp"];

/// The SVG without what could run or load from elsewhere (see the module note); an error if it
/// is not well-formed XML with an `<svg>` root.
pub fn sanitise_svg(text: &str) -> Result<String> {
    // XML allows no control characters but tab and line breaks, and quick-xml does not check:
    // a NUL in an attribute would be copied into a file no XML reader accepts.
    if let Some(bad) = text.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        bail!(
            "this SVG holds the character U+{:04X}, which XML does not allow; save it again",
            u32::from(bad)
        );
    }
    let mut reader = Reader::from_str(text);
    let mut writer = Writer::new(Vec::with_capacity(text.len()));
    let mut depth = 0usize;
    let mut seen_root = false;
    let decoder = reader.decoder();
    loop {
        let event = reader.read_event().context(
            "this SVG is not well-formed XML; open it in a drawing program and save it again",
        )?;
        if let Event::Start(tag) | Event::Empty(tag) = &event {
            check_attribute_count(tag)?;
        }
        match event {
            Event::Start(tag) if depth == 0 && !seen_root => {
                seen_root = check_root(&tag)?;
                write_element(&mut writer, tag, false, decoder)?;
                depth += 1;
            }
            Event::Empty(tag) if depth == 0 && !seen_root => {
                seen_root = check_root(&tag)?;
                write_element(&mut writer, tag, true, decoder)?;
            }
            Event::Start(tag) if is_dropped(&tag, decoder) => {
                reader.read_to_end(tag.name())?;
            }
            Event::Empty(tag) if is_dropped(&tag, decoder) => {}
            Event::Start(tag) if tag.local_name().as_ref().eq_ignore_ascii_case(b"style") => {
                copy_style(&mut reader, &mut writer, tag, decoder)?;
            }
            Event::Start(tag) => {
                write_element(&mut writer, tag, false, decoder)?;
                depth += 1;
            }
            Event::Empty(tag) => write_element(&mut writer, tag, true, decoder)?,
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                writer.write_event(Event::End(tag))?;
            }
            Event::GeneralRef(reference) => {
                if !is_known_reference(&reference) {
                    bail!("this SVG uses an entity (&{}) it does not define safely; replace it with the text it stands for", String::from_utf8_lossy(&reference));
                }
                writer.write_event(Event::GeneralRef(reference))?;
            }
            Event::DocType(doctype) => {
                if doctype
                    .windows(7)
                    .any(|w| w.eq_ignore_ascii_case(b"<!ENTITY"))
                {
                    bail!("this SVG declares entities, which can expand to anything; save it without its DOCTYPE");
                }
            }
            Event::Text(_) | Event::CData(_) if depth == 0 => {}
            Event::Decl(_) | Event::Text(_) | Event::CData(_) => writer.write_event(event)?,
            Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !seen_root || depth != 0 {
        bail!("this SVG has no complete <svg> element; open it in a drawing program and save it again");
    }
    let clean = String::from_utf8(writer.into_inner()).context("the cleaned SVG is not UTF-8")?;
    // quick-xml reads leniently (a `<` in an attribute, an undeclared prefix, text after the
    // root): what is published must be XML that a strict parser reads as we did.
    roxmltree::Document::parse(&clean).context(
        "this SVG is not well-formed XML; open it in a drawing program and save it again",
    )?;
    Ok(clean)
}

/// Attributes an element may have. Drawing programs write a dozen or so; reading each checks it
/// against those before it, so an element with 32,000 took 0.7 s (quadratic,
/// `bench/robustness.md`).
const MAX_ATTRIBUTES: usize = 1000;

/// An error if `tag` may have more than [`MAX_ATTRIBUTES`] attributes (counted by their `=`,
/// which no attribute lacks: an upper bound, found in one pass).
fn check_attribute_count(tag: &BytesStart) -> Result<()> {
    let count = tag.attributes_raw().iter().filter(|&&b| b == b'=').count();
    if count > MAX_ATTRIBUTES {
        bail!("this SVG has an element with more than {MAX_ATTRIBUTES} attributes; save it again from a drawing program");
    }
    Ok(())
}

/// True if the root element is `<svg>`, else an error.
fn check_root(tag: &BytesStart) -> Result<bool> {
    if !tag.local_name().as_ref().eq_ignore_ascii_case(b"svg") {
        bail!("this file's root element is not <svg>; save it as an SVG image");
    }
    Ok(true)
}

/// Whether an element is left out with its content: a dangerous kind, or an animation of an
/// `href` or a handler.
fn is_dropped(tag: &BytesStart, decoder: Decoder) -> bool {
    let name = String::from_utf8_lossy(tag.local_name().as_ref()).to_ascii_lowercase();
    if DROPPED_ELEMENTS.contains(&name.as_str()) {
        return true;
    }
    if name == "set" || name.starts_with("animate") {
        let target = attribute_value(tag, decoder, "attributeName").unwrap_or_default();
        let local = target
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        return local == "href" || local.starts_with("on");
    }
    false
}

/// An attribute's value, entities resolved.
fn attribute_value(tag: &BytesStart, decoder: Decoder, name: &str) -> Option<String> {
    tag.attributes().flatten().find_map(|attr| {
        (attr.key.local_name().as_ref() == name.as_bytes()).then(|| decoded(&attr, decoder))
    })?
}

fn decoded(attr: &Attribute, decoder: Decoder) -> Option<String> {
    attr.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
        .ok()
        .map(|v| v.into_owned())
}

/// Writes the element with only its safe attributes.
fn write_element(
    writer: &mut Writer<Vec<u8>>,
    tag: BytesStart,
    empty: bool,
    decoder: Decoder,
) -> Result<()> {
    // quick-xml does not check names: `<svg [x="1">` would be copied into a file that is not
    // XML, which each reader then guesses at in its own way.
    if !is_xml_name(tag.name().as_ref()) {
        bail!("this SVG has an element whose name is not valid XML; save it again");
    }
    let mut clean = tag.to_owned();
    clean.clear_attributes();
    for attr in tag.attributes() {
        let attr = attr.context("this SVG has an attribute that cannot be read; save it again")?;
        if !is_xml_name(attr.key.as_ref()) {
            bail!("this SVG has an attribute whose name is not valid XML; save it again");
        }
        let Some(value) = decoded(&attr, decoder) else {
            continue;
        };
        if is_safe_attribute(attr.key.local_name().as_ref(), attr.key.as_ref(), &value) {
            clean.push_attribute(attr);
        }
    }
    let event = if empty {
        Event::Empty(clean)
    } else {
        Event::Start(clean)
    };
    writer.write_event(event)?;
    Ok(())
}

/// Whether `name` is an XML name: a letter, `_`, `:` or any non-ASCII character first, then
/// those, digits, `-` and `.` (non-ASCII is taken as the standard's name characters, which is
/// nearly all of it).
fn is_xml_name(name: &[u8]) -> bool {
    let start = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80;
    name.first().is_some_and(|&b| start(b))
        && name
            .iter()
            .all(|&b| start(b) || b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// Whether an attribute may stay: no handler, no `xml:base`, references that stay on the site.
fn is_safe_attribute(local: &[u8], qualified: &[u8], value: &str) -> bool {
    let local = String::from_utf8_lossy(local).to_ascii_lowercase();
    if local.starts_with("on") || qualified.eq_ignore_ascii_case(b"xml:base") {
        return false;
    }
    // `src` does nothing in SVG, but HTML elements slipped in under their namespace have it.
    if local == "href" || local == "src" {
        return is_site_reference(value);
    }
    css_urls_stay_on_site(value)
}

/// `#id`, a path on the site, or an inline raster image.
fn is_site_reference(url: &str) -> bool {
    // Browsers ignore tabs, line breaks and leading spaces or controls in URLs: `java\tscript:`.
    let url: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if url.contains('\\') || url.starts_with("//") {
        return false;
    }
    // A scheme is what comes before a colon that no `/`, `?` or `#` precedes.
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    let scheme = url.find(':').filter(|&colon| colon < path_start);
    match scheme.map(|colon| (&url[..colon], &url[colon + 1..])) {
        None => true,
        Some(("data", rest)) => {
            let kind = rest.split([';', ',']).next().unwrap_or_default();
            kind.strip_prefix("image/")
                .is_some_and(|format| DATA_IMAGES.contains(&format))
        }
        Some(_) => false,
    }
}

/// Whether every `url(…)` in a value (CSS or a presentation attribute) is a site reference; any
/// CSS escape (`\`) beside a parenthesis fails, since it could spell `url(` or a scheme in a way
/// this does not read.
fn css_urls_stay_on_site(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if lower.contains('(') && lower.contains('\\') {
        return false;
    }
    lower.match_indices("url(").all(|(start, _)| {
        let inside = &lower[start + 4..];
        let target = inside.split(')').next().unwrap_or(inside);
        let target = target.trim().trim_matches(['"', '\'']);
        is_site_reference(target)
    })
}

/// The five XML entities and character references; anything else needs a DOCTYPE.
fn is_known_reference(reference: &quick_xml::events::BytesRef) -> bool {
    let name: &[u8] = reference;
    reference.is_char_ref() || matches!(name, b"lt" | b"gt" | b"amp" | b"apos" | b"quot")
}

/// Copies a `<style>` element whose content is only text, with no `@import`, escape, entity or
/// off-site `url(…)`; leaves it out otherwise.
fn copy_style(
    reader: &mut Reader<&[u8]>,
    writer: &mut Writer<Vec<u8>>,
    tag: BytesStart,
    decoder: Decoder,
) -> Result<()> {
    let mut content = Vec::new();
    let mut css = String::new();
    let mut safe = true;
    loop {
        match reader.read_event()? {
            Event::End(_) => break,
            Event::Text(text) => {
                css.push_str(&String::from_utf8_lossy(&text));
                content.push(Event::Text(text));
            }
            Event::CData(data) => {
                css.push_str(&String::from_utf8_lossy(&data));
                content.push(Event::CData(data));
            }
            Event::Comment(_) => {}
            Event::Start(inner) => {
                safe = false;
                reader.read_to_end(inner.name())?;
            }
            Event::Eof => bail!("this SVG ends inside a <style> element; save it again"),
            _ => safe = false,
        }
    }
    let lower = css.to_ascii_lowercase();
    if !safe || lower.contains("@import") || lower.contains('\\') || !css_urls_stay_on_site(&css) {
        return Ok(());
    }
    write_element(writer, tag.clone(), false, decoder)?;
    for event in content {
        writer.write_event(event)?;
    }
    writer.write_event(Event::End(tag.to_end()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_stay_on_the_site() {
        for good in [
            "#a",
            "images/a.png",
            "/media/b.svg#x",
            "data:image/png;base64,AA",
            "a.svg?x=1",
        ] {
            assert!(is_site_reference(good), "{good}");
        }
        for bad in [
            "https://example.com/a.png",
            "HTTP://x",
            "//example.com/a",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "data:image/svg+xml,<svg>",
            "/\\example.com",
            "vbscript:x",
        ] {
            assert!(!is_site_reference(bad), "{bad}");
        }
    }

    #[test]
    fn css_urls_are_checked_one_by_one() {
        assert!(css_urls_stay_on_site("url(#g)"));
        assert!(css_urls_stay_on_site(
            "fill: url('#g'); stroke: url(\"#h\")"
        ));
        assert!(!css_urls_stay_on_site("url(#g) url(https://x/y)"));
        assert!(!css_urls_stay_on_site("u\\72l(//x)url(#g)"));
        assert!(css_urls_stay_on_site("red"));
    }
}
