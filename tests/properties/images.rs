//! Images from the content folder, broken or hostile: the real fixture images mutated, and random
//! bytes, go through the build's image step (decode, resize, encode) to an image or an error
//! without a panic; SVG made of hostile pieces comes out of the sanitiser, when it comes out,
//! with nothing that runs or loads from elsewhere, as an XML parser reads it.

use super::strategies::{mutate, mutations};
use fieldnotes::builder::images::{process, sanitise_svg, ImageOptions};
use proptest::prelude::*;
use std::path::Path;

/// The fixture photos, small real files of every raster format the build decodes.
fn seeds() -> &'static [(&'static str, Vec<u8>)] {
    static SEEDS: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        [
            ("jpg", "wordpress/uploads/2024/03/riverfront.jpg"),
            ("png", "wordpress/uploads/2024/03/tuk-tuk.png"),
            ("png", "jekyll/assets/boat.png"),
            ("svg", "site/media/map.svg"),
            ("svg", "hugo/posts/river-bundle/photo.svg"),
        ]
        .into_iter()
        .map(|(ext, path)| (ext, std::fs::read(root.join(path)).unwrap()))
        .collect()
    })
}

/// Small widths keep each case quick; the decode path is the same at any width.
fn options() -> ImageOptions {
    ImageOptions {
        widths: vec![8, 16],
        preview: true,
        ..ImageOptions::default()
    }
}

/// Pieces of hostile SVG.
const SVG: &[&str] = &[
    "<script>alert(1)</script>",
    "<script xlink:href=\"https://evil.example/x.js\"/>",
    "<foreignObject><iframe src=\"x\"/></foreignObject>",
    "<a href=\"javascript:alert(1)\"><text>x</text></a>",
    "<a xlink:href=\"jav&#x61;script:x\">y</a>",
    "<image href=\" https://evil.example/i.png\"/>",
    "<image href=\"data:image/png;base64,AAAA\"/>",
    "<image href=\"data:text/html,x\"/>",
    "<use href=\"//evil.example/s.svg#a\"/>",
    "<use href=\"#a\"/>",
    "<rect onclick=\"x\" ONLOAD=\"y\" width=\"1\"/>",
    "<rect fill=\"url(https://evil.example/#p)\"/>",
    "<rect fill=\"url(#p)\"/>",
    "<style>@import url(https://evil.example/a.css);</style>",
    "<style>rect{fill:red}</style>",
    "<style>a{b:\\75rl(x)}</style>",
    "<set attributeName=\"href\" to=\"javascript:x\"/>",
    "<animate attributeName=\"onload\" values=\"x\"/>",
    "<g xml:base=\"https://evil.example/\">",
    "</g>",
    "<g>",
    "<!-- c -->",
    "<?xml-stylesheet href=\"https://evil.example/s.css\"?>",
    "<![CDATA[<script>]]>",
    "<handler>x</handler>",
    "<iframe/>",
    "<embed src=\"x\"/>",
    "text &amp; &lt;",
];

fn hostile_svg() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(SVG), 0..10).prop_map(|pieces| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
width=\"10\" height=\"10\">{}</svg>",
            pieces.concat()
        )
    })
}

/// A URL inside an SVG that stays in the document or on the site, or is an inline raster.
fn local(url: &str) -> bool {
    let url = url.trim_matches(|c: char| c <= ' ').to_ascii_lowercase();
    let url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if let Some(data) = url.strip_prefix("data:") {
        return ["image/png", "image/jpeg", "image/gif", "image/webp"]
            .iter()
            .any(|t| data.starts_with(t));
    }
    let scheme = url.find(':').is_some_and(|c| {
        url[..c]
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "+-.".contains(ch))
            && !url[..c].is_empty()
    });
    !scheme && !url.starts_with("//") && !url.starts_with("\\\\") && !url.starts_with("/\\")
}

/// What is wrong with a sanitised SVG, read by roxmltree (entities decoded), if anything.
fn unsafe_svg(svg: &str) -> Option<String> {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => return Some(format!("not well-formed: {e}")),
    };
    for node in doc.descendants() {
        if node.is_pi() {
            return Some("a processing instruction".into());
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name().to_ascii_lowercase();
        if [
            "script",
            "foreignobject",
            "iframe",
            "embed",
            "object",
            "handler",
            "listener",
            "base",
        ]
        .contains(&name.as_str())
        {
            return Some(format!("a <{name}>"));
        }
        if name == "style" {
            let css = node.text().unwrap_or("").to_ascii_lowercase();
            if css.contains("@import")
                || css.contains('\\')
                || css.contains("url(") && !css.contains("url(#")
            {
                return Some(format!("a <style> that may load: {css}"));
            }
        }
        for attr in node.attributes() {
            let local_name = attr.name().to_ascii_lowercase();
            let value = attr.value();
            if local_name.starts_with("on") {
                return Some(format!("a handler {local_name} on <{name}>"));
            }
            if local_name == "base" {
                return Some("xml:base".into());
            }
            if matches!(local_name.as_str(), "href" | "src") && !local(value) {
                return Some(format!("{local_name}={value:?} on <{name}>"));
            }
            let lower = value.to_ascii_lowercase();
            if let Some(at) = lower.find("url(") {
                let inner = lower[at + 4..].trim_start_matches(['\'', '"', ' ']);
                if !inner.starts_with('#') {
                    return Some(format!("{local_name}={value:?}: url() elsewhere"));
                }
            }
            if (name == "set" || name.starts_with("animate"))
                && local_name == "attributename"
                && (lower.ends_with("href") || lower.starts_with("on"))
            {
                return Some(format!("<{name}> targeting {value}"));
            }
        }
    }
    None
}

fn check_svg(svg: &str) -> Result<(), TestCaseError> {
    if let Ok(clean) = sanitise_svg(svg) {
        if let Some(problem) = unsafe_svg(&clean) {
            return Err(TestCaseError::fail(format!(
                "{problem}\ninput: {svg}\noutput: {clean}"
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config(10_000))]

    #[test]
    fn images_mutated_fixtures(index in any::<proptest::sample::Index>(), m in mutations()) {
        let (ext, bytes) = &seeds()[index.index(seeds().len())];
        let mutated = mutate(bytes, &m);
        let _ = process(&mutated, ext, &options());
        if *ext == "svg" {
            check_svg(&String::from_utf8_lossy(&mutated))?;
        }
    }

    #[test]
    fn images_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256),
                           ext in proptest::sample::select(&["jpg", "png", "webp", "gif", "svg"][..])) {
        let _ = process(&bytes, ext, &options());
    }

    #[test]
    fn images_hostile_svg(svg in hostile_svg()) {
        check_svg(&svg)?;
    }
}

#[test]
fn images_the_svg_checker_catches_what_it_looks_for() {
    for bad in [
        "<svg><script/></svg>",
        "<svg><a href=\"jav&#x61;script:x\"/></svg>",
        "<svg><rect onload=\"x\"/></svg>",
        "<svg><image href=\"https://e.example/x\"/></svg>",
        "<svg><rect fill=\"url(https://e.example/#p)\"/></svg>",
    ] {
        assert!(unsafe_svg(bad).is_some(), "{bad} passed");
    }
    assert_eq!(
        unsafe_svg("<svg><use href=\"#a\"/><rect fill=\"url(#p)\"/></svg>"),
        None
    );
}

#[test]
fn images_svg_with_invalid_names_or_characters_is_refused() {
    // Found by `images_mutated_fixtures`: a flipped byte made `xmlns` into `[mlns`, which the
    // streaming parser does not check; the "sanitised" SVG was not XML at all.
    for svg in [
        "<svg [mlns=\"http://www.w3.org/2000/svg\"><rect/></svg>",
        "<svg><rect 1x=\"0\"/></svg>",
        "<svg><re<ct/></svg>",
        // Found next: a NUL (or another control character) inside an attribute's value.
        "<svg><path d=\"M2\0 18\"/></svg>",
        "<svg><text>\u{1}</text></svg>",
    ] {
        assert!(sanitise_svg(svg).is_err(), "{svg} was accepted");
    }
    let fine = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"1\" data-é=\"2\"/></svg>";
    assert_eq!(unsafe_svg(&sanitise_svg(fine).unwrap()), None);
}

#[test]
fn images_svg_that_is_not_strict_xml_is_refused() {
    // Found by `images_mutated_fixtures` once names were checked: quick-xml also lets through a
    // `<` inside an attribute, an undeclared namespace prefix and an unquoted value's remains.
    for svg in [
        "<svg xmlns=\"<ttp://x\"><rect/></svg>",
        "<svg><path d=\"><M2\"/></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><path s:roke=\"#246\"/></svg>",
    ] {
        assert!(sanitise_svg(svg).is_err(), "{svg} was accepted");
    }
}

#[test]
fn images_svg_with_thousands_of_attributes_is_refused_at_once() {
    // Found by the quadratic benchmark: quick-xml checks each attribute against those before it,
    // so one element with 32,000 attributes took 0.7 s; more than 1,000 are now refused.
    let svg = |n: usize| {
        let attrs: String = (0..n).map(|i| format!("a{i}=\"1\" ")).collect();
        format!("<svg><rect {attrs}/></svg>")
    };
    assert!(sanitise_svg(&svg(500)).is_ok());
    let started = std::time::Instant::now();
    assert!(sanitise_svg(&svg(100_000)).is_err());
    assert!(
        started.elapsed().as_millis() < 500,
        "{:?}",
        started.elapsed()
    );
}
